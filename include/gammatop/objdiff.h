/* objdiff.h: what changed between two versions of an object, field by field: the change
 * journal's diffs. Two JSON values are compared (objects key by key, arrays element by element
 * over their common length, then elements added or removed at the end, anything else as a
 * value); each difference is a change with a field path (`spec.rules[1].timeouts.request`,
 * `metadata.annotations["example.com/owner"]` for keys that are not plain names), an
 * operation (set, add, remove) and the old and new values. A diff has a JSON form that the
 * journal stores, and replays onto the older document to get the newer one exactly
 * (objdiff_apply); and a one-line summary for people (`spec.rules[1].timeouts.request 5s →
 * 300ms`). Pure: no I/O. */
#ifndef GAMMATOP_OBJDIFF_H
#define GAMMATOP_OBJDIFF_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum objdiff_op { OBJDIFF_SET, OBJDIFF_ADD, OBJDIFF_REMOVE };

struct objdiff_change {
	char *path;      /* owned */
	enum objdiff_op op;
	json_t *old_v;   /* owned reference; NULL for ADD */
	json_t *new_v;   /* owned reference; NULL for REMOVE */
};

struct objdiff {
	struct objdiff_change *items; /* owned, in document order (removals of array elements
	                               * from the last one down, so that replay can apply them
	                               * in order) */
	size_t n, cap;
};

void objdiff_init(struct objdiff *d);
void objdiff_done(struct objdiff *d);

/* Append the differences between a and b (either NULL: absent) found under path prefix
 * ("spec"; "" for the whole document) to d. Object keys are visited in sorted order, so the
 * same two values always give the same diff. */
void objdiff_compute(struct objdiff *d, const char *prefix, const json_t *a, const json_t *b);

/* The JSON form: [{"op":"set"|"add"|"remove","path":P,"old":V,"new":V}] (old absent for add,
 * new absent for remove). New reference. */
json_t *objdiff_to_json(const struct objdiff *d);
/* Read the JSON form into d (appended). Returns 0, or -1 with err naming the bad entry. */
int objdiff_from_json(const json_t *j, struct objdiff *d, char *err, size_t errlen);

/* Replay the JSON form of a diff onto doc (changed in place): doc then equals the newer
 * document the diff was computed against. Returns 0, or -1 with err when a change does not
 * fit doc (a path through a missing or mistyped field, an index out of range); doc is then
 * partly changed. */
int objdiff_apply(json_t *doc, const json_t *diff, char *err, size_t errlen);

/* A value as a short text for a summary: strings as they are, numbers and booleans in JSON,
 * objects and arrays as compact JSON cut at max_chars ("…" added), NULL as "(none)". Heap. */
char *objdiff_value_text(const json_t *v, size_t max_chars);
/* One line about change c: "spec.rules[1].timeouts.request 5s → 300ms", "… added: 2s",
 * "… removed (was 2s)". Heap. */
char *objdiff_change_text(const struct objdiff_change *c);
/* One line about the whole diff for a timeline: the first max_changes changes joined by
 * "; ", then "(+N more)". Changes under any path of skip (a NULL-terminated list such as
 * {"status", "metadata.generation", NULL}; NULL: none) are left out; "" when nothing is
 * left. Heap. */
char *objdiff_summary(const struct objdiff *d, size_t max_changes, const char *const *skip);
/* Is path under one of the paths of skip (NULL-terminated; NULL: none)? */
bool objdiff_path_under_any(const char *path, const char *const *skip);

/* One step of a field path. */
struct objdiff_seg {
	char *key;  /* owned; NULL for an array index */
	long index; /* >= 0 for an array index */
};
/* Split path into steps (*segs heap, free with objdiff_segs_free). Returns the number of
 * steps, or -1 when path is not a field path of the form objdiff writes. */
long objdiff_path_parse(const char *path, struct objdiff_seg **segs);
void objdiff_segs_free(struct objdiff_seg *segs, long n);
/* Does path lie under prefix (equal, or prefix followed by "." or "[")? */
bool objdiff_path_under(const char *path, const char *prefix);

#endif
