/* pathsout.c: the path analysis as a tree table, JSON and DOT (see pathsout.h). */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/dot.h"
#include "gammatop/duration.h"
#include "gammatop/pathsout.h"
#include "gammatop/str.h"
#include "gammatop/table.h"
#include "gammatop/xalloc.h"

const char *const pathsout_headers[PATHSOUT_NCOLS] = {
	"PATH", "RULE", "TIMEOUT (REQUEST/TRY)", "ATTEMPTS", "RPS", "TIMEOUTS", "RETRIES",
	"WORST", "OBSERVED",
};

char *pathsout_ms(long long ms, char *buf, size_t n)
{
	if (ms < 0)
		snprintf(buf, n, "-");
	else if (ms == 0)
		snprintf(buf, n, "none");
	else if (ms == PATHS_NO_LIMIT)
		snprintf(buf, n, "no limit");
	else
		duration_format((uint64_t)ms, buf, n);
	return buf;
}

/* ---- selection ---- */

/* A route of the graph by id ("httproute/NS/NAME"): true when some rule has it. */
static bool has_route(const struct callgraph *g, const char *id)
{
	for (size_t i = 0; i < g->n_rules; i++)
		if (str_eq(g->rules[i].route, id))
			return true;
	return false;
}

int pathsout_select(struct callgraph *g, const char *target, struct paths_opts *o,
                    char **keep, size_t *entries, size_t *n_entries, char *err, size_t errlen)
{
	paths_opts_default(o);
	*keep = NULL;
	*n_entries = 0;
	if (!target || !*target)
		return 0;
	size_t n;
	char **parts = str_split(target, '/', &n);
	int rc = -1;
	char *route = NULL;
	const char *ns = NULL, *name = NULL;
	bool want_service = false;
	if (n == 3) {
		ns = parts[1];
		name = parts[2];
		if (!strcasecmp(parts[0], "service") || !strcasecmp(parts[0], "svc"))
			want_service = true;
		else
			route = xasprintf("%s/%s/%s", parts[0], ns, name);
	} else if (n == 2) {
		ns = parts[0];
		name = parts[1];
		char *id = xasprintf("httproute/%s/%s", ns, name);
		if (has_route(g, id))
			route = id;
		else {
			free(id);
			id = xasprintf("grpcroute/%s/%s", ns, name);
			if (has_route(g, id))
				route = id;
			else {
				free(id);
				want_service = true;
			}
		}
	} else {
		snprintf(err, errlen, "'%s': expected a route (KIND/NS/NAME or NS/NAME) or a Service "
		         "(service/NS/NAME)", target);
		goto out;
	}
	if (route) {
		for (char *p = route; *p && *p != '/'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		if (!has_route(g, route)) {
			snprintf(err, errlen, "%s governs no call: no such route, or it has no attached "
			         "parent with a resolved backend", route);
			goto out;
		}
		o->through_route = route;
		*keep = route;
		route = NULL;
		rc = 0;
	} else if (want_service) {
		size_t node = callgraph_find_node(g, CG_SERVICE, ns, name);
		if (node == CG_NONE) {
			snprintf(err, errlen, "service/%s/%s is on no call path (no route reaches it and "
			         "no telemetry says it calls or is called)", ns, name);
			goto out;
		}
		entries[0] = node;
		*n_entries = 1;
		rc = 0;
	}
out:
	free(route);
	str_list_free(parts);
	return rc;
}

/* ---- the tree ---- */

struct trie {
	size_t edge;  /* CG_NONE at a root */
	size_t node;
	size_t first, next; /* children, siblings (CG_NONE ends) */
	size_t path, hop;
	bool leaf;
};

struct tree {
	struct trie *t;
	size_t n, cap;
	size_t first_root;
};

static size_t trie_add(struct tree *tr, size_t parent, size_t edge, size_t node, size_t path,
                       size_t hop)
{
	if (tr->n == tr->cap) {
		tr->cap = tr->cap ? tr->cap * 2 : 32;
		tr->t = xrealloc(tr->t, tr->cap * sizeof *tr->t);
	}
	size_t i = tr->n++;
	tr->t[i] = (struct trie){edge, node, CG_NONE, CG_NONE, path, hop, false};
	size_t *link = parent == CG_NONE ? &tr->first_root : &tr->t[parent].first;
	while (*link != CG_NONE)
		link = &tr->t[*link].next;
	*link = i;
	return i;
}

static size_t trie_child(const struct tree *tr, size_t parent, size_t edge, size_t node)
{
	size_t c = parent == CG_NONE ? tr->first_root : tr->t[parent].first;
	for (; c != CG_NONE; c = tr->t[c].next)
		if (tr->t[c].edge == edge && tr->t[c].node == node)
			return c;
	return CG_NONE;
}

struct emit {
	const struct callgraph *g;
	const struct paths_result *r;
	const struct tree *tr;
	bool ascii;
	struct pathsout_row *rows;
	size_t n, cap;
};

static void emit(struct emit *e, size_t i, int depth, const char *prefix, bool last)
{
	const struct trie *t = &e->tr->t[i];
	const struct gt_path *p = &e->r->paths[t->path];
	struct buf b;
	buf_init(&b);
	if (depth > 0)
		buf_printf(&b, "%s%s", prefix,
		           e->ascii ? (last ? "`- " : "|- ") : (last ? "\xe2\x94\x94\xe2\x94\x80 " : "\xe2\x94\x9c\xe2\x94\x80 "));
	const struct cg_node *nd = &e->g->nodes[t->node];
	size_t name_off = b.len;
	char *lab = str_sanitize(str_or(nd->label, nd->id));
	buf_printf(&b, "%s", lab);
	free(lab);
	if (depth == 0)
		buf_printf(&b, " (%s)", cg_kind_name(nd->kind));
	if (t->leaf && p->end != PATH_LEAF)
		buf_printf(&b, " (%s)", p->end == PATH_CYCLE ? "cycle" : "cut: too deep");
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 32;
		e->rows = xrealloc(e->rows, e->cap * sizeof *e->rows);
	}
	e->rows[e->n++] = (struct pathsout_row){depth, buf_steal(&b), name_off, t->node, t->path,
	                                        t->hop, t->leaf};
	char *sub = depth == 0 ? xstrdup("")
	                       : xasprintf("%s%s", prefix, last ? "   " : (e->ascii ? "|  " : "\xe2\x94\x82  "));
	for (size_t c = t->first; c != CG_NONE; c = e->tr->t[c].next)
		emit(e, c, depth + 1, sub, e->tr->t[c].next == CG_NONE);
	free(sub);
}

size_t pathsout_tree(const struct callgraph *g, const struct paths_result *r, bool ascii,
                     struct pathsout_row **out)
{
	struct tree tr = {NULL, 0, 0, CG_NONE};
	for (size_t p = 0; p < r->n; p++) {
		const struct gt_path *path = &r->paths[p];
		size_t cur = trie_child(&tr, CG_NONE, CG_NONE, path->entry);
		if (cur == CG_NONE)
			cur = trie_add(&tr, CG_NONE, CG_NONE, path->entry, p, 0);
		for (size_t k = 0; k < path->n_hops; k++) {
			struct path_hop h;
			paths_hop(g, path, k, &h);
			size_t c = trie_child(&tr, cur, path->hops[k], h.to);
			cur = c != CG_NONE ? c : trie_add(&tr, cur, path->hops[k], h.to, p, k);
		}
		tr.t[cur].leaf = true;
	}
	struct emit e = {g, r, &tr, ascii, NULL, 0, 0};
	for (size_t i = tr.first_root; i != CG_NONE; i = tr.t[i].next)
		emit(&e, i, 0, "", tr.t[i].next == CG_NONE);
	free(tr.t);
	*out = e.rows;
	return e.n;
}

void pathsout_rows_free(struct pathsout_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].label);
	free(rows);
}

/* ---- cells ---- */

/* Requests at hop k's callee per request entering the path on its first hop: the first
 * call's tries over its client requests, then each later hop's observed factor (paths.h).
 * Per path, unlike paths.h's amp_observed, which divides by everything the entry receives
 * (a Gateway's every route). NAN when a rate on the way is unknown. */
static double path_observed(const struct callgraph *g, const struct gt_path *p, size_t k)
{
	if (!p->n_hops)
		return NAN;
	struct path_hop h;
	paths_hop(g, p, 0, &h);
	const struct cg_call *c = &g->calls[h.call];
	double req = c->rps - c->retry_rps;
	if (isnan(req) || req <= 0)
		return NAN;
	double v = c->rps / req;
	for (size_t j = 1; j <= k && j < p->n_hops; j++) {
		paths_hop(g, p, j, &h);
		v *= h.factor_observed;
	}
	return v;
}

static void amp_text(double v, bool exact, char *buf, size_t n)
{
	if (isnan(v))
		snprintf(buf, n, "unknown");
	else if (v >= 100 || v == floor(v))
		snprintf(buf, n, "%s%.0fx", exact ? "" : ">=", v);
	else
		snprintf(buf, n, "%s%.2fx", exact ? "" : ">=", v);
}

static void share_text(double part, double whole, char *buf, size_t n)
{
	if (isnan(part) || isnan(whole) || whole <= 0)
		snprintf(buf, n, "unknown");
	else
		snprintf(buf, n, "%.1f%%", 100 * part / whole);
}

static void rule_text(const struct callgraph *g, size_t rule, char *buf, size_t n)
{
	if (rule == CG_NONE) {
		snprintf(buf, n, "(no route)");
		return;
	}
	const struct cg_rule *ru = &g->rules[rule];
	char *route = str_sanitize(ru->route), *name = ru->name ? str_sanitize(ru->name) : NULL;
	if (name)
		snprintf(buf, n, "%s rule %zu (%s)", route, ru->index, name);
	else
		snprintf(buf, n, "%s rule %zu", route, ru->index);
	free(route);
	free(name);
}

void pathsout_row_text(const struct callgraph *g, const struct paths_result *r,
                       const struct pathsout_row *row, char cols[PATHSOUT_NCOLS][PATHSOUT_CELL])
{
	for (int i = 0; i < PATHSOUT_NCOLS; i++)
		cols[i][0] = 0;
	snprintf(cols[PATHSOUT_PATH], PATHSOUT_CELL, "%s", row->label);
	const struct gt_path *p = &r->paths[row->path];
	if (row->depth == 0) {
		double rps = callgraph_in_rps(g, row->node);
		if (isnan(rps))
			snprintf(cols[PATHSOUT_RPS], PATHSOUT_CELL, "unknown");
		else
			snprintf(cols[PATHSOUT_RPS], PATHSOUT_CELL, "%.1f", rps);
		return;
	}
	struct path_hop h;
	paths_hop(g, p, row->hop, &h);
	rule_text(g, h.rule, cols[PATHSOUT_RULE], PATHSOUT_CELL);
	if (h.rule != CG_NONE) {
		const struct cg_policy *pol = &g->rules[h.rule].policy;
		char a[32], b[32];
		snprintf(cols[PATHSOUT_TIMEOUT], PATHSOUT_CELL, "%s/%s",
		         pathsout_ms(pol->request_ms, a, sizeof a), pathsout_ms(pol->backend_ms, b, sizeof b));
		if (!pol->has_retry)
			snprintf(cols[PATHSOUT_ATTEMPTS], PATHSOUT_CELL, "no retry");
		else if (pol->attempts < 0)
			snprintf(cols[PATHSOUT_ATTEMPTS], PATHSOUT_CELL, "default");
		else
			snprintf(cols[PATHSOUT_ATTEMPTS], PATHSOUT_CELL, "%d", pol->attempts);
	} else {
		snprintf(cols[PATHSOUT_TIMEOUT], PATHSOUT_CELL, "-");
		snprintf(cols[PATHSOUT_ATTEMPTS], PATHSOUT_CELL, "-");
	}
	const struct cg_call *c = &g->calls[h.call];
	if (isnan(c->rps))
		snprintf(cols[PATHSOUT_RPS], PATHSOUT_CELL, "unknown");
	else
		snprintf(cols[PATHSOUT_RPS], PATHSOUT_CELL, "%.1f", c->rps);
	share_text(c->timeout_rps, c->rps, cols[PATHSOUT_TIMEOUTS], PATHSOUT_CELL);
	share_text(c->retry_rps, c->rps, cols[PATHSOUT_RETRIES], PATHSOUT_CELL);
	bool exact = true;
	for (size_t k = 0; k <= row->hop; k++) {
		struct path_hop x;
		paths_hop(g, p, k, &x);
		exact = exact && x.tries_exact;
	}
	amp_text(h.amp_worst, exact, cols[PATHSOUT_WORST], PATHSOUT_CELL);
	if (h.outlives)
		strncat(cols[PATHSOUT_WORST], " !timeout", PATHSOUT_CELL - strlen(cols[PATHSOUT_WORST]) - 1);
	amp_text(path_observed(g, p, row->hop), true, cols[PATHSOUT_OBSERVED], PATHSOUT_CELL);
}

void pathsout_table(const struct callgraph *g, const struct paths_result *r, bool ascii,
                    struct buf *out)
{
	struct pathsout_row *rows;
	size_t n = pathsout_tree(g, r, ascii, &rows);
	struct table *t = table_new(pathsout_headers, PATHSOUT_NCOLS);
	for (size_t i = 0; i < n; i++) {
		char cols[PATHSOUT_NCOLS][PATHSOUT_CELL];
		pathsout_row_text(g, r, &rows[i], cols);
		table_add_row(t);
		for (int c = 0; c < PATHSOUT_NCOLS; c++)
			table_add_cell(t, cols[c][0] ? cols[c] : " ");
	}
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	if (f) {
		table_print(t, f);
		fclose(f);
		buf_append(out, mem, len);
		free(mem);
	}
	table_free(t);
	pathsout_rows_free(rows, n);
}

/* ---- JSON ---- */

static json_t *num_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 1000) / 1000);
}

static json_t *ms_json(int64_t ms)
{
	return ms < 0 ? json_null() : json_integer((json_int_t)ms);
}

static json_t *node_json(const struct callgraph *g, size_t node)
{
	const struct cg_node *n = &g->nodes[node];
	return json_pack("{s:s, s:s, s:s}", "id", n->id, "kind", cg_kind_name(n->kind), "label",
	                 str_or(n->label, n->id));
}

json_t *pathsout_json(const struct callgraph *g, const struct paths_result *r)
{
	json_t *paths = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct gt_path *p = &r->paths[i];
		char desc[1024];
		paths_describe(g, p, desc, sizeof desc);
		json_t *hops = json_array();
		for (size_t k = 0; k < p->n_hops; k++) {
			struct path_hop h;
			paths_hop(g, p, k, &h);
			const struct cg_call *c = &g->calls[h.call];
			json_t *hj = json_pack("{s:o, s:o, s:i, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}",
			                       "from", node_json(g, h.from), "to", node_json(g, h.to),
			                       "tries", h.tries, "triesExact", h.tries_exact,
			                       "rps", num_or_null(c->rps),
			                       "timeoutRate", num_or_null(isnan(c->rps) || c->rps <= 0 ? NAN : c->timeout_rps / c->rps),
			                       "retryRate", num_or_null(isnan(c->rps) || c->rps <= 0 ? NAN : c->retry_rps / c->rps),
			                       "ampWorst", num_or_null(h.amp_worst),
			                       "ampBudgeted", num_or_null(h.amp_budgeted),
			                       "ampObserved", num_or_null(path_observed(g, p, k)),
			                       "spanMs", h.span_ms == PATHS_NO_LIMIT ? json_string("none") : ms_json(h.span_ms),
			                       "outlivesCaller", h.outlives, "unsafeRetry", h.unsafe_retry);
			if (h.rule != CG_NONE) {
				const struct cg_rule *ru = &g->rules[h.rule];
				json_object_set_new(hj, "rule", json_pack("{s:s, s:i, s:o, s:s, s:o, s:o, s:o, s:o}",
				                    "route", ru->route, "index", (int)ru->index, "name",
				                    ru->name ? json_string(ru->name) : json_null(), "role",
				                    topo_role_name(ru->role), "request", ms_json(ru->policy.request_ms),
				                    "backendRequest", ms_json(ru->policy.backend_ms), "attempts",
				                    !ru->policy.has_retry ? json_integer(0)
				                    : ru->policy.attempts < 0 ? json_null() : json_integer(ru->policy.attempts),
				                    "backoff", ms_json(ru->policy.backoff_ms)));
			} else {
				json_object_set_new(hj, "rule", json_null());
			}
			json_array_append_new(hops, hj);
		}
		json_array_append_new(paths, json_pack("{s:s, s:o, s:s, s:o, s:b, s:o, s:o, s:i, s:i, s:o}",
		                                       "path", desc, "entry", node_json(g, p->entry), "end",
		                                       path_end_name(p->end), "ampWorst", num_or_null(p->amp_worst),
		                                       "exact", p->exact, "ampBudgeted", num_or_null(p->amp_budgeted),
		                                       "ampObserved", num_or_null(path_observed(g, p, p->n_hops ? p->n_hops - 1 : 0)),
		                                       "outlivingHops", (int)p->n_outlive, "unsafeRetryHops",
		                                       (int)p->n_unsafe, "hops", hops));
	}
	return json_pack("{s:o, s:b, s:i}", "paths", paths, "truncated", r->truncated, "cycles",
	                 (int)r->n_cycles);
}

/* ---- DOT ---- */

struct dot_edge {
	size_t from, edge; /* the caller the path reached (not the namespace node), the edge */
	double amp, obs;
};

void pathsout_dot(const struct callgraph *g, const struct paths_result *r, struct buf *out)
{
	bool *node_on = xcalloc(g->n_nodes + 1, sizeof *node_on);
	struct dot_edge *es = NULL;
	size_t n_es = 0, cap = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct gt_path *p = &r->paths[i];
		node_on[p->entry] = true;
		for (size_t k = 0; k < p->n_hops; k++) {
			struct path_hop h;
			paths_hop(g, p, k, &h);
			node_on[h.to] = true;
			size_t j = 0;
			while (j < n_es && !(es[j].from == h.from && es[j].edge == p->hops[k]))
				j++;
			if (j == n_es) {
				if (n_es == cap) {
					cap = cap ? cap * 2 : 32;
					es = xrealloc(es, cap * sizeof *es);
				}
				es[n_es++] = (struct dot_edge){h.from, p->hops[k], h.amp_worst, NAN};
			}
			if (h.amp_worst > es[j].amp)
				es[j].amp = h.amp_worst;
			double obs = path_observed(g, p, k);
			if (!isnan(obs) && (isnan(es[j].obs) || obs > es[j].obs))
				es[j].obs = obs;
		}
	}
	buf_printf(out, "digraph gammatop_paths {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans\"];\n");
	for (size_t n = 0; n < g->n_nodes; n++) {
		if (!node_on[n])
			continue;
		buf_printf(out, "  n%zu [label=\"", n);
		dot_escape(out, str_or(g->nodes[n].label, g->nodes[n].id));
		buf_printf(out, "\\n%s\"%s];\n", cg_kind_name(g->nodes[n].kind),
		           g->nodes[n].kind == CG_GATEWAY ? ", shape=house" : "");
	}
	for (size_t j = 0; j < n_es; j++) {
		const struct cg_edge *ed = &g->edges[es[j].edge];
		const struct cg_call *c = &g->calls[ed->call];
		char rule[PATHSOUT_CELL];
		rule_text(g, ed->rule, rule, sizeof rule);
		int tries = ed->rule == CG_NONE ? 1 : cg_policy_tries(&g->rules[ed->rule].policy, NULL);
		buf_printf(out, "  n%zu -> n%zu [label=\"", es[j].from, c->to);
		dot_escape(out, rule);
		buf_printf(out, "\\n%d tr%s, up to %.0fx", tries, tries == 1 ? "y" : "ies", es[j].amp);
		if (!isnan(es[j].obs))
			buf_printf(out, ", observed %.2fx", es[j].obs);
		buf_printf(out, "\"%s];\n", es[j].amp > 10 ? ", color=red, penwidth=2" : "");
	}
	buf_printf(out, "}\n");
	free(node_on);
	free(es);
}
