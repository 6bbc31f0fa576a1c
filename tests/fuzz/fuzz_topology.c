/* fuzz_topology.c: a JSON array of Kubernetes objects (hostile: anything decode accepts) goes
 * through the store, topology_build and lint_run, and each element through the merge patch
 * builder and RFC 7386 application. Must never crash or leak, and the topology must keep its
 * invariants (attached parents say Accepted, listener counts match the routes on them,
 * every listener, ListenerSet and policy has a computed Accepted, at most 16 ancestors). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/decode.h"
#include "gammatop/lint.h"
#include "gammatop/policy.h"
#include "gammatop/store.h"
#include "gammatop/topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct gt_topology *t)
{
	for (size_t i = 0; i < t->n_routes; i++) {
		const struct topo_route *r = &t->routes[i];
		bool any = false;
		for (size_t p = 0; p < r->n_parents; p++) {
			const struct topo_parent *tp = &r->parents[p];
			if (!tp->reason || !tp->message)
				abort();
			if (tp->attached != (strcmp(tp->reason, "Accepted") == 0))
				abort();
			if (tp->n_listeners && (!tp->attached || tp->role != TOPO_GATEWAY))
				abort();
			any |= tp->attached;
		}
		if (any != r->attached_any)
			abort();
		for (size_t k = 0; k < r->n_rules; k++)
			for (size_t b = 0; b < r->rules[k].n_backends; b++)
				if (!r->rules[k].backends[b].reason)
					abort();
		if (topology_find_route(t, r->obj->kind, object_ns(r->obj), r->obj->meta.name) == NULL)
			abort();
	}
	for (size_t g = 0; g < t->n_gateways; g++)
		for (size_t l = 0; l < t->gateways[g].n_listeners; l++) {
			const struct topo_listener *tl = &t->gateways[g].listeners[l];
			if ((size_t)tl->attached_routes != tl->n_routes)
				abort();
		}
	for (size_t g = 0; g < t->n_listenersets; g++) {
		const struct topo_listenerset *ls = &t->listenersets[g];
		if (!topo_conditions_find(&ls->conditions, "Accepted"))
			abort();
		if (ls->gateway >= (long)t->n_gateways || (ls->accepted && ls->gateway < 0))
			abort();
		for (size_t l = 0; l < ls->n_listeners; l++)
			if ((size_t)ls->listeners[l].attached_routes != ls->listeners[l].n_routes ||
			    !topo_conditions_find(&ls->listeners[l].conditions, "Accepted"))
				abort();
	}
	for (size_t p = 0; p < t->n_policies; p++)
		if (t->policies[p].n_ancestors > TOPO_MAX_ANCESTORS ||
		    t->policies[p].n_ancestors > t->policies[p].n_ancestors_all ||
		    !topo_conditions_find(&t->policies[p].conditions, "Accepted"))
			abort();
	for (size_t i = 1; i < t->findings.n; i++)
		if (t->findings.items[i - 1].severity > t->findings.items[i].severity)
			abort();
}

static void patch_element(const json_t *elem, const struct gt_object *o)
{
	struct policy p;
	policy_init(&p);
	if (o && kind_is_route(o->kind) && o->u.route.n_rules > 0)
		policy_from_rule(&o->u.route.rules[0], &p);
	char err[256];
	int idx = policy_find_rule(elem, "0");
	json_t *patch = policy_merge_patch(elem, idx < 0 ? 0 : (size_t)idx, &p, "1", err, sizeof err);
	if (patch) {
		json_t *applied = policy_apply_merge_patch(elem, patch);
		json_decref(applied);
		json_decref(patch);
	} else if (!err[0]) {
		abort();
	}
	(void)policy_find_rule(elem, "a");
	json_t *self = policy_apply_merge_patch(elem, elem);
	json_decref(self);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, &e);
	if (!root)
		return 0;
	struct gt_store *s = store_new();
	size_t n = json_is_array(root) ? json_array_size(root) : 1;
	for (size_t i = 0; i < n && i < 512; i++) {
		const json_t *elem = json_is_array(root) ? json_array_get(root, i) : root;
		struct gt_object *o = NULL;
		char err[256];
		if (decode_object(elem, &o, err, sizeof err) == DECODE_OK) {
			patch_element(elem, o);
			store_put(s, o);
		} else {
			patch_element(elem, NULL);
		}
	}
	struct gt_topology *t = topology_build(s);
	check(t);
	struct findings f;
	findings_init(&f);
	lint_run(s, t, &f);
	findings_done(&f);
	topology_free(t);
	store_free(s);
	json_decref(root);
	return 0;
}
