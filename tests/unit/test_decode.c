/* test_decode.c: JSON -> typed objects: every kind, the API server's defaults, v1beta1,
 * `group: core`, status, filter summaries, and hostile input (each a clear error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/xalloc.h"

static struct gt_object *ok(const char *json)
{
	struct gt_object *o = NULL;
	char err[512] = "";
	enum decode_result r = decode_text(json, strlen(json), &o, err, sizeof err);
	if (r != DECODE_OK)
		fail_msg("decode failed: %s\n%s", err, json);
	assert_non_null(o);
	return o;
}

static void test_httproute_defaults(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	    "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"generation\":3,"
	    "\"labels\":{\"app\":\"web\"},\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\",\"a\":\"b\"}},"
	    "\"spec\":{\"hostnames\":[\"shop.example.com\"],"
	    "\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\",\"sectionName\":\"https\"},"
	    "{\"group\":\"\",\"kind\":\"Service\",\"name\":\"cart\",\"port\":8080},"
	    "{\"group\":\"core\",\"kind\":\"Service\",\"name\":\"cart2\"}],"
	    "\"rules\":[{\"name\":\"r0\",\"backendRefs\":[{\"name\":\"web\",\"port\":80},"
	    "{\"name\":\"web-canary\",\"namespace\":\"canary\",\"port\":80,\"weight\":0}],"
	    "\"timeouts\":{\"request\":\"10s\",\"backendRequest\":\"2s\"},"
	    "\"retry\":{\"attempts\":3,\"backoff\":\"100ms\",\"codes\":[500,503]}},"
	    "{\"matches\":[{\"headers\":[{\"name\":\"x-env\",\"value\":\"prod\"}],\"method\":\"GET\"},"
	    "{\"path\":{\"type\":\"Exact\",\"value\":\"/login\"},\"queryParams\":[{\"type\":\"RegularExpression\",\"name\":\"q\",\"value\":\"a.*\"}]}]}]}}");
	assert_int_equal(o->kind, GT_HTTPROUTE);
	assert_string_equal(o->meta.name, "web");
	assert_string_equal(o->meta.namespace_, "shop");
	assert_int_equal(o->meta.generation, 3);
	assert_string_equal(kvlist_get(&o->meta.labels, "app"), "web");
	assert_null(kvlist_get(&o->meta.annotations, "kubectl.kubernetes.io/last-applied-configuration"));
	assert_string_equal(kvlist_get(&o->meta.annotations, "a"), "b");
	struct gt_route *r = &o->u.route;
	assert_int_equal(r->n_hostnames, 1);
	assert_int_equal(r->n_parents, 3);
	assert_string_equal(r->parents[0].group, GW_GROUP);
	assert_string_equal(r->parents[0].kind, "Gateway");
	assert_string_equal(r->parents[0].namespace_, "infra");
	assert_string_equal(r->parents[0].section_name, "https");
	assert_int_equal(r->parents[0].port, 0);
	assert_string_equal(r->parents[1].group, "");
	assert_string_equal(r->parents[1].kind, "Service");
	assert_string_equal(r->parents[1].namespace_, "shop");
	assert_int_equal(r->parents[1].port, 8080);
	assert_string_equal(r->parents[2].group, "");
	assert_null(r->parents[2].section_name);
	assert_false(r->default_rule);
	assert_int_equal(r->n_rules, 2);
	struct gt_rule *r0 = &r->rules[0];
	assert_string_equal(r0->name, "r0");
	assert_int_equal(r0->n_matches, 1); /* matches absent: PathPrefix / */
	assert_string_equal(r0->matches[0].path_type, "PathPrefix");
	assert_string_equal(r0->matches[0].path_value, "/");
	assert_int_equal(r0->n_backends, 2);
	assert_string_equal(r0->backends[0].group, "");
	assert_string_equal(r0->backends[0].kind, "Service");
	assert_string_equal(r0->backends[0].namespace_, "shop");
	assert_int_equal(r0->backends[0].weight, 1);
	assert_int_equal(r0->backends[0].port, 80);
	assert_string_equal(r0->backends[1].namespace_, "canary");
	assert_int_equal(r0->backends[1].weight, 0);
	assert_true(r0->has_timeouts);
	assert_string_equal(r0->timeouts.request, "10s");
	assert_string_equal(r0->timeouts.backend_request, "2s");
	assert_true(r0->has_retry);
	assert_int_equal(r0->retry.attempts, 3);
	assert_string_equal(r0->retry.backoff, "100ms");
	assert_int_equal(r0->retry.n_codes, 2);
	assert_int_equal(r0->retry.codes[1], 503);
	struct gt_rule *r1 = &r->rules[1];
	assert_null(r1->name);
	assert_false(r1->has_timeouts);
	assert_false(r1->has_retry);
	assert_int_equal(r1->retry.attempts, -1);
	assert_int_equal(r1->n_matches, 2);
	assert_string_equal(r1->matches[0].path_type, "PathPrefix"); /* path absent in a match */
	assert_string_equal(r1->matches[0].method, "GET");
	assert_string_equal(r1->matches[0].headers[0].type, "Exact");
	assert_string_equal(r1->matches[0].headers[0].name, "x-env");
	assert_string_equal(r1->matches[1].path_type, "Exact");
	assert_string_equal(r1->matches[1].path_value, "/login");
	assert_string_equal(r1->matches[1].query_params[0].type, "RegularExpression");
	char id[128];
	assert_string_equal(object_id(o, id, sizeof id), "httproute/shop/web");
	/* clone is deep and equal */
	struct gt_object *c = object_clone(o);
	object_free(o);
	assert_string_equal(c->u.route.rules[1].matches[1].query_params[0].value, "a.*");
	assert_string_equal(c->u.route.parents[0].section_name, "https");
	object_free(c);
}

static void test_default_rule(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"HTTPRoute\","
	    "\"metadata\":{\"name\":\"bare\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}]}}");
	assert_string_equal(o->api_version, "gateway.networking.k8s.io/v1beta1");
	assert_string_equal(o->meta.namespace_, "default");
	assert_true(o->u.route.default_rule);
	assert_int_equal(o->u.route.n_rules, 1);
	assert_int_equal(o->u.route.rules[0].n_matches, 1);
	assert_string_equal(o->u.route.rules[0].matches[0].path_type, "PathPrefix");
	assert_string_equal(o->u.route.rules[0].matches[0].path_value, "/");
	assert_int_equal(o->u.route.rules[0].n_backends, 0);
	assert_string_equal(o->u.route.parents[0].namespace_, "default");
	object_free(o);
	/* explicit empty list of matches stays empty */
	o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	       "\"metadata\":{\"name\":\"m\",\"namespace\":\"a\"},\"spec\":{\"rules\":[{\"matches\":[]}]}}");
	assert_false(o->u.route.default_rule);
	assert_int_equal(o->u.route.rules[0].n_matches, 0);
	object_free(o);
}

static void test_grpcroute(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GRPCRoute\","
	    "\"metadata\":{\"name\":\"g\",\"namespace\":\"a\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}],"
	    "\"rules\":[{\"matches\":[{\"method\":{\"service\":\"echo.Echo\",\"method\":\"Say\"},"
	    "\"headers\":[{\"name\":\"x\",\"value\":\"1\"}]}],\"backendRefs\":[{\"name\":\"echo\",\"port\":9000}]},"
	    "{\"backendRefs\":[{\"name\":\"echo\",\"port\":9000}]}]}}");
	assert_int_equal(o->kind, GT_GRPCROUTE);
	struct gt_rule *r = &o->u.route.rules[0];
	assert_string_equal(r->matches[0].grpc_type, "Exact");
	assert_string_equal(r->matches[0].grpc_service, "echo.Echo");
	assert_string_equal(r->matches[0].grpc_method, "Say");
	assert_null(r->matches[0].path_type);
	assert_int_equal(o->u.route.rules[1].n_matches, 0); /* GRPC: no default path match */
	object_free(o);
	o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GRPCRoute\","
	       "\"metadata\":{\"name\":\"g\",\"namespace\":\"a\"}}");
	assert_true(o->u.route.default_rule);
	assert_int_equal(o->u.route.n_rules, 1);
	assert_int_equal(o->u.route.rules[0].n_matches, 0);
	object_free(o);
}

static void test_route_status(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	    "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{},"
	    "\"status\":{\"parents\":[{\"parentRef\":{\"name\":\"gw\",\"namespace\":\"infra\"},"
	    "\"controllerName\":\"example.com/ctl\",\"conditions\":[{\"type\":\"Accepted\",\"status\":\"True\","
	    "\"reason\":\"Accepted\",\"message\":\"ok\",\"observedGeneration\":2,\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"},"
	    "{\"type\":\"ResolvedRefs\",\"status\":\"False\",\"reason\":\"BackendNotFound\"}]},"
	    "{\"parentRef\":{\"group\":\"core\",\"kind\":\"Service\",\"name\":\"svc\"},\"controllerName\":\"mesh\"}]}}");
	struct gt_route *r = &o->u.route;
	assert_int_equal(r->n_status, 2);
	assert_string_equal(r->status[0].ref.group, GW_GROUP);
	assert_string_equal(r->status[0].ref.kind, "Gateway");
	assert_string_equal(r->status[0].ref.namespace_, "infra");
	assert_string_equal(r->status[0].controller_name, "example.com/ctl");
	const struct gt_condition *c = conditions_find(&r->status[0].conditions, "ResolvedRefs");
	assert_non_null(c);
	assert_string_equal(c->status, "False");
	assert_string_equal(c->reason, "BackendNotFound");
	assert_int_equal(conditions_find(&r->status[0].conditions, "Accepted")->observed_generation, 2);
	assert_null(conditions_find(&r->status[0].conditions, "Programmed"));
	assert_string_equal(r->status[1].ref.group, "");
	assert_string_equal(r->status[1].ref.namespace_, "shop");
	object_free(o);
}

static void test_gateway(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\","
	    "\"metadata\":{\"name\":\"gw\",\"namespace\":\"infra\"},\"spec\":{\"gatewayClassName\":\"eg\","
	    "\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\"},"
	    "{\"name\":\"https\",\"port\":443,\"protocol\":\"HTTPS\",\"hostname\":\"*.example.com\","
	    "\"allowedRoutes\":{\"namespaces\":{\"from\":\"Selector\",\"selector\":{\"matchLabels\":{\"shared\":\"yes\"},"
	    "\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"prod\",\"stage\"]}]}},"
	    "\"kinds\":[{\"kind\":\"HTTPRoute\"},{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"GRPCRoute\"}]}},"
	    "{\"name\":\"all\",\"port\":8080,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}}]},"
	    "\"status\":{\"addresses\":[{\"type\":\"IPAddress\",\"value\":\"10.0.0.1\"}],"
	    "\"conditions\":[{\"type\":\"Programmed\",\"status\":\"True\"}],"
	    "\"listeners\":[{\"name\":\"http\",\"attachedRoutes\":2,\"conditions\":[{\"type\":\"Accepted\",\"status\":\"True\"}]},"
	    "{\"name\":\"https\"}]}}");
	struct gt_gateway *g = &o->u.gw;
	assert_string_equal(g->class_name, "eg");
	assert_int_equal(g->n_listeners, 3);
	assert_int_equal(g->listeners[0].from, GT_FROM_SAME);
	assert_null(g->listeners[0].hostname);
	assert_false(g->listeners[0].selector.present);
	assert_int_equal(g->listeners[1].port, 443);
	assert_string_equal(g->listeners[1].hostname, "*.example.com");
	assert_int_equal(g->listeners[1].from, GT_FROM_SELECTOR);
	assert_true(g->listeners[1].selector.present);
	assert_int_equal(g->listeners[1].n_kinds, 2);
	assert_string_equal(g->listeners[1].kinds[0].group, GW_GROUP);
	assert_string_equal(g->listeners[1].kinds[1].kind, "GRPCRoute");
	assert_int_equal(g->listeners[2].from, GT_FROM_ALL);
	assert_int_equal(g->n_addresses, 1);
	assert_string_equal(g->addresses[0], "10.0.0.1");
	assert_non_null(conditions_find(&g->conditions, "Programmed"));
	assert_int_equal(g->n_listener_status, 2);
	assert_int_equal(g->listener_status[0].attached_routes, 2);
	assert_int_equal(g->listener_status[1].attached_routes, -1);
	/* selector semantics */
	struct gt_kv l1[] = {{"shared", "yes"}, {"env", "prod"}}, l2[] = {{"shared", "yes"}},
	             l3[] = {{"shared", "no"}, {"env", "prod"}};
	struct gt_kvlist k1 = {l1, 2}, k2 = {l2, 1}, k3 = {l3, 2};
	assert_true(selector_matches(&g->listeners[1].selector, &k1));
	assert_false(selector_matches(&g->listeners[1].selector, &k2));
	assert_false(selector_matches(&g->listeners[1].selector, &k3));
	struct gt_object *c = object_clone(o);
	object_free(o);
	assert_true(selector_matches(&c->u.gw.listeners[1].selector, &k1));
	object_free(c);
}

static void test_other_kinds(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GatewayClass\","
	    "\"metadata\":{\"name\":\"eg\",\"namespace\":\"ignored\"},\"spec\":{\"controllerName\":\"gateway.envoyproxy.io/c\","
	    "\"description\":\"d\"},\"status\":{\"conditions\":[{\"type\":\"Accepted\",\"status\":\"True\"}]}}");
	assert_int_equal(o->kind, GT_GATEWAYCLASS);
	assert_null(o->meta.namespace_);
	assert_string_equal(object_ns(o), "");
	assert_string_equal(o->u.gc.controller_name, "gateway.envoyproxy.io/c");
	char id[64];
	assert_string_equal(object_id(o, id, sizeof id), "gatewayclass/eg");
	object_free(o);

	o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\","
	       "\"metadata\":{\"name\":\"allow\",\"namespace\":\"backends\"},\"spec\":{"
	       "\"from\":[{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"HTTPRoute\",\"namespace\":\"shop\"}],"
	       "\"to\":[{\"group\":\"\",\"kind\":\"Service\"},{\"group\":\"core\",\"kind\":\"Service\",\"name\":\"db\"}]}}");
	assert_int_equal(o->kind, GT_REFERENCEGRANT);
	assert_int_equal(o->u.grant.n_from, 1);
	assert_string_equal(o->u.grant.from[0].namespace_, "shop");
	assert_int_equal(o->u.grant.n_to, 2);
	assert_null(o->u.grant.to[0].name);
	assert_string_equal(o->u.grant.to[1].group, "");
	assert_string_equal(o->u.grant.to[1].name, "db");
	object_free(o);

	o = ok("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
	       "\"spec\":{\"clusterIP\":\"None\",\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,"
	       "\"appProtocol\":\"http\"},{\"port\":443,\"targetPort\":\"https\",\"protocol\":\"TCP\"},{\"port\":9}]}}");
	assert_int_equal(o->kind, GT_SERVICE);
	assert_string_equal(o->u.svc.type, "ClusterIP");
	assert_true(service_is_headless(&o->u.svc));
	assert_int_equal(o->u.svc.n_ports, 3);
	assert_string_equal(o->u.svc.ports[0].target_port, "8080");
	assert_string_equal(o->u.svc.ports[0].protocol, "TCP");
	assert_string_equal(o->u.svc.ports[1].target_port, "https");
	assert_string_equal(o->u.svc.ports[2].target_port, "9");
	object_free(o);

	o = ok("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"ext\",\"namespace\":\"shop\"},"
	       "\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\"}}");
	assert_string_equal(o->u.svc.type, "ExternalName");
	assert_false(service_is_headless(&o->u.svc));
	object_free(o);

	o = ok("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\",\"labels\":{\"env\":\"prod\"}}}");
	assert_int_equal(o->kind, GT_NAMESPACE);
	assert_string_equal(kvlist_get(&o->meta.labels, "env"), "prod");
	object_free(o);
}

static void test_filters(void **state)
{
	(void)state;
	struct gt_object *o = ok("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	    "\"metadata\":{\"name\":\"f\",\"namespace\":\"a\"},\"spec\":{\"rules\":[{\"filters\":["
	    "{\"type\":\"RequestHeaderModifier\",\"requestHeaderModifier\":{\"set\":[{\"name\":\"X-Env\",\"value\":\"prod\"}],"
	    "\"add\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}],\"remove\":[\"X-Debug\"]}},"
	    "{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"scheme\":\"https\",\"hostname\":\"x.example.com\",\"port\":443,\"statusCode\":301}},"
	    "{\"type\":\"URLRewrite\",\"urlRewrite\":{\"path\":{\"type\":\"ReplacePrefixMatch\",\"replacePrefixMatch\":\"/v2\"}}},"
	    "{\"type\":\"RequestMirror\",\"requestMirror\":{\"backendRef\":{\"name\":\"shadow\",\"namespace\":\"b\",\"port\":80},\"percent\":10}},"
	    "{\"type\":\"ExtensionRef\",\"extensionRef\":{\"group\":\"example.com\",\"kind\":\"Auth\",\"name\":\"basic\"}},"
	    "{\"type\":\"CORS\",\"cors\":{\"allowOrigins\":[\"https://a\",\"https://b\"],\"allowCredentials\":true,\"maxAge\":60}},"
	    "{\"type\":\"ResponseHeaderModifier\",\"responseHeaderModifier\":{\"remove\":[\"Server\",\"Via\"]}},"
	    "{\"type\":\"SomethingNew\"},{\"type\":\"RequestMirror\"},{\"type\":\"RequestHeaderModifier\"},"
	    "{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"path\":{\"type\":\"ReplaceFullPath\",\"replaceFullPath\":\"/x\"}}}]}]}}");
	struct gt_rule *r = &o->u.route.rules[0];
	static const char *want[][2] = {
		{"RequestHeaderModifier", "set X-Env=prod; add A=1, B=2; remove X-Debug"},
		{"RequestRedirect", "redirect scheme=https host=x.example.com port=443 status=301"},
		{"URLRewrite", "rewrite prefix=/v2"},
		{"RequestMirror", "mirror to b/shadow:80 (10%)"},
		{"ExtensionRef", "extension Auth.example.com basic"},
		{"CORS", "cors origins=https://a,https://b credentials=true maxAge=60s"},
		{"ResponseHeaderModifier", "remove Server, Via"},
		{"SomethingNew", "SomethingNew"},
		{"RequestMirror", "mirror to ?"},
		{"RequestHeaderModifier", "no changes"},
		{"RequestRedirect", "redirect path=/x"},
	};
	assert_int_equal(r->n_filters, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < r->n_filters; i++) {
		assert_string_equal(r->filters[i].type, want[i][0]);
		assert_string_equal(r->filters[i].summary, want[i][1]);
	}
	object_free(o);
}

static void test_skipped(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}", "ConfigMap"},
		{"{\"apiVersion\":\"gateway.networking.x-k8s.io/v1alpha1\",\"kind\":\"XBackend\",\"metadata\":{\"name\":\"x\"}}", "XBackend"},
		{"{\"apiVersion\":\"gateway.networking.x-k8s.io/v1alpha1\",\"kind\":\"TCPRoute\",\"metadata\":{\"name\":\"x\"}}", "TCPRoute"},
		{"{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"x\"}}", "networking.istio.io"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v9\",\"kind\":\"HTTPRoute\"}", "HTTPRoute"},
		{"{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\"}", "Service"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_object *o = (void *)1;
		char err[256] = "";
		assert_int_equal(decode_text(cases[i][0], strlen(cases[i][0]), &o, err, sizeof err),
		                 DECODE_SKIPPED);
		assert_null(o);
		if (!strstr(err, cases[i][1]))
			fail_msg("case %zu: %s", i, err);
	}
}

/* Every Gateway API kind in every served version decodes; other versions are skipped. */
static void test_versions(void **state)
{
	(void)state;
	static const char *kinds[] = {"GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant"};
	static const struct { const char *version; enum decode_result want; } versions[] = {
		{"v1", DECODE_OK}, {"v1beta1", DECODE_OK}, {"v1alpha2", DECODE_OK},
		{"v2", DECODE_SKIPPED}, {"", DECODE_SKIPPED},
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
			char json[256], err[256] = "";
			snprintf(json, sizeof json, "{\"apiVersion\":\"gateway.networking.k8s.io/%s\","
			         "\"kind\":\"%s\",\"metadata\":{\"name\":\"x\",\"namespace\":\"n\"}}",
			         versions[v].version, kinds[k]);
			struct gt_object *o = NULL;
			enum decode_result r = decode_text(json, strlen(json), &o, err, sizeof err);
			if (r != versions[v].want)
				fail_msg("%s %s: %d (%s)", kinds[k], versions[v].version, r, err);
			if (o) {
				assert_string_equal(kind_name(o->kind), kinds[k]);
				object_free(o);
			}
		}
	}
	/* core kinds only as v1 in the core group */
	static const char *core[][2] = {{"v1", "Service"}, {"v1", "Namespace"}};
	static const char *not_core[][2] = {{"v2", "Service"}, {"apps/v1", "Service"}, {"core/v1", "Namespace"}};
	for (size_t i = 0; i < 2; i++) {
		char json[256];
		snprintf(json, sizeof json, "{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"metadata\":{\"name\":\"x\"}}",
		         core[i][0], core[i][1]);
		struct gt_object *o = NULL;
		assert_int_equal(decode_text(json, strlen(json), &o, NULL, 0), DECODE_OK);
		object_free(o);
	}
	for (size_t i = 0; i < 3; i++) {
		char json[256];
		snprintf(json, sizeof json, "{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"metadata\":{\"name\":\"x\"}}",
		         not_core[i][0], not_core[i][1]);
		assert_int_equal(decode_text(json, strlen(json), NULL, NULL, 0), DECODE_SKIPPED);
	}
	/* the kind is case-sensitive, as in the API */
	const char *lower = "{\"apiVersion\":\"v1\",\"kind\":\"service\",\"metadata\":{\"name\":\"x\"}}";
	assert_int_equal(decode_text(lower, strlen(lower), NULL, NULL, 0), DECODE_SKIPPED);
}

#define HR "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"

static void test_hostile(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{"[]", "expected a JSON object"},
		{"{\"kind\":\"HTTPRoute\"}", "HTTPRoute: apiVersion: required"},
		{"{\"kind\":7,\"apiVersion\":\"v1\"}", "kind: expected a string"},
		{"{\"apiVersion\":\"v1\"}", "kind: required"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\"}", "service (unnamed): metadata: required"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{}}", "service (unnamed): metadata.name: required"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"\"}}", "metadata.name: must not be empty"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":5}}", "metadata.name: expected a string"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":[]}", "metadata: expected an object"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":[]}}", "service/?/s: metadata.namespace: expected a string"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":1}}}", "namespace/a: metadata.labels.x: expected a string"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":70000}]}}", "service/default/s: spec.ports[0].port: expected an integer 1-65535"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"name\":\"x\"}]}}", "spec.ports[0].port: required"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":1,\"targetPort\":0}]}}", "spec.ports[0].targetPort: expected an integer 1-65535 or a port name"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":{}}}", "spec.ports: expected a list"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":7}", "service/default/s: spec: expected an object"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":65536}]}]}}", "httproute/default/web: spec.rules[0].backendRefs[1].port: expected an integer 1-65535"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\",\"port\":80.5}]}]}}", "spec.rules[0].backendRefs[0].port: expected an integer 1-65535"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\",\"port\":\"80\"}]}]}}", "spec.rules[0].backendRefs[0].port: expected an integer 1-65535"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\",\"weight\":1000001}]}]}}", "spec.rules[0].backendRefs[0].weight: expected an integer 0-1000000"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\",\"weight\":-1}]}]}}", "weight: expected an integer 0-1000000"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[{\"port\":80}]}]}}", "spec.rules[0].backendRefs[0].name: required"},
		{HR "\"spec\":{\"rules\":[{\"backendRefs\":[7]}]}}", "spec.rules[0].backendRefs[0]: expected an object"},
		{HR "\"spec\":{\"rules\":[{\"retry\":{\"attempts\":-1}}]}}", "spec.rules[0].retry.attempts: expected an integer 0-1000000"},
		{HR "\"spec\":{\"rules\":[{\"retry\":{\"attempts\":9999999999}}]}}", "retry.attempts: expected an integer"},
		{HR "\"spec\":{\"rules\":[{\"retry\":{\"codes\":[500,\"x\"]}}]}}", "spec.rules[0].retry.codes[1]: expected an integer 0-999"},
		{HR "\"spec\":{\"rules\":[{\"timeouts\":{\"request\":10}}]}}", "spec.rules[0].timeouts.request: expected a string"},
		{HR "\"spec\":{\"rules\":[{\"timeouts\":\"10s\"}]}}", "spec.rules[0].timeouts: expected an object"},
		{HR "\"spec\":{\"parentRefs\":[{\"name\":\"gw\",\"port\":0}]}}", "spec.parentRefs[0].port: expected an integer 1-65535"},
		{HR "\"spec\":{\"parentRefs\":[{}]}}", "spec.parentRefs[0].name: required"},
		{HR "\"spec\":{\"hostnames\":[\"a\",1]}}", "spec.hostnames[1]: expected a string"},
		{HR "\"spec\":{\"hostnames\":\"a\"}}", "spec.hostnames: expected a list"},
		{HR "\"spec\":{\"rules\":[{\"matches\":[{\"path\":\"/x\"}]}]}}", "spec.rules[0].matches[0].path: expected an object"},
		{HR "\"spec\":{\"rules\":[{\"matches\":[{\"headers\":[{\"value\":\"x\"}]}]}]}}", "spec.rules[0].matches[0].headers[0].name: required"},
		{HR "\"spec\":{\"rules\":[{\"filters\":[{}]}]}}", "spec.rules[0].filters[0].type: required"},
		{HR "\"spec\":{\"rules\":[{\"filters\":[{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"statusCode\":999}}]}]}}", "spec.rules[0].filters[0].requestRedirect.statusCode: expected an integer 100-599"},
		{HR "\"spec\":{\"rules\":[{\"filters\":[{\"type\":\"RequestHeaderModifier\",\"requestHeaderModifier\":{\"set\":[{\"value\":\"x\"}]}}]}]}}", "spec.rules[0].filters[0].requestHeaderModifier.set[0].name: required"},
		{HR "\"spec\":{\"rules\":[{\"filters\":[{\"type\":\"RequestMirror\",\"requestMirror\":{\"backendRef\":{\"name\":\"m\"},\"percent\":101}}]}]}}", "requestMirror.percent: expected an integer 0-100"},
		{HR "\"spec\":{\"rules\":[{\"filters\":[{\"type\":\"RequestRedirect\",\"requestRedirect\":\"x\"}]}]}}", "spec.rules[0].filters[0].requestRedirect: expected an object"},
		{HR "\"spec\":{\"rules\":[{\"filters\":[{\"type\":\"CORS\",\"cors\":{\"allowOrigins\":\"*\"}}]}]}}", "spec.rules[0].filters[0].cors.allowOrigins: expected a list"},
		{HR "\"status\":{\"parents\":[{\"controllerName\":\"x\"}]}}", "status.parents[0].parentRef: required"},
		{HR "\"status\":{\"parents\":[{\"parentRef\":{\"name\":\"g\"},\"conditions\":[{\"observedGeneration\":-4}]}]}}", "status.parents[0].conditions[0].observedGeneration: expected an integer"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g\",\"namespace\":\"i\"},\"spec\":{\"listeners\":[{\"name\":\"l\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"Everywhere\"}}}]}}", "gateway/i/g: spec.listeners[0].allowedRoutes.namespaces.from: expected Same, All or Selector"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g\",\"namespace\":\"i\"},\"spec\":{\"listeners\":[{\"name\":\"l\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"Selector\",\"selector\":{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Near\"}]}}}}]}}", "spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator: expected In, NotIn, Exists or DoesNotExist"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g\",\"namespace\":\"i\"},\"spec\":{\"listeners\":[{\"port\":80}]}}", "spec.listeners[0].name: required"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g\",\"namespace\":\"i\"},\"spec\":{\"listeners\":[{\"name\":\"l\",\"protocol\":\"HTTP\"}]}}", "spec.listeners[0].port: required"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g\",\"namespace\":\"i\"},\"spec\":{\"listeners\":[{\"name\":\"l\",\"port\":80}]}}", "spec.listeners[0].protocol: required"},
		{"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"g\",\"namespace\":\"i\"},\"status\":{\"listeners\":[{\"name\":\"l\",\"attachedRoutes\":-1}]}}", "status.listeners[0].attachedRoutes: expected an integer"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\\u001b[31m\"},\"spec\":{\"ports\":[{\"port\":0}]}}", "service/default/a?[31m: spec.ports[0].port"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":", "invalid JSON at line 1"},
		{"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"\xff\xfe\"}}", "invalid JSON"},
		{"", "invalid JSON"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_object *o = (void *)1;
		char err[512] = "";
		enum decode_result r = decode_text(cases[i][0], strlen(cases[i][0]), &o, err, sizeof err);
		if (r != DECODE_ERROR || !strstr(err, cases[i][1]))
			fail_msg("case %zu: result %d, error \"%s\", want \"%s\"", i, r, err, cases[i][1]);
		assert_null(o);
	}
	/* a NUL inside a string (only reachable from a json_t built in memory) */
	json_t *j = json_pack("{s:s,s:s,s:{s:s#}}", "apiVersion", "v1", "kind", "Namespace",
	                      "metadata", "name", "a\0b", (size_t)3);
	struct gt_object *o = NULL;
	char err[256];
	assert_int_equal(decode_object(j, &o, err, sizeof err), DECODE_ERROR);
	assert_non_null(strstr(err, "metadata.name: contains a NUL character"));
	json_decref(j);
	assert_int_equal(decode_object(NULL, &o, err, sizeof err), DECODE_ERROR);
	/* err may be NULL */
	assert_int_equal(decode_text("{}", 2, &o, NULL, 0), DECODE_ERROR);
}

static void test_huge_and_deep(void **state)
{
	(void)state;
	/* a list over the cap */
	struct buf b;
	buf_init(&b);
	buf_puts(&b, HR "\"spec\":{\"hostnames\":[");
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%s\"h%d\"", i ? "," : "", i);
	buf_puts(&b, "]}}");
	struct gt_object *o = NULL;
	char err[512] = "";
	assert_int_equal(decode_text(b.data, b.len, &o, err, sizeof err), DECODE_ERROR);
	assert_non_null(strstr(err, "spec.hostnames: 5000 items is too many"));
	/* deep nesting in an ignored field: jansson's depth limit or we ignore it */
	buf_reset(&b);
	buf_puts(&b, HR "\"spec\":{\"x\":");
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "}}");
	assert_int_equal(decode_text(b.data, b.len, &o, err, sizeof err), DECODE_ERROR);
	assert_non_null(strstr(err, "invalid JSON"));
	/* a very long filter summary is cut */
	buf_reset(&b);
	buf_puts(&b, HR "\"spec\":{\"rules\":[{\"filters\":[{\"type\":\"RequestHeaderModifier\","
	             "\"requestHeaderModifier\":{\"remove\":[");
	for (int i = 0; i < 500; i++)
		buf_printf(&b, "%s\"Header-%d\"", i ? "," : "", i);
	buf_puts(&b, "]}}]}]}}");
	assert_int_equal(decode_text(b.data, b.len, &o, err, sizeof err), DECODE_OK);
	const char *s = o->u.route.rules[0].filters[0].summary;
	assert_true(strlen(s) <= 400);
	assert_non_null(strstr(s, "..."));
	object_free(o);
	buf_done(&b);
}

/* 1000 generated routes decode correctly (nothing quadratic; no timing asserted). */
static void test_many(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 1000; i++) {
		buf_reset(&b);
		buf_printf(&b, "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
		           "\"metadata\":{\"name\":\"r%d\",\"namespace\":\"ns%d\"},\"spec\":{"
		           "\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\"}],\"rules\":[", i, i % 7);
		for (int k = 0; k < i % 5 + 1; k++)
			buf_printf(&b, "%s{\"backendRefs\":[{\"name\":\"svc%d\",\"port\":%d}]}", k ? "," : "",
			           k, 1000 + i);
		buf_puts(&b, "]}}");
		struct gt_object *o = NULL;
		char err[256] = "";
		assert_int_equal(decode_text(b.data, b.len, &o, err, sizeof err), DECODE_OK);
		assert_int_equal(o->u.route.n_rules, (size_t)(i % 5 + 1));
		assert_int_equal(o->u.route.rules[i % 5].backends[0].port, 1000 + i);
		char want[32];
		snprintf(want, sizeof want, "ns%d", i % 7);
		assert_string_equal(o->meta.namespace_, want);
		object_free(o);
	}
	buf_done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_httproute_defaults),
		cmocka_unit_test(test_default_rule),
		cmocka_unit_test(test_grpcroute),
		cmocka_unit_test(test_route_status),
		cmocka_unit_test(test_gateway),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_huge_and_deep),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
