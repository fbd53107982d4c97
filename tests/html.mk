# tests/html.mk
