/* object.c: the kind table, reference counting, freeing and deep-copying typed objects,
 * object ids, and label selector matching (see object.h). */
#include "gammatop/object.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name, *id, *resource, *group, *version, *shortname;
	bool namespaced;
} kinds[GT_KIND_COUNT] = {
	[GT_GATEWAYCLASS] = {"GatewayClass", "gatewayclass", "gatewayclasses", GW_GROUP, "v1", "gc",
	                     false},
	[GT_GATEWAY] = {"Gateway", "gateway", "gateways", GW_GROUP, "v1", "gtw", true},
	[GT_HTTPROUTE] = {"HTTPRoute", "httproute", "httproutes", GW_GROUP, "v1", NULL, true},
	[GT_GRPCROUTE] = {"GRPCRoute", "grpcroute", "grpcroutes", GW_GROUP, "v1", NULL, true},
	/* v1beta1: served by every release since v0.6 (v1 only since v1.5), and the storage
	 * version in v1.6.1. */
	[GT_REFERENCEGRANT] = {"ReferenceGrant", "referencegrant", "referencegrants", GW_GROUP,
	                       "v1beta1", "refgrant", true},
	[GT_SERVICE] = {"Service", "service", "services", "", "v1", "svc", true},
	[GT_NAMESPACE] = {"Namespace", "namespace", "namespaces", "", "v1", "ns", false},
	/* Gateway API v1.6.1 config/crd/standard: ListenerSet (Standard since v1.5), TLSRoute
	 * (v1 since v1.5), TCPRoute and UDPRoute (v1 since v1.6), BackendTLSPolicy (v1) are all
	 * served at v1 in both channels; the x-k8s group holds XBackendTrafficPolicy and XMesh
	 * at v1alpha1 (config/crd/experimental only). Short names as the CRDs give them. */
	[GT_LISTENERSET] = {"ListenerSet", "listenerset", "listenersets", GW_GROUP, "v1", "lset",
	                    true},
	[GT_TLSROUTE] = {"TLSRoute", "tlsroute", "tlsroutes", GW_GROUP, "v1", NULL, true},
	[GT_TCPROUTE] = {"TCPRoute", "tcproute", "tcproutes", GW_GROUP, "v1", NULL, true},
	[GT_UDPROUTE] = {"UDPRoute", "udproute", "udproutes", GW_GROUP, "v1", NULL, true},
	[GT_BACKENDTLSPOLICY] = {"BackendTLSPolicy", "backendtlspolicy", "backendtlspolicies",
	                         GW_GROUP, "v1", "btlspolicy", true},
	[GT_XBACKENDTRAFFICPOLICY] = {"XBackendTrafficPolicy", "xbackendtrafficpolicy",
	                              "xbackendtrafficpolicies", GW_X_GROUP, "v1alpha1", "xbtrafficpolicy",
	                              true},
	[GT_XMESH] = {"XMesh", "xmesh", "xmeshes", GW_X_GROUP, "v1alpha1", "mesh", false},
};

static bool kind_ok(enum gt_kind k) { return (unsigned)k < GT_KIND_COUNT; }

/* "HTTPRoute", "Service", ... ("?" for an invalid kind). */
const char *kind_name(enum gt_kind k) { return kind_ok(k) ? kinds[k].name : "?"; }
/* "httproute" ("?" for an invalid kind). */
const char *kind_id(enum gt_kind k) { return kind_ok(k) ? kinds[k].id : "?"; }
/* "httproutes". */
const char *kind_resource(enum gt_kind k) { return kind_ok(k) ? kinds[k].resource : "?"; }
/* GW_GROUP or "" for core. */
const char *kind_group(enum gt_kind k) { return kind_ok(k) ? kinds[k].group : ""; }
/* Preferred version to list/watch. */
const char *kind_version(enum gt_kind k) { return kind_ok(k) ? kinds[k].version : "v1"; }
/* Namespaced kind? */
bool kind_namespaced(enum gt_kind k) { return kind_ok(k) && kinds[k].namespaced; }
/* Any route kind? */
bool kind_is_route(enum gt_kind k)
{
	return k == GT_HTTPROUTE || k == GT_GRPCROUTE || kind_is_l4_route(k);
}
/* TLSRoute, TCPRoute, UDPRoute? */
bool kind_is_l4_route(enum gt_kind k)
{
	return k == GT_TLSROUTE || k == GT_TCPROUTE || k == GT_UDPROUTE;
}
/* BackendTLSPolicy or XBackendTrafficPolicy? */
bool kind_is_policy(enum gt_kind k)
{
	return k == GT_BACKENDTLSPOLICY || k == GT_XBACKENDTRAFFICPOLICY;
}

/* Case-insensitive match on Kind, id, plural resource or kubectl short name; -1 unknown. */
int kind_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		if (!strcasecmp(name, kinds[k].name) || !strcasecmp(name, kinds[k].resource) ||
		    (kinds[k].shortname && !strcasecmp(name, kinds[k].shortname)))
			return k;
	}
	return -1;
}

/* Value for key, or NULL. */
const char *kvlist_get(const struct gt_kvlist *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].key, key))
			return l->items[i].value;
	return NULL;
}

/* The condition of this type, or NULL. */
const struct gt_condition *conditions_find(const struct gt_conditions *c, const char *type)
{
	if (!c || !type)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (str_eq(c->items[i].type, type))
			return &c->items[i];
	return NULL;
}

/* ---- freeing ---- */

static void kvlist_done(struct gt_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
}

static void conditions_done(struct gt_conditions *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].type);
		free(c->items[i].status);
		free(c->items[i].reason);
		free(c->items[i].message);
	}
	free(c->items);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void selector_done(struct gt_selector *s)
{
	kvlist_done(&s->match_labels);
	for (size_t i = 0; i < s->n_exprs; i++) {
		free(s->exprs[i].key);
		free(s->exprs[i].op);
		strv_free(s->exprs[i].values, s->exprs[i].n_values);
	}
	free(s->exprs);
}

static void parent_ref_done(struct gt_parent_ref *p)
{
	free(p->group);
	free(p->kind);
	free(p->namespace_);
	free(p->name);
	free(p->section_name);
}

static void string_matches_free(struct gt_string_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].type);
		free(m[i].name);
		free(m[i].value);
	}
	free(m);
}

static void rule_done(struct gt_rule *r)
{
	free(r->name);
	for (size_t i = 0; i < r->n_matches; i++) {
		struct gt_match *m = &r->matches[i];
		free(m->path_type);
		free(m->path_value);
		string_matches_free(m->headers, m->n_headers);
		string_matches_free(m->query_params, m->n_query_params);
		free(m->method);
		free(m->grpc_type);
		free(m->grpc_service);
		free(m->grpc_method);
	}
	free(r->matches);
	for (size_t i = 0; i < r->n_filters; i++) {
		free(r->filters[i].type);
		free(r->filters[i].summary);
	}
	free(r->filters);
	for (size_t i = 0; i < r->n_backends; i++) {
		struct gt_backend_ref *b = &r->backends[i];
		free(b->group);
		free(b->kind);
		free(b->namespace_);
		free(b->name);
	}
	free(r->backends);
	free(r->timeouts.request);
	free(r->timeouts.backend_request);
	free(r->retry.backoff);
	free(r->retry.codes);
}

static void route_done(struct gt_route *r)
{
	strv_free(r->hostnames, r->n_hostnames);
	for (size_t i = 0; i < r->n_parents; i++)
		parent_ref_done(&r->parents[i]);
	free(r->parents);
	for (size_t i = 0; i < r->n_rules; i++)
		rule_done(&r->rules[i]);
	free(r->rules);
	for (size_t i = 0; i < r->n_status; i++) {
		parent_ref_done(&r->status[i].ref);
		free(r->status[i].controller_name);
		conditions_done(&r->status[i].conditions);
	}
	free(r->status);
}

static void object_refs_free(struct gt_object_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].group);
		free(r[i].kind);
		free(r[i].namespace_);
		free(r[i].name);
	}
	free(r);
}

static void gateway_done(struct gt_gateway *g)
{
	free(g->class_name);
	selector_done(&g->allowed_listeners_selector);
	if (g->ls_parent)
		parent_ref_done(g->ls_parent);
	free(g->ls_parent);
	for (size_t i = 0; i < g->n_listeners; i++) {
		struct gt_listener *l = &g->listeners[i];
		free(l->name);
		free(l->hostname);
		free(l->protocol);
		selector_done(&l->selector);
		for (size_t k = 0; k < l->n_kinds; k++) {
			free(l->kinds[k].group);
			free(l->kinds[k].kind);
		}
		free(l->kinds);
		free(l->tls_mode);
		object_refs_free(l->certs, l->n_certs);
	}
	free(g->listeners);
	strv_free(g->addresses, g->n_addresses);
	conditions_done(&g->conditions);
	for (size_t i = 0; i < g->n_listener_status; i++) {
		free(g->listener_status[i].name);
		conditions_done(&g->listener_status[i].conditions);
		strv_free(g->listener_status[i].supported_kinds, g->listener_status[i].n_supported_kinds);
	}
	free(g->listener_status);
}

static void policy_done(struct gt_policy *p)
{
	for (size_t i = 0; i < p->n_targets; i++) {
		free(p->targets[i].group);
		free(p->targets[i].kind);
		free(p->targets[i].name);
		free(p->targets[i].section_name);
	}
	free(p->targets);
	object_refs_free(p->ca_refs, p->n_ca_refs);
	free(p->well_known_ca);
	free(p->hostname);
	strv_free(p->sans, p->n_sans);
	free(p->budget_interval);
	free(p->min_retry_interval);
	free(p->session_persistence);
	for (size_t i = 0; i < p->n_ancestors; i++) {
		parent_ref_done(&p->ancestors[i].ref);
		free(p->ancestors[i].controller_name);
		conditions_done(&p->ancestors[i].conditions);
	}
	free(p->ancestors);
}

static void mesh_done(struct gt_mesh *m)
{
	free(m->controller_name);
	free(m->description);
	conditions_done(&m->conditions);
	strv_free(m->features, m->n_features);
}

static void grant_done(struct gt_refgrant *g)
{
	for (size_t i = 0; i < g->n_from; i++) {
		free(g->from[i].group);
		free(g->from[i].kind);
		free(g->from[i].namespace_);
	}
	free(g->from);
	for (size_t i = 0; i < g->n_to; i++) {
		free(g->to[i].group);
		free(g->to[i].kind);
		free(g->to[i].name);
	}
	free(g->to);
}

static void service_done(struct gt_service *s)
{
	free(s->type);
	free(s->cluster_ip);
	free(s->external_name);
	for (size_t i = 0; i < s->n_ports; i++) {
		free(s->ports[i].name);
		free(s->ports[i].protocol);
		free(s->ports[i].app_protocol);
		free(s->ports[i].target_port);
	}
	free(s->ports);
}

/* Free o and everything it owns (its last reference is gone). */
static long live_objects; /* object_live_count */

long object_live_count(void) { return live_objects; }

struct gt_object *object_new(enum gt_kind kind)
{
	struct gt_object *o = xcalloc(1, sizeof *o);
	o->kind = kind;
	live_objects++;
	return o;
}

static void destroy(struct gt_object *o)
{
	live_objects--;
	switch (o->kind) {
	case GT_GATEWAYCLASS:
		free(o->u.gc.controller_name);
		free(o->u.gc.description);
		conditions_done(&o->u.gc.conditions);
		break;
	case GT_GATEWAY:
	case GT_LISTENERSET: gateway_done(&o->u.gw); break;
	case GT_HTTPROUTE:
	case GT_GRPCROUTE:
	case GT_TLSROUTE:
	case GT_TCPROUTE:
	case GT_UDPROUTE: route_done(&o->u.route); break;
	case GT_REFERENCEGRANT: grant_done(&o->u.grant); break;
	case GT_SERVICE: service_done(&o->u.svc); break;
	case GT_BACKENDTLSPOLICY:
	case GT_XBACKENDTRAFFICPOLICY: policy_done(&o->u.pol); break;
	case GT_XMESH: mesh_done(&o->u.mesh); break;
	default: break;
	}
	free(o->api_version);
	free(o->meta.name);
	free(o->meta.namespace_);
	free(o->meta.uid);
	free(o->meta.resource_version);
	free(o->meta.creation_timestamp);
	kvlist_done(&o->meta.labels);
	kvlist_done(&o->meta.annotations);
	free(o);
}

/* One more reference (see object.h). The count lives outside what the object describes:
 * taking a reference through a const pointer is how readers keep what they read. */
struct gt_object *object_ref(const struct gt_object *o)
{
	struct gt_object *m = (struct gt_object *)o;
	if (m)
		m->refs++;
	return m;
}

/* Drop one reference; the last frees o. NULL is fine. */
void object_unref(const struct gt_object *o)
{
	struct gt_object *m = (struct gt_object *)o;
	if (!m)
		return;
	if (m->refs) {
		m->refs--;
		return;
	}
	destroy(m);
}

/* The owner's reference dropped (object_unref). */
void object_free(struct gt_object *o) { object_unref(o); }

/* ---- cloning: copy the struct, then replace every pointer by a deep copy ---- */

#define DUP(x) ((x) = xstrdup_null(x))

static void *dup_array(const void *p, size_t n, size_t size)
{
	if (!p || !n)
		return NULL;
	void *q = xreallocarray(NULL, n, size);
	memcpy(q, p, n * size);
	return q;
}

static void kvlist_clone(struct gt_kvlist *l)
{
	l->items = dup_array(l->items, l->n, sizeof *l->items);
	for (size_t i = 0; i < l->n; i++) {
		DUP(l->items[i].key);
		DUP(l->items[i].value);
	}
}

static void conditions_clone(struct gt_conditions *c)
{
	c->items = dup_array(c->items, c->n, sizeof *c->items);
	for (size_t i = 0; i < c->n; i++) {
		DUP(c->items[i].type);
		DUP(c->items[i].status);
		DUP(c->items[i].reason);
		DUP(c->items[i].message);
	}
}

static char **strv_clone(char **v, size_t n)
{
	char **w = dup_array(v, n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		DUP(w[i]);
	return w;
}

static void selector_clone(struct gt_selector *s)
{
	kvlist_clone(&s->match_labels);
	s->exprs = dup_array(s->exprs, s->n_exprs, sizeof *s->exprs);
	for (size_t i = 0; i < s->n_exprs; i++) {
		DUP(s->exprs[i].key);
		DUP(s->exprs[i].op);
		s->exprs[i].values = strv_clone(s->exprs[i].values, s->exprs[i].n_values);
	}
}

static void parent_ref_clone(struct gt_parent_ref *p)
{
	DUP(p->group);
	DUP(p->kind);
	DUP(p->namespace_);
	DUP(p->name);
	DUP(p->section_name);
}

static struct gt_string_match *string_matches_clone(struct gt_string_match *m, size_t n)
{
	struct gt_string_match *c = dup_array(m, n, sizeof *m);
	for (size_t i = 0; i < n; i++) {
		DUP(c[i].type);
		DUP(c[i].name);
		DUP(c[i].value);
	}
	return c;
}

static void rule_clone(struct gt_rule *r)
{
	DUP(r->name);
	r->matches = dup_array(r->matches, r->n_matches, sizeof *r->matches);
	for (size_t i = 0; i < r->n_matches; i++) {
		struct gt_match *m = &r->matches[i];
		DUP(m->path_type);
		DUP(m->path_value);
		m->headers = string_matches_clone(m->headers, m->n_headers);
		m->query_params = string_matches_clone(m->query_params, m->n_query_params);
		DUP(m->method);
		DUP(m->grpc_type);
		DUP(m->grpc_service);
		DUP(m->grpc_method);
	}
	r->filters = dup_array(r->filters, r->n_filters, sizeof *r->filters);
	for (size_t i = 0; i < r->n_filters; i++) {
		DUP(r->filters[i].type);
		DUP(r->filters[i].summary);
	}
	r->backends = dup_array(r->backends, r->n_backends, sizeof *r->backends);
	for (size_t i = 0; i < r->n_backends; i++) {
		DUP(r->backends[i].group);
		DUP(r->backends[i].kind);
		DUP(r->backends[i].namespace_);
		DUP(r->backends[i].name);
	}
	DUP(r->timeouts.request);
	DUP(r->timeouts.backend_request);
	DUP(r->retry.backoff);
	r->retry.codes = dup_array(r->retry.codes, r->retry.n_codes, sizeof *r->retry.codes);
}

static void route_clone(struct gt_route *r)
{
	r->hostnames = strv_clone(r->hostnames, r->n_hostnames);
	r->parents = dup_array(r->parents, r->n_parents, sizeof *r->parents);
	for (size_t i = 0; i < r->n_parents; i++)
		parent_ref_clone(&r->parents[i]);
	r->rules = dup_array(r->rules, r->n_rules, sizeof *r->rules);
	for (size_t i = 0; i < r->n_rules; i++)
		rule_clone(&r->rules[i]);
	r->status = dup_array(r->status, r->n_status, sizeof *r->status);
	for (size_t i = 0; i < r->n_status; i++) {
		parent_ref_clone(&r->status[i].ref);
		DUP(r->status[i].controller_name);
		conditions_clone(&r->status[i].conditions);
	}
}

static struct gt_object_ref *object_refs_clone(const struct gt_object_ref *r, size_t n)
{
	struct gt_object_ref *c = dup_array(r, n, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		DUP(c[i].group);
		DUP(c[i].kind);
		DUP(c[i].namespace_);
		DUP(c[i].name);
	}
	return c;
}

static void gateway_clone(struct gt_gateway *g)
{
	DUP(g->class_name);
	selector_clone(&g->allowed_listeners_selector);
	if (g->ls_parent) {
		struct gt_parent_ref *p = xmalloc(sizeof *p);
		*p = *g->ls_parent;
		parent_ref_clone(p);
		g->ls_parent = p;
	}
	g->listeners = dup_array(g->listeners, g->n_listeners, sizeof *g->listeners);
	for (size_t i = 0; i < g->n_listeners; i++) {
		struct gt_listener *l = &g->listeners[i];
		DUP(l->name);
		DUP(l->hostname);
		DUP(l->protocol);
		selector_clone(&l->selector);
		l->kinds = dup_array(l->kinds, l->n_kinds, sizeof *l->kinds);
		for (size_t k = 0; k < l->n_kinds; k++) {
			DUP(l->kinds[k].group);
			DUP(l->kinds[k].kind);
		}
		DUP(l->tls_mode);
		l->certs = object_refs_clone(l->certs, l->n_certs);
	}
	g->addresses = strv_clone(g->addresses, g->n_addresses);
	conditions_clone(&g->conditions);
	g->listener_status =
		dup_array(g->listener_status, g->n_listener_status, sizeof *g->listener_status);
	for (size_t i = 0; i < g->n_listener_status; i++) {
		DUP(g->listener_status[i].name);
		conditions_clone(&g->listener_status[i].conditions);
		g->listener_status[i].supported_kinds = strv_clone(
			g->listener_status[i].supported_kinds, g->listener_status[i].n_supported_kinds);
	}
}

static void policy_clone(struct gt_policy *p)
{
	p->targets = dup_array(p->targets, p->n_targets, sizeof *p->targets);
	for (size_t i = 0; i < p->n_targets; i++) {
		DUP(p->targets[i].group);
		DUP(p->targets[i].kind);
		DUP(p->targets[i].name);
		DUP(p->targets[i].section_name);
	}
	p->ca_refs = object_refs_clone(p->ca_refs, p->n_ca_refs);
	DUP(p->well_known_ca);
	DUP(p->hostname);
	p->sans = strv_clone(p->sans, p->n_sans);
	DUP(p->budget_interval);
	DUP(p->min_retry_interval);
	DUP(p->session_persistence);
	p->ancestors = dup_array(p->ancestors, p->n_ancestors, sizeof *p->ancestors);
	for (size_t i = 0; i < p->n_ancestors; i++) {
		parent_ref_clone(&p->ancestors[i].ref);
		DUP(p->ancestors[i].controller_name);
		conditions_clone(&p->ancestors[i].conditions);
	}
}

static void mesh_clone(struct gt_mesh *m)
{
	DUP(m->controller_name);
	DUP(m->description);
	conditions_clone(&m->conditions);
	m->features = strv_clone(m->features, m->n_features);
}

static void grant_clone(struct gt_refgrant *g)
{
	g->from = dup_array(g->from, g->n_from, sizeof *g->from);
	for (size_t i = 0; i < g->n_from; i++) {
		DUP(g->from[i].group);
		DUP(g->from[i].kind);
		DUP(g->from[i].namespace_);
	}
	g->to = dup_array(g->to, g->n_to, sizeof *g->to);
	for (size_t i = 0; i < g->n_to; i++) {
		DUP(g->to[i].group);
		DUP(g->to[i].kind);
		DUP(g->to[i].name);
	}
}

static void service_clone(struct gt_service *s)
{
	DUP(s->type);
	DUP(s->cluster_ip);
	DUP(s->external_name);
	s->ports = dup_array(s->ports, s->n_ports, sizeof *s->ports);
	for (size_t i = 0; i < s->n_ports; i++) {
		DUP(s->ports[i].name);
		DUP(s->ports[i].protocol);
		DUP(s->ports[i].app_protocol);
		DUP(s->ports[i].target_port);
	}
}

/* A deep copy of o (NULL gives NULL). */
struct gt_object *object_clone(const struct gt_object *o)
{
	if (!o)
		return NULL;
	struct gt_object *c = xmalloc(sizeof *c);
	live_objects++;
	*c = *o;
	c->refs = 0; /* a new object: one reference, the caller's */
	DUP(c->api_version);
	DUP(c->meta.name);
	DUP(c->meta.namespace_);
	DUP(c->meta.uid);
	DUP(c->meta.resource_version);
	DUP(c->meta.creation_timestamp);
	kvlist_clone(&c->meta.labels);
	kvlist_clone(&c->meta.annotations);
	switch (c->kind) {
	case GT_GATEWAYCLASS:
		DUP(c->u.gc.controller_name);
		DUP(c->u.gc.description);
		conditions_clone(&c->u.gc.conditions);
		break;
	case GT_GATEWAY:
	case GT_LISTENERSET: gateway_clone(&c->u.gw); break;
	case GT_HTTPROUTE:
	case GT_GRPCROUTE:
	case GT_TLSROUTE:
	case GT_TCPROUTE:
	case GT_UDPROUTE: route_clone(&c->u.route); break;
	case GT_REFERENCEGRANT: grant_clone(&c->u.grant); break;
	case GT_SERVICE: service_clone(&c->u.svc); break;
	case GT_BACKENDTLSPOLICY:
	case GT_XBACKENDTRAFFICPOLICY: policy_clone(&c->u.pol); break;
	case GT_XMESH: mesh_clone(&c->u.mesh); break;
	default: break;
	}
	return c;
}

/* "kind/ns/name" for namespaced kinds, "kind/name" otherwise. */
char *object_id(const struct gt_object *o, char *buf, size_t n)
{
	if (!buf || !n)
		return buf;
	if (!o) {
		str_copy(buf, "?", n);
		return buf;
	}
	/* Without printf (the console and lint make one per route); truncated as snprintf. */
	const char *parts[5] = {kind_id(o->kind), "/", str_or(o->meta.namespace_, ""), "/",
	                        str_or(o->meta.name, "?")};
	bool ns = kind_namespaced(o->kind);
	size_t at = 0;
	for (size_t i = 0; i < 5; i++) {
		if (!ns && (i == 2 || i == 3))
			continue;
		size_t k = strlen(parts[i]);
		if (k > n - 1 - at)
			k = n - 1 - at;
		memcpy(buf + at, parts[i], k);
		at += k;
	}
	buf[at] = '\0';
	return buf;
}

/* Namespace of a namespaced object, "" for cluster-scoped ones. */
const char *object_ns(const struct gt_object *o)
{
	if (!o || !kind_namespaced(o->kind) || !o->meta.namespace_)
		return "";
	return o->meta.namespace_;
}

/* Headless: clusterIP "None". */
bool service_is_headless(const struct gt_service *s)
{
	return s && s->cluster_ip && !strcmp(s->cluster_ip, "None");
}

static bool req_has_value(const struct gt_label_req *r, const char *v)
{
	for (size_t i = 0; i < r->n_values; i++)
		if (str_eq(r->values[i], v))
			return true;
	return false;
}

/* Kubernetes label selector semantics: every matchLabels pair and every expression must hold.
 * An unknown operator matches nothing. */
bool selector_matches(const struct gt_selector *sel, const struct gt_kvlist *labels)
{
	if (!sel || !sel->present)
		return false;
	for (size_t i = 0; i < sel->match_labels.n; i++) {
		const char *v = kvlist_get(labels, sel->match_labels.items[i].key);
		if (!v || !str_eq(v, sel->match_labels.items[i].value))
			return false;
	}
	for (size_t i = 0; i < sel->n_exprs; i++) {
		const struct gt_label_req *r = &sel->exprs[i];
		const char *v = kvlist_get(labels, r->key);
		bool ok;
		if (str_eq(r->op, "In"))
			ok = v && req_has_value(r, v);
		else if (str_eq(r->op, "NotIn"))
			ok = !v || !req_has_value(r, v);
		else if (str_eq(r->op, "Exists"))
			ok = v != NULL;
		else if (str_eq(r->op, "DoesNotExist"))
			ok = v == NULL;
		else
			ok = false;
		if (!ok)
			return false;
	}
	return true;
}
