/* test_lint.c: the finding code table, findings list helpers (sorting, counting), lint_run's
 * rule checks (policy on HTTPRoute rules only, duplicate rule names, redirect with backends),
 * lint over the bundled fixtures (tests/fixtures/manifests, via $GT_SRCDIR) and over the
 * upstream conformance manifests (via $GT_SHARED; skipped when absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_fixture.h"
#include "gammatop/decode.h"
#include "gammatop/lint.h"
#include "gammatop/manifest.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

/* ---- the code table ---- */

static void test_codes(void **state)
{
	for (size_t i = 0; i < LINT_CODE_COUNT; i++) {
		const struct lint_code *c = &lint_codes[i];
		assert_non_null(c->code);
		assert_true(strlen(c->doc) > 20);
		assert_true(c->severity == SEV_ERROR || c->severity == SEV_WARNING ||
		            c->severity == SEV_INFO);
		/* codes are CamelCase identifiers and unique */
		assert_true(c->code[0] >= 'A' && c->code[0] <= 'Z');
		for (const char *p = c->code; *p; p++)
			assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(lint_codes[k].code, c->code);
		assert_ptr_equal(lint_code_find(c->code), c);
	}
	assert_null(lint_code_find("NoSuchCode"));
	assert_string_equal(LINT_CODE(STATUS_DISAGREES), "StatusDisagrees");
	assert_int_equal(lint_codes[LINT_NO_STATUS].severity, SEV_INFO);
	assert_string_equal(severity_name(SEV_ERROR), "error");
	assert_string_equal(severity_name(SEV_WARNING), "warning");
	assert_string_equal(severity_name(SEV_INFO), "info");
}

/* ---- the findings list ---- */

static void test_findings_sort(void **state)
{
	struct findings f;
	findings_init(&f);
	/* By code id: the severity is the table's (NoStatus info, NoParents warning, the
	 * others errors); BackendNotFound sorts before ParentNotFound. */
	findings_add(&f, LINT_NO_STATUS, "httproute/a/x", "spec.parentRefs[0]", "i");
	findings_add(&f, LINT_PARENT_NOT_FOUND, "httproute/b/x", "spec.rules[10]", "e1");
	findings_add(&f, LINT_PARENT_NOT_FOUND, "httproute/b/x", "spec.rules[2]", "e2");
	findings_add(&f, LINT_NO_PARENTS, "httproute/a/x", "", "w");
	findings_add(&f, LINT_BACKEND_NOT_FOUND, "httproute/b/x", "spec.rules[2]", "e3");
	findings_add(&f, LINT_BACKEND_NOT_FOUND, "httproute/a/x", NULL, "e4 %d \x1b[31m", 7);
	findings_sort(&f);
	static const char *want[] = {"e4 7 ?[31m", "e3", "e2", "e1", "w", "i"};
	assert_int_equal(f.n, 6);
	for (size_t i = 0; i < f.n; i++)
		assert_string_equal(f.items[i].message, want[i]);
	assert_string_equal(f.items[0].field, "");
	assert_int_equal(findings_count(&f, SEV_ERROR), 4);
	assert_int_equal(findings_count(&f, SEV_WARNING), 1);
	assert_int_equal(findings_count(&f, SEV_INFO), 1);
	struct findings g;
	findings_init(&g);
	findings_append(&g, &f);
	assert_int_equal(g.n, 6);
	assert_string_equal(g.items[3].field, "spec.rules[10]");
	findings_done(&f);
	assert_int_equal(f.n, 0);
	findings_done(&g);
}

/* ---- lint_run's rule checks ---- */

static void test_rule_checks(void **state)
{
	struct gt_store *s = store_new();
	sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'app'},"
	          "'spec':{'ports':[{'port':80}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':"
	          "'r','namespace':'app'},'spec':{'parentRefs':[{'group':'','kind':'Service','name':"
	          "'web'}],'rules':["
	          "{'name':'a','backendRefs':[{'name':'web','port':80}],"
	          "'timeouts':{'request':'1s','backendRequest':'2s'}},"
	          "{'name':'b','backendRefs':[{'name':'web','port':80}],"
	          "'retry':{'attempts':2}},"
	          "{'name':'a','filters':[{'type':'RequestRedirect','requestRedirect':{'scheme':'https'}}],"
	          "'backendRefs':[{'name':'web','port':80}]},"
	          "{'name':'d','filters':[{'type':'RequestRedirect','requestRedirect':{'scheme':'https'}}]}"
	          "]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':"
	          "'orphan','namespace':'app'},'spec':{'rules':[{'backendRefs':[{'name':'web','port':80,"
	          "'weight':0},{'name':'web','port':80,'weight':0}]},{'backendRefs':[{'name':'web',"
	          "'port':80,'weight':0},{'name':'web','port':80}]}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GRPCRoute','metadata':{'name':"
	          "'g','namespace':'app'},'spec':{'parentRefs':[{'group':'','kind':'Service','name':"
	          "'web'}],'rules':[{'name':'x','backendRefs':[{'name':'web','port':80}]},"
	          "{'name':'x','backendRefs':[{'name':'web','port':80}]}]}}");
	struct gt_topology *t = topology_build(s);
	struct findings f;
	findings_init(&f);
	lint_run(s, t, &f);
	assert_non_null(finding_find(&f, "BackendTimeoutExceedsRequest", "httproute/app/r",
	                             "spec.rules[0].timeouts.backendRequest"));
	assert_non_null(finding_find(&f, "RetryWithoutTimeouts", "httproute/app/r", "spec.rules[1].retry"));
	assert_non_null(finding_find(&f, "DuplicateRuleName", "httproute/app/r", "spec.rules[2].name"));
	assert_non_null(finding_find(&f, "RedirectWithBackends", "httproute/app/r", "spec.rules[2].filters[0]"));
	assert_null(finding_find(&f, "RedirectWithBackends", "httproute/app/r", "spec.rules[3].filters[0]"));
	assert_non_null(finding_find(&f, "DuplicateRuleName", "grpcroute/app/g", "spec.rules[1].name"));
	assert_null(finding_find(&f, "DuplicateRuleName", "httproute/app/r", "spec.rules[0].name"));
	assert_non_null(finding_find(&f, "NoParents", "httproute/app/orphan", "spec.parentRefs"));
	assert_null(finding_find(&f, "NoParents", "httproute/app/r", NULL));
	assert_non_null(finding_find(&f, "AllWeightsZero", "httproute/app/orphan", "spec.rules[0].backendRefs"));
	assert_null(finding_find(&f, "AllWeightsZero", "httproute/app/orphan", "spec.rules[1].backendRefs"));
	assert_null(finding_find(&f, "AllWeightsZero", "httproute/app/r", NULL));
	/* the topology's own findings come along (NoStatus for the attached mesh parents) */
	assert_non_null(finding_find(&f, "NoStatus", "httproute/app/r", "spec.parentRefs[0]"));
	/* sorted: errors first */
	for (size_t i = 1; i < f.n; i++)
		assert_true(f.items[i - 1].severity <= f.items[i].severity);
	size_t n = f.n;
	/* without a topology, lint_run builds one and finds the same */
	struct findings f2;
	findings_init(&f2);
	lint_run(s, NULL, &f2);
	assert_int_equal(f2.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(f.items[i].code, f2.items[i].code);
		assert_string_equal(f.items[i].field, f2.items[i].field);
		assert_string_equal(f.items[i].message, f2.items[i].message);
	}
	findings_done(&f2);
	findings_done(&f);
	topology_free(t);
	store_free(s);
}

/* ---- the bundled fixtures and the upstream manifests ---- */

/* Load paths into a new store; NULL when the first path is absent. */
static struct gt_store *load(const char *const *paths, size_t n)
{
	FILE *fp = fopen(paths[0], "r");
	if (!fp)
		return NULL;
	fclose(fp);
	struct gt_store *s = store_new();
	struct diag d;
	diag_init(&d);
	int got = manifest_load_store(s, paths, n, &d);
	if (got <= 0 || d.errors) {
		diag_print(&d, stderr);
		fail_msg("cannot load %s", paths[0]);
	}
	diag_done(&d);
	return s;
}

/* Every error and warning of f as "severity Code object field" lines, in f's order. */
static char *problems(const struct findings *f)
{
	size_t cap = 64 + f->n * 160, len = 0;
	char *out = xmalloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *it = &f->items[i];
		if (it->severity == SEV_INFO)
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s %s %s %s\n",
		                        severity_name(it->severity), it->code, it->object, it->field);
	}
	return out;
}

static void test_fixtures(void **state)
{
	const char *src = getenv("GT_SRCDIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/manifests", src ? src : "..");
	const char *paths[] = {path};
	struct gt_store *s = load(paths, 1);
	if (!s)
		skip();
	struct gt_topology *t = topology_build(s);
	struct findings f;
	findings_init(&f);
	lint_run(s, t, &f);
	/* exactly the deliberate problems of tests/fixtures/manifests/README.md */
	char *got = problems(&f);
	assert_string_equal(got,
	                    "error NotAllowedByListeners httproute/legacy/blocked spec.parentRefs[0]\n"
	                    "error RefNotPermitted httproute/payments/checkout "
	                    "spec.rules[1].backendRefs[0]\n"
	                    "error InvalidServiceParent httproute/payments/ledger-mesh "
	                    "spec.parentRefs[0]\n"
	                    "error InvalidDuration httproute/shop/bad-timeouts "
	                    "spec.rules[0].timeouts.request\n"
	                    "error BackendTimeoutExceedsRequest httproute/shop/bad-timeouts "
	                    "spec.rules[1].timeouts.backendRequest\n"
	                    "error BackendNotFound httproute/shop/broken-backend "
	                    "spec.rules[0].backendRefs[0]\n"
	                    "error NoMatchingListenerHostname httproute/shop/wrong-host "
	                    "spec.parentRefs[0]\n"
	                    "warning NonIdempotentRetry httproute/shop/bad-timeouts "
	                    "spec.rules[2].retry\n"
	                    "warning RetriesExceedRequestTimeout httproute/shop/bad-timeouts "
	                    "spec.rules[2].retry.attempts\n"
	                    "warning StatusDisagrees httproute/shop/broken-backend "
	                    "spec.parentRefs[0]\n");
	free(got);
	/* NoStatus only for attached parents without status */
	assert_non_null(finding_find(&f, "NoStatus", "httproute/mesh-clients/cart-consumer", NULL));
	assert_null(finding_find(&f, "NoStatus", "httproute/shop/storefront", NULL));
	assert_null(finding_find(&f, "NoStatus", "httproute/shop/cart-producer", NULL));
	assert_null(finding_find(&f, "NoStatus", "httproute/legacy/blocked", NULL));

	/* the topology behind it */
	const struct topo_route *r = topology_find_route(t, GT_HTTPROUTE, "shop", "cart-producer");
	assert_non_null(r);
	assert_int_equal(r->parents[0].role, TOPO_PRODUCER);
	assert_true(r->parents[0].attached && r->mesh);
	r = topology_find_route(t, GT_HTTPROUTE, "mesh-clients", "cart-consumer");
	assert_int_equal(r->parents[0].role, TOPO_CONSUMER);
	assert_true(r->parents[0].attached && r->refs_resolved);
	r = topology_find_route(t, GT_HTTPROUTE, "shop", "catalog");
	assert_true(r->refs_resolved); /* granted by backends/allow-shop-routes */
	r = topology_find_route(t, GT_GRPCROUTE, "shop", "echo");
	assert_true(r->attached_any);
	const struct topo_gateway *g = topology_find_gateway(t, "infra", "public");
	assert_non_null(g);
	assert_int_equal(g->n_listeners, 3);
	assert_int_equal(g->listeners[0].attached_routes, 2); /* http: redirect-http, old-app */
	assert_int_equal(g->listeners[2].attached_routes, 1); /* grpc: echo */
	assert_int_equal(g->listeners[0].reported_attached_routes, 2);
	g = topology_find_gateway(t, "infra", "internal");
	assert_int_equal(g->listeners[0].attached_routes, 2); /* tools, tools-default */
	findings_done(&f);
	topology_free(t);
	store_free(s);
}

static void test_upstream_conformance(void **state)
{
	const char *shared = getenv("GT_SHARED");
	char base[1024], timeout[1024], retry[1024];
	const char *root = shared ? shared : "../shared";
	snprintf(base, sizeof base, "%s/data/gateway-api-v1.6.1/conformance/base/manifests.yaml", root);
	snprintf(timeout, sizeof timeout,
	         "%s/data/gateway-api-v1.6.1/conformance/tests/httproute-timeout-request.yaml", root);
	snprintf(retry, sizeof retry, "%s/data/gateway-api-v1.6.1/conformance/tests/httproute-retry.yaml",
	         root);
	const char *paths[] = {base, timeout, retry};
	struct gt_store *s = load(paths, 3);
	if (!s)
		skip();
	struct findings f;
	findings_init(&f);
	lint_run(s, NULL, &f);
	/* the GatewayClass is a template placeholder; everything else in the base attaches and
	 * resolves; the retry test's rules retry with no timeout at all */
	for (size_t i = 0; i < f.n; i++) {
		const struct finding *it = &f.items[i];
		if (it->severity == SEV_ERROR && !str_eq(it->code, "GatewayClassNotFound"))
			fail_msg("unexpected %s %s %s: %s", it->code, it->object, it->field, it->message);
	}
	assert_non_null(finding_find(&f, "GatewayClassNotFound",
	                             "gateway/gateway-conformance-infra/same-namespace", NULL));
	assert_non_null(finding_find(&f, "RetryWithoutTimeouts", "httproute/gateway-conformance-infra/retries",
	                             "spec.rules[0].retry"));
	findings_done(&f);
	store_free(s);
}

/* The v1.6 codes: listeners, ListenerSets, policies, retry budgets, the mesh's features. */
static void test_v16_codes(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass','metadata':{'name':'gc'},"
	          "'spec':{'controllerName':'x/y'}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':'gw',"
	          "'namespace':'infra'},'spec':{'gatewayClassName':'gc','listeners':["
	          "{'name':'web','port':80,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':'All'}}},"
	          "{'name':'raw','port':80,'protocol':'TCP'},"
	          "{'name':'odd','port':81,'protocol':'SCTP'}]},"
	          "'status':{'listeners':[{'name':'odd','attachedRoutes':0,'conditions':[{'type':'Accepted',"
	          "'status':'True','reason':'Accepted'}]}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'ListenerSet','metadata':{'name':'ls',"
	          "'namespace':'app'},'spec':{'parentRef':{'name':'gw','namespace':'infra'},"
	          "'listeners':[{'name':'x','port':8080,'protocol':'HTTP'}]}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'api','namespace':'app'},"
	          "'spec':{'ports':[{'port':80}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'m',"
	          "'namespace':'app'},'spec':{'parentRefs':[{'group':'','kind':'Service','name':'api'}],"
	          "'rules':[{'backendRefs':[{'name':'api','port':80}],'retry':{'attempts':2}}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.x-k8s.io/v1alpha1','kind':'XBackendTrafficPolicy',"
	          "'metadata':{'name':'b','namespace':'app'},'spec':{'targetRefs':[{'group':'','kind':"
	          "'Service','name':'api'}],'retryConstraint':{'budget':{'percent':0},'minRetryRate':"
	          "{'count':0,'interval':'1s'}}}}");
	sq_put(s, "{'apiVersion':'gateway.networking.x-k8s.io/v1alpha1','kind':'XBackendTrafficPolicy',"
	          "'metadata':{'name':'ghost','namespace':'app'},'spec':{'targetRefs':[{'group':'',"
	          "'kind':'Service','name':'nope'}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.x-k8s.io/v1alpha1','kind':'XMesh','metadata':{'name':'m'},"
	          "'spec':{'controllerName':'x/y'},'status':{'supportedFeatures':[{'name':'Mesh'}]}}");
	struct findings f;
	findings_init(&f);
	lint_run(s, NULL, &f);
	const struct finding *x = finding_find(&f, "ListenerNotAccepted", "gateway/infra/gw", "spec.listeners");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "ProtocolConflict"));
	assert_non_null(finding_find(&f, "ListenerStatusDisagrees", "gateway/infra/gw", "spec.listeners[2]"));
	x = finding_find(&f, "ListenerSetNotAccepted", "listenerset/app/ls", "spec.parentRef");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "NotAllowed"));
	x = finding_find(&f, "PolicyNotAccepted", "xbackendtrafficpolicy/app/ghost", "spec.targetRefs");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "TargetNotFound"));
	x = finding_find(&f, "RetryBudgetTooSmall", "httproute/app/m", "spec.rules[0].retry");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "none of the rule's retries"));
	assert_non_null(finding_find(&f, "RetryNotSupported", "httproute/app/m", "spec.rules[0].retry"));
	findings_done(&f);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_v16_codes),
		cmocka_unit_test(test_findings_sort),
		cmocka_unit_test(test_rule_checks),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_upstream_conformance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
