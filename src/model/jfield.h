/* jfield.h (private to the model layer): checked readers of JSON fields that know the field
 * path, for decode.c and decode_filter.c. Failure is sticky: after the first error every
 * reader does nothing, and the error reads "<id>: <path>: <problem>", e.g.
 * "httproute/default/web: spec.rules[0].backendRefs[1].port: expected an integer 1-65535".
 * Readers leave *out alone when the field is absent or null. */
#ifndef GAMMATOP_JFIELD_H
#define GAMMATOP_JFIELD_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/object.h"

#define JF_LIST_CAP 1024 /* items in any list (the CRDs allow at most 64) */
#define JF_MAP_CAP 10000 /* entries in labels, annotations, matchLabels */

struct jf {
	char *err;
	size_t errlen;
	bool failed;
	char id[320];   /* "httproute/default/web" (sanitised); see jf_set_id */
	bool id_lazy;   /* id is still to be made from id_kind/id_ns/id_name */
	enum gt_kind id_kind;
	const char *id_ns, *id_name; /* borrowed: valid while decoding */
	char path[512]; /* "spec.rules[0].backendRefs[1]" */
	size_t plen;
	const char *ns; /* the object's namespace (default for references) */
};

/* Append printf-style text to the path ("[3]"); returns the old length for jf_pop. */
size_t jf_push(struct jf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append ".key" ("key" at the top); returns the old length. */
size_t jf_push_key(struct jf *c, const char *key);
void jf_pop(struct jf *c, size_t old);
/* Name the object for error messages: "kind/ns/name" ("kind/name" for cluster-scoped kinds,
 * "kind (unnamed)" without a name), sanitised. Only remembered: the text is made when an
 * error is written, so ns and name must stay valid until decoding ends. */
void jf_set_id(struct jf *c, enum gt_kind k, const char *ns, const char *name);
/* Record the first error at the current path. */
void jf_fail(struct jf *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record the first error at path.key. */
void jf_fail_at(struct jf *c, const char *key, const char *msg);

/* obj[key], NULL when absent, null, obj is NULL or after a failure. */
const json_t *jf_field(struct jf *c, const json_t *obj, const char *key);
/* A heap copy of the string v, or NULL after failing ("expected a string", NUL inside). */
char *jf_str_of(struct jf *c, const json_t *v);
void jf_str(struct jf *c, const json_t *obj, const char *key, char **out);
/* A string that must be present and non-empty. */
void jf_name(struct jf *c, const json_t *obj, const char *key, char **out);
/* *out = copy of def when *out is NULL. */
void jf_default(char **out, const char *def);
/* An integer (or an integral real) into *out; false otherwise. */
bool jf_int_of(const json_t *v, int64_t *out);
void jf_int64(struct jf *c, const json_t *obj, const char *key, int64_t min, int64_t max,
              int64_t *out);
void jf_int(struct jf *c, const json_t *obj, const char *key, int min, int max, int *out);
/* *out = 0 or 1. */
void jf_bool(struct jf *c, const json_t *obj, const char *key, int *out);
/* An object, or NULL (absent or failed). */
const json_t *jf_obj(struct jf *c, const json_t *obj, const char *key);
/* A list of at most JF_LIST_CAP items (*n), or NULL (absent or failed). */
const json_t *jf_list(struct jf *c, const json_t *obj, const char *key, size_t *n);
/* Item i of list, which must be an object; pushes "[i]" (the caller pops *old). */
const json_t *jf_item(struct jf *c, const json_t *list, size_t i, size_t *old);
/* A list of strings as a new array (*n items), NULL when absent. */
char **jf_strv(struct jf *c, const json_t *obj, const char *key, size_t *n);
/* A string -> string map. kubectl's last-applied-configuration annotation is dropped. */
void jf_map(struct jf *c, const json_t *obj, const char *key, struct gt_kvlist *out);

/* decode_filter.c: one line a person can read for an HTTPRoute/GRPCRoute filter of type
 * (j is the filter object), appended to b. */
struct buf;
void decode_filter_summary(struct jf *c, const json_t *j, const char *type, struct buf *b);

#endif
