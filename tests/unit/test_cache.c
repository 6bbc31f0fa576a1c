/* test_cache.c: the SQLite cache: creation and modes, migration from a hand-made v1 file,
 * corrupt and newer files set aside (and their audit log read), read-only files and a full
 * disk, cluster keys, topology per cluster, sample ingest, rollups, retention, windows
 * across rollups, two connections side by side, and a long-lived connection beside writer
 * processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/audit.h"
#include "gammatop/cache.h"
#include "gammatop/sampleblob.h"
#include "gammatop/samples.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/gt-test-cache.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path_in(const char *name)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

/* Count files in dir whose name starts with prefix. */
static int count_files(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static void test_create_and_modes(void **state)
{
	(void)state;
	char err[512] = "", *notice = NULL;
	char p[512];
	snprintf(p, sizeof p, "%s", path_in("sub/dir/cache.db"));
	struct cache *c = cache_open(p, &notice, err, sizeof err);
	assert_non_null(c);
	assert_null(notice);
	assert_int_equal(cache_schema_version(c), CACHE_SCHEMA_VERSION);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(path_in("sub/dir"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Topology per context: newest wins, other contexts untouched. */
	assert_int_equal(cache_topology_put(c, "prod", "{\"v\":1}", 1000, err, sizeof err), 0);
	assert_int_equal(cache_topology_put(c, "prod", "{\"v\":2}", 2000, err, sizeof err), 0);
	assert_int_equal(cache_topology_put(c, "prod", "{\"v\":0}", 500, err, sizeof err), 0);
	assert_int_equal(cache_topology_put(c, "dev", "{\"d\":1}", 100, err, sizeof err), 0);
	char *json = NULL;
	int64_t at = 0;
	assert_int_equal(cache_topology_get(c, "prod", &json, &at, err, sizeof err), 1);
	assert_string_equal(json, "{\"v\":2}");
	assert_int_equal(at, 2000);
	free(json);
	assert_int_equal(cache_topology_get(c, "nope", &json, &at, err, sizeof err), 0);
	cache_close(c);
	/* Reopening keeps the data. */
	c = cache_open(p, NULL, err, sizeof err);
	if (!c)
		fail_msg("reopen: %s", err);
	assert_int_equal(cache_topology_get(c, "dev", &json, &at, err, sizeof err), 1);
	free(json);
	cache_close(c);
	/* The default path follows XDG_CACHE_HOME, then HOME. */
	char buf[512];
	setenv("XDG_CACHE_HOME", "/x/y", 1);
	assert_string_equal(cache_default_path(buf, sizeof buf, NULL, 0), "/x/y/gammatop/cache.db");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_string_equal(cache_default_path(buf, sizeof buf, NULL, 0),
	                    "/home/u/.cache/gammatop/cache.db");
}

static void roundtrip_cb(const char *route, int rule, const char *scope,
                         const struct sample_counts *s, void *ud)
{
	(void)route;
	(void)rule;
	(void)scope;
	*(struct sample_counts *)ud = *s;
}

static void test_migrate_v1(void **state)
{
	(void)state;
	const char *p = path_in("v1.db");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	const char *v1 =
		"CREATE TABLE series_keys (id INTEGER PRIMARY KEY, route TEXT NOT NULL, rule INTEGER "
		"NOT NULL, scope TEXT NOT NULL, UNIQUE (route, rule, scope));"
		"CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
		"CREATE TABLE samples (source_id INTEGER NOT NULL, t_ms INTEGER NOT NULL, key_id "
		"INTEGER NOT NULL, seconds REAL, requests REAL, successes REAL, failures REAL, "
		"timeouts REAL, retries REAL, retry_successes REAL, exhausted REAL, have INTEGER, "
		"buckets BLOB, PRIMARY KEY (t_ms, source_id, key_id)) WITHOUT ROWID;"
		"CREATE TABLE topology (context TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, json TEXT "
		"NOT NULL);"
		"INSERT INTO sources VALUES (1, 'prometheus http://p');"
		"INSERT INTO series_keys VALUES (1, 'httproute/ns/web', -1, 'route');"
		"INSERT INTO samples VALUES (1, 60000, 1, 15, 100, 90, NULL, 5, 10, 8, 1, 123, NULL);"
		"INSERT INTO series_keys VALUES (2, 'httproute/ns/api', -1, 'route');"
		"INSERT INTO samples VALUES (1, 75000, 2, 15, 4, NULL, NULL, NULL, NULL, NULL, NULL,"
		"  129, x'00000000000049400000000000000840000000000000f07f0000000000001040');"
		"INSERT INTO topology VALUES ('ctx', 5, '{}');"
		"PRAGMA user_version = 1;";
	assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char err[512] = "", *notice = NULL;
	struct cache *c = cache_open(p, &notice, err, sizeof err);
	assert_non_null(c);
	assert_null(notice);
	assert_int_equal(cache_schema_version(c), CACHE_SCHEMA_VERSION);
	assert_int_equal(samples_count(c, "samples"), 2);
	struct sample_counts hist = {0};
	assert_int_equal(samples_window(c, "prometheus http://p", 75000, 75001, roundtrip_cb, &hist,
	                                err, sizeof err), 1);
	assert_int_equal(hist.n_buckets, 2); /* the old bare (le, count) pairs */
	assert_true(hist.le[0] == 50 && hist.bucket[0] == 3 && isinf(hist.le[1]) &&
	            hist.bucket[1] == 4);
	/* The old row's amounts survive the packing of schema 3. */
	struct sample_counts old = {0};
	assert_int_equal(samples_window(c, "prometheus http://p", 60000, 60001, roundtrip_cb, &old,
	                                err, sizeof err), 1);
	assert_true(old.seconds == 15 && old.v[SC_REQUESTS] == 100 && old.v[SC_TIMEOUTS] == 5);
	assert_true(old.v[SC_RETRIES] == 10 && old.have == 123);
	assert_int_equal(samples_count(c, "samples_1m"), 0); /* new table exists, empty */
	/* The context-keyed topology of older versions is kept under the legacy key only: no
	 * cluster key ever finds it. */
	char *json;
	int64_t at;
	assert_int_equal(cache_topology_get(c, "ctx", &json, &at, err, sizeof err), 0);
	assert_int_equal(cache_topology_get(c, CACHE_TOPOLOGY_LEGACY "ctx", &json, &at, err,
	                                    sizeof err), 1);
	assert_string_equal(json, "{}");
	free(json);
	assert_int_equal(cache_topology_drop(c, CACHE_TOPOLOGY_LEGACY "ctx", err, sizeof err), 0);
	assert_int_equal(cache_topology_get(c, CACHE_TOPOLOGY_LEGACY "ctx", &json, &at, err,
	                                    sizeof err), 0);
	/* The audit table of schema 2 is there. */
	assert_int_equal(sqlite3_exec(cache_db(c), "SELECT id, at_ms, context, user, route, rule, "
	                                          "before_json, after_json, result, message FROM "
	                                          "audit", NULL, NULL, NULL), SQLITE_OK);
	cache_close(c);
}

static void test_set_aside(void **state)
{
	(void)state;
	char err[512] = "", *notice = NULL;
	/* Garbage. */
	const char *p = path_in("bad.db");
	FILE *f = fopen(p, "w");
	for (int i = 0; i < 300; i++)
		fputs("this is not a database at all ", f);
	fclose(f);
	struct cache *c = cache_open(p, &notice, err, sizeof err);
	assert_non_null(c);
	assert_non_null(notice);
	assert_non_null(strstr(notice, "bad.db.corrupt-"));
	assert_int_equal(count_files("bad.db.corrupt-"), 1);
	assert_int_equal(cache_schema_version(c), CACHE_SCHEMA_VERSION);
	free(notice);
	notice = NULL;
	cache_close(c);
	/* A database from a newer gammatop. */
	p = path_in("newer.db");
	sqlite3 *db;
	sqlite3_open(p, &db);
	sqlite3_exec(db, "CREATE TABLE future (x); PRAGMA user_version = 99;", NULL, NULL, NULL);
	sqlite3_close(db);
	c = cache_open(p, &notice, err, sizeof err);
	assert_non_null(c);
	assert_non_null(notice);
	assert_non_null(strstr(notice, "schema 99"));
	assert_int_equal(count_files("newer.db.newer-"), 1);
	assert_non_null(strstr(notice, "gammatop history --cache "));
	free(notice);
	notice = NULL;
	cache_close(c);
	/* Someone else's database. */
	p = path_in("other.db");
	sqlite3_open(p, &db);
	sqlite3_exec(db, "CREATE TABLE theirs (x);", NULL, NULL, NULL);
	sqlite3_close(db);
	c = cache_open(p, &notice, err, sizeof err);
	assert_non_null(c);
	assert_non_null(strstr(notice, "not a gammatop cache"));
	free(notice);
	cache_close(c);
	/* No cache at all: a clear error, not a crash. */
	c = cache_open("/proc/gammatop/cache.db", NULL, err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, "/proc/gammatop"));
}

static struct samples_row row(const char *route, double req, double ok, double to, double le_ms)
{
	struct samples_row r = {.route = route, .rule = -1, .scope = "route"};
	r.counts.seconds = 15;
	r.counts.v[SC_REQUESTS] = req;
	r.counts.v[SC_SUCCESSES] = ok;
	r.counts.v[SC_TIMEOUTS] = to;
	r.counts.have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_SUCCESSES) | SC_BIT(SC_TIMEOUTS) |
	                SC_BIT(SC_LATENCY);
	samples_counts_bucket(&r.counts, INFINITY, req);
	samples_counts_bucket(&r.counts, le_ms, req / 2);
	return r;
}

struct got {
	int n;
	double req[4], to[4], secs[4];
	unsigned nb[4];
	double b0[4];
};

static void collect(const char *route, int rule, const char *scope,
                    const struct sample_counts *s, void *ud)
{
	struct got *g = ud;
	(void)rule;
	(void)scope;
	int i = route[strlen(route) - 1] - 'a';
	assert_true(i >= 0 && i < 4);
	g->req[i] = s->v[SC_REQUESTS];
	g->to[i] = s->v[SC_TIMEOUTS];
	g->secs[i] = s->seconds;
	g->nb[i] = s->n_buckets;
	g->b0[i] = s->bucket[0];
	g->n++;
}

static void test_samples_rollup_retention(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path_in("samples.db"), NULL, err, sizeof err);
	assert_non_null(c);
	struct samples_retention ret = {.raw_ms = 30 * 60000, .m1_ms = 3 * 3600000,
	                                .m10_ms = 24 * 3600000LL};
	const int64_t t0 = 1800000000000LL / 600000 * 600000; /* aligned to 10 minutes */
	/* Two hours of 15 s samples for routes a and b (b with a different bucket layout). */
	for (int i = 0; i < 480; i++) {
		int64_t t = t0 + i * 15000LL;
		struct samples_row rows[2] = {row("httproute/ns/a", 10, 9, 1, 50),
		                              row("httproute/ns/b", 4, 4, 0, i < 240 ? 100 : 250)};
		assert_int_equal(samples_put(c, "scrape ctx", t, rows, 2, t + 15000, &ret, err,
		                             sizeof err), 0);
	}
	/* Re-putting the same interval (a second process) is not double counted. */
	struct samples_row dup = row("httproute/ns/a", 1000, 0, 0, 50);
	assert_int_equal(samples_put(c, "scrape ctx", t0 + 479 * 15000LL, &dup, 1,
	                             t0 + 480 * 15000LL, &ret, err, sizeof err), 0);
	int64_t now = t0 + 480 * 15000LL;
	/* Retention dropped raw rows older than 30 min but kept what the rollups cover. */
	int64_t raw = samples_count(c, "samples"), m1 = samples_count(c, "samples_1m"),
	        m10 = samples_count(c, "samples_10m");
	assert_true(raw > 0 && raw <= 2 * (30 * 4 + 8));
	assert_true(m1 >= 2 * 30 && m1 <= 2 * 120);
	assert_int_equal(m10, 2 * 11); /* 110 minutes rolled (1m rollups lag the grace) */
	/* The last hour: 240 samples of each route, read from 10m/1m/raw pieces. */
	struct got g = {0};
	assert_int_equal(samples_window(c, "scrape ctx", now - 3600000, now, collect, &g, err,
	                                sizeof err), 2);
	assert_true(fabs(g.req[0] - 2400) < 1e-6);
	assert_true(fabs(g.to[0] - 240) < 1e-6);
	assert_true(fabs(g.secs[0] - 3600) < 1e-6);
	assert_true(fabs(g.req[1] - 960) < 1e-6);
	assert_int_equal(g.nb[1], 2); /* le 250 and +Inf (the 100 ms layout is older) */
	/* A window that is not aligned to anything: 7.5 minutes = 30 samples. */
	memset(&g, 0, sizeof g);
	assert_int_equal(samples_window(c, "scrape ctx", now - 450000 - 15000 * 7, now - 15000 * 7,
	                                collect, &g, err, sizeof err), 2);
	assert_true(fabs(g.req[0] - 300) < 1e-6);
	/* The whole 2 h: the first hour comes from 10m rollups (raw rows are gone). */
	memset(&g, 0, sizeof g);
	samples_window(c, "scrape ctx", t0, now, collect, &g, err, sizeof err);
	assert_true(fabs(g.req[0] - 4800) < 1e-6);
	assert_int_equal(g.nb[1], 3); /* both layouts merged: 100, 250, +Inf */
	/* A sliding window agrees with a full read at every step, including a jump. */
	struct samples_slider *sl = samples_slider_new("scrape ctx", 1800000);
	const int64_t ends[] = {now - 120000, now - 105000, now - 90000, now - 30000, now,
	                        now - 3600000, now - 3585000};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		struct got a = {0}, b = {0};
		assert_int_equal(samples_slider_update(c, sl, ends[i], collect, &a, err, sizeof err), 2);
		samples_window(c, "scrape ctx", ends[i] - 1800000, ends[i], collect, &b, err,
		               sizeof err);
		assert_true(fabs(a.req[0] - b.req[0]) < 1e-6 && fabs(a.to[1] - b.to[1]) < 1e-6);
		assert_true(fabs(a.secs[0] - b.secs[0]) < 1e-6 && fabs(a.secs[1] - b.secs[1]) < 1e-6);
		/* (a window starting inside a minute whose raw rows retention dropped loses that
		 * partial minute: only minute-aligned windows are complete here) */
		if (ends[i] - 1800000 >= t0 && ends[i] % 60000 == 0)
			assert_true(fabs(a.req[0] - 1200) < 1e-6 && fabs(a.secs[0] - 1800) < 1e-6);
	}
	samples_slider_free(sl);
	/* Unknown source: nothing. */
	assert_int_equal(samples_window(c, "other", t0, now, collect, &g, err, sizeof err), 0);
	char *src = NULL;
	int64_t latest = 0;
	assert_int_equal(samples_latest(c, &src, &latest, err, sizeof err), 1);
	assert_string_equal(src, "scrape ctx");
	assert_int_equal(latest, t0 + 479 * 15000LL);
	free(src);
	/* A second connection to the same file sees the data and can write alongside. */
	struct cache *c2 = cache_open(path_in("samples.db"), NULL, err, sizeof err);
	assert_non_null(c2);
	struct samples_row more = row("httproute/ns/c", 7, 7, 0, 50);
	assert_int_equal(samples_put(c2, "scrape ctx", now, &more, 1, now + 15000, &ret, err,
	                             sizeof err), 0);
	struct samples_row more1 = row("httproute/ns/d", 7, 7, 0, 50);
	assert_int_equal(samples_put(c, "scrape ctx", now, &more1, 1, now + 15000, &ret, err,
	                             sizeof err), 0);
	memset(&g, 0, sizeof g);
	assert_int_equal(samples_window(c, "scrape ctx", now, now + 15000, collect, &g, err,
	                                sizeof err), 2);
	assert_true(g.req[2] == 7 && g.req[3] == 7);
	cache_close(c2);
	/* Much later, retention empties every table. */
	assert_int_equal(samples_maintain(c, now + 30LL * 86400000, &ret, err, sizeof err), 0);
	assert_int_equal(samples_count(c, "samples_10m"), 0);
	cache_close(c);
}

/* Two processes writing the same cache file at once (WAL, busy timeout): both succeed and
 * every row of both is there. */
static void test_two_processes(void **state)
{
	(void)state;
	char err[512] = "";
	const char *p = path_in("shared.db");
	struct cache *c = cache_open(p, NULL, err, sizeof err);
	assert_non_null(c);
	cache_close(c);
	const int64_t t0 = 1800000000000LL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	int me = pid == 0 ? 1 : 0;
	c = cache_open(p, NULL, err, sizeof err);
	int failures = c ? 0 : 1;
	char route[64], ctx[32];
	for (int i = 0; c && i < 200; i++) {
		snprintf(route, sizeof route, "httproute/ns/p%d", me);
		struct samples_row r = row(route, 1, 1, 0, 50);
		if (samples_put(c, me ? "scrape child" : "scrape parent", t0 + i * 15000LL, &r, 1,
		                t0 + i * 15000LL, NULL, err, sizeof err) < 0)
			failures++;
		snprintf(ctx, sizeof ctx, "ctx%d", me);
		if (cache_topology_put(c, ctx, "{}", i, err, sizeof err) < 0)
			failures++;
	}
	cache_close(c);
	if (pid == 0)
		_exit(failures ? 1 : 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(failures, 0);
	c = cache_open(p, NULL, err, sizeof err);
	assert_int_equal(samples_count(c, "samples"), 400);
	cache_close(c);
}

/* Bucket blobs keep fractional counts and bounds that are not floats exactly, and whole
 * counts in the compact form; a damaged blob adds nothing instead of crashing. */
static void test_blob_roundtrip(void **state)
{
	(void)state;
	char err[512];
	struct cache *c = cache_open(path_in("blob.db"), NULL, err, sizeof err);
	const double les[][3] = {{0.1, 2.5, INFINITY}, {5, 50, INFINITY}};
	const double cnt[][3] = {{1.25, 2.5, 3.75}, {1, 300, 70000}};
	for (int k = 0; k < 2; k++) {
		struct samples_row r = {.route = k ? "httproute/a/w" : "httproute/a/f", .rule = -1,
		                        .scope = "route"};
		r.counts.seconds = 15;
		r.counts.have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_LATENCY);
		for (int i = 0; i < 3; i++)
			samples_counts_bucket(&r.counts, les[k][i], cnt[k][i]);
		assert_int_equal(samples_put(c, "src", 60000 * (k + 1), &r, 1, 60000 * (k + 1), NULL,
		                             err, sizeof err), 0);
		struct sample_counts got = {0};
		assert_int_equal(samples_window(c, "src", 60000 * (k + 1), 60000 * (k + 1) + 1,
		                                roundtrip_cb, &got, err, sizeof err), 1);
		assert_int_equal(got.n_buckets, 3);
		for (int i = 0; i < 3; i++)
			assert_true(got.le[i] == les[k][i] && got.bucket[i] == cnt[k][i]);
	}
	/* Damaged rows (truncated, garbage, bounds out of order) count as nothing: no crash. */
	const char *damage[] = {"x'53'", "x'5303ff'", "x'53730000050256'", "randomblob(40)",
	                        "x'5301000f02560000803f0000003f0101'"};
	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "UPDATE samples SET data = %s", damage[i]);
		assert_int_equal(sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL), SQLITE_OK);
		struct sample_counts got = {0};
		samples_window(c, "src", 60000, 60001, roundtrip_cb, &got, err, sizeof err);
		assert_true(got.seconds == 0 && got.n_buckets == 0);
	}
	cache_close(c);
}

/* Amounts after SC_LATENCY (SC_TRY_TIMEOUTS) round-trip through a blob; a blob written
 * before they existed (one kinds byte) still reads the same. */
static void test_blob_new_amounts(void **state)
{
	(void)state;
	struct sample_counts s = {.seconds = 15,
	                          .have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_TRY_TIMEOUTS) |
	                                  SC_BIT(SC_EXHAUSTED)};
	s.v[SC_REQUESTS] = 1000;
	s.v[SC_EXHAUSTED] = 2.5;
	s.v[SC_TRY_TIMEOUTS] = 12.25;
	unsigned char blob[SAMPLEBLOB_MAX];
	size_t n = sampleblob_encode(&s, blob);
	struct sample_counts got;
	assert_int_equal(sampleblob_decode(blob, n, 1, &got), 0);
	assert_true(got.have == s.have && got.seconds == 15);
	assert_true(got.v[SC_REQUESTS] == 1000 && got.v[SC_EXHAUSTED] == 2.5 &&
	            got.v[SC_TRY_TIMEOUTS] == 12.25);
	struct sample_counts acc = {0};
	assert_int_equal(sampleblob_add(blob, n, -1, &acc), 0);
	assert_true(acc.v[SC_TRY_TIMEOUTS] == -12.25);
	/* the old layout: 'S', have = requests|exhausted, kinds 0, seconds 15, requests 100,
	 * exhausted 3 (zigzag varints), no histogram */
	const unsigned char old[] = {'S', 0x41, 0x00, 0x1e, 0xc8, 0x01, 0x06, 0x00};
	assert_int_equal(sampleblob_decode(old, sizeof old, 1, &got), 0);
	assert_true(got.seconds == 15 && got.v[SC_REQUESTS] == 100 && got.v[SC_EXHAUSTED] == 3 &&
	            got.v[SC_TRY_TIMEOUTS] == 0 && !(got.have & SC_BIT(SC_TRY_TIMEOUTS)));
	/* a blob claiming a new amount but cut before its second kinds byte is damaged */
	const unsigned char cut[] = {'S', 0x81, 0x02};
	assert_int_equal(sampleblob_decode(cut, sizeof cut, 1, &got), -1);
}

static void test_counts_buckets(void **state)
{
	(void)state;
	struct sample_counts a = {0}, b = {0};
	samples_counts_bucket(&a, INFINITY, 10);
	samples_counts_bucket(&a, 100, 5);
	samples_counts_bucket(&a, 10, 1);
	assert_int_equal(a.n_buckets, 3);
	assert_true(a.le[0] == 10 && a.le[1] == 100 && isinf(a.le[2]));
	samples_counts_bucket(&b, 100, 2);
	samples_counts_bucket(&b, 50, 1);
	a.seconds = 1;
	b.seconds = 2;
	samples_counts_add(&a, &b);
	assert_int_equal(a.n_buckets, 4);
	assert_true(a.bucket[2] == 7 && a.bucket[1] == 1 && a.seconds == 3);
	/* A full table never overflows. */
	struct sample_counts f = {0};
	for (int i = 0; i < SAMPLES_MAX_BUCKETS + 10; i++)
		samples_counts_bucket(&f, i, 1);
	assert_int_equal(f.n_buckets, SAMPLES_MAX_BUCKETS);
}

/* Two kubeconfigs whose contexts have the same name reach different clusters: the key is the
 * server (normalised, never with credentials) and the CA. */
static void test_cluster_key(void **state)
{
	(void)state;
	const char ca1[] = "-----BEGIN CERTIFICATE-----\nMIIB\nAAAA\n-----END CERTIFICATE-----\n";
	const char ca1w[] = "-----BEGIN CERTIFICATE-----\r\nMIIBAAAA\r\n-----END CERTIFICATE-----";
	const char ca2[] = "-----BEGIN CERTIFICATE-----\nMIIB\nBBBB\n-----END CERTIFICATE-----\n";
	char *a = cache_cluster_key("https://127.0.0.1:6443", ca1, sizeof ca1 - 1);
	char *b = cache_cluster_key("https://127.0.0.1:6443/", ca1w, sizeof ca1w - 1);
	char *c = cache_cluster_key("https://127.0.0.1:6443", ca2, sizeof ca2 - 1);
	char *d = cache_cluster_key("HTTPS://User:p@ss/w?rd@API.Example.com:443/k8s/c-1/?x=1#f", NULL,
	                            0);
	char *e = cache_cluster_key("http://127.0.0.1:38211", NULL, 0);
	char *f = cache_cluster_key("http://127.0.0.1:38212", NULL, 0);
	assert_string_equal(a, b); /* the same CA, wrapped differently */
	assert_string_not_equal(a, c);
	assert_non_null(strstr(a, "https://127.0.0.1:6443 ca:"));
	assert_string_equal(d, "https://api.example.com/k8s/c-1");
	assert_null(strstr(d, "ss"));
	assert_string_equal(e, "http://127.0.0.1:38211");
	assert_string_not_equal(e, f);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(f);
}

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x); \
	return 1; } } while (0)

/* test_readonly's body: plain checks (it may run in a child that dropped root). */
static int readonly_body(const char *sub)
{
	char err[512] = "", *notice = NULL, p[600];
	snprintf(p, sizeof p, "%s/cache.db", sub);
	struct cache *c = cache_open(p, NULL, err, sizeof err);
	CHECK(c);
	struct audit_entry a = {.route = "httproute/a/r", .rule = 0, .result = AUDIT_APPLIED,
	                        .message = "kept"};
	CHECK(audit_add(c, &a, err, sizeof err) > 0);
	cache_close(c);
	CHECK(chmod(p, 0400) == 0);
	CHECK(chmod(sub, 0500) == 0);
	c = cache_open(p, NULL, err, sizeof err);
	CHECK(!c);
	CHECK(strstr(err, "is read-only"));
	CHECK(strstr(err, "'gammatop history' still reads it"));
	c = cache_open_ex(p, CACHE_WRITE_OR_READ, &notice, err, sizeof err);
	CHECK(c);
	CHECK(cache_readonly(c));
	CHECK(notice && strstr(notice, "read-only"));
	free(notice);
	struct audit_entry *list = NULL;
	size_t n = 0;
	CHECK(audit_list(c, NULL, 0, &list, &n, err, sizeof err) == 0);
	CHECK(n == 1 && !strcmp(list[0].message, "kept"));
	audit_list_free(list, n);
	CHECK(audit_add(c, &a, err, sizeof err) == -1);
	CHECK(strstr(err, "read-only"));
	cache_close(c);
	chmod(sub, 0700);
	chmod(p, 0600);
	return 0;
}

/* A file we may not write: a write open says so and what still works; the fallback reads.
 * As root (who may write anyway) the body runs in a child that is user nobody. */
static void test_readonly(void **state)
{
	(void)state;
	char sub[512];
	snprintf(sub, sizeof sub, "%s", path_in("ro"));
	if (geteuid() != 0) {
		assert_int_equal(mkdir(sub, 0700), 0);
		assert_int_equal(readonly_body(sub), 0);
		return;
	}
	assert_int_equal(chmod(dir, 0711), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(chown(sub, 65534, 65534), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		_exit(readonly_body(sub));
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	chmod(dir, 0700);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* A full disk: the error says so, and where. */
static void test_disk_full(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path_in("full.db"), NULL, err, sizeof err);
	assert_non_null(c);
	int pages = 0;
	sqlite3_stmt *st;
	sqlite3_prepare_v2(cache_db(c), "PRAGMA page_count", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		pages = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", pages);
	assert_int_equal(sqlite3_exec(cache_db(c), sql, NULL, NULL, NULL), SQLITE_OK);
	char *big = malloc(20000);
	memset(big, 'x', 19999);
	big[19999] = '\0';
	struct audit_entry a = {.route = "httproute/a/r", .rule = 0, .result = AUDIT_APPLIED,
	                        .message = big};
	assert_int_equal(audit_add(c, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "the disk is full"));
	assert_non_null(strstr(err, "reading the cache still works"));
	free(big);
	cache_close(c);
}

/* A cache from a newer gammatop is set aside; its audit log still reads from where it went,
 * as long as the columns we know are there. */
static void test_newer_audit_readable(void **state)
{
	(void)state;
	char err[512] = "", *notice = NULL;
	const char *p = path_in("future.db");
	sqlite3 *db;
	sqlite3_open(p, &db);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE audit (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, context TEXT,"
		"  user TEXT, route TEXT, rule INTEGER, before_json TEXT, after_json TEXT, result TEXT,"
		"  message TEXT, cluster TEXT, flavour TEXT);"
		"INSERT INTO audit (at_ms, route, rule, result, message, flavour) VALUES"
		"  (1000, 'httproute/a/r', 0, 'applied', 'from the future', 'x');"
		"PRAGMA user_version = 42;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct cache *c = cache_open(p, &notice, err, sizeof err);
	assert_non_null(c);
	assert_non_null(notice);
	cache_close(c);
	const char *cmd = strstr(notice, "--cache ");
	assert_non_null(cmd);
	char aside[512];
	snprintf(aside, sizeof aside, "%.*s", (int)strcspn(cmd + 8, "'"), cmd + 8);
	free(notice);
	notice = NULL;
	c = cache_open_ro(aside, &notice, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(cache_schema_version(c), 42);
	struct audit_entry *list = NULL;
	size_t n = 0;
	assert_int_equal(audit_list(c, NULL, 0, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].message, "from the future");
	assert_null(list[0].rule_key);
	audit_list_free(list, n);
	cache_close(c);
	/* CACHE_READ_MOSTLY reads a newer file in place instead of setting it aside. */
	p = path_in("future2.db");
	sqlite3_open(p, &db);
	sqlite3_exec(db, "CREATE TABLE audit (id INTEGER PRIMARY KEY, at_ms INTEGER, route TEXT);"
	                 "PRAGMA user_version = 43;", NULL, NULL, NULL);
	sqlite3_close(db);
	c = cache_open_ex(p, CACHE_READ_MOSTLY, &notice, err, sizeof err);
	assert_non_null(c);
	assert_true(cache_readonly(c));
	assert_non_null(strstr(notice, "newer gammatop"));
	free(notice);
	assert_int_equal(count_files("future2.db.newer-"), 0);
	/* ... but an audit table without the columns we read is refused with a reason. */
	assert_int_equal(audit_list(c, NULL, 0, &list, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "has no column context"));
	cache_close(c);
}

/* The child of test_console_beside_writers: a fresh process (exec'd, so that no SQLite state
 * is inherited across fork: howtocorrupt.html section 2.7) that adds one audit row, as one
 * `gammatop set --yes` does. */
static int child_add(const char *path)
{
	char e[512];
	struct cache *c = cache_open(path, NULL, e, sizeof e);
	struct audit_entry a = {.route = "httproute/a/r", .rule = 0, .result = "applied",
	                        .message = "child"};
	int ok = c && audit_add(c, &a, e, sizeof e) > 0;
	cache_close(c);
	return ok ? 0 : 1;
}

/* A console-like process keeps the cache open (and opens it a second time, as a view does),
 * while other processes add audit rows; the console writes in between and quits. Every row
 * must survive. Opening the cache must never open()/close() the database file beside a live
 * connection: on POSIX that close() drops every lock the process holds on the file
 * (sqlite.org/howtocorrupt.html section 2.2), the next writer then finds itself "last",
 * deletes the WAL, and the console's close checkpoints its stale view over their rows. */
static void test_console_beside_writers(void **state)
{
	(void)state;
	char err[512] = "", p[512];
	snprintf(p, sizeof p, "%s", path_in("shared.db"));
	struct cache *con = cache_open(p, NULL, err, sizeof err);
	assert_non_null(con);
	assert_int_equal(cache_topology_put(con, "k", "{\"v\":1}", 1, err, sizeof err), 0);
	struct cache *view = cache_open(p, NULL, err, sizeof err); /* e.g. the history view */
	assert_non_null(view);
	cache_close(view);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			setenv("GT_TEST_CACHE_CHILD", p, 1);
			execl("/proc/self/exe", "test_cache", (char *)NULL);
			_exit(127);
		}
		int st = 0;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (i == 10) { /* the console writes in between: its own change, and the topology */
			struct audit_entry a = {.route = "httproute/a/c", .rule = 0, .result = "applied",
			                        .message = "console"};
			assert_true(audit_add(con, &a, err, sizeof err) > 0);
			assert_int_equal(cache_topology_put(con, "k", "{\"v\":2}", 2, err, sizeof err), 0);
		}
	}
	assert_int_equal(cache_topology_put(con, "k", "{\"v\":3}", 3, err, sizeof err), 0);
	cache_close(con);
	struct cache *c = cache_open(p, NULL, err, sizeof err);
	assert_non_null(c);
	struct audit_entry *list = NULL;
	size_t n = 0;
	assert_int_equal(audit_list(c, NULL, 0, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 21);
	for (size_t i = 0; i + 1 < n; i++) /* ids are unique: nobody wrote on a stale view */
		assert_true(list[i].id > list[i + 1].id);
	audit_list_free(list, n);
	char *json = NULL;
	int64_t at = 0;
	assert_int_equal(cache_topology_get(c, "k", &json, &at, err, sizeof err), 1);
	assert_string_equal(json, "{\"v\":3}");
	free(json);
	cache_close(c);
}

int main(void)
{
	if (getenv("GT_TEST_CACHE_CHILD"))
		return child_add(getenv("GT_TEST_CACHE_CHILD"));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_modes),
		cmocka_unit_test(test_migrate_v1),
		cmocka_unit_test(test_set_aside),
		cmocka_unit_test(test_counts_buckets),
		cmocka_unit_test(test_two_processes),
		cmocka_unit_test(test_console_beside_writers),
		cmocka_unit_test(test_cluster_key),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_newer_audit_readable),
		cmocka_unit_test(test_blob_roundtrip), cmocka_unit_test(test_blob_new_amounts),
		cmocka_unit_test(test_samples_rollup_retention),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
