/* edit_int.h: what the edit layer's own files share and nobody else uses: the Linkerd
 * annotation patch, the sanitiser for multi-line texts, the I/O slot. */
#ifndef GAMMATOP_EDIT_INT_H
#define GAMMATOP_EDIT_INT_H
#include <jansson.h>

#include "gammatop/policy.h"

struct edit;

/* The edit's slot for edit_io.c's request state (one request at a time); edit_free frees
 * what it points to. */
void **edit_io_slot(struct edit *e);

/* The metadata.annotations object of a merge patch that gives route the Linkerd annotations
 * of target (null deletes; annotations already right, or timeouts Linkerd already reads from
 * rule's spec, are left out). Caller decrefs. */
json_t *edit_mesh_annotation_patch(const json_t *route, int rule, const struct policy *target);
/* A copy of text with every line sanitised for a terminal, newlines kept. */
char *edit_mesh_sanitize_lines(const char *text);

#endif
