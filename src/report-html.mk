# src/report-html.mk
