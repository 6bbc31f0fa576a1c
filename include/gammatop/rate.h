/* rate.h: counters to increases across scrapes, with resets (a counter that drops means the
 * proxy restarted: the increase is the new value, as Prometheus' rate() does), and
 * histogram quantiles with Prometheus histogram_quantile() semantics (linear interpolation
 * inside the bucket, lower bound 0 for the first bucket, the +Inf bucket answers with the
 * largest finite bound). Embedded counter table: rate_table_init/rate_table_done. */
#ifndef GAMMATOP_RATE_H
#define GAMMATOP_RATE_H
#include <stddef.h>
#include <stdint.h>

#include "gammatop/strmap.h"

/* The increase from prev to cur: cur - prev, or cur after a reset (cur < prev). NaN values
 * give NaN. */
double rate_increase(double prev, double cur);

/* The q-quantile (0..1) of a histogram given as cumulative counts by upper bound le (sorted
 * ascending, the last +Inf). NaN when there are no observations, fewer than two buckets or
 * no +Inf bucket; -Inf for q < 0, +Inf for q > 1. Non-monotonic counts are evened out. */
double rate_histogram_quantile(double q, const double *le, const double *counts, size_t n);

/* The last value seen of every counter series (by an id the caller builds: pod + name +
 * labels), so successive scrapes give increases. */
struct rate_table {
	struct strmap map; /* id -> struct rate_entry (owned) */
	uint64_t round;    /* bumped by rate_table_prune */
};

void rate_table_init(struct rate_table *t);
void rate_table_done(struct rate_table *t);
/* Record value for series id; returns the increase since the previous value (reset-aware),
 * or NaN when the series is new (no previous value: no increase can be known yet). */
double rate_table_update(struct rate_table *t, const char *id, double value);
/* Forget series not updated since the previous prune (a pod that went away); returns how
 * many were dropped. Call once per collection round, after the updates. */
size_t rate_table_prune(struct rate_table *t);

#endif
