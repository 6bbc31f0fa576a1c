/* lint.c: the table of every finding code (generated from LINT_CODES in lint.h) and
 * lint_run(), which gathers the topology's findings (attachment, references, status) with the
 * route- and rule-level checks: timeouts/retry policy of every HTTPRoute rule, duplicate rule
 * names, redirects combined with backends, routes without parents, rules whose backends all
 * have weight 0. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gammatop/lint.h"
#include "gammatop/paths.h"
#include "gammatop/policy.h"
#include "gammatop/str.h"

static void lint_route(const struct gt_object *o, struct findings *out)
{
	const struct gt_route *r = &o->u.route;
	char id[512], field[96];
	object_id(o, id, sizeof id);
	if (r->n_parents == 0 && !r->use_default_gateways)
		findings_add(out, LINT_NO_PARENTS, id, "spec.parentRefs",
		             "the route has no parentRefs: it attaches to no Gateway or Service; add a "
		             "parentRef");
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct gt_rule *rule = &r->rules[i];
		size_t weighted = 0;
		for (size_t b = 0; b < rule->n_backends; b++)
			weighted += rule->backends[b].weight > 0;
		if (rule->n_backends > 0 && weighted == 0) {
			snprintf(field, sizeof field, "spec.rules[%zu].backendRefs", i);
			findings_add(out, LINT_ALL_WEIGHTS_ZERO, id, field,
			             "every backendRef of the rule has weight 0: matching requests get "
			             "HTTP 500; give at least one backend a weight");
		}
		if (o->kind == GT_HTTPROUTE) {
			struct policy p;
			policy_from_rule(rule, &p);
			policy_validate(&p, id, i, out);
		}
		if (rule->name) {
			for (size_t k = 0; k < i; k++)
				if (str_eq(r->rules[k].name, rule->name)) {
					snprintf(field, sizeof field, "spec.rules[%zu].name", i);
					findings_add(out, LINT_DUPLICATE_RULE_NAME, id, field,
					             "rule name %s is also the name of spec.rules[%zu]: rule names "
					             "must be unique within a route",
					             rule->name, k);
					break;
				}
		}
		if (rule->n_backends == 0)
			continue;
		for (size_t f = 0; f < rule->n_filters; f++)
			if (str_eq(rule->filters[f].type, "RequestRedirect")) {
				snprintf(field, sizeof field, "spec.rules[%zu].filters[%zu]", i, f);
				findings_add(out, LINT_REDIRECT_WITH_BACKENDS, id, field,
				             "a RequestRedirect filter cannot be combined with backendRefs "
				             "(the rule has %zu): remove one",
				             rule->n_backends);
				break;
			}
	}
}

/* A rule's retry and what can stop it taking effect: its backends' retry budgets
 * (XBackendTrafficPolicy retryConstraint, GEP-3388; budget.percent default 20, minRetryRate
 * default 10 per 1s) and, for a mesh route, the XMesh's supportedFeatures (GEP-3949). */
static void lint_retry_effect(const struct gt_topology *t, const struct topo_route *tr,
                              struct findings *out)
{
	const struct gt_object *o = tr->obj;
	if (o->kind != GT_HTTPROUTE)
		return;
	char id[512], field[96];
	bool mesh_attached = false;
	for (size_t pi = 0; pi < tr->n_parents; pi++)
		mesh_attached |= tr->parents[pi].attached && tr->parents[pi].role != TOPO_GATEWAY;
	const struct gt_mesh *mesh = t->n_meshes == 1 ? &t->meshes[0]->u.mesh : NULL;
	bool mesh_lacks_retry = false;
	if (mesh && mesh->n_features > 0) {
		mesh_lacks_retry = true;
		for (size_t i = 0; i < mesh->n_features; i++)
			if (str_eq(mesh->features[i], "HTTPRouteRetry"))
				mesh_lacks_retry = false;
	}
	for (size_t i = 0; i < tr->n_rules; i++) {
		const struct gt_rule *rule = tr->rules[i].rule;
		if (!rule->has_retry || rule->retry.attempts == 0)
			continue;
		snprintf(field, sizeof field, "spec.rules[%zu].retry", i);
		if (mesh_attached && mesh_lacks_retry) {
			object_id(o, id, sizeof id);
			findings_add(out, LINT_RETRY_NOT_SUPPORTED, id, field,
			             "the rule retries, but XMesh %s does not list HTTPRouteRetry in its "
			             "supportedFeatures: the mesh may ignore the retry",
			             str_or(t->meshes[0]->meta.name, "?"));
		}
		for (size_t b = 0; b < tr->rules[i].n_backends; b++) {
			const struct topo_backend *tb = &tr->rules[i].backends[b];
			const struct gt_object *pol = tb->traffic_policy;
			if (!pol || !pol->u.pol.has_retry_constraint || pol->u.pol.budget_percent != 0)
				continue;
			int min = pol->u.pol.min_retry_count < 0 ? 10 : pol->u.pol.min_retry_count;
			object_id(o, id, sizeof id);
			char pid[512];
			object_id(pol, pid, sizeof pid);
			if (min == 0)
				findings_add(out, LINT_RETRY_BUDGET_TOO_SMALL, id, field,
				             "backend %s: %s has a retry budget of 0%% and no minRetryRate: "
				             "none of the rule's retries can take effect",
				             str_or(tb->ref->name, "?"), pid);
			else
				findings_add(out, LINT_RETRY_BUDGET_TOO_SMALL, id, field,
				             "backend %s: %s has a retry budget of 0%%: only its minRetryRate "
				             "(%d per %s) of retries can take effect, whatever the load",
				             str_or(tb->ref->name, "?"), pid, min,
				             str_or(pol->u.pol.min_retry_interval, "1s"));
		}
	}
}

/* See lint.h. t may be NULL: a topology is then built from s (and freed). */
void lint_run(struct gt_store *s, const struct gt_topology *t, struct findings *out)
{
	struct gt_topology *own = NULL;
	if (!t)
		t = own = topology_build(s);
	findings_append(out, &t->findings);
	for (size_t i = 0; i < t->n_routes; i++) {
		lint_route(t->routes[i].obj, out);
		lint_retry_effect(t, &t->routes[i], out);
	}
	paths_lint(t, out); /* call chains: amplification, timeout budgets, unsafe retries */
	topology_free(own);
	findings_sort(out);
}
