# tests/payload.mk
