/* view_route.c: everything about one route: its parents with the computed and the reported
 * status side by side, each rule's matches, filters, backends and weights, policy and
 * figures over a selectable window (w), its findings, labels and annotations. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/console.h"
#include "gammatop/figfmt.h"
#include "gammatop/keys.h"
#include "gammatop/policy.h"
#include "gammatop/route_recent.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/uirows.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

enum { C_ITEM, C_COMPUTED, C_REPORTED, NCOLS };

static const struct grid_col cols[NCOLS] = {
	{.title = "ROUTE", .min = 24},
	{.title = "COMPUTED / VALUE", .min = 16},
	{.title = "REPORTED", .min = 12},
};

static const int64_t windows_ms[] = {300000, 3600000, 6 * 3600000, 24 * 3600000};
static const char *const window_names[] = {"5m", "1h", "6h", "24h"};
#define N_WINDOWS (sizeof windows_ms / sizeof windows_ms[0])

struct route_view {
	size_t window; /* index into windows_ms */
	struct route_recent *recent; /* suspects, change markers, Events (owned) */
};

static void init(struct view *v)
{
	grid_init(&v->grid, cols, NCOLS, true);
	struct route_view *rv = xcalloc(1, sizeof(struct route_view));
	v->priv = rv;
	rv->recent = route_recent_new(v, v->arg);
	/* The breadcrumb is the route's namespace/name. */
	const char *slash = v->arg ? strchr(v->arg, '/') : NULL;
	free(v->title);
	v->title = xstrdup(slash ? slash + 1 : str_or(v->arg, "route"));
}

static void release(struct view *v)
{
	struct route_view *rv = v->priv;
	route_recent_free(rv->recent); /* cancels its Events request and timer */
	free(rv);
}

static struct grid_row *row(struct view *v, int depth, const char *key, enum theme_elem e,
                            const char *text)
{
	struct grid_row *r = grid_add(&v->grid, depth, key);
	grid_set(r, C_ITEM, e, text);
	return r;
}

static const struct topo_route *find_route(struct view *v)
{
	if (!v->topo || !v->arg)
		return NULL;
	size_t n;
	char **parts = str_split(v->arg, '/', &n);
	const struct topo_route *tr = NULL;
	if (n == 3) {
		int kind = kind_from_name(parts[0]);
		if (kind >= 0)
			tr = topology_find_route(v->topo, (enum gt_kind)kind, parts[1], parts[2]);
	}
	str_list_free(parts);
	return tr;
}

static void add_parents(struct view *v, const struct topo_route *tr)
{
	struct grid_row *h = row(v, 0, "parents", THEME_GROUP, "Parents");
	grid_set(h, C_COMPUTED, THEME_TITLE, "computed from spec");
	grid_set(h, C_REPORTED, THEME_TITLE, "reported by controller");
	for (size_t p = 0; p < tr->n_parents; p++) {
		const struct topo_parent *tp = &tr->parents[p];
		char key[32];
		snprintf(key, sizeof key, "parent%zu", p);
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "%s %s/%s", str_or(tp->ref->kind, "Gateway"), str_or(tp->ref->namespace_, "?"),
		           str_or(tp->ref->name, "?"));
		if (tp->ref->section_name)
			buf_printf(&b, " section %s", tp->ref->section_name);
		if (tp->ref->port)
			buf_printf(&b, " port %d", tp->ref->port);
		buf_printf(&b, " (%s)", topo_role_name(tp->role));
		struct grid_row *r = row(v, 1, key, THEME_NORMAL, buf_str(&b));
		buf_reset(&b);
		if (tp->attached)
			buf_printf(&b, "%s Accepted", v->con->ascii ? "+" : "\xe2\x9c\x93");
		else
			buf_printf(&b, "%s %s%s%s", tp->unknown ? "?" : v->con->ascii ? "x" : "\xe2\x9c\x97",
			           str_or(tp->reason, "?"), tp->message ? ": " : "",
			           tp->message ? tp->message : "");
		grid_set(r, C_COMPUTED, tp->attached ? THEME_OK : tp->unknown ? THEME_WARN : THEME_ERROR,
		         buf_str(&b));
		buf_reset(&b);
		uirows_reported_text(tp, &b);
		grid_set(r, C_REPORTED,
		         tp->disagrees ? THEME_ERROR : tp->reported_accepted == 1 ? THEME_OK : THEME_WARN,
		         buf_str(&b));
		buf_done(&b);
	}
	if (!tr->n_parents)
		row(v, 1, "parent-none", THEME_WARN, "no parentRefs: attached nowhere");
}

/* Under the sparklines: where a change to the route or what it depends on was applied
 * (one mark per step, aligned with the sparkline's points), and by whom. */
static void add_marks(struct view *v, size_t n, const char *key, int depth)
{
	struct route_view *rv = v->priv;
	bool marks[CONSOLE_SPARK];
	const char *who;
	int64_t to = v->con->at_ms ? v->con->at_ms : time_wall_ms();
	if (n > CONSOLE_SPARK)
		n = CONSOLE_SPARK;
	size_t count = route_recent_marks(rv->recent, to - windows_ms[rv->window], to, n, marks, &who);
	if (!count)
		return;
	char line[CONSOLE_SPARK * 4 + 1], k[96];
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const char *m = !marks[i] ? " " : v->con->ascii ? "^" : "\xe2\x96\xb2"; /* ▲ */
		size_t ml = strlen(m);
		memcpy(line + o, m, ml);
		o += ml;
	}
	line[o] = 0;
	snprintf(k, sizeof k, "%s/marks", key);
	struct grid_row *r = row(v, depth, k, THEME_DIM, count > 1 ? "changes applied" : "change applied");
	grid_set(r, C_COMPUTED, THEME_WARN, line);
	grid_set(r, C_REPORTED, THEME_DIM, who);
}

/* The figures of rule (-1: the whole route) under key, at depth. */
static void add_figures(struct view *v, const struct topo_route *tr, int rule, const char *key,
                        int depth, bool route_has_figures)
{
	struct route_view *rv = v->priv;
	struct route_figures f;
	char k[96], a[32], b[32], c[32];
	snprintf(k, sizeof k, "%s/fig", key);
	if (!console_figures_of(v->con, tr, rule, windows_ms[rv->window], &f)) {
		if (rule < 0)
			return;
		struct grid_row *r = row(v, depth, k, THEME_DIM, "figures");
		grid_setf(r, C_COMPUTED, THEME_DIM, "%s",
		          !v->con->figs.get ? "no telemetry source"
		          : route_has_figures ? "the mesh reports this route as a whole (see above)"
		                              : "no telemetry for this rule");
		return;
	}
	struct grid_row *r = row(v, depth, k, rule < 0 ? THEME_GROUP : THEME_NORMAL, "");
	grid_setf(r, C_ITEM, rule < 0 ? THEME_GROUP : THEME_NORMAL, "%s over %s (w: window)%s",
	          rule < 0 ? "Figures of the route" : "figures", window_names[rv->window],
	          !strcmp(f.scope, "service")
	                  ? "  per backend Service: every route to it counts (the mesh has no route label)"
	                  : "");
	depth = rule < 0 ? 0 : depth;
	grid_setf(r, C_COMPUTED, THEME_NORMAL, "rps %s  success %s  p95 %s", figfmt_rate(f.rps, a, sizeof a),
	          figfmt_percent(f.success, b, sizeof b), figfmt_ms(f.p95_ms, c, sizeof c));
	snprintf(k, sizeof k, "%s/fig2", key);
	r = row(v, depth + 1, k, THEME_DIM, "timeouts and retries");
	grid_setf(r, C_COMPUTED, figfmt_timeout_elem(f.timeout_rate), "timeout %s  retry %s",
	          figfmt_percent(f.timeout_rate, a, sizeof a), figfmt_percent(f.retry_rate, b, sizeof b));
	char d[32];
	grid_setf(r, C_REPORTED, THEME_NORMAL, "retry ok %s  exhausted %s",
	          figfmt_percent(f.retry_success, c, sizeof c), figfmt_percent(f.exhausted, d, sizeof d));
	if (f.n_spark) {
		char s[CONSOLE_SPARK * 4 + 1];
		snprintf(k, sizeof k, "%s/spark", key);
		r = row(v, depth + 1, k, THEME_DIM, "requests per second");
		grid_set(r, C_COMPUTED, THEME_SPARK, figfmt_spark(f.spark, f.n_spark, v->con->ascii, s, sizeof s));
		snprintf(k, sizeof k, "%s/spark2", key);
		r = row(v, depth + 1, k, THEME_DIM, "timeout rate");
		grid_set(r, C_COMPUTED, THEME_SPARK,
		         figfmt_spark(f.spark_timeout, f.n_spark, v->con->ascii, s, sizeof s));
		add_marks(v, f.n_spark, key, depth + 1);
	}
}

static void add_policy(struct view *v, enum gt_kind kind, const struct gt_rule *rule,
                       const char *key)
{
	char k[96];
	snprintf(k, sizeof k, "%s/timeouts", key);
	struct grid_row *r = row(v, 1, k, THEME_NORMAL, "timeouts");
	if (kind != GT_HTTPROUTE) { /* said plainly where an operator looks for them */
		grid_setf(r, C_COMPUTED, THEME_DIM,
		          "none: %s rules have no timeouts or retry in Gateway API v1.6%s", kind_name(kind),
		          kind == GT_GRPCROUTE ? " (deadlines are the client's, or the implementation's "
		                                 "own policy)"
		                               : "");
		return;
	}
	if (rule->has_timeouts)
		grid_setf(r, C_COMPUTED, THEME_POLICY, "request %s  backendRequest %s",
		          str_or(rule->timeouts.request, "-"), str_or(rule->timeouts.backend_request, "-"));
	else
		grid_set(r, C_COMPUTED, THEME_DIM, "not set (implementation default)");
	snprintf(k, sizeof k, "%s/retry", key);
	r = row(v, 1, k, THEME_NORMAL, "retry");
	if (!rule->has_retry) {
		grid_set(r, C_COMPUTED, THEME_DIM, "not set");
		return;
	}
	struct buf b;
	buf_init(&b);
	if (rule->retry.attempts >= 0)
		buf_printf(&b, "attempts %d", rule->retry.attempts);
	if (rule->retry.backoff)
		buf_printf(&b, "%sbackoff %s", b.len ? "  " : "", rule->retry.backoff);
	for (size_t i = 0; i < rule->retry.n_codes; i++)
		buf_printf(&b, "%s%d", i ? "," : (b.len ? "  codes " : "codes "), rule->retry.codes[i]);
	grid_set(r, C_COMPUTED, THEME_POLICY, b.len ? buf_str(&b) : "(empty retry block)");
	buf_done(&b);
}

static void add_rule(struct view *v, const struct topo_route *tr, const char *id, size_t i,
                     bool route_has_figures)
{
	const struct topo_rule *ru = &tr->rules[i];
	char key[32], k[96];
	snprintf(key, sizeof key, "rule%zu", i);
	struct grid_row *h = grid_add(&v->grid, 0, key);
	if (ru->rule->name)
		grid_setf(h, C_ITEM, THEME_RULE, "Rule %zu \"%s\"", i, ru->rule->name);
	else
		grid_setf(h, C_ITEM, THEME_RULE, "Rule %zu%s", i, tr->obj->u.route.default_rule ? " (default)" : "");
	struct policy p;
	policy_from_rule(ru->rule, &p);
	char ps[96];
	grid_set(h, C_COMPUTED, THEME_POLICY, policy_summary(&p, v->con->ascii, ps, sizeof ps));
	h->rule = (int)i;
	struct buf b;
	buf_init(&b);
	for (size_t m = 0; m < ru->rule->n_matches; m++) {
		snprintf(k, sizeof k, "%s/m%zu", key, m);
		buf_reset(&b);
		uirows_match_text(tr->obj, &ru->rule->matches[m], &b);
		struct grid_row *r = row(v, 1, k, THEME_NORMAL, "match");
		grid_set(r, C_COMPUTED, THEME_NORMAL, buf_str(&b));
	}
	for (size_t f = 0; f < ru->rule->n_filters; f++) {
		snprintf(k, sizeof k, "%s/f%zu", key, f);
		struct grid_row *r = row(v, 1, k, THEME_NORMAL, "filter");
		grid_setf(r, C_COMPUTED, THEME_NORMAL, "%s: %s", str_or(ru->rule->filters[f].type, "?"),
		          str_or(ru->rule->filters[f].summary, ""));
	}
	for (size_t bk = 0; bk < ru->n_backends; bk++) {
		const struct topo_backend *tb = &ru->backends[bk];
		snprintf(k, sizeof k, "%s/b%zu", key, bk);
		buf_reset(&b);
		buf_printf(&b, "backend %s/%s", str_or(tb->ref->namespace_, "?"), str_or(tb->ref->name, "?"));
		if (tb->ref->port)
			buf_printf(&b, ":%d", tb->ref->port);
		struct grid_row *r = row(v, 1, k, THEME_SERVICE, buf_str(&b));
		if (tb->resolved)
			grid_setf(r, C_COMPUTED, THEME_OK, "weight %d  %s", tb->ref->weight,
			          v->con->ascii ? "+ resolved" : "\xe2\x9c\x93 resolved");
		else
			grid_setf(r, C_COMPUTED, THEME_ERROR, "weight %d  %s%s%s", tb->ref->weight,
			          str_or(tb->reason, "?"), tb->message ? ": " : "", tb->message ? tb->message : "");
		/* the policies the backend is under (BackendTLSPolicy, XBackendTrafficPolicy) */
		if (tb->tls_policy) {
			const struct gt_policy *tp = &tb->tls_policy->u.pol;
			char pk[128];
			snprintf(pk, sizeof pk, "%s/tls", k);
			struct grid_row *pr = row(v, 2, pk, THEME_NORMAL, "backend TLS");
			grid_setf(pr, C_COMPUTED, THEME_POLICY, "BackendTLSPolicy %s  hostname %s",
			          str_or(tb->tls_policy->meta.name, "?"), str_or(tp->hostname, "-"));
		}
		if (tb->traffic_policy && tb->traffic_policy->u.pol.has_retry_constraint) {
			const struct gt_policy *tp = &tb->traffic_policy->u.pol;
			char pk[128];
			snprintf(pk, sizeof pk, "%s/budget", k);
			struct grid_row *pr = row(v, 2, pk, THEME_NORMAL, "retry budget");
			/* GEP-3388 CRD defaults where unset: 20% per 10s, at least 10 per 1s */
			grid_setf(pr, C_COMPUTED, THEME_POLICY, "%d%% per %s, at least %d per %s  (%s)",
			          tp->budget_percent >= 0 ? tp->budget_percent : 20,
			          str_or(tp->budget_interval, "10s"),
			          tp->min_retry_count >= 0 ? tp->min_retry_count : 10,
			          str_or(tp->min_retry_interval, "1s"), str_or(tb->traffic_policy->meta.name, "?"));
		}
	}
	if (!ru->n_backends)
		row(v, 1, strcat(strcpy(k, key), "/nob"), THEME_DIM, "no backends");
	buf_done(&b);
	add_policy(v, tr->obj->kind, ru->rule, key);
	add_figures(v, tr, (int)i, key, 1, route_has_figures);
}

static void add_findings(struct view *v, const char *id)
{
	const struct findings *fs = console_findings(v->con);
	bool header = false;
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->items[i];
		if (!str_eq(f->object, id))
			continue;
		if (!header) {
			row(v, 0, "findings", THEME_GROUP, "Findings");
			header = true;
		}
		char k[32];
		snprintf(k, sizeof k, "finding%zu", i);
		enum theme_elem e = f->severity == SEV_ERROR ? THEME_ERROR
		                    : f->severity == SEV_WARNING ? THEME_WARN : THEME_DIM;
		struct grid_row *r = grid_add(&v->grid, 1, k);
		grid_setf(r, C_ITEM, e, "%s %s %s", severity_name(f->severity), f->code, f->field);
		grid_set(r, C_COMPUTED, THEME_NORMAL, f->message);
	}
	if (!header)
		row(v, 0, "findings", THEME_OK, "Findings: none");
}

static void add_meta(struct view *v, const struct gt_object *o)
{
	const struct gt_kvlist *lists[2] = {&o->meta.labels, &o->meta.annotations};
	const char *names[2] = {"Labels", "Annotations"};
	for (int l = 0; l < 2; l++) {
		if (!lists[l]->n)
			continue;
		row(v, 0, names[l], THEME_GROUP, names[l]);
		for (size_t i = 0; i < lists[l]->n; i++) {
			char k[48];
			snprintf(k, sizeof k, "%s/%zu", names[l], i);
			struct grid_row *r = row(v, 1, k, THEME_DIM, lists[l]->items[i].key);
			grid_set(r, C_COMPUTED, THEME_NORMAL, lists[l]->items[i].value);
		}
	}
}

static void refresh(struct view *v)
{
	grid_clear(&v->grid);
	const struct topo_route *tr = find_route(v);
	if (!tr) {
		row(v, 0, "gone", THEME_WARN, "this route no longer exists (Esc: back)");
		return;
	}
	struct route_view *rv = v->priv;
	route_recent_update(rv->recent, v->con->at_ms);
	const struct gt_object *o = tr->obj;
	struct grid_row *h = grid_add(&v->grid, 0, "route");
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s %s/%s", kind_name(o->kind), object_ns(o), str_or(o->meta.name, "?"));
	if (o->meta.generation > 0)
		buf_printf(&b, "  generation %lld", (long long)o->meta.generation);
	for (size_t i = 0; i < o->u.route.n_hostnames; i++)
		buf_printf(&b, "%s%s", i ? ", " : "  hostnames ", o->u.route.hostnames[i]);
	grid_set(h, C_ITEM, tr->attached_any ? THEME_ROUTE : THEME_WARN, buf_str(&b));
	h->span = true;
	buf_done(&b);
	add_parents(v, tr);
	struct route_figures rf;
	/* Figures of the route as a whole only where the mesh measures routes (Linkerd). */
	bool route_figs = console_figures_of(v->con, tr, -1, windows_ms[rv->window], &rf) &&
	                  !strcmp(rf.scope, "route");
	if (route_figs)
		add_figures(v, tr, -1, "route", 0, true);
	route_recent_rows(rv->recent);
	for (size_t i = 0; i < tr->n_rules; i++)
		add_rule(v, tr, v->arg, i, route_figs);
	add_findings(v, v->arg);
	add_meta(v, o);
}

static bool key(struct view *v, int action)
{
	if (action == ACT_VIEW_PATHS) { /* the call chains through this route */
		console_push(v->con, view_new(&view_paths_ops, v->con, v->arg));
		return true;
	}
	if (action != ACT_WINDOW)
		return false;
	struct route_view *rv = v->priv;
	rv->window = (rv->window + 1) % N_WINDOWS;
	v->built = 0; /* rebuild with the new window */
	console_message(v->con, false, "figures window: %s", window_names[rv->window]);
	return true;
}

const struct view_ops view_route_ops = {
	.name = "route",
	.init = init,
	.free = release,
	.refresh = refresh,
	.key = key,
};
