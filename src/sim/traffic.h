/* traffic.h: gammatop-sim's live traffic model. Each HTTPRoute/GRPCRoute rule gets a request
 * rate, a per-try latency distribution and a per-try failure share (from annotations or a hash
 * of its name), and the route's timeouts/retry policy is applied to a fixed, seeded set of
 * requests to get exact expected rates. Counters grow with simulated time and are rendered in
 * the exposition formats of Linkerd, Istio and Envoy Gateway (metrics.c). The semantics of
 * every figure are documented at the top of traffic.c. */
#ifndef GAMMATOP_SIM_TRAFFIC_H
#define GAMMATOP_SIM_TRAFFIC_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct traffic;

/* A new, empty model. The seed fixes every derived default and every sampled request. */
struct traffic *traffic_new(uint64_t seed);
void traffic_free(struct traffic *t);

/* Add or replace a route from its full JSON (kind HTTPRoute or GRPCRoute; anything else is
 * ignored). Call on every add and modify. Counters of a rule that already existed keep their
 * values and grow from now_ms at the new policy's rates. Never fails on odd input: unreadable
 * fields and annotations fall back to defaults. */
void traffic_route_upsert(struct traffic *t, const json_t *route, int64_t now_ms);
/* Forget a route (its series disappear). Unknown routes are ignored. */
void traffic_route_delete(struct traffic *t, const char *kind, const char *ns, const char *name,
                          int64_t now_ms);
/* Move the model clock to now_ms (never backwards); counters are a function of the clock. */
void traffic_advance(struct traffic *t, int64_t now_ms);

enum sim_mesh { SIM_MESH_LINKERD, SIM_MESH_ISTIO, SIM_MESH_ENVOY_GATEWAY };

/* The metrics page of mesh at now_ms (advances the clock first) in Prometheus text format
 * (Linkerd: with its trailing OpenMetrics section and "# EOF"). ns limits it to routes of
 * that namespace (Istio: to destination services of that namespace); NULL means all.
 * The caller frees the result. */
char *traffic_render(struct traffic *t, enum sim_mesh mesh, const char *ns, int64_t now_ms);

/* The model's exact expected figures for one rule (see traffic.c for definitions). */
struct traffic_expect {
	double rps;                /* client requests per second (all parents together) */
	double success_rate;       /* share of requests answered 2xx / grpc OK */
	double timeout_rate;       /* share of requests ending in a request or per-try timeout */
	double retry_rate;         /* retries / (requests + retries) */
	double retry_success_rate; /* retries that succeeded / retries (0 without retries) */
	double exhausted_per_s;    /* retryable failures not retried because attempts ran out */
	double tries_per_request;  /* tries sent (requests + retries) per client request */
	bool linked;               /* rps follows another rule's tries (sim.gammatop.dev/rps-from) */
};
/* Fill out for rule `rule` of route kind/ns/name. Returns 0, or -1 when there is no such
 * route or rule. */
int traffic_expected(struct traffic *t, const char *kind, const char *ns, const char *name,
                     int rule, struct traffic_expect *out);

/* ---- shared between traffic.c (the model) and metrics.c (the renderer) only ---- */

#define TRAFFIC_SAMPLES 2000 /* sampled requests per rule */
#define TRAFFIC_NB 19        /* latency histogram bounds, ms (Envoy/Istio default buckets) */
extern const double traffic_bounds_ms[TRAFFIC_NB];

/* How a client request ends. */
enum traffic_outcome {
	TO_OK,       /* 2xx */
	TO_503,      /* 503 not retried (no retry policy, or 503 not in retry.codes) */
	TO_503_EXH,  /* 503 on the last allowed try of a retryable failure */
	TO_PTO,      /* per-try timeout not retried (no retry policy) */
	TO_PTO_EXH,  /* per-try timeout on the last allowed try */
	TO_RTO,      /* cut by timeouts.request (while a try ran or during backoff) */
	TO_N
};

/* Integer counter channels of a rule. Each is "events per TRAFFIC_SAMPLES requests" in a
 * rule's shares and a cumulative count in its counters. */
enum traffic_chan {
	TC_OUT = 0,                          /* + outcome: requests by outcome */
	TC_DUR = TC_OUT + TO_N,              /* + outcome*TRAFFIC_NB + b: duration <= bound b */
	TC_RETRIES = TC_DUR + TO_N * TRAFFIC_NB, /* retry tries sent */
	TC_RETRY_OK,                         /* retry tries that succeeded */
	TC_EXHAUSTED,                        /* = TO_503_EXH + TO_PTO_EXH */
	TC_TRIES,                            /* all tries sent (requests + retries) */
	TC_TRY_OK,                           /* tries answered 2xx */
	TC_TRY_503,                          /* tries answered 503 */
	TC_TRY_PTO,                          /* tries cut by timeouts.backendRequest */
	TC_TRY_CUT,                          /* tries in flight when timeouts.request fired */
	TC_TRY_ANSWERED,                     /* = TC_TRY_OK + TC_TRY_503 (histogram count) */
	TC_TRY_LE,                           /* + b: answered tries with latency <= bound b */
	TC_N = TC_TRY_LE + TRAFFIC_NB
};
/* Floating sums (milliseconds). */
enum traffic_sum { TS_DUR = 0 /* + outcome: request durations */, TS_TRY = TO_N /* tries */, TS_N };

struct traffic_parent { /* labels ready to print (unescaped) */
	char *group, *kind, *ns, *name, *section;
	long port;
};
struct traffic_backend {
	char *group, *kind, *ns, *name;
	long port;
	long weight;
};
struct traffic_rule {
	/* model inputs */
	double rps, p50_ms, p99_ms, failure;
	int64_t request_ms, backend_ms; /* 0: no timeout */
	bool retry, retry_503;
	bool down; /* sim.gammatop.dev/backend-down: failed tries are connect failures */
	int attempts;
	int64_t backoff_ms;
	struct traffic_backend *backends;
	size_t n_backends;
	/* sim.gammatop.dev/rps-from "KIND/NS/NAME#RULE": this rule's client requests are the
	 * tries that rule sends (its callee's workload calls on through this rule once per try
	 * it receives); NULL: rps is its own */
	char *from_kind, *from_ns, *from_name;
	long from_rule;
	/* results of the sampled requests */
	uint32_t share[TC_N];
	double share_sum[TS_N];
	/* counters = base + (rem + n * share) / TRAFFIC_SAMPLES (integer division),
	 * n = floor(carry + rps * (clock - t0) / 1000): requests since the model last changed */
	uint64_t base[TC_N];
	uint32_t rem[TC_N]; /* fractions of an event (in 1/TRAFFIC_SAMPLES) carried over */
	double base_sum[TS_N];
	int64_t t0;
	double carry; /* fraction of a request left over when the model last changed */
};
struct traffic_route {
	char *kind, *ns, *name; /* kind is "HTTPRoute" or "GRPCRoute" */
	bool grpc;
	char *hostname; /* first spec.hostnames entry or "" */
	struct traffic_parent *parents;
	size_t n_parents;
	struct traffic_rule *rules;
	size_t n_rules;
};
struct traffic {
	uint64_t seed;
	int64_t clock;
	/* The policy as Linkerd reads it (--mesh linkerd): retries from the route's
	 * retry.linkerd.io/{http,limit,timeout} annotations, the request timeout from
	 * timeouts.request (or timeout.linkerd.io/request); HTTPRoute retry and
	 * timeouts.backendRequest are ignored. false: the spec as written (Istio, Envoy Gateway). */
	bool linkerd_policy;
	struct traffic_route **routes; /* owned; sorted by kind, namespace, name */
	size_t n_routes, cap_routes;
};

/* Cumulative counters of rule r at the model clock, added into cnt[TC_N] and sums[TS_N]. */
void traffic_rule_counts(const struct traffic *t, const struct traffic_rule *r, uint64_t *cnt,
                         double *sums);

#endif
