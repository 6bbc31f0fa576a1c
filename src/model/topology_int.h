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

/* ---- the build context (topology.c), shared with topology_listeners.c and
 * topology_policy.c ---- */

struct ns_labels {
	struct gt_kvlist labels; /* the Namespace's labels + kubernetes.io/metadata.name */
};

struct build {
	struct gt_topology *t;
	const struct gt_store *s; /* for what was read where (store_kind_covers) */
	struct topology_index gateways, services, namespaces, classes, grants, listenersets;
	const struct gt_object *const *grant_objs;
	size_t n_grants;
	const struct gt_object *const *class_objs;
	const struct gt_object *const *ns_objs;
	struct ns_labels *ns_labels;
	size_t n_ns;
	size_t *default_gws, n_default_gws; /* Gateways with defaultScope All (GEP-3793) */
};

/* The labels of Namespace ns, NULL when there is no such Namespace object
 * (topology_rules.c, as the two below). */
const struct gt_kvlist *topology_ns_labels(struct build *b, const char *ns);
/* Does namespace ns match sel (its Namespace's labels; without a Namespace object, only
 * kubernetes.io/metadata.name is known)? */
bool topology_ns_selected(struct build *b, const struct gt_selector *sel, const char *ns);
/* Does a ReferenceGrant in to_ns let from_kind (GW_GROUP) objects of from_ns refer to the
 * to_kind (core group) object to_name? */
bool topology_grant_permits(struct build *b, const char *from_kind, const char *from_ns,
                            const char *to_kind, const char *to_ns, const char *to_name);
/* Judge every Gateway's and ListenerSet's listeners (supportedKinds, Accepted, Conflicted,
 * ResolvedRefs, OverlappingTLSConfig), which ListenerSets each Gateway takes, and the Accepted
 * condition of Gateways and ListenerSets. Before routes are placed (topology_listeners.c). */
void topology_listeners_judge(struct build *b);
/* After routes are placed: attachedRoutes and AttachedListenerSets findings, reported versus
 * computed listener, Gateway and ListenerSet conditions. */
void topology_listeners_findings(struct build *b);
/* Policies: targets, Accepted/ResolvedRefs, ancestors (GEP-713), the backends they apply to,
 * and their findings. After routes are placed (topology_policy.c). */
void topology_policies_build(struct build *b, struct gt_store *s);
/* Precedence between objects of one kind: creationTimestamp (older first; absent last),
 * then namespace, then name. <0: a comes first. */
int topology_older(const struct gt_object *a, const struct gt_object *b);
/* A computed condition into c (message printf-style). */
void topology_cond(struct topo_conditions *c, const char *type, bool status, const char *reason,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

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
