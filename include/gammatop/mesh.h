/* mesh.h: one table-driven profile per mesh saying which series give requests, successes
 * (or failures), timeouts, retries, retry successes, retries exhausted and latency, and how a
 * series maps to a route key: Linkerd per route (route_* labels), Envoy Gateway per rule
 * (envoy_cluster_name "httproute/NS/NAME/rule/I"), Istio per destination service. The same
 * table gives the PromQL for the Prometheus path and the sample matching for the direct
 * scrape path, and `auto` picks the profile whose series are present. Adding a mesh means
 * adding a profile in mesh.c, nothing else. */
#ifndef GAMMATOP_MESH_H
#define GAMMATOP_MESH_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/samples.h"
#include "gammatop/strmap.h"

/* How a matcher compares a label value: =, !=, =~, !~ (regexes fully anchored, as PromQL). */
enum mesh_op { MO_EQ, MO_NE, MO_RE, MO_NRE };

struct mesh_matcher {
	const char *label; /* NULL ends the list */
	enum mesh_op op;
	const char *value;
};

#define MESH_MAX_MATCHERS 3
#define MESH_MAX_SERIES 16

/* One series that feeds a component: metric (as exposed; for latency the _bucket series),
 * label matchers, and sign (+1, or -1 to subtract, e.g. Envoy counts retries in rq_total). */
struct mesh_series {
	enum sample_component comp;
	const char *metric;
	struct mesh_matcher match[MESH_MAX_MATCHERS];
	double sign;
	const char *by; /* PromQL "sum by" labels when not the profile's key_labels */
};

/* Label lookup on whatever holds a series' labels (exposition sample, Prometheus series). */
typedef const char *(*mesh_label_fn)(const void *obj, const char *name);

struct mesh_profile {
	const char *name;  /* "linkerd", "envoy-gateway", "istio" */
	const char *scope; /* "route", "rule" or "service" */
	const char *about; /* one line for docs and --help: where figures come from */
	const char *detect_metric;         /* a series whose presence identifies the mesh */
	struct mesh_matcher detect[2];     /* ... with these labels (may be empty) */
	const char *key_labels;            /* PromQL "sum by" labels giving the key */
	/* Fill route ("httproute/NS/NAME", "service/NS/NAME") and *rule (-1 when per route)
	 * from a series' labels; return -1 for series that belong to no route. */
	int (*key)(mesh_label_fn get, const void *obj, char *route, size_t n, int *rule);
	double le_to_ms;   /* factor from the latency histogram's le unit to milliseconds */
	unsigned have;     /* SC_BIT of every component the profile reports */
	struct mesh_series series[MESH_MAX_SERIES]; /* metric NULL ends the list */
};

/* Every profile, in detection order. */
const struct mesh_profile *const *mesh_profiles(size_t *n);
/* A profile by name, or NULL (also for "auto"). */
const struct mesh_profile *mesh_find(const char *name);
/* The names, "linkerd|istio|envoy-gateway", for messages. */
const char *mesh_names(void);

/* True when a series named name with labels (get/obj) feeds s. */
bool mesh_series_matches(const struct mesh_series *s, const char *name, mesh_label_fn get,
                         const void *obj);
/* True when a series named name with labels identifies profile p (for auto detection). */
bool mesh_detects(const struct mesh_profile *p, const char *name, mesh_label_fn get,
                  const void *obj);

/* The PromQL of series s over range (e.g. "5m"): sum by (key labels[, le]) (rate(...)).
 * The caller frees it. */
char *mesh_promql(const struct mesh_profile *p, const struct mesh_series *s, const char *range);

/* Accumulated amounts per key: what both collection paths fill. */
struct mesh_acc_item {
	char route[256];
	int rule;
	struct sample_counts counts;
};

/* Add amount (already an increase or a rate) of series s with labels get/obj to acc (a strmap
 * of struct mesh_acc_item, values owned: init it with free as free_value). Latency series
 * need their le label. Returns 0, or -1 when the series maps to no key. */
int mesh_acc_add(struct strmap *acc, const struct mesh_profile *p, const struct mesh_series *s,
                 mesh_label_fn get, const void *obj, double amount);
/* Set seconds and the profile's component bits on every accumulated key. */
void mesh_acc_finish(struct strmap *acc, const struct mesh_profile *p, double seconds);

#endif
