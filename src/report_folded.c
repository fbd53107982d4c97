/* report_folded.c: memattach report folded: "root;...;leaf BYTES" lines
 * for flamegraph.pl, inferno and speedscope. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report_text.h"

/* Frame names may not hold the separators of the format: ';' splits
 * frames and the last space starts the count (spaces inside are fine). */
static void put_frame(FILE *out, const struct capture_location *l,
		      bool with_location)
{
	char text[1024];
	const char *s;

	if (with_location && l->file[0])
		snprintf(text, sizeof(text), "%s (%s:%" PRIu32 ")",
			 l->function, l->file, l->line);
	else
		snprintf(text, sizeof(text), "%s", l->function);
	for (s = text; *s; s++)
		putc(*s == ';' || *s == '\n' || *s == '\r' ? '_' : *s, out);
}

static void print_folded(FILE *out, struct capture *cap,
			 const struct report_trie *t, bool with_location)
{
	uint32_t *path = NULL;
	size_t pcap = 0, i;

	/* A node's parent always has a smaller id, so every node is
	 * reached by walking up; node order is first appearance. */
	for (i = 1; i < t->n; i++) {
		size_t depth = 0, j;
		uint32_t n;

		if (!t->own_bytes[i] && !t->own_count[i])
			continue;
		for (n = (uint32_t)i; n; n = t->parent[n]) {
			path = xgrow(path, &pcap, depth + 1, sizeof(*path));
			path[depth++] = n;
		}
		for (j = depth; j-- > 0;) {
			put_frame(out, capture_location(cap, t->loc[path[j]]),
				  with_location);
			if (j)
				putc(';', out);
		}
		fprintf(out, " %" PRIu64 "\n", t->own_bytes[i]);
	}
	free(path);
}

int report_folded(int argc, char **argv)
{
	struct report_options o;
	struct report_trie t;
	struct capture *cap;
	struct analysis a;
	bool with_location = false;
	char **args = xcalloc((size_t)argc + 1, sizeof(*args));
	int nargs = 0, i, rc = 1;
	FILE *out;

	/* --locations is folded's own: take it out before the shared
	 * parser sees the rest. */
	for (i = 0; i < argc; i++) {
		if (i > 0 && !strcmp(argv[i], "--locations"))
			with_location = true;
		else
			args[nargs++] = argv[i];
	}
	if (report_parse_options(nargs, args,
				 ROPT_OUTPUT | ROPT_LEAKS | ROPT_THREADS |
				 ROPT_NATIVE, &o)) {
		free(args);
		return 2;
	}
	if (o.per_thread) {
		error_msg("report folded: --threads is not an option of this "
			  "report (use --thread TID)");
		rc = 2;
		goto out_opts;
	}
	if (report_load(&o, &cap, &a))
		goto out_opts;
	report_trie_build(&t, cap, &a, o.show_native);
	out = report_output_open(&o);
	if (out) {
		print_folded(out, cap, &t, with_location);
		rc = report_output_close(out, &o) ? 1 : 0;
	}
	report_warn_symbols(&o, cap);
	report_trie_free(&t);
	analysis_free(&a);
	capture_close(cap);
out_opts:
	free((void *)o.analysis.tids);
	free(args);
	return rc;
}
