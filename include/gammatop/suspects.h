/* suspects.h: "what changed before it broke": for a route whose timeout, retry or error rate
 * shifted, the changes in the change journal (journal.h) to the route, its parents (Gateway,
 * Service parent, the Gateway's GatewayClass), its backends (Services) and the
 * ReferenceGrants its cross-namespace backends rely on, in the window before a time, ranked:
 *
 *   score = 0.45 relation + 0.35 field + 0.20 recency      (each 0..1, so score is 0..1)
 *
 *   relation: the route itself 1.0, a parent Gateway or Service 0.8, a backend Service 0.75,
 *             a ReferenceGrant 0.6, the GatewayClass 0.5 (related as of the window's end or
 *             start, whichever relates it);
 *   field:    timeouts or retry 1.0, deleted 0.9, backends / parents / ports / listeners /
 *             class 0.8, created 0.7, any other spec field 0.5, labels or annotations only 0.15;
 *   recency:  1 - (time before / window).
 *
 * Each suspect says why in words, and carries the route's figures over a span before and
 * after the change from the telemetry samples in the cache ("did it help?" for a change made
 * with gammatop). Also the change markers a route's sparklines show. Reads the cache only:
 * no cluster access. */
#ifndef GAMMATOP_SUSPECTS_H
#define GAMMATOP_SUSPECTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/buf.h"
#include "gammatop/cache.h"
#include "gammatop/figures.h"
#include "gammatop/journal.h"

struct json_t; /* jansson */
/* An object a route depends on, and how. */
struct suspects_rel {
	enum gt_kind kind;
	char *ns, *name;      /* owned; ns "" for cluster-scoped kinds */
	const char *relation; /* static: "the route itself", "its parent Gateway", ... */
	double weight;        /* the relation term of the score */
};

struct suspects_rels {
	struct suspects_rel *items; /* owned */
	size_t n;
};

/* Add what the route in route_doc (its journal form or API JSON) depends on to rels: the
 * route itself, its parentRefs and backendRefs (namespaces defaulted to ns), the
 * GatewayClass of a Gateway parent when gateway_class finds it (may be NULL), the
 * ReferenceGrant namespaces of cross-namespace backends (as name "*"). Objects already in
 * rels are not added again. */
void suspects_rels_from_route(struct suspects_rels *rels, enum gt_kind kind, const char *ns,
                              const char *name, const struct json_t *route_doc,
                              const char *(*gateway_class)(const char *ns, const char *name,
                                                           void *ud),
                              void *ud);
void suspects_rels_done(struct suspects_rels *rels);

struct suspect {
	struct journal_change change; /* owned strings */
	const char *relation;         /* static */
	double score;                 /* 0..1 */
	char *why;                    /* owned: "the route itself; 3m before; changes timeouts" */
	bool have_figures;            /* the cache has the route's telemetry around the change */
	double before[FIG_N], after[FIG_N]; /* over effect_ms before / after the change (NaN: none) */
};

struct suspects {
	struct suspect *items; /* owned, best first */
	size_t n;
	char *source;          /* owned: the telemetry source the figures came from, or NULL */
	bool have_shift;       /* the route's figures before the first change of the window and
	                        * at its end (over effect_ms each) are known */
	double then_fig[FIG_N], now_fig[FIG_N];
};

struct suspects_query {
	const char *cluster;            /* cache_cluster_key */
	enum gt_kind kind;              /* the route */
	const char *ns, *name;
	int64_t at_ms;                  /* when it broke (now) */
	int64_t window_ms;              /* how far back to look (e.g. 30 min) */
	int64_t effect_ms;              /* the span of the before/after figures (0: 5 min) */
	const char *source;             /* telemetry source in the cache; NULL: the cluster's
	                                 * scrape source, else the newest */
};

/* The ranked suspects of q. Returns 0, or -1 with err (e.g. no journal of the cluster, or the
 * route unknown to it at both ends of the window). */
int suspects_find(struct cache *c, const struct suspects_query *q, struct suspects *out,
                  char *err, size_t errlen);
void suspects_done(struct suspects *s);

/* The score of change ch to an object related with weight, seen at at_ms over window_ms;
 * the reasons in words are appended to why (may be NULL). Pure. */
double suspects_score(const struct journal_change *ch, const char *relation, double weight,
                      int64_t at_ms, int64_t window_ms, struct buf *why);

/* A change to show on a route's sparklines. */
struct suspects_marker {
	int64_t at_ms;
	bool approx;
	const char *relation; /* static */
	char *object;         /* owned: "httproute/NS/NAME" */
	char *who;            /* owned: manager, NULL unknown */
	char *summary;        /* owned */
	int64_t audit_id;     /* 0: not made with gammatop */
};
/* The changes to the route and what it depends on with from_ms <= time <= to_ms, oldest
 * first (*out heap, free with suspects_markers_free). Returns 0 or -1 with err. */
int suspects_markers(struct cache *c, const char *cluster, enum gt_kind kind, const char *ns,
                     const char *name, int64_t from_ms, int64_t to_ms,
                     struct suspects_marker **out, size_t *n, char *err, size_t errlen);
void suspects_markers_free(struct suspects_marker *m, size_t n);

/* The route's figures over [from_ms, to_ms) from source (see suspects_query.source) in the
 * cache: its per-route row, else the sum of its rules, else the sum of its backend Services'
 * (rels). Returns 1, 0 when the cache has none, -1 on error. */
int suspects_figures(struct cache *c, const char *source, const char *route_id,
                     const struct suspects_rels *rels, int64_t from_ms, int64_t to_ms,
                     double out[FIG_N], char *err, size_t errlen);

#endif
