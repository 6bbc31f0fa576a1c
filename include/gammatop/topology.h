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
/* A condition gammatop computes from the spec, to show beside the reported one. */
struct topo_condition {
	const char *type;   /* static: "Accepted", "Conflicted", "ResolvedRefs", ... */
	const char *status; /* static: "True" | "False" | "Unknown" */
	const char *reason; /* static */
	char *message;      /* owned */
};

#define TOPO_MAX_CONDITIONS 4
struct topo_conditions {
	struct topo_condition items[TOPO_MAX_CONDITIONS];
	size_t n;
};
/* The computed condition of this type, or NULL. */
const struct topo_condition *topo_conditions_find(const struct topo_conditions *c,
                                                  const char *type);

struct topo_parent {
	const struct gt_parent_ref *ref; /* inside the route (held) */
	enum topo_role role;
	const struct gt_object *target;  /* the Gateway, ListenerSet or Service (held), NULL when
	                                  * missing */
	bool attached;
	bool unknown;       /* the target's namespace was not read (forbidden, or outside -n):
	                     * attached cannot be computed; reason "Unknown" */
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
	bool defaulted; /* a default Gateway that claims the route (useDefaultGateways, GEP-3793);
	                 * ref is then the topology's, not in the route's parentRefs */
};

struct topo_backend {
	const struct gt_backend_ref *ref; /* inside the route */
	const struct gt_object *service;  /* held; NULL when not found or not a Service */
	/* The accepted policies that target the Service (held by t->policies; NULL: none): its
	 * BackendTLSPolicy (TLS to the backend) and XBackendTrafficPolicy (retry budget, session
	 * persistence). */
	const struct gt_object *tls_policy, *traffic_policy;
	bool resolved;
	bool unknown;       /* the Service's or its grants' namespace was not read: reason
	                     * "Unknown" (resolved cannot be computed) */
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
	struct topo_parent *parents; /* owned: its parentRefs, then the default Gateways that
	                              * claim it */
	size_t n_parents;
	struct gt_parent_ref *default_refs; /* owned: the refs of defaulted parents */
	size_t n_default_refs;
	struct topo_rule *rules;     /* owned */
	size_t n_rules;
	bool attached_any; /* attached to at least one parent */
	bool mesh;         /* has at least one Service parent */
	bool refs_resolved;
};

/* A listener of a Gateway or of a ListenerSet, judged as Gateway API v1.6.1 says
 * (topology_listeners.c). */
struct topo_listener {
	const struct gt_listener *listener; /* inside the Gateway or ListenerSet */
	const struct gt_object *owner;      /* that Gateway or ListenerSet (held) */
	size_t index;
	int attached_routes;          /* computed: Accepted routes attached to it */
	int reported_attached_routes; /* from status, -1 when absent */
	size_t *routes;               /* owned: indices into topology->routes */
	size_t n_routes;
	const struct gt_listener_status *reported; /* its status.listeners entry, NULL: none */
	/* computed */
	const char *supported_kinds[3]; /* static kind names; what routes may attach */
	size_t n_supported_kinds;
	bool accepted, conflicted, resolved_refs, overlapping_tls;
	bool passthrough, terminate; /* TLS Passthrough; HTTPS or TLS Terminate */
	struct topo_conditions conditions; /* Accepted, Conflicted, ResolvedRefs[, Overlapping...] */
	int precedence; /* in the Gateway's merged list: its own listeners first */
};

struct topo_gateway {
	const struct gt_object *obj;   /* held */
	const struct gt_object *klass; /* its GatewayClass (one of classes), NULL when missing */
	struct topo_listener *listeners; /* owned */
	size_t n_listeners;
	struct topo_conditions conditions; /* computed Accepted */
	size_t *listenersets, n_listenersets; /* owned: indices into t->listenersets naming it */
	int attached_listener_sets; /* computed: ListenerSets Accepted on it */
};

/* A ListenerSet (GEP-1713): its parent Gateway, whether that Gateway takes it, its
 * listeners judged in the Gateway's merged list. */
struct topo_listenerset {
	const struct gt_object *obj; /* held */
	long gateway;                /* index into t->gateways; -1: none */
	bool accepted;
	struct topo_conditions conditions; /* computed Accepted */
	struct topo_listener *listeners;   /* owned (empty when the Gateway does not take it) */
	size_t n_listeners;
};

/* A policy's computed status for one ancestor (GEP-713). */
struct topo_ancestor {
	const struct gt_object *obj; /* the Gateway (held), NULL for the mesh */
	const char *kind;            /* "Gateway" | "XMesh" */
	char *ns, *name;             /* owned (ns NULL for the mesh) */
	const struct gt_route_parent_status *reported; /* in the policy; NULL: not reported */
};

#define TOPO_MAX_ANCESTORS 16 /* PolicyStatus.ancestors MaxItems (apis/v1/policy_types.go) */

/* BackendTLSPolicy or XBackendTrafficPolicy (topology_policy.c). */
struct topo_policy {
	const struct gt_object *obj; /* held */
	bool accepted, resolved_refs;
	struct topo_conditions conditions; /* Accepted[, ResolvedRefs] for every ancestor */
	struct topo_ancestor *ancestors;   /* owned: at most TOPO_MAX_ANCESTORS */
	size_t n_ancestors;
	size_t n_ancestors_all; /* before the limit */
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
	struct topo_listenerset *listenersets; /* sorted: namespace, name */
	size_t n_listenersets;
	struct topo_policy *policies; /* BackendTLSPolicies, then XBackendTrafficPolicies */
	size_t n_policies;
	const struct gt_object **meshes; /* held: the XMeshes, sorted by name */
	size_t n_meshes;
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
const struct topo_listenerset *topology_find_listenerset(const struct gt_topology *t,
                                                         const char *ns, const char *name);

/* Hostname intersection as the spec defines it (NULL/empty listener hostname matches all;
 * "*.example.com" covers "a.example.com" and "a.b.example.com"). Exposed for tests. */
bool topology_hostnames_intersect(const char *listener_host, const char *route_host);

#endif
