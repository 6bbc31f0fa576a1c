/* cache.h: gammatop's SQLite cache (the one source of history): where it lives
 * ($XDG_CACHE_HOME/gammatop/cache.db, ~/.cache fallback, or --cache FILE), opening it safely
 * (mode 0600, directory 0700, WAL, busy timeout, schema migrations by PRAGMA user_version),
 * setting aside a corrupt file or one from a newer gammatop (renamed to
 * cache.db.corrupt-<time> / cache.db.newer-<time>, with a message), and the last topology
 * seen per context. Samples are in samples.h; the audit log is audit.h. Two processes may
 * open the same file side by side. Nothing secret is ever stored here. */
#ifndef GAMMATOP_CACHE_H
#define GAMMATOP_CACHE_H
#include <stddef.h>
#include <stdint.h>

#define CACHE_SCHEMA_VERSION 3

struct cache; /* opaque; cache_open/cache_close */

/* The default path into buf: $XDG_CACHE_HOME/gammatop/cache.db or $HOME/.cache/gammatop/
 * cache.db. Returns buf, or NULL (with a message in err) when neither variable is set. */
char *cache_default_path(char *buf, size_t n, char *err, size_t errlen);

/* Open (creating it and its directory when needed) and migrate the cache at path (NULL: the
 * default path). A corrupt file or one written by a newer schema is renamed aside and a fresh
 * one is created; *notice (may be NULL) then receives a heap message saying so (the caller
 * shows it and frees it). Returns NULL with a message in err only when no cache can be had
 * at all (e.g. unwritable directory). */
struct cache *cache_open(const char *path, char **notice, char *err, size_t errlen);
void cache_close(struct cache *c);

/* The path of the open cache file. */
const char *cache_path(const struct cache *c);
/* The sqlite3 handle (for the cache layer's own modules: samples.c, audit.c). */
struct sqlite3 *cache_db(struct cache *c);
/* A per-connection slot for the cache layer's own modules (samples.c keeps its key-id map
 * there); free_fn runs on it at cache_close. */
void *cache_slot(struct cache *c);
void cache_set_slot(struct cache *c, void *p, void (*free_fn)(void *));
/* Schema version of the open database (CACHE_SCHEMA_VERSION after a successful open). */
int cache_schema_version(struct cache *c);

/* Run a statement list that changes the database inside BEGIN IMMEDIATE ... COMMIT,
 * retried while another process holds the write lock (up to the busy timeout).
 * Returns 0 or -1 with the SQLite message in err. */
int cache_exec(struct cache *c, const char *sql, char *err, size_t errlen);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK for batched writes; 0 or -1 with a message in err. */
int cache_begin(struct cache *c, char *err, size_t errlen);
int cache_commit(struct cache *c, char *err, size_t errlen);
void cache_rollback(struct cache *c);

/* Store the topology snapshot JSON (opaque to the cache) seen for context at at_ms, replacing
 * the previous one. The caller must not pass secrets in it. Returns 0 or -1 with a message. */
int cache_topology_put(struct cache *c, const char *context, const char *json, int64_t at_ms,
                       char *err, size_t errlen);
/* The last topology stored for context: a heap copy in *json and its time in *at_ms.
 * Returns 1 when found, 0 when there is none, -1 on error (message in err). */
int cache_topology_get(struct cache *c, const char *context, char **json, int64_t *at_ms,
                       char *err, size_t errlen);

#endif
