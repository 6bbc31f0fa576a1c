/* test_object.c: the kind table, ids, kv lists, conditions and label selectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/object.h"
#include "gammatop/xalloc.h"

static void test_kinds(void **state)
{
	(void)state;
	static const struct {
		enum gt_kind k;
		const char *name, *id, *resource, *group, *version;
		bool ns;
	} t[] = {
		{GT_GATEWAYCLASS, "GatewayClass", "gatewayclass", "gatewayclasses", GW_GROUP, "v1", false},
		{GT_GATEWAY, "Gateway", "gateway", "gateways", GW_GROUP, "v1", true},
		{GT_HTTPROUTE, "HTTPRoute", "httproute", "httproutes", GW_GROUP, "v1", true},
		{GT_GRPCROUTE, "GRPCRoute", "grpcroute", "grpcroutes", GW_GROUP, "v1", true},
		{GT_REFERENCEGRANT, "ReferenceGrant", "referencegrant", "referencegrants", GW_GROUP, "v1beta1", true},
		{GT_SERVICE, "Service", "service", "services", "", "v1", true},
		{GT_NAMESPACE, "Namespace", "namespace", "namespaces", "", "v1", false},
		/* gateway-api v1.6.1 config/crd: group, served version, scope of each CRD */
		{GT_LISTENERSET, "ListenerSet", "listenerset", "listenersets", GW_GROUP, "v1", true},
		{GT_TLSROUTE, "TLSRoute", "tlsroute", "tlsroutes", GW_GROUP, "v1", true},
		{GT_TCPROUTE, "TCPRoute", "tcproute", "tcproutes", GW_GROUP, "v1", true},
		{GT_UDPROUTE, "UDPRoute", "udproute", "udproutes", GW_GROUP, "v1", true},
		{GT_BACKENDTLSPOLICY, "BackendTLSPolicy", "backendtlspolicy", "backendtlspolicies", GW_GROUP, "v1", true},
		{GT_XBACKENDTRAFFICPOLICY, "XBackendTrafficPolicy", "xbackendtrafficpolicy", "xbackendtrafficpolicies",
		 GW_X_GROUP, "v1alpha1", true},
		{GT_XMESH, "XMesh", "xmesh", "xmeshes", GW_X_GROUP, "v1alpha1", false},
	};
	assert_int_equal(sizeof t / sizeof t[0], GT_KIND_COUNT);
	for (size_t i = 0; i < GT_KIND_COUNT; i++) {
		assert_string_equal(kind_name(t[i].k), t[i].name);
		assert_string_equal(kind_id(t[i].k), t[i].id);
		assert_string_equal(kind_resource(t[i].k), t[i].resource);
		assert_string_equal(kind_group(t[i].k), t[i].group);
		assert_string_equal(kind_version(t[i].k), t[i].version);
		assert_int_equal(kind_namespaced(t[i].k), t[i].ns);
		assert_int_equal(kind_from_name(t[i].name), t[i].k);
		assert_int_equal(kind_from_name(t[i].id), t[i].k);
		assert_int_equal(kind_from_name(t[i].resource), t[i].k);
	}
	assert_int_equal(kind_from_name("svc"), GT_SERVICE);
	assert_int_equal(kind_from_name("lset"), GT_LISTENERSET);
	assert_int_equal(kind_from_name("btlspolicy"), GT_BACKENDTLSPOLICY);
	assert_true(kind_is_route(GT_TLSROUTE) && kind_is_route(GT_UDPROUTE) && kind_is_l4_route(GT_TCPROUTE));
	assert_false(kind_is_l4_route(GT_HTTPROUTE) || kind_is_route(GT_LISTENERSET));
	assert_true(kind_is_policy(GT_XBACKENDTRAFFICPOLICY) && !kind_is_policy(GT_XMESH));
	assert_int_equal(kind_from_name("HTTPROUTES"), GT_HTTPROUTE);
	assert_int_equal(kind_from_name("ConfigMap"), -1);
	assert_int_equal(kind_from_name(NULL), -1);
	assert_true(kind_is_route(GT_HTTPROUTE));
	assert_true(kind_is_route(GT_GRPCROUTE));
	assert_false(kind_is_route(GT_GATEWAY));
	assert_string_equal(kind_name(GT_KIND_COUNT), "?");
	assert_false(kind_namespaced((enum gt_kind)-1));
}

static void test_ids(void **state)
{
	(void)state;
	struct gt_object *o = object_new(GT_HTTPROUTE);
	o->meta.name = xstrdup("web");
	o->meta.namespace_ = xstrdup("shop");
	char buf[64];
	assert_string_equal(object_id(o, buf, sizeof buf), "httproute/shop/web");
	assert_string_equal(object_ns(o), "shop");
	assert_string_equal(object_id(o, buf, 8), "httprou");
	assert_string_equal(object_id(NULL, buf, sizeof buf), "?");
	struct gt_object *c = object_clone(o);
	object_free(o);
	assert_string_equal(object_id(c, buf, sizeof buf), "httproute/shop/web");
	c->kind = GT_NAMESPACE;
	assert_string_equal(object_id(c, buf, sizeof buf), "namespace/web");
	assert_string_equal(object_ns(c), "");
	object_free(c);
	object_free(NULL);
	assert_null(object_clone(NULL));
}

static void test_kv_conditions(void **state)
{
	(void)state;
	struct gt_kv kv[] = {{"a", "1"}, {"b", "2"}};
	struct gt_kvlist l = {kv, 2};
	assert_string_equal(kvlist_get(&l, "b"), "2");
	assert_null(kvlist_get(&l, "c"));
	assert_null(kvlist_get(NULL, "a"));
	struct gt_condition cs[] = {{"Accepted", "True", "Accepted", "", 1},
	                            {"Programmed", "False", "Pending", "wait", 2}};
	struct gt_conditions c = {cs, 2};
	assert_string_equal(conditions_find(&c, "Programmed")->reason, "Pending");
	assert_null(conditions_find(&c, "ResolvedRefs"));
	struct gt_service s = {.cluster_ip = "None"};
	assert_true(service_is_headless(&s));
	s.cluster_ip = "10.0.0.1";
	assert_false(service_is_headless(&s));
	s.cluster_ip = NULL;
	assert_false(service_is_headless(&s));
}

static void test_selector(void **state)
{
	(void)state;
	char *prod_stage[] = {"prod", "stage"};
	struct gt_kv ml[] = {{"team", "a"}};
	struct gt_label_req in = {"env", "In", prod_stage, 2}, notin = {"env", "NotIn", prod_stage, 2},
	                    exists = {"env", "Exists", NULL, 0}, dne = {"env", "DoesNotExist", NULL, 0},
	                    bad = {"env", "Sometimes", NULL, 0};
	struct gt_kv l_prod[] = {{"team", "a"}, {"env", "prod"}}, l_dev[] = {{"team", "a"}, {"env", "dev"}},
	             l_none[] = {{"team", "a"}}, l_b[] = {{"team", "b"}, {"env", "prod"}};
	struct gt_kvlist prod = {l_prod, 2}, dev = {l_dev, 2}, none = {l_none, 1}, b = {l_b, 2},
	                 empty = {NULL, 0};
	const struct {
		bool present;
		int ml;
		struct gt_label_req *expr;
		bool want[5]; /* prod, dev, none, b, empty */
	} cases[] = {
		{false, 0, NULL, {0, 0, 0, 0, 0}},
		{true, 0, NULL, {1, 1, 1, 1, 1}},
		{true, 1, NULL, {1, 1, 1, 0, 0}},
		{true, 0, &in, {1, 0, 0, 1, 0}},
		{true, 1, &in, {1, 0, 0, 0, 0}},
		{true, 0, &notin, {0, 1, 1, 0, 1}},
		{true, 0, &exists, {1, 1, 0, 1, 0}},
		{true, 0, &dne, {0, 0, 1, 0, 1}},
		{true, 0, &bad, {0, 0, 0, 0, 0}},
	};
	const struct gt_kvlist *labels[] = {&prod, &dev, &none, &b, &empty};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_selector sel = {.present = cases[i].present};
		if (cases[i].ml) {
			sel.match_labels.items = ml;
			sel.match_labels.n = 1;
		}
		if (cases[i].expr) {
			sel.exprs = cases[i].expr;
			sel.n_exprs = 1;
		}
		for (int k = 0; k < 5; k++)
			if (selector_matches(&sel, labels[k]) != cases[i].want[k])
				fail_msg("case %zu labels %d", i, k);
	}
	assert_false(selector_matches(NULL, &prod));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_kv_conditions),
		cmocka_unit_test(test_selector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
