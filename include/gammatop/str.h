/* str.h: small string helpers, and the sanitiser every piece of text from a cluster goes
 * through before it reaches a terminal. */
#ifndef GAMMATOP_STR_H
#define GAMMATOP_STR_H
#include <stdbool.h>
#include <stddef.h>

/* Copy src into dst (size n), always NUL-terminating; returns strlen(src) like strlcpy. */
size_t str_copy(char *dst, const char *src, size_t n);
bool str_eq(const char *a, const char *b);          /* NULL-safe; NULL == NULL */
bool str_empty(const char *s);                      /* NULL or "" */
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
const char *str_or(const char *s, const char *fallback); /* s unless NULL/empty */

/* A copy of s that is safe to write to a terminal: C0 and C1 control characters, DEL and
 * ESC become '?', and so do the bidirectional formatting controls (U+061C, U+200E/F,
 * U+202A-E, U+2066-9: they reorder what a terminal shows, "Trojan Source"); invalid UTF-8
 * bytes become '?'; tab becomes a space. Other valid UTF-8 is kept.
 * NULL gives "". The caller frees the result. */
char *str_sanitize(const char *s);
/* The same into a caller buffer (truncated, NUL-terminated); returns dst. */
char *str_sanitize_into(char *dst, size_t n, const char *s);
/* True when s is valid UTF-8 with no control characters (so printing it is safe as is). */
bool str_is_safe(const char *s);

/* JSON text that a serialiser wrote (jansson escapes only what is below U+0020, '"' and
 * '\\') with the rest of what str_sanitize hides from a terminal escaped too: DEL, the C1
 * controls U+0080-U+009F (U+009B is a one-byte CSI) and the bidirectional controls (U+061C,
 * U+200E/F, U+202A-E, U+2066-9) each become \uXXXX. Those code points can only stand inside
 * JSON strings, so the text stays valid JSON that decodes to exactly the same strings (jq
 * gives the original back). The same for one UTF-8 character: str_json_escape("\xe2\x80\xae")
 * is "\\u202e". NULL gives "". The caller frees the result. */
char *str_json_escape(const char *json);
/* A copy of s for a line-oriented text output that is not read by a terminal parser (CSV):
 * every character str_sanitize would hide (C0 and C1 controls, DEL, bidirectional
 * controls) becomes the six characters \uXXXX, invalid UTF-8 bytes become '?'. NULL gives
 * "". The caller frees the result. */
char *str_escape_controls(const char *s);

/* Number of terminal columns s takes (after sanitising; wide characters count 2). */
int str_width(const char *s);
/* Copy s into dst (size n) truncated to at most cols columns; a truncated string ends in
 * "…" (or "~" when ascii is true). Returns the columns used. */
int str_fit(char *dst, size_t n, const char *s, int cols, bool ascii);

/* Write a printf-style message into a caller's error buffer err (size errlen), truncated
 * and NUL-terminated; does nothing when err is NULL or errlen is 0. For the
 * "char *err, size_t errlen" out-parameters of the layers' functions. */
void str_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Split "a,b,c" style lists: returns a NULL-terminated heap array of heap strings. */
char **str_split(const char *s, char sep, size_t *count);
void str_list_free(char **list);

#endif
