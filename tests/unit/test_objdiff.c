/* test_objdiff.c: field diffs of two objects: paths (plain keys, indexes, quoted keys), set /
 * add / remove of fields and array elements, the stored JSON form, replay onto the older
 * document (round trip over a table of pairs), summaries, path parsing and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/objdiff.h"

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", s, e.text);
	return j;
}

static void test_route_timeout(void **state)
{
	(void)state;
	json_t *a = J("{\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\"}]},"
	              "{\"timeouts\":{\"request\":\"5s\"}}]}}");
	json_t *b = J("{\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\"}]},"
	              "{\"timeouts\":{\"request\":\"300ms\"}}]}}");
	struct objdiff d;
	objdiff_init(&d);
	objdiff_compute(&d, "", a, b);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].path, "spec.rules[1].timeouts.request");
	assert_int_equal(d.items[0].op, OBJDIFF_SET);
	char *s = objdiff_summary(&d, 3, NULL);
	assert_string_equal(s, "spec.rules[1].timeouts.request 5s → 300ms");
	free(s);
	objdiff_done(&d);
	json_decref(a);
	json_decref(b);
}

static void test_add_remove_and_quoted(void **state)
{
	(void)state;
	json_t *a = J("{\"metadata\":{\"annotations\":{\"a.b/c\":\"1\"}},\"spec\":{\"x\":[1,2,3],"
	              "\"gone\":true}}");
	json_t *b = J("{\"metadata\":{\"annotations\":{\"a.b/c\":\"2\",\"new\":\"n\"}},"
	              "\"spec\":{\"x\":[1]}}");
	struct objdiff d;
	objdiff_init(&d);
	objdiff_compute(&d, "", a, b);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.items[0].path, "metadata.annotations[\"a.b/c\"]");
	assert_string_equal(d.items[1].path, "metadata.annotations.new");
	assert_int_equal(d.items[1].op, OBJDIFF_ADD);
	assert_string_equal(d.items[2].path, "spec.gone");
	assert_int_equal(d.items[2].op, OBJDIFF_REMOVE);
	/* array elements are removed from the end down */
	assert_string_equal(d.items[3].path, "spec.x[2]");
	assert_string_equal(d.items[4].path, "spec.x[1]");
	char *s = objdiff_summary(&d, 2, NULL);
	assert_string_equal(s, "metadata.annotations[\"a.b/c\"] 1 → 2; metadata.annotations.new "
	                       "(none) → n (+3 more)");
	free(s);
	const char *const skip[] = {"metadata", NULL};
	s = objdiff_summary(&d, 1, skip);
	assert_string_equal(s, "spec.gone true → (none) (+2 more)");
	free(s);
	objdiff_done(&d);
	json_decref(a);
	json_decref(b);
}

/* For every pair: diff, store, read back, replay onto a copy of the older one: equal to the
 * newer one. */
static void test_replay_round_trip(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"{}", "{}"},
		{"{\"a\":1}", "{\"a\":2}"},
		{"{\"a\":{\"b\":{\"c\":1}}}", "{}"},
		{"{}", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}"},
		{"{\"l\":[1,2,3,4]}", "{\"l\":[9]}"},
		{"{\"l\":[1]}", "{\"l\":[1,2,3]}"},
		{"{\"l\":[{\"n\":\"a\"},{\"n\":\"b\"}]}", "{\"l\":[{\"n\":\"b\"}]}"},
		{"{\"t\":\"s\"}", "{\"t\":{\"now\":\"object\"}}"},
		{"{\"t\":[1]}", "{\"t\":null}"},
		{"{\"k\":{\"odd key\\\"]\":1,\"x.y\":[2]}}", "{\"k\":{\"odd key\\\"]\":3,\"x.y\":[]}}"},
		{"{\"unicode\":\"é\"}", "{\"unicode\":\"日本\"}"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		json_t *a = J(pairs[i][0]), *b = J(pairs[i][1]);
		struct objdiff d, back;
		objdiff_init(&d);
		objdiff_init(&back);
		objdiff_compute(&d, "", a, b);
		json_t *dj = objdiff_to_json(&d);
		char *text = json_dumps(dj, JSON_COMPACT);
		json_t *dj2 = J(text);
		char err[256];
		assert_int_equal(objdiff_from_json(dj2, &back, err, sizeof err), 0);
		assert_int_equal(back.n, d.n);
		json_t *doc = json_deep_copy(a);
		if (objdiff_apply(doc, dj2, err, sizeof err) != 0)
			fail_msg("pair %zu: %s", i, err);
		if (!json_equal(doc, b)) {
			char *got = json_dumps(doc, JSON_COMPACT);
			fail_msg("pair %zu: replay gave %s, want %s (diff %s)", i, got, pairs[i][1], text);
		}
		free(text);
		json_decref(doc);
		json_decref(dj);
		json_decref(dj2);
		objdiff_done(&d);
		objdiff_done(&back);
		json_decref(a);
		json_decref(b);
	}
}

static void test_paths(void **state)
{
	(void)state;
	struct objdiff_seg *s;
	long n = objdiff_path_parse("spec.rules[12].x[\"a.b\\\"c\"].y", &s);
	assert_int_equal(n, 6);
	assert_string_equal(s[0].key, "spec");
	assert_string_equal(s[1].key, "rules");
	assert_null(s[2].key);
	assert_int_equal(s[2].index, 12);
	assert_string_equal(s[3].key, "x");
	assert_string_equal(s[4].key, "a.b\"c");
	assert_string_equal(s[5].key, "y");
	objdiff_segs_free(s, n);
	static const char *const bad[] = {".a", "a..b", "a[", "a[x]", "a[-1]", "a[\"x\"", "a[\"x]",
	                                  "a]b", "[\"x\"]y"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (objdiff_path_parse(bad[i], &s) != -1)
			fail_msg("'%s' parsed", bad[i]);
	}
	assert_true(objdiff_path_under("status.parents[0]", "status"));
	assert_true(objdiff_path_under("status", "status"));
	assert_false(objdiff_path_under("statusx", "status"));
}

static void test_apply_refuses_what_does_not_fit(void **state)
{
	(void)state;
	static const char *const diffs[] = {
		"{}",
		"[{\"op\":\"set\",\"path\":\"a[3]\",\"new\":1}]",
		"[{\"op\":\"set\",\"path\":\"a.b.c\",\"new\":1}]",
		"[{\"op\":\"remove\",\"path\":\"l[5]\"}]",
		"[{\"op\":\"add\",\"path\":\"l[9]\",\"new\":1}]",
		"[{\"op\":\"frob\",\"path\":\"a\",\"new\":1}]",
		"[{\"op\":\"set\",\"path\":\"a\"}]",
		"[{\"op\":\"set\",\"path\":\"..\",\"new\":1}]",
	};
	for (size_t i = 0; i < sizeof diffs / sizeof *diffs; i++) {
		json_t *doc = J("{\"a\":\"text\",\"l\":[1]}"), *d = J(diffs[i]);
		char err[256] = "";
		if (objdiff_apply(doc, d, err, sizeof err) != -1)
			fail_msg("diff %zu applied", i);
		assert_true(err[0] != '\0');
		json_decref(doc);
		json_decref(d);
	}
}

static void test_value_text(void **state)
{
	(void)state;
	json_t *v = J("{\"a\":\"0123456789012345678901234567890123456789\"}");
	char *s = objdiff_value_text(v, 10);
	assert_string_equal(s, "{\"a\":\"0123…");
	free(s);
	s = objdiff_value_text(NULL, 10);
	assert_string_equal(s, "(none)");
	free(s);
	json_decref(v);
	v = json_string("ééééé");
	s = objdiff_value_text(v, 3);
	assert_string_equal(s, "ééé…");
	free(s);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_timeout),
		cmocka_unit_test(test_add_remove_and_quoted),
		cmocka_unit_test(test_replay_round_trip),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_apply_refuses_what_does_not_fit),
		cmocka_unit_test(test_value_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
