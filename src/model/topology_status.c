/* topology_status.c: what the controllers reported (route status.parents), matched to each
 * spec parentRef and set side by side with what the topology computed: Accepted against the
 * computed attachment, ResolvedRefs against the computed backendRefs, and NoStatus when no
 * controller has said anything about an attached parent. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gammatop/lint.h"
#include "gammatop/str.h"
#include "topology_int.h"

static bool parent_ref_eq(const struct gt_parent_ref *a, const struct gt_parent_ref *b,
                          const struct gt_object *route)
{
	bool ga = topology_is_core_group(a->group), gb = topology_is_core_group(b->group);
	if (ga != gb || (!ga && !str_eq(a->group, b->group)))
		return false;
	return str_eq(a->kind, b->kind) && str_eq(topology_ref_ns(a, route), topology_ref_ns(b, route)) &&
	       str_eq(a->name, b->name) && str_eq(a->section_name, b->section_name) &&
	       a->port == b->port;
}

/* The first unresolved backendRef of tr, or NULL; rule_i and bi say where. */
static const struct topo_backend *first_unresolved(const struct topo_route *tr, size_t *rule_i,
                                                   size_t *bi)
{
	for (size_t i = 0; i < tr->n_rules; i++)
		for (size_t k = 0; k < tr->rules[i].n_backends; k++)
			if (!tr->rules[i].backends[k].resolved) {
				*rule_i = i;
				*bi = k;
				return &tr->rules[i].backends[k];
			}
	return NULL;
}

/* Compare the controller's ResolvedRefs with the computed backendRefs. A reported False is
 * only contradicted when its reason is one gammatop computes (it cannot see, say, a
 * BackendTLSPolicy or an unsupported appProtocol). */
static void compare_resolved(struct findings *out, const struct topo_route *tr, size_t pi,
                             struct topo_parent *tp, struct topology_rid *rid)
{
	const struct gt_condition *rr = conditions_find(&tp->reported->conditions, "ResolvedRefs");
	if (!rr)
		return;
	if (str_eq(rr->status, "True"))
		tp->reported_resolved = 1;
	else if (str_eq(rr->status, "False"))
		tp->reported_resolved = 0;
	if (tp->role == TOPO_OTHER || tp->reported_resolved < 0)
		return;
	char field[64];
	const char *ctl = str_or(tp->reported->controller_name, "(unnamed)");
	size_t ri = 0, bi = 0;
	const struct topo_backend *bad = first_unresolved(tr, &ri, &bi);
	for (size_t i = 0; i < tr->n_rules; i++) /* a backend that could not be read: no verdict */
		for (size_t k = 0; k < tr->rules[i].n_backends; k++)
			if (tr->rules[i].backends[k].unknown)
				return;
	if (tp->reported_resolved == 1 && bad) {
		tp->refs_disagree = true;
		findings_add(out, LINT_STATUS_DISAGREES, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi),
		             "controller %s reports ResolvedRefs=True but gammatop finds "
		             "spec.rules[%zu].backendRefs[%zu] unresolved (%s: %s)",
		             ctl, ri, bi, bad->reason, bad->message ? bad->message : "");
	} else if (tp->reported_resolved == 0 && !bad &&
	           (str_eq(rr->reason, "RefNotPermitted") || str_eq(rr->reason, "BackendNotFound") ||
	            str_eq(rr->reason, "InvalidKind"))) {
		tp->refs_disagree = true;
		findings_add(out, LINT_STATUS_DISAGREES, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi),
		             "controller %s reports ResolvedRefs=False (%s%s%s) but gammatop resolves "
		             "every backendRef of the route (the status may be stale)",
		             ctl, str_or(rr->reason, "no reason"),
		             str_empty(rr->message) ? "" : ": ", str_or(rr->message, ""));
	}
}

void topology_match_status(struct findings *out, const struct topo_route *tr, size_t pi,
                         struct topo_parent *tp, struct topology_rid *rid)
{
	const struct gt_object *route = tr->obj;
	const struct gt_route *r = &route->u.route;
	const struct gt_route_parent_status *best = NULL;
	const struct gt_condition *acc = NULL;
	for (size_t i = 0; i < r->n_status; i++) {
		if (!parent_ref_eq(&r->status[i].ref, tp->ref, route))
			continue;
		const struct gt_condition *c = conditions_find(&r->status[i].conditions, "Accepted");
		if (!best || (!acc && c)) {
			best = &r->status[i];
			acc = c;
		}
	}
	tp->reported = best;
	tp->reported_accepted = -1;
	tp->reported_resolved = -1;
	tp->reported_reason = NULL;
	char field[64];
	bool evaluable = tp->role != TOPO_OTHER && !tp->unknown;
	if (!best) {
		if (tp->attached)
			findings_add(out, LINT_NO_STATUS, topology_rid(rid),
			             topology_parent_field(field, sizeof field, pi),
			             "no controller has reported status for parent %s %s/%s yet: the "
			             "route may not be programmed",
			             str_or(tp->ref->kind, "?"), topology_ref_ns(tp->ref, route),
			             str_or(tp->ref->name, ""));
		return;
	}
	compare_resolved(out, tr, pi, tp, rid);
	if (acc) {
		tp->reported_reason = acc->reason;
		if (str_eq(acc->status, "True"))
			tp->reported_accepted = 1;
		else if (str_eq(acc->status, "False"))
			tp->reported_accepted = 0;
	}
	if (!evaluable || tp->reported_accepted < 0)
		return;
	if (tp->attached != (tp->reported_accepted == 1)) {
		tp->disagrees = true;
		findings_add(out, LINT_STATUS_DISAGREES, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi),
		             "controller %s reports Accepted=%s (%s%s%s) but gammatop computes %s (%s: "
		             "%s)",
		             str_or(best->controller_name, "(unnamed)"),
		             tp->reported_accepted ? "True" : "False",
		             str_or(acc->reason, "no reason"), str_empty(acc->message) ? "" : ": ",
		             str_or(acc->message, ""), tp->attached ? "attached" : "not attached",
		             tp->reason, tp->message ? tp->message : "");
	}
}

