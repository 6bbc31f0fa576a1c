/* test_policy.c: timeouts/retry policy: reading a rule, the summary, every spec rule (errors)
 * and sanity rule (warnings), finding rules by index or name, building the merge patch that
 * changes one rule, and RFC 7386 merge patch application against the RFC's own examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/decode.h"
#include "gammatop/policy.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

static json_t *load(const char *sq)
{
	char *text = xstrdup(sq);
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", e.text, text);
	free(text);
	return j;
}

/* A policy from a compact description: fields left NULL/-1 are unset. */
static void mkpolicy(struct policy *p, const char *req, const char *breq, bool retry,
                     int attempts, const char *backoff, const int *codes, size_t n_codes)
{
	policy_init(p);
	if (req) {
		p->has_request = true;
		str_copy(p->request, req, sizeof p->request);
	}
	if (breq) {
		p->has_backend_request = true;
		str_copy(p->backend_request, breq, sizeof p->backend_request);
	}
	p->has_retry = retry;
	p->attempts = attempts;
	if (backoff) {
		p->has_backoff = true;
		str_copy(p->backoff, backoff, sizeof p->backoff);
	}
	for (size_t i = 0; i < n_codes; i++)
		p->codes[p->n_codes++] = codes[i];
}

/* ---- validation ---- */

static void test_validate(void **state)
{
	static const int c_range[] = {500, 399, 600, 404};
	static const int c_dup[] = {500, 503, 500, 503, 502};
	static const struct {
		const char *req, *breq;
		bool retry;
		int attempts;
		const char *backoff;
		const int *codes;
		size_t n_codes;
		size_t errors;
		const char *want; /* "Code@field;..." sorted (severity, field), "" for none */
	} cases[] = {
		{NULL, NULL, false, -1, NULL, NULL, 0, 0, ""},
		{"10s", "2s", false, -1, NULL, NULL, 0, 0, ""},
		{"1.5s", NULL, false, -1, NULL, NULL, 0, 1, "InvalidDuration@spec.rules[3].timeouts.request"},
		{"10s", "0", false, -1, NULL, NULL, 0, 1,
		 "InvalidDuration@spec.rules[3].timeouts.backendRequest"},
		{"", NULL, false, -1, NULL, NULL, 0, 1, "InvalidDuration@spec.rules[3].timeouts.request"},
		{"10s", "1s", true, 2, "100000s", NULL, 0, 1, "InvalidDuration@spec.rules[3].retry.backoff"},
		/* backendRequest <= request unless request is 0s (or unset) */
		{"1s", "2s", false, -1, NULL, NULL, 0, 1,
		 "BackendTimeoutExceedsRequest@spec.rules[3].timeouts.backendRequest"},
		{"1s", "1000ms", false, -1, NULL, NULL, 0, 0, ""},
		{"0s", "2s", false, -1, NULL, NULL, 0, 0, ""},
		{NULL, "2s", false, -1, NULL, NULL, 0, 0, ""},
		{"1m", "1h", false, -1, NULL, NULL, 0, 1,
		 "BackendTimeoutExceedsRequest@spec.rules[3].timeouts.backendRequest"},
		/* retry: attempts >= 1, codes 400-599 and unique */
		{"10s", "1s", true, 0, NULL, NULL, 0, 1, "RetryAttemptsInvalid@spec.rules[3].retry.attempts"},
		{"10s", "1s", true, 1, NULL, NULL, 0, 0, ""},
		{"10s", "1s", true, 2, NULL, c_range, 4, 2,
		 "RetryCodeOutOfRange@spec.rules[3].retry.codes[1];"
		 "RetryCodeOutOfRange@spec.rules[3].retry.codes[2]"},
		{"10s", "1s", true, 2, NULL, c_dup, 5, 2,
		 "RetryCodeDuplicate@spec.rules[3].retry.codes[2];"
		 "RetryCodeDuplicate@spec.rules[3].retry.codes[3]"},
		/* sanity: retries must fit in the request timeout */
		{"5s", "2s", true, 3, "100ms", NULL, 0, 0,
		 "RetriesExceedRequestTimeout@spec.rules[3].retry.attempts"},
		{"10s", "2s", true, 3, "100ms", NULL, 0, 0, ""},
		{"8300ms", "2s", true, 3, "100ms", NULL, 0, 0, ""},
		{"8299ms", "2s", true, 3, "100ms", NULL, 0, 0,
		 "RetriesExceedRequestTimeout@spec.rules[3].retry.attempts"},
		{"5s", "2s", true, 2, NULL, NULL, 0, 0,
		 "RetriesExceedRequestTimeout@spec.rules[3].retry.attempts"},
		{"99999h", "99999h", true, 2147483647, "99999h", NULL, 0, 0,
		 "RetriesExceedRequestTimeout@spec.rules[3].retry.attempts"},
		/* sanity: something must bound a try, or a hung backend is never retried */
		{NULL, NULL, true, 2, NULL, NULL, 0, 0, "RetryWithoutTimeouts@spec.rules[3].retry"},
		{"0s", NULL, true, 2, NULL, NULL, 0, 0, "RetryWithoutTimeouts@spec.rules[3].retry"},
		{"0s", "0s", true, -1, NULL, NULL, 0, 0, "RetryWithoutTimeouts@spec.rules[3].retry"},
		{NULL, "0ms", true, 2, "1s", NULL, 0, 0, "RetryWithoutTimeouts@spec.rules[3].retry"},
		{"10s", NULL, true, 2, NULL, NULL, 0, 0, ""},
		{NULL, "1s", true, 2, NULL, NULL, 0, 0, ""},
		{"0s", "1s", true, 2, NULL, NULL, 0, 0, ""},
		/* an invalid timeout is reported as such, not as a missing one */
		{"x", NULL, true, 2, NULL, NULL, 0, 1, "InvalidDuration@spec.rules[3].timeouts.request"},
		/* several at once */
		{"1s", "2s", true, 0, "1.5s", c_range, 2, 4,
		 "RetryAttemptsInvalid@spec.rules[3].retry.attempts;"
		 "InvalidDuration@spec.rules[3].retry.backoff;"
		 "RetryCodeOutOfRange@spec.rules[3].retry.codes[1];"
		 "BackendTimeoutExceedsRequest@spec.rules[3].timeouts.backendRequest"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct policy p;
		mkpolicy(&p, cases[i].req, cases[i].breq, cases[i].retry, cases[i].attempts,
		         cases[i].backoff, cases[i].codes, cases[i].n_codes);
		struct findings f;
		findings_init(&f);
		size_t errors = policy_validate(&p, "httproute/ns/web", 3, &f);
		findings_sort(&f);
		char got[1024] = "";
		for (size_t k = 0; k < f.n; k++) {
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s@%s", k ? ";" : "",
			         f.items[k].code, f.items[k].field);
			assert_string_equal(f.items[k].object, "httproute/ns/web");
			assert_true(strlen(f.items[k].message) > 10);
			/* spec rules are errors, sanity rules warnings */
			bool sanity = str_starts(f.items[k].code, "Retries") ||
			              str_eq(f.items[k].code, "RetryWithoutTimeouts");
			assert_int_equal(f.items[k].severity, sanity ? SEV_WARNING : SEV_ERROR);
		}
		if (strcmp(got, cases[i].want) || errors != cases[i].errors)
			fail_msg("case %zu: got '%s' (%zu errors), want '%s' (%zu)", i, got, errors,
			         cases[i].want, cases[i].errors);
		findings_done(&f);
	}
}

static void test_validate_messages(void **state)
{
	struct policy p;
	mkpolicy(&p, "5s", "2s", true, 3, "100ms", NULL, 0);
	struct findings f;
	findings_init(&f);
	policy_validate(&p, "httproute/ns/web", 0, &f);
	assert_int_equal(f.n, 1);
	/* 2s x 4 + 100ms x 3 = 8.3s; (5s - 2s) / 2.1s = 1 retry fits */
	assert_non_null(strstr(f.items[0].message, "8.3s"));
	assert_non_null(strstr(f.items[0].message, "only 1 retry can run"));
	findings_done(&f);
	mkpolicy(&p, "1.5s", NULL, false, -1, NULL, NULL, 0);
	findings_init(&f);
	policy_validate(&p, "httproute/ns/web", 0, &f);
	assert_non_null(strstr(f.items[0].message, "1.5s"));
	findings_done(&f);
}

/* ---- reading a rule, summary ---- */

static void test_from_rule_and_summary(void **state)
{
	const char *text =
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":"
		"{\"name\":\"web\",\"namespace\":\"app\"},\"spec\":{\"rules\":[{\"timeouts\":{\"request\":"
		"\"10s\",\"backendRequest\":\"2s\"},\"retry\":{\"attempts\":3,\"backoff\":\"100ms\","
		"\"codes\":[500,503]}},{\"retry\":{}},{}]}}";
	struct gt_object *o = NULL;
	char err[256];
	assert_int_equal(decode_text(text, strlen(text), &o, err, sizeof err), DECODE_OK);
	struct policy p;
	char buf[64];
	policy_from_rule(&o->u.route.rules[0], &p);
	assert_true(p.has_request && p.has_backend_request && p.has_retry && p.has_backoff);
	assert_string_equal(p.request, "10s");
	assert_string_equal(p.backend_request, "2s");
	assert_int_equal(p.attempts, 3);
	assert_string_equal(p.backoff, "100ms");
	assert_int_equal(p.n_codes, 2);
	assert_int_equal(p.codes[1], 503);
	assert_string_equal(policy_summary(&p, false, buf, sizeof buf),
	                    "\xE2\x8F\xB1 10s/2s \xE2\x86\xBB" "3/100ms");
	assert_string_equal(policy_summary(&p, true, buf, sizeof buf), "t=10s/2s r=3/100ms");
	policy_from_rule(&o->u.route.rules[1], &p);
	assert_true(p.has_retry);
	assert_false(p.has_request);
	assert_int_equal(p.attempts, -1);
	assert_string_equal(policy_summary(&p, true, buf, sizeof buf), "r=-");
	assert_string_equal(policy_summary(&p, false, buf, sizeof buf), "\xE2\x86\xBB");
	policy_from_rule(&o->u.route.rules[2], &p);
	assert_false(p.has_retry || p.has_request || p.has_backend_request);
	assert_string_equal(policy_summary(&p, false, buf, sizeof buf), "-");
	policy_from_rule(NULL, &p);
	assert_string_equal(policy_summary(&p, true, buf, sizeof buf), "-");
	object_free(o);

	static const struct {
		const char *req, *breq;
		bool retry;
		int attempts;
		const char *utf8, *ascii;
	} cases[] = {
		{"10s", "2s", true, 3, "\xE2\x8F\xB1 10s/2s \xE2\x86\xBB" "3", "t=10s/2s r=3"},
		{"10s", NULL, false, -1, "\xE2\x8F\xB1 10s", "t=10s"},
		{NULL, "2s", false, -1, "\xE2\x8F\xB1 -/2s", "t=-/2s"},
		{NULL, NULL, true, 2, "\xE2\x86\xBB" "2", "r=2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mkpolicy(&p, cases[i].req, cases[i].breq, cases[i].retry, cases[i].attempts, NULL, NULL,
		         0);
		assert_string_equal(policy_summary(&p, false, buf, sizeof buf), cases[i].utf8);
		assert_string_equal(policy_summary(&p, true, buf, sizeof buf), cases[i].ascii);
	}
	/* a short buffer truncates, never overflows */
	mkpolicy(&p, "10s", "2s", true, 3, NULL, NULL, 0);
	char tiny[6];
	policy_summary(&p, true, tiny, sizeof tiny);
	assert_int_equal(strlen(tiny), 5);
}

/* More codes than can all be valid: the excess is reported, not silently dropped. */
static void test_too_many_codes(void **state)
{
	char text[4096];
	int len = snprintf(text, sizeof text,
	                   "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	                   "\"metadata\":{\"name\":\"web\",\"namespace\":\"app\"},\"spec\":{\"rules\":"
	                   "[{\"timeouts\":{\"backendRequest\":\"1s\"},\"retry\":{\"attempts\":1,"
	                   "\"codes\":[");
	for (int c = 400; c <= 600; c++)
		len += snprintf(text + len, sizeof text - (size_t)len, "%s%d", c > 400 ? "," : "",
		                c == 600 ? 500 : c);
	snprintf(text + len, sizeof text - (size_t)len, "]}}]}}");
	struct gt_object *o = NULL;
	char err[256];
	assert_int_equal(decode_text(text, strlen(text), &o, err, sizeof err), DECODE_OK);
	assert_int_equal(o->u.route.rules[0].retry.n_codes, 201);
	struct policy p;
	policy_from_rule(&o->u.route.rules[0], &p);
	assert_true(p.codes_truncated);
	assert_int_equal(p.n_codes, POLICY_MAX_CODES);
	struct findings f;
	findings_init(&f);
	assert_int_equal(policy_validate(&p, "httproute/app/web", 0, &f), 1);
	assert_string_equal(f.items[0].code, "RetryCodeDuplicate");
	assert_string_equal(f.items[0].field, "spec.rules[0].retry.codes");
	findings_done(&f);
	/* 200 distinct codes are fine */
	p.codes_truncated = false;
	findings_init(&f);
	assert_int_equal(policy_validate(&p, "httproute/app/web", 0, &f), 0);
	findings_done(&f);
	object_free(o);
}

/* ---- merge patches ---- */

static const char *ROUTE =
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
	"'metadata':{'name':'web','namespace':'app','resourceVersion':'41','labels':{'a':'b'}},"
	"'spec':{'parentRefs':[{'name':'gw'}],'hostnames':['web.example.com'],'rules':["
	"{'name':'a','matches':[{'path':{'type':'PathPrefix','value':'/'}}],"
	"'backendRefs':[{'name':'web','port':80,'weight':3}],'x-ratio':1.25},"
	"{'name':'b','backendRefs':[{'name':'web','port':8080}],"
	"'timeouts':{'request':'30s','backendRequest':'5s','x-future':'keep'},"
	"'retry':{'attempts':1,'backoff':'1s','codes':[502]}},"
	"{'name':'c','filters':[{'type':'RequestHeaderModifier','requestHeaderModifier':"
	"{'set':[{'name':'x','value':'1'}]}}],'backendRefs':[{'name':'api','port':9090}]}]},"
	"'status':{'parents':[]}}";

static void test_find_rule(void **state)
{
	json_t *r = load(ROUTE);
	assert_int_equal(policy_find_rule(r, "0"), 0);
	assert_int_equal(policy_find_rule(r, "2"), 2);
	assert_int_equal(policy_find_rule(r, "3"), -1);
	assert_int_equal(policy_find_rule(r, "b"), 1);
	assert_int_equal(policy_find_rule(r, "c"), 2);
	assert_int_equal(policy_find_rule(r, "zz"), -1);
	assert_int_equal(policy_find_rule(r, ""), -1);
	assert_int_equal(policy_find_rule(r, "99999999999999999999"), -1);
	assert_int_equal(policy_find_rule(NULL, "0"), -1);
	json_decref(r);
	/* a rule named with digits is found by name when no rule has that index */
	r = load("{'spec':{'rules':[{'name':'7'},{'name':'0'}]}}");
	assert_int_equal(policy_find_rule(r, "7"), 0);
	assert_int_equal(policy_find_rule(r, "0"), 0);
	assert_int_equal(policy_find_rule(r, "1"), 1);
	json_decref(r);
	/* no spec.rules: the default rule is rule 0 */
	r = load("{'spec':{}}");
	assert_int_equal(policy_find_rule(r, "0"), 0);
	assert_int_equal(policy_find_rule(r, "1"), -1);
	json_decref(r);
}

/* Every rule but idx of the patch equals the route's. */
static void assert_others_untouched(const json_t *route, const json_t *patch, size_t idx)
{
	const json_t *orig = json_object_get(json_object_get(route, "spec"), "rules");
	const json_t *pr = json_object_get(json_object_get(patch, "spec"), "rules");
	assert_int_equal(json_array_size(pr), json_array_size(orig));
	for (size_t i = 0; i < json_array_size(orig); i++)
		if (i != idx)
			assert_true(json_equal(json_array_get(orig, i), json_array_get(pr, i)));
	/* the patch carries spec.rules only (and metadata) */
	assert_int_equal(json_object_size(json_object_get(patch, "spec")), 1);
}

static void test_merge_patch_set(void **state)
{
	json_t *route = load(ROUTE);
	static const int codes[] = {503, 504};
	struct policy p;
	mkpolicy(&p, "10s", "2s", true, 3, "100ms", codes, 2);
	char err[128];
	/* by index */
	json_t *patch = policy_merge_patch(route, 0, &p, "41", err, sizeof err);
	assert_non_null(patch);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(patch, "metadata"), "resourceVersion")),
		"41");
	assert_int_equal(json_object_size(json_object_get(patch, "metadata")), 1);
	assert_others_untouched(route, patch, 0);
	json_t *want = load("{'name':'a','matches':[{'path':{'type':'PathPrefix','value':'/'}}],"
	                    "'backendRefs':[{'name':'web','port':80,'weight':3}],'x-ratio':1.25,"
	                    "'timeouts':{'request':'10s','backendRequest':'2s'},"
	                    "'retry':{'attempts':3,'backoff':'100ms','codes':[503,504]}}");
	json_t *got = json_array_get(json_object_get(json_object_get(patch, "spec"), "rules"), 0);
	if (!json_equal(want, got)) {
		char *s = json_dumps(got, JSON_SORT_KEYS);
		fail_msg("rule 0: %s", s);
	}
	/* numbers stay numbers of the same type */
	assert_true(json_is_real(json_object_get(got, "x-ratio")));
	assert_true(json_is_integer(json_object_get(
		json_array_get(json_object_get(got, "backendRefs"), 0), "weight")));
	json_decref(want);

	/* applying the patch gives the route with only that rule changed, which decodes to p */
	json_t *applied = policy_apply_merge_patch(route, patch);
	json_t *expect = json_deep_copy(route);
	json_array_set(json_object_get(json_object_get(expect, "spec"), "rules"), 0, got);
	assert_true(json_equal(applied, expect));
	struct gt_object *o = NULL;
	assert_int_equal(decode_object(applied, &o, err, sizeof err), DECODE_OK);
	struct policy back;
	policy_from_rule(&o->u.route.rules[0], &back);
	assert_string_equal(back.request, "10s");
	assert_string_equal(back.backend_request, "2s");
	assert_int_equal(back.attempts, 3);
	assert_int_equal(back.n_codes, 2);
	object_free(o);
	json_decref(expect);
	json_decref(applied);
	json_decref(patch);

	/* by name; no resourceVersion */
	int idx = policy_find_rule(route, "c");
	assert_int_equal(idx, 2);
	mkpolicy(&p, "1s", NULL, false, -1, NULL, NULL, 0);
	patch = policy_merge_patch(route, (size_t)idx, &p, NULL, err, sizeof err);
	assert_non_null(patch);
	assert_null(json_object_get(patch, "metadata"));
	assert_others_untouched(route, patch, 2);
	got = json_array_get(json_object_get(json_object_get(patch, "spec"), "rules"), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(got, "timeouts"),
	                                                      "request")),
	                    "1s");
	assert_null(json_object_get(json_object_get(got, "timeouts"), "backendRequest"));
	assert_null(json_object_get(got, "retry"));
	assert_non_null(json_object_get(got, "filters"));
	json_decref(patch);
	json_decref(route);
}

static void test_merge_patch_clear(void **state)
{
	json_t *route = load(ROUTE);
	char err[128];
	struct policy p;
	/* clearing everything removes both blocks, but keeps a timeouts field gammatop does not
	 * know (x-future), so the block stays with it */
	policy_init(&p);
	json_t *patch = policy_merge_patch(route, 1, &p, "41", err, sizeof err);
	assert_non_null(patch);
	assert_others_untouched(route, patch, 1);
	json_t *got = json_array_get(json_object_get(json_object_get(patch, "spec"), "rules"), 1);
	json_t *want = load("{'name':'b','backendRefs':[{'name':'web','port':8080}],"
	                    "'timeouts':{'x-future':'keep'}}");
	assert_true(json_equal(want, got));
	json_decref(want);
	json_t *applied = policy_apply_merge_patch(route, patch);
	got = json_array_get(json_object_get(json_object_get(applied, "spec"), "rules"), 1);
	assert_null(json_object_get(got, "retry"));
	assert_null(json_object_get(json_object_get(got, "timeouts"), "request"));
	json_decref(applied);
	json_decref(patch);

	/* clearing one field of each block */
	p.has_request = true;
	str_copy(p.request, "30s", sizeof p.request);
	p.has_retry = true;
	p.attempts = 1;
	patch = policy_merge_patch(route, 1, &p, "41", err, sizeof err);
	got = json_array_get(json_object_get(json_object_get(patch, "spec"), "rules"), 1);
	want = load("{'name':'b','backendRefs':[{'name':'web','port':8080}],"
	            "'timeouts':{'request':'30s','x-future':'keep'},'retry':{'attempts':1}}");
	assert_true(json_equal(want, got));
	json_decref(want);
	json_decref(patch);

	/* errors */
	assert_null(policy_merge_patch(route, 3, &p, NULL, err, sizeof err));
	assert_non_null(strstr(err, "3 rules"));
	json_t *bad = load("{'spec':{'rules':{}}}");
	assert_null(policy_merge_patch(bad, 0, &p, NULL, err, sizeof err));
	assert_non_null(strstr(err, "spec.rules"));
	json_decref(bad);
	bad = load("{'spec':{'rules':[5]}}");
	assert_null(policy_merge_patch(bad, 0, &p, NULL, err, sizeof err));
	json_decref(bad);
	bad = load("[1]");
	assert_null(policy_merge_patch(bad, 0, &p, NULL, err, sizeof err));
	json_decref(bad);
	/* a route without rules gets the default rule with the policy */
	json_t *bare = load("{'spec':{'parentRefs':[{'name':'gw'}]}}");
	patch = policy_merge_patch(bare, 0, &p, NULL, err, sizeof err);
	want = load("{'spec':{'rules':[{'matches':[{'path':{'type':'PathPrefix','value':'/'}}],"
	            "'timeouts':{'request':'30s'},'retry':{'attempts':1}}]}}");
	assert_true(json_equal(want, patch));
	json_decref(want);
	json_decref(patch);
	json_decref(bare);
	json_decref(route);
}

/* RFC 7386 Appendix A, every example. */
static void test_apply_rfc7386(void **state)
{
	static const char *cases[][3] = {
		{"{'a':'b'}", "{'a':'c'}", "{'a':'c'}"},
		{"{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"},
		{"{'a':'b'}", "{'a':null}", "{}"},
		{"{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"},
		{"{'a':['b']}", "{'a':'c'}", "{'a':'c'}"},
		{"{'a':'c'}", "{'a':['b']}", "{'a':['b']}"},
		{"{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"},
		{"{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"},
		{"['a','b']", "['c','d']", "['c','d']"},
		{"{'a':'b'}", "['c']", "['c']"},
		{"{'a':'foo'}", "null", "null"},
		{"{'a':'foo'}", "'bar'", "'bar'"},
		{"{'e':null}", "{'a':1}", "{'e':null,'a':1}"},
		{"[1,2]", "{'a':'b','c':null}", "{'a':'b'}"},
		{"{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}"},
		/* and the RFC's section 3 example */
		{"{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},"
		 "'tags':['example','sample'],'content':'This will be unchanged'}",
		 "{'title':'Hello!','phoneNumber':'+01-123-456-7890','author':{'familyName':null},"
		 "'tags':['example']}",
		 "{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],"
		 "'content':'This will be unchanged','phoneNumber':'+01-123-456-7890'}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *doc = load(cases[i][0]), *patch = load(cases[i][1]), *want = load(cases[i][2]);
		json_t *before = json_deep_copy(doc);
		json_t *got = policy_apply_merge_patch(doc, patch);
		if (!json_equal(got, want)) {
			char *s = json_dumps(got, JSON_ENCODE_ANY);
			fail_msg("case %zu: got %s", i, s);
		}
		assert_true(json_equal(doc, before)); /* doc is not modified */
		json_decref(got);
		json_decref(before);
		json_decref(doc);
		json_decref(patch);
		json_decref(want);
	}
	/* a NULL document is treated as absent */
	json_t *patch = load("{'a':{'b':null,'c':1}}");
	json_t *got = policy_apply_merge_patch(NULL, patch);
	json_t *want = load("{'a':{'c':1}}");
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	json_decref(patch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_messages),
		cmocka_unit_test(test_too_many_codes),
		cmocka_unit_test(test_from_rule_and_summary),
		cmocka_unit_test(test_find_rule),
		cmocka_unit_test(test_merge_patch_set),
		cmocka_unit_test(test_merge_patch_clear),
		cmocka_unit_test(test_apply_rfc7386),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
