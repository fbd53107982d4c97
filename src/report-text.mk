# src/report-text.mk
