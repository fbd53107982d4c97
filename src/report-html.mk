# src/report-html.mk: the HTML reports (flame graph, table).  Their pages are
# written as ordinary HTML, CSS and JS files in src/html/ and embedded into
# the binary as byte arrays by src/html/embed.sh at build time.
libmemattach_a_SOURCES += \
	src/html_data.c \
	src/html_data.h \
	src/html_page.c \
	src/html_page.h \
	src/report_flamegraph.c \
	src/report_table.c
nodist_libmemattach_a_SOURCES = src/html_assets.c

HTML_ASSETS = \
	src/html/common.css \
	src/html/common.js \
	src/html/flamegraph.css \
	src/html/flamegraph.html \
	src/html/flamegraph.js \
	src/html/table.css \
	src/html/table.html \
	src/html/table.js

src/html_assets.c: $(HTML_ASSETS) src/html/embed.sh
	$(AM_V_GEN)$(MKDIR_P) src && \
	$(SHELL) $(srcdir)/src/html/embed.sh \
		$(HTML_ASSETS:%=$(srcdir)/%) >$@.tmp && mv $@.tmp $@

CLEANFILES += src/html_assets.c src/html_assets.c.tmp
EXTRA_DIST += $(HTML_ASSETS) src/html/embed.sh
