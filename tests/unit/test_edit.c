/* test_edit.c: the edit layer without a cluster: the line diff (hunks, context, minimality),
 * requested changes on a policy, the policy JSON of the audit log, and the session driven by
 * canned API answers (the fake transport): load, rule by name, validation before sending,
 * diff and merge patch, dry-run verdicts (a standard-channel CRD drops retry), conflict and
 * rebase (the rule found again by its identity after rules moved), Linkerd detection,
 * effective policy and the annotation patch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/cache.h"
#include "gammatop/edit.h"
#include "gammatop/linediff.h"
#include "gammatop/samples.h"

/* ---- linediff ---- */

static void test_diff_equal(void **state)
{
	(void)state;
	char *d = linediff_unified("a\nb\n", "a\nb\n", "x", "y", 3);
	assert_string_equal(d, "");
	free(d);
	d = linediff_unified(NULL, "", "x", "y", 3);
	assert_string_equal(d, "");
	free(d);
}

static void test_diff_one_change(void **state)
{
	(void)state;
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
	const char *b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
	char *d = linediff_unified(a, b, "a", "b", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
	free(d);
	d = linediff_unified(a, b, "a", "b", 0);
	assert_string_equal(d, "--- a\n+++ b\n@@ -5 +5 @@\n-5\n+FIVE\n");
	free(d);
}

static void test_diff_hunks(void **state)
{
	(void)state;
	/* Changes 10 lines apart with context 1 make two hunks; with context 5, one. */
	const char *a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
	const char *b = "A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\n";
	char *d = linediff_unified(a, b, "a", "b", 1);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -11,2 +11,2 @@\n k\n-l\n+L\n");
	free(d);
	d = linediff_unified(a, b, "a", "b", 5);
	assert_non_null(strstr(d, "@@ -1,12 +1,12 @@"));
	assert_null(strstr(d + 20, "@@ -"));
	free(d);
	/* Insertion into an empty text and deletion of everything. */
	d = linediff_unified("", "x\ny\n", "a", "b", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	free(d);
	d = linediff_unified("x\n", "", "a", "b", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
	free(d);
}

static void test_diff_minimal(void **state)
{
	(void)state;
	/* An LCS diff keeps the common subsequence: abcabba -> cbabac (classic Myers example):
	 * LCS length 4, so 3 removed and 2 added. */
	struct linediff d;
	linediff_run(&d, "a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n");
	assert_int_equal(d.removed, 3);
	assert_int_equal(d.added, 2);
	size_t same = 0;
	for (size_t i = 0; i < d.n; i++)
		same += d.lines[i].op == LD_SAME;
	assert_int_equal(same, 4);
	linediff_done(&d);
	/* No trailing newline on the last line still diffs by line. */
	char *u = linediff_unified("a\nb", "a\nc", "a", "b", 3);
	assert_string_equal(u, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
	free(u);
}

/* ---- changes and policy JSON ---- */

static void test_change_apply(void **state)
{
	(void)state;
	struct policy cur, out;
	policy_init(&cur);
	cur.has_request = true;
	strcpy(cur.request, "5s");
	cur.has_retry = true;
	cur.attempts = 2;
	cur.n_codes = 1;
	cur.codes[0] = 503;
	struct edit_change c;
	char err[256];
	edit_change_init(&c);
	assert_true(edit_change_empty(&c));
	c.backend_timeout = "2s";
	c.retry_codes = " 502, 503,504";
	assert_false(edit_change_empty(&c));
	assert_int_equal(edit_change_apply(&c, &cur, &out, err, sizeof err), 0);
	assert_string_equal(out.request, "5s");
	assert_true(out.has_backend_request);
	assert_string_equal(out.backend_request, "2s");
	assert_int_equal(out.n_codes, 3);
	assert_int_equal(out.codes[2], 504);
	assert_int_equal(out.attempts, 2);

	/* Clears run before sets: a fresh retry block with only attempts. */
	edit_change_init(&c);
	c.clear_retry = true;
	c.retry_attempts = 4;
	c.clear_timeouts = true;
	assert_int_equal(edit_change_apply(&c, &cur, &out, err, sizeof err), 0);
	assert_false(out.has_request);
	assert_true(out.has_retry);
	assert_int_equal(out.attempts, 4);
	assert_int_equal(out.n_codes, 0);

	/* "" removes the codes; a code that is not a number and an over-long duration are
	 * refused before anything else. */
	edit_change_init(&c);
	c.retry_codes = "";
	assert_int_equal(edit_change_apply(&c, &cur, &out, err, sizeof err), 0);
	assert_int_equal(out.n_codes, 0);
	c.retry_codes = "502,5o3";
	assert_int_equal(edit_change_apply(&c, &cur, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "5o3"));
	edit_change_init(&c);
	c.request_timeout = "123456789012345678901234567890123s";
	assert_int_equal(edit_change_apply(&c, &cur, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "timeouts.request"));
	/* Merely invalid values are kept for policy_validate to explain. */
	c.request_timeout = "1.5s";
	assert_int_equal(edit_change_apply(&c, &cur, &out, err, sizeof err), 0);
	assert_string_equal(out.request, "1.5s");
}

static void test_policy_json(void **state)
{
	(void)state;
	struct policy p, q;
	char err[128];
	policy_init(&p);
	json_t *j = edit_policy_to_json(&p);
	assert_int_equal(json_object_size(j), 0);
	assert_int_equal(edit_policy_from_json(j, &q, err, sizeof err), 0);
	assert_true(edit_policy_equal(&p, &q));
	json_decref(j);

	p.has_request = p.has_backend_request = p.has_retry = p.has_backoff = true;
	strcpy(p.request, "10s");
	strcpy(p.backend_request, "1500ms");
	strcpy(p.backoff, "25ms");
	p.attempts = 3;
	p.n_codes = 2;
	p.codes[0] = 502;
	p.codes[1] = 503;
	j = edit_policy_to_json(&p);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"retry\":{\"attempts\":3,\"backoff\":\"25ms\",\"codes\":[502,503]},"
	                       "\"timeouts\":{\"backendRequest\":\"1500ms\",\"request\":\"10s\"}}");
	free(s);
	assert_int_equal(edit_policy_from_json(j, &q, err, sizeof err), 0);
	assert_true(edit_policy_equal(&p, &q));
	q.codes[1] = 504;
	assert_false(edit_policy_equal(&p, &q));
	json_decref(j);

	j = json_loads("{\"retry\":{\"attempts\":\"x\"}}", 0, NULL);
	assert_int_equal(edit_policy_from_json(j, &q, err, sizeof err), -1);
	assert_non_null(strstr(err, "retry.attempts"));
	json_decref(j);
}

/* ---- the session, on canned answers ---- */

#define ROUTE_FMT                                                                              \
	"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","              \
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"resourceVersion\":\"%s\"%s},"   \
	"\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}],\"hostnames\":[%s],"                      \
	"\"rules\":[{\"backendRefs\":[{\"name\":\"a\",\"port\":80}]},"                           \
	"{\"name\":\"checkout\",\"backendRefs\":[{\"name\":\"b\",\"port\":80}],"                  \
	"\"timeouts\":{\"request\":\"5s\"}%s}]}%s}"

static char *route(const char *rv, const char *meta, const char *hosts, const char *retry,
                   const char *status)
{
	int n = snprintf(NULL, 0, ROUTE_FMT, rv, meta, hosts, retry, status);
	char *s = malloc((size_t)n + 1);
	snprintf(s, (size_t)n + 1, ROUTE_FMT, rv, meta, hosts, retry, status);
	return s;
}

static struct edit *loaded(const char *json)
{
	struct edit *e = edit_new(GT_HTTPROUTE, "shop", "web");
	assert_int_equal(edit_take_fetch(e, 200, json, strlen(json), NULL), EDIT_LOADED);
	return e;
}

static void test_session_flow(void **state)
{
	(void)state;
	char *base = route("10", "", "\"shop.example\"", "", "");
	struct edit *e = loaded(base);
	assert_string_equal(edit_route_id(e), "httproute/shop/web");
	assert_string_equal(edit_resource_version(e), "10");

	/* A rule that does not exist names the ones that do. */
	assert_int_equal(edit_select_rule(e, "nope"), -1);
	assert_non_null(strstr(edit_message(e), "1 (checkout)"));
	assert_int_equal(edit_select_rule(e, "checkout"), 0);
	assert_int_equal(edit_rule_index(e), 1);
	assert_string_equal(edit_rule_label(e), "rule 1 (checkout)");
	assert_string_equal(edit_current(e)->request, "5s");

	/* An invalid duration: refused with the field, and there is nothing to send. */
	struct edit_change c;
	edit_change_init(&c);
	c.request_timeout = "1.5s";
	assert_int_equal(edit_set_change(e, &c), EDIT_INVALID);
	assert_true(edit_findings(e)->n >= 1);
	assert_string_equal(edit_findings(e)->items[0].field, "spec.rules[1].timeouts.request");
	assert_null(edit_io_dry_run(NULL, e, NULL, NULL)); /* never reaches the client */
	assert_null(edit_io_apply(NULL, e, NULL, NULL));

	/* A change that is already there. */
	c.request_timeout = "5s";
	assert_int_equal(edit_set_change(e, &c), EDIT_NO_CHANGE);

	c.request_timeout = "8s";
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	assert_non_null(strstr(edit_diff(e), "-      request: 5s\n+      request: 8s\n"));
	assert_non_null(strstr(edit_diff(e), "--- httproute/shop/web (resourceVersion 10)"));
	json_t *patch = json_loads(edit_patch(e), 0, NULL);
	assert_non_null(patch);
	assert_string_equal(json_string_value(json_object_get(json_object_get(patch, "metadata"),
	                                                      "resourceVersion")),
	                    "10");
	json_t *rules = json_object_get(json_object_get(patch, "spec"), "rules");
	assert_int_equal(json_array_size(rules), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(rules, 1), "timeouts"), "request")),
	                    "8s");
	json_decref(patch);

	/* Dry-run: the server's result has the change. */
	char *after = route("10", "", "\"shop.example\"", "", "");
	char *p = strstr(after, "\"5s\"");
	memcpy(p, "\"8s\"", 4);
	assert_int_equal(edit_take_dry_run(e, 200, after, strlen(after), NULL), EDIT_DRY_RUN_OK);

	/* Apply: 409 -> conflict, nothing else changes. */
	struct apierr conflict = {.kind = APIERR_CONFLICT, .code = 409,
	                          .message = "the object has been modified"};
	assert_int_equal(edit_take_apply(e, 409, "{}", 2, &conflict), EDIT_CONFLICT);
	assert_int_equal(edit_error_kind(e), APIERR_CONFLICT);
	assert_non_null(strstr(edit_message(e), "nothing was overwritten"));

	/* Rebase on what somebody else wrote: a new hostname. */
	char *now = route("12", "", "\"shop.example\",\"www.shop.example\"", "", "");
	assert_int_equal(edit_take_fetch(e, 200, now, strlen(now), NULL), EDIT_READY);
	assert_non_null(edit_meanwhile(e));
	assert_non_null(strstr(edit_meanwhile(e), "+  - www.shop.example"));
	assert_null(strstr(edit_meanwhile(e), "resourceVersion: '12'"));
	assert_string_equal(edit_resource_version(e), "12");
	assert_non_null(strstr(edit_patch(e), "\"resourceVersion\":\"12\""));
	assert_non_null(strstr(edit_diff(e), "+      request: 8s"));

	char *applied = route("13", "", "\"shop.example\",\"www.shop.example\"", "", "");
	assert_int_equal(edit_take_apply(e, 200, applied, strlen(applied), NULL), EDIT_APPLIED);
	assert_string_equal(edit_new_resource_version(e), "13");
	assert_non_null(strstr(edit_message(e), "12 -> 13"));

	char *bj = edit_audit_json(e, false), *aj = edit_audit_json(e, true);
	assert_string_equal(bj, "{\"timeouts\":{\"request\":\"5s\"}}");
	assert_string_equal(aj, "{\"timeouts\":{\"request\":\"8s\"}}");
	free(bj);
	free(aj);
	free(base);
	free(after);
	free(now);
	free(applied);
	edit_free(e);
}

#define RK_HEAD "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\"," \
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"resourceVersion\":"

/* An unnamed rule is found again by its matches after a conflict, even when a colleague
 * inserted a rule in front of it; a rebase never moves the change to another rule. */
static void test_rebase_by_identity(void **state)
{
	(void)state;
	const char *base = RK_HEAD "\"10\"},\"spec\":{\"rules\":["
	                   "{\"matches\":[{\"path\":{\"value\":\"/api\"}}],\"backendRefs\":[{\"name\":\"api\",\"port\":80}],"
	                   "\"timeouts\":{\"request\":\"5s\"}}]}}";
	struct edit *e = loaded(base);
	assert_int_equal(edit_select_rule(e, "0"), 0);
	assert_non_null(strstr(edit_rule_key(e), "\"PathPrefix\""));
	struct edit_change c;
	edit_change_init(&c);
	c.request_timeout = "8s";
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	struct apierr conflict = {.kind = APIERR_CONFLICT, .code = 409, .message = "modified"};
	assert_int_equal(edit_take_apply(e, 409, "{}", 2, &conflict), EDIT_CONFLICT);
	const char *moved = RK_HEAD "\"11\"},\"spec\":{\"rules\":["
	                    "{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/health\"}}],\"timeouts\":{\"request\":\"1s\"}},"
	                    "{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/api\"}}],\"backendRefs\":[{\"name\":\"api\",\"port\":80,\"weight\":1}],"
	                    "\"timeouts\":{\"request\":\"5s\"}}]}}";
	assert_int_equal(edit_take_fetch(e, 200, moved, strlen(moved), NULL), EDIT_READY);
	assert_int_equal(edit_rule_index(e), 1);
	assert_string_equal(edit_current(e)->request, "5s");
	json_t *patch = json_loads(edit_patch(e), 0, NULL);
	json_t *rules = json_object_get(json_object_get(patch, "spec"), "rules");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(rules, 1), "timeouts"), "request")),
	                    "8s");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(rules, 0), "timeouts"), "request")),
	                    "1s");
	json_decref(patch);
	/* Conflict again, and now the rule is gone: refused, nothing to send. */
	assert_int_equal(edit_take_apply(e, 409, "{}", 2, &conflict), EDIT_CONFLICT);
	const char *gone = RK_HEAD "\"12\"},\"spec\":{\"rules\":["
	                   "{\"matches\":[{\"path\":{\"value\":\"/v2\"}}],\"timeouts\":{\"request\":\"5s\"}}]}}";
	assert_int_equal(edit_take_fetch(e, 200, gone, strlen(gone), NULL), EDIT_FAILED);
	assert_non_null(strstr(edit_message(e), "PathPrefix /api to api:80 is gone"));
	assert_null(edit_io_apply(NULL, e, NULL, NULL));
	edit_free(e);
	/* The CRD's defaults are part of no identity: written out or left to the server, a rule is
	 * the same rule. */
	json_t *a = json_loads("{}", 0, NULL);
	json_t *b = json_loads("{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/\"}}],"
	                       "\"backendRefs\":[]}", 0, NULL);
	json_t *h = json_loads("{\"matches\":[{\"headers\":[{\"name\":\"x\",\"value\":\"1\"}]}]}", 0,
	                       NULL);
	json_t *h2 = json_loads("{\"matches\":[{\"headers\":[{\"name\":\"x\",\"value\":\"1\","
	                        "\"type\":\"Exact\"}],\"path\":{\"value\":\"/\"}}]}", 0, NULL);
	char *ka = edit_rule_key_of(a), *kb = edit_rule_key_of(b), *kh = edit_rule_key_of(h),
	     *kh2 = edit_rule_key_of(h2);
	assert_string_equal(ka, kb);
	assert_string_equal(kh, kh2);
	assert_string_not_equal(ka, kh);
	free(ka);
	free(kb);
	free(kh);
	free(kh2);
	json_decref(a);
	json_decref(b);
	json_decref(h);
	json_decref(h2);
}

static void test_session_retry_pruned(void **state)
{
	(void)state;
	char *base = route("5", "", "", "", "");
	struct edit *e = loaded(base);
	assert_int_equal(edit_select_rule(e, "1"), 0);
	struct edit_change c;
	edit_change_init(&c);
	c.retry_attempts = 2;
	c.backend_timeout = "1s";
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	/* The standard-channel CRD prunes retry: the dry-run result has the timeout only. */
	char *pruned = route("5", "", "", ",\"timeouts\":{\"request\":\"5s\",\"backendRequest\":\"1s\"}", "");
	/* (the fixture's rule then has two "timeouts" keys; the last one wins in jansson) */
	assert_int_equal(edit_take_dry_run(e, 200, pruned, strlen(pruned), NULL),
	                 EDIT_DRY_RUN_FAILED);
	assert_true(edit_retry_unsupported(e));
	assert_non_null(strstr(edit_message(e), "standard"));
	assert_null(edit_io_apply(NULL, e, NULL, NULL));
	/* Applied without a dry-run (a client that skips it): the pruning is still told. */
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	assert_int_equal(edit_take_apply(e, 200, pruned, strlen(pruned), NULL), EDIT_APPLIED);
	assert_non_null(strstr(edit_message(e), "the server dropped spec.rules[1].retry"));

	/* A server refusal keeps its reason. */
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	struct apierr inv = {.kind = APIERR_INVALID, .code = 422,
	                     .message = "spec.rules[1].retry.attempts: Invalid value"};
	assert_int_equal(edit_take_dry_run(e, 422, "{}", 2, &inv), EDIT_DRY_RUN_FAILED);
	assert_false(edit_retry_unsupported(e));
	assert_non_null(strstr(edit_message(e), "Invalid value"));
	free(base);
	free(pruned);
	edit_free(e);
}

static void test_session_failures(void **state)
{
	(void)state;
	struct edit *e = edit_new(GT_HTTPROUTE, "shop", "web");
	struct apierr nf = {.kind = APIERR_NOT_FOUND, .code = 404,
	                    .message = "httproutes \"web\" not found"};
	assert_int_equal(edit_take_fetch(e, 404, "{}", 2, &nf), EDIT_FAILED);
	assert_int_equal(edit_error_kind(e), APIERR_NOT_FOUND);
	assert_non_null(strstr(edit_message(e), "not found"));
	/* Another object, or no JSON at all, is not taken as the route. */
	const char *other = "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"x\",\"namespace\":\"shop\"}}";
	assert_int_equal(edit_take_fetch(e, 200, other, strlen(other), NULL), EDIT_FAILED);
	assert_int_equal(edit_take_fetch(e, 200, "{\"kind\":", 8, NULL), EDIT_FAILED);
	edit_free(e);

	e = edit_new(GT_GRPCROUTE, "shop", "web");
	const char *g = "{\"kind\":\"GRPCRoute\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
	                "\"spec\":{}}";
	assert_int_equal(edit_take_fetch(e, 200, g, strlen(g), NULL), EDIT_FAILED);
	assert_non_null(strstr(edit_message(e), "GRPCRoute"));
	edit_free(e);

	/* Hostile text in the object reaches the diff sanitised. */
	char *base = route("1", ",\"labels\":{\"x\":\"\\u001b[31mred\"}", "", "", "");
	e = loaded(base);
	edit_select_rule(e, "0");
	struct edit_change c;
	edit_change_init(&c);
	c.request_timeout = "1s";
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	assert_null(strchr(edit_before_yaml(e), '\x1b'));
	assert_null(strchr(edit_diff(e), '\x1b'));
	free(base);
	edit_free(e);
}

static void test_linkerd(void **state)
{
	(void)state;
	char *plain = route("1", "", "", "", "");
	char *ctrl = route("1", "", "", "",
	                   ",\"status\":{\"parents\":[{\"parentRef\":{\"name\":\"gw\"},"
	                   "\"controllerName\":\"linkerd.io/gateway-controller\"}]}");
	char *ann = route("1", ",\"annotations\":{\"retry.linkerd.io/http\":\"5xx,429\","
	                  "\"retry.linkerd.io/limit\":\"3\",\"timeout.linkerd.io/request\":\"9s\"}",
	                  "", ",\"retry\":{\"attempts\":7}", "");
	json_t *jp = json_loads(plain, 0, NULL), *jc = json_loads(ctrl, 0, NULL),
	       *ja = json_loads(ann, 0, NULL);
	assert_false(edit_linkerd_detect(jp));
	assert_true(edit_linkerd_detect(jc));
	assert_true(edit_linkerd_detect(ja));

	struct policy p;
	char classes[64];
	edit_linkerd_effective(ja, 1, &p, classes, sizeof classes);
	assert_string_equal(p.request, "9s"); /* the annotation wins over spec 5s */
	assert_int_equal(p.attempts, 3);      /* not the spec's 7: Linkerd ignores it */
	assert_int_equal(p.n_codes, 1);
	assert_int_equal(p.codes[0], 429);
	assert_string_equal(classes, "5xx");
	edit_linkerd_effective(jp, 1, &p, classes, sizeof classes);
	assert_string_equal(p.request, "5s");
	assert_false(p.has_retry);

	/* Spec mode on Linkerd: a retry change is warned about. */
	struct edit *e = loaded(ctrl);
	edit_select_rule(e, "1");
	assert_int_equal(edit_mesh(e), EDIT_MESH_LINKERD);
	struct edit_change c;
	edit_change_init(&c);
	c.retry_attempts = 2;
	c.backend_timeout = "1s";
	edit_set_change(e, &c);
	size_t n;
	const char *const *notes = edit_notes(e, &n);
	assert_true(n >= 2);
	assert_non_null(strstr(notes[1], "ignores the Gateway API retry field"));

	/* Annotation mode: the patch carries the annotations, spec is left alone. */
	edit_set_linkerd_annotations(e, true);
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	json_t *patch = json_loads(edit_patch(e), 0, NULL);
	json_t *a = json_object_get(json_object_get(patch, "metadata"), "annotations");
	assert_string_equal(json_string_value(json_object_get(a, "retry.linkerd.io/limit")), "2");
	assert_string_equal(json_string_value(json_object_get(a, "retry.linkerd.io/http")), "5xx");
	assert_string_equal(json_string_value(json_object_get(a, "retry.linkerd.io/timeout")), "1s");
	assert_null(json_object_get(a, "timeout.linkerd.io/request")); /* Linkerd reads spec 5s */
	assert_null(json_object_get(patch, "spec"));
	json_decref(patch);
	/* Backoff has no Linkerd annotation. */
	c.retry_backoff = "50ms";
	assert_int_equal(edit_set_change(e, &c), EDIT_INVALID);
	edit_free(e);

	/* Clearing retry in annotation mode deletes the annotations. */
	e = loaded(ann);
	edit_set_linkerd_annotations(e, true);
	edit_select_rule(e, "checkout");
	edit_change_init(&c);
	c.clear_retry = true;
	assert_int_equal(edit_set_change(e, &c), EDIT_READY);
	patch = json_loads(edit_patch(e), 0, NULL);
	a = json_object_get(json_object_get(patch, "metadata"), "annotations");
	assert_true(json_is_null(json_object_get(a, "retry.linkerd.io/http")));
	assert_true(json_is_null(json_object_get(a, "retry.linkerd.io/limit")));
	json_decref(patch);
	char *aj = edit_audit_json(e, true);
	assert_non_null(strstr(aj, "\"retry.linkerd.io/limit\":null"));
	free(aj);
	edit_free(e);

	json_decref(jp);
	json_decref(jc);
	json_decref(ja);
	free(plain);
	free(ctrl);
	free(ann);
}

static void test_parse_route(void **state)
{
	(void)state;
	char *ns, *name, err[256];
	assert_int_equal(edit_batch_parse_route("httproute/shop/web", NULL, &ns, &name, err,
	                                        sizeof err), 0);
	assert_string_equal(ns, "shop");
	assert_string_equal(name, "web");
	free(ns);
	free(name);
	assert_int_equal(edit_batch_parse_route("HTTPRoute/a/b", NULL, &ns, &name, err, sizeof err), 0);
	free(ns);
	free(name);
	assert_int_equal(edit_batch_parse_route("shop/web", NULL, &ns, &name, err, sizeof err), 0);
	free(ns);
	free(name);
	assert_int_equal(edit_batch_parse_route("web", "dflt", &ns, &name, err, sizeof err), 0);
	assert_string_equal(ns, "dflt");
	free(ns);
	free(name);
	assert_int_equal(edit_batch_parse_route("web", NULL, &ns, &name, err, sizeof err), -1);
	assert_int_equal(edit_batch_parse_route("grpcroute/a/b", NULL, &ns, &name, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "GRPCRoute"));
	assert_int_equal(edit_batch_parse_route("a/b/c/d", NULL, &ns, &name, err, sizeof err), -1);
	assert_int_equal(edit_batch_parse_route("/b", NULL, &ns, &name, err, sizeof err), -1);
	assert_int_equal(edit_batch_parse_route("a/", NULL, &ns, &name, err, sizeof err), -1);
}

/* ---- the whole document (the console's E) ---- */

/* Replace the first occurrence of from in text by to (a new string). */
static char *subst(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	assert_non_null(p);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	snprintf(out, n, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	return out;
}

static void test_document(void **state)
{
	(void)state;
	char *base = route("20", "", "\"shop.example\"", "", ",\"status\":{\"parents\":[]}");
	struct edit *e = loaded(base);
	char *yaml = edit_document_yaml(e);
	assert_non_null(strstr(yaml, "request: 5s"));

	/* Nothing changed but status: nothing to send. */
	char *y0 = subst(yaml, "parents: []", "parents: [{controllerName: x}]");
	assert_int_equal(edit_set_document(e, y0, strlen(y0)), EDIT_NO_CHANGE);
	free(y0);

	char *y1 = subst(yaml, "request: 5s", "request: 7s");
	assert_int_equal(edit_set_document(e, y1, strlen(y1)), EDIT_READY);
	assert_int_equal(edit_rule_index(e), -1);
	assert_string_equal(edit_patch(e), "{\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":"
	                    "\"a\",\"port\":80}]},{\"name\":\"checkout\",\"backendRefs\":"
	                    "[{\"name\":\"b\",\"port\":80}],\"timeouts\":{\"request\":\"7s\"}}]},"
	                    "\"metadata\":{\"resourceVersion\":\"20\"}}");
	assert_non_null(strstr(edit_diff(e), "+      request: 7s"));

	/* Refused before sending: an invalid duration, a field of the wrong type, another name,
	 * text that is not YAML. */
	char *bad = subst(yaml, "request: 5s", "request: 7.5s");
	assert_int_equal(edit_set_document(e, bad, strlen(bad)), EDIT_INVALID);
	assert_string_equal(edit_findings(e)->items[0].code, "InvalidDuration");
	free(bad);
	bad = subst(yaml, "port: 80", "port: eighty");
	assert_int_equal(edit_set_document(e, bad, strlen(bad)), EDIT_INVALID);
	assert_non_null(strstr(edit_message(e), "port"));
	free(bad);
	bad = subst(yaml, "name: web", "name: other");
	assert_int_equal(edit_set_document(e, bad, strlen(bad)), EDIT_INVALID);
	assert_non_null(strstr(edit_message(e), "cannot be changed"));
	free(bad);
	assert_int_equal(edit_set_document(e, "a: [", 4), EDIT_INVALID);
	assert_non_null(strstr(edit_message(e), "not valid YAML"));

	/* Conflict, then rebase: the edit is re-applied on the object someone else changed. */
	assert_int_equal(edit_set_document(e, y1, strlen(y1)), EDIT_READY);
	struct apierr conflict = {.kind = APIERR_CONFLICT, .code = 409, .message = "modified"};
	assert_int_equal(edit_take_apply(e, 409, "{}", 2, &conflict), EDIT_CONFLICT);
	char *now = route("21", ",\"labels\":{\"team\":\"shop\"}", "\"shop.example\"", "", "");
	assert_int_equal(edit_take_fetch(e, 200, now, strlen(now), NULL), EDIT_READY);
	assert_non_null(strstr(edit_meanwhile(e), "+    team: shop"));
	assert_non_null(strstr(edit_patch(e), "\"request\":\"7s\""));
	assert_non_null(strstr(edit_patch(e), "\"resourceVersion\":\"21\""));
	assert_null(strstr(edit_patch(e), "labels")); /* the other change is kept, not re-sent */

	/* The dry-run result lacks retry (standard channel) when the document adds one. */
	char *y2 = subst(yaml, "request: 5s", "request: 5s\n      backendRequest: 1s\n    retry:\n      attempts: 2");
	edit_take_fetch(e, 200, base, strlen(base), NULL);
	assert_int_equal(edit_set_document(e, y2, strlen(y2)), EDIT_READY);
	char *pruned = route("20", "", "\"shop.example\"", ",\"timeouts\":{\"request\":\"5s\",\"backendRequest\":\"1s\"}", "");
	assert_int_equal(edit_take_dry_run(e, 200, pruned, strlen(pruned), NULL), EDIT_DRY_RUN_FAILED);
	assert_true(edit_retry_unsupported(e));
	assert_non_null(strstr(edit_message(e), "spec.rules[1].retry"));

	char *bj = edit_audit_json(e, false);
	assert_true(strncmp(bj, "{\"spec\":{", 9) == 0);
	free(bj);
	free(y2);
	free(pruned);
	free(now);
	free(y1);
	free(yaml);
	free(base);
	edit_free(e);
}

/* ---- the telemetry preview ---- */

/* 1000 requests: 100 under 50ms, 700 under 500ms, 900 under 1s, 990 under 10s. */
static void histogram(struct sample_counts *s)
{
	memset(s, 0, sizeof *s);
	static const double le[] = {50, 500, 1000, 10000, INFINITY};
	static const double c[] = {100, 700, 900, 990, 1000};
	s->seconds = 60;
	s->v[SC_REQUESTS] = 1000;
	s->v[SC_TIMEOUTS] = 20;
	s->have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_TIMEOUTS) | SC_BIT(SC_LATENCY);
	s->n_buckets = 5;
	memcpy(s->le, le, sizeof le);
	memcpy(s->bucket, c, sizeof c);
}

static void test_preview_share(void **state)
{
	(void)state;
	struct sample_counts s;
	histogram(&s);
	double share;
	bool at_least;
	static const struct {
		double t, share;
		bool at_least;
	} cases[] = {
		{50, 0.9, false},     /* on a bound */
		{275, 0.6, false},    /* half-way through 50..500: 100 + 300 below */
		{2000, 0.09, false},  /* 900 + 90 * 1000/9000 = 910 below */
		{5000, 0.06, false},
		{20000, 0.01, true},  /* past 10s only "at most 1%" is known */
		{0, 1.0, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(edit_preview_share_above(&s, cases[i].t, &share, &at_least), 0);
		assert_true(fabs(share - cases[i].share) < 1e-9);
		assert_int_equal(at_least, cases[i].at_least);
	}
	s.have = SC_BIT(SC_REQUESTS);
	assert_int_equal(edit_preview_share_above(&s, 100, &share, &at_least), -1);
	histogram(&s);
	s.bucket[4] = 0; /* no requests */
	memset(s.bucket, 0, sizeof s.bucket);
	assert_int_equal(edit_preview_share_above(&s, 100, &share, &at_least), -1);
}

static void test_preview_text(void **state)
{
	(void)state;
	char dir[] = "/tmp/gt-test-edit.XXXXXX", path[64], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.db", dir);
	struct cache *c = cache_open(path, NULL, err, sizeof err);
	assert_non_null(c);

	char *json = route("3", "", "", "", "");
	struct edit *e = loaded(json);
	edit_select_rule(e, "checkout");
	struct edit_change ch;
	edit_change_init(&ch);
	ch.request_timeout = "2s";
	assert_int_equal(edit_set_change(e, &ch), EDIT_READY);
	assert_null(edit_preview_text(c, e, 900000)); /* no samples yet */

	/* This route's samples, and another route's (which must not be counted). */
	struct samples_row rows[2] = {
		{.route = "httproute/shop/web", .rule = -1, .scope = "route"},
		{.route = "httproute/shop/webx", .rule = -1, .scope = "route"},
	};
	histogram(&rows[0].counts);
	histogram(&rows[1].counts);
	int64_t t = 1700000000000;
	assert_int_equal(samples_put(c, "scrape test", t, rows, 2, t + 1000, NULL, err, sizeof err),
	                 0);
	char *text = edit_preview_text(c, e, 900000);
	assert_non_null(text);
	assert_non_null(strstr(text, "this route (the mesh reports per route)"));
	assert_non_null(strstr(text, "1000 requests, 2.0% timed out, p99 10s"));
	assert_non_null(strstr(text, "a 2s request timeout would have cut ~9.0% of requests"));
	assert_non_null(strstr(text, "the current 5s request timeout would have cut ~6.0%"));
	free(text);
	/* A mesh that reports per rule: the rule's own figures are preferred. */
	struct samples_row rule_row = {.route = "httproute/shop/web", .rule = 1, .scope = "rule"};
	histogram(&rule_row.counts);
	rule_row.counts.v[SC_REQUESTS] = 500;
	assert_int_equal(samples_put(c, "scrape test", t + 10000, &rule_row, 1, t + 11000, NULL,
	                             err, sizeof err), 0);
	text = edit_preview_text(c, e, 900000);
	assert_non_null(strstr(text, "this rule httproute/shop/web: 500 requests"));
	free(text);
	edit_free(e);
	free(json);
	cache_close(c);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_equal),
		cmocka_unit_test(test_diff_one_change),
		cmocka_unit_test(test_diff_hunks),
		cmocka_unit_test(test_diff_minimal),
		cmocka_unit_test(test_change_apply),
		cmocka_unit_test(test_policy_json),
		cmocka_unit_test(test_session_flow),
		cmocka_unit_test(test_rebase_by_identity),
		cmocka_unit_test(test_session_retry_pruned),
		cmocka_unit_test(test_session_failures),
		cmocka_unit_test(test_linkerd),
		cmocka_unit_test(test_parse_route),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_preview_share),
		cmocka_unit_test(test_preview_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
