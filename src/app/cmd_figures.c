/* cmd_figures.c: the telemetry figures a batch command shows (cmd_figures.h): collected from
 * Prometheus (--prometheus URL), from the proxies scraped directly through the API server's
 * pod proxy, or from the cache alone (--offline). `top`, `snapshot` and `routes` use it. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_figures.h"
#include "cmd_source.h"
#include "podsource.h"
#include "gammatop/cache.h"
#include "gammatop/defaults.h"
#include "gammatop/duration.h"
#include "gammatop/figures.h"
#include "gammatop/http.h"
#include "gammatop/kclient.h"
#include "gammatop/kcluster.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/mesh.h"
#include "gammatop/promapi.h"
#include "gammatop/promsource.h"
#include "gammatop/samples.h"
#include "gammatop/scrape.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

static void add_acc(struct figures_set *set, const struct strmap *acc, const char *scope)
{
	for (size_t i = 0; i < acc->cap; i++) {
		const struct mesh_acc_item *it = acc->e[i].key ? acc->e[i].value : NULL;
		if (it)
			figures_set_add(set, it->route, it->rule, scope, &it->counts);
	}
}

static int from_prometheus(const struct cmd_opts *o, struct evloop *loop, const char *range,
                           const struct mesh_profile *p, const char *org_id,
                           struct figures_set **out)
{
	struct http_client *hc = http_client_new(loop);
	struct promapi_config cfg = {.url = o->prometheus,
	                             .bearer_token = getenv("GAMMATOP_PROMETHEUS_TOKEN"),
	                             .username = getenv("GAMMATOP_PROMETHEUS_USER"),
	                             .password = getenv("GAMMATOP_PROMETHEUS_PASSWORD"),
	                             .org_id = org_id,
	                             .timeout_ms = cmd_timeout_ms(o)};
	char err[1024];
	struct promapi *api = promapi_new(hc, &cfg, err, sizeof err);
	if (!api) {
		cmd_error("telemetry: %s", err);
		http_client_free(hc);
		return EXIT_USAGE;
	}
	struct strmap acc;
	strmap_init(&acc, free);
	int rc = promsource_collect_sync(api, &p, range, 0, &acc, err, sizeof err);
	if (rc < 0)
		cmd_error("telemetry: %s", err);
	else {
		*out = figures_set_new(range, promapi_describe(api));
		add_acc(*out, &acc, p->scope);
	}
	strmap_done(&acc);
	promapi_free(api);
	http_client_free(hc);
	return rc < 0 ? EXIT_USAGE : 0;
}

/* The pod list as podsource gives it, kept (the targets are copied). */
struct listed {
	bool done;
	struct scrape_target *t;
	size_t n;
	char err[1024];
};

static void on_listed(void *ud, const struct scrape_target *t, size_t n, const char *error)
{
	struct listed *l = ud;
	l->done = true;
	if (error)
		snprintf(l->err, sizeof l->err, "%s", error);
	l->t = xcalloc(n + 1, sizeof *l->t);
	for (size_t i = 0; i < n; i++)
		l->t[i] = (struct scrape_target){xstrdup(t[i].ns), xstrdup(t[i].pod), t[i].port,
		                                 xstrdup(t[i].path), xstrdup(t[i].scheme)};
	l->n = n;
}

struct wait_round {
	bool done;
};

static void round_cb(struct scraper *s, void *ud)
{
	(void)s;
	((struct wait_round *)ud)->done = true;
}

static int run_round(struct scraper *s, struct evloop *loop)
{
	struct wait_round w = {false};
	scraper_round(s, time_wall_ms(), round_cb, &w);
	int64_t deadline = time_mono_ms() + 60000;
	while (!w.done && time_mono_ms() < deadline)
		evloop_run_once(loop, 200);
	return w.done ? 0 : -1;
}

static void store_acc(const struct cmd_opts *o, const char *source, const struct strmap *acc,
                      const char *scope, int64_t t)
{
	char err[1024];
	struct cache *c = cmd_open_cache(o, err, sizeof err);
	if (!c) {
		cmd_error("telemetry: not recording in the cache: %s", err);
		return;
	}
	struct samples_row *rows = xcalloc(acc->n + 1, sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; i < acc->cap; i++) {
		const struct mesh_acc_item *it = acc->e[i].key ? acc->e[i].value : NULL;
		if (it)
			rows[n++] = (struct samples_row){it->route, it->rule, scope, it->counts};
	}
	if (samples_put(c, source, t, rows, n, time_wall_ms(), NULL, err, sizeof err) < 0)
		cmd_error("telemetry: not recorded in the cache: %s", err);
	free(rows);
	cache_close(c);
}

static int from_scrape(const struct cmd_opts *o, struct cmd_source *src,
                       const struct mesh_profile *p, int sample_s, struct figures_set **out)
{
	if (!src->cluster) {
		cmd_error("telemetry: no source: give --prometheus URL, or a cluster (not "
		          "--manifests) whose proxies can be scraped, or --offline");
		return EXIT_USAGE;
	}
	struct kclient *k = kcluster_client(src->cluster);
	/* The proxies as the console finds them (podsource.h): pods of every namespace, whatever
	 * -n says — Linkerd's route metrics live in the calling pods wherever they run, Envoy
	 * Gateway's proxies in envoy-gateway-system; a forbidden cluster-wide list falls back to
	 * the namespace the routes were read in (or the context's), said in a warning. */
	const char *ns = kcluster_namespace(src->cluster);
	struct podsource *ps = podsource_new(k, ns ? ns : kclient_config(k)->namespace_);
	struct listed l = {0};
	podsource_list(ps, on_listed, &l);
	int64_t deadline = time_mono_ms() + 35000;
	while (!l.done && time_mono_ms() < deadline)
		evloop_run_once(src->loop, 200);
	if (podsource_note(ps))
		cmd_error("warning: telemetry: %s", podsource_note(ps));
	if (!l.n) {
		cmd_error("telemetry: %s", *l.err ? l.err : !l.done ? "listing pods timed out"
		                                  : "no pods to scrape (none is running with "
		                                    "prometheus.io/scrape: \"true\")");
		free(l.t);
		podsource_free(ps);
		return EXIT_USAGE;
	}
	struct scraper *s = scraper_new(p, podsource_fetch, ps);
	scraper_set_targets(s, l.t, l.n);
	for (size_t i = 0; i < l.n; i++)
		scrape_target_done(&l.t[i]);
	free(l.t);
	int rc = 0;
	int64_t t0 = time_wall_ms();
	if (run_round(s, src->loop) < 0 || scraper_ok_count(s) == 0 || !scraper_profile(s)) {
		cmd_error("telemetry: %s", scraper_error(s) ? scraper_error(s) : "scrape timed out");
		rc = EXIT_USAGE;
	} else {
		int64_t until = time_mono_ms() + (int64_t)sample_s * 1000;
		while (time_mono_ms() < until)
			evloop_run_once(src->loop, (int)(until - time_mono_ms()));
		if (run_round(s, src->loop) < 0 || scraper_ok_count(s) == 0) {
			cmd_error("telemetry: %s", scraper_error(s) ? scraper_error(s) : "scrape timed out");
			rc = EXIT_USAGE;
		}
	}
	if (rc == 0) {
		if (scraper_error(s))
			cmd_error("telemetry: warning: %s", scraper_error(s));
		if (scraper_acc(s)->n == 0)
			cmd_error("telemetry: warning: no %s series for any route on %zu pods (see --mesh)",
			          scraper_profile(s)->name, scraper_ok_count(s));
		char source[1024], range[32];
		/* Filed by cluster, not context name (see cache_cluster_key). */
		const struct kubeconfig *kc = kcluster_config(src->cluster);
		char *key = cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
		snprintf(source, sizeof source, "scrape %s", key);
		free(key);
		snprintf(range, sizeof range, "%ds", (int)(scraper_seconds(s) + 0.5));
		const char *scope = scraper_profile(s)->scope;
		*out = figures_set_new(range, source);
		add_acc(*out, scraper_acc(s), scope);
		store_acc(o, source, scraper_acc(s), scope, t0);
	}
	podsource_free(ps); /* cancels what a timed-out round still waits for */
	scraper_free(s);
	return rc;
}

static void window_cb(const char *route, int rule, const char *scope,
                      const struct sample_counts *sum, void *ud)
{
	figures_set_add(ud, route, rule, scope, sum);
}

/* The cache source --offline reads: --prometheus URL's, else the scrape source of the
 * kubeconfig context's cluster (heap; NULL with *why set when there is no kubeconfig). */
static char *offline_source(const struct cmd_opts *o, char *why, size_t n)
{
	if (o->prometheus) {
		struct evloop *loop = evloop_new();
		struct http_client *hc = http_client_new(loop);
		struct promapi_config cfg = {.url = o->prometheus};
		struct promapi *api = promapi_new(hc, &cfg, why, n);
		char *src = api ? xstrdup(promapi_describe(api)) : NULL;
		promapi_free(api);
		http_client_free(hc);
		evloop_free(loop);
		return src;
	}
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kubeconfig *kc;
	if (o->n_manifests || kubeconfig_load(&ko, &kc, why, n) < 0)
		return NULL;
	char *key = cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
	char *src = xasprintf("scrape %s", key);
	free(key);
	kubeconfig_free(kc);
	return src;
}

static int from_cache(const struct cmd_opts *o, int64_t window_ms, struct figures_set **out)
{
	char err[1024], why[1024] = "", *source = NULL;
	struct cache *c = cmd_open_cache(o, err, sizeof err);
	if (!c) {
		cmd_error("telemetry: --offline: %s", err);
		return EXIT_USAGE;
	}
	int64_t latest = 0;
	/* The telemetry of this cluster (or Prometheus), never another one's: two kubeconfigs
	 * may name their contexts alike. Without a kubeconfig: the newest there is. */
	char *want = offline_source(o, why, sizeof why);
	int found = want ? samples_source_latest(c, want, &latest, err, sizeof err)
	                 : samples_latest(c, &source, &latest, err, sizeof err);
	if (want && found > 0)
		source = xstrdup(want);
	if (found <= 0) {
		char *newest = NULL;
		int64_t t;
		if (found == 0 && want && samples_latest(c, &newest, &t, NULL, 0) > 0)
			cmd_error("telemetry: --offline: the cache holds no telemetry from %s (it has some "
			          "from %s: another cluster, or --prometheus URL)", want, newest);
		else
			cmd_error("telemetry: --offline: %s", found < 0 ? err : "the cache holds no telemetry yet");
		free(newest);
		free(want);
		cache_close(c);
		return EXIT_USAGE;
	}
	free(want);
	*out = figures_set_new(o->window, source);
	samples_window(c, source, latest + 1 - window_ms, latest + 1, window_cb, *out, err,
	               sizeof err);
	(*out)->at_ms = latest;
	char age[32], when[32];
	time_age((time_wall_ms() - latest) / 1000, age, sizeof age);
	fprintf(stderr, "gammatop: telemetry from the cache %s (source %s): data is %s old "
	        "(last sample %s)\n", cache_path(c), source, age,
	        time_rfc3339((time_t)(latest / 1000), when, sizeof when));
	free(source);
	cache_close(c);
	return 0;
}

int cmd_top_figures(const struct cmd_opts *o, struct cmd_source *src, int sample_s,
                    const char *org_id, struct figures_set **out)
{
	*out = NULL;
	uint64_t window_ms;
	char err[256];
	if (duration_parse(o->window, &window_ms, err, sizeof err) < 0 || window_ms < 1000) {
		cmd_error("--window %s: %s", o->window, window_ms < 1000 ? "at least 1s" : err);
		return EXIT_USAGE;
	}
	const struct mesh_profile *p = NULL;
	if (o->mesh && strcmp(o->mesh, "auto") && !(p = mesh_find(o->mesh))) {
		cmd_error("--mesh %s: expected auto|%s", o->mesh, mesh_names());
		return EXIT_USAGE;
	}
	if (o->offline)
		return from_cache(o, (int64_t)window_ms, out);
	if (o->prometheus) {
		char range[32];
		duration_format(window_ms, range, sizeof range);
		return from_prometheus(o, src->loop, range, p, org_id, out);
	}
	return from_scrape(o, src, p, sample_s > 0 ? sample_s : GT_DEFAULT_SAMPLE_S, out);
}

struct figures_set *cmd_source_figures(const struct cmd_opts *o, struct cmd_source *src,
                                       const char *cmd)
{
	if (o->no_telemetry || !(o->prometheus || o->offline))
		return NULL;
	struct figures_set *set = NULL;
	if (cmd_top_figures(o, src, 0, NULL, &set) == 0) {
		figures_set_finish(set);
		return set;
	}
	figures_set_free(set);
	cmd_error("%s: continuing without telemetry", cmd);
	return NULL;
}
