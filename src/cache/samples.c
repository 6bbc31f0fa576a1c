/* samples.c: telemetry samples in the cache: batched ingest with prepared statements, 1-minute
 * and 10-minute rollups, retention, and window sums answered from the coarsest tables that
 * cover the window. A row's amounts and histogram are one packed blob (sampleblob.h);
 * rollups and window sums decode and add them in C (faster than SQL GROUP BY). */
#include "config.h"

#include "gammatop/samples.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/sampleblob.h"
#include "gammatop/strmap.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#define M1 60000LL
#define M10 600000LL
#define ROLLUP_GRACE_MS 30000 /* a minute is rolled up this long after it ended */

static int db_err(struct cache *c, char *err, size_t errlen, const char *what)
{
	cache_error(c, what, err, errlen);
	return -1;
}

/* ---- key and source ids ---- */

static void map_free(void *p)
{
	struct strmap *m = p;
	strmap_done(m);
	free(m);
}

static struct strmap *id_map(struct cache *c)
{
	struct strmap *m = cache_slot(c);
	if (!m) {
		m = xmalloc(sizeof *m);
		strmap_init(m, NULL);
		cache_set_slot(c, m, map_free);
	}
	return m;
}

/* The id of name in table (sources: name; series_keys: route/rule/scope), created if absent. */
static int64_t lookup_id(struct cache *c, const char *route, int rule, const char *scope,
                         sqlite3_stmt **sel, sqlite3_stmt **ins)
{
	struct strmap *m = id_map(c);
	char key[1024];
	snprintf(key, sizeof key, "%s\x1f%d\x1f%s", route, rule, scope ? scope : "\x1e");
	void *v = strmap_get(m, key);
	if (v)
		return (int64_t)(intptr_t)v;
	sqlite3 *db = cache_db(c);
	bool source = !scope;
	if (!*sel)
		sqlite3_prepare_v2(db, source ? "SELECT id FROM sources WHERE name = ?"
		                              : "SELECT id FROM series_keys WHERE route = ? AND rule = ? "
		                                "AND scope = ?", -1, sel, NULL);
	if (!*ins)
		sqlite3_prepare_v2(db, source ? "INSERT INTO sources (name) VALUES (?)"
		                              : "INSERT INTO series_keys (route, rule, scope) "
		                                "VALUES (?, ?, ?)", -1, ins, NULL);
	if (!*sel || !*ins)
		return -1;
	int64_t id = -1;
	for (int pass = 0; pass < 2 && id < 0; pass++) {
		sqlite3_stmt *st = pass ? *ins : *sel;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, route, -1, SQLITE_STATIC);
		if (!source) {
			sqlite3_bind_int(st, 2, rule);
			sqlite3_bind_text(st, 3, scope, -1, SQLITE_STATIC);
		}
		int rc = sqlite3_step(st);
		if (!pass && rc == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		else if (pass && rc == SQLITE_DONE)
			id = sqlite3_last_insert_rowid(db);
		else if (pass || rc != SQLITE_DONE)
			break;
	}
	sqlite3_reset(*sel);
	sqlite3_reset(*ins);
	if (id > 0)
		*strmap_slot(m, key, NULL) = (void *)(intptr_t)id;
	return id;
}

/* ---- rollups and retention ---- */

static int meta_get(sqlite3 *db, const char *key, int64_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return found;
}

static int run(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int np = sqlite3_bind_parameter_count(st);
	if (np >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (np >= 2)
		sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* Roll rows of from (span `step` ms) with upto <= t < target into to. */
static int64_t floor_to(int64_t t, int64_t step) { return (t >= 0 ? t : t - step + 1) / step * step; }
static int64_t ceil_to(int64_t t, int64_t step) { return floor_to(t + step - 1, step); }

struct window {
	struct sample_counts *acc; /* indexed by key id */
	bool *used;
	int64_t n;
	double sign; /* +1 adds rows, -1 takes them out (sliding windows) */
};

static void window_grow(struct window *w, int64_t k)
{
	int64_t n = w->n ? w->n : 64;
	while (n <= k)
		n *= 2;
	w->acc = xreallocarray(w->acc, (size_t)n, sizeof *w->acc);
	w->used = xreallocarray(w->used, (size_t)n, sizeof *w->used);
	memset(w->acc + w->n, 0, (size_t)(n - w->n) * sizeof *w->acc);
	memset(w->used + w->n, 0, (size_t)(n - w->n) * sizeof *w->used);
	w->n = n;
}

static void bind_row(sqlite3_stmt *st, int64_t t, int64_t sid, int64_t kid,
                     const struct sample_counts *s)
{
	unsigned char blob[SAMPLEBLOB_MAX];
	size_t n = sampleblob_encode(s, blob);
	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int64(st, 2, sid);
	sqlite3_bind_int64(st, 3, kid);
	sqlite3_bind_blob(st, 4, blob, (int)n, SQLITE_TRANSIENT);
}

/* Add the packed row in column col (times sign) to acc; a damaged row adds nothing. */
static void row_add(sqlite3_stmt *st, int col, double sign, struct sample_counts *acc)
{
	sampleblob_add(sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col), sign,
	               acc);
}

/* Sums per source and key of one rollup span, written out when the span changes. */
struct span_sums {
	int64_t sid;
	struct window w;
	int64_t *keys; /* key ids used in this span, in order of appearance */
	size_t n_keys, cap_keys;
};

static int span_flush(sqlite3_stmt *ins, int64_t t, struct span_sums *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < a[i].n_keys; k++) {
			int64_t key = a[i].keys[k];
			bind_row(ins, t, a[i].sid, key, &a[i].w.acc[key]);
			if (sqlite3_step(ins) != SQLITE_DONE)
				return -1;
			sqlite3_reset(ins);
			memset(&a[i].w.acc[key], 0, sizeof a[i].w.acc[key]);
			a[i].w.used[key] = false;
		}
		a[i].n_keys = 0;
	}
	return 0;
}

/* Roll rows of from with upto <= t < target into to, step ms per row: read in key order
 * and summed in memory (cheaper than SQL GROUP BY with its sorter). */
static int aggregate(sqlite3 *db, const char *from, const char *to, int64_t step, int64_t upto,
                     int64_t target)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT t_ms, source_id, key_id, data FROM %s WHERE t_ms >= ? AND "
	                          "t_ms < ?", from);
	sqlite3_stmt *sel = NULL, *ins = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &sel, NULL) != SQLITE_OK)
		return -1;
	snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO %s (t_ms, source_id, key_id, data) VALUES "
	                          "(?, ?, ?, ?)", to);
	if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK) {
		sqlite3_finalize(sel);
		return -1;
	}
	sqlite3_bind_int64(sel, 1, upto);
	sqlite3_bind_int64(sel, 2, target);
	struct span_sums *a = NULL;
	size_t na = 0;
	int64_t span = INT64_MIN;
	int rc = 0, st;
	while (rc == 0 && (st = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t t = floor_to(sqlite3_column_int64(sel, 0), step);
		int64_t sid = sqlite3_column_int64(sel, 1), key = sqlite3_column_int64(sel, 2);
		if (key < 0 || key > (1LL << 31))
			continue;
		if (t != span) {
			if (span != INT64_MIN && span_flush(ins, span, a, na) < 0)
				rc = -1;
			span = t;
		}
		size_t i = 0;
		while (i < na && a[i].sid != sid)
			i++;
		if (i == na) {
			a = xreallocarray(a, ++na, sizeof *a);
			memset(&a[i], 0, sizeof a[i]);
			a[i].sid = sid;
			a[i].w.sign = 1;
		}
		if (key >= a[i].w.n)
			window_grow(&a[i].w, key);
		if (!a[i].w.used[key]) {
			a[i].w.used[key] = true;
			if (a[i].n_keys == a[i].cap_keys) {
				a[i].cap_keys = a[i].cap_keys ? a[i].cap_keys * 2 : 256;
				a[i].keys = xreallocarray(a[i].keys, a[i].cap_keys, sizeof *a[i].keys);
			}
			a[i].keys[a[i].n_keys++] = key;
		}
		row_add(sel, 3, 1, &a[i].w.acc[key]);
	}
	if (rc == 0 && st != SQLITE_DONE)
		rc = -1;
	if (rc == 0 && span != INT64_MIN && span_flush(ins, span, a, na) < 0)
		rc = -1;
	for (size_t i = 0; i < na; i++) {
		free(a[i].w.acc);
		free(a[i].w.used);
		free(a[i].keys);
	}
	free(a);
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

static int rollup(sqlite3 *db, const char *from, const char *to, const char *meta, int64_t step,
                  int64_t target)
{
	int64_t upto;
	int found = meta_get(db, meta, &upto);
	if (found < 0)
		return -1;
	if (!found) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT MIN(t_ms) FROM %s", from);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
			return -1;
		upto = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
		               ? sqlite3_column_int64(st, 0) / step * step
		               : target;
		sqlite3_finalize(st);
	}
	if (upto < target && aggregate(db, from, to, step, upto, target) < 0)
		return -1;
	if (found && upto >= target)
		return 0;
	char msql[128];
	snprintf(msql, sizeof msql, "INSERT OR REPLACE INTO meta (key, value) VALUES ('%s', ?1)",
	         meta);
	return run(db, msql, target > upto ? target : upto, 0);
}

static int maintain(struct cache *c, int64_t now, const struct samples_retention *ret)
{
	static const struct samples_retention def = SAMPLES_RETENTION_DEFAULT;
	if (!ret)
		ret = &def;
	sqlite3 *db = cache_db(c);
	int64_t t1 = (now - ROLLUP_GRACE_MS) / M1 * M1;
	if (rollup(db, "samples", "samples_1m", "rollup_1m", M1, t1) < 0)
		return -1;
	int64_t upto1 = t1;
	meta_get(db, "rollup_1m", &upto1);
	if (rollup(db, "samples_1m", "samples_10m", "rollup_10m", M10, upto1 / M10 * M10) < 0)
		return -1;
	int64_t upto10 = 0;
	meta_get(db, "rollup_10m", &upto10);
	int64_t cut_raw = now - ret->raw_ms, cut_1 = now - ret->m1_ms;
	int64_t raw_cut = cut_raw < upto1 ? cut_raw : upto1, prev_cut;
	if (meta_get(db, "raw_cut", &prev_cut) == 1 && prev_cut > raw_cut)
		raw_cut = prev_cut;
	if (run(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('raw_cut', ?1)", raw_cut,
	        0) ||
	    run(db, "DELETE FROM samples WHERE t_ms < ?1", raw_cut, 0) ||
	    run(db, "DELETE FROM samples_1m WHERE t_ms < ?1", cut_1 < upto10 ? cut_1 : upto10, 0) ||
	    run(db, "DELETE FROM samples_10m WHERE t_ms < ?1", now - ret->m10_ms, 0))
		return -1;
	return 0;
}

int samples_maintain(struct cache *c, int64_t now_ms, const struct samples_retention *ret,
                     char *err, size_t errlen)
{
	if (cache_begin(c, err, errlen) < 0)
		return -1;
	if (maintain(c, now_ms, ret) < 0) {
		db_err(c, err, errlen, "cannot roll up samples");
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err, errlen);
}

int samples_put(struct cache *c, const char *source, int64_t t_ms, const struct samples_row *rows,
                size_t n, int64_t now_ms, const struct samples_retention *ret, char *err,
                size_t errlen)
{
	if (cache_begin(c, err, errlen) < 0)
		return -1;
	sqlite3 *db = cache_db(c);
	sqlite3_stmt *ssel = NULL, *sins = NULL, *ksel = NULL, *kins = NULL, *ins = NULL;
	int rc = -1;
	int64_t sid = lookup_id(c, source, 0, NULL, &ssel, &sins);
	if (sid < 0) {
		db_err(c, err, errlen, "cannot record the source");
		goto out;
	}
	char sql[512];
	snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO samples (t_ms, source_id, key_id, data) "
	                          "VALUES (?, ?, ?, ?)");
	if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK) {
		db_err(c, err, errlen, "cannot store samples");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct samples_row *r = &rows[i];
		int64_t kid = lookup_id(c, r->route, r->rule, r->scope ? r->scope : "route", &ksel, &kins);
		if (kid < 0) {
			db_err(c, err, errlen, "cannot record a route key");
			goto out;
		}
		bind_row(ins, t_ms, sid, kid, &r->counts);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_err(c, err, errlen, "cannot store samples");
			goto out;
		}
		sqlite3_reset(ins);
	}
	if (maintain(c, now_ms, ret) < 0) {
		db_err(c, err, errlen, "cannot roll up samples");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(ssel);
	sqlite3_finalize(sins);
	sqlite3_finalize(ksel);
	sqlite3_finalize(kins);
	sqlite3_finalize(ins);
	if (rc == 0)
		return cache_commit(c, err, errlen);
	cache_rollback(c);
	/* ids learnt inside the rolled-back transaction are no longer valid */
	strmap_clear(id_map(c));
	return -1;
}

/* ---- reading windows ---- */

static int read_piece(struct cache *c, struct window *w, const char *table, int64_t sid,
                      int64_t s, int64_t e)
{
	if (s >= e)
		return 0;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT key_id, data FROM %s WHERE t_ms >= ? AND t_ms < ? AND "
	                          "source_id = ?", table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, s);
	sqlite3_bind_int64(st, 2, e);
	sqlite3_bind_int64(st, 3, sid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(st, 0);
		if (k < 0 || k > (1LL << 31))
			continue;
		if (k >= w->n)
			window_grow(w, k);
		row_add(st, 1, w->sign, &w->acc[k]);
		w->used[k] = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* [s, e) from 1-minute rollups where complete (up to u1), raw rows for the edges. */
static int read_minutes(struct cache *c, struct window *w, int64_t sid, int64_t s, int64_t e,
                        int64_t u1)
{
	int64_t a = ceil_to(s, M1), b = floor_to(e, M1);
	if (b > u1)
		b = floor_to(u1, M1);
	if (a >= b)
		return read_piece(c, w, "samples", sid, s, e);
	return read_piece(c, w, "samples", sid, s, a) || read_piece(c, w, "samples_1m", sid, a, b) ||
	               read_piece(c, w, "samples", sid, b, e)
	               ? -1
	               : 0;
}

/* The source's id (-1 when unknown) and the rollup progress. */
static int64_t source_info(struct cache *c, const char *source, int64_t *u1, int64_t *u10)
{
	sqlite3 *db = cache_db(c);
	sqlite3_stmt *st;
	int64_t sid = -1;
	if (sqlite3_prepare_v2(db, "SELECT id FROM sources WHERE name = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -2;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		sid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*u1 = *u10 = 0;
	meta_get(db, "rollup_1m", u1);
	meta_get(db, "rollup_10m", u10);
	return sid;
}

/* Add every row of [start, end) to w, from the coarsest tables that cover it whole. */
static int window_fill(struct cache *c, struct window *w, int64_t sid, int64_t start,
                       int64_t end, int64_t u1, int64_t u10)
{
	int64_t a = ceil_to(start, M10), b = floor_to(end, M10);
	if (b > floor_to(u10, M10))
		b = floor_to(u10, M10);
	if (a < b)
		return read_minutes(c, w, sid, start, a, u1) ||
		               read_piece(c, w, "samples_10m", sid, a, b) ||
		               read_minutes(c, w, sid, b, end, u1)
		               ? -1
		               : 0;
	return read_minutes(c, w, sid, start, end, u1);
}

/* Call cb for every key of w that has data. */
static int window_emit(struct cache *c, struct window *w, samples_window_cb cb, void *ud)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT id, route, rule, scope FROM series_keys", -1,
	                       &st, NULL) != SQLITE_OK)
		return -1;
	int count = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(st, 0);
		if (k < 0 || k >= w->n || !w->used[k] || w->acc[k].seconds < 1e-6)
			continue;
		cb((const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
		   (const char *)sqlite3_column_text(st, 3), &w->acc[k], ud);
		count++;
	}
	sqlite3_finalize(st);
	return count;
}

int samples_window(struct cache *c, const char *source, int64_t start, int64_t end,
                   samples_window_cb cb, void *ud, char *err, size_t errlen)
{
	sqlite3 *db = cache_db(c);
	int64_t u1, u10, sid = source_info(c, source, &u1, &u10);
	if (sid == -2)
		return db_err(c, err, errlen, "cannot read samples");
	if (sid < 0)
		return 0;
	/* A read transaction, so that a writer's rollup cannot move rows under us. */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	struct window w = {.sign = 1};
	int rc = window_fill(c, &w, sid, start, end, u1, u10);
	int count = rc ? -1 : window_emit(c, &w, cb, ud);
	if (count < 0)
		db_err(c, err, errlen, "cannot read samples");
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	free(w.acc);
	free(w.used);
	return count;
}

struct samples_slider {
	char *source;
	int64_t window_ms, start, end;
	int slides; /* since the last full read */
	struct window w;
};

struct samples_slider *samples_slider_new(const char *source, int64_t window_ms)
{
	struct samples_slider *sl = xcalloc(1, sizeof *sl);
	sl->source = xstrdup(source);
	sl->window_ms = window_ms;
	return sl;
}

void samples_slider_free(struct samples_slider *sl)
{
	if (!sl)
		return;
	free(sl->w.acc);
	free(sl->w.used);
	free(sl->source);
	free(sl);
}

int samples_slider_update(struct cache *c, struct samples_slider *sl, int64_t end,
                          samples_window_cb cb, void *ud, char *err, size_t errlen)
{
	sqlite3 *db = cache_db(c);
	int64_t u1, u10, sid = source_info(c, sl->source, &u1, &u10);
	if (sid == -2)
		return db_err(c, err, errlen, "cannot read samples");
	if (sid < 0)
		return 0;
	int64_t start = end - sl->window_ms;
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	int64_t cut = INT64_MAX; /* raw rows older than this may have been dropped */
	if (meta_get(db, "raw_cut", &cut) == 0)
		cut = INT64_MIN;
	int rc;
	/* Slide when the raw rows of both edges are still there; read it all now and then, so
	 * that rounding of the additions and removals never accumulates. */
	if (sl->end && end >= sl->end && start >= sl->start && start < sl->end &&
	    sl->start >= cut && sl->slides < 64) {
		sl->w.sign = 1;
		rc = read_piece(c, &sl->w, "samples", sid, sl->end, end);
		sl->w.sign = -1;
		rc = rc || read_piece(c, &sl->w, "samples", sid, sl->start, start);
		sl->slides++;
	} else {
		if (sl->w.n) {
			memset(sl->w.acc, 0, (size_t)sl->w.n * sizeof *sl->w.acc);
			memset(sl->w.used, 0, (size_t)sl->w.n * sizeof *sl->w.used);
		}
		sl->w.sign = 1;
		rc = window_fill(c, &sl->w, sid, start, end, u1, u10);
		sl->slides = 0;
	}
	sl->start = start;
	sl->end = end;
	int count = rc ? -1 : window_emit(c, &sl->w, cb, ud);
	if (count < 0) {
		db_err(c, err, errlen, "cannot read samples");
		sl->end = 0; /* read everything next time */
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return count;
}

int samples_latest(struct cache *c, char **source, int64_t *t_ms, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT s.t_ms, (SELECT name FROM sources WHERE id = "
	                                    "s.source_id) FROM samples s ORDER BY s.t_ms DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(c, err, errlen, "cannot read samples");
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		*t_ms = sqlite3_column_int64(st, 0);
		*source = xstrdup((const char *)sqlite3_column_text(st, 1));
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = db_err(c, err, errlen, "cannot read samples");
	}
	sqlite3_finalize(st);
	return found;
}

int samples_source_latest(struct cache *c, const char *source, int64_t *t_ms, char *err,
                          size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT max(t_ms) FROM samples WHERE source_id = "
	                                    "(SELECT id FROM sources WHERE name = ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(c, err, errlen, "cannot read samples");
	sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*t_ms = sqlite3_column_int64(st, 0);
		found = 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		found = db_err(c, err, errlen, "cannot read samples");
	}
	sqlite3_finalize(st);
	return found;
}

int64_t samples_count(struct cache *c, const char *table)
{
	if (strcmp(table, "samples") && strcmp(table, "samples_1m") && strcmp(table, "samples_10m"))
		return -1;
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}
