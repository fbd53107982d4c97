/* output.c: creating output files safely (0600, never clobbered silently). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "output.h"

int output_create(const char *path, bool force)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	struct stat st;
	int fd;

	flags |= force ? O_TRUNC : O_EXCL;
	fd = open(path, flags, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			error_msg("%s: already exists (use -f to overwrite)",
				  path);
		else
			perror_msg("%s", path);
		return -1;
	}
	/* An existing file overwritten with -f keeps its old mode; the
	 * capture may hold secrets, so tighten it.  Only a regular file of
	 * our own: "-o /dev/null -f" must not chmod a device. */
	if (force && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 077) &&
	    fchmod(fd, 0600) < 0) {
		perror_msg("%s", path);
		close(fd);
		return -1;
	}
	return fd;
}
