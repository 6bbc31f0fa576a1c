/* test_rate.c: counter increases with resets, the per-series table across scrapes (new
 * series, resets, pruning), histogram quantiles against Prometheus' histogram_quantile, and
 * the figure formulas built on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/figures.h"
#include "gammatop/rate.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_increase(void **state)
{
	(void)state;
	NEAR(rate_increase(10, 15), 5);
	NEAR(rate_increase(10, 10), 0);
	NEAR(rate_increase(100, 7), 7); /* reset: the proxy restarted and counted 7 since */
	NEAR(rate_increase(100, 0), 0);
	assert_true(isnan(rate_increase(NAN, 1)));
	assert_true(isnan(rate_increase(1, NAN)));
}

static void test_table(void **state)
{
	(void)state;
	struct rate_table t;
	rate_table_init(&t);
	assert_true(isnan(rate_table_update(&t, "pod-a/x", 100)));
	assert_true(isnan(rate_table_update(&t, "pod-b/x", 5)));
	assert_int_equal(rate_table_prune(&t), 0);
	NEAR(rate_table_update(&t, "pod-a/x", 130), 30);
	NEAR(rate_table_update(&t, "pod-b/x", 2), 2); /* reset */
	assert_int_equal(rate_table_prune(&t), 0);
	NEAR(rate_table_update(&t, "pod-a/x", 131), 1);
	/* pod-b not seen this round: forgotten, and new again when it comes back */
	assert_int_equal(rate_table_prune(&t), 1);
	assert_true(isnan(rate_table_update(&t, "pod-b/x", 50)));
	rate_table_done(&t);
}

static void test_quantile(void **state)
{
	(void)state;
	/* Values checked against Prometheus' histogram_quantile on the same buckets. */
	const double le[] = {0.05, 0.5, 1, 10, INFINITY};
	const double c[] = {40, 80, 90, 99, 100};
	NEAR(rate_histogram_quantile(0.5, le, c, 5), 0.05 + (0.5 - 0.05) * (10.0 / 40));
	NEAR(rate_histogram_quantile(0.2, le, c, 5), 0.05 * (20.0 / 40)); /* first bucket from 0 */
	NEAR(rate_histogram_quantile(0.9, le, c, 5), 1);
	NEAR(rate_histogram_quantile(0.95, le, c, 5), 1 + 9 * (5.0 / 9));
	NEAR(rate_histogram_quantile(0.995, le, c, 5), 10); /* +Inf bucket: largest finite bound */
	NEAR(rate_histogram_quantile(0, le, c, 5), 0);
	assert_true(isinf(rate_histogram_quantile(-0.1, le, c, 5)) &&
	            rate_histogram_quantile(-0.1, le, c, 5) < 0);
	assert_true(isinf(rate_histogram_quantile(1.1, le, c, 5)));
	assert_true(isnan(rate_histogram_quantile(NAN, le, c, 5)));
	/* No observations, no +Inf bucket, a single bucket: NaN. */
	const double zero[] = {0, 0, 0, 0, 0};
	assert_true(isnan(rate_histogram_quantile(0.5, le, zero, 5)));
	assert_true(isnan(rate_histogram_quantile(0.5, le, c, 4)));
	assert_true(isnan(rate_histogram_quantile(0.5, le + 4, c + 4, 1)));
	/* Non-monotonic counts (float noise) are evened out. */
	const double bumpy[] = {40, 39.999, 90, 99, 100};
	NEAR(rate_histogram_quantile(0.4, le, bumpy, 5), 0.05);
	/* A negative first bound answers with that bound. */
	const double le2[] = {-1, 1, INFINITY}, c2[] = {10, 20, 20};
	NEAR(rate_histogram_quantile(0.3, le2, c2, 3), -1);
}

static void test_figures(void **state)
{
	(void)state;
	struct sample_counts s = {0};
	s.seconds = 10;
	s.v[SC_REQUESTS] = 200;
	s.v[SC_SUCCESSES] = 180;
	s.v[SC_TIMEOUTS] = 10;
	s.v[SC_RETRIES] = 50;
	s.v[SC_RETRY_SUCCESSES] = 40;
	s.v[SC_EXHAUSTED] = 4;
	s.have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_SUCCESSES) | SC_BIT(SC_TIMEOUTS) |
	         SC_BIT(SC_RETRIES) | SC_BIT(SC_RETRY_SUCCESSES) | SC_BIT(SC_EXHAUSTED) |
	         SC_BIT(SC_LATENCY);
	samples_counts_bucket(&s, 50, 100);
	samples_counts_bucket(&s, 500, 190);
	samples_counts_bucket(&s, INFINITY, 200);
	double f[FIG_N];
	figures_compute(&s, f);
	NEAR(f[FIG_RPS], 20);
	NEAR(f[FIG_SUCCESS], 0.9);
	NEAR(f[FIG_TIMEOUT], 0.05);
	NEAR(f[FIG_RETRY], 50.0 / 250);
	NEAR(f[FIG_RETRY_SUCCESS], 0.8);
	NEAR(f[FIG_EXHAUSTED], 0.02);
	NEAR(f[FIG_P50], 50);
	NEAR(f[FIG_P95], 500); /* rank 190 falls at the top of the 500 bucket */
	NEAR(f[FIG_P99], 500);
	/* Failures instead of successes; a component not reported is NaN, not 0. */
	struct sample_counts i = {.seconds = 1, .have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_FAILURES)};
	i.v[SC_REQUESTS] = 10;
	i.v[SC_FAILURES] = 1;
	figures_compute(&i, f);
	NEAR(f[FIG_SUCCESS], 0.9);
	assert_true(isnan(f[FIG_RETRY]) && isnan(f[FIG_TIMEOUT]) && isnan(f[FIG_P50]));
	/* No requests: ratios unknown, rps 0. */
	i.v[SC_REQUESTS] = 0;
	i.v[SC_FAILURES] = 0;
	figures_compute(&i, f);
	NEAR(f[FIG_RPS], 0);
	assert_true(isnan(f[FIG_SUCCESS]));
	char buf[32];
	assert_string_equal(figures_format(FIG_TIMEOUT, 0.125, buf, sizeof buf), "12.5%");
	assert_string_equal(figures_format(FIG_P99, 1234.4, buf, sizeof buf), "1.23s");
	assert_string_equal(figures_format(FIG_P50, 5.4, buf, sizeof buf), "5ms");
	assert_string_equal(figures_format(FIG_RETRY, 0.0004, buf, sizeof buf), "<0.1%");
	assert_string_equal(figures_format(FIG_RPS, 1500, buf, sizeof buf), "1.5k");
	assert_string_equal(figures_format(FIG_RPS, NAN, buf, sizeof buf), "-");
	assert_int_equal(figures_by_name("timeoutrate"), FIG_TIMEOUT);
	assert_int_equal(figures_by_name("bogus"), -1);
}

static void test_set(void **state)
{
	(void)state;
	struct figures_set *set = figures_set_new("5m", "test");
	struct sample_counts a = {.seconds = 1, .have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_TIMEOUTS)};
	a.v[SC_REQUESTS] = 10;
	a.v[SC_TIMEOUTS] = 1;
	figures_set_add(set, "httproute/ns/a", -1, "route", &a);
	a.v[SC_TIMEOUTS] = 5;
	figures_set_add(set, "httproute/ns/b", 0, "rule", &a);
	figures_set_add(set, "httproute/ns/a", -1, "route", &a); /* merged: 20 requests, 6 t/o */
	a.have = SC_BIT(SC_REQUESTS);
	figures_set_add(set, "httproute/ns/c", -1, "route", &a);
	figures_set_finish(set);
	figures_set_sort(set, FIG_TIMEOUT);
	assert_int_equal(set->n, 3);
	assert_string_equal(set->items[0].route, "httproute/ns/b");
	assert_string_equal(set->items[1].route, "httproute/ns/a");
	NEAR(set->items[1].f[FIG_TIMEOUT], 0.3);
	assert_string_equal(set->items[2].route, "httproute/ns/c"); /* NaN last */
	const struct figure *f = figures_set_find(set, "httproute/ns/b", 0);
	assert_non_null(f);
	NEAR(f->f[FIG_TIMEOUT], 0.5);
	assert_null(figures_set_find(set, "httproute/ns/b", -1));
	figures_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_increase), cmocka_unit_test(test_table),
		cmocka_unit_test(test_quantile), cmocka_unit_test(test_figures),
		cmocka_unit_test(test_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
