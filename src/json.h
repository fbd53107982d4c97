/* json.h: writing JSON text (reports' --json and the HTML reports' data). */
#ifndef MEMATTACH_JSON_H
#define MEMATTACH_JSON_H

#include <stdio.h>

/*
 * Write s as a JSON string literal, quotes included.  Control characters
 * and invalid UTF-8 bytes are escaped (\u00XX), and so is '<', so that the
 * text can sit inside an HTML <script> element without ending it.
 */
void json_put_string(FILE *out, const char *s);

#endif /* MEMATTACH_JSON_H */
