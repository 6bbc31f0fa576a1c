/* topology_lookup.c: what is done with a built topology besides reading it: finding a
 * route, Gateway or Service in it (binary search over its sorted arrays), and its
 * references (topology_ref/topology_free: the last one frees it and drops the topology's
 * references on the store's objects, see topology.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "topology_int.h"

static long live_topologies; /* topology_live_count */

long topology_live_count(void) { return live_topologies; }

/* Called by topology_build for each new topology. */
void topology_count_new(void) { live_topologies++; }

/* One more reference. */
struct gt_topology *topology_ref(struct gt_topology *t)
{
	if (t)
		t->refs++;
	return t;
}

/* Drop a reference; the last frees t and everything it owns, and drops the topology's
 * references on the objects. NULL is fine. */
void topology_free(struct gt_topology *t)
{
	if (!t)
		return;
	if (t->refs) {
		t->refs--;
		return;
	}
	for (size_t i = 0; i < t->n_routes; i++) {
		struct topo_route *r = &t->routes[i];
		object_unref(r->obj);
		for (size_t p = 0; p < r->n_parents; p++) {
			free(r->parents[p].message);
			free(r->parents[p].listeners);
		}
		free(r->parents);
		for (size_t k = 0; k < r->n_rules; k++) {
			for (size_t bi = 0; bi < r->rules[k].n_backends; bi++)
				free(r->rules[k].backends[bi].message);
			free(r->rules[k].backends);
		}
		free(r->rules);
	}
	free(t->routes);
	for (size_t i = 0; i < t->n_gateways; i++) {
		for (size_t l = 0; l < t->gateways[i].n_listeners; l++)
			free(t->gateways[i].listeners[l].routes);
		free(t->gateways[i].listeners);
		object_unref(t->gateways[i].obj);
	}
	free(t->gateways);
	for (size_t i = 0; i < t->n_classes; i++)
		object_unref(t->classes[i]);
	free(t->classes);
	for (size_t i = 0; i < t->n_services; i++) {
		object_unref(t->services[i].obj);
		free(t->services[i].producers);
		free(t->services[i].consumers);
		free(t->services[i].backend_of);
	}
	free(t->services);
	findings_done(&t->findings);
	free(t);
	live_topologies--;
}

/* The route of that kind, namespace and name, or NULL (binary search). */
const struct topo_route *topology_find_route(const struct gt_topology *t, enum gt_kind kind,
                                             const char *ns, const char *name)
{
	size_t lo = 0, hi = t->n_routes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gt_object *o = t->routes[mid].obj;
		int c = o->kind == kind ? 0 : (o->kind < kind ? -1 : 1);
		if (!c)
			c = strcmp(object_ns(o), str_or(ns, ""));
		if (!c)
			c = strcmp(str_or(o->meta.name, ""), str_or(name, ""));
		if (!c)
			return &t->routes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The gateway ns/name, or NULL (binary search: gateways are sorted by namespace, name). */
const struct topo_gateway *topology_find_gateway(const struct gt_topology *t, const char *ns,
                                                 const char *name)
{
	size_t lo = 0, hi = t->n_gateways;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gt_object *o = t->gateways[mid].obj;
		int c = strcmp(object_ns(o), str_or(ns, ""));
		if (!c)
			c = strcmp(str_or(o->meta.name, ""), str_or(name, ""));
		if (!c)
			return &t->gateways[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The service ns/name, or NULL (binary search: services are sorted by namespace, name). */
const struct topo_service *topology_find_service(const struct gt_topology *t, const char *ns,
                                                 const char *name)
{
	size_t lo = 0, hi = t->n_services;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gt_object *o = t->services[mid].obj;
		int c = strcmp(object_ns(o), str_or(ns, ""));
		if (!c)
			c = strcmp(str_or(o->meta.name, ""), str_or(name, ""));
		if (!c)
			return &t->services[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
