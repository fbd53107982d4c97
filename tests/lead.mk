# tests/lead.mk: run-mode and whole-product tests.
TESTS += tests/run-passthrough.py tests/run-seed.py tests/run-threads.py \
	tests/live-leak.py tests/run-unsupported.py
EXTRA_DIST += tests/run-passthrough.py tests/run-seed.py tests/run-threads.py \
	tests/live-leak.py tests/run-unsupported.py tests/setup-debian.sh tests/build.sh \
	tests/check.sh tests/demo.sh
