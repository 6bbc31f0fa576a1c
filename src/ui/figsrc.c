/* figsrc.c: the console's telemetry source: a collector on the loop (Prometheus, or the
 * proxies scraped through the pod proxy), the cache for history, and the console_figures
 * functions over them (see figsrc.h). Sparklines and other windows are computed from the
 * cache once per collector round, when a view first asks. */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/cache.h"
#include "gammatop/collector.h"
#include "gammatop/defaults.h"
#include "gammatop/figsrc.h"
#include "gammatop/figures.h"
#include "gammatop/http.h"
#include "gammatop/log.h"
#include "gammatop/mesh.h"
#include "gammatop/promapi.h"
#include "gammatop/samples.h"
#include "gammatop/scrape.h"
#include "gammatop/str.h"
#include "gammatop/strmap.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define MAX_WINDOWS 4
#define PODS_EVERY_MS 60000
#define SPARK_WINDOW_MS 3600000

struct spark_entry {
	double rps[CONSOLE_SPARK], timeout[CONSOLE_SPARK];
};

/* Figures and sparklines over one window, as of one collector round. */
struct window_cache {
	int64_t window_ms;       /* 0: unused slot */
	uint64_t round;
	struct figures_set *set; /* owned; NULL when the cache has nothing */
	bool have_sparks;
	struct strmap sparks;    /* "route\x1frule" -> struct spark_entry (owned) */
};

struct figsrc {
	struct figsrc_config cfg; /* strings below are owned copies */
	char *prometheus, *mesh, *source_name;
	struct collector *col;
	struct cache *cache;      /* the app's (borrowed); NULL: no history */
	struct http_client *hc;   /* owned (Prometheus path) */
	struct promapi *prom;     /* owned */
	struct console *con;      /* borrowed */
	uint64_t round;
	struct window_cache wins[MAX_WINDOWS];
	char *status;             /* owned: the last header line */
	uint64_t pods_timer;
	bool listing;             /* a pod list is under way (its answer is due) */
	bool discovered;          /* the first pod list answered (or Prometheus: nothing to list) */
	char *pods_error;         /* owned: why the last pod list failed, or NULL */
	char *notice;             /* owned */
};

static void window_reset(struct window_cache *w)
{
	figures_set_free(w->set);
	if (w->window_ms)
		strmap_done(&w->sparks);
	memset(w, 0, sizeof *w);
}

/* ---- what to scrape, listed again every minute ---- */

static void list_pods(struct figsrc *f);

static void pods_due(struct evloop *loop, void *ud)
{
	(void)loop;
	struct figsrc *f = ud;
	f->pods_timer = 0;
	list_pods(f);
}

static void on_pods(void *ud, const struct scrape_target *t, size_t n, const char *error)
{
	struct figsrc *f = ud;
	f->listing = false;
	f->pods_timer = evloop_timer_add(f->cfg.loop, PODS_EVERY_MS, pods_due, f);
	/* The collector starts once the first discovery has finished: before, it would scrape
	 * no pods and say "failing: no pods to scrape" until its next round (10-15 s). */
	bool first = !f->discovered;
	f->discovered = true;
	free(f->pods_error);
	f->pods_error = NULL;
	if (error) {
		f->pods_error = xstrdup(error);
		log_warn("telemetry: cannot list pods: %s", error);
	} else {
		collector_set_targets(f->col, t, n);
	}
	if (first)
		collector_start(f->col);
}

static void list_pods(struct figsrc *f)
{
	f->listing = true;
	f->cfg.pods.list(f->cfg.pods.ud, on_pods, f);
}

/* ---- figures for the console ---- */

static void on_round(struct collector *c, void *ud)
{
	(void)c;
	struct figsrc *f = ud;
	f->round++;
	if (f->con)
		console_figures_changed(f->con);
}

static const char *source_of(const struct figsrc *f)
{
	struct collector_status st;
	collector_status(f->col, &st);
	return st.source;
}

static void add_sum(const char *route, int rule, const char *scope,
                    const struct sample_counts *sum, void *ud)
{
	figures_set_add(ud, route, rule, scope, sum);
}

struct spark_fill {
	struct strmap *map;
	size_t step;
};

static void add_spark(const char *route, int rule, const char *scope,
                      const struct sample_counts *sum, void *ud)
{
	(void)scope;
	struct spark_fill *sf = ud;
	char key[600];
	snprintf(key, sizeof key, "%s\x1f%d", route, rule);
	bool created;
	void **slot = strmap_slot(sf->map, key, &created);
	if (created) {
		struct spark_entry *e = xmalloc(sizeof *e);
		for (size_t i = 0; i < CONSOLE_SPARK; i++)
			e->rps[i] = e->timeout[i] = NAN;
		*slot = e;
	}
	struct spark_entry *e = *slot;
	double figs[FIG_N];
	figures_compute(sum, figs);
	e->rps[sf->step] = figs[FIG_RPS];
	e->timeout[sf->step] = figs[FIG_TIMEOUT];
}

/* Figures and sparklines over window_ms as of this round, computed from the cache. */
static struct window_cache *window(struct figsrc *f, int64_t window_ms)
{
	struct window_cache *w = NULL;
	for (int i = 0; i < MAX_WINDOWS && !w; i++)
		if (f->wins[i].window_ms == window_ms)
			w = &f->wins[i];
	if (w && w->round == f->round)
		return w;
	if (!w) {
		w = &f->wins[0];
		for (int i = 0; i < MAX_WINDOWS; i++)
			if (!f->wins[i].window_ms || f->wins[i].round < w->round)
				w = &f->wins[i];
	}
	window_reset(w);
	w->window_ms = window_ms;
	w->round = f->round;
	strmap_init(&w->sparks, free);
	const char *src = source_of(f);
	if (!f->cache || !src)
		return w;
	int64_t now = time_wall_ms();
	char err[256], range[32];
	w->set = figures_set_new(collector_range(window_ms, range, sizeof range), src);
	if (samples_window(f->cache, src, now - window_ms, now + 1, add_sum, w->set, err,
	                   sizeof err) < 0) {
		log_warn("telemetry: %s", err);
		figures_set_free(w->set);
		w->set = NULL;
	} else {
		figures_set_finish(w->set);
	}
	int64_t step = window_ms / CONSOLE_SPARK;
	for (size_t i = 0; i < CONSOLE_SPARK; i++) {
		struct spark_fill sf = {&w->sparks, i};
		int64_t start = now - window_ms + (int64_t)i * step;
		if (samples_window(f->cache, src, start, start + step, add_spark, &sf, err,
		                   sizeof err) < 0) {
			log_warn("telemetry: %s", err);
			break;
		}
	}
	w->have_sparks = w->sparks.n > 0;
	return w;
}

static void fill(struct route_figures *out, const struct figure *fig)
{
	out->rps = fig->f[FIG_RPS];
	out->success = fig->f[FIG_SUCCESS];
	out->timeout_rate = fig->f[FIG_TIMEOUT];
	out->retry_rate = fig->f[FIG_RETRY];
	out->retry_success = fig->f[FIG_RETRY_SUCCESS];
	out->exhausted = fig->f[FIG_EXHAUSTED];
	out->p95_ms = fig->f[FIG_P95];
}

static bool get(void *ud, const char *route, int rule, int64_t window_ms,
                struct route_figures *out)
{
	struct figsrc *f = ud;
	const struct figures_set *set = NULL;
	if (window_ms <= 0 || window_ms == f->cfg.window_ms)
		set = collector_figures(f->col);
	else
		set = window(f, window_ms)->set;
	const struct figure *fig = set ? figures_set_find(set, route, rule) : NULL;
	if (fig)
		fill(out, fig);
	const struct window_cache *w =
		window(f, window_ms > f->cfg.window_ms ? window_ms : SPARK_WINDOW_MS);
	char key[600];
	snprintf(key, sizeof key, "%s\x1f%d", route, rule);
	const struct spark_entry *e = w->have_sparks ? strmap_get(&w->sparks, key) : NULL;
	if (e) {
		memcpy(out->spark, e->rps, sizeof out->spark);
		memcpy(out->spark_timeout, e->timeout, sizeof out->spark_timeout);
		out->n_spark = CONSOLE_SPARK;
	}
	return fig || e;
}

/* The header line. Not the collector's own "(12s ago)" line: the header is only redrawn when
 * something changes, so it gives the time of the last round instead of an age. Nothing is
 * called failing before the first round after the first discovery of pods. */
static const char *status(void *ud, enum console_health *health)
{
	struct figsrc *f = ud;
	struct collector_status st;
	collector_status(f->col, &st);
	*health = st.state == COLLECTOR_OK       ? CONSOLE_OK
	          : st.state == COLLECTOR_FAILING ? CONSOLE_FAILING
	                                          : CONSOLE_PENDING;
	free(f->status);
	if (!f->discovered) {
		f->status = xstrdup("telemetry: looking for pods to scrape");
	} else if (st.state == COLLECTOR_FAILING && f->pods_error && !collector_figures(f->col)) {
		f->status = xasprintf("telemetry failing: cannot list pods: %s", f->pods_error);
	} else if (st.state == COLLECTOR_OK) {
		char when[16];
		time_t t = (time_t)(st.since_ms / 1000);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		/* Short: the header has little room. */
		f->status = xasprintf("telemetry OK (%s %s, %s)%s%s", str_or(st.mesh, "?"),
		                      f->prom ? "prometheus" : "scrape", when,
		                      st.message ? ": " : "", st.message ? st.message : "");
	} else {
		f->status = collector_status_line(f->col);
	}
	return f->status;
}

/* ---- lifecycle ---- */

struct figsrc *figsrc_new(const struct figsrc_config *cfg, char *err, size_t errlen)
{
	struct figsrc *f = xcalloc(1, sizeof *f);
	f->cfg = *cfg;
	f->prometheus = xstrdup_null(cfg->prometheus);
	f->mesh = xstrdup_null(cfg->mesh);
	f->source_name = xstrdup_null(cfg->source_name);
	f->cfg.prometheus = f->prometheus;
	f->cfg.mesh = f->mesh;
	f->cfg.source_name = f->source_name;
	if (f->cfg.window_ms <= 0)
		f->cfg.window_ms = GT_DEFAULT_WINDOW_MS;
	const struct mesh_profile *profile = NULL;
	if (f->mesh && strcmp(f->mesh, "auto") && !(profile = mesh_find(f->mesh))) {
		snprintf(err, errlen, "--mesh %s: unknown mesh (use auto, %s)", f->mesh, mesh_names());
		figsrc_free(f);
		return NULL;
	}
	if (f->prometheus) {
		f->hc = http_client_new(cfg->loop);
		struct promapi_config pc = {.url = f->prometheus,
		                            .bearer_token = getenv("GAMMATOP_PROMETHEUS_TOKEN"),
		                            .username = getenv("GAMMATOP_PROMETHEUS_USER"),
		                            .password = getenv("GAMMATOP_PROMETHEUS_PASSWORD")};
		if (!(f->prom = promapi_new(f->hc, &pc, err, errlen))) {
			figsrc_free(f);
			return NULL;
		}
	} else if (!cfg->pods.list || !cfg->pods.fetch) {
		snprintf(err, errlen, "no telemetry source: give --prometheus URL or a cluster to scrape");
		figsrc_free(f);
		return NULL;
	}
	f->cache = cfg->cache;
	char *scrape_source = xasprintf("scrape %s", str_or(f->source_name, "cluster"));
	struct collector_config cc = {
		.loop = cfg->loop, .cache = f->cache, .prometheus = f->prom,
		.fetch = cfg->pods.fetch, .fetch_ud = cfg->pods.ud, .profile = profile,
		.interval_ms = cfg->interval_ms, .window_ms = f->cfg.window_ms,
		.scrape_source = scrape_source,
	};
	f->col = collector_new(&cc);
	free(scrape_source);
	collector_set_listener(f->col, on_round, f);
	if (!f->prom) {
		list_pods(f); /* the collector starts when the pods are known (on_pods) */
	} else {
		f->discovered = true;
		collector_start(f->col);
	}
	return f;
}

void figsrc_attach(struct figsrc *f, struct console *c)
{
	f->con = c;
	struct console_figures figs = {.get = get, .status = status, .ud = f};
	console_set_figures(c, &figs);
}

const char *figsrc_notice(const struct figsrc *f) { return f->notice; }

void figsrc_free(struct figsrc *f)
{
	if (!f)
		return;
	/* The app frees its pod source (cancelling what is pending) after this. */
	if (f->pods_timer)
		evloop_timer_cancel(f->cfg.loop, f->pods_timer);
	collector_free(f->col);
	for (int i = 0; i < MAX_WINDOWS; i++)
		window_reset(&f->wins[i]);
	promapi_free(f->prom);
	http_client_free(f->hc);
	free(f->prometheus);
	free(f->mesh);
	free(f->source_name);
	free(f->status);
	free(f->notice);
	free(f->pods_error);
	free(f);
}
