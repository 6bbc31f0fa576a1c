/* test_listscan.c: list bodies read item by item: members and items come out in order, the
 * metadata before the items when it is sent first, null/absent/empty items, white space
 * anywhere; bodies of another shape (not JSON, truncated, trailing bytes, items not an array,
 * a duplicate items, escaped or non-ASCII keys) are refused so that the caller parses whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/listscan.h"

struct seen {
	char log[512];
	int items;
};

static void on_member(const char *key, json_t *v, void *ud)
{
	struct seen *s = ud;
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(s->log + strlen(s->log), sizeof s->log - strlen(s->log), "m:%s=%s;", key, t);
	free(t);
}

/* Items live in listscan's arena: copy them out with json_dumpb (no allocation that lasts). */
static void on_item(json_t *it, void *ud)
{
	struct seen *s = ud;
	char t[256];
	size_t n = json_dumpb(it, t, sizeof t - 1, JSON_COMPACT | JSON_ENCODE_ANY);
	t[n < sizeof t ? n : sizeof t - 1] = '\0';
	snprintf(s->log + strlen(s->log), sizeof s->log - strlen(s->log), "i:%s;", t);
	s->items++;
}

static int scan(const char *body, struct seen *s)
{
	memset(s, 0, sizeof *s);
	return listscan(body, strlen(body), on_member, on_item, s);
}

static void test_lists(void **state)
{
	(void)state;
	struct seen s;
	assert_int_equal(scan("{\"kind\":\"HTTPRouteList\",\"metadata\":{\"continue\":\"c\"},"
	                      "\"items\":[{\"a\":1},{\"b\":[2,{}]}]}", &s), 0);
	assert_string_equal(s.log, "m:kind=\"HTTPRouteList\";m:metadata={\"continue\":\"c\"};"
	                           "i:{\"a\":1};i:{\"b\":[2,{}]};");
	assert_int_equal(scan(" \n{ \"items\" : [ {} , 3 , \"x\" ] , \"n\" : -1.5e3 ,\"t\":true,"
	                      "\"s\":\"q\\\"}\\u00e9\",\"z\":null } \r\n", &s), 0);
	assert_string_equal(s.log, "i:{};i:3;i:\"x\";m:n=-1500.0;m:t=true;m:s=\"q\\\"}\xc3\xa9\";"
	                           "m:z=null;");
	assert_int_equal(scan("{\"items\":null,\"metadata\":{}}", &s), 0);
	assert_int_equal(s.items, 0);
	assert_int_equal(scan("{\"items\":[]}", &s), 0);
	assert_int_equal(scan("{}", &s), 0);
	assert_int_equal(scan("{\"kind\":\"List\"}", &s), 0);
	assert_string_equal(s.log, "m:kind=\"List\";");
}

static void test_refused(void **state)
{
	(void)state;
	struct seen s;
	const char *bad[] = {
		"", "   ", "[]", "null", "\"x\"", "{", "{\"items\":[{\"a\":1}", "{\"items\":[{\"a\":1},]}",
		"{\"items\":{}}", "{\"items\":\"x\"}", "{\"items\":[],\"items\":[]}", "{\"items\":[]} x",
		"{\"items\":[]}{}", "{\"it\\u0065ms\":[]}", "{\"k\xc3\xa9\":1}", "{\"k\":tru}",
		"{\"k\":1x}", "{\"k\":\"\xff\"}", "{\"k\" 1}", "{\"k\":1 \"j\":2}", "{\"items\":nullx}",
		"{\"items\":[{\"a\":1} {\"b\":2}]}", "{\"k\":\"unterminated}", "<html>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (scan(bad[i], &s) != -1)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(listscan(NULL, 0, on_member, on_item, &s), -1);
	/* a body with a NUL inside: a length, not a C string */
	const char nul[] = "{\"items\":[]}\0";
	assert_int_equal(listscan(nul, sizeof nul - 1, on_member, on_item, &s), -1);
	assert_int_equal(listscan(nul, sizeof nul - 2, on_member, on_item, &s), 0);
}

/* Many items, and items bigger than an arena chunk: each is whole, nothing leaks (ASan). */
static void test_arena(void **state)
{
	(void)state;
	struct buf {
		char *p;
		size_t n;
	} b = {malloc(400000), 0};
	b.n += (size_t)sprintf(b.p, "{\"metadata\":{},\"items\":[");
	for (int i = 0; i < 300; i++)
		b.n += (size_t)sprintf(b.p + b.n, "%s{\"i\":%d,\"a\":[1,2,3],\"s\":\"x\"}", i ? "," : "", i);
	b.n += (size_t)sprintf(b.p + b.n, ",{\"big\":\"");
	memset(b.p + b.n, 'y', 200000);
	b.n += 200000;
	b.n += (size_t)sprintf(b.p + b.n, "\"},{\"i\":-1}]}");
	struct seen s;
	memset(&s, 0, sizeof s);
	assert_int_equal(listscan(b.p, b.n, on_member, on_item, &s), 0);
	assert_int_equal(s.items, 302);
	/* jansson allocates from malloc again afterwards */
	json_t *j = json_pack("{s:[i]}", "k", 1);
	char *t = json_dumps(j, JSON_COMPACT);
	assert_string_equal(t, "{\"k\":[1]}");
	free(t);
	json_decref(j);
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
