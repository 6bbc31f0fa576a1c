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

static void conditions_free(struct topo_conditions *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->items[i].message);
}

static void listeners_free(struct topo_listener *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].routes);
		conditions_free(&l[i].conditions);
	}
	free(l);
}

/* The computed condition of this type, or NULL. */
const struct topo_condition *topo_conditions_find(const struct topo_conditions *c,
                                                  const char *type)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (str_eq(c->items[i].type, type))
			return &c->items[i];
	return NULL;
}

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
		for (size_t k = 0; k < r->n_default_refs; k++) {
			free(r->default_refs[k].group);
			free(r->default_refs[k].kind);
			free(r->default_refs[k].namespace_);
			free(r->default_refs[k].name);
		}
		free(r->default_refs);
		for (size_t k = 0; k < r->n_rules; k++) {
			for (size_t bi = 0; bi < r->rules[k].n_backends; bi++)
				free(r->rules[k].backends[bi].message);
			free(r->rules[k].backends);
		}
		free(r->rules);
	}
	free(t->routes);
	for (size_t i = 0; i < t->n_gateways; i++) {
		listeners_free(t->gateways[i].listeners, t->gateways[i].n_listeners);
		conditions_free(&t->gateways[i].conditions);
		free(t->gateways[i].listenersets);
		object_unref(t->gateways[i].obj);
	}
	free(t->gateways);
	for (size_t i = 0; i < t->n_listenersets; i++) {
		listeners_free(t->listenersets[i].listeners, t->listenersets[i].n_listeners);
		conditions_free(&t->listenersets[i].conditions);
		object_unref(t->listenersets[i].obj);
	}
	free(t->listenersets);
	for (size_t i = 0; i < t->n_policies; i++) {
		struct topo_policy *p = &t->policies[i];
		conditions_free(&p->conditions);
		for (size_t a = 0; a < p->n_ancestors; a++) {
			free(p->ancestors[a].ns);
			free(p->ancestors[a].name);
		}
		free(p->ancestors);
		object_unref(p->obj);
	}
	free(t->policies);
	for (size_t i = 0; i < t->n_meshes; i++)
		object_unref(t->meshes[i]);
	free(t->meshes);
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

/* The ListenerSet ns/name, or NULL (binary search: sorted by namespace, name). */
const struct topo_listenerset *topology_find_listenerset(const struct gt_topology *t,
                                                         const char *ns, const char *name)
{
	size_t lo = 0, hi = t->n_listenersets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gt_object *o = t->listenersets[mid].obj;
		int c = strcmp(object_ns(o), str_or(ns, ""));
		if (!c)
			c = strcmp(str_or(o->meta.name, ""), str_or(name, ""));
		if (!c)
			return &t->listenersets[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
