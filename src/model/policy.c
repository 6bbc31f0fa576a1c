/* policy.c: a route rule's timeouts (GEP-1742) and retry (GEP-1731): read from a rule, shown
 * as a one-line summary, validated with the spec's CEL rules (errors) and the operator's
 * sanity rules (warnings), and turned into an RFC 7386 JSON merge patch that changes one rule
 * and nothing else. Also applies merge patches, for previews and the simulator. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/duration.h"
#include "gammatop/lint.h"
#include "gammatop/policy.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

/* Nothing set: no timeouts, no retry block. */
void policy_init(struct policy *p)
{
	memset(p, 0, sizeof *p);
	p->attempts = -1;
}

/* The policy of rule (NULL gives an empty policy). Durations are copied as written; a value
 * too long for the buffer cannot be a valid duration and stays invalid when truncated. */
void policy_from_rule(const struct gt_rule *rule, struct policy *p)
{
	policy_init(p);
	if (!rule)
		return;
	if (rule->has_timeouts) {
		if (rule->timeouts.request) {
			p->has_request = true;
			str_copy(p->request, rule->timeouts.request, sizeof p->request);
		}
		if (rule->timeouts.backend_request) {
			p->has_backend_request = true;
			str_copy(p->backend_request, rule->timeouts.backend_request,
			         sizeof p->backend_request);
		}
	}
	if (rule->has_retry) {
		p->has_retry = true;
		p->attempts = rule->retry.attempts;
		if (rule->retry.backoff) {
			p->has_backoff = true;
			str_copy(p->backoff, rule->retry.backoff, sizeof p->backoff);
		}
		for (size_t i = 0; i < rule->retry.n_codes && p->n_codes < POLICY_MAX_CODES; i++)
			p->codes[p->n_codes++] = rule->retry.codes[i];
		p->codes_truncated = rule->retry.n_codes > POLICY_MAX_CODES;
	}
}

/* Append s to dst (length *o, capacity n), truncating as snprintf would. */
static void cat(char *dst, size_t *o, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (*o + k >= n)
		k = *o + 1 < n ? n - 1 - *o : 0;
	memcpy(dst + *o, s, k);
	*o += k;
	dst[*o] = '\0';
}

/* "⏱ 10s/2s ↻3" (request/backendRequest, retry attempts and "/backoff"); ascii:
 * "t=10s/2s r=3"; "-" when nothing is set. A missing request shows as "-". Returns buf.
 * Without printf: the console makes one per rule of every route. */
char *policy_summary(const struct policy *p, bool ascii, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	size_t o = 0;
	buf[0] = '\0';
	bool timeouts = p->has_request || p->has_backend_request;
	if (timeouts) {
		cat(buf, &o, n, ascii ? "t=" : "\xE2\x8F\xB1 ");
		cat(buf, &o, n, p->has_request ? p->request : "-");
		if (p->has_backend_request) {
			cat(buf, &o, n, "/");
			cat(buf, &o, n, p->backend_request);
		}
	}
	if (p->has_retry) {
		if (timeouts)
			cat(buf, &o, n, " ");
		cat(buf, &o, n, ascii ? "r=" : "\xE2\x86\xBB");
		char a[16] = "";
		if (p->attempts >= 0)
			snprintf(a, sizeof a, "%d", p->attempts);
		else if (ascii)
			a[0] = '-', a[1] = '\0';
		cat(buf, &o, n, a);
		if (p->has_backoff) {
			cat(buf, &o, n, "/");
			cat(buf, &o, n, p->backoff);
		}
	}
	if (!timeouts && !p->has_retry)
		cat(buf, &o, n, "-");
	return buf;
}

/* Parse a duration field; adds InvalidDuration and returns false when it is not GEP-2257. */
static bool check_duration(const char *value, const char *object_id, size_t ri, const char *path,
                           uint64_t *ms, struct findings *out)
{
	char err[160] = "";
	if (duration_parse(value, ms, err, sizeof err) == 0)
		return true;
	char field[96];
	snprintf(field, sizeof field, "spec.rules[%zu].%s", ri, path);
	findings_add(out, LINT_INVALID_DURATION, object_id, field,
	             "%s is not a valid duration: %s%s", path, err[0] ? err : value,
	             strstr(err, "write") ? "" : " (write e.g. 500ms, 10s, 1m30s)");
	return false;
}

/* a * b, saturating at UINT64_MAX. */
static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (a && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Validate p (see policy.h). Spec rules (errors): GEP-2257 durations; backendRequest <=
 * request unless request is 0s; retry.attempts >= 1; codes 400-599, unique. Sanity rules
 * (warnings): retries that cannot fit in a non-zero request timeout; retries with no timeout
 * bounding a try (no/0s backendRequest and no/0s request). Returns the errors added. */
size_t policy_validate(const struct policy *p, const char *object_id, size_t ri,
                       struct findings *out)
{
	size_t before = out->n;
	char field[96];
	uint64_t req = 0, breq = 0, backoff = 0;
	bool req_ok = p->has_request &&
	              check_duration(p->request, object_id, ri, "timeouts.request", &req, out);
	bool breq_ok = p->has_backend_request && check_duration(p->backend_request, object_id, ri,
	                                                        "timeouts.backendRequest", &breq, out);
	bool backoff_ok = p->has_retry && p->has_backoff &&
	                  check_duration(p->backoff, object_id, ri, "retry.backoff", &backoff, out);

	/* GEP-2257 has no unit below ms, so "non-zero but under 1ms" cannot be written; the CRD's
	 * 1ms rule therefore always holds for a duration that parsed. */
	if (req_ok && breq_ok && req != 0 && breq > req) {
		snprintf(field, sizeof field, "spec.rules[%zu].timeouts.backendRequest", ri);
		findings_add(out, LINT_BACKEND_TIMEOUT_EXCEEDS_REQUEST, object_id,
		             field,
		             "backendRequest timeout %s is longer than the request timeout %s: the API "
		             "server rejects this; lower backendRequest or raise request (or set "
		             "request to 0s)",
		             p->backend_request, p->request);
	}

	if (p->has_retry) {
		if (p->attempts != -1 && p->attempts < 1) {
			snprintf(field, sizeof field, "spec.rules[%zu].retry.attempts", ri);
			findings_add(out, LINT_RETRY_ATTEMPTS_INVALID, object_id, field,
			             "retry.attempts is %d: it must be at least 1 (remove the retry block "
			             "to disable retries)",
			             p->attempts);
		}
		for (size_t i = 0; i < p->n_codes; i++) {
			snprintf(field, sizeof field, "spec.rules[%zu].retry.codes[%zu]", ri, i);
			if (p->codes[i] < 400 || p->codes[i] > 599) {
				findings_add(out, LINT_RETRY_CODE_OUT_OF_RANGE, object_id, field,
				             "retry code %d is outside 400-599", p->codes[i]);
				continue;
			}
			for (size_t k = 0; k < i; k++)
				if (p->codes[k] == p->codes[i]) {
					findings_add(out, LINT_RETRY_CODE_DUPLICATE, object_id,
					             field, "retry code %d is listed twice (also codes[%zu])",
					             p->codes[i], k);
					break;
				}
		}

		if (p->codes_truncated) {
			snprintf(field, sizeof field, "spec.rules[%zu].retry.codes", ri);
			findings_add(out, LINT_RETRY_CODE_DUPLICATE, object_id, field,
			             "retry lists more than %d codes: only %d distinct codes 400-599 exist, "
			             "so some are repeated or out of range",
			             POLICY_MAX_CODES, POLICY_MAX_CODES);
		}
		bool req_bounded = req_ok && req != 0;
		bool try_bounded = breq_ok && breq != 0;
		bool req_unknown = p->has_request && !req_ok;
		bool try_unknown = p->has_backend_request && !breq_ok;
		if (!req_bounded && !try_bounded && !req_unknown && !try_unknown) {
			snprintf(field, sizeof field, "spec.rules[%zu].retry", ri);
			findings_add(out, LINT_RETRY_WITHOUT_TIMEOUTS, object_id, field,
			             "retry is set but no timeout bounds a try (backendRequest %s, request "
			             "%s): a hung backend is never retried and the request waits forever; "
			             "set timeouts.backendRequest",
			             p->has_backend_request ? p->backend_request : "unset",
			             p->has_request ? p->request : "unset");
		}
		int attempts = p->attempts;
		bool backoff_known = !p->has_backoff || backoff_ok;
		if (req_bounded && try_bounded && attempts >= 1 && backoff_known) {
			uint64_t a = (uint64_t)attempts;
			uint64_t need = sat_add(sat_mul(breq, a + 1), sat_mul(backoff, a));
			if (need > req) {
				/* How many retries do fit: breq*(k+1) + backoff*k <= req. */
				uint64_t fit = req >= breq ? (req - breq) / (breq + backoff) : 0;
				char needs[32], reqs[32], fits[48];
				if (fit == 0)
					snprintf(fits, sizeof fits, "no retry can run");
				else
					snprintf(fits, sizeof fits, "only %llu retr%s can run",
					         (unsigned long long)fit, fit == 1 ? "y" : "ies");
				duration_human(need, needs, sizeof needs);
				duration_human(req, reqs, sizeof reqs);
				snprintf(field, sizeof field, "spec.rules[%zu].retry.attempts", ri);
				findings_add(out, LINT_RETRIES_EXCEED_REQUEST_TIMEOUT,
				             object_id, field,
				             "%d retr%s of backendRequest %s%s%s need%s up to %s, more than the "
				             "request timeout %s: %s; lower attempts or backendRequest, or "
				             "raise request",
				             attempts, attempts == 1 ? "y" : "ies", p->backend_request,
				             p->has_backoff ? " with backoff " : "", p->has_backoff ? p->backoff : "",
				             attempts == 1 ? "s" : "", needs, reqs, fits);
			}
		}
	}
	size_t errors = 0;
	for (size_t i = before; i < out->n; i++)
		errors += out->items[i].severity == SEV_ERROR;
	return errors;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Find a rule of route JSON by "INDEX" (all digits, tried first) or by name (so a rule named
 * "7" is found when there is no rule 7); -1 if none. A route without spec.rules has the
 * default rule, index 0. */
int policy_find_rule(const json_t *route, const char *rule)
{
	if (!route || !rule)
		return -1;
	const json_t *rules = json_object_get(json_object_get(route, "spec"), "rules");
	size_t n = json_is_array(rules) ? json_array_size(rules) : (rules ? 0 : 1);
	if (all_digits(rule) && strlen(rule) <= 9) {
		long i = strtol(rule, NULL, 10);
		if ((size_t)i < n)
			return (int)i;
	}
	if (!json_is_array(rules))
		return -1;
	for (size_t i = 0; i < n && i < INT32_MAX; i++) {
		const char *name = json_string_value(json_object_get(json_array_get(rules, i), "name"));
		if (name && strcmp(name, rule) == 0)
			return (int)i;
	}
	return -1;
}

/* Set key to string value v, or delete it. */
static void set_or_del(json_t *obj, const char *key, bool set, const char *v)
{
	if (set)
		json_object_set_new(obj, key, json_string(v));
	else
		json_object_del(obj, key);
}

/* Give rule (an object we own) the timeouts/retry of p, keeping unknown sub-fields. */
static void rule_apply_policy(json_t *rule, const struct policy *p)
{
	json_t *old = json_object_get(rule, "timeouts");
	json_t *to = json_is_object(old) ? json_deep_copy(old) : json_object();
	set_or_del(to, "request", p->has_request, p->request);
	set_or_del(to, "backendRequest", p->has_backend_request, p->backend_request);
	if (json_object_size(to) > 0)
		json_object_set_new(rule, "timeouts", to);
	else {
		json_decref(to);
		json_object_del(rule, "timeouts");
	}

	if (!p->has_retry) {
		json_object_del(rule, "retry");
		return;
	}
	old = json_object_get(rule, "retry");
	json_t *re = json_is_object(old) ? json_deep_copy(old) : json_object();
	if (p->attempts >= 0 || p->attempts < -1)
		json_object_set_new(re, "attempts", json_integer(p->attempts));
	else
		json_object_del(re, "attempts");
	set_or_del(re, "backoff", p->has_backoff, p->backoff);
	if (p->n_codes > 0) {
		json_t *codes = json_array();
		for (size_t i = 0; i < p->n_codes && i < POLICY_MAX_CODES; i++)
			json_array_append_new(codes, json_integer(p->codes[i]));
		json_object_set_new(re, "codes", codes);
	} else {
		json_object_del(re, "codes");
	}
	json_object_set_new(rule, "retry", re);
}

/* Build the merge patch (see policy.h): {"metadata":{"resourceVersion":RV}, "spec":{"rules":
 * [every rule as it is, rule_index with p's timeouts/retry]}}. A route without spec.rules
 * gets the API server's default rule (PathPrefix /) as rule 0. */
json_t *policy_merge_patch(const json_t *route, size_t rule_index, const struct policy *p,
                           const char *resource_version, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(route)) {
		if (err)
			snprintf(err, errlen, "route is not a JSON object");
		return NULL;
	}
	const json_t *spec = json_object_get(route, "spec");
	if (spec && !json_is_object(spec)) {
		if (err)
			snprintf(err, errlen, "route spec is not an object");
		return NULL;
	}
	const json_t *rules = json_object_get(spec, "rules");
	json_t *out_rules;
	if (!rules || json_is_null(rules)) {
		out_rules = json_pack("[{s:[{s:{s:s,s:s}}]}]", "matches", "path", "type", "PathPrefix",
		                      "value", "/");
	} else if (!json_is_array(rules)) {
		if (err)
			snprintf(err, errlen, "spec.rules is not an array");
		return NULL;
	} else {
		out_rules = json_deep_copy(rules);
	}
	size_t n = json_array_size(out_rules);
	if (rule_index >= n) {
		if (err)
			snprintf(err, errlen, "the route has %zu rule%s; there is no rule %zu", n,
			         n == 1 ? "" : "s", rule_index);
		json_decref(out_rules);
		return NULL;
	}
	json_t *rule = json_array_get(out_rules, rule_index);
	if (!json_is_object(rule)) {
		if (err)
			snprintf(err, errlen, "spec.rules[%zu] is not an object", rule_index);
		json_decref(out_rules);
		return NULL;
	}
	rule_apply_policy(rule, p);
	json_t *patch = json_object();
	if (resource_version)
		json_object_set_new(patch, "metadata",
		                    json_pack("{s:s}", "resourceVersion", resource_version));
	json_object_set_new(patch, "spec", json_pack("{s:o}", "rules", out_rules));
	return patch;
}

/* RFC 7386 section 2, MergePatch(Target, Patch); target is consumed (may be NULL). */
static json_t *merge(json_t *target, const json_t *patch)
{
	if (!json_is_object(patch)) {
		json_decref(target);
		return json_deep_copy(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
	}
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)patch, key, value) {
		if (json_is_null(value)) {
			json_object_del(target, key);
			continue;
		}
		json_t *cur = json_object_get(target, key);
		json_incref(cur);
		json_object_set_new(target, key, merge(cur, value));
	}
	return target;
}

/* Apply patch to a copy of doc (RFC 7386: null deletes, objects merge recursively, anything
 * else replaces). doc may be NULL. Returns a new reference (NULL only if patch is NULL). */
json_t *policy_apply_merge_patch(const json_t *doc, const json_t *patch)
{
	if (!patch)
		return NULL;
	return merge(doc ? json_deep_copy(doc) : NULL, patch);
}
