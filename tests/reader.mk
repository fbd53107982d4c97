# tests/reader.mk: the capture reader, the analysis and the text reports,
# on synthetic captures written by tests/make_capture.py (no payload), and
# on real captures of tests/workloads/seed.py (reader-real.py).
TESTS += \
	tests/reader-reports.py \
	tests/reader-damage.py \
	tests/reader-errors.py \
	tests/reader-big.py \
	tests/reader-real.py
EXTRA_DIST += \
	tests/make_capture.py \
	tests/reader-reports.py \
	tests/reader-damage.py \
	tests/reader-errors.py \
	tests/reader-big.py \
	tests/reader-real.py

# Stack merging (--native) with a stand-in symbolizer defined by the test.
check_PROGRAMS += tests/reader-merge
TESTS += tests/reader-merge
tests_reader_merge_SOURCES = tests/reader-merge.c
tests_reader_merge_LDADD = libmemattach.a $(LIBLZ4_LIBS)

# Fuzz regressions: inputs that once broke the reader, and hostile ones
# written to reach its limits, replayed through every terminal report.
TESTS += tests/reader-fuzz-regressions.py
EXTRA_DIST += tests/reader-fuzz-regressions.py tests/fuzz/fuzz_capture.c \
	tests/fuzz/make_regressions.py tests/fuzz/regressions

# `make fuzz`: a libFuzzer run over the reader, the analysis and the
# reports (not part of make check).  Needs clang and libclang-rt-14-dev.
# FUZZ_SECONDS sets the duration; crashes land in tests/fuzz/crashes/ and
# belong in tests/fuzz/regressions/ once fixed.
FUZZ_CC = clang
FUZZ_SECONDS = 90
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
fuzz_sources = \
	$(srcdir)/src/addr_table.c \
	$(srcdir)/src/analysis.c \
	$(srcdir)/src/capture.c \
	$(srcdir)/src/capture_map.c \
	$(srcdir)/src/capture_tables.c \
	$(srcdir)/src/error.c \
	$(srcdir)/src/json.c \
	$(srcdir)/src/output.c \
	$(srcdir)/src/report_folded.c \
	$(srcdir)/src/report_options.c \
	$(srcdir)/src/report_output.c \
	$(srcdir)/src/report_stats.c \
	$(srcdir)/src/report_summary.c \
	$(srcdir)/src/report_tree.c \
	$(srcdir)/src/report_trie.c \
	$(srcdir)/tests/fuzz/fuzz_capture.c

# The symbolizer's files (src/symbolize*.c) are linked in as they are.
tests/fuzz/fuzz_capture: $(fuzz_sources) config.h
	$(AM_V_CC)mkdir -p tests/fuzz && srcs="$(fuzz_sources)"; \
	libs=""; \
	for f in $(srcdir)/src/symbolize*.c; do \
		test -f "$$f" || continue; \
		srcs="$$srcs $$f"; \
		libs="$(LIBDW_LIBS) $(LIBELF_LIBS)"; \
	done; \
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I. -I$(srcdir)/src -I$(srcdir)/payload \
		$(LIBDW_CFLAGS) $(LIBLZ4_CFLAGS) -o $@ $$srcs \
		$(LIBLZ4_LIBS) $$libs -lm

fuzz: tests/fuzz/fuzz_capture
	rm -rf tests/fuzz/corpus
	mkdir -p tests/fuzz/corpus tests/fuzz/crashes
	$(PYTHON3) $(srcdir)/tests/make_capture.py seed tests/fuzz/corpus/seed
	$(PYTHON3) $(srcdir)/tests/make_capture.py seed3 \
		tests/fuzz/corpus/seed3
	$(PYTHON3) $(srcdir)/tests/make_capture.py empty \
		tests/fuzz/corpus/empty
	$(PYTHON3) $(srcdir)/tests/make_capture.py native \
		tests/fuzz/corpus/native
	cp $(srcdir)/tests/fuzz/regressions/* tests/fuzz/corpus/
	$(PYTHON3) $(srcdir)/tests/fuzz/make_regressions.py tests/fuzz/corpus
	for f in seed seed3 native; do \
		tail -c +17 tests/fuzz/corpus/$$f | lz4 -dc \
			> tests/fuzz/corpus/$$f.raw || exit 1; \
	done
	ASAN_OPTIONS=detect_leaks=1 ./tests/fuzz/fuzz_capture \
		-max_total_time=$(FUZZ_SECONDS) -close_fd_mask=3 -max_len=8192 \
		-timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=tests/fuzz/crashes/ tests/fuzz/corpus

.PHONY: fuzz
CLEANFILES += tests/fuzz/fuzz_capture
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/corpus tests/fuzz/crashes
.PHONY: clean-fuzz
