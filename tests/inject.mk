# tests/inject.mk
