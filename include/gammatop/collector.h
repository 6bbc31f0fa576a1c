/* collector.h: the telemetry collector on the shared evloop: every interval (15 s by default,
 * aligned to the wall clock so that two gammatop processes on one cache write the same
 * intervals) it queries Prometheus or scrapes the proxies, stores the interval's amounts in
 * the cache, and recomputes the figures over the window; a status line for the console
 * header says OK, failing since T (with the message) or never collected.
 *
 * Prometheus path: figures come from rate(...[window]) queries (exact PromQL semantics, no
 * warm-up); the cache gets rate(...[max(4 intervals, 1m)]) x interval per interval.
 * Scrape path: counters become increases between rounds; figures are the cache's sums over
 * the window (or the last round alone when there is no cache).
 * Heap object: collector_new/collector_free. */
#ifndef GAMMATOP_COLLECTOR_H
#define GAMMATOP_COLLECTOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/cache.h"
#include "gammatop/evloop.h"
#include "gammatop/figures.h"
#include "gammatop/mesh.h"
#include "gammatop/promapi.h"
#include "gammatop/scrape.h"

struct collector_config {
	struct evloop *loop;
	struct cache *cache;           /* borrowed; NULL: no history, figures from the last round */
	struct promapi *prometheus;    /* borrowed; NULL: scrape through fetch */
	scrape_fetch_fn fetch;         /* the app's pod proxy GET (scrape path) */
	void *fetch_ud;
	const struct mesh_profile *profile; /* NULL: auto */
	int64_t interval_ms;                /* 0: GT_DEFAULT_COLLECT_INTERVAL_MS */
	int64_t window_ms;                  /* 0: GT_DEFAULT_WINDOW_MS */
	const char *scrape_source;     /* cache source name for scraping, e.g. "scrape prod" */
};

enum collector_state { COLLECTOR_NEVER, COLLECTOR_OK, COLLECTOR_FAILING };

struct collector_status {
	enum collector_state state;
	int64_t since_ms;    /* failing since (wall clock), or time of the last success */
	const char *message; /* the failure, or NULL; valid until the next round */
	const char *source;  /* "prometheus http://..." or "scrape ..." */
	const char *mesh;    /* detected/configured profile name, or NULL */
};

struct collector;
typedef void (*collector_cb)(struct collector *c, void *ud);

struct collector *collector_new(const struct collector_config *cfg);
/* Frees c at once, also while a round runs. The round's requests belong to whoever issued
 * them and must be cancelled by the caller so that no callback ever reaches c: the scrape
 * path's fetch function's owner cancels its requests (figsrc_free does, before this), the
 * Prometheus path's http client is freed with its requests (their callbacks never run). */
void collector_free(struct collector *c);
/* Collectors allocated and not yet freed (tests and the console's debug line). */
size_t collector_live_count(void);
/* Pods to scrape (scrape path); copied. */
void collector_set_targets(struct collector *c, const struct scrape_target *t, size_t n);
/* Called after every round (the console marks itself dirty). */
void collector_set_listener(struct collector *c, collector_cb cb, void *ud);
/* Start: a first round now, then one per interval. */
void collector_start(struct collector *c);
void collector_status(const struct collector *c, struct collector_status *out);
/* One line for the console header: "telemetry OK (linkerd via prometheus http://h, 12s ago)",
 * "telemetry failing since 12:04:05: <message>", "telemetry: not collected yet". */
char *collector_status_line(const struct collector *c);
/* The figures of the last round over the window (NULL before the first one). */
const struct figures_set *collector_figures(const struct collector *c);

/* "5m" style range text for PromQL from milliseconds. */
char *collector_range(int64_t ms, char *buf, size_t n);

#endif
