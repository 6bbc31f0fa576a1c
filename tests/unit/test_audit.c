/* test_audit.c: the audit log on a temporary SQLite cache: entries in and out unchanged,
 * newest first, the route filter and the limit, undo references (kept without a schema
 * column), an edit session's apply attempts recorded through edit_audit_record, and undo
 * prepared from entries of each kind (rule policy, Linkerd annotations, whole spec). */
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
#include "gammatop/edit.h"

static char dir[256], path[300];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/gt-test-audit.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/cache.db", dir);
	char err[256];
	struct cache *c = cache_open(path, NULL, err, sizeof err);
	*state = c;
	return c ? 0 : -1;
}

static int teardown(void **state)
{
	cache_close(*state);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_add_get_list(void **state)
{
	struct cache *c = *state;
	char err[256];
	struct audit_entry a = {.at_ms = 1000, .context = "prod", .user = "alice",
	                        .route = "httproute/shop/web", .rule = 1,
	                        .before_json = "{\"timeouts\":{\"request\":\"5s\"}}",
	                        .after_json = "{\"timeouts\":{\"request\":\"8s\"}}",
	                        .result = AUDIT_APPLIED, .message = "resourceVersion 10 -> 11"};
	int64_t id1 = audit_add(c, &a, err, sizeof err);
	assert_true(id1 > 0);
	a.route = "httproute/shop/other";
	a.at_ms = 2000;
	a.result = AUDIT_CONFLICT;
	a.message = "conflict";
	int64_t id2 = audit_add(c, &a, err, sizeof err);
	a.route = "httproute/shop/web";
	a.at_ms = 0; /* now */
	a.result = AUDIT_APPLIED;
	a.before_json = "{\"timeouts\":{\"request\":\"8s\"}}";
	a.after_json = "{\"timeouts\":{\"request\":\"5s\"}}";
	a.message = "resourceVersion 11 -> 12";
	a.undo_of = id1;
	int64_t id3 = audit_add(c, &a, err, sizeof err);
	assert_true(id1 < id2 && id2 < id3);

	struct audit_entry e;
	assert_int_equal(audit_get(c, id1, &e, err, sizeof err), 1);
	assert_int_equal(e.at_ms, 1000);
	assert_string_equal(e.context, "prod");
	assert_string_equal(e.user, "alice");
	assert_string_equal(e.route, "httproute/shop/web");
	assert_int_equal(e.rule, 1);
	assert_string_equal(e.before_json, "{\"timeouts\":{\"request\":\"5s\"}}");
	assert_string_equal(e.result, "applied");
	assert_string_equal(e.message, "resourceVersion 10 -> 11");
	assert_int_equal(e.undo_of, 0);
	audit_entry_done(&e);
	assert_int_equal(audit_get(c, id3, &e, err, sizeof err), 1);
	assert_int_equal(e.undo_of, id1);
	assert_string_equal(e.message, "resourceVersion 11 -> 12"); /* the prefix is not shown */
	assert_true(e.at_ms > 1000);
	audit_entry_done(&e);
	assert_int_equal(audit_get(c, 9999, &e, err, sizeof err), 0);
	assert_int_equal(audit_undone_by(c, id1), id3);
	assert_int_equal(audit_undone_by(c, id3), 0);

	struct audit_entry *list;
	size_t n;
	assert_int_equal(audit_list(c, NULL, 0, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, id3);
	assert_int_equal(list[2].id, id1);
	audit_list_free(list, n);
	assert_int_equal(audit_list(c, "httproute/shop/web", 0, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	audit_list_free(list, n);
	assert_int_equal(audit_list(c, NULL, 1, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id3);
	audit_list_free(list, n);
	assert_int_equal(audit_list(c, "httproute/none/x", 0, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	audit_list_free(list, n);

	/* A message that merely looks like an undo of something stays a message. */
	a.undo_of = 0;
	a.message = "undo of #x: not a reference";
	int64_t id4 = audit_add(c, &a, err, sizeof err);
	assert_int_equal(audit_get(c, id4, &e, err, sizeof err), 1);
	assert_int_equal(e.undo_of, 0);
	assert_string_equal(e.message, "undo of #x: not a reference");
	audit_entry_done(&e);
}

static void test_record_edit(void **state)
{
	struct cache *c = *state;
	char err[256];
	const char *json = "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"web\",\"namespace\":"
	                   "\"shop\",\"resourceVersion\":\"7\"},\"spec\":{\"rules\":[{\"retry\":"
	                   "{\"attempts\":2,\"codes\":[503]}}]}}";
	struct edit *e = edit_new(GT_HTTPROUTE, "shop", "web");
	const char *bad = "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"web\","
	                  "\"namespace\":\"shop\"}}";
	edit_take_fetch(e, 200, bad, strlen(bad), NULL);
	/* An object the model cannot decode (no apiVersion) is not edited as if empty. */
	assert_int_equal(edit_select_rule(e, "0"), 0);
	assert_int_equal(edit_state(e), EDIT_FAILED);
	assert_non_null(strstr(edit_message(e), "apiVersion"));
	edit_take_fetch(e, 200, json, strlen(json), NULL);
	edit_select_rule(e, "0");
	struct edit_change ch;
	edit_change_init(&ch);
	ch.clear_retry = true;
	assert_int_equal(edit_set_change(e, &ch), EDIT_READY);
	/* Nothing applied yet: nothing to record. */
	assert_int_equal(edit_audit_record(e, c, "ctx", "bob", 0, err, sizeof err), -1);
	const char *after = "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"web\",\"namespace\":"
	                    "\"shop\",\"resourceVersion\":\"8\"},\"spec\":{\"rules\":[{}]}}";
	assert_int_equal(edit_take_apply(e, 200, after, strlen(after), NULL), EDIT_APPLIED);
	int64_t id = edit_audit_record(e, c, "ctx", "bob", 0, err, sizeof err);
	assert_true(id > 0);
	struct audit_entry a;
	assert_int_equal(audit_get(c, id, &a, err, sizeof err), 1);
	assert_string_equal(a.route, "httproute/shop/web");
	assert_string_equal(a.user, "bob");
	assert_string_equal(a.before_json, "{\"retry\":{\"attempts\":2,\"codes\":[503]}}");
	assert_string_equal(a.after_json, "{}");
	assert_string_equal(a.result, AUDIT_APPLIED);
	assert_non_null(strstr(a.message, "7 -> 8"));
	/* The stored before-policy reads back as the rule's policy (what undo restores). */
	json_t *j = json_loads(a.before_json, 0, NULL);
	struct policy p;
	assert_int_equal(edit_policy_from_json(j, &p, err, sizeof err), 0);
	assert_true(edit_policy_equal(&p, edit_current(e)));
	json_decref(j);
	audit_entry_done(&a);
	edit_free(e);
}

static struct edit *fetched(const char *json)
{
	struct edit *e = edit_new(GT_HTTPROUTE, "shop", "web");
	assert_int_equal(edit_take_fetch(e, 200, json, strlen(json), NULL), EDIT_LOADED);
	return e;
}

#define R_HEAD "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\"," \
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"resourceVersion\":\"9\""

static void test_undo_prepare(void **state)
{
	(void)state;
	char err[512];
	const char *now = R_HEAD "},\"spec\":{\"rules\":[{},{\"timeouts\":{\"request\":\"8s\"}}]}}";
	struct audit_entry a = {.id = 4, .route = "httproute/shop/web", .rule = 1,
	                        .before_json = "{\"timeouts\":{\"request\":\"5s\"},"
	                                       "\"retry\":{\"attempts\":2}}",
	                        .after_json = "{\"timeouts\":{\"request\":\"8s\"}}",
	                        .result = AUDIT_APPLIED};
	struct edit *e = fetched(now);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), 0);
	assert_int_equal(edit_state(e), EDIT_READY);
	assert_int_equal(edit_rule_index(e), 1);
	assert_string_equal(edit_target(e)->request, "5s");
	assert_int_equal(edit_target(e)->attempts, 2);
	assert_non_null(strstr(edit_diff(e), "-      request: 8s"));
	edit_free(e);

	/* Somebody changed the rule since: refused. */
	const char *later = R_HEAD "},\"spec\":{\"rules\":[{},{\"timeouts\":{\"request\":\"9s\"}}]}}";
	e = fetched(later);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "changed since change #4: it is now t=9s"));
	edit_free(e);

	/* Not applied: nothing to undo. */
	a.result = AUDIT_CONFLICT;
	e = fetched(now);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "not applied"));
	edit_free(e);

	/* Linkerd annotations: restored the same way they were written. */
	const char *ann = R_HEAD ",\"annotations\":{\"retry.linkerd.io/limit\":\"3\","
	                  "\"retry.linkerd.io/http\":\"5xx\"}},\"spec\":{\"rules\":[{}]}}";
	struct audit_entry b = {.id = 5, .rule = 0, .result = AUDIT_APPLIED,
	                        .before_json = "{\"annotations\":{\"retry.linkerd.io/http\":null,"
	                                       "\"retry.linkerd.io/limit\":null}}",
	                        .after_json = "{\"annotations\":{\"retry.linkerd.io/http\":\"5xx\","
	                                      "\"retry.linkerd.io/limit\":\"3\"}}"};
	e = fetched(ann);
	assert_int_equal(edit_audit_undo(e, &b, err, sizeof err), 0);
	assert_true(edit_linkerd_annotations(e));
	assert_non_null(strstr(edit_patch(e), "\"retry.linkerd.io/limit\":null"));
	edit_free(e);

	/* A whole-document edit: the spec comes back. */
	const char *doc = R_HEAD "},\"spec\":{\"hostnames\":[\"b\"],\"rules\":[{}]}}";
	struct audit_entry c = {.id = 6, .rule = -1, .result = AUDIT_APPLIED,
	                        .before_json = "{\"spec\":{\"hostnames\":[\"a\"],\"rules\":[{}]}}",
	                        .after_json = "{\"spec\":{\"hostnames\":[\"b\"],\"rules\":[{}]}}"};
	e = fetched(doc);
	assert_int_equal(edit_audit_undo(e, &c, err, sizeof err), 0);
	assert_int_equal(edit_rule_index(e), -1);
	assert_non_null(strstr(edit_patch(e), "\"hostnames\":[\"a\"]"));
	edit_free(e);

	char buf[96];
	edit_audit_summary(a.before_json, buf, sizeof buf);
	assert_string_equal(buf, "t=5s r=2");
	edit_audit_summary(b.after_json, buf, sizeof buf);
	assert_string_equal(buf, "linkerd r=3 on 5xx");
	edit_audit_summary(c.after_json, buf, sizeof buf);
	assert_string_equal(buf, "route spec (edited)");
	edit_audit_summary("{\"retry\":7", buf, sizeof buf);
	assert_string_equal(buf, "?");
	edit_audit_summary("{\"timeouts\":{\"request\":\"1s\\u001b[2J\"}}", buf, sizeof buf);
	assert_string_equal(buf, "t=1s?[2J");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_get_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_edit, setup, teardown),
		cmocka_unit_test(test_undo_prepare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
