/* routes.c: the rows of `gammatop routes` (see routes.h): one per route rule, as a table or
 * as JSON built from the snapshot's pieces. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/routes.h"
#include "gammatop/snapshot.h"
#include "gammatop/str.h"
#include "gammatop/table.h"
#include "gammatop/xalloc.h"

/* Table-mode caps (terminal columns); -o wide never cuts. */
#define MAX_PARENTS 40
#define MAX_BACKENDS 40
#define MAX_RETRY 28

static const char *route_ns(const struct topo_route *r) { return object_ns(r->obj); }

static int route_cmp(const void *a, const void *b)
{
	const struct topo_route *x = *(const struct topo_route *const *)a;
	const struct topo_route *y = *(const struct topo_route *const *)b;
	int c = strcmp(route_ns(x), route_ns(y));
	if (!c)
		c = strcmp(str_or(x->obj->meta.name, ""), str_or(y->obj->meta.name, ""));
	if (!c)
		c = (int)x->obj->kind - (int)y->obj->kind;
	return c;
}

/* The routes to list (namespace ns only, unless NULL), sorted; *n receives their count. */
static const struct topo_route **sorted_routes(const struct gt_topology *t, const char *ns,
                                               size_t *n)
{
	const struct topo_route **v = xcalloc(t->n_routes + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < t->n_routes; i++)
		if (!ns || !strcmp(route_ns(&t->routes[i]), ns))
			v[(*n)++] = &t->routes[i];
	qsort(v, *n, sizeof *v, route_cmp);
	return v;
}

void routes_parent_text(const struct topo_route *r, const struct topo_parent *p, struct buf *out)
{
	const struct gt_parent_ref *ref = p->ref;
	if (p->role == TOPO_GATEWAY && str_eq(ref->kind, "ListenerSet"))
		buf_puts(out, "lset/");
	else if (p->role == TOPO_GATEWAY)
		buf_puts(out, "gw/");
	else if (p->role == TOPO_PRODUCER || p->role == TOPO_CONSUMER)
		buf_puts(out, "svc/");
	else
		buf_printf(out, "%s/", str_or(ref->kind, "?"));
	if (!str_empty(ref->namespace_) && !str_eq(ref->namespace_, route_ns(r)))
		buf_printf(out, "%s/", ref->namespace_);
	buf_puts(out, str_or(ref->name, "?"));
	if (!str_empty(ref->section_name))
		buf_printf(out, ":%s", ref->section_name);
	if (ref->port)
		buf_printf(out, ":%d", ref->port);
	if (p->defaulted)
		buf_putc(out, '*'); /* a default Gateway that claims the route (GEP-3793) */
	if (!p->attached)
		buf_putc(out, '!');
}

void routes_backend_text(const struct topo_route *r, const struct topo_rule *rule,
                         const struct topo_backend *b, struct buf *out)
{
	const struct gt_backend_ref *ref = b->ref;
	if (!str_eq(ref->kind, "Service"))
		buf_printf(out, "%s/", str_or(ref->kind, "?"));
	if (!str_empty(ref->namespace_) && !str_eq(ref->namespace_, route_ns(r)))
		buf_printf(out, "%s/", ref->namespace_);
	buf_puts(out, str_or(ref->name, "?"));
	if (ref->port)
		buf_printf(out, ":%d", ref->port);
	if (rule->n_backends > 1)
		buf_printf(out, "(%d)", ref->weight);
	if (!b->resolved)
		buf_putc(out, '!');
}

/* GRPCRoute, TLSRoute, TCPRoute and UDPRoute rules have no timeouts or retry in Gateway API
 * v1.6.1: said as "n/a", never as an empty cell that reads like "not set". */
static bool has_no_policy(enum gt_kind k)
{
	return k == GT_GRPCROUTE || kind_is_l4_route(k);
}

void routes_timeouts_text(const struct gt_rule *rule, struct buf *out)
{
	const char *req = rule->has_timeouts ? rule->timeouts.request : NULL;
	const char *be = rule->has_timeouts ? rule->timeouts.backend_request : NULL;
	if (!req && !be)
		return;
	buf_printf(out, "%s/%s", req ? req : "-", be ? be : "-");
}

void routes_retry_text(const struct gt_rule *rule, struct buf *out)
{
	if (!rule->has_retry)
		return;
	size_t start = out->len;
	if (rule->retry.attempts >= 0)
		buf_printf(out, "%dx", rule->retry.attempts);
	if (rule->retry.backoff)
		buf_printf(out, "%s%s", out->len > start ? " " : "", rule->retry.backoff);
	for (size_t i = 0; i < rule->retry.n_codes; i++)
		buf_printf(out, "%s%d", i ? "," : out->len > start ? " " : "", rule->retry.codes[i]);
	if (out->len == start)
		buf_puts(out, "{}");
}

static void parents_text(const struct topo_route *r, struct buf *out)
{
	for (size_t i = 0; i < r->n_parents; i++) {
		if (i)
			buf_putc(out, ',');
		routes_parent_text(r, &r->parents[i], out);
	}
}

static void backends_text(const struct topo_route *r, const struct topo_rule *rule,
                          struct buf *out)
{
	for (size_t i = 0; i < rule->n_backends; i++) {
		if (i)
			buf_putc(out, ',');
		routes_backend_text(r, rule, &rule->backends[i], out);
	}
}

static const char *path_word(const char *type)
{
	if (str_eq(type, "Exact"))
		return "exact";
	if (str_eq(type, "RegularExpression"))
		return "regex";
	return "prefix";
}

static void string_matches_text(const char *tag, const struct gt_string_match *m, size_t n,
                                struct buf *out)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(out, " %s:%s%s%s", tag, str_or(m[i].name, "?"),
		           str_eq(m[i].type, "RegularExpression") ? "~" : "=", str_or(m[i].value, ""));
}

static void matches_text(const struct gt_rule *rule, struct buf *out)
{
	if (!rule->n_matches) {
		buf_putc(out, '*');
		return;
	}
	for (size_t i = 0; i < rule->n_matches; i++) {
		const struct gt_match *m = &rule->matches[i];
		if (i)
			buf_puts(out, "; ");
		size_t body = out->len;
		if (m->path_type || m->path_value)
			buf_printf(out, " %s:%s", path_word(m->path_type), str_or(m->path_value, "/"));
		if (m->grpc_service || m->grpc_method)
			buf_printf(out, " %s:%s/%s",
			           str_eq(m->grpc_type, "RegularExpression") ? "grpc-regex" : "grpc",
			           str_or(m->grpc_service, "*"), str_or(m->grpc_method, "*"));
		else if (m->method)
			buf_printf(out, " %s", m->method);
		string_matches_text("h", m->headers, m->n_headers, out);
		string_matches_text("q", m->query_params, m->n_query_params, out);
		if (out->len == body)
			buf_puts(out, " *");
		/* drop the space each part starts with */
		memmove(out->data + body, out->data + body + 1, out->len - body);
		out->len--;
	}
}

static void hostnames_text(const struct topo_route *r, struct buf *out)
{
	const struct gt_route *rt = &r->obj->u.route;
	if (!rt->n_hostnames)
		buf_putc(out, '*');
	for (size_t i = 0; i < rt->n_hostnames; i++)
		buf_printf(out, "%s%s", i ? "," : "", rt->hostnames[i]);
}

/* Why this rule may not carry traffic as written: distinct reasons, "OK" when none. */
static json_t *problems(const struct topo_route *r, const struct topo_rule *rule)
{
	json_t *a = json_array();
	const char *seen[64];
	size_t n_seen = 0;
#define ADD(reason)                                                                      \
	do {                                                                             \
		const char *why_ = (reason);                                             \
		bool dup_ = false;                                                       \
		for (size_t k_ = 0; k_ < n_seen; k_++)                                   \
			dup_ |= str_eq(seen[k_], why_);                                  \
		if (!dup_ && n_seen < 64) {                                              \
			seen[n_seen++] = why_;                                           \
			json_array_append_new(a, snapshot_string(why_));                 \
		}                                                                        \
	} while (0)
	for (size_t i = 0; i < r->n_parents; i++) {
		if (!r->parents[i].attached)
			ADD(str_or(r->parents[i].reason, "NotAttached"));
		if (r->parents[i].disagrees)
			ADD("StatusDisagrees");
	}
	for (size_t i = 0; i < rule->n_backends; i++)
		if (!rule->backends[i].resolved)
			ADD(str_or(rule->backends[i].reason, "Unresolved"));
#undef ADD
	return a;
}

static void status_text(const json_t *probs, struct buf *out)
{
	if (!json_array_size(probs)) {
		buf_puts(out, "OK");
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(probs, i, v) buf_printf(out, "%s%s", i ? "," : "", json_string_value(v));
}

/* "97.5%" for a ratio, "12.34" for a rate, "45ms" for a latency; "-" when unknown. */
static void figure_cell(struct table *t, const struct routes_opts *o, size_t i, double v)
{
	const struct routes_figure_def *d = &o->fig_defs[i];
	char buf[64];
	if (o->format)
		table_add_cell(t, o->format(i, v, buf, sizeof buf));
	else if (isnan(v) || isinf(v))
		table_add_cell(t, "-");
	else if (d->kind == 'r')
		table_add_cellf(t, "%.1f%%", v * 100);
	else if (d->kind == 'm')
		table_add_cellf(t, "%.0fms", v);
	else
		table_add_cellf(t, "%.2f", v);
}

static size_t n_figs(const struct routes_opts *o)
{
	if (!o || !o->figures)
		return 0;
	return o->n_figs < ROUTES_MAX_FIGURES ? o->n_figs : ROUTES_MAX_FIGURES;
}

static bool fig_shown(const struct routes_opts *o, size_t i)
{
	return o->wide || o->fig_defs[i].narrow;
}

static void figures_init(struct routes_figures *f)
{
	f->scope = NULL;
	for (size_t i = 0; i < ROUTES_MAX_FIGURES; i++)
		f->value[i] = NAN;
}

/* Add one cell from a buf, then empty the buf. */
static void cell(struct table *t, struct buf *b)
{
	table_add_cell(t, buf_str(b));
	buf_reset(b);
}

size_t routes_table(const struct gt_topology *t, const struct routes_opts *o, struct buf *out)
{
	static const char *const base[] = {"NAMESPACE", "KIND",     "ROUTE",   "RULE",
	                                   "PARENTS",   "BACKENDS", "TIMEOUTS", "RETRY"};
	static const char *const wide[] = {"MATCHES", "HOSTNAMES", "STATUS"};
	const char *headers[8 + 3 + 1 + ROUTES_MAX_FIGURES];
	/* like kubectl: no NAMESPACE column when one namespace is asked for */
	size_t skip = o->namespace_ ? 1 : 0, n = 0;
	for (size_t i = skip; i < 8; i++)
		headers[n++] = base[i];
	if (o->wide)
		for (size_t i = 0; i < 3; i++)
			headers[n++] = wide[i];
	size_t first_fig = n, nf = n_figs(o);
	if (nf)
		headers[n++] = "SCOPE";
	for (size_t i = 0; i < nf; i++)
		if (fig_shown(o, i))
			headers[n++] = o->fig_defs[i].header;
	struct table *tab = table_new(headers, n);
	if (!o->wide) {
		table_set_max_width(tab, 4 - skip, MAX_PARENTS);
		table_set_max_width(tab, 5 - skip, MAX_BACKENDS);
		table_set_max_width(tab, 7 - skip, MAX_RETRY);
	}
	for (size_t i = first_fig + 1; i < n; i++)
		table_set_right(tab, i, true);
	size_t nr;
	const struct topo_route **v = sorted_routes(t, o->namespace_, &nr);
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < nr; i++) {
		const struct topo_route *r = v[i];
		for (size_t k = 0; k < r->n_rules; k++) {
			const struct topo_rule *rule = &r->rules[k];
			table_add_row(tab);
			if (!skip)
				table_add_cell(tab, route_ns(r));
			table_add_cell(tab, kind_name(r->obj->kind));
			table_add_cell(tab, str_or(r->obj->meta.name, "?"));
			if (rule->rule->name)
				table_add_cellf(tab, "%zu:%s", rule->index, rule->rule->name);
			else
				table_add_cellf(tab, "%zu", rule->index);
			parents_text(r, &b);
			cell(tab, &b);
			backends_text(r, rule, &b);
			cell(tab, &b);
			if (has_no_policy(r->obj->kind)) {
				table_add_cell(tab, "n/a");
				table_add_cell(tab, "n/a");
			} else {
				routes_timeouts_text(rule->rule, &b);
				cell(tab, &b);
				routes_retry_text(rule->rule, &b);
				cell(tab, &b);
			}
			if (o->wide) {
				matches_text(rule->rule, &b);
				cell(tab, &b);
				hostnames_text(r, &b);
				cell(tab, &b);
				json_t *p = problems(r, rule);
				status_text(p, &b);
				json_decref(p);
				cell(tab, &b);
			}
			if (nf) {
				struct routes_figures f;
				figures_init(&f);
				bool have = o->figures(r, k, &f, o->figures_ud);
				table_add_cell(tab, have ? str_or(f.scope, "-") : "-");
				for (size_t x = 0; x < nf; x++)
					if (fig_shown(o, x))
						figure_cell(tab, o, x, have ? f.value[x] : NAN);
			}
		}
	}
	size_t rows = table_rows(tab);
	table_render(tab, o->ascii, out);
	buf_done(&b);
	free(v);
	table_free(tab);
	return rows;
}

static json_t *number_or_null(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

json_t *routes_json(const struct gt_topology *t, const struct routes_opts *o)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "apiVersion", json_string(SNAPSHOT_API_VERSION));
	json_object_set_new(doc, "kind", json_string("RouteRuleList"));
	json_t *items = json_array();
	size_t nr;
	const struct topo_route **v = sorted_routes(t, o ? o->namespace_ : NULL, &nr);
	for (size_t i = 0; i < nr; i++) {
		const struct topo_route *r = v[i];
		for (size_t k = 0; k < r->n_rules; k++) {
			json_t *it = json_object();
			json_object_set_new(it, "kind", json_string(kind_name(r->obj->kind)));
			json_object_set_new(it, "namespace", snapshot_string(route_ns(r)));
			json_object_set_new(it, "route", snapshot_string(r->obj->meta.name));
			const struct gt_route *rt = &r->obj->u.route;
			json_t *hs = json_array();
			for (size_t h = 0; h < rt->n_hostnames; h++)
				json_array_append_new(hs, snapshot_string(rt->hostnames[h]));
			json_object_set_new(it, "hostnames", hs);
			json_object_set_new(it, "parents", snapshot_parents(r));
			json_object_set_new(it, "rule", snapshot_rule(&r->rules[k]));
			json_t *p = problems(r, &r->rules[k]);
			json_t *st = json_object();
			json_object_set_new(st, "ok", json_boolean(json_array_size(p) == 0));
			json_object_set_new(st, "problems", p);
			json_object_set_new(it, "status", st);
			struct routes_figures f;
			figures_init(&f);
			if (n_figs(o) && o->figures(r, k, &f, o->figures_ud)) {
				json_t *fj = json_object();
				json_object_set_new(fj, "scope", snapshot_string(f.scope));
				for (size_t x = 0; x < n_figs(o); x++)
					json_object_set_new(fj, o->fig_defs[x].name, number_or_null(f.value[x]));
				json_object_set_new(it, "figures", fj);
			}
			json_array_append_new(items, it);
		}
	}
	free(v);
	json_object_set_new(doc, "items", items);
	return doc;
}
