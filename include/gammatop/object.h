/* object.h: typed Gateway API and core objects as gammatop models them: GatewayClass,
 * Gateway and ListenerSet (+listeners), HTTPRoute/GRPCRoute/TLSRoute/TCPRoute/UDPRoute
 * (+rules), ReferenceGrant, BackendTLSPolicy, XBackendTrafficPolicy, XMesh, Service,
 * Namespace, each with the status its controller reported (Gateway API v1.6.1). Built by decode.c from API JSON, owned by
 * the store. Strings are heap copies exactly as the cluster sent them (NOT sanitised: use
 * str_sanitize before printing to a terminal); NULL means "absent".
 *
 * Objects are reference-counted and never change once built (a change in the cluster is a
 * new object that replaces the old one in the store): whoever keeps a pointer to an object
 * beyond the current event-loop turn holds a reference (object_ref), and drops it with
 * object_unref. A new object (decoded, cloned, calloc'd) has one reference, its creator's.
 * Single-threaded, like everything on the event loop. See doc/architecture.md, "Object
 * lifetimes". */
#ifndef GAMMATOP_OBJECT_H
#define GAMMATOP_OBJECT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_GROUP "gateway.networking.k8s.io"
/* The experimental group of XBackendTrafficPolicy and XMesh (v1alpha1 in v1.6.1). */
#define GW_X_GROUP "gateway.networking.x-k8s.io"

enum gt_kind {
	GT_GATEWAYCLASS,
	GT_GATEWAY,
	GT_HTTPROUTE,
	GT_GRPCROUTE,
	GT_REFERENCEGRANT,
	GT_SERVICE,
	GT_NAMESPACE,
	/* Gateway API v1.5/v1.6 kinds; appended so that packed and cached kind numbers stay. */
	GT_LISTENERSET,
	GT_TLSROUTE,
	GT_TCPROUTE,
	GT_UDPROUTE,
	GT_BACKENDTLSPOLICY,
	GT_XBACKENDTRAFFICPOLICY,
	GT_XMESH,
	GT_KIND_COUNT
};

/* "HTTPRoute", "Service", ... */
const char *kind_name(enum gt_kind k);
/* "httproute" (lower case, used in object ids "httproute/NS/NAME") */
const char *kind_id(enum gt_kind k);
/* Plural resource ("httproutes") and API group ("" for core) and preferred version. */
const char *kind_resource(enum gt_kind k);
const char *kind_group(enum gt_kind k);
const char *kind_version(enum gt_kind k);
bool kind_namespaced(enum gt_kind k);
/* By Kind name ("HTTPRoute") or id/resource ("httproute", "httproutes"); -1 if unknown. */
int kind_from_name(const char *name);
/* HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute. */
bool kind_is_route(enum gt_kind k);
/* TLSRoute, TCPRoute or UDPRoute: rules with backendRefs only (no matches, filters, timeouts). */
bool kind_is_l4_route(enum gt_kind k);
/* BackendTLSPolicy or XBackendTrafficPolicy (struct gt_policy). */
bool kind_is_policy(enum gt_kind k);

struct gt_kv {
	char *key, *value;
};

struct gt_kvlist {
	struct gt_kv *items;
	size_t n;
};
const char *kvlist_get(const struct gt_kvlist *l, const char *key);

struct gt_condition {
	char *type, *status, *reason, *message; /* status: "True" | "False" | "Unknown" */
	int64_t observed_generation;           /* 0 when absent */
};

struct gt_conditions {
	struct gt_condition *items;
	size_t n;
};
const struct gt_condition *conditions_find(const struct gt_conditions *c, const char *type);

struct gt_meta {
	char *name, *namespace_; /* namespace_ NULL for cluster-scoped kinds */
	char *uid, *resource_version, *creation_timestamp;
	int64_t generation;
	struct gt_kvlist labels, annotations;
};

/* Label selector (matchLabels + matchExpressions). */
struct gt_label_req {
	char *key, *op; /* op: In, NotIn, Exists, DoesNotExist */
	char **values;
	size_t n_values;
};
struct gt_selector {
	bool present;
	struct gt_kvlist match_labels;
	struct gt_label_req *exprs;
	size_t n_exprs;
};

/* ---- GatewayClass ---- */
struct gt_gatewayclass {
	char *controller_name, *description;
	struct gt_conditions conditions;
};

/* ---- Gateway ---- */
enum gt_from { GT_FROM_SAME, GT_FROM_ALL, GT_FROM_SELECTOR };

struct gt_group_kind {
	char *group, *kind; /* group defaults to GW_GROUP when absent */
};

/* A reference to an object by group, kind, namespace and name (certificateRefs,
 * caCertificateRefs). group "" is core. */
struct gt_object_ref {
	char *group, *kind, *namespace_, *name;
};

struct gt_listener {
	char *name, *hostname, *protocol; /* hostname NULL: any */
	int port;
	enum gt_from from; /* allowedRoutes.namespaces.from; default Same */
	struct gt_selector selector; /* for GT_FROM_SELECTOR */
	struct gt_group_kind *kinds; /* allowedRoutes.kinds; n_kinds 0 = inferred from protocol */
	size_t n_kinds;
	bool has_tls;   /* tls present */
	char *tls_mode; /* tls.mode: "Terminate" (default when tls is present) | "Passthrough" */
	struct gt_object_ref *certs; /* tls.certificateRefs (namespace defaulted to the owner's) */
	size_t n_certs;
	bool has_tls_options; /* tls.options has entries (certificates may come from there) */
};

struct gt_listener_status {
	char *name;
	int attached_routes; /* -1 when absent */
	struct gt_conditions conditions;
	char **supported_kinds; /* status supportedKinds[].kind as reported */
	size_t n_supported_kinds;
};

/* Gateway spec.allowedListeners.namespaces.from (GEP-1713): default None. */
enum gt_allowed_listeners { GT_AL_NONE, GT_AL_SAME, GT_AL_ALL, GT_AL_SELECTOR };

struct gt_parent_ref;

/* A Gateway, or a ListenerSet (GT_LISTENERSET uses the same struct: listeners and listener
 * status are alike; class_name and addresses stay empty, ls_parent is its spec.parentRef). */
struct gt_gateway {
	char *class_name;
	enum gt_allowed_listeners allowed_listeners; /* Gateway only */
	struct gt_selector allowed_listeners_selector; /* for GT_AL_SELECTOR */
	struct gt_parent_ref *ls_parent; /* ListenerSet only: spec.parentRef (owned), else NULL */
	bool default_scope_all; /* Gateway spec.defaultScope: All (GEP-3793, experimental) */
	struct gt_listener *listeners;
	size_t n_listeners;
	char **addresses; /* status.addresses[].value */
	size_t n_addresses;
	struct gt_conditions conditions;
	struct gt_listener_status *listener_status;
	size_t n_listener_status;
	int attached_listener_sets; /* Gateway status.attachedListenerSets, -1 when absent */
};

/* ---- Routes ---- */
struct gt_parent_ref {
	char *group;   /* defaulted: GW_GROUP for Gateway; "" for Service (also when "core") */
	char *kind;    /* defaulted: "Gateway" */
	char *namespace_; /* defaulted: the route's namespace */
	char *name;
	char *section_name; /* NULL when unset */
	int port;           /* 0 when unset */
};

struct gt_backend_ref {
	char *group; /* "" for core */
	char *kind;  /* defaulted "Service" */
	char *namespace_; /* defaulted: the route's namespace */
	char *name;
	int port;   /* 0 when unset */
	int weight; /* defaulted 1 */
};

struct gt_string_match {
	char *type, *name, *value; /* headers/queryParams: type Exact|RegularExpression */
};

struct gt_match {
	/* HTTPRoute: path (type Exact|PathPrefix|RegularExpression), headers, queryParams, method.
	 * GRPCRoute: method.type/service/method in grpc_*; headers. */
	char *path_type, *path_value;
	struct gt_string_match *headers;
	size_t n_headers;
	struct gt_string_match *query_params;
	size_t n_query_params;
	char *method;
	char *grpc_type, *grpc_service, *grpc_method;
};

struct gt_filter {
	char *type;    /* RequestHeaderModifier, RequestRedirect, URLRewrite, ... */
	char *summary; /* one line a person can read: "set X-Env=prod; remove X-Debug" */
};

/* timeouts (GEP-1742) and retry (GEP-1731): strings exactly as written, NULL when unset. */
struct gt_timeouts {
	char *request, *backend_request;
};

struct gt_retry {
	int attempts;  /* -1 when unset */
	char *backoff; /* NULL when unset */
	int *codes;
	size_t n_codes;
};

struct gt_rule {
	char *name; /* NULL when unset */
	struct gt_match *matches;
	size_t n_matches;
	struct gt_filter *filters;
	size_t n_filters;
	struct gt_backend_ref *backends;
	size_t n_backends;
	bool has_timeouts, has_retry;
	struct gt_timeouts timeouts;
	struct gt_retry retry;
};

struct gt_route_parent_status {
	struct gt_parent_ref ref; /* defaulted like spec parentRefs */
	char *controller_name;
	struct gt_conditions conditions;
};

/* Routes of every kind. TLSRoute/TCPRoute/UDPRoute rules hold backendRefs only (and a
 * name); TCPRoute/UDPRoute have no hostnames. */
struct gt_route {
	char **hostnames;
	size_t n_hostnames;
	struct gt_parent_ref *parents;
	size_t n_parents;
	struct gt_rule *rules; /* never empty after decoding: a route without rules gets the */
	size_t n_rules;        /* default rule (match PathPrefix /), default_rule = true; a */
	                       /* GRPCRoute's default rule has no matches (matches every call) */
	bool default_rule;
	bool use_default_gateways; /* spec.useDefaultGateways: All (GEP-3793, experimental) */
	struct gt_route_parent_status *status;
	size_t n_status;
};

/* ---- ReferenceGrant ---- */
struct gt_grant_from {
	char *group, *kind, *namespace_;
};
struct gt_grant_to {
	char *group, *kind, *name; /* name NULL: any */
};
struct gt_refgrant {
	struct gt_grant_from *from;
	size_t n_from;
	struct gt_grant_to *to;
	size_t n_to;
};

/* ---- Service ---- */
struct gt_service_port {
	char *name, *protocol, *app_protocol;
	int port;
	char *target_port; /* number or name, as a string */
};

struct gt_service {
	char *type;        /* ClusterIP (default), NodePort, LoadBalancer, ExternalName */
	char *cluster_ip;  /* "None" for headless */
	char *external_name;
	struct gt_service_port *ports;
	size_t n_ports;
};

/* ---- Policies: BackendTLSPolicy (v1) and XBackendTrafficPolicy (x-k8s v1alpha1) ---- */
struct gt_policy_target {
	char *group, *kind, *name; /* group "" is core; kind defaulted "Service" */
	char *section_name;        /* NULL when unset */
};

struct gt_policy {
	struct gt_policy_target *targets; /* spec.targetRefs */
	size_t n_targets;
	/* BackendTLSPolicy spec.validation */
	struct gt_object_ref *ca_refs; /* caCertificateRefs (namespace = the policy's) */
	size_t n_ca_refs;
	char *well_known_ca; /* wellKnownCACertificates ("System"), NULL when unset */
	char *hostname;      /* validation.hostname */
	char **sans;         /* subjectAltNames[] as "Hostname:x" / "URI:x" */
	size_t n_sans;
	/* XBackendTrafficPolicy spec.retryConstraint (GEP-3388) and sessionPersistence */
	bool has_retry_constraint;
	int budget_percent;        /* retryConstraint.budget.percent, -1 when unset (CRD default 20) */
	char *budget_interval;     /* retryConstraint.budget.interval (default 10s) */
	int min_retry_count;       /* retryConstraint.minRetryRate.count, -1 when unset (default 10) */
	char *min_retry_interval;  /* retryConstraint.minRetryRate.interval (default 1s) */
	char *session_persistence; /* sessionPersistence.type (Cookie|Header), NULL when unset */
	/* status.ancestors[]: ancestorRef (a ParentReference), controllerName, conditions */
	struct gt_route_parent_status *ancestors;
	size_t n_ancestors;
};

/* ---- XMesh (x-k8s v1alpha1, GEP-3949) ---- */
struct gt_mesh {
	char *controller_name, *description;
	struct gt_conditions conditions;
	char **features; /* status.supportedFeatures[].name */
	size_t n_features;
};

/* ---- Namespace: only metadata (labels) matters ---- */

struct gt_object {
	enum gt_kind kind;
	unsigned refs; /* references beyond the first: 0 while one owner holds it (object_ref) */
	char *api_version; /* as received, e.g. "gateway.networking.k8s.io/v1beta1" */
	struct gt_meta meta;
	union {
		struct gt_gatewayclass gc;
		struct gt_gateway gw;  /* GT_GATEWAY and GT_LISTENERSET */
		struct gt_route route; /* every route kind (kind_is_route) */
		struct gt_refgrant grant;
		struct gt_service svc;
		struct gt_policy pol; /* kind_is_policy */
		struct gt_mesh mesh;  /* GT_XMESH */
	} u;
};

/* Take one more reference to o (NULL is fine); returns o. o stays valid, unchanged, until
 * every reference is dropped: the store replacing or deleting it only drops the store's. */
struct gt_object *object_ref(const struct gt_object *o);
/* Drop one reference; the last one frees o and everything it owns. NULL is fine. */
void object_unref(const struct gt_object *o);
/* object_unref under its first name: the owner of a new object (one reference) frees it. */
void object_free(struct gt_object *o);
/* Deep copy (a new object with one reference). */
struct gt_object *object_clone(const struct gt_object *o);
/* A new, empty object of kind (zeroed, one reference): how decode, objpack and tests make
 * one, so that it is counted. */
struct gt_object *object_new(enum gt_kind kind);
/* Objects made by object_new/object_clone and not yet freed: a count that grows while the
 * store's does not is a reference kept too long (tests, the console's live counts). */
long object_live_count(void);
/* "httproute/NAMESPACE/NAME" or "gatewayclass/NAME" into buf; returns buf. */
char *object_id(const struct gt_object *o, char *buf, size_t n);
/* Effective namespace of a namespaced object ("" for cluster-scoped). */
const char *object_ns(const struct gt_object *o);

bool service_is_headless(const struct gt_service *s);
/* Does the selector match these labels? An absent selector matches nothing; an empty
 * present selector matches everything. */
bool selector_matches(const struct gt_selector *sel, const struct gt_kvlist *labels);

#endif
