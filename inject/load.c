/* load.c: loading the payload through a memfd and starting a capture. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject-priv.h"
#include "wire.h"

#define START_SYMBOL "memattach_payload_start"
#define MEMFD_PREFIX "memattach-payload-"
#define SCRATCH_FDS 128		/* where socketpair writes its two fds */

struct payload_file {
	uint8_t *bytes;
	size_t len;
	char name[64];		/* memfd name: prefix + content hash */
};

static int read_payload(const char *path, struct payload_file *p,
			char *err, size_t errlen)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	struct stat st;
	size_t i, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0) {
		int e = fd < 0 ? errno : EINVAL;

		if (fd >= 0)
			close(fd);
		return inject_fail(err, errlen, "payload %s: %s", path,
				   strerror(e));
	}
	p->len = (size_t)st.st_size;
	p->bytes = malloc(p->len);
	while (p->bytes && got < p->len) {
		ssize_t n = read(fd, p->bytes + got, p->len - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!p->bytes || got != p->len) {
		free(p->bytes);
		p->bytes = NULL;
		return inject_fail(err, errlen, "payload %s: short read", path);
	}
	/* The name tells a later attach whether the copy already loaded in
	 * the target is this very payload. */
	for (i = 0; i < p->len; i++)
		h = (h ^ p->bytes[i]) * 0x100000001b3ull;
	snprintf(p->name, sizeof(p->name), MEMFD_PREFIX "%016llx",
		 (unsigned long long)h);
	return 0;
}

/* "/memfd:NAME (deleted)" is how a memfd mapping shows in maps. */
static bool is_memfd_of(const struct map_entry *m, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(m->path, "/memfd:", 7) &&
	       !strncmp(m->path + 7, name, len) &&
	       (m->path[7 + len] == 0 || m->path[7 + len] == ' ');
}

/* 1 if our payload is loaded, 0 if none is, -1 (err set) if another
 * version of it is. */
static int payload_loaded(const struct map_entry *maps, size_t n,
			  const struct payload_file *p, pid_t pid,
			  char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_memfd_of(&maps[i], p->name))
			return 1;
	for (i = 0; i < n; i++) {
		const char *base = strrchr(maps[i].path, '/');

		/* Preloaded by path: "memattach run" is capturing it, with
		 * a payload whose state is not ours to share. */
		if (base && !strcmp(base, "/memattach-payload.so"))
			return inject_fail(err, errlen, "%d: memattach run "
					   "is already capturing it (its "
					   "payload was preloaded)", (int)pid);
	}
	for (i = 0; i < n; i++)
		if (!strncmp(maps[i].path, "/memfd:" MEMFD_PREFIX,
			     strlen("/memfd:" MEMFD_PREFIX)))
			return inject_fail(err, errlen, "%d: another version "
					   "of the memattach payload is "
					   "already loaded; attach with the "
					   "memattach that loaded it",
					   (int)pid);
	return 0;
}

/* The target's dlopen: in libc since glibc 2.34, in libdl before. */
static int find_dlopen(pid_t pid, const struct map_entry *maps, size_t n,
		       uint64_t *dlopen_addr, uint64_t *dlerror_addr)
{
	*dlerror_addr = 0;
	if (target_symbol(pid, maps, n, "libc", "dlopen", dlopen_addr, NULL)
	    == 0) {
		target_symbol(pid, maps, n, "libc", "dlerror", dlerror_addr,
			      NULL);
		return 0;
	}
	if (target_symbol(pid, maps, n, "libdl", "dlopen", dlopen_addr, NULL)
	    == 0) {
		target_symbol(pid, maps, n, "libdl", "dlerror", dlerror_addr,
			      NULL);
		return 0;
	}
	/* glibc's private entry point, present in every libc.so.6 */
	return target_symbol(pid, maps, n, "libc", "__libc_dlopen_mode",
			     dlopen_addr, NULL);
}

/* Where memattach_payload_start is, now that the payload is mapped. */
static int find_start(pid_t pid, const char *path,
		      const struct payload_file *p, uint64_t *addr,
		      char *err, size_t errlen)
{
	struct map_entry *maps = NULL;
	struct elf_object *o = elf_object_open_local(path);
	struct elf_symbol s;
	ssize_t n = proc_read_maps(pid, &maps), i;
	int rc = -1;

	if (!o || n < 0)
		goto out;
	for (i = 0; i < n; i++)
		if (maps[i].offset == 0 && is_memfd_of(&maps[i], p->name))
			break;
	if (i == n || elf_object_symbol(o, START_SYMBOL, &s))
		goto out;
	*addr = maps[i].start - elf_object_first_vaddr(o) + s.value;
	rc = 0;
out:
	if (rc)
		inject_fail(err, errlen, "%d: the payload is loaded but %s "
			    "was not found in it", (int)pid, START_SYMBOL);
	elf_object_close(o);
	free(maps);
	return rc;
}

static bool syscall_failed(long ret)
{
	return ret < 0 && ret > -4096;
}

struct session {
	struct inject_ctl *ctl;
	int pidfd;
	uint64_t scratch;
	long memfd;		/* in the target, -1 when closed */
	char *err;
	size_t errlen;
};

static int ctl_error(struct session *s)
{
	return inject_fail(s->err, s->errlen, "%d: %s",
			   (int)inject_pid(s->ctl), inject_error(s->ctl));
}

static int remote(struct session *s, long nr, long *ret, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		  uint64_t a5, const char *what)
{
	if (inject_syscall(s->ctl, nr, ret, a0, a1, a2, a3, a4, a5))
		return ctl_error(s);
	if (syscall_failed(*ret))
		return inject_fail(s->err, s->errlen, "%d: %s in the target: "
				   "%s", (int)inject_pid(s->ctl), what,
				   strerror((int)-*ret));
	return 0;
}

/* Take a descriptor of the target into ours (same open file). */
static int grab_fd(struct session *s, long target_fd)
{
	int fd = (int)syscall(SYS_pidfd_getfd, s->pidfd, (int)target_fd, 0);

	if (fd < 0)
		inject_fail(s->err, s->errlen, "%d: pidfd_getfd: %s",
			    (int)inject_pid(s->ctl), strerror(errno));
	return fd;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int dlopen_error(struct session *s, uint64_t dlerror_addr)
{
	char msg[200] = "unknown error";
	uint64_t str = 0;

	if (dlerror_addr &&
	    inject_call(s->ctl, dlerror_addr, &str, 0, 0, 0, 0, 0, 0) == 0 &&
	    str && inject_peek(s->ctl, str, msg, sizeof(msg) - 1) == 0)
		msg[sizeof(msg) - 1] = 0;
	return inject_fail(s->err, s->errlen, "%d: loading the payload: %s",
			   (int)inject_pid(s->ctl), msg);
}

/* memfd in the target, filled from here, then dlopen("/proc/self/fd/N"):
 * no path of ours needs to exist in the target's mount namespace. */
static int load(struct session *s, const struct payload_file *p,
		uint64_t dlopen_addr, uint64_t dlerror_addr)
{
	char fdpath[64];
	uint64_t handle = 0, t0;
	long ret;
	int fd;

	if (inject_poke(s->ctl, s->scratch, p->name, strlen(p->name) + 1))
		return ctl_error(s);
	if (remote(s, SYS_memfd_create, &s->memfd, s->scratch, MFD_CLOEXEC,
		   0, 0, 0, 0, "memfd_create"))
		return -1;
	fd = grab_fd(s, s->memfd);
	if (fd < 0)
		return -1;
	if (write_all(fd, p->bytes, p->len)) {
		close(fd);
		return inject_fail(s->err, s->errlen, "%d: writing the "
				   "payload into its memfd: %s",
				   (int)inject_pid(s->ctl), strerror(errno));
	}
	close(fd);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%ld", s->memfd);
	if (inject_poke(s->ctl, s->scratch, fdpath, strlen(fdpath) + 1))
		return ctl_error(s);
	t0 = inject_now_ns();
	if (inject_call(s->ctl, dlopen_addr, &handle, s->scratch, RTLD_NOW,
			0, 0, 0, 0))
		return ctl_error(s);
	inject_log("dlopen(\"%s\") took %.2f ms", fdpath,
		   (double)(inject_now_ns() - t0) / 1e6);
	if (!handle)
		return dlopen_error(s, dlerror_addr);
	ret = s->memfd;
	s->memfd = -1;
	/* The mapping keeps the file; the descriptor is no longer needed. */
	return remote(s, SYS_close, &ret, (uint64_t)ret, 0, 0, 0, 0, 0,
		      "close");
}

/* A socketpair in the target; one end comes to us, the other is for the
 * payload.  Returns our end, the payload's in *theirs. */
static int make_socket(struct session *s, long *theirs)
{
	int fds[2];
	long ret;
	int mine;

	if (remote(s, SYS_socketpair, &ret, AF_UNIX,
		   SOCK_STREAM | SOCK_CLOEXEC, 0, s->scratch + SCRATCH_FDS, 0,
		   0, "socketpair"))
		return -1;
	if (inject_peek(s->ctl, s->scratch + SCRATCH_FDS, fds, sizeof(fds)))
		return ctl_error(s);
	mine = grab_fd(s, fds[0]);
	if (remote(s, SYS_close, &ret, (uint64_t)fds[0], 0, 0, 0, 0, 0,
		   "close") || mine < 0) {
		if (mine >= 0)
			close(mine);
		remote(s, SYS_close, &ret, (uint64_t)fds[1], 0, 0, 0, 0, 0,
		       "close");
		return -1;
	}
	*theirs = fds[1];
	return mine;
}

/* The payload explains a refusal in an INFO record "error=why\n". */
static const char *refusal_reason(int sock, char *buf, size_t len)
{
	uint8_t rec[300];
	ssize_t n = recv(sock, rec, sizeof(rec) - 1, MSG_DONTWAIT);
	size_t vlen;
	int i = 1, shift = 0;
	uint64_t v = 0;

	if (n < 2 || rec[0] != WIRE_INFO)
		return NULL;
	while (i < n && shift < 64) {
		v |= (uint64_t)(rec[i] & 0x7f) << shift;
		shift += 7;
		if (!(rec[i++] & 0x80))
			break;
	}
	if (v > (uint64_t)(n - i) || v < 7 ||
	    memcmp(rec + i, "error=", 6))
		return NULL;
	vlen = (size_t)v - 6;
	while (vlen && rec[i + 6 + vlen - 1] == '\n')
		vlen--;
	snprintf(buf, len, "%.*s", (int)vlen, (const char *)rec + i + 6);
	return buf;
}

static const char *start_error(int e)
{
	switch (e) {
	case EBUSY:
		return "a capture is already running in it";
	case EPROTONOSUPPORT:
		return "the payload does not support its Python version";
	default:
		return strerror(e);
	}
}

/* Everything that needs the borrowed thread, between choose and cure. */
static int inject_steps(struct session *s, const char *path,
			const struct payload_file *p, int reused,
			uint64_t dlopen_addr, uint64_t dlerror_addr,
			uint32_t flags, int *sock, int *start_rc)
{
	uint64_t start, rc64, t0;
	long ret, theirs = -1;
	pid_t pid = inject_pid(s->ctl);
	size_t room;

	s->scratch = inject_scratch(s->ctl, &room);
	if (!s->scratch || room < SCRATCH_FDS + 2 * sizeof(int))
		return inject_fail(s->err, s->errlen, "no scratch memory");
	if (!reused && load(s, p, dlopen_addr, dlerror_addr))
		return -1;
	if (find_start(pid, path, p, &start, s->err, s->errlen))
		return -1;
	*sock = make_socket(s, &theirs);
	if (*sock < 0)
		return -1;
	t0 = inject_now_ns();
	if (inject_call(s->ctl, start, &rc64, (uint64_t)theirs, flags, 0, 0,
			0, 0))
		return ctl_error(s);
	*start_rc = (int)(int32_t)rc64;
	inject_log("memattach_payload_start(%ld, %#x) = %d in %.2f ms", theirs,
		   flags, *start_rc, (double)(inject_now_ns() - t0) / 1e6);
	/* Refused: the socket stays ours to close (the payload only takes
	 * it when the capture starts). */
	if (*start_rc < 0)
		remote(s, SYS_close, &ret, (uint64_t)theirs, 0, 0, 0, 0, 0,
		       "close");
	return 0;
}

int inject_payload(pid_t pid, const char *payload_path, uint32_t flags,
		   struct inject_payload_result *res, int *errno_out,
		   char *err, size_t errlen)
{
	struct payload_file p = { 0 };
	struct session s = { .pidfd = -1, .memfd = -1, .err = err,
			     .errlen = errlen };
	struct map_entry *maps = NULL;
	uint64_t dlopen_addr = 0, dlerror_addr = 0;
	int sock = -1, start_rc = 0, rc = -1, reused = 0;
	ssize_t n;
	long ret;

	memset(res, 0, sizeof(*res));
	res->sock = -1;
	if (errno_out)
		*errno_out = 0;
	if (read_payload(payload_path, &p, err, errlen))
		return -1;
	n = proc_read_maps(pid, &maps);
	if (n < 0) {
		inject_fail(err, errlen, "%d: reading its mappings: %s",
			    (int)pid, strerror(errno));
		goto out;
	}
	reused = payload_loaded(maps, (size_t)n, &p, pid, err, errlen);
	if (reused < 0)
		goto out;
	if (!reused && find_dlopen(pid, maps, (size_t)n, &dlopen_addr,
				   &dlerror_addr)) {
		inject_fail(err, errlen, "%d: no dlopen found in its C library",
			    (int)pid);
		goto out;
	}
	s.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (s.pidfd < 0) {
		inject_fail(err, errlen, "%d: pidfd_open: %s", (int)pid,
			    strerror(errno));
		goto out;
	}
	s.ctl = inject_stop(pid, err, errlen);
	if (!s.ctl)
		goto out;
	if (inject_choose_thread(s.ctl)) {
		ctl_error(&s);
		goto cure;
	}
	/* From here on only the borrowed thread is held: the others run,
	 * so a lock one of them holds cannot stall our dlopen. */
	inject_release_others(s.ctl);
	rc = inject_steps(&s, payload_path, &p, reused, dlopen_addr,
			  dlerror_addr, flags, &sock, &start_rc);
	/* Best effort cleanup of what we created in the target. */
	if (s.memfd >= 0)
		inject_syscall(s.ctl, SYS_close, &ret, (uint64_t)s.memfd, 0, 0,
			       0, 0, 0);
cure:
	if (inject_cure(s.ctl) && !rc)
		rc = ctl_error(&s);
	res->all_stopped_ns = inject_all_stopped_ns(s.ctl);
	res->borrowed_stopped_ns = inject_borrowed_stopped_ns(s.ctl);
	res->borrowed_tid = inject_borrowed_tid(s.ctl);
	res->reused = reused;
	inject_free(s.ctl);
	if (!rc && start_rc < 0) {
		char why[256];
		const char *reason = refusal_reason(sock, why, sizeof(why));

		if (errno_out)
			*errno_out = start_rc;
		rc = inject_fail(err, errlen, "%d: %s", (int)pid,
				 reason ? reason : start_error(-start_rc));
	}
	if (!rc) {
		res->sock = sock;
		sock = -1;
	}
out:
	if (sock >= 0)
		close(sock);
	if (s.pidfd >= 0)
		close(s.pidfd);
	free(maps);
	free(p.bytes);
	return rc;
}
