/* view_edit.c: the console's inline policy form (`e` on a route rule) and the review panel
 * shared by `E` (the whole route in $EDITOR) and `u` (undo from the history): a panel over
 * the lower part of the view it was opened from. The form holds the rule's timeouts.request,
 * timeouts.backendRequest, retry.attempts, retry.backoff and retry.codes; every keystroke
 * re-validates through the edit layer (messages next to their field) and refreshes the
 * before/after diff and merge patch. Enter runs the server's dry-run and shows its verdict;
 * `y` applies with the resourceVersion the form started from; a 409 fetches the route again,
 * shows what changed meanwhile and offers to re-apply on top. Every apply attempt is
 * recorded in the cache's audit log. See ui_edit.h; drawing is in view_edit_draw.c. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/audit.h"
#include "gammatop/buf.h"
#include "gammatop/cache.h"
#include "gammatop/console.h"
#include "gammatop/defaults.h"
#include "gammatop/edit.h"
#include "gammatop/kclient.h"
#include "gammatop/keys.h"
#include "gammatop/screen.h"
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/topocache.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"


#include "view_edit_int.h"

const struct view_edit_field view_edit_fields[NF] = {
	{"request", "timeouts.request"},
	{"backendRequest", "timeouts.backendRequest"},
	{"retry.attempts", "retry.attempts"},
	{"retry.backoff", "retry.backoff"},
	{"retry.codes", "retry.codes"},
};
/* ---- the environment (one console per process) ---- */

static struct ui_edit_env env;

void ui_edit_set_env(struct console *c, const struct ui_edit_env *e)
{
	(void)c;
	env = *e;
}

struct cache *ui_edit_cache(void)
{
	return env.cache;
}

static struct kclient *client(void)
{
	return env.client ? env.client(env.ud) : NULL;
}

struct kclient *ui_edit_client(void)
{
	return client();
}

char *ui_edit_cluster_key(void)
{
	return env.cluster_key ? env.cluster_key(env.ud) : NULL;
}

/* ---- helpers ---- */

/* Take v off the console's stack (it must be the top) and free it. */
static void close_view(struct view *v)
{
	struct console *c = v->con;
	if (c->depth > 1 && c->stack[c->depth - 1] == v) {
		c->depth--;
		view_free(v);
	}
	c->dirty = true;
}

static void say(struct ed *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct ed *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->status, sizeof d->status, fmt, ap);
	va_end(ap);
}

static void fmt_codes(const struct policy *p, char *b, size_t n)
{
	b[0] = '\0';
	size_t len = 0;
	for (size_t i = 0; i < p->n_codes && len + 8 < n; i++)
		len += (size_t)snprintf(b + len, n - len, "%s%d", i ? "," : "", p->codes[i]);
}

/* Fill the fields from the base's current policy (after a load or a rebase: the typed
 * values stay, the "current" values move). */
static void fill_orig(struct ed *d, bool reset_text)
{
	const struct policy *p = edit_current(d->e);
	char *o[NF];
	for (int i = 0; i < NF; i++) {
		o[i] = d->f[i].orig;
		o[i][0] = '\0';
	}
	if (p) {
		if (p->has_request)
			snprintf(o[F_REQ], sizeof d->f[F_REQ].orig, "%s", p->request);
		if (p->has_backend_request)
			snprintf(o[F_BACKEND], sizeof d->f[F_BACKEND].orig, "%s", p->backend_request);
		if (p->attempts >= 0)
			snprintf(o[F_ATTEMPTS], sizeof d->f[F_ATTEMPTS].orig, "%d", p->attempts);
		if (p->has_backoff)
			snprintf(o[F_BACKOFF], sizeof d->f[F_BACKOFF].orig, "%s", p->backoff);
		fmt_codes(p, o[F_CODES], sizeof d->f[F_CODES].orig);
	}
	if (reset_text)
		for (int i = 0; i < NF; i++) {
			buf_reset(&d->f[i].text);
			buf_puts(&d->f[i].text, d->f[i].orig);
			d->f[i].clear = false;
		}
}

/* The form's fields -> an edit_change -> the edit layer (validation, diff, patch). */
static void recompute(struct ed *d)
{
	struct edit_change c;
	edit_change_init(&c);
	for (int i = 0; i < NF; i++)
		d->f[i].local[0] = '\0';
	const char *t[NF];
	bool set[NF], clr[NF];
	for (int i = 0; i < NF; i++) {
		t[i] = buf_str(&d->f[i].text);
		clr[i] = d->f[i].clear || (!*t[i] && *d->f[i].orig);
		set[i] = !clr[i] && strcmp(t[i], d->f[i].orig) != 0 && *t[i];
	}
	if (clr[F_REQ]) c.clear_request = true;
	else if (set[F_REQ]) c.request_timeout = t[F_REQ];
	if (clr[F_BACKEND]) c.clear_backend = true;
	else if (set[F_BACKEND]) c.backend_timeout = t[F_BACKEND];
	if (clr[F_ATTEMPTS]) {
		c.clear_attempts = true;
	} else if (set[F_ATTEMPTS]) {
		char *end;
		long n = strtol(t[F_ATTEMPTS], &end, 10);
		if (*end || n < 0 || n > 1000000)
			snprintf(d->f[F_ATTEMPTS].local, sizeof d->f[F_ATTEMPTS].local,
			         "not a whole number of attempts");
		else
			c.retry_attempts = (int)n;
	}
	if (clr[F_BACKOFF]) c.clear_backoff = true;
	else if (set[F_BACKOFF]) c.retry_backoff = t[F_BACKOFF];
	if (clr[F_CODES]) c.retry_codes = "";
	else if (set[F_CODES]) c.retry_codes = t[F_CODES];
	edit_set_change(d->e, &c);
	free(d->paths);
	d->paths = edit_paths_effect(d->con, edit_route_id(d->e), edit_rule_index(d->e),
	                             edit_target(d->e));
}

static bool form_ok(struct ed *d)
{
	for (int i = 0; i < NF; i++)
		if (d->f[i].local[0])
			return false;
	return edit_state(d->e) == EDIT_READY;
}

static void refresh_preview(struct ed *d)
{
	free(d->preview);
	d->preview = NULL;
	struct cache *c = env.cache;
	if (!c)
		return;
	d->preview = edit_preview_text(c, d->e,
	                               env.preview_window_ms > 0 ? env.preview_window_ms
	                                                         : GT_DEFAULT_PREVIEW_WINDOW_MS);
}

/* The audit row of the apply about to be sent (pending until record_outcome); a failure is
 * shown, never fatal. */
static void record_intent(struct view *v)
{
	struct ed *d = ED(v);
	struct kclient *k = client();
	const struct kubeconfig *kc = k ? kclient_config(k) : NULL;
	char err[512] = "", *cluster = kc ? cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len)
	                                  : NULL;
	struct edit_audit_ctx ctx = {.context = kc ? kc->context : NULL,
	                             .user = kc ? kc->identity : NULL, .cluster = cluster,
	                             .undo_of = d->mode == M_UNDO ? d->undo.id : 0};
	d->audit_id = env.cache && !cache_readonly(env.cache)
	                      ? edit_audit_begin(d->e, env.cache, &ctx, err, sizeof err)
	                      : -1;
	free(cluster);
	if (d->audit_id < 0) {
		d->audit_id = 0;
		console_message(v->con, true, "not recorded in the audit log: %s",
		                *err ? err : "no writable cache");
	}
}

/* The outcome of the apply whose row record_intent wrote. */
static void record_outcome(struct view *v)
{
	struct ed *d = ED(v);
	char err[512] = "";
	if (d->audit_id && edit_audit_finish(d->e, env.cache, d->audit_id, err, sizeof err) < 0)
		console_message(v->con, true, "audit log: %s", err);
	d->audit_id = 0;
	v->con->data_gen++; /* the history view reads the log again */
}

/* ---- the steps ---- */

static void after_fetch(struct edit *e, void *ud);
static void after_dry_run(struct edit *e, void *ud);
static void after_apply(struct edit *e, void *ud);

static void start_dry_run(struct view *v)
{
	struct ed *d = ED(v);
	struct kclient *k = client();
	if (!k) {
		d->phase = P_VERDICT;
		say(d, "no cluster connection (a manifests or offline console): the change cannot be "
		       "dry-run or applied from here");
		return;
	}
	refresh_preview(d);
	d->phase = P_CHECKING;
	say(d, "server dry-run (dryRun=All)...");
	d->req = edit_io_dry_run(k, d->e, after_dry_run, v);
}

static void start_apply(struct view *v)
{
	struct ed *d = ED(v);
	struct kclient *k = client();
	if (!k)
		return;
	d->phase = P_APPLYING;
	say(d, "applying with resourceVersion %s...", str_or(edit_resource_version(d->e), "?"));
	record_intent(v);
	d->req = edit_io_apply(k, d->e, after_apply, v);
}

/* The base is read: select the rule, or run the editor, or prepare the undo. */
static void loaded(struct view *v)
{
	struct ed *d = ED(v);
	char err[512] = "";
	if (edit_state(d->e) == EDIT_FAILED || edit_state(d->e) == EDIT_EMPTY) {
		d->phase = P_ERROR;
		say(d, "cannot read %s: %s", edit_route_id(d->e), edit_message(d->e));
		return;
	}
	edit_set_mesh(d->e, env.mesh);
	if (d->mode == M_FORM) {
		char r[16];
		snprintf(r, sizeof r, "%d", d->rule);
		if (edit_select_rule(d->e, r) < 0) {
			d->phase = P_ERROR;
			say(d, "%s", edit_message(d->e));
			return;
		}
		fill_orig(d, true);
		recompute(d);
		refresh_preview(d);
		d->phase = P_FORM;
		say(d, "%s", "");
		return;
	}
	if (d->mode == M_UNDO) {
		if (edit_audit_undo(d->e, &d->undo, err, sizeof err) < 0) {
			d->phase = P_ERROR;
			say(d, "cannot undo #%lld: %s", (long long)d->undo.id, err);
			return;
		}
		if (edit_state(d->e) == EDIT_NO_CHANGE) {
			d->phase = P_ERROR;
			say(d, "#%lld: the route already has the policy it had before: nothing to undo",
			    (long long)d->undo.id);
			return;
		}
		refresh_preview(d);
		start_dry_run(v);
		return;
	}
	/* M_DOC: the editor, with the fetched route (or the text edited last time). */
	char *yaml = d->doc_text ? xstrdup(d->doc_text) : edit_document_yaml(d->e);
	char *out = NULL;
	int rc = yaml ? ui_editor_edit_text(NULL, yaml, ".yaml", &out, err, sizeof err) : -1;
	free(yaml);
	v->con->dirty = true;
	if (rc < 0) {
		d->phase = P_ERROR;
		say(d, "%s", *err ? err : "cannot edit the route");
		return;
	}
	free(d->doc_text);
	d->doc_text = out;
	enum edit_state st = edit_set_document(d->e, out, strlen(out));
	if (st == EDIT_NO_CHANGE) {
		console_message(v->con, false, "%s: no change, nothing sent", edit_route_id(d->e));
		close_view(v);
		return;
	}
	if (st == EDIT_INVALID) {
		d->phase = P_FORM;
		say(d, "the edited route is not valid: Enter edits it again, Esc drops the edit");
		return;
	}
	start_dry_run(v);
}

static void after_fetch(struct edit *e, void *ud)
{
	struct view *v = ud;
	struct ed *d = ED(v);
	(void)e;
	d->req = NULL;
	v->con->dirty = true;
	if (d->phase == P_LOADING) {
		loaded(v);
		return;
	}
	/* P_REBASING: the route as it is now; the change is re-applied on it by the engine. */
	char err[512] = "";
	if (edit_state(d->e) == EDIT_FAILED) {
		d->phase = P_ERROR;
		say(d, "conflict, and the route cannot be read again: %s", edit_message(d->e));
		return;
	}
	if (d->mode == M_UNDO && edit_audit_undo(d->e, &d->undo, err, sizeof err) < 0) {
		d->phase = P_ERROR;
		say(d, "conflict: %s", err);
		return;
	}
	if (d->mode == M_FORM)
		fill_orig(d, false);
	d->phase = P_CONFLICT;
	if (edit_state(d->e) == EDIT_NO_CHANGE)
		say(d, "conflict: somebody changed the route meanwhile, and it now already has "
		       "your change: nothing to re-apply (Esc closes)");
	else if (edit_state(d->e) != EDIT_READY)
		say(d, "conflict: somebody changed the route meanwhile; on the new version your "
		       "change is not valid (Esc back to the form)");
	else
		say(d, "conflict: somebody changed the route meanwhile (above). Re-apply your change "
		       "on top of resourceVersion %s? y: re-apply  Esc: back",
		    str_or(edit_resource_version(d->e), "?"));
}

static void after_dry_run(struct edit *e, void *ud)
{
	struct view *v = ud;
	struct ed *d = ED(v);
	d->req = NULL;
	v->con->dirty = true;
	d->phase = P_VERDICT;
	if (edit_state(e) == EDIT_DRY_RUN_OK) {
		if (d->auto_apply) {
			d->auto_apply = false;
			start_apply(v);
			return;
		}
		say(d, "dry-run passed: %s. Apply? y: apply  Esc: back",
		    str_or(edit_message(e), "the server accepts the change"));
	} else if (edit_error_kind(e) == APIERR_CONFLICT && client()) {
		/* The route moved since it was read: the dry-run carried the old resourceVersion. */
		d->auto_apply = false;
		d->phase = P_REBASING;
		say(d, "conflict: %s changed since it was read; reading it again...", edit_route_id(e));
		d->req = edit_io_fetch(client(), d->e, after_fetch, v);
	} else {
		d->auto_apply = false;
		say(d, "dry-run refused, nothing applied: %s", edit_message(e));
	}
}

static void after_apply(struct edit *e, void *ud)
{
	struct view *v = ud;
	struct ed *d = ED(v);
	struct kclient *k = client();
	d->req = NULL;
	v->con->dirty = true;
	enum edit_state st = edit_state(e);
	int64_t audit_id = d->audit_id;
	record_outcome(v);
	if (st == EDIT_APPLIED && env.applied)
		env.applied(e, audit_id, d->mode == M_UNDO ? d->undo.id : 0, env.ud);
	if (st == EDIT_APPLIED) {
		console_message(v->con, false, "applied %s %s (resourceVersion %s -> %s)",
		                edit_route_id(e),
		                edit_rule_index(e) >= 0 ? edit_rule_label(e) : "(whole route)",
		                str_or(edit_resource_version(e), "?"),
		                str_or(edit_new_resource_version(e), "?"));
		close_view(v);
		return;
	}
	if (st == EDIT_CONFLICT && k) {
		d->phase = P_REBASING;
		say(d, "conflict: %s changed since it was read; reading it again...", edit_route_id(e));
		d->req = edit_io_fetch(k, d->e, after_fetch, v);
		return;
	}
	d->phase = P_VERDICT;
	say(d, "%s: %s", st == EDIT_REJECTED ? "the server refused the change" : "apply failed",
	    edit_message(e));
}

/* ---- opening ---- */

static struct view *open_view(struct console *c, const char *route, enum mode mode, int rule,
                              struct audit_entry *undo)
{
	if (c->readonly) {
		console_message(c, true, "read-only console (--readonly): editing is disabled");
		return NULL;
	}
	if (c->at_ms) {
		console_message(c, true, "showing the past (:at): edits are refused; :at now returns");
		return NULL;
	}
	const char *slash = strchr(route, '/');
	if (!slash || strncmp(route, "httproute/", 10)) {
		/* GRPCRoute has no timeouts or retry; TLS/TCP/UDP routes have only backendRefs */
		console_message(c, true, "%.*s: only HTTPRoute rules have timeouts and retry to edit "
		                         "(Gateway API v1.6 gives this kind none); edit it with kubectl",
		                slash ? (int)(slash - route) : (int)strlen(route), route);
		return NULL;
	}
	char *ns = NULL, *name = NULL, err[256];
	if (edit_batch_parse_route(route, NULL, &ns, &name, err, sizeof err) < 0) {
		console_message(c, true, "%s", err);
		return NULL;
	}
	struct view *v = view_new(&view_edit_ops, c, route);
	struct ed *d = ED(v);
	d->mode = mode;
	d->rule = rule < 0 ? 0 : rule;
	d->e = edit_new(GT_HTTPROUTE, ns, name);
	if (undo) { /* moved in */
		d->undo = *undo;
		memset(undo, 0, sizeof *undo);
	}
	free(v->title);
	v->title = xstrdup(mode == M_FORM ? "edit" : mode == M_DOC ? "edit (yaml)" : "undo");
	console_push(c, v);
	struct kclient *k = client();
	if (k) {
		d->phase = P_LOADING;
		say(d, "reading %s...", route);
		d->req = edit_io_fetch(k, d->e, after_fetch, v);
	} else {
		/* No cluster: start from the store's copy (validation and preview still work). */
		d->no_client = true;
		const struct gt_object *o = store_get(c->store, GT_HTTPROUTE, ns, name);
		json_t *j = o ? topocache_encode(o) : NULL;
		char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (body)
			edit_take_fetch(d->e, 200, body, strlen(body), NULL);
		free(body);
		loaded(v);
	}
	free(ns);
	free(name);
	return v;
}

void ui_edit_open(struct console *c, const char *route, int rule)
{
	open_view(c, route, M_FORM, rule, NULL);
}

void ui_edit_open_document(struct console *c, const char *route)
{
	open_view(c, route, M_DOC, -1, NULL);
}

void ui_edit_open_undo(struct console *c, int64_t id)
{
	if (c->readonly) {
		console_message(c, true, "read-only console (--readonly): undo is disabled");
		return;
	}
	if (c->at_ms) {
		console_message(c, true, "showing the past (:at): undo is refused; :at now returns");
		return;
	}
	char err[512] = "";
	struct cache *cache = env.cache;
	struct audit_entry a;
	memset(&a, 0, sizeof a);
	int rc = cache ? audit_get(cache, id, &a, err, sizeof err) : -1;
	if (rc != 1) {
		console_message(c, true, "cannot undo #%lld: %s", (long long)id,
		                rc == 0 ? "no such change" : *err ? err : "cannot open the cache");
		return;
	}
	if (!a.result || strcmp(a.result, AUDIT_APPLIED)) {
		console_message(c, true, "#%lld was not applied (%s): nothing to undo", (long long)id,
		                str_or(a.result, "?"));
		audit_entry_done(&a);
		return;
	}
	char *route = xstrdup(str_or(a.route, "?"));
	open_view(c, route, M_UNDO, a.rule, &a); /* takes the entry when it opens */
	free(route);
	audit_entry_done(&a);
}

void ui_edit_action(struct console *c, struct view *v, bool yaml)
{
	struct grid_row *r = v ? grid_current(&v->grid) : NULL;
	const char *route = NULL;
	int rule = -1;
	/* The row, or its nearest ancestor, that names a route (and a rule). */
	for (struct grid_row *p = r; p; p = p->parent == (size_t)-1 ? NULL : &v->grid.rows[p->parent]) {
		if (rule < 0 && p->rule >= 0)
			rule = p->rule;
		if (p->target && !strncmp(p->target, "httproute/", 10)) {
			route = p->target;
			break;
		}
		if (p->target && (!strncmp(p->target, "grpcroute/", 10) ||
		                  !strncmp(p->target, "tlsroute/", 9) || !strncmp(p->target, "tcproute/", 9) ||
		                  !strncmp(p->target, "udproute/", 9))) {
			route = p->target; /* refused with the reason when the form opens */
			break;
		}
	}
	if (!route && v && v->arg && strchr(v->arg, '/')) /* the route detail: its route */
		route = v->arg;
	if (!route) {
		console_message(c, true, "%s: select a route rule first (topology, routes or route "
		                         "detail)", yaml ? "E" : "e");
		return;
	}
	char *id = xstrdup(route);
	if (yaml)
		ui_edit_open_document(c, id);
	else
		ui_edit_open(c, id, rule);
	free(id);
}

/* ---- keys ---- */

static void field_backspace(struct buf *b)
{
	if (!b->len)
		return;
	do
		b->len--;
	while (b->len && (b->data[b->len] & 0xC0) == 0x80);
	b->data[b->len] = '\0';
}

static bool is_enter(int key)
{
	return key == '\r' || key == '\n' || key == SCREEN_FN(KEY_ENTER);
}

static bool is_cancel(int key)
{
	return key == 27 || key == KEY_CTRL('c') || key == KEY_CTRL('g');
}

static void form_key(struct view *v, int key)
{
	struct ed *d = ED(v);
	struct field *f = &d->f[d->focus];
	if (is_enter(key)) {
		if (d->mode == M_DOC) { /* invalid document: edit it again */
			d->phase = P_LOADING;
			loaded(v);
			return;
		}
		if (form_ok(d)) {
			start_dry_run(v);
		} else if (edit_state(d->e) == EDIT_NO_CHANGE && !d->f[F_ATTEMPTS].local[0]) {
			say(d, "nothing to change: type a new value, or ^D to clear a field");
		} else {
			say(d, "fix the errors first: nothing can be sent while the form is invalid");
		}
		return;
	}
	if (d->mode != M_FORM)
		return;
	bool changed = true;
	if (key == '\t' || key == SCREEN_FN(KEY_DOWN)) {
		d->focus = (d->focus + 1) % NF, changed = false;
	} else if (key == SCREEN_FN(KEY_BTAB) || key == SCREEN_FN(KEY_UP)) {
		d->focus = (d->focus + NF - 1) % NF, changed = false;
	} else if (key == SCREEN_FN(KEY_BACKSPACE) || key == 127 || key == KEY_CTRL('h')) {
		field_backspace(&f->text);
		f->clear = false;
	} else if (key == KEY_CTRL('u')) {
		buf_reset(&f->text);
		f->clear = false;
	} else if (key == KEY_CTRL('d')) {
		f->clear = !f->clear;
		buf_reset(&f->text);
		if (!f->clear)
			buf_puts(&f->text, f->orig);
	} else if (key == KEY_CTRL('a') && edit_mesh(d->e) == EDIT_MESH_LINKERD) {
		edit_set_linkerd_annotations(d->e, !edit_linkerd_annotations(d->e));
		fill_orig(d, true);
		say(d, edit_linkerd_annotations(d->e)
		           ? "writing Linkerd's route annotations (retry.linkerd.io/*, "
		             "timeout.linkerd.io/request)"
		           : "writing the Gateway API fields");
	} else if (key == SCREEN_FN(KEY_NPAGE)) {
		d->scroll += 5, changed = false;
	} else if (key == SCREEN_FN(KEY_PPAGE)) {
		d->scroll = d->scroll > 5 ? d->scroll - 5 : 0, changed = false;
	} else if (key >= 0x20 && key < 0x7f && f->text.len < FIELD_MAX) {
		char ch = (char)key;
		if (f->clear) {
			f->clear = false;
			buf_reset(&f->text);
		}
		buf_append(&f->text, &ch, 1);
	} else {
		changed = false;
	}
	if (changed) {
		recompute(d);
		if (d->status[0] && strncmp(d->status, "writing", 7))
			d->status[0] = '\0';
	}
}

/* The form takes every key (view_ops.raw_key). */
static bool raw_key(struct view *v, int key)
{
	struct ed *d = ED(v);
	v->con->dirty = true;
	if (key == SCREEN_FN(KEY_RESIZE) || key == SCREEN_FN(KEY_MOUSE))
		return false;
	if (key == SCREEN_FN(KEY_NPAGE) || key == SCREEN_FN(KEY_PPAGE)) {
		d->scroll = key == SCREEN_FN(KEY_NPAGE) ? d->scroll + 5 : d->scroll > 5 ? d->scroll - 5 : 0;
		return true;
	}
	switch (d->phase) {
	case P_FORM:
		if (is_cancel(key)) {
			console_message(v->con, false, "edit cancelled: nothing sent");
			close_view(v);
		} else {
			form_key(v, key);
		}
		break;
	case P_VERDICT:
	case P_CONFLICT:
		if ((key == 'y' || key == 'Y') && !d->no_client) {
			if (d->phase == P_VERDICT && edit_state(d->e) == EDIT_DRY_RUN_OK) {
				start_apply(v);
			} else if (d->phase == P_CONFLICT && edit_state(d->e) == EDIT_READY) {
				d->auto_apply = true; /* confirmed: dry-run the rebased change, then apply */
				start_dry_run(v);
			}
		} else if (is_cancel(key) || key == 'n' || key == 'N') {
			if (d->mode == M_FORM) {
				d->phase = P_FORM;
				recompute(d);
				say(d, "%s", "");
			} else {
				console_message(v->con, false, "nothing applied");
				close_view(v);
			}
		}
		break;
	case P_ERROR:
		close_view(v);
		break;
	default: /* a request is under way: Esc abandons it (the cluster may still apply) */
		if (is_cancel(key)) {
			if (d->req)
				kreq_cancel(d->req);
			d->req = NULL;
			console_message(v->con, true, d->phase == P_APPLYING
			                                  ? "left while applying: check :history"
			                                  : "cancelled");
			close_view(v);
		}
		break;
	}
	return true;
}

/* ---- the view ---- */

static void init(struct view *v)
{
	struct ed *d = xcalloc(1, sizeof *d);
	for (int i = 0; i < NF; i++)
		buf_init(&d->f[i].text);
	d->con = v->con;
	v->priv = d;
	static const struct grid_col none[] = {{.title = "", .min = 1}};
	grid_init(&v->grid, none, 1, false);
}

static void vfree(struct view *v)
{
	struct ed *d = ED(v);
	if (!d)
		return;
	if (d->req)
		kreq_cancel(d->req);
	edit_free(d->e);
	for (int i = 0; i < NF; i++)
		buf_done(&d->f[i].text);
	free(d->preview);
	free(d->paths);
	free(d->doc_text);
	audit_entry_done(&d->undo);
	free(d);
}

/* Navigation actions never reach the form: it takes raw keys (raw_key). */
static bool key(struct view *v, int action)
{
	(void)v, (void)action;
	return true;
}

const struct view_ops view_edit_ops = {
	.name = "edit",
	.init = init,
	.free = vfree,
	.draw = view_edit_draw,
	.key = key,
	.raw_key = raw_key,
};
