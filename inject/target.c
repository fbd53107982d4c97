/* target.c: checking that a pid is a Python memattach can attach to. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject-priv.h"

#define PY_MIN 0x030b0000ul	/* 3.11 */
#define PY_END 0x030e0000ul	/* up to 3.13 */

/* " (kernel.yama.ptrace_scope=N)" when Yama restricts ptrace, else "". */
static const char *yama_hint(void)
{
	static char hint[64];
	int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY);
	char c = '0';

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '0';
		close(fd);
	}
	if (c == '0')
		return "";
	snprintf(hint, sizeof(hint), " (kernel.yama.ptrace_scope=%c)", c);
	return hint;
}

static int permission_error(pid_t pid, char *err, size_t errlen)
{
	return inject_fail(err, errlen, "%d: ptrace not permitted: run "
			   "memattach as the process's user or as root%s",
			   (int)pid, yama_hint());
}

static void read_comm(pid_t pid, char *comm, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, comm, len - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = 0;
	comm[n] = 0;
	comm[strcspn(comm, "\n")] = 0;
}

/* "3.9" out of ".../libpython3.9.so.1.0" or ".../python3.10", for the
 * message that names an unsupported version. */
static const char *version_from_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/'), *p;
	unsigned major, minor;

	base = base ? base + 1 : path;
	p = strstr(base, "python");
	if (p && sscanf(p + 6, "%u.%u", &major, &minor) == 2) {
		snprintf(buf, len, "%u.%u", major, minor);
		return buf;
	}
	return NULL;
}

static int read_target(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, (off_t)addr);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Look for the interpreter in the executable or a mapped libpython. */
static int find_python(pid_t pid, struct inject_target *t,
		       const struct map_entry *maps, size_t n,
		       char *err, size_t errlen)
{
	char exe[512] = "", older[512] = "", vbuf[16];
	ssize_t len;
	size_t i;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	len = readlink(path, exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = 0;
	for (i = 0; i < n; i++) {
		const struct map_entry *m = &maps[i];
		bool is_exe = exe[0] && !strcmp(m->path, exe);
		struct elf_object *o;
		struct elf_symbol s;
		uint64_t v = 0;

		if (m->offset || m->path[0] != '/' ||
		    (!is_exe && !map_is_library(m, "libpython3")))
			continue;
		o = elf_object_open(pid, m->path);
		if (!o)
			continue;
		if (is_exe && !elf_object_is_64(o)) {
			elf_object_close(o);
			return inject_fail(err, errlen, "%d: only 64-bit "
					   "processes are supported", (int)pid);
		}
		if (elf_object_symbol(o, "Py_Version", &s) == 0) {
			uint64_t addr = elf_object_bias(o, maps, n, m->path) +
					s.value;

			elf_object_close(o);
			/* The running process, not the file, says which
			 * interpreter this is. */
			if (read_target(pid, addr, &v, sizeof(v)))
				return permission_error(pid, err, errlen);
			t->py_version = (unsigned long)(v & 0xffffffffu);
			snprintf(t->python_object, sizeof(t->python_object),
				 "%s", m->path);
			return 0;
		}
		if (!older[0] &&
		    (elf_object_symbol(o, "Py_Initialize", &s) == 0 ||
		     elf_object_symbol(o, "_PyRuntime", &s) == 0 ||
		     elf_object_symbol(o, "Py_GetVersion", &s) == 0))
			snprintf(older, sizeof(older), "%s", m->path);
		elf_object_close(o);
	}
	if (older[0]) {
		/* Py_Version appeared in 3.11: this one is older. */
		const char *ver = version_from_name(older, vbuf, sizeof(vbuf));

		if (!ver)
			ver = version_from_name(exe, vbuf, sizeof(vbuf));
		if (!ver)
			ver = "before 3.11";
		return inject_fail(err, errlen, "%d: Python %s is not "
				   "supported (memattach supports 3.11 to "
				   "3.13)", (int)pid, ver);
	}
	return inject_fail(err, errlen, "%d: not a Python process (%s has no "
			   "Python interpreter)", (int)pid,
			   t->comm[0] ? t->comm : "it");
}

int inject_check_target(pid_t pid, struct inject_target *t,
			char *err, size_t errlen)
{
	struct map_entry *maps = NULL;
	ssize_t n;
	long tgid, tracer;
	char state;
	int rc;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	if (pid <= 0)
		return inject_fail(err, errlen, "%d: not a process id",
				   (int)pid);
	if (pid == getpid())
		return inject_fail(err, errlen, "%d: is memattach itself",
				   (int)pid);
	state = proc_state(pid);
	if (!state)
		return inject_fail(err, errlen, "%d: %s", (int)pid,
				   errno == ENOENT ? "no such process" :
				   strerror(errno));
	read_comm(pid, t->comm, sizeof(t->comm));
	if (state == 'Z' || state == 'X')
		return inject_fail(err, errlen, "%d: is a zombie (%s exited "
				   "and was not reaped)", (int)pid, t->comm);
	tgid = proc_status_field(pid, "Tgid");
	if (tgid > 0 && tgid != pid)
		return inject_fail(err, errlen, "%d: is a thread of process "
				   "%ld; give the process id", (int)pid, tgid);
	tracer = proc_status_field(pid, "TracerPid");
	if (tracer > 0)
		return inject_fail(err, errlen, "%d: already traced by process "
				   "%ld (a debugger, or memattach attaching)",
				   (int)pid, tracer);
	n = proc_read_maps(pid, &maps);
	if (n < 0) {
		if (errno == EACCES || errno == EPERM)
			return permission_error(pid, err, errlen);
		return inject_fail(err, errlen, "%d: reading its mappings: %s",
				   (int)pid, strerror(errno));
	}
	rc = find_python(pid, t, maps, (size_t)n, err, errlen);
	free(maps);
	if (rc)
		return rc;
	if (t->py_version < PY_MIN || t->py_version >= PY_END)
		return inject_fail(err, errlen, "%d: Python %lu.%lu is not "
				   "supported (memattach supports 3.11 to "
				   "3.13)", (int)pid, t->py_version >> 24,
				   (t->py_version >> 16) & 0xff);
	return 0;
}
