/* procfs.c: what the injector reads from /proc: maps, threads, state. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject-priv.h"

ssize_t proc_read_maps(pid_t pid, struct map_entry **out)
{
	char path[64], line[1024];
	struct map_entry *v = NULL;
	size_t n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct map_entry m = { 0 };
		int pos = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64
			   " %*s %*u %n", &m.start, &m.end, m.perms,
			   &m.offset, &pos) < 4)
			continue;
		if (pos > 0 && line[pos] && line[pos] != '\n') {
			size_t len = strcspn(line + pos, "\n");

			if (len >= sizeof(m.path))
				len = sizeof(m.path) - 1;
			memcpy(m.path, line + pos, len);
			m.path[len] = 0;
		}
		if (n == cap) {
			struct map_entry *nv;

			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
		}
		v[n++] = m;
	}
	fclose(f);
	if (!n) {
		free(v);
		errno = ESRCH;	/* a zombie or a kernel thread has none */
		return -1;
	}
	*out = v;
	return (ssize_t)n;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

ssize_t proc_read_tasks(pid_t pid, pid_t **out)
{
	char path[64];
	struct dirent *de;
	pid_t *v = NULL;
	size_t n = 0, cap = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		long tid = strtol(de->d_name, NULL, 10);

		if (tid <= 0)
			continue;
		if (n == cap) {
			pid_t *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
		}
		v[n++] = (pid_t)tid;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_pid);
	*out = v;
	return (ssize_t)n;
}

char proc_state(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* comm may hold spaces and parentheses: the state follows the last
	 * closing parenthesis. */
	paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || !paren[2]) {
		errno = EINVAL;
		return 0;
	}
	return paren[2];
}

long proc_status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

bool map_is_library(const struct map_entry *m, const char *stem)
{
	const char *base = strrchr(m->path, '/');
	size_t len = strlen(stem);

	if (!base)
		return false;
	base++;
	/* "libc.so.6", "libc-2.31.so", not "libcrypto.so" */
	return !strncmp(base, stem, len) &&
	       (base[len] == '.' || base[len] == '-');
}

uint64_t map_object_start(const struct map_entry *maps, size_t n,
			  const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (maps[i].offset == 0 && !strcmp(maps[i].path, path))
			return maps[i].start;
	return 0;
}
