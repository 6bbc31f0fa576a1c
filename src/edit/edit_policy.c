/* edit_policy.c: the pure pieces of an edit that work on policies alone: applying a requested
 * change (set/clear each field) to a rule's current policy, and the JSON form of a policy
 * that the audit log keeps and `undo` reads back (see edit.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/duration.h"
#include "gammatop/edit.h"
#include "gammatop/str.h"

void edit_change_init(struct edit_change *c)
{
	memset(c, 0, sizeof *c);
	c->retry_attempts = -1;
}

bool edit_change_empty(const struct edit_change *c)
{
	return !c->request_timeout && !c->backend_timeout && c->retry_attempts == -1 &&
	       !c->retry_backoff && !c->retry_codes && !c->clear_timeouts && !c->clear_retry &&
	       !c->clear_request && !c->clear_backend && !c->clear_attempts && !c->clear_backoff;
}

/* Copy a duration as typed into dst (size n); one too long to be held cannot be valid, so
 * it is refused here with the duration parser's own message. */
static int take_duration(char *dst, size_t n, const char *v, const char *field, char *err,
                         size_t errlen)
{
	if (strlen(v) < n) {
		str_copy(dst, v, n);
		return 0;
	}
	char why[160] = "too long";
	uint64_t ms;
	duration_parse(v, &ms, why, sizeof why);
	char *safe = str_sanitize(v);
	snprintf(err, errlen, "%s: \"%.40s%s\" is not a valid duration: %s", field, safe,
	         strlen(safe) > 40 ? "..." : "", why);
	free(safe);
	return -1;
}

/* "502, 503,504" -> codes. Numbers only; range and duplicates are policy_validate's. */
static int parse_codes(const char *s, struct policy *p, char *err, size_t errlen)
{
	p->n_codes = 0;
	p->codes_truncated = false;
	const char *q = s;
	while (*q) {
		while (*q == ' ' || *q == ',')
			q++;
		if (!*q)
			break;
		const char *start = q;
		while (*q && *q != ',' && *q != ' ')
			q++;
		char tok[16];
		size_t len = (size_t)(q - start);
		char *end = NULL;
		long v = 0;
		if (len < sizeof tok) {
			memcpy(tok, start, len);
			tok[len] = '\0';
			errno = 0;
			v = strtol(tok, &end, 10);
		}
		if (len >= sizeof tok || !isdigit((unsigned char)tok[0]) || *end || errno ||
		    v > 999) {
			char *safe = str_sanitize(start);
			snprintf(err, errlen, "retry.codes: \"%.*s\" is not an HTTP status code "
			                      "(write e.g. 502,503)",
			         (int)(len < 40 ? len : 40), safe);
			free(safe);
			return -1;
		}
		if (p->n_codes == POLICY_MAX_CODES) {
			snprintf(err, errlen, "retry.codes: more than %d codes", POLICY_MAX_CODES);
			return -1;
		}
		p->codes[p->n_codes++] = (int)v;
	}
	return 0;
}

static void clear_retry(struct policy *p)
{
	p->has_retry = false;
	p->attempts = -1;
	p->has_backoff = false;
	p->backoff[0] = '\0';
	p->n_codes = 0;
	p->codes_truncated = false;
}

int edit_change_apply(const struct edit_change *c, const struct policy *cur, struct policy *out,
                      char *err, size_t errlen)
{
	*out = *cur;
	if (c->clear_timeouts || c->clear_request)
		out->has_request = false, out->request[0] = '\0';
	if (c->clear_timeouts || c->clear_backend)
		out->has_backend_request = false, out->backend_request[0] = '\0';
	if (c->clear_retry)
		clear_retry(out);
	if (c->clear_attempts)
		out->attempts = -1;
	if (c->clear_backoff)
		out->has_backoff = false, out->backoff[0] = '\0';

	if (c->request_timeout) {
		if (take_duration(out->request, sizeof out->request, c->request_timeout,
		                  "timeouts.request", err, errlen) < 0)
			return -1;
		out->has_request = true;
	}
	if (c->backend_timeout) {
		if (take_duration(out->backend_request, sizeof out->backend_request,
		                  c->backend_timeout, "timeouts.backendRequest", err, errlen) < 0)
			return -1;
		out->has_backend_request = true;
	}
	if (c->retry_attempts != -1) {
		out->has_retry = true;
		out->attempts = c->retry_attempts;
	}
	if (c->retry_backoff) {
		if (take_duration(out->backoff, sizeof out->backoff, c->retry_backoff, "retry.backoff",
		                  err, errlen) < 0)
			return -1;
		out->has_retry = out->has_backoff = true;
	}
	if (c->retry_codes) {
		if (parse_codes(c->retry_codes, out, err, errlen) < 0)
			return -1;
		out->has_retry = true;
	}
	return 0;
}

json_t *edit_policy_to_json(const struct policy *p)
{
	json_t *j = json_object();
	if (p->has_request || p->has_backend_request) {
		json_t *t = json_object();
		if (p->has_request)
			json_object_set_new(t, "request", json_string(p->request));
		if (p->has_backend_request)
			json_object_set_new(t, "backendRequest", json_string(p->backend_request));
		json_object_set_new(j, "timeouts", t);
	}
	if (p->has_retry) {
		json_t *r = json_object();
		if (p->attempts != -1)
			json_object_set_new(r, "attempts", json_integer(p->attempts));
		if (p->has_backoff)
			json_object_set_new(r, "backoff", json_string(p->backoff));
		if (p->n_codes) {
			json_t *codes = json_array();
			for (size_t i = 0; i < p->n_codes; i++)
				json_array_append_new(codes, json_integer(p->codes[i]));
			json_object_set_new(r, "codes", codes);
		}
		json_object_set_new(j, "retry", r);
	}
	return j;
}

static int get_str(const json_t *obj, const char *key, const char *field, bool *has, char *dst,
                   size_t n, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);
	*has = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= n) {
		snprintf(err, errlen, "%s: expected a duration string", field);
		return -1;
	}
	str_copy(dst, json_string_value(v), n);
	*has = true;
	return 0;
}

int edit_policy_from_json(const json_t *j, struct policy *p, char *err, size_t errlen)
{
	policy_init(p);
	if (!json_is_object(j)) {
		snprintf(err, errlen, "policy: expected an object");
		return -1;
	}
	const json_t *t = json_object_get(j, "timeouts");
	if (t && !json_is_null(t)) {
		if (!json_is_object(t)) {
			snprintf(err, errlen, "timeouts: expected an object");
			return -1;
		}
		if (get_str(t, "request", "timeouts.request", &p->has_request, p->request,
		            sizeof p->request, err, errlen) < 0 ||
		    get_str(t, "backendRequest", "timeouts.backendRequest", &p->has_backend_request,
		            p->backend_request, sizeof p->backend_request, err, errlen) < 0)
			return -1;
	}
	const json_t *r = json_object_get(j, "retry");
	if (!r || json_is_null(r))
		return 0;
	if (!json_is_object(r)) {
		snprintf(err, errlen, "retry: expected an object");
		return -1;
	}
	p->has_retry = true;
	const json_t *a = json_object_get(r, "attempts");
	if (a && !json_is_null(a)) {
		if (!json_is_integer(a) || json_integer_value(a) < -1000000 ||
		    json_integer_value(a) > 1000000) {
			snprintf(err, errlen, "retry.attempts: expected an integer");
			return -1;
		}
		p->attempts = (int)json_integer_value(a);
	}
	if (get_str(r, "backoff", "retry.backoff", &p->has_backoff, p->backoff, sizeof p->backoff,
	            err, errlen) < 0)
		return -1;
	const json_t *codes = json_object_get(r, "codes");
	if (codes && !json_is_null(codes)) {
		if (!json_is_array(codes) || json_array_size(codes) > POLICY_MAX_CODES) {
			snprintf(err, errlen, "retry.codes: expected a list of at most %d codes",
			         POLICY_MAX_CODES);
			return -1;
		}
		size_t i;
		const json_t *c;
		json_array_foreach(codes, i, c) {
			if (!json_is_integer(c) || json_integer_value(c) < 0 ||
			    json_integer_value(c) > 999) {
				snprintf(err, errlen, "retry.codes[%zu]: expected an HTTP status code", i);
				return -1;
			}
			p->codes[p->n_codes++] = (int)json_integer_value(c);
		}
	}
	return 0;
}

bool edit_policy_equal(const struct policy *a, const struct policy *b)
{
	if (a->has_request != b->has_request || (a->has_request && strcmp(a->request, b->request)))
		return false;
	if (a->has_backend_request != b->has_backend_request ||
	    (a->has_backend_request && strcmp(a->backend_request, b->backend_request)))
		return false;
	if (a->has_retry != b->has_retry)
		return false;
	if (!a->has_retry)
		return true;
	if (a->attempts != b->attempts || a->has_backoff != b->has_backoff ||
	    (a->has_backoff && strcmp(a->backoff, b->backoff)) || a->n_codes != b->n_codes ||
	    a->codes_truncated != b->codes_truncated)
		return false;
	for (size_t i = 0; i < a->n_codes; i++)
		if (a->codes[i] != b->codes[i])
			return false;
	return true;
}
