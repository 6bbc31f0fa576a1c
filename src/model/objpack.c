/* objpack.c: decoded objects to a compact length-prefixed text and back (see objpack.h). One
 * set of walkers serves both directions (struct pk: out != NULL writes, else reads), so the
 * writer and the reader cannot drift apart: a field added to one is added to both. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/objpack.h"
#include "gammatop/xalloc.h"

struct pk {
	struct buf *out;      /* writing; NULL when reading */
	const char *p, *end;  /* reading */
	const char *why;      /* reading: the first problem, NULL = fine */
	const char *at;       /* where it was seen */
};

#define READING(k) (!(k)->out)

static void bad(struct pk *k, const char *why)
{
	if (!k->why) {
		k->why = why;
		k->at = k->p;
	}
	k->p = k->end; /* stop reading */
}

static void put_u(struct buf *b, uint64_t v, char term)
{
	char tmp[24];
	int i = sizeof tmp;
	tmp[--i] = term;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_append(b, tmp + i, sizeof tmp - (size_t)i);
}

/* An unsigned decimal ended by term; false (and bad) when it is not there. */
static bool get_u(struct pk *k, char term, uint64_t max, uint64_t *v)
{
	const char *p = k->p;
	uint64_t x = 0;
	if (p >= k->end || *p < '0' || *p > '9') {
		bad(k, "a number was expected");
		return false;
	}
	while (p < k->end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p++ - '0');
		if (d > max || x > (max - d) / 10) {
			bad(k, "a number is out of range");
			return false;
		}
		x = x * 10 + d;
	}
	if (p >= k->end || *p != term) {
		bad(k, "a number is not terminated");
		return false;
	}
	k->p = p + 1;
	*v = x;
	return true;
}

static void s_i64(struct pk *k, int64_t *v)
{
	if (!READING(k)) {
		if (*v < 0)
			buf_putc(k->out, '-');
		put_u(k->out, *v < 0 ? (uint64_t)0 - (uint64_t)*v : (uint64_t)*v, ',');
		return;
	}
	*v = 0;
	bool neg = k->p < k->end && *k->p == '-';
	if (neg)
		k->p++;
	uint64_t x;
	if (get_u(k, ',', (uint64_t)INT64_MAX, &x))
		*v = neg ? -(int64_t)x : (int64_t)x;
}

static void s_int(struct pk *k, int *v)
{
	int64_t x = *v;
	s_i64(k, &x);
	if (READING(k)) {
		if (x < INT32_MIN || x > INT32_MAX) {
			bad(k, "a number is out of range");
			x = 0;
		}
		*v = (int)x;
	}
}

static void s_bool(struct pk *k, bool *v)
{
	int x = *v;
	s_int(k, &x);
	if (READING(k))
		*v = x != 0;
}

static void s_str(struct pk *k, char **v)
{
	if (!READING(k)) {
		if (!*v) {
			buf_putc(k->out, '~');
			return;
		}
		size_t n = strlen(*v);
		put_u(k->out, n, ':');
		buf_append(k->out, *v, n);
		return;
	}
	*v = NULL;
	if (k->p < k->end && *k->p == '~') {
		k->p++;
		return;
	}
	uint64_t n;
	if (!get_u(k, ':', SIZE_MAX - 1, &n))
		return;
	if (n > (uint64_t)(k->end - k->p) || memchr(k->p, 0, (size_t)n)) {
		bad(k, "a string runs past the end");
		return;
	}
	char *s = xmalloc((size_t)n + 1);
	memcpy(s, k->p, (size_t)n);
	s[n] = '\0';
	k->p += n;
	*v = s;
}

/* An element count: every element takes at least one byte, so a count larger than what is
 * left is a lie (and must not allocate). */
static size_t s_count(struct pk *k, size_t n)
{
	if (!READING(k)) {
		put_u(k->out, n, ',');
		return n;
	}
	uint64_t x;
	if (!get_u(k, ',', SIZE_MAX, &x))
		return 0;
	if (x > (uint64_t)(k->end - k->p)) {
		bad(k, "a count is larger than the rest");
		return 0;
	}
	return (size_t)x;
}

/* arr/n: the array and its count; reading allocates the elements zeroed. */
#define S_ARR(k, arr, n)                                                         \
	do {                                                                         \
		size_t n_ = s_count((k), (n));                                           \
		if (READING(k)) {                                                        \
			(arr) = n_ ? xcalloc(n_, sizeof *(arr)) : NULL;                      \
			(n) = n_;                                                            \
		}                                                                        \
	} while (0)

static void s_strs(struct pk *k, char ***v, size_t *n)
{
	S_ARR(k, *v, *n);
	for (size_t i = 0; i < *n; i++)
		s_str(k, &(*v)[i]);
}

static void s_kvlist(struct pk *k, struct gt_kvlist *l)
{
	S_ARR(k, l->items, l->n);
	for (size_t i = 0; i < l->n; i++) {
		s_str(k, &l->items[i].key);
		s_str(k, &l->items[i].value);
	}
}

static void s_conditions(struct pk *k, struct gt_conditions *c)
{
	S_ARR(k, c->items, c->n);
	for (size_t i = 0; i < c->n; i++) {
		struct gt_condition *x = &c->items[i];
		s_str(k, &x->type);
		s_str(k, &x->status);
		s_str(k, &x->reason);
		s_str(k, &x->message);
		s_i64(k, &x->observed_generation);
	}
}

static void s_meta(struct pk *k, struct gt_meta *m)
{
	s_str(k, &m->name);
	s_str(k, &m->namespace_);
	s_str(k, &m->uid);
	s_str(k, &m->resource_version);
	s_str(k, &m->creation_timestamp);
	s_i64(k, &m->generation);
	s_kvlist(k, &m->labels);
	s_kvlist(k, &m->annotations);
}

static void s_selector(struct pk *k, struct gt_selector *s)
{
	s_bool(k, &s->present);
	s_kvlist(k, &s->match_labels);
	S_ARR(k, s->exprs, s->n_exprs);
	for (size_t i = 0; i < s->n_exprs; i++) {
		s_str(k, &s->exprs[i].key);
		s_str(k, &s->exprs[i].op);
		s_strs(k, &s->exprs[i].values, &s->exprs[i].n_values);
	}
}

static void s_parent_ref(struct pk *k, struct gt_parent_ref *p);

static void s_object_refs(struct pk *k, struct gt_object_ref **r, size_t *n)
{
	S_ARR(k, *r, *n);
	for (size_t i = 0; i < *n; i++) {
		s_str(k, &(*r)[i].group);
		s_str(k, &(*r)[i].kind);
		s_str(k, &(*r)[i].namespace_);
		s_str(k, &(*r)[i].name);
	}
}

/* Gateway and ListenerSet (a ListenerSet has its parentRef, a Gateway allowedListeners). */
static void s_gateway(struct pk *k, struct gt_gateway *g, bool listenerset)
{
	s_str(k, &g->class_name);
	if (listenerset) {
		bool has = g->ls_parent != NULL;
		s_bool(k, &has);
		if (READING(k) && has)
			g->ls_parent = xcalloc(1, sizeof *g->ls_parent);
		if (has)
			s_parent_ref(k, g->ls_parent);
	} else {
		int al = (int)g->allowed_listeners;
		s_int(k, &al);
		if (READING(k)) {
			if (al < GT_AL_NONE || al > GT_AL_SELECTOR)
				bad(k, "an unknown allowedListeners.namespaces.from");
			g->allowed_listeners = (enum gt_allowed_listeners)al;
		}
		s_selector(k, &g->allowed_listeners_selector);
		s_bool(k, &g->default_scope_all);
	}
	S_ARR(k, g->listeners, g->n_listeners);
	for (size_t i = 0; i < g->n_listeners; i++) {
		struct gt_listener *l = &g->listeners[i];
		s_str(k, &l->name);
		s_str(k, &l->hostname);
		s_str(k, &l->protocol);
		s_int(k, &l->port);
		int from = (int)l->from;
		s_int(k, &from);
		if (READING(k)) {
			if (from < GT_FROM_SAME || from > GT_FROM_SELECTOR)
				bad(k, "an unknown allowedRoutes.namespaces.from");
			l->from = (enum gt_from)from;
		}
		s_selector(k, &l->selector);
		S_ARR(k, l->kinds, l->n_kinds);
		for (size_t j = 0; j < l->n_kinds; j++) {
			s_str(k, &l->kinds[j].group);
			s_str(k, &l->kinds[j].kind);
		}
		s_bool(k, &l->has_tls);
		s_str(k, &l->tls_mode);
		s_object_refs(k, &l->certs, &l->n_certs);
		s_bool(k, &l->has_tls_options);
	}
	s_strs(k, &g->addresses, &g->n_addresses);
	s_conditions(k, &g->conditions);
	s_int(k, &g->attached_listener_sets);
	S_ARR(k, g->listener_status, g->n_listener_status);
	for (size_t i = 0; i < g->n_listener_status; i++) {
		s_str(k, &g->listener_status[i].name);
		s_int(k, &g->listener_status[i].attached_routes);
		s_conditions(k, &g->listener_status[i].conditions);
		s_strs(k, &g->listener_status[i].supported_kinds,
		       &g->listener_status[i].n_supported_kinds);
	}
}

static void s_parent_ref(struct pk *k, struct gt_parent_ref *p)
{
	s_str(k, &p->group);
	s_str(k, &p->kind);
	s_str(k, &p->namespace_);
	s_str(k, &p->name);
	s_str(k, &p->section_name);
	s_int(k, &p->port);
	if (READING(k) && (!p->group || !p->kind || !p->namespace_ || !p->name))
		bad(k, "a parentRef without its defaults");
}

static void s_string_matches(struct pk *k, struct gt_string_match **m, size_t *n)
{
	S_ARR(k, *m, *n);
	for (size_t i = 0; i < *n; i++) {
		s_str(k, &(*m)[i].type);
		s_str(k, &(*m)[i].name);
		s_str(k, &(*m)[i].value);
	}
}

static void s_rule(struct pk *k, struct gt_rule *r)
{
	s_str(k, &r->name);
	S_ARR(k, r->matches, r->n_matches);
	for (size_t i = 0; i < r->n_matches; i++) {
		struct gt_match *m = &r->matches[i];
		s_str(k, &m->path_type);
		s_str(k, &m->path_value);
		s_string_matches(k, &m->headers, &m->n_headers);
		s_string_matches(k, &m->query_params, &m->n_query_params);
		s_str(k, &m->method);
		s_str(k, &m->grpc_type);
		s_str(k, &m->grpc_service);
		s_str(k, &m->grpc_method);
	}
	S_ARR(k, r->filters, r->n_filters);
	for (size_t i = 0; i < r->n_filters; i++) {
		s_str(k, &r->filters[i].type);
		s_str(k, &r->filters[i].summary);
	}
	S_ARR(k, r->backends, r->n_backends);
	for (size_t i = 0; i < r->n_backends; i++) {
		struct gt_backend_ref *b = &r->backends[i];
		s_str(k, &b->group);
		s_str(k, &b->kind);
		s_str(k, &b->namespace_);
		s_str(k, &b->name);
		s_int(k, &b->port);
		s_int(k, &b->weight);
		if (READING(k) && (!b->group || !b->kind || !b->namespace_ || !b->name))
			bad(k, "a backendRef without its defaults");
	}
	s_bool(k, &r->has_timeouts);
	s_bool(k, &r->has_retry);
	s_str(k, &r->timeouts.request);
	s_str(k, &r->timeouts.backend_request);
	s_int(k, &r->retry.attempts);
	s_str(k, &r->retry.backoff);
	S_ARR(k, r->retry.codes, r->retry.n_codes);
	for (size_t i = 0; i < r->retry.n_codes; i++)
		s_int(k, &r->retry.codes[i]);
}

static void s_route(struct pk *k, struct gt_route *r)
{
	s_strs(k, &r->hostnames, &r->n_hostnames);
	S_ARR(k, r->parents, r->n_parents);
	for (size_t i = 0; i < r->n_parents; i++)
		s_parent_ref(k, &r->parents[i]);
	S_ARR(k, r->rules, r->n_rules);
	for (size_t i = 0; i < r->n_rules; i++)
		s_rule(k, &r->rules[i]);
	if (READING(k) && !r->n_rules)
		bad(k, "a route without rules");
	s_bool(k, &r->default_rule);
	s_bool(k, &r->use_default_gateways);
	S_ARR(k, r->status, r->n_status);
	for (size_t i = 0; i < r->n_status; i++) {
		s_parent_ref(k, &r->status[i].ref);
		s_str(k, &r->status[i].controller_name);
		s_conditions(k, &r->status[i].conditions);
	}
}

static void s_policy(struct pk *k, struct gt_policy *p)
{
	S_ARR(k, p->targets, p->n_targets);
	for (size_t i = 0; i < p->n_targets; i++) {
		s_str(k, &p->targets[i].group);
		s_str(k, &p->targets[i].kind);
		s_str(k, &p->targets[i].name);
		s_str(k, &p->targets[i].section_name);
	}
	s_object_refs(k, &p->ca_refs, &p->n_ca_refs);
	s_str(k, &p->well_known_ca);
	s_str(k, &p->hostname);
	s_strs(k, &p->sans, &p->n_sans);
	s_bool(k, &p->has_retry_constraint);
	s_int(k, &p->budget_percent);
	s_str(k, &p->budget_interval);
	s_int(k, &p->min_retry_count);
	s_str(k, &p->min_retry_interval);
	s_str(k, &p->session_persistence);
	S_ARR(k, p->ancestors, p->n_ancestors);
	for (size_t i = 0; i < p->n_ancestors; i++) {
		s_parent_ref(k, &p->ancestors[i].ref);
		s_str(k, &p->ancestors[i].controller_name);
		s_conditions(k, &p->ancestors[i].conditions);
	}
}

static void s_mesh(struct pk *k, struct gt_mesh *m)
{
	s_str(k, &m->controller_name);
	s_str(k, &m->description);
	s_conditions(k, &m->conditions);
	s_strs(k, &m->features, &m->n_features);
}

static void s_refgrant(struct pk *k, struct gt_refgrant *g)
{
	S_ARR(k, g->from, g->n_from);
	for (size_t i = 0; i < g->n_from; i++) {
		s_str(k, &g->from[i].group);
		s_str(k, &g->from[i].kind);
		s_str(k, &g->from[i].namespace_);
	}
	S_ARR(k, g->to, g->n_to);
	for (size_t i = 0; i < g->n_to; i++) {
		s_str(k, &g->to[i].group);
		s_str(k, &g->to[i].kind);
		s_str(k, &g->to[i].name);
	}
}

static void s_service(struct pk *k, struct gt_service *s)
{
	s_str(k, &s->type);
	s_str(k, &s->cluster_ip);
	s_str(k, &s->external_name);
	S_ARR(k, s->ports, s->n_ports);
	for (size_t i = 0; i < s->n_ports; i++) {
		struct gt_service_port *p = &s->ports[i];
		s_str(k, &p->name);
		s_str(k, &p->protocol);
		s_str(k, &p->app_protocol);
		s_int(k, &p->port);
		s_str(k, &p->target_port);
	}
}

/* The body after the kind (already set in o->kind). */
static void s_body(struct pk *k, struct gt_object *o)
{
	s_str(k, &o->api_version);
	s_meta(k, &o->meta);
	switch (o->kind) {
	case GT_GATEWAYCLASS:
		s_str(k, &o->u.gc.controller_name);
		s_str(k, &o->u.gc.description);
		s_conditions(k, &o->u.gc.conditions);
		break;
	case GT_GATEWAY: s_gateway(k, &o->u.gw, false); break;
	case GT_LISTENERSET: s_gateway(k, &o->u.gw, true); break;
	case GT_HTTPROUTE:
	case GT_GRPCROUTE:
	case GT_TLSROUTE:
	case GT_TCPROUTE:
	case GT_UDPROUTE: s_route(k, &o->u.route); break;
	case GT_REFERENCEGRANT: s_refgrant(k, &o->u.grant); break;
	case GT_SERVICE: s_service(k, &o->u.svc); break;
	case GT_BACKENDTLSPOLICY:
	case GT_XBACKENDTRAFFICPOLICY: s_policy(k, &o->u.pol); break;
	case GT_XMESH: s_mesh(k, &o->u.mesh); break;
	default: break;
	}
}

/* See objpack.h. */
void objpack_write(struct buf *b, const struct gt_object *o)
{
	/* The walkers take non-const pointers because reading fills them; writing only reads. */
	struct pk k = {.out = b};
	put_u(b, (uint64_t)o->kind, ',');
	s_body(&k, (struct gt_object *)o);
	buf_putc(b, '\n');
}

/* See objpack.h. */
int objpack_read(const char **p, const char *end, const char *base, struct gt_object **out,
                 char *err, size_t errlen)
{
	struct pk k = {.p = *p, .end = end};
	*out = NULL;
	uint64_t kind;
	if (!get_u(&k, ',', GT_KIND_COUNT - 1, &kind)) {
		k.why = k.why && !strcmp(k.why, "a number is out of range") ? "an unknown kind" : k.why;
	} else {
		struct gt_object *o = object_new((enum gt_kind)kind);
		s_body(&k, o);
		if (!k.why && (!o->meta.name || !*o->meta.name))
			bad(&k, "an object without a name");
		if (!k.why && kind_namespaced(o->kind) && !o->meta.namespace_)
			bad(&k, "a namespaced object without a namespace");
		if (!k.why && (k.p >= end || *k.p != '\n'))
			bad(&k, "an object does not end where it should");
		if (k.why) {
			object_free(o);
		} else {
			*p = k.p + 1;
			*out = o;
			return 0;
		}
	}
	if (err && errlen)
		snprintf(err, errlen, "packed object at byte %td: %s", (k.at ? k.at : *p) - base,
		         k.why);
	return -1;
}
