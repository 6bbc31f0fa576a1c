/* test_views_golden.c: golden screens of every console view at 80x24 and 200x50, rendered
 * headless from tests/fixtures/manifests with a key script, compared with tests/golden/NAME-COLSxROWS.txt.
 * Regenerate (then review by eye and commit) with GT_REGEN_GOLDEN=1. One case plugs in a
 * test figures source with fixed numbers, to check the figure columns, colours and sort. */
#include <locale.h>
#include <math.h>
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

#include "gammatop/console.h"
#include "gammatop/view.h"
#include "gammatop/diag.h"
#include "gammatop/evloop.h"
#include "gammatop/keys.h"
#include "gammatop/manifest.h"
#include "gammatop/screen.h"
#include "gammatop/store.h"

struct golden_case {
	const char *name;
	const char *keys;
	bool figures; /* plug in the test figures source */
	bool both_sizes;
	bool v16; /* the store also holds tests/fixtures/manifests-v16 (Gateway API v1.6 kinds) */
};

static const struct golden_case cases[] = {
	{"topology", "", false, true, false},
	{"topology-collapsed", "*", false, true, false},
	{"topology-filter", "/checkout<Enter>", false, true, false},
	{"topology-ns", ":ns mesh-clients<Enter>", false, true, false},
	{"topology-unattached", "G", false, true, false},
	{"routes", "2", false, true, false},
	{"routes-figures", "2", true, true, false},
	{"routes-sort-name", "2<lt><lt><lt><lt><lt><lt><lt><lt><lt><lt><lt><lt><lt>", false, false, false},
	{"route-detail", "2/storefront<Enter><Enter>", false, true, false},
	{"route-detail-figures", "2/storefront<Enter><Enter>", true, true, false},
	{"findings", "3", false, true, false},
	{"help", "?", false, true, false},
	{"paths", "P", false, true, false},
	{"paths-figures", "P", true, false, false},
	{"paths-route", "2/storefront<Enter><Enter>P", true, false, false},
	{"too-small", "<Resize:20x6>", false, false, false},
	{"back-from-small", "<Resize:20x6><Resize:80x24>j", false, false, false},
	/* Gateway -> ListenerSet -> listener -> routes; TLS/TCP/UDP routes with their glyph */
	{"topology-v16", ":ns team-a<Enter>", false, true, true},
	{"topology-v16-edge", "/edge<Enter>", false, true, true},
	{"route-detail-tls", "2/db-tls<Enter><Enter>", false, false, true},
	/* a route on a ListenerSet whose backend has a retry budget of 0% */
	{"route-detail-budget", ":ns team-a<Enter>2<Enter>", false, false, true},
	{"routes-v16", "2:ns team-a<Enter>", false, false, true},
};

/* Deterministic figures for the test: derived from the route name and rule, never from a
 * clock. Routes whose name contains "legacy" have none (shown as "-"). */
static bool test_figures(void *ud, const char *route, int rule, int64_t window_ms,
                         struct route_figures *f)
{
	(void)ud, (void)window_ms;
	if (strstr(route, "legacy"))
		return false;
	unsigned h = 5381;
	for (const char *p = route; *p; p++)
		h = h * 33 + (unsigned char)*p;
	h += (unsigned)(rule + 1) * 7919u;
	f->rps = (double)(h % 500) / 3.0;
	f->timeout_rate = (double)(h % 97) / 1000.0;
	f->retry_rate = (double)(h % 61) / 200.0;
	f->success = 1.0 - f->timeout_rate - (double)(h % 7) / 1000.0;
	f->retry_success = (double)(h % 89) / 100.0;
	f->exhausted = (double)(h % 13) / 1000.0;
	f->p95_ms = (double)(h % 2000);
	f->n_spark = CONSOLE_SPARK;
	for (size_t i = 0; i < CONSOLE_SPARK; i++) {
		f->spark[i] = (double)((h >> (i % 16)) % 50);
		f->spark_timeout[i] = i == 3 ? NAN : (double)((h >> i) % 9) / 100.0;
	}
	return true;
}

static const char *test_figures_status(void *ud, enum console_health *health)
{
	(void)ud;
	*health = CONSOLE_OK;
	return "test figures";
}

static const char *srcdir(void)
{
	const char *s = getenv("GT_SRCDIR");
	return s ? s : ".";
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	size_t k;
	while ((k = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (n + 1 >= cap)
			b = realloc(b, cap *= 2);
	}
	b[n] = '\0';
	fclose(f);
	return b;
}

static char *render(struct gt_store *store, const struct golden_case *gc, int cols, int rows)
{
	struct evloop *loop = evloop_new();
	struct console_source cs = {.label = "manifests: tests/fixtures/manifests"};
	struct console_opts co = {.headless_rows = rows, .headless_cols = cols,
	                          .views = ui_views, .n_views = ui_views_n};
	char err[256];
	struct console *con = console_new(store, loop, &cs, &co, err, sizeof err);
	assert_non_null(con);
	if (gc->figures) {
		struct console_figures figs = {.get = test_figures, .status = test_figures_status};
		console_set_figures(con, &figs);
	}
	assert_int_equal(console_start(con, &co, err, sizeof err), 0);
	struct keys_event *ev = NULL;
	int n = keys_parse_script(gc->keys, &ev, err, sizeof err);
	assert_true(n >= 0);
	console_frame(con);
	for (int i = 0; i < n; i++) {
		if (ev[i].key == KEYS_EV_RESIZE) {
			screen_resize_headless(ev[i].rows, ev[i].cols);
			console_key(con, SCREEN_FN(KEY_RESIZE));
		} else {
			console_key(con, ev[i].key);
		}
		console_frame(con);
	}
	free(ev);
	char *text = screen_dump();
	console_free(con);
	evloop_free(loop);
	return text;
}

static void check(struct gt_store *store, const struct golden_case *gc, int cols, int rows)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/golden/%s-%dx%d.txt", srcdir(), gc->name, cols, rows);
	char *got = render(store, gc, cols, rows);
	if (getenv("GT_REGEN_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		free(got);
		return;
	}
	char *want = read_file(path);
	if (!want)
		fail_msg("missing golden %s (run with GT_REGEN_GOLDEN=1, review, commit)", path);
	if (strcmp(want, got)) {
		fprintf(stderr, "--- %s\n%s--- rendered\n%s", path, want, got);
		free(want);
		free(got);
		fail_msg("screen differs from %s", path);
	}
	free(want);
	free(got);
}

static struct gt_store *load(bool v16)
{
	struct gt_store *store = store_new();
	char dir[1024], dir16[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	snprintf(dir16, sizeof dir16, "%s/tests/fixtures/manifests-v16", srcdir());
	struct diag d;
	diag_init(&d);
	const char *paths[] = {dir, dir16};
	int n = manifest_load_store(store, paths, v16 ? 2 : 1, &d);
	diag_done(&d);
	if (n <= 0) {
		store_free(store);
		return NULL;
	}
	return store;
}

static void test_golden(void **state)
{
	struct gt_store *store = *state, *store16 = load(true);
	assert_non_null(store16);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_store *s = cases[i].v16 ? store16 : store;
		check(s, &cases[i], 80, 24);
		if (cases[i].both_sizes)
			check(s, &cases[i], 200, 50);
	}
	store_free(store16);
}

/* The same screen twice gives the same text (nothing depends on time or addresses). */
static void test_stable(void **state)
{
	struct gt_store *store = *state;
	char *a = render(store, &cases[6], 120, 30);
	char *b = render(store, &cases[6], 120, 30);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static int setup(void **state)
{
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	setenv("TZ", "UTC", 1);
	unsetenv("NO_COLOR");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	if (access(dir, R_OK) != 0)
		return -1;
	struct gt_store *store = store_new();
	struct diag d;
	diag_init(&d);
	const char *paths[] = {dir};
	int n = manifest_load_store(store, paths, 1, &d);
	diag_done(&d);
	if (n <= 0)
		return -1;
	*state = store;
	return 0;
}

static int teardown(void **state)
{
	store_free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_stable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
