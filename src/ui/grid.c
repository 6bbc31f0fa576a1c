/* grid.c: the shared table/tree widget (see grid.h). Only visible rows are drawn; column
 * widths come from the column definitions, never from measuring every cell. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/keys.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/grid.h"
#include "gammatop/xalloc.h"

#define NO_PARENT ((size_t)-1)

void grid_init(struct grid *t, const struct grid_col *cols, size_t n_cols, bool tree)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->n_cols = n_cols;
	t->tree = tree;
	t->titles = true;
	t->sort_col = -1;
}

/* The pool: chunks of memory handed out in order, emptied (not freed) by grid_clear. */
struct grid_chunk {
	struct grid_chunk *next;
	size_t used, cap;
	max_align_t data[]; /* cap bytes */
};

#define CHUNK_BYTES ((size_t)256 * 1024)

static void *pool_alloc(struct grid *t, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct grid_chunk *c = t->pool; /* the first chunk is the one being filled */
	if (!c || c->used + n > c->cap) {
		struct grid_chunk **pp = &t->pool; /* an emptied one, else a new one */
		while (*pp && ((*pp)->used || (*pp)->cap < n))
			pp = &(*pp)->next;
		if (*pp) {
			c = *pp;
			*pp = c->next;
		} else {
			size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;
			c = xmalloc(sizeof *c + cap);
			c->used = 0;
			c->cap = cap;
		}
		c->next = t->pool;
		t->pool = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *grid_pool_str(struct grid *t, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return memcpy(pool_alloc(t, n), s, n);
}

static void free_rows(struct grid *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct grid_row *r = &t->rows[i];
		for (size_t c = 0; c < t->n_cols; c++)
			free(r->cells[c].text);
		if (r->pooled)
			continue;
		free(r->cells);
		free(r->key);
		free(r->target);
		free(r->ns);
	}
	t->n = 0;
	t->n_vis = 0;
	for (struct grid_chunk *c = t->pool; c; c = c->next)
		c->used = 0;
}

void grid_done(struct grid *t)
{
	free_rows(t);
	while (t->pool) {
		struct grid_chunk *next = t->pool->next;
		free(t->pool);
		t->pool = next;
	}
	free(t->rows);
	free(t->vis);
	if (t->has_re)
		regfree(&t->re);
	free(t->filter);
	free(t->scope);
	free(t->cursor_key);
	for (size_t i = 0; i < t->n_collapsed; i++)
		free(t->collapsed[i]);
	free(t->collapsed);
	memset(t, 0, sizeof *t);
}

static struct grid_row *current(struct grid *t)
{
	if (!t->n_vis)
		return NULL;
	if (t->cursor >= t->n_vis)
		t->cursor = t->n_vis - 1;
	return &t->rows[t->vis[t->cursor]];
}

struct grid_row *grid_current(struct grid *t)
{
	struct grid_row *r = current(t);
	if (r)
		grid_fill_row(t, r);
	return r;
}

static void remember_cursor(struct grid *t)
{
	struct grid_row *r = current(t); /* the key only: no cells made */
	if (r) {
		free(t->cursor_key);
		t->cursor_key = xstrdup(r->key);
	}
}

void grid_clear(struct grid *t)
{
	remember_cursor(t);
	free_rows(t);
}

static struct grid_row *add_row(struct grid *t, int depth, const char *key, bool pooled)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
	}
	struct grid_row *r = &t->rows[t->n++];
	memset(r, 0, sizeof *r);
	r->pooled = pooled;
	if (pooled) {
		size_t n = t->n_cols ? t->n_cols : 1;
		r->cells = memset(pool_alloc(t, n * sizeof *r->cells), 0, n * sizeof *r->cells);
		r->key = grid_pool_str(t, key);
	} else {
		r->cells = xcalloc(t->n_cols, sizeof *r->cells);
		r->key = xstrdup(key);
	}
	for (size_t c = 0; c < t->n_cols; c++)
		r->cells[c].num = NAN;
	r->depth = depth < 0 ? 0 : depth > 31 ? 31 : depth;
	r->rule = -1;
	r->expanded = true;
	return r;
}

struct grid_row *grid_add(struct grid *t, int depth, const char *key)
{
	return add_row(t, depth, key, false);
}

struct grid_row *grid_add_pooled(struct grid *t, int depth, const char *key)
{
	return add_row(t, depth, key, true);
}

void grid_set(struct grid_row *r, size_t col, enum theme_elem e, const char *text)
{
	free(r->cells[col].text);
	r->cells[col].text = xstrdup(text ? text : "");
	r->cells[col].elem = e;
}

void grid_setf(struct grid_row *r, size_t col, enum theme_elem e, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(r->cells[col].text);
	r->cells[col].text = buf_steal(&b);
	r->cells[col].elem = e;
}

void grid_set_num(struct grid_row *r, size_t col, double num) { r->cells[col].num = num; }

void grid_fill_row(struct grid *t, struct grid_row *r)
{
	if (!r->data || !t->fill)
		return;
	const void *d = r->data;
	r->data = NULL; /* once */
	t->fill(r, d, r->data_kind, t->fill_ud);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where key is in the sorted collapsed keys, or where it would go (*found false). */
static size_t collapsed_pos(const struct grid *t, const char *key, bool *found)
{
	size_t lo = 0, hi = t->n_collapsed;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->collapsed[mid], key);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static bool is_collapsed(const struct grid *t, const char *key)
{
	bool found = false;
	if (t->n_collapsed)
		collapsed_pos(t, key, &found);
	return found;
}

/* One node: O(collapsed) for the move of the tail, no sort. */
static void set_collapsed(struct grid *t, const char *key, bool on)
{
	bool found;
	size_t i = collapsed_pos(t, key, &found);
	if (on == found)
		return;
	if (on) {
		t->collapsed = xreallocarray(t->collapsed, t->n_collapsed + 1, sizeof *t->collapsed);
		memmove(&t->collapsed[i + 1], &t->collapsed[i],
		        (t->n_collapsed - i) * sizeof *t->collapsed);
		t->collapsed[i] = xstrdup(key);
		t->n_collapsed++;
		return;
	}
	free(t->collapsed[i]);
	memmove(&t->collapsed[i], &t->collapsed[i + 1],
	        (t->n_collapsed - i - 1) * sizeof *t->collapsed);
	t->n_collapsed--;
}

/* Parents, last-sibling flags and pipe masks of the tree (rows are in pre-order). */
static void compute_tree(struct grid *t)
{
	size_t stack[32];
	bool more[33];
	memset(more, 0, sizeof more);
	for (size_t i = t->n; i-- > 0;) {
		struct grid_row *r = &t->rows[i];
		r->last = !more[r->depth];
		more[r->depth] = true;
		for (int d = r->depth + 1; d < 33; d++)
			more[d] = false;
	}
	int sp = -1;
	for (size_t i = 0; i < t->n; i++) {
		struct grid_row *r = &t->rows[i];
		while (sp >= 0 && t->rows[stack[sp]].depth >= r->depth)
			sp--;
		r->parent = sp >= 0 ? stack[sp] : NO_PARENT;
		r->has_children = false;
		r->pipes = 0;
		if (r->parent != NO_PARENT) {
			struct grid_row *p = &t->rows[r->parent];
			p->has_children = true;
			r->pipes = p->pipes;
			if (!p->last && p->depth > 0)
				r->pipes |= 1u << p->depth;
		}
		r->expanded = !is_collapsed(t, r->key);
		stack[++sp] = i;
		if (sp >= 31)
			sp = 30;
	}
}

static bool row_matches_filter(struct grid *t, struct grid_row *r)
{
	if (!t->has_re)
		return true;
	grid_fill_row(t, r);
	struct buf b;
	buf_init(&b);
	for (size_t c = 0; c < t->n_cols; c++) {
		if (r->cells[c].text) {
			buf_puts(&b, r->cells[c].text);
			buf_putc(&b, ' ');
		}
	}
	if (r->target)
		buf_puts(&b, r->target);
	bool m = regexec(&t->re, buf_str(&b), 0, NULL, 0) == 0;
	buf_done(&b);
	return m != t->invert;
}

static const struct grid *sort_grid;

static int cmp_rows(const void *a, const void *b)
{
	const struct grid *t = sort_grid;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct grid_cell *ca = &t->rows[ia].cells[t->sort_col];
	const struct grid_cell *cb = &t->rows[ib].cells[t->sort_col];
	int c = 0;
	if (t->cols[t->sort_col].numeric) {
		bool na = isnan(ca->num), nb = isnan(cb->num);
		if (na || nb)
			return na == nb ? (ia < ib ? -1 : ia > ib) : na ? 1 : -1; /* unknown last */
		c = ca->num < cb->num ? -1 : ca->num > cb->num;
	} else {
		c = strcmp(ca->text ? ca->text : "", cb->text ? cb->text : "");
	}
	if (t->sort_desc)
		c = -c;
	return c ? c : (ia < ib ? -1 : ia > ib);
}

void grid_finish(struct grid *t)
{
	if (t->tree)
		compute_tree(t);
	bool *hit = xcalloc(t->n + 1, 1), *shown = xcalloc(t->n + 1, 1);
	bool filtering = t->has_re || t->scope;
	for (size_t i = 0; i < t->n; i++) {
		struct grid_row *r = &t->rows[i];
		bool ns_ok = !t->scope || (r->ns && !strcmp(r->ns, t->scope));
		hit[i] = ns_ok && row_matches_filter(t, r);
		shown[i] = hit[i];
	}
	if (t->tree && filtering) {
		for (size_t i = t->n; i-- > 0;) /* a hit shows its ancestors */
			if (shown[i] && t->rows[i].parent != NO_PARENT)
				shown[t->rows[i].parent] = true;
		for (size_t i = 0; i < t->n; i++) /* and its descendants */
			if (t->rows[i].parent != NO_PARENT && hit[t->rows[i].parent])
				hit[i] = shown[i] = true;
	}
	t->vis = xreallocarray(t->vis, t->n + 1, sizeof *t->vis);
	t->n_vis = 0;
	bool *hidden = xcalloc(t->n + 1, 1);
	for (size_t i = 0; i < t->n; i++) {
		struct grid_row *r = &t->rows[i];
		if (t->tree && r->parent != NO_PARENT)
			hidden[i] = hidden[r->parent] || !t->rows[r->parent].expanded;
		if (shown[i] && !hidden[i])
			t->vis[t->n_vis++] = i;
	}
	free(hit);
	free(shown);
	free(hidden);
	if (!t->tree && t->sort_col >= 0 && (size_t)t->sort_col < t->n_cols) {
		for (size_t v = 0; v < t->n_vis; v++)
			grid_fill_row(t, &t->rows[t->vis[v]]);
		sort_grid = t;
		qsort(t->vis, t->n_vis, sizeof *t->vis, cmp_rows);
		sort_grid = NULL;
	}
	if (!t->moved) { /* nobody chose a row yet: stay at the top while data streams in */
		t->cursor = 0;
	} else if (t->cursor_key) {
		for (size_t v = 0; v < t->n_vis; v++) {
			if (!strcmp(t->rows[t->vis[v]].key, t->cursor_key)) {
				t->cursor = v;
				break;
			}
		}
	}
	if (t->cursor >= t->n_vis)
		t->cursor = t->n_vis ? t->n_vis - 1 : 0;
	remember_cursor(t);
}

int grid_set_filter(struct grid *t, const char *expr, char *err, size_t errlen)
{
	bool invert = false;
	if (expr && expr[0] == '!')
		invert = true, expr++;
	if (str_empty(expr)) {
		if (t->has_re)
			regfree(&t->re);
		t->has_re = false;
		t->invert = false;
		free(t->filter);
		t->filter = NULL;
		grid_finish(t);
		return 0;
	}
	regex_t re;
	int rc = regcomp(&re, expr, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc) {
		char msg[128];
		regerror(rc, &re, msg, sizeof msg);
		char *clean = str_sanitize(expr);
		snprintf(err, errlen, "bad filter '%s': %s", clean, msg);
		free(clean);
		return -1;
	}
	if (t->has_re)
		regfree(&t->re);
	t->re = re;
	t->has_re = true;
	t->invert = invert;
	free(t->filter);
	t->filter = xasprintf("%s%s", invert ? "!" : "", expr);
	t->cursor = 0;
	grid_finish(t);
	return 0;
}

void grid_set_scope(struct grid *t, const char *ns)
{
	free(t->scope);
	t->scope = str_empty(ns) ? NULL : xstrdup(ns);
	grid_finish(t);
}

void grid_sort(struct grid *t, int col, bool desc)
{
	t->sort_col = col;
	t->sort_desc = desc;
	grid_finish(t);
}

bool grid_select_target(struct grid *t, const char *target, int rule)
{
	for (size_t i = 0; i < t->n; i++) {
		struct grid_row *r = &t->rows[i];
		if (!r->target || strcmp(r->target, target) || (rule >= 0 && r->rule != rule))
			continue;
		for (size_t p = r->parent; t->tree && p != NO_PARENT; p = t->rows[p].parent)
			set_collapsed(t, t->rows[p].key, false);
		free(t->cursor_key);
		t->cursor_key = xstrdup(r->key);
		t->moved = true;
		grid_finish(t);
		return grid_current(t) == r;
	}
	return false;
}

static void move(struct grid *t, long delta)
{
	if (!t->n_vis)
		return;
	long c = (long)t->cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)t->n_vis)
		c = (long)t->n_vis - 1;
	t->cursor = (size_t)c;
	t->moved = true;
	remember_cursor(t);
}

/* Collapse every inner node below the top level, or expand them all when none is
 * expanded. Keys collapsed by hand and not in the rows now (a route gone for a while) are
 * kept either way. O(rows log rows): the collapsed keys are changed in one pass and sorted
 * once, not once per node (6,000 routes took 26 s that way). */
static void toggle_all(struct grid *t)
{
	bool any = false;
	size_t n_inner = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].has_children && t->rows[i].depth > 0) {
			n_inner++;
			any = any || t->rows[i].expanded;
		}
	if (!n_inner)
		return;
	if (any) { /* collapse: add the inner nodes not collapsed yet, then sort once */
		t->collapsed = xreallocarray(t->collapsed, t->n_collapsed + n_inner,
		                             sizeof *t->collapsed);
		size_t n = t->n_collapsed;
		for (size_t i = 0; i < t->n; i++) {
			const struct grid_row *r = &t->rows[i];
			if (r->has_children && r->depth > 0 && !is_collapsed(t, r->key))
				t->collapsed[n++] = xstrdup(r->key);
		}
		qsort(t->collapsed, n, sizeof *t->collapsed, cmp_str);
		size_t k = 0; /* rows have unique keys, but keep the set a set whatever comes */
		for (size_t i = 0; i < n; i++) {
			if (k && !strcmp(t->collapsed[k - 1], t->collapsed[i]))
				free(t->collapsed[i]);
			else
				t->collapsed[k++] = t->collapsed[i];
		}
		t->n_collapsed = k;
	} else { /* expand: drop the inner nodes' keys, in one pass over the sorted keys */
		const char **gone = xcalloc(n_inner, sizeof *gone);
		size_t n = 0;
		for (size_t i = 0; i < t->n; i++)
			if (t->rows[i].has_children && t->rows[i].depth > 0)
				gone[n++] = t->rows[i].key;
		qsort(gone, n, sizeof *gone, cmp_str);
		size_t k = 0;
		for (size_t i = 0; i < t->n_collapsed; i++) {
			if (bsearch(&t->collapsed[i], gone, n, sizeof *gone, cmp_str))
				free(t->collapsed[i]);
			else
				t->collapsed[k++] = t->collapsed[i];
		}
		t->n_collapsed = k;
		free(gone);
	}
	grid_finish(t);
}

bool grid_action(struct grid *t, int action)
{
	int page = t->page > 1 ? t->page - 1 : 1;
	struct grid_row *r = grid_current(t);
	switch (action) {
	case ACT_DOWN: move(t, 1); return true;
	case ACT_UP: move(t, -1); return true;
	case ACT_TOP: move(t, -(long)t->n_vis); return true;
	case ACT_BOTTOM: move(t, (long)t->n_vis); return true;
	case ACT_PAGE_DOWN: move(t, page); return true;
	case ACT_PAGE_UP: move(t, -page); return true;
	case ACT_EXPAND:
		if (t->tree && r && r->has_children && !r->expanded) {
			set_collapsed(t, r->key, false);
			grid_finish(t);
		}
		return t->tree;
	case ACT_COLLAPSE:
		if (!t->tree || !r)
			return t->tree;
		if (r->has_children && r->expanded) {
			set_collapsed(t, r->key, true);
			grid_finish(t);
		} else if (r->parent != NO_PARENT) {
			free(t->cursor_key);
			t->cursor_key = xstrdup(t->rows[r->parent].key);
			t->moved = true;
			grid_finish(t);
		}
		return true;
	case ACT_TOGGLE_ALL:
		if (t->tree)
			toggle_all(t);
		return t->tree;
	case ACT_SORT_NEXT:
	case ACT_SORT_PREV:
		if (t->tree || !t->n_cols)
			return false;
		{
			int n = (int)t->n_cols, c = t->sort_col < 0 ? 0 : t->sort_col;
			c = (c + (action == ACT_SORT_NEXT ? 1 : n - 1)) % n;
			grid_sort(t, c, t->cols[c].numeric); /* figures: worst (highest) first */
		}
		return true;
	case ACT_SORT_REVERSE:
		if (t->tree || t->sort_col < 0)
			return false;
		grid_sort(t, t->sort_col, !t->sort_desc);
		return true;
	default: return false;
	}
}

/* Column widths for width w: fixed columns as given, flexible ones share the rest. When
 * not everything fits, columns are dropped (width 0): highest drop value first, the
 * rightmost of equals first; column 0 is never dropped. */
static void layout(const struct grid *t, int w, int *widths)
{
	size_t n = t->n_cols < 32 ? t->n_cols : 32;
	bool shown[32];
	for (size_t c = 0; c < n; c++)
		shown[c] = true;
	int need = 0, n_flex = 0;
	for (;;) {
		int count = 0;
		need = 0, n_flex = 0;
		for (size_t c = 0; c < n; c++) {
			if (!shown[c])
				continue;
			need += (t->cols[c].width > 0 ? t->cols[c].width : t->cols[c].min) + (count ? 1 : 0);
			n_flex += t->cols[c].width <= 0;
			count++;
		}
		if (need <= w || count <= 1)
			break;
		size_t victim = 0;
		for (size_t c = n; c-- > 1;)
			if (shown[c] && (!victim || t->cols[c].drop > t->cols[victim].drop))
				victim = c;
		if (!victim)
			break;
		shown[victim] = false;
	}
	int spare = w - need, k = 0, count = 0;
	for (size_t c = 0; c < n; c++) {
		widths[c] = 0;
		if (!shown[c])
			continue;
		count++;
		if (t->cols[c].width > 0) {
			widths[c] = t->cols[c].width;
			continue;
		}
		int extra = n_flex ? spare / n_flex + (k < spare % n_flex ? 1 : 0) : 0;
		widths[c] = t->cols[c].min + (extra > 0 ? extra : 0);
		k++;
	}
	if (count == 1 || widths[0] > w)
		widths[0] = w;
}

static void draw_prefix(const struct grid_row *r, int y, int *x, int *left, int extra)
{
	for (int d = 1; d < r->depth && *left > 0; d++) {
		enum glyph g = (r->pipes & (1u << d)) ? GLYPH_PIPE : GLYPH_SPACE;
		int n = screen_put(y, *x, *left < 3 ? *left : 3, THEME_TREE, extra, screen_glyph(g));
		*x += 3, *left -= 3;
		(void)n;
	}
	if (r->depth > 0 && *left > 0) {
		screen_put(y, *x, *left < 3 ? *left : 3, THEME_TREE, extra,
		           screen_glyph(r->last ? GLYPH_LAST : GLYPH_BRANCH));
		*x += 3, *left -= 3;
	}
	if (*left > 0) {
		enum glyph g = !r->has_children ? GLYPH_LEAF : r->expanded ? GLYPH_OPEN : GLYPH_CLOSED;
		screen_put(y, *x, *left < 2 ? *left : 2, THEME_TREE, extra, screen_glyph(g));
		*x += 2, *left -= 2;
	}
}

static void draw_row(struct grid *t, struct grid_row *r, int y, int x, int w,
                     const int *widths, bool cursor)
{
	grid_fill_row(t, r);
	int extra = 0;
	if (cursor)
		screen_fill(y, x, w, THEME_CURSOR, 0);
	int cx = x;
	for (size_t c = 0; c < t->n_cols && cx < x + w; c++) {
		int cw = r->span && c == 0 ? w : widths[c];
		if (cw <= 0)
			continue;
		if (cx + cw > x + w)
			cw = x + w - cx;
		int px = cx, left = cw;
		if (c == 0 && t->tree)
			draw_prefix(r, y, &px, &left, cursor ? screen_attr(THEME_CURSOR) : extra);
		const struct grid_cell *cell = &r->cells[c];
		enum theme_elem e = cursor ? THEME_CURSOR : cell->elem;
		if (left > 0 && cell->text) {
			if (t->cols[c].right)
				screen_put_right(y, px, left, e, 0, cell->text);
			else
				screen_put(y, px, left, e, 0, cell->text);
		}
		cx += cw + 1;
		if (r->span)
			break;
	}
}

void grid_draw(struct grid *t, int y, int x, int h, int w)
{
	if (h <= 0 || w <= 0)
		return;
	int widths[32] = {0};
	size_t nc = t->n_cols < 32 ? t->n_cols : 32;
	layout(t, w, widths);
	if (t->titles && nc > 1) {
		int cx = x;
		for (size_t c = 0; c < nc; c++) {
			if (widths[c] <= 0)
				continue;
			char title[64];
			const char *mark = !t->tree && t->sort_col == (int)c
			                       ? (t->sort_desc ? (screen_utf8() ? "\xe2\x96\xbc" : "v")
			                                       : (screen_utf8() ? "\xe2\x96\xb2" : "^"))
			                       : "";
			snprintf(title, sizeof title, "%s%s", t->cols[c].title, mark);
			int cw = cx + widths[c] > x + w ? x + w - cx : widths[c];
			if (t->cols[c].right)
				screen_put_right(y, cx, cw, THEME_TITLE, 0, title);
			else
				screen_put(y, cx, cw, THEME_TITLE, 0, title);
			cx += widths[c] + 1;
		}
		y++, h--;
	}
	t->page = h;
	t->drawn_y = y;
	if (h <= 0)
		return;
	if (t->cursor >= t->n_vis)
		t->cursor = t->n_vis ? t->n_vis - 1 : 0;
	if (t->cursor < t->top)
		t->top = t->cursor;
	if (t->cursor >= t->top + (size_t)h)
		t->top = t->cursor - (size_t)h + 1;
	if (t->top + (size_t)h > t->n_vis)
		t->top = t->n_vis > (size_t)h ? t->n_vis - (size_t)h : 0;
	for (int i = 0; i < h && t->top + (size_t)i < t->n_vis; i++) {
		size_t v = t->top + (size_t)i;
		draw_row(t, &t->rows[t->vis[v]], y + i, x, w, widths, v == t->cursor);
	}
}

bool grid_click(struct grid *t, int y)
{
	if (y < t->drawn_y || y >= t->drawn_y + t->page)
		return false;
	size_t v = t->top + (size_t)(y - t->drawn_y);
	if (v >= t->n_vis)
		return false;
	t->cursor = v;
	t->moved = true;
	remember_cursor(t);
	return true;
}
