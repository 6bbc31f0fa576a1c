/* figsrc.h: the console's telemetry: a collector (telemetry layer) on the console's loop,
 * fed by Prometheus (--prometheus URL) or by scraping the mesh proxies (what to scrape and
 * how to fetch a page come from the app — the same adapter `top` uses, src/app/podsource.c —
 * and are listed again every minute), its samples kept in the cache; and the
 * console_figures interface on top:
 * per-rule figures over the window, figures over any other window and sparklines from the
 * cache. Nothing is invented: what no source reported stays NAN. Heap object. */
#ifndef GAMMATOP_FIGSRC_H
#define GAMMATOP_FIGSRC_H
#include <stddef.h>
#include <stdint.h>

#include "gammatop/console.h"
#include "gammatop/evloop.h"
#include "gammatop/scrape.h"

struct cache;

/* The proxies to scrape, as the app provides them (the ui layer makes no Kubernetes calls):
 * list(ud, done, dud) lists what to scrape, calling done(dud, targets, n, error) once, later;
 * fetch is the scraper's fetch function. */
typedef void (*figsrc_targets_fn)(void *dud, const struct scrape_target *t, size_t n,
                                  const char *error);
struct figsrc_pods {
	void (*list)(void *ud, figsrc_targets_fn done, void *dud);
	scrape_fetch_fn fetch;
	void *ud;
};

struct figsrc_config {
	struct evloop *loop;
	struct figsrc_pods pods;    /* scrape path (list NULL: Prometheus only) */
	const char *prometheus;     /* URL, or NULL to scrape */
	const char *mesh;           /* "auto" (or NULL) or a profile name */
	struct cache *cache;        /* the app's (borrowed; NULL: no history) */
	const char *source_name;    /* names the scrape source in the cache ("scrape CLUSTER") */
	int64_t window_ms;          /* 0: 5 minutes */
	int64_t interval_ms;        /* 0: the collector's default (15 s) */
};

struct figsrc;

/* Start collecting. Returns NULL with err set when the configuration cannot work (bad
 * Prometheus URL, unknown mesh); without a cache there is only no history. */
struct figsrc *figsrc_new(const struct figsrc_config *cfg, char *err, size_t errlen);
void figsrc_free(struct figsrc *f);
/* Plug into the console (figures, header status; every round marks it changed). */
void figsrc_attach(struct figsrc *f, struct console *c);
/* A note for the user about the cache (e.g. a corrupt one was set aside), or NULL. */
const char *figsrc_notice(const struct figsrc *f);

#endif
