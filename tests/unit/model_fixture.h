/* model_fixture.h: helpers for the model's unit tests that build a store from objects
 * written inline (test_topology, test_lint): JSON with single quotes, so that the C strings
 * need no escaped double quotes, and a lookup of one finding. */
#ifndef MODEL_FIXTURE_H
#define MODEL_FIXTURE_H
#include <stdlib.h>
#include <string.h>

#include "gammatop/decode.h"
#include "gammatop/findings.h"
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

/* Decode one object written as JSON with single quotes (each ' becomes ") and put it in s;
 * fails the test, with the decoder's message and the text, when it does not decode. */
static inline void sq_put(struct gt_store *s, const char *sq)
{
	char *text = xstrdup(sq);
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct gt_object *o = NULL;
	char err[256] = "";
	if (decode_text(text, strlen(text), &o, err, sizeof err) != DECODE_OK)
		fail_msg("decode failed: %s\n%s", err, text);
	free(text);
	store_put(s, o);
}

/* The first finding in f with this code and, when given (not NULL), this object id and
 * field path; NULL when there is none. */
static const struct finding *finding_find(const struct findings *f, const char *code,
                                          const char *object, const char *field)
{
	for (size_t i = 0; i < f->n; i++)
		if (str_eq(f->items[i].code, code) && (!object || str_eq(f->items[i].object, object)) &&
		    (!field || str_eq(f->items[i].field, field)))
			return &f->items[i];
	return NULL;
}

#endif
