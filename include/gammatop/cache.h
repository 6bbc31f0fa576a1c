/* cache.h: gammatop's SQLite cache (the one source of history): where it lives
 * ($XDG_CACHE_HOME/gammatop/cache.db, ~/.cache fallback, or --cache FILE), opening it safely
 * (mode 0600, directory 0700, WAL, busy timeout, schema migrations by PRAGMA user_version),
 * setting aside a corrupt file or one from a newer gammatop (renamed to
 * cache.db.corrupt-<time> / cache.db.newer-<time>, with a message), reading a file that may
 * not be written, and the last topology seen per cluster (cache_cluster_key). Samples are in
 * samples.h; the audit log is audit.h. Processes may open the same file side by side; a
 * process opens it once and shares the handle (one connection is enough, and nothing but
 * SQLite may ever open the file: see cache.c). Nothing secret is ever stored here. */
#ifndef GAMMATOP_CACHE_H
#define GAMMATOP_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_SCHEMA_VERSION 5

/* Topology rows of caches older than schema 4 were keyed by context name only; migrated, they
 * are kept under this prefix + the context name (see cache_topology_get). */
#define CACHE_TOPOLOGY_LEGACY "context:"

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

enum cache_mode {
	CACHE_WRITE,         /* cache_open: read and write; a read-only file is an error */
	CACHE_WRITE_OR_READ, /* read and write when possible; a file that may not be written is
	                      * opened for reading, with a *notice saying so and what still
	                      * works (the console) */
	CACHE_READ_MOSTLY,   /* as CACHE_WRITE_OR_READ, and a file from a newer gammatop is read
	                      * where it is, not set aside (history) */
	CACHE_READ,          /* reading only (cache_open_ro) */
};
/* cache_open with a mode. An error for a read-only file says so and what still works. */
struct cache *cache_open_ex(const char *path, enum cache_mode mode, char **notice, char *err,
                            size_t errlen);
/* Open an existing cache for reading only: never creates, migrates, sets aside or writes
 * anything. Reads files of any schema version (readers check the columns they need). When
 * its WAL cannot be shared (no -shm and a directory we may not write), the file is read as
 * it is on disk and *notice says that the WAL's changes are not seen. NULL with err set when
 * the file is missing or not a gammatop cache. */
struct cache *cache_open_ro(const char *path, char **notice, char *err, size_t errlen);
void cache_close(struct cache *c);
/* Opened for reading only (cache_open_ro, or the fallback of CACHE_WRITE_OR_READ). */
bool cache_readonly(const struct cache *c);
/* err = "cache PATH: WHAT: REASON" for the last failed call on c, REASON in words for the
 * cases a user can act on: the disk is full, the cache is read-only, another process held
 * the write lock past the busy timeout; else SQLite's message. */
void cache_error(struct cache *c, const char *what, char *err, size_t errlen);

/* The key the cache files a cluster's topology and scraped telemetry under: the API server
 * URL (lower-case scheme and host, no user:password@, default port, query or trailing
 * slash) and, when the kubeconfig names a CA, " ca:" and a 64-bit hash of its PEM. Two
 * kubeconfigs whose contexts share a name ("default") get different keys unless they reach
 * the same server with the same CA. Heap string. */
char *cache_cluster_key(const char *server, const char *ca, size_t ca_len);

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

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK for batched writes; 0 or -1 with a message in err. */
int cache_begin(struct cache *c, char *err, size_t errlen);
int cache_commit(struct cache *c, char *err, size_t errlen);
void cache_rollback(struct cache *c);

/* Store the topology snapshot JSON (opaque to the cache) seen for the cluster key (see
 * cache_cluster_key) at at_ms, replacing an older one. The caller must not pass secrets in
 * it. Returns 0 or -1 with a message. */
int cache_topology_put(struct cache *c, const char *key, const char *json, int64_t at_ms,
                       char *err, size_t errlen);
/* The last topology stored under key (CACHE_TOPOLOGY_LEGACY "<context>" finds what an older
 * gammatop stored for a context name): a heap copy in *json and its time in *at_ms.
 * Returns 1 when found, 0 when there is none, -1 on error (message in err). */
int cache_topology_get(struct cache *c, const char *key, char **json, int64_t *at_ms,
                       char *err, size_t errlen);
/* Forget the topology stored under key (e.g. a legacy row once the cluster's own is saved).
 * Returns 0 or -1 with a message. */
int cache_topology_drop(struct cache *c, const char *key, char *err, size_t errlen);

#endif
