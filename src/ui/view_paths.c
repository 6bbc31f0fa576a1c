/* view_paths.c: the console's call-chain view (`:paths [ROUTE]`, P in route detail): the paths
 * of the call graph (callgraph.h, paths.h) through a route or a Service, or all of them, as a
 * tree, worst path first, per hop the rule, its timeouts and attempts, the observed rate,
 * timeout and retry shares (from the console's telemetry; "unknown" when it does not say)
 * and the worst and observed amplification (pathsout.h). Built from the topology the view
 * holds; the graph lives only during refresh (rows copy their text). Enter on a hop opens its
 * route's detail. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/callobs.h"
#include "gammatop/console.h"
#include "gammatop/pathsout.h"
#include "gammatop/str.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

static const struct grid_col cols[PATHSOUT_NCOLS] = {
	{"PATH", 0, 18, false, false, 0},
	{"RULE", 0, 16, false, false, 1},
	{"TIMEOUT", 15, 0, false, false, 4},
	{"ATTEMPTS", 8, 0, true, false, 5},
	{"RPS", 8, 0, true, true, 6},
	{"TIMEOUTS", 8, 0, true, true, 7},
	{"RETRIES", 8, 0, true, true, 8},
	{"WORST", 13, 0, true, true, 2},
	{"OBSERVED", 9, 0, true, true, 3},
};

static void init(struct view *v)
{
	grid_init(&v->grid, cols, PATHSOUT_NCOLS, true);
	free(v->title);
	v->title = v->arg ? xasprintf("paths %s", v->arg) : xstrdup("paths");
}

static bool console_lookup(const char *route, int rule, double f[3], void *ud)
{
	struct route_figures rf;
	if (!console_figures_get(ud, route, rule, &rf))
		return false;
	f[CALLOBS_RPS] = rf.rps;
	f[CALLOBS_RETRY] = rf.retry_rate;
	f[CALLOBS_TIMEOUT] = rf.timeout_rate;
	return true;
}

static void refresh(struct view *v)
{
	grid_clear(&v->grid);
	if (!v->topo)
		return;
	struct callgraph *g = callgraph_from_topology(v->topo);
	callobs_apply_fn(g, console_lookup, v->con);
	struct paths_opts po;
	char *keep = NULL, err[512];
	size_t entries[1], n_entries = 0;
	if (pathsout_select(g, v->arg, &po, &keep, entries, &n_entries, err, sizeof err) < 0) {
		struct grid_row *r = grid_add(&v->grid, 0, "error");
		grid_set(r, 0, THEME_WARN, err);
		r->span = true;
		callgraph_free(g);
		return;
	}
	struct paths_result res;
	paths_analyse(g, n_entries ? entries : NULL, n_entries, &po, &res);
	struct pathsout_row *rows;
	size_t n = pathsout_tree(g, &res, v->con->ascii, &rows);
	/* keys from the path of node ids, so the cursor and collapse survive rebuilds */
	char **keys = xcalloc(n + 1, sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		char cells[PATHSOUT_NCOLS][PATHSOUT_CELL];
		pathsout_row_text(g, &res, &rows[i], cells);
		size_t parent = i;
		while (parent > 0 && rows[parent].depth >= rows[i].depth)
			parent--;
		keys[i] = rows[i].depth && parent < i
		          ? xasprintf("%s>%s", keys[parent], g->nodes[rows[i].node].id)
		          : xasprintf("%zu:%s", i, g->nodes[rows[i].node].id);
		struct grid_row *r = grid_add(&v->grid, rows[i].depth, keys[i]);
		const struct gt_path *p = &res.paths[rows[i].path];
		struct path_hop h = {0};
		if (rows[i].depth)
			paths_hop(g, p, rows[i].hop, &h);
		bool bad = rows[i].depth && h.amp_worst > po.threshold;
		grid_set(r, 0, rows[i].depth ? THEME_SERVICE : THEME_GATEWAY, rows[i].label + rows[i].name_off);
		for (int c = 1; c < PATHSOUT_NCOLS; c++)
			grid_set(r, c, c == PATHSOUT_WORST ? (bad || h.outlives ? THEME_ERROR : THEME_NORMAL)
			               : c == PATHSOUT_RULE || c == PATHSOUT_TIMEOUT || c == PATHSOUT_ATTEMPTS
			                   ? THEME_POLICY : str_eq(cells[c], "unknown") ? THEME_DIM : THEME_NORMAL,
			         cells[c]);
		if (rows[i].depth) {
			grid_set_num(r, PATHSOUT_WORST, h.amp_worst);
			if (h.rule != CG_NONE) {
				r->target = xstrdup(g->rules[h.rule].route);
				r->rule = (int)g->rules[h.rule].index;
			}
		}
		const struct cg_node *nd = &g->nodes[rows[i].node];
		if (nd->ns)
			r->ns = xstrdup(nd->ns);
	}
	if (!n) {
		struct grid_row *r = grid_add(&v->grid, 0, "none");
		grid_set(r, 0, THEME_DIM, v->arg ? "no call path through it" : "no call paths");
		r->span = true;
	} else if (res.truncated) {
		struct grid_row *r = grid_add(&v->grid, 0, "truncated");
		grid_set(r, 0, THEME_WARN, "more paths exist than are listed (caps of the analysis)");
		r->span = true;
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	pathsout_rows_free(rows, n);
	paths_result_done(&res);
	free(keep);
	callgraph_free(g);
}

static void open_row(struct view *v, struct grid_row *r)
{
	if (r->target)
		console_push(v->con, view_new(&view_route_ops, v->con, r->target));
}

const struct view_ops view_paths_ops = {
	.name = "paths",
	.scoped = true,
	.init = init,
	.refresh = refresh,
	.open = open_row,
};
