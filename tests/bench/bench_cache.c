/* bench_cache.c: measures the cache: sample ingest rate (rows of one route key and interval,
 * each carrying 7 amounts and a 5-bucket latency histogram) and the time to answer a one-hour
 * window for every route from 15-second samples (rollups included) and to compute figures
 * from the sums. Prints figures; asserts nothing.
 * Usage: bench_cache [FILE] [ROUTES] [TICKS] [keep] (keep: leave FILE for inspection) */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/cache.h"
#include "gammatop/figures.h"
#include "gammatop/samples.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

struct acc {
	struct figures_set *set;
	int n;
};

static void on_key(const char *route, int rule, const char *scope, const struct sample_counts *s,
                   void *ud)
{
	struct acc *a = ud;
	figures_set_add(a->set, route, rule, scope, s);
	a->n++;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/gammatop-bench-cache.db";
	int routes = argc > 2 ? atoi(argv[2]) : 10000, ticks = argc > 3 ? atoi(argv[3]) : 240;
	char err[512];
	unlink(path);
	struct cache *c = cache_open(path, NULL, err, sizeof err);
	if (!c) {
		fprintf(stderr, "bench_cache: %s\n", err);
		return 2;
	}
	char **names = xcalloc((size_t)routes, sizeof *names);
	for (int i = 0; i < routes; i++)
		names[i] = xasprintf("httproute/ns%d/route-%d", i % 50, i);
	struct samples_row *rows = xcalloc((size_t)routes, sizeof *rows);
	const double les[] = {5, 50, 500, 5000, INFINITY};
	const int64_t t0 = (time_wall_ms() - (int64_t)ticks * 15000) / 600000 * 600000;
	int64_t ingest_ms = 0;
	for (int k = 0; k < ticks; k++) {
		int64_t t = t0 + (int64_t)k * 15000;
		for (int i = 0; i < routes; i++) {
			struct samples_row *r = &rows[i];
			memset(r, 0, sizeof *r);
			r->route = names[i];
			r->rule = i % 3 - 1;
			r->scope = r->rule < 0 ? "route" : "rule";
			struct sample_counts *s = &r->counts;
			s->seconds = 15;
			double req = 100 + (i + k) % 17;
			s->v[SC_REQUESTS] = req;
			s->v[SC_SUCCESSES] = req - (i % 7);
			s->v[SC_TIMEOUTS] = i % 5;
			s->v[SC_RETRIES] = i % 11;
			s->v[SC_RETRY_SUCCESSES] = i % 11 / 2;
			s->v[SC_EXHAUSTED] = i % 3;
			s->have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_SUCCESSES) | SC_BIT(SC_TIMEOUTS) |
			          SC_BIT(SC_RETRIES) | SC_BIT(SC_RETRY_SUCCESSES) | SC_BIT(SC_EXHAUSTED) |
			          SC_BIT(SC_LATENCY);
			for (int b = 0; b < 5; b++)
				samples_counts_bucket(s, les[b], req * (b + 1) / 5);
		}
		int64_t a = time_mono_ms();
		if (samples_put(c, "bench", t, rows, (size_t)routes, t + 15000, NULL, err,
		                sizeof err) < 0) {
			fprintf(stderr, "bench_cache: %s\n", err);
			return 1;
		}
		ingest_ms += time_mono_ms() - a;
	}
	double n = (double)routes * ticks;
	printf("ingest: %.0f rows (route x 15 s interval) in %.2f s = %.0f rows/s "
	       "(%.0f values/s counting 7 amounts + 5 buckets per row), rollups included\n",
	       n, ingest_ms / 1000.0, n * 1000.0 / (double)ingest_ms,
	       n * 12 * 1000.0 / (double)ingest_ms);
	printf("tables: samples %lld, samples_1m %lld, samples_10m %lld rows\n",
	       (long long)samples_count(c, "samples"), (long long)samples_count(c, "samples_1m"),
	       (long long)samples_count(c, "samples_10m"));
	int64_t end = t0 + (int64_t)ticks * 15000;
	for (int run = 0; run < 3; run++) {
		struct acc acc = {.set = figures_set_new("1h", "bench")};
		int64_t a = time_mono_ms();
		int got = samples_window(c, "bench", end - 3600000, end, on_key, &acc, err, sizeof err);
		int64_t b = time_mono_ms();
		figures_set_finish(acc.set);
		int64_t d = time_mono_ms();
		printf("figures for %d routes over the last hour: window sums %lld ms + figures %lld ms"
		       " = %lld ms\n", got, (long long)(b - a), (long long)(d - b), (long long)(d - a));
		figures_set_free(acc.set);
	}
	/* The collector's steady state: the window slides by one interval per round. */
	struct samples_slider *sl = samples_slider_new("bench", 3600000);
	struct acc warm = {.set = figures_set_new("1h", "bench")};
	samples_slider_update(c, sl, end - 15000, on_key, &warm, err, sizeof err);
	figures_set_free(warm.set);
	struct acc acc = {.set = figures_set_new("1h", "bench")};
	int64_t a = time_mono_ms();
	int got = samples_slider_update(c, sl, end, on_key, &acc, err, sizeof err);
	figures_set_finish(acc.set);
	int64_t b = time_mono_ms();
	printf("figures for %d routes over the last hour, window slid by one 15 s interval (the "
	       "collector's round): %lld ms\n", got, (long long)(b - a));
	figures_set_free(acc.set);
	samples_slider_free(sl);
	for (int i = 0; i < routes; i++)
		free(names[i]);
	free(names);
	free(rows);
	cache_close(c);
	if (argc <= 4 || strcmp(argv[4], "keep"))
		unlink(path);
	return 0;
}
