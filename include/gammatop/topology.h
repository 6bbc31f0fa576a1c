/* topology.h: who attaches to whom, computed from the spec exactly as the Gateway API
 * says (listener selection by sectionName/port, allowedRoutes namespaces and kinds, hostname
 * intersection, GAMMA producer/consumer Service parents, backendRefs and ReferenceGrants),
 * side by side with what the controllers reported in status. Pure: reads the store, no I/O.
 * Rebuild when store_generation() moves.
 *
 * Lifetimes: a topology holds a reference (object_ref) on every object it points to (routes,
 * Gateways, GatewayClasses, Services), and everything else it points to lives inside those
 * objects or in the topology itself. So it stays valid and unchanged, describing the store
 * as of store_generation, however the store changes afterwards, until its last reference is
 * dropped. It is itself reference-counted: a view keeps the topology its rows were built
 * from with topology_ref (see doc/architecture.md, "Object lifetimes"). */
#ifndef GAMMATOP_TOPOLOGY_H
#define GAMMATOP_TOPOLOGY_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/findings.h"
#include "gammatop/object.h"
#include "gammatop/store.h"

enum topo_role { TOPO_GATEWAY, TOPO_PRODUCER, TOPO_CONSUMER, TOPO_OTHER };
const char *topo_role_name(enum topo_role r); /* "gateway" | "producer" | "consumer" | "other" */

/* One parentRef of a route, resolved. */
struct topo_parent {
	const struct gt_parent_ref *ref; /* inside the route (held) */
	enum topo_role role;
	const struct gt_object *target;  /* the Gateway or Service (held), NULL when missing */
	bool attached;
	const char *reason; /* static: "Accepted", "NotAllowedByListeners",
	                     * "NoMatchingListenerHostname", "NoMatchingParent", "UnsupportedValue" */
	char *message;      /* owned: why, in words */
	size_t *listeners;  /* owned: indices into target's listeners it attaches to */
	size_t n_listeners;
	/* What the controller reported for this parentRef (status.parents), if anything. */
	const struct gt_route_parent_status *reported; /* inside the route; NULL: nothing reported */
	int reported_accepted; /* 1 True, 0 False, -1 Unknown/absent */
	const char *reported_reason; /* inside the route; NULL when absent */
	bool disagrees; /* computed attached != reported Accepted (when reported) */
	int reported_resolved; /* the reported ResolvedRefs: 1 True, 0 False, -1 Unknown/absent */
	bool refs_disagree; /* reported ResolvedRefs contradicts the computed backendRefs */
};

struct topo_backend {
	const struct gt_backend_ref *ref; /* inside the route */
	const struct gt_object *service;  /* held; NULL when not found or not a Service */
	bool resolved;
	const char *reason; /* static: "ResolvedRefs", "BackendNotFound", "RefNotPermitted",
	                     * "InvalidKind", "MissingPort" */
	char *message;      /* owned */
};

struct topo_rule {
	const struct gt_rule *rule; /* inside the route */
	size_t index;
	struct topo_backend *backends; /* owned */
	size_t n_backends;
};

struct topo_route {
	const struct gt_object *obj; /* held (a reference of the topology's) */
	struct topo_parent *parents; /* owned */
	size_t n_parents;
	struct topo_rule *rules;     /* owned */
	size_t n_rules;
	bool attached_any; /* attached to at least one parent */
	bool mesh;         /* has at least one Service parent */
	bool refs_resolved;
};

struct topo_listener {
	const struct gt_listener *listener; /* inside the Gateway */
	size_t index;
	int attached_routes;          /* computed */
	int reported_attached_routes; /* from status, -1 when absent */
	size_t *routes;               /* owned: indices into topology->routes */
	size_t n_routes;
};

struct topo_gateway {
	const struct gt_object *obj;   /* held */
	const struct gt_object *klass; /* its GatewayClass (one of classes), NULL when missing */
	struct topo_listener *listeners; /* owned */
	size_t n_listeners;
};

struct topo_service {
	const struct gt_object *obj; /* held */
	size_t *producers, n_producers;  /* owned: route indices with this Service as producer parent */
	size_t *consumers, n_consumers;  /* owned: ... as consumer parent */
	size_t *backend_of, n_backend_of; /* owned: routes sending traffic to it */
};

struct gt_topology {
	unsigned refs;             /* references beyond the first (topology_ref) */
	uint64_t store_generation; /* the store generation this was built from */
	struct topo_route *routes; /* sorted: kind, namespace, name */
	size_t n_routes;
	struct topo_gateway *gateways;
	size_t n_gateways;
	struct topo_service *services;
	size_t n_services;
	const struct gt_object **classes; /* held: the GatewayClasses, sorted by name */
	size_t n_classes;
	struct findings findings; /* attachment, reference and status findings */
};

/* Compute the whole topology of what s holds now: attachment of every route parentRef,
 * backend resolution, computed versus reported status, and their findings. Pure (no I/O);
 * the result holds a reference on every object of s it points to, so it stays valid after s
 * changes (it then describes s as it was). Never NULL; one reference, the caller's. */
struct gt_topology *topology_build(struct gt_store *s);
/* One more reference to t (NULL is fine); returns t. */
struct gt_topology *topology_ref(struct gt_topology *t);
/* Drop one reference; the last frees t and drops its references on the objects. NULL is
 * fine. */
void topology_free(struct gt_topology *t);
/* Topologies built and not yet freed: the console holds at most two (doc/architecture.md). */
long topology_live_count(void);
/* Look a route, Gateway or Service up by namespace and name; NULL when t has none. */
const struct topo_route *topology_find_route(const struct gt_topology *t, enum gt_kind kind,
                                             const char *ns, const char *name);
const struct topo_gateway *topology_find_gateway(const struct gt_topology *t, const char *ns,
                                                 const char *name);
const struct topo_service *topology_find_service(const struct gt_topology *t, const char *ns,
                                                 const char *name);

/* Hostname intersection as the spec defines it (NULL/empty listener hostname matches all;
 * "*.example.com" covers "a.example.com" and "a.b.example.com"). Exposed for tests. */
bool topology_hostnames_intersect(const char *listener_host, const char *route_host);

#endif
