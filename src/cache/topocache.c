/* topocache.c: store objects to API JSON and back through the cache, so that the console can
 * show the last known topology of a context before the cluster answers (see topocache.h). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/objpack.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/topocache.h"

#define FORMAT_VERSION 4 /* 4: the Gateway API v1.6 kinds; a JSON header line, then one packed object per line (objpack.h) */

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

static void set_int(json_t *o, const char *key, long long v, bool when)
{
	if (when)
		json_object_set_new(o, key, json_integer(v));
}

static json_t *kvlist(const struct gt_kvlist *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].key)
			json_object_set_new(o, l->items[i].key, json_string(str_or(l->items[i].value, "")));
	return o;
}

static json_t *conditions(const struct gt_conditions *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const struct gt_condition *x = &c->items[i];
		json_t *o = json_object();
		set_str(o, "type", x->type);
		set_str(o, "status", x->status);
		set_str(o, "reason", x->reason);
		set_str(o, "message", x->message);
		set_int(o, "observedGeneration", x->observed_generation, x->observed_generation > 0);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *selector(const struct gt_selector *s)
{
	json_t *o = json_object();
	if (s->match_labels.n)
		json_object_set_new(o, "matchLabels", kvlist(&s->match_labels));
	if (s->n_exprs) {
		json_t *a = json_array();
		for (size_t i = 0; i < s->n_exprs; i++) {
			json_t *e = json_object();
			set_str(e, "key", s->exprs[i].key);
			set_str(e, "operator", s->exprs[i].op);
			if (s->exprs[i].n_values) {
				json_t *v = json_array();
				for (size_t k = 0; k < s->exprs[i].n_values; k++)
					json_array_append_new(v, json_string(s->exprs[i].values[k]));
				json_object_set_new(e, "values", v);
			}
			json_array_append_new(a, e);
		}
		json_object_set_new(o, "matchExpressions", a);
	}
	return o;
}

static json_t *metadata(const struct gt_meta *m)
{
	json_t *o = json_object();
	set_str(o, "name", m->name);
	set_str(o, "namespace", m->namespace_);
	set_str(o, "uid", m->uid);
	set_str(o, "resourceVersion", m->resource_version);
	set_str(o, "creationTimestamp", m->creation_timestamp);
	set_int(o, "generation", m->generation, m->generation > 0);
	if (m->labels.n)
		json_object_set_new(o, "labels", kvlist(&m->labels));
	if (m->annotations.n)
		json_object_set_new(o, "annotations", kvlist(&m->annotations));
	return o;
}

static void gateway(const struct gt_gateway *g, json_t *spec, json_t *status)
{
	set_str(spec, "gatewayClassName", g->class_name);
	json_t *ls = json_array();
	for (size_t i = 0; i < g->n_listeners; i++) {
		const struct gt_listener *l = &g->listeners[i];
		json_t *o = json_object();
		set_str(o, "name", l->name);
		set_str(o, "hostname", l->hostname);
		set_str(o, "protocol", l->protocol);
		set_int(o, "port", l->port, true);
		json_t *ns = json_object();
		static const char *const from[] = {"Same", "All", "Selector"};
		json_object_set_new(ns, "from", json_string(from[l->from]));
		if (l->from == GT_FROM_SELECTOR)
			json_object_set_new(ns, "selector", selector(&l->selector));
		json_t *ar = json_object();
		json_object_set_new(ar, "namespaces", ns);
		if (l->n_kinds) {
			json_t *ks = json_array();
			for (size_t k = 0; k < l->n_kinds; k++) {
				json_t *gk = json_object();
				set_str(gk, "group", l->kinds[k].group);
				set_str(gk, "kind", l->kinds[k].kind);
				json_array_append_new(ks, gk);
			}
			json_object_set_new(ar, "kinds", ks);
		}
		json_object_set_new(o, "allowedRoutes", ar);
		json_array_append_new(ls, o);
	}
	json_object_set_new(spec, "listeners", ls);
	json_t *addrs = json_array();
	for (size_t i = 0; i < g->n_addresses; i++) {
		json_t *a = json_object();
		set_str(a, "value", g->addresses[i]);
		json_array_append_new(addrs, a);
	}
	json_object_set_new(status, "addresses", addrs);
	json_object_set_new(status, "conditions", conditions(&g->conditions));
	json_t *lst = json_array();
	for (size_t i = 0; i < g->n_listener_status; i++) {
		json_t *o = json_object();
		set_str(o, "name", g->listener_status[i].name);
		set_int(o, "attachedRoutes", g->listener_status[i].attached_routes,
		        g->listener_status[i].attached_routes >= 0);
		json_object_set_new(o, "conditions", conditions(&g->listener_status[i].conditions));
		json_array_append_new(lst, o);
	}
	json_object_set_new(status, "listeners", lst);
}

static json_t *parent_ref(const struct gt_parent_ref *p)
{
	json_t *o = json_object();
	set_str(o, "group", p->group);
	set_str(o, "kind", p->kind);
	set_str(o, "namespace", p->namespace_);
	set_str(o, "name", p->name);
	set_str(o, "sectionName", p->section_name);
	set_int(o, "port", p->port, p->port > 0);
	return o;
}

static json_t *string_matches(const struct gt_string_match *m, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		set_str(o, "type", m[i].type);
		set_str(o, "name", m[i].name);
		set_str(o, "value", m[i].value);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *match(enum gt_kind kind, const struct gt_match *m)
{
	json_t *o = json_object();
	if (kind == GT_GRPCROUTE) {
		if (m->grpc_type || m->grpc_service || m->grpc_method) {
			json_t *mm = json_object();
			set_str(mm, "type", m->grpc_type);
			set_str(mm, "service", m->grpc_service);
			set_str(mm, "method", m->grpc_method);
			json_object_set_new(o, "method", mm);
		}
	} else {
		if (m->path_type || m->path_value) {
			json_t *p = json_object();
			set_str(p, "type", m->path_type);
			set_str(p, "value", m->path_value);
			json_object_set_new(o, "path", p);
		}
		set_str(o, "method", m->method);
		if (m->n_query_params)
			json_object_set_new(o, "queryParams", string_matches(m->query_params, m->n_query_params));
	}
	if (m->n_headers)
		json_object_set_new(o, "headers", string_matches(m->headers, m->n_headers));
	return o;
}

static json_t *rule(enum gt_kind kind, const struct gt_rule *r)
{
	json_t *o = json_object();
	set_str(o, "name", r->name);
	json_t *ms = json_array();
	for (size_t i = 0; i < r->n_matches; i++)
		json_array_append_new(ms, match(kind, &r->matches[i]));
	json_object_set_new(o, "matches", ms);
	json_t *fs = json_array();
	for (size_t i = 0; i < r->n_filters; i++) {
		json_t *f = json_object();
		set_str(f, "type", r->filters[i].type);
		json_array_append_new(fs, f);
	}
	json_object_set_new(o, "filters", fs);
	json_t *bs = json_array();
	for (size_t i = 0; i < r->n_backends; i++) {
		const struct gt_backend_ref *b = &r->backends[i];
		json_t *x = json_object();
		set_str(x, "group", b->group);
		set_str(x, "kind", b->kind);
		set_str(x, "namespace", b->namespace_);
		set_str(x, "name", b->name);
		set_int(x, "port", b->port, b->port > 0);
		set_int(x, "weight", b->weight, true);
		json_array_append_new(bs, x);
	}
	json_object_set_new(o, "backendRefs", bs);
	if (r->has_timeouts) {
		json_t *t = json_object();
		set_str(t, "request", r->timeouts.request);
		set_str(t, "backendRequest", r->timeouts.backend_request);
		json_object_set_new(o, "timeouts", t);
	}
	if (r->has_retry) {
		json_t *t = json_object();
		set_int(t, "attempts", r->retry.attempts, r->retry.attempts >= 0);
		set_str(t, "backoff", r->retry.backoff);
		if (r->retry.n_codes) {
			json_t *c = json_array();
			for (size_t i = 0; i < r->retry.n_codes; i++)
				json_array_append_new(c, json_integer(r->retry.codes[i]));
			json_object_set_new(t, "codes", c);
		}
		json_object_set_new(o, "retry", t);
	}
	return o;
}

static void route(enum gt_kind kind, const struct gt_route *r, json_t *spec, json_t *status)
{
	json_t *h = json_array();
	for (size_t i = 0; i < r->n_hostnames; i++)
		json_array_append_new(h, json_string(r->hostnames[i]));
	json_object_set_new(spec, "hostnames", h);
	json_t *ps = json_array();
	for (size_t i = 0; i < r->n_parents; i++)
		json_array_append_new(ps, parent_ref(&r->parents[i]));
	json_object_set_new(spec, "parentRefs", ps);
	if (!r->default_rule) { /* the decoder gives a rule-less route its default rule again */
		json_t *rs = json_array();
		for (size_t i = 0; i < r->n_rules; i++)
			json_array_append_new(rs, rule(kind, &r->rules[i]));
		json_object_set_new(spec, "rules", rs);
	}
	json_t *st = json_array();
	for (size_t i = 0; i < r->n_status; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "parentRef", parent_ref(&r->status[i].ref));
		set_str(o, "controllerName", r->status[i].controller_name);
		json_object_set_new(o, "conditions", conditions(&r->status[i].conditions));
		json_array_append_new(st, o);
	}
	json_object_set_new(status, "parents", st);
}

static void refgrant(const struct gt_refgrant *g, json_t *spec)
{
	json_t *from = json_array(), *to = json_array();
	for (size_t i = 0; i < g->n_from; i++) {
		json_t *o = json_object();
		set_str(o, "group", g->from[i].group);
		set_str(o, "kind", g->from[i].kind);
		set_str(o, "namespace", g->from[i].namespace_);
		json_array_append_new(from, o);
	}
	for (size_t i = 0; i < g->n_to; i++) {
		json_t *o = json_object();
		set_str(o, "group", g->to[i].group);
		set_str(o, "kind", g->to[i].kind);
		set_str(o, "name", g->to[i].name);
		json_array_append_new(to, o);
	}
	json_object_set_new(spec, "from", from);
	json_object_set_new(spec, "to", to);
}

static void service(const struct gt_service *s, json_t *spec)
{
	set_str(spec, "type", s->type);
	set_str(spec, "clusterIP", s->cluster_ip);
	set_str(spec, "externalName", s->external_name);
	json_t *ps = json_array();
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct gt_service_port *p = &s->ports[i];
		json_t *o = json_object();
		set_str(o, "name", p->name);
		set_str(o, "protocol", p->protocol);
		set_str(o, "appProtocol", p->app_protocol);
		set_int(o, "port", p->port, true);
		if (p->target_port) {
			char *end;
			long v = strtol(p->target_port, &end, 10);
			json_object_set_new(o, "targetPort", *end || end == p->target_port
			                                         ? json_string(p->target_port)
			                                         : json_integer(v));
		}
		json_array_append_new(ps, o);
	}
	json_object_set_new(spec, "ports", ps);
}

void *topocache_encode(const struct gt_object *o)
{
	json_t *j = json_object();
	char av[128];
	if (o->api_version)
		snprintf(av, sizeof av, "%s", o->api_version);
	else if (*kind_group(o->kind))
		snprintf(av, sizeof av, "%s/%s", kind_group(o->kind), kind_version(o->kind));
	else
		snprintf(av, sizeof av, "%s", kind_version(o->kind));
	json_object_set_new(j, "apiVersion", json_string(av));
	json_object_set_new(j, "kind", json_string(kind_name(o->kind)));
	json_object_set_new(j, "metadata", metadata(&o->meta));
	json_t *spec = json_object(), *status = json_object();
	switch (o->kind) {
	case GT_GATEWAYCLASS:
		set_str(spec, "controllerName", o->u.gc.controller_name);
		set_str(spec, "description", o->u.gc.description);
		json_object_set_new(status, "conditions", conditions(&o->u.gc.conditions));
		break;
	case GT_GATEWAY: gateway(&o->u.gw, spec, status); break;
	case GT_HTTPROUTE:
	case GT_GRPCROUTE: route(o->kind, &o->u.route, spec, status); break;
	case GT_REFERENCEGRANT: refgrant(&o->u.grant, spec); break;
	case GT_SERVICE: service(&o->u.svc, spec); break;
	default: break;
	}
	if (o->kind != GT_NAMESPACE)
		json_object_set_new(j, "spec", spec);
	else
		json_decref(spec);
	if (json_object_size(status))
		json_object_set_new(j, "status", status);
	else
		json_decref(status);
	return j;
}

long topocache_save(struct cache *c, const char *context, struct gt_store *s, char *err,
                    size_t errlen)
{
	/* Packed objects, not API JSON: loading them back needs no JSON parse and no decode
	 * (10,000 routes + 10,000 services load in tens of ms instead of hundreds). */
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "{\"version\":%d}\n", FORMAT_VERSION);
	long n = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		size_t cnt;
		const struct gt_object *const *list = store_list(s, (enum gt_kind)k, &cnt);
		for (size_t i = 0; i < cnt; i++, n++)
			objpack_write(&b, list[i]);
	}
	int rc = cache_topology_put(c, context, buf_str(&b), time_wall_ms(), err, errlen);
	buf_done(&b);
	return rc < 0 ? -1 : n;
}

struct topocache_loader {
	char *text;      /* owned: the cached lines */
	size_t len;      /* of text */
	const char *p;   /* next object */
	int64_t at_ms;
	char error[256]; /* why loading stopped early, "" = it did not */
	long n;
	bool marked[GT_KIND_COUNT];
};

struct topocache_loader *topocache_loader_new(struct cache *c, const char *context,
                                              int64_t *at_ms, char *err, size_t errlen)
{
	char *text = NULL;
	int64_t at = 0;
	if (err && errlen)
		err[0] = '\0';
	if (cache_topology_get(c, context, &text, &at, err, errlen) <= 0)
		return NULL;
	json_error_t je;
	const char *nl = strchr(text, '\n');
	json_t *head = nl ? json_loadb(text, (size_t)(nl - text), 0, &je) : NULL;
	json_int_t version = json_integer_value(json_object_get(head, "version"));
	json_decref(head);
	if (version != FORMAT_VERSION) {
		snprintf(err, errlen, "cached topology of %s is unreadable or from another version",
		         context);
		free(text);
		return NULL;
	}
	struct topocache_loader *l = calloc(1, sizeof *l);
	if (!l) {
		free(text);
		return NULL;
	}
	l->text = text;
	l->len = strlen(text);
	l->p = nl + 1;
	l->at_ms = at;
	*at_ms = at;
	return l;
}

bool topocache_loader_step(struct topocache_loader *l, struct gt_store *s, size_t max)
{
	const char *end = l->text + l->len;
	for (size_t i = 0; i < max && l->p < end; i++) {
		struct gt_object *obj = NULL;
		char derr[256];
		if (objpack_read(&l->p, end, l->text, &obj, derr, sizeof derr) < 0) {
			/* no way to find the next object reliably: keep what was read */
			snprintf(l->error, sizeof l->error, "%s", derr);
			l->p = end;
			break;
		}
		struct store_kind_state *st = store_kind_state(s, obj->kind);
		if (st->synced) { /* the live list came first: it is newer */
			object_free(obj);
			continue;
		}
		if (!l->marked[obj->kind]) {
			l->marked[obj->kind] = true;
			st->installed = true;
			st->stale = true;
			st->last_heard_ms = l->at_ms;
		}
		store_put(s, obj);
		l->n++;
	}
	return l->p >= end;
}

const char *topocache_loader_error(const struct topocache_loader *l)
{
	return l && l->error[0] ? l->error : NULL;
}

long topocache_loader_count(const struct topocache_loader *l) { return l ? l->n : 0; }

void topocache_loader_free(struct topocache_loader *l)
{
	if (!l)
		return;
	free(l->text);
	free(l);
}

long topocache_load(struct cache *c, const char *context, struct gt_store *s, int64_t *at_ms,
                    char *err, size_t errlen)
{
	struct topocache_loader *l = topocache_loader_new(c, context, at_ms, err, errlen);
	if (!l)
		return err && *err ? -1 : 0;
	while (!topocache_loader_step(l, s, 1000))
		;
	if (l->error[0] && err && errlen)
		snprintf(err, errlen, "cached topology of %s: %s", context, l->error);
	long n = l->n;
	topocache_loader_free(l);
	return n;
}
