/* view_edit_int.h: what the edit form's two files share (view_edit.c: the form's steps and
 * keys; view_edit_draw.c: drawing it): the form's state and its fields. Private to src/ui. */
#ifndef GAMMATOP_VIEW_EDIT_INT_H
#define GAMMATOP_VIEW_EDIT_INT_H
#include <stdbool.h>

#include "gammatop/audit.h"
#include "gammatop/buf.h"
#include "gammatop/edit.h"
#include "gammatop/kclient.h"
#include "gammatop/view.h"
#define FIELD_MAX 40
#define LABEL_W 16
#define BOX_W 18

enum mode { M_FORM, M_DOC, M_UNDO };
enum phase {
	P_LOADING,  /* GET of the route under way */
	P_FORM,     /* typing (M_FORM), or reviewing a document/undo before its dry-run */
	P_CHECKING, /* dry-run under way */
	P_VERDICT,  /* dry-run answered: y applies when it passed */
	P_APPLYING, /* PATCH under way */
	P_REBASING, /* 409: GET of the new version under way */
	P_CONFLICT, /* rebased: meanwhile diff shown, y re-applies on top */
	P_ERROR     /* nothing more to do here: any key closes */
};

enum { F_REQ, F_BACKEND, F_ATTEMPTS, F_BACKOFF, F_CODES, NF };

struct view_edit_field {
	const char *label, *path; /* the field path suffix the edit layer's findings carry */
};
extern const struct view_edit_field view_edit_fields[NF];
#define fields view_edit_fields



struct field {
	struct buf text;
	char orig[FIELD_MAX * 4 + 8]; /* the value in the base ("" when unset) */
	bool clear;                   /* ^D: remove the field */
	char local[96];               /* a message of the form itself (not a whole number) */
};

struct ed {
	enum mode mode;
	enum phase phase;
	struct edit *e;
	struct kreq *req;
	int rule;
	struct field f[NF];
	int focus;
	bool auto_apply;  /* re-apply on top: apply as soon as the dry-run passes */
	bool no_client;   /* opened without a cluster: validate and preview only */
	char *preview;    /* telemetry line, or NULL */
	char *paths;      /* the change's effect on the call chains through the rule, or NULL */
	struct console *con; /* borrowed: the console of the view */
	char *doc_text;   /* M_DOC: the last edited text */
	struct audit_entry undo; /* M_UNDO: the entry being reverted */
	int64_t audit_id; /* the pending audit row of the apply in flight (0: none) */
	int scroll;
	char status[1024]; /* what the panel says about the last step */
};

static inline struct ed *ED(struct view *v)
{
	return v->priv;
}

struct policy;
/* The effect of giving rule of route the policy target on the worst call path through it
 * (edit_paths.c): a line for the form, or NULL when the rule governs no call. */
char *edit_paths_effect(struct console *c, const char *route, int rule, const struct policy *target);

/* Draw the form panel of v into the rectangle (the view's draw operation). */
void view_edit_draw(struct view *v, int y, int x, int h, int w);

#endif
