/* fuzz_capture.c: libFuzzer target: any bytes as a capture file, through
 * the reader, the analysis and the terminal reports.  Built and run by
 * `make fuzz` (clang -fsanitize=fuzzer,address,undefined). */
#include "config.h"

#include <lz4frame.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analysis.h"
#include "capture.h"
#include "reports.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int capture_fd = -1;
static char capture_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The reports open the capture by name: an in-memory file has one
	 * under /proc/self/fd and costs no disk writes. */
	capture_fd = memfd_create("fuzz-capture", 0);
	if (capture_fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(capture_path, sizeof(capture_path), "/proc/self/fd/%d",
		 capture_fd);
	/* Reports print to stdout; nobody reads it here. */
	if (!freopen("/dev/null", "w", stdout))
		exit(1);
	return 0;
}

static void reader_and_analysis(bool show_native, enum analysis_view view)
{
	struct analysis_options opt = { .view = view };
	struct location_total *t;
	struct analysis a;
	struct capture *cap;
	char err[256];
	size_t n, i;

	cap = capture_open(capture_path, err, sizeof(err));
	if (!cap)
		return;
	if (analysis_run(cap, &opt, &a, err, sizeof(err)) == 0) {
		t = analysis_location_totals(cap, &a, show_native, &n);
		for (i = 0; i < n; i++)
			(void)capture_location(cap, t[i].loc);
		free(t);
		analysis_free(&a);
	}
	for (i = 0; i < capture_thread_count(cap); i++)
		(void)capture_thread_name(cap, capture_thread_tid(cap, i));
	(void)capture_header(cap, "pid");
	capture_close(cap);
}

/*
 * Most mutations of a compressed file only break an LZ4 checksum.  So an
 * input that does not start with the file magic is taken as a raw record
 * stream and wrapped here in a valid header and LZ4 frame: that is how
 * the record decoder itself gets fuzzed.
 */
static void write_capture(const uint8_t *data, size_t size)
{
	static const uint8_t header[WIRE_FILE_HEADER_SIZE] = "MEMATCAP\1";
	size_t zcap, zn;
	uint8_t *z;

	if (ftruncate(capture_fd, 0) < 0)
		abort();
	if (size >= 8 && !memcmp(data, WIRE_FILE_MAGIC, 8)) {
		if (pwrite(capture_fd, data, size, 0) != (ssize_t)size)
			abort();
		return;
	}
	zcap = LZ4F_compressFrameBound(size, NULL);
	z = malloc(zcap);
	zn = LZ4F_compressFrame(z, zcap, data, size, NULL);
	if (!z || LZ4F_isError(zn) ||
	    pwrite(capture_fd, header, sizeof(header), 0) != sizeof(header) ||
	    pwrite(capture_fd, z, zn, sizeof(header)) != (ssize_t)zn)
		abort();
	free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *summary[] = { "summary", "--json", capture_path, NULL };
	char *summary_leaks[] = { "summary", "--leaks", "--threads",
				  capture_path, NULL };
	char *stats[] = { "stats", capture_path, NULL };
	char *tree[] = { "tree", capture_path, NULL };
	char *folded[] = { "folded", "--locations", capture_path, NULL };

	write_capture(data, size);
	reader_and_analysis(true, VIEW_PEAK);
	reader_and_analysis(false, VIEW_LEAKS);
	report_summary(3, summary);
	report_summary(4, summary_leaks);
	report_stats(2, stats);
	report_tree(2, tree);
	report_folded(3, folded);
	fflush(stdout);
	return 0;
}
