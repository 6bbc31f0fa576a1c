/* snapshot.c: build the `gammatop snapshot` document from the store and the topology, and
 * write it as JSON or YAML (see snapshot.h for the schema and what is never exported). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gammatop/jsonout.h"
#include "gammatop/secret.h"
#include "gammatop/snapshot.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/yamlout.h"

#define ID_MAX 1024

/* json_object_set_new that tolerates a NULL value (stored as null). */
static void put(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

json_t *snapshot_string(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	char *clean = str_sanitize(s);
	j = json_string(clean);
	free(clean);
	return j ? j : json_string("");
}

static json_t *opt_int(int v, int unset)
{
	return v == unset ? json_null() : json_integer(v);
}

static json_t *id_string(const struct gt_object *o)
{
	char id[ID_MAX];
	return snapshot_string(object_id(o, id, sizeof id));
}

static json_t *string_array(char *const *items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, snapshot_string(items[i]));
	return a;
}

static json_t *conditions_json(const struct gt_conditions *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const struct gt_condition *x = &c->items[i];
		json_t *o = json_object();
		put(o, "type", snapshot_string(x->type));
		put(o, "status", snapshot_string(x->status));
		put(o, "reason", snapshot_string(x->reason));
		put(o, "message", snapshot_string(x->message));
		put(o, "observedGeneration", x->observed_generation ? json_integer(x->observed_generation)
		                                                    : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *status_conditions(const struct gt_conditions *c)
{
	json_t *o = json_object();
	put(o, "conditions", conditions_json(c));
	return o;
}

static json_t *selector_json(const struct gt_selector *s)
{
	if (!s->present)
		return json_null();
	json_t *o = json_object();
	json_t *ml = json_object();
	for (size_t i = 0; i < s->match_labels.n; i++) {
		const struct gt_kv *kv = &s->match_labels.items[i];
		json_t *v = snapshot_string(kv->value);
		json_t *k = snapshot_string(kv->key);
		json_object_set_new(ml, json_string_value(k), v);
		json_decref(k);
	}
	put(o, "matchLabels", ml);
	json_t *ex = json_array();
	for (size_t i = 0; i < s->n_exprs; i++) {
		json_t *e = json_object();
		put(e, "key", snapshot_string(s->exprs[i].key));
		put(e, "operator", snapshot_string(s->exprs[i].op));
		put(e, "values", string_array(s->exprs[i].values, s->exprs[i].n_values));
		json_array_append_new(ex, e);
	}
	put(o, "matchExpressions", ex);
	return o;
}

static const char *from_name(enum gt_from f)
{
	switch (f) {
	case GT_FROM_ALL: return "All";
	case GT_FROM_SELECTOR: return "Selector";
	default: return "Same";
	}
}

/* ---- top-level sections ---- */

static json_t *source_json(const struct snapshot_input *in)
{
	json_t *o = json_object();
	bool cluster = in->source.context || in->source.server;
	put(o, "type", json_string(cluster ? "cluster" : "manifests"));
	put(o, "description", snapshot_string(in->source.description));
	put(o, "context", snapshot_string(in->source.context));
	char *server = secret_url_redact(in->source.server); /* never a password */
	put(o, "server", snapshot_string(server));
	free(server);
	put(o, "inputErrors", json_integer((json_int_t)in->source.input_errors));
	if (!cluster)
		return o;
	json_t *kinds = json_array();
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(in->store, (enum gt_kind)k);
		if (!st)
			continue;
		json_t *ks = json_object();
		put(ks, "kind", json_string(kind_name((enum gt_kind)k)));
		put(ks, "installed", json_boolean(st->installed));
		put(ks, "synced", json_boolean(st->synced));
		put(ks, "stale", json_boolean(st->stale));
		char ts[40];
		put(ks, "lastHeard", st->last_heard_ms
		                         ? json_string(time_rfc3339((time_t)(st->last_heard_ms / 1000), ts,
		                                                    sizeof ts))
		                         : json_null());
		put(ks, "error", snapshot_string(st->error));
		json_array_append_new(kinds, ks);
	}
	put(o, "kinds", kinds);
	return o;
}

static json_t *gatewayclass_json(const struct gt_object *o)
{
	json_t *j = json_object();
	put(j, "name", snapshot_string(o->meta.name));
	put(j, "controllerName", snapshot_string(o->u.gc.controller_name));
	put(j, "description", snapshot_string(o->u.gc.description));
	put(j, "status", status_conditions(&o->u.gc.conditions));
	return j;
}

static json_t *route_ids(const struct gt_topology *t, const size_t *idx, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		if (idx[i] < t->n_routes)
			json_array_append_new(a, id_string(t->routes[idx[i]].obj));
	return a;
}

static json_t *allowed_routes_json(const struct gt_listener *l)
{
	json_t *ar = json_object();
	json_t *ns = json_object();
	put(ns, "from", json_string(from_name(l->from)));
	put(ns, "selector", l->from == GT_FROM_SELECTOR ? selector_json(&l->selector) : json_null());
	put(ar, "namespaces", ns);
	json_t *kinds = json_array();
	for (size_t i = 0; i < l->n_kinds; i++) {
		json_t *k = json_object();
		put(k, "group", snapshot_string(l->kinds[i].group));
		put(k, "kind", snapshot_string(l->kinds[i].kind));
		json_array_append_new(kinds, k);
	}
	put(ar, "kinds", kinds);
	return ar;
}

static json_t *parent_ref_json(const struct gt_parent_ref *r);

/* Conditions gammatop computed (type, status, reason, message). */
static json_t *computed_conditions_json(const struct topo_conditions *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n; i++) {
		json_t *o = json_object();
		put(o, "type", json_string(c->items[i].type));
		put(o, "status", json_string(c->items[i].status));
		put(o, "reason", json_string(c->items[i].reason));
		put(o, "message", snapshot_string(c->items[i].message));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *object_refs_json(const struct gt_object_ref *r, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		put(o, "group", snapshot_string(r[i].group));
		put(o, "kind", snapshot_string(r[i].kind));
		put(o, "namespace", snapshot_string(r[i].namespace_));
		put(o, "name", snapshot_string(r[i].name));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *listener_json(const struct gt_topology *t, const struct topo_listener *tl)
{
	const struct gt_listener *l = tl->listener;
	json_t *j = json_object();
	put(j, "name", snapshot_string(l->name));
	put(j, "port", json_integer(l->port));
	put(j, "protocol", snapshot_string(l->protocol));
	put(j, "hostname", snapshot_string(l->hostname));
	put(j, "allowedRoutes", allowed_routes_json(l));
	json_t *tls = json_null();
	if (l->has_tls) {
		tls = json_object();
		put(tls, "mode", snapshot_string(l->tls_mode));
		put(tls, "certificateRefs", object_refs_json(l->certs, l->n_certs));
	}
	put(j, "tls", tls);
	put(j, "attachedRoutes", json_integer(tl->attached_routes));
	put(j, "reportedAttachedRoutes", opt_int(tl->reported_attached_routes, -1));
	put(j, "routes", route_ids(t, tl->routes, tl->n_routes));
	json_t *sk = json_array();
	for (size_t i = 0; i < tl->n_supported_kinds; i++)
		json_array_append_new(sk, json_string(tl->supported_kinds[i]));
	put(j, "supportedKinds", sk);
	put(j, "conditions", computed_conditions_json(&tl->conditions));
	return j;
}

static json_t *listener_status_json(const struct gt_gateway *gw)
{
	json_t *lst = json_array();
	for (size_t k = 0; k < gw->n_listener_status; k++) {
		const struct gt_listener_status *x = &gw->listener_status[k];
		json_t *o = json_object();
		put(o, "name", snapshot_string(x->name));
		put(o, "attachedRoutes", opt_int(x->attached_routes, -1));
		put(o, "supportedKinds", string_array(x->supported_kinds, x->n_supported_kinds));
		put(o, "conditions", conditions_json(&x->conditions));
		json_array_append_new(lst, o);
	}
	return lst;
}

static const char *allowed_listeners_name(enum gt_allowed_listeners a)
{
	switch (a) {
	case GT_AL_NONE: return "None";
	case GT_AL_SAME: return "Same";
	case GT_AL_ALL: return "All";
	case GT_AL_SELECTOR: return "Selector";
	}
	return "None";
}

static json_t *gateway_json(const struct gt_topology *t, const struct topo_gateway *g)
{
	const struct gt_gateway *gw = &g->obj->u.gw;
	json_t *j = json_object();
	put(j, "namespace", snapshot_string(object_ns(g->obj)));
	put(j, "name", snapshot_string(g->obj->meta.name));
	put(j, "gatewayClassName", snapshot_string(gw->class_name));
	put(j, "addresses", string_array(gw->addresses, gw->n_addresses));
	json_t *al = json_object();
	put(al, "from", json_string(allowed_listeners_name(gw->allowed_listeners)));
	put(al, "selector", gw->allowed_listeners == GT_AL_SELECTOR
	                        ? selector_json(&gw->allowed_listeners_selector)
	                        : json_null());
	put(j, "allowedListeners", al);
	put(j, "defaultScope", json_string(gw->default_scope_all ? "All" : "None"));
	json_t *ls = json_array();
	for (size_t k = 0; k < g->n_listeners; k++)
		json_array_append_new(ls, listener_json(t, &g->listeners[k]));
	put(j, "listeners", ls);
	json_t *sets = json_array();
	for (size_t k = 0; k < g->n_listenersets; k++)
		if (g->listenersets[k] < t->n_listenersets)
			json_array_append_new(sets, id_string(t->listenersets[g->listenersets[k]].obj));
	put(j, "listenerSets", sets);
	put(j, "attachedListenerSets", json_integer(g->attached_listener_sets));
	put(j, "conditions", computed_conditions_json(&g->conditions));
	json_t *st = status_conditions(&gw->conditions);
	put(st, "listeners", listener_status_json(gw));
	put(st, "attachedListenerSets", opt_int(gw->attached_listener_sets, -1));
	put(j, "status", st);
	return j;
}

static json_t *listenerset_json(const struct gt_topology *t, const struct topo_listenerset *s)
{
	const struct gt_gateway *ls = &s->obj->u.gw;
	json_t *j = json_object();
	put(j, "namespace", snapshot_string(object_ns(s->obj)));
	put(j, "name", snapshot_string(s->obj->meta.name));
	json_t *pr = json_null();
	if (ls->ls_parent) {
		pr = json_object();
		put(pr, "group", snapshot_string(ls->ls_parent->group));
		put(pr, "kind", snapshot_string(ls->ls_parent->kind));
		put(pr, "namespace", snapshot_string(ls->ls_parent->namespace_));
		put(pr, "name", snapshot_string(ls->ls_parent->name));
	}
	put(j, "parentRef", pr);
	put(j, "gateway", s->gateway >= 0 && (size_t)s->gateway < t->n_gateways
	                      ? id_string(t->gateways[s->gateway].obj)
	                      : json_null());
	put(j, "accepted", json_boolean(s->accepted));
	put(j, "conditions", computed_conditions_json(&s->conditions));
	json_t *a = json_array();
	if (s->n_listeners) {
		for (size_t k = 0; k < s->n_listeners; k++)
			json_array_append_new(a, listener_json(t, &s->listeners[k]));
	}
	put(j, "listeners", a);
	json_t *st = status_conditions(&ls->conditions);
	put(st, "listeners", listener_status_json(ls));
	put(j, "status", st);
	return j;
}

static json_t *policy_json(const struct topo_policy *tp)
{
	const struct gt_policy *p = &tp->obj->u.pol;
	json_t *j = json_object();
	put(j, "kind", json_string(kind_name(tp->obj->kind)));
	put(j, "namespace", snapshot_string(object_ns(tp->obj)));
	put(j, "name", snapshot_string(tp->obj->meta.name));
	json_t *ts = json_array();
	for (size_t i = 0; i < p->n_targets; i++) {
		json_t *o = json_object();
		put(o, "group", snapshot_string(p->targets[i].group));
		put(o, "kind", snapshot_string(p->targets[i].kind));
		put(o, "name", snapshot_string(p->targets[i].name));
		put(o, "sectionName", snapshot_string(p->targets[i].section_name));
		json_array_append_new(ts, o);
	}
	put(j, "targetRefs", ts);
	if (tp->obj->kind == GT_BACKENDTLSPOLICY) {
		json_t *v = json_object();
		put(v, "caCertificateRefs", object_refs_json(p->ca_refs, p->n_ca_refs));
		put(v, "wellKnownCACertificates", snapshot_string(p->well_known_ca));
		put(v, "hostname", snapshot_string(p->hostname));
		put(v, "subjectAltNames", string_array(p->sans, p->n_sans));
		put(j, "validation", v);
	} else {
		json_t *rc = json_null();
		if (p->has_retry_constraint) {
			rc = json_object();
			put(rc, "budgetPercent", opt_int(p->budget_percent, -1));
			put(rc, "budgetInterval", snapshot_string(p->budget_interval));
			put(rc, "minRetryCount", opt_int(p->min_retry_count, -1));
			put(rc, "minRetryInterval", snapshot_string(p->min_retry_interval));
		}
		put(j, "retryConstraint", rc);
		put(j, "sessionPersistence", snapshot_string(p->session_persistence));
	}
	put(j, "accepted", json_boolean(tp->accepted));
	put(j, "conditions", computed_conditions_json(&tp->conditions));
	json_t *an = json_array();
	for (size_t i = 0; i < tp->n_ancestors; i++) {
		const struct topo_ancestor *a = &tp->ancestors[i];
		json_t *o = json_object();
		put(o, "kind", json_string(a->kind));
		put(o, "namespace", snapshot_string(a->ns));
		put(o, "name", snapshot_string(a->name));
		put(o, "reported", a->reported ? conditions_json(&a->reported->conditions) : json_null());
		json_array_append_new(an, o);
	}
	put(j, "ancestors", an);
	put(j, "ancestorsBeyondLimit",
	    json_integer((json_int_t)(tp->n_ancestors_all - tp->n_ancestors)));
	json_t *st = json_array();
	for (size_t i = 0; i < p->n_ancestors; i++) {
		json_t *o = json_object();
		put(o, "ancestorRef", parent_ref_json(&p->ancestors[i].ref));
		put(o, "controllerName", snapshot_string(p->ancestors[i].controller_name));
		put(o, "conditions", conditions_json(&p->ancestors[i].conditions));
		json_array_append_new(st, o);
	}
	json_t *sto = json_object();
	put(sto, "ancestors", st);
	put(j, "status", sto);
	return j;
}

static json_t *mesh_json(const struct gt_object *o)
{
	json_t *j = json_object();
	put(j, "name", snapshot_string(o->meta.name));
	put(j, "controllerName", snapshot_string(o->u.mesh.controller_name));
	json_t *st = status_conditions(&o->u.mesh.conditions);
	put(st, "supportedFeatures", string_array(o->u.mesh.features, o->u.mesh.n_features));
	put(j, "status", st);
	return j;
}

static json_t *service_json(const struct gt_topology *t, const struct topo_service *ts)
{
	const struct gt_service *s = &ts->obj->u.svc;
	json_t *j = json_object();
	put(j, "namespace", snapshot_string(object_ns(ts->obj)));
	put(j, "name", snapshot_string(ts->obj->meta.name));
	put(j, "type", snapshot_string(str_or(s->type, "ClusterIP")));
	put(j, "clusterIP", snapshot_string(s->cluster_ip));
	put(j, "externalName", snapshot_string(s->external_name));
	json_t *ports = json_array();
	for (size_t k = 0; k < s->n_ports; k++) {
		const struct gt_service_port *p = &s->ports[k];
		json_t *o = json_object();
		put(o, "name", snapshot_string(p->name));
		put(o, "port", json_integer(p->port));
		put(o, "protocol", snapshot_string(str_or(p->protocol, "TCP")));
		put(o, "appProtocol", snapshot_string(p->app_protocol));
		put(o, "targetPort", snapshot_string(p->target_port));
		json_array_append_new(ports, o);
	}
	put(j, "ports", ports);
	put(j, "producers", route_ids(t, ts->producers, ts->n_producers));
	put(j, "consumers", route_ids(t, ts->consumers, ts->n_consumers));
	put(j, "backendOf", route_ids(t, ts->backend_of, ts->n_backend_of));
	return j;
}

/* ---- routes ---- */

static json_t *parent_ref_json(const struct gt_parent_ref *r)
{
	json_t *o = json_object();
	put(o, "group", snapshot_string(r->group));
	put(o, "kind", snapshot_string(r->kind));
	put(o, "namespace", snapshot_string(r->namespace_));
	put(o, "name", snapshot_string(r->name));
	put(o, "sectionName", snapshot_string(r->section_name));
	put(o, "port", opt_int(r->port, 0));
	return o;
}

json_t *snapshot_parents(const struct topo_route *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n_parents; i++) {
		const struct topo_parent *p = &r->parents[i];
		json_t *o = json_object();
		put(o, "kind", snapshot_string(p->ref->kind));
		put(o, "namespace", snapshot_string(p->ref->namespace_));
		put(o, "name", snapshot_string(p->ref->name));
		put(o, "sectionName", snapshot_string(p->ref->section_name));
		put(o, "port", opt_int(p->ref->port, 0));
		put(o, "role", json_string(topo_role_name(p->role)));
		put(o, "attached", json_boolean(p->attached));
		put(o, "reason", snapshot_string(p->reason));
		put(o, "message", snapshot_string(p->message));
		json_t *ls = json_array();
		if (p->target && (p->target->kind == GT_GATEWAY || p->target->kind == GT_LISTENERSET))
			for (size_t k = 0; k < p->n_listeners; k++)
				if (p->listeners[k] < p->target->u.gw.n_listeners)
					json_array_append_new(
						ls, snapshot_string(p->target->u.gw.listeners[p->listeners[k]].name));
		put(o, "listeners", ls);
		json_t *rep = json_null();
		if (p->reported) {
			rep = json_object();
			put(rep, "controllerName", snapshot_string(p->reported->controller_name));
			put(rep, "accepted", p->reported_accepted < 0 ? json_null()
			                                              : json_boolean(p->reported_accepted));
			put(rep, "reason", snapshot_string(p->reported_reason));
		}
		put(o, "reported", rep);
		put(o, "disagrees", json_boolean(p->disagrees));
		put(o, "defaulted", json_boolean(p->defaulted));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *string_matches(const struct gt_string_match *m, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		put(o, "type", snapshot_string(str_or(m[i].type, "Exact")));
		put(o, "name", snapshot_string(m[i].name));
		put(o, "value", snapshot_string(m[i].value));
		json_array_append_new(a, o);
	}
	return a;
}

/* A match in the Gateway API's own shape; only the parts that are set. */
static json_t *match_json(const struct gt_match *m)
{
	json_t *o = json_object();
	if (m->path_type || m->path_value) {
		json_t *p = json_object();
		put(p, "type", snapshot_string(m->path_type));
		put(p, "value", snapshot_string(m->path_value));
		put(o, "path", p);
	}
	if (m->grpc_type || m->grpc_service || m->grpc_method) {
		json_t *g = json_object();
		put(g, "type", snapshot_string(m->grpc_type));
		put(g, "service", snapshot_string(m->grpc_service));
		put(g, "method", snapshot_string(m->grpc_method));
		put(o, "method", g);
	} else if (m->method) {
		put(o, "method", snapshot_string(m->method));
	}
	if (m->n_headers)
		put(o, "headers", string_matches(m->headers, m->n_headers));
	if (m->n_query_params)
		put(o, "queryParams", string_matches(m->query_params, m->n_query_params));
	return o;
}

static json_t *backend_json(const struct topo_backend *b)
{
	json_t *o = json_object();
	put(o, "kind", snapshot_string(b->ref->kind));
	put(o, "group", snapshot_string(b->ref->group));
	put(o, "namespace", snapshot_string(b->ref->namespace_));
	put(o, "name", snapshot_string(b->ref->name));
	put(o, "port", opt_int(b->ref->port, 0));
	put(o, "weight", json_integer(b->ref->weight));
	put(o, "resolved", json_boolean(b->resolved));
	put(o, "reason", snapshot_string(b->reason));
	put(o, "message", snapshot_string(b->message));
	put(o, "backendTLSPolicy", b->tls_policy ? id_string(b->tls_policy) : json_null());
	put(o, "trafficPolicy", b->traffic_policy ? id_string(b->traffic_policy) : json_null());
	return o;
}

json_t *snapshot_rule(const struct topo_rule *tr)
{
	const struct gt_rule *r = tr->rule;
	json_t *o = json_object();
	put(o, "index", json_integer((json_int_t)tr->index));
	put(o, "name", snapshot_string(r->name));
	json_t *ms = json_array();
	for (size_t i = 0; i < r->n_matches; i++)
		json_array_append_new(ms, match_json(&r->matches[i]));
	put(o, "matches", ms);
	json_t *fs = json_array();
	for (size_t i = 0; i < r->n_filters; i++) {
		json_t *f = json_object();
		put(f, "type", snapshot_string(r->filters[i].type));
		put(f, "summary", snapshot_string(r->filters[i].summary));
		json_array_append_new(fs, f);
	}
	put(o, "filters", fs);
	json_t *bs = json_array();
	for (size_t i = 0; i < tr->n_backends; i++)
		json_array_append_new(bs, backend_json(&tr->backends[i]));
	put(o, "backends", bs);
	json_t *to = json_object();
	put(to, "request", snapshot_string(r->has_timeouts ? r->timeouts.request : NULL));
	put(to, "backendRequest", snapshot_string(r->has_timeouts ? r->timeouts.backend_request : NULL));
	put(o, "timeouts", to);
	json_t *re = json_object();
	put(re, "attempts", r->has_retry ? opt_int(r->retry.attempts, -1) : json_null());
	put(re, "backoff", snapshot_string(r->has_retry ? r->retry.backoff : NULL));
	json_t *codes = json_array();
	for (size_t i = 0; r->has_retry && i < r->retry.n_codes; i++)
		json_array_append_new(codes, json_integer(r->retry.codes[i]));
	put(re, "codes", codes);
	put(o, "retry", re);
	return o;
}

static json_t *route_status_json(const struct gt_route *r)
{
	json_t *st = json_object();
	json_t *ps = json_array();
	for (size_t i = 0; i < r->n_status; i++) {
		json_t *o = json_object();
		put(o, "parentRef", parent_ref_json(&r->status[i].ref));
		put(o, "controllerName", snapshot_string(r->status[i].controller_name));
		put(o, "conditions", conditions_json(&r->status[i].conditions));
		json_array_append_new(ps, o);
	}
	put(st, "parents", ps);
	return st;
}

json_t *snapshot_route(const struct topo_route *r)
{
	const struct gt_object *obj = r->obj;
	json_t *o = json_object();
	put(o, "kind", json_string(kind_name(obj->kind)));
	put(o, "namespace", snapshot_string(object_ns(obj)));
	put(o, "name", snapshot_string(obj->meta.name));
	put(o, "hostnames", string_array(obj->u.route.hostnames, obj->u.route.n_hostnames));
	put(o, "useDefaultGateways", json_string(obj->u.route.use_default_gateways ? "All" : "None"));
	put(o, "attached", json_boolean(r->attached_any));
	put(o, "mesh", json_boolean(r->mesh));
	put(o, "parents", snapshot_parents(r));
	json_t *rules = json_array();
	for (size_t i = 0; i < r->n_rules; i++)
		json_array_append_new(rules, snapshot_rule(&r->rules[i]));
	put(o, "rules", rules);
	put(o, "status", route_status_json(&obj->u.route));
	return o;
}

json_t *snapshot_finding(const struct finding *f)
{
	json_t *o = json_object();
	put(o, "severity", json_string(severity_name(f->severity)));
	put(o, "code", snapshot_string(f->code));
	put(o, "object", snapshot_string(f->object));
	put(o, "field", snapshot_string(f->field ? f->field : ""));
	put(o, "message", snapshot_string(f->message));
	return o;
}

/* ---- the document, built whole or streamed ---- */

/* Where the document goes: kept as one json_t (snapshot_build) or written element by element
 * (snapshot_write_input), so that a large cluster never needs the whole tree in memory. Each
 * callback takes ownership of v. */
struct sink {
	void (*value)(struct sink *k, const char *key, json_t *v);
	void (*array_begin)(struct sink *k, const char *key);
	void (*element)(struct sink *k, json_t *v);
	void (*array_end)(struct sink *k);
};

static void emit(const struct snapshot_input *in, struct sink *k)
{
	char ts[40];
	k->value(k, "apiVersion", json_string(SNAPSHOT_API_VERSION));
	k->value(k, "kind", json_string("Snapshot"));
	k->value(k, "generatedAt", json_string(time_rfc3339(in->generated_at ? in->generated_at
	                                                                    : time(NULL),
	                                                    ts, sizeof ts)));
	k->value(k, "source", source_json(in));
	size_t n;
	const struct gt_object *const *gcs = store_list(in->store, GT_GATEWAYCLASS, &n);
	k->array_begin(k, "gatewayClasses");
	for (size_t i = 0; i < n; i++)
		k->element(k, gatewayclass_json(gcs[i]));
	k->array_end(k);
	k->array_begin(k, "gateways");
	for (size_t i = 0; i < in->topo->n_gateways; i++)
		k->element(k, gateway_json(in->topo, &in->topo->gateways[i]));
	k->array_end(k);
	k->array_begin(k, "listenerSets");
	for (size_t i = 0; i < in->topo->n_listenersets; i++)
		k->element(k, listenerset_json(in->topo, &in->topo->listenersets[i]));
	k->array_end(k);
	k->array_begin(k, "services");
	for (size_t i = 0; i < in->topo->n_services; i++)
		k->element(k, service_json(in->topo, &in->topo->services[i]));
	k->array_end(k);
	k->array_begin(k, "routes");
	for (size_t i = 0; i < in->topo->n_routes; i++)
		k->element(k, snapshot_route(&in->topo->routes[i]));
	k->array_end(k);
	k->array_begin(k, "policies");
	for (size_t i = 0; i < in->topo->n_policies; i++)
		k->element(k, policy_json(&in->topo->policies[i]));
	k->array_end(k);
	k->array_begin(k, "meshes");
	for (size_t i = 0; i < in->topo->n_meshes; i++)
		k->element(k, mesh_json(in->topo->meshes[i]));
	k->array_end(k);
	k->array_begin(k, "findings");
	for (size_t i = 0; in->findings && i < in->findings->n; i++)
		k->element(k, snapshot_finding(&in->findings->items[i]));
	k->array_end(k);
	if (in->telemetry)
		k->value(k, "telemetry", json_deep_copy(in->telemetry));
}

/* Sink 1: one json_t. */
struct tree_sink {
	struct sink k;
	json_t *doc, *array;
};

static void tree_value(struct sink *k, const char *key, json_t *v)
{
	put(((struct tree_sink *)k)->doc, key, v);
}

static void tree_array_begin(struct sink *k, const char *key)
{
	struct tree_sink *t = (struct tree_sink *)k;
	t->array = json_array();
	put(t->doc, key, t->array);
}

static void tree_element(struct sink *k, json_t *v)
{
	json_array_append_new(((struct tree_sink *)k)->array, v);
}

static void tree_array_end(struct sink *k) { ((struct tree_sink *)k)->array = NULL; }

json_t *snapshot_build(const struct snapshot_input *in)
{
	struct tree_sink t = {{tree_value, tree_array_begin, tree_element, tree_array_end},
	                      json_object(), NULL};
	emit(in, &t.k);
	return t.doc;
}

/* Sink 2: JSON text, byte for byte what jsonout_dumps(JSON_INDENT(2)) gives for the whole
 * document, written one element at a time. */
struct json_sink {
	struct sink k;
	FILE *f;
	bool first_key, first_elem;
	int failed;
};

/* Write v (dumped with indent 2) with every line after the first indented by pad spaces.
 * JSON strings never hold a raw newline, so every '\n' is a line break. */
static void json_put(struct json_sink *j, json_t *v, int pad)
{
	char *text = jsonout_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_decref(v);
	if (!text) {
		j->failed = 1;
		return;
	}
	for (const char *p = text; *p; p++) {
		fputc(*p, j->f);
		if (*p == '\n')
			fprintf(j->f, "%*s", pad, "");
	}
	free(text);
}

static void json_key(struct json_sink *j, const char *key)
{
	fputs(j->first_key ? "{\n  " : ",\n  ", j->f);
	j->first_key = false;
	json_t *k = json_string(key);
	json_put(j, k, 2);
	fputs(": ", j->f);
}

static void json_value(struct sink *k, const char *key, json_t *v)
{
	struct json_sink *j = (struct json_sink *)k;
	json_key(j, key);
	json_put(j, v ? v : json_null(), 2);
}

static void json_array_begin(struct sink *k, const char *key)
{
	struct json_sink *j = (struct json_sink *)k;
	json_key(j, key);
	fputc('[', j->f);
	j->first_elem = true;
}

static void json_element(struct sink *k, json_t *v)
{
	struct json_sink *j = (struct json_sink *)k;
	fputs(j->first_elem ? "\n    " : ",\n    ", j->f);
	j->first_elem = false;
	json_put(j, v, 4);
}

static void json_array_end(struct sink *k)
{
	struct json_sink *j = (struct json_sink *)k;
	fputs(j->first_elem ? "]" : "\n  ]", j->f);
}

/* Sink 3: YAML events, one element at a time (yamlout.h). */
struct yaml_sink {
	struct sink k;
	struct yamlout *y;
};

static void yaml_value(struct sink *k, const char *key, json_t *v)
{
	struct yamlout *y = ((struct yaml_sink *)k)->y;
	yamlout_key(y, key);
	yamlout_value(y, v);
	json_decref(v);
}

static void yaml_array_begin(struct sink *k, const char *key)
{
	struct yamlout *y = ((struct yaml_sink *)k)->y;
	yamlout_key(y, key);
	yamlout_seq_begin(y);
}

static void yaml_element(struct sink *k, json_t *v)
{
	yamlout_value(((struct yaml_sink *)k)->y, v);
	json_decref(v);
}

static void yaml_array_end(struct sink *k) { yamlout_seq_end(((struct yaml_sink *)k)->y); }

int snapshot_write_input(FILE *f, const struct snapshot_input *in, enum snapshot_format fmt,
                         char *err, size_t errlen)
{
	int failed;
	if (fmt == SNAPSHOT_YAML) {
		struct yaml_sink y = {{yaml_value, yaml_array_begin, yaml_element, yaml_array_end},
		                      yamlout_new(f)};
		yamlout_map_begin(y.y);
		emit(in, &y.k);
		yamlout_map_end(y.y);
		failed = yamlout_finish(y.y, err, errlen) < 0;
	} else {
		struct json_sink j = {{json_value, json_array_begin, json_element, json_array_end},
		                      f, true, true, 0};
		emit(in, &j.k);
		fputs("\n}\n", f);
		failed = j.failed;
		if (failed)
			snprintf(err, errlen, "cannot serialise the snapshot as JSON");
	}
	return failed ? -1 : 0;
}

int snapshot_write(FILE *f, const json_t *doc, enum snapshot_format fmt, char *err,
                   size_t errlen)
{
	char *text;
	if (fmt == SNAPSHOT_YAML)
		text = yamlout_json(doc);
	else
		text = jsonout_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		snprintf(err, errlen, "cannot serialise the snapshot as %s",
		         fmt == SNAPSHOT_YAML ? "YAML" : "JSON");
		return -1;
	}
	size_t len = strlen(text);
	fputs(text, f);
	if (!len || text[len - 1] != '\n')
		fputc('\n', f);
	free(text);
	return 0;
}
