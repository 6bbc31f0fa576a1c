/* views.c: the ui layer's table of views the console opens by name (view.h: struct
 * view_entry). The app hands it to the console (console_opts.views), so console.c itself
 * knows no view and no view's header. */
#include "config.h"

#include <stddef.h>

#include "gammatop/ui_edit.h"
#include "gammatop/view.h"

static void open_history(struct console *c, struct view *from)
{
	(void)from;
	ui_history_open(c);
}

static void open_edit(struct console *c, struct view *from)
{
	ui_edit_action(c, from, false);
}

static void open_edit_yaml(struct console *c, struct view *from)
{
	ui_edit_action(c, from, true);
}

const struct view_entry ui_views[] = {
	{.name = "topology", .ops = &view_topology_ops, .top = true},
	{.name = "routes", .ops = &view_routes_ops, .top = true},
	{.name = "findings", .ops = &view_findings_ops, .top = true},
	{.name = "help", .ops = &view_help_ops},
	{.name = "history", .open = open_history},
	{.name = "edit", .open = open_edit},
	{.name = "edit-yaml", .open = open_edit_yaml},
	{.name = "paths", .ops = &view_paths_ops}, /* :paths [ROUTE] (console_at.c) and P */
};
const size_t ui_views_n = sizeof ui_views / sizeof ui_views[0];
