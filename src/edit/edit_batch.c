/* edit_batch.c: the command-line flow of an edit, shared by `gammatop set` and `gammatop
 * undo`: show the mesh notes, findings and diff; refuse invalid changes before anything is
 * sent; the server dry-run; confirmation; the conflict-safe apply; on a conflict, what
 * changed meanwhile and (on a terminal) the offer to re-apply on the new version; the audit
 * record: a pending row before the PATCH is sent and its outcome after the answer, with
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT held back in between so that an interrupted apply is
 * still recorded (see edit.h). Writes text only, never curses. */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/edit.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

enum { RC_OK = 0, RC_REJECTED = 1, RC_CANNOT = 2 };

static void print_findings(const struct edit *e, FILE *f, enum severity only)
{
	const struct findings *fs = edit_findings(e);
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *x = &fs->items[i];
		if (x->severity != only)
			continue;
		char *msg = str_sanitize(x->message), *field = str_sanitize(x->field);
		fprintf(f, "%s: %s: %s [%s]\n", severity_name(x->severity), field, msg, x->code);
		free(msg);
		free(field);
	}
}

static void print_notes(const struct edit *e, FILE *f)
{
	size_t n;
	const char *const *notes = edit_notes(e, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", notes[i]);
}

/* An apierr kind that means "could not talk to the cluster" (exit 2). */
static bool cannot_talk(enum apierr_kind k)
{
	return k == APIERR_TRANSPORT || k == APIERR_CREDENTIALS || k == APIERR_UNAUTHORIZED ||
	       k == APIERR_NOT_FOUND;
}

static bool ask(const struct edit_batch_opts *o, const char *question)
{
	fprintf(o->out, "%s [y/N] ", question);
	fflush(o->out);
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* TEST ONLY: wait until the file exists (at most 60 s). */
static void test_pause(const struct edit_batch_opts *o)
{
	if (!o->pause_file || !*o->pause_file)
		return;
	fprintf(o->err, "gammatop: test hook: waiting for %s\n", o->pause_file);
	fflush(o->err);
	int64_t deadline = time_mono_ms() + 60000;
	while (access(o->pause_file, F_OK) != 0 && time_mono_ms() < deadline)
		usleep(50 * 1000);
}

static void audit_ctx(const struct edit_batch_opts *o, struct edit_audit_ctx *ctx)
{
	*ctx = (struct edit_audit_ctx){.context = o->context, .user = o->user,
	                               .cluster = o->cluster, .undo_of = o->undo_of};
}

/* Write the pending row of the apply about to be sent: its id, 0 when not recorded (said). */
static int64_t record_intent(struct edit *e, const struct edit_batch_opts *o)
{
	if (!o->cache) {
		fprintf(o->err, "gammatop: warning: no cache: this change is not in the audit log\n");
		return 0;
	}
	char err[512];
	struct edit_audit_ctx ctx;
	audit_ctx(o, &ctx);
	int64_t id = edit_audit_begin(e, o->cache, &ctx, err, sizeof err);
	if (id < 0) {
		fprintf(o->err, "gammatop: warning: %s: this change is not in the audit log\n", err);
		return 0;
	}
	return id;
}

/* The outcome of row id (0: there is none). */
static void record_outcome(struct edit *e, const struct edit_batch_opts *o, int64_t id)
{
	if (!id)
		return;
	char err[512];
	if (edit_audit_finish(e, o->cache, id, err, sizeof err) < 0)
		fprintf(o->err, "gammatop: warning: %s (#%" PRId64 " stays pending: the next "
		                "'gammatop history' checks it against the cluster)\n", err, id);
	else if (edit_state(e) == EDIT_APPLIED)
		fprintf(o->out, "audit: recorded as #%" PRId64 " ('gammatop undo %" PRId64
		                "' reverts it)\n", id, id);
	else
		fprintf(o->out, "audit: recorded as #%" PRId64 "\n", id);
}

/* The signals that would end us between sending a change and recording its answer. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

/* Send the apply and record it; a stop signal that comes meanwhile waits (at most the
 * request time-out) until the answer is recorded, and is delivered after. */
static enum edit_state apply_recorded(struct edit *e, const struct edit_batch_opts *o)
{
	int64_t id = record_intent(e, o);
	test_pause(o);
	sigset_t stop, old, pend;
	stop_signals(&stop);
	sigprocmask(SIG_BLOCK, &stop, &old);
	enum edit_state s = edit_io_apply_sync(o->client, e, o->timeout_ms);
	if (s == EDIT_APPLIED)
		fprintf(o->out, "%s\n", edit_message(e));
	else
		fprintf(o->err, "gammatop: %s\n", edit_message(e));
	record_outcome(e, o, id);
	if (s == EDIT_APPLIED) { /* the team's record in the cluster: best effort, after the fact */
		char err[512];
		long max = o->timeout_ms > 0 && o->timeout_ms < 5000 ? o->timeout_ms : 5000;
		if (edit_event_post_sync(o->client, e, o->user, id, o->undo_of, max, err, sizeof err) < 0)
			fprintf(o->err, "gammatop: note: the change is applied, but no Event was written on "
			                "the route: %s\n", err);
	}
	sigemptyset(&pend);
	if (sigpending(&pend) == 0)
		for (int sig = 1; sig < 32; sig++)
			if (sigismember(&stop, sig) && sigismember(&pend, sig) &&
			    !sigismember(&old, sig)) {
				fprintf(o->err, "gammatop: %s came while the change was being applied: "
				                "waited for the server's answer and recorded it; stopping\n",
				        strsignal(sig));
				break;
			}
	fflush(o->out);
	fflush(o->err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return s;
}

/* Print what the change does and refuse what must not be sent. Returns -1 when done
 * (*rc set), 0 to go on. */
static int show(struct edit *e, const struct edit_batch_opts *o, int *rc)
{
	print_notes(e, o->out);
	switch (edit_state(e)) {
	case EDIT_INVALID:
		print_findings(e, o->err, SEV_ERROR);
		print_findings(e, o->err, SEV_WARNING);
		fprintf(o->err, "gammatop: refused: %s\n", edit_message(e));
		*rc = RC_REJECTED;
		return -1;
	case EDIT_NO_CHANGE:
		fprintf(o->out, "%s\n", edit_message(e));
		*rc = RC_OK;
		return -1;
	case EDIT_READY:
		break;
	default:
		fprintf(o->err, "gammatop: %s\n", edit_message(e));
		*rc = cannot_talk(edit_error_kind(e)) ? RC_CANNOT : RC_REJECTED;
		return -1;
	}
	print_findings(e, o->out, SEV_WARNING);
	fputs(edit_diff(e), o->out);
	char *patch = str_sanitize(edit_patch(e));
	fprintf(o->out, "merge patch: %s\n", patch);
	free(patch);
	char *preview = o->preview_window_ms > 0
	                        ? edit_preview_text(o->cache, e, o->preview_window_ms)
	                        : NULL;
	if (preview)
		fprintf(o->out, "%s\n", preview);
	free(preview);
	return 0;
}

static int dry_run(struct edit *e, const struct edit_batch_opts *o)
{
	enum edit_state s = edit_io_dry_run_sync(o->client, e, o->timeout_ms);
	if (s == EDIT_DRY_RUN_OK) {
		fprintf(o->out, "%s\n", edit_message(e));
		return RC_OK;
	}
	fprintf(o->err, "gammatop: refused: %s\n", edit_message(e));
	return cannot_talk(edit_error_kind(e)) ? RC_CANNOT : RC_REJECTED;
}

int edit_batch_run(struct edit *e, const struct edit_batch_opts *o)
{
	int rc;
	if (show(e, o, &rc) < 0)
		return rc;
	for (;;) {
		if ((rc = dry_run(e, o)) != RC_OK)
			return rc;
		if (o->dry_run) {
			fprintf(o->out, "dry run: nothing was changed\n");
			return RC_OK;
		}
		if (!o->yes) {
			if (!o->interactive) {
				fprintf(o->err, "gammatop: not applied: not on a terminal, so nobody can "
				                "confirm; add --yes to apply (or --dry-run to check only)\n");
				return RC_CANNOT;
			}
			char q[512];
			snprintf(q, sizeof q, "Apply this change to %s %s?", edit_route_id(e),
			         edit_rule_label(e));
			if (!ask(o, q)) {
				fprintf(o->out, "not applied\n");
				return RC_REJECTED;
			}
		}
		enum edit_state s = apply_recorded(e, o);
		if (s == EDIT_APPLIED)
			return RC_OK;
		if (s != EDIT_CONFLICT)
			return s == EDIT_FAILED && cannot_talk(edit_error_kind(e)) ? RC_CANNOT
			                                                           : RC_REJECTED;
		/* Conflict: show what changed meanwhile and the change on the new version. */
		s = edit_io_fetch_sync(o->client, e, o->timeout_ms);
		if (s == EDIT_FAILED) {
			fprintf(o->err, "gammatop: cannot read the current version: %s\n",
			        edit_message(e));
			return RC_REJECTED;
		}
		const char *mw = edit_meanwhile(e);
		fprintf(o->out, "what changed meanwhile:\n%s", mw && *mw ? mw : "(nothing visible)\n");
		if (s != EDIT_READY) {
			show(e, o, &rc);
			return rc == RC_OK ? RC_REJECTED : rc;
		}
		fprintf(o->out, "the change on top of resourceVersion %s:\n",
		        str_or(edit_resource_version(e), "?"));
		fputs(edit_diff(e), o->out);
		if (!o->interactive || !ask(o, "Re-apply the change on top of the new version?")) {
			fprintf(o->err, "gammatop: rejected: conflict; nothing was overwritten. Run the "
			                "command again to apply on top of the new version\n");
			return RC_REJECTED;
		}
	}
}

int edit_batch_parse_route(const char *route, const char *default_ns, char **ns, char **name,
                           char *err, size_t errlen)
{
	*ns = *name = NULL;
	const char *r = route;
	const char *slash = strchr(r, '/');
	if (slash && strchr(slash + 1, '/')) {
		size_t kl = (size_t)(slash - r);
		char kind[32];
		if (kl >= sizeof kind) {
			snprintf(err, errlen, "route '%.60s': expected [httproute/]NAMESPACE/NAME", route);
			return -1;
		}
		memcpy(kind, r, kl);
		kind[kl] = '\0';
		int k = kind_from_name(kind);
		if (k != GT_HTTPROUTE) {
			snprintf(err, errlen, "route '%.60s': %s", route,
			         k == GT_GRPCROUTE ? "GRPCRoute rules have no timeouts or retry in "
			                             "Gateway API; only HTTPRoute rules can be set"
			         : k >= 0 && kind_is_l4_route((enum gt_kind)k)
			             ? "TLSRoute, TCPRoute and UDPRoute rules have only backendRefs (no "
			               "timeouts or retry); only HTTPRoute rules can be set"
			             : "expected [httproute/]NAMESPACE/NAME");
			return -1;
		}
		r = slash + 1;
		slash = strchr(r, '/');
	}
	const char *n = slash ? slash + 1 : r;
	size_t nsl = slash ? (size_t)(slash - r) : 0;
	if (!*n || strchr(n, '/') || (slash && nsl == 0) || (!slash && str_empty(default_ns))) {
		snprintf(err, errlen, "route '%.60s': expected [httproute/]NAMESPACE/NAME", route);
		return -1;
	}
	*ns = slash ? xstrndup(r, nsl) : xstrdup(default_ns);
	*name = xstrdup(n);
	return 0;
}
