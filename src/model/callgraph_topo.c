/* callgraph_topo.c: the static part of the call graph, read from a computed topology: which
 * rule governs calls from whom to which backend Service. Gateway routes: from the Gateway.
 * Consumer routes (GEP-1294: a route in namespace N whose Service parent lives elsewhere
 * applies only to requests from N): from "any workload of N" — the route says that N calls
 * the Service, which is what lets lint follow a chain without telemetry. Producer routes:
 * from "any client" (who calls is unknown until telemetry says). Pure code. */
#include "config.h"

#include "gammatop/callgraph.h"
#include "gammatop/str.h"

static size_t service_node(struct callgraph *g, const struct gt_object *svc)
{
	return callgraph_node(g, CG_SERVICE, svc->meta.namespace_, svc->meta.name);
}

static void add_route(struct callgraph *g, const struct topo_route *tr)
{
	const struct gt_object *o = tr->obj;
	char id[512];
	object_id(o, id, sizeof id);
	for (size_t pi = 0; pi < tr->n_parents; pi++) {
		const struct topo_parent *tp = &tr->parents[pi];
		if (!tp->attached || !tp->target)
			continue;
		size_t parent, caller;
		switch (tp->role) {
		case TOPO_GATEWAY:
			parent = caller = callgraph_node(g, CG_GATEWAY, tp->target->meta.namespace_,
			                                 tp->target->meta.name);
			break;
		case TOPO_PRODUCER:
			parent = service_node(g, tp->target);
			caller = callgraph_node(g, CG_ANY, NULL, NULL);
			break;
		case TOPO_CONSUMER:
			parent = service_node(g, tp->target);
			caller = callgraph_node(g, CG_NAMESPACE, o->meta.namespace_, NULL);
			break;
		default:
			continue;
		}
		for (size_t ri = 0; ri < tr->n_rules; ri++) {
			const struct topo_rule *rule = &tr->rules[ri];
			double total = 0;
			for (size_t b = 0; b < rule->n_backends; b++)
				if (rule->backends[b].resolved && rule->backends[b].service &&
				    rule->backends[b].ref->weight > 0)
					total += rule->backends[b].ref->weight;
			if (!(total > 0))
				continue; /* nothing reaches a backend (AllWeightsZero, unresolved) */
			struct cg_policy p;
			cg_policy_from_rule(o->kind, rule->rule, &p);
			size_t r = callgraph_rule(g, id, rule->index, rule->rule->name, tp->role, parent,
			                          &p);
			for (size_t b = 0; b < rule->n_backends; b++) {
				const struct topo_backend *tb = &rule->backends[b];
				if (!tb->resolved || !tb->service || tb->ref->weight <= 0)
					continue;
				size_t call = callgraph_add_call(g, caller, service_node(g, tb->service),
				                                 CG_STATIC);
				callgraph_add_edge(g, call, r, tb->ref->weight / total);
			}
		}
	}
}

/* See callgraph.h. */
struct callgraph *callgraph_from_topology(const struct gt_topology *t)
{
	struct callgraph *g = callgraph_new();
	if (!t)
		return g;
	for (size_t i = 0; i < t->n_routes; i++)
		add_route(g, &t->routes[i]);
	return g;
}
