/* findings.h: a problem found in the cluster's configuration, as every output shows it:
 * severity, a stable code, the object ("httproute/NS/NAME"), the field path
 * ("spec.rules[0].timeouts.backendRequest") and a message a person can act on.
 * The codes and their documentation live in one X-macro list in lint.h. */
#ifndef GAMMATOP_FINDINGS_H
#define GAMMATOP_FINDINGS_H
#include <stddef.h>

enum severity { SEV_ERROR, SEV_WARNING, SEV_INFO };

const char *severity_name(enum severity s); /* "error" | "warning" | "info" */

struct finding {
	enum severity severity;
	const char *code; /* static, from LINT_CODES in lint.h */
	char *object;     /* owned */
	char *field;      /* owned; may be "" */
	char *message;    /* owned */
};

struct findings {
	struct finding *items; /* owned */
	size_t n, cap;
};

void findings_init(struct findings *f);
void findings_done(struct findings *f);
/* Append a copy of one finding (as it is: its code and severity stay). Findings are added
 * by code id with findings_add (lint.h, beside the table of codes). */
void findings_push(struct findings *f, const struct finding *src);
/* Sort by severity, then object, then field, then code (stable output for diffs). */
void findings_sort(struct findings *f);
/* How many findings of f have severity sev. */
size_t findings_count(const struct findings *f, enum severity sev);
/* Append a deep copy of every finding of src to dst. */
void findings_append(struct findings *dst, const struct findings *src);

#endif
