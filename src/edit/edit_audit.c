/* edit_audit.c: recording an edit's apply attempt in the audit log (see edit.h, audit.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "gammatop/audit.h"
#include "gammatop/edit.h"

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
