/* edit_settle.c: settling audit rows left "pending": a process wrote the row, sent the change
 * and died (kill -9, a crash, a closed terminal) before it recorded the answer. The route as
 * it is now tells what became of it: still at the resourceVersion (or, for the spec, the
 * generation) the change was made on -> not applied; the rule has what the change set ->
 * applied; anything else -> unknown, with what was found. Rows whose process still runs on
 * this host are in flight and left alone; a "not applied" finding younger than the API
 * server's request timeout stays pending too (the request may still be finishing there).
 * One GET at a time on the caller's kclient: asynchronous for the console, a blocking
 * wrapper for batch commands (see edit.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/audit.h"
#include "gammatop/buf.h"
#include "gammatop/defaults.h"
#include "gammatop/edit.h"
#include "gammatop/kclient.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

/* kube-apiserver's default --request-timeout (1m0s): a request the client left may still be
 * completed by the server this long after it was sent. */
#define SERVER_GRACE_MS 60000

/* What the route says; *why a heap sentence. */
static enum edit_settled decide_route(const struct audit_entry *a, const char *body,
                                      size_t len, char **why)
{
	json_t *route = json_loadb(body ? body : "", len, 0, NULL);
	const json_t *md = json_object_get(route, "metadata");
	const char *rv = json_string_value(json_object_get(md, "resourceVersion"));
	json_int_t gen = json_integer_value(json_object_get(md, "generation"));
	json_t *after = a->after_json ? json_loads(a->after_json, 0, NULL) : NULL;
	json_t *before = a->before_json ? json_loads(a->before_json, 0, NULL) : NULL;
	bool doc = json_is_object(json_object_get(after, "spec"));
	bool ann = json_is_object(json_object_get(after, "annotations"));
	enum edit_settled out = EDIT_SETTLED_UNKNOWN;
	struct edit *e = NULL;
	if (!json_is_object(route) || !after || !before) {
		*why = xasprintf("%s", !json_is_object(route) ? "the cluster's answer is not a route"
		                                              : "the stored change cannot be read");
		goto out;
	}
	if (a->base_rv && rv && !strcmp(rv, a->base_rv)) {
		*why = xasprintf("not applied: the route is still at resourceVersion %s, the one the "
		                 "change was made on", rv);
		out = EDIT_SETTLED_NOT_APPLIED;
		goto out;
	}
	if (!ann && a->base_gen > 0 && gen > 0 && gen == a->base_gen) {
		*why = xasprintf("not applied: the route's spec is still at generation %lld, the one "
		                 "the change was made on", (long long)gen);
		out = EDIT_SETTLED_NOT_APPLIED;
		goto out;
	}
	/* The route now, in the form the row keeps: through an edit session on it. */
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));
	e = edit_new(GT_HTTPROUTE, ns, name);
	char *text = json_dumps(route, JSON_COMPACT);
	edit_take_fetch(e, 200, text, strlen(text), NULL);
	free(text);
	if (doc) {
		edit_set_document_json(e, route);
	} else {
		edit_set_linkerd_annotations(e, ann);
		char idx[16];
		snprintf(idx, sizeof idx, "%d", a->rule);
		if ((a->rule_key ? edit_select_rule_key(e, a->rule_key) : edit_select_rule(e, idx)) < 0) {
			*why = xasprintf("unknown: %s", edit_message(e));
			goto out;
		}
	}
	char *now_s = edit_audit_json(e, false);
	json_t *now = now_s ? json_loads(now_s, 0, NULL) : NULL;
	free(now_s);
	if (now && json_equal(now, after) && !json_equal(before, after)) {
		*why = xasprintf("applied: the route has this change (resourceVersion %s -> %s)",
		                 str_or(a->base_rv, "?"), str_or(rv, "?"));
		out = EDIT_SETTLED_APPLIED;
	} else if (now && json_equal(now, before)) {
		*why = xasprintf("unknown: %s has what it had before the change, but the route changed "
		                 "since (resourceVersion %s -> %s): the change never landed, or somebody "
		                 "reverted it", doc ? "the spec" : edit_rule_label(e),
		                 str_or(a->base_rv, "?"), str_or(rv, "?"));
	} else {
		char sum[128];
		char *nj = now ? json_dumps(now, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		edit_audit_summary(nj, sum, sizeof sum);
		free(nj);
		*why = xasprintf("unknown: somebody changed %s since: it is now %s", doc ? "the spec"
		                                                                          : edit_rule_label(e),
		                 sum);
	}
	json_decref(now);
out:
	edit_free(e);
	json_decref(after);
	json_decref(before);
	json_decref(route);
	return out;
}

enum edit_settled edit_settle_decide(const struct audit_entry *a, long status, const char *body,
                                     size_t len, const struct apierr *err, char **why)
{
	*why = NULL;
	bool ok = (!err || err->kind == APIERR_NONE) && status >= 200 && status < 300;
	if (!ok) {
		if ((err && err->kind == APIERR_NOT_FOUND) || status == 404) {
			*why = xasprintf("unknown: the route is gone (deleted since)");
			return EDIT_SETTLED_UNKNOWN;
		}
		*why = xasprintf("cannot ask the cluster: %s",
		                 err && err->message ? err->message : "no answer");
		return EDIT_SETTLED_UNREACHABLE;
	}
	return decide_route(a, body, len, why);
}

/* ---- the run over the pending rows ---- */

struct edit_settle {
	struct cache *cache;
	struct audit_entry *rows;
	size_t n, next, unsettled;
	struct kclient *k;
	struct kreq *req;
	edit_settle_cb cb;
	void *ud;
	bool done;
	struct buf report;
};

/* Is the process that wrote a pending row still running (here)? */
static bool in_flight(const struct audit_entry *a)
{
	char host[256] = "";
	if (!a->owner || gethostname(host, sizeof host - 1) < 0)
		return false;
	const char *colon = strrchr(a->owner, ':');
	if (!colon || (size_t)(colon - a->owner) != strlen(host) ||
	    strncmp(a->owner, host, strlen(host)))
		return false;
	long pid = strtol(colon + 1, NULL, 10);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static int64_t grace_ms(void)
{
	const char *g = getenv("GAMMATOP_TEST_SETTLE_GRACE_MS"); /* TEST ONLY */
	return g && *g ? strtoll(g, NULL, 10) : SERVER_GRACE_MS;
}

struct edit_settle *edit_settle_new(struct cache *c, const char *cluster, char *err,
                                    size_t errlen)
{
	struct audit_entry *rows;
	size_t n;
	if (audit_pending(c, cluster, &rows, &n, err, errlen) < 0)
		return NULL;
	struct edit_settle *s = xcalloc(1, sizeof *s);
	s->cache = c;
	buf_init(&s->report);
	s->rows = xcalloc(n + 1, sizeof *s->rows);
	for (size_t i = 0; i < n; i++) {
		if (in_flight(&rows[i]) || !rows[i].route ||
		    strncmp(rows[i].route, "httproute/", 10)) {
			audit_entry_done(&rows[i]);
			continue;
		}
		s->rows[s->n++] = rows[i];
	}
	free(rows);
	return s;
}

size_t edit_settle_count(const struct edit_settle *s) { return s ? s->n : 0; }
size_t edit_settle_unsettled(const struct edit_settle *s) { return s ? s->unsettled : 0; }
const char *edit_settle_report(const struct edit_settle *s)
{
	return s ? buf_str((struct buf *)&s->report) : "";
}

static void ask_next(struct edit_settle *s);

/* Record what row i's answer says and say it in the report. */
static void take(struct edit_settle *s, const struct audit_entry *a, long status,
                 const char *body, size_t len, const struct apierr *err)
{
	char *why = NULL, when[32] = "?", e[512];
	enum edit_settled d = edit_settle_decide(a, status, body, len, err, &why);
	time_t t = (time_t)(a->at_ms / 1000);
	time_rfc3339(t, when, sizeof when);
	bool keep = d == EDIT_SETTLED_UNREACHABLE ||
	            (d == EDIT_SETTLED_NOT_APPLIED && time_wall_ms() - a->at_ms < grace_ms());
	const char *result = d == EDIT_SETTLED_APPLIED       ? AUDIT_APPLIED
	                     : d == EDIT_SETTLED_NOT_APPLIED ? AUDIT_FAILED
	                                                     : AUDIT_UNKNOWN;
	char *line;
	if (keep) {
		s->unsettled++;
		line = xasprintf("#%" PRId64 " (%s, interrupted at %s) is still pending: %s%s", a->id,
		                 a->route, when, why,
		                 d == EDIT_SETTLED_UNREACHABLE ? ""
		                                               : " so far (the server may still be "
		                                                 "finishing the request: checked again "
		                                                 "later)");
	} else {
		char *msg = xasprintf("settled later: interrupted before the answer was recorded; %s",
		                      why);
		if (audit_finish(s->cache, a->id, result, msg, NULL, e, sizeof e) < 0)
			line = xasprintf("#%" PRId64 " (%s): %s; but not recorded: %s", a->id, a->route,
			                 why, e);
		else
			line = xasprintf("#%" PRId64 " (%s, interrupted at %s): %s", a->id, a->route,
			                 when, why);
		free(msg);
	}
	char *safe = str_sanitize(line);
	buf_printf(&s->report, "%s\n", safe);
	free(safe);
	free(line);
	free(why);
}

static void on_answer(const struct kresponse *r, void *ud)
{
	struct edit_settle *s = ud;
	s->req = NULL;
	take(s, &s->rows[s->next++], r->status, r->body, r->body_len, r->err);
	ask_next(s);
}

static void ask_next(struct edit_settle *s)
{
	while (s->next < s->n) {
		const struct audit_entry *a = &s->rows[s->next];
		char *ns = NULL, *name = NULL, err[256];
		if (edit_batch_parse_route(a->route, NULL, &ns, &name, err, sizeof err) < 0) {
			s->next++;
			continue;
		}
		s->req = kclient_get_object(s->k, GT_HTTPROUTE, ns, name, on_answer, s);
		free(ns);
		free(name);
		if (s->req)
			return;
		struct apierr e = {.kind = APIERR_TRANSPORT, .message = (char *)"cannot send a request"};
		take(s, a, 0, NULL, 0, &e);
		s->next++;
	}
	s->done = true;
	if (s->cb)
		s->cb(s, s->ud);
}

void edit_settle_start(struct edit_settle *s, struct kclient *k, edit_settle_cb cb, void *ud)
{
	s->k = k;
	s->cb = cb;
	s->ud = ud;
	ask_next(s);
}

void edit_settle_run_sync(struct edit_settle *s, struct kclient *k, long timeout_ms)
{
	s->k = k;
	s->cb = NULL;
	int64_t deadline =
		time_mono_ms() + (timeout_ms > 0 ? timeout_ms : GT_DEFAULT_REQUEST_TIMEOUT_MS);
	ask_next(s);
	while (!s->done) {
		int64_t left = deadline - time_mono_ms();
		if (left <= 0) {
			if (s->req)
				kreq_cancel(s->req);
			s->req = NULL;
			struct apierr e = {.kind = APIERR_TRANSPORT, .message = (char *)"no answer in time"};
			for (; s->next < s->n; s->next++)
				take(s, &s->rows[s->next], 0, NULL, 0, &e);
			s->done = true;
			break;
		}
		evloop_run_once(kclient_loop(k), left < 1000 ? (int)left : 1000);
	}
}

void edit_settle_free(struct edit_settle *s)
{
	if (!s)
		return;
	if (s->req)
		kreq_cancel(s->req);
	audit_list_free(s->rows, s->n);
	buf_done(&s->report);
	free(s);
}
