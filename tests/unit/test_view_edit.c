/* test_view_edit.c: the console's editing views, headless over tests/fixtures/manifests (no
 * cluster: the form validates and previews, and says it cannot send): the form opens over
 * the routes view with the rule's current values, typing re-validates with the message next
 * to the field (1.5s is refused, Enter does not proceed), a valid value shows the YAML diff
 * and merge patch, ^D clears a field, Esc cancels; --readonly refuses visibly; a GRPCRoute
 * is refused; the history view lists an audit log written to a temporary cache; the editor
 * helper writes a private 0600 file and reads back what the "editor" changed; the console's
 * keys (e, E, :history, H, u) reach these views; E re-edits an invalid document. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <curses.h>

#include "gammatop/audit.h"
#include "gammatop/cache.h"
#include "gammatop/console.h"
#include "gammatop/diag.h"
#include "gammatop/evloop.h"
#include "gammatop/keys.h"
#include "gammatop/manifest.h"
#include "gammatop/screen.h"
#include "gammatop/store.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"

struct fx {
	struct gt_store *store;
	struct evloop *loop;
	struct console *con;
	char dir[256];
	char cache[300];
	struct cache *db; /* the app's one cache handle */
};

static const char *srcdir(void)
{
	const char *s = getenv("GT_SRCDIR");
	return s ? s : ".";
}

static struct fx *fx_new(bool readonly)
{
	struct fx *f = calloc(1, sizeof *f);
	f->store = store_new();
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	struct diag d;
	diag_init(&d);
	const char *paths[] = {dir};
	assert_true(manifest_load_store(f->store, paths, 1, &d) > 0);
	diag_done(&d);
	snprintf(f->dir, sizeof f->dir, "/tmp/gt-test-view-edit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->cache, sizeof f->cache, "%s/cache.db", f->dir);
	f->loop = evloop_new();
	struct console_source cs = {.label = "manifests"};
	struct console_opts co = {.headless_rows = 40, .headless_cols = 160, .readonly = readonly,
	                          .views = ui_views, .n_views = ui_views_n};
	char err[256];
	f->con = console_new(f->store, f->loop, &cs, &co, err, sizeof err);
	assert_non_null(f->con);
	assert_int_equal(console_start(f->con, &co, err, sizeof err), 0);
	f->db = cache_open(f->cache, NULL, err, sizeof err);
	assert_non_null(f->db);
	struct ui_edit_env env = {.cache = f->db};
	ui_edit_set_env(f->con, &env);
	console_settle(f->con);
	return f;
}

static void fx_free(struct fx *f)
{
	console_free(f->con);
	cache_close(f->db);
	evloop_free(f->loop);
	store_free(f->store);
	char p[400];
	const char *sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", f->cache, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
}

static struct view *top(struct fx *f)
{
	return f->con->stack[f->con->depth - 1];
}

/* Type keys into the top view (raw keys first, as the console does). */
static void type(struct fx *f, const char *s)
{
	for (; *s; s++) {
		if (!view_raw_key(top(f), (unsigned char)*s))
			console_key(f->con, (unsigned char)*s);
		console_frame(f->con);
	}
}

static void key(struct fx *f, int k)
{
	if (!view_raw_key(top(f), k))
		console_key(f->con, k);
	console_frame(f->con);
}

static char *screen(struct fx *f)
{
	console_settle(f->con);
	f->con->dirty = true;
	console_settle(f->con);
	return screen_dump();
}

/* The screen line holding needle, or NULL. Returned string is static. */
static const char *line_with(const char *scr, const char *needle)
{
	static char out[1024];
	const char *p = strstr(scr, needle);
	if (!p)
		return NULL;
	const char *b = p;
	while (b > scr && b[-1] != '\n')
		b--;
	size_t n = strcspn(b, "\n");
	if (n >= sizeof out)
		n = sizeof out - 1;
	memcpy(out, b, n);
	out[n] = '\0';
	return out;
}

static void expect(struct fx *f, const char *needle)
{
	char *s = screen(f);
	if (!strstr(s, needle)) {
		fprintf(stderr, "%s", s);
		free(s);
		fail_msg("screen lacks '%s'", needle);
	}
	free(s);
}

static void expect_not(struct fx *f, const char *needle)
{
	char *s = screen(f);
	if (strstr(s, needle)) {
		fprintf(stderr, "%s", s);
		free(s);
		fail_msg("screen shows '%s'", needle);
	}
	free(s);
}

static void test_form(void **state)
{
	(void)state;
	struct fx *f = fx_new(false);
	console_switch(f->con, "routes");
	console_settle(f->con);
	size_t depth = f->con->depth;
	ui_edit_open(f->con, "httproute/shop/storefront", 0);
	assert_int_equal(f->con->depth, depth + 1);
	/* The panel is over the routes table, which stays visible above it. */
	expect(f, "NAMESPACE");
	expect(f, "edit httproute/shop/storefront rule 0 (cart)");
	expect(f, "(no cluster: preview only)");
	char *s = screen(f);
	const char *l = line_with(s, "request  ");
	assert_non_null(l);
	assert_non_null(strstr(l, "10s"));
	assert_non_null(strstr(l, "current"));
	l = line_with(s, "retry.codes");
	assert_non_null(strstr(l, "502,503"));
	free(s);

	/* An invalid duration: the message next to the field; Enter does not proceed. */
	key(f, KEY_CTRL('u'));
	type(f, "1.5s");
	s = screen(f);
	l = line_with(s, "request  ");
	assert_non_null(l);
	if (!strstr(l, "1.5s") || !strstr(l, "x ")) {
		fprintf(stderr, "%s", s);
		fail_msg("no message next to the request field");
	}
	free(s);
	expect(f, "[invalid]");
	key(f, '\r');
	expect(f, "fix the errors first");
	expect_not(f, "dry-run passed");

	/* A valid one: the diff and the merge patch. */
	key(f, KEY_CTRL('u'));
	type(f, "2s");
	expect(f, "[ready]");
	expect(f, "-      request: 10s");
	expect(f, "+      request: 2s");
	expect(f, "merge patch");
	expect(f, "\"request\":\"2s\"");
	s = screen(f);
	l = line_with(s, "request  ");
	assert_non_null(strstr(l, "was 10s"));
	free(s);

	/* Attempts that are not a number: the form's own message. */
	key(f, '\t');
	key(f, '\t');
	key(f, KEY_CTRL('u'));
	type(f, "x");
	expect(f, "not a whole number of attempts");
	key(f, SCREEN_FN(KEY_BACKSPACE));
	type(f, "3");
	expect_not(f, "not a whole number");
	expect(f, "+      attempts: 3");

	/* ^D clears retry.backoff. */
	key(f, '\t');
	key(f, KEY_CTRL('d'));
	expect(f, "(clear)");
	expect(f, "-      backoff: 100ms");

	/* Without a cluster, Enter says so instead of sending anything. */
	key(f, '\r');
	expect(f, "no cluster connection");

	/* Esc back to the form, Esc again cancels: the routes view is back. */
	key(f, 27);
	key(f, 27);
	assert_int_equal(f->con->depth, depth);
	expect(f, "edit cancelled: nothing sent");
	fx_free(f);
}

static void test_refused(void **state)
{
	(void)state;
	struct fx *f = fx_new(true);
	size_t depth = f->con->depth;
	ui_edit_open(f->con, "httproute/shop/storefront", 0);
	assert_int_equal(f->con->depth, depth);
	expect(f, "read-only console (--readonly): editing is disabled");
	ui_edit_open_document(f->con, "httproute/shop/storefront");
	assert_int_equal(f->con->depth, depth);
	ui_history_open(f->con);
	expect(f, "history (read-only)");
	fx_free(f);

	f = fx_new(false);
	depth = f->con->depth;
	ui_edit_open(f->con, "grpcroute/shop/search", 0);
	assert_int_equal(f->con->depth, depth);
	expect(f, "grpcroute: only HTTPRoute rules have timeouts and retry to edit");
	/* A route that is not in the store: an error panel, any key closes it. */
	ui_edit_open(f->con, "httproute/shop/nope", 0);
	assert_int_equal(f->con->depth, depth + 1);
	expect(f, "any key: close");
	key(f, 'x');
	assert_int_equal(f->con->depth, depth);
	fx_free(f);
}

static void test_history(void **state)
{
	(void)state;
	struct fx *f = fx_new(false);
	char err[256];
	struct cache *c = cache_open(f->cache, NULL, err, sizeof err);
	assert_non_null(c);
	struct audit_entry a = {
		.context = "sim", .user = "admin", .route = "httproute/shop/storefront", .rule = 0,
		.before_json = "{\"timeouts\":{\"request\":\"10s\"}}",
		.after_json = "{\"timeouts\":{\"request\":\"20s\"}}",
		.result = AUDIT_APPLIED, .message = "resourceVersion 7",
	};
	assert_true(audit_add(c, &a, err, sizeof err) > 0);
	a.result = AUDIT_CONFLICT;
	a.message = "the object has been modified";
	assert_true(audit_add(c, &a, err, sizeof err) > 0);
	cache_close(c);
	ui_history_open(f->con);
	expect(f, "history");
	expect(f, "#2");
	expect(f, "conflict");
	expect(f, "applied");
	expect(f, "httproute/shop/storefront");
	expect(f, "t=10s -> t=20s");
	expect(f, "u: undo the selected change");
	/* u on the conflict (not applied): refused with a message. */
	key(f, 'u');
	expect(f, "#2 was not applied (conflict): nothing to undo");
	/* u on the applied one: the route (from the store) is no longer what #1 left (20s), so
	 * the undo refuses rather than overwrite the later state. */
	key(f, 'j');
	key(f, 'u');
	expect(f, "undo #1: httproute/shop/storefront rule 0 (cart)");
	expect(f, "changed since change #1");
	expect(f, "any key: close");
	fx_free(f);
}

static void test_editor_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/gt-test-editor-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char script[300], log[300];
	snprintf(script, sizeof script, "%s/ed.sh", dir);
	snprintf(log, sizeof log, "%s/mode", dir);
	FILE *s = fopen(script, "w");
	assert_non_null(s);
	/* The "editor" records the file's and its directory's modes, then edits the file. */
	fprintf(s, "#!/bin/sh\nstat -c %%a \"$1\" \"$(dirname \"$1\")\" > %s\n"
	           "sed -i 's/10s/20s/' \"$1\"\n", log);
	fclose(s);
	chmod(script, 0700);
	char *out = NULL, err[256];
	assert_int_equal(ui_editor_edit_text(script, "request: 10s\n", ".yaml", &out, err, sizeof err), 0);
	assert_string_equal(out, "request: 20s\n");
	free(out);
	FILE *m = fopen(log, "r");
	assert_non_null(m);
	char a[16] = "", b[16] = "";
	assert_int_equal(fscanf(m, "%15s %15s", a, b), 2);
	fclose(m);
	assert_string_equal(a, "600");
	assert_string_equal(b, "700");
	/* A failing editor: an error, nothing read. */
	assert_int_equal(ui_editor_edit_text("false", "x", ".yaml", &out, err, sizeof err), -1);
	assert_null(out);
	assert_non_null(strstr(err, "exited with status 1"));
	unlink(log);
	unlink(script);
	rmdir(dir);
}

/* The console's own key path: e on a routes row, on a topology row that is no route, in
 * the route detail; :history and H. */
static void console_keys(struct fx *f, const char *script)
{
	struct keys_event *ev = NULL;
	char err[128];
	int n = keys_parse_script(script, &ev, err, sizeof err);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		console_key(f->con, ev[i].key);
		console_frame(f->con);
	}
	free(ev);
}

static void test_keys(void **state)
{
	(void)state;
	struct fx *f = fx_new(false);
	console_keys(f, "2/storefront<Enter>e");
	expect(f, "edit httproute/shop/storefront rule 0 (cart)");
	/* Every key goes to the form: 'q' and '2' are typed, not actions. */
	console_keys(f, "<C-u>2q");
	expect(f, "2q_");
	expect(f, "not a valid duration");
	console_keys(f, "<Esc>");
	expect(f, "edit cancelled");
	/* Topology: the GatewayClass row is no route. */
	console_keys(f, "1e");
	expect(f, "e: select a route rule first");
	/* The route detail: its route, the rule under the cursor (or rule 0). */
	console_keys(f, "2/storefront<Enter><Enter>e");
	expect(f, "edit httproute/shop/storefront rule");
	console_keys(f, "<Esc>:history<Enter>");
	expect(f, "no changes recorded yet");
	console_keys(f, "<Esc>H");
	expect(f, "no changes recorded yet");
	console_keys(f, "<Esc>u");
	expect(f, "u reverts a change in the history");
	fx_free(f);
}

/* E without a cluster: the editor runs on the store's copy; an invalid edit says so and
 * Enter edits again (with the text as it was left); a valid one goes on to the dry-run. */
static void test_document(void **state)
{
	(void)state;
	struct fx *f = fx_new(false);
	char script[400];
	snprintf(script, sizeof script, "%s/ed.sh", f->dir);
	FILE *s = fopen(script, "w");
	assert_non_null(s);
	fprintf(s, "#!/bin/sh\nif grep -q 'request: 1.5s' \"$1\"; then sed -i 's/request: 1.5s/request: 3s/' "
	           "\"$1\"; else sed -i 's/request: 10s/request: 1.5s/' \"$1\"; fi\n");
	fclose(s);
	chmod(script, 0700);
	setenv("KUBE_EDITOR", script, 1);
	ui_edit_open_document(f->con, "httproute/shop/storefront");
	expect(f, "edit httproute/shop/storefront (whole route)");
	expect(f, "the edited route is not valid");
	expect(f, "1.5s");
	key(f, '\r');
	expect(f, "+      request: 3s");
	expect(f, "no cluster connection");
	key(f, 27);
	expect(f, "nothing applied");
	/* An editor that changes nothing: nothing sent, no panel left. */
	setenv("KUBE_EDITOR", "true", 1);
	size_t depth = f->con->depth;
	ui_edit_open_document(f->con, "httproute/shop/storefront");
	assert_int_equal(f->con->depth, depth);
	expect(f, "no change, nothing sent");
	unsetenv("KUBE_EDITOR");
	unlink(script);
	fx_free(f);
}

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	setenv("TZ", "UTC", 1);
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	if (access(dir, R_OK) != 0)
		return -1;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_editor_file),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_document),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
