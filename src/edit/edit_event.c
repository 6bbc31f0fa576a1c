/* edit_event.c: the Kubernetes Event gammatop writes on a route once a change it applied is
 * in (reason GammatopPolicyChange, reportingController gammatop, type Normal, action SetPolicy
 * or Undo, a note saying who changed what and the audit id), so that `kubectl describe` and
 * other people's gammatop show the change: the team's audit lives in the cluster, not only in
 * one workstation's cache. Best effort: it is sent only after the apply's answer is
 * recorded, and a failure is the caller's to say (once), never the apply's. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/edit.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

void edit_event_fill(const struct edit *e, const char *who, int64_t audit_id, int64_t undo_of,
                     struct edit_event *ev)
{
	const char *id = edit_route_id(e); /* "httproute/NS/NAME" */
	const char *a = strchr(id, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	snprintf(ev->ns, sizeof ev->ns, "%.*s", a && b ? (int)(b - a - 1) : 0, a ? a + 1 : "");
	snprintf(ev->name, sizeof ev->name, "%s", b ? b + 1 : "");
	char *before = edit_audit_json(e, false), *after = edit_audit_json(e, true);
	char bs[128], as[128];
	edit_audit_summary(before, bs, sizeof bs);
	edit_audit_summary(after, as, sizeof as);
	free(before);
	free(after);
	char audit[48] = "";
	if (audit_id > 0)
		snprintf(audit, sizeof audit, " (gammatop audit #%" PRId64 ")", audit_id);
	char undo[48] = "";
	if (undo_of > 0)
		snprintf(undo, sizeof undo, ", undoing #%" PRId64, undo_of);
	snprintf(ev->note, sizeof ev->note, "%s changed %s with gammatop: %s -> %s%s%s",
	         str_or(who, "someone"), edit_rule_index(e) >= 0 ? edit_rule_label(e) : "the route spec",
	         bs, as, undo, audit);
	const json_t *md = json_object_get(edit_base(e), "metadata");
	ev->p = (struct kevent_post){
		.kind = GT_HTTPROUTE, .ns = ev->ns, .name = ev->name,
		.uid = json_string_value(json_object_get(md, "uid")),
		.type = "Normal", .reason = KEVENTS_REASON_CHANGE,
		.action = undo_of > 0 ? "Undo" : "SetPolicy", .note = ev->note,
	};
}

int edit_event_post_sync(struct kclient *k, const struct edit *e, const char *who,
                         int64_t audit_id, int64_t undo_of, long max_ms, char *err,
                         size_t errlen)
{
	struct edit_event ev;
	edit_event_fill(e, who, audit_id, undo_of, &ev);
	return kevents_post_sync(k, &ev.p, max_ms, err, errlen);
}
