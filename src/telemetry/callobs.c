/* callobs.c: observed rates of the call graph from per-rule figures (see callobs.h). */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/callobs.h"
#include "gammatop/str.h"
#include "gammatop/strmap.h"
#include "gammatop/xalloc.h"

/* Per route: the one rule index it has (index + 1), or MULTI when it has several. */
#define MULTI ((uintptr_t)-1)

/* The figures of rule r (its own, else its route's when the route has that one rule). */
static bool rule_figures(const struct strmap *routes, callobs_lookup lookup, void *ud,
                         const struct cg_rule *r, double f[3])
{
	f[0] = f[1] = f[2] = NAN;
	if (lookup(r->route, (int)r->index, f, ud))
		return true;
	if ((uintptr_t)strmap_get(routes, r->route) == MULTI)
		return false; /* the route's figures cover other rules too */
	f[0] = f[1] = f[2] = NAN;
	return lookup(r->route, -1, f, ud);
}

static bool set_lookup(const char *route, int rule, double f[3], void *ud)
{
	const struct figure *x = figures_set_find(ud, route, rule);
	if (!x)
		return false;
	f[CALLOBS_RPS] = x->f[FIG_RPS];
	f[CALLOBS_RETRY] = x->f[FIG_RETRY];
	f[CALLOBS_TIMEOUT] = x->f[FIG_TIMEOUT];
	return true;
}

size_t callobs_apply(struct callgraph *g, const struct figures_set *set)
{
	return set ? callobs_apply_fn(g, set_lookup, (void *)set) : 0;
}

size_t callobs_apply_fn(struct callgraph *g, callobs_lookup lookup, void *ud)
{
	if (!g->n_calls)
		return 0;
	size_t nc = g->n_calls;
	double *req = xmalloc(nc * sizeof *req), *tries = xmalloc(nc * sizeof *tries);
	double *retries = xmalloc(nc * sizeof *retries), *tmo = xmalloc(nc * sizeof *tmo);
	bool *known = xcalloc(nc, sizeof *known), *unknown = xcalloc(nc, sizeof *unknown);
	for (size_t c = 0; c < nc; c++)
		req[c] = tries[c] = retries[c] = tmo[c] = 0;
	/* parents per (route, index): the rule's figures count every parent together; and
	 * which routes have several rules (hash maps: 10,000 routes stay linear) */
	size_t *parents = xcalloc(g->n_rules + 1, sizeof *parents);
	struct strmap per_rule, routes;
	strmap_init(&per_rule, NULL);
	strmap_init(&routes, NULL);
	char key[1100];
	for (size_t i = 0; i < g->n_rules; i++) {
		snprintf(key, sizeof key, "%s\x1f%zu", g->rules[i].route, g->rules[i].index);
		void **slot = strmap_slot(&per_rule, key, NULL);
		*slot = (void *)((uintptr_t)*slot + 1);
		slot = strmap_slot(&routes, g->rules[i].route, NULL);
		if (!*slot)
			*slot = (void *)(uintptr_t)(g->rules[i].index + 1);
		else if ((uintptr_t)*slot != g->rules[i].index + 1)
			*slot = (void *)MULTI;
	}
	for (size_t i = 0; i < g->n_rules; i++) {
		snprintf(key, sizeof key, "%s\x1f%zu", g->rules[i].route, g->rules[i].index);
		parents[i] = (uintptr_t)strmap_get(&per_rule, key);
	}
	for (size_t e = 0; e < g->n_edges; e++) {
		const struct cg_edge *ed = &g->edges[e];
		size_t c = ed->call;
		if (ed->rule == CG_NONE) {
			unknown[c] = true;
			continue;
		}
		const struct cg_rule *r = &g->rules[ed->rule];
		double f[3];
		rule_figures(&routes, lookup, ud, r, f);
		double rps = f[CALLOBS_RPS], rr = f[CALLOBS_RETRY], tr = f[CALLOBS_TIMEOUT];
		if (isnan(rps)) {
			unknown[c] = true;
			continue;
		}
		if (isnan(rr) && !r->policy.has_retry)
			rr = 0; /* no retry policy: every request is one try */
		double share = ed->weight / (double)(parents[ed->rule] ? parents[ed->rule] : 1);
		double q = rps * share;
		double t = isnan(rr) || rr >= 1 ? NAN : q / (1 - rr);
		req[c] += q;
		tries[c] += t;
		retries[c] += isnan(t) ? NAN : t * rr;
		tmo[c] += isnan(tr) ? NAN : q * tr;
		known[c] = true;
	}
	/* Istio measures at the destination per Service (every try counted, retries not told
	 * apart): a Service with one inbound call only gets its figures on that call. */
	size_t *in_calls = xcalloc(g->n_nodes + 1, sizeof *in_calls);
	for (size_t c = 0; c < nc; c++)
		in_calls[g->calls[c].to]++;
	for (size_t c = 0; c < nc; c++) {
		const struct cg_node *to = &g->nodes[g->calls[c].to];
		if ((known[c] && !unknown[c]) || in_calls[g->calls[c].to] != 1 || to->kind != CG_SERVICE)
			continue;
		char id[1100];
		snprintf(id, sizeof id, "service/%s/%s", to->ns, to->name);
		double f[3] = {NAN, NAN, NAN};
		if (!lookup(id, -1, f, ud) || isnan(f[CALLOBS_RPS]))
			continue;
		req[c] = NAN; /* client requests: not told apart from retries */
		tries[c] = f[CALLOBS_RPS];
		retries[c] = NAN;
		tmo[c] = isnan(f[CALLOBS_TIMEOUT]) ? NAN : f[CALLOBS_RPS] * f[CALLOBS_TIMEOUT];
		known[c] = true;
		unknown[c] = false;
	}
	free(in_calls);
	size_t n = 0;
	double *gw = xcalloc(g->n_nodes + 1, sizeof *gw);
	bool *gw_unknown = xcalloc(g->n_nodes + 1, sizeof *gw_unknown);
	for (size_t c = 0; c < nc; c++) {
		if (!known[c] || unknown[c]) {
			if (g->nodes[g->calls[c].from].kind == CG_GATEWAY)
				gw_unknown[g->calls[c].from] = true;
			continue;
		}
		callgraph_observe(g, c, tries[c], retries[c], tmo[c]);
		if (g->nodes[g->calls[c].from].kind == CG_GATEWAY) {
			if (isnan(req[c]))
				gw_unknown[g->calls[c].from] = true;
			else
				gw[g->calls[c].from] += req[c];
		}
		n++;
	}
	for (size_t i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].kind == CG_GATEWAY && !gw_unknown[i] && gw[i] > 0)
			callgraph_set_node_rate(g, i, gw[i]);
	free(gw);
	free(gw_unknown);
	free(parents);
	strmap_done(&per_rule);
	strmap_done(&routes);
	free(req);
	free(tries);
	free(retries);
	free(tmo);
	free(known);
	free(unknown);
	return n;
}
