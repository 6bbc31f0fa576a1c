/* table.c: kubectl-style plain-text tables with sanitised cells and optional per-column
 * truncation (see table.h). */
#include "config.h"

#include <ctype.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/str.h"
#include "gammatop/table.h"
#include "gammatop/xalloc.h"

#define TABLE_GAP 3

struct table_col {
	char *header; /* owned, upper case */
	int max;      /* 0: unlimited */
	bool right;
};

struct table_row {
	char **cells; /* owned: n_cols entries, NULL until set */
	size_t n_set;
};

struct table {
	struct table_col *cols; /* owned */
	size_t n_cols;
	struct table_row *rows; /* owned */
	size_t n_rows, cap_rows;
};

struct table *table_new(const char *const *headers, size_t n_cols)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->cols = xcalloc(n_cols ? n_cols : 1, sizeof *t->cols);
	t->n_cols = n_cols;
	for (size_t i = 0; i < n_cols; i++) {
		char *h = str_sanitize(headers[i]);
		for (char *p = h; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		t->cols[i].header = h;
	}
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	for (size_t c = 0; c < t->n_cols; c++)
		free(t->cols[c].header);
	free(t->rows);
	free(t->cols);
	free(t);
}

size_t table_cols(const struct table *t) { return t->n_cols; }
size_t table_rows(const struct table *t) { return t->n_rows; }

void table_set_max_width(struct table *t, size_t col, int max_cols)
{
	if (col < t->n_cols)
		t->cols[col].max = max_cols > 0 ? max_cols : 0;
}

void table_set_right(struct table *t, size_t col, bool right)
{
	if (col < t->n_cols)
		t->cols[col].right = right;
}

void table_add_row(struct table *t)
{
	if (t->n_rows == t->cap_rows) {
		t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 16;
		t->rows = xreallocarray(t->rows, t->cap_rows, sizeof *t->rows);
	}
	struct table_row *r = &t->rows[t->n_rows++];
	r->cells = xcalloc(t->n_cols ? t->n_cols : 1, sizeof *r->cells);
	r->n_set = 0;
}

void table_add_cell(struct table *t, const char *text)
{
	if (!t->n_rows)
		table_add_row(t);
	struct table_row *r = &t->rows[t->n_rows - 1];
	if (r->n_set >= t->n_cols)
		return;
	r->cells[r->n_set++] = str_sanitize(str_empty(text) ? TABLE_NONE : text);
}

void table_add_cellf(struct table *t, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	table_add_cell(t, buf_str(&b));
	buf_done(&b);
}

const char *table_cell(const struct table *t, size_t row, size_t col)
{
	if (row >= t->n_rows || col >= t->n_cols)
		return NULL;
	const char *c = t->rows[row].cells[col];
	return c ? c : TABLE_NONE;
}

/* The text shown for a cell, cut to the column's maximum, into *dst (a scratch buffer of
 * *cap bytes, grown as needed). Returns its width. */
static int cell_fit(const struct table_col *col, const char *text, bool ascii, char **dst,
                    size_t *cap)
{
	size_t need = strlen(text) + 8;
	if (need > *cap)
		*dst = xrealloc(*dst, *cap = need);
	if (!col->max || str_width(text) <= col->max) {
		str_copy(*dst, text, *cap);
		return str_width(text);
	}
	return str_fit(*dst, *cap, text, col->max, ascii);
}

static void put_cell(struct buf *out, const struct table_col *col, const char *text, int w,
                     int colw, bool last)
{
	int pad = colw - w;
	if (col->right)
		for (int i = 0; i < pad; i++)
			buf_putc(out, ' ');
	buf_puts(out, text);
	if (last)
		return;
	if (!col->right)
		for (int i = 0; i < pad; i++)
			buf_putc(out, ' ');
	for (int i = 0; i < TABLE_GAP; i++)
		buf_putc(out, ' ');
}

static void trim_line(struct buf *out, size_t start)
{
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	buf_putc(out, '\n');
}

void table_render(const struct table *t, bool ascii, struct buf *out)
{
	if (!t->n_cols)
		return;
	int *width = xcalloc(t->n_cols, sizeof *width);
	size_t cellcap = 256;
	char *cell = xmalloc(cellcap);
	for (size_t c = 0; c < t->n_cols; c++)
		width[c] = str_width(t->cols[c].header);
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols; c++) {
			int w = cell_fit(&t->cols[c], table_cell(t, r, c), ascii, &cell, &cellcap);
			if (w > width[c])
				width[c] = w;
		}
	size_t start = out->len;
	for (size_t c = 0; c < t->n_cols; c++)
		put_cell(out, &t->cols[c], t->cols[c].header, str_width(t->cols[c].header), width[c],
		         c + 1 == t->n_cols);
	trim_line(out, start);
	for (size_t r = 0; r < t->n_rows; r++) {
		start = out->len;
		for (size_t c = 0; c < t->n_cols; c++) {
			int w = cell_fit(&t->cols[c], table_cell(t, r, c), ascii, &cell, &cellcap);
			put_cell(out, &t->cols[c], cell, w, width[c], c + 1 == t->n_cols);
		}
		trim_line(out, start);
	}
	free(cell);
	free(width);
}

void table_print(const struct table *t, FILE *f)
{
	struct buf b;
	buf_init(&b);
	table_render(t, !table_locale_utf8(), &b);
	fputs(buf_str(&b), f);
	buf_done(&b);
}

bool table_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8") || !strcmp(cs, "UTF8"));
}
