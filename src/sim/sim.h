/* sim.h: the simulator's internal contracts: the resource table, the object store with its
 * event history, requests and replies, and the `struct sim` every module shares. The sim is a
 * JSON object server: objects are jansson values, immutable once stored (a change stores a new
 * value), so that watch events and list replies can hold references without copying. Every
 * access to the store goes under sim->lock (libmicrohttpd runs one thread per connection). */
#ifndef GAMMATOP_SIM_H
#define GAMMATOP_SIM_H
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/buf.h"

#define SIM_GW_GROUP "gateway.networking.k8s.io"
#define SIM_X_GROUP "gateway.networking.x-k8s.io"
#define SIM_CONTROLLER "sim.gammatop.dev/gateway-controller"
#define SIM_ANN_WRONG_STATUS "sim.gammatop.dev/wrong-status"

/* The CRD channel the sim installs (--channel). */
enum sim_channel { CHANNEL_EXPERIMENTAL, CHANNEL_STANDARD };

/* ---- resources (resource.c) ---- */
enum sim_res {
	RES_NAMESPACE,
	RES_SERVICE,
	RES_POD,
	RES_SECRET,
	RES_CONFIGMAP,
	RES_GATEWAYCLASS,
	RES_GATEWAY,
	RES_HTTPROUTE,
	RES_GRPCROUTE,
	RES_REFERENCEGRANT,
	RES_LISTENERSET,
	RES_TLSROUTE,
	RES_TCPROUTE,
	RES_UDPROUTE,
	RES_BACKENDTLSPOLICY,
	RES_XBACKENDTRAFFICPOLICY,
	RES_XMESH,
	RES_EVENT,    /* core v1 Event (events.c) */
	RES_EVENT_V1, /* events.k8s.io/v1 Event: the same Events in the newer form */
	RES_COUNT
};

#define SIM_MAX_VERSIONS 4

struct sim_version {
	const char *name;        /* "v1" */
	unsigned channels;       /* bit (1 << enum sim_channel) set when that channel serves it */
	const char *deprecation; /* the CRD's deprecationWarning, or NULL */
};

struct sim_resource {
	const char *group;     /* "" for core */
	const char *resource;  /* plural: "httproutes" */
	const char *singular;  /* "httproute" */
	const char *kind;      /* "HTTPRoute" */
	const char *list_kind; /* "HTTPRouteList" */
	const char *short_names[3];
	bool namespaced;
	bool custom; /* a CRD: strategic merge patch is refused (415) */
	/* highest priority (and storage) first, as discovery orders them; name NULL ends */
	struct sim_version versions[SIM_MAX_VERSIONS];
	const char *category;    /* "gateway-api" or NULL */
};

const struct sim_resource *resource_get(enum sim_res r);
/* HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute? */
bool resource_is_route(enum sim_res r);
/* Find the resource served at group/version with plural name on channel ch; -1 when not
 * served. */
int resource_find(enum sim_channel ch, const char *group, const char *version, const char *plural);
/* By kind ("HTTPRoute") and apiVersion ("gateway.networking.k8s.io/v1"); -1 when unknown
 * or the version is not served on channel ch. */
int resource_by_kind(enum sim_channel ch, const char *api_version, const char *kind);
/* Does channel ch serve version of r? */
bool resource_serves(enum sim_channel ch, enum sim_res r, const char *version);
/* Does channel ch serve r at all? */
bool resource_available(enum sim_channel ch, enum sim_res r);
/* The highest-priority version of r that ch serves, or NULL. */
const char *resource_preferred(enum sim_channel ch, enum sim_res r);
/* The deprecation warning of r at version (NULL when not deprecated or unknown). */
const char *resource_deprecation(enum sim_res r, const char *version);
/* "gateway.networking.k8s.io/v1" or "v1" into buf (version NULL: the storage version). */
const char *resource_api_version(enum sim_res r, const char *version, char *buf, size_t n);

/* ---- object store and event history (objects.c) ---- */
enum obj_event { EV_ADDED, EV_MODIFIED, EV_DELETED };

struct obj_entry {
	char *ns;    /* owned; "" for cluster-scoped */
	char *name;  /* owned */
	json_t *obj; /* one reference, immutable */
};

struct obj_table {
	struct obj_entry *v; /* sorted by (ns, name) unless bulk loading */
	size_t n, cap;
};

struct sim_event {
	uint64_t rv;
	enum obj_event type;
	enum sim_res res;
	json_t *obj; /* reference; for DELETED the last state with the deletion's RV */
};

struct objects {
	struct obj_table tables[RES_COUNT];
	uint64_t rv;           /* the last resourceVersion handed out */
	uint64_t compacted_rv; /* events with rv <= this are gone from the history */
	struct sim_event *ring; /* history, oldest first from ring_start */
	size_t ring_cap, ring_start, ring_n;
	uint64_t uid_seq;
	bool bulk; /* inserts append; objects_end_bulk() sorts */
};

void objects_init(struct objects *o, size_t history);
void objects_done(struct objects *o);
/* Borrowed pointer to the stored object, or NULL. */
const json_t *objects_get(const struct objects *o, enum sim_res r, const char *ns,
                          const char *name);
/* Store obj (reference stolen) under its metadata namespace/name, stamping a new
 * resourceVersion (and uid/creationTimestamp/generation when adding). Records an ADDED or
 * MODIFIED event. Returns the stored object (borrowed). */
const json_t *objects_put(struct objects *o, enum sim_res r, json_t *obj);
/* Remove; returns a new reference to the last state (with the deletion RV) or NULL. */
json_t *objects_delete(struct objects *o, enum sim_res r, const char *ns, const char *name);
/* Index of the first entry with (ns, name) > (after_ns, after_name) (or >= when inclusive). */
size_t objects_lower_bound(const struct objects *o, enum sim_res r, const char *ns,
                           const char *name, bool inclusive);
/* Range of entries in namespace ns (all when ns is NULL): [*lo, *hi). */
void objects_ns_range(const struct objects *o, enum sim_res r, const char *ns, size_t *lo,
                      size_t *hi);
void objects_begin_bulk(struct objects *o);
void objects_end_bulk(struct objects *o);
/* First history index whose event rv > rv (ring_n when none). */
size_t objects_events_after(const struct objects *o, uint64_t rv);
const struct sim_event *objects_event(const struct objects *o, size_t i);
/* Drop the whole history (forces 410 on watches and continue tokens from before now). */
void objects_compact(struct objects *o);
/* Insert obj (stolen, with its metadata as saved) between objects_begin_bulk and
 * objects_end_bulk, keeping its resourceVersion (state restore). */
void objects_restore(struct objects *o, enum sim_res r, json_t *obj);
/* Set the resourceVersion counter (state restore). */
void objects_set_rv(struct objects *o, uint64_t rv);

/* ---- requests and replies (server.c) ---- */
struct request {
	const char *method;
	const char *path;
	const char *content_type; /* may be NULL */
	const char *accept;       /* may be NULL */
	const char *body;
	size_t body_len;
	void *conn; /* struct MHD_Connection *, for query lookups */
	const char *query; /* without conn: "a=b&c=d" (percent-decoded here), or NULL */
	const char *user; /* authenticated (or impersonated) user name, or NULL when auth is off */
	const char *impersonator; /* the authenticated user when user is impersonated, or NULL */
	const struct sim_rbac *rbac; /* the user's namespace-scoped binding (rbac.h), or NULL */
	const char *user_agent; /* the User-Agent header, or NULL */
	bool readonly;    /* the credential may only read */
};

/* Query parameter or NULL. */
const char *request_query(const struct request *rq, const char *name);

struct watch;
struct sim_rbac;
struct reply {
	int code;
	char *content_type; /* owned; NULL = application/json */
	char *body;         /* owned */
	json_t *json;       /* owned; serialised into body by the server once the handler has
	                     * released the sim lock (stored objects are immutable) */
	size_t body_len;
	char *retry_after;  /* owned; Retry-After header, or NULL */
	char *warning;      /* owned; Warning header text (299 - "..."), or NULL */
	struct watch *watch; /* a streaming reply (owned) */
};

void reply_json(struct reply *rp, int code, json_t *j); /* steals j */
/* Serialise a pending rp->json into rp->body (done by the server before sending). */
void reply_finish(struct reply *rp);
void reply_text(struct reply *rp, int code, const char *ctype, const char *text);
/* A Status failure body. details may be NULL (stolen). */
void reply_status(struct reply *rp, int code, const char *reason, json_t *details,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
json_t *status_object(int code, const char *reason, json_t *details, const char *message);

/* ---- the simulator ---- */

struct traffic;

struct dirty_route {
	enum sim_res res;
	char *ns, *name; /* owned */
};

struct sim_faults {
	int latency_ms;       /* added to every API request */
	double error_share;   /* share of API requests answered 500 */
	double throttle_share; /* share answered 429 with Retry-After */
	int patch_delay_ms;   /* added to every PATCH that is not a dry run (before it is
	                         applied, which happens even when the client has gone) */
};

struct sim {
	pthread_mutex_t lock;
	pthread_cond_t changed; /* broadcast on every store change, drop and shutdown */
	struct objects objs;
	enum sim_channel channel;
	int mesh;              /* enum sim_mesh of traffic.h */
	struct traffic *traffic; /* NULL when built without the traffic model */
	int64_t start_wall_ms;
	bool shutting_down;
	uint64_t watch_epoch;  /* bumped to drop every watch connection */
	int bookmark_ms;
	struct sim_faults faults;
	uint64_t fault_seq;    /* deterministic fault choice */
	bool reconcile_needed; /* status controllers must run over everything */
	struct dirty_route *dirty; /* routes changed since the last reconcile (owned) */
	size_t n_dirty, cap_dirty;
	bool dirty_gateways; /* a changed route has (or had) a Gateway parent */
	bool dirty_pods;     /* a route was added or deleted */
	char **wrong_status;   /* "httproute/ns/name" ids given by --wrong-status */
	size_t n_wrong_status;
	/* auth */
	char *token;          /* secret: never logged */
	char *readonly_token; /* secret */
	struct sim_rbac *rbac; /* --rbac-token bindings (rbac.h) */
	size_t n_rbac;
	bool client_cert_auth;
	bool tls;
	/* churn */
	double churn_rate;
	uint64_t churn_seq;
	uint64_t seed;
	bool verbose;
	/* --metrics-fixtures DIR: pods annotated sim.gammatop.dev/metrics-fixture: NAME serve
	 * DIR/NAME.K.{om,prom}, K the number of earlier scrapes of that pod (api.c) */
	char *fixtures_dir;
	struct fixture_hits *fixture_hits; /* owned list */
};

/* Set up s (zeroed, lock, store with history events, defaults: seed 1, bookmarks every 5 s).
 * The caller then sets options and calls traffic_glue_init. */
void sim_init(struct sim *s, size_t history);
/* Free everything s owns (the traffic model, objects, secrets wiped). */
void sim_done(struct sim *s);
/* Wake the watches after a store change (call with the lock held). */
void sim_notify(struct sim *s);

/* ---- API handlers (api.c, discovery.c, watch.c) ---- */
void api_handle(struct sim *s, const struct request *rq, struct reply *rp);
/* Discovery and /version, /openapi; returns false when path is not a discovery path. */
bool discovery_handle(struct sim *s, const struct request *rq, struct reply *rp);
/* The minimal OpenAPI v3 documents of what s's channel serves (openapi.c); false when path is
 * not under /openapi. */
bool openapi_handle(struct sim *s, const struct request *rq, struct reply *rp);

/* Start a watch on resource r in namespace ns (NULL: all). Sets rp->watch or a Status. */
void watch_start(struct sim *s, const struct request *rq, struct reply *rp, enum sim_res r,
                 const char *ns, const char *version);
/* libmicrohttpd content reader for a watch reply. */
long watch_read(void *cls, uint64_t pos, char *buf, size_t max);
void watch_set_conn(struct watch *w, void *conn);
void watch_free(void *cls);

/* Label selector "a=b,c!=d,e,!f,g in (x,y)" matched against obj's labels. Returns 1 match,
 * 0 no match, -1 syntax error (err set). */
int selector_match(const char *sel, const json_t *obj, char *err, size_t errlen);
/* Field selector (metadata.name, metadata.namespace): same contract. */
int field_selector_match(const char *sel, const json_t *obj, char *err, size_t errlen);

/* Object seen through version (apiVersion rewritten): a new reference. */
json_t *api_object_view(const json_t *obj, enum sim_res r, const char *version);

/* ---- server-side printing (table.c) ---- */
/* "meta.k8s.io/v1" (or v1beta1) when accept asks for a Table before plain JSON, else NULL. */
const char *table_accepted(const char *accept);
/* The columns kubectl shows for r (a new array). */
json_t *table_columns(enum sim_res r);
/* One row for obj; include is the includeObject parameter (None, Metadata (default), Object). */
json_t *table_row(enum sim_res r, const json_t *obj, const char *version, const char *include);
/* A Table (list_meta and rows stolen). */
json_t *table_new(enum sim_res r, const char *table_version, json_t *list_meta, json_t *rows);

/* ---- patches (patch.c) ---- */
/* RFC 7386: a new value (doc and patch borrowed). */
json_t *patch_merge(const json_t *doc, const json_t *patch);
/* RFC 6902: a new value, or NULL with err set. */
json_t *patch_json(const json_t *doc, const json_t *ops, char *err, size_t errlen);

/* ---- server-side apply (apply.c) ---- */
/* Apply config as manager onto cur (NULL when creating). Returns the new object or NULL with
 * *conflicts set (a JSON array of Status causes) when fields owned by others differ and force
 * is false, or err set for a bad config. */
json_t *apply_config(const json_t *cur, const json_t *config, const char *manager, bool force,
                     const char *api_version, json_t **conflicts, char *err, size_t errlen);
/* Record an Update by manager: fields that differ between old (NULL: creation) and new move
 * to manager. Modifies new_obj's metadata.managedFields in place (new_obj must be private). */
void apply_track_update(const json_t *old_obj, json_t *new_obj, const char *manager,
                        const char *api_version, const char *subresource);

/* ---- managedFields writers (managed.c) ---- */
#define MANAGED_CHURN "gammatop-sim-churn"
#define MANAGED_CONTROLLER "gammatop-sim-controller"
#define MANAGED_WORLD "gammatop-sim"
/* The manager of a write: fieldManager, else the User-Agent's product token (as
 * kube-apiserver), else dflt. May point into buf (n bytes). */
const char *managed_manager(const struct request *rq, const char *dflt, char *buf, size_t n);
/* Record an Update of nw (private; its metadata is copied first) by manager over old (NULL:
 * creation); subresource "status" for status writes, else NULL. */
void managed_track(enum sim_res r, const json_t *old, json_t *nw, const char *manager,
                   const char *subresource);
/* Put obj's managedFields (obj private, its metadata not shared) in the API server's order. */
void managed_sort(json_t *obj);

/* ---- Events (events.c): core v1 and events.k8s.io/v1, each write mirrored ---- */
bool events_is(enum sim_res r);
/* After an Event was stored (or deleted) in r: the same in the other API's table. Lock held. */
void events_mirror(struct sim *s, enum sim_res r, const json_t *stored);
void events_mirror_delete(struct sim *s, enum sim_res r, const char *ns, const char *name);
/* Causes (a new array) when obj is not a valid Event of r, else NULL. */
json_t *events_validate(enum sim_res r, const json_t *obj);
/* The value of an Event field selector label (involvedObject.* / regarding.*, reason, type,
 * reportingComponent / reportingController, source) into *value (NULL: absent). Returns 1,
 * or 0 when field is not an Event field label. */
int events_field(const json_t *obj, const char *field, const char **value);

/* ---- validation (validate.c) ---- */
/* What the API server does to obj (private) before validating it, for the request's version
 * (NULL: the storage version) on s's channel: prune the fields the served schema lacks
 * (their paths, "spec.rules[0].retry", appended to pruned, which may be NULL), apply the
 * defaults, and the CRD's status default when obj has no status. */
void validate_defaults(struct sim *s, enum sim_res r, const char *version, json_t *obj,
                       json_t *pruned);
/* Validate obj (after validate_defaults); old is the stored object on an update (NULL on
 * creation), for transition rules and immutable fields. NULL when valid, else a JSON array
 * of Status causes. */
json_t *validate_object(struct sim *s, enum sim_res r, const char *version, const json_t *obj,
                        const json_t *old);

/* ---- controllers (controller.c) ---- */
/* Recompute route, Gateway and GatewayClass status and the proxy Pods; write what changed.
 * Call with the lock held. */
void controller_reconcile(struct sim *s);
/* Note that route r changed from old (NULL: added) to nw (NULL: deleted), so that the next
 * controller_reconcile() looks at it (and at Gateways and Pods when needed) without a full
 * pass. Lock held. */
void controller_route_changed(struct sim *s, enum sim_res r, const json_t *old, const json_t *nw);
/* The controllerName the sim writes (per mesh). */
const char *controller_name(const struct sim *s);

/* ---- the world (world.c, demo.c, generate.c) ---- */
/* Add obj (stolen) to the store as the sim would at startup (defaults, validation skipped). */
int world_add(struct sim *s, json_t *obj, char *err, size_t errlen);
json_t *world_namespace(const char *name, const char *team);
json_t *world_service(const char *ns, const char *name, int port, const char *app);
void demo_load(struct sim *s);
/* spec "namespaces=N,gateways=N,services=N,routes=N,seed=S"; -1 with err on a bad spec. */
int generate_world(struct sim *s, const char *spec, char *err, size_t errlen);
/* Load manifests from path (file or directory). */
int world_load_manifests(struct sim *s, const char *path, char *err, size_t errlen);

/* ---- admin, churn, state (admin.c, state.c) ---- */
bool admin_handle(struct sim *s, const struct request *rq, struct reply *rp);
/* Apply one churn step (annotation change on a route). Lock held. */
void admin_churn_step(struct sim *s);
int state_save(struct sim *s, const char *path, char *err, size_t errlen);
int state_load(struct sim *s, const char *path, char *err, size_t errlen);

/* ---- small helpers (api.c) ---- */
/* json_equal that also holds for two absent values. */
static inline bool json_same(const json_t *a, const json_t *b)
{
	return a == b || (a && b && json_equal(a, b));
}
const char *json_str(const json_t *obj, const char *key); /* NULL unless a string */
const char *meta_str(const json_t *obj, const char *key);  /* metadata.<key> */
uint64_t meta_rv(const json_t *obj);
char *iso_now(char *buf, size_t n);

#endif
