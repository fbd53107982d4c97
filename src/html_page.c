/* html_page.c: template expansion and the output file of the HTML reports. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "html_page.h"
#include "output.h"

#define MARK "@@"
#define MARK_LEN 2
#define MAX_NAME 64

const struct html_asset *html_asset_find(const char *name)
{
	size_t i;

	for (i = 0; i < html_asset_count; i++)
		if (!strcmp(html_assets[i].name, name))
			return &html_assets[i];
	return NULL;
}

char *html_default_output(const char *capture_path, const char *report)
{
	const char *slash = strrchr(capture_path, '/');
	const char *base = slash ? slash + 1 : capture_path;
	size_t dirlen = slash ? (size_t)(slash - capture_path) + 1 : 0;
	size_t baselen = strlen(base);

	if (baselen > 4 && !strcmp(base + baselen - 4, ".bin"))
		baselen -= 4;
	return xasprintf("%.*smemattach-%s-%.*s.html", (int)dirlen,
			 capture_path, report, (int)baselen, base);
}

/* Find the next "@@NAME@@" in [p, end); NULL if there is none. */
static const char *find_marker(const char *p, const char *end,
			       char name[MAX_NAME], const char **after)
{
	while (p + 2 * MARK_LEN < end) {
		const char *start = memchr(p, '@', (size_t)(end - p)), *q;

		if (!start || start + 2 * MARK_LEN > end)
			return NULL;
		if (memcmp(start, MARK, MARK_LEN)) {
			p = start + 1;
			continue;
		}
		for (q = start + MARK_LEN; q < end && q - start < MAX_NAME &&
		     (*q == '.' || *q == '-' || *q == '_' ||
		      (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9')); q++)
			;
		if (q > start + MARK_LEN && q + MARK_LEN <= end &&
		    !memcmp(q, MARK, MARK_LEN)) {
			size_t n = (size_t)(q - start - MARK_LEN);

			memcpy(name, start + MARK_LEN, n);
			name[n] = '\0';
			*after = q + MARK_LEN;
			return start;
		}
		p = start + 1;
	}
	return NULL;
}

/*
 * Copy the template, replacing its markers.  Included assets (CSS, JS) are
 * copied verbatim: only templates hold markers, so a "@@" that JS code
 * happens to contain can never be mistaken for one.
 */
static int expand(FILE *out, const struct html_asset *tmpl,
		  void (*put_data)(FILE *out, void *arg), void *arg)
{
	const char *p = tmpl->data, *end = tmpl->data + tmpl->size;
	char name[MAX_NAME];

	while (p < end) {
		const char *after, *m = find_marker(p, end, name, &after);
		const struct html_asset *inc;

		if (!m) {
			fwrite(p, 1, (size_t)(end - p), out);
			break;
		}
		fwrite(p, 1, (size_t)(m - p), out);
		p = after;
		if (!strcmp(name, "DATA")) {
			put_data(out, arg);
			continue;
		}
		inc = html_asset_find(name);
		if (!inc) {
			error_msg("%s: no embedded asset named %s", tmpl->name,
				  name);
			return -1;
		}
		fwrite(inc->data, 1, inc->size, out);
	}
	return 0;
}

int html_page_write(const struct report_options *o, const char *report,
		    const char *template_name,
		    void (*put_data)(FILE *out, void *arg), void *arg)
{
	const struct html_asset *tmpl = html_asset_find(template_name);
	char *path;
	FILE *out;
	struct stat st;
	bool regular = false;
	int fd, rc, to_stdout = o->output && !strcmp(o->output, "-");
	static char buf[1 << 16];

	if (!tmpl) {
		error_msg("%s: no embedded template", template_name);
		return -1;
	}
	if (to_stdout) {
		path = xstrdup("standard output");
		out = stdout;
	} else {
		path = o->output ? xstrdup(o->output) :
			html_default_output(o->capture_path, report);
		fd = output_create(path, o->force);
		if (fd < 0) {
			free(path);
			return -1;
		}
		/* A partial page is removed on failure, but only a regular
		 * file: -f may have opened a device or a FIFO. */
		regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		out = fdopen(fd, "w");
		if (!out) {
			perror_msg("%s", path);
			close(fd);
			if (regular)
				unlink(path);
			free(path);
			return -1;
		}
		setvbuf(out, buf, _IOFBF, sizeof(buf));
	}

	rc = expand(out, tmpl, put_data, arg);
	if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
		perror_msg("%s", path);
		rc = -1;
	}
	if (!to_stdout) {
		/* fclose reports a write error the flush did not (NFS). */
		if (fclose(out) != 0 && rc == 0) {
			perror_msg("%s", path);
			rc = -1;
		}
		if (rc < 0 && regular)
			unlink(path);
		else
			printf("Wrote %s\n", path);
	}
	free(path);
	return rc;
}
