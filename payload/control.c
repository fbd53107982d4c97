/* control.c: starting and stopping a capture, the writer thread, and the
 * run-mode entry (LD_PRELOAD constructor). */
#include "config.h"
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "got.h"
#include "hooks.h"
#include "modules.h"
#include "native_stack.h"
#include "payload.h"
#include "pyframes.h"
#include "pymalloc.h"
#include "real_alloc.h"
#include "stacks.h"
#include "stream.h"
#include "thread_rec.h"
#include "wire.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT volatile int memattach_payload_state = PAYLOAD_IDLE;

#define TICK_MS 100
/* memattach that stops reading for this long is treated as gone: the
 * target must not block for ever on a reader that was SIGSTOPped. */
#define SEND_TIMEOUT_S 30

static int sock = -1;
static int statm_fd = -1;
static uint64_t start_ms;
static volatile int stop_asked;	/* set by the exit path */
static uint32_t capture_flags;

static uint64_t rss_bytes(void)
{
	char buf[128];
	unsigned long size, resident;
	ssize_t n;

	if (statm_fd < 0)
		return 0;
	n = pread(statm_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	if (sscanf(buf, "%lu %lu", &size, &resident) != 2)
		return 0;
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int send_all(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(sock, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Ship whatever the buffers hold; lock held on entry and exit. */
static int flush_locked(void)
{
	const uint8_t *buf;
	size_t n;
	int r = 0;

	while ((n = stream_take(&buf))) {
		stream_unlock();
		if (r == 0)
			r = send_all(buf, n);
		stream_lock();
		stream_sent();
	}
	return r;
}

/* What memattach said: 1 stop, -1 gone (EOF or error), 0 nothing. */
static int read_control(void)
{
	char c;
	ssize_t r = recv(sock, &c, 1, MSG_DONTWAIT);

	if (r == 1)
		return c == WIRE_CTL_STOP ? 1 : 0;
	if (r == 0)
		return -1;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -1;
}

static void stop_capture(int peer_alive)
{
	memattach_payload_state = PAYLOAD_STOPPING;
	got_restore_all();
	if (capture_flags & PAYLOAD_FLAG_PYMALLOC)
		pymalloc_want(0);
	stream_lock();
	stream_recording = false;
	if (peer_alive) {
		uint64_t lost = stacks_lost();
		char count[48];

		if (lost)
			rec_lost(lost);
		rec_time(stream_now_ms() - start_ms, rss_bytes());
		/* Right before END, where memattach finds it without decoding
		 * the stream: its closing message counts events. */
		snprintf(count, sizeof(count), "events=%llu\n",
			 (unsigned long long)stream_events);
		rec_info(count);
		rec_end();
		flush_locked();
	}
	stream_unlock();
	shutdown(sock, SHUT_RDWR);
	close(sock);
	sock = -1;
	if (statm_fd >= 0)
		close(statm_fd);
	statm_fd = -1;
	memattach_payload_state = PAYLOAD_IDLE;
}

static void *writer_main(void *arg)
{
	uint64_t next_tick = stream_now_ms() + TICK_MS;
	int peer = 1, ctl = 0;

	(void)arg;
	hooks_guard_thread();
	stream_lock();
	while (!stop_asked && ctl == 0) {
		uint64_t now;

		stream_wait_work(next_tick);
		now = stream_now_ms();
		if (now >= next_tick) {
			rec_time(now - start_ms, rss_bytes());
			next_tick = now + TICK_MS;
			if (capture_flags & PAYLOAD_FLAG_PYMALLOC) {
				/* Not under our lock: the pending-call lock
				 * is the interpreter's. */
				stream_unlock();
				pymalloc_want(1);
				stream_lock();
			}
		}
		if (flush_locked()) {
			peer = 0;
			break;
		}
		stream_unlock();
		ctl = read_control();
		stream_lock();
	}
	stream_unlock();
	if (ctl < 0)
		peer = 0;
	stop_capture(peer);
	return NULL;
}

static void on_dlopen(void)
{
	got_patch_loaded(hook_table, hook_table_size);
	if (hooks_native)
		modules_describe_new();
}

/* The payload's own executable range, to cut its frames from stacks. */
static int find_own_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t self = (uintptr_t)arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
		    self >= lo && self < lo + ph->p_memsz) {
			hooks_self_start = lo;
			hooks_self_end = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

static void start_native(void)
{
	hooks_native = 0;
	if (!(capture_flags & PAYLOAD_FLAG_NATIVE))
		return;
	if (native_stack_init()) {
		stream_lock();
		rec_info("native=unavailable (libunwind.so.8 not found)\n");
		stream_unlock();
		return;
	}
	dl_iterate_phdr(find_own_text, (void *)(uintptr_t)find_own_text);
	modules_reset();
	modules_describe_new();
	hooks_native = 1;
}

static void write_info(size_t hooks)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "python_version=%s\npayload_version=%s\npid=%d\nhooks=%zu\n"
		 "native=%d\npymalloc=%s\n",
		 pyframes_version(), PACKAGE_VERSION, (int)getpid(), hooks,
		 (capture_flags & PAYLOAD_FLAG_NATIVE) ? 1 : 0,
		 !(capture_flags & PAYLOAD_FLAG_PYMALLOC) ? "off"
		 : pymalloc_installed() ? "installed" : "pending");
	rec_info(text);
}

static int start_writer(void)
{
	pthread_attr_t attr;
	pthread_t writer;
	sigset_t all, old;
	int r;

	/* The writer must never take the target's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&writer, &attr, writer_main, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* Fork: the child inherits the hooks but not the writer thread, and
 * must not write into the parent's stream through the shared socket. */
static void before_fork(void)
{
	stream_lock();
}

static void after_fork_parent(void)
{
	stream_unlock();
}

static void after_fork_child(void)
{
	int was = stream_recording;

	stream_recording = false;
	stream_unlock();
	if (was) {
		got_restore_all();
		if (sock >= 0)
			close(sock);
		if (statm_fd >= 0)
			close(statm_fd);
		sock = statm_fd = -1;
		memattach_payload_state = PAYLOAD_IDLE;
	}
}

static void register_fork_handlers(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/* Refuse with a reason memattach can show (run mode has no other way
 * to tell it why the capture is empty). */
static void send_refusal(int fd, const char *why)
{
	uint8_t rec[300];
	char text[256];
	size_t n = 0, len;

	len = (size_t)snprintf(text, sizeof(text), "error=%s\n", why);
	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	rec[n++] = WIRE_INFO;
	n += wire_put_uv(rec + n, len);
	memcpy(rec + n, text, len);
	n += len;
	(void)!send(fd, rec, n, MSG_NOSIGNAL);
}

static int start_capture(int fd, uint32_t flags);

EXPORT int memattach_payload_start(int fd, uint32_t flags)
{
	/* This thread's allocations while starting are the payload's own. */
	int was = hooks_set_guard(1);
	int r = start_capture(fd, flags);

	hooks_set_guard(was);
	return r;
}

static int start_capture(int fd, uint32_t flags)
{
	static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
	char why[160];
	struct timeval tv = { SEND_TIMEOUT_S, 0 };
	size_t hooked;
	int expected = PAYLOAD_IDLE;

	if (!__atomic_compare_exchange_n(&memattach_payload_state, &expected,
					 PAYLOAD_RUNNING, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return -EBUSY;
	if (real_alloc_init()) {
		memattach_payload_state = PAYLOAD_IDLE;
		return -ENOSYS;
	}
	if (pyframes_init(why, sizeof(why))) {
		send_refusal(fd, why);
		memattach_payload_state = PAYLOAD_IDLE;
		return -EPROTONOSUPPORT;
	}
	pthread_once(&fork_once, register_fork_handlers);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	sock = fd;
	capture_flags = flags;
	stop_asked = 0;
	statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	start_ms = stream_now_ms();
	hooks_main_tid = (uint32_t)getpid();
	stream_lock();
	if (stream_begin()) {
		stream_unlock();
		memattach_payload_state = PAYLOAD_IDLE;
		return -ENOMEM;
	}
	stacks_reset();
	stream_unlock();

	hooks_on_dlopen = on_dlopen;
	start_native();
	hooked = got_patch_loaded(hook_table, hook_table_size);
	stream_lock();
	write_info(hooked);
	rec_time(0, rss_bytes());
	stream_recording = true;
	stream_unlock();
	if (capture_flags & PAYLOAD_FLAG_PYMALLOC)
		pymalloc_want(1);
	if (start_writer()) {
		got_restore_all();
		stream_lock();
		stream_recording = false;
		stream_unlock();
		memattach_payload_state = PAYLOAD_IDLE;
		return -EAGAIN;
	}
	return 0;
}

/* Take our own file out of LD_PRELOAD, so that programs the target
 * starts are not traced (and do not inherit a socket they can't use). */
static void forget_preload(void)
{
	const char *pre = getenv("LD_PRELOAD");
	Dl_info self;
	char *copy, *tok, *save = NULL, out[4096];
	size_t o = 0;

	if (!pre || !dladdr((void *)forget_preload, &self) || !self.dli_fname)
		return;
	copy = strdup(pre);
	if (!copy)
		return;
	out[0] = 0;
	for (tok = strtok_r(copy, " :", &save); tok;
	     tok = strtok_r(NULL, " :", &save)) {
		if (!strcmp(tok, self.dli_fname))
			continue;
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
				      o ? ":" : "", tok);
		if (o >= sizeof(out))
			break;
	}
	free(copy);
	if (out[0])
		setenv("LD_PRELOAD", out, 1);
	else
		unsetenv("LD_PRELOAD");
}

/* Run mode: memattach run preloads us with the socket in the
 * environment; start before the interpreter's first allocation. */
__attribute__((constructor)) static void run_mode_start(void)
{
	const char *fd_text = getenv(PAYLOAD_ENV_FD);
	const char *flags_text = getenv(PAYLOAD_ENV_FLAGS);
	int fd;
	uint32_t flags;

	if (!fd_text)
		return;
	fd = atoi(fd_text);
	flags = flags_text ? (uint32_t)strtoul(flags_text, NULL, 0) : 0;
	unsetenv(PAYLOAD_ENV_FD);
	unsetenv(PAYLOAD_ENV_FLAGS);
	forget_preload();
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return;
	if (memattach_payload_start(fd, flags))
		close(fd);
}

/* At exit, finish the capture so that everything is flushed and the
 * file ends with END.  The writer does the work; we wait for it. */
__attribute__((destructor)) static void exit_stop(void)
{
	int i;

	if (memattach_payload_state != PAYLOAD_RUNNING)
		return;
	stop_asked = 1;
	stream_lock();
	stream_kick();
	stream_unlock();
	for (i = 0; i < 5000 && memattach_payload_state != PAYLOAD_IDLE; i++)
		usleep(1000);
}
