/* controller_int.h: what the simulator's controller modules share during one reconcile: the
 * listener model of every Gateway and ListenerSet (controller_listeners.c), route attachment
 * and status (controller_routes.c), policy and mesh status (controller_policy.c), and the
 * small helpers of controller.c. The rules are the Gateway API v1.6.1 spec's as the
 * conformance tests read them (../research/gateway-api-v1.6.md); none of this uses
 * gammatop's model code (src/model), so that the console's reading is tested against an
 * independent one. */
#ifndef GAMMATOP_SIM_CONTROLLER_INT_H
#define GAMMATOP_SIM_CONTROLLER_INT_H
#include "sim.h"

#define CTL_MAX_KINDS 8

/* One listener of a Gateway or of a ListenerSet, as the controller judges it. */
struct lmodel {
	const json_t *spec;    /* the listener entry of the owner's spec */
	const char *name, *proto, *hostname; /* hostname NULL when none */
	json_int_t port;
	int prec;              /* precedence in the Gateway's merged list (0 first) */
	int owner;             /* -1: the Gateway itself, else the ListenerSet's index */
	bool terminate;        /* HTTPS, or TLS with mode Terminate */
	bool passthrough;      /* TLS with mode Passthrough */
	const char *kinds[CTL_MAX_KINDS]; /* supportedKinds */
	size_t n_kinds;
	bool accepted;
	const char *acc_reason;
	char acc_msg[200];
	bool refs;
	const char *refs_reason;
	char refs_msg[300];
	const char *conflict;  /* NULL, "HostnameConflict" or "ProtocolConflict" */
	bool overlap;          /* OverlappingTLSConfig True */
	int attached;          /* Accepted routes attached */
};

struct gmodel {
	const json_t *obj;
	const char *ns, *name;
	bool class_ok;
	char class_msg[300];
	bool accepted;         /* the Gateway's Accepted condition */
	struct lmodel *ls;
	size_t n;
	int attached_sets;     /* ListenerSets with Accepted True */
};

struct smodel {
	const json_t *obj;
	const char *ns, *name;
	int gw;                /* its Gateway's index, or -1 */
	const char *reason;    /* NULL when its Gateway takes it, else NotAllowed,
	                        * ParentNotAccepted or Invalid */
	char msg[300];
	struct lmodel *ls;
	size_t n;
	bool accepted;         /* Accepted True (it has a valid listener) */
};

/* A place a backend is used from, for policy ancestors: a Gateway, or the XMesh for mesh
 * (Service-parent) routes. */
struct ancestor {
	const char *group, *kind, *ns, *name; /* ns NULL for the cluster-scoped XMesh */
};

struct anc_use {
	const char *svc_ns, *svc_name;
	struct ancestor a;
};

struct rc {
	struct sim *s;
	char now[32];
	struct gmodel *gws;    /* parallel to the Gateway table */
	size_t n_gws;
	struct smodel *lss;    /* parallel to the ListenerSet table */
	size_t n_lss;
	bool full;             /* reconciling everything (not only changed routes) */
	bool count;            /* attachments increment lmodel.attached */
	struct anc_use *uses;  /* collected by controller_routes_uses() */
	size_t n_uses, cap_uses;
	char mesh[256];        /* the name of our XMesh, or "" */
};

/* ---- helpers (controller.c) ---- */
const char *controller_str(const char *s); /* s or "" */
json_int_t controller_gen(const json_t *obj);
/* A condition (new reference). */
json_t *controller_cond(const char *type, bool ok, const char *reason, const char *msg,
                        json_int_t gen, const char *now);
/* Keep lastTransitionTime of the conditions whose type and status did not change. */
void controller_carry_times(json_t *conds, const json_t *old_conds);
/* Write obj's new status (stolen) unless it equals the stored one. */
void controller_write_status(struct sim *s, enum sim_res r, const json_t *obj, json_t *status);
/* Should the controller lie about obj (--wrong-status kind/ns/name or ns/name, or the
 * sim.gammatop.dev/wrong-status annotation)? kind_id is the lowercase kind. */
bool controller_wrong_status(struct sim *s, const char *kind_id, const json_t *obj);
/* Does a ReferenceGrant in to_ns let from_kind objects (group gateway.networking.k8s.io)
 * of from_ns refer to to_kind (core group) to_name? */
bool controller_grant_allows(struct sim *s, const char *from_kind, const char *from_ns,
                             const char *to_kind, const char *to_ns, const char *to_name);
/* Do labels match the LabelSelector? */
bool controller_labels_match(const json_t *labels, const json_t *selector);
/* Do listener hostname lh and route hostname rh intersect (NULL/empty: anything)? */
bool controller_hostnames_intersect(const char *lh, const char *rh);
/* Does obj (a Secret's or ConfigMap's data value, base64 when b64) hold a PEM block? */
bool controller_pem(const char *value, bool b64);
/* Older first (creationTimestamp, then namespace/name): <0, 0, >0. */
int controller_older(const json_t *a, const json_t *b);

/* ---- listeners (controller_listeners.c) ---- */
/* Judge every Gateway's and ListenerSet's listeners (conditions, supportedKinds, conflicts
 * of the merged list) into rc->gws and rc->lss. */
void controller_listeners_build(struct rc *rc);
/* Write Gateway and ListenerSet status from the model and the counted attachments. */
void controller_listeners_write(struct rc *rc);
void controller_listeners_free(struct rc *rc);

/* ---- routes (controller_routes.c) ---- */
/* Compute and write route's status.parents (counting attachments when rc->count). */
void controller_routes_reconcile(struct rc *rc, enum sim_res r, const json_t *route);
/* Count the attachments of every route (rc->count must be set); writes nothing. */
void controller_routes_count(struct rc *rc);
/* Collect, for every backend Service of every route, where the route is accepted (rc->uses). */
void controller_routes_uses(struct rc *rc);

/* ---- policies and mesh (controller_policy.c) ---- */
/* BackendTLSPolicy and XBackendTrafficPolicy ancestor status, XMesh status. */
void controller_policy_reconcile(struct rc *rc);
/* The name of the XMesh this controller owns (controllerName ours) into buf; false (and
 * buf "") when there is none. */
bool controller_policy_mesh(struct sim *s, char *buf, size_t n);

#endif
