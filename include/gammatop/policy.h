/* policy.h: a route rule's timeouts (GEP-1742) and retry (GEP-1731): read from a rule,
 * validated with the spec's rules (CEL) and the operator's sanity rules, and turned into a
 * JSON merge patch that changes one rule of a route and nothing else. Pure code. */
#ifndef GAMMATOP_POLICY_H
#define GAMMATOP_POLICY_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/findings.h"
#include "gammatop/object.h"

/* Distinct valid retry codes (400-599) number 200: more than that cannot all be valid. */
#define POLICY_MAX_CODES 200

/* The policy of one rule. Durations are kept as the user wrote them. */
struct policy {
	bool has_request, has_backend_request;
	char request[32], backend_request[32];
	bool has_retry; /* the retry block exists (possibly empty) */
	int attempts;   /* -1 unset */
	bool has_backoff;
	char backoff[32];
	int codes[POLICY_MAX_CODES];
	size_t n_codes;
	bool codes_truncated; /* the rule listed more than POLICY_MAX_CODES codes (invalid) */
};

void policy_init(struct policy *p); /* nothing set */
void policy_from_rule(const struct gt_rule *rule, struct policy *p);
/* "⏱ 10s/2s ↻3" style summary (ascii: "t=10s/2s r=3"); "-" when nothing is set. */
char *policy_summary(const struct policy *p, bool ascii, char *buf, size_t n);

/* Validate p for rule index of object id (e.g. "httproute/ns/web"), field paths under
 * "spec.rules[i]". Spec violations are errors; sanity rules are warnings. Returns the number
 * of errors added. */
size_t policy_validate(const struct policy *p, const char *object_id, size_t rule_index,
                       struct findings *out);

/* Find a rule of route JSON by "INDEX" or by name; returns the index or -1. */
int policy_find_rule(const json_t *route, const char *rule);

/* Build the JSON merge patch (RFC 7386) that gives rule rule_index of route (the full object
 * as the API server returned it) the timeouts/retry of p and leaves everything else as is.
 * Because merge patches replace arrays, the patch carries the whole spec.rules array; it also
 * carries metadata.resourceVersion (when given) so that the server rejects it with 409 if the
 * object changed. Returns a new reference, or NULL with err set. */
json_t *policy_merge_patch(const json_t *route, size_t rule_index, const struct policy *p,
                           const char *resource_version, char *err, size_t errlen);
/* Apply a merge patch to a copy of doc (RFC 7386); used for previews and by the simulator. */
json_t *policy_apply_merge_patch(const json_t *doc, const json_t *patch);

#endif
