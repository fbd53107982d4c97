# tests/payload.mk: the payload's behaviour inside real Python programs.
PAYLOAD_TESTS = tests/payload-fork.py tests/payload-late-library.py \
	tests/payload-pymalloc.py tests/payload-long-function.py
TESTS += $(PAYLOAD_TESTS)
EXTRA_DIST += $(PAYLOAD_TESTS) tests/scripts
