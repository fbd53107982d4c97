# src/attach.mk
