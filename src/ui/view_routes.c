/* view_routes.c: every route rule as one sortable row: namespace, route, rule, parents,
 * timeouts, retry, and the figures (rps, success, timeout rate, retry rate, retry success,
 * exhausted, p95, sparkline of the last hour). Default order: worst timeout rate first. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/console.h"
#include "gammatop/figfmt.h"
#include "gammatop/keys.h"
#include "gammatop/policy.h"
#include "gammatop/str.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

enum { C_NS, C_ROUTE, C_RULE, C_PARENTS, C_TIMEOUTS, C_RETRY, C_RPS, C_SUCCESS, C_TORATE,
       C_RERATE, C_RESUCC, C_EXH, C_P95, C_SPARK, NCOLS };

/* Narrow terminals drop the columns with the highest drop value first: the timeout rate
 * (the default sort) stays longest. */
static const struct grid_col cols[NCOLS] = {
	{.title = "NAMESPACE", .width = 12, .drop = 3},
	{.title = "ROUTE", .min = 14},
	{.title = "RULE", .width = 6, .drop = 2},
	{.title = "PARENTS", .min = 10, .drop = 7},
	{.title = "TIMEOUTS", .width = 11, .drop = 5},
	{.title = "RETRY", .width = 9, .drop = 6},
	{.title = "RPS", .width = 6, .right = true, .numeric = true, .drop = 4},
	{.title = "SUCCESS", .width = 7, .right = true, .numeric = true, .drop = 8},
	{.title = "TIMEOUT%", .width = 9, .right = true, .numeric = true, .drop = 1},
	{.title = "RETRY%", .width = 8, .right = true, .numeric = true, .drop = 2},
	{.title = "RETRY-OK", .width = 8, .right = true, .numeric = true, .drop = 9},
	{.title = "EXHAUST", .width = 7, .right = true, .numeric = true, .drop = 9},
	{.title = "P95", .width = 6, .right = true, .numeric = true, .drop = 8},
	{.title = "RPS 1H", .width = CONSOLE_SPARK, .drop = 10},
};

static void init(struct view *v)
{
	grid_init(&v->grid, cols, NCOLS, false);
	v->grid.sort_col = C_TORATE;
	v->grid.sort_desc = true;
}

static void figure(struct grid_row *r, int col, double value, enum theme_elem e, int kind)
{
	char b[32];
	if (kind == 0)
		figfmt_percent(value, b, sizeof b);
	else if (kind == 1)
		figfmt_rate(value, b, sizeof b);
	else
		figfmt_ms(value, b, sizeof b);
	grid_set(r, (size_t)col, isnan(value) ? THEME_DIM : e, b);
	grid_set_num(r, (size_t)col, value);
}

static void parents_text(const struct topo_route *tr, struct buf *b)
{
	size_t attached = 0;
	for (size_t p = 0; p < tr->n_parents; p++)
		attached += tr->parents[p].attached;
	if (tr->n_parents)
		buf_printf(b, "%s", str_or(tr->parents[0].ref->name, "?"));
	if (tr->n_parents > 1)
		buf_printf(b, " +%zu", tr->n_parents - 1);
	if (attached < tr->n_parents)
		buf_printf(b, " (%zu/%zu)", attached, tr->n_parents);
}

static struct grid_row *add_row(struct view *v, const struct topo_route *tr, const char *id,
                                const char *key)
{
	struct grid_row *r = grid_add(&v->grid, 0, key);
	r->target = xstrdup(id);
	r->ns = xstrdup(object_ns(tr->obj));
	grid_set(r, C_NS, THEME_DIM, object_ns(tr->obj));
	/* the kind as a prefix (HTTPRoute has none): grpc:, tls:, tcp:, udp: */
	const char *kp = tr->obj->kind == GT_GRPCROUTE  ? "grpc:"
	                 : tr->obj->kind == GT_TLSROUTE ? "tls:"
	                 : tr->obj->kind == GT_TCPROUTE ? "tcp:"
	                 : tr->obj->kind == GT_UDPROUTE ? "udp:"
	                                                : "";
	grid_setf(r, C_ROUTE, tr->attached_any ? THEME_ROUTE : THEME_WARN, "%s%s", kp,
	          str_or(tr->obj->meta.name, "?"));
	struct buf b;
	buf_init(&b);
	parents_text(tr, &b);
	grid_set(r, C_PARENTS, tr->attached_any ? THEME_NORMAL : THEME_WARN, buf_str(&b));
	buf_done(&b);
	return r;
}

static void put_figures(struct view *v, struct grid_row *r, const struct route_figures *f)
{
	figure(r, C_RPS, f->rps, THEME_NORMAL, 1);
	figure(r, C_SUCCESS, f->success, figfmt_success_elem(f->success), 0);
	figure(r, C_TORATE, f->timeout_rate, figfmt_timeout_elem(f->timeout_rate), 0);
	figure(r, C_RERATE, f->retry_rate, figfmt_retry_elem(f->retry_rate), 0);
	figure(r, C_RESUCC, f->retry_success, THEME_NORMAL, 0);
	figure(r, C_EXH, f->exhausted, figfmt_timeout_elem(f->exhausted), 0);
	figure(r, C_P95, f->p95_ms, THEME_NORMAL, 2);
	if (f->n_spark) {
		char s[CONSOLE_SPARK * 4 + 1];
		grid_set(r, C_SPARK, THEME_SPARK, figfmt_spark(f->spark, f->n_spark, v->con->ascii, s, sizeof s));
	}
}

/* A mesh that reports per route (Linkerd) cannot split a route's figures by rule: a route
 * with several rules gets one more row, rule "*", with the whole route's figures. */
static void add_route_total(struct view *v, const struct topo_route *tr, const char *id)
{
	struct route_figures f;
	if (tr->n_rules < 2 || !console_figures_of(v->con, tr, -1, 0, &f) ||
	    strcmp(f.scope, "route"))
		return;
	char key[600];
	snprintf(key, sizeof key, "%s#*", id);
	struct grid_row *r = add_row(v, tr, id, key);
	grid_set(r, C_RULE, THEME_RULE, "*");
	grid_set(r, C_TIMEOUTS, THEME_DIM, "(all rules)");
	put_figures(v, r, &f);
}

static void add_rule(struct view *v, const struct topo_route *tr, const char *id, size_t i)
{
	const struct gt_rule *rule = tr->rules[i].rule;
	char key[600];
	snprintf(key, sizeof key, "%s#%zu", id, i);
	struct grid_row *r = add_row(v, tr, id, key);
	r->rule = (int)i;
	if (rule->name)
		grid_set(r, C_RULE, THEME_RULE, rule->name);
	else
		grid_setf(r, C_RULE, THEME_RULE, "%zu", i);
	struct policy p;
	policy_from_rule(rule, &p);
	if (tr->obj->kind != GT_HTTPROUTE) {
		/* GRPCRoute, TLSRoute, TCPRoute, UDPRoute: no timeouts or retry in Gateway API v1.6 */
		grid_set(r, C_TIMEOUTS, THEME_DIM, "n/a");
		grid_set(r, C_RETRY, THEME_DIM, "n/a");
	} else if (p.has_request || p.has_backend_request)
		grid_setf(r, C_TIMEOUTS, THEME_POLICY, "%s/%s", p.has_request ? p.request : "-",
		          p.has_backend_request ? p.backend_request : "-");
	else
		grid_set(r, C_TIMEOUTS, THEME_DIM, "-");
	if (tr->obj->kind != GT_HTTPROUTE) {
		/* said above */
	} else if (p.has_retry) {
		char a[16] = "?";
		if (p.attempts >= 0)
			snprintf(a, sizeof a, "%d", p.attempts);
		grid_setf(r, C_RETRY, THEME_POLICY, "%sx%s%s", a, p.has_backoff ? " " : "",
		          p.has_backoff ? p.backoff : "");
	} else {
		grid_set(r, C_RETRY, THEME_DIM, "-");
	}
	struct route_figures f;
	/* The one lookup (figlookup.h): a per-route mesh (Linkerd) gives a one-rule route the
	 * route's figures and a rule of a longer route none rather than someone else's; a
	 * per-service mesh (Istio) gives the rule its backend Service's, marked "svc". */
	if (!console_figures_of(v->con, tr, (int)i, 0, &f)) {
		for (int c = C_RPS; c <= C_P95; c++)
			grid_set(r, (size_t)c, THEME_DIM, "-");
		return;
	}
	if (!strcmp(f.scope, "service")) {
		if (rule->name)
			grid_setf(r, C_RULE, THEME_RULE, "%s svc", rule->name);
		else
			grid_setf(r, C_RULE, THEME_RULE, "%zu svc", i);
	}
	put_figures(v, r, &f);
}

static void refresh(struct view *v)
{
	grid_clear(&v->grid);
	const struct gt_topology *topo = v->topo; /* held by the view (view.h) */
	if (!topo)
		return;
	for (size_t i = 0; i < topo->n_routes; i++) {
		char id[512];
		object_id(topo->routes[i].obj, id, sizeof id);
		for (size_t k = 0; k < topo->routes[i].n_rules; k++)
			add_rule(v, &topo->routes[i], id, k);
		add_route_total(v, &topo->routes[i], id);
	}
}

static void open_row(struct view *v, struct grid_row *r)
{
	if (r->target)
		console_push(v->con, view_new(&view_route_ops, v->con, r->target));
}

const struct view_ops view_routes_ops = {
	.name = "routes",
	.scoped = true,
	.init = init,
	.refresh = refresh,
	.open = open_row,
};
