# src/report-text.mk: the capture reader, the analysis and the terminal
# reports (summary, stats, tree, folded) behind `memattach report`.
libmemattach_a_SOURCES += \
	src/addr_table.c \
	src/addr_table.h \
	src/analysis.c \
	src/capture.c \
	src/capture_map.c \
	src/capture_map.h \
	src/capture_priv.h \
	src/capture_tables.c \
	src/report_cmd.c \
	src/report_folded.c \
	src/report_options.c \
	src/report_output.c \
	src/report_stats.c \
	src/report_summary.c \
	src/report_text.h \
	src/report_tree.c \
	src/report_trie.c
