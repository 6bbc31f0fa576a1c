/* test_views.c: the console's building blocks on a headless screen: the grid (tree prefixes,
 * collapse, filter keeping ancestors and descendants, inverted filter, namespace scope, sort
 * with unknown figures last, cursor kept across rebuilds, drawing only what fits), safe text
 * (escape sequences from the cluster shown as harmless text, ellipsis), key tables and the key
 * script reader, figure formatting and colour depth detection. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>

#include "gammatop/figfmt.h"
#include "gammatop/grid.h"
#include "gammatop/keys.h"
#include "gammatop/screen.h"
#include "gammatop/theme.h"

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	struct theme t;
	theme_load_default(&t);
	struct screen_opts o = {.headless_rows = 10, .headless_cols = 40};
	char err[128];
	return screen_open(&o, &t, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	screen_close();
	return 0;
}

/* Line y of the screen (0-based). */
static char *line(int y)
{
	static char out[512];
	char *all = screen_dump();
	char *p = all;
	for (int i = 0; i < y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	out[0] = '\0';
	if (p) {
		size_t n = strcspn(p, "\n");
		if (n >= sizeof out)
			n = sizeof out - 1;
		memcpy(out, p, n);
		out[n] = '\0';
	}
	free(all);
	return out;
}

static const struct grid_col tree_cols[] = {{.title = "NAME", .min = 10}};

/* a ─ b ─ c, a ─ d; e ─ f */
static void build_tree(struct grid *g)
{
	static const struct {
		int depth;
		const char *key, *text, *ns;
	} rows[] = {
		{0, "a", "alpha", NULL}, {1, "b", "bravo", "x"}, {2, "c", "charlie", "x"},
		{1, "d", "delta", "y"}, {0, "e", "echo", NULL}, {1, "f", "foxtrot", "y"},
	};
	grid_clear(g);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct grid_row *r = grid_add(g, rows[i].depth, rows[i].key);
		grid_set(r, 0, THEME_NORMAL, rows[i].text);
		if (rows[i].ns)
			r->ns = strdup(rows[i].ns);
	}
	grid_finish(g);
}

static void test_tree(void **state)
{
	(void)state;
	struct grid g;
	grid_init(&g, tree_cols, 1, true);
	build_tree(&g);
	assert_int_equal(g.n_vis, 6);
	screen_begin();
	grid_draw(&g, 0, 0, 10, 40);
	screen_end();
	/* One column: no title line. */
	assert_string_equal(line(0), "\xe2\x96\xbe alpha");
	assert_string_equal(line(1), "\xe2\x94\x9c\xe2\x94\x80 \xe2\x96\xbe bravo");
	assert_string_equal(line(2), "\xe2\x94\x82  \xe2\x94\x94\xe2\x94\x80   charlie");
	assert_string_equal(line(3), "\xe2\x94\x94\xe2\x94\x80   delta");
	assert_string_equal(line(4), "\xe2\x96\xbe echo");
	assert_string_equal(line(5), "\xe2\x94\x94\xe2\x94\x80   foxtrot");
	/* Collapse bravo: charlie hides; the cursor stays on bravo across a rebuild. */
	grid_action(&g, ACT_DOWN);
	assert_string_equal(grid_current(&g)->key, "b");
	grid_action(&g, ACT_COLLAPSE);
	assert_int_equal(g.n_vis, 5);
	build_tree(&g);
	assert_int_equal(g.n_vis, 5);
	assert_string_equal(grid_current(&g)->key, "b");
	grid_action(&g, ACT_EXPAND);
	assert_int_equal(g.n_vis, 6);
	/* Collapse on a leaf goes to its parent. */
	grid_action(&g, ACT_DOWN);
	assert_string_equal(grid_current(&g)->key, "c");
	grid_action(&g, ACT_COLLAPSE);
	assert_string_equal(grid_current(&g)->key, "b");
	/* Toggle all collapses every inner node below the top level, then expands again. */
	grid_action(&g, ACT_TOGGLE_ALL);
	assert_int_equal(g.n_vis, 5);
	grid_action(&g, ACT_TOGGLE_ALL);
	assert_int_equal(g.n_vis, 6);
	/* Filter: a hit keeps its ancestors and descendants. */
	char err[128];
	assert_int_equal(grid_set_filter(&g, "CHAR", err, sizeof err), 0);
	assert_int_equal(g.n_vis, 3); /* alpha, bravo, charlie */
	assert_int_equal(grid_set_filter(&g, "bravo", err, sizeof err), 0);
	assert_int_equal(g.n_vis, 3); /* alpha, bravo and its child charlie */
	assert_int_equal(grid_set_filter(&g, "!a", err, sizeof err), 0); /* no 'a': echo, foxtrot */
	assert_int_equal(g.n_vis, 2);
	assert_int_equal(grid_set_filter(&g, "(", err, sizeof err), -1);
	assert_true(strstr(err, "bad filter '('") != NULL);
	assert_int_equal(g.n_vis, 2); /* the old filter stays */
	assert_int_equal(grid_set_filter(&g, "", err, sizeof err), 0);
	assert_int_equal(g.n_vis, 6);
	/* Scope: rows of namespace y and their ancestors. */
	grid_set_scope(&g, "y");
	assert_int_equal(g.n_vis, 4); /* alpha, delta, echo, foxtrot */
	grid_set_scope(&g, NULL);
	assert_true(grid_select_target(&g, "nothing", -1) == false);
	grid_done(&g);
}

/* Lazy rows: cells made by the fill callback, once, only for rows drawn, filtered, sorted
 * or under the cursor. */
static int fills;

static void fill_name(struct grid_row *r, const void *data, int kind, void *ud)
{
	(void)ud;
	fills++;
	assert_int_equal(kind, 7);
	grid_set(r, 0, THEME_NORMAL, data);
}

static void test_lazy(void **state)
{
	(void)state;
	static const char *const names[] = {"zulu", "yankee", "xray", "whiskey", "victor"};
	struct grid g;
	grid_init(&g, tree_cols, 1, false);
	g.fill = fill_name;
	/* Pooled rows (key, cells, ns, target in the grid's pool), rebuilt: the pool is reused. */
	for (int round = 0; round < 3; round++) {
		grid_clear(&g);
		fills = 0;
		for (size_t i = 0; i < 5; i++) {
			char key[8];
			snprintf(key, sizeof key, "k%zu", i);
			struct grid_row *r = grid_add_pooled(&g, 0, key);
			r->data = names[i];
			r->data_kind = 7;
			r->ns = grid_pool_str(&g, i % 2 ? "odd" : "even");
			r->target = grid_pool_str(&g, names[i]);
		}
		grid_finish(&g);
		assert_string_equal(g.rows[3].key, "k3");
		assert_string_equal(g.rows[3].ns, "odd");
		assert_string_equal(g.rows[4].target, "victor");
	}
	assert_null(grid_pool_str(&g, NULL));
	assert_int_equal(fills, 0);
	screen_begin();
	grid_draw(&g, 0, 0, 2, 40); /* two rows fit */
	screen_end();
	assert_int_equal(fills, 2);
	assert_string_equal(line(0), "zulu");
	assert_string_equal(line(1), "yankee");
	assert_null(g.rows[2].cells[0].text);
	assert_string_equal(grid_current(&g)->cells[0].text, "zulu");
	assert_int_equal(fills, 2); /* made once */
	char err[64];
	assert_int_equal(grid_set_filter(&g, "^x", err, sizeof err), 0); /* needs every text */
	assert_int_equal(fills, 5);
	assert_int_equal(g.n_vis, 1);
	assert_string_equal(grid_current(&g)->cells[0].text, "xray");
	grid_done(&g);
	/* Sorting makes the texts it compares. */
	grid_init(&g, tree_cols, 1, false);
	g.fill = fill_name;
	fills = 0;
	for (size_t i = 0; i < 5; i++) {
		char key[8];
		snprintf(key, sizeof key, "k%zu", i);
		struct grid_row *r = grid_add(&g, 0, key);
		r->data = names[i];
		r->data_kind = 7;
	}
	grid_sort(&g, 0, false);
	assert_int_equal(fills, 5);
	assert_string_equal(g.rows[g.vis[0]].cells[0].text, "victor");
	grid_done(&g);
}

/* Collapse all and expand all (`*`) on a large tree: every inner node below the top level
 * folds, one collapsed by hand that is not in the rows now stays collapsed, a top-level
 * node collapsed by hand stays so, the collapsed keys stay a sorted set (lookups work), and
 * expand all shows every row again. (How long it takes: tests/bench/bench_grid.) */
static void build_big(struct grid *g, bool with_x)
{
	grid_clear(g);
	char key[64];
	for (int c = 0; c < 3; c++) {
		snprintf(key, sizeof key, "c%d", c);
		grid_add(g, 0, key);
		for (int r = 0; r < 400; r++) {
			snprintf(key, sizeof key, "c%d/r%03d", c, r); /* inner: 2 children */
			grid_add_pooled(g, 1, key);
			for (int k = 0; k < 2; k++) {
				snprintf(key, sizeof key, "c%d/r%03d/k%d", c, r, k);
				grid_add_pooled(g, 2, key);
			}
		}
	}
	if (with_x) {
		grid_add(g, 0, "x");
		grid_add(g, 1, "x/inner");
		grid_add(g, 2, "x/inner/leaf");
	}
	grid_finish(g);
}

static void test_toggle_all(void **state)
{
	(void)state;
	struct grid g;
	grid_init(&g, tree_cols, 1, true);
	build_big(&g, true);
	const size_t all = 3 * (1 + 400 * 3) + 3;
	assert_int_equal(g.n_vis, all);
	/* By hand: x/inner (gone at the next rebuild) and the top-level c2. */
	assert_true(grid_select_target(&g, "nothing", -1) == false);
	g.cursor = g.n_vis - 2; /* x/inner */
	assert_string_equal(grid_current(&g)->key, "x/inner");
	grid_action(&g, ACT_COLLAPSE);
	build_big(&g, false);
	g.cursor = 2 * (1 + 400 * 3); /* c2 */
	assert_string_equal(grid_current(&g)->key, "c2");
	grid_action(&g, ACT_COLLAPSE);
	assert_int_equal(g.n_vis, 2 * (1 + 400 * 3) + 1);
	/* Collapse all: c0 and c1 show their 400 folded children each; c2 stays shut. */
	grid_action(&g, ACT_TOGGLE_ALL);
	assert_int_equal(g.n_vis, 2 * (1 + 400) + 1);
	assert_int_equal(g.n_collapsed, 3 * 400 + 2);
	for (size_t i = 1; i < g.n_collapsed; i++)
		assert_true(strcmp(g.collapsed[i - 1], g.collapsed[i]) < 0);
	for (size_t i = 0; i < g.n; i++)
		assert_int_equal(g.rows[i].expanded,
		                 !(g.rows[i].has_children && (g.rows[i].depth > 0 || i == 2 * 1201)));
	/* A rebuild keeps it folded; one node opened by hand is found in the set. */
	build_big(&g, false);
	assert_int_equal(g.n_vis, 2 * (1 + 400) + 1);
	g.cursor = 5; /* c0/r004 */
	assert_string_equal(grid_current(&g)->key, "c0/r004");
	grid_action(&g, ACT_EXPAND);
	assert_int_equal(g.n_vis, 2 * (1 + 400) + 1 + 2);
	/* Some inner node is expanded: `*` collapses all again, then expands all. */
	grid_action(&g, ACT_TOGGLE_ALL);
	assert_int_equal(g.n_vis, 2 * (1 + 400) + 1);
	grid_action(&g, ACT_TOGGLE_ALL);
	assert_int_equal(g.n_vis, 2 * (1 + 400 * 3) + 1); /* c2 was shut by hand: still is */
	assert_int_equal(g.n_collapsed, 2);              /* c2, and x/inner from before */
	assert_string_equal(g.collapsed[0], "c2");
	assert_string_equal(g.collapsed[1], "x/inner");
	build_big(&g, true);
	assert_int_equal(g.n_vis, 2 * (1 + 400 * 3) + 1 + 2); /* x back, x/inner still folded */
	grid_done(&g);
}

static const struct grid_col table_cols[] = {
	{.title = "NAME", .width = 8},
	{.title = "RATE", .width = 6, .right = true, .numeric = true},
	{.title = "NOTE", .min = 4},
};

static void test_table(void **state)
{
	(void)state;
	struct grid g;
	grid_init(&g, table_cols, 3, false);
	static const struct {
		const char *name;
		double rate;
	} rows[] = {{"b", 0.5}, {"a", NAN}, {"c", 2}, {"d", 0.1}};
	for (size_t i = 0; i < 4; i++) {
		char key[8];
		snprintf(key, sizeof key, "k%zu", i);
		struct grid_row *r = grid_add(&g, 0, key);
		grid_set(r, 0, THEME_NORMAL, rows[i].name);
		grid_setf(r, 1, THEME_NORMAL, "%g", rows[i].rate);
		grid_set_num(r, 1, rows[i].rate);
		grid_set(r, 2, THEME_NORMAL, "evil\x1b]0;owned\x07 and a long note that is cut");
		r->target = strdup(rows[i].name);
	}
	grid_sort(&g, 1, true);
	const char *order_desc[] = {"c", "b", "d", "a"}; /* unknown (NAN) last */
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(g.rows[g.vis[i]].cells[0].text, order_desc[i]);
	grid_sort(&g, 1, false);
	const char *order_asc[] = {"d", "b", "c", "a"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(g.rows[g.vis[i]].cells[0].text, order_asc[i]);
	grid_action(&g, ACT_SORT_NEXT); /* column 2, text */
	assert_int_equal(g.sort_col, 2);
	grid_action(&g, ACT_SORT_NEXT); /* wraps to column 0 */
	grid_action(&g, ACT_SORT_REVERSE);
	assert_string_equal(g.rows[g.vis[0]].cells[0].text, "d");
	assert_true(grid_select_target(&g, "b", -1));
	assert_string_equal(grid_current(&g)->cells[0].text, "b");
	screen_begin();
	grid_draw(&g, 0, 0, 3, 30); /* titles and two rows fit */
	screen_end();
	assert_string_equal(line(0), "NAME\xe2\x96\xbc      RATE NOTE");
	assert_string_equal(line(1), "c             2 evil?]0;owned\xe2\x80\xa6");
	assert_string_equal(line(2), "b           0.5 evil?]0;owned\xe2\x80\xa6");
	assert_int_equal(g.page, 2);
	grid_action(&g, ACT_PAGE_DOWN);
	grid_action(&g, ACT_BOTTOM);
	assert_int_equal(g.cursor, 3);
	grid_action(&g, ACT_TOP);
	assert_int_equal(g.cursor, 0);
	/* Too narrow for the flexible column: it is dropped, never drawn over the edge. */
	screen_begin();
	grid_draw(&g, 0, 0, 2, 12);
	screen_end();
	assert_string_equal(line(1), "d");
	grid_done(&g);
}

static void test_safe_text(void **state)
{
	(void)state;
	screen_begin();
	int w = screen_put(0, 0, 10, THEME_NORMAL, 0, "a\x1b[2J\x9b" "31mb");
	screen_put(1, 0, 6, THEME_NORMAL, 0, "abcdefghij");
	screen_put_right(2, 0, 6, THEME_NORMAL, 0, "ab");
	screen_put(3, 38, 10, THEME_NORMAL, 0, "xyz"); /* cut at the right edge */
	screen_put(-1, 0, 10, THEME_NORMAL, 0, "off screen");
	screen_put(99, 0, 10, THEME_NORMAL, 0, "off screen");
	screen_end();
	assert_string_equal(line(0), "a?[2J?31mb");
	assert_int_equal(w, 10);
	assert_string_equal(line(1), "abcde\xe2\x80\xa6");
	assert_string_equal(line(2), "    ab");
	assert_string_equal(line(3), "                                      x\xe2\x80\xa6");
	assert_string_equal(screen_glyph(GLYPH_LAST), "\xe2\x94\x94\xe2\x94\x80 ");
}

static void test_keys(void **state)
{
	(void)state;
	assert_int_equal(keys_action('j'), ACT_DOWN);
	assert_int_equal(keys_action(SCREEN_FN(KEY_DOWN)), ACT_DOWN);
	assert_int_equal(keys_action('?'), ACT_HELP);
	assert_int_equal(keys_action('Z'), -1);
	char b[64];
	assert_string_equal(keys_names(ACT_DOWN, b, sizeof b), "j/Down");
	assert_string_equal(keys_names(ACT_OPEN, b, sizeof b), "Enter");
	assert_string_equal(keys_first_name(ACT_FILTER), "/");
	/* Every action has a key and a description. */
	for (int a = 0; a < ACT_COUNT; a++) {
		assert_true(keys_first_name((enum ui_action)a)[0] != '\0');
		assert_true(keys_action_doc((enum ui_action)a)[0] != '\0');
	}
	struct keys_event *ev;
	char err[128];
	int n = keys_parse_script("j<Enter><C-r><Resize:20x6>/\xc3\xa9<lt>", &ev, err, sizeof err);
	assert_int_equal(n, 7);
	assert_int_equal(ev[0].key, 'j');
	assert_int_equal(ev[1].key, '\r');
	assert_int_equal(ev[2].key, KEY_CTRL('r'));
	assert_int_equal(ev[3].key, -1);
	assert_int_equal(ev[3].cols, 20);
	assert_int_equal(ev[3].rows, 6);
	assert_int_equal(ev[4].key, '/');
	assert_int_equal(ev[5].key, 0xe9);
	assert_int_equal(ev[6].key, '<');
	free(ev);
	assert_int_equal(keys_parse_script("<Nope>", &ev, err, sizeof err), -1);
	assert_string_equal(err, "key script: unknown key <Nope>");
	n = keys_parse_script("<unterminated", &ev, err, sizeof err); /* a plain '<' then text */
	assert_int_equal(n, 13);
	free(ev);
}

static void test_figfmt(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(figfmt_percent(NAN, b, sizeof b), "-");
	assert_string_equal(figfmt_percent(0.0123, b, sizeof b), "1.2%");
	assert_string_equal(figfmt_percent(0.0001, b, sizeof b), "<0.1%");
	assert_string_equal(figfmt_percent(0, b, sizeof b), "0.0%");
	assert_string_equal(figfmt_rate(1234, b, sizeof b), "1.2k");
	assert_string_equal(figfmt_rate(12.34, b, sizeof b), "12.3");
	assert_string_equal(figfmt_ms(1520, b, sizeof b), "1.52s");
	assert_string_equal(figfmt_ms(87.2, b, sizeof b), "87ms");
	assert_int_equal(figfmt_timeout_elem(0.06), THEME_ERROR);
	assert_int_equal(figfmt_timeout_elem(0.02), THEME_WARN);
	assert_int_equal(figfmt_timeout_elem(0.0), THEME_OK);
	assert_int_equal(figfmt_timeout_elem(NAN), THEME_DIM);
	assert_int_equal(figfmt_success_elem(0.9), THEME_ERROR);
	double v[5] = {0, 1, NAN, 4, 8};
	assert_string_equal(figfmt_spark(v, 5, true, b, sizeof b), ".: +@");
	assert_string_equal(figfmt_spark(v, 5, false, b, sizeof b),
	                    "\xe2\x96\x81\xe2\x96\x82 \xe2\x96\x85\xe2\x96\x88");
	char small[4];
	figfmt_spark(v, 5, false, small, sizeof small); /* never overflows, whole glyphs only */
	assert_string_equal(small, "\xe2\x96\x81");
}

static void test_depth(void **state)
{
	(void)state;
	assert_int_equal(screen_detect_depth(true, NULL, "truecolor", 256), DEPTH_NONE);
	assert_int_equal(screen_detect_depth(false, "1", NULL, 256), DEPTH_NONE);
	assert_int_equal(screen_detect_depth(false, "", NULL, 256), DEPTH_256); /* empty: ignored */
	assert_int_equal(screen_detect_depth(false, NULL, "truecolor", 0x1000000), DEPTH_TRUE);
	assert_int_equal(screen_detect_depth(false, NULL, "24bit", 0x1000000), DEPTH_TRUE);
	assert_int_equal(screen_detect_depth(false, NULL, "truecolor", 256), DEPTH_256);
	assert_int_equal(screen_detect_depth(false, NULL, NULL, 16), DEPTH_16);
	assert_int_equal(screen_detect_depth(false, NULL, NULL, 8), DEPTH_8);
	assert_int_equal(screen_detect_depth(false, NULL, NULL, 2), DEPTH_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),  cmocka_unit_test(test_table), cmocka_unit_test(test_lazy),
		cmocka_unit_test(test_toggle_all),
		cmocka_unit_test(test_safe_text), cmocka_unit_test(test_keys),
		cmocka_unit_test(test_figfmt), cmocka_unit_test(test_depth),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
