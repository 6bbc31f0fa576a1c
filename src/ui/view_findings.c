/* view_findings.c: the lint findings (topology, references, status, policy) as a sortable
 * table; Enter jumps to the object: a route opens its detail, anything else is selected in
 * the topology tree. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/console.h"
#include "gammatop/str.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

enum { C_SEV, C_CODE, C_OBJECT, C_FIELD, C_MESSAGE, NCOLS };

static const struct grid_col cols[NCOLS] = {
	{.title = "SEVERITY", .width = 8, .numeric = true},
	{.title = "CODE", .width = 26, .drop = 3},
	{.title = "OBJECT", .min = 16, .drop = 1},
	{.title = "FIELD", .min = 10, .drop = 4},
	{.title = "MESSAGE", .min = 20, .drop = 2},
};

static void init(struct view *v) { grid_init(&v->grid, cols, NCOLS, false); }

/* "httproute/ns/name" -> "ns" (NULL for cluster-scoped ids). */
static char *id_ns(const char *id)
{
	size_t n;
	char **p = str_split(id, '/', &n);
	char *ns = n == 3 ? xstrdup(p[1]) : NULL;
	str_list_free(p);
	return ns;
}

static void refresh(struct view *v)
{
	grid_clear(&v->grid);
	const struct findings *fs = console_findings(v->con);
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->items[i];
		char key[64];
		snprintf(key, sizeof key, "f%zu:%s", i, f->code);
		struct grid_row *r = grid_add(&v->grid, 0, key);
		enum theme_elem e = f->severity == SEV_ERROR ? THEME_ERROR
		                    : f->severity == SEV_WARNING ? THEME_WARN : THEME_DIM;
		grid_set(r, C_SEV, e, severity_name(f->severity));
		grid_set_num(r, C_SEV, (double)(SEV_INFO - f->severity));
		grid_set(r, C_CODE, e, f->code);
		grid_set(r, C_OBJECT, THEME_NORMAL, f->object);
		grid_set(r, C_FIELD, THEME_DIM, f->field);
		grid_set(r, C_MESSAGE, THEME_NORMAL, f->message);
		r->target = xstrdup(f->object);
		r->ns = id_ns(f->object);
	}
	if (!fs->n) {
		struct grid_row *r = grid_add(&v->grid, 0, "none");
		grid_set(r, C_MESSAGE, THEME_OK, "no findings");
	}
}

static void open_row(struct view *v, struct grid_row *r)
{
	if (!r->target)
		return;
	if (str_starts(r->target, "httproute/") || str_starts(r->target, "grpcroute/")) {
		console_push(v->con, view_new(&view_route_ops, v->con, r->target));
		return;
	}
	char *target = xstrdup(r->target);
	struct console *con = v->con;
	console_switch(con, "topology"); /* frees v */
	struct view *top = con->stack[con->depth - 1];
	view_refresh_if_needed(top);
	if (!grid_select_target(&top->grid, target, -1))
		console_message(con, true, "%s is not in the topology tree", target);
	free(target);
}

const struct view_ops view_findings_ops = {
	.name = "findings",
	.scoped = true,
	.init = init,
	.refresh = refresh,
	.open = open_row,
};
