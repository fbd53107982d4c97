/* output.h: creating the files memattach writes (captures, reports). */
#ifndef MEMATTACH_OUTPUT_H
#define MEMATTACH_OUTPUT_H

#include <stdbool.h>

/*
 * Create path with mode 0600 for writing.  Without force an existing file
 * is an error ("memattach: PATH: already exists (use -f to overwrite)").
 * Prints one error line and returns -1 on failure, else the descriptor.
 */
int output_create(const char *path, bool force);

#endif /* MEMATTACH_OUTPUT_H */
