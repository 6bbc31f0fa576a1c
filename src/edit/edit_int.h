/* edit_int.h: what the edit layer's own files share and nobody else uses: the Linkerd
 * annotation patch, the sanitiser for multi-line texts, the I/O slot, whole-document editing. */
#ifndef GAMMATOP_EDIT_INT_H
#define GAMMATOP_EDIT_INT_H
#include <jansson.h>

#include "gammatop/buf.h"
#include "gammatop/findings.h"
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

/* Set e's message (sanitised), as its own steps do. */
void edit_say(struct edit *e, const char *text);

/* ---- edit_doc.c ---- */

/* A copy of obj without status, metadata.managedFields and metadata.resourceVersion. */
json_t *edit_doc_strip(const json_t *obj);
/* The RFC 7386 merge patch that turns from into to (removed keys null, objects recursively,
 * anything else replaced whole). Caller decrefs. */
json_t *edit_doc_merge_diff(const json_t *from, const json_t *to);
/* The edit old_base -> doc re-applied on new_base (all stripped). Caller decrefs. */
json_t *edit_doc_rebase(const json_t *old_base, const json_t *doc, const json_t *new_base);
/* Validate the edited document doc against base (kind/name/namespace kept; the decoder;
 * policy_validate for every rule into f) and build *patch (base -> doc, stripped, plus
 * metadata.resourceVersion rv). Returns the number of validation errors, or -1 with err set
 * when doc cannot be used at all (*patch NULL). */
int edit_doc_build(const json_t *base, const json_t *doc, const char *id, const char *rv,
                   struct findings *f, json_t **patch, char *err, size_t errlen);
/* Paths of fields want has and got lacks (" spec.rules[0].retry ..."), at most 8 listed, into
 * out; returns how many. status, managedFields and resourceVersion are not compared. */
size_t edit_doc_dropped(const json_t *want, const json_t *got, struct buf *out);

#endif
