/* store.h: the one source of truth for cluster state: objects indexed by kind, namespace and
 * name, a generation counter bumped on every change, per-kind sync state and freshness, and
 * change listeners (the console marks views dirty, `gammatop watch` prints events). Fed by
 * manifests, by the kube reflectors, or by a cached topology.
 *
 * Lifetimes: the store holds one reference on every object it contains (object.h). A pointer
 * from store_get/store_list is valid until the store changes (the next put, delete, replace
 * or clear may drop the store's reference, and with it the object); to keep an object longer
 * (across an event-loop turn, in a topology, a view or a row) take a reference with
 * object_ref: the object then stays valid and unchanged whatever the store does. */
#ifndef GAMMATOP_STORE_H
#define GAMMATOP_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/object.h"

enum store_event { STORE_ADDED, STORE_MODIFIED, STORE_DELETED };

/* obj is valid during the call only (for DELETED: the object being removed). A listener must
 * not change the store. */
typedef void (*store_listener)(enum store_event ev, const struct gt_object *obj, void *ud);

struct store_kind_state {
	bool installed; /* the cluster serves this kind (false: "GRPCRoute is not installed") */
	bool synced;    /* a full list has been received */
	bool stale;     /* the connection is down: the objects are the last known state */
	int64_t last_heard_ms; /* wall clock ms of the last list/watch event or bookmark; 0 never */
	char *error;    /* last error a person should see, or NULL (owned by the store) */
	char *scope_ns; /* the kind was read in this namespace only; NULL: in every namespace (or
	                   a cluster-scoped kind). Owned by the store */
	bool scope_forbidden; /* ... because reading more was forbidden (403), not by choice */
};

struct gt_store;

struct gt_store *store_new(void);
void store_free(struct gt_store *s);

/* Add or replace (same kind/namespace/name). The store takes over the caller's reference to
 * obj; the replaced object loses the store's reference (freed unless someone holds one). Returns
 * STORE_ADDED or STORE_MODIFIED. An object with the same non-empty resourceVersion as the
 * stored one is the same object: it is freed and nothing changes (no event, no new
 * generation), so a relist only reports what changed. */
enum store_event store_put(struct gt_store *s, struct gt_object *obj);
/* Remove (the object loses the store's reference); returns true if it existed. */
bool store_delete(struct gt_store *s, enum gt_kind kind, const char *ns, const char *name);
/* Replace every object of kind with objs (takes ownership of the array's objects, not of the
 * array): objects absent from objs are deleted, the others added or modified; listeners see
 * each change. Used after a relist. */
void store_replace_kind(struct gt_store *s, enum gt_kind kind, struct gt_object **objs, size_t n);
void store_clear(struct gt_store *s);

/* The object, or NULL; valid until the store changes (object_ref to keep it longer). */
const struct gt_object *store_get(const struct gt_store *s, enum gt_kind kind, const char *ns,
                                  const char *name);
size_t store_count(const struct gt_store *s, enum gt_kind kind);
/* Objects of kind sorted by namespace then name. The array belongs to the store; it and the
 * objects it points to stay valid until the next change (object_ref an object to keep it). */
const struct gt_object *const *store_list(struct gt_store *s, enum gt_kind kind, size_t *n);

/* Bumped by every change; readers rebuild derived data when it moves. */
uint64_t store_generation(const struct gt_store *s);

void store_add_listener(struct gt_store *s, store_listener fn, void *ud);
void store_remove_listener(struct gt_store *s, store_listener fn, void *ud);

struct store_kind_state *store_kind_state(struct gt_store *s, enum gt_kind kind);
void store_set_error(struct gt_store *s, enum gt_kind kind, const char *msg); /* NULL clears */
/* What part of the cluster the kind was read from (see store_kind_state.scope_ns). */
void store_set_scope(struct gt_store *s, enum gt_kind kind, const char *ns, bool forbidden);
/* Could an object of kind in namespace ns have been read? false when the kind was read in
 * another namespace only: its absence from the store then says nothing. */
bool store_kind_covers(const struct gt_store *s, enum gt_kind kind, const char *ns);
/* Every installed kind synced? */
bool store_all_synced(const struct gt_store *s);

#endif
