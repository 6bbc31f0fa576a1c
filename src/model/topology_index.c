/* topology_index.c: the (namespace, name) -> index hash table the topology builds once per
 * build, so every lookup of a Gateway, Service, Namespace or ReferenceGrant run is O(1), and
 * the growable index arrays it fills. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/strmap.h"
#include "gammatop/xalloc.h"
#include "topology_int.h"

static uint64_t index_hash(const char *ns, const char *name)
{
	uint64_t h = strmap_hash_pair(ns, name);
	return h ^ (h >> 29); /* the low bits pick the slot: fold the high ones in */
}

/* Room for n keys at most half full. */
void topology_index_init(struct topology_index *ix, size_t n)
{
	ix->cap = 16;
	while (ix->cap < n * 2)
		ix->cap *= 2;
	ix->slots = xcalloc(ix->cap, sizeof *ix->slots);
}

/* Free the slots (not the borrowed keys). */
void topology_index_done(struct topology_index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
}

/* The slot holding (ns, name), or the empty slot where it would go. */
static size_t find_slot(const struct topology_index *ix, const char *ns, const char *name)
{
	size_t i = index_hash(ns, name) & (ix->cap - 1);
	while (ix->slots[i].ns &&
	       (strcmp(ix->slots[i].ns, ns) != 0 || strcmp(ix->slots[i].name, name) != 0))
		i = (i + 1) & (ix->cap - 1);
	return i;
}

/* Insert unless present (the first insertion wins). */
void topology_index_put(struct topology_index *ix, const char *ns, const char *name,
                        size_t val)
{
	ns = ns ? ns : "";
	name = name ? name : "";
	size_t i = find_slot(ix, ns, name);
	if (!ix->slots[i].ns)
		ix->slots[i] = (struct topology_index_entry){ns, name, val};
}

/* Look (ns, name) up; true and *val set when present. NULL ns/name mean "". */
bool topology_index_get(const struct topology_index *ix, const char *ns, const char *name,
                        size_t *val)
{
	size_t i = find_slot(ix, ns ? ns : "", name ? name : "");
	if (!ix->slots[i].ns)
		return false;
	*val = ix->slots[i].val;
	return true;
}

/* Append v to a heap array of n elements that grows at powers of two. */
void topology_push_index(size_t **arr, size_t *n, size_t v)
{
	if (*n == 0 || (*n & (*n - 1)) == 0)
		*arr = xreallocarray(*arr, *n ? *n * 2 : 1, sizeof **arr);
	(*arr)[(*n)++] = v;
}
