/* grid.h: the one table/tree widget every console list uses (topology tree, routes, route
 * detail, findings, help): rows with cells, an optional tree (depth per row, collapse and
 * expand, box-drawing prefixes), sorting by any column, a regex filter (! inverts) and a
 * namespace scope that keep the ancestors and descendants of matching rows, a cursor that
 * survives rebuilds (rows have stable keys), and drawing of the visible rows only.
 * Embedded: grid_init/grid_done. (Batch output uses table.h instead.) */
#ifndef GAMMATOP_GRID_H
#define GAMMATOP_GRID_H
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/theme.h"

struct grid_col {
	const char *title;
	int width;    /* > 0: fixed columns; 0: flexible, shares what is left */
	int min;      /* flexible columns: at least this (else the column is dropped) */
	bool right;   /* right-aligned (figures) */
	bool numeric; /* sort by the cells' num */
	int drop;     /* when the width is short: higher values are dropped first (0: last) */
};

struct grid_chunk;

struct grid_cell {
	char *text;           /* owned; untrusted text is fine (sanitised when drawn) */
	enum theme_elem elem; /* style */
	double num;           /* for sorting numeric columns; NAN sorts last */
};

struct grid_row {
	struct grid_cell *cells; /* owned, one per column */
	char *key;    /* owned: stable identity (cursor and collapse survive rebuilds) */
	char *target; /* owned: what the row stands for ("httproute/ns/name"), or NULL */
	char *ns;     /* owned: namespace for the scope, or NULL (shown through its children) */
	int rule;     /* rule index for rule rows, else -1 */
	/* Lazy rows: cells empty until the grid's fill callback makes them from data. */
	const void *data; /* for the fill callback, into what the owner holds (see fill); NULL:
	                   * no (more) cells to make */
	int data_kind;    /* the view's tag for data */
	bool pooled;      /* grid_add_pooled: key, cells, ns and target live in the grid's pool */
	int depth;
	bool span;    /* cell 0 takes the whole width */
	/* computed by grid_finish: */
	bool expanded, has_children, last;
	uint32_t pipes; /* bit d: the ancestor at depth d has siblings below (draw a pipe) */
	size_t parent;  /* index of the parent row, (size_t)-1 at depth 0 */
};

struct grid {
	const struct grid_col *cols; /* borrowed (static) */
	size_t n_cols;
	bool tree, titles;
	struct grid_row *rows; /* owned */
	size_t n, cap;
	size_t *vis; /* owned: visible rows in display order */
	size_t n_vis;
	size_t cursor, top; /* positions in vis */
	int sort_col;       /* -1: insertion order */
	bool sort_desc;
	bool has_re, invert;
	regex_t re;
	char *filter;       /* owned: the filter as typed, or NULL */
	char *scope;        /* owned: namespace scope, or NULL for all */
	char *cursor_key;   /* owned: key of the cursor row kept across a rebuild */
	char **collapsed;   /* owned, sorted: keys of collapsed rows */
	size_t n_collapsed;
	int page;           /* rows shown by the last draw (for PgUp/PgDn) */
	bool moved;         /* the user moved the cursor (else it stays on the first row) */
	int drawn_y;        /* screen line of the first row in the last draw */
	/* Set the cells of a row added with data (grid_set...), when the grid first needs them:
	 * to draw it, filter or sort, possibly many event-loop turns after the row was added.
	 * So data must point into something the grid's owner holds for as long as the rows
	 * exist, never into the store: a view's rows point into the topology the view holds
	 * (view.h, v->topo), which holds the objects (doc/architecture.md, "Object lifetimes"). */
	void (*fill)(struct grid_row *r, const void *data, int data_kind, void *ud);
	void *fill_ud;
	struct grid_chunk *pool; /* owned: memory of pooled rows, reused after grid_clear */
};

void grid_init(struct grid *g, const struct grid_col *cols, size_t n_cols, bool tree);
void grid_done(struct grid *g);
/* Drop every row (remembering the cursor row's key) before rebuilding. */
void grid_clear(struct grid *g);
/* Append a row; cells start empty. key must be unique within the grid. */
struct grid_row *grid_add(struct grid *g, int depth, const char *key);
/* The same, for the many rows of a large tree: key and cells go to the grid's pool (no
 * allocation per row); set the row's ns and target with grid_pool_str, not xstrdup. */
struct grid_row *grid_add_pooled(struct grid *g, int depth, const char *key);
/* A copy of s (NULL gives NULL) in the grid's pool, valid until the next grid_clear. */
char *grid_pool_str(struct grid *g, const char *s);
/* Set a cell (text copied). */
void grid_set(struct grid_row *r, size_t col, enum theme_elem e, const char *text);
void grid_setf(struct grid_row *r, size_t col, enum theme_elem e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void grid_set_num(struct grid_row *r, size_t col, double num);
/* The cells of r made (fill callback) if it is a lazy row not made yet. */
void grid_fill_row(struct grid *g, struct grid_row *r);
/* Work out the tree, filter, scope, sort and the cursor after adding rows (or after any
 * change of filter, scope, sort or collapse). */
void grid_finish(struct grid *g);

/* Set the filter (NULL or "" clears). Returns 0, or -1 with err set for a bad regex (the old
 * filter stays). */
int grid_set_filter(struct grid *g, const char *expr, char *err, size_t errlen);
void grid_set_scope(struct grid *g, const char *ns);
void grid_sort(struct grid *g, int col, bool desc);

/* The row under the cursor, or NULL when nothing is visible. */
struct grid_row *grid_current(struct grid *g);
/* Put the cursor on the first row whose target is target (and rule, when >= 0), expanding
 * its ancestors; false when there is none. */
bool grid_select_target(struct grid *g, const char *target, int rule);
/* Handle a navigation action (keys.h); true when consumed. */
bool grid_action(struct grid *g, int action);

/* A click on screen line y: put the cursor on the row drawn there; false when none is. */
bool grid_click(struct grid *g, int y);
/* Draw the visible part in the rectangle (titles on the first line when enabled). */
void grid_draw(struct grid *g, int y, int x, int h, int w);

#endif
