/* live_ui.c: drawing memattach live's screen with ncurses, reading its keys. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "live_ui.h"
#include "reports.h"

static bool ui_active;

int live_ui_begin(void)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -1;
	if (!initscr())
		return -1;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_BLACK, COLOR_CYAN);	/* header bars */
		init_pair(2, COLOR_YELLOW, -1);		/* sorted column */
	}
	ui_active = true;
	return 0;
}

void live_ui_end(void)
{
	if (ui_active)
		endwin();
	ui_active = false;
}

/* Decimal units, as in the reports. */
static const char *human(uint64_t b, char *buf, size_t len)
{
	return report_bytes(b, buf, len);
}

static void draw_bar(int y, const char *text)
{
	attron(COLOR_PAIR(1));
	mvhline(y, 0, ' ', COLS);
	mvaddnstr(y, 0, text, COLS);
	attroff(COLOR_PAIR(1));
}

static void draw_header(const struct live_frame *f)
{
	char line[512], heap[32], peak[32], rss[32];

	snprintf(line, sizeof(line),
		 " memattach live  pid %d  Python %s  %.1f s%s", f->pid,
		 f->python_version ? f->python_version : "?", f->seconds,
		 f->ended ? "  (capture ended)" : "");
	draw_bar(0, line);
	snprintf(line, sizeof(line),
		 " heap %s   peak %s   RSS %s   %.0f events/s",
		 human(f->heap_bytes, heap, sizeof(heap)),
		 human(f->peak_bytes, peak, sizeof(peak)),
		 human(f->rss_bytes, rss, sizeof(rss)), f->events_per_second);
	mvaddnstr(1, 0, line, COLS);
	if (f->thread)
		snprintf(line, sizeof(line),
			 " thread %u %s  (%zu of %zu, left/right to switch)",
			 f->thread, f->thread_name ? f->thread_name : "",
			 f->thread_index, f->nthreads);
	else
		snprintf(line, sizeof(line),
			 " all %zu threads  (left/right to switch)",
			 f->nthreads);
	mvaddnstr(2, 0, line, COLS);
}

/* The location column takes what the three number columns leave. */
#define NUM_W 12

static void draw_rows(const struct live_frame *f, enum live_sort sort,
		      size_t scroll)
{
	int loc_w = COLS - 3 * (NUM_W + 1) - 1;
	int y = 4, col;
	size_t i;

	if (loc_w < 20)
		loc_w = 20;
	attron(A_BOLD);
	mvprintw(y - 1, 0, "%-*.*s", loc_w, loc_w, "Location");
	col = loc_w + 1;
	if (sort == LIVE_SORT_TOTAL)
		attron(COLOR_PAIR(2));
	mvprintw(y - 1, col, "%*s", NUM_W, "Total");
	attroff(COLOR_PAIR(2));
	if (sort == LIVE_SORT_OWN)
		attron(COLOR_PAIR(2));
	mvprintw(y - 1, col + NUM_W + 1, "%*s", NUM_W, "Own");
	attroff(COLOR_PAIR(2));
	if (sort == LIVE_SORT_COUNT)
		attron(COLOR_PAIR(2));
	mvprintw(y - 1, col + 2 * (NUM_W + 1), "%*s", NUM_W, "Allocations");
	attroff(COLOR_PAIR(2));
	attroff(A_BOLD);

	for (i = scroll; i < f->nrows && y < LINES - 1; i++, y++) {
		const struct live_row *r = &f->rows[i];
		char loc[512], tot[32], own[32];

		snprintf(loc, sizeof(loc), "%s  %s:%u", r->function, r->file,
			 r->line);
		mvprintw(y, 0, "%-*.*s", loc_w, loc_w, loc);
		mvprintw(y, col, "%*s", NUM_W,
			 human(r->total_bytes, tot, sizeof(tot)));
		mvprintw(y, col + NUM_W + 1, "%*s", NUM_W,
			 human(r->own_bytes, own, sizeof(own)));
		mvprintw(y, col + 2 * (NUM_W + 1), "%*llu", NUM_W,
			 (unsigned long long)r->count);
	}
	if (!f->nrows)
		mvaddstr(y, 0, " (no live allocations seen yet)");
}

void live_ui_draw(const struct live_frame *f, enum live_sort sort,
		  size_t scroll)
{
	erase();
	draw_header(f);
	draw_rows(f, sort, scroll);
	draw_bar(LINES - 1, " t total  o own  a allocations  "
		 "left/right thread  up/down scroll  q quit (detaches)");
	refresh();
}

enum live_key live_ui_key(int timeout_ms)
{
	int c;

	timeout(timeout_ms);
	c = getch();
	switch (c) {
	case 'q': case 'Q': case 27:
		return LIVE_KEY_QUIT;
	case 't': case 'T':
		return LIVE_KEY_SORT_TOTAL;
	case 'o': case 'O':
		return LIVE_KEY_SORT_OWN;
	case 'a': case 'A': case 'c': case 'C':
		return LIVE_KEY_SORT_COUNT;
	case KEY_LEFT: case 'h':
		return LIVE_KEY_THREAD_PREV;
	case KEY_RIGHT: case 'l':
		return LIVE_KEY_THREAD_NEXT;
	case KEY_UP: case 'k':
		return LIVE_KEY_UP;
	case KEY_DOWN: case 'j':
		return LIVE_KEY_DOWN;
	default:
		return LIVE_KEY_NONE;
	}
}
