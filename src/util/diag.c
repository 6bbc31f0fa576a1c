/* diag.c: collected diagnostics (see diag.h). */
#include "gammatop/diag.h"
#include "gammatop/buf.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>

void diag_init(struct diag *d) { d->items = NULL, d->n = d->cap = d->errors = 0; }

void diag_done(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->items[i].msg);
	free(d->items);
	diag_init(d);
}

void diag_add(struct diag *d, enum diag_level level, const char *fmt, ...)
{
	if (!d)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->items = xreallocarray(d->items, d->cap, sizeof *d->items);
	}
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	d->items[d->n].level = level;
	d->items[d->n].msg = buf_steal(&b);
	d->n++;
	if (level == DIAG_ERROR)
		d->errors++;
}

void diag_print(const struct diag *d, FILE *f)
{
	static const char *names[] = {"note", "warning", "error"};
	for (size_t i = 0; i < d->n; i++) {
		char *s = str_sanitize(d->items[i].msg);
		fprintf(f, "gammatop: %s: %s\n", names[d->items[i].level], s);
		free(s);
	}
}
