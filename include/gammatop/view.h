/* view.h: a console screen as a table of functions (tmux window_mode, tig view_ops) with
 * designated initialisers, NULL meaning the default: draw the grid, hand navigation keys to
 * the grid, nothing to do on resize. Views live on the console's stack: Enter pushes a
 * drill-down, Esc pops it, and the titles of the stack are the breadcrumbs. */
#ifndef GAMMATOP_VIEW_H
#define GAMMATOP_VIEW_H
#include <stdbool.h>
#include <stdint.h>

#include "gammatop/grid.h"
#include "gammatop/topology.h"

struct console;
struct view;

struct view_ops {
	const char *name; /* "topology", "routes", ... (also the :command that opens it) */
	bool scoped;      /* the :ns scope applies to its rows */
	void (*init)(struct view *v);
	void (*free)(struct view *v);
	/* Draw into the rectangle. Default: the grid. */
	void (*draw)(struct view *v, int y, int x, int h, int w);
	/* An action from keys.h; return true when consumed. Default: grid navigation. */
	bool (*key)(struct view *v, int action);
	/* The console's data moved (store, topology, figures, scope): rebuild the rows. */
	void (*refresh)(struct view *v);
	void (*resize)(struct view *v, int h, int w);
	/* Enter on the selected row. Default: expand or collapse a tree node. */
	void (*open)(struct view *v, struct grid_row *row);
	/* A key (code point or SCREEN_FN(KEY_x)) before keys.h turns it into an action; true
	 * when consumed (the edit form takes every key, the history view `u`). Default: none. */
	bool (*raw_key)(struct view *v, int key);
};

struct view {
	const struct view_ops *ops; /* static */
	struct console *con;        /* borrowed: the console that owns this view */
	struct grid grid;           /* rows (embedded, owned) */
	/* held (topology_ref): the topology the rows were built from. refresh reads this one,
	 * never the console's: rows (lazy rows' data) point into it and nowhere else in the
	 * store, so they stay valid until the view rebuilds or is released. NULL: none. */
	struct gt_topology *topo;
	char *title;  /* owned: breadcrumb text */
	char *arg;    /* owned: what the view shows (route id for the detail), or NULL */
	uint64_t built; /* console data generation the rows were built from (0: never) */
	void *priv;     /* the view's own state, freed by ops->free */
};

/* A new view (calls ops->init). arg is copied (may be NULL). */
struct view *view_new(const struct view_ops *ops, struct console *con, const char *arg);
void view_free(struct view *v);
/* Rebuild when the console's data generation moved since the last build: take a reference
 * to the console's current topology (v->topo), run refresh, then drop the previous one. */
void view_refresh_if_needed(struct view *v);
/* Drop the rows and the topology they point into (memory: the console does it to views
 * under the top when it replaces its topology); the next refresh rebuilds them. */
void view_release(struct view *v);
void view_draw(struct view *v, int y, int x, int h, int w);
bool view_key(struct view *v, int action);
/* v's raw_key (false when it has none or v is NULL). */
bool view_raw_key(struct view *v, int key);
void view_resize(struct view *v, int h, int w);

/* A view the console opens by name (":history", `e`, `?`, Tab, the first screen). The
 * console knows no view: whoever makes it hands it a table of these (console_opts.views;
 * ui_views below is the ui layer's), and console_open() looks the name up. */
struct view_entry {
	const char *name;           /* what opens it: console_open(c, name) */
	const struct view_ops *ops; /* the view pushed over the stack when open is NULL */
	bool top;                   /* a top-level view: it replaces the stack, Tab cycles through
	                             * these in table order, the first one is the first screen */
	/* Open it from the top view `from` when pushing ops is not all (NULL: push ops). */
	void (*open)(struct console *c, struct view *from);
};

/* Every view of the ui layer, top-level ones first (views.c). */
extern const struct view_entry ui_views[];
extern const size_t ui_views_n;

/* The views (one file each). */
extern const struct view_ops view_topology_ops;
extern const struct view_ops view_routes_ops;
extern const struct view_ops view_route_ops;    /* arg: "httproute/NS/NAME" */
extern const struct view_ops view_findings_ops;
extern const struct view_ops view_help_ops;
extern const struct view_ops view_paths_ops;    /* arg: a route, "service/NS/NAME", or NULL */

#endif
