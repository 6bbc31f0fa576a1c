/* collector.c: the periodic telemetry round on the evloop (Prometheus queries or proxy
 * scrapes), storing interval amounts in the cache and keeping the window's figures and a
 * status for the console header. */
#include "config.h"

#include "gammatop/collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/defaults.h"
#include "gammatop/log.h"
#include "gammatop/promsource.h"
#include "gammatop/samples.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define START_OFFSET_MS 500 /* rounds run this long after an interval boundary */

struct collector {
	struct collector_config cfg;
	struct scraper *scraper; /* scrape path */
	char *source;            /* owned */
	const struct mesh_profile *profile;
	uint64_t timer;
	bool busy;
	int pending;       /* Prometheus collections still running this round */
	int64_t round_t;   /* start of the interval this round stores */
	enum collector_state state;
	int64_t since_ms;
	char *message;     /* owned */
	struct figures_set *figures; /* owned */
	struct figures_set *next;    /* being built (Prometheus path) */
	struct samples_slider *slider; /* the window over the cache (scrape path) */
	collector_cb cb;
	void *cb_ud;
};

static size_t live_collectors; /* collector_live_count: a leak shows as a count that grows */

size_t collector_live_count(void) { return live_collectors; }

char *collector_range(int64_t ms, char *buf, size_t n)
{
	if (ms % 1000)
		snprintf(buf, n, "%lldms", (long long)ms);
	else
		snprintf(buf, n, "%llds", (long long)(ms / 1000));
	return buf;
}

struct collector *collector_new(const struct collector_config *cfg)
{
	struct collector *c = xcalloc(1, sizeof *c);
	live_collectors++;
	c->cfg = *cfg;
	if (c->cfg.interval_ms <= 0)
		c->cfg.interval_ms = GT_DEFAULT_COLLECT_INTERVAL_MS;
	if (c->cfg.window_ms <= 0)
		c->cfg.window_ms = GT_DEFAULT_WINDOW_MS;
	c->profile = cfg->profile;
	if (cfg->prometheus) {
		c->source = xstrdup(promapi_describe(cfg->prometheus));
	} else {
		c->source = xstrdup(cfg->scrape_source ? cfg->scrape_source : "scrape");
		c->scraper = scraper_new(cfg->profile, cfg->fetch, cfg->fetch_ud);
	}
	c->cfg.scrape_source = NULL; /* not kept: c->source is the copy */
	return c;
}

/* Freed at once, even while a round runs (see collector.h): the round's requests are
 * cancelled by their owner (the fetch function's, or the Prometheus client's), so no
 * callback comes back for it. Waiting for them instead kept a freed console's collector
 * (its rate table, figures and window: tens of MB on 10,000 routes) alive for ever, since a
 * cancelled request never answers. */
void collector_free(struct collector *c)
{
	if (!c)
		return;
	if (c->timer)
		evloop_timer_cancel(c->cfg.loop, c->timer);
	scraper_free(c->scraper);
	figures_set_free(c->figures);
	figures_set_free(c->next);
	samples_slider_free(c->slider);
	free(c->source);
	free(c->message);
	free(c);
	live_collectors--;
}

void collector_set_targets(struct collector *c, const struct scrape_target *t, size_t n)
{
	if (c->scraper)
		scraper_set_targets(c->scraper, t, n);
}

void collector_set_listener(struct collector *c, collector_cb cb, void *ud)
{
	c->cb = cb;
	c->cb_ud = ud;
}

void collector_status(const struct collector *c, struct collector_status *out)
{
	out->state = c->state;
	out->since_ms = c->since_ms;
	out->message = c->message;
	out->source = c->source;
	out->mesh = c->profile ? c->profile->name : NULL;
}

char *collector_status_line(const struct collector *c)
{
	char when[32];
	time_t t = (time_t)(c->since_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	switch (c->state) {
	case COLLECTOR_OK: {
		char age[32];
		time_age((time_wall_ms() - c->since_ms) / 1000, age, sizeof age);
		return xasprintf("telemetry OK (%s via %s, %s ago)",
		                 c->profile ? c->profile->name : "?", c->source, age);
	}
	case COLLECTOR_FAILING:
		return xasprintf("telemetry failing since %s: %s", when,
		                 c->message ? c->message : "?");
	default:
		return xasprintf("telemetry: not collected yet (%s)", c->source);
	}
}

const struct figures_set *collector_figures(const struct collector *c) { return c->figures; }

static void schedule(struct collector *c);
static void tick(struct evloop *loop, void *ud);

/* err: the round failed; note: it worked, with something to say (a pod that failed). */
static void round_done(struct collector *c, const char *err, const char *note)
{
	int64_t now = time_wall_ms();
	if (err) {
		if (c->state != COLLECTOR_FAILING)
			c->since_ms = now;
		c->state = COLLECTOR_FAILING;
		free(c->message);
		c->message = xstrdup(err);
		log_warn("telemetry: %s", err);
	} else {
		c->state = COLLECTOR_OK;
		c->since_ms = now;
		free(c->message);
		c->message = xstrdup_null(note);
	}
	c->busy = false;
	if (c->cb)
		c->cb(c, c->cb_ud);
}

/* Store acc (amounts over `seconds`, scaled by scale) as the samples of interval t. */
static void store(struct collector *c, const struct strmap *acc, int64_t t, double scale,
                  double seconds)
{
	if (!c->cfg.cache || !c->profile || !acc->n)
		return;
	struct samples_row *rows = xcalloc(acc->n, sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; i < acc->cap; i++) {
		const struct mesh_acc_item *it = acc->e[i].key ? acc->e[i].value : NULL;
		if (!it)
			continue;
		rows[n] = (struct samples_row){.route = it->route, .rule = it->rule,
		                               .scope = c->profile->scope, .counts = it->counts};
		struct sample_counts *s = &rows[n].counts;
		s->seconds = seconds;
		for (int k = 0; k < SC_N; k++)
			s->v[k] *= scale;
		for (unsigned b = 0; b < s->n_buckets; b++)
			s->bucket[b] *= scale;
		n++;
	}
	char err[512];
	if (samples_put(c->cfg.cache, c->source, t, rows, n, time_wall_ms(), NULL, err,
	                sizeof err) < 0)
		log_warn("telemetry: %s", err);
	free(rows);
}

static void add_all(struct figures_set *set, const struct strmap *acc, const char *scope)
{
	for (size_t i = 0; i < acc->cap; i++) {
		const struct mesh_acc_item *it = acc->e[i].key ? acc->e[i].value : NULL;
		if (it)
			figures_set_add(set, it->route, it->rule, scope, &it->counts);
	}
}

static void window_cb(const char *route, int rule, const char *scope,
                      const struct sample_counts *sum, void *ud)
{
	figures_set_add(ud, route, rule, scope, sum);
}

/* ---- Prometheus path ---- */

static void prom_part_done(struct collector *c, const char *err)
{
	if (err && !c->message)
		c->message = xstrdup(err);
	if (--c->pending)
		return;
	char *e = c->message;
	c->message = NULL;
	if (!e || c->next->n) {
		figures_set_finish(c->next);
		figures_set_free(c->figures);
		c->figures = c->next;
	} else {
		figures_set_free(c->next);
	}
	c->next = NULL;
	round_done(c, e, NULL);
	free(e);
}

static void on_window(struct strmap *acc, const struct mesh_profile *p, const char *err, void *ud)
{
	struct collector *c = ud;
	if (p && !c->profile)
		c->profile = p;
	if (p)
		add_all(c->next, acc, p->scope);
	prom_part_done(c, err);
}

static void on_interval(struct strmap *acc, const struct mesh_profile *p, const char *err,
                        void *ud)
{
	struct collector *c = ud;
	if (p && !c->profile)
		c->profile = p;
	if (!err)
		store(c, acc, c->round_t, (double)c->cfg.interval_ms / 1000.0,
		      (double)c->cfg.interval_ms / 1000.0);
	prom_part_done(c, err);
}

/* ---- scrape path ---- */

static void on_scraped(struct scraper *s, void *ud)
{
	struct collector *c = ud;
	if (!c->profile)
		c->profile = scraper_profile(s);
	double secs = scraper_seconds(s);
	const char *err = scraper_error(s);
	if (secs > 0 && scraper_ok_count(s) > 0) {
		store(c, scraper_acc(s), c->round_t - c->cfg.interval_ms, 1, secs);
		char range[32];
		struct figures_set *set =
			figures_set_new(collector_range(c->cfg.window_ms, range, sizeof range), c->source);
		char e[512];
		if (c->cfg.cache && !c->slider)
			c->slider = samples_slider_new(c->source, c->cfg.window_ms);
		/* The window ends where this round's sample ends: samples are keyed by the start
		 * of their interval (round_t - interval), so each slide adds exactly the new one. */
		if (!c->cfg.cache ||
		    samples_slider_update(c->cfg.cache, c->slider, c->round_t, window_cb, set, e,
		                          sizeof e) < 0)
			add_all(set, scraper_acc(s), c->profile ? c->profile->scope : "route");
		figures_set_finish(set);
		figures_set_free(c->figures);
		c->figures = set;
	}
	/* The first round only sets the counters' starting points: the next comes soon. */
	if (secs == 0 && scraper_ok_count(s) > 0 && c->timer) {
		evloop_timer_cancel(c->cfg.loop, c->timer);
		c->timer = evloop_timer_add(c->cfg.loop,
		                            c->cfg.interval_ms < 3000 ? c->cfg.interval_ms : 3000, tick, c);
	}
	/* A partial failure (some pods) keeps the round OK but says so. */
	bool total = scraper_ok_count(s) == 0 || !c->profile;
	round_done(c, total ? err : NULL, total || !err ? NULL : err);
}

static void tick(struct evloop *loop, void *ud)
{
	(void)loop;
	struct collector *c = ud;
	c->timer = 0;
	schedule(c);
	if (c->busy)
		return; /* the previous round is still running: skip this one */
	c->busy = true;
	int64_t now = time_wall_ms();
	c->round_t = now / c->cfg.interval_ms * c->cfg.interval_ms;
	if (c->cfg.prometheus) {
		char wr[32], ir[32];
		int64_t hist = c->cfg.interval_ms * 4 > 60000 ? c->cfg.interval_ms * 4 : 60000;
		c->next = figures_set_new(collector_range(c->cfg.window_ms, wr, sizeof wr), c->source);
		c->pending = 2;
		free(c->message);
		c->message = NULL;
		promsource_collect(c->cfg.prometheus, c->profile, wr, 0, on_window, c);
		promsource_collect(c->cfg.prometheus, c->profile, collector_range(hist, ir, sizeof ir),
		                   0, on_interval, c);
	} else {
		scraper_round(c->scraper, now, on_scraped, c);
	}
}

static void schedule(struct collector *c)
{
	int64_t now = time_wall_ms(), iv = c->cfg.interval_ms;
	int64_t delay = iv - now % iv + START_OFFSET_MS;
	c->timer = evloop_timer_add(c->cfg.loop, delay, tick, c);
}

void collector_start(struct collector *c)
{
	if (c->timer)
		evloop_timer_cancel(c->cfg.loop, c->timer);
	c->timer = evloop_timer_add(c->cfg.loop, 0, tick, c);
}
