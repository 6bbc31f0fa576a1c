/* view.c: view lifecycle and the defaults behind NULL entries of a view's ops (see view.h). */
#include "config.h"

#include <stdlib.h>

#include "gammatop/console.h"
#include "gammatop/keys.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

struct view *view_new(const struct view_ops *ops, struct console *con, const char *arg)
{
	struct view *v = xcalloc(1, sizeof *v);
	v->ops = ops;
	v->con = con;
	v->arg = xstrdup_null(arg);
	v->title = xstrdup(ops->name);
	if (ops->init)
		ops->init(v);
	return v;
}

void view_free(struct view *v)
{
	if (!v)
		return;
	if (v->ops->free)
		v->ops->free(v);
	grid_done(&v->grid); /* the rows first: they may point into the topology */
	topology_free(v->topo);
	free(v->title);
	free(v->arg);
	free(v);
}

void view_refresh_if_needed(struct view *v)
{
	if (v->built == v->con->data_gen)
		return;
	v->built = v->con->data_gen;
	struct gt_topology *old = v->topo;
	v->topo = topology_ref(v->con->topo);
	if (old != v->topo && v->grid.fill)
		grid_clear(&v->grid); /* lazy rows point into old: gone before it may be */
	if (v->ops->refresh)
		v->ops->refresh(v); /* starts with grid_clear: nothing points into old after it */
	topology_free(old);
	if (v->ops->scoped)
		grid_set_scope(&v->grid, v->con->scope); /* also finishes the grid */
	else
		grid_finish(&v->grid);
}

void view_release(struct view *v)
{
	grid_clear(&v->grid); /* keeps the cursor's key, the filter and what is collapsed */
	topology_free(v->topo);
	v->topo = NULL;
	v->built = 0;
}

void view_draw(struct view *v, int y, int x, int h, int w)
{
	view_refresh_if_needed(v);
	if (v->ops->draw)
		v->ops->draw(v, y, x, h, w);
	else
		grid_draw(&v->grid, y, x, h, w);
}

bool view_key(struct view *v, int action)
{
	if (v->ops->key && v->ops->key(v, action))
		return true;
	if (action == ACT_OPEN) {
		struct grid_row *r = grid_current(&v->grid);
		if (!r)
			return true;
		if (v->ops->open)
			v->ops->open(v, r);
		else if (r->has_children)
			grid_action(&v->grid, r->expanded ? ACT_COLLAPSE : ACT_EXPAND);
		return true;
	}
	return grid_action(&v->grid, action);
}

void view_resize(struct view *v, int h, int w)
{
	if (v->ops->resize)
		v->ops->resize(v, h, w);
}

bool view_raw_key(struct view *v, int key)
{
	return v && v->ops->raw_key && v->ops->raw_key(v, key);
}
