/* report_output.c: where terminal reports write, how they name locations,
 * and the capture description their JSON starts with. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_priv.h"
#include "error.h"
#include "json.h"
#include "output.h"
#include "report_text.h"
#include "symbolize.h"

FILE *report_output_open(const struct report_options *o)
{
	FILE *f;
	int fd;

	if (!o->output || !strcmp(o->output, "-"))
		return stdout;
	fd = output_create(o->output, o->force);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		perror_msg("%s", o->output);
		close(fd);
		unlink(o->output);
	}
	return f;
}

int report_output_close(FILE *f, const struct report_options *o)
{
	const char *name = f == stdout ? "standard output" : o->output;
	int bad = fflush(f) != 0 || ferror(f);
	int saved = errno;

	if (f != stdout && fclose(f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		errno = saved;
		perror_msg("writing %s", name);
		return -1;
	}
	return 0;
}

void report_warn_symbols(const struct report_options *o,
			 const struct capture *cap)
{
	const char *why = cap->sym ? symbolizer_mismatch(cap->sym) : NULL;

	if (why)
		error_msg("warning: %s: %s", o->capture_path, why);
}

void report_location_text(const struct capture_location *l, char *buf,
			  size_t len)
{
	if (!l->file[0])
		snprintf(buf, len, "%s", l->function);
	else if (l->line)
		snprintf(buf, len, "%s at %s:%" PRIu32, l->function, l->file,
			 l->line);
	else
		snprintf(buf, len, "%s at %s", l->function, l->file);
}

static void json_kv_string(FILE *out, const char *key, const char *value)
{
	fprintf(out, "\"%s\": ", key);
	if (value)
		json_put_string(out, value);
	else
		fputs("null", out);
	fputs(", ", out);
}

void report_json_capture(FILE *out, const struct report_options *o,
			 const struct capture *cap, const struct analysis *a)
{
	const char *pid = capture_header(cap, "pid");
	size_t i;

	fputs("{", out);
	json_kv_string(out, "path", o->capture_path);
	/* The pid is a number when the header holds a sane one. */
	if (pid && *pid && strspn(pid, "0123456789") == strlen(pid) &&
	    strlen(pid) < 10)
		fprintf(out, "\"pid\": %s, ", pid);
	else
		fputs("\"pid\": null, ", out);
	json_kv_string(out, "python_version",
		       capture_header(cap, "python_version"));
	json_kv_string(out, "argv", capture_header(cap, "argv"));
	json_kv_string(out, "mode", capture_header(cap, "mode"));
	json_kv_string(out, "start_time", capture_header(cap, "start_time"));
	json_kv_string(out, "view",
		       o->analysis.view == VIEW_LEAKS ? "leaks" : "peak");
	fputs("\"thread_filter\": [", out);
	for (i = 0; i < o->analysis.ntids; i++)
		fprintf(out, "%s%" PRIu32, i ? ", " : "", o->analysis.tids[i]);
	fputs("], ", out);
	fprintf(out, "\"native\": %s, \"complete\": %s, ",
		capture_has_native(cap) ? "true" : "false",
		capture_complete(cap) ? "true" : "false");
	json_kv_string(out, "damage", capture_damage(cap));
	fprintf(out,
		"\"events\": %" PRIu64 ", \"lost_events\": %" PRIu64 ", "
		"\"duration_ms\": %" PRIu64 ", \"peak_bytes\": %" PRIu64 ", "
		"\"peak_time_ms\": %" PRIu64 ", \"end_bytes\": %" PRIu64 ", "
		"\"view_bytes\": %" PRIu64 ", \"view_allocations\": %" PRIu64
		", \"threads\": %zu}",
		capture_event_count(cap), capture_lost_count(cap),
		a->duration_ms, a->peak_bytes, a->peak_time_ms, a->end_bytes,
		a->view_bytes, a->view_count, capture_thread_count(cap));
}
