/* scrape.c: collection rounds over proxies' metrics pages fetched through the app's fetch
 * function (the API server's pod proxy): bounded concurrency, parse, mesh detection, counter
 * increases per series, sums per route key. */
#include "config.h"

#include "gammatop/scrape.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/exposition.h"
#include "gammatop/log.h"
#include "gammatop/xalloc.h"

#define MAX_IN_FLIGHT 16
#define MAX_ERRORS_SHOWN 3

/* What is kept of a target's page once it arrived: only its failure. The page itself is
 * parsed and folded into the round's sums when it arrives, then dropped, so a round holds
 * at most one parsed page at a time (a proxy's page is megabytes on a large mesh). */
struct page {
	char *error; /* owned; NULL: the page parsed and was folded */
};

struct job {
	struct scraper *s;
	size_t i;
	unsigned round;
};

struct scraper {
	const struct mesh_profile *profile;
	scrape_fetch_fn fetch;
	void *fetch_ud;
	struct scrape_target *targets; /* owned */
	size_t n_targets;
	/* the running round */
	bool running;
	unsigned round;
	struct scrape_target *rt_targets; /* snapshot of targets for this round (owned) */
	size_t rt_n, next, in_flight, finished;
	struct page *pages;
	struct job *jobs;
	int64_t now_ms;
	scraper_round_cb cb;
	void *cb_ud;
	/* results */
	struct rate_table rates;
	struct strmap acc; /* key -> struct mesh_acc_item (owned) */
	int64_t prev_ms;
	double seconds;
	size_t ok;
	char *error;
};

static char *xstrdup_or(const char *s, const char *def) { return xstrdup(s && *s ? s : def); }

int scrape_target_from(struct scrape_target *t, const char *ns, const char *pod,
                       const char *(*get)(void *ud, const char *key), void *ud, char *err,
                       size_t errlen)
{
	memset(t, 0, sizeof *t);
	const char *scrape = get(ud, "prometheus.io/scrape"), *port = get(ud, "prometheus.io/port");
	if (!scrape || strcmp(scrape, "true")) {
		if (err)
			snprintf(err, errlen, "pod %s/%s has no prometheus.io/scrape: \"true\"", ns, pod);
		return -1;
	}
	char *end = NULL;
	long p = port ? strtol(port, &end, 10) : 0;
	if (!port || end == port || *end || p < 1 || p > 65535) {
		if (err)
			snprintf(err, errlen, "pod %s/%s: prometheus.io/port is %s", ns, pod,
			         port ? "not a port number" : "missing");
		return -1;
	}
	const char *scheme = get(ud, "prometheus.io/scheme");
	t->ns = xstrdup(ns);
	t->pod = xstrdup(pod);
	t->port = (int)p;
	t->path = xstrdup_or(get(ud, "prometheus.io/path"), "/metrics");
	t->scheme = xstrdup(scheme && !strcmp(scheme, "https") ? "https" : "http");
	return 0;
}

void scrape_target_done(struct scrape_target *t)
{
	free(t->ns);
	free(t->pod);
	free(t->path);
	free(t->scheme);
	memset(t, 0, sizeof *t);
}

static void copy_target(struct scrape_target *d, const struct scrape_target *s)
{
	d->ns = xstrdup(s->ns);
	d->pod = xstrdup(s->pod);
	d->port = s->port;
	d->path = xstrdup_or(s->path, "/metrics");
	d->scheme = xstrdup_or(s->scheme, "http");
}

struct scraper *scraper_new(const struct mesh_profile *profile, scrape_fetch_fn fetch,
                            void *fetch_ud)
{
	struct scraper *s = xcalloc(1, sizeof *s);
	s->profile = profile;
	s->fetch = fetch;
	s->fetch_ud = fetch_ud;
	rate_table_init(&s->rates);
	strmap_init(&s->acc, free);
	return s;
}

static void free_targets(struct scrape_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scrape_target_done(&t[i]);
	free(t);
}

static void round_free(struct scraper *s)
{
	for (size_t i = 0; i < s->rt_n; i++)
		free(s->pages[i].error);
	free(s->pages);
	free(s->jobs);
	free_targets(s->rt_targets, s->rt_n);
	s->pages = NULL;
	s->jobs = NULL;
	s->rt_targets = NULL;
	s->rt_n = 0;
}

void scraper_free(struct scraper *s)
{
	if (!s)
		return;
	round_free(s);
	free_targets(s->targets, s->n_targets);
	rate_table_done(&s->rates);
	strmap_done(&s->acc);
	free(s->error);
	free(s);
}

void scraper_set_targets(struct scraper *s, const struct scrape_target *t, size_t n)
{
	free_targets(s->targets, s->n_targets);
	s->targets = n ? xcalloc(n, sizeof *s->targets) : NULL;
	for (size_t i = 0; i < n; i++)
		copy_target(&s->targets[i], &t[i]);
	s->n_targets = n;
}

const struct strmap *scraper_acc(const struct scraper *s) { return &s->acc; }
double scraper_seconds(const struct scraper *s) { return s->seconds; }
const struct mesh_profile *scraper_profile(const struct scraper *s) { return s->profile; }
const char *scraper_error(const struct scraper *s) { return s->error; }
size_t scraper_ok_count(const struct scraper *s) { return s->ok; }

static const char *sample_label(const void *obj, const char *name)
{
	return expo_label(obj, name);
}

const struct mesh_profile *scrape_detect(const struct expo_doc *doc)
{
	size_t np;
	const struct mesh_profile *const *ps = mesh_profiles(&np);
	for (size_t p = 0; p < np; p++)
		for (size_t i = 0; i < doc->n_samples; i++)
			if (mesh_detects(ps[p], doc->samples[i].name, sample_label, &doc->samples[i]))
				return ps[p];
	return NULL;
}

size_t scrape_fold(const struct mesh_profile *p, const struct expo_doc *doc, const char *id,
                   struct rate_table *rt, struct strmap *acc)
{
	struct buf sid;
	buf_init(&sid);
	size_t fed = 0;
	for (size_t i = 0; i < doc->n_samples; i++) {
		const struct expo_sample *smp = &doc->samples[i];
		bool computed = false;
		double inc = NAN;
		for (size_t k = 0; k < MESH_MAX_SERIES && p->series[k].metric; k++) {
			const struct mesh_series *ms = &p->series[k];
			if (!mesh_series_matches(ms, smp->name, sample_label, smp))
				continue;
			if (!computed) {
				buf_reset(&sid);
				buf_puts(&sid, id);
				buf_putc(&sid, '\x1f');
				buf_puts(&sid, smp->name);
				for (size_t l = 0; l < smp->n_labels; l++) {
					buf_putc(&sid, '\x1f');
					buf_puts(&sid, smp->labels[l].name);
					buf_putc(&sid, '=');
					buf_puts(&sid, smp->labels[l].value);
				}
				inc = rate_table_update(rt, buf_str(&sid), smp->value);
				computed = true;
			}
			if (!isnan(inc) && mesh_acc_add(acc, p, ms, sample_label, smp, inc) == 0)
				fed++;
		}
	}
	buf_done(&sid);
	return fed;
}

static void finish_round(struct scraper *s)
{
	struct buf errs;
	buf_init(&errs);
	size_t failed = 0;
	for (size_t i = 0; i < s->rt_n; i++) {
		const struct scrape_target *t = &s->rt_targets[i];
		if (s->pages[i].error && failed++ < MAX_ERRORS_SHOWN)
			buf_printf(&errs, "%s%s/%s: %s", failed > 1 ? "; " : "", t->ns, t->pod,
			           s->pages[i].error);
	}
	rate_table_prune(&s->rates);
	s->seconds = s->prev_ms ? (double)(s->now_ms - s->prev_ms) / 1000.0 : 0;
	if (s->profile)
		mesh_acc_finish(&s->acc, s->profile, s->seconds);
	s->prev_ms = s->now_ms;
	free(s->error);
	s->error = NULL;
	if (failed)
		s->error = xasprintf("%zu of %zu targets failed: %s%s", failed, s->rt_n, buf_str(&errs),
		                     failed > MAX_ERRORS_SHOWN ? "; ..." : "");
	else if (s->rt_n == 0)
		s->error = xstrdup("no pods to scrape (none has prometheus.io/scrape: \"true\")");
	else if (!s->profile)
		s->error = xasprintf("no known mesh metrics on %zu pods (looked for %s)", s->rt_n,
		                     mesh_names());
	buf_done(&errs);
	round_free(s);
	s->running = false;
	if (s->cb)
		s->cb(s, s->cb_ud);
}

/* A page arrived: parse it, detect the mesh on it when not known yet, fold it into the
 * round's sums and drop it. A page that arrives before the mesh is detected (auto, first
 * round only) is not folded: its counters start on the next round. */
static void take_page(struct scraper *s, size_t i, const char *body, size_t len,
                      bool openmetrics)
{
	const struct scrape_target *t = &s->rt_targets[i];
	struct expo_doc doc;
	char err[256] = "";
	expo_doc_init(&doc);
	if (expo_parse(&doc, body, len, openmetrics, err, sizeof err) < 0) {
		s->pages[i].error = xstrdup(err);
		expo_doc_done(&doc);
		return;
	}
	s->ok++;
	if (!s->profile && (s->profile = scrape_detect(&doc)))
		log_info("telemetry: detected mesh %s on %s/%s", s->profile->name, t->ns, t->pod);
	if (s->profile) {
		char id[512];
		snprintf(id, sizeof id, "%s/%s", t->ns, t->pod);
		scrape_fold(s->profile, &doc, id, &s->rates, &s->acc);
	}
	expo_doc_done(&doc);
}

static void start_more(struct scraper *s);

static void on_fetched(void *ud, long status, const char *body, size_t len,
                       const char *content_type, const char *error)
{
	struct job *j = ud;
	struct scraper *s = j->s;
	if (!s->running || j->round != s->round)
		return;
	struct page *pg = &s->pages[j->i];
	if (error)
		pg->error = xstrdup(error);
	else if (status < 200 || status > 299)
		pg->error = xasprintf("HTTP %ld", status);
	else
		take_page(s, j->i, body ? body : "", body ? len : 0,
		          content_type && strstr(content_type, "openmetrics"));
	s->in_flight--;
	s->finished++;
	if (s->finished == s->rt_n)
		finish_round(s);
	else
		start_more(s);
}

static void start_more(struct scraper *s)
{
	while (s->running && s->next < s->rt_n && s->in_flight < MAX_IN_FLIGHT) {
		size_t i = s->next++;
		s->in_flight++;
		s->jobs[i] = (struct job){s, i, s->round};
		s->fetch(s->fetch_ud, &s->rt_targets[i], on_fetched, &s->jobs[i]);
	}
}

int scraper_round(struct scraper *s, int64_t now_ms, scraper_round_cb cb, void *ud)
{
	if (s->running)
		return -1;
	s->running = true;
	s->round++;
	s->now_ms = now_ms;
	s->cb = cb;
	s->cb_ud = ud;
	s->rt_n = s->n_targets;
	s->rt_targets = xcalloc(s->rt_n ? s->rt_n : 1, sizeof *s->rt_targets);
	for (size_t i = 0; i < s->rt_n; i++)
		copy_target(&s->rt_targets[i], &s->targets[i]);
	s->pages = xcalloc(s->rt_n ? s->rt_n : 1, sizeof *s->pages);
	s->jobs = xcalloc(s->rt_n ? s->rt_n : 1, sizeof *s->jobs);
	s->next = s->in_flight = s->finished = 0;
	strmap_clear(&s->acc); /* this round's sums: pages fold in as they arrive */
	s->ok = 0;
	if (s->rt_n == 0) {
		finish_round(s);
		return 0;
	}
	start_more(s);
	return 0;
}
