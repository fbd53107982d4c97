/* live_ui.h: the curses screen of memattach live (drawing and keys only). */
#ifndef MEMATTACH_LIVE_UI_H
#define MEMATTACH_LIVE_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum live_sort {
	LIVE_SORT_TOTAL,
	LIVE_SORT_OWN,
	LIVE_SORT_COUNT,
};

/* One allocation site as the screen shows it. */
struct live_row {
	const char *function;
	const char *file;
	unsigned line;
	uint64_t total_bytes;	/* live bytes under this site (callees too) */
	uint64_t own_bytes;	/* live bytes allocated right here */
	uint64_t count;		/* live allocations right here */
};

/* What one frame of the screen shows. */
struct live_frame {
	int pid;
	const char *python_version;
	double seconds;		/* since the capture started */
	uint64_t heap_bytes;	/* tracked live bytes now */
	uint64_t peak_bytes;
	uint64_t rss_bytes;
	double events_per_second;
	uint32_t thread;	/* 0 = all threads */
	const char *thread_name;
	size_t thread_index;	/* 0 = all, 1.. = position in the list */
	size_t nthreads;
	const struct live_row *rows;	/* already sorted and filtered */
	size_t nrows;
	bool ended;		/* the target exited or the capture stopped */
};

/* What the user asked for since the last poll. */
enum live_key {
	LIVE_KEY_NONE,
	LIVE_KEY_QUIT,
	LIVE_KEY_SORT_TOTAL,
	LIVE_KEY_SORT_OWN,
	LIVE_KEY_SORT_COUNT,
	LIVE_KEY_THREAD_PREV,
	LIVE_KEY_THREAD_NEXT,
	LIVE_KEY_UP,
	LIVE_KEY_DOWN,
};

/* Start and end curses mode; live_ui_begin returns -1 off a terminal. */
int live_ui_begin(void);
void live_ui_end(void);
void live_ui_draw(const struct live_frame *f, enum live_sort sort,
		  size_t scroll);
/* Wait up to timeout_ms for a key. */
enum live_key live_ui_key(int timeout_ms);

#endif /* MEMATTACH_LIVE_UI_H */
