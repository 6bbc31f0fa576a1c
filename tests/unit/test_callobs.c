/* test_callobs.c: observed call rates from per-rule figures (src/telemetry/callobs.c) on
 * hand-built call graphs, and the tree/JSON/DOT of the path analysis (src/export/pathsout.c):
 * tries from requests and the retry share, a rule split over its parents and by weight, a
 * route's figures used only for a one-rule route, Istio's per-Service figures for a Service
 * with one caller, unknown stays unknown (NAN, "unknown", null — never 0), the per-path
 * observed amplification, and cluster text escaped in DOT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/callobs.h"
#include "gammatop/pathsout.h"

struct fig {
	const char *route;
	int rule;
	double rps, retry, timeout;
};

static bool lookup(const char *route, int rule, double f[3], void *ud)
{
	for (const struct fig *x = ud; x->route; x++)
		if (!strcmp(x->route, route) && x->rule == rule) {
			f[CALLOBS_RPS] = x->rps;
			f[CALLOBS_RETRY] = x->retry;
			f[CALLOBS_TIMEOUT] = x->timeout;
			return true;
		}
	return false;
}

static struct cg_policy retry(int attempts)
{
	struct cg_policy p = {.has_retry = attempts > 0, .attempts = attempts, .request_ms = -1,
	                      .backend_ms = -1, .backoff_ms = -1};
	return p;
}

/* gw --(r0: 2 retries)--> a --(ns a, r1: 1 retry)--> b --(ns b, r2: none)--> c */
static struct callgraph *chain(size_t *calls)
{
	struct callgraph *g = callgraph_new();
	size_t gw = callgraph_node(g, CG_GATEWAY, "edge", "gw");
	size_t a = callgraph_node(g, CG_SERVICE, "a", "a"), na = callgraph_node(g, CG_NAMESPACE, "a", NULL);
	size_t b = callgraph_node(g, CG_SERVICE, "b", "b"), nb = callgraph_node(g, CG_NAMESPACE, "b", NULL);
	size_t c = callgraph_node(g, CG_SERVICE, "c", "c");
	struct cg_policy p0 = retry(2), p1 = retry(1), p2 = retry(0);
	size_t r0 = callgraph_rule(g, "httproute/a/front", 0, NULL, TOPO_GATEWAY, gw, &p0);
	size_t r1 = callgraph_rule(g, "httproute/a/to-b", 0, NULL, TOPO_CONSUMER, b, &p1);
	size_t r2 = callgraph_rule(g, "httproute/b/to-c", 0, NULL, TOPO_CONSUMER, c, &p2);
	calls[0] = callgraph_add_call(g, gw, a, CG_STATIC);
	calls[1] = callgraph_add_call(g, na, b, CG_STATIC);
	calls[2] = callgraph_add_call(g, nb, c, CG_STATIC);
	callgraph_add_edge(g, calls[0], r0, 1);
	callgraph_add_edge(g, calls[1], r1, 1);
	callgraph_add_edge(g, calls[2], r2, 1);
	return g;
}

static void test_rates(void **state)
{
	(void)state;
	size_t k[3];
	struct callgraph *g = chain(k);
	/* front: 100 requests, 20 % of tries are retries -> 125 tries; to-b: the route's figures
	 * (one rule); to-c: nothing */
	const struct fig figs[] = {{"httproute/a/front", 0, 100, 0.2, 0.01},
	                           {"httproute/a/to-b", -1, 125, 0.5, 0}, {NULL, 0, 0, 0, 0}};
	assert_int_equal(callobs_apply_fn(g, lookup, (void *)figs), 2);
	assert_true(fabs(g->calls[k[0]].rps - 125) < 1e-9);
	assert_true(fabs(g->calls[k[0]].retry_rps - 25) < 1e-9);
	assert_true(fabs(g->calls[k[0]].timeout_rps - 1) < 1e-9);
	assert_true(fabs(g->calls[k[1]].rps - 250) < 1e-9);
	assert_true(isnan(g->calls[k[2]].rps)); /* unknown, not 0 */
	callgraph_finish(g);
	assert_true(fabs(callgraph_in_rps(g, callgraph_find_node(g, CG_GATEWAY, "edge", "gw")) - 100) < 1e-9);

	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_int_equal(r.n, 1);
	assert_true(r.paths[0].amp_worst == 6);
	/* the per-path observed amplification: 250 tries at b per 100 requests entering */
	json_t *j = pathsout_json(g, &r);
	json_t *hops = json_object_get(json_array_get(json_object_get(j, "paths"), 0), "hops");
	assert_true(fabs(json_real_value(json_object_get(json_array_get(hops, 0), "ampObserved")) - 1.25) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(json_array_get(hops, 1), "ampObserved")) - 2.5) < 1e-9);
	assert_true(json_is_null(json_object_get(json_array_get(hops, 2), "ampObserved")));
	assert_true(json_is_null(json_object_get(json_array_get(hops, 2), "rps")));
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "paths"), 0), "ampObserved")));
	json_decref(j);
	struct buf b;
	buf_init(&b);
	pathsout_table(g, &r, true, &b);
	const char *t = buf_str(&b);
	assert_non_null(strstr(t, "gw (gateway)"));
	assert_non_null(strstr(t, "`- a"));
	assert_non_null(strstr(t, "125.0"));
	assert_non_null(strstr(t, "20.0%"));
	assert_non_null(strstr(t, "1.25x"));
	assert_non_null(strstr(t, "6x"));
	assert_null(strstr(t, " 0.0 ")); /* c's unknown rate is not 0 */
	assert_non_null(strstr(t, "unknown"));
	buf_done(&b);
	paths_result_done(&r);
	callgraph_free(g);
}

static void test_route_figures_need_one_rule(void **state)
{
	(void)state;
	struct callgraph *g = callgraph_new();
	size_t gw = callgraph_node(g, CG_GATEWAY, "edge", "gw");
	size_t a = callgraph_node(g, CG_SERVICE, "a", "a"), b = callgraph_node(g, CG_SERVICE, "a", "b");
	struct cg_policy p = retry(0);
	size_t r0 = callgraph_rule(g, "httproute/a/two", 0, NULL, TOPO_GATEWAY, gw, &p);
	size_t r1 = callgraph_rule(g, "httproute/a/two", 1, NULL, TOPO_GATEWAY, gw, &p);
	size_t ca = callgraph_add_call(g, gw, a, CG_STATIC), cb = callgraph_add_call(g, gw, b, CG_STATIC);
	callgraph_add_edge(g, ca, r0, 1);
	callgraph_add_edge(g, cb, r1, 1);
	/* Linkerd-style figures for the whole two-rule route: not attributable to a rule */
	const struct fig figs[] = {{"httproute/a/two", -1, 50, 0, 0}, {NULL, 0, 0, 0, 0}};
	assert_int_equal(callobs_apply_fn(g, lookup, (void *)figs), 0);
	assert_true(isnan(g->calls[ca].rps) && isnan(g->calls[cb].rps));
	callgraph_free(g);
}

static void test_split_and_istio(void **state)
{
	(void)state;
	struct callgraph *g = callgraph_new();
	size_t g1 = callgraph_node(g, CG_GATEWAY, "edge", "one"), g2 = callgraph_node(g, CG_GATEWAY, "edge", "two");
	size_t a = callgraph_node(g, CG_SERVICE, "a", "a"), canary = callgraph_node(g, CG_SERVICE, "a", "canary");
	size_t any = callgraph_node(g, CG_ANY, NULL, NULL), s = callgraph_node(g, CG_SERVICE, "s", "solo");
	struct cg_policy p = retry(0);
	/* one rule under two Gateways, 90/10 over two backends: 200 rps -> 90, 10 per Gateway */
	size_t r1 = callgraph_rule(g, "httproute/a/split", 0, NULL, TOPO_GATEWAY, g1, &p);
	size_t r2 = callgraph_rule(g, "httproute/a/split", 0, NULL, TOPO_GATEWAY, g2, &p);
	size_t c1 = callgraph_add_call(g, g1, a, CG_STATIC), c2 = callgraph_add_call(g, g1, canary, CG_STATIC);
	size_t c3 = callgraph_add_call(g, g2, a, CG_STATIC);
	callgraph_add_edge(g, c1, r1, 0.9);
	callgraph_add_edge(g, c2, r1, 0.1);
	callgraph_add_edge(g, c3, r2, 0.9);
	/* a Service only "any" calls, no route figures: Istio's per-Service figures */
	size_t rs = callgraph_rule(g, "httproute/s/solo", 0, NULL, TOPO_PRODUCER, s, &p);
	size_t c4 = callgraph_add_call(g, any, s, CG_STATIC);
	callgraph_add_edge(g, c4, rs, 1);
	const struct fig figs[] = {{"httproute/a/split", 0, 200, 0, 0.5},
	                           {"service/s/solo", -1, 40, NAN, 0.25}, {NULL, 0, 0, 0, 0}};
	assert_int_equal(callobs_apply_fn(g, lookup, (void *)figs), 4);
	assert_true(fabs(g->calls[c1].rps - 90) < 1e-9);
	assert_true(fabs(g->calls[c2].rps - 10) < 1e-9);
	assert_true(fabs(g->calls[c3].rps - 90) < 1e-9);
	assert_true(fabs(g->calls[c1].timeout_rps - 45) < 1e-9);
	assert_true(fabs(g->calls[c4].rps - 40) < 1e-9);
	assert_true(isnan(g->calls[c4].retry_rps)); /* Istio does not tell retries apart */
	assert_true(fabs(g->calls[c4].timeout_rps - 10) < 1e-9);
	callgraph_free(g);
}

static void test_dot_escapes(void **state)
{
	(void)state;
	struct callgraph *g = callgraph_new();
	size_t gw = callgraph_node(g, CG_GATEWAY, "edge", "g\"w\x1b[31m");
	size_t a = callgraph_node(g, CG_SERVICE, "a", "a\\b");
	struct cg_policy p = retry(3);
	size_t r = callgraph_rule(g, "httproute/a/\"x\"", 0, "n\nl", TOPO_GATEWAY, gw, &p);
	size_t c = callgraph_add_call(g, gw, a, CG_STATIC);
	callgraph_add_edge(g, c, r, 1);
	struct paths_result res;
	paths_analyse(g, NULL, 0, NULL, &res);
	struct buf b;
	buf_init(&b);
	pathsout_dot(g, &res, &b);
	const char *d = buf_str(&b);
	assert_null(strchr(d, '\x1b'));
	assert_non_null(strstr(d, "g\\\"w"));
	assert_non_null(strstr(d, "a\\\\b"));
	assert_non_null(strstr(d, "4 tries, up to 4x"));
	buf_reset(&b);
	pathsout_table(g, &res, false, &b);
	assert_null(strchr(buf_str(&b), '\x1b'));
	buf_done(&b);
	paths_result_done(&res);
	callgraph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_route_figures_need_one_rule),
		cmocka_unit_test(test_split_and_istio),
		cmocka_unit_test(test_dot_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
