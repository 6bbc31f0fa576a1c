/* journal.h: the change journal in the SQLite cache: every change the reflectors observe to a
 * watched object — added, modified (spec, labels, annotations), deleted — with its time,
 * object, cluster (cache_cluster_key), generation, resourceVersion, a field diff (objdiff.h)
 * and a one-line summary, who made it (the managedFields writer: manager and operation,
 * jdoc.h) and our own audit id when the change was gammatop's (the audit row whose new_rv it
 * carries). Status-only changes are kept too, hidden from the timeline, so that time travel
 * can rebuild reported status.
 *
 * Changes seen when a list replaces the cached state (a command starting after a break, a
 * relist after a lost watch) are diffed against the journal's last version of each object
 * (its own cached topology, table journal_head) and dated by the writer's managedFields
 * time (approx = true); objects gone meanwhile are recorded as deleted at the list's time.
 *
 * Storage, chosen for size and replay speed: the full journal form of an object (jdoc.h,
 * redacted) at first sight and every JOURNAL_REBASE changes after, field diffs in between.
 * The state at any time T is the last full form at or before T plus the diffs after it up to
 * T (at most JOURNAL_REBASE - 1), per object. Retention (age and size) drops rows no replay
 * after the cut-off needs; the journal of a cluster then begins at the cut-off.
 *
 * One writer per cluster per process batches what it is given and writes it in one
 * transaction per flush (the app flushes once per event-loop turn). Two processes recording
 * the same cluster write each change once: a version the journal already has is skipped. */
#ifndef GAMMATOP_JOURNAL_H
#define GAMMATOP_JOURNAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/cache.h"
#include "gammatop/object.h"
#include "gammatop/store.h"

/* The schema the cache's migration for the journal creates (self-contained: tables and
 * indexes only; see cache.c). */
#define JOURNAL_SCHEMA_SQL                                                                      \
	"CREATE TABLE journal (id INTEGER PRIMARY KEY, cluster TEXT NOT NULL,"                      \
	"  at_ms INTEGER NOT NULL, seen_ms INTEGER NOT NULL, kind TEXT NOT NULL,"                  \
	"  ns TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, via TEXT,"                    \
	"  approx INTEGER NOT NULL DEFAULT 0, rv TEXT, generation INTEGER, manager TEXT,"          \
	"  operation TEXT, who_how INTEGER, audit_id INTEGER, summary TEXT, diff TEXT, doc TEXT,"  \
	"  bytes INTEGER NOT NULL DEFAULT 0);"                                                     \
	"CREATE INDEX journal_obj ON journal (cluster, kind, ns, name, at_ms);"                    \
	"CREATE INDEX journal_time ON journal (cluster, at_ms);"                                   \
	"CREATE TABLE journal_head (cluster TEXT NOT NULL, kind TEXT NOT NULL, ns TEXT NOT NULL,"  \
	"  name TEXT NOT NULL, rv TEXT, at_ms INTEGER NOT NULL, hash_spec INTEGER,"                \
	"  hash_status INTEGER, since_doc INTEGER NOT NULL DEFAULT 0, managers TEXT,"              \
	"  doc TEXT NOT NULL, PRIMARY KEY (cluster, kind, ns, name)) WITHOUT ROWID;"               \
	"CREATE TABLE journal_clusters (cluster TEXT PRIMARY KEY, since_ms INTEGER NOT NULL,"      \
	"  last_ms INTEGER NOT NULL, kinds INTEGER NOT NULL DEFAULT 0);"

/* A full form is stored at most this many changes apart (replay cost per object). */
#define JOURNAL_REBASE 32

/* Row types. Shown by `changes`: added, modified, deleted. Hidden: base (first sight),
 * status (status only). */
#define JOURNAL_ADDED "added"
#define JOURNAL_MODIFIED "modified"
#define JOURNAL_DELETED "deleted"
#define JOURNAL_BASE "base"
#define JOURNAL_STATUS "status"

struct journal_retention {
	int64_t max_age_ms; /* rows older than this go (0: no age limit) */
	int64_t max_bytes;  /* the journal is cut back to ~90% of this when larger (0: none) */
};
#define JOURNAL_RETENTION_DEFAULT {30LL * 86400000LL, 256LL << 20}

/* ---- writing ---- */

/* What a reflector saw. A listed object is "start" when no list of its kind has ended yet
 * in this writer (the first list after a command starts), else "relist"; watch events are
 * "watch". */
enum journal_seen { JOURNAL_SEEN_LISTED, JOURNAL_SEEN_ADDED, JOURNAL_SEEN_MODIFIED,
                    JOURNAL_SEEN_DELETED };

struct journal_stats {
	uint64_t seen;      /* objects handed to the writer */
	uint64_t rows;      /* rows written (changes, status, first sights, deletions) */
	uint64_t changes;   /* of which added, modified, deleted */
	uint64_t bytes;     /* stored text of those rows */
	uint64_t flushes;
	double flush_ms;    /* wall time spent in journal_writer_flush */
	double flush_cpu_ms; /* CPU time (this thread) spent in it: wall time on a busy machine
	                      * includes waiting for a CPU */
};

struct journal_writer;
/* A writer for cluster (cache_cluster_key) on the open cache c; ns: the namespace the
 * reflectors watch (NULL or "": all), so that an object outside it is never taken as
 * deleted. */
struct journal_writer *journal_writer_new(struct cache *c, const char *cluster, const char *ns);
/* Drops whatever was not flushed. */
void journal_writer_free(struct journal_writer *w);
/* Queue an API object (JSON as the API server sent it; copied) of kind that a reflector saw
 * (listed, or a watch event) at seen_ms. */
void journal_writer_seen(struct journal_writer *w, enum gt_kind kind, enum journal_seen what,
                         const json_t *obj, int64_t seen_ms);
/* A full list of kind begins / has ended: objects the journal has (in the namespace) that
 * the list did not hold are recorded as deleted at the end. */
void journal_writer_list_start(struct journal_writer *w, enum gt_kind kind);
void journal_writer_list_done(struct journal_writer *w, enum gt_kind kind, int64_t seen_ms);
/* Queued items not yet written. */
size_t journal_writer_pending(const struct journal_writer *w);
/* Write what is queued in one transaction. Returns the number of rows written that the
 * timeline shows (added, modified, deleted), or -1 with err (the queue is dropped: the next
 * list brings the journal up to date). */
long journal_writer_flush(struct journal_writer *w, char *err, size_t errlen);
const struct journal_stats *journal_writer_stats(const struct journal_writer *w);

/* Apply retention to every cluster's journal at now_ms (NULL: the default). Returns the
 * number of rows removed, or -1 with err. */
long journal_prune(struct cache *c, const struct journal_retention *r, int64_t now_ms,
                   char *err, size_t errlen);

/* ---- reading ---- */

/* One row of the timeline. Strings owned (journal_changes_free). */
struct journal_change {
	int64_t id;
	int64_t at_ms;     /* when it happened (approx: from managedFields or the list time) */
	int64_t seen_ms;   /* when gammatop saw it */
	bool approx;
	enum gt_kind kind;
	char *ns, *name;   /* ns "" for cluster-scoped kinds */
	char *type;        /* JOURNAL_ADDED, ... */
	char *via;         /* "watch", "start", "relist" */
	char *rv;
	int64_t generation; /* 0 unknown */
	char *manager, *operation; /* NULL unknown */
	int who_how;       /* enum jdoc_who_how */
	int64_t audit_id;  /* 0: not made with gammatop (or not found in this cache) */
	char *summary;     /* one line, "" for none */
	char *diff;        /* the objdiff JSON form, NULL for added/deleted */
};

struct journal_query {
	const char *cluster;     /* required */
	int kind;                /* enum gt_kind, -1: any */
	const char *ns, *name;   /* NULL: any */
	int64_t since_ms, until_ms; /* inclusive; until 0: no end */
	int64_t after_id;        /* only rows with a larger id (following a live journal) */
	bool with_status;        /* also status-only rows */
	bool oldest_first;       /* default: newest first */
	size_t limit;            /* 0: no limit */
};

/* The rows matching q into *out (heap array of *n). Returns 0 or -1 with err. */
int journal_list(struct cache *c, const struct journal_query *q, struct journal_change **out,
                 size_t *n, char *err, size_t errlen);
void journal_changes_free(struct journal_change *list, size_t n);
/* Free the strings of one row (embedded elsewhere). */
void journal_change_done(struct journal_change *c);
/* "added", "modified", ... -> does the timeline show it? */
bool journal_type_shown(const char *type);

/* Where the journal of cluster begins (first sight, or the retention cut-off), when it last
 * recorded, and which kinds it saw listed (bit 1 << kind). Returns 1, 0 when the cache holds
 * no journal of cluster, -1 on error. */
int journal_coverage(struct cache *c, const char *cluster, int64_t *since_ms, int64_t *last_ms,
                     unsigned *kinds, char *err, size_t errlen);

/* Fill store s (empty) with the objects of cluster as they were at at_ms, decoded from the
 * replayed journal forms; ns (NULL: all) keeps only that namespace's namespaced objects.
 * Kinds the journal saw are marked installed and synced, last heard at at_ms. Returns the
 * number of objects, or -1 with err (also when at_ms is before the journal begins: err says
 * when it begins). */
long journal_store_at(struct cache *c, const char *cluster, int64_t at_ms, const char *ns,
                      struct gt_store *s, char *err, size_t errlen);
/* The journal form of one object at at_ms (new reference in *doc). Returns 1, 0 when it did
 * not exist then, -1 on error. */
int journal_doc_at(struct cache *c, const char *cluster, enum gt_kind kind, const char *ns,
                   const char *name, int64_t at_ms, json_t **doc, char *err, size_t errlen);

/* Bytes of stored text and rows of the journal (all clusters), for the benchmark and
 * retention. Returns 0 or -1. */
int journal_size(struct cache *c, int64_t *bytes, int64_t *rows);

#endif
