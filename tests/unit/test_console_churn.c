/* test_console_churn.c: the console on a store that changes between frames, as on a busy
 * cluster (issue 10: a watch MODIFIED event freed objects the console's topology and rows
 * still pointed to). Headless, over tests/fixtures/manifests: with every kind of view on top
 * (topology, routes, route detail, findings, history, the edit form over the routes, help)
 * the store's objects are replaced, deleted, added, swapped by replace_kind and cleared
 * between frames, telemetry "arrives" (the figures change), views are switched, the :ns
 * scope and the filter change, trees are collapsed, and frames are drawn inside the rebuild
 * throttle (the topology then is older than the store). Run under AddressSanitizer by the
 * suite: any read of a freed object is a failure. What is drawn is then checked against
 * the store: a route added shows up, a deleted route's detail says it is gone. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curses.h>

#include "gammatop/cache.h"
#include "gammatop/console.h"
#include "gammatop/diag.h"
#include "gammatop/evloop.h"
#include "gammatop/keys.h"
#include "gammatop/manifest.h"
#include "gammatop/screen.h"
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

struct fx {
	struct gt_store *orig;  /* the fixtures, never changed: the source of every version */
	struct gt_store *store; /* what the console shows */
	struct evloop *loop;
	struct console *con;
	struct cache *db; /* the edit form's cache */
	char dir[256], cache[300];
	unsigned version; /* resourceVersion counter */
	unsigned figures_calls;
	long base_objects; /* live objects not in x->store: the fixtures' copy (x->orig) */
};

static const char *srcdir(void)
{
	const char *s = getenv("GT_SRCDIR");
	return s ? s : ".";
}

/* Figures for every rule of every route, different at every delivery. */
static bool figures(void *ud, const char *route, int rule, int64_t window_ms,
                    struct route_figures *f)
{
	struct fx *x = ud;
	(void)window_ms;
	x->figures_calls++;
	double k = (double)(strlen(route) + (size_t)(rule + 2) + x->version % 7);
	f->rps = k;
	f->success = 0.9;
	f->timeout_rate = k / 100.0;
	f->retry_rate = k / 200.0;
	f->n_spark = CONSOLE_SPARK;
	for (size_t i = 0; i < CONSOLE_SPARK; i++)
		f->spark[i] = f->spark_timeout[i] = (double)i;
	return true;
}

static const char *figures_status(void *ud, enum console_health *health)
{
	(void)ud;
	*health = CONSOLE_OK;
	return "test figures";
}

static size_t store_total(const struct gt_store *s)
{
	size_t n = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++)
		n += store_count(s, (enum gt_kind)k);
	return n;
}

static void copy_all(struct fx *x, struct gt_store *from)
{
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		size_t n;
		const struct gt_object *const *l = store_list(from, (enum gt_kind)k, &n);
		struct gt_object **objs = xcalloc(n + 1, sizeof *objs);
		for (size_t i = 0; i < n; i++)
			objs[i] = object_clone(l[i]);
		for (size_t i = 0; i < n; i++)
			store_put(x->store, objs[i]);
		free(objs);
	}
}

static struct fx *fx_new(void)
{
	struct fx *x = calloc(1, sizeof *x);
	x->orig = store_new();
	x->store = store_new();
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	struct diag d;
	diag_init(&d);
	const char *paths[] = {dir};
	assert_true(manifest_load_store(x->orig, paths, 1, &d) > 0);
	diag_done(&d);
	copy_all(x, x->orig);
	snprintf(x->dir, sizeof x->dir, "/tmp/gt-test-console-churn-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	snprintf(x->cache, sizeof x->cache, "%s/cache.db", x->dir);
	x->loop = evloop_new();
	struct console_source cs = {.label = "manifests"};
	struct console_opts co = {.headless_rows = 30, .headless_cols = 140,
	                          .views = ui_views, .n_views = ui_views_n};
	char err[256];
	x->con = console_new(x->store, x->loop, &cs, &co, err, sizeof err);
	assert_non_null(x->con);
	assert_int_equal(console_start(x->con, &co, err, sizeof err), 0);
	x->db = cache_open(x->cache, NULL, err, sizeof err);
	assert_non_null(x->db);
	struct ui_edit_env env = {.cache = x->db}; /* no cluster: the form validates */
	ui_edit_set_env(x->con, &env);
	struct console_figures figs = {.get = figures, .status = figures_status, .ud = x};
	console_set_figures(x->con, &figs);
	console_settle(x->con);
	x->base_objects = object_live_count() - (long)store_total(x->store);
	return x;
}

static void fx_free(struct fx *x)
{
	console_free(x->con);
	cache_close(x->db);
	evloop_free(x->loop);
	store_free(x->store);
	store_free(x->orig);
	const char *sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		char p[400];
		snprintf(p, sizeof p, "%s%s", x->cache, sfx[i]);
		unlink(p);
	}
	rmdir(x->dir);
	free(x);
}

/* A copy of o with a new resourceVersion (and, for routes, a new timeout): a watch
 * MODIFIED event. */
static struct gt_object *next_version(struct fx *x, const struct gt_object *o)
{
	struct gt_object *c = object_clone(o);
	free(c->meta.resource_version);
	c->meta.resource_version = xasprintf("%u", ++x->version);
	if (kind_is_route(c->kind) && c->u.route.n_rules) {
		struct gt_rule *r = &c->u.route.rules[0];
		free(r->timeouts.request);
		r->timeouts.request = xasprintf("%us", 1 + x->version % 9);
		r->has_timeouts = true;
	}
	return c;
}

/* One burst of watch events: every object of the kinds the views show is replaced, one
 * route is deleted and another added; every fourth burst relists the Services
 * (replace_kind), every ninth clears the store and lists everything again. */
static void churn(struct fx *x, unsigned round)
{
	static const enum gt_kind kinds[] = {GT_HTTPROUTE, GT_GRPCROUTE, GT_GATEWAY,
	                                     GT_GATEWAYCLASS, GT_SERVICE, GT_NAMESPACE};
	if (round % 9 == 8) {
		store_clear(x->store);
		copy_all(x, x->orig);
		return;
	}
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t n;
		const struct gt_object *const *l = store_list(x->store, kinds[k], &n);
		struct gt_object **objs = xcalloc(n + 1, sizeof *objs);
		for (size_t i = 0; i < n; i++) /* copies first: the listing changes with each put */
			objs[i] = next_version(x, l[i]);
		if (kinds[k] == GT_SERVICE && round % 4 == 3) {
			store_replace_kind(x->store, GT_SERVICE, objs, n ? n - 1 : 0);
			object_free(n ? objs[n - 1] : NULL);
		} else {
			for (size_t i = 0; i < n; i++)
				store_put(x->store, objs[i]);
		}
		free(objs);
	}
	size_t n;
	const struct gt_object *const *l = store_list(x->store, GT_HTTPROUTE, &n);
	if (n > 1) {
		struct gt_object *added = next_version(x, l[round % n]);
		free(added->meta.name);
		added->meta.name = xasprintf("churned-%u", round);
		const struct gt_object *victim = l[(round + 1) % n];
		char *ns = xstrdup(object_ns(victim)), *name = xstrdup(victim->meta.name);
		store_delete(x->store, GT_HTTPROUTE, ns, name);
		free(ns);
		free(name);
		store_put(x->store, added);
	}
}

static void keys(struct fx *x, const char *script)
{
	struct keys_event *ev = NULL;
	char err[256];
	int n = keys_parse_script(script, &ev, err, sizeof err);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		console_key(x->con, ev[i].key);
		console_frame(x->con);
	}
	free(ev);
}

/* Store changes and telemetry between frames, with the current views open: a frame right
 * after a change falls inside the rebuild throttle (the topology is older than the store),
 * then the throttle is let go (console_settle) now and then. */
static void busy(struct fx *x, unsigned rounds, const char *between)
{
	for (unsigned r = 0; r < rounds; r++) {
		churn(x, x->version + r);
		console_figures_changed(x->con); /* telemetry arrives: the views rebuild */
		console_frame(x->con);
		if (between)
			keys(x, between);
		churn(x, x->version + r + 1);
		console_frame(x->con);
		if (r % 3 == 2)
			console_settle(x->con);
	}
	/* Once the console has caught up with the store, what the churn replaced is gone: one
	 * topology, and no object besides the store's (and the fixtures') alive. A reference
	 * kept too long (a topology, a view's, a row's) keeps a whole world alive: on a
	 * cluster that churns, memory grows without end. */
	console_settle(x->con);
	console_settle(x->con);
	assert_int_equal(topology_live_count(), 1);
	assert_int_equal(object_live_count() - x->base_objects, (long)store_total(x->store));
}

static const char *top_name(struct fx *x)
{
	return x->con->stack[x->con->depth - 1]->ops->name;
}

static void test_churn_every_view(void **state)
{
	(void)state;
	struct fx *x = fx_new();
	/* The topology tree, with the scope, a filter and collapse-all changing meanwhile. */
	keys(x, "1");
	assert_string_equal(top_name(x), "topology");
	busy(x, 6, NULL);
	busy(x, 3, ":ns shop<Enter>");
	busy(x, 3, ":ns all<Enter>");
	busy(x, 3, "*");
	busy(x, 3, "/checkout<Enter>");
	keys(x, "<Esc>jjjj");
	busy(x, 3, "<Enter>");
	/* The routes table, sorted, and the route detail opened from it. */
	keys(x, "<Esc><Esc>2");
	assert_string_equal(top_name(x), "routes");
	busy(x, 6, "<lt>");
	keys(x, "gj<Enter>");
	assert_string_equal(top_name(x), "route");
	busy(x, 6, "w");
	/* Findings (lint runs on the topology of the moment). */
	keys(x, "3");
	assert_string_equal(top_name(x), "findings");
	busy(x, 6, "j");
	/* The audit log. */
	keys(x, ":history<Enter>");
	assert_string_equal(top_name(x), "history");
	busy(x, 4, NULL);
	/* The edit form over the routes view (drawn below it), then cancelled. */
	keys(x, "2g/storefront<Enter>e");
	assert_string_equal(top_name(x), "edit");
	busy(x, 6, NULL);
	keys(x, "<Esc>");
	assert_string_equal(top_name(x), "routes");
	/* Help, then Tab through the top views while everything moves. */
	keys(x, "?");
	busy(x, 2, NULL);
	busy(x, 6, "<Tab>");
	keys(x, "1");
	busy(x, 3, "*");
	fx_free(x);
	assert_int_equal(topology_live_count(), 0);
	assert_int_equal(object_live_count(), 0);
}

/* After the churn settles, the screen shows the store as it is now. */
static void test_churn_then_current(void **state)
{
	(void)state;
	struct fx *x = fx_new();
	keys(x, "2");
	busy(x, 5, NULL);
	/* A route added while the routes view was open is listed once the console settles. */
	struct gt_object *added = next_version(x, store_list(x->store, GT_HTTPROUTE, NULL)[0]);
	free(added->meta.name);
	added->meta.name = xstrdup("brand-new-route");
	store_put(x->store, added);
	console_frame(x->con);
	console_settle(x->con);
	keys(x, "/brand-new<Enter>");
	char *s = screen_dump();
	assert_non_null(strstr(s, "brand-new-route"));
	free(s);
	/* Its detail, then it is deleted: the detail says so, nothing dangles. */
	keys(x, "<Enter>");
	assert_string_equal(top_name(x), "route");
	char *ns = xstrdup(object_ns(added)); /* added is freed by the deletion */
	assert_true(store_delete(x->store, GT_HTTPROUTE, ns, "brand-new-route"));
	free(ns);
	console_figures_changed(x->con);
	console_frame(x->con);
	console_settle(x->con);
	s = screen_dump();
	assert_non_null(strstr(s, "this route no longer exists"));
	free(s);
	fx_free(x);
}

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	setenv("TZ", "UTC", 1);
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	return access(dir, R_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_churn_every_view),
		cmocka_unit_test(test_churn_then_current),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
