/* edit_paths.c: the edit form's "what this does to the call chains": the rule's new timeouts
 * and retry put into the call graph of the console's topology (callgraph_set_policy), and the
 * worst path through the rule before and after ("this makes ingress/storefront -> ... ->
 * warehouse 27x worst case (now 9x)"), plus whether a callee can newly outlive its caller
 * (TimeoutBudgetExceeded). Pure computation on the topology the console holds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/callgraph.h"
#include "gammatop/console.h"
#include "gammatop/duration.h"
#include "gammatop/paths.h"
#include "gammatop/policy.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include "view_edit_int.h"

static int64_t ms_of(bool has, const char *s)
{
	uint64_t ms;
	if (!has)
		return -1;
	return duration_parse(s, &ms, NULL, 0) < 0 ? -1 : (int64_t)ms;
}

/* The worst path through rule of route in g: its index into r, or -1. */
static long worst(struct callgraph *g, const char *route, int rule, struct paths_result *r)
{
	struct paths_opts o;
	paths_opts_default(&o);
	o.through_route = route;
	o.through_rule = rule;
	paths_analyse(g, NULL, 0, &o, r);
	return r->n ? 0 : -1;
}

char *edit_paths_effect(struct console *c, const char *route, int rule, const struct policy *target)
{
	if (!c || !c->topo || !route || rule < 0 || !target)
		return NULL;
	struct callgraph *g = callgraph_from_topology(c->topo);
	size_t ri = callgraph_find_rule(g, route, (size_t)rule);
	if (ri == CG_NONE) {
		callgraph_free(g);
		return NULL;
	}
	struct paths_result before, after;
	long wb = worst(g, route, rule, &before);
	struct cg_policy p = g->rules[ri].policy; /* keeps what the form does not edit (methods) */
	p.has_retry = target->has_retry;
	p.attempts = !target->has_retry ? 0 : target->attempts;
	p.request_ms = ms_of(target->has_request, target->request);
	p.backend_ms = ms_of(target->has_backend_request, target->backend_request);
	p.backoff_ms = target->has_retry ? ms_of(target->has_backoff, target->backoff) : -1;
	p.n_codes = target->has_retry ? target->n_codes : 0;
	callgraph_set_policy(g, route, (size_t)rule, &p);
	long wa = worst(g, route, rule, &after);
	char *text = NULL;
	if (wa >= 0 && wb >= 0) {
		char desc[512];
		const struct gt_path *a = &after.paths[wa], *b = &before.paths[wb];
		paths_describe(g, a, desc, sizeof desc);
		char *clean = str_sanitize(desc);
		double threshold = 10; /* paths_opts_default */
		size_t outlive_a = 0, outlive_b = 0;
		for (size_t i = 0; i < after.n; i++)
			outlive_a += after.paths[i].n_outlive;
		for (size_t i = 0; i < before.n; i++)
			outlive_b += before.paths[i].n_outlive;
		text = xasprintf("paths: this makes %s %s%.0fx worst case (now %s%.0fx)%s%s", clean,
		                 a->exact ? "" : ">=", a->amp_worst, b->exact ? "" : ">=", b->amp_worst,
		                 a->amp_worst > threshold ? ": over the RetryAmplification threshold (10x)"
		                 : b->amp_worst > threshold ? ": below the RetryAmplification threshold" : "",
		                 outlive_a > outlive_b ? "; a callee can then outlive its caller's try "
		                                         "(TimeoutBudgetExceeded)"
		                 : outlive_a < outlive_b ? "; fixes a callee outliving its caller's try" : "");
		free(clean);
	}
	paths_result_done(&before);
	paths_result_done(&after);
	callgraph_free(g);
	return text;
}
