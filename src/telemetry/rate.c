/* rate.c: counter increases with reset handling, the per-series table that turns successive
 * scrapes into increases, and Prometheus-compatible histogram quantiles. */
#include "config.h"

#include "gammatop/rate.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "gammatop/xalloc.h"

struct rate_entry {
	double value;
	uint64_t round; /* the prune round it was last updated in */
};

double rate_increase(double prev, double cur)
{
	if (isnan(prev) || isnan(cur))
		return NAN;
	return cur >= prev ? cur - prev : cur;
}

double rate_histogram_quantile(double q, const double *le, const double *counts, size_t n)
{
	if (isnan(q))
		return NAN;
	if (q < 0)
		return -INFINITY;
	if (q > 1)
		return INFINITY;
	if (n < 2 || !isinf(le[n - 1]) || le[n - 1] < 0)
		return NAN;
	/* Even out non-monotonic counts (as Prometheus does for float imprecision). */
	double *c = xmalloc(n * sizeof *c), max = 0;
	for (size_t i = 0; i < n; i++) {
		double v = isnan(counts[i]) ? 0 : counts[i];
		max = v > max ? v : max;
		c[i] = max;
	}
	double total = c[n - 1], result;
	if (total <= 0) {
		free(c);
		return NAN;
	}
	double rank = q * total;
	size_t b = 0;
	while (b < n - 1 && c[b] < rank)
		b++;
	if (b == n - 1) {
		result = le[n - 2];
	} else if (b == 0 && le[0] <= 0) {
		result = le[0];
	} else {
		double start = 0, end = le[b], count = c[b];
		if (b > 0) {
			start = le[b - 1];
			count -= c[b - 1];
			rank -= c[b - 1];
		}
		result = count > 0 ? start + (end - start) * (rank / count) : start;
	}
	free(c);
	return result;
}

void rate_table_init(struct rate_table *t)
{
	strmap_init(&t->map, free);
	t->round = 1;
}

void rate_table_done(struct rate_table *t)
{
	strmap_done(&t->map);
}

double rate_table_update(struct rate_table *t, const char *id, double value)
{
	bool created;
	void **slot = strmap_slot(&t->map, id, &created);
	struct rate_entry *e = *slot;
	if (created) {
		e = xmalloc(sizeof *e);
		*slot = e;
		e->value = value;
		e->round = t->round;
		return NAN;
	}
	double inc = rate_increase(e->value, value);
	e->value = value;
	e->round = t->round;
	return inc;
}

size_t rate_table_prune(struct rate_table *t)
{
	struct strmap keep;
	strmap_init(&keep, free);
	size_t dropped = 0;
	for (size_t i = 0; i < t->map.cap; i++) {
		struct strmap_entry *e = &t->map.e[i];
		if (!e->key)
			continue;
		struct rate_entry *r = e->value;
		if (r->round == t->round) {
			*strmap_slot(&keep, e->key, NULL) = r;
			e->value = NULL;
		} else {
			dropped++;
		}
	}
	strmap_done(&t->map); /* frees the dropped entries (kept ones were moved out: NULL) */
	t->map = keep;
	t->round++;
	return dropped;
}
