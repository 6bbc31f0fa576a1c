/* edit_audit.c: the edit layer's side of the audit log: recording an apply attempt, the
 * one-line summary of a stored policy for history listings, and undoing a recorded change
 * for `gammatop undo` and the console's history view: read the entry's before/after (a rule
 * fragment, Linkerd annotations, or a whole route spec), check the route still is what the
 * change left (never undo over somebody else's later change), and set the edit to restore
 * what the change replaced (see edit.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/audit.h"
#include "gammatop/edit.h"
#include "gammatop/str.h"

enum stored { STORED_POLICY, STORED_ANNOTATIONS, STORED_SPEC };

/* What a stored JSON describes; p is filled for policies and annotations. */
static int stored(const char *json, struct policy *p, enum stored *kind, char *err,
                  size_t errlen)
{
	json_t *j = json ? json_loads(json, 0, NULL) : NULL;
	policy_init(p);
	if (!j) {
		snprintf(err, errlen, "the stored policy is not JSON");
		return -1;
	}
	const json_t *ann = json_object_get(j, "annotations");
	int rc = 0;
	if (json_is_object(json_object_get(j, "spec"))) {
		*kind = STORED_SPEC;
	} else if (json_is_object(ann)) {
		*kind = STORED_ANNOTATIONS;
		json_t *route = json_pack("{s:{s:O}}", "metadata", "annotations", ann);
		edit_linkerd_effective(route, 0, p, NULL, 0);
		json_decref(route);
	} else {
		*kind = STORED_POLICY;
		rc = edit_policy_from_json(j, p, err, errlen);
	}
	json_decref(j);
	return rc;
}

static void summary(const char *json, char *buf, size_t n)
{
	struct policy p;
	enum stored kind;
	char err[128], classes[64] = "";
	if (stored(json, &p, &kind, err, sizeof err) < 0) {
		snprintf(buf, n, "?");
		return;
	}
	if (kind == STORED_SPEC) {
		snprintf(buf, n, "route spec (edited)");
		return;
	}
	if (kind == STORED_POLICY) {
		policy_summary(&p, true, buf, n);
		return;
	}
	json_t *j = json_loads(json, 0, NULL);
	json_t *route = json_pack("{s:{s:O}}", "metadata", "annotations",
	                          json_object_get(j, "annotations"));
	edit_linkerd_effective(route, 0, &p, classes, sizeof classes);
	json_decref(route);
	json_decref(j);
	char s[96];
	policy_summary(&p, true, s, sizeof s);
	int w = snprintf(buf, n, "linkerd %.60s", s);
	if (*classes && w > 0 && (size_t)w < n)
		snprintf(buf + w, n - (size_t)w, " on %.20s", classes);
}

void edit_audit_summary(const char *json, char *buf, size_t n)
{
	/* Durations and codes came from the cluster: sanitise for the terminal. */
	char raw[256];
	summary(json, raw, sizeof raw);
	str_sanitize_into(buf, n, raw);
}

static int undo_spec(struct edit *e, const struct audit_entry *a, char *err, size_t errlen)
{
	json_t *b = json_loads(a->before_json, 0, NULL), *af = json_loads(a->after_json, 0, NULL);
	const json_t *bs = json_object_get(b, "spec"), *as = json_object_get(af, "spec");
	const json_t *cur = json_object_get(edit_base(e), "spec");
	int rc = -1;
	if (!json_is_object(bs) || !json_is_object(as))
		snprintf(err, errlen, "change #%" PRId64 ": the stored route spec cannot be read",
		         a->id);
	else if (!json_equal((json_t *)cur, (json_t *)as))
		snprintf(err, errlen, "%s changed since change #%" PRId64 " (its spec is not the "
		                      "one #%" PRId64 " left)",
		         edit_route_id(e), a->id, a->id);
	else {
		json_t *doc = json_deep_copy(edit_base(e));
		json_object_set(doc, "spec", (json_t *)bs);
		edit_set_document_json(e, doc);
		json_decref(doc);
		rc = 0;
	}
	json_decref(af);
	json_decref(b);
	return rc;
}

int edit_audit_undo(struct edit *e, const struct audit_entry *a, char *err, size_t errlen)
{
	struct policy before, after;
	enum stored kb, ka;
	if (strcmp(a->result ? a->result : "", AUDIT_APPLIED)) {
		snprintf(err, errlen, "change #%" PRId64 " was not applied (%s): there is nothing to "
		                      "undo", a->id, a->result ? a->result : "?");
		return -1;
	}
	if (stored(a->before_json, &before, &kb, err, errlen) < 0 ||
	    stored(a->after_json, &after, &ka, err, errlen) < 0)
		return -1;
	if (!edit_base(e)) {
		snprintf(err, errlen, "%s: not read yet", edit_route_id(e));
		return -1;
	}
	if (kb != ka) {
		snprintf(err, errlen, "change #%" PRId64 ": before and after are of different kinds",
		         a->id);
		return -1;
	}
	if (kb == STORED_SPEC)
		return undo_spec(e, a, err, errlen);
	edit_set_linkerd_annotations(e, kb == STORED_ANNOTATIONS);
	char idx[16];
	snprintf(idx, sizeof idx, "%d", a->rule);
	if (edit_select_rule(e, idx) < 0) {
		snprintf(err, errlen, "change #%" PRId64 ": %s", a->id, edit_message(e));
		return -1;
	}
	if (!edit_policy_equal(edit_current(e), &after)) {
		char now[128], then[128];
		policy_summary(edit_current(e), true, now, sizeof now);
		policy_summary(&after, true, then, sizeof then);
		snprintf(err, errlen, "%s %s changed since change #%" PRId64 ": it is now %s, #%"
		                      PRId64 " left it at %s",
		         edit_route_id(e), edit_rule_label(e), a->id, now, a->id, then);
		return -1;
	}
	edit_set_policy(e, &before);
	return 0;
}

int64_t edit_audit_record(struct edit *e, struct cache *c, const char *context, const char *user,
                          int64_t undo_of, char *err, size_t errlen)
{
	const char *result;
	switch (edit_state(e)) {
	case EDIT_APPLIED: result = AUDIT_APPLIED; break;
	case EDIT_CONFLICT: result = AUDIT_CONFLICT; break;
	case EDIT_REJECTED: result = AUDIT_REJECTED; break;
	case EDIT_FAILED: result = AUDIT_FAILED; break;
	default:
		snprintf(err, errlen, "%s: nothing was applied (%s): nothing to record",
		         edit_route_id(e), edit_state_name(edit_state(e)));
		return -1;
	}
	char *before = edit_audit_json(e, false), *after = edit_audit_json(e, true);
	struct audit_entry a = {
		.context = (char *)context,
		.user = (char *)user,
		.route = (char *)edit_route_id(e),
		.rule = edit_rule_index(e),
		.before_json = before,
		.after_json = after,
		.result = (char *)result,
		.message = (char *)edit_message(e),
		.undo_of = undo_of,
	};
	int64_t id = audit_add(c, &a, err, errlen);
	free(before);
	free(after);
	return id;
}
