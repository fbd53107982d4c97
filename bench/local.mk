# bench/local.mk: the benchmarks.  `make bench` measures the build tree
# (BENCH_FLAGS=--quick for a short run, --write-doc to regenerate
# docs/performance.md); make check runs only a smoke pass of the script.
bench_scripts = \
	bench/run \
	bench/benchlib.py \
	bench/runtime_cost.py \
	bench/attach_cost.py \
	bench/report_speed.py \
	bench/perfdoc.py

bench: all
	$(PYTHON3) $(srcdir)/bench/run \
		--memattach $(abs_top_builddir)/memattach \
		--payload $(abs_top_builddir)/memattach-payload.so $(BENCH_FLAGS)
.PHONY: bench

TESTS += bench/smoke.py
EXTRA_DIST += $(bench_scripts) bench/smoke.py bench/findings.md
