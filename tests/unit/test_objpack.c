/* test_objpack.c: packed objects: every object of the test manifests packs, reads back and
 * packs to the same text (so every field survives), several objects read back one after the
 * other, and damaged forms (cut at every byte, lying counts and lengths, unknown kinds,
 * nameless objects, NULs) are refused with a message naming the byte, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "manifest_fixture.h"
#include "gammatop/objpack.h"
#include "gammatop/store.h"

static void test_roundtrip(void **state)
{
	(void)state;
	struct gt_store *s = manifest_fixture_store();
	if (!s)
		skip();
	struct buf all;
	buf_init(&all);
	size_t total = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		size_t n;
		const struct gt_object *const *list = store_list(s, (enum gt_kind)k, &n);
		for (size_t i = 0; i < n; i++, total++) {
			struct buf a, b;
			buf_init(&a);
			buf_init(&b);
			objpack_write(&a, list[i]);
			assert_int_equal(strlen(buf_str(&a)), a.len);
			const char *p = buf_str(&a);
			struct gt_object *back = NULL;
			char err[256] = "";
			if (objpack_read(&p, p + a.len, buf_str(&a), &back, err, sizeof err) < 0)
				fail_msg("%s/%s does not read back: %s", kind_name(list[i]->kind),
				         list[i]->meta.name, err);
			assert_ptr_equal(p, buf_str(&a) + a.len);
			objpack_write(&b, back);
			assert_string_equal(buf_str(&a), buf_str(&b));
			assert_string_equal(back->meta.name, list[i]->meta.name);
			assert_int_equal(back->kind, list[i]->kind);
			buf_append(&all, a.data, a.len);
			object_free(back);
			buf_done(&a);
			buf_done(&b);
		}
	}
	assert_true(total > 20);
	/* all of them in a row */
	const char *p = buf_str(&all), *end = p + all.len;
	size_t read = 0;
	while (p < end) {
		struct gt_object *o = NULL;
		char err[256];
		assert_int_equal(objpack_read(&p, end, buf_str(&all), &o, err, sizeof err), 0);
		object_free(o);
		read++;
	}
	assert_int_equal(read, total);
	buf_done(&all);
	store_free(s);
}

/* A route with everything set: filters with summaries, retry codes, timeouts, status. */
static struct gt_object *full_route(void)
{
	struct gt_object *o = object_new(GT_HTTPROUTE);
	o->meta.name = strdup("r");
	o->meta.namespace_ = strdup("ns");
	o->meta.generation = -3;
	struct gt_route *r = &o->u.route;
	r->n_rules = 1;
	r->rules = calloc(1, sizeof *r->rules);
	r->rules[0].n_filters = 1;
	r->rules[0].filters = calloc(1, sizeof *r->rules[0].filters);
	r->rules[0].filters[0].type = strdup("RequestHeaderModifier");
	r->rules[0].filters[0].summary = strdup("set X-Env=prod; \n: ~ 12:");
	r->rules[0].has_retry = true;
	r->rules[0].retry.attempts = 3;
	r->rules[0].retry.n_codes = 2;
	r->rules[0].retry.codes = calloc(2, sizeof(int));
	r->rules[0].retry.codes[0] = 503;
	r->rules[0].retry.codes[1] = -2147483647 - 1;
	return o;
}

static void test_fields(void **state)
{
	(void)state;
	struct gt_object *o = full_route();
	struct buf a;
	buf_init(&a);
	objpack_write(&a, o);
	const char *p = buf_str(&a);
	struct gt_object *back = NULL;
	char err[256];
	assert_int_equal(objpack_read(&p, p + a.len, p, &back, err, sizeof err), 0);
	assert_string_equal(back->u.route.rules[0].filters[0].summary, "set X-Env=prod; \n: ~ 12:");
	assert_int_equal(back->u.route.rules[0].retry.codes[1], -2147483647 - 1);
	assert_int_equal(back->u.route.rules[0].retry.attempts, 3);
	assert_int_equal(back->meta.generation, -3);
	assert_null(back->meta.uid);
	assert_true(back->u.route.rules[0].has_retry);
	assert_false(back->u.route.rules[0].has_timeouts);
	object_free(back);

	/* cut anywhere: refused, nothing leaks, *p stays */
	for (size_t cut = 0; cut < a.len; cut++) {
		const char *q = buf_str(&a);
		back = (struct gt_object *)1;
		err[0] = '\0';
		assert_int_equal(objpack_read(&q, q + cut, q, &back, err, sizeof err), -1);
		assert_null(back);
		assert_ptr_equal(q, buf_str(&a));
		assert_non_null(strstr(err, "packed object at byte"));
	}
	buf_done(&a);
	object_free(o);
}

static void expect_bad(const char *text, const char *why)
{
	const char *p = text;
	struct gt_object *o = NULL;
	char err[256] = "";
	assert_int_equal(objpack_read(&p, text + strlen(text), text, &o, err, sizeof err), -1);
	assert_null(o);
	if (!strstr(err, why))
		fail_msg("'%s': got '%s', expected '%s'", text, err, why);
}

static void test_damaged(void **state)
{
	(void)state;
	/* a namespace: kind 6, api_version, name, ns, uid, rv, ts, generation, labels, annotations */
	const char *ok = "6,~2:ns~~~~0,0,0,\n";
	const char *p = ok;
	struct gt_object *o = NULL;
	assert_int_equal(objpack_read(&p, ok + strlen(ok), ok, &o, NULL, 0), 0);
	assert_string_equal(o->meta.name, "ns");
	object_free(o);
	expect_bad("14,~2:ns~~~~0,0,0,\n", "unknown kind"); /* GT_KIND_COUNT */
	expect_bad("99999999999999999999999,", "unknown kind");
	expect_bad("6,~2:ns~~~~0,0,0,", "does not end");
	expect_bad("6,~2:ns~~~~0,0,0,x", "does not end");
	expect_bad("6,~~~~~~0,0,0,\n", "without a name");
	expect_bad("6,~0:~~~~0,0,0,\n", "without a name");
	expect_bad("6,~99:ns~~~~0,0,0,\n", "past the end");
	expect_bad("6,~2:ns~~~~0,99999,0,\n", "larger than the rest");
	expect_bad("6,~2:ns~~~~0,18446744073709551615,0,\n", "larger than the rest");
	expect_bad("6,~2:ns~~~~0,18446744073709551616,0,\n", "out of range");
	expect_bad("6,~2:ns~~~~x,0,0,\n", "number was expected");
	expect_bad("6,~2:ns~~~~9223372036854775808,0,0,\n", "out of range");
	expect_bad("2,~1:r2:ns~~~0,0,0,0,0,0,0,\n", "without rules");
	expect_bad("5,~1:s~~~~0,0,0,~~~0,\n", "without a namespace");
	/* a NUL inside a string's length */
	char nul[] = "6,~2:nX~~~~0,0,0,\n";
	nul[6] = '\0';
	p = nul;
	o = NULL;
	char err[128];
	assert_int_equal(objpack_read(&p, nul + sizeof nul - 1, nul, &o, err, sizeof err), -1);
	assert_null(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
