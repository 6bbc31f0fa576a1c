/* figures.h: the per-route hit rates an operator reads during an incident, computed from the
 * amounts a mesh reports over a window (samples.h): rps, successRate, timeoutRate (requests
 * that ended in a timeout), tryTimeoutRate (tries that hit a per-try timeout, recovered or
 * not: never summed with timeoutRate), retryRate
 * (retries / (requests + retries), as Linkerd's RETRIES column), retrySuccessRate,
 * retriesExhaustedRate, latencyP50Ms/P95Ms/P99Ms. A figure the mesh does not report, or that
 * has no requests to divide by, is NaN ("-" in tables, null in JSON). Every figure carries
 * its key: route "httproute/NS/NAME" (or "service/NS/NAME" for per-service meshes), rule
 * index or -1, and scope "route", "rule" or "service". doc/telemetry.md defines each one.
 *
 * For the snapshot exporter: build a figures_set (figures_set_new, figures_set_add per key,
 * figures_set_finish) or get one from the collector, then figures_set_json() returns the
 * `telemetry` section {"window", "source", "routes": [{"route", "rule", "scope", "rps", ...}]}
 * to json_object_set_new() into the snapshot. */
#ifndef GAMMATOP_FIGURES_H
#define GAMMATOP_FIGURES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/samples.h"
#include "gammatop/strmap.h"

/* X(id, JSON/CSV name, table header, kind) with kind r (ratio), q (per second), m (ms). The one
 * set of figure names: every table (top, routes, snapshot, the console) uses these headers,
 * which never read like the policy columns TIMEOUTS and RETRY of `routes`. */
#define FIGURES_LIST(X)                                             \
	X(FIG_RPS, "rps", "RPS", 'q')                                   \
	X(FIG_SUCCESS, "successRate", "SUCCESS", 'r')                   \
	X(FIG_TIMEOUT, "timeoutRate", "TIMEOUT%", 'r')                  \
	X(FIG_TRY_TIMEOUT, "tryTimeoutRate", "TRY-TMO%", 'r')           \
	X(FIG_RETRY, "retryRate", "RETRY%", 'r')                        \
	X(FIG_RETRY_SUCCESS, "retrySuccessRate", "RETRY-OK", 'r')       \
	X(FIG_EXHAUSTED, "retriesExhaustedRate", "EXHAUST", 'r')        \
	X(FIG_P50, "latencyP50Ms", "P50", 'm')                          \
	X(FIG_P95, "latencyP95Ms", "P95", 'm')                          \
	X(FIG_P99, "latencyP99Ms", "P99", 'm')

#define FIGURES_ENUM(id, name, header, kind) id,
enum figure_id { FIGURES_LIST(FIGURES_ENUM) FIG_N };
#undef FIGURES_ENUM

const char *figures_name(enum figure_id id);   /* "timeoutRate" */
const char *figures_header(enum figure_id id); /* "TIMEOUT%" */
/* The id of a figure by its name (case-insensitive, as `--sort timeoutRate`), or -1. */
int figures_by_name(const char *name);
/* The one format of a figure, for every table and the console: ratios "12.5%" ("<0.1%" for
 * a share below it, never "0.0%" for one that is not 0), rates "3.2", "120", "1.5k", "2.0M",
 * latencies "45ms", "1.23s" (">max" above the largest bucket), "-" for unknown (NaN).
 * Returns buf. */
char *figures_format(enum figure_id id, double v, char *buf, size_t n);

/* Compute every figure from the amounts in s (NaN where it cannot be known). */
void figures_compute(const struct sample_counts *s, double out[FIG_N]);

struct figure {
	char *route; /* owned */
	int rule;    /* -1: the whole route (or service) */
	char *scope; /* owned: "route", "rule", "service" */
	struct sample_counts sum;
	double f[FIG_N]; /* set by figures_set_finish */
};

struct figures_set {
	char *window; /* owned: "5m" */
	char *source; /* owned: "prometheus http://..." or "scrape ..." */
	int64_t at_ms;            /* end of the window (wall clock) */
	struct figure *items;     /* owned */
	size_t n, cap;
	struct strmap index;      /* "route\x1frule" -> item index + 1 */
};

struct figures_set *figures_set_new(const char *window, const char *source);
void figures_set_free(struct figures_set *set);
/* Add amounts for a key (merged with what the key already has). */
void figures_set_add(struct figures_set *set, const char *route, int rule, const char *scope,
                     const struct sample_counts *s);
/* Compute the figures of every item. */
void figures_set_finish(struct figures_set *set);
/* The item for route and rule, or NULL. */
const struct figure *figures_set_find(const struct figures_set *set, const char *route, int rule);
/* Sort by a figure, highest first (NaN last), then by route and rule. */
void figures_set_sort(struct figures_set *set, enum figure_id by);

/* The `telemetry` section as a jansson object (the caller owns the reference). Returned as
 * void * so that this header does not need jansson.h: cast to json_t *. */
void *figures_set_json(const struct figures_set *set);

#endif
