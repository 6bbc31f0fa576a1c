/* objpack.h: a compact, NUL-free text form of decoded objects (struct gt_object), for caches
 * that must load fast: no JSON parse and no re-decoding, every field kept as decoded (filter
 * summaries, defaults). Strings are length-prefixed ("5:hello", "~" for NULL), numbers are
 * decimal followed by ','. The form is private to one gammatop version: callers put a version
 * in front. Reading is bounds-checked and never trusts a count or a length. */
#ifndef GAMMATOP_OBJPACK_H
#define GAMMATOP_OBJPACK_H
#include <stddef.h>

#include "gammatop/buf.h"
#include "gammatop/object.h"

/* Append the packed form of o to b (no NUL is ever written). */
void objpack_write(struct buf *b, const struct gt_object *o);

/* Read one object from *p (not past end) into a new object in *out and move *p past it.
 * Returns 0, or -1 with err naming the byte offset from base and what was wrong (*out NULL,
 * *p unchanged): a truncated or malformed form, an unknown kind, a nameless object. */
int objpack_read(const char **p, const char *end, const char *base, struct gt_object **out,
                 char *err, size_t errlen);

#endif
