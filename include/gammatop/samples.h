/* samples.h: telemetry samples in the cache: per route (and rule) key, per source, per
 * collection interval, the amounts seen in that interval (requests, successes, timeouts,
 * retries, ... and latency histogram bucket counts). Raw samples are rolled up into 1-minute
 * and 10-minute tables and dropped by a retention policy; a window is answered from the
 * coarsest tables that fit it, so an hour over 10,000 routes stays cheap. Writes are batched
 * in one transaction with prepared statements; duplicate (source, time, key) rows from a
 * second process collecting the same source are ignored, never double counted. */
#ifndef GAMMATOP_SAMPLES_H
#define GAMMATOP_SAMPLES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/cache.h"

#define SAMPLES_MAX_BUCKETS 32

/* The amounts a mesh reports, one bit each in sample_counts.have. The cache stores these bits,
 * so a component keeps its number: new ones go after SC_LATENCY (the histogram, not an amount).
 * SC_TIMEOUTS counts requests that ended in a timeout; SC_TRY_TIMEOUTS counts tries that hit a
 * per-try timeout (recovered by a retry or not) — never summed, doc/telemetry.md. */
enum sample_component {
	SC_REQUESTS,
	SC_SUCCESSES,
	SC_FAILURES,
	SC_TIMEOUTS,
	SC_RETRIES,
	SC_RETRY_SUCCESSES,
	SC_EXHAUSTED,
	SC_LATENCY,
	SC_TRY_TIMEOUTS,
	SC_N
};
#define SC_BIT(c) (1u << (c))

/* Amounts over `seconds` (counts, or rates with seconds = 1). Latency: cumulative bucket
 * counts by upper bound le (milliseconds; the last is +Inf), like Prometheus `_bucket`. */
struct sample_counts {
	double seconds;
	double v[SC_N]; /* indexed by enum sample_component (v[SC_LATENCY] is unused, 0) */
	unsigned have;        /* SC_BIT of each component the source reported */
	unsigned n_buckets;
	double le[SAMPLES_MAX_BUCKETS];
	double bucket[SAMPLES_MAX_BUCKETS];
};

/* Add b into a (amounts, seconds and histogram buckets merged by le). */
void samples_counts_add(struct sample_counts *a, const struct sample_counts *b);
/* Add count observations to the bucket with upper bound le_ms (kept sorted; when the table
 * is full the observation joins the nearest larger bucket). */
void samples_counts_bucket(struct sample_counts *a, double le_ms, double count);

struct samples_row {
	const char *route; /* "httproute/NS/NAME" or "service/NS/NAME" */
	int rule;          /* rule index, -1 when the figure is per route or service */
	const char *scope; /* "route", "rule" or "service" */
	struct sample_counts counts;
};

struct samples_retention {
	int64_t raw_ms, m1_ms, m10_ms; /* how long each table keeps rows */
};
#define SAMPLES_RETENTION_DEFAULT {6 * 3600000LL, 7 * 86400000LL, 90 * 86400000LL}

/* Store rows for the interval starting at t_ms from source ("prometheus http://h:9090" or
 * "scrape context-name": never a URL with credentials), in one transaction; then roll up
 * completed minutes (and 10-minute spans) older than now_ms and apply retention (NULL: the
 * default policy). Returns 0 or -1 with a message in err. */
int samples_put(struct cache *c, const char *source, int64_t t_ms, const struct samples_row *rows,
                size_t n, int64_t now_ms, const struct samples_retention *ret, char *err,
                size_t errlen);

/* Roll up and apply retention without storing anything. */
int samples_maintain(struct cache *c, int64_t now_ms, const struct samples_retention *ret,
                     char *err, size_t errlen);

typedef void (*samples_window_cb)(const char *route, int rule, const char *scope,
                                  const struct sample_counts *sum, void *ud);

/* Sum every key's samples from source with start_ms <= t < end_ms, using 10-minute and
 * 1-minute rollups where the window covers them whole, and call cb once per key.
 * Returns the number of keys, or -1 with a message in err. */
int samples_window(struct cache *c, const char *source, int64_t start_ms, int64_t end_ms,
                   samples_window_cb cb, void *ud, char *err, size_t errlen);

/* A window that follows the clock: the first update reads the whole window (as
 * samples_window), later ones add the raw rows that entered it and take out those that left,
 * so that a collection round costs one interval's rows, not the window's. Rows written into
 * the window's past after it was read are not seen until the next full read (every 64
 * updates, or when the window jumps). Heap object: samples_slider_new/_free. */
struct samples_slider;
struct samples_slider *samples_slider_new(const char *source, int64_t window_ms);
void samples_slider_free(struct samples_slider *sl);
/* Move the window to end at end_ms and call cb for every key with data in it. Returns the
 * number of keys, or -1 with a message in err. */
int samples_slider_update(struct cache *c, struct samples_slider *sl, int64_t end_ms,
                          samples_window_cb cb, void *ud, char *err, size_t errlen);

/* The source with the newest raw sample (heap string in *source) and that sample's time.
 * Returns 1, 0 when the cache holds no samples, -1 on error. */
int samples_latest(struct cache *c, char **source, int64_t *t_ms, char *err, size_t errlen);

/* The time of source's newest raw sample. Returns 1, 0 when it has none, -1 on error. */
int samples_source_latest(struct cache *c, const char *source, int64_t *t_ms, char *err,
                          size_t errlen);

/* Register gt_pack(), the SQL function the schema 2 -> 3 migration packs old rows with
 * (called by cache_open before migrating). Returns 0 or -1. */
int samples_register(struct sqlite3 *db);

/* Count rows in "samples", "samples_1m" or "samples_10m" (for tests and the benchmark). */
int64_t samples_count(struct cache *c, const char *table);

#endif
