/* findings.c: the list of problems every output shows (severity, stable code, object, field,
 * message): adding by code id (the table of codes, LINT_CODES in lint.h, gives the code's
 * name and severity) with printf-style messages, stable sorting and counting. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/findings.h"
#include "gammatop/lint.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

const struct lint_code lint_codes[LINT_CODE_COUNT] = {
#define X(id, code, sev, doc) [LINT_##id] = {code, sev, doc},
	LINT_CODES(X)
#undef X
};

/* The code entry named code ("StatusDisagrees"), or NULL. */
const struct lint_code *lint_code_find(const char *code)
{
	for (size_t i = 0; i < LINT_CODE_COUNT; i++)
		if (str_eq(lint_codes[i].code, code))
			return &lint_codes[i];
	return NULL;
}

/* The printable name of a severity: "error", "warning" or "info". */
const char *severity_name(enum severity s)
{
	switch (s) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		return "info";
	}
	return "?";
}

/* An empty list. */
void findings_init(struct findings *f)
{
	f->items = NULL;
	f->n = f->cap = 0;
}

/* Free every finding and the array; the list is empty (and reusable) afterwards. */
void findings_done(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].object);
		free(f->items[i].field);
		free(f->items[i].message);
	}
	free(f->items);
	findings_init(f);
}

/* Append a finding of severity sev and static code; object and field are copied (NULL
 * gives ""); the message is formatted and sanitised, since it may quote cluster text. */
static void add_v(struct findings *f, enum severity sev, const char *code, const char *object,
                  const char *field, const char *fmt, va_list ap)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->items = xreallocarray(f->items, f->cap, sizeof *f->items);
	}
	char *raw = NULL;
	int len = vasprintf(&raw, fmt, ap);
	struct finding *it = &f->items[f->n++];
	it->severity = sev;
	it->code = code;
	it->object = xstrdup(object ? object : "");
	it->field = xstrdup(field ? field : "");
	if (len < 0 || !raw) {
		free(raw);
		it->message = xstrdup(code ? code : "");
	} else {
		it->message = str_sanitize(raw);
		free(raw);
	}
}

void findings_add(struct findings *f, enum lint_code_id id, const char *object, const char *field,
                  const char *fmt, ...)
{
	const struct lint_code *c = &lint_codes[(unsigned)id < LINT_CODE_COUNT ? id : 0];
	va_list ap;
	va_start(ap, fmt);
	add_v(f, c->severity, c->code, object, field, fmt, ap);
	va_end(ap);
}

/* A finding copied as it is (its message was sanitised when it was made). */
static void add_copy(struct findings *f, const struct finding *src, ...)
{
	va_list ap;
	va_start(ap, src);
	add_v(f, src->severity, src->code, src->object, src->field, "%s", ap);
	va_end(ap);
}

void findings_push(struct findings *f, const struct finding *src)
{
	add_copy(f, src, src->message);
}

/* Compare field paths so that "spec.rules[2]" sorts before "spec.rules[10]": runs of digits
 * compare by value. */
static int field_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *ea, *eb;
			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			ea = a;
			eb = b;
			while (*ea >= '0' && *ea <= '9')
				ea++;
			while (*eb >= '0' && *eb <= '9')
				eb++;
			size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(a, b, la);
			if (c)
				return c;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int finding_cmp(const struct finding *a, const struct finding *b)
{
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	int c = strcmp(a->object, b->object);
	if (c)
		return c;
	c = field_cmp(a->field, b->field);
	if (c)
		return c;
	return strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

/* Stable merge sort (qsort is not stable, and equal keys must keep insertion order). */
static void merge_sort(struct finding *v, struct finding *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	merge_sort(v, tmp, h);
	merge_sort(v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = finding_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/* Sort by severity (errors first), object, field (numeric-aware), then code; stable. */
void findings_sort(struct findings *f)
{
	if (f->n < 2)
		return;
	struct finding *tmp = xreallocarray(NULL, f->n, sizeof *tmp);
	merge_sort(f->items, tmp, f->n);
	free(tmp);
}

/* How many findings have severity sev. */
size_t findings_count(const struct findings *f, enum severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->items[i].severity == sev;
	return n;
}

/* Append a deep copy of every finding of src to dst. */
void findings_append(struct findings *dst, const struct findings *src)
{
	for (size_t i = 0; i < src->n; i++)
		findings_push(dst, &src->items[i]);
}
