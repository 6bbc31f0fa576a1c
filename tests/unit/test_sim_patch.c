/* test_sim_patch.c: the simulator's pure pieces: JSON merge patch (RFC 7386 appendix A),
 * JSON patch (RFC 6902 operations and errors), label and field selectors, server-side apply
 * field ownership, and HTTPRoute validation causes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/sim/sim.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return j;
}

static void assert_json(const json_t *got, const char *want)
{
	json_t *w = J(want);
	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		fail_msg("got %s, want %s", g, want);
	}
	json_decref(w);
}

static void test_merge_rfc7386(void **state)
{
	static const char *const cases[][3] = {
		{"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
		{"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
		{"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
		{"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
		{"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
		{"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
		{"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
		{"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
		{"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
		{"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
		{"{\"a\":\"foo\"}", "null", "null"},
		{"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
		{"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
		{"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *doc = J(cases[i][0]), *patch = J(cases[i][1]);
		char *before = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
		json_t *out = patch_merge(doc, patch);
		assert_json(out, cases[i][2]);
		char *after = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_string_equal(before, after); /* the input is untouched */
		free(before);
		free(after);
		json_decref(out);
		json_decref(doc);
		json_decref(patch);
	}
}

static void test_json_patch(void **state)
{
	static const char *const ok[][3] = {
		{"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]", "{\"foo\":\"bar\",\"baz\":\"qux\"}"},
		{"{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}"},
		{"{\"foo\":[1]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":2}]", "{\"foo\":[1,2]}"},
		{"{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}"},
		{"{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}"},
		{"{\"baz\":\"qux\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", "{\"baz\":\"boo\"}"},
		{"{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
		 "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
		 "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"},
		{"{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
		 "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"},
		{"{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}]", "{\"a\":{\"b\":1},\"c\":{\"b\":1}}"},
		{"{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
		 "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}"},
		{"{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10},{\"op\":\"replace\",\"path\":\"/~1\",\"value\":8}]",
		 "{\"/\":8,\"~1\":10}"},
		{"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":{\"b\":2}}]", "{\"b\":2}"},
		{"{\"labels\":{}}", "[{\"op\":\"add\",\"path\":\"/labels/app.kubernetes.io~1name\",\"value\":\"x\"}]",
		 "{\"labels\":{\"app.kubernetes.io/name\":\"x\"}}"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		json_t *doc = J(ok[i][0]), *ops = J(ok[i][1]);
		char err[256] = "";
		json_t *out = patch_json(doc, ops, err, sizeof err);
		if (!out)
			fail_msg("case %zu: %s", i, err);
		assert_json(out, ok[i][2]);
		json_decref(out);
		json_decref(doc);
		json_decref(ops);
	}
	static const char *const bad[][3] = {
		{"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", "missing"},
		{"{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", "test failed"},
		{"{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", "nonexistent"},
		{"{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":1}]", "missing"},
		{"{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/5\",\"value\":1}]", "out of range"},
		{"{\"a\":[1]}", "[{\"op\":\"replace\",\"path\":\"/a/01\",\"value\":1}]", "out of range"},
		{"{\"a\":[1]}", "[{\"op\":\"replace\",\"path\":\"/a/-\",\"value\":1}]", "out of range"},
		{"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]", "must start with /"},
		{"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/~2\",\"value\":1}]", "invalid JSON pointer"},
		{"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\"}]", "missing \"value\""},
		{"{\"a\":1}", "[{\"op\":\"move\",\"path\":\"/b\"}]", "missing \"from\""},
		{"{\"a\":1}", "[{\"op\":\"frobnicate\",\"path\":\"/b\"}]", "Unexpected kind"},
		{"{\"a\":1}", "[{\"path\":\"/b\"}]", "missing \"op\""},
		{"{\"a\":1}", "{\"op\":\"add\"}", "array"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *doc = J(bad[i][0]), *ops = J(bad[i][1]);
		char err[256] = "";
		json_t *out = patch_json(doc, ops, err, sizeof err);
		if (out)
			fail_msg("case %zu accepted", i);
		if (!strstr(err, bad[i][2]))
			fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err, bad[i][2]);
		json_decref(doc);
		json_decref(ops);
	}
}

static void test_selectors(void **state)
{
	json_t *o = J("{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\",\"tier\":\"front\",\"k8s.io/x\":\"1\"}}}");
	static const struct { const char *sel; int want; } cases[] = {
		{"", 1}, {"app=web", 1}, {"app==web", 1}, {"app=api", 0}, {"app!=api", 1}, {"app!=web", 0},
		{"nope!=x", 1}, {"app", 1}, {"nope", 0}, {"!nope", 1}, {"!app", 0},
		{"app in (api,web)", 1}, {"app in (api)", 0}, {"app notin (api)", 1}, {"nope notin (a)", 1},
		{"app=web,tier=front", 1}, {"app=web,tier=back", 0}, {" app = web , k8s.io/x = 1 ", 1},
		{"app=web,", 1}, {"=x", -1}, {"app in api", -1}, {"app in (a", -1}, {"app ~ x", -1},
		{"app=web tier=front", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char err[128] = "";
		int got = selector_match(cases[i].sel, o, err, sizeof err);
		if (got != cases[i].want)
			fail_msg("\"%s\": got %d want %d (%s)", cases[i].sel, got, cases[i].want, err);
	}
	static const struct { const char *sel; int want; } fcases[] = {
		{"metadata.name=web", 1}, {"metadata.name==web", 1}, {"metadata.name!=web", 0},
		{"metadata.namespace=shop,metadata.name=web", 1}, {"metadata.namespace=x", 0},
		{"spec.x=1", -1}, {"metadata.name", -1},
	};
	for (size_t i = 0; i < sizeof fcases / sizeof *fcases; i++) {
		char err[128] = "";
		int got = field_selector_match(fcases[i].sel, o, err, sizeof err);
		if (got != fcases[i].want)
			fail_msg("field \"%s\": got %d want %d (%s)", fcases[i].sel, got, fcases[i].want, err);
	}
	json_decref(o);
}

static void test_apply_ownership(void **state)
{
	const char *av = "gateway.networking.k8s.io/v1";
	json_t *cfg = J("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	                "\"metadata\":{\"name\":\"r\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
	                "\"spec\":{\"hostnames\":[\"x\"],\"rules\":[{\"timeouts\":{\"request\":\"1s\"}}]}}");
	json_t *conflicts = NULL;
	char err[128] = "";
	json_t *o1 = apply_config(NULL, cfg, "alice", false, av, &conflicts, err, sizeof err);
	assert_non_null(o1);
	json_t *mf = json_object_get(json_object_get(o1, "metadata"), "managedFields");
	assert_int_equal(json_array_size(mf), 1);
	assert_json(json_object_get(json_array_get(mf, 0), "fieldsV1"),
	            "{\"f:metadata\":{\"f:labels\":{\"f:a\":{},\"f:b\":{}}},\"f:spec\":{\"f:hostnames\":{},\"f:rules\":{}}}");
	/* bob changes the rules with an update: bob owns them now */
	json_t *o2 = json_deep_copy(o1);
	json_object_set_new(json_object_get(o2, "spec"), "rules", J("[{\"timeouts\":{\"request\":\"9s\"}}]"));
	apply_track_update(o1, o2, "bob", av, NULL);
	mf = json_object_get(json_object_get(o2, "metadata"), "managedFields");
	assert_int_equal(json_array_size(mf), 2);
	/* alice re-applies: a conflict on .spec.rules, nothing else */
	json_t *o3 = apply_config(o2, cfg, "alice", false, av, &conflicts, err, sizeof err);
	assert_null(o3);
	assert_non_null(conflicts);
	assert_int_equal(json_array_size(conflicts), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(conflicts, 0), "field")), ".spec.rules");
	json_decref(conflicts);
	conflicts = NULL;
	/* forced: alice takes the rules back and bob's entry goes */
	o3 = apply_config(o2, cfg, "alice", true, av, &conflicts, err, sizeof err);
	assert_non_null(o3);
	assert_json(json_object_get(json_object_get(o3, "spec"), "rules"), "[{\"timeouts\":{\"request\":\"1s\"}}]");
	mf = json_object_get(json_object_get(o3, "metadata"), "managedFields");
	assert_int_equal(json_array_size(mf), 1);
	/* alice drops label b and the hostnames: both are removed (nobody else owns them) */
	json_t *cfg2 = json_deep_copy(cfg);
	json_object_del(json_object_get(json_object_get(cfg2, "metadata"), "labels"), "b");
	json_object_del(json_object_get(cfg2, "spec"), "hostnames");
	json_t *o4 = apply_config(o3, cfg2, "alice", false, av, &conflicts, err, sizeof err);
	assert_non_null(o4);
	assert_json(json_object_get(json_object_get(o4, "metadata"), "labels"), "{\"a\":\"1\"}");
	assert_null(json_object_get(json_object_get(o4, "spec"), "hostnames"));
	/* the same value applied by a second manager is shared, not a conflict */
	json_t *o5 = apply_config(o4, cfg2, "carol", false, av, &conflicts, err, sizeof err);
	assert_non_null(o5);
	assert_null(conflicts);
	json_t *nokind = J("{\"metadata\":{\"name\":\"r\"}}");
	assert_null(apply_config(NULL, nokind, "alice", false, av, &conflicts, err, sizeof err));
	assert_non_null(strstr(err, "apiVersion and kind"));
	json_decref(nokind);
	json_decref(o1);
	json_decref(o2);
	json_decref(o3);
	json_decref(o4);
	json_decref(o5);
	json_decref(cfg);
	json_decref(cfg2);
}

/* What the API server does on a write: prune and default, then validate. */
static json_t *validate(struct sim *s, enum sim_res r, json_t *obj)
{
	validate_defaults(s, r, NULL, obj, NULL);
	return validate_object(s, r, NULL, obj, NULL);
}

static void test_validate_route(void **state)
{
	struct sim s;
	memset(&s, 0, sizeof s);
	static const struct { const char *rule; const char *field; } cases[] = {
		{"{\"timeouts\":{\"request\":\"1.5s\"}}", "spec.rules[0].timeouts.request"},
		{"{\"timeouts\":{\"request\":\"1s\",\"backendRequest\":\"1001ms\"}}", "spec.rules[0].timeouts"},
		{"{\"timeouts\":{\"backendRequest\":5}}", "spec.rules[0].timeouts.backendRequest"},
		{"{\"retry\":{\"codes\":[500,500]}}", "spec.rules[0].retry.codes[1]"},
		{"{\"retry\":{\"codes\":[600]}}", "spec.rules[0].retry.codes[0]"},
		{"{\"retry\":{\"attempts\":0}}", "spec.rules[0].retry.attempts"},
		{"{\"backendRefs\":[{\"name\":\"a\"}]}", "spec.rules[0].backendRefs[0]"},
		{"{\"backendRefs\":[{\"port\":80}]}", "spec.rules[0].backendRefs[0].name"},
		{"{\"backendRefs\":[{\"name\":\"a\",\"port\":70000}]}", "spec.rules[0].backendRefs[0].port"},
		{"{\"backendRefs\":[{\"name\":\"a\",\"port\":80,\"weight\":1000001}]}", "spec.rules[0].backendRefs[0].weight"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *text = NULL;
		if (asprintf(&text, "{\"spec\":{\"rules\":[%s]}}", cases[i].rule) < 0)
			fail();
		json_t *route = J(text);
		free(text);
		json_t *causes = validate(&s, RES_HTTPROUTE, route);
		if (!causes)
			fail_msg("case %zu accepted", i);
		assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "field")), cases[i].field);
		json_decref(causes);
		json_decref(route);
	}
	/* required names: a parentRef's; a Gateway listener's name and protocol */
	json_t *bad = J("{\"spec\":{\"parentRefs\":[{\"port\":80}],\"rules\":[{}]}}");
	json_t *causes = validate(&s, RES_HTTPROUTE, bad);
	assert_non_null(causes);
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "field")), "spec.parentRefs[0].name");
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "reason")), "FieldValueRequired");
	json_decref(causes);
	json_decref(bad);
	bad = J("{\"spec\":{\"gatewayClassName\":\"gc\",\"listeners\":[{\"port\":80}]}}");
	causes = validate(&s, RES_GATEWAY, bad);
	assert_non_null(causes);
	/* two Required causes, then the API server's note that the CEL rules were not run */
	assert_int_equal(json_array_size(causes), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "field")), "spec.listeners[0].name");
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 1), "field")), "spec.listeners[0].protocol");
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 1), "message")), "Required value");
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 2), "field")), "<nil>");
	json_decref(causes);
	json_decref(bad);
	/* request 0s allows any backendRequest; the standard channel prunes retry silently */
	json_t *route = J("{\"spec\":{\"rules\":[{\"timeouts\":{\"request\":\"0s\",\"backendRequest\":\"5s\"},\"retry\":{\"attempts\":0}}]}}");
	s.channel = CHANNEL_STANDARD;
	assert_null(validate(&s, RES_HTTPROUTE, route));
	assert_null(json_object_get(json_array_get(json_object_get(json_object_get(route, "spec"), "rules"), 0), "retry"));
	json_decref(route);
	/* GRPCRoute has no timeouts: pruned on every channel */
	s.channel = CHANNEL_EXPERIMENTAL;
	route = J("{\"spec\":{\"rules\":[{\"timeouts\":{\"request\":\"bad\"}}]}}");
	assert_null(validate(&s, RES_GRPCROUTE, route));
	json_decref(route);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_rfc7386),
		cmocka_unit_test(test_json_patch),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_apply_ownership),
		cmocka_unit_test(test_validate_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
