/* pathsout.h: the call chains of the path analysis (paths.h) as people and programs read them,
 * for `gammatop paths` and the console's :paths view: which paths to show for a route or a
 * Service, the chains as a tree (worst path first, common prefixes merged), as JSON and as a
 * Graphviz graph with the amplification on the edges. Per hop: the rule, its timeouts and
 * attempts, and the call's observed rate, timeout and retry shares — "unknown" (null in
 * JSON) when telemetry does not say, never 0. The observed amplification shown is per
 * request entering the path (its first call's client requests), see path_observed. Text from the cluster is sanitised in the
 * table and escaped in DOT labels. Pure: no I/O but the buffer. */
#ifndef GAMMATOP_PATHSOUT_H
#define GAMMATOP_PATHSOUT_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/buf.h"
#include "gammatop/callgraph.h"
#include "gammatop/paths.h"

struct json_t; /* jansson */

/* What to analyse: target NULL (every path), "KIND/NS/NAME" of a route (the paths through its
 * rules), "service/NS/NAME" (the chains below the Service), or "NS/NAME" (a route when the
 * graph has one by that name, else the Service). Fills o (from paths_opts_default; its
 * route filter points into *keep, which the caller frees after the analysis) and entries
 * (room for one; *n_entries 0: automatic). Returns 0, or -1 with err naming the target. */
int pathsout_select(struct callgraph *g, const char *target, struct paths_opts *o,
                    char **keep, size_t *entries, size_t *n_entries, char *err, size_t errlen);

/* One row of the tree: depth 0 is an entry, depth k the k-th hop of a path. */
struct pathsout_row {
	int depth;
	char *label;   /* owned: tree lines and the node's label (sanitised) */
	size_t name_off; /* where the node's label starts in label (after the tree lines) */
	size_t node;   /* the entry, or the hop's callee */
	size_t path;   /* the first path (in r's order) through this row */
	size_t hop;    /* hop index in that path (depth - 1; unused at depth 0) */
	bool leaf;     /* a path ends here */
};

/* The tree of r's paths, worst path first, common prefixes merged: rows in display order
 * (*out heap; pathsout_rows_free). ascii: "|-" "`-" instead of box drawing. */
size_t pathsout_tree(const struct callgraph *g, const struct paths_result *r, bool ascii,
                     struct pathsout_row **out);
void pathsout_rows_free(struct pathsout_row *rows, size_t n);

/* Column texts of a row, for tables and the console: tree label, rule, timeouts, attempts,
 * rps, timeout share, retry share, worst amplification, observed amplification. */
enum { PATHSOUT_PATH, PATHSOUT_RULE, PATHSOUT_TIMEOUT, PATHSOUT_ATTEMPTS, PATHSOUT_RPS,
       PATHSOUT_TIMEOUTS, PATHSOUT_RETRIES, PATHSOUT_WORST, PATHSOUT_OBSERVED, PATHSOUT_NCOLS };
#define PATHSOUT_CELL 256
extern const char *const pathsout_headers[PATHSOUT_NCOLS];
void pathsout_row_text(const struct callgraph *g, const struct paths_result *r,
                       const struct pathsout_row *row, char cols[PATHSOUT_NCOLS][PATHSOUT_CELL]);

/* The table (a kubectl-like table with a tree in its first column) into out. */
void pathsout_table(const struct callgraph *g, const struct paths_result *r, bool ascii,
                    struct buf *out);
/* {"paths": [...], "truncated", "cycles"} (new reference). */
struct json_t *pathsout_json(const struct callgraph *g, const struct paths_result *r);
/* digraph gammatop_paths { ... } into out: the nodes and calls on r's paths, each edge
 * labelled with its rule, tries and the worst amplification at the callee (and the
 * observed one when known). */
void pathsout_dot(const struct callgraph *g, const struct paths_result *r, struct buf *out);

/* "3s", "450ms", "-" (unset, -1), "none" (0s). */
char *pathsout_ms(long long ms, char *buf, size_t n);

#endif
