/* edit_audit.c: the edit layer's side of the audit log: the pending row written before an
 * apply is sent and its outcome when the answer comes (or a whole attempt after the fact),
 * the one-line summary of a stored policy for history listings, and undoing a recorded
 * change for `gammatop undo` and the console's history view: read the entry's before/after
 * (a rule fragment, Linkerd annotations, or a whole route spec), find the rule it changed
 * by its identity (not its index: rules move), check the route still is what the change
 * left (never undo over somebody else's later change), and set the edit to restore what the
 * change replaced (see edit.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/audit.h"
#include "gammatop/edit.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

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

/* An entry written before rules had identities names the rule by index only. Rules may
 * have moved since: go ahead only when the rule at that index is the one rule that still
 * has what the change left; else refuse (it cannot be told which rule it was). */
static int legacy_select(struct edit *e, const struct audit_entry *a, const struct policy *after,
                         char *err, size_t errlen)
{
	char idx[16];
	snprintf(idx, sizeof idx, "%d", a->rule);
	if (edit_select_rule(e, idx) < 0) {
		snprintf(err, errlen, "change #%" PRId64 ": %s", a->id, edit_message(e));
		return -1;
	}
	size_t n = json_array_size(json_object_get(json_object_get(edit_base(e), "spec"), "rules"));
	int same = 0;
	for (size_t i = 0; i < n && i < 10000; i++) {
		snprintf(idx, sizeof idx, "%zu", i);
		if (edit_select_rule(e, idx) == 0 && edit_policy_equal(edit_current(e), after))
			same++;
	}
	snprintf(idx, sizeof idx, "%d", a->rule);
	edit_select_rule(e, idx);
	if (same > 1 && edit_policy_equal(edit_current(e), after)) {
		snprintf(err, errlen, "change #%" PRId64 " was recorded by an older gammatop by rule "
		                      "index only, and %d rules of %s now have the policy it left: "
		                      "which one it changed cannot be told. Set the rule with 'gammatop "
		                      "set' instead", a->id, same, edit_route_id(e));
		return -1;
	}
	return 0;
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
	if (a->rule_key) {
		if (edit_select_rule_key(e, a->rule_key) < 0) {
			snprintf(err, errlen, "change #%" PRId64 ": %s", a->id, edit_message(e));
			return -1;
		}
	} else if (legacy_select(e, a, &after, err, errlen) < 0) {
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

/* The row of e's apply: what it changes (or changed), where, and on which version. The
 * strings are e's or *owned (freed by the caller with free()). */
static void entry_of(struct edit *e, const struct edit_audit_ctx *ctx, struct audit_entry *a,
                     char **owned)
{
	const json_t *md = json_object_get(edit_base(e), "metadata");
	json_int_t gen = json_integer_value(json_object_get(md, "generation"));
	owned[0] = edit_audit_json(e, false);
	owned[1] = edit_audit_json(e, true);
	*a = (struct audit_entry){
		.context = (char *)ctx->context,
		.user = (char *)ctx->user,
		.cluster = (char *)ctx->cluster,
		.route = (char *)edit_route_id(e),
		.rule = edit_rule_index(e),
		.rule_key = (char *)edit_rule_key(e),
		.before_json = owned[0],
		.after_json = owned[1],
		.base_rv = (char *)edit_resource_version(e),
		.base_gen = gen > 0 ? (int64_t)gen : -1,
		.undo_of = ctx->undo_of,
	};
}

/* The AUDIT_* result of e's state after an apply, NULL when nothing was sent. */
static const char *result_of(const struct edit *e)
{
	switch (edit_state(e)) {
	case EDIT_APPLIED: return AUDIT_APPLIED;
	case EDIT_CONFLICT: return AUDIT_CONFLICT;
	case EDIT_REJECTED: return AUDIT_REJECTED;
	case EDIT_FAILED: return AUDIT_FAILED;
	default: return NULL;
	}
}

int64_t edit_audit_begin(struct edit *e, struct cache *c, const struct edit_audit_ctx *ctx,
                         char *err, size_t errlen)
{
	if (edit_state(e) != EDIT_READY && edit_state(e) != EDIT_DRY_RUN_OK) {
		snprintf(err, errlen, "%s: nothing to send (%s): nothing to record", edit_route_id(e),
		         edit_state_name(edit_state(e)));
		return -1;
	}
	char *owned[2], host[256] = "";
	struct audit_entry a;
	entry_of(e, ctx, &a, owned);
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	char *owner = xasprintf("%s:%ld", host, (long)getpid());
	a.owner = owner;
	a.result = (char *)AUDIT_PENDING;
	a.message = (char *)"sent; no answer recorded yet (if this stays, the command was "
	                    "interrupted: the next gammatop that reaches the cluster checks it)";
	int64_t id = audit_add(c, &a, err, errlen);
	free(owner);
	free(owned[0]);
	free(owned[1]);
	return id;
}

int edit_audit_finish(struct edit *e, struct cache *c, int64_t id, char *err, size_t errlen)
{
	const char *result = result_of(e);
	if (!result) {
		snprintf(err, errlen, "%s: no answer to record (%s)", edit_route_id(e),
		         edit_state_name(edit_state(e)));
		return -1;
	}
	return audit_finish(c, id, result, edit_message(e), edit_new_resource_version(e), err,
	                    errlen);
}

int64_t edit_audit_record(struct edit *e, struct cache *c, const struct edit_audit_ctx *ctx,
                          char *err, size_t errlen)
{
	const char *result = result_of(e);
	if (!result) {
		snprintf(err, errlen, "%s: nothing was applied (%s): nothing to record",
		         edit_route_id(e), edit_state_name(edit_state(e)));
		return -1;
	}
	char *owned[2];
	struct audit_entry a;
	entry_of(e, ctx, &a, owned);
	a.result = (char *)result;
	a.message = (char *)edit_message(e);
	a.new_rv = (char *)edit_new_resource_version(e);
	int64_t id = audit_add(c, &a, err, errlen);
	free(owned[0]);
	free(owned[1]);
	return id;
}
