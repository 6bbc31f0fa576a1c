/* topocache.h: the last topology seen per context, kept in the cache so that the console
 * opens at once (marked "from cache of 14:02") and fills in live. The store's objects are
 * written packed (objpack.h: every decoded field, read back without JSON parsing or decoding,
 * so 20,000 objects load in tens of ms). Secrets are never part of it: only
 * Gateway API objects, Services and Namespaces are stored. */
#ifndef GAMMATOP_TOPOCACHE_H
#define GAMMATOP_TOPOCACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/cache.h"
#include "gammatop/object.h"
#include "gammatop/store.h"

/* One object as API JSON (a jansson json_t *, returned as void * so that this header does
 * not need jansson.h). The caller owns the reference. */
void *topocache_encode(const struct gt_object *o);
/* Save every object of the store for context. Returns the number saved, or -1 with err. */
long topocache_save(struct cache *c, const char *context, struct gt_store *s, char *err,
                    size_t errlen);
/* Load the last saved objects of context into the store (which should be empty); kinds that
 * got objects are marked stale with last_heard_ms = the save time. Returns the number loaded
 * (0: nothing cached), or -1 with err; *at_ms gets the save time. */
long topocache_load(struct cache *c, const char *context, struct gt_store *s, int64_t *at_ms,
                    char *err, size_t errlen);

/* The same in steps, so that the console can draw and answer keys while a big cache loads:
 * NULL when there is nothing cached (err "") or it is unreadable (err set). */
struct topocache_loader;
struct topocache_loader *topocache_loader_new(struct cache *c, const char *context,
                                              int64_t *at_ms, char *err, size_t errlen);
/* Put up to max more objects into s (skipping kinds a live list has synced meanwhile: those
 * are newer). Returns true when everything is loaded. */
bool topocache_loader_step(struct topocache_loader *l, struct gt_store *s, size_t max);
long topocache_loader_count(const struct topocache_loader *l);
/* Why loading stopped before the end (a damaged cache: what was read before it stays), or
 * NULL when it did not. */
const char *topocache_loader_error(const struct topocache_loader *l);
void topocache_loader_free(struct topocache_loader *l);

#endif
