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

const struct lint_code lint_codes[LINT_CODE_COUNT] = {
#define X(id, code, sev, doc) [LINT_##id] = {code, sev, doc},
	LINT_CODES(X)
#undef X
};

/* The code entry named code ("StatusDisagrees"), or NULL. */
const struct lint_code *lint_code_find(const char *code)
{
	for (size_t i = 0; i < LINT_CODE_COUNT; i++)
		if (str_eq(lint_codes[i].code, code))
			return &lint_codes[i];
	return NULL;
}

static void lint_route(const struct gt_object *o, struct findings *out)
{
	const struct gt_route *r = &o->u.route;
	char id[512], field[96];
	object_id(o, id, sizeof id);
	if (r->n_parents == 0)
		findings_add(out, SEV_WARNING, LINT_CODE(NO_PARENTS), id, "spec.parentRefs",
		             "the route has no parentRefs: it attaches to no Gateway or Service; add a "
		             "parentRef");
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct gt_rule *rule = &r->rules[i];
		size_t weighted = 0;
		for (size_t b = 0; b < rule->n_backends; b++)
			weighted += rule->backends[b].weight > 0;
		if (rule->n_backends > 0 && weighted == 0) {
			snprintf(field, sizeof field, "spec.rules[%zu].backendRefs", i);
			findings_add(out, SEV_WARNING, LINT_CODE(ALL_WEIGHTS_ZERO), id, field,
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
					findings_add(out, SEV_ERROR, LINT_CODE(DUPLICATE_RULE_NAME), id, field,
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
				findings_add(out, SEV_ERROR, LINT_CODE(REDIRECT_WITH_BACKENDS), id, field,
				             "a RequestRedirect filter cannot be combined with backendRefs "
				             "(the rule has %zu): remove one",
				             rule->n_backends);
				break;
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
	for (size_t i = 0; i < t->n_routes; i++)
		lint_route(t->routes[i].obj, out);
	paths_lint(t, out); /* call chains: amplification, timeout budgets, unsafe retries */
	topology_free(own);
	findings_sort(out);
}
