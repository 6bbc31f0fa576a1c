/* decode.c: Kubernetes API JSON -> typed gt_object (see decode.h). Every field is read through
 * a few checked helpers that know the field path, so hostile input ends in one clear error
 * ("httproute/default/web: spec.rules[0].backendRefs[1].port: expected an integer 1-65535").
 * Failure is sticky: after the first error the helpers do nothing and the half-built object
 * is freed. No json_t is kept in the objects. */
#include "gammatop/decode.h"
#include "jfield.h"
#include "gammatop/buf.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_MAX 400   /* bytes of a filter summary */

/* ---- shared pieces ---- */

static void conditions(struct jf *c, const json_t *obj, struct gt_conditions *out)
{
	size_t n;
	const json_t *l = jf_list(c, obj, "conditions", &n);
	if (!l || !n)
		return;
	out->items = xcalloc(n, sizeof *out->items);
	out->n = n;
	size_t o = jf_push_key(c, "conditions");
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *j = jf_item(c, l, i, &o2);
		struct gt_condition *k = &out->items[i];
		jf_str(c, j, "type", &k->type);
		jf_str(c, j, "status", &k->status);
		jf_str(c, j, "reason", &k->reason);
		jf_str(c, j, "message", &k->message);
		jf_int64(c, j, "observedGeneration", 0, INT64_MAX, &k->observed_generation);
		jf_pop(c, o2);
	}
	jf_pop(c, o);
}

static void selector(struct jf *c, const json_t *obj, const char *key, struct gt_selector *s)
{
	const json_t *j = jf_obj(c, obj, key);
	if (!j)
		return;
	size_t o = jf_push_key(c, key);
	s->present = true;
	jf_map(c, j, "matchLabels", &s->match_labels);
	size_t n;
	const json_t *l = jf_list(c, j, "matchExpressions", &n);
	if (l && n) {
		s->exprs = xcalloc(n, sizeof *s->exprs);
		s->n_exprs = n;
		size_t o1 = jf_push_key(c, "matchExpressions");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *e = jf_item(c, l, i, &o2);
			struct gt_label_req *r = &s->exprs[i];
			jf_name(c, e, "key", &r->key);
			jf_name(c, e, "operator", &r->op);
			if (!c->failed && !str_eq(r->op, "In") && !str_eq(r->op, "NotIn") &&
			    !str_eq(r->op, "Exists") && !str_eq(r->op, "DoesNotExist"))
				jf_fail_at(c, "operator", "expected In, NotIn, Exists or DoesNotExist");
			r->values = jf_strv(c, e, "values", &r->n_values);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

/* A parentRef with the API server's defaults. */
static void parent_ref(struct jf *c, const json_t *j, struct gt_parent_ref *p)
{
	jf_str(c, j, "group", &p->group);
	if (p->group && !strcmp(p->group, "core"))
		p->group[0] = '\0';
	jf_default(&p->group, GW_GROUP);
	jf_str(c, j, "kind", &p->kind);
	jf_default(&p->kind, "Gateway");
	jf_str(c, j, "namespace", &p->namespace_);
	jf_default(&p->namespace_, c->ns);
	jf_name(c, j, "name", &p->name);
	jf_str(c, j, "sectionName", &p->section_name);
	jf_int(c, j, "port", 1, 65535, &p->port);
}

static void backend_ref(struct jf *c, const json_t *j, struct gt_backend_ref *b)
{
	jf_str(c, j, "group", &b->group);
	if (b->group && !strcmp(b->group, "core"))
		b->group[0] = '\0';
	jf_default(&b->group, "");
	jf_str(c, j, "kind", &b->kind);
	jf_default(&b->kind, "Service");
	jf_str(c, j, "namespace", &b->namespace_);
	jf_default(&b->namespace_, c->ns);
	jf_name(c, j, "name", &b->name);
	jf_int(c, j, "port", 1, 65535, &b->port);
	b->weight = 1;
	jf_int(c, j, "weight", 0, 1000000, &b->weight);
}

static void filters(struct jf *c, const json_t *j, struct gt_rule *r)
{
	size_t n;
	const json_t *l = jf_list(c, j, "filters", &n);
	if (!l || !n)
		return;
	r->filters = xcalloc(n, sizeof *r->filters);
	r->n_filters = n;
	size_t o = jf_push_key(c, "filters");
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *f = jf_item(c, l, i, &o2);
		jf_name(c, f, "type", &r->filters[i].type);
		if (!c->failed) {
			struct buf b;
			buf_init(&b);
			decode_filter_summary(c, f, r->filters[i].type, &b);
			if (b.len > SUMMARY_MAX) {
				size_t cut = SUMMARY_MAX - 3;
				while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
					cut--; /* do not split a UTF-8 sequence */
				b.len = cut;
				buf_puts(&b, "...");
			}
			r->filters[i].summary = buf_steal(&b);
		}
		jf_pop(c, o2);
	}
	jf_pop(c, o);
}

/* ---- routes ---- */

static void string_matches(struct jf *c, const json_t *j, const char *key,
                           struct gt_string_match **out, size_t *n_out)
{
	size_t n;
	const json_t *l = jf_list(c, j, key, &n);
	if (!l || !n)
		return;
	*out = xcalloc(n, sizeof **out);
	*n_out = n;
	size_t o = jf_push_key(c, key);
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *m = jf_item(c, l, i, &o2);
		jf_str(c, m, "type", &(*out)[i].type);
		jf_default(&(*out)[i].type, "Exact");
		jf_name(c, m, "name", &(*out)[i].name);
		jf_str(c, m, "value", &(*out)[i].value);
		jf_pop(c, o2);
	}
	jf_pop(c, o);
}

static void default_path(struct gt_match *m)
{
	jf_default(&m->path_type, "PathPrefix");
	jf_default(&m->path_value, "/");
}

static void match(struct jf *c, const json_t *j, bool grpc, struct gt_match *m)
{
	string_matches(c, j, "headers", &m->headers, &m->n_headers);
	if (grpc) {
		const json_t *meth = jf_obj(c, j, "method");
		if (meth) {
			size_t o = jf_push_key(c, "method");
			jf_str(c, meth, "type", &m->grpc_type);
			jf_default(&m->grpc_type, "Exact");
			jf_str(c, meth, "service", &m->grpc_service);
			jf_str(c, meth, "method", &m->grpc_method);
			jf_pop(c, o);
		}
		return;
	}
	const json_t *p = jf_obj(c, j, "path");
	size_t o = jf_push_key(c, "path");
	jf_str(c, p, "type", &m->path_type);
	jf_str(c, p, "value", &m->path_value);
	jf_pop(c, o);
	default_path(m);
	string_matches(c, j, "queryParams", &m->query_params, &m->n_query_params);
	jf_str(c, j, "method", &m->method);
}

static void rule(struct jf *c, const json_t *j, bool grpc, struct gt_rule *r)
{
	jf_str(c, j, "name", &r->name);
	size_t n;
	const json_t *l = jf_list(c, j, "matches", &n);
	if (l && n) {
		r->matches = xcalloc(n, sizeof *r->matches);
		r->n_matches = n;
		size_t o = jf_push_key(c, "matches");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *m = jf_item(c, l, i, &o2);
			match(c, m, grpc, &r->matches[i]);
			jf_pop(c, o2);
		}
		jf_pop(c, o);
	} else if (!grpc && !l) {
		r->matches = xcalloc(1, sizeof *r->matches);
		r->n_matches = 1;
		default_path(&r->matches[0]);
	}
	filters(c, j, r);
	l = jf_list(c, j, "backendRefs", &n);
	if (l && n) {
		r->backends = xcalloc(n, sizeof *r->backends);
		r->n_backends = n;
		size_t o = jf_push_key(c, "backendRefs");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *b = jf_item(c, l, i, &o2);
			backend_ref(c, b, &r->backends[i]);
			jf_pop(c, o2);
		}
		jf_pop(c, o);
	}
	const json_t *t = jf_obj(c, j, "timeouts");
	if (t) {
		size_t o = jf_push_key(c, "timeouts");
		r->has_timeouts = true;
		jf_str(c, t, "request", &r->timeouts.request);
		jf_str(c, t, "backendRequest", &r->timeouts.backend_request);
		jf_pop(c, o);
	}
	r->retry.attempts = -1;
	const json_t *rt = jf_obj(c, j, "retry");
	if (rt) {
		size_t o = jf_push_key(c, "retry");
		r->has_retry = true;
		jf_int(c, rt, "attempts", 0, 1000000, &r->retry.attempts);
		jf_str(c, rt, "backoff", &r->retry.backoff);
		const json_t *cl = jf_list(c, rt, "codes", &n);
		if (cl && n) {
			r->retry.codes = xcalloc(n, sizeof *r->retry.codes);
			r->retry.n_codes = n;
			size_t o1 = jf_push_key(c, "codes");
			for (size_t i = 0; i < n && !c->failed; i++) {
				int64_t code;
				size_t o2 = jf_push(c, "[%zu]", i);
				if (!jf_int_of(json_array_get(cl, i), &code) || code < 0 || code > 999)
					jf_fail(c, "expected an integer 0-999");
				else
					r->retry.codes[i] = (int)code;
				jf_pop(c, o2);
			}
			jf_pop(c, o1);
		}
		jf_pop(c, o);
	}
}

static void route(struct jf *c, const json_t *spec, const json_t *status, bool grpc,
                  struct gt_route *r)
{
	size_t o = jf_push_key(c, "spec");
	r->hostnames = jf_strv(c, spec, "hostnames", &r->n_hostnames);
	char *use_default = NULL;
	jf_str(c, spec, "useDefaultGateways", &use_default);
	r->use_default_gateways = str_eq(use_default, "All");
	free(use_default);
	size_t n;
	const json_t *l = jf_list(c, spec, "parentRefs", &n);
	if (l && n) {
		r->parents = xcalloc(n, sizeof *r->parents);
		r->n_parents = n;
		size_t o1 = jf_push_key(c, "parentRefs");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			parent_ref(c, jf_item(c, l, i, &o2), &r->parents[i]);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	l = jf_list(c, spec, "rules", &n);
	if (l && n) {
		r->rules = xcalloc(n, sizeof *r->rules);
		r->n_rules = n;
		size_t o1 = jf_push_key(c, "rules");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			rule(c, jf_item(c, l, i, &o2), grpc, &r->rules[i]);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	} else {
		/* The CRD default: one rule; for HTTPRoute it matches PathPrefix /. */
		r->rules = xcalloc(1, sizeof *r->rules);
		r->n_rules = 1;
		r->default_rule = true;
		r->rules[0].retry.attempts = -1;
		if (!grpc) {
			r->rules[0].matches = xcalloc(1, sizeof *r->rules[0].matches);
			r->rules[0].n_matches = 1;
			default_path(&r->rules[0].matches[0]);
		}
	}
	jf_pop(c, o);
	o = jf_push_key(c, "status");
	l = jf_list(c, status, "parents", &n);
	if (l && n) {
		r->status = xcalloc(n, sizeof *r->status);
		r->n_status = n;
		size_t o1 = jf_push_key(c, "parents");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *p = jf_item(c, l, i, &o2);
			const json_t *ref = jf_obj(c, p, "parentRef");
			if (!c->failed && !ref)
				jf_fail_at(c, "parentRef", "required");
			size_t o3 = jf_push_key(c, "parentRef");
			parent_ref(c, ref, &r->status[i].ref);
			jf_pop(c, o3);
			jf_str(c, p, "controllerName", &r->status[i].controller_name);
			conditions(c, p, &r->status[i].conditions);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

/* ---- the other kinds ---- */

/* A list of object references (certificateRefs, caCertificateRefs): group defaults to core,
 * kind to def_kind, namespace to the object's own. */
static void object_refs(struct jf *c, const json_t *obj, const char *key, const char *def_kind,
                        struct gt_object_ref **out, size_t *n_out)
{
	size_t n;
	const json_t *l = jf_list(c, obj, key, &n);
	if (!l || !n)
		return;
	*out = xcalloc(n, sizeof **out);
	*n_out = n;
	size_t o = jf_push_key(c, key);
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *j = jf_item(c, l, i, &o2);
		struct gt_object_ref *r = &(*out)[i];
		jf_str(c, j, "group", &r->group);
		if (r->group && !strcmp(r->group, "core"))
			r->group[0] = '\0';
		jf_default(&r->group, "");
		jf_str(c, j, "kind", &r->kind);
		jf_default(&r->kind, def_kind);
		jf_str(c, j, "namespace", &r->namespace_);
		jf_default(&r->namespace_, c->ns);
		jf_name(c, j, "name", &r->name);
		jf_pop(c, o2);
	}
	jf_pop(c, o);
}

static void listener(struct jf *c, const json_t *j, struct gt_listener *l)
{
	jf_name(c, j, "name", &l->name);
	jf_str(c, j, "hostname", &l->hostname);
	jf_name(c, j, "protocol", &l->protocol);
	jf_int(c, j, "port", 1, 65535, &l->port);
	if (!c->failed && !l->port)
		jf_fail_at(c, "port", "required");
	const json_t *ar = jf_obj(c, j, "allowedRoutes");
	size_t o = jf_push_key(c, "allowedRoutes");
	const json_t *ns = jf_obj(c, ar, "namespaces");
	char *from = NULL;
	size_t o1 = jf_push_key(c, "namespaces");
	jf_str(c, ns, "from", &from);
	if (!from || !strcmp(from, "Same"))
		l->from = GT_FROM_SAME;
	else if (!strcmp(from, "All"))
		l->from = GT_FROM_ALL;
	else if (!strcmp(from, "Selector"))
		l->from = GT_FROM_SELECTOR;
	else
		jf_fail_at(c, "from", "expected Same, All or Selector");
	free(from);
	selector(c, ns, "selector", &l->selector);
	jf_pop(c, o1);
	size_t n;
	const json_t *kl = jf_list(c, ar, "kinds", &n);
	if (kl && n) {
		l->kinds = xcalloc(n, sizeof *l->kinds);
		l->n_kinds = n;
		size_t o2 = jf_push_key(c, "kinds");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o3;
			const json_t *k = jf_item(c, kl, i, &o3);
			jf_str(c, k, "group", &l->kinds[i].group);
			jf_default(&l->kinds[i].group, GW_GROUP);
			jf_name(c, k, "kind", &l->kinds[i].kind);
			jf_pop(c, o3);
		}
		jf_pop(c, o2);
	}
	jf_pop(c, o);
	const json_t *tls = jf_obj(c, j, "tls");
	if (tls) {
		o = jf_push_key(c, "tls");
		l->has_tls = true;
		jf_str(c, tls, "mode", &l->tls_mode);
		jf_default(&l->tls_mode, "Terminate"); /* the CRD default */
		if (!c->failed && strcmp(l->tls_mode, "Terminate") && strcmp(l->tls_mode, "Passthrough"))
			jf_fail_at(c, "mode", "expected Terminate or Passthrough");
		object_refs(c, tls, "certificateRefs", "Secret", &l->certs, &l->n_certs);
		const json_t *opts = jf_obj(c, tls, "options");
		l->has_tls_options = opts && json_object_size(opts) > 0;
		jf_pop(c, o);
	}
}

/* ListenerSet spec.parentRef (a ParentGatewayReference: group, kind, name, namespace). */
static void ls_parent(struct jf *c, const json_t *spec, struct gt_gateway *g)
{
	const json_t *pr = jf_obj(c, spec, "parentRef");
	if (!pr) {
		if (!c->failed)
			jf_fail_at(c, "parentRef", "required");
		return;
	}
	size_t o = jf_push_key(c, "parentRef");
	g->ls_parent = xcalloc(1, sizeof *g->ls_parent);
	parent_ref(c, pr, g->ls_parent);
	jf_pop(c, o);
}

/* Gateway spec.allowedListeners.namespaces (GEP-1713; default from: None). */
static void allowed_listeners(struct jf *c, const json_t *spec, struct gt_gateway *g)
{
	const json_t *al = jf_obj(c, spec, "allowedListeners");
	size_t o = jf_push_key(c, "allowedListeners");
	const json_t *ns = jf_obj(c, al, "namespaces");
	size_t o1 = jf_push_key(c, "namespaces");
	char *from = NULL;
	jf_str(c, ns, "from", &from);
	if (!from || !strcmp(from, "None"))
		g->allowed_listeners = GT_AL_NONE;
	else if (!strcmp(from, "Same"))
		g->allowed_listeners = GT_AL_SAME;
	else if (!strcmp(from, "All"))
		g->allowed_listeners = GT_AL_ALL;
	else if (!strcmp(from, "Selector"))
		g->allowed_listeners = GT_AL_SELECTOR;
	else
		jf_fail_at(c, "from", "expected None, Same, All or Selector");
	free(from);
	selector(c, ns, "selector", &g->allowed_listeners_selector);
	jf_pop(c, o1);
	jf_pop(c, o);
}

static void gateway(struct jf *c, const json_t *spec, const json_t *status, bool listenerset,
                    struct gt_gateway *g)
{
	size_t o = jf_push_key(c, "spec"), n;
	if (listenerset) {
		ls_parent(c, spec, g);
	} else {
		jf_str(c, spec, "gatewayClassName", &g->class_name);
		allowed_listeners(c, spec, g);
		char *scope = NULL;
		jf_str(c, spec, "defaultScope", &scope);
		g->default_scope_all = str_eq(scope, "All");
		free(scope);
	}
	const json_t *l = jf_list(c, spec, "listeners", &n);
	if (l && n) {
		g->listeners = xcalloc(n, sizeof *g->listeners);
		g->n_listeners = n;
		size_t o1 = jf_push_key(c, "listeners");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			listener(c, jf_item(c, l, i, &o2), &g->listeners[i]);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
	o = jf_push_key(c, "status");
	conditions(c, status, &g->conditions);
	g->attached_listener_sets = -1;
	jf_int(c, status, "attachedListenerSets", 0, INT32_MAX, &g->attached_listener_sets);
	l = jf_list(c, status, "addresses", &n);
	if (l && n) {
		g->addresses = xcalloc(n, sizeof *g->addresses);
		g->n_addresses = n;
		size_t o1 = jf_push_key(c, "addresses");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			jf_str(c, jf_item(c, l, i, &o2), "value", &g->addresses[i]);
			jf_default(&g->addresses[i], "");
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	l = jf_list(c, status, "listeners", &n);
	if (l && n) {
		g->listener_status = xcalloc(n, sizeof *g->listener_status);
		g->n_listener_status = n;
		size_t o1 = jf_push_key(c, "listeners");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *s = jf_item(c, l, i, &o2);
			struct gt_listener_status *ls = &g->listener_status[i];
			jf_str(c, s, "name", &ls->name);
			ls->attached_routes = -1;
			jf_int(c, s, "attachedRoutes", 0, INT32_MAX, &ls->attached_routes);
			conditions(c, s, &ls->conditions);
			size_t nk;
			const json_t *sk = jf_list(c, s, "supportedKinds", &nk);
			if (sk && nk) {
				ls->supported_kinds = xcalloc(nk, sizeof *ls->supported_kinds);
				ls->n_supported_kinds = nk;
				size_t o3 = jf_push_key(c, "supportedKinds");
				for (size_t k = 0; k < nk && !c->failed; k++) {
					size_t o4;
					jf_str(c, jf_item(c, sk, k, &o4), "kind", &ls->supported_kinds[k]);
					jf_default(&ls->supported_kinds[k], "");
					jf_pop(c, o4);
				}
				jf_pop(c, o3);
			}
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

static void grant(struct jf *c, const json_t *spec, struct gt_refgrant *g)
{
	size_t o = jf_push_key(c, "spec"), n;
	const json_t *l = jf_list(c, spec, "from", &n);
	if (l && n) {
		g->from = xcalloc(n, sizeof *g->from);
		g->n_from = n;
		size_t o1 = jf_push_key(c, "from");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *f = jf_item(c, l, i, &o2);
			jf_str(c, f, "group", &g->from[i].group);
			jf_default(&g->from[i].group, "");
			if (!strcmp(g->from[i].group, "core"))
				g->from[i].group[0] = '\0';
			jf_name(c, f, "kind", &g->from[i].kind);
			jf_name(c, f, "namespace", &g->from[i].namespace_);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	l = jf_list(c, spec, "to", &n);
	if (l && n) {
		g->to = xcalloc(n, sizeof *g->to);
		g->n_to = n;
		size_t o1 = jf_push_key(c, "to");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *t = jf_item(c, l, i, &o2);
			jf_str(c, t, "group", &g->to[i].group);
			jf_default(&g->to[i].group, "");
			if (!strcmp(g->to[i].group, "core"))
				g->to[i].group[0] = '\0';
			jf_name(c, t, "kind", &g->to[i].kind);
			jf_str(c, t, "name", &g->to[i].name);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

/* A port (1-65535) as text, for targetPort: a heap copy (no printf: one per Service). */
static char *port_text(int port)
{
	char tmp[8];
	int i = sizeof tmp;
	tmp[--i] = '\0';
	unsigned v = (unsigned)port;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	return xstrdup(tmp + i);
}
static void service(struct jf *c, const json_t *spec, struct gt_service *s)
{
	size_t o = jf_push_key(c, "spec"), n;
	jf_str(c, spec, "type", &s->type);
	jf_default(&s->type, "ClusterIP");
	jf_str(c, spec, "clusterIP", &s->cluster_ip);
	jf_str(c, spec, "externalName", &s->external_name);
	const json_t *l = jf_list(c, spec, "ports", &n);
	if (l && n) {
		s->ports = xcalloc(n, sizeof *s->ports);
		s->n_ports = n;
		size_t o1 = jf_push_key(c, "ports");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *p = jf_item(c, l, i, &o2);
			struct gt_service_port *sp = &s->ports[i];
			jf_str(c, p, "name", &sp->name);
			jf_str(c, p, "protocol", &sp->protocol);
			jf_default(&sp->protocol, "TCP");
			jf_str(c, p, "appProtocol", &sp->app_protocol);
			jf_int(c, p, "port", 1, 65535, &sp->port);
			if (!c->failed && !sp->port)
				jf_fail_at(c, "port", "required");
			const json_t *tp = jf_field(c, p, "targetPort");
			int64_t t;
			if (!tp) {
				if (!c->failed)
					sp->target_port = port_text(sp->port);
			} else if (jf_int_of(tp, &t)) {
				if (t < 1 || t > 65535)
					jf_fail_at(c, "targetPort", "expected an integer 1-65535 or a port name");
				else
					sp->target_port = port_text((int)t);
			} else {
				size_t o3 = jf_push_key(c, "targetPort");
				sp->target_port = jf_str_of(c, tp);
				jf_pop(c, o3);
			}
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

/* status.ancestors of a policy (GEP-713 PolicyAncestorStatus). */
static void ancestors(struct jf *c, const json_t *status, struct gt_policy *p)
{
	size_t o = jf_push_key(c, "status"), n;
	const json_t *l = jf_list(c, status, "ancestors", &n);
	if (l && n) {
		p->ancestors = xcalloc(n, sizeof *p->ancestors);
		p->n_ancestors = n;
		size_t o1 = jf_push_key(c, "ancestors");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *a = jf_item(c, l, i, &o2);
			const json_t *ref = jf_obj(c, a, "ancestorRef");
			if (!c->failed && !ref)
				jf_fail_at(c, "ancestorRef", "required");
			size_t o3 = jf_push_key(c, "ancestorRef");
			parent_ref(c, ref, &p->ancestors[i].ref);
			jf_pop(c, o3);
			jf_str(c, a, "controllerName", &p->ancestors[i].controller_name);
			conditions(c, a, &p->ancestors[i].conditions);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

/* BackendTLSPolicy (apis/v1/backendtlspolicy_types.go, v1.6.1) and XBackendTrafficPolicy
 * (apisx/v1alpha1/backendtrafficpolicy_types.go): targetRefs, then each kind's own fields. */
static void policy(struct jf *c, const json_t *spec, const json_t *status, bool btls,
                   struct gt_policy *p)
{
	size_t o = jf_push_key(c, "spec"), n;
	const json_t *l = jf_list(c, spec, "targetRefs", &n);
	if (l && n) {
		p->targets = xcalloc(n, sizeof *p->targets);
		p->n_targets = n;
		size_t o1 = jf_push_key(c, "targetRefs");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *t = jf_item(c, l, i, &o2);
			struct gt_policy_target *pt = &p->targets[i];
			jf_str(c, t, "group", &pt->group);
			if (pt->group && !strcmp(pt->group, "core"))
				pt->group[0] = '\0';
			jf_default(&pt->group, "");
			jf_str(c, t, "kind", &pt->kind);
			jf_default(&pt->kind, "Service");
			jf_name(c, t, "name", &pt->name);
			jf_str(c, t, "sectionName", &pt->section_name);
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	p->budget_percent = -1;
	p->min_retry_count = -1;
	if (btls) {
		const json_t *v = jf_obj(c, spec, "validation");
		size_t o1 = jf_push_key(c, "validation");
		object_refs(c, v, "caCertificateRefs", "ConfigMap", &p->ca_refs, &p->n_ca_refs);
		jf_str(c, v, "wellKnownCACertificates", &p->well_known_ca);
		jf_str(c, v, "hostname", &p->hostname);
		const json_t *sl = jf_list(c, v, "subjectAltNames", &n);
		if (sl && n) {
			p->sans = xcalloc(n, sizeof *p->sans);
			p->n_sans = n;
			size_t o2 = jf_push_key(c, "subjectAltNames");
			for (size_t i = 0; i < n && !c->failed; i++) {
				size_t o3;
				const json_t *san = jf_item(c, sl, i, &o3);
				char *type = NULL, *h = NULL, *u = NULL;
				jf_str(c, san, "type", &type);
				jf_str(c, san, "hostname", &h);
				jf_str(c, san, "uri", &u);
				p->sans[i] = xasprintf("%s:%s", str_or(type, "?"), h ? h : str_or(u, ""));
				free(type);
				free(h);
				free(u);
				jf_pop(c, o3);
			}
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	} else {
		const json_t *rc = jf_obj(c, spec, "retryConstraint");
		if (rc) {
			size_t o1 = jf_push_key(c, "retryConstraint");
			p->has_retry_constraint = true;
			const json_t *b = jf_obj(c, rc, "budget");
			size_t o2 = jf_push_key(c, "budget");
			jf_int(c, b, "percent", 0, 100, &p->budget_percent);
			jf_str(c, b, "interval", &p->budget_interval);
			jf_pop(c, o2);
			const json_t *m = jf_obj(c, rc, "minRetryRate");
			o2 = jf_push_key(c, "minRetryRate");
			jf_int(c, m, "count", 0, 1000000, &p->min_retry_count);
			jf_str(c, m, "interval", &p->min_retry_interval);
			jf_pop(c, o2);
			jf_pop(c, o1);
		}
		const json_t *sp = jf_obj(c, spec, "sessionPersistence");
		size_t o1 = jf_push_key(c, "sessionPersistence");
		jf_str(c, sp, "type", &p->session_persistence);
		if (sp && !p->session_persistence)
			p->session_persistence = xstrdup("Cookie"); /* the CRD default */
		jf_pop(c, o1);
	}
	jf_pop(c, o);
	ancestors(c, status, p);
}

/* XMesh (apisx/v1alpha1/mesh_types.go, GEP-3949): controllerName, supportedFeatures. */
static void mesh(struct jf *c, const json_t *spec, const json_t *status, struct gt_mesh *m)
{
	size_t o = jf_push_key(c, "spec"), n;
	jf_str(c, spec, "controllerName", &m->controller_name);
	jf_str(c, spec, "description", &m->description);
	jf_pop(c, o);
	o = jf_push_key(c, "status");
	conditions(c, status, &m->conditions);
	const json_t *l = jf_list(c, status, "supportedFeatures", &n);
	if (l && n) {
		m->features = xcalloc(n, sizeof *m->features);
		m->n_features = n;
		size_t o1 = jf_push_key(c, "supportedFeatures");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *f = jf_item(c, l, i, &o2);
			if (json_is_string(f)) /* older releases listed names */
				m->features[i] = xstrdup(json_string_value(f));
			else
				jf_str(c, f, "name", &m->features[i]);
			jf_default(&m->features[i], "");
			jf_pop(c, o2);
		}
		jf_pop(c, o1);
	}
	jf_pop(c, o);
}

/* ---- the object ---- */

/* Which modelled kind is (apiVersion, kind)? -1 when not modelled. */
static int modelled_kind(const char *api, const char *kind)
{
	int k = kind_from_name(kind);
	if (k < 0 || strcmp(kind, kind_name(k)))
		return -1;
	const char *slash = strchr(api, '/');
	const char *group = kind_group(k);
	if (!group[0])
		return !slash && !strcmp(api, "v1") ? k : -1;
	if (!slash || (size_t)(slash - api) != strlen(group) || strncmp(api, group, slash - api))
		return -1;
	const char *v = slash + 1;
	/* Every version a v1.6.1 CRD serves or a recent release served (TLSRoute and
	 * BackendTLSPolicy v1alpha3, the x-k8s kinds v1alpha1). */
	return !strcmp(v, "v1") || !strcmp(v, "v1beta1") || !strcmp(v, "v1alpha2") ||
	               !strcmp(v, "v1alpha3") || !strcmp(v, "v1alpha1")
	           ? k
	           : -1;
}

static void set_id(struct jf *c, enum gt_kind k, const char *ns, const char *name)
{
	jf_set_id(c, k, ns, name); /* made into text only for an error */
}

static void copy_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void copy_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* See decode.h. Namespaced objects without metadata.namespace get "default" (what kubectl
 * apply would do with no -n); kubectl's last-applied-configuration annotation is dropped. */
enum decode_result decode_object(const json_t *j, struct gt_object **out, char *err, size_t errlen)
{
	if (out)
		*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(j)) {
		copy_err(err, errlen, "expected a JSON object");
		return DECODE_ERROR;
	}
	const json_t *jk = json_object_get(j, "kind"), *ja = json_object_get(j, "apiVersion");
	char skind[96], sapi[128];
	if (!json_is_string(jk) || !json_string_length(jk)) {
		copy_err(err, errlen, "kind: %s", jk ? "expected a string" : "required");
		return DECODE_ERROR;
	}
	if (!json_is_string(ja) || !json_string_length(ja)) {
		str_sanitize_into(skind, sizeof skind, json_string_value(jk));
		copy_err(err, errlen, "%s: apiVersion: %s", skind, ja ? "expected a string" : "required");
		return DECODE_ERROR;
	}
	int k = modelled_kind(json_string_value(ja), json_string_value(jk));
	if (k < 0) { /* sanitised only for the message: most objects never need it */
		str_sanitize_into(skind, sizeof skind, json_string_value(jk));
		str_sanitize_into(sapi, sizeof sapi, json_string_value(ja));
		copy_err(err, errlen, "%s (%s) is not a kind gammatop models", skind, sapi);
		return DECODE_SKIPPED;
	}
	struct jf c = {.err = err, .errlen = errlen};
	struct gt_object *o = object_new((enum gt_kind)k);
	o->api_version = xstrdup(json_string_value(ja));
	set_id(&c, o->kind, NULL, NULL);
	const json_t *md = jf_obj(&c, j, "metadata");
	if (!c.failed && !md)
		jf_fail(&c, "metadata: required");
	struct gt_meta *m = &o->meta;
	size_t p = jf_push_key(&c, "metadata");
	jf_name(&c, md, "name", &m->name);
	if (!c.failed)
		set_id(&c, o->kind, "?", m->name); /* until the namespace is known */
	if (kind_namespaced(o->kind)) {
		jf_str(&c, md, "namespace", &m->namespace_);
		if (!c.failed && str_empty(m->namespace_)) {
			free(m->namespace_);
			m->namespace_ = xstrdup("default");
		}
	}
	if (!c.failed)
		set_id(&c, o->kind, m->namespace_, m->name);
	c.ns = m->namespace_ ? m->namespace_ : "";
	jf_str(&c, md, "uid", &m->uid);
	jf_str(&c, md, "resourceVersion", &m->resource_version);
	jf_str(&c, md, "creationTimestamp", &m->creation_timestamp);
	jf_int64(&c, md, "generation", 0, INT64_MAX, &m->generation);
	jf_map(&c, md, "labels", &m->labels);
	jf_map(&c, md, "annotations", &m->annotations);
	jf_pop(&c, p);
	const json_t *spec = jf_obj(&c, j, "spec"), *status = jf_obj(&c, j, "status");
	switch (o->kind) {
	case GT_GATEWAYCLASS:
		p = jf_push_key(&c, "spec");
		jf_str(&c, spec, "controllerName", &o->u.gc.controller_name);
		jf_str(&c, spec, "description", &o->u.gc.description);
		jf_pop(&c, p);
		p = jf_push_key(&c, "status");
		conditions(&c, status, &o->u.gc.conditions);
		jf_pop(&c, p);
		break;
	case GT_GATEWAY: gateway(&c, spec, status, false, &o->u.gw); break;
	case GT_LISTENERSET: gateway(&c, spec, status, true, &o->u.gw); break;
	case GT_HTTPROUTE: route(&c, spec, status, false, &o->u.route); break;
	case GT_GRPCROUTE: route(&c, spec, status, true, &o->u.route); break;
	case GT_TLSROUTE:
	case GT_TCPROUTE:
	case GT_UDPROUTE: route(&c, spec, status, true, &o->u.route); break; /* no default path */
	case GT_REFERENCEGRANT: grant(&c, spec, &o->u.grant); break;
	case GT_SERVICE: service(&c, spec, &o->u.svc); break;
	case GT_BACKENDTLSPOLICY: policy(&c, spec, status, true, &o->u.pol); break;
	case GT_XBACKENDTRAFFICPOLICY: policy(&c, spec, status, false, &o->u.pol); break;
	case GT_XMESH: mesh(&c, spec, status, &o->u.mesh); break;
	default: break;
	}
	if (c.failed) {
		object_free(o);
		return DECODE_ERROR;
	}
	if (out)
		*out = o;
	else
		object_free(o);
	return DECODE_OK;
}

/* See decode.h. Text that is not valid JSON (or not UTF-8) gives DECODE_ERROR with the
 * line and column. */
enum decode_result decode_text(const char *text, size_t len, struct gt_object **out, char *err,
                               size_t errlen)
{
	if (out)
		*out = NULL;
	json_error_t je;
	json_t *j = json_loadb(text ? text : "", text ? len : 0, 0, &je);
	if (!j) {
		copy_err(err, errlen, "invalid JSON at line %d, column %d: %s", je.line, je.column,
		         je.text);
		return DECODE_ERROR;
	}
	enum decode_result r = decode_object(j, out, err, errlen);
	json_decref(j);
	return r;
}
