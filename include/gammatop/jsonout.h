/* jsonout.h: JSON text for every gammatop output (snapshot, routes, lint, top, watch,
 * history): jansson's serialiser, then what it leaves raw but a terminal would act on —
 * DEL, the C1 controls (U+009B is a one-byte CSI) and the bidirectional controls — escaped
 * as \uXXXX (str_json_escape). Still valid JSON, decoding to exactly the same strings. */
#ifndef GAMMATOP_JSONOUT_H
#define GAMMATOP_JSONOUT_H
#include <jansson.h>
#include <stdio.h>

/* json_dumps(j, flags), escaped as above; NULL when jansson cannot serialise j. The caller
 * frees the result. */
char *jsonout_dumps(const json_t *j, size_t flags);
/* Write jsonout_dumps(j, flags) and a newline to f. Returns 0, or -1 when j could not be
 * serialised (nothing is written then); write errors are left to ferror(f). */
int jsonout_write(FILE *f, const json_t *j, size_t flags);

#endif
