/* payload_path.c: finding memattach-payload.so. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "payload_path.h"

#define PAYLOAD_NAME "memattach-payload.so"

const char *payload_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("MEMATTACH_PAYLOAD");
	ssize_t n;
	char *slash;

	if (env && *env) {
		if (access(env, R_OK) == 0)
			return env;
		perror_msg("payload %s (from MEMATTACH_PAYLOAD)", env);
		return NULL;
	}
	/* A build tree: the payload is built beside the executable. */
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = 0;
		slash = strrchr(path, '/');
		if (slash && (size_t)(slash - path) + sizeof(PAYLOAD_NAME) + 1 <
			     sizeof(path)) {
			strcpy(slash + 1, PAYLOAD_NAME);
			if (access(path, R_OK) == 0)
				return path;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", PAYLOAD_DIR, PAYLOAD_NAME);
	if (access(path, R_OK) == 0)
		return path;
	perror_msg("payload %s", path);
	return NULL;
}
