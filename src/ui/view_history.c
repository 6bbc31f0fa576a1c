/* view_history.c: `:history`: the audit log of policy changes from the cache, newest first:
 * when, who (kubeconfig context and user), which route and rule, the policy before and
 * after, the result and the server's answer, and which change reverted which. `u` reverts
 * the selected change through the edit layer (ui_edit_open_undo): conflict-safe (an undo
 * never overwrites a later change) and itself recorded. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/audit.h"
#include "gammatop/cache.h"
#include "gammatop/console.h"
#include "gammatop/edit.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

#define HISTORY_LIMIT 500

enum { C_ID, C_WHEN, C_CTX, C_USER, C_ROUTE, C_RULE, C_CHANGE, C_RESULT, C_NOTE, NCOLS };

static const struct grid_col cols[NCOLS] = {
	{.title = "ID", .width = 5, .right = true, .numeric = true},
	{.title = "WHEN", .width = 19, .drop = 4},
	{.title = "CONTEXT", .min = 8, .drop = 7},
	{.title = "USER", .min = 6, .drop = 8},
	{.title = "ROUTE", .min = 16},
	{.title = "RULE", .width = 4, .drop = 3},
	{.title = "CHANGE", .min = 18},
	{.title = "RESULT", .width = 9, .drop = 1},
	{.title = "NOTE", .min = 10, .drop = 5},
};

struct hist {
	char error[512]; /* the cache could not be read */
};

static void init(struct view *v)
{
	grid_init(&v->grid, cols, NCOLS, false);
	v->priv = xcalloc(1, sizeof(struct hist));
	free(v->title);
	v->title = xstrdup(v->con->readonly ? "history (read-only)" : "history");
}

static void vfree(struct view *v)
{
	free(v->priv);
}

static void refresh(struct view *v)
{
	struct hist *h = v->priv;
	grid_clear(&v->grid);
	h->error[0] = '\0';
	char err[512] = "";
	struct cache *c = ui_edit_cache();
	if (!c) {
		snprintf(h->error, sizeof h->error, "cannot read the audit log: no cache");
		return;
	}
	struct audit_entry *list = NULL;
	size_t n = 0;
	if (audit_list(c, NULL, HISTORY_LIMIT, &list, &n, err, sizeof err) < 0) {
		snprintf(h->error, sizeof h->error, "cannot read the audit log: %s", err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct audit_entry *a = &list[i];
		char key[32], when[32] = "?", before[128], after[128];
		snprintf(key, sizeof key, "%lld", (long long)a->id);
		struct grid_row *r = grid_add(&v->grid, 0, key);
		r->target = xstrdup_null(a->route);
		r->rule = a->rule;
		grid_setf(r, C_ID, THEME_DIM, "#%lld", (long long)a->id);
		grid_set_num(r, C_ID, (double)a->id);
		time_t t = (time_t)(a->at_ms / 1000);
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		grid_set(r, C_WHEN, THEME_NORMAL, when);
		grid_set(r, C_CTX, THEME_DIM, str_or(a->context, "-"));
		grid_set(r, C_USER, THEME_DIM, str_or(a->user, "-"));
		grid_set(r, C_ROUTE, THEME_ROUTE, str_or(a->route, "?"));
		if (a->rule >= 0)
			grid_setf(r, C_RULE, THEME_RULE, "%d", a->rule);
		else
			grid_set(r, C_RULE, THEME_RULE, "*");
		edit_audit_summary(a->before_json, before, sizeof before);
		edit_audit_summary(a->after_json, after, sizeof after);
		grid_setf(r, C_CHANGE, THEME_POLICY, "%s -> %s", before, after);
		bool applied = a->result && !strcmp(a->result, AUDIT_APPLIED);
		grid_set(r, C_RESULT, applied ? THEME_OK : THEME_ERROR, str_or(a->result, "?"));
		int64_t by = applied ? audit_undone_by(c, a->id) : 0;
		char note[640];
		if (a->undo_of && by)
			snprintf(note, sizeof note, "undo of #%lld; undone by #%lld", (long long)a->undo_of,
			         (long long)by);
		else if (a->undo_of)
			snprintf(note, sizeof note, "undo of #%lld", (long long)a->undo_of);
		else if (by)
			snprintf(note, sizeof note, "undone by #%lld", (long long)by);
		else
			snprintf(note, sizeof note, "%s", applied ? "" : str_or(a->message, ""));
		grid_set(r, C_NOTE, by ? THEME_DIM : applied ? THEME_NORMAL : THEME_WARN, note);
	}
	audit_list_free(list, n);
}

static void draw(struct view *v, int y, int x, int h, int w)
{
	struct hist *hs = v->priv;
	if (hs->error[0]) {
		screen_put(y, x, w, THEME_ERROR, 0, hs->error);
		return;
	}
	if (!v->grid.n) {
		screen_put(y, x, w, THEME_DIM, 0,
		           "no changes recorded yet (e on a route rule edits it; every apply is "
		           "recorded here)");
		return;
	}
	grid_draw(&v->grid, y, x, h - 1, w);
	screen_put(y + h - 1, x, w, THEME_DIM, 0,
	           v->con->readonly ? "read-only (--readonly): undo is disabled"
	                            : "u: undo the selected change (conflict-safe, recorded)");
}

static bool key(struct view *v, int action)
{
	(void)v, (void)action;
	return false; /* navigation: the grid; `u` arrives as a raw key (raw_key) */
}

/* `u` reverts the selected change (when there is one: else it is the console's ACT_UNDO). */
static bool raw_key(struct view *v, int key)
{
	if (key != 'u' || !v->grid.n_vis)
		return false;
	struct grid_row *r = grid_current(&v->grid);
	if (r && r->key)
		ui_edit_open_undo(v->con, strtoll(r->key, NULL, 10));
	return true;
}

const struct view_ops view_history_ops = {
	.name = "history",
	.init = init,
	.free = vfree,
	.draw = draw,
	.key = key,
	.refresh = refresh,
	.raw_key = raw_key,
};

void ui_history_open(struct console *c)
{
	for (size_t i = 0; i < c->depth; i++)
		if (c->stack[i]->ops == &view_history_ops && i == c->depth - 1)
			return;
	console_push(c, view_new(&view_history_ops, c, NULL));
}
