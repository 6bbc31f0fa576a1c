/* cmd_watch.c: the 'watch' subcommand: connect to the cluster and print one line per change
 * the store sees (the initial list shows as ADDED), until interrupted or --for DURATION.
 * -o json gives {"kind","namespace","name","type","resourceVersion"} per line, for scripts
 * and the resilience tests. --stats prints sync figures (time, objects, peak memory). */
#include "config.h"

#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_journal.h"
#include "gammatop/cache.h"
#include "gammatop/duration.h"
#include "gammatop/jsonout.h"
#include "gammatop/kcluster.h"
#include "gammatop/log.h"
#include "gammatop/reflector.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

static const char usage[] = "gammatop watch [-o text|json|none] [--for DURATION] "
                            "[--until-synced] [--stats] [OPTIONS]";
static const char summary[] =
	"Connect to the cluster of the kubeconfig context and print one line per change of the\n"
	"objects gammatop models (the initial list shows as ADDED events), until interrupted or\n"
	"--for DURATION has passed. -o json prints {\"kind\",\"namespace\",\"name\",\"type\",\n"
	"\"resourceVersion\"} per line. --until-synced stops once every kind is synced. --stats\n"
	"prints the time to sync, object counts and peak memory on stderr. The connection is\n"
	"kept up through API server restarts, dropped watches and expired history. Every change\n"
	"is also recorded in the change journal of the cache ('gammatop changes' reads it).";

enum { OPT_FOR = 300, OPT_UNTIL_SYNCED, OPT_STATS };

static const struct cmd_option watch_options[] = {
	{"for", 1, OPT_FOR, "DURATION", "stop after DURATION (e.g. 30s, 5m)"},
	{"until-synced", 0, OPT_UNTIL_SYNCED, NULL, "stop once every kind is synced"},
	{"stats", 0, OPT_STATS, NULL, "print sync time, objects and peak memory on stderr"},
	RECORDER_OPTIONS,
	{NULL, 0, 0, NULL, NULL},
};

enum out_format { OUT_TEXT, OUT_JSON, OUT_NONE };

struct watch_args {
	uint64_t for_ms;
	bool until_synced, stats;
	struct recorder_opts journal;
};

struct watch_run {
	struct evloop *loop;
	struct gt_store *store;
	struct kcluster *cluster;
	enum out_format fmt;
	bool until_synced, stats;
	bool notes_printed, synced_reported;
	int64_t start_ms;
	unsigned long changes;
	char *last_error[GT_KIND_COUNT]; /* owned: last error printed per kind */
	unsigned skipped[GT_KIND_COUNT]; /* undecodable objects last reported per kind (0: none) */
	bool write_failed, reader_gone;
	struct cache *cache;   /* owned: for the change journal, NULL when none */
	struct recorder *rec;  /* owned, NULL when not recording */
};

static void on_journal_note(const char *msg, void *ud)
{
	(void)ud;
	cmd_error("journal: %s", msg);
}

/* Record the changes in the change journal (said when it cannot be). */
static void start_recording(struct watch_run *w, const struct cmd_opts *o,
                            const struct recorder_opts *ro)
{
	if (ro->off)
		return;
	char err[1024];
	w->cache = cmd_open_cache(o, err, sizeof err);
	if (!w->cache) {
		cmd_error("journal: changes are not recorded: %s", err);
		return;
	}
	const struct kubeconfig *kc = kcluster_config(w->cluster);
	char *key = cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
	w->rec = recorder_new(w->cache, w->cluster, w->loop, key,
	                      o->all_namespaces ? NULL : o->namespace_, ro, on_journal_note, w);
	free(key);
}

static int on_option(int val, const char *arg, void *ud)
{
	struct watch_args *a = ud;
	char err[256];
	int j = cmd_journal_option(val, arg, &a->journal);
	if (j)
		return j < 0 ? -1 : 0;
	switch (val) {
	case OPT_FOR:
		if (duration_parse(arg, &a->for_ms, err, sizeof err) < 0) {
			cmd_error("watch: --for %s: %s", arg, err);
			return -1;
		}
		return 0;
	case OPT_UNTIL_SYNCED: a->until_synced = cmd_flag_on(arg); return 0;
	case OPT_STATS: a->stats = cmd_flag_on(arg); return 0;
	}
	return -1;
}

static const char *type_name(enum store_event ev)
{
	return ev == STORE_ADDED ? "ADDED" : ev == STORE_MODIFIED ? "MODIFIED" : "DELETED";
}

static void on_change(enum store_event ev, const struct gt_object *obj, void *ud)
{
	struct watch_run *w = ud;
	w->changes++;
	if (w->fmt == OUT_NONE || w->write_failed || w->reader_gone)
		return;
	const struct gt_meta *m = &obj->meta;
	int rc;
	if (w->fmt == OUT_JSON) {
		json_t *j = json_pack("{s:s, s:s?, s:s?, s:s, s:s?}", "kind", kind_name(obj->kind),
		                      "namespace", m->namespace_, "name", m->name, "type",
		                      type_name(ev), "resourceVersion", m->resource_version);
		char *s = j ? jsonout_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		rc = s ? printf("%s\n", s) : -1;
		free(s);
		json_decref(j);
	} else {
		char *ns = str_sanitize(m->namespace_), *name = str_sanitize(m->name);
		char *rv = str_sanitize(m->resource_version);
		rc = printf("%-8s %s %s%s%s rv=%s\n", type_name(ev), kind_id(obj->kind), ns,
		            *ns ? "/" : "", name, rv);
		free(ns);
		free(name);
		free(rv);
	}
	if (rc < 0 || fflush(stdout) != 0) {
		/* a reader that has gone (watch | head) ends the watch quietly */
		w->reader_gone = cmd_output_gone(stdout);
		w->write_failed = !w->reader_gone;
		evloop_stop(w->loop);
	}
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_maxrss;
}

static void print_stats(struct watch_run *w, const char *when)
{
	size_t total = 0;
	fprintf(stderr, "gammatop: stats (%s): %.3f s since start", when,
	        (double)(time_mono_ms() - w->start_ms) / 1000.0);
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		size_t n = store_count(w->store, k);
		total += n;
		struct reflector *r = kcluster_reflector(w->cluster, k);
		if (!r)
			continue;
		const struct reflector_stats *s = reflector_stats(r);
		fprintf(stderr, "; %s %zu (pages %u, relists %u, watches %u, events %u)", kind_id(k),
		        n, s->pages, s->relists, s->watches, s->events);
	}
	fprintf(stderr, "; objects %zu; changes %lu; peak RSS %ld KiB", total, w->changes,
	        peak_rss_kib());
	const struct journal_stats *js = recorder_stats(w->rec);
	if (js)
		fprintf(stderr, "; journal: %llu seen, %llu rows (%llu changes), %llu bytes, %llu "
		        "flushes, %.1f ms writing (%.1f ms CPU)", (unsigned long long)js->seen,
		        (unsigned long long)js->rows, (unsigned long long)js->changes,
		        (unsigned long long)js->bytes, (unsigned long long)js->flushes, js->flush_ms,
		        js->flush_cpu_ms);
	fputc('\n', stderr);
}

/* After each loop iteration: notes once after discovery, errors when they change, and the
 * synced milestone. */
static void after(struct evloop *loop, void *ud)
{
	struct watch_run *w = ud;
	if (!w->notes_printed && kcluster_discovered(w->cluster)) {
		w->notes_printed = true;
		for (int k = 0; k < GT_KIND_COUNT; k++) {
			struct store_kind_state *st = store_kind_state(w->store, k);
			if (!st->installed && st->error)
				cmd_error("note: %s", st->error);
		}
	}
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(w->store, k);
		if (!st->installed || str_eq(st->error, w->last_error[k]))
			continue;
		if (st->error)
			cmd_error("%s: %s (retrying)", kind_name(k), st->error);
		else
			cmd_error("%s: connection restored", kind_name(k));
		free(w->last_error[k]);
		w->last_error[k] = xstrdup_null(st->error);
	}
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		const struct reflector *r = kcluster_reflector(w->cluster, k);
		const char *first = NULL;
		unsigned n = r ? reflector_skipped(r, &first) : 0;
		if (n && n != w->skipped[k]) /* (a relist counts again from 0: not news) */
			cmd_error("%s: %u object(s) could not be read and are left out; the first: %s",
			          kind_name(k), n, first);
		if (n)
			w->skipped[k] = n;
	}
	if (!w->synced_reported && kcluster_synced(w->cluster)) {
		w->synced_reported = true;
		if (w->stats)
			print_stats(w, "synced");
		if (w->until_synced)
			evloop_stop(loop);
	}
}

static void on_stop_timer(struct evloop *loop, void *ud) { evloop_stop(loop); }
static void on_signal(struct evloop *loop, int signo, void *ud) { evloop_stop(loop); }

static int parse_format(const char *s, enum out_format *f)
{
	if (!s || !strcmp(s, "text"))
		*f = OUT_TEXT;
	else if (!strcmp(s, "json"))
		*f = OUT_JSON;
	else if (!strcmp(s, "none"))
		*f = OUT_NONE;
	else {
		cmd_error("watch: unknown output format '%s' (expected text, json or none)", s);
		return -1;
	}
	return 0;
}

static int run(const struct cmd_opts *o, const struct watch_args *a, enum out_format fmt)
{
	struct watch_run w = {.fmt = fmt, .until_synced = a->until_synced, .stats = a->stats};
	w.start_ms = time_mono_ms();
	w.loop = evloop_new();
	w.store = store_new();
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	char err[2048];
	w.cluster = kcluster_new(w.loop, w.store, &ko, err, sizeof err);
	if (!w.cluster) {
		cmd_error("%s", err);
		store_free(w.store);
		evloop_free(w.loop);
		return EXIT_USAGE;
	}
	store_add_listener(w.store, on_change, &w);
	start_recording(&w, o, &a->journal);
	evloop_set_after(w.loop, after, &w);
	evloop_signal(w.loop, SIGINT, on_signal, &w);
	evloop_signal(w.loop, SIGTERM, on_signal, &w);
	if (a->for_ms)
		evloop_timer_add(w.loop, (int64_t)a->for_ms, on_stop_timer, &w);
	kcluster_start(w.cluster);
	evloop_run(w.loop);
	recorder_flush(w.rec);
	if (w.stats)
		print_stats(&w, "end");
	int rc = w.write_failed ? EXIT_USAGE : 0;
	if (w.write_failed)
		cmd_error("watch: cannot write to standard output");
	store_remove_listener(w.store, on_change, &w);
	recorder_free(w.rec);
	cache_close(w.cache);
	kcluster_free(w.cluster);
	store_free(w.store);
	evloop_free(w.loop);
	for (int k = 0; k < GT_KIND_COUNT; k++)
		free(w.last_error[k]);
	return rc;
}

int cmd_watch(int argc, char **argv)
{
	struct cmd_opts o;
	struct watch_args a = {0};
	cmd_journal_opts_init(&a.journal);
	int first = cmd_parse(argc, argv, usage, summary, watch_options, on_option, &a, &o);
	if (first == -2)
		return 0;
	if (first < 0)
		return EXIT_USAGE;
	enum out_format fmt;
	int rc = EXIT_USAGE;
	if (cmd_no_operands(argc, argv, first))
		rc = EXIT_USAGE;
	else if (o.n_manifests)
		cmd_error("watch: reads a live cluster; --manifests does not apply");
	else if (parse_format(o.format, &fmt) == 0) {
		rc = run(&o, &a, fmt);
	}
	cmd_opts_done(&o);
	log_close();
	return rc;
}
