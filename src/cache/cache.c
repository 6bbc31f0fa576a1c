/* cache.c: opening the SQLite cache: default path, file and directory modes, pragmas (WAL,
 * busy timeout), schema migrations by PRAGMA user_version, setting aside a corrupt or newer
 * file, transactions, and the last topology per context. */
#include "config.h"

#include "gammatop/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gammatop/log.h"
#include "gammatop/samples.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#define BUSY_TIMEOUT_MS 5000

struct cache {
	sqlite3 *db;
	char *path;
	int version;
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
	char *msg = xasprintf("cache %s was %s (%s); kept it as %s and started a new cache", path,
	                      why, detail, dest);
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
	str_errf(err, errlen, "cannot migrate cache %s to schema %d: %s", c->path,
	         CACHE_SCHEMA_VERSION, msg ? msg : sqlite3_errmsg(c->db));
	sqlite3_free(msg);
	return -1;
}

enum probe { PROBE_OK, PROBE_CORRUPT, PROBE_NEWER, PROBE_ERROR };

/* Open the file and check it is a database we can use. */
static enum probe open_probe(struct cache *c, char *detail, size_t dl)
{
	int fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(detail, dl, "cannot open cache %s: %s", c->path, strerror(errno));
		return PROBE_ERROR;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		fchmod(fd, 0600);
	close(fd);
	int rc = sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(detail, dl, "cannot open cache %s: %s", c->path,
		         c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return PROBE_ERROR;
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
		snprintf(detail, dl, "cannot read cache %s: %s", c->path, sqlite3_errmsg(c->db));
		return PROBE_ERROR;
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
	char *msg = NULL;
	if (sqlite3_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
	                         "PRAGMA cache_size=-32768; PRAGMA mmap_size=1073741824; "
	                         "PRAGMA wal_autocheckpoint=8192;", NULL, NULL,
	                 &msg) != SQLITE_OK) {
		rc = sqlite3_errcode(c->db);
		snprintf(detail, dl, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? PROBE_CORRUPT : PROBE_ERROR;
	}
	return PROBE_OK;
}

struct cache *cache_open(const char *path, char **notice, char *err, size_t errlen)
{
	char def[4096];
	if (!path && !(path = cache_default_path(def, sizeof def, err, errlen)))
		return NULL;
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
void *cache_slot(struct cache *c) { return c->slot; }

void cache_set_slot(struct cache *c, void *p, void (*free_fn)(void *))
{
	if (c->slot_free && c->slot != p)
		c->slot_free(c->slot);
	c->slot = p;
	c->slot_free = free_fn;
}

int cache_exec(struct cache *c, const char *sql, char *err, size_t errlen)
{
	if (cache_begin(c, err, errlen) < 0)
		return -1;
	char *msg = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		str_errf(err, errlen, "cache %s: %s", c->path, msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err, errlen);
}

int cache_begin(struct cache *c, char *err, size_t errlen)
{
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		str_errf(err, errlen, "cache %s: cannot begin a write: %s", c->path,
		         sqlite3_errmsg(c->db));
		return -1;
	}
	return 0;
}

int cache_commit(struct cache *c, char *err, size_t errlen)
{
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		str_errf(err, errlen, "cache %s: cannot commit: %s", c->path, sqlite3_errmsg(c->db));
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

int cache_topology_put(struct cache *c, const char *context, const char *json, int64_t at_ms,
                       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db,
	                       "INSERT INTO topology (context, at_ms, json) VALUES (?, ?, ?) "
	                       "ON CONFLICT (context) DO UPDATE SET at_ms = excluded.at_ms, "
	                       "json = excluded.json WHERE excluded.at_ms >= topology.at_ms",
	                       -1, &st, NULL) != SQLITE_OK) {
		str_errf(err, errlen, "cache %s: %s", c->path, sqlite3_errmsg(c->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, context ? context : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, at_ms);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		str_errf(err, errlen, "cache %s: cannot store the topology: %s", c->path,
		         sqlite3_errmsg(c->db));
		return -1;
	}
	return 0;
}

int cache_topology_get(struct cache *c, const char *context, char **json, int64_t *at_ms,
                       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, "SELECT json, at_ms FROM topology WHERE context = ?", -1, &st,
	                       NULL) != SQLITE_OK) {
		str_errf(err, errlen, "cache %s: %s", c->path, sqlite3_errmsg(c->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, context ? context : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		*json = xstrdup((const char *)sqlite3_column_text(st, 0));
		*at_ms = sqlite3_column_int64(st, 1);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		str_errf(err, errlen, "cache %s: cannot read the topology: %s", c->path,
		         sqlite3_errmsg(c->db));
		found = -1;
	}
	sqlite3_finalize(st);
	return found;
}
