/* callgraph.h: who calls whom, and which route rule governs each call, as the path analysis
 * (paths.h) sees it. Pure code: no I/O.
 *
 * Nodes are Gateways, Services, workloads (from telemetry), namespaces ("any workload in
 * namespace N", the caller a GAMMA consumer route implies) and "any client" (the caller a
 * producer route implies). A call is one caller -> callee Service pair with its observed
 * rates (NAN when unknown, never 0). An edge is one rule governing a call: several rules of
 * one route (different matches) give parallel edges on the same call, and a call no rule
 * governs gets one ungoverned edge when the graph is finished.
 *
 * Who governs what (GEP-1294, "Multiple routes for a Service"; kubernetes-sigs/gateway-api
 * geps/gep-1294/index.md): requests from a Gateway use the Gateway's routes; requests from a
 * namespace with consumer routes for a Service use those; requests from other namespaces use
 * the Service's producer routes. Routes do not chain: a backendRef is the Service's backend
 * (its endpoints), so the call lands on the backend Service and that Service's own routes do
 * not apply to it.
 *
 * The static part comes from the topology (callgraph_from_topology); the telemetry layer adds
 * calls and rates with callgraph_add_call / callgraph_observe, and retry budgets
 * (XBackendTrafficPolicy, GEP-3388) with callgraph_set_budget. Mutators may be called in any
 * order; callgraph_finish (called by the analysis when needed) builds the adjacency. */
#ifndef GAMMATOP_CALLGRAPH_H
#define GAMMATOP_CALLGRAPH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/object.h"
#include "gammatop/topology.h"

#define CG_NONE ((size_t)-1)

enum cg_kind { CG_GATEWAY, CG_SERVICE, CG_WORKLOAD, CG_NAMESPACE, CG_ANY };
/* "gateway" | "service" | "workload" | "namespace" | "any" */
const char *cg_kind_name(enum cg_kind k);

/* A rule's timeouts (GEP-1742) and retry (GEP-1731) as numbers. Durations in ms: -1 unset
 * (the implementation's default applies: unknown) or not a valid duration (reported by
 * lint as InvalidDuration); 0 is "0s", which disables the timeout. */
struct cg_policy {
	bool has_retry;     /* the rule has a retry block */
	int attempts;       /* RETRIES after the first try: the v1.6.1 HTTPRoute CRD says "the
	                     * maximum number of times an individual request from the gateway to
	                     * a backend should be retried", GEP-1731 "retried in addition to the
	                     * initial request". So a try count is attempts + 1. -1: a retry block
	                     * without attempts (implementation default, unknown); 0 without a
	                     * retry block. */
	int64_t request_ms; /* timeouts.request: the whole request, every try and backoff */
	int64_t backend_ms; /* timeouts.backendRequest: each try */
	int64_t backoff_ms; /* retry.backoff: the minimum wait before each retry */
	size_t n_codes;     /* retry.codes listed (0: what is retried is implementation-specific) */
	bool any_method;     /* no match of the rule restricts the method */
	bool non_idempotent; /* the rule admits POST, PATCH or CONNECT (RFC 9110 9.2.2: GET,
	                      * HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent) */
};

/* Read the policy of a route rule. GRPCRoute rules have no timeouts or retry (only HTTPRoute
 * has them in v1.6.1); their calls are POSTs, so any_method and non_idempotent are set. */
void cg_policy_from_rule(enum gt_kind kind, const struct gt_rule *rule, struct cg_policy *p);
/* Tries per request the rule allows at most: attempts + 1; 1 without retries; 1 (a lower
 * bound: *exact false) for a retry block without attempts. exact may be NULL. */
int cg_policy_tries(const struct cg_policy *p, bool *exact);

/* A retry budget on a Service (XBackendTrafficPolicy spec.retryConstraint, GEP-3388; v1.6.1
 * CRD gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml): retries to the Service may
 * make up at most percent % of its active requests over interval, but min_count retries per
 * min_interval are always allowed (per client). */
struct cg_budget {
	bool set;
	int percent;             /* 0-100; CRD default 20 */
	int64_t interval_ms;     /* CRD default 10s */
	int min_count;           /* CRD default 10 */
	int64_t min_interval_ms; /* CRD default 1s */
};
/* The CRD defaults (set, 20 %, 10s, 10 per 1s). */
void cg_budget_defaults(struct cg_budget *b);

struct cg_node {
	enum cg_kind kind;
	char *ns, *name; /* owned, as the cluster sent them (sanitise before printing: str.h);
	                  * ns NULL for CG_ANY; name is the namespace for CG_NAMESPACE */
	char *id;        /* owned: "service/NS/NAME", "gateway/NS/NAME", "workload/NS/NAME",
	                  * "namespace/NS", "any" */
	char *label;     /* owned, set by callgraph_finish: NAME when no other node has that name,
	                  * else NS/NAME; for a namespace NS followed by a slash and a
	                  * star; "*" for any client */
	double in_rps;   /* requests per second the node receives, as set by the telemetry layer
	                  * (NAN: derived by callgraph_finish from its inbound calls, see
	                  * callgraph_in_rps) */
	struct cg_budget budget; /* a retry budget on this Service */
};

/* A route rule that governs calls. */
struct cg_rule {
	char *route;   /* owned: "httproute/NS/NAME" */
	size_t index;  /* spec.rules[index] */
	char *name;    /* owned; NULL when the rule has no name */
	enum topo_role role;  /* gateway, producer or consumer */
	size_t parent; /* node: the Gateway, or the Service the calls are addressed to */
	struct cg_policy policy;
};

enum cg_origin { CG_STATIC = 1, CG_OBSERVED = 2 };

struct cg_call {
	size_t from, to;  /* caller node, callee Service (or workload) node */
	double rps;       /* observed requests per second, every try counted; NAN unknown */
	double retry_rps; /* of which retries; NAN unknown */
	double timeout_rps; /* requests that timed out; NAN unknown */
	unsigned origin;  /* CG_STATIC and/or CG_OBSERVED */
	bool covered;     /* set by callgraph_finish: a static call from namespace N that
	                   * telemetry replaced with observed calls from N's members */
	size_t first_edge; /* its edges: first_edge, edges[first_edge].next, ... (CG_NONE ends) */
};

struct cg_edge {
	size_t call;   /* the call it governs */
	size_t rule;   /* CG_NONE: no route rule governs the call */
	double weight; /* share of the rule's traffic sent to this backend (0 < weight <= 1) */
	size_t next;   /* the call's next edge, CG_NONE at the end */
};

struct callgraph {
	struct cg_node *nodes;
	size_t n_nodes, cap_nodes;
	struct cg_rule *rules;
	size_t n_rules, cap_rules;
	struct cg_call *calls;
	size_t n_calls, cap_calls;
	struct cg_edge *edges;
	size_t n_edges, cap_edges;
	/* private: hash lookups (slots hold index + 1; 0 is empty) */
	size_t *node_slots, node_cap;
	size_t *rule_slots, rule_cap;
	size_t *call_slots, call_cap;
	size_t *parent_slots, parent_cap; /* parent node -> first rule with that parent */
	size_t *rule_next;                /* rule -> next rule with the same parent */
	/* private: the adjacency built by callgraph_finish */
	size_t *serves; /* pairs (service, workload) */
	size_t n_serves, cap_serves;
	bool finished;
	size_t *out_start, *out_calls;   /* node -> calls it makes (CSR) */
	size_t *in_start, *in_calls;     /* node -> calls it receives */
	size_t *srv_start, *srv_list;    /* service -> workloads serving it */
	size_t *ns_node;                 /* node -> its namespace node, CG_NONE when none */
	bool *has_in;                    /* node is reached: it receives a call (not covered) */
	double *in_rps;                  /* derived */
};

/* An empty graph (never NULL); callgraph_free(NULL) is a no-op. */
struct callgraph *callgraph_new(void);
void callgraph_free(struct callgraph *g);

/* The node of this kind, namespace and name, added when absent. ns is ignored for CG_ANY;
 * for CG_NAMESPACE the namespace is ns (name is ignored). Returns its index. */
size_t callgraph_node(struct callgraph *g, enum cg_kind kind, const char *ns, const char *name);
/* The node's index, or CG_NONE. */
size_t callgraph_find_node(const struct callgraph *g, enum cg_kind kind, const char *ns,
                           const char *name);
/* The rule spec.rules[index] of route (e.g. "httproute/shop/api") under one parent (a route
 * with several parents governs calls under each: one entry per parent), added when absent
 * with role, parent node and policy p. Returns its index. */
size_t callgraph_rule(struct callgraph *g, const char *route, size_t index, const char *name,
                      enum topo_role role, size_t parent, const struct cg_policy *p);
/* The first entry of spec.rules[index] of route, or CG_NONE. */
size_t callgraph_find_rule(const struct callgraph *g, const char *route, size_t index);
/* Replace the policy of spec.rules[index] of route under every parent (the edit form's "what
 * if"); the next analysis uses it. */
void callgraph_set_policy(struct callgraph *g, const char *route, size_t index,
                          const struct cg_policy *p);

/* The call from -> to, added when absent (rates NAN) with origin. Returns its index. */
size_t callgraph_add_call(struct callgraph *g, size_t from, size_t to, enum cg_origin origin);
/* Rule rule (CG_NONE: none) governs call with this traffic share. Adding the same pair twice
 * keeps the larger weight. */
void callgraph_add_edge(struct callgraph *g, size_t call, size_t rule, double weight);
/* Observed rates of a call (NAN where unknown); marks it CG_OBSERVED. */
void callgraph_observe(struct callgraph *g, size_t call, double rps, double retry_rps,
                       double timeout_rps);
/* Requests per second node receives in total (e.g. a Gateway's client requests). */
void callgraph_set_node_rate(struct callgraph *g, size_t node, double rps);
/* A retry budget on a Service (percent clamped to 0-100); b->set false removes it. */
void callgraph_set_budget(struct callgraph *g, size_t service, const struct cg_budget *b);
/* Workload serves Service: the Service's paths continue with the workload's calls. */
void callgraph_add_serves(struct callgraph *g, size_t service, size_t workload);

/* The rules that govern calls from node caller to the Service addressed (GEP-1294): the
 * caller's Gateway routes when the caller is a Gateway, else the consumer routes of the
 * caller's namespace for that Service, else the Service's producer routes. Writes at most max
 * rule indices into out; returns how many there are. */
size_t callgraph_rules_for(const struct callgraph *g, size_t caller, size_t addressed,
                           size_t *out, size_t max);

/* The static graph of a topology: for every attached parent of every route and every rule,
 * a call to each resolved backend Service with weight > 0, governed by that rule — from the
 * Gateway (gateway routes), from the namespace node of the route's namespace (consumer
 * routes: the clients in that namespace call the Service), from the "any" node (producer
 * routes: any client). Rules without resolved backends add nothing. Never NULL. */
struct callgraph *callgraph_from_topology(const struct gt_topology *t);

/* Build the adjacency, labels, covered calls and derived rates. Idempotent; mutators undo
 * it (the next call rebuilds). */
void callgraph_finish(struct callgraph *g);
/* Requests per second node receives: the rate set with callgraph_set_node_rate, else the sum
 * of its inbound calls' rates when every (not covered) inbound call has one, else NAN
 * (unknown). Needs a finished graph. */
double callgraph_in_rps(const struct callgraph *g, size_t node);

#endif
