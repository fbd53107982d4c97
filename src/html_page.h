/* html_page.h: writing a self-contained HTML report from its templates. */
#ifndef MEMATTACH_HTML_PAGE_H
#define MEMATTACH_HTML_PAGE_H

#include <stddef.h>
#include <stdio.h>

#include "reports.h"

/* A file of src/html/, embedded at build time (src/html/embed.sh). */
struct html_asset {
	const char *name;	/* file name, e.g. "flamegraph.js" */
	const char *data;
	size_t size;
};

extern const struct html_asset html_assets[];
extern const size_t html_asset_count;

const struct html_asset *html_asset_find(const char *name);

/*
 * Default output path of a report: next to the capture, named
 * memattach-REPORT-BASE.html where BASE is the capture's file name without
 * ".bin" (as Memray names its reports).  The caller frees it.
 */
char *html_default_output(const char *capture_path, const char *report);

/*
 * Write the page: the template asset is copied with every "@@NAME@@"
 * replaced by the asset NAME, and "@@DATA@@" by what put_data writes.
 * The file is o->output (or "-" for stdout), else the default path; it is
 * created 0600 and never clobbered without -f.  Prints the path written
 * on stdout.  Prints one error line and returns -1 on failure, removing
 * the partial file.
 */
int html_page_write(const struct report_options *o, const char *report,
		    const char *template_name,
		    void (*put_data)(FILE *out, void *arg), void *arg);

#endif /* MEMATTACH_HTML_PAGE_H */
