/* paths_findings.c: the findings of a path analysis, each naming the path, the rules and the
 * fix: RetryAmplification (one per rule named as the fix, for its worst path), and
 * TimeoutBudgetExceeded (one per caller/callee rule pair), NonIdempotentRetry (one per rule);
 * and paths_lint, the static analysis lint_run adds. Pure code. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/duration.h"
#include "gammatop/lint.h"
#include "gammatop/paths.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#define MSG 4096

/* "httproute/shop/api rule 0" (or "... rule 0 (name)") */
static void rule_text(const struct callgraph *g, size_t r, char *buf, size_t n)
{
	if (r == CG_NONE) {
		str_copy(buf, "no route", n);
		return;
	}
	const struct cg_rule *rule = &g->rules[r];
	if (rule->name)
		snprintf(buf, n, "%s rule %zu (%s)", rule->route, rule->index, rule->name);
	else
		snprintf(buf, n, "%s rule %zu", rule->route, rule->index);
}

static void field_of(const struct callgraph *g, size_t r, const char *rest, char *buf, size_t n)
{
	snprintf(buf, n, "spec.rules[%zu].%s", g->rules[r].index, rest);
}

static const char *ms_text(int64_t ms, char *buf, size_t n)
{
	return duration_format(ms < 0 ? 0 : (uint64_t)ms, buf, n);
}

/* Append printf text to buf (n bytes, at *at). */
static void add(char *buf, size_t n, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t n, size_t *at, const char *fmt, ...)
{
	if (*at >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf + *at, n - *at, fmt, ap);
	va_end(ap);
	*at = w < 0 ? n : *at + (size_t)w;
}

/* ---- a set of (a, b) pairs ---- */

struct pairset {
	uint64_t *k; /* key + 1; 0 empty */
	size_t cap, n;
};

/* Insert; true when it was not there yet. */
static bool pairset_add(struct pairset *s, size_t a, size_t b)
{
	uint64_t key = ((uint64_t)a << 32 ^ (uint64_t)b) + 1;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		uint64_t *nk = xcalloc(ncap, sizeof *nk);
		for (size_t i = 0; i < s->cap; i++)
			if (s->k[i]) {
				size_t at = (s->k[i] * 0x9e3779b97f4a7c15ULL >> 17) & (ncap - 1);
				while (nk[at])
					at = (at + 1) & (ncap - 1);
				nk[at] = s->k[i];
			}
		free(s->k);
		s->k = nk;
		s->cap = ncap;
	}
	size_t at = (key * 0x9e3779b97f4a7c15ULL >> 17) & (s->cap - 1);
	for (; s->k[at]; at = (at + 1) & (s->cap - 1))
		if (s->k[at] == key)
			return false;
	s->k[at] = key;
	s->n++;
	return true;
}

/* ---- RetryAmplification ---- */

/* Which hop to fix before which: the one that multiplies most first; among equals the one
 * nearest the middle of the path (the edge's retries keep the user's request alive and the
 * innermost are nearest the failure: the middle ones add load and the least else), then the
 * earlier one. Negative when hop a comes first. */
static int fix_order(const struct path_hop *h, size_t n, size_t a, size_t b)
{
	if (fabs(h[a].tries_budgeted - h[b].tries_budgeted) > 1e-9)
		return h[a].tries_budgeted > h[b].tries_budgeted ? -1 : 1;
	long da = labs((long)(2 * a) - (long)(n - 1)), db = labs((long)(2 * b) - (long)(n - 1));
	if (da != db)
		return da < db ? -1 : 1;
	return (a > b) - (a < b);
}

/* The fix of a path: hops in fix order, each either lowered (new attempts) or stripped of its
 * retry, until the product is at most threshold. Writes the hop indices into order (n of
 * them) and returns how many hops the fix changes; *last_attempts is the attempts of the last
 * changed hop (-1: its retry removed), *after the product after the fix. */
static size_t plan_fix(const struct path_hop *h, size_t n, double product, double threshold,
                       size_t *order, int *last_attempts, double *after)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k > 0 && fix_order(h, n, i, order[k - 1]) < 0) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	size_t used = 0;
	*last_attempts = -1;
	for (size_t i = 0; i < n && product > threshold; i++) {
		const struct path_hop *x = &h[order[i]];
		if (x->rule == CG_NONE || x->tries_budgeted <= 1)
			break; /* nothing left to lower */
		double rest = product / x->tries_budgeted;
		double fit = floor(threshold / rest + 1e-9);
		used++;
		if (fit >= 2 && fit < x->tries) {
			*last_attempts = (int)fit - 1;
			product = rest * fit;
			break;
		}
		*last_attempts = -1;
		product = rest;
	}
	*after = product;
	return used;
}

static void hop_name(const struct callgraph *g, const struct path_hop *h, char *buf, size_t n)
{
	snprintf(buf, n, "%s->%s", g->nodes[h->from].label, g->nodes[h->to].label);
}

static void amplification_message(const struct callgraph *g, const struct gt_path *p,
                                  const struct path_hop *h, double threshold, size_t others,
                                  char *msg, size_t n)
{
	char path[1024], rt[600], hn[300];
	size_t at = 0, last = p->n_hops - 1;
	const char *entry = g->nodes[p->entry].label, *callee = g->nodes[h[last].to].label;
	paths_describe(g, p, path, sizeof path);
	bool budgets = fabs(p->amp_budgeted - p->amp_worst) > 1e-9;
	add(msg, n, &at, "%s: %s %.3gx requests reach %s per request at %s when every try fails",
	    path, budgets ? "about" : p->exact ? "up to" : "at least", p->amp_budgeted, callee, entry);
	if (budgets)
		add(msg, n, &at, " (an estimate with the retry budgets on the path; %.3gx without)",
		    p->amp_worst);
	add(msg, n, &at, " (tries");
	for (size_t k = 0; k <= last; k++)
		add(msg, n, &at, "%s%d%s", k ? " x " : " ", h[k].tries, h[k].tries_exact ? "" : "+");
	add(msg, n, &at, ":");
	for (size_t k = 0; k <= last; k++) {
		rule_text(g, h[k].rule, rt, sizeof rt);
		add(msg, n, &at, "%s %s", k ? "," : "", rt);
	}
	add(msg, n, &at, ")");
	if (!isnan(p->amp_observed))
		add(msg, n, &at, "; observed %.3gx", p->amp_observed);
	size_t *order = xmalloc(p->n_hops * sizeof *order);
	int attempts;
	double after;
	size_t used = plan_fix(h, p->n_hops, p->amp_budgeted, threshold, order, &attempts, &after);
	/* "remove the retries of a->b and b->c and lower c->d retry.attempts from 2 to 1" */
	size_t removed = used - (attempts >= 0 ? 1 : 0);
	add(msg, n, &at, "; fix:");
	if (removed)
		add(msg, n, &at, " remove the retr%s of", removed == 1 ? "y" : "ies");
	for (size_t i = 0; i < removed; i++) {
		hop_name(g, &h[order[i]], hn, sizeof hn);
		add(msg, n, &at, "%s%s", i == 0 ? " " : i + 1 == removed ? " and " : ", ", hn);
	}
	if (attempts >= 0) {
		hop_name(g, &h[order[used - 1]], hn, sizeof hn);
		add(msg, n, &at, "%s lower %s retry.attempts from %d to %d", removed ? " and" : "", hn,
		    h[order[used - 1]].tries - 1, attempts);
	}
	add(msg, n, &at, " (%.3gx)", after);
	const struct cg_node *to = &g->nodes[h[order[0]].to];
	add(msg, n, &at, ", or %s a retry budget (XBackendTrafficPolicy) on %s",
	    to->budget.set ? "lower" : "add", to->label);
	if (others)
		add(msg, n, &at, "; %zu more path%s over the threshold through this rule", others,
		    others == 1 ? "" : "s");
	free(order);
}

static void find_amplification(const struct callgraph *g, const struct paths_result *r,
                               double threshold, struct findings *out)
{
	/* per rule named as the fix: its worst path (the first, r is worst first) and a count */
	size_t *first = xmalloc((g->n_rules + 1) * sizeof *first);
	size_t *count = xcalloc(g->n_rules + 1, sizeof *count);
	size_t *order = NULL, cap_order = 0;
	double o_threshold = threshold;
	for (size_t i = 0; i < g->n_rules; i++)
		first[i] = CG_NONE;
	struct path_hop *h = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct gt_path *p = &r->paths[i];
		if (!(p->amp_budgeted > threshold) || p->n_hops == 0)
			continue;
		if (p->n_hops > cap) {
			cap = p->n_hops;
			h = xreallocarray(h, cap, sizeof *h);
		}
		paths_hops(g, p, h);
		if (p->n_hops > cap_order) {
			cap_order = p->n_hops;
			order = xreallocarray(order, cap_order, sizeof *order);
		}
		int attempts;
		double after;
		if (!plan_fix(h, p->n_hops, p->amp_budgeted, o_threshold, order, &attempts, &after))
			continue;
		size_t rule = h[order[0]].rule;
		if (first[rule] == CG_NONE)
			first[rule] = i;
		count[rule]++;
	}
	char *msg = xmalloc(MSG);
	char field[96];
	for (size_t rule = 0; rule < g->n_rules; rule++) {
		if (first[rule] == CG_NONE)
			continue;
		const struct gt_path *p = &r->paths[first[rule]];
		if (p->n_hops > cap) {
			cap = p->n_hops;
			h = xreallocarray(h, cap, sizeof *h);
		}
		paths_hops(g, p, h);
		amplification_message(g, p, h, threshold, count[rule] - 1, msg, MSG);
		field_of(g, rule, "retry.attempts", field, sizeof field);
		findings_add(out, LINT_RETRY_AMPLIFICATION, g->rules[rule].route, field, "%s", msg);
	}
	free(msg);
	free(h);
	free(first);
	free(count);
	free(order);
}

/* ---- TimeoutBudgetExceeded ---- */

/* "3s (3 tries x 1s + 2 x 100ms backoff, within request 5s)" */
static void span_text(const struct cg_policy *p, int64_t span, char *buf, size_t n)
{
	char a[40], b[40], c[40];
	size_t at = 0;
	if (span == PATHS_NO_LIMIT) {
		str_copy(buf, "with no limit at all (request 0s and no backendRequest)", n);
		return;
	}
	add(buf, n, &at, "%s (", ms_text(span, a, sizeof a));
	/* "2s900ms (3 tries x backendRequest 900ms + 2 x backoff 100ms)" */
	int tries = cg_policy_tries(p, NULL);
	if (p->request_ms > 0 && span == p->request_ms)
		add(buf, n, &at, "its request timeout");
	else
		add(buf, n, &at, "%d %s x backendRequest %s", tries, tries == 1 ? "try" : "tries",
		    ms_text(p->backend_ms, b, sizeof b));
	if (p->backoff_ms > 0 && tries > 1 && !(p->request_ms > 0 && span == p->request_ms))
		add(buf, n, &at, " + %d x backoff %s", tries - 1, ms_text(p->backoff_ms, c, sizeof c));
	if (p->request_ms < 0)
		add(buf, n, &at, ", no request timeout set");
	add(buf, n, &at, ")");
}

static void timeout_message(const struct callgraph *g, const struct gt_path *p,
                            const struct path_hop *caller, const struct path_hop *callee,
                            char *msg, size_t n)
{
	char path[1024], ra[600], rb[600], span[200], lim[40], l2[40];
	size_t at = 0;
	const struct cg_policy *pa = &g->rules[caller->rule].policy;
	const struct cg_policy *pb = &g->rules[callee->rule].policy;
	const char *up = g->nodes[caller->from].label, *mid = g->nodes[callee->from].label;
	const char *down = g->nodes[callee->to].label;
	paths_describe(g, p, path, sizeof path);
	rule_text(g, caller->rule, ra, sizeof ra);
	rule_text(g, callee->rule, rb, sizeof rb);
	span_text(pb, callee->span_ms, span, sizeof span);
	bool per_try = pa->backend_ms > 0 && caller->limit_ms == pa->backend_ms;
	ms_text(caller->limit_ms, lim, sizeof lim);
	add(msg, n, &at,
	    "%s: %s can wait on %s for %s under %s, but %s gives up on each try to %s after %s "
	    "(%s of %s): %s and %s work on for a request that has been abandoned",
	    path, mid, down, span, rb, up, mid, lim, per_try ? "backendRequest" : "request", ra, mid,
	    down);
	if (pa->has_retry && cg_policy_tries(pa, NULL) > 1)
		add(msg, n, &at, ", while %s's retries send it again", up);
	add(msg, n, &at, "; fix: make %s give up on %s within %s (timeouts.request of %s at most "
	                 "%s, backendRequest and retries inside it)",
	    mid, down, lim, rb, ms_text(caller->limit_ms, l2, sizeof l2));
	if (callee->span_ms != PATHS_NO_LIMIT)
		add(msg, n, &at, ", or raise the %s of %s above %s",
		    per_try ? "backendRequest" : "request timeout", ra,
		    ms_text(callee->span_ms, l2, sizeof l2));
}

static void find_timeouts(const struct callgraph *g, const struct paths_result *r,
                          struct findings *out)
{
	struct pairset seen = {0};
	size_t *first = xmalloc((g->n_rules + 1) * sizeof *first);
	size_t *at_hop = xcalloc(g->n_rules + 1, sizeof *at_hop);
	size_t *callers = xcalloc(g->n_rules + 1, sizeof *callers);
	for (size_t i = 0; i < g->n_rules; i++)
		first[i] = CG_NONE;
	struct path_hop *h = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct gt_path *p = &r->paths[i];
		if (!p->n_outlive)
			continue;
		if (p->n_hops > cap) {
			cap = p->n_hops;
			h = xreallocarray(h, cap, sizeof *h);
		}
		paths_hops(g, p, h);
		for (size_t k = 1; k < p->n_hops; k++) {
			size_t rule = h[k].rule;
			if (!h[k].outlives || h[k - 1].rule == CG_NONE || rule == CG_NONE)
				continue;
			if (first[rule] == CG_NONE) {
				first[rule] = i;
				at_hop[rule] = k;
			}
			if (pairset_add(&seen, h[k - 1].rule, rule))
				callers[rule]++;
		}
	}
	char *msg = xmalloc(MSG);
	char field[96];
	for (size_t rule = 0; rule < g->n_rules; rule++) {
		if (first[rule] == CG_NONE)
			continue;
		const struct gt_path *p = &r->paths[first[rule]];
		if (p->n_hops > cap) {
			cap = p->n_hops;
			h = xreallocarray(h, cap, sizeof *h);
		}
		paths_hops(g, p, h);
		size_t k = at_hop[rule];
		timeout_message(g, p, &h[k - 1], &h[k], msg, MSG);
		if (callers[rule] > 1) {
			size_t len = strlen(msg);
			snprintf(msg + len, MSG - len, "; %zu more caller rule%s with the same problem",
			         callers[rule] - 1, callers[rule] == 2 ? "" : "s");
		}
		field_of(g, rule, "timeouts", field, sizeof field);
		findings_add(out, LINT_TIMEOUT_BUDGET_EXCEEDED, g->rules[rule].route, field, "%s",
		             msg);
	}
	free(seen.k);
	free(h);
	free(msg);
	free(first);
	free(at_hop);
	free(callers);
}

/* ---- NonIdempotentRetry ---- */

static void find_unsafe(const struct callgraph *g, const struct paths_result *r,
                        struct findings *out)
{
	/* the worst path through each rule (r is worst first) */
	size_t *first = xmalloc((g->n_rules + 1) * sizeof *first);
	for (size_t i = 0; i < g->n_rules; i++)
		first[i] = CG_NONE;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->paths[i].n_hops; k++) {
			size_t rule = g->edges[r->paths[i].hops[k]].rule;
			if (rule != CG_NONE && first[rule] == CG_NONE)
				first[rule] = i;
		}
	/* a rule under several parents: its first entry speaks for all */
	for (size_t k = 0; k < g->n_rules; k++) {
		size_t head = callgraph_find_rule(g, g->rules[k].route, g->rules[k].index);
		if (head != k && first[k] != CG_NONE && (first[head] == CG_NONE || first[k] < first[head]))
			first[head] = first[k];
	}
	char *msg = xmalloc(MSG);
	char field[96], path[1024], b[40];
	for (size_t i = 0; i < g->n_rules; i++) {
		const struct cg_rule *rule = &g->rules[i];
		const struct cg_policy *p = &rule->policy;
		if (!p->has_retry || p->attempts == 0 || p->n_codes || !p->non_idempotent)
			continue;
		/* one finding per route rule, whatever the number of parents */
		if (callgraph_find_rule(g, rule->route, rule->index) != i)
			continue;
		size_t best = first[i];
		size_t at = 0;
		if (p->attempts > 0)
			add(msg, MSG, &at, "retries (attempts %d) without retry codes", p->attempts);
		else
			add(msg, MSG, &at, "retries (attempts unset: the implementation's default) without "
			                   "retry codes");
		add(msg, MSG, &at,
		    " on a rule that %s: which failures are retried is left to the implementation "
		    "(GEP-1731), and a request that failed after the backend processed it is sent again "
		    "(a second order, a second payment)",
		    p->any_method ? "admits every method (no match restricts it)"
		                  : "matches POST, PATCH or CONNECT");
		if (p->backend_ms > 0)
			add(msg, MSG, &at, "; with backendRequest %s a try that timed out is retried even "
			                   "if it was processed", ms_text(p->backend_ms, b, sizeof b));
		if (best != CG_NONE)
			add(msg, MSG, &at, "; on %s",
			    paths_describe(g, &r->paths[best], path, sizeof path));
		add(msg, MSG, &at, "; fix: list the codes to retry (e.g. 503), or give POST and PATCH "
		                   "their own rule without retry (method matches)");
		field_of(g, i, "retry", field, sizeof field);
		findings_add(out, LINT_NON_IDEMPOTENT_RETRY, rule->route, field, "%s", msg);
	}
	free(msg);
	free(first);
}

/* See paths.h. */
void paths_findings(const struct callgraph *g, const struct paths_result *r,
                    const struct paths_opts *o, struct findings *out)
{
	struct paths_opts defaults;
	if (!o) {
		paths_opts_default(&defaults);
		o = &defaults;
	}
	find_amplification(g, r, o->threshold, out);
	find_timeouts(g, r, out);
	find_unsafe(g, r, out);
}

/* See paths.h. */
void paths_lint(const struct gt_topology *t, struct findings *out)
{
	struct callgraph *g = callgraph_from_topology(t);
	struct paths_opts o;
	paths_opts_default(&o);
	o.max_paths = 10000;
	struct paths_result r;
	paths_analyse(g, NULL, 0, &o, &r);
	paths_findings(g, &r, &o, out);
	paths_result_done(&r);
	callgraph_free(g);
}
