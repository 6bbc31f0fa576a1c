/* cmd_console.c: the 'console' subcommand (also what `gammatop` with no command runs): fill
 * the store from the source, open the console on it, run until the user quits. Headless for
 * tests: GAMMATOP_HEADLESS=COLSxROWS (or --dump-screen) renders on a virtual screen, feeds
 * the keys of GAMMATOP_KEYS and prints the final screen as text. The console opens the
 * cache once and shares the handle (cached topology, telemetry, audit log and history
 * view: see cache.h); it keys the topology and scraped telemetry by cluster
 * (cache_cluster_key), and settles audit rows an interrupted apply left pending. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_console.h"
#include "cmd_journal.h"
#include "cmd_source.h"
#include "gammatop/console.h"
#include "gammatop/duration.h"
#include "gammatop/figsrc.h"
#include "podsource.h"
#include "gammatop/cache.h"
#include "gammatop/topocache.h"
#include "gammatop/kcluster.h"
#include "gammatop/kevents.h"
#include "gammatop/diag.h"
#include "gammatop/edit.h"
#include "gammatop/keys.h"
#include "gammatop/manifest.h"
#include "gammatop/log.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

enum { OPT_DUMP = 300, OPT_MOUSE };

static const struct cmd_option console_options[] = {
	{"mouse", 0, OPT_MOUSE, NULL, "click to select, double-click to open, wheel to scroll "
	                              "(also GAMMATOP_MOUSE=1)"},
	{"dump-screen", 0, OPT_DUMP, NULL,
	 "render headless (GAMMATOP_HEADLESS=COLSxROWS, default 80x24), type the keys of "
	 "GAMMATOP_KEYS, print the screen as text and exit"},
	RECORDER_OPTIONS,
	{NULL, 0, 0, NULL, NULL},
};

/* The console's own options (the common ones are in struct cmd_opts). */
struct console_flags {
	bool dump, mouse;
};

static bool mouse_on; /* --mouse, for cmd_console_run (demo: GAMMATOP_MOUSE only) */
static struct recorder_opts journal_opts = {.retention = JOURNAL_RETENTION_DEFAULT};

static int console_opt(int val, const char *arg, void *ud)
{
	struct console_flags *f = ud;
	int j = cmd_journal_option(val, arg, &journal_opts);
	if (j)
		return j < 0 ? -1 : 0;
	if (val == OPT_DUMP)
		f->dump = cmd_flag_on(arg);
	else if (val == OPT_MOUSE)
		f->mouse = cmd_flag_on(arg);
	else
		return -1;
	return 0;
}

/* ---- the console's one cache handle ---- */

static struct {
	struct cache *cache; /* NULL: none could be opened */
	bool tried;
	char *note;          /* owned: what the user should know about it, or NULL */
	char *offline_key;   /* owned: --offline: the cluster key of the kubeconfig's context */
} app;

/* The cache, opened at the first call (writable when possible, else for reading). */
static struct cache *app_cache(const struct cmd_opts *o)
{
	if (app.tried)
		return app.cache;
	app.tried = true;
	char err[512] = "", *notice = NULL;
	app.cache = cache_open_ex(o->cache_path, CACHE_WRITE_OR_READ, &notice, err, sizeof err);
	if (!app.cache)
		app.note = xasprintf("no cache (%s): no telemetry history or cached topology, and "
		                     "changes are not recorded in the audit log", err);
	else
		app.note = notice;
	if (app.note)
		log_warn("%s", app.note);
	return app.cache;
}

/* The cache to write into, or NULL. */
static struct cache *app_cache_rw(const struct cmd_opts *o)
{
	struct cache *c = app_cache(o);
	return c && !cache_readonly(c) ? c : NULL;
}

static void app_cache_close(void)
{
	cache_close(app.cache);
	free(app.note);
	free(app.offline_key);
	memset(&app, 0, sizeof app);
}

static char *key_of(const struct kubeconfig *kc)
{
	return cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
}

static int run_headless(struct console *con, const struct console_opts *co)
{
	char err[256];
	if (console_start(con, co, err, sizeof err) < 0) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	struct keys_event *ev = NULL;
	int n = keys_parse_script(getenv("GAMMATOP_KEYS"), &ev, err, sizeof err);
	if (n < 0) {
		screen_close();
		cmd_error("GAMMATOP_KEYS: %s", err);
		return EXIT_USAGE;
	}
	console_frame(con);
	for (int i = 0; i < n && !con->quit; i++) {
		if (ev[i].key == KEYS_EV_WAIT || ev[i].key == KEYS_EV_SYNC) {
			int64_t end = time_mono_ms() + ev[i].wait_ms;
			while (time_mono_ms() < end &&
			       !(ev[i].key == KEYS_EV_SYNC && store_all_synced(con->store) &&
			         store_count(con->store, GT_GATEWAYCLASS) + store_count(con->store, GT_SERVICE) > 0))
				evloop_run_once(con->loop, (int)(end - time_mono_ms()));
		} else if (ev[i].key == KEYS_EV_RESIZE) {
			screen_resize_headless(ev[i].rows, ev[i].cols);
			console_key(con, SCREEN_FN(KEY_RESIZE));
		} else {
			console_key(con, ev[i].key);
		}
		console_frame(con);
	}
	free(ev);
	console_settle(con);
	char *text = screen_dump();
	screen_close();
	fputs(text, stdout);
	free(text);
	return 0;
}

/* The console's cluster: started, not waited for (the console opens at once and fills in as
 * the reflectors sync); ctrl-r restarts the watches, :ctx switches context. */
struct live {
	struct cmd_source *src;
	const struct cmd_opts *o;
	struct console *con;
	char *context_opt; /* owned: the context asked for by :ctx, NULL: the kubeconfig's */
	struct figsrc *figs; /* owned: telemetry, NULL when off or failed */
	struct podsource *pods; /* owned: the proxies figs scrapes (podsource.h), or NULL */
	long cache_loaded; /* objects loaded from the cached topology, -1: none */
	struct edit_settle *settle; /* owned: audit rows being settled, or NULL */
	struct recorder *rec; /* owned: the change journal of the current cluster, or NULL */
	struct kevents_req *events[8]; /* Events being written on routes (see on_applied) */
	struct event_done {
		struct live *lv;
		size_t slot;
	} event_ud[8];
	bool event_failed;    /* said once */
};

/* An Event was written (or not) on a route: forget the request; a failure is said once. */
static void on_event_written(const char *err, void *ud)
{
	struct event_done *d = ud;
	struct live *lv = d->lv;
	lv->events[d->slot] = NULL;
	if (err) {
		log_warn("no Event was written on the route: %s", err);
		if (!lv->event_failed && lv->con)
			console_message(lv->con, true, "the change is applied, but no Event was written "
			                "on the route: %s", err);
		lv->event_failed = true;
	}
}

/* A change was applied from the console: write its Event on the route (best effort). */
static void on_applied(const struct edit *e, int64_t audit_id, int64_t undo_of, void *ud)
{
	struct live *lv = ud;
	struct kclient *k = lv->src->cluster ? kcluster_client(lv->src->cluster) : NULL;
	size_t slot = 0;
	while (slot < sizeof lv->events / sizeof *lv->events && lv->events[slot])
		slot++;
	if (!k || slot == sizeof lv->events / sizeof *lv->events)
		return;
	struct edit_event ev;
	edit_event_fill(e, lv->src->user, audit_id, undo_of, &ev);
	lv->event_ud[slot] = (struct event_done){lv, slot};
	lv->events[slot] = kevents_post(k, &ev.p, on_event_written, &lv->event_ud[slot]);
}

/* Stop writing Events (the cluster's client goes away). */
static void events_cancel(struct live *lv)
{
	for (size_t i = 0; i < sizeof lv->events / sizeof *lv->events; i++)
		if (lv->events[i]) {
			kevents_cancel(lv->events[i]);
			lv->events[i] = NULL;
		}
}

static void on_journal_note(const char *msg, void *ud)
{
	struct live *lv = ud;
	if (lv->con)
		console_message(lv->con, true, "journal: %s", msg);
}

/* Record the current cluster's changes in the change journal (the previous cluster's
 * recorder must be gone: see live_refresh). */
static void start_recording(struct live *lv)
{
	struct cache *c = app_cache_rw(lv->o);
	if (!c || !lv->src->cluster || lv->o->offline)
		return;
	char *key = key_of(kcluster_config(lv->src->cluster));
	lv->rec = recorder_new(c, lv->src->cluster, lv->src->loop, key,
	                       lv->o->all_namespaces ? NULL : lv->o->namespace_, &journal_opts,
	                       on_journal_note, lv);
	free(key);
}

/* The cluster key of the current source (NULL: none). Caller frees. */
static char *live_key(const struct live *lv)
{
	if (lv->src->cluster)
		return key_of(kcluster_config(lv->src->cluster));
	return app.offline_key ? xstrdup(app.offline_key) : NULL;
}

/* ui_edit_env.cluster_key: whose change journal the console's views read. */
static char *live_cluster_key(void *ud)
{
	return live_key(ud);
}

/* Load the cached topology before the first frame: packed objects (topocache.h) load 20,000
 * objects in tens of ms, so the first frame shows them and the live lists replace them kind by
 * kind as they arrive. Returns the save time (0: nothing cached). */
static int64_t start_cached_load(struct live *lv)
{
	char err[512] = "";
	struct cache *c = app_cache(lv->o);
	char *key = live_key(lv);
	if (!c || !key) {
		free(key);
		return 0;
	}
	int64_t at = 0;
	struct topocache_loader *l = topocache_loader_new(c, key, &at, err, sizeof err);
	free(key);
	if (!l) {
		if (*err)
			log_warn("%s", err);
		return 0;
	}
	while (!topocache_loader_step(l, lv->src->store, (size_t)-1))
		;
	if (topocache_loader_error(l))
		log_warn("cached topology of %s: %s", lv->src->context, topocache_loader_error(l));
	lv->cache_loaded = topocache_loader_count(l);
	topocache_loader_free(l);
	return at;
}

/* Stop telemetry: the pod source first (its pending requests are cancelled, calling nothing
 * back), then the collector that was waiting for them. */
static void telemetry_stop(struct live *lv)
{
	podsource_free(lv->pods);
	lv->pods = NULL;
	figsrc_free(lv->figs);
	lv->figs = NULL;
}

/* (Re)start telemetry for the current cluster (or Prometheus alone). A failure is shown in
 * the status bar, never fatal: the console works without figures. */
static void telemetry_start(struct live *lv)
{
	telemetry_stop(lv);
	if (lv->o->no_telemetry || (!lv->src->cluster && !lv->o->prometheus))
		return;
	uint64_t wms = 0;
	char err[512];
	if (lv->o->window)
		duration_parse(lv->o->window, &wms, err, sizeof err);
	char *key = live_key(lv);
	if (lv->src->cluster && !lv->o->prometheus)
		lv->pods = podsource_new(kcluster_client(lv->src->cluster),
		                         kcluster_namespace(lv->src->cluster)
		                                 ? kcluster_namespace(lv->src->cluster)
		                                 : kclient_config(kcluster_client(lv->src->cluster))
		                                           ->namespace_);
	struct figsrc_config fc = {
		.loop = lv->src->loop, .prometheus = lv->o->prometheus,
		.pods = {lv->pods ? podsource_list : NULL, podsource_fetch, lv->pods},
		.mesh = lv->o->mesh, .cache = app_cache_rw(lv->o),
		.source_name = key ? key : lv->src->context, .window_ms = (int64_t)wms,
	};
	lv->figs = figsrc_new(&fc, err, sizeof err);
	free(key);
	if (!lv->figs) {
		console_message(lv->con, true, "telemetry: %s", err);
		return;
	}
	figsrc_attach(lv->figs, lv->con);
	if (figsrc_notice(lv->figs))
		console_message(lv->con, false, "%s", figsrc_notice(lv->figs));
}

/* An exec plugin's stderr line (a device-code prompt) while it runs: on the status bar. */
static void on_plugin_line(const char *line, void *ud)
{
	struct live *lv = ud;
	console_message(lv->con, false, "exec plugin: %s", line);
}

static struct kcluster *live_connect(struct live *lv, const char *context, char *err, size_t n)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(lv->o);
	ko.context = context; /* :ctx NAME switches it */
	struct kcluster *c = kcluster_new(lv->src->loop, lv->src->store, &ko, err, n);
	if (!c)
		return NULL;
	const struct kubeconfig *kc = kcluster_config(c);
	free(lv->src->context);
	free(lv->src->server);
	free(lv->src->user);
	free(lv->src->description);
	lv->src->context = xstrdup(kc->context);
	lv->src->server = xstrdup(kc->server);
	lv->src->user = xstrdup(kc->identity);
	lv->src->description = xasprintf("context %s", kc->context);
	if (lv->con) /* :ctx, ctrl-r: the console is up */
		kcluster_set_plugin_stderr(c, on_plugin_line, lv);
	kcluster_start(c);
	return c;
}

static void live_source(struct live *lv, struct console_source *cs);

/* The console's edits go to the current cluster (it changes with :ctx and ctrl-r). */
static struct kclient *live_client(void *ud)
{
	struct live *lv = ud;
	return lv->src->cluster && !lv->o->offline ? kcluster_client(lv->src->cluster) : NULL;
}

static void start_settle(struct live *lv);

static void live_refresh(void *ud)
{
	struct live *lv = ud;
	char err[1024];
	struct kcluster *c = live_connect(lv, lv->context_opt ? lv->context_opt : lv->o->context,
	                                  err, sizeof err);
	if (!c) {
		console_message(lv->con, true, "%s", err);
		return;
	}
	telemetry_stop(lv); /* it uses the old cluster's client */
	edit_settle_free(lv->settle);
	lv->settle = NULL;
	recorder_free(lv->rec); /* it observes the old cluster's reflectors */
	lv->rec = NULL;
	events_cancel(lv);
	kcluster_free(lv->src->cluster);
	lv->src->cluster = c;
	start_recording(lv);
	struct console_source cs;
	live_source(lv, &cs);
	console_set_source(lv->con, &cs);
	telemetry_start(lv);
	start_settle(lv);
}

static int live_switch(void *ud, const char *ctx, char *err, size_t n)
{
	struct live *lv = ud;
	struct kcluster *c = live_connect(lv, ctx, err, n);
	if (!c)
		return -1;
	telemetry_stop(lv);
	console_set_figures(lv->con, &(struct console_figures){0});
	edit_settle_free(lv->settle);
	lv->settle = NULL;
	recorder_free(lv->rec);
	lv->rec = NULL;
	events_cancel(lv);
	kcluster_free(lv->src->cluster);
	lv->src->cluster = c;
	start_recording(lv);
	free(lv->context_opt);
	lv->context_opt = xstrdup(ctx);
	store_clear(lv->src->store); /* another cluster: nothing of the old one may remain */
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(lv->src->store, (enum gt_kind)k);
		st->synced = st->stale = false;
		st->last_heard_ms = 0;
		store_set_error(lv->src->store, (enum gt_kind)k, NULL);
	}
	struct console_source cs;
	live_source(lv, &cs);
	console_set_source(lv->con, &cs);
	telemetry_start(lv);
	start_settle(lv); /* another cluster: its own pending rows */
	return 0;
}

/* Keep the synced topology in the cache: the next console on this cluster opens with it. */
static void live_save(void *ud)
{
	struct live *lv = ud;
	if (!lv->src->context || !lv->src->cluster || lv->o->offline)
		return;
	char err[512];
	struct cache *c = app_cache_rw(lv->o);
	if (!c)
		return;
	char *key = live_key(lv), *legacy = xasprintf(CACHE_TOPOLOGY_LEGACY "%s", lv->src->context);
	if (topocache_save(c, key, lv->src->store, err, sizeof err) < 0)
		log_warn("cannot cache the topology: %s", err);
	else /* what an older gammatop kept under this context name is now superseded */
		cache_topology_drop(c, legacy, err, sizeof err);
	free(legacy);
	free(key);
}

/* Load the cached topology of the cluster key into the (empty) store; returns its time or
 * 0. */
static int64_t load_cached(const struct cmd_opts *o, struct cmd_source *src, const char *key)
{
	char err[512];
	struct cache *c = app_cache(o);
	if (!c)
		return 0;
	int64_t at = 0;
	long n = topocache_load(c, key, src->store, &at, err, sizeof err);
	if (n < 0)
		log_warn("%s", err);
	return n > 0 ? at : 0;
}

/* Settle the audit rows of this cluster that an interrupted apply left pending; what was
 * found goes to the status bar (and every line to the log). */
static void on_settled(struct edit_settle *s, void *ud)
{
	struct live *lv = ud;
	const char *r = edit_settle_report(s);
	size_t lines = 0;
	for (const char *p = r; *p; p++)
		lines += *p == '\n';
	if (lines) {
		log_info("audit: %s", r);
		console_message(lv->con, edit_settle_unsettled(s) > 0,
		                "audit: %zu change%s interrupted during apply: %.*s%s", lines,
		                lines == 1 ? "" : "s", (int)strcspn(r, "\n"), r,
		                lines > 1 ? " (:history shows all)" : "");
		lv->con->data_gen++;
	}
}

static void start_settle(struct live *lv)
{
	struct cache *c = app_cache_rw(lv->o);
	char *key = live_key(lv), err[512];
	if (c && key && lv->src->cluster && !lv->o->offline) {
		lv->settle = edit_settle_new(c, key, err, sizeof err);
		if (edit_settle_count(lv->settle))
			edit_settle_start(lv->settle, kcluster_client(lv->src->cluster), on_settled, lv);
	}
	free(key);
}

static void live_source(struct live *lv, struct console_source *cs)
{
	memset(cs, 0, sizeof *cs);
	cs->label = lv->src->description;
	cs->context = lv->src->context;
	cs->server = lv->src->server;
	cs->live = true;
	cs->request_refresh = live_refresh;
	cs->switch_context = live_switch;
	cs->on_synced = live_save;
	cs->ud = lv;
	if (lv->o->offline) { /* the cache alone: nothing to refresh or switch to */
		cs->request_refresh = NULL;
		cs->switch_context = NULL;
	}
}

/* --offline: the context's cached topology, no connection. */
static int open_offline(const struct cmd_opts *o, struct cmd_source *src, int64_t *cache_at_ms)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kubeconfig *kc = NULL;
	char err[2048];
	if (kubeconfig_load(&ko, &kc, err, sizeof err) < 0) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	src->context = xstrdup(kc->context);
	src->server = xstrdup(kc->server);
	src->description = xasprintf("context %s (offline)", kc->context);
	free(app.offline_key);
	app.offline_key = key_of(kc);
	kubeconfig_free(kc);
	*cache_at_ms = load_cached(o, src, app.offline_key);
	if (!*cache_at_ms) {
		/* What an older gammatop cached under the context name alone, said as such. */
		char *legacy = xasprintf(CACHE_TOPOLOGY_LEGACY "%s", src->context);
		*cache_at_ms = load_cached(o, src, legacy);
		free(legacy);
		if (*cache_at_ms)
			cmd_error("warning: the cached topology of context %s was saved by an older "
			          "gammatop that filed it by context name only: if another kubeconfig "
			          "has a context of that name, it may be that cluster's", src->context);
	}
	if (!*cache_at_ms) {
		char *srv = str_sanitize(src->server);
		cmd_error("--offline: no cached topology for context %s (server %s; run the console "
		          "or a command against it once)", src->context, srv);
		free(srv);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_console_open_live(const struct cmd_opts *o, struct cmd_source *src, int64_t *cache_at_ms)
{
	memset(src, 0, sizeof *src);
	src->store = store_new();
	src->loop = evloop_new();
	*cache_at_ms = 0;
	if (o->offline) {
		int rc = open_offline(o, src, cache_at_ms);
		if (rc)
			app_cache_close();
		return rc;
	}
	struct live lv = {.src = src, .o = o, .cache_loaded = -1};
	char err[2048];
	src->cluster = live_connect(&lv, o->context, err, sizeof err);
	if (!src->cluster) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	return 0;
}

/* ctrl-r on a manifests console: read the files again; the store sees the differences. */
struct reload {
	const struct cmd_opts *o;
	struct gt_store *store;
	struct console *con;
};

static void reload_manifests(void *ud)
{
	struct reload *r = ud;
	struct gt_store *fresh = store_new();
	struct diag d;
	diag_init(&d);
	int n = manifest_load_store(fresh, r->o->manifests, r->o->n_manifests, &d);
	if (n < 0 || d.errors)
		console_message(r->con, true, "reload: %s", d.n ? d.items[0].msg : "cannot read");
	if (n >= 0) {
		for (int k = 0; k < GT_KIND_COUNT; k++) {
			size_t cnt;
			const struct gt_object *const *list = store_list(fresh, (enum gt_kind)k, &cnt);
			struct gt_object **copies = xcalloc(cnt + 1, sizeof *copies);
			for (size_t i = 0; i < cnt; i++)
				copies[i] = object_clone(list[i]);
			store_replace_kind(r->store, (enum gt_kind)k, copies, cnt);
			free(copies);
		}
		if (!d.errors)
			console_message(r->con, false, "reloaded %d objects", n);
	}
	diag_done(&d);
	store_free(fresh);
}

static bool parse_size(const char *s, int *rows, int *cols)
{
	return s && sscanf(s, "%dx%d", cols, rows) == 2 && *rows > 0 && *cols > 0 && *rows < 1000 &&
	       *cols < 1000;
}

int cmd_console_run(const struct cmd_opts *o, struct cmd_source *src, bool dump,
                    const struct console_source *cs, const struct console_figures *figs)
{
	const char *m = getenv("GAMMATOP_MOUSE");
	struct console_opts co = {
		.readonly = o->readonly, .no_color = o->no_color, .theme = o->theme,
		.ns = o->namespace_, .mouse = mouse_on || (m && !strcmp(m, "1")),
		.views = ui_views, .n_views = ui_views_n, .command = console_at_command,
	};
	uint64_t wms = 0;
	char err[256];
	if (o->window && duration_parse(o->window, &wms, err, sizeof err) < 0) {
		cmd_error("--window: %s", err);
		return EXIT_USAGE;
	}
	co.window_ms = (int64_t)wms;
	const char *headless = getenv("GAMMATOP_HEADLESS");
	if (dump || !str_empty(headless)) {
		co.headless_rows = 24, co.headless_cols = 80;
		if (!str_empty(headless) && !parse_size(headless, &co.headless_rows, &co.headless_cols)) {
			cmd_error("GAMMATOP_HEADLESS: '%s' is not COLSxROWS (e.g. 80x24)", headless);
			return EXIT_USAGE;
		}
	}
	struct live lv = {.src = src, .o = o, .cache_loaded = -1};
	struct console_source live_cs;
	int64_t load_ms = -1;
	if (src->cluster || o->offline) {
		live_source(&lv, &live_cs);
		live_cs.cache_at_ms = cs ? cs->cache_at_ms : 0;
		if (src->cluster) { /* shown until the reflectors have listed */
			int64_t t0 = time_mono_ms();
			live_cs.cache_at_ms = start_cached_load(&lv);
			load_ms = time_mono_ms() - t0;
		}
		cs = &live_cs;
	}
	struct console *con = console_new(src->store, src->loop, cs, &co, err, sizeof err);
	if (!con) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	lv.con = con;
	if (src->cluster)
		kcluster_set_plugin_stderr(src->cluster, on_plugin_line, &lv);
	if (lv.cache_loaded >= 0) {
		console_timing(con, "cache_loaded", lv.cache_loaded);
		console_timing(con, "cache_load_ms", load_ms);
	}
	uint64_t pw = 0;
	if (o->window && duration_parse(o->window, &pw, NULL, 0) < 0)
		pw = 0;
	struct ui_edit_env ee = {.client = live_client, .cache = app_cache(o),
	                         .mesh = o->mesh, .preview_window_ms = (int64_t)pw,
	                         .applied = on_applied, .cluster_key = live_cluster_key,
	                         .ud = &lv};
	ui_edit_set_env(con, &ee);
	if (app.note)
		console_message(con, !app.cache, "%s", app.note);
	if (src->cluster) {
		start_settle(&lv);
		start_recording(&lv);
	}
	struct reload rl = {.o = o, .store = src->store, .con = con};
	if (!src->cluster && !o->offline && o->n_manifests) {
		struct console_source mcs = *cs;
		mcs.request_refresh = reload_manifests;
		mcs.ud = &rl;
		console_set_source(con, &mcs);
	}
	if (figs)
		console_set_figures(con, figs);
	else
		telemetry_start(&lv);
	int rc;
	if (co.headless_rows) {
		rc = run_headless(con, &co);
	} else if (console_start(con, &co, err, sizeof err) < 0) {
		cmd_error("%s", err);
		rc = EXIT_USAGE;
	} else {
		rc = console_run(con);
	}
	telemetry_stop(&lv);
	edit_settle_free(lv.settle);
	recorder_free(lv.rec);
	events_cancel(&lv);
	if (src->cluster && store_all_synced(src->store) &&
	    store_count(src->store, GT_GATEWAYCLASS) + store_count(src->store, GT_SERVICE) > 0)
		live_save(&lv); /* the state as the user last saw it */
	if (src->cluster)
		kcluster_set_plugin_stderr(src->cluster, NULL, NULL); /* lv ends here */
	console_free(con);
	free(lv.context_opt);
	app_cache_close();
	return rc;
}

int cmd_console(int argc, char **argv)
{
	struct cmd_opts o;
	struct console_flags flags = {false, false};
	int first = cmd_parse(argc, argv, "gammatop [console] [OPTIONS]",
	                      "Open the interactive console: the topology of Gateways, routes and "
	                      "mesh Services with their timeouts, retries and hit rates.",
	                      console_options, console_opt, &flags, &o);
	if (first == -2)
		return 0;
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc) {
		cmd_error("unexpected argument '%s' (see 'gammatop console --help')", argv[first]);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	if (o.log_file && log_open(o.log_file, LOG_DEBUG) < 0) {
		cmd_error("cannot open log %s", o.log_file);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	struct cmd_source src;
	int64_t cache_at_ms = 0;
	int rc = o.n_manifests ? cmd_source_open(&o, &src)
	                       : cmd_console_open_live(&o, &src, &cache_at_ms);
	if (rc) {
		cmd_source_close(&src);
		cmd_opts_done(&o);
		return rc;
	}
	struct console_source cs = {.label = src.description, .cache_at_ms = cache_at_ms};
	mouse_on = flags.mouse;
	rc = cmd_console_run(&o, &src, flags.dump, &cs, NULL);
	cmd_source_close(&src);
	cmd_opts_done(&o);
	log_close();
	return rc;
}
