# tests/local.mk: make check
