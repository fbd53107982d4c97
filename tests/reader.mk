# tests/reader.mk: the capture reader, the analysis and the text reports,
# on synthetic captures written by tests/make_capture.py (no payload).
TESTS += \
	tests/reader-reports.py \
	tests/reader-damage.py \
	tests/reader-errors.py \
	tests/reader-big.py
EXTRA_DIST += \
	tests/make_capture.py \
	tests/reader-reports.py \
	tests/reader-damage.py \
	tests/reader-errors.py \
	tests/reader-big.py
