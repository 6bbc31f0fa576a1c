/* test_paths.c: the call graph (callgraph.c) and the path analysis
 * (paths.c, paths_findings.c) on hand-built graphs — a three-hop chain (27x), the meaning of
 * retry.attempts (retries, not tries), cycles, fan-out and the caps, retry budgets, inverted
 * timeouts, observed rates with a missing telemetry edge (unknown, not zero), retries of
 * non-idempotent requests, telemetry replacing the static calls — and on the static graph of
 * tests/fixtures/paths/paths-chain.yaml (via $GT_SRCDIR) through topology and lint. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_fixture.h"
#include "gammatop/callgraph.h"
#include "gammatop/lint.h"
#include "gammatop/manifest.h"
#include "gammatop/paths.h"
#include "gammatop/topology.h"

/* ---- building hand-made graphs ---- */

/* A policy: attempts -1 = no retry block (or see unset_attempts), timeouts in ms (-1 unset),
 * codes 1 (a code filter) unless stated. */
static struct cg_policy pol(int attempts, int64_t request_ms, int64_t backend_ms)
{
	struct cg_policy p;
	memset(&p, 0, sizeof p);
	p.has_retry = attempts >= 0;
	p.attempts = attempts >= 0 ? attempts : 0;
	p.request_ms = request_ms;
	p.backend_ms = backend_ms;
	p.backoff_ms = -1;
	p.n_codes = 1;
	return p;
}

static size_t svc(struct callgraph *g, const char *name)
{
	return callgraph_node(g, CG_SERVICE, "ns", name);
}

/* A call from -> to governed by rule 0 of route "httproute/ns/<to>-from-<from>". */
static size_t link_p(struct callgraph *g, size_t from, size_t to, struct cg_policy p)
{
	char route[256];
	snprintf(route, sizeof route, "httproute/ns/%s-from-%s", g->nodes[to].name,
	         g->nodes[from].name);
	size_t r = callgraph_rule(g, route, 0, NULL, TOPO_CONSUMER, to, &p);
	size_t c = callgraph_add_call(g, from, to, CG_STATIC);
	callgraph_add_edge(g, c, r, 1);
	return c;
}

static size_t link_a(struct callgraph *g, size_t from, size_t to, int attempts)
{
	return link_p(g, from, to, pol(attempts, -1, -1));
}

static const struct finding *find_code(const struct findings *f, const char *code)
{
	return finding_find(f, code, NULL, NULL);
}

static size_t count_code(const struct findings *f, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += str_eq(f->items[i].code, code);
	return n;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("\"%s\" not in \"%s\"", needle, haystack);
}

/* ---- the three-hop chain ---- */

static void test_chain(void **state)
{
	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "storefront"), b = svc(g, "api"), c = svc(g, "cart"), d = svc(g, "inventory");
	link_a(g, a, b, 2); /* attempts 2 = 3 tries */
	link_a(g, b, c, 2);
	link_a(g, c, d, 2);
	struct paths_result r;
	assert_int_equal(paths_analyse(g, NULL, 0, NULL, &r), 1);
	assert_false(r.truncated);
	assert_int_equal(r.n_entries, 1);
	assert_int_equal(r.entries[0], a); /* the only node nobody calls */
	const struct gt_path *p = &r.paths[0];
	assert_int_equal(p->entry, a);
	assert_int_equal(p->n_hops, 3);
	assert_int_equal(p->end, PATH_LEAF);
	assert_true(p->exact);
	assert_true(p->amp_worst == 27);
	assert_true(p->amp_budgeted == 27);
	assert_true(isnan(p->amp_observed)); /* no telemetry: unknown, not 0 */
	char buf[256];
	assert_string_equal(paths_describe(g, p, buf, sizeof buf),
	                    "storefront -> api -> cart -> inventory");
	struct path_hop h[3];
	paths_hops(g, p, h);
	assert_int_equal(h[0].tries, 3);
	assert_true(h[1].amp_worst == 9);
	assert_true(h[2].amp_worst == 27);
	assert_int_equal(h[1].from, b);
	assert_int_equal(h[1].to, c);
	struct path_hop one;
	paths_hop(g, p, 2, &one);
	assert_true(one.amp_worst == 27);

	struct findings f;
	findings_init(&f);
	paths_findings(g, &r, NULL, &f); /* default threshold 10 */
	assert_int_equal(f.n, 1);
	/* the middle hop is named as the fix, with the figure after it */
	const struct finding *x = finding_find(&f, "RetryAmplification", "httproute/ns/cart-from-api",
	                                       "spec.rules[0].retry.attempts");
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_contains(x->message, "storefront -> api -> cart -> inventory: up to 27x requests reach "
	                            "inventory per request at storefront");
	assert_contains(x->message, "tries 3 x 3 x 3");
	assert_contains(x->message, "httproute/ns/api-from-storefront rule 0");
	assert_contains(x->message, "fix: remove the retry of api->cart (9x), or add a retry budget "
	                            "(XBackendTrafficPolicy) on cart");
	findings_done(&f);

	/* a threshold above the product: nothing */
	struct paths_opts o;
	paths_opts_default(&o);
	o.threshold = 27;
	findings_init(&f);
	paths_findings(g, &r, &o, &f);
	assert_null(find_code(&f, "RetryAmplification"));
	/* just below: lowering one hop is enough */
	o.threshold = 20;
	paths_findings(g, &r, &o, &f);
	x = find_code(&f, "RetryAmplification");
	assert_non_null(x);
	assert_contains(x->message, "fix: lower api->cart retry.attempts from 2 to 1 (18x)");
	findings_done(&f);
	paths_result_done(&r);
	callgraph_free(g);
}

/* retry.attempts counts retries after the first try (GEP-1731; the v1.6.1 HTTPRoute CRD:
 * "the maximum number of times an individual request ... should be retried"). */
static void test_attempts_are_retries(void **state)
{
	struct cg_policy p = pol(3, -1, -1);
	bool exact;
	assert_int_equal(cg_policy_tries(&p, &exact), 4);
	assert_true(exact);
	p = pol(-1, -1, -1); /* no retry block */
	assert_int_equal(cg_policy_tries(&p, &exact), 1);
	assert_true(exact);
	p = pol(0, -1, -1);
	p.attempts = -1; /* a retry block without attempts: implementation default */
	assert_int_equal(cg_policy_tries(&p, &exact), 1);
	assert_false(exact);

	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "a"), b = svc(g, "b"), c = svc(g, "c"), d = svc(g, "d");
	link_a(g, a, b, 3);
	link_a(g, b, c, 3);
	link_p(g, c, d, p);
	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(r.paths[0].amp_worst == 16);
	assert_false(r.paths[0].exact); /* a lower bound */
	struct findings f;
	findings_init(&f);
	paths_findings(g, &r, NULL, &f);
	assert_contains(find_code(&f, "RetryAmplification")->message, "at least 16x");
	assert_contains(find_code(&f, "RetryAmplification")->message, "tries 4 x 4 x 1+");
	findings_done(&f);
	paths_result_done(&r);
	callgraph_free(g);

	/* "retries 3x" on three hops is attempts: 3 each: 4 x 4 x 4 = 64 requests, not 27 */
	g = callgraph_new();
	a = svc(g, "a"), b = svc(g, "b"), c = svc(g, "c"), d = svc(g, "d");
	link_a(g, a, b, 3);
	link_a(g, b, c, 3);
	link_a(g, c, d, 3);
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(r.paths[0].amp_worst == 64);
	assert_true(r.paths[0].exact);
	paths_result_done(&r);
	callgraph_free(g);
}

/* The policy read from a decoded rule: durations, attempts, methods. */
static void test_policy_from_rule(void **state)
{
	static const char *json =
	    "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":"
	    "{\"name\":\"r\",\"namespace\":\"n\"},\"spec\":{\"rules\":["
	    "{\"timeouts\":{\"request\":\"1m30s\",\"backendRequest\":\"0s\"},\"retry\":{\"attempts\":2,"
	    "\"backoff\":\"250ms\",\"codes\":[502,503]},\"matches\":[{\"method\":\"GET\"},{\"method\":"
	    "\"PUT\"}]},"
	    "{\"retry\":{},\"matches\":[{\"method\":\"GET\"},{\"path\":{\"type\":\"PathPrefix\","
	    "\"value\":\"/x\"}}]},"
	    "{\"timeouts\":{\"request\":\"1.5s\"},\"matches\":[{\"method\":\"PATCH\"}]}]}}";
	struct gt_object *o = NULL;
	char err[256];
	assert_int_equal(decode_text(json, strlen(json), &o, err, sizeof err), DECODE_OK);
	struct cg_policy p;
	cg_policy_from_rule(o->kind, &o->u.route.rules[0], &p);
	assert_true(p.has_retry);
	assert_int_equal(p.attempts, 2);
	assert_int_equal(p.request_ms, 90000);
	assert_int_equal(p.backend_ms, 0);
	assert_int_equal(p.backoff_ms, 250);
	assert_int_equal(p.n_codes, 2);
	assert_false(p.any_method);
	assert_false(p.non_idempotent); /* GET and PUT */
	cg_policy_from_rule(o->kind, &o->u.route.rules[1], &p);
	assert_true(p.has_retry);
	assert_int_equal(p.attempts, -1);
	assert_int_equal(p.request_ms, -1);
	assert_true(p.any_method); /* the second match has no method */
	assert_true(p.non_idempotent);
	cg_policy_from_rule(o->kind, &o->u.route.rules[2], &p);
	assert_false(p.has_retry);
	assert_int_equal(p.request_ms, -1); /* invalid duration: unknown */
	assert_false(p.any_method);
	assert_true(p.non_idempotent); /* PATCH */
	/* GRPCRoute rules: no timeouts or retry */
	cg_policy_from_rule(GT_GRPCROUTE, &o->u.route.rules[0], &p);
	assert_false(p.has_retry);
	assert_int_equal(p.request_ms, -1);
	object_free(o);
}

/* ---- cycles, fan-out, caps ---- */

static void test_cycles(void **state)
{
	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "a"), b = svc(g, "b"), c = svc(g, "c"), d = svc(g, "d");
	link_a(g, a, b, 1);
	link_a(g, b, c, 1);
	link_a(g, c, b, 1); /* back to b */
	link_a(g, c, d, -1);
	struct paths_result r;
	assert_int_equal(paths_analyse(g, NULL, 0, NULL, &r), 2);
	assert_int_equal(r.n_cycles, 1);
	size_t cyc = r.paths[0].end == PATH_CYCLE ? 0 : 1;
	char buf[256];
	assert_string_equal(paths_describe(g, &r.paths[cyc], buf, sizeof buf),
	                    "a -> b -> c -> b (cycle)");
	assert_true(r.paths[cyc].amp_worst == 8); /* one turn counted */
	assert_string_equal(paths_describe(g, &r.paths[1 - cyc], buf, sizeof buf), "a -> b -> c -> d");
	assert_string_equal(path_end_name(PATH_CYCLE), "cycle");
	paths_result_done(&r);
	callgraph_free(g);

	/* a cycle nobody enters: still walked and reported (and a self-call) */
	g = callgraph_new();
	size_t x = svc(g, "x"), y = svc(g, "y");
	link_a(g, x, y, 1);
	link_a(g, y, x, 1);
	link_a(g, y, y, -1);
	assert_int_equal(paths_analyse(g, NULL, 0, NULL, &r), 2);
	assert_int_equal(r.n_cycles, 2);
	assert_int_equal(r.n_entries, 1);
	assert_true(r.paths[0].end == PATH_CYCLE && r.paths[1].end == PATH_CYCLE);
	paths_result_done(&r);
	callgraph_free(g);
}

static void test_fanout_and_caps(void **state)
{
	/* a -> b1..b40 -> z; the worst branch was added last and still comes first */
	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "a"), z = svc(g, "z");
	for (int i = 0; i < 40; i++) {
		char name[16];
		snprintf(name, sizeof name, "b%d", i);
		size_t b = svc(g, name);
		link_a(g, a, b, i == 39 ? 4 : 1);
		link_a(g, b, z, 1);
	}
	struct paths_result r;
	assert_int_equal(paths_analyse(g, NULL, 0, NULL, &r), 40);
	assert_false(r.truncated);
	assert_true(r.paths[0].amp_worst == 10);
	for (size_t i = 1; i < r.n; i++)
		assert_true(r.paths[i].amp_worst == 4);
	paths_result_done(&r);
	struct paths_opts o;
	paths_opts_default(&o);
	o.max_paths = 5;
	assert_int_equal(paths_analyse(g, NULL, 0, &o, &r), 5);
	assert_true(r.truncated);
	assert_true(r.paths[0].amp_worst == 10); /* the walk follows the worst edge first */
	char buf[128];
	assert_string_equal(paths_describe(g, &r.paths[0], buf, sizeof buf), "a -> b39 -> z");
	paths_result_done(&r);
	o.max_paths = 1000;
	o.max_steps = 7;
	paths_analyse(g, NULL, 0, &o, &r);
	assert_true(r.truncated);
	assert_true(r.n < 40);
	paths_result_done(&r);
	/* only paths through one rule, or starting with one route */
	paths_opts_default(&o);
	o.through_route = "httproute/ns/z-from-b7";
	assert_int_equal(paths_analyse(g, NULL, 0, &o, &r), 1);
	assert_string_equal(paths_describe(g, &r.paths[0], buf, sizeof buf), "a -> b7 -> z");
	paths_result_done(&r);
	paths_opts_default(&o);
	o.first_route = "httproute/ns/b3-from-a";
	assert_int_equal(paths_analyse(g, NULL, 0, &o, &r), 1);
	paths_result_done(&r);
	callgraph_free(g);

	/* depth: a chain of 30 cut at 5 hops */
	g = callgraph_new();
	size_t prev = svc(g, "n0");
	for (int i = 1; i <= 30; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		size_t next = svc(g, name);
		link_a(g, prev, next, 1);
		prev = next;
	}
	paths_opts_default(&o);
	o.max_depth = 5;
	assert_int_equal(paths_analyse(g, NULL, 0, &o, &r), 1);
	assert_int_equal(r.paths[0].end, PATH_DEPTH);
	assert_int_equal(r.paths[0].n_hops, 5);
	assert_true(r.truncated);
	assert_string_equal(paths_describe(g, &r.paths[0], buf, sizeof buf),
	                    "n0 -> n1 -> n2 -> n3 -> n4 -> n5 ...");
	paths_result_done(&r);
	/* an explicit entry */
	size_t mid = callgraph_find_node(g, CG_SERVICE, "ns", "n27");
	assert_int_equal(paths_analyse(g, &mid, 1, NULL, &r), 1);
	assert_int_equal(r.paths[0].n_hops, 3);
	assert_int_equal(r.paths[0].end, PATH_LEAF);
	paths_result_done(&r);
	callgraph_free(g);
}

/* ---- budgets ---- */

static void test_budgets(void **state)
{
	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "a"), b = svc(g, "b"), c = svc(g, "c"), d = svc(g, "d");
	link_a(g, a, b, 2);
	size_t bc = link_a(g, b, c, 2);
	link_a(g, c, d, 2);
	struct cg_budget bud;
	cg_budget_defaults(&bud); /* 20 %: retries at most 20 % of active requests */
	assert_int_equal(bud.percent, 20);
	assert_int_equal(bud.min_count, 10);
	callgraph_set_budget(g, c, &bud);
	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	struct path_hop h[3];
	paths_hops(g, &r.paths[0], h);
	assert_true(h[1].budgeted);
	assert_true(fabs(h[1].tries_budgeted - 1.25) < 1e-9); /* 100 / (100 - 20) */
	assert_true(r.paths[0].amp_worst == 27);             /* the per-request bound stays */
	assert_true(fabs(r.paths[0].amp_budgeted - 11.25) < 1e-9);
	struct findings f;
	findings_init(&f);
	paths_findings(g, &r, NULL, &f);
	const struct finding *x = find_code(&f, "RetryAmplification");
	assert_non_null(x);
	assert_contains(x->message, "about 11.2x");
	assert_contains(x->message, "an estimate with the retry budgets on the path; 27x without");
	findings_done(&f);
	paths_result_done(&r);

	/* at a low observed rate minRetryRate (10 per second) lets every try through */
	callgraph_observe(g, bc, 2, 0, NAN);
	paths_analyse(g, NULL, 0, NULL, &r);
	paths_hops(g, &r.paths[0], h);
	assert_true(h[1].tries_budgeted == 3);
	paths_result_done(&r);
	callgraph_observe(g, bc, 1000, 0, NAN);
	paths_analyse(g, NULL, 0, NULL, &r);
	paths_hops(g, &r.paths[0], h);
	assert_true(fabs(h[1].tries_budgeted - 1.25) < 1e-9);
	paths_result_done(&r);

	/* budgets on every callee bring the estimate under the threshold */
	callgraph_set_budget(g, b, &bud);
	callgraph_set_budget(g, d, &bud);
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(r.paths[0].amp_budgeted < 10);
	findings_init(&f);
	paths_findings(g, &r, NULL, &f);
	assert_null(find_code(&f, "RetryAmplification"));
	findings_done(&f);
	paths_result_done(&r);
	/* 100 % caps nothing */
	bud.percent = 100;
	callgraph_set_budget(g, b, &bud);
	callgraph_set_budget(g, c, &bud);
	callgraph_set_budget(g, d, &bud);
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(r.paths[0].amp_budgeted == 27);
	paths_result_done(&r);
	callgraph_free(g);
}

/* ---- timeouts ---- */

/* a -> b with the caller's policy pa, b -> c with pb: does b outlive a's try? */
static bool outlives(struct cg_policy pa, struct cg_policy pb, struct findings *f)
{
	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "a"), b = svc(g, "b"), c = svc(g, "c");
	link_p(g, a, b, pa);
	link_p(g, b, c, pb);
	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	struct path_hop h[2];
	paths_hops(g, &r.paths[0], h);
	bool out = h[1].outlives;
	assert_int_equal(r.paths[0].n_outlive, out ? 1 : 0);
	if (f)
		paths_findings(g, &r, NULL, f);
	paths_result_done(&r);
	callgraph_free(g);
	return out;
}

static void test_timeouts(void **state)
{
	struct findings f;
	findings_init(&f);
	/* a gives up on b after 1s per try; b waits up to 3s (request) on c */
	assert_true(outlives(pol(2, 3000, 1000), pol(-1, 3000, -1), &f));
	const struct finding *x =
	    finding_find(&f, "TimeoutBudgetExceeded", "httproute/ns/c-from-b", "spec.rules[0].timeouts");
	assert_non_null(x);
	assert_contains(x->message, "a -> b -> c: b can wait on c for 3s (its request timeout) under "
	                            "httproute/ns/c-from-b rule 0, but a gives up on each try to b "
	                            "after 1s (backendRequest of httproute/ns/b-from-a rule 0)");
	assert_contains(x->message, "while a's retries send it again");
	assert_contains(x->message, "fix: make b give up on c within 1s");
	findings_done(&f);
	/* tries x backendRequest + backoff, no request timeout: 3 x 400ms + 2 x 100ms = 1.4s */
	struct cg_policy pb = pol(2, -1, 400);
	pb.backoff_ms = 100;
	findings_init(&f);
	assert_true(outlives(pol(-1, 1000, -1), pb, &f));
	assert_contains(find_code(&f, "TimeoutBudgetExceeded")->message,
	                "for 1s400ms (3 tries x backendRequest 400ms + 2 x backoff 100ms, no request "
	                "timeout set)");
	assert_contains(find_code(&f, "TimeoutBudgetExceeded")->message, "after 1s (request of");
	findings_done(&f);
	/* the request timeout caps the tries: min(1.2s, 3 x 400ms + ...) fits in 1.5s */
	pb.request_ms = 1200;
	assert_false(outlives(pol(-1, -1, 1500), pb, NULL));
	/* "0s" and no per-try timeout: no limit at all */
	findings_init(&f);
	assert_true(outlives(pol(-1, 5000, 2000), pol(-1, 0, -1), &f));
	assert_contains(find_code(&f, "TimeoutBudgetExceeded")->message, "with no limit at all");
	findings_done(&f);
	/* unknown on either side: no claim */
	assert_false(outlives(pol(-1, -1, -1), pol(-1, 9000, -1), NULL));
	assert_false(outlives(pol(-1, 1000, -1), pol(2, -1, -1), NULL));
	/* fits */
	assert_false(outlives(pol(-1, 3000, 2000), pol(1, 2000, 1000), NULL));
}

/* ---- observed amplification ---- */

static void test_observed(void **state)
{
	struct callgraph *g = callgraph_new();
	size_t gw = callgraph_node(g, CG_GATEWAY, "edge", "web");
	size_t b = svc(g, "b"), c = svc(g, "c"), d = svc(g, "d");
	size_t c1 = link_a(g, gw, b, 1), c2 = link_a(g, b, c, 1), c3 = link_a(g, c, d, 1);
	callgraph_set_node_rate(g, gw, 10);
	callgraph_observe(g, c1, 20, 10, NAN);
	callgraph_observe(g, c3, 80, NAN, NAN);
	/* b -> c has no telemetry */
	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_int_equal(r.entries[0], gw);
	struct path_hop h[3];
	paths_hops(g, &r.paths[0], h);
	assert_true(h[0].factor_observed == 2);
	assert_true(h[0].amp_observed == 2);
	assert_true(isnan(h[1].factor_observed)); /* missing: unknown */
	assert_true(isnan(h[1].amp_observed));
	assert_true(isnan(callgraph_in_rps(g, c))); /* its only inbound call has no rate */
	assert_true(isnan(h[2].factor_observed));
	assert_true(isnan(h[2].amp_observed));
	assert_true(isnan(r.paths[0].amp_observed));
	struct findings f;
	findings_init(&f);
	struct paths_opts o;
	paths_opts_default(&o);
	o.threshold = 5;
	paths_findings(g, &r, &o, &f);
	assert_null(strstr(find_code(&f, "RetryAmplification")->message, "observed"));
	findings_done(&f);
	paths_result_done(&r);

	/* with every rate: 2 x 2 x 2, the services' rates derived from their inbound calls */
	callgraph_observe(g, c2, 40, NAN, NAN);
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(callgraph_in_rps(g, b) == 20);
	assert_true(callgraph_in_rps(g, c) == 40);
	paths_hops(g, &r.paths[0], h);
	assert_true(h[1].amp_observed == 4);
	assert_true(r.paths[0].amp_observed == 8);
	findings_init(&f);
	paths_findings(g, &r, &o, &f);
	assert_contains(find_code(&f, "RetryAmplification")->message, "; observed 8x");
	findings_done(&f);
	paths_result_done(&r);

	/* a caller that receives nothing: the ratio is unknown, not 0 and not infinite */
	callgraph_set_node_rate(g, gw, 0);
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(isnan(r.paths[0].amp_observed));
	paths_result_done(&r);
	callgraph_free(g);
}

/* ---- retries of non-idempotent requests ---- */

static void test_non_idempotent(void **state)
{
	struct callgraph *g = callgraph_new();
	size_t a = svc(g, "a"), b = svc(g, "b"), c = svc(g, "c"), d = svc(g, "d"), e = svc(g, "e");
	struct cg_policy post = pol(2, -1, 500);
	post.n_codes = 0;
	post.non_idempotent = true; /* matches POST */
	link_p(g, a, b, post);
	struct cg_policy coded = post; /* the same with a code filter */
	coded.n_codes = 1;
	link_p(g, a, c, coded);
	struct cg_policy get = pol(2, -1, -1); /* GET only, no codes */
	get.n_codes = 0;
	link_p(g, a, d, get);
	struct cg_policy any = pol(1, -1, -1);
	any.n_codes = 0;
	any.any_method = any.non_idempotent = true;
	link_p(g, a, e, any);
	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	struct findings f;
	findings_init(&f);
	paths_findings(g, &r, NULL, &f);
	assert_int_equal(count_code(&f, "NonIdempotentRetry"), 2);
	const struct finding *x =
	    finding_find(&f, "NonIdempotentRetry", "httproute/ns/b-from-a", "spec.rules[0].retry");
	assert_non_null(x);
	assert_contains(x->message, "retries (attempts 2) without retry codes on a rule that matches "
	                            "POST, PATCH or CONNECT");
	assert_contains(x->message, "with backendRequest 500ms a try that timed out is retried");
	assert_contains(x->message, "on a -> b;");
	x = finding_find(&f, "NonIdempotentRetry", "httproute/ns/e-from-a", NULL);
	assert_non_null(x);
	assert_contains(x->message, "admits every method");
	struct path_hop h;
	for (size_t i = 0; i < r.n; i++) {
		paths_hop(g, &r.paths[i], 0, &h);
		assert_int_equal(h.unsafe_retry, h.to == b || h.to == e);
		assert_int_equal(r.paths[i].n_unsafe, h.to == b || h.to == e);
	}
	findings_done(&f);
	paths_result_done(&r);
	callgraph_free(g);
}

/* ---- telemetry on top of the static graph ---- */

static void test_observed_calls_replace_static(void **state)
{
	struct callgraph *g = callgraph_new();
	/* statically: consumer routes of namespace "api" call cart and audit */
	size_t api = callgraph_node(g, CG_SERVICE, "api", "api");
	size_t cart = callgraph_node(g, CG_SERVICE, "cart", "cart");
	size_t audit = callgraph_node(g, CG_SERVICE, "audit", "audit");
	size_t ns = callgraph_node(g, CG_NAMESPACE, "api", NULL);
	size_t gw = callgraph_node(g, CG_GATEWAY, "edge", "web");
	struct cg_policy p = pol(2, -1, -1);
	size_t rc = callgraph_rule(g, "httproute/api/cart", 0, NULL, TOPO_CONSUMER, cart, &p);
	size_t ra = callgraph_rule(g, "httproute/api/audit", 0, NULL, TOPO_CONSUMER, audit, &p);
	size_t rp = callgraph_rule(g, "httproute/cart/cart", 0, NULL, TOPO_PRODUCER, cart, &p);
	size_t rg = callgraph_rule(g, "httproute/edge/api", 0, NULL, TOPO_GATEWAY, gw, &p);
	callgraph_add_edge(g, callgraph_add_call(g, ns, cart, CG_STATIC), rc, 1);
	callgraph_add_edge(g, callgraph_add_call(g, ns, audit, CG_STATIC), ra, 1);
	callgraph_add_edge(g, callgraph_add_call(g, gw, api, CG_STATIC), rg, 1);
	/* GEP-1294: the caller's namespace's consumer routes, else the producer routes */
	size_t got[4];
	assert_int_equal(callgraph_rules_for(g, api, cart, got, 4), 1);
	assert_int_equal(got[0], rc);
	size_t other = callgraph_node(g, CG_WORKLOAD, "shop", "batch");
	assert_int_equal(callgraph_rules_for(g, other, cart, got, 4), 1);
	assert_int_equal(got[0], rp);
	assert_int_equal(callgraph_rules_for(g, gw, api, got, 4), 1);
	assert_int_equal(got[0], rg);
	assert_int_equal(callgraph_rules_for(g, callgraph_node(g, CG_ANY, NULL, NULL), cart, got, 4), 1);
	assert_int_equal(got[0], rp);

	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_int_equal(r.n, 2); /* web -> api -> cart, web -> api -> audit */
	char buf[128];
	paths_result_done(&r);

	/* telemetry: workload api-v1 (serving api) calls cart, at 30 rps; audit is not called */
	size_t w = callgraph_node(g, CG_WORKLOAD, "api", "api-v1");
	callgraph_add_serves(g, api, w);
	size_t n = callgraph_rules_for(g, w, cart, got, 4);
	size_t call = callgraph_add_call(g, w, cart, CG_OBSERVED);
	for (size_t i = 0; i < n; i++)
		callgraph_add_edge(g, call, got[i], 1);
	callgraph_observe(g, call, 30, NAN, NAN);
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_true(g->calls[0].covered);  /* api/ -> cart: replaced by api-v1's call */
	assert_false(g->calls[1].covered); /* api/ -> audit: nothing observed, kept */
	assert_int_equal(r.n, 2);
	bool seen_cart = false;
	for (size_t i = 0; i < r.n; i++) {
		paths_describe(g, &r.paths[i], buf, sizeof buf);
		if (str_eq(buf, "web -> api -> cart")) {
			seen_cart = true;
			struct path_hop h;
			paths_hop(g, &r.paths[i], 1, &h);
			assert_int_equal(h.call, call); /* the observed call, not the static one */
		} else {
			assert_string_equal(buf, "web -> api -> audit");
		}
	}
	assert_true(seen_cart);
	assert_true(callgraph_in_rps(g, cart) == 30); /* the covered static call does not count */
	assert_string_equal(g->nodes[ns].label, "api/*");
	paths_result_done(&r);

	/* the edit form's what-if: lowering the rule changes the next analysis */
	struct cg_policy none = pol(-1, -1, -1);
	callgraph_set_policy(g, "httproute/edge/api", 0, &none);
	struct paths_opts o;
	paths_opts_default(&o);
	o.through_route = "httproute/api/cart";
	o.through_rule = 0;
	assert_int_equal(paths_analyse(g, NULL, 0, &o, &r), 1);
	assert_true(r.paths[0].amp_worst == 3);
	paths_result_done(&r);
	callgraph_free(g);
}

/* ---- the fixture: topology -> static graph -> lint ---- */

static struct gt_store *load_chain(void)
{
	const char *src = getenv("GT_SRCDIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/paths/paths-chain.yaml", src ? src : "..");
	const char *paths[] = {path};
	struct gt_store *s = store_new();
	struct diag d;
	diag_init(&d);
	int got = manifest_load_store(s, paths, 1, &d);
	if (got <= 0 || d.errors) {
		diag_print(&d, stderr);
		fail_msg("cannot load %s", path);
	}
	diag_done(&d);
	return s;
}

static void test_fixture_chain(void **state)
{
	struct gt_store *s = load_chain();
	struct gt_topology *t = topology_build(s);
	struct callgraph *g = callgraph_from_topology(t);
	struct paths_result r;
	paths_analyse(g, NULL, 0, NULL, &r);
	assert_false(r.truncated);
	assert_int_equal(r.n, 3);
	char buf[256];
	/* worst first: GET through every hop 3 x 3 x 3 x 3, POST checkout 3 x 3 x 2 x 3, then the
	 * producer route's any-client path */
	assert_string_equal(paths_describe(g, &r.paths[0], buf, sizeof buf),
	                    "web -> storefront -> api -> cart -> inventory");
	assert_true(r.paths[0].amp_worst == 81);
	assert_true(r.paths[1].amp_worst == 54);
	assert_int_equal(r.paths[1].n_unsafe, 1);
	assert_string_equal(paths_describe(g, &r.paths[2], buf, sizeof buf), "* -> inventory");
	assert_true(r.paths[2].amp_worst == 1);
	struct path_hop h[4];
	paths_hops(g, &r.paths[0], h);
	assert_string_equal(g->rules[h[1].rule].route, "httproute/storefront/api");
	assert_int_equal(g->rules[h[1].rule].role, TOPO_CONSUMER);
	assert_int_equal(h[0].limit_ms, 5000);
	assert_int_equal(h[1].span_ms, 4500); /* fits in 5s */
	assert_false(h[1].outlives);
	assert_false(h[2].outlives);
	assert_int_equal(h[3].span_ms, 2900); /* 3 x 900ms + 2 x 100ms */
	assert_true(h[3].outlives);           /* api waits 400ms per try */
	/* cart's requests to inventory use cart's consumer route, not inventory's producer route */
	assert_string_equal(g->rules[h[3].rule].route, "httproute/cart/inventory");
	paths_result_done(&r);
	callgraph_free(g);

	/* lint reports all three, on the right rules */
	struct findings f;
	findings_init(&f);
	lint_run(s, t, &f);
	assert_int_equal(count_code(&f, "RetryAmplification"), 1);
	const struct finding *x = finding_find(&f, "RetryAmplification", "httproute/storefront/api",
	                                       "spec.rules[0].retry.attempts");
	assert_non_null(x);
	assert_contains(x->message, "web -> storefront -> api -> cart -> inventory: up to 81x");
	assert_contains(x->message, "fix: remove the retries of storefront->api and api->cart (9x)");
	assert_contains(x->message, "1 more path over the threshold through this rule");
	assert_int_equal(count_code(&f, "TimeoutBudgetExceeded"), 1);
	x = finding_find(&f, "TimeoutBudgetExceeded", "httproute/cart/inventory",
	                 "spec.rules[0].timeouts");
	assert_non_null(x);
	assert_contains(x->message, "cart can wait on inventory for 2s900ms");
	assert_contains(x->message, "1 more caller rule with the same problem"); /* checkout */
	assert_int_equal(count_code(&f, "NonIdempotentRetry"), 1);
	assert_non_null(finding_find(&f, "NonIdempotentRetry", "httproute/api/cart", "spec.rules[1].retry"));
	/* and nothing else is wrong with the fixture */
	for (size_t i = 0; i < f.n; i++)
		if (f.items[i].severity != SEV_INFO)
			assert_true(str_eq(f.items[i].code, "RetryAmplification") ||
			            str_eq(f.items[i].code, "TimeoutBudgetExceeded") ||
			            str_eq(f.items[i].code, "NonIdempotentRetry"));
	findings_done(&f);
	topology_free(t);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_attempts_are_retries),
	    cmocka_unit_test(test_policy_from_rule),
	    cmocka_unit_test(test_cycles),
	    cmocka_unit_test(test_fanout_and_caps),
	    cmocka_unit_test(test_budgets),
	    cmocka_unit_test(test_timeouts),
	    cmocka_unit_test(test_observed),
	    cmocka_unit_test(test_non_idempotent),
	    cmocka_unit_test(test_observed_calls_replace_static),
	    cmocka_unit_test(test_fixture_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
