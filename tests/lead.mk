# tests/lead.mk
