/* test_console_at.c: golden screens of the console's time travel and route-detail suspects
 * (issue 16), rendered headless: a change journal in a temporary cache holds a Service and a
 * GAMMA route whose request timeout was tightened by kubectl-edit three minutes before the
 * time shown; `:at 2026-01-01T00:05:00Z` shows that past (PAST in the header, read-only) and
 * the route detail lists the change as its top suspect with who, what and why. Compared with
 * tests/golden/at-*-COLSxROWS.txt (GT_REGEN_GOLDEN=1 rewrites them: review, commit). Fixed
 * times only, so the screens do not depend on the clock. Also: :at now returns, edits are
 * refused in the past, and a time before the journal is an error naming when it begins; and
 * now (not in the past) a change two minutes ago is marked under route detail's sparklines,
 * with its effect on the route's figures, and a change made with gammatop says "did it
 * help?". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/audit.h"
#include "gammatop/cache.h"
#include "gammatop/console.h"
#include "gammatop/evloop.h"
#include "gammatop/journal.h"
#include "gammatop/keys.h"
#include "gammatop/samples.h"
#include "gammatop/screen.h"
#include "gammatop/store.h"
#include "gammatop/timeutil.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"

#define CL "https://at.example ca:0001"
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static char dir[256], path[300];
static struct cache *cache;

static json_t *service(void)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:{s:{}}}]},"
	                 " s:{s:[{s:s, s:i}]}}",
	                 "apiVersion", "v1", "kind", "Service", "metadata", "name", "api", "namespace",
	                 "shop", "resourceVersion", "5", "managedFields", "manager", "helm",
	                 "operation", "Update", "time", "2026-01-01T00:00:00Z", "fieldsType",
	                 "FieldsV1", "fieldsV1", "f:spec", "spec", "ports", "name", "http", "port", 8080);
}

/* The GAMMA producer route shop/api as the API server sends it. */
static json_t *route(const char *rv, int gen, const char *timeout, const char *manager,
                     const char *mtime)
{
	return json_pack(
		"{s:s, s:s, s:{s:s, s:s, s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:{s:{}}}]},"
		" s:{s:[{s:s, s:s, s:s, s:i}], s:[{s:[{s:s, s:i}], s:{s:s}}]}}",
		"apiVersion", "gateway.networking.k8s.io/v1", "kind", "HTTPRoute", "metadata", "name",
		"api", "namespace", "shop", "resourceVersion", rv, "generation", gen,
		"creationTimestamp", "2026-01-01T00:00:00Z", "managedFields", "manager", manager,
		"operation", "Update", "time", mtime, "fieldsType", "FieldsV1", "fieldsV1", "f:spec",
		"spec", "parentRefs", "group", "", "kind", "Service", "name", "api", "port", 8080,
		"rules", "backendRefs", "name", "api", "port", 8080, "timeouts", "request", timeout);
}

static const char *cluster = CL;

static char *cluster_key(void *ud)
{
	(void)ud;
	return strdup(cluster);
}

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	setenv("TZ", "UTC", 1);
	unsetenv("NO_COLOR");
	snprintf(dir, sizeof dir, "/tmp/gt-test-console-at.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/cache.db", dir);
	char err[512];
	cache = cache_open(path, NULL, err, sizeof err);
	if (!cache)
		return -1;
	struct journal_writer *w = journal_writer_new(cache, CL, NULL);
	json_t *svc = service(), *r1 = route("10", 1, "5s", "helm", "2026-01-01T00:00:00Z");
	json_t *r2 = route("11", 2, "300ms", "kubectl-edit", "2026-01-01T00:02:00Z");
	journal_writer_list_start(w, GT_SERVICE);
	journal_writer_seen(w, GT_SERVICE, JOURNAL_SEEN_LISTED, svc, T0);
	journal_writer_list_done(w, GT_SERVICE, T0);
	journal_writer_list_start(w, GT_HTTPROUTE);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, r1, T0);
	journal_writer_list_done(w, GT_HTTPROUTE, T0);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r2, T0 + 120000);
	long n = journal_writer_flush(w, err, sizeof err);
	journal_writer_free(w);
	json_decref(svc);
	json_decref(r1);
	json_decref(r2);
	return n == 1 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cache_close(cache);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *srcdir(void)
{
	const char *s = getenv("GT_SRCDIR");
	return s ? s : ".";
}

/* Run keys on a headless console over an empty live store with the journal's cache plugged
 * in; the screen text, and the status-bar message after the keys into msg. */
static char *render(const char *keys, int cols, int rows, char *msg, size_t msglen)
{
	struct evloop *loop = evloop_new();
	struct gt_store *store = store_new();
	struct console_source cs = {.label = "at.example"};
	struct console_opts co = {.headless_rows = rows, .headless_cols = cols, .views = ui_views,
	                          .n_views = ui_views_n, .command = console_at_command};
	char err[256];
	struct console *con = console_new(store, loop, &cs, &co, err, sizeof err);
	assert_non_null(con);
	struct ui_edit_env env = {.cache = cache, .cluster_key = cluster_key};
	ui_edit_set_env(con, &env);
	assert_int_equal(console_start(con, &co, err, sizeof err), 0);
	struct keys_event *ev = NULL;
	int n = keys_parse_script(keys, &ev, err, sizeof err);
	assert_true(n >= 0);
	console_frame(con);
	for (int i = 0; i < n; i++) {
		console_key(con, ev[i].key);
		console_frame(con);
	}
	free(ev);
	if (msg)
		snprintf(msg, msglen, "%s", con->message);
	char *text = screen_dump();
	console_free(con);
	store_free(store);
	evloop_free(loop);
	struct ui_edit_env none = {0};
	ui_edit_set_env(NULL, &none);
	return text;
}

static char *read_file(const char *p)
{
	FILE *f = fopen(p, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, k;
	char *b = malloc(cap);
	while ((k = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (n + 1 >= cap)
			b = realloc(b, cap *= 2);
	}
	b[n] = '\0';
	fclose(f);
	return b;
}

static void golden(const char *name, const char *keys, int cols, int rows)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/tests/golden/%s-%dx%d.txt", srcdir(), name, cols, rows);
	char *got = render(keys, cols, rows, NULL, 0);
	if (getenv("GT_REGEN_GOLDEN")) {
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		free(got);
		return;
	}
	char *want = read_file(p);
	if (!want)
		fail_msg("missing golden %s (run with GT_REGEN_GOLDEN=1, review, commit)", p);
	if (strcmp(want, got)) {
		fprintf(stderr, "--- %s\n%s--- rendered\n%s", p, want, got);
		fail_msg("screen differs from %s", p);
	}
	free(want);
	free(got);
}

#define AT ":at 2026-01-01T00:05:00Z<Enter>"

static void test_golden(void **state)
{
	(void)state;
	golden("at-routes", AT "2", 80, 24);
	golden("at-routes", AT "2", 200, 50);
	golden("at-route-detail-suspects", AT "2<Enter>", 80, 24);
	golden("at-route-detail-suspects", AT "2<Enter>", 200, 50);
}

static void test_behaviour(void **state)
{
	(void)state;
	char msg[256];
	/* the past shows the old timeout; now (an empty live store) shows nothing */
	char *s = render(":at 2026-01-01T00:01:00Z<Enter>2<Enter>", 200, 50, NULL, 0);
	assert_non_null(strstr(s, "PAST 2026-01-01T00:01:00Z read-only"));
	assert_non_null(strstr(s, "request 5s"));
	assert_null(strstr(s, "kubectl-edit")); /* the change came later */
	free(s);
	s = render(AT ":at now<Enter>2", 200, 50, NULL, 0);
	assert_null(strstr(s, "PAST"));
	assert_null(strstr(s, "shop"));
	free(s);
	s = render(AT ":at now<Enter>", 200, 50, msg, sizeof msg);
	assert_string_equal(msg, "back to now");
	free(s);
	/* edits are refused in the past */
	s = render(AT "2e", 200, 50, msg, sizeof msg);
	assert_non_null(strstr(msg, "showing the past (:at): edits are refused"));
	free(s);
	/* bad times: said, nothing changes */
	s = render(":at 2025-01-01T00:00:00Z<Enter>", 200, 50, msg, sizeof msg);
	assert_null(strstr(s, "PAST"));
	assert_true(strlen(msg) > 0);
	free(s);
	s = render(":at yesterday<Enter>", 200, 50, msg, sizeof msg);
	assert_non_null(strstr(msg, "expected RFC 3339"));
	free(s);
	s = render(":at 2999-01-01T00:00:00Z<Enter>", 200, 50, msg, sizeof msg);
	assert_non_null(strstr(msg, "in the future"));
	free(s);
	s = render(":at -1x<Enter>", 200, 50, msg, sizeof msg);
	assert_non_null(strstr(msg, ":at -1x"));
	free(s);
}

/* Figures with sparklines for every route (the marker row lives under them). */
static bool spark_figures(void *ud, const char *route, int rule, int64_t window_ms,
                          struct route_figures *f)
{
	(void)ud, (void)route, (void)rule, (void)window_ms;
	f->rps = 10;
	f->timeout_rate = 0.1;
	f->retry_rate = 0;
	f->n_spark = CONSOLE_SPARK;
	for (size_t i = 0; i < CONSOLE_SPARK; i++) {
		f->spark[i] = (double)i;
		f->spark_timeout[i] = i > 7 ? 0.3 : 0.01;
	}
	return true;
}

/* Telemetry samples of shop/api from source "scrape CL" (10 s each): timeouts per 100. */
static void put_rate(const char *cl, int64_t t, double timeouts)
{
	struct samples_row row = {.route = "httproute/shop/api", .rule = -1, .scope = "route"};
	row.counts.seconds = 10;
	row.counts.v[SC_REQUESTS] = 100;
	row.counts.v[SC_TIMEOUTS] = timeouts;
	row.counts.v[SC_SUCCESSES] = 100 - timeouts;
	row.counts.have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_TIMEOUTS) | SC_BIT(SC_SUCCESSES);
	char err[256], source[256];
	snprintf(source, sizeof source, "scrape %s", cl);
	if (samples_put(cache, source, t, &row, 1, t, NULL, err, sizeof err) < 0)
		fail_msg("samples_put: %s", err);
}

/* Now, not in the past: a journal of cluster cl with a change by manager two minutes ago (a
 * gammatop change when audit: its audit row carries the new resourceVersion), telemetry in
 * the cache with before / after timeouts per 100 around it, and the live store as the
 * journal has it now (as the reflectors would). Route detail with sparkline figures: the
 * screen (caller frees). */
static char *scenario(const char *cl, const char *manager, bool audit, double before,
                      double after)
{
	int64_t now = time_wall_ms();
	char err[512];
	if (audit) {
		struct audit_entry a = {.route = "httproute/shop/api", .rule = 0, .result = AUDIT_APPLIED,
		                        .cluster = (char *)cl, .new_rv = "11"};
		assert_true(audit_add(cache, &a, err, sizeof err) > 0);
	}
	struct journal_writer *w = journal_writer_new(cache, cl, NULL);
	json_t *svc = service(), *r1 = route("10", 1, "5s", "helm", "2026-01-01T00:00:00Z");
	json_t *r2 = route("11", 2, "300ms", manager, "2026-01-01T00:02:00Z");
	journal_writer_list_start(w, GT_SERVICE);
	journal_writer_seen(w, GT_SERVICE, JOURNAL_SEEN_LISTED, svc, now - 600000);
	journal_writer_list_done(w, GT_SERVICE, now - 600000);
	journal_writer_list_start(w, GT_HTTPROUTE);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, r1, now - 600000);
	journal_writer_list_done(w, GT_HTTPROUTE, now - 600000);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, r2, now - 120000);
	assert_int_equal(journal_writer_flush(w, err, sizeof err), 1);
	journal_writer_free(w);
	json_decref(svc);
	json_decref(r1);
	json_decref(r2);
	for (int64_t t = now - 600000; t < now; t += 10000)
		put_rate(cl, t, t < now - 120000 ? before : after);

	struct gt_store *store = store_new();
	assert_true(journal_store_at(cache, cl, now, NULL, store, err, sizeof err) == 2);
	struct evloop *loop = evloop_new();
	struct console_source cs = {.label = "markers.example"};
	struct console_opts co = {.headless_rows = 50, .headless_cols = 200, .views = ui_views,
	                          .n_views = ui_views_n, .command = console_at_command};
	struct console *con = console_new(store, loop, &cs, &co, err, sizeof err);
	assert_non_null(con);
	cluster = cl;
	struct ui_edit_env env = {.cache = cache, .cluster_key = cluster_key};
	ui_edit_set_env(con, &env);
	struct console_figures figs = {.get = spark_figures};
	console_set_figures(con, &figs);
	assert_int_equal(console_start(con, &co, err, sizeof err), 0);
	console_frame(con);
	console_key(con, '2');
	console_frame(con);
	console_key(con, '\r');
	console_frame(con);
	char *text = screen_dump();
	console_free(con);
	store_free(store);
	evloop_free(loop);
	cluster = CL;
	struct ui_edit_env none = {0};
	ui_edit_set_env(NULL, &none);
	return text;
}

/* The change is marked under the sparklines (5-minute window: step 7 of 12) with who, is the
 * top suspect, and its effect on the route's figures is shown. */
static void test_markers(void **state)
{
	(void)state;
	char *s = scenario("https://markers.example ca:0002", "kubectl-edit", false, 2, 60);
	const char *m = strstr(s, "change applied");
	if (!m)
		fail_msg("no change marker:\n%s", s);
	assert_non_null(strstr(m, "       \xe2\x96\xb2     "));
	assert_non_null(strstr(m, "ago by kubectl-edit: httproute/shop/api"));
	assert_non_null(strstr(s, "1. kubectl-edit"));
	const char *e = strstr(s, "effect ");
	if (!e)
		fail_msg("no effect row:\n%s", s);
	assert_non_null(strstr(e, "5m before -> 5m after: TIMEOUTS 2.0% -> 60.0%"));
	assert_non_null(strstr(e, "timeouts rose"));
	free(s);
}

/* A change made with gammatop says whether it helped. */
static void test_did_it_help(void **state)
{
	(void)state;
	char *s = scenario("https://helped.example ca:0003", "gammatop", true, 60, 2);
	if (!strstr(s, "(gammatop #"))
		fail_msg("no audit id on the suspect:\n%s", s);
	const char *e = strstr(s, "did it help?");
	if (!e)
		fail_msg("no did-it-help row:\n%s", s);
	assert_non_null(strstr(e, "TIMEOUTS 60.0% -> 2.0%"));
	assert_non_null(strstr(e, "timeouts fell"));
	assert_non_null(strstr(s, "(gammatop #1): httproute/shop/api"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_behaviour),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_did_it_help),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
