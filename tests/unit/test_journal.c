/* test_journal.c: the change journal in the cache: first sight, changes with their diff,
 * writer and audit id, resourceVersion-only churn and stale versions skipped, status-only
 * changes hidden, deletions by watch and by a list, changes found by a list after a break
 * (dated by managedFields), a second writer of the same cluster writing nothing twice, time
 * travel (the objects at any time, across full-form rebases), retention by age and size that
 * keeps every later time replayable, and no secret in the database file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/audit.h"
#include "gammatop/cache.h"
#include "gammatop/journal.h"
#include "gammatop/store.h"
#include "gammatop/timeutil.h"

static char dir[256], path[300];
static struct cache *c;
#define CL "https://k.example ca:0123"

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/gt-test-journal.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/cache.db", dir);
	char err[512];
	c = cache_open(path, NULL, err, sizeof err);
	return c ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cache_close(c);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* An HTTPRoute as the API server sends it. */
static json_t *route(const char *name, const char *rv, int gen, const char *timeout,
                     const char *manager, const char *mtime, const char *status_reason)
{
	json_t *j = json_pack(
		"{s:s, s:s, s:{s:s, s:s, s:s, s:i, s:s, s:{s:s}, s:[{s:s, s:s, s:s, s:s, s:{s:{}}}]},"
		" s:{s:[{s:s}], s:[{s:[{s:s, s:i}], s:{s:s}}]}, s:{s:[{s:{s:s}, s:s, s:[{s:s, s:s, s:s}]}]}}",
		"apiVersion", "gateway.networking.k8s.io/v1", "kind", "HTTPRoute",
		"metadata", "name", name, "namespace", "shop", "resourceVersion", rv, "generation", gen,
		"creationTimestamp", "2020-01-01T00:00:00Z", "annotations", "api-token", "s3cr3t-value",
		"managedFields", "manager", manager, "operation", "Update", "time", mtime,
		"fieldsType", "FieldsV1", "fieldsV1", "f:spec",
		"spec", "parentRefs", "name", "gw", "rules", "backendRefs", "name", "api", "port", 8080,
		"timeouts", "request", timeout,
		"status", "parents", "parentRef", "name", "gw", "controllerName", "example.com/c",
		"conditions", "type", "Accepted", "status", "True", "reason", status_reason);
	assert_non_null(j);
	return j;
}

static long flush(struct journal_writer *w)
{
	char err[512];
	long n = journal_writer_flush(w, err, sizeof err);
	if (n < 0)
		fail_msg("flush: %s", err);
	return n;
}

static size_t list(struct journal_change **out, bool with_status)
{
	struct journal_query q = {.cluster = CL, .kind = -1, .with_status = with_status};
	size_t n;
	char err[512];
	if (journal_list(c, &q, out, &n, err, sizeof err) < 0)
		fail_msg("list: %s", err);
	return n;
}

static void first_list(struct journal_writer *w, json_t *obj, int64_t t)
{
	journal_writer_list_start(w, GT_HTTPROUTE);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, obj, t);
	journal_writer_list_done(w, GT_HTTPROUTE, t);
}

static void test_timeline(void **state)
{
	(void)state;
	int64_t t0 = time_wall_ms() - 60000;
	struct journal_writer *w = journal_writer_new(c, CL, NULL);
	json_t *r1 = route("api", "10", 1, "5s", "helm", "2020-01-01T00:00:00Z", "Accepted");
	first_list(w, r1, t0);
	assert_int_equal(flush(w), 0); /* first sight is no change */
	struct journal_change *ch;
	assert_int_equal(list(&ch, false), 0);
	journal_changes_free(ch, 0);

	/* our own change: the audit row that produced version 11 */
	struct audit_entry a = {.route = "httproute/shop/api", .rule = 0, .result = AUDIT_APPLIED,
	                        .cluster = CL, .new_rv = "11"};
	char err[512];
	int64_t aid = audit_add(c, &a, err, sizeof err);
	assert_true(aid > 0);
	json_t *r2 = route("api", "11", 2, "300ms", "gammatop", "2026-01-01T00:00:00Z", "Accepted");
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r2, t0 + 1000);
	/* the same version again (a second watch), and an older one: nothing */
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r2, t0 + 1001);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r1, t0 + 1002);
	/* status only, and resourceVersion only */
	json_t *r3 = route("api", "12", 2, "300ms", "gammatop", "2026-01-01T00:00:00Z", "Changed");
	json_t *r4 = route("api", "13", 2, "300ms", "gammatop", "2026-01-01T00:00:00Z", "Changed");
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r3, t0 + 2000);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r4, t0 + 3000);
	assert_int_equal(flush(w), 1);
	size_t n = list(&ch, false);
	assert_int_equal(n, 1);
	assert_string_equal(ch[0].type, JOURNAL_MODIFIED);
	assert_string_equal(ch[0].summary, "spec.rules[0].timeouts.request 5s → 300ms");
	assert_string_equal(ch[0].manager, "gammatop");
	assert_string_equal(ch[0].operation, "Update");
	assert_string_equal(ch[0].via, "watch");
	assert_true(ch[0].audit_id == aid);
	assert_true(ch[0].at_ms == t0 + 1000);
	assert_false(ch[0].approx);
	assert_int_equal(ch[0].generation, 2);
	journal_changes_free(ch, n);
	n = list(&ch, true);
	assert_int_equal(n, 2);
	assert_string_equal(ch[0].type, JOURNAL_STATUS);
	assert_string_equal(ch[0].summary, "status.parents[0].conditions[0].reason Accepted → Changed");
	journal_changes_free(ch, n);

	/* a second process recording the same cluster writes nothing twice */
	struct journal_writer *w2 = journal_writer_new(c, CL, NULL);
	journal_writer_seen(w2, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r2, t0 + 1000);
	journal_writer_seen(w2, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r4, t0 + 3000);
	assert_int_equal(flush(w2), 0);
	journal_writer_free(w2);

	/* our change seen before its audit row got the version it produced: found when read */
	json_t *r5 = route("api", "14", 3, "1s", "gammatop", "2026-01-02T00:00:00Z", "Changed");
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r5, t0 + 3500);
	assert_int_equal(flush(w), 1);
	struct audit_entry a2 = {.route = "httproute/shop/api", .rule = 0, .result = AUDIT_APPLIED,
	                         .cluster = CL, .new_rv = "14"};
	int64_t aid2 = audit_add(c, &a2, err, sizeof err);
	n = list(&ch, false);
	assert_int_equal(n, 2);
	assert_true(ch[0].audit_id == aid2);
	assert_true(ch[1].audit_id == aid);
	journal_changes_free(ch, n);
	json_decref(r5);

	/* deleted by a watch event */
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_DELETED, r4, t0 + 4000);
	assert_int_equal(flush(w), 1);
	n = list(&ch, false);
	assert_int_equal(n, 3);
	assert_string_equal(ch[0].type, JOURNAL_DELETED);
	assert_true(ch[0].audit_id == 0);
	journal_changes_free(ch, n);
	journal_writer_free(w);
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	json_decref(r4);

	/* nothing secret reached the file */
	cache_close(c);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "cat '%s'* | grep -c s3cr3t-value >/dev/null", path);
	assert_int_not_equal(system(cmd), 0);
	c = cache_open(path, NULL, err, sizeof err);
	assert_non_null(c);
}

/* A command that starts after a break: the list shows a change (dated by its writer's
 * managedFields time), an object created meanwhile, and one deleted meanwhile. */
static void test_after_a_break(void **state)
{
	(void)state;
	int64_t t0 = time_wall_ms() - 3600000;
	struct journal_writer *w = journal_writer_new(c, CL, NULL);
	json_t *a1 = route("a", "10", 1, "5s", "helm", "2020-01-01T00:00:00Z", "Accepted");
	json_t *b1 = route("b", "11", 1, "5s", "helm", "2020-01-01T00:00:00Z", "Accepted");
	journal_writer_list_start(w, GT_HTTPROUTE);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, a1, t0);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, b1, t0);
	journal_writer_list_done(w, GT_HTTPROUTE, t0);
	assert_int_equal(flush(w), 0);
	journal_writer_free(w);

	/* later, a new process: a was edited at t0 + 10 min by kubectl-edit, b deleted, c made */
	char when[32];
	time_rfc3339((time_t)((t0 + 600000) / 1000), when, sizeof when);
	json_t *a2 = route("a", "20", 2, "1s", "kubectl-edit", when, "Accepted");
	json_t *c1 = route("c", "21", 1, "1s", "kubectl-create", when, "Accepted");
	json_object_set_new(json_object_get(c1, "metadata"), "creationTimestamp", json_string(when));
	int64_t now = time_wall_ms();
	w = journal_writer_new(c, CL, NULL);
	journal_writer_list_start(w, GT_HTTPROUTE);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, a2, now);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, c1, now);
	journal_writer_list_done(w, GT_HTTPROUTE, now);
	assert_int_equal(flush(w), 3);
	journal_writer_free(w);
	struct journal_change *ch;
	size_t n = list(&ch, false);
	assert_int_equal(n, 3);
	/* newest first: b's deletion (at the list), then c and a (at their writers' time) */
	assert_string_equal(ch[0].name, "b");
	assert_string_equal(ch[0].type, JOURNAL_DELETED);
	assert_true(ch[0].approx);
	assert_string_equal(ch[0].via, "start");
	for (size_t i = 1; i < 3; i++) {
		assert_true(ch[i].approx);
		assert_true(ch[i].at_ms == (t0 + 600000) / 1000 * 1000);
	}
	size_t ia = !strcmp(ch[1].name, "a") ? 1 : 2, ic = 3 - ia;
	assert_string_equal(ch[ia].manager, "kubectl-edit");
	assert_string_equal(ch[ia].summary, "spec.rules[0].timeouts.request 5s → 1s");
	assert_string_equal(ch[ic].type, JOURNAL_ADDED);
	assert_string_equal(ch[ic].manager, "kubectl-create");
	journal_changes_free(ch, n);
	json_decref(a1);
	json_decref(b1);
	json_decref(a2);
	json_decref(c1);
}

static const char *timeout_at(const struct gt_store *s, const char *name)
{
	const struct gt_object *o = store_get(s, GT_HTTPROUTE, "shop", name);
	return o ? o->u.route.rules[0].timeouts.request : NULL;
}

/* Time travel over many changes (several full-form rebases), then retention. */
static void test_time_travel_and_retention(void **state)
{
	(void)state;
	int64_t t0 = time_wall_ms() - 10 * 86400000LL;
	struct journal_writer *w = journal_writer_new(c, CL, NULL);
	json_t *r = route("api", "100", 1, "1ms", "helm", "2020-01-01T00:00:00Z", "Accepted");
	first_list(w, r, t0);
	json_decref(r);
	flush(w);
	int changes = JOURNAL_REBASE * 3 + 5;
	for (int i = 1; i <= changes; i++) {
		char rv[16], to[16];
		snprintf(rv, sizeof rv, "%d", 100 + i);
		snprintf(to, sizeof to, "%dms", i + 1);
		r = route("api", rv, 1 + i, to, "kubectl-patch", "2026-01-01T00:00:00Z", "Accepted");
		journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r, t0 + i * 3600000LL);
		json_decref(r);
		if (i % 7 == 0)
			flush(w);
	}
	flush(w);
	journal_writer_free(w);
	char err[512];
	struct gt_store *s = store_new();
	/* before the journal begins: refused with when it begins */
	assert_int_equal(journal_store_at(c, CL, t0 - 1, NULL, s, err, sizeof err), -1);
	assert_non_null(strstr(err, "begins at"));
	for (int i = 0; i <= changes; i += 13) {
		store_clear(s);
		assert_int_equal(journal_store_at(c, CL, t0 + i * 3600000LL + 1, NULL, s, err,
		                                  sizeof err), 1);
		char want[16];
		snprintf(want, sizeof want, "%dms", i + 1);
		assert_string_equal(timeout_at(s, "api"), want);
		assert_true(store_kind_state(s, GT_HTTPROUTE)->synced);
	}
	json_t *doc;
	assert_int_equal(journal_doc_at(c, CL, GT_HTTPROUTE, "shop", "api", t0 + 50 * 3600000LL, &doc,
	                                err, sizeof err), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(
		json_object_get(json_object_get(doc, "spec"), "rules"), 0), "timeouts"), "request")),
		"51ms");
	json_decref(doc);

	/* retention by age: keep 2 days; every time after the cut-off still replays */
	int64_t now = t0 + changes * 3600000LL;
	struct journal_retention ret = {.max_age_ms = 2 * 86400000LL};
	int64_t rows_before, rows_after, bytes;
	journal_size(c, &bytes, &rows_before);
	assert_true(journal_prune(c, &ret, now, err, sizeof err) > 0);
	journal_size(c, &bytes, &rows_after);
	assert_true(rows_after < rows_before);
	int64_t since;
	assert_int_equal(journal_coverage(c, CL, &since, NULL, NULL, err, sizeof err), 1);
	assert_true(since == now - 2 * 86400000LL);
	for (int i = changes - 48; i <= changes; i++) {
		store_clear(s);
		assert_int_equal(journal_store_at(c, CL, t0 + i * 3600000LL, NULL, s, err, sizeof err), 1);
		char want[16];
		snprintf(want, sizeof want, "%dms", i + 1);
		assert_string_equal(timeout_at(s, "api"), want);
	}
	assert_int_equal(journal_store_at(c, CL, since - 1, NULL, s, err, sizeof err), -1);
	/* retention by size: cut back under the limit, the present still replays */
	ret = (struct journal_retention){.max_bytes = bytes / 2};
	assert_true(journal_prune(c, &ret, now, err, sizeof err) > 0);
	int64_t bytes2;
	journal_size(c, &bytes2, &rows_after);
	assert_true(bytes2 < bytes);
	store_clear(s);
	assert_int_equal(journal_store_at(c, CL, now, NULL, s, err, sizeof err), 1);
	char want[16];
	snprintf(want, sizeof want, "%dms", changes + 1);
	assert_string_equal(timeout_at(s, "api"), want);
	store_free(s);
}

static void test_no_journal(void **state)
{
	(void)state;
	char err[512];
	struct gt_store *s = store_new();
	assert_int_equal(journal_store_at(c, "https://other", time_wall_ms(), NULL, s, err,
	                                  sizeof err), -1);
	assert_non_null(strstr(err, "holds no change journal"));
	store_free(s);
	assert_int_equal(journal_coverage(c, "https://other", NULL, NULL, NULL, err, sizeof err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timeline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_a_break, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_travel_and_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_journal, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
