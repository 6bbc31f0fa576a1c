/* cache.c: opening the SQLite cache: default path, file and directory modes, pragmas (WAL,
 * busy timeout), schema migrations by PRAGMA user_version, setting aside a corrupt or newer
 * file, read-only opening (a file we may not write, or one from a newer gammatop), messages
 * that say what a failed write means (disk full, read-only), transactions, the cluster key
 * and the last topology per cluster.
 *
 * The database file is only ever opened through SQLite. On POSIX, close() on any descriptor
 * of a file drops every lock the process holds on it, including those of its live SQLite
 * connections ("How To Corrupt An SQLite Database File", section 2.2, "Posix advisory locks
 * canceled by a separate thread doing close()", sqlite.org/howtocorrupt.html): another
 * process then believes it is the last one, deletes the WAL, and our connection's later
 * checkpoint writes its stale pages over their rows. So the 0600 mode comes from the umask
 * around sqlite3_open_v2, and an existing file's mode is fixed with chmod() by path. */
#include "config.h"

#include "gammatop/cache.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gammatop/buf.h"
#include "gammatop/journal.h"
#include "gammatop/log.h"
#include "gammatop/samples.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#define BUSY_TIMEOUT_MS 5000

struct cache {
	sqlite3 *db;
	char *path;
	int version;
	bool readonly;
	void *slot;
	void (*slot_free)(void *);
};

/* Each migration takes the schema from version i to i + 1. Never edit a released one: add. */
static const char *const migrations[] = {
	/* 0 -> 1: samples, their keys and sources, the last topology per context. */
	"CREATE TABLE series_keys (id INTEGER PRIMARY KEY, route TEXT NOT NULL, rule INTEGER NOT NULL,"
	"  scope TEXT NOT NULL, UNIQUE (route, rule, scope));"
	"CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE samples (source_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
	"  key_id INTEGER NOT NULL, seconds REAL, requests REAL, successes REAL, failures REAL,"
	"  timeouts REAL, retries REAL, retry_successes REAL, exhausted REAL, have INTEGER,"
	"  buckets BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
	"CREATE TABLE topology (context TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, json TEXT NOT NULL);",
	/* 1 -> 2: rollups, their progress, the audit log. */
	"CREATE TABLE samples_1m (source_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
	"  key_id INTEGER NOT NULL, seconds REAL, requests REAL, successes REAL, failures REAL,"
	"  timeouts REAL, retries REAL, retry_successes REAL, exhausted REAL, have INTEGER,"
	"  buckets BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
	"CREATE TABLE samples_10m (source_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
	"  key_id INTEGER NOT NULL, seconds REAL, requests REAL, successes REAL, failures REAL,"
	"  timeouts REAL, retries REAL, retry_successes REAL, exhausted REAL, have INTEGER,"
	"  buckets BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER);"
	"CREATE TABLE audit (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, context TEXT,"
	"  user TEXT, route TEXT, rule INTEGER, before_json TEXT, after_json TEXT, result TEXT,"
	"  message TEXT);"
	"CREATE INDEX audit_route ON audit (route, at_ms);",
	/* 2 -> 3: a sample's amounts and histogram packed into one blob (sampleblob.h). */
	"CREATE TABLE samples_p (t_ms INTEGER NOT NULL, source_id INTEGER NOT NULL,"
	"  key_id INTEGER NOT NULL, data BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
	"INSERT INTO samples_p SELECT t_ms, source_id, key_id, gt_pack(seconds, requests, successes,"
	"  failures, timeouts, retries, retry_successes, exhausted, have, buckets) FROM samples;"
	"DROP TABLE samples; ALTER TABLE samples_p RENAME TO samples;"
	"CREATE TABLE samples_1m_p (t_ms INTEGER NOT NULL, source_id INTEGER NOT NULL,"
	"  key_id INTEGER NOT NULL, data BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
	"INSERT INTO samples_1m_p SELECT t_ms, source_id, key_id, gt_pack(seconds, requests, successes,"
	"  failures, timeouts, retries, retry_successes, exhausted, have, buckets) FROM samples_1m;"
	"DROP TABLE samples_1m; ALTER TABLE samples_1m_p RENAME TO samples_1m;"
	"CREATE TABLE samples_10m_p (t_ms INTEGER NOT NULL, source_id INTEGER NOT NULL,"
	"  key_id INTEGER NOT NULL, data BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
	"INSERT INTO samples_10m_p SELECT t_ms, source_id, key_id, gt_pack(seconds, requests, successes,"
	"  failures, timeouts, retries, retry_successes, exhausted, have, buckets) FROM samples_10m;"
	"DROP TABLE samples_10m; ALTER TABLE samples_10m_p RENAME TO samples_10m;",
	/* 3 -> 4: the topology is kept per cluster (cache_cluster_key), not per context name: two
	 * kubeconfigs may both call their context "default". Rows of older versions cannot be
	 * told apart, so they stay under CACHE_TOPOLOGY_LEGACY "<context>" (read only by an
	 * --offline console that has nothing better, with a warning). The audit log gets the
	 * cluster, the rule's identity, the version the change was made on and the version it
	 * produced (pending rows are settled with them). */
	"CREATE TABLE topology_k (cluster TEXT PRIMARY KEY, at_ms INTEGER NOT NULL,"
	"  json TEXT NOT NULL);"
	"INSERT INTO topology_k SELECT '" CACHE_TOPOLOGY_LEGACY "' || context, at_ms, json"
	"  FROM topology;"
	"DROP TABLE topology; ALTER TABLE topology_k RENAME TO topology;"
	"ALTER TABLE audit ADD COLUMN cluster TEXT;"
	"ALTER TABLE audit ADD COLUMN rule_key TEXT;"
	"ALTER TABLE audit ADD COLUMN base_rv TEXT;"
	"ALTER TABLE audit ADD COLUMN base_gen INTEGER;"
	"ALTER TABLE audit ADD COLUMN new_rv TEXT;"
	"ALTER TABLE audit ADD COLUMN owner TEXT;"
	"CREATE INDEX audit_result ON audit (result);",
	/* 4 -> 5: the change journal (journal.h: its tables only, nothing else touched). */
	JOURNAL_SCHEMA_SQL,
};

_Static_assert(sizeof migrations / sizeof migrations[0] == CACHE_SCHEMA_VERSION,
               "one migration per schema version");

char *cache_default_path(char *buf, size_t n, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int r;
	if (xdg && xdg[0] == '/')
		r = snprintf(buf, n, "%s/gammatop/cache.db", xdg);
	else if (home && *home)
		r = snprintf(buf, n, "%s/.cache/gammatop/cache.db", home);
	else {
		str_errf(err, errlen, "no cache location: neither XDG_CACHE_HOME nor HOME is set "
		                      "(use --cache FILE)");
		return NULL;
	}
	if (r < 0 || (size_t)r >= n) {
		str_errf(err, errlen, "cache path too long");
		return NULL;
	}
	return buf;
}

/* mkdir -p the directory part of path; directories we create get mode 0700. */
static int make_parent(const char *path, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			str_errf(err, errlen, "cannot create cache directory %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	free(dir);
	return 0;
}

static int sql_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Rename path (and its -wal, -shm companions) to path.<why>-<time>; fills *notice. */
static int set_aside(const char *path, const char *why, const char *detail, char **notice,
                     char *err, size_t errlen)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	char *dest = xasprintf("%s.%s-%s", path, why, stamp);
	if (rename(path, dest) < 0) {
		str_errf(err, errlen, "cache %s is %s (%s) and cannot be set aside: %s", path,
		         why, detail, strerror(errno));
		free(dest);
		return -1;
	}
	static const char *const extra[] = {"-wal", "-shm"};
	for (size_t i = 0; i < 2; i++) {
		char *from = xasprintf("%s%s", path, extra[i]), *to = xasprintf("%s%s", dest, extra[i]);
		if (rename(from, to) < 0 && errno != ENOENT)
			unlink(from);
		free(from);
		free(to);
	}
	char *msg = !strcmp(why, "newer")
	                    ? xasprintf("cache %s was written by a newer gammatop (%s); kept it as "
	                                "%s and started a new cache. Its audit log still reads with "
	                                "'gammatop history --cache %s'", path, detail, dest, dest)
	                    : xasprintf("cache %s was %s (%s); kept it as %s and started a new "
	                                "cache", path, why, detail, dest);
	log_warn("%s", msg);
	if (notice) {
		free(*notice);
		*notice = msg;
	} else {
		free(msg);
	}
	free(dest);
	return 0;
}

static int migrate(struct cache *c, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	int v = 0;
	if (sql_int(c->db, "PRAGMA user_version", &v) != SQLITE_OK)
		goto fail_rb;
	for (; v < CACHE_SCHEMA_VERSION; v++) {
		if (sqlite3_exec(c->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK)
			goto fail_rb;
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK)
			goto fail_rb;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail_rb;
	c->version = v;
	return 0;
fail_rb:
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
fail:
	if (sqlite3_errcode(c->db) == SQLITE_FULL || sqlite3_errcode(c->db) == SQLITE_READONLY ||
	    sqlite3_errcode(c->db) == SQLITE_BUSY) {
		char what[64];
		snprintf(what, sizeof what, "cannot migrate it to schema %d", CACHE_SCHEMA_VERSION);
		cache_error(c, what, err, errlen);
	} else {
		str_errf(err, errlen, "cannot migrate cache %s to schema %d: %s", c->path,
		         CACHE_SCHEMA_VERSION, msg ? msg : sqlite3_errmsg(c->db));
	}
	sqlite3_free(msg);
	return -1;
}

enum probe { PROBE_OK, PROBE_CORRUPT, PROBE_NEWER, PROBE_READONLY, PROBE_ERROR };

/* Why path cannot be written, in words ("permission denied", "read-only file system"), or
 * NULL when it can. access() does not open the file (see the top of this file). */
static const char *not_writable(const char *path)
{
	if (access(path, W_OK) == 0) {
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		int rc = access(slash ? dir : ".", W_OK);
		int e = errno;
		free(dir);
		if (rc == 0)
			return NULL;
		return e == EROFS ? "read-only file system" : "its directory is not writable";
	}
	return errno == EROFS ? "read-only file system" : strerror(errno);
}

/* Open the file through SQLite (creating it with mode 0600) and check it is a database we can
 * use. Never open()s the file itself: see the top of this file. */
static enum probe open_probe(struct cache *c, char *detail, size_t dl)
{
	struct stat st;
	if (lstat(c->path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(detail, dl, "cannot open cache %s: not a regular file", c->path);
			return PROBE_ERROR;
		}
		if ((st.st_mode & 077) && chmod(c->path, st.st_mode & 0700) < 0)
			log_warn("cache %s: cannot make it private (chmod 0600): %s", c->path,
			         strerror(errno));
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	mode_t old = umask(077); /* a new file (and its -wal, -shm) gets 0600 */
	int rc = sqlite3_open_v2(c->path, &c->db, flags, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		const char *why = access(c->path, F_OK) == 0 ? not_writable(c->path) : NULL;
		if (why)
			snprintf(detail, dl, "%s", why);
		else
			snprintf(detail, dl, "cannot open cache %s: %s", c->path,
			         c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return why ? PROBE_READONLY : PROBE_ERROR;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 0);
	int n = 0;
	rc = sql_int(c->db, "SELECT count(*) FROM sqlite_master", &n);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		snprintf(detail, dl, "%s", sqlite3_errstr(rc));
		return PROBE_CORRUPT;
	}
	if (rc != SQLITE_OK) {
		const char *why = not_writable(c->path);
		if (why)
			snprintf(detail, dl, "%s", why);
		else
			snprintf(detail, dl, "cannot read cache %s: %s", c->path, sqlite3_errmsg(c->db));
		return why ? PROBE_READONLY : PROBE_ERROR;
	}
	int v = 0;
	if ((rc = sql_int(c->db, "PRAGMA user_version", &v)) != SQLITE_OK) {
		snprintf(detail, dl, "%s", sqlite3_errstr(rc));
		return PROBE_CORRUPT;
	}
	if (v > CACHE_SCHEMA_VERSION) {
		snprintf(detail, dl, "schema %d, this gammatop knows %d", v, CACHE_SCHEMA_VERSION);
		return PROBE_NEWER;
	}
	/* An existing database must have our tables: anything else is not ours to write into. */
	if (v == 0 && n > 0) {
		snprintf(detail, dl, "a database that is not a gammatop cache");
		return PROBE_CORRUPT;
	}
	/* SQLite opens a file it may not write read-only without saying so. */
	if (sqlite3_db_readonly(c->db, "main") == 1) {
		const char *why = not_writable(c->path);
		snprintf(detail, dl, "%s", why ? why : "opened read-only");
		return PROBE_READONLY;
	}
	char *msg = NULL;
	if (sqlite3_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
	                         "PRAGMA cache_size=-32768; PRAGMA mmap_size=1073741824; "
	                         "PRAGMA wal_autocheckpoint=8192;", NULL, NULL,
	                 &msg) != SQLITE_OK) {
		rc = sqlite3_errcode(c->db);
		const char *why = rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN
		                          ? not_writable(c->path) : NULL;
		snprintf(detail, dl, "%s", why ? why : msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return why ? PROBE_READONLY
		           : rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? PROBE_CORRUPT : PROBE_ERROR;
	}
	return PROBE_OK;
}

/* What a cache that cannot be written still does, for messages. */
#define READ_STILL_WORKS "nothing is written to it (telemetry history, cached topology, audit " \
	"log), but 'gammatop history' still reads it"

struct cache *cache_open(const char *path, char **notice, char *err, size_t errlen)
{
	return cache_open_ex(path, CACHE_WRITE, notice, err, errlen);
}

struct cache *cache_open_ex(const char *path, enum cache_mode mode, char **notice, char *err,
                            size_t errlen)
{
	char def[4096];
	if (!path && !(path = cache_default_path(def, sizeof def, err, errlen)))
		return NULL;
	if (mode == CACHE_READ)
		return cache_open_ro(path, notice, err, errlen);
	if (make_parent(path, err, errlen) < 0)
		return NULL;
	struct cache *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	for (int attempt = 0; attempt < 2; attempt++) {
		char detail[512] = "";
		enum probe p = open_probe(c, detail, sizeof detail);
		if (p == PROBE_OK) {
			samples_register(c->db); /* gt_pack, for migrating old sample rows */
			if (migrate(c, err, errlen) == 0)
				return c;
			break;
		}
		sqlite3_close(c->db);
		c->db = NULL;
		if ((p == PROBE_READONLY && mode != CACHE_WRITE) ||
		    (p == PROBE_NEWER && mode == CACHE_READ_MOSTLY)) {
			struct cache *ro = cache_open_ro(c->path, notice, err, errlen);
			if (ro && notice) {
				char *had = *notice;
				*notice = p == PROBE_NEWER
				                  ? xasprintf("cache %s was written by a newer gammatop (%s): "
				                              "reading it only%s%s", c->path, detail,
				                              had ? "; " : "", had ? had : "")
				                  : xasprintf("cache %s is read-only (%s): %s%s%s", c->path,
				                              detail, READ_STILL_WORKS, had ? "; " : "",
				                              had ? had : "");
				free(had);
			}
			cache_close(c);
			return ro;
		}
		if (p == PROBE_READONLY) {
			str_errf(err, errlen, "cache %s is read-only (%s): %s", c->path, detail,
			         READ_STILL_WORKS);
			break;
		}
		if (p == PROBE_ERROR) {
			str_errf(err, errlen, "%s", detail);
			break;
		}
		if (attempt == 1 || set_aside(c->path, p == PROBE_NEWER ? "newer" : "corrupt", detail,
		                              notice, err, errlen) < 0)
			break;
	}
	cache_close(c);
	return NULL;
}

/* "file:" URI of path with immutable=1 (path characters URIs treat specially escaped). */
static char *immutable_uri(const char *path)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_putc(&b, *p);
	}
	buf_puts(&b, "?immutable=1");
	return buf_steal(&b);
}

struct cache *cache_open_ro(const char *path, char **notice, char *err, size_t errlen)
{
	char def[4096];
	if (!path && !(path = cache_default_path(def, sizeof def, err, errlen)))
		return NULL;
	struct stat st;
	if (lstat(path, &st) < 0) {
		str_errf(err, errlen, "cache %s: %s", path,
		         errno == ENOENT ? "no such file (nothing was recorded yet)" : strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		str_errf(err, errlen, "cache %s: not a regular file", path);
		return NULL;
	}
	struct cache *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->readonly = true;
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	int n = 0, v = 0;
	/* Read-only WAL access needs the -shm (or a directory to make it in); without them the
	 * file is read as an immutable snapshot, which does not see its WAL. */
	for (int attempt = 0; attempt < 2; attempt++) {
		char *uri = attempt ? immutable_uri(path) : NULL;
		int rc = sqlite3_open_v2(uri ? uri : path, &c->db, flags | (uri ? SQLITE_OPEN_URI : 0),
		                         NULL);
		free(uri);
		if (rc == SQLITE_OK) {
			sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
			sqlite3_extended_result_codes(c->db, 0);
			rc = sql_int(c->db, "SELECT count(*) FROM sqlite_master", &n);
		}
		if (rc == SQLITE_OK && (rc = sql_int(c->db, "PRAGMA user_version", &v)) == SQLITE_OK) {
			char *wal = xasprintf("%s-wal", path);
			if (attempt && notice && access(wal, F_OK) == 0) {
				free(*notice);
				*notice = xasprintf("cache %s: read as it is on disk: changes still in its "
				                    "write-ahead log (%s) are not seen", path, wal);
			}
			free(wal);
			break;
		}
		/* Only a -shm that cannot be made (a directory we may not write) is a reason to read
		 * the file as an immutable snapshot: that reading assumes no writer, so a busy or
		 * locked database (another gammatop writing it) is an error, never read torn. */
		if (attempt || (rc != SQLITE_CANTOPEN && rc != SQLITE_READONLY)) {
			str_errf(err, errlen, "cannot read cache %s: %s", path,
			         c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
			cache_close(c);
			return NULL;
		}
		sqlite3_close(c->db);
		c->db = NULL;
	}
	if (v == 0 && n > 0) {
		str_errf(err, errlen, "cache %s: a database that is not a gammatop cache", path);
		cache_close(c);
		return NULL;
	}
	c->version = v;
	return c;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	if (c->slot_free)
		c->slot_free(c->slot);
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

const char *cache_path(const struct cache *c) { return c->path; }
struct sqlite3 *cache_db(struct cache *c) { return c->db; }
int cache_schema_version(struct cache *c) { return c->version; }
bool cache_readonly(const struct cache *c) { return c->readonly; }
void *cache_slot(struct cache *c) { return c->slot; }

void cache_set_slot(struct cache *c, void *p, void (*free_fn)(void *))
{
	if (c->slot_free && c->slot != p)
		c->slot_free(c->slot);
	c->slot = p;
	c->slot_free = free_fn;
}

int cache_begin(struct cache *c, char *err, size_t errlen)
{
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		cache_error(c, "cannot begin a write", err, errlen);
		return -1;
	}
	return 0;
}

int cache_commit(struct cache *c, char *err, size_t errlen)
{
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		cache_error(c, "cannot commit", err, errlen);
		cache_rollback(c);
		return -1;
	}
	return 0;
}

void cache_rollback(struct cache *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int cache_topology_put(struct cache *c, const char *key, const char *json, int64_t at_ms,
                       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db,
	                       "INSERT INTO topology (cluster, at_ms, json) VALUES (?, ?, ?) "
	                       "ON CONFLICT (cluster) DO UPDATE SET at_ms = excluded.at_ms, "
	                       "json = excluded.json WHERE excluded.at_ms >= topology.at_ms",
	                       -1, &st, NULL) != SQLITE_OK) {
		cache_error(c, "cannot store the topology", err, errlen);
		return -1;
	}
	sqlite3_bind_text(st, 1, key ? key : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, at_ms);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		cache_error(c, "cannot store the topology", err, errlen);
		return -1;
	}
	return 0;
}

int cache_topology_get(struct cache *c, const char *key, char **json, int64_t *at_ms,
                       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	/* A cache older than schema 4 (read-only) keys its topology by context name. */
	const char *sql = c->version < 4 ? "SELECT json, at_ms FROM topology WHERE '"
	                                   CACHE_TOPOLOGY_LEGACY "' || context = ?"
	                                 : "SELECT json, at_ms FROM topology WHERE cluster = ?";
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		cache_error(c, "cannot read the topology", err, errlen);
		return -1;
	}
	sqlite3_bind_text(st, 1, key ? key : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		*json = xstrdup((const char *)sqlite3_column_text(st, 0));
		*at_ms = sqlite3_column_int64(st, 1);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		cache_error(c, "cannot read the topology", err, errlen);
		found = -1;
	}
	sqlite3_finalize(st);
	return found;
}

int cache_topology_drop(struct cache *c, const char *key, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, "DELETE FROM topology WHERE cluster = ?", -1, &st, NULL) !=
	    SQLITE_OK) {
		cache_error(c, "cannot drop a cached topology", err, errlen);
		return -1;
	}
	sqlite3_bind_text(st, 1, key ? key : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		cache_error(c, "cannot drop a cached topology", err, errlen);
		return -1;
	}
	return 0;
}

void cache_error(struct cache *c, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_errcode(c->db);
	char dir[512];
	snprintf(dir, sizeof dir, "%s", c->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	switch (rc) {
	case SQLITE_FULL:
		str_errf(err, errlen, "cache %s: %s: the disk is full (free space in %s; reading the "
		                      "cache still works)", c->path, what, slash ? dir : ".");
		break;
	case SQLITE_READONLY:
		str_errf(err, errlen, "cache %s: %s: the cache is read-only (%s)", c->path, what,
		         c->readonly ? "opened for reading only" : "reading it still works");
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		str_errf(err, errlen, "cache %s: %s: another process held the cache's write lock for "
		                      "more than %d s", c->path, what, BUSY_TIMEOUT_MS / 1000);
		break;
	default:
		str_errf(err, errlen, "cache %s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
	}
}

/* FNV-1a, 64 bits: an identity for the CA, not a security check. */
static uint64_t fnv64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue; /* the same PEM wrapped differently is the same CA */
		h ^= ch;
		h *= 0x100000001b3ull;
	}
	return h;
}

char *cache_cluster_key(const char *server, const char *ca, size_t ca_len)
{
	const char *s = server ? server : "";
	struct buf b;
	buf_init(&b);
	const char *rest = strstr(s, "://");
	if (rest) {
		for (const char *p = s; p < rest; p++)
			buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
		buf_puts(&b, "://");
		rest += 3;
	} else {
		rest = s;
	}
	/* Never user:password: everything up to the last '@' goes. */
	const char *at = strrchr(rest, '@');
	if (at)
		rest = at + 1;
	size_t host = strcspn(rest, "/?#");
	const char *port = memchr(rest, ':', host);
	size_t hl = port ? (size_t)(port - rest) : host;
	for (size_t i = 0; i < hl; i++)
		buf_putc(&b, (char)(rest[i] >= 'A' && rest[i] <= 'Z' ? rest[i] + 32 : rest[i]));
	bool https = !strncmp(buf_str(&b), "https://", 8), http = !strncmp(buf_str(&b), "http://", 7);
	if (port && !((https && !strncmp(port, ":443", 4) && port + 4 == rest + host) ||
	              (http && !strncmp(port, ":80", 3) && port + 3 == rest + host)))
		buf_append(&b, port, (size_t)(rest + host - port));
	size_t path = strcspn(rest + host, "?#");
	while (path > 0 && rest[host + path - 1] == '/')
		path--;
	buf_append(&b, rest + host, path);
	if (ca && ca_len)
		buf_printf(&b, " ca:%016" PRIx64, fnv64(ca, ca_len));
	return buf_steal(&b);
}
