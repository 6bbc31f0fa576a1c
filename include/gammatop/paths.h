/* paths.h: analysis of the call chains of a call graph (callgraph.h): every path from an
 * entry (a Gateway, a Service, a namespace's clients), bounded (cycles are reported, not
 * followed; depth, path and step caps with a truncated marker), worst path first, with per
 * path and per hop:
 *
 * - the configured worst-case amplification: requests at each callee per request at the
 *   entry when every try fails, the product of the tries (retry.attempts + 1) along the path.
 *   A bound given the configuration (implementations' own default retries, e.g. Istio's, are
 *   not modelled); a lower bound when a rule retries without attempts (implementation default).
 * - the same capped by retry budgets (GEP-3388) on the callees: a budget of p % lets retries
 *   be at most p % of a client's active requests to the Service, so one hop multiplies the
 *   aggregate load by at most 100 / (100 - p) — but never less than minRetryRate allows, and
 *   a single request may still get every try. So this figure is an ESTIMATE of the aggregate
 *   load, not a per-request bound; with the call's observed rate the minRetryRate floor is
 *   included, without it the figure holds only while the traffic is high enough for the
 *   percentage to bind.
 * - the observed amplification: requests at the callee per request at the entry, the product
 *   of each hop's observed rate over the rate its caller receives; NAN (unknown, never 0) as
 *   soon as one rate on the way is missing. An estimate: a Service's calls are attributed to
 *   its callers in proportion to their rates.
 * - timeout budgets: whether a callee can keep working on its own callee longer than its
 *   caller waits for one try ("callee can outlive its caller"), and retries of requests that
 *   may not be idempotent without a code filter.
 *
 * paths_findings turns the result into lint findings (RetryAmplification,
 * TimeoutBudgetExceeded, NonIdempotentRetry) that name the path, the rules and the fix. */
#ifndef GAMMATOP_PATHS_H
#define GAMMATOP_PATHS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/callgraph.h"
#include "gammatop/findings.h"

#define PATHS_NO_LIMIT INT64_MAX /* a span without any timeout ("0s" and no per-try limit) */

struct paths_opts {
	double threshold;  /* RetryAmplification above this many requests per request (10) */
	size_t max_paths;  /* paths kept in all (1000); each entry gets a fair share */
	size_t max_depth;  /* hops per path (16) */
	size_t max_steps;  /* edges followed in all (1,000,000) */
	const char *first_route; /* only paths whose first hop a rule of this route governs */
	const char *through_route; /* only paths with a hop a rule of this route governs ... */
	long through_rule;         /* ... rule index, or -1 for any rule of it */
};
/* The defaults above (threshold 10, 1,000 paths, 16 hops, 1,000,000 steps, no filters). */
void paths_opts_default(struct paths_opts *o);

enum path_end {
	PATH_LEAF,  /* the last callee calls nobody */
	PATH_CYCLE, /* the last hop returns to a node already on the path (not followed) */
	PATH_DEPTH  /* max_depth cut it */
};
const char *path_end_name(enum path_end e); /* "leaf" | "cycle" | "depth" */

struct gt_path {
	size_t entry;  /* node */
	size_t *hops;  /* owned: edge indices, entry's call first */
	size_t n_hops;
	enum path_end end;
	double amp_worst;    /* product of tries: a bound (a lower bound when !exact) */
	bool exact;          /* every rule on the path states its attempts */
	double amp_budgeted; /* amp_worst with budget caps: an estimate (see above) */
	double amp_observed; /* NAN: unknown */
	size_t n_outlive;    /* hops whose callee can outlive its caller's try */
	size_t n_unsafe;     /* hops retrying non-idempotent requests without codes */
};

struct paths_result {
	struct gt_path *paths; /* owned, worst first */
	size_t n;
	bool truncated;  /* a cap cut the enumeration: there are more paths than listed */
	size_t n_cycles; /* paths that end in a cycle */
	size_t steps;    /* edges followed */
	size_t *entries; /* owned: the entries analysed, in order */
	size_t n_entries;
};

/* Figures of one hop of a path (paths_hop, paths_hops). */
struct path_hop {
	size_t edge, call, rule; /* rule CG_NONE: no rule governs the call */
	size_t from, to;         /* the node the path reached (caller) and the callee */
	int tries;               /* at most, per request (1 without retries) */
	bool tries_exact;        /* false: a retry block without attempts (implementation default) */
	double tries_budgeted;   /* tries capped by a budget on `to` (estimate) */
	bool budgeted;           /* `to` has a retry budget */
	double amp_worst, amp_budgeted; /* cumulative: requests at `to` per request at the entry */
	double factor_observed;  /* requests at `to` per request `from` receives; NAN unknown */
	double amp_observed;     /* cumulative; NAN unknown */
	int64_t limit_ms;        /* how long the caller waits for one try: backendRequest, else
	                          * request; -1 when neither is set (no known limit) */
	int64_t span_ms;         /* how long the caller may wait on this hop in all: request, or
	                          * tries x backendRequest + retries x backoff, whichever is
	                          * shorter; PATHS_NO_LIMIT for "0s" without backendRequest; -1
	                          * unknown (nothing set). Backoff counts at its minimum. */
	bool outlives;           /* k > 0 and span_ms exceeds hop k-1's limit_ms: `from` can
	                          * still be waiting on `to` after its own caller gave up */
	bool unsafe_retry;       /* retries, no codes, the rule admits non-idempotent methods */
};
/* Figures of hop k of p (zeroed when k is out of range). */
void paths_hop(const struct callgraph *g, const struct gt_path *p, size_t k, struct path_hop *h);
/* Figures of every hop of p into out[0 .. p->n_hops). */
void paths_hops(const struct callgraph *g, const struct gt_path *p, struct path_hop *out);

/* Enumerate and rank the paths from entries (NULL/0: automatic — Gateways, any-client and
 * namespaces whose calls no reached node covers, Services and workloads nobody calls, then
 * whatever cycles left unvisited). Finishes g when needed. r is overwritten (call
 * paths_result_done). Returns the number of paths. */
size_t paths_analyse(struct callgraph *g, const size_t *entries, size_t n_entries,
                     const struct paths_opts *o, struct paths_result *r);
/* Free what r owns and zero it. */
void paths_result_done(struct paths_result *r);

/* "web -> storefront -> api" (labels; a cycle ends "... (cycle)"). Returns buf. */
char *paths_describe(const struct callgraph *g, const struct gt_path *p, char *buf, size_t n);

/* Append the findings of r: one RetryAmplification per rule named as the fix (for its worst
 * path above o->threshold), one TimeoutBudgetExceeded per caller/callee rule pair, one
 * NonIdempotentRetry per rule. Objects are routes, fields their rules' paths. */
void paths_findings(const struct callgraph *g, const struct paths_result *r,
                    const struct paths_opts *o, struct findings *out);

/* The whole static analysis lint runs: graph from the topology, automatic entries, default
 * options, findings appended to out. */
void paths_lint(const struct gt_topology *t, struct findings *out);

#endif
