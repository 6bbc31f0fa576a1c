/* strmap.h: a string-keyed hash map (open addressing, FNV-1a) used where the cache and
 * telemetry layers look things up by name many times per collection: key ids, counter
 * series, route accumulators. Keys are copied; values are the caller's pointers.
 * Embedded: strmap_init/strmap_done. */
#ifndef GAMMATOP_STRMAP_H
#define GAMMATOP_STRMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	char *key; /* owned; NULL for an empty slot */
	uint64_t hash;
	void *value;
};

struct strmap {
	struct strmap_entry *e; /* owned */
	size_t cap, n;
	void (*free_value)(void *); /* called on values by strmap_done/strmap_clear; may be NULL */
};

/* FNV-1a, the one hash of gammatop's tables: of a string, and of a (namespace, name) pair
 * (joined by the byte 0xff, which no name holds) for the tables keyed by both that do not
 * copy their keys: the store's per-kind chains (the key is the object's own) and the
 * topology's index (keys borrowed for one build). */
#define STRMAP_FNV_OFFSET 1469598103934665603ULL
#define STRMAP_FNV_PRIME 1099511628211ULL
static inline uint64_t strmap_fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * STRMAP_FNV_PRIME;
	return h;
}
static inline uint64_t strmap_hash(const char *s)
{
	return strmap_fnv(STRMAP_FNV_OFFSET, s);
}
static inline uint64_t strmap_hash_pair(const char *ns, const char *name)
{
	return strmap_fnv((strmap_fnv(STRMAP_FNV_OFFSET, ns) ^ 0xff) * STRMAP_FNV_PRIME, name);
}

void strmap_init(struct strmap *m, void (*free_value)(void *));
void strmap_done(struct strmap *m);
void strmap_clear(struct strmap *m);
/* The value for key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* The value slot for key, inserting it (value NULL, *created true) when absent. The pointer
 * is valid until the next insertion. */
void **strmap_slot(struct strmap *m, const char *key, bool *created);

/* Iterate: for (size_t i = 0; i < m->cap; i++) if (m->e[i].key) ... */

#endif
