/* linediff.c: line diff by longest common subsequence (after trimming the common head and
 * tail, which is all most edits need) and its unified-diff rendering (see linediff.h). */
#include "config.h"

#include "gammatop/linediff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

struct lines {
	const char **p;
	size_t *len;
	size_t n;
};

static void split(struct lines *l, const char *s)
{
	memset(l, 0, sizeof *l);
	if (!s || !*s)
		return;
	size_t cap = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (l->n == cap) {
			cap = cap ? cap * 2 : 64;
			l->p = xreallocarray(l->p, cap, sizeof *l->p);
			l->len = xreallocarray(l->len, cap, sizeof *l->len);
		}
		l->p[l->n] = s;
		l->len[l->n++] = len;
		s += len + (nl ? 1 : 0);
	}
}

static void lines_free(struct lines *l)
{
	free(l->p);
	free(l->len);
}

static int same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

static void push(struct linediff *d, size_t *cap, enum linediff_op op, const char *t, size_t len)
{
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		d->lines = xreallocarray(d->lines, *cap, sizeof *d->lines);
	}
	d->lines[d->n++] = (struct linediff_line){op, t, len};
	if (op == LD_ADD)
		d->added++;
	else if (op == LD_DEL)
		d->removed++;
}

/* The middle a[a0..a1) vs b[b0..b1): LCS table from the end, then walk forward. */
static void diff_middle(struct linediff *d, size_t *cap, const struct lines *a, size_t a0,
                        size_t a1, const struct lines *b, size_t b0, size_t b1)
{
	size_t n = a1 - a0, m = b1 - b0;
	if (n == 0 || m == 0 || (n + 1) > LINEDIFF_MAX_CELLS / (m + 1)) {
		for (size_t i = a0; i < a1; i++)
			push(d, cap, LD_DEL, a->p[i], a->len[i]);
		for (size_t j = b0; j < b1; j++)
			push(d, cap, LD_ADD, b->p[j], b->len[j]);
		return;
	}
	size_t w = m + 1;
	uint32_t *t = xcalloc((n + 1) * w, sizeof *t); /* t[i][j]: LCS of a[i..], b[j..] */
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			t[i * w + j] = same(a, a0 + i, b, b0 + j)
			                   ? t[(i + 1) * w + j + 1] + 1
			                   : (t[(i + 1) * w + j] >= t[i * w + j + 1] ? t[(i + 1) * w + j]
			                                                             : t[i * w + j + 1]);
	size_t i = 0, j = 0;
	while (i < n && j < m) {
		if (same(a, a0 + i, b, b0 + j)) {
			push(d, cap, LD_SAME, a->p[a0 + i], a->len[a0 + i]);
			i++, j++;
		} else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) {
			push(d, cap, LD_DEL, a->p[a0 + i], a->len[a0 + i]);
			i++;
		} else {
			push(d, cap, LD_ADD, b->p[b0 + j], b->len[b0 + j]);
			j++;
		}
	}
	for (; i < n; i++)
		push(d, cap, LD_DEL, a->p[a0 + i], a->len[a0 + i]);
	for (; j < m; j++)
		push(d, cap, LD_ADD, b->p[b0 + j], b->len[b0 + j]);
	free(t);
}

/* Diff a against b into d (see linediff.h). */
void linediff_run(struct linediff *d, const char *a, const char *b)
{
	memset(d, 0, sizeof *d);
	struct lines la, lb;
	split(&la, a);
	split(&lb, b);
	size_t cap = 0, head = 0, tail = 0;
	while (head < la.n && head < lb.n && same(&la, head, &lb, head))
		head++;
	while (tail < la.n - head && tail < lb.n - head &&
	       same(&la, la.n - 1 - tail, &lb, lb.n - 1 - tail))
		tail++;
	for (size_t i = 0; i < head; i++)
		push(d, &cap, LD_SAME, la.p[i], la.len[i]);
	diff_middle(d, &cap, &la, head, la.n - tail, &lb, head, lb.n - tail);
	for (size_t i = la.n - tail; i < la.n; i++)
		push(d, &cap, LD_SAME, la.p[i], la.len[i]);
	lines_free(&la);
	lines_free(&lb);
}

void linediff_done(struct linediff *d)
{
	free(d->lines);
	memset(d, 0, sizeof *d);
}

/* "@@ -start,count +start,count @@" with diff -u's conventions (count 1 omitted; an empty
 * side starts at the line before). */
static void hunk_header(struct buf *o, size_t a_start, size_t a_n, size_t b_start, size_t b_n)
{
	buf_puts(o, "@@ -");
	buf_printf(o, "%zu", a_n ? a_start + 1 : a_start);
	if (a_n != 1)
		buf_printf(o, ",%zu", a_n);
	buf_printf(o, " +%zu", b_n ? b_start + 1 : b_start);
	if (b_n != 1)
		buf_printf(o, ",%zu", b_n);
	buf_puts(o, " @@\n");
}

/* A unified diff of a -> b (see linediff.h). */
char *linediff_unified(const char *a, const char *b, const char *name_a, const char *name_b,
                       int context)
{
	struct linediff d;
	linediff_run(&d, a, b);
	struct buf o;
	buf_init(&o);
	if (context < 0)
		context = 0;
	size_t ctx = (size_t)context;
	if (d.added || d.removed) {
		buf_printf(&o, "--- %s\n+++ %s\n", name_a ? name_a : "a", name_b ? name_b : "b");
		/* Line numbers before each script entry, on either side. */
		size_t *an = xcalloc(d.n + 1, sizeof *an), *bn = xcalloc(d.n + 1, sizeof *bn);
		for (size_t k = 0; k < d.n; k++) {
			an[k + 1] = an[k] + (d.lines[k].op != LD_ADD);
			bn[k + 1] = bn[k] + (d.lines[k].op != LD_DEL);
		}
		size_t k = 0;
		while (k < d.n) {
			while (k < d.n && d.lines[k].op == LD_SAME)
				k++;
			if (k == d.n)
				break;
			size_t start = k > ctx ? k - ctx : 0, end = k;
			/* Extend the hunk while the next change is within 2*ctx unchanged lines. */
			for (;;) {
				while (end < d.n && d.lines[end].op != LD_SAME)
					end++;
				size_t same_run = 0;
				while (end + same_run < d.n && d.lines[end + same_run].op == LD_SAME)
					same_run++;
				if (end + same_run < d.n && same_run <= 2 * ctx) {
					end += same_run;
					continue;
				}
				end += same_run < ctx ? same_run : ctx;
				break;
			}
			hunk_header(&o, an[start], an[end] - an[start], bn[start], bn[end] - bn[start]);
			for (size_t i = start; i < end; i++) {
				const struct linediff_line *l = &d.lines[i];
				buf_putc(&o, l->op == LD_SAME ? ' ' : l->op == LD_DEL ? '-' : '+');
				buf_append(&o, l->text, l->len);
				buf_putc(&o, '\n');
			}
			k = end;
		}
		free(an);
		free(bn);
	}
	linediff_done(&d);
	return buf_steal(&o);
}
