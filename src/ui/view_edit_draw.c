/* view_edit_draw.c: drawing the console's edit form (see view_edit.c): the fields with their
 * validation messages, the state of the last step, the telemetry preview, the diff and the
 * merge patch, wrapped and scrollable, and the key hints. Reads the form's state only. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/console.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/theme.h"
#include "gammatop/xalloc.h"

#include "view_edit_int.h"

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
	if (d->paths)
		add_wrapped(l, THEME_WARN, NULL, d->paths, width);
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

void view_edit_draw(struct view *v, int y, int x, int h, int w)
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

