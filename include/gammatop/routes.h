/* routes.h: `gammatop routes`: one line per route rule with its parents, backends, timeouts
 * and retry (and, with -o wide, matches, hostnames and status), as a kubectl-style table or
 * as JSON (kind RouteRuleList, items sharing the snapshot's route and rule shapes). Telemetry
 * figures become extra columns / an item "figures" object when a provider is given. */
#ifndef GAMMATOP_ROUTES_H
#define GAMMATOP_ROUTES_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/buf.h"
#include "gammatop/topology.h"

#define ROUTES_MAX_FIGURES 16

/* A telemetry figure the listing can show (the app fills these from the telemetry layer's
 * list, so this layer does not depend on it). */
struct routes_figure_def {
	const char *name;   /* JSON name: "timeoutRate" */
	const char *header; /* column: "TIMEOUTS" */
	char kind;          /* 'r' a 0..1 ratio (shown as %), 'q' per second, 'm' milliseconds */
	bool narrow;        /* also a column of the plain table (else only -o wide) */
};

/* Figures of one route rule: value[i] for defs[i], NAN when unknown. */
struct routes_figures {
	const char *scope; /* "route", "rule" or "service": what they are measured over */
	double value[ROUTES_MAX_FIGURES];
};

/* Fill *f for rule `rule` of route r; return false when there are no figures for it. */
typedef bool (*routes_figures_fn)(const struct topo_route *r, size_t rule,
                                  struct routes_figures *f, void *ud);

struct routes_opts {
	bool wide;  /* add MATCHES, HOSTNAMES, STATUS and every figure; no truncation */
	bool ascii; /* "~" instead of "…" when cutting cells */
	const char *namespace_; /* only routes of this namespace, and no NAMESPACE column (as
	                         * kubectl -n); NULL: all */
	/* Telemetry: SCOPE and one column per figure (narrow ones only without wide), and a
	 * "figures" object per JSON item. figures NULL: no telemetry columns. */
	const struct routes_figure_def *fig_defs;
	size_t n_figs; /* at most ROUTES_MAX_FIGURES */
	routes_figures_fn figures;
	void *figures_ud;
	/* The cell text of figure i (index into fig_defs) — the app passes telemetry's one
	 * formatter (figures_format); NULL: a plain default per kind. Returns buf. */
	char *(*format)(size_t i, double v, char *buf, size_t n);
};

/* Append the table (header and one line per rule, sorted by namespace, route name, kind,
 * rule index) to out. Returns the number of rows. */
size_t routes_table(const struct gt_topology *t, const struct routes_opts *o, struct buf *out);

/* The same rows as JSON: {apiVersion, kind: RouteRuleList, items: [{kind, namespace, route,
 * hostnames, parents, rule, status, figures?}]}. New reference. Never truncated. */
json_t *routes_json(const struct gt_topology *t, const struct routes_opts *o);

/* Cell texts, exposed for tests: a parent ("gw/infra/main:https", "svc/web:8080", a
 * trailing "!" when not attached), a backend ("web:8080", "ns/web:8080 (90)", "!" when not
 * resolved), the timeouts ("10s/2s", "-/500ms", "" when none) and the retry ("3x 100ms
 * 502,503", "" when none). Written to out (appended). */
void routes_parent_text(const struct topo_route *r, const struct topo_parent *p, struct buf *out);
void routes_backend_text(const struct topo_route *r, const struct topo_rule *rule,
                         const struct topo_backend *b, struct buf *out);
void routes_timeouts_text(const struct gt_rule *rule, struct buf *out);
void routes_retry_text(const struct gt_rule *rule, struct buf *out);

#endif
