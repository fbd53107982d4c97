# tests/native.mk: --native capture and symbolization tests
