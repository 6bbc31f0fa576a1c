/* test_collector.c: the collector on the evloop with a fake pod-proxy fetch (answering later,
 * from a timer, as the real one does): rounds turn counters into figures and cache samples,
 * a pod that fails makes a partial round, every pod failing makes the status "failing since"
 * with the message, and the status line says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/cache.h"
#include "gammatop/collector.h"
#include "gammatop/evloop.h"
#include "gammatop/samples.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

struct answer;

struct fake {
	struct answer *pending; /* answers not given yet (fake_cancel_all drops them) */
	struct evloop *loop;
	int64_t t0;
	bool fail_all, fail_b;
	int fetches;
	double scale; /* request rate multiplier (0: 1) */
};

struct answer {
	struct answer *next;
	uint64_t timer;
	struct fake *f;
	char pod[64];
	scrape_done_fn done;
	void *done_ud;
};

static void answer_now(struct evloop *loop, void *ud)
{
	(void)loop;
	struct answer *a = ud;
	struct fake *f = a->f;
	struct answer **pp = &f->pending;
	while (*pp != a)
		pp = &(*pp)->next;
	*pp = a->next;
	double secs = (double)(time_wall_ms() - f->t0) / 1000.0;
	double rps = (!strcmp(a->pod, "proxy-a") ? 20 : 10) * (f->scale > 0 ? f->scale : 1);
	char page[2048];
	snprintf(page, sizeof page,
	         "# TYPE outbound_http_route_request_statuses counter\n"
	         "outbound_http_route_request_statuses_total{route_kind=\"HTTPRoute\","
	         "route_namespace=\"shop\",route_name=\"web\",http_status=\"200\",error=\"\"} %.0f\n"
	         "outbound_http_route_request_statuses_total{route_kind=\"HTTPRoute\","
	         "route_namespace=\"shop\",route_name=\"web\",http_status=\"\","
	         "error=\"REQUEST_TIMEOUT\"} %.0f\n# EOF\n",
	         1000 + secs * rps * 0.75, 50 + secs * rps * 0.25);
	if (f->fail_all || (f->fail_b && !strcmp(a->pod, "proxy-b")))
		a->done(a->done_ud, 0, NULL, 0, NULL, "connection refused");
	else
		a->done(a->done_ud, 200, page, strlen(page), "text/plain", NULL);
	free(a);
}

static void fake_fetch(void *ud, const struct scrape_target *t, scrape_done_fn done, void *dud)
{
	struct fake *f = ud;
	struct answer *a = xcalloc(1, sizeof *a);
	a->f = f;
	snprintf(a->pod, sizeof a->pod, "%s", t->pod);
	a->done = done;
	a->done_ud = dud;
	f->fetches++;
	a->next = f->pending;
	f->pending = a;
	a->timer = evloop_timer_add(f->loop, 5, answer_now, a);
}

/* What the fetch function's owner does before freeing the collector (figsrc_free): cancel
 * every request in flight; a cancelled request never answers. */
static void fake_cancel_all(struct fake *f)
{
	while (f->pending) {
		struct answer *a = f->pending;
		f->pending = a->next;
		evloop_timer_cancel(f->loop, a->timer);
		free(a);
	}
}

struct seen {
	int rounds;
};

static void on_round(struct collector *c, void *ud)
{
	(void)c;
	((struct seen *)ud)->rounds++;
}

static void run_until(struct evloop *loop, struct seen *s, int rounds, int max_ms)
{
	int64_t end = time_mono_ms() + max_ms;
	while (s->rounds < rounds && time_mono_ms() < end)
		evloop_run_once(loop, 50);
}

/* A collector over the fake fetch (a round every second, figures over window_ms, source
 * "scrape test"), with its own evloop and a cache in a new temporary directory; the caller
 * sets its targets and listener. rig_done frees the loop and the cache and removes the
 * directory (the caller frees the collector first). */
struct rig {
	char dir[64];
	struct cache *cache;
	struct evloop *loop;
	struct fake f;
	struct collector_config cfg;
};

static struct collector *rig_init(struct rig *r, int64_t window_ms)
{
	memset(r, 0, sizeof *r);
	snprintf(r->dir, sizeof r->dir, "/tmp/gt-test-collector.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	char db[300], err[512];
	snprintf(db, sizeof db, "%s/cache.db", r->dir);
	r->cache = cache_open(db, NULL, err, sizeof err);
	assert_non_null(r->cache);
	r->loop = evloop_new();
	r->f = (struct fake){.loop = r->loop, .t0 = time_wall_ms()};
	r->cfg = (struct collector_config){.loop = r->loop, .cache = r->cache, .fetch = fake_fetch,
	                                   .fetch_ud = &r->f, .interval_ms = 1000,
	                                   .window_ms = window_ms, .scrape_source = "scrape test"};
	return collector_new(&r->cfg);
}

static void rig_done(struct rig *r)
{
	fake_cancel_all(&r->f);
	evloop_free(r->loop);
	cache_close(r->cache);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
	assert_int_equal(system(cmd), 0);
}

static void test_scrape_rounds(void **state)
{
	(void)state;
	struct rig r;
	struct collector *c = rig_init(&r, 60000);
	struct scrape_target t[2] = {{"shop", "proxy-a", 4191, "/metrics", "http"},
	                             {"shop", "proxy-b", 4191, "/metrics", "http"}};
	collector_set_targets(c, t, 2);
	struct seen seen = {0};
	collector_set_listener(c, on_round, &seen);
	struct collector_status st;
	collector_status(c, &st);
	assert_int_equal(st.state, COLLECTOR_NEVER);
	char *line = collector_status_line(c);
	assert_non_null(strstr(line, "not collected yet (scrape test)"));
	free(line);
	collector_start(c);
	run_until(r.loop, &seen, 3, 6000);
	assert_true(seen.rounds >= 3);
	collector_status(c, &st);
	assert_int_equal(st.state, COLLECTOR_OK);
	assert_string_equal(st.mesh, "linkerd");
	const struct figures_set *fs = collector_figures(c);
	assert_non_null(fs);
	const struct figure *fg = figures_set_find(fs, "httproute/shop/web", -1);
	assert_non_null(fg);
	/* 30 requests/s over both pods (counters render as integers: a little slack) */
	assert_true(fabs(fg->f[FIG_RPS] - 30) < 3);
	assert_true(fabs(fg->f[FIG_TIMEOUT] - 0.25) < 0.05);
	assert_true(samples_count(r.cache, "samples") >= 2);
	line = collector_status_line(c);
	assert_non_null(strstr(line, "telemetry OK (linkerd via scrape test"));
	free(line);
	/* One pod failing: still OK, with the failure said. */
	r.f.fail_b = true;
	int before = seen.rounds;
	run_until(r.loop, &seen, before + 1, 3000);
	collector_status(c, &st);
	assert_int_equal(st.state, COLLECTOR_OK);
	assert_non_null(st.message);
	assert_non_null(strstr(st.message, "1 of 2 targets failed: shop/proxy-b: connection refused"));
	/* Every pod failing: failing since, with the message. */
	r.f.fail_all = true;
	before = seen.rounds;
	run_until(r.loop, &seen, before + 1, 3000);
	collector_status(c, &st);
	assert_int_equal(st.state, COLLECTOR_FAILING);
	line = collector_status_line(c);
	assert_non_null(strstr(line, "telemetry failing since "));
	assert_non_null(strstr(line, "connection refused"));
	free(line);
	assert_non_null(collector_figures(c)); /* the last figures stay */
	fake_cancel_all(&r.f);
	collector_free(c);
	/* Freed while its round's fetches are in flight: the fetcher cancels them (figsrc_free
	 * does) and the collector goes at once with all it holds. It once waited for answers
	 * that a cancelled request never gives, and every console ctrl-r during a round leaked
	 * a collector (its rate table and window: tens of MB on 10,000 routes). */
	size_t live = collector_live_count();
	r.f.fail_all = false;
	c = collector_new(&r.cfg);
	assert_int_equal(collector_live_count(), live + 1);
	collector_set_targets(c, t, 2);
	int fetches = r.f.fetches;
	collector_start(c);
	while (r.f.fetches < fetches + 2)
		evloop_run_once(r.loop, 10);
	fake_cancel_all(&r.f);
	collector_free(c);
	assert_int_equal(collector_live_count(), live);
	for (int i = 0; i < 10; i++)
		evloop_run_once(r.loop, 10);
	rig_done(&r);
}

/* The window slides: when the rate changes, the figures follow it round after round (they
 * once froze because each round's sample was stored before the slider's end). */
static void test_window_follows_rate(void **state)
{
	(void)state;
	struct rig r;
	struct collector *c = rig_init(&r, 2000);
	struct scrape_target t[1] = {{"shop", "proxy-a", 4191, "/metrics", "http"}};
	collector_set_targets(c, t, 1);
	struct seen seen = {0};
	collector_set_listener(c, on_round, &seen);
	collector_start(c);
	run_until(r.loop, &seen, 4, 8000);
	const struct figure *fg = figures_set_find(collector_figures(c), "httproute/shop/web", -1);
	assert_non_null(fg);
	assert_true(fabs(fg->f[FIG_RPS] - 20) < 3);
	/* The counters restart from the new rate: the counter jump is one interval, and the
	 * window (two intervals) then holds only the new rate. */
	r.f.scale = 3;
	r.f.t0 = time_wall_ms();
	int before = seen.rounds;
	run_until(r.loop, &seen, before + 5, 9000);
	fg = figures_set_find(collector_figures(c), "httproute/shop/web", -1);
	assert_non_null(fg);
	assert_true(fabs(fg->f[FIG_RPS] - 60) < 8);
	fake_cancel_all(&r.f);
	collector_free(c);
	rig_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrape_rounds),
		cmocka_unit_test(test_window_follows_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
