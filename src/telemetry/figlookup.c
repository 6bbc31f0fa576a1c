/* figlookup.c: which figures belong to a route or rule (figlookup.h says the order). */
#include "config.h"

#include "gammatop/figlookup.h"

#include <stddef.h>

#include "gammatop/object.h"

static bool backends(const struct topo_rule *r, figlookup_fn get, void *ud)
{
	char id[1024];
	for (size_t b = 0; b < r->n_backends; b++) {
		const struct gt_object *svc = r->backends[b].service;
		if (svc && get(ud, object_id(svc, id, sizeof id), -1))
			return true;
	}
	return false;
}

enum figscope figlookup(const struct topo_route *tr, int rule, figlookup_fn get, void *ud)
{
	if (!tr || !tr->obj)
		return FIGSCOPE_NONE;
	char id[1024];
	object_id(tr->obj, id, sizeof id);
	if (rule >= 0 && get(ud, id, rule))
		return FIGSCOPE_RULE;
	if ((rule < 0 || tr->n_rules == 1) && get(ud, id, -1))
		return FIGSCOPE_ROUTE;
	if (rule < 0 && tr->n_rules == 1 && get(ud, id, 0)) /* a per-rule mesh, one rule */
		return FIGSCOPE_RULE;
	if (rule >= 0)
		return (size_t)rule < tr->n_rules && backends(&tr->rules[rule], get, ud)
		               ? FIGSCOPE_SERVICE
		               : FIGSCOPE_NONE;
	for (size_t i = 0; i < tr->n_rules; i++)
		if (backends(&tr->rules[i], get, ud))
			return FIGSCOPE_SERVICE;
	return FIGSCOPE_NONE;
}

const char *figscope_name(enum figscope s)
{
	switch (s) {
	case FIGSCOPE_RULE: return "rule";
	case FIGSCOPE_ROUTE: return "route";
	case FIGSCOPE_SERVICE: return "service";
	default: return "";
	}
}

struct set_ud {
	const struct figures_set *set;
	const struct figure *found;
};

static bool in_set(void *ud, const char *key, int rule)
{
	struct set_ud *s = ud;
	s->found = figures_set_find(s->set, key, rule);
	return s->found != NULL;
}

const struct figure *figlookup_set(const struct figures_set *set, const struct topo_route *tr,
                                   int rule)
{
	struct set_ud s = {set, NULL};
	if (!set || figlookup(tr, rule, in_set, &s) == FIGSCOPE_NONE)
		return NULL;
	return s.found;
}
