/* json.c: JSON string escaping shared by every report. */
#include "config.h"

#include <stdint.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static int utf8_sequence_length(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void json_put_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putc('"', out);
	while (*s) {
		int n = utf8_sequence_length(s);

		if (n == 0) {
			/* Not UTF-8 (a Latin-1 file name, say): keep the
			 * byte's value visible rather than fail. */
			fprintf(out, "\\u%04x", *s++);
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, (size_t)n, out);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '<':  fputs("\\u003c", out); break;
		default:
			if (*s < 0x20)
				fprintf(out, "\\u%04x", *s);
			else
				putc(*s, out);
		}
		s++;
	}
	putc('"', out);
}
