/* edit_preview.c: what the figures say about a change before it is made: from the latency
 * histogram the cache holds for the route (telemetry samples), the p99 and the share of
 * requests a request timeout would have cut over the last window ("this rule's p99 is 4.2s;
 * a 2s request timeout would have cut ~7% of requests in the last 15m"). The share is read
 * off the cumulative histogram with linear interpolation inside a bucket, as Prometheus'
 * histogram_quantile does; coarse buckets make it approximate, and the text says so. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/duration.h"
#include "gammatop/edit.h"
#include "gammatop/rate.h"
#include "gammatop/samples.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

int edit_preview_share_above(const struct sample_counts *s, double t_ms, double *share,
                             bool *at_least)
{
	size_t n = s->n_buckets;
	if (!(s->have & SC_BIT(SC_LATENCY)) || n < 2 || !isinf(s->le[n - 1]) || isnan(t_ms))
		return -1;
	double total = s->bucket[n - 1];
	if (!(total > 0))
		return -1;
	*at_least = false;
	double below, prev_le = 0, prev_c = 0;
	size_t i = 0;
	while (i < n - 1 && s->le[i] < t_ms) {
		prev_le = s->le[i];
		prev_c = s->bucket[i] > prev_c ? s->bucket[i] : prev_c;
		i++;
	}
	if (i == n - 1) {
		/* Beyond the last finite bound: only "at most this many were below" is known. */
		below = prev_c;
		*at_least = true;
	} else {
		double c = s->bucket[i] > prev_c ? s->bucket[i] : prev_c;
		double width = s->le[i] - prev_le;
		below = prev_c + (width > 0 ? (c - prev_c) * (t_ms - prev_le) / width : c - prev_c);
	}
	double sh = 1.0 - below / total;
	*share = sh < 0 ? 0 : sh > 1 ? 1 : sh;
	return 0;
}

struct pick {
	const char *route;
	int rule;
	struct sample_counts rule_sum, route_sum;
	bool have_rule, have_route;
};

static void on_key(const char *route, int rule, const char *scope,
                   const struct sample_counts *sum, void *ud)
{
	(void)scope;
	struct pick *p = ud;
	if (!str_eq(route, p->route))
		return;
	if (rule == p->rule) {
		samples_counts_add(&p->rule_sum, sum);
		p->have_rule = true;
	} else if (rule < 0) {
		samples_counts_add(&p->route_sum, sum);
		p->have_route = true;
	}
}

static void fmt_ms(double ms, char *buf, size_t n)
{
	duration_human(ms < 0 ? 0 : (uint64_t)llround(ms), buf, n);
}

/* " a 2s request timeout would have cut ~7% of requests" for t (ms). */
static void cut_text(const struct sample_counts *s, const char *what, double t_ms,
                     struct buf *b)
{
	double share;
	bool at_least;
	if (t_ms <= 0 || edit_preview_share_above(s, t_ms, &share, &at_least) < 0)
		return;
	char d[32];
	fmt_ms(t_ms, d, sizeof d);
	buf_printf(b, "; %s %s request timeout would have cut %s%.1f%% of requests", what, d,
	           at_least ? "at most " : "~", share * 100);
}

char *edit_preview_text(struct cache *c, const struct edit *e, int64_t window_ms)
{
	if (!c || edit_rule_index(e) < 0)
		return NULL;
	char *source = NULL, err[256];
	int64_t t;
	if (samples_latest(c, &source, &t, err, sizeof err) != 1)
		return NULL;
	struct pick p = {.route = edit_route_id(e), .rule = edit_rule_index(e)};
	int rc = samples_window(c, source, t - window_ms, t + 1, on_key, &p, err, sizeof err);
	free(source);
	if (rc < 0 || (!p.have_rule && !p.have_route))
		return NULL;
	const struct sample_counts *s = p.have_rule ? &p.rule_sum : &p.route_sum;
	char win[32];
	duration_format((uint64_t)window_ms, win, sizeof win);
	struct buf b;
	buf_init(&b);
	double req = s->v[SC_REQUESTS];
	buf_printf(&b, "telemetry, last %s before the newest sample in the cache, %s %s: ", win,
	           p.have_rule ? "this rule" : "this route (the mesh reports per route)",
	           edit_route_id(e));
	if (s->have & SC_BIT(SC_REQUESTS))
		buf_printf(&b, "%.0f requests", req);
	if ((s->have & SC_BIT(SC_TIMEOUTS)) && req > 0)
		buf_printf(&b, ", %.1f%% timed out", 100.0 * s->v[SC_TIMEOUTS] / req);
	double p99 = s->n_buckets >= 2 ? rate_histogram_quantile(0.99, s->le, s->bucket,
	                                                             s->n_buckets)
	                               : NAN;
	if (!isnan(p99)) {
		char d[32];
		fmt_ms(p99, d, sizeof d);
		buf_printf(&b, ", p99 %s", d);
	}
	const struct policy *cur = edit_current(e), *tgt = edit_target(e);
	bool changed = cur->has_request != tgt->has_request ||
	               (cur->has_request && strcmp(cur->request, tgt->request));
	uint64_t new_ms = 0, cur_ms = 0;
	bool new_ok = changed && tgt->has_request &&
	              duration_parse(tgt->request, &new_ms, NULL, 0) == 0;
	bool cur_ok = changed && cur->has_request &&
	              duration_parse(cur->request, &cur_ms, NULL, 0) == 0;
	if (new_ok)
		cut_text(s, "a", (double)new_ms, &b);
	if (cur_ok)
		cut_text(s, "the current", (double)cur_ms, &b);
	/* Requests the current timeout cut never finished: the histogram cannot say how many
	 * of them a longer timeout would let through. */
	if (new_ok && cur_ok && cur_ms > 0 && (new_ms == 0 || new_ms > cur_ms))
		buf_printf(&b, "; latencies above the current %s are not observed (those requests "
		               "were cut), so the effect of a longer timeout shows only after the "
		               "change",
		           cur->request);
	buf_puts(&b, " (approximate: read off the latency histogram's buckets)");
	char *safe = str_sanitize(buf_str(&b));
	buf_done(&b);
	return safe;
}
