/* payload_path.h: finding memattach-payload.so. */
#ifndef MEMATTACH_PAYLOAD_PATH_H
#define MEMATTACH_PAYLOAD_PATH_H

/*
 * The payload to load: $MEMATTACH_PAYLOAD if set (tests), else the one
 * beside the memattach executable (a build tree), else the installed one
 * under PAYLOAD_DIR.  Prints one error line and returns NULL if none is
 * readable.  The result is static.
 */
const char *payload_path(void);

#endif /* MEMATTACH_PAYLOAD_PATH_H */
