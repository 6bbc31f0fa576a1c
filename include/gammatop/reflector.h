/* reflector.h: keep one kind of the store in step with the cluster, like client-go's
 * reflector: paginated LIST (limit=500, continue; an expired continue token restarts the
 * list), replace the kind in the store, then WATCH from the list's resourceVersion with
 * bookmarks and a random timeoutSeconds in [300,600); re-watch when the server closes the
 * stream; relist on 410 (HTTP or ERROR event); back off 800 ms doubling to 30 s with jitter on
 * connection errors, 429 and 5xx (reset by a successful list or 2 minutes of healthy watch).
 * It never gives up. The kind's store_kind_state says whether
 * it is synced, stale, when it last heard from the server, and the last error. */
#ifndef GAMMATOP_REFLECTOR_H
#define GAMMATOP_REFLECTOR_H
#include <stdbool.h>

#include "gammatop/kclient.h"
#include "gammatop/store.h"

struct json_t; /* jansson */
struct reflector;

struct reflector_stats {
	unsigned lists;         /* completed full lists (first one included) */
	unsigned pages;         /* list pages received */
	unsigned relists;       /* lists caused by 410 */
	unsigned watches;       /* watch requests started */
	unsigned events;        /* watch events applied (bookmarks excluded) */
	unsigned bookmarks;
	unsigned decode_errors; /* objects the model could not read (skipped) */
	unsigned failures;      /* errors that caused a backoff */
};

/* What a reflector saw, for an observer (the change journal): a fresh list begins, each
 * object it holds, the list is complete (the store's kind is then replaced), and each watch
 * event. Only objects the model could decode are reported. */
enum reflector_seen { REFLECTOR_LIST_START, REFLECTOR_LISTED, REFLECTOR_LIST_DONE,
                      REFLECTOR_ADDED, REFLECTOR_MODIFIED, REFLECTOR_DELETED };
/* obj: the API object as the server sent it (NULL for LIST_START and LIST_DONE), valid
 * during the call only. An observer must not change the store or the reflector. */
typedef void (*reflector_observer)(enum gt_kind kind, enum reflector_seen what,
                                   const struct json_t *obj, void *ud);

/* ns NULL or "": all namespaces (cluster-scoped kinds always ignore ns). */
struct reflector *reflector_new(struct kclient *k, struct gt_store *s, enum gt_kind kind,
                                const char *ns);
void reflector_start(struct reflector *r);
/* When listing every namespace is answered 403 Forbidden, list namespace ns instead (and
 * watch there), loudly: a warning in the log, the store's scope_forbidden set and
 * reflector_narrowed true. NULL: no fallback (the 403 blocks the kind). Before start. */
void reflector_set_fallback(struct reflector *r, const char *ns);
bool reflector_narrowed(const struct reflector *r);
/* The namespace it lists (NULL: every namespace, or a cluster-scoped kind). */
const char *reflector_namespace(const struct reflector *r);
/* Report what the reflector sees to fn (NULL: nobody). */
void reflector_set_observer(struct reflector *r, reflector_observer fn, void *ud);
/* Stops its requests and timers; the store keeps the objects. */
void reflector_free(struct reflector *r);
/* True when the kind cannot sync for a reason retrying will not soon fix (403 Forbidden,
 * 401, credentials): batch commands stop waiting for it. */
bool reflector_blocked(const struct reflector *r);
const struct reflector_stats *reflector_stats(const struct reflector *r);
/* Objects the model could not decode (left out of the store) since the current list began,
 * and in *first (when not NULL) why the first of them was, e.g. "httproute/d/web:
 * spec.hostnames[0]: expected a string"; NULL when none. Owned by the reflector. */
unsigned reflector_skipped(const struct reflector *r, const char **first);

#endif
