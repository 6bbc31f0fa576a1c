/* view_edit.c: the console's inline policy form (`e` on a route rule) and the review panel
 * shared by `E` (the whole route in $EDITOR) and `u` (undo from the history): a panel over
 * the lower part of the view it was opened from. The form holds the rule's timeouts.request,
 * timeouts.backendRequest, retry.attempts, retry.backoff and retry.codes; every keystroke
 * re-validates through the edit layer (messages next to their field) and refreshes the
 * before/after diff and merge patch. Enter runs the server's dry-run and shows its verdict;
 * `y` applies with the resourceVersion the form started from; a 409 fetches the route again,
 * shows what changed meanwhile and offers to re-apply on top. Every apply attempt is
 * recorded in the cache's audit log. See ui_edit.h. */
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

#define FIELD_MAX 40
#define LABEL_W 16
#define BOX_W 18

enum mode { M_FORM, M_DOC, M_UNDO };
enum phase {
	P_LOADING,  /* GET of the route under way */
	P_FORM,     /* typing (M_FORM), or reviewing a document/undo before its dry-run */
	P_CHECKING, /* dry-run under way */
	P_VERDICT,  /* dry-run answered: y applies when it passed */
	P_APPLYING, /* PATCH under way */
	P_REBASING, /* 409: GET of the new version under way */
	P_CONFLICT, /* rebased: meanwhile diff shown, y re-applies on top */
	P_ERROR     /* nothing more to do here: any key closes */
};

enum { F_REQ, F_BACKEND, F_ATTEMPTS, F_BACKOFF, F_CODES, NF };

static const struct {
	const char *label, *path; /* the field path suffix the edit layer's findings carry */
} fields[NF] = {
	{"request", "timeouts.request"},
	{"backendRequest", "timeouts.backendRequest"},
	{"retry.attempts", "retry.attempts"},
	{"retry.backoff", "retry.backoff"},
	{"retry.codes", "retry.codes"},
};

struct field {
	struct buf text;
	char orig[FIELD_MAX * 4 + 8]; /* the value in the base ("" when unset) */
	bool clear;                   /* ^D: remove the field */
	char local[96];               /* a message of the form itself (not a whole number) */
};

struct ed {
	enum mode mode;
	enum phase phase;
	struct edit *e;
	struct kreq *req;
	int rule;
	struct field f[NF];
	int focus;
	bool auto_apply;  /* re-apply on top: apply as soon as the dry-run passes */
	bool no_client;   /* opened without a cluster: validate and preview only */
	char *preview;    /* telemetry line, or NULL */
	char *doc_text;   /* M_DOC: the last edited text */
	struct audit_entry undo; /* M_UNDO: the entry being reverted */
	int scroll;
	char status[1024]; /* what the panel says about the last step */
};

/* ---- the environment (one console per process) ---- */

static struct ui_edit_env env;

void ui_edit_set_env(struct console *c, const struct ui_edit_env *e)
{
	(void)c;
	env = *e;
}

const char *ui_edit_cache_path(void)
{
	return env.cache_path;
}

static struct kclient *client(void)
{
	return env.client ? env.client(env.ud) : NULL;
}

static struct cache *open_cache(void)
{
	char err[512], *notice = NULL;
	struct cache *c = cache_open(env.cache_path, &notice, err, sizeof err);
	free(notice);
	return c;
}

/* ---- helpers ---- */

static struct ed *ED(struct view *v)
{
	return v->priv;
}

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
	struct cache *c = open_cache();
	if (!c)
		return;
	d->preview = edit_preview_text(c, d->e,
	                               env.preview_window_ms > 0 ? env.preview_window_ms : 900000);
	cache_close(c);
}

/* Record the last apply attempt in the audit log; a failure is shown, never fatal. */
static void record(struct view *v)
{
	struct ed *d = ED(v);
	struct kclient *k = client();
	const struct kubeconfig *kc = k ? kclient_config(k) : NULL;
	char err[512] = "";
	struct cache *c = open_cache();
	int64_t id = -1;
	if (c) {
		id = edit_audit_record(d->e, c, kc ? kc->context : NULL, kc ? kc->user_name : NULL,
		                       d->mode == M_UNDO ? d->undo.id : 0, err, sizeof err);
		cache_close(c);
	} else {
		snprintf(err, sizeof err, "cannot open the cache");
	}
	if (id < 0)
		console_message(v->con, true, "not recorded in the audit log: %s", err);
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
	record(v);
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
	const char *slash = strchr(route, '/');
	if (!slash || strncmp(route, "httproute/", 10)) {
		console_message(c, true, "%.*s: only HTTPRoute rules have timeouts and retry to edit",
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
	char err[512] = "";
	struct cache *cache = open_cache();
	struct audit_entry a;
	memset(&a, 0, sizeof a);
	int rc = cache ? audit_get(cache, id, &a, err, sizeof err) : -1;
	if (cache)
		cache_close(cache);
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
		if (p->target && (!strncmp(p->target, "grpcroute/", 10))) {
			route = p->target;
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

bool ui_edit_raw_key(struct view *v, int key)
{
	if (!v)
		return false;
	if (v->ops == &view_history_ops) {
		if (key == 'u' && v->grid.n_vis) {
			struct grid_row *r = grid_current(&v->grid);
			if (r && r->key)
				ui_edit_open_undo(v->con, strtoll(r->key, NULL, 10));
			return true;
		}
		return false;
	}
	if (v->ops != &view_edit_ops)
		return false;
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

/* ---- drawing ---- */

struct line {
	enum theme_elem elem;
	char *text;
	int field; /* >= 0: the form line of that field */
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static void add(struct lines *l, enum theme_elem e, int field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(struct lines *l, enum theme_elem e, int field, const char *fmt, ...)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	va_list ap;
	va_start(ap, fmt);
	struct buf b;
	buf_init(&b);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_puts(&b, "");
	l->v[l->n++] = (struct line){e, buf_steal(&b), field};
}

static void add_block(struct lines *l, const char *text, bool diff)
{
	if (!text)
		return;
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, "\n");
		enum theme_elem e = THEME_NORMAL;
		if (diff && *p == '+' && strncmp(p, "+++", 3))
			e = THEME_OK;
		else if (diff && *p == '-' && strncmp(p, "---", 3))
			e = THEME_ERROR;
		else if (diff && (*p == '@' || !strncmp(p, "+++", 3) || !strncmp(p, "---", 3)))
			e = THEME_DIM;
		add(l, e, -1, "  %.*s", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

/* The message of the first finding on field path suffix (errors before warnings). */
static const struct finding *field_finding(struct ed *d, const char *suffix)
{
	const struct findings *fs = edit_findings(d->e);
	const struct finding *best = NULL;
	size_t sl = strlen(suffix);
	for (size_t i = 0; fs && i < fs->n; i++) {
		const char *f = fs->items[i].field;
		size_t fl = f ? strlen(f) : 0;
		if (fl < sl || strcmp(f + fl - sl, suffix) || (fl > sl && f[fl - sl - 1] != '.'))
			continue;
		if (!best || fs->items[i].severity < best->severity)
			best = &fs->items[i];
	}
	return best;
}

static bool finding_is_field(const struct finding *f)
{
	for (int i = 0; i < NF; i++) {
		size_t fl = f->field ? strlen(f->field) : 0, sl = strlen(fields[i].path);
		if (fl >= sl && !strcmp(f->field + fl - sl, fields[i].path))
			return true;
	}
	return false;
}

static const char *state_word(struct ed *d)
{
	switch (d->phase) {
	case P_LOADING: return "reading";
	case P_CHECKING: return "dry-run...";
	case P_APPLYING: return "applying...";
	case P_REBASING: return "conflict: re-reading";
	case P_CONFLICT: return "CONFLICT";
	case P_ERROR: return "error";
	case P_VERDICT:
		return edit_state(d->e) == EDIT_DRY_RUN_OK ? "dry-run OK" : edit_state_name(edit_state(d->e));
	default: return edit_state_name(edit_state(d->e));
	}
}

/* Long text (the merge patch) over several lines of width w. */
static void add_wrapped(struct lines *l, enum theme_elem e, const char *head, const char *text,
                        int w)
{
	size_t step = w > 20 ? (size_t)w - 4 : 16, n = strlen(text);
	if (head)
		add(l, THEME_TITLE, -1, "%s", head);
	for (size_t i = 0; i < n; i += step)
		add(l, e, -1, "  %.*s", (int)(n - i < step ? n - i : step), text + i);
}

static void build_lines(struct view *v, struct lines *l, int width)
{
	struct ed *d = ED(v);
	if (d->mode == M_FORM && d->phase != P_LOADING && edit_current(d->e)) {
		for (int i = 0; i < NF; i++)
			add(l, THEME_NORMAL, i, "%s", "");
	}
	size_t nn = 0;
	const char *const *notes = edit_notes(d->e, &nn);
	for (size_t i = 0; i < nn; i++) {
		char *t = xasprintf("! %s", notes[i]);
		add_wrapped(l, THEME_WARN, NULL, t, width);
		free(t);
	}
	if (edit_mesh(d->e) == EDIT_MESH_LINKERD && d->mode == M_FORM)
		add(l, THEME_DIM, -1, "  ^A: %s", edit_linkerd_annotations(d->e)
		                                      ? "write the Gateway API fields instead"
		                                      : "write Linkerd's route annotations instead");
	const struct findings *fs = edit_findings(d->e);
	for (size_t i = 0; fs && i < fs->n; i++)
		if (d->mode != M_FORM || !finding_is_field(&fs->items[i]))
			add(l, fs->items[i].severity == SEV_ERROR ? THEME_ERROR : THEME_WARN, -1, "%s %s: %s",
			    fs->items[i].severity == SEV_ERROR ? "x" : "!", str_or(fs->items[i].field, ""),
			    fs->items[i].message);
	if (edit_state(d->e) == EDIT_INVALID && (!fs || !fs->n) && *edit_message(d->e))
		add(l, THEME_ERROR, -1, "x %s", edit_message(d->e));
	if (d->preview)
		add_wrapped(l, THEME_POLICY, NULL, d->preview, width);
	if (edit_meanwhile(d->e) && *edit_meanwhile(d->e)) {
		add(l, THEME_TITLE, -1, "changed meanwhile (by someone else):");
		add_block(l, edit_meanwhile(d->e), true);
	}
	const char *diff = edit_diff(d->e);
	if (diff && *diff && edit_state(d->e) != EDIT_INVALID) {
		add(l, THEME_TITLE, -1, "diff (before -> after):");
		add_block(l, diff, true);
		const char *patch = edit_patch(d->e);
		if (patch && *patch)
			add_wrapped(l, THEME_NORMAL, "merge patch (sent with the resourceVersion read):",
			            patch, width);
	}
}

static void draw_field(struct view *v, int i, int y, int x, int w)
{
	struct ed *d = ED(v);
	struct field *f = &d->f[i];
	bool focus = d->focus == i && d->phase == P_FORM;
	screen_put(y, x, LABEL_W, focus ? THEME_TITLE : THEME_NORMAL, 0, fields[i].label);
	char box[FIELD_MAX * 4 + 16];
	if (f->clear)
		snprintf(box, sizeof box, "(clear)");
	else
		snprintf(box, sizeof box, "%s%s", buf_str(&f->text), focus ? "_" : "");
	int bx = x + LABEL_W;
	screen_fill(y, bx, BOX_W, focus ? THEME_CURSOR : THEME_PROMPT, 0);
	screen_put(y, bx, BOX_W, focus ? THEME_CURSOR : THEME_PROMPT, 0, box);
	int mx = bx + BOX_W + 1, mw = w - (mx - x);
	if (mw <= 0)
		return;
	const struct finding *fd = field_finding(d, fields[i].path);
	char msg[512];
	if (f->local[0]) {
		screen_put(y, mx, mw, THEME_ERROR, 0, f->local);
	} else if (fd) {
		snprintf(msg, sizeof msg, "%s %s", fd->severity == SEV_ERROR ? "x" : "!", fd->message);
		screen_put(y, mx, mw, fd->severity == SEV_ERROR ? THEME_ERROR : THEME_WARN, 0, msg);
	} else {
		bool changed = f->clear || strcmp(buf_str(&f->text), f->orig);
		if (changed)
			snprintf(msg, sizeof msg, "was %s", *f->orig ? f->orig : "(unset)");
		else
			snprintf(msg, sizeof msg, "%s", *f->orig ? "current" : "(unset)");
		screen_put(y, mx, mw, THEME_DIM, 0, msg);
	}
}

static const char *hint(struct ed *d)
{
	switch (d->phase) {
	case P_FORM:
		return d->mode == M_DOC ? "Enter: edit again  Esc: drop"
		                        : "Tab/Up/Down: field  ^D: clear field  ^U: empty  Enter: "
		                          "dry-run  Esc: cancel  PgDn/PgUp: scroll";
	case P_VERDICT:
		return edit_state(d->e) == EDIT_DRY_RUN_OK && !d->no_client
		           ? "y: APPLY  Esc/n: back  PgDn/PgUp: scroll"
		           : "Esc: back";
	case P_CONFLICT:
		return edit_state(d->e) == EDIT_READY ? "y: re-apply on top  Esc/n: back" : "Esc: back";
	case P_ERROR: return "any key: close";
	default: return "Esc: abandon";
	}
}

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct ed *d = ED(v);
	struct console *c = v->con;
	size_t me = 0;
	while (me < c->depth && c->stack[me] != v)
		me++;
	if (me > 0 && me < c->depth) /* the view the form was opened from stays visible above */
		view_draw(c->stack[me - 1], y, x, h, w);
	int px = x + (w >= 40 ? 2 : 0), pw = w - (w >= 40 ? 4 : 0);
	struct lines l = {0};
	build_lines(v, &l, pw - 2);
	int sw = pw - 2 > 10 ? pw - 2 : 10;
	int slines = d->status[0] ? ((int)strlen(d->status) + sw - 1) / sw : 0;
	if (slines > 4)
		slines = 4;
	int want = (int)l.n + 2 + slines;
	int ph = want < h - 2 ? want : h - 2;
	if (ph < 4)
		ph = h < 4 ? h : 4;
	int py = y + h - ph;
	for (int i = 0; i < ph; i++)
		screen_fill(py + i, px, pw, THEME_NORMAL, 0);
	char title[640];
	char what[64] = "edit";
	if (d->mode == M_UNDO)
		snprintf(what, sizeof what, "undo #%lld:", (long long)d->undo.id);
	snprintf(title, sizeof title, " %s %s %s  [%s]%s%s", what, edit_route_id(d->e),
	         d->mode == M_DOC ? "(whole route)" : edit_rule_label(d->e), state_word(d),
	         edit_linkerd_annotations(d->e) ? "  (as Linkerd annotations)" : "",
	         d->no_client ? "  (no cluster: preview only)" : "");
	screen_fill(py, px, pw, THEME_HEADER, 0);
	screen_put(py, px, pw, THEME_HEADER, 0, title);
	if (slines > ph - 3)
		slines = ph - 3 > 0 ? ph - 3 : 0;
	int body = ph - 2 - slines;
	if (body < 0)
		body = 0;
	int max_scroll = (int)l.n - body > 0 ? (int)l.n - body : 0;
	if (d->scroll > max_scroll)
		d->scroll = max_scroll;
	for (int i = 0; i < body && (size_t)(i + d->scroll) < l.n; i++) {
		struct line *ln = &l.v[i + d->scroll];
		if (ln->field >= 0)
			draw_field(v, ln->field, py + 1 + i, px + 1, pw - 2);
		else
			screen_put(py + 1 + i, px + 1, pw - 2, ln->elem, 0, ln->text);
	}
	int sy = py + ph - 1;
	if (slines) {
		enum theme_elem se = d->phase == P_ERROR || d->phase == P_CONFLICT ||
		                             (d->phase == P_VERDICT && edit_state(d->e) != EDIT_DRY_RUN_OK)
		                         ? THEME_ERROR
		                         : THEME_MESSAGE;
		size_t len = strlen(d->status);
		for (int i = 0; i < slines; i++) {
			size_t off = (size_t)i * (size_t)sw;
			if (off >= len)
				break;
			char part[1100];
			snprintf(part, sizeof part, "%.*s", sw, d->status + off);
			/* the last line keeps the ellipsis when the status is longer still */
			screen_put(sy - slines + i, px + 1, i == slines - 1 ? pw - 2 : sw, se, 0,
			           i == slines - 1 ? d->status + off : part);
		}
	}
	screen_fill(sy, px, pw, THEME_STATUS, 0);
	screen_put(sy, px + 1, pw - 2, THEME_STATUS, 0, hint(d));
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].text);
	free(l.v);
}

/* ---- the view ---- */

static void init(struct view *v)
{
	struct ed *d = xcalloc(1, sizeof *d);
	for (int i = 0; i < NF; i++)
		buf_init(&d->f[i].text);
	v->priv = d;
	static const struct grid_col none[] = {{"", 0, 1, false, false, 0}};
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
	free(d->doc_text);
	audit_entry_done(&d->undo);
	free(d);
}

/* Navigation actions never reach the form: it takes raw keys (ui_edit_raw_key). */
static bool key(struct view *v, int action)
{
	(void)v, (void)action;
	return true;
}

const struct view_ops view_edit_ops = {
	.name = "edit",
	.init = init,
	.free = vfree,
	.draw = draw,
	.key = key,
};
