/* view_help.c: every key and command, generated from the same tables the key handling uses
 * (UI_ACTIONS and UI_BINDINGS in keys.h), and the theme elements; filterable like any list. */
#include "config.h"

#include <stdio.h>

#include "gammatop/console.h"
#include "gammatop/keys.h"
#include "gammatop/screen.h"
#include "gammatop/view.h"

enum { C_KEYS, C_WHAT, NCOLS };

static const struct grid_col cols[NCOLS] = {
	{.title = "KEYS", .width = 22},
	{.title = "ACTION", .min = 20},
};

static const char *const commands[][2] = {
	{":topology  :topo", "the topology tree"},
	{":routes", "every route rule with its figures"},
	{":findings", "the lint findings"},
	{":ns NAME  :ns all", "limit every view to a namespace, or show all"},
	{":ctx NAME", "switch kubeconfig context (cluster sources)"},
	{":paths [ROUTE]", "call chains: timeouts, retries, amplification per hop"},
	{":at TIME  :at now", "the past from the change journal (RFC 3339 or -30m), read-only"},
	{":help", "this help"},
	{":q", "quit"},
	{"mouse", "with --mouse or GAMMATOP_MOUSE=1: click selects, double-click opens, wheel scrolls"},
};

static void init(struct view *v) { grid_init(&v->grid, cols, NCOLS, false); }

static void refresh(struct view *v)
{
	grid_clear(&v->grid);
	char key[32], names[64];
	for (int a = 0; a < ACT_COUNT; a++) {
		snprintf(key, sizeof key, "a%d", a);
		struct grid_row *r = grid_add(&v->grid, 0, key);
		grid_set(r, C_KEYS, THEME_HELP_KEY, keys_names((enum ui_action)a, names, sizeof names));
		grid_set(r, C_WHAT, THEME_NORMAL, keys_action_doc((enum ui_action)a));
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		snprintf(key, sizeof key, "c%zu", i);
		struct grid_row *r = grid_add(&v->grid, 0, key);
		grid_set(r, C_KEYS, THEME_HELP_KEY, commands[i][0]);
		grid_set(r, C_WHAT, THEME_NORMAL, commands[i][1]);
	}
	struct grid_row *r = grid_add(&v->grid, 0, "depth");
	grid_set(r, C_KEYS, THEME_DIM, "colours");
	grid_setf(r, C_WHAT, THEME_DIM, "%s (themes: --theme NAME|FILE; NO_COLOR, --no-color)",
	          color_depth_name(screen_depth()));
}

const struct view_ops view_help_ops = {
	.name = "help",
	.init = init,
	.refresh = refresh,
};
