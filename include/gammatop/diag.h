/* diag.h: a list of diagnostics (notes, warnings, errors) collected while reading input, so a
 * reader can go on after a bad document and report everything at the end. Messages name
 * where they come from ("routes.yaml:12: ..."). Embedded: diag_init/diag_done. */
#ifndef GAMMATOP_DIAG_H
#define GAMMATOP_DIAG_H
#include <stddef.h>
#include <stdio.h>

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag_item {
	enum diag_level level;
	char *msg; /* owned */
};

struct diag {
	struct diag_item *items; /* owned */
	size_t n, cap;
	size_t errors;
};

void diag_init(struct diag *d);
void diag_done(struct diag *d);
void diag_add(struct diag *d, enum diag_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print every item as "gammatop: <level>: <msg>" (sanitised) to f. */
void diag_print(const struct diag *d, FILE *f);

#endif
