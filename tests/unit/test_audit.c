/* test_audit.c: the audit log on a temporary SQLite cache: entries in and out unchanged,
 * newest first, the route filter and the limit, undo references (kept without a schema
 * column), an edit session's apply attempts recorded through edit_audit_record and through
 * a pending row and its outcome, undo prepared from entries of each kind (rule policy,
 * Linkerd annotations, whole spec) on the rule found by its identity after rules moved
 * (refused when it is gone or ambiguous), and what the route says about a pending row
 * (edit_settle_decide). */
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
	struct edit_audit_ctx ctx = {.context = "ctx", .user = "bob", .cluster = "http://k"};
	assert_int_equal(edit_audit_record(e, c, &ctx, err, sizeof err), -1);
	const char *after = "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"web\",\"namespace\":"
	                    "\"shop\",\"resourceVersion\":\"8\"},\"spec\":{\"rules\":[{}]}}";
	assert_int_equal(edit_take_apply(e, 200, after, strlen(after), NULL), EDIT_APPLIED);
	int64_t id = edit_audit_record(e, c, &ctx, err, sizeof err);
	assert_true(id > 0);
	struct audit_entry a;
	assert_int_equal(audit_get(c, id, &a, err, sizeof err), 1);
	assert_string_equal(a.route, "httproute/shop/web");
	assert_string_equal(a.cluster, "http://k");
	assert_string_equal(a.base_rv, "7");
	assert_string_equal(a.new_rv, "8");
	assert_non_null(a.rule_key);
	assert_non_null(strstr(a.rule_key, "\"matches\""));
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

#define WEB_HEAD "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\"," \
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"generation\":3,"

/* The apply's row is written before it is sent (pending, with the owner process and the
 * version it is made on), and its outcome after; an undo keeps its reference. */
static void test_pending_then_outcome(void **state)
{
	struct cache *c = *state;
	char err[256];
	const char *json = WEB_HEAD "\"resourceVersion\":\"7\"},\"spec\":{\"rules\":[{\"name\":"
	                   "\"api\",\"timeouts\":{\"request\":\"5s\"}}]}}";
	struct edit *e = edit_new(GT_HTTPROUTE, "shop", "web");
	edit_take_fetch(e, 200, json, strlen(json), NULL);
	assert_int_equal(edit_select_rule(e, "api"), 0);
	struct edit_change ch;
	edit_change_init(&ch);
	ch.request_timeout = "9s";
	assert_int_equal(edit_set_change(e, &ch), EDIT_READY);
	struct edit_audit_ctx ctx = {.context = "ctx", .user = "bob", .cluster = "http://k",
	                             .undo_of = 3};
	int64_t id = edit_audit_begin(e, c, &ctx, err, sizeof err);
	assert_true(id > 0);
	struct audit_entry a;
	assert_int_equal(audit_get(c, id, &a, err, sizeof err), 1);
	assert_string_equal(a.result, AUDIT_PENDING);
	assert_string_equal(a.rule_key, "{\"name\":\"api\"}");
	assert_string_equal(a.base_rv, "7");
	assert_int_equal(a.base_gen, 3);
	assert_string_equal(a.after_json, "{\"timeouts\":{\"request\":\"9s\"}}");
	char self[64];
	snprintf(self, sizeof self, ":%ld", (long)getpid());
	assert_non_null(strstr(a.owner, self));
	assert_int_equal(a.undo_of, 3);
	audit_entry_done(&a);
	struct audit_entry *list;
	size_t n;
	assert_int_equal(audit_pending(c, "http://k", &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	audit_list_free(list, n);
	assert_int_equal(audit_pending(c, "http://other", &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	audit_list_free(list, n);
	/* The answer: applied, the new version recorded, still an undo of #3. */
	assert_int_equal(edit_audit_finish(e, c, id, err, sizeof err), -1); /* no answer yet */
	const char *after = WEB_HEAD "\"resourceVersion\":\"8\"},\"spec\":{\"rules\":[{\"name\":"
	                    "\"api\",\"timeouts\":{\"request\":\"9s\"}}]}}";
	assert_int_equal(edit_take_apply(e, 200, after, strlen(after), NULL), EDIT_APPLIED);
	assert_int_equal(edit_audit_finish(e, c, id, err, sizeof err), 0);
	assert_int_equal(audit_get(c, id, &a, err, sizeof err), 1);
	assert_string_equal(a.result, AUDIT_APPLIED);
	assert_string_equal(a.new_rv, "8");
	assert_int_equal(a.undo_of, 3);
	assert_non_null(strstr(a.message, "7 -> 8"));
	audit_entry_done(&a);
	assert_int_equal(audit_pending(c, NULL, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	audit_list_free(list, n);
	edit_free(e);
}

/* Undo finds the rule the change was made on by its identity, not its index: a colleague
 * inserted a rule in front. Gone or ambiguous: refused, nothing set. */
static void test_undo_by_identity(void **state)
{
	(void)state;
	char err[512];
	/* Rule 0 (matches /api, to api:80) was changed from 5s to 8s; then a colleague inserted a
	 * rule in front (with the same policy, which an index undo would have cleared). */
	const char *moved = R_HEAD "},\"spec\":{\"rules\":["
	                    "{\"matches\":[{\"path\":{\"value\":\"/new\"}}],\"timeouts\":{\"request\":\"8s\"}},"
	                    "{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/api\"}}],"
	                    "\"backendRefs\":[{\"name\":\"api\",\"port\":80,\"weight\":5}],"
	                    "\"timeouts\":{\"request\":\"8s\"}}]}}";
	struct audit_entry a = {.id = 7, .route = "httproute/shop/web", .rule = 0,
	                        .rule_key = "{\"backendRefs\":[{\"group\":\"\",\"kind\":\"Service\","
	                                    "\"name\":\"api\",\"port\":80}],\"matches\":[{\"path\":"
	                                    "{\"type\":\"PathPrefix\",\"value\":\"/api\"}}]}",
	                        .before_json = "{\"timeouts\":{\"request\":\"5s\"}}",
	                        .after_json = "{\"timeouts\":{\"request\":\"8s\"}}",
	                        .result = AUDIT_APPLIED};
	struct edit *e = fetched(moved);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), 0);
	assert_int_equal(edit_rule_index(e), 1);
	assert_string_equal(edit_target(e)->request, "5s");
	assert_non_null(strstr(edit_patch(e), "/api"));
	edit_free(e);
	/* The key is the one edit_rule_key_of makes of the rule as it was (defaults filled in). */
	json_t *r = json_loads("{\"matches\":[{\"path\":{\"value\":\"/api\"}}],\"backendRefs\":"
	                       "[{\"name\":\"api\",\"port\":80}]}", 0, NULL);
	char *k = edit_rule_key_of(r);
	assert_string_equal(k, a.rule_key);
	free(k);
	json_decref(r);

	/* The rule is gone (its matches changed). */
	const char *gone = R_HEAD "},\"spec\":{\"rules\":[{\"matches\":[{\"path\":{\"value\":"
	                   "\"/v2\"}}],\"timeouts\":{\"request\":\"8s\"}}]}}";
	e = fetched(gone);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "change #7"));
	assert_non_null(strstr(err, "PathPrefix /api to api:80 is gone"));
	edit_free(e);

	/* Two rules with those matches and backends: ambiguous. */
	const char *twice = R_HEAD "},\"spec\":{\"rules\":["
	                    "{\"matches\":[{\"path\":{\"value\":\"/api\"}}],\"backendRefs\":[{\"name\":\"api\",\"port\":80}]},"
	                    "{\"matches\":[{\"path\":{\"value\":\"/api\"}}],\"backendRefs\":[{\"name\":\"api\",\"port\":80}]}]}}";
	e = fetched(twice);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "ambiguous: rules 0 and 1"));
	edit_free(e);

	/* A named rule is found by name wherever it went. */
	const char *named = R_HEAD "},\"spec\":{\"rules\":[{\"name\":\"new\",\"timeouts\":"
	                    "{\"request\":\"8s\"}},{\"name\":\"checkout\",\"timeouts\":{\"request\":"
	                    "\"8s\"}}]}}";
	a.rule_key = "{\"name\":\"checkout\"}";
	e = fetched(named);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), 0);
	assert_int_equal(edit_rule_index(e), 1);
	edit_free(e);
	a.rule_key = "{\"name\":\"payments\"}";
	e = fetched(named);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "the rule named \"payments\" is gone"));
	edit_free(e);

	/* An entry of an older gammatop (index only): two rules have what it left: refused. */
	a.rule_key = NULL;
	a.rule = 1;
	e = fetched(named);
	assert_int_equal(edit_audit_undo(e, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot be told"));
	edit_free(e);
}

/* What the route says about a row whose process died before the answer was recorded. */
static void test_settle_decide(void **state)
{
	(void)state;
	struct audit_entry a = {.id = 9, .route = "httproute/shop/web", .rule = 0,
	                        .rule_key = "{\"name\":\"api\"}", .base_rv = "7", .base_gen = 3,
	                        .before_json = "{\"timeouts\":{\"request\":\"5s\"}}",
	                        .after_json = "{\"timeouts\":{\"request\":\"9s\"}}",
	                        .result = AUDIT_PENDING};
	char *why = NULL;
	/* Still at the version it was made on: never landed. */
	const char *same = WEB_HEAD "\"resourceVersion\":\"7\"},\"spec\":{\"rules\":[{\"name\":"
	                   "\"api\",\"timeouts\":{\"request\":\"5s\"}}]}}";
	assert_int_equal(edit_settle_decide(&a, 200, same, strlen(same), NULL, &why),
	                 EDIT_SETTLED_NOT_APPLIED);
	assert_non_null(strstr(why, "still at resourceVersion 7"));
	free(why);
	/* Only status moved (generation the same): the spec change never landed. */
	const char *status = WEB_HEAD "\"resourceVersion\":\"8\"},\"spec\":{\"rules\":[{\"name\":"
	                     "\"api\",\"timeouts\":{\"request\":\"5s\"}}]}}";
	assert_int_equal(edit_settle_decide(&a, 200, status, strlen(status), NULL, &why),
	                 EDIT_SETTLED_NOT_APPLIED);
	assert_non_null(strstr(why, "generation 3"));
	free(why);
	/* The rule (moved to index 1) has the change. */
	const char *landed = "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	                     "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"generation\":5,"
	                     "\"resourceVersion\":\"12\"},\"spec\":{\"rules\":[{\"name\":\"x\"},"
	                     "{\"name\":\"api\",\"timeouts\":{\"request\":\"9s\"}}]}}";
	assert_int_equal(edit_settle_decide(&a, 200, landed, strlen(landed), NULL, &why),
	                 EDIT_SETTLED_APPLIED);
	assert_non_null(strstr(why, "7 -> 12"));
	free(why);
	/* Somebody else's value since: unknown, and what it is now. */
	const char *other = "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	                    "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"generation\":5,"
	                    "\"resourceVersion\":\"12\"},\"spec\":{\"rules\":[{\"name\":\"api\","
	                    "\"timeouts\":{\"request\":\"1s\"}}]}}";
	assert_int_equal(edit_settle_decide(&a, 200, other, strlen(other), NULL, &why),
	                 EDIT_SETTLED_UNKNOWN);
	assert_non_null(strstr(why, "it is now t=1s"));
	free(why);
	/* The rule was removed; the route deleted; the cluster unreachable. */
	const char *norule = "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	                     "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"generation\":5,"
	                     "\"resourceVersion\":\"12\"},\"spec\":{\"rules\":[{\"name\":\"b\"}]}}";
	assert_int_equal(edit_settle_decide(&a, 200, norule, strlen(norule), NULL, &why),
	                 EDIT_SETTLED_UNKNOWN);
	assert_non_null(strstr(why, "\"api\" is gone"));
	free(why);
	struct apierr nf = {.kind = APIERR_NOT_FOUND, .message = (char *)"not found"};
	assert_int_equal(edit_settle_decide(&a, 404, "", 0, &nf, &why), EDIT_SETTLED_UNKNOWN);
	assert_non_null(strstr(why, "deleted"));
	free(why);
	struct apierr tr = {.kind = APIERR_TRANSPORT, .message = (char *)"connection refused"};
	assert_int_equal(edit_settle_decide(&a, 0, NULL, 0, &tr, &why), EDIT_SETTLED_UNREACHABLE);
	assert_non_null(strstr(why, "connection refused"));
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_get_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_edit, setup, teardown),
		cmocka_unit_test(test_undo_prepare),
		cmocka_unit_test_setup_teardown(test_pending_then_outcome, setup, teardown),
		cmocka_unit_test(test_undo_by_identity),
		cmocka_unit_test(test_settle_decide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
