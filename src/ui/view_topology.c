/* view_topology.c: the topology tree: GatewayClass → Gateway → listener → routes → rules →
 * backends, and Gateway → ListenerSet → listener → routes (north-south; TLS, TCP and UDP
 * routes marked with their own glyph), Service → producer/consumer routes → rules → backends (east-west,
 * GAMMA), and the routes attached nowhere with the reason for each parent. Route and rule
 * lines carry their policy and current timeout/retry rates, coloured by health. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/console.h"
#include "gammatop/figfmt.h"
#include "gammatop/policy.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/uirows.h"
#include "gammatop/view.h"
#include "gammatop/keys.h"
#include "gammatop/xalloc.h"

enum { COL_NAME, COL_POLICY, COL_TIMEOUT, COL_RETRY, COL_RPS, NCOLS };

static const struct grid_col cols[NCOLS] = {
	{.title = "TOPOLOGY", .min = 30},
	{.title = "POLICY", .width = 16, .drop = 1},
	{.title = "TIMEOUT", .width = 7, .right = true, .numeric = true, .drop = 2},
	{.title = "RETRY", .width = 7, .right = true, .numeric = true, .drop = 3},
	{.title = "RPS", .width = 7, .right = true, .numeric = true, .drop = 4},
};

/* Without a telemetry source the figure columns would stay empty: leave them out. */
static const struct grid_col cols_nofig[2] = {
	{.title = "TOPOLOGY", .min = 30},
	{.title = "POLICY", .width = 16, .drop = 1},
};

/* Row keys are paths ("gc/NAME/gateway/NS/NAME/l0/..."): stable across rebuilds. */
static void mkkey(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void mkkey(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

/* The same without printf for the rows built per route, rule and backend (tens of
 * thousands): parent + "/" + name, and parent + "/" + letter + index. */
static void key_join(char *dst, size_t n, const char *parent, const char *name)
{
	size_t a = strlen(parent), b = strlen(name);
	if (a > n - 1)
		a = n - 1;
	memcpy(dst, parent, a);
	if (a + 1 < n)
		dst[a++] = '/';
	if (b > n - 1 - a)
		b = n - 1 - a;
	memcpy(dst + a, name, b);
	dst[a + b] = '\0';
}

static void key_index(char *dst, size_t n, const char *parent, char letter, size_t i)
{
	char d[24];
	size_t k = sizeof d;
	d[--k] = '\0';
	do
		d[--k] = (char)('0' + i % 10);
	while (i /= 10);
	d[--k] = letter;
	key_join(dst, n, parent, d + k);
}

static void fill_row(struct grid_row *r, const void *data, int kind, void *ud);

static void init(struct view *v)
{
	grid_init(&v->grid, cols, NCOLS, true);
	v->grid.fill = fill_row;
	v->grid.fill_ud = v;
}

static bool put_figures(struct view *v, struct grid_row *r, const struct topo_route *tr,
                        int rule)
{
	struct route_figures f;
	if (!console_figures_of(v->con, tr, rule, 0, &f))
		return false;
	char b[32];
	grid_set(r, COL_TIMEOUT, figfmt_timeout_elem(f.timeout_rate),
	         figfmt_percent(f.timeout_rate, b, sizeof b));
	grid_set_num(r, COL_TIMEOUT, f.timeout_rate);
	grid_set(r, COL_RETRY, figfmt_retry_elem(f.retry_rate), figfmt_percent(f.retry_rate, b, sizeof b));
	grid_set_num(r, COL_RETRY, f.retry_rate);
	grid_set(r, COL_RPS, THEME_NORMAL, figfmt_rate(f.rps, b, sizeof b));
	grid_set_num(r, COL_RPS, f.rps);
	return true;
}

/* Route, rule and backend rows (most of a large topology) are lazy: their text is made
 * when the grid draws, filters or sorts them (fill_row), from the topology they point into:
 * v->topo, which the view holds until these rows are gone (view.c). */
enum { LAZY_ROUTE = 1, LAZY_RULE, LAZY_BACKEND };

static void add_backends(struct view *v, const struct topo_rule *tr, const char *key,
                         char *ns, int depth, char *route_id)
{
	for (size_t b = 0; b < tr->n_backends; b++) {
		char k[1024];
		key_index(k, sizeof k, key, 'b', b);
		struct grid_row *r = grid_add_pooled(&v->grid, depth, k);
		r->data = &tr->backends[b];
		r->data_kind = LAZY_BACKEND;
		r->ns = ns; /* the route row's, in the pool */
		r->target = route_id;
		r->rule = (int)tr->index;
	}
}

/* The policy column of a route: its rules' common summary, or "<first> (+N differ)" (as
 * uirows_route_policy, from summaries already made). */
static void route_policy(char (*sum)[96], size_t n, char *buf, size_t len)
{
	size_t differ = 0;
	for (size_t i = 1; i < n; i++)
		differ += strcmp(sum[0], sum[i]) != 0;
	if (!n)
		snprintf(buf, len, "-");
	else if (differ)
		snprintf(buf, len, "%s (+%zu differ)", sum[0], differ);
	else
		snprintf(buf, len, "%s", sum[0]);
}

static void rule_summary(const struct topo_rule *ru, bool ascii, char *buf, size_t n)
{
	struct policy p;
	policy_from_rule(ru->rule, &p);
	policy_summary(&p, ascii, buf, n);
}

/* The cells of a lazy row (grid.h: fill). */
static void fill_row(struct grid_row *r, const void *data, int kind, void *ud)
{
	struct view *v = ud;
	bool ascii = v->con->ascii;
	struct buf t;
	buf_init(&t);
	if (kind == LAZY_ROUTE) {
		const struct topo_route *tr = data;
		buf_puts(&t, uirows_route_glyph(tr->obj->kind, ascii));
		uirows_route_text(tr, &t);
		grid_set(r, COL_NAME, tr->attached_any ? THEME_ROUTE : THEME_WARN, buf_str(&t));
		if (kind_is_l4_route(tr->obj->kind)) { /* no timeouts or retry to summarise */
			grid_set(r, COL_POLICY, THEME_DIM, "n/a");
			buf_done(&t);
			return;
		}
		char one[1][96], (*sum)[96] = tr->n_rules > 1 ? xcalloc(tr->n_rules, sizeof *sum) : one;
		for (size_t i = 0; i < tr->n_rules; i++)
			rule_summary(&tr->rules[i], ascii, sum[i], sizeof sum[i]);
		char pol[160];
		route_policy(sum, tr->n_rules, pol, sizeof pol);
		grid_set(r, COL_POLICY, THEME_POLICY, pol);
		if (sum != one)
			free(sum);
	} else if (kind == LAZY_RULE) {
		const struct topo_route *tr = data;
		const struct topo_rule *ru = &tr->rules[r->rule];
		uirows_rule_text(tr->obj, ru, &t);
		grid_set(r, COL_NAME, THEME_RULE, buf_str(&t));
		if (kind_is_l4_route(tr->obj->kind)) {
			grid_set(r, COL_POLICY, THEME_DIM, "n/a");
			buf_done(&t);
			return;
		}
		char ps[96];
		rule_summary(ru, ascii, ps, sizeof ps);
		grid_set(r, COL_POLICY, THEME_POLICY, ps);
	} else if (kind == LAZY_BACKEND) {
		const struct topo_backend *tb = data;
		uirows_backend_text(tb, ascii, &t);
		grid_set(r, COL_NAME, tb->resolved ? THEME_SERVICE : THEME_ERROR, buf_str(&t));
	}
	buf_done(&t);
}

/* A route, its rules and their backends under the row at depth-1. */
static void add_route(struct view *v, const struct topo_route *tr, const char *parent_key,
                      int depth)
{
	char id[512], key[1024];
	object_id(tr->obj, id, sizeof id);
	key_join(key, sizeof key, parent_key, id);
	struct grid_row *r = grid_add_pooled(&v->grid, depth, key);
	r->data = tr;
	r->data_kind = LAZY_ROUTE;
	/* One pooled copy of ns and id for the route, its rules and backends. */
	char *ns = r->ns = grid_pool_str(&v->grid, object_ns(tr->obj));
	char *target = r->target = grid_pool_str(&v->grid, id);
	put_figures(v, r, tr, -1); /* the one lookup: route, one-rule rule, or backend Services */
	for (size_t i = 0; i < tr->n_rules; i++) {
		const struct topo_rule *ru = &tr->rules[i];
		char rk[1024];
		key_index(rk, sizeof rk, key, 'r', i);
		struct grid_row *rr = grid_add_pooled(&v->grid, depth + 1, rk);
		rr->data = tr;
		rr->data_kind = LAZY_RULE;
		rr->ns = ns; /* (r may have moved: the rows grow) */
		rr->target = target;
		rr->rule = (int)i;
		put_figures(v, rr, tr, (int)i);
		add_backends(v, ru, rk, ns, depth + 2, target);
	}
}

static void add_listeners(struct view *v, const struct gt_topology *topo,
                          const struct topo_listener *ls, size_t n, const char *key,
                          const char *id, const char *ns, int depth)
{
	for (size_t l = 0; l < n; l++) {
		const struct topo_listener *tl = &ls[l];
		char lk[1024];
		key_index(lk, sizeof lk, key, 'l', l);
		struct grid_row *lr = grid_add(&v->grid, depth, lk);
		struct buf lt;
		buf_init(&lt);
		uirows_listener_text(tl, &lt);
		grid_set(lr, COL_NAME, tl->accepted && tl->resolved_refs ? THEME_LISTENER : THEME_WARN,
		         buf_str(&lt));
		buf_done(&lt);
		lr->ns = xstrdup(ns);
		lr->target = xstrdup(id);
		for (size_t i = 0; i < tl->n_routes; i++)
			if (tl->routes[i] < topo->n_routes)
				add_route(v, &topo->routes[tl->routes[i]], lk, depth + 1);
	}
}

/* The ListenerSets naming Gateway g (GEP-1713), each with its listeners and their routes. */
static void add_listenersets(struct view *v, const struct gt_topology *topo,
                             const struct topo_gateway *g, const char *key, int depth)
{
	for (size_t k = 0; k < g->n_listenersets; k++) {
		if (g->listenersets[k] >= topo->n_listenersets)
			continue;
		const struct topo_listenerset *s = &topo->listenersets[g->listenersets[k]];
		char id[512], sk[1024];
		object_id(s->obj, id, sizeof id);
		key_join(sk, sizeof sk, key, id);
		struct grid_row *r = grid_add(&v->grid, depth, sk);
		struct buf t;
		buf_init(&t);
		bool ok = uirows_listenerset_text(s, &t);
		grid_set(r, COL_NAME, ok ? THEME_GATEWAY : THEME_WARN, buf_str(&t));
		buf_done(&t);
		r->ns = xstrdup(object_ns(s->obj));
		r->target = xstrdup(id);
		add_listeners(v, topo, s->listeners, s->n_listeners, sk, id, object_ns(s->obj), depth + 1);
	}
}

static void add_gateway(struct view *v, const struct gt_topology *topo,
                        const struct topo_gateway *g, const char *parent_key, int depth)
{
	char id[512], key[1024];
	object_id(g->obj, id, sizeof id);
	mkkey(key, sizeof key, "%s/%s", parent_key, id);
	struct grid_row *r = grid_add(&v->grid, depth, key);
	struct buf t;
	buf_init(&t);
	bool ok = uirows_gateway_text(g, &t);
	grid_set(r, COL_NAME, ok ? THEME_GATEWAY : THEME_WARN, buf_str(&t));
	buf_done(&t);
	r->ns = xstrdup(object_ns(g->obj));
	r->target = xstrdup(id);
	add_listeners(v, topo, g->listeners, g->n_listeners, key, id, object_ns(g->obj), depth + 1);
	add_listenersets(v, topo, g, key, depth + 1);
}

static void add_north_south(struct view *v, const struct gt_topology *topo)
{
	size_t n = topo->n_classes; /* the topology's: klass points into these, not the store */
	const struct gt_object *const *classes = topo->classes;
	bool *done = xcalloc(topo->n_gateways + 1, 1);
	for (size_t c = 0; c < n; c++) {
		char key[300];
		mkkey(key, sizeof key, "gc/%s", str_or(classes[c]->meta.name, "?"));
		struct grid_row *r = grid_add(&v->grid, 0, key);
		grid_setf(r, COL_NAME, THEME_CLASS, "GatewayClass %s  (%s)", classes[c]->meta.name,
		          str_or(classes[c]->u.gc.controller_name, "no controller"));
		char id[300];
		r->target = xstrdup(object_id(classes[c], id, sizeof id));
		for (size_t g = 0; g < topo->n_gateways; g++) {
			if (topo->gateways[g].klass != classes[c])
				continue;
			add_gateway(v, topo, &topo->gateways[g], key, 1);
			done[g] = true;
		}
	}
	bool header = false;
	for (size_t g = 0; g < topo->n_gateways; g++) {
		if (done[g])
			continue;
		if (!header) {
			struct grid_row *r = grid_add(&v->grid, 0, "gc/?");
			grid_set(r, COL_NAME, THEME_ERROR, "GatewayClass missing");
			header = true;
		}
		add_gateway(v, topo, &topo->gateways[g], "gc/?", 1);
	}
	free(done);
}

static void add_mesh(struct view *v, const struct gt_topology *topo)
{
	bool header = false;
	for (size_t s = 0; s < topo->n_services; s++) {
		const struct topo_service *ts = &topo->services[s];
		if (!ts->n_producers && !ts->n_consumers)
			continue;
		if (!header) {
			struct grid_row *r = grid_add(&v->grid, 0, "mesh");
			grid_set(r, COL_NAME, THEME_GROUP, "Mesh (GAMMA): Services with routes");
			header = true;
		}
		char id[512], key[1024];
		object_id(ts->obj, id, sizeof id);
		mkkey(key, sizeof key, "mesh/%s", id);
		struct grid_row *r = grid_add(&v->grid, 1, key);
		struct buf t;
		buf_init(&t);
		uirows_service_text(ts->obj, &t);
		grid_set(r, COL_NAME, THEME_SERVICE, buf_str(&t));
		buf_done(&t);
		r->ns = xstrdup(object_ns(ts->obj));
		r->target = xstrdup(id);
		for (int side = 0; side < 2; side++) {
			size_t *idx = side ? ts->consumers : ts->producers;
			size_t cnt = side ? ts->n_consumers : ts->n_producers;
			if (!cnt)
				continue;
			char gk[1024];
			mkkey(gk, sizeof gk, "%s/%s", key, side ? "consumer" : "producer");
			struct grid_row *gr = grid_add(&v->grid, 2, gk);
			grid_setf(gr, COL_NAME, THEME_GROUP, "%s routes (%zu)",
			          side ? "consumer" : "producer", cnt);
			gr->ns = xstrdup(object_ns(ts->obj));
			for (size_t i = 0; i < cnt; i++)
				if (idx[i] < topo->n_routes)
					add_route(v, &topo->routes[idx[i]], gk, 3);
		}
	}
}

static void add_unattached(struct view *v, const struct gt_topology *topo)
{
	bool header = false;
	for (size_t i = 0; i < topo->n_routes; i++) {
		const struct topo_route *tr = &topo->routes[i];
		if (tr->attached_any)
			continue;
		if (!header) {
			struct grid_row *r = grid_add(&v->grid, 0, "unattached");
			grid_set(r, COL_NAME, THEME_GROUP, "Unattached routes");
			header = true;
		}
		add_route(v, tr, "unattached", 1);
		/* Why: one row per parentRef, under the route's rules. */
		char id[512];
		object_id(tr->obj, id, sizeof id);
		for (size_t p = 0; p < tr->n_parents; p++) {
			char k[1024];
			mkkey(k, sizeof k, "unattached/%s/why%zu", id, p);
			struct grid_row *r = grid_add(&v->grid, 2, k);
			struct buf t;
			buf_init(&t);
			uirows_parent_text(&tr->parents[p], v->con->ascii, &t);
			grid_set(r, COL_NAME, tr->parents[p].attached ? THEME_OK : THEME_ERROR, buf_str(&t));
			buf_done(&t);
			r->ns = xstrdup(object_ns(tr->obj));
			r->target = xstrdup(id);
		}
	}
}

static void refresh(struct view *v)
{
	grid_clear(&v->grid);
	v->grid.cols = v->con->figs.get ? cols : cols_nofig; /* rows are empty: safe to switch */
	v->grid.n_cols = v->con->figs.get ? NCOLS : 2;
	const struct gt_topology *topo = v->topo; /* held by the view (view.h) */
	if (!topo)
		return;
	add_north_south(v, topo);
	add_mesh(v, topo);
	add_unattached(v, topo);
	if (!v->grid.n) {
		struct grid_row *r = grid_add(&v->grid, 0, "empty");
		grid_set(r, COL_NAME, THEME_DIM, "no Gateways, routes or Services (yet)");
	}
}

/* A row that stands for a route (of any kind): "httproute/...", "tlsroute/...". */
static bool route_target(const char *t)
{
	const char *slash = t ? strchr(t, '/') : NULL;
	if (!slash || (size_t)(slash - t) >= 32)
		return false;
	char kind[32];
	memcpy(kind, t, (size_t)(slash - t));
	kind[slash - t] = '\0';
	int k = kind_from_name(kind);
	return k >= 0 && kind_is_route((enum gt_kind)k);
}

static void open_row(struct view *v, struct grid_row *r)
{
	if (route_target(r->target) && (!r->has_children || r->rule < 0)) {
		console_push(v->con, view_new(&view_route_ops, v->con, r->target));
		return;
	}
	if (r->has_children)
		grid_action(&v->grid, r->expanded ? ACT_COLLAPSE : ACT_EXPAND);
	else if (route_target(r->target))
		console_push(v->con, view_new(&view_route_ops, v->con, r->target));
}

const struct view_ops view_topology_ops = {
	.name = "topology",
	.scoped = true,
	.init = init,
	.refresh = refresh,
	.open = open_row,
};
