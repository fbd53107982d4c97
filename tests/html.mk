# tests/html.mk: the HTML reports, checked in headless Chromium
# (tests/browser.py; skipped when /usr/bin/chromium is absent) and from the
# command line.  Screenshots for review go to tests/screenshots/.
TESTS += \
	tests/html-cli.py \
	tests/html-flamegraph.py \
	tests/html-table.py \
	tests/html-bigtable.py \
	tests/html-big-capture.py \
	tests/html-hostile.py
EXTRA_DIST += \
	tests/browser.py \
	tests/htmlreport.py \
	tests/html-cli.py \
	tests/html-flamegraph.py \
	tests/html-table.py \
	tests/html-bigtable.py \
	tests/html-big-capture.py \
	tests/html-hostile.py

clean-local: clean-html-screenshots
clean-html-screenshots:
	rm -rf tests/screenshots
.PHONY: clean-html-screenshots
