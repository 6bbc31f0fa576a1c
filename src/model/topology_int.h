/* topology_int.h: what the topology's source files share among themselves (not an API):
 * the (namespace, name) hash index, the status comparison, and two small parentRef helpers. */
#ifndef GAMMATOP_TOPOLOGY_INT_H
#define GAMMATOP_TOPOLOGY_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gammatop/findings.h"
#include "gammatop/object.h"
#include "gammatop/topology.h"

struct topology_index_entry {
	const char *ns, *name; /* borrowed; NULL ns: empty slot */
	size_t val;
};

/* Open addressing, sized once for n keys (never grows). */
struct topology_index {
	struct topology_index_entry *slots; /* owned */
	size_t cap;                         /* power of two, >= 2n */
};

/* topology_lookup.c's live count: one more topology (topology_build). */
void topology_count_new(void);

void topology_index_init(struct topology_index *ix, size_t n);
void topology_index_done(struct topology_index *ix);
/* Insert (ns, name) -> val unless present (the first insertion wins). Keys are borrowed. */
void topology_index_put(struct topology_index *ix, const char *ns, const char *name, size_t val);
bool topology_index_get(const struct topology_index *ix, const char *ns, const char *name,
                        size_t *val);
/* Append v to a heap array of *n elements that grows at powers of two. */
void topology_push_index(size_t **arr, size_t *n, size_t v);

/* A route's id for findings ("httproute/ns/name"), made on first use: most routes have no
 * finding. */
struct topology_rid {
	const struct gt_object *obj;
	char s[512]; /* "" until topology_rid() */
};
static inline const char *topology_rid(struct topology_rid *r)
{
	if (!r->s[0])
		object_id(r->obj, r->s, sizeof r->s);
	return r->s;
}
/* "spec.parentRefs[pi]" into buf (64 bytes), for a finding's field. */
static inline const char *topology_parent_field(char *buf, size_t n, size_t pi)
{
	snprintf(buf, n, "spec.parentRefs[%zu]", pi);
	return buf;
}

/* Match parentRef pi of tr to what the controllers reported in status.parents, fill the
 * reported_* fields of tp and add StatusDisagrees / NoStatus findings to out. Call after the
 * route's parents and backends are resolved. */
void topology_match_status(struct findings *out, const struct topo_route *tr, size_t pi,
                           struct topo_parent *tp, struct topology_rid *rid);

/* "" and "core" both name the core API group. */
static inline bool topology_is_core_group(const char *g)
{
	return !g || !*g || strcmp(g, "core") == 0;
}

/* The namespace a parentRef points into (defaulted to the route's). */
static inline const char *topology_ref_ns(const struct gt_parent_ref *r,
                                          const struct gt_object *route)
{
	return r->namespace_ ? r->namespace_ : object_ns(route);
}

#endif
