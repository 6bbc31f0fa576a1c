/* ui_edit.h: the console's editing views on top of the edit layer (edit.h): the inline
 * policy form of one route rule (`e`), the whole route in $KUBE_EDITOR/$EDITOR (`E`), and the
 * audit log with undo (`:history`, `u`). The form is a panel over the view it was opened
 * from; every change goes through validation, a before/after diff, the server's dry-run and
 * a confirmed, conflict-safe apply, and is recorded in the cache's audit log.
 *
 * The app plugs in where changes go (ui_edit_set_env): the cluster client (none for a
 * manifests or offline console: the form still validates and previews, but cannot send)
 * and the app's one cache handle. The form and the history view take raw keys
 * (view_ops.raw_key) because a form needs every character, not the navigation actions of
 * keys.h. */
#ifndef GAMMATOP_UI_EDIT_H
#define GAMMATOP_UI_EDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cache;
struct console;
struct edit;
struct kclient;
struct view;

/* Where the console's edits go. Borrowed; client() is asked at every use (a :ctx switch
 * changes it) and may return NULL (no cluster). */
struct ui_edit_env {
	struct kclient *(*client)(void *ud);
	struct cache *cache;    /* audit log and telemetry preview (the app's; NULL: none) */
	const char *mesh;       /* --mesh, NULL: detect */
	int64_t preview_window_ms; /* telemetry preview window (0: GT_DEFAULT_PREVIEW_WINDOW_MS) */
	/* Told after a change was applied and its outcome recorded (audit_id 0: not recorded),
	 * e.g. to write the Event on the route; may be NULL. */
	void (*applied)(const struct edit *e, int64_t audit_id, int64_t undo_of, void *ud);
	/* The cache key of the current cluster (cache_cluster_key; caller frees), NULL when
	 * there is none (a manifests console): whose change journal the views read. May be NULL. */
	char *(*cluster_key)(void *ud);
	void *ud;
};

/* Plug in the environment of console c (copied; one console per process). */
void ui_edit_set_env(struct console *c, const struct ui_edit_env *env);

/* The cache of the environment (NULL: none could be opened). */
struct cache *ui_edit_cache(void);
/* The cluster client now (NULL: none), and the current cluster's key (caller frees; NULL:
 * none), from the environment. */
struct kclient *ui_edit_client(void);
char *ui_edit_cluster_key(void);

/* `e` on a rule: open the inline form for rule of route ("httproute/NS/NAME"; rule -1 = 0).
 * Refused with a status-bar message on a --readonly console or a kind without policy. */
void ui_edit_open(struct console *c, const char *route, int rule);
/* `e` (yaml false) or `E` (yaml true) in view v: open the form or the editor for the route
 * rule under v's cursor (a rule row, a route row = rule 0, a row inside a rule of the route
 * detail = that rule); a status-bar message when the row is no HTTPRoute. */
void ui_edit_action(struct console *c, struct view *v, bool yaml);
/* `E`: the whole route in $KUBE_EDITOR / $EDITOR (vi), then the same checks and apply. */
void ui_edit_open_document(struct console *c, const char *route);
/* `:history`: the audit log (newest first); `u` reverts the selected change. */
void ui_history_open(struct console *c);
/* `u` in the history view: revert audit entry id (conflict-safe, recorded). */
void ui_edit_open_undo(struct console *c, int64_t id);

/* Run argv[0] = the editor on path with curses suspended (def_prog_mode/endwin, then
 * reset_prog_mode/refresh). editor NULL: $KUBE_EDITOR, $EDITOR, else vi. Returns the exit
 * status (0 ok), or -1 with err set. Exposed for the form and tests. */
int ui_editor_run(const char *editor, const char *path, char *err, size_t errlen);
/* Put text in a 0600 file in a fresh 0700 directory, edit it, read it back. Returns 0 with
 * *out (caller frees) or -1 with err set. The file and directory are removed either way. */
int ui_editor_edit_text(const char *editor, const char *text, const char *suffix, char **out,
                        char *err, size_t errlen);

extern const struct view_ops view_edit_ops;
extern const struct view_ops view_history_ops;

#endif
