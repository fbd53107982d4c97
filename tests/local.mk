# tests/local.mk: make check.  Tests follow automake's exit codes: 0 pass,
# 77 skip, 99 framework error.  Each folder's tests live in their own .mk.
TEST_EXTENSIONS = .sh .py
SH_LOG_COMPILER = $(SHELL)
PY_LOG_COMPILER = $(PYTHON3)
AM_TESTS_ENVIRONMENT = \
	MEMATTACH='$(abs_top_builddir)/memattach'; export MEMATTACH; \
	MEMATTACH_PAYLOAD='$(abs_top_builddir)/memattach-payload.so'; \
	export MEMATTACH_PAYLOAD; \
	WORKLOADS='$(abs_top_srcdir)/tests/workloads'; export WORKLOADS; \
	TOP_BUILDDIR='$(abs_top_builddir)'; export TOP_BUILDDIR; \
	TOP_SRCDIR='$(abs_top_srcdir)'; export TOP_SRCDIR; \
	PYTHONPATH='$(abs_top_srcdir)/tests'; export PYTHONPATH; \
	PYTHONDONTWRITEBYTECODE=1; export PYTHONDONTWRITEBYTECODE;
EXTRA_DIST += tests/lib.py tests/workloads

include tests/payload.mk
include tests/inject.mk
include tests/reader.mk
include tests/html.mk
include tests/native.mk
include tests/lead.mk
