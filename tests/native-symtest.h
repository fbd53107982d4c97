/* native-symtest.h: the library tests/native-symbolize loads and checks. */
#ifndef MEMATTACH_NATIVE_SYMTEST_H
#define MEMATTACH_NATIVE_SYMTEST_H

#include <stdint.h>

/* Each returns a return address inside the library and the source line
 * of the call it returns to. */

/* A plain call in symtest_direct. */
uintptr_t symtest_direct(int *line);
/* A call inside symtest_inlined, which is inlined into symtest_outer:
 * line is the call inside symtest_inlined, outer_line the place in
 * symtest_outer where it was inlined. */
uintptr_t symtest_outer(int *line, int *outer_line);
/* The same call, inlined through two levels into symtest_nested:
 * lines[0] in symtest_inlined, lines[1] in symtest_middle, lines[2] in
 * symtest_nested. */
uintptr_t symtest_nested(int *lines);
/* The entry of a static function: a name only the symbol table has
 * once debug info is gone. */
uintptr_t symtest_static_entry(void);

#endif /* MEMATTACH_NATIVE_SYMTEST_H */
