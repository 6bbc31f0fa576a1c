/* paths.c: the path analysis of paths.h — the figures of each hop (tries, budget caps,
 * observed factor, timeout limit and span), and the bounded enumeration: a depth-first walk
 * from each entry that follows the worst edge first (ordered by the worst product reachable
 * below it, memoised), stops at cycles, at max_depth, at each entry's share of max_paths and
 * at max_steps, and marks the result truncated when any cap cut it. Pure code. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/paths.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

void paths_opts_default(struct paths_opts *o)
{
	memset(o, 0, sizeof *o);
	o->threshold = 10;
	o->max_paths = 1000;
	o->max_depth = 16;
	o->max_steps = 1000000;
	o->through_rule = -1;
}

const char *path_end_name(enum path_end e)
{
	return e == PATH_CYCLE ? "cycle" : e == PATH_DEPTH ? "depth" : "leaf";
}

/* ---- one hop ---- */

static const struct cg_policy *edge_policy(const struct callgraph *g, size_t e)
{
	size_t r = g->edges[e].rule;
	return r == CG_NONE ? NULL : &g->rules[r].policy;
}

static size_t edge_to(const struct callgraph *g, size_t e)
{
	return g->calls[g->edges[e].call].to;
}

/* Tries of a hop capped by a budget on its callee (see paths.h for what this estimates). */
static double budget_cap(const struct cg_node *to, const struct cg_call *c, int tries)
{
	const struct cg_budget *b = &to->budget;
	if (!b->set || b->percent >= 100)
		return tries;
	double cap = 1.0 + (double)b->percent / (100 - b->percent);
	/* minRetryRate: so many retries per second are allowed whatever the percentage says */
	double orig = c->rps - (isnan(c->retry_rps) ? 0 : c->retry_rps);
	if (!isnan(orig) && orig > 0 && b->min_interval_ms > 0 && b->min_count > 0) {
		double floor = 1.0 + (b->min_count / (b->min_interval_ms / 1000.0)) / orig;
		if (floor > cap)
			cap = floor;
	}
	return tries < cap ? tries : cap;
}

/* How long the caller waits for one try. */
static int64_t hop_limit(const struct cg_policy *p)
{
	if (!p)
		return -1;
	int64_t b = p->backend_ms, q = p->request_ms;
	if (b > 0 && q > 0)
		return b < q ? b : q;
	return b > 0 ? b : q > 0 ? q : -1;
}

/* How long the caller may wait on the hop in all (see struct path_hop). */
static int64_t hop_span(const struct cg_policy *p)
{
	if (!p)
		return -1;
	int tries = cg_policy_tries(p, NULL);
	double backoff = p->backoff_ms > 0 ? (double)p->backoff_ms : 0;
	double per_tries = p->backend_ms > 0
	                       ? (double)tries * (double)p->backend_ms + (tries - 1) * backoff
	                       : INFINITY;
	double span;
	if (p->request_ms > 0)
		span = per_tries < (double)p->request_ms ? per_tries : (double)p->request_ms;
	else if (p->request_ms == 0 || p->backend_ms > 0)
		span = per_tries; /* "0s" disables the request timeout; unset: none assumed */
	else
		return -1;
	return span >= (double)(PATHS_NO_LIMIT / 2) ? PATHS_NO_LIMIT : (int64_t)span;
}

/* Figures of every hop of (entry, hops[0..n)) into out[0..n). */
static void hops_compute(const struct callgraph *g, size_t entry, const size_t *hops, size_t n,
                         struct path_hop *out)
{
	double worst = 1, budgeted = 1, observed = 1;
	size_t from = entry;
	for (size_t k = 0; k < n; k++) {
		struct path_hop *h = &out[k];
		memset(h, 0, sizeof *h);
		size_t e = hops[k];
		const struct cg_call *c = &g->calls[g->edges[e].call];
		const struct cg_policy *p = edge_policy(g, e);
		h->edge = e;
		h->call = g->edges[e].call;
		h->rule = g->edges[e].rule;
		h->from = from;
		h->to = c->to;
		h->tries_exact = true;
		h->tries = p ? cg_policy_tries(p, &h->tries_exact) : 1;
		h->budgeted = g->nodes[c->to].budget.set;
		h->tries_budgeted = budget_cap(&g->nodes[c->to], c, h->tries);
		worst *= h->tries;
		budgeted *= h->tries_budgeted;
		h->amp_worst = worst;
		h->amp_budgeted = budgeted;
		double in = callgraph_in_rps(g, from);
		h->factor_observed = !isnan(c->rps) && !isnan(in) && in > 0 ? c->rps / in : NAN;
		observed *= h->factor_observed; /* NAN stays NAN */
		h->amp_observed = observed;
		h->limit_ms = hop_limit(p);
		h->span_ms = hop_span(p);
		h->outlives = k > 0 && h->span_ms >= 0 && out[k - 1].limit_ms >= 0 &&
		              h->span_ms > out[k - 1].limit_ms;
		h->unsafe_retry = p && p->has_retry && p->attempts != 0 && p->n_codes == 0 &&
		                  p->non_idempotent;
		from = c->to;
	}
}

/* See paths.h. */
void paths_hops(const struct callgraph *g, const struct gt_path *p, struct path_hop *out)
{
	if (p && p->n_hops)
		hops_compute(g, p->entry, p->hops, p->n_hops, out);
}

/* See paths.h. */
void paths_hop(const struct callgraph *g, const struct gt_path *p, size_t k, struct path_hop *h)
{
	memset(h, 0, sizeof *h);
	if (!p || k >= p->n_hops)
		return;
	struct path_hop *all = xcalloc(k + 1, sizeof *all);
	hops_compute(g, p->entry, p->hops, k + 1, all);
	*h = all[k];
	free(all);
}

/* See paths.h. */
char *paths_describe(const struct callgraph *g, const struct gt_path *p, char *buf, size_t n)
{
	if (!buf || !n)
		return buf;
	buf[0] = '\0';
	if (!p || p->entry >= g->n_nodes)
		return buf;
	size_t at = str_copy(buf, g->nodes[p->entry].label, n);
	for (size_t k = 0; k < p->n_hops && at < n; k++) {
		int w = snprintf(buf + at, n - at, " -> %s", g->nodes[edge_to(g, p->hops[k])].label);
		at = w < 0 ? n : at + (size_t)w;
	}
	if (p->end != PATH_LEAF && at < n)
		snprintf(buf + at, n - at, p->end == PATH_CYCLE ? " (cycle)" : " ...");
	return buf;
}

/* ---- the walk ---- */

struct keyed {
	double key;
	size_t edge; /* an edge, or a node for the entries */
};

struct frame {
	size_t node, begin, end, next;
};

struct walk {
	struct callgraph *g;
	const struct paths_opts *o;
	struct paths_result *r;
	size_t cap_paths;
	bool *onstack, *best_stack;
	unsigned *mark;
	unsigned stamp;
	double *best;
	size_t *pool, n_pool, cap_pool;
	struct keyed *sortbuf;
	size_t cap_sort;
	struct frame *frames;
	size_t *path;
	struct path_hop *scratch;
	size_t entry_emitted, entry_cap;
	bool entry_full, stop;
};

static void pool_push(struct walk *w, size_t e)
{
	if (w->n_pool == w->cap_pool) {
		w->cap_pool = w->cap_pool ? w->cap_pool * 2 : 256;
		w->pool = xreallocarray(w->pool, w->cap_pool, sizeof *w->pool);
	}
	w->pool[w->n_pool++] = e;
}

static void push_calls(struct walk *w, size_t node, bool specific)
{
	const struct callgraph *g = w->g;
	for (size_t k = g->out_start[node]; k < g->out_start[node + 1]; k++) {
		size_t c = g->out_calls[k];
		if (g->calls[c].covered)
			continue;
		if (specific)
			w->mark[g->calls[c].to] = w->stamp;
		else if (w->mark[g->calls[c].to] == w->stamp)
			continue; /* a specific caller of u already calls it */
		for (size_t e = g->calls[c].first_edge; e != CG_NONE; e = g->edges[e].next)
			pool_push(w, e);
	}
}

/* Append the hops that leave node u to the pool: its own calls, those of the workloads
 * serving it, and its namespace's (static) calls to callees those do not already call. */
static void successors(struct walk *w, size_t u)
{
	const struct callgraph *g = w->g;
	w->stamp++;
	push_calls(w, u, true);
	for (size_t k = g->srv_start[u]; k < g->srv_start[u + 1]; k++)
		push_calls(w, g->srv_list[k], true);
	if (g->ns_node[u] != CG_NONE)
		push_calls(w, g->ns_node[u], false);
}

static double static_tries(const struct callgraph *g, size_t e)
{
	const struct cg_policy *p = edge_policy(g, e);
	size_t to = edge_to(g, e);
	return budget_cap(&g->nodes[to], &g->calls[g->edges[e].call], p ? cg_policy_tries(p, NULL) : 1);
}

/* The worst budgeted product reachable below u (edges back onto the recursion ignored):
 * the order in which the walk tries edges, so that the worst path comes first. */
static double best_below(struct walk *w, size_t u, size_t depth)
{
	if (!isnan(w->best[u]))
		return w->best[u];
	if (depth >= w->o->max_depth)
		return 1;
	size_t begin = w->n_pool;
	successors(w, u);
	size_t end = w->n_pool;
	w->best_stack[u] = true;
	double m = 1;
	for (size_t i = begin; i < end; i++) {
		size_t e = w->pool[i], to = edge_to(w->g, e);
		if (w->best_stack[to])
			continue;
		double v = static_tries(w->g, e) * best_below(w, to, depth + 1);
		if (v > m)
			m = v;
	}
	w->best_stack[u] = false;
	w->n_pool = begin;
	w->best[u] = m;
	return m;
}

static int cmp_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return (x->edge > y->edge) - (x->edge < y->edge);
}

/* Order the pool range [begin, end) worst first. */
static void order(struct walk *w, size_t begin, size_t end, size_t depth)
{
	size_t n = end - begin;
	if (n < 2)
		return;
	if (n > w->cap_sort) {
		w->cap_sort = n;
		w->sortbuf = xreallocarray(w->sortbuf, n, sizeof *w->sortbuf);
	}
	for (size_t i = 0; i < n; i++) {
		size_t e = w->pool[begin + i];
		w->sortbuf[i].edge = e;
		w->sortbuf[i].key = static_tries(w->g, e) * best_below(w, edge_to(w->g, e), depth + 1);
	}
	qsort(w->sortbuf, n, sizeof *w->sortbuf, cmp_key);
	for (size_t i = 0; i < n; i++)
		w->pool[begin + i] = w->sortbuf[i].edge;
}

static bool rule_of_route(const struct callgraph *g, size_t e, const char *route, long index)
{
	size_t r = g->edges[e].rule;
	return r != CG_NONE && str_eq(g->rules[r].route, route) &&
	       (index < 0 || g->rules[r].index == (size_t)index);
}

static void emit(struct walk *w, size_t entry, size_t n, enum path_end end)
{
	const struct callgraph *g = w->g;
	if (w->o->through_route) {
		bool through = false;
		for (size_t k = 0; k < n && !through; k++)
			through = rule_of_route(g, w->path[k], w->o->through_route, w->o->through_rule);
		if (!through)
			return;
	}
	if (w->entry_emitted >= w->entry_cap || w->r->n >= w->o->max_paths) {
		w->r->truncated = true;
		w->entry_full = true;
		return;
	}
	if (w->r->n == w->cap_paths) {
		w->cap_paths = w->cap_paths ? w->cap_paths * 2 : 64;
		w->r->paths = xreallocarray(w->r->paths, w->cap_paths, sizeof *w->r->paths);
	}
	struct gt_path *p = &w->r->paths[w->r->n++];
	w->entry_emitted++;
	memset(p, 0, sizeof *p);
	p->entry = entry;
	p->n_hops = n;
	p->hops = xmalloc(n * sizeof *p->hops);
	memcpy(p->hops, w->path, n * sizeof *p->hops);
	p->end = end;
	if (end == PATH_CYCLE)
		w->r->n_cycles++;
	hops_compute(g, entry, p->hops, n, w->scratch);
	const struct path_hop *last = &w->scratch[n - 1];
	p->amp_worst = last->amp_worst;
	p->amp_budgeted = last->amp_budgeted;
	p->amp_observed = last->amp_observed;
	p->exact = true;
	for (size_t k = 0; k < n; k++) {
		p->exact = p->exact && w->scratch[k].tries_exact;
		p->n_outlive += w->scratch[k].outlives;
		p->n_unsafe += w->scratch[k].unsafe_retry;
	}
}

static bool push_frame(struct walk *w, size_t depth, size_t node)
{
	struct frame *f = &w->frames[depth];
	f->node = node;
	f->begin = w->n_pool;
	successors(w, node);
	f->end = w->n_pool;
	f->next = f->begin;
	if (f->end == f->begin)
		return false;
	order(w, f->begin, f->end, depth);
	w->onstack[node] = true;
	return true;
}

static void walk_entry(struct walk *w, size_t entry)
{
	const struct paths_opts *o = w->o;
	w->entry_emitted = 0;
	w->entry_full = false;
	if (!push_frame(w, 0, entry))
		return;
	size_t nf = 1;
	while (nf > 0 && !w->stop && !w->entry_full) {
		struct frame *f = &w->frames[nf - 1];
		if (f->next == f->end) {
			w->onstack[f->node] = false;
			w->n_pool = f->begin;
			nf--;
			continue;
		}
		size_t e = w->pool[f->next++];
		if (nf == 1 && o->first_route && !rule_of_route(w->g, e, o->first_route, -1))
			continue;
		if (++w->r->steps > o->max_steps) {
			w->r->truncated = true;
			w->stop = true;
			break;
		}
		size_t to = edge_to(w->g, e);
		w->path[nf - 1] = e;
		if (w->onstack[to]) {
			emit(w, entry, nf, PATH_CYCLE);
			continue;
		}
		if (nf >= o->max_depth) {
			size_t before = w->n_pool;
			successors(w, to);
			bool more = w->n_pool > before;
			w->n_pool = before;
			if (more)
				w->r->truncated = true;
			emit(w, entry, nf, more ? PATH_DEPTH : PATH_LEAF);
			continue;
		}
		if (!push_frame(w, nf, to)) {
			emit(w, entry, nf, PATH_LEAF);
			continue;
		}
		nf++;
	}
	/* unwind whatever a cap left on the stack */
	while (nf > 0) {
		w->onstack[w->frames[nf - 1].node] = false;
		w->n_pool = w->frames[nf - 1].begin;
		nf--;
	}
}

/* ---- entries, ranking ---- */

/* Mark every node reachable from u (and the workloads serving a reached Service). */
static void reach(struct walk *w, size_t u, bool *reached)
{
	const struct callgraph *g = w->g;
	if (reached[u])
		return;
	size_t *queue = xmalloc((g->n_nodes + 1) * sizeof *queue), head = 0, tail = 0;
	reached[u] = true;
	queue[tail++] = u;
	while (head < tail) {
		size_t x = queue[head++];
		for (size_t k = g->srv_start[x]; k < g->srv_start[x + 1]; k++)
			reached[g->srv_list[k]] = true;
		size_t begin = w->n_pool;
		successors(w, x);
		for (size_t i = begin; i < w->n_pool; i++) {
			size_t to = edge_to(g, w->pool[i]);
			if (!reached[to]) {
				reached[to] = true;
				queue[tail++] = to;
			}
		}
		w->n_pool = begin;
	}
	free(queue);
}

static bool has_own_calls(const struct callgraph *g, size_t u)
{
	for (size_t k = g->out_start[u]; k < g->out_start[u + 1]; k++)
		if (!g->calls[g->out_calls[k]].covered)
			return true;
	return false;
}

static bool has_successors(struct walk *w, size_t u)
{
	size_t before = w->n_pool;
	successors(w, u);
	bool any = w->n_pool > before;
	w->n_pool = before;
	return any;
}

/* The automatic entries (see paths.h), worst first. */
static size_t auto_entries(struct walk *w, size_t **out)
{
	const struct callgraph *g = w->g;
	size_t n = g->n_nodes, count = 0;
	size_t *v = xmalloc((n + 1) * sizeof *v);
	bool *entry = xcalloc(n + 1, sizeof *entry), *served = xcalloc(n + 1, sizeof *served);
	bool *ns_covered = xcalloc(n + 1, sizeof *ns_covered);
	for (size_t u = 0; u < n; u++)
		if (g->has_in[u] || g->nodes[u].kind == CG_GATEWAY)
			for (size_t k = g->srv_start[u]; k < g->srv_start[u + 1]; k++)
				served[g->srv_list[k]] = true;
	for (size_t u = 0; u < n; u++) {
		switch (g->nodes[u].kind) {
		case CG_GATEWAY:
		case CG_ANY:
			entry[u] = has_own_calls(g, u);
			break;
		case CG_SERVICE:
		case CG_WORKLOAD:
			if (g->has_in[u] || served[u])
				break;
			entry[u] = has_own_calls(g, u) || g->srv_start[u + 1] > g->srv_start[u];
			break;
		case CG_NAMESPACE:
			break;
		}
	}
	for (size_t u = 0; u < n; u++)
		if ((g->has_in[u] || entry[u] || served[u]) && g->ns_node[u] != CG_NONE)
			ns_covered[g->ns_node[u]] = true;
	for (size_t u = 0; u < n; u++)
		if (g->nodes[u].kind == CG_NAMESPACE && !ns_covered[u] && has_own_calls(g, u))
			entry[u] = true;
	for (size_t u = 0; u < n; u++)
		if (entry[u])
			v[count++] = u;
	free(entry);
	free(served);
	free(ns_covered);
	/* worst first, then in the order the nodes were added */
	if (count > w->cap_sort) {
		w->cap_sort = count;
		w->sortbuf = xreallocarray(w->sortbuf, count, sizeof *w->sortbuf);
	}
	for (size_t i = 0; i < count; i++) {
		w->sortbuf[i].edge = v[i];
		w->sortbuf[i].key = best_below(w, v[i], 0);
	}
	if (count > 1)
		qsort(w->sortbuf, count, sizeof *w->sortbuf, cmp_key);
	for (size_t i = 0; i < count; i++)
		v[i] = w->sortbuf[i].edge;
	*out = v;
	return count;
}

static int cmp_path(const void *a, const void *b)
{
	const struct gt_path *x = a, *y = b;
	if (x->amp_budgeted != y->amp_budgeted)
		return x->amp_budgeted > y->amp_budgeted ? -1 : 1;
	if (x->amp_worst != y->amp_worst)
		return x->amp_worst > y->amp_worst ? -1 : 1;
	if (x->n_outlive != y->n_outlive)
		return x->n_outlive > y->n_outlive ? -1 : 1;
	if (x->n_unsafe != y->n_unsafe)
		return x->n_unsafe > y->n_unsafe ? -1 : 1;
	if (x->n_hops != y->n_hops)
		return x->n_hops > y->n_hops ? -1 : 1;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	for (size_t k = 0; k < x->n_hops; k++)
		if (x->hops[k] != y->hops[k])
			return x->hops[k] < y->hops[k] ? -1 : 1;
	return 0;
}

static void run_entry(struct walk *w, size_t entry, size_t remaining_entries)
{
	struct paths_result *r = w->r;
	if (r->n_entries % 64 == 0)
		r->entries = xreallocarray(r->entries, r->n_entries + 64, sizeof *r->entries);
	r->entries[r->n_entries++] = entry;
	size_t left = w->o->max_paths > r->n ? w->o->max_paths - r->n : 0;
	w->entry_cap = left / (remaining_entries ? remaining_entries : 1);
	if (w->entry_cap == 0)
		w->entry_cap = 1;
	walk_entry(w, entry);
}

/* See paths.h. */
size_t paths_analyse(struct callgraph *g, const size_t *entries, size_t n_entries,
                     const struct paths_opts *opts, struct paths_result *r)
{
	struct paths_opts defaults;
	if (!opts) {
		paths_opts_default(&defaults);
		opts = &defaults;
	}
	struct paths_opts o = *opts;
	if (o.max_depth == 0)
		o.max_depth = 1;
	memset(r, 0, sizeof *r);
	callgraph_finish(g);
	size_t n = g->n_nodes;
	struct walk w = {.g = g, .o = &o, .r = r};
	w.onstack = xcalloc(n + 1, sizeof *w.onstack);
	w.best_stack = xcalloc(n + 1, sizeof *w.best_stack);
	w.mark = xcalloc(n + 1, sizeof *w.mark);
	w.best = xmalloc((n + 1) * sizeof *w.best);
	for (size_t i = 0; i <= n; i++)
		w.best[i] = NAN;
	w.frames = xcalloc(o.max_depth + 1, sizeof *w.frames);
	w.path = xcalloc(o.max_depth + 1, sizeof *w.path);
	w.scratch = xcalloc(o.max_depth + 1, sizeof *w.scratch);

	if (entries && n_entries) {
		for (size_t i = 0; i < n_entries && !w.stop; i++)
			if (entries[i] < n)
				run_entry(&w, entries[i], n_entries - i);
	} else {
		size_t *v, count = auto_entries(&w, &v);
		for (size_t i = 0; i < count && !w.stop; i++)
			run_entry(&w, v[i], count - i);
		free(v);
		/* what only cycles reach: no entry above leads there, at any depth */
		bool *reached = xcalloc(n + 1, sizeof *reached);
		for (size_t i = 0; i < r->n_entries; i++)
			reach(&w, r->entries[i], reached);
		size_t *left = xmalloc((n + 1) * sizeof *left), n_left = 0;
		for (size_t u = 0; u < n; u++) {
			enum cg_kind k = g->nodes[u].kind;
			if (!reached[u] && (k == CG_SERVICE || k == CG_WORKLOAD) && has_successors(&w, u))
				left[n_left++] = u;
		}
		for (size_t i = 0; i < n_left && !w.stop; i++)
			if (!reached[left[i]]) {
				run_entry(&w, left[i], n_left - i);
				reach(&w, left[i], reached);
			}
		free(reached);
		free(left);
	}
	if (r->n > 1)
		qsort(r->paths, r->n, sizeof *r->paths, cmp_path);

	free(w.onstack);
	free(w.best_stack);
	free(w.mark);
	free(w.best);
	free(w.frames);
	free(w.path);
	free(w.scratch);
	free(w.pool);
	free(w.sortbuf);
	return r->n;
}

void paths_result_done(struct paths_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i].hops);
	free(r->paths);
	free(r->entries);
	memset(r, 0, sizeof *r);
}
