/* test_topocache.c: the cached topology: every object of the test manifests encodes to JSON
 * that decodes to an object that encodes the same again (filters keep their type), the
 * topology rebuilt from the cache attaches the same routes, and save/load through a real
 * cache file marks the kinds stale with the save time. */
#include <jansson.h>
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
#include "gammatop/cache.h"
#include "gammatop/decode.h"
#include "gammatop/store.h"
#include "gammatop/topocache.h"
#include "gammatop/topology.h"

static void test_roundtrip(void **state)
{
	(void)state;
	struct gt_store *s = manifest_fixture_store();
	if (!s)
		skip();
	size_t total = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		size_t n;
		const struct gt_object *const *list = store_list(s, (enum gt_kind)k, &n);
		for (size_t i = 0; i < n; i++, total++) {
			json_t *a = topocache_encode(list[i]);
			struct gt_object *back = NULL;
			char err[256] = "";
			if (decode_object(a, &back, err, sizeof err) != DECODE_OK)
				fail_msg("%s/%s does not decode again: %s", kind_name(list[i]->kind),
				         list[i]->meta.name, err);
			json_t *b = topocache_encode(back);
			if (!json_equal(a, b)) {
				char *x = json_dumps(a, JSON_SORT_KEYS), *y = json_dumps(b, JSON_SORT_KEYS);
				fprintf(stderr, "%s\n%s\n", x, y);
				free(x);
				free(y);
				fail_msg("%s/%s changes in a round trip", kind_name(list[i]->kind),
				         list[i]->meta.name);
			}
			assert_int_equal(back->u.route.n_rules * (kind_is_route(back->kind) ? 1 : 0),
			                 list[i]->u.route.n_rules * (kind_is_route(back->kind) ? 1 : 0));
			json_decref(a);
			json_decref(b);
			object_free(back);
		}
	}
	assert_true(total > 20);
	store_free(s);
}

static void test_save_load(void **state)
{
	(void)state;
	struct gt_store *s = manifest_fixture_store();
	if (!s)
		skip();
	char dir[] = "/tmp/gt-topocache-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], err[512];
	snprintf(path, sizeof path, "%s/cache.db", dir);
	struct cache *c = cache_open(path, NULL, err, sizeof err);
	assert_non_null(c);
	int64_t at = 0;
	struct gt_store *empty = store_new();
	assert_int_equal(topocache_load(c, "ctx", empty, &at, err, sizeof err), 0);
	long saved = topocache_save(c, "ctx", s, err, sizeof err);
	assert_true(saved > 20);
	long loaded = topocache_load(c, "ctx", empty, &at, err, sizeof err);
	assert_int_equal(loaded, saved);
	assert_true(at > 0);
	struct store_kind_state *st = store_kind_state(empty, GT_HTTPROUTE);
	assert_true(st->stale && st->installed && !st->synced);
	assert_int_equal(st->last_heard_ms, at);
	/* The same topology: the same routes attached and unattached. */
	struct gt_topology *t1 = topology_build(s), *t2 = topology_build(empty);
	assert_int_equal(t1->n_routes, t2->n_routes);
	assert_int_equal(t1->n_gateways, t2->n_gateways);
	for (size_t i = 0; i < t1->n_routes; i++) {
		assert_string_equal(t1->routes[i].obj->meta.name, t2->routes[i].obj->meta.name);
		assert_int_equal(t1->routes[i].attached_any, t2->routes[i].attached_any);
		assert_int_equal(t1->routes[i].refs_resolved, t2->routes[i].refs_resolved);
	}
	topology_free(t1);
	topology_free(t2);
	/* Another context has nothing. */
	struct gt_store *other = store_new();
	assert_int_equal(topocache_load(c, "other", other, &at, err, sizeof err), 0);
	store_free(other);
	store_free(empty);
	cache_close(c);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_save_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
