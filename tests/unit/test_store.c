/* test_store.c: the object store: put/get/delete, sorted listing, generation, listeners,
 * replace_kind as a diff, kind state and sync, a store of 30,000 objects, and references:
 * an object a reader holds (object_ref) outlives its replacement, deletion, the clear and
 * the store itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/store.h"
#include "gammatop/xalloc.h"

static struct gt_object *mk(enum gt_kind k, const char *ns, const char *name, const char *rv)
{
	struct gt_object *o = object_new(k);
	o->meta.name = xstrdup(name);
	o->meta.namespace_ = kind_namespaced(k) ? xstrdup(ns) : NULL;
	o->meta.resource_version = xstrdup_null(rv);
	if (k == GT_SERVICE)
		o->u.svc.type = xstrdup("ClusterIP");
	return o;
}

struct rec {
	char log[4096];
	int n;
};

static void listener(enum store_event ev, const struct gt_object *o, void *ud)
{
	struct rec *r = ud;
	static const char *names[] = {"A", "M", "D"};
	char id[128];
	size_t len = strlen(r->log);
	snprintf(r->log + len, sizeof r->log - len, "%s%s %s", len ? "," : "", names[ev],
	         object_id(o, id, sizeof id));
	r->n++;
}

static void test_basic(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	struct rec r = {"", 0};
	store_add_listener(s, listener, &r);
	uint64_t g0 = store_generation(s);
	assert_int_equal(store_put(s, mk(GT_SERVICE, "b", "web", "1")), STORE_ADDED);
	assert_int_equal(store_put(s, mk(GT_SERVICE, "a", "web", "1")), STORE_ADDED);
	assert_int_equal(store_put(s, mk(GT_SERVICE, "a", "api", "1")), STORE_ADDED);
	assert_int_equal(store_put(s, mk(GT_NAMESPACE, NULL, "a", NULL)), STORE_ADDED);
	assert_true(store_generation(s) > g0);
	assert_int_equal(store_count(s, GT_SERVICE), 3);
	assert_int_equal(store_count(s, GT_NAMESPACE), 1);
	assert_int_equal(store_count(s, GT_HTTPROUTE), 0);
	assert_non_null(store_get(s, GT_SERVICE, "a", "web"));
	assert_null(store_get(s, GT_SERVICE, "c", "web"));
	assert_null(store_get(s, GT_HTTPROUTE, "a", "web"));
	assert_non_null(store_get(s, GT_NAMESPACE, NULL, "a"));
	assert_non_null(store_get(s, GT_NAMESPACE, "ignored", "a"));
	size_t n;
	const struct gt_object *const *l = store_list(s, GT_SERVICE, &n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0]->meta.namespace_, "a");
	assert_string_equal(l[0]->meta.name, "api");
	assert_string_equal(l[1]->meta.name, "web");
	assert_string_equal(l[2]->meta.namespace_, "b");
	assert_ptr_equal(store_list(s, GT_SERVICE, NULL), l); /* cached */
	uint64_t g1 = store_generation(s);
	assert_int_equal(store_put(s, mk(GT_SERVICE, "a", "web", "2")), STORE_MODIFIED);
	assert_true(store_generation(s) > g1);
	/* same resourceVersion: silent */
	uint64_t g2 = store_generation(s);
	int before = r.n;
	l = store_list(s, GT_SERVICE, &n);
	const struct gt_object *held = store_get(s, GT_SERVICE, "a", "web");
	assert_int_equal(store_put(s, mk(GT_SERVICE, "a", "web", "2")), STORE_MODIFIED);
	assert_int_equal(store_generation(s), g2);
	assert_int_equal(r.n, before);
	assert_ptr_equal(store_get(s, GT_SERVICE, "a", "web"), held); /* pointers stay valid */
	assert_ptr_equal(store_list(s, GT_SERVICE, &n), l);
	assert_string_equal(l[1]->meta.name, "web");
	/* an empty resourceVersion says nothing: a real change */
	assert_int_equal(store_put(s, mk(GT_SERVICE, "a", "api", "")), STORE_MODIFIED);
	uint64_t g3 = store_generation(s);
	assert_int_equal(store_put(s, mk(GT_SERVICE, "a", "api", "")), STORE_MODIFIED);
	assert_true(store_generation(s) > g3);
	before = r.n;
	assert_true(store_delete(s, GT_SERVICE, "b", "web"));
	assert_false(store_delete(s, GT_SERVICE, "b", "web"));
	assert_false(store_delete(s, GT_SERVICE, "a", "nope"));
	assert_int_equal(r.n, before + 1);
	assert_string_equal(r.log, "A service/b/web,A service/a/web,A service/a/api,A namespace/a,"
	                           "M service/a/web,M service/a/api,M service/a/api,D service/b/web");
	l = store_list(s, GT_SERVICE, &n);
	assert_int_equal(n, 2);
	assert_null(l[2]);
	store_remove_listener(s, listener, &r);
	store_clear(s);
	assert_int_equal(store_count(s, GT_SERVICE), 0);
	assert_int_equal(store_count(s, GT_NAMESPACE), 0);
	assert_int_equal(r.n, 8);
	store_list(s, GT_SERVICE, &n);
	assert_int_equal(n, 0);
	store_free(s);
}

static void test_replace_kind(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	store_put(s, mk(GT_SERVICE, "a", "keep", "1"));
	store_put(s, mk(GT_SERVICE, "a", "change", "1"));
	store_put(s, mk(GT_SERVICE, "a", "gone", "1"));
	store_put(s, mk(GT_HTTPROUTE, "a", "route", "1"));
	struct rec r = {"", 0};
	store_add_listener(s, listener, &r);
	struct gt_object *objs[] = {
		mk(GT_SERVICE, "a", "keep", "1"),
		mk(GT_SERVICE, "a", "change", "2"),
		mk(GT_SERVICE, "b", "new", "1"),
		mk(GT_HTTPROUTE, "a", "wrong-kind", "1"),
	};
	store_replace_kind(s, GT_SERVICE, objs, 4);
	assert_string_equal(r.log, "M service/a/change,A service/b/new,D service/a/gone");
	assert_int_equal(store_count(s, GT_SERVICE), 3);
	assert_int_equal(store_count(s, GT_HTTPROUTE), 1); /* other kinds untouched */
	assert_string_equal(store_get(s, GT_SERVICE, "a", "change")->meta.resource_version, "2");
	/* replace with nothing deletes all of the kind */
	r.log[0] = '\0';
	store_replace_kind(s, GT_SERVICE, NULL, 0);
	assert_int_equal(store_count(s, GT_SERVICE), 0);
	assert_int_equal(r.n, 6);
	store_free(s);
}

static int removals;
static struct gt_store *removing_store;
static void self_removing(enum store_event ev, const struct gt_object *o, void *ud)
{
	(void)ev, (void)o;
	removals++;
	store_remove_listener(removing_store, self_removing, ud);
}

static void test_listener_removal(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	struct rec r = {"", 0};
	removing_store = s;
	store_add_listener(s, self_removing, NULL);
	store_add_listener(s, listener, &r);
	store_put(s, mk(GT_SERVICE, "a", "x", NULL));
	store_put(s, mk(GT_SERVICE, "a", "y", NULL));
	assert_int_equal(removals, 1);
	assert_int_equal(r.n, 2);
	store_free(s);
}

static void test_state(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	assert_false(store_all_synced(s));
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(s, (enum gt_kind)k);
		assert_true(st->installed);
		assert_false(st->synced);
		if (k != GT_GRPCROUTE)
			st->synced = true;
	}
	assert_false(store_all_synced(s));
	store_kind_state(s, GT_GRPCROUTE)->installed = false; /* not served: does not count */
	assert_true(store_all_synced(s));
	store_set_error(s, GT_GATEWAY, "forbidden");
	assert_string_equal(store_kind_state(s, GT_GATEWAY)->error, "forbidden");
	store_set_error(s, GT_GATEWAY, "again");
	store_set_error(s, GT_HTTPROUTE, "x");
	store_set_error(s, GT_HTTPROUTE, NULL);
	assert_null(store_kind_state(s, GT_HTTPROUTE)->error);
	assert_null(store_kind_state(s, GT_KIND_COUNT));
	store_free(s);
}

/* 30,000 objects: every get finds its object, listing is sorted, deletes work. */
static void test_many(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	char ns[32], name[32];
	for (int i = 0; i < 30000; i++) {
		snprintf(ns, sizeof ns, "ns%d", i % 100);
		snprintf(name, sizeof name, "svc%05d", i);
		assert_int_equal(store_put(s, mk(GT_SERVICE, ns, name, "1")), STORE_ADDED);
	}
	assert_int_equal(store_count(s, GT_SERVICE), 30000);
	for (int i = 0; i < 30000; i += 7) {
		snprintf(ns, sizeof ns, "ns%d", i % 100);
		snprintf(name, sizeof name, "svc%05d", i);
		const struct gt_object *o = store_get(s, GT_SERVICE, ns, name);
		assert_non_null(o);
		assert_string_equal(o->meta.name, name);
	}
	size_t n;
	const struct gt_object *const *l = store_list(s, GT_SERVICE, &n);
	assert_int_equal(n, 30000);
	for (size_t i = 1; i < n; i++) {
		int c = strcmp(object_ns(l[i - 1]), object_ns(l[i]));
		assert_true(c < 0 || (c == 0 && strcmp(l[i - 1]->meta.name, l[i]->meta.name) < 0));
	}
	for (int i = 0; i < 30000; i += 2) {
		snprintf(ns, sizeof ns, "ns%d", i % 100);
		snprintf(name, sizeof name, "svc%05d", i);
		assert_true(store_delete(s, GT_SERVICE, ns, name));
	}
	assert_int_equal(store_count(s, GT_SERVICE), 15000);
	assert_null(store_get(s, GT_SERVICE, "ns0", "svc00000"));
	assert_non_null(store_get(s, GT_SERVICE, "ns1", "svc00001"));
	store_free(s);
}

/* A listener that keeps what it is shown (it takes a reference): the console's way of
 * holding an object past the event. */
static const struct gt_object *kept[8];
static size_t n_kept;
static void keeper(enum store_event ev, const struct gt_object *o, void *ud)
{
	(void)ev, (void)ud;
	if (n_kept < 8)
		kept[n_kept++] = object_ref(o);
}

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

static void test_references(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	struct gt_object *o = mk(GT_SERVICE, "a", "web", "1");
	assert_int_equal(o->refs, 0); /* new: one reference, the creator's */
	store_put(s, o);              /* ... now the store's */
	const struct gt_object *held = object_ref(store_get(s, GT_SERVICE, "a", "web"));
	assert_ptr_equal(held, o);
	assert_int_equal(held->refs, 1);
	/* Replaced (MODIFIED): the store drops its reference, the reader still has the old one. */
	store_put(s, mk(GT_SERVICE, "a", "web", "2"));
	assert_string_equal(held->meta.resource_version, "1");
	assert_string_equal(held->u.svc.type, "ClusterIP");
	assert_int_equal(held->refs, 0);
	assert_string_equal(store_get(s, GT_SERVICE, "a", "web")->meta.resource_version, "2");
	object_unref(held); /* the last reference: freed (a leak otherwise, under ASan) */
	/* The same resourceVersion again is freed at once, the stored one stays. */
	const struct gt_object *stored = store_get(s, GT_SERVICE, "a", "web");
	store_put(s, mk(GT_SERVICE, "a", "web", "2"));
	assert_ptr_equal(store_get(s, GT_SERVICE, "a", "web"), stored);
	assert_int_equal(stored->refs, 0);
	/* Deleted, cleared, freed: listeners that keep what they saw still can read it. */
	store_add_listener(s, keeper, NULL);
	store_put(s, mk(GT_SERVICE, "a", "api", "1"));
	store_delete(s, GT_SERVICE, "a", "web");
	store_put(s, mk(GT_SERVICE, "b", "db", "1"));
	store_clear(s);
	store_put(s, mk(GT_NAMESPACE, NULL, "late", "1"));
	store_free(s);
	assert_int_equal(n_kept, 6); /* A api, D web, A db, D api, D db, A late */
	char ids[8][64], all[512] = "";
	for (size_t i = 0; i < n_kept; i++) {
		object_id(kept[i], ids[i], sizeof ids[i]);
		object_unref(kept[i]);
	}
	qsort(ids, n_kept, sizeof ids[0], cmp_id); /* clear deletes in hash order */
	for (size_t i = 0; i < n_kept; i++)
		strcat(strcat(all, ids[i]), " ");
	assert_string_equal(all, "namespace/late service/a/api service/a/api service/a/web "
	                         "service/b/db service/b/db ");
	/* A clone is a new object with one reference, whatever the original had. */
	struct gt_object *a = mk(GT_SERVICE, "a", "x", "1");
	object_ref(a);
	struct gt_object *c = object_clone(a);
	assert_int_equal(c->refs, 0);
	object_free(c);
	object_unref(a);
	object_free(a);
	object_unref(NULL);
	assert_null(object_ref(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_replace_kind),
		cmocka_unit_test(test_listener_removal),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_references),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
