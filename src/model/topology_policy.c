/* topology_policy.c: BackendTLSPolicy and XBackendTrafficPolicy in the topology, computed
 * as Gateway API v1.6.1 says (apis/v1/policy_types.go PolicyAncestorStatus and GEP-713;
 * apis/v1/backendtlspolicy_types.go, GEP-1897; apisx/v1alpha1 XBackendTrafficPolicy,
 * GEP-3388; the rules gammatop-sim's controller writes, src/sim/controller_policy.c):
 *  - Accepted: Invalid for a target that is not a core Service (or, for BackendTLSPolicy,
 *    only UDP ports, or wellKnownCACertificates other than System); TargetNotFound for a
 *    missing Service or a sectionName that names none of its ports; Conflicted when an older
 *    policy of the same kind (creationTimestamp, then namespace/name) targets the same
 *    Service (and, for BackendTLSPolicy, the same sectionName); NoValidCACertificate when no
 *    caCertificateRef is a core ConfigMap;
 *  - ResolvedRefs (BackendTLSPolicy): InvalidKind for a caCertificateRef that is not a core
 *    ConfigMap. Whether the ConfigMap exists and holds a PEM ca.crt is not known to gammatop
 *    (it does not read ConfigMap data), so it is not judged;
 *  - ancestors: the Gateway of every route accepted on a Gateway or ListenerSet parent that
 *    sends traffic to a targeted Service, and for mesh routes (Service parents) the XMesh
 *    when the cluster has exactly one; sorted, at most 16 (PolicyStatus.ancestors MaxItems);
 *  - every backend of a route whose Service an accepted policy targets points to it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/lint.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/xalloc.h"
#include "topology_int.h"

struct judging {
	const char *acc_reason; /* NULL: accepted */
	char acc_msg[400];
	const char *refs_reason; /* NULL: resolved */
	char refs_msg[400];
};

static void fail(struct judging *j, const char *reason, const char *msg)
{
	if (j->acc_reason)
		return;
	j->acc_reason = reason;
	snprintf(j->acc_msg, sizeof j->acc_msg, "%s", msg);
}

/* Same Service, and for BackendTLSPolicy the same sectionName (one with and one without a
 * sectionName do not conflict). */
static bool same_target(const struct gt_policy_target *a, const struct gt_policy_target *b,
                        bool section)
{
	return str_eq(a->kind, b->kind) && topology_is_core_group(a->group) &&
	       topology_is_core_group(b->group) && str_eq(a->name, b->name) &&
	       (!section || str_eq(a->section_name, b->section_name));
}

static void check_targets(struct build *b, const struct gt_object *o, struct judging *j,
                          const struct gt_object *const *same_kind, size_t n_same)
{
	const struct gt_policy *p = &o->u.pol;
	bool btls = o->kind == GT_BACKENDTLSPOLICY;
	const char *ns = object_ns(o);
	char msg[400];
	for (size_t i = 0; i < p->n_targets; i++) {
		const struct gt_policy_target *t = &p->targets[i];
		if (!str_eq(t->kind, "Service") || !topology_is_core_group(t->group)) {
			snprintf(msg, sizeof msg, "targetRefs[%zu]: kind %.60s is not supported", i,
			         str_or(t->kind, "?"));
			fail(j, "Invalid", msg);
			continue;
		}
		size_t si;
		if (!topology_index_get(&b->services, ns, t->name, &si)) {
			snprintf(msg, sizeof msg, "Service %.100s/%.100s not found", ns, str_or(t->name, ""));
			fail(j, "TargetNotFound", msg);
			continue;
		}
		const struct gt_service *svc = &b->t->services[si].obj->u.svc;
		const char *section = btls ? t->section_name : NULL;
		bool found = !section, udp = svc->n_ports > 0;
		for (size_t k = 0; k < svc->n_ports; k++) {
			bool this = !section || str_eq(svc->ports[k].name, section);
			found |= this && section;
			if (this)
				udp &= str_eq(svc->ports[k].protocol, "UDP");
		}
		if (!found) {
			snprintf(msg, sizeof msg, "Service %.100s/%.100s has no port named %.60s", ns,
			         str_or(t->name, ""), section);
			fail(j, "TargetNotFound", msg);
		} else if (btls && udp) {
			snprintf(msg, sizeof msg, "Service %.100s/%.100s: TLS cannot apply to a UDP port", ns,
			         str_or(t->name, ""));
			fail(j, "Invalid", msg);
		}
		/* an older policy of the same kind on the same target wins; the list is sorted by
		 * namespace (store_list), so only the run of this namespace is looked at */
		size_t lo = 0, hi = n_same;
		while (lo < hi) { /* the first policy of namespace ns */
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(object_ns(same_kind[mid]), ns) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t q = lo; q < n_same && str_eq(object_ns(same_kind[q]), ns); q++) {
			const struct gt_object *other = same_kind[q];
			if (other == o || topology_older(other, o) >= 0)
				continue;
			for (size_t k = 0; k < other->u.pol.n_targets; k++)
				if (same_target(&other->u.pol.targets[k], t, btls)) {
					snprintf(msg, sizeof msg, "conflicts with the older %s %.100s/%.100s",
					         kind_name(o->kind), object_ns(other),
					         str_or(other->meta.name, ""));
					fail(j, "Conflicted", msg);
				}
		}
	}
}

static void judge_btls(const struct gt_object *o, struct judging *j)
{
	const struct gt_policy *p = &o->u.pol;
	char msg[400];
	if (p->well_known_ca && *p->well_known_ca && !str_eq(p->well_known_ca, "System")) {
		snprintf(msg, sizeof msg, "wellKnownCACertificates %.60s is not supported",
		         p->well_known_ca);
		fail(j, "Invalid", msg);
	}
	size_t good = 0;
	for (size_t i = 0; i < p->n_ca_refs; i++) {
		const struct gt_object_ref *r = &p->ca_refs[i];
		if (topology_is_core_group(r->group) && str_eq(r->kind, "ConfigMap")) {
			good++;
			continue;
		}
		if (!j->refs_reason) {
			j->refs_reason = "InvalidKind";
			snprintf(j->refs_msg, sizeof j->refs_msg,
			         "caCertificateRefs[%zu]: kind %.60s%s%.60s is not a core ConfigMap", i,
			         topology_is_core_group(r->group) ? "" : r->group,
			         topology_is_core_group(r->group) ? "" : "/", str_or(r->kind, "?"));
		}
	}
	if (p->n_ca_refs > 0 && good == 0)
		fail(j, "NoValidCACertificate", "no caCertificateRef is valid");
}

static int ancestor_cmp(const void *x, const void *y)
{
	const struct topo_ancestor *a = x, *b = y;
	int c = strcmp(a->kind, b->kind);
	if (!c)
		c = strcmp(str_or(a->ns, ""), str_or(b->ns, ""));
	return c ? c : strcmp(a->name, b->name);
}

static bool ref_names(const struct gt_parent_ref *r, const struct topo_ancestor *a)
{
	return str_eq(r->kind, a->kind) && str_eq(r->name, a->name) &&
	       (!a->ns || str_eq(r->namespace_, a->ns));
}

static void add_ancestor(struct topo_ancestor **v, size_t *n, size_t *cap,
                         const struct gt_object *obj, const char *kind, const char *ns,
                         const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].obj == obj && str_eq((*v)[i].kind, kind) && str_eq((*v)[i].name, name))
			return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = (struct topo_ancestor){obj, kind, ns ? xstrdup(ns) : NULL, xstrdup(name), NULL};
}

/* The ancestors of policy tp: through the routes that send traffic to its Services. */
static void ancestors_of(struct build *b, struct topo_policy *tp)
{
	struct gt_topology *t = b->t;
	const struct gt_policy *p = &tp->obj->u.pol;
	const char *ns = object_ns(tp->obj);
	struct topo_ancestor *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < p->n_targets; i++) {
		size_t si;
		if (!str_eq(p->targets[i].kind, "Service") || !topology_is_core_group(p->targets[i].group) ||
		    !topology_index_get(&b->services, ns, p->targets[i].name, &si))
			continue;
		const struct topo_service *ts = &t->services[si];
		for (size_t k = 0; k < ts->n_backend_of; k++) {
			const struct topo_route *tr = &t->routes[ts->backend_of[k]];
			for (size_t pi = 0; pi < tr->n_parents; pi++) {
				const struct topo_parent *par = &tr->parents[pi];
				if (!par->attached || !par->target)
					continue;
				const struct gt_object *gw = par->target;
				if (gw->kind == GT_LISTENERSET) {
					const struct topo_listenerset *ls =
						topology_find_listenerset(t, object_ns(gw), gw->meta.name);
					gw = ls && ls->gateway >= 0 ? t->gateways[ls->gateway].obj : NULL;
				}
				if (gw && gw->kind == GT_GATEWAY)
					add_ancestor(&v, &n, &cap, gw, "Gateway", object_ns(gw), gw->meta.name);
				else if (par->role != TOPO_GATEWAY && t->n_meshes == 1)
					add_ancestor(&v, &n, &cap, NULL, "XMesh", NULL, t->meshes[0]->meta.name);
			}
		}
	}
	if (n > 1)
		qsort(v, n, sizeof *v, ancestor_cmp);
	tp->n_ancestors_all = n;
	for (size_t i = TOPO_MAX_ANCESTORS; i < n; i++) {
		free(v[i].ns);
		free(v[i].name);
	}
	tp->n_ancestors = n > TOPO_MAX_ANCESTORS ? TOPO_MAX_ANCESTORS : n;
	tp->ancestors = v;
	for (size_t i = 0; i < tp->n_ancestors; i++)
		for (size_t r = 0; r < p->n_ancestors && !v[i].reported; r++)
			if (ref_names(&p->ancestors[r].ref, &v[i]))
				v[i].reported = &p->ancestors[r];
}

static void policy_findings(struct build *b, const struct topo_policy *tp)
{
	char id[512];
	object_id(tp->obj, id, sizeof id);
	const struct topo_condition *acc = topo_conditions_find(&tp->conditions, "Accepted");
	if (!tp->accepted)
		findings_add(&b->t->findings, LINT_POLICY_NOT_ACCEPTED, id, "spec.targetRefs",
		             "%s is not accepted: %s (%s)", kind_name(tp->obj->kind), acc->reason,
		             acc->message);
	const struct gt_policy *p = &tp->obj->u.pol;
	for (size_t i = 0; i < tp->n_ancestors; i++) {
		const struct topo_ancestor *a = &tp->ancestors[i];
		if (!a->reported) {
			if (p->n_ancestors > 0 && p->n_ancestors < TOPO_MAX_ANCESTORS)
				findings_add(&b->t->findings, LINT_POLICY_STATUS_DISAGREES, id,
				             "status.ancestors",
				             "no status for ancestor %s %s%s%s, which routes traffic to a target",
				             a->kind, a->ns ? a->ns : "", a->ns ? "/" : "", a->name);
			continue;
		}
		const struct gt_condition *rc = conditions_find(&a->reported->conditions, "Accepted");
		if (rc && !str_eq(rc->status, "Unknown") && !str_eq(rc->status, acc->status))
			findings_add(&b->t->findings, LINT_POLICY_STATUS_DISAGREES, id,
			             "status.ancestors",
			             "ancestor %s %s%s%s: the controller reports Accepted %s (%s), gammatop "
			             "computes %s %s (%s)",
			             a->kind, a->ns ? a->ns : "", a->ns ? "/" : "", a->name,
			             rc->status, str_or(rc->reason, ""), acc->status, acc->reason,
			             acc->message);
	}
	for (size_t r = 0; r < p->n_ancestors && tp->n_ancestors_all <= TOPO_MAX_ANCESTORS; r++) {
		const struct gt_parent_ref *ref = &p->ancestors[r].ref;
		bool known = false;
		for (size_t i = 0; i < tp->n_ancestors && !known; i++)
			known = ref_names(ref, &tp->ancestors[i]);
		if (!known && (str_eq(ref->kind, "Gateway") || str_eq(ref->kind, "XMesh")))
			findings_add(&b->t->findings, LINT_POLICY_STATUS_DISAGREES, id,
			             "status.ancestors",
			             "status lists ancestor %s %s/%s, but no route gammatop sees sends "
			             "traffic through it to a target",
			             str_or(ref->kind, "?"), str_or(ref->namespace_, ""),
			             str_or(ref->name, ""));
	}
}

void topology_policies_build(struct build *b, struct gt_store *s)
{
	struct gt_topology *t = b->t;
	size_t n_btls, n_xbtp;
	const struct gt_object *const *btls = store_list(s, GT_BACKENDTLSPOLICY, &n_btls);
	const struct gt_object *const *xbtp = store_list(s, GT_XBACKENDTRAFFICPOLICY, &n_xbtp);
	t->n_policies = n_btls + n_xbtp;
	t->policies = xcalloc(t->n_policies ? t->n_policies : 1, sizeof *t->policies);
	/* per Service: the accepted policy of each kind that applies to its backends */
	/* per Service: its accepted BackendTLSPolicy targets (a list, as a sectionName narrows
	 * one to a port) and its oldest accepted XBackendTrafficPolicy */
	struct tls_node {
		const struct gt_object *pol;
		const char *section; /* NULL: the whole Service */
		long next;
	} *nodes = NULL;
	size_t n_nodes = 0;
	long *tls_head = xcalloc(t->n_services + 1, sizeof *tls_head);
	for (size_t i = 0; i < t->n_services; i++)
		tls_head[i] = -1;
	const struct gt_object **traffic_of = xcalloc(t->n_services + 1, sizeof *traffic_of);
	for (size_t i = 0; i < t->n_policies; i++) {
		struct topo_policy *tp = &t->policies[i];
		bool is_btls = i < n_btls;
		tp->obj = object_ref(is_btls ? btls[i] : xbtp[i - n_btls]);
		struct judging j = {0};
		check_targets(b, tp->obj, &j, is_btls ? btls : xbtp, is_btls ? n_btls : n_xbtp);
		if (is_btls)
			judge_btls(tp->obj, &j);
		tp->accepted = !j.acc_reason;
		tp->resolved_refs = !j.refs_reason;
		const char *ok_msg = "Policy is accepted";
		if (!is_btls && tp->obj->u.pol.session_persistence)
			ok_msg = "Policy is accepted (sessionPersistence is applied by the data plane; "
			         "gammatop does not check it)";
		topology_cond(&tp->conditions, "Accepted", tp->accepted,
		              tp->accepted ? "Accepted" : j.acc_reason, "%s",
		              tp->accepted ? ok_msg : j.acc_msg);
		if (is_btls)
			topology_cond(&tp->conditions, "ResolvedRefs", tp->resolved_refs,
			              tp->resolved_refs ? "ResolvedRefs" : j.refs_reason, "%s",
			              tp->resolved_refs ? "Resolved all references" : j.refs_msg);
		ancestors_of(b, tp);
		if (!tp->accepted)
			continue;
		const struct gt_policy *p = &tp->obj->u.pol;
		for (size_t k = 0; k < p->n_targets; k++) {
			size_t si;
			if (!topology_index_get(&b->services, object_ns(tp->obj), p->targets[k].name, &si))
				continue;
			if (is_btls) {
				nodes = xreallocarray(nodes, n_nodes + 1, sizeof *nodes);
				nodes[n_nodes] = (struct tls_node){tp->obj, p->targets[k].section_name,
				                                   tls_head[si]};
				tls_head[si] = (long)n_nodes++;
			} else if (!traffic_of[si] || topology_older(tp->obj, traffic_of[si]) < 0) {
				traffic_of[si] = tp->obj;
			}
		}
	}
	for (size_t ri = 0; ri < t->n_routes && t->n_policies; ri++) {
		struct topo_route *tr = &t->routes[ri];
		for (size_t k = 0; k < tr->n_rules; k++)
			for (size_t bi = 0; bi < tr->rules[k].n_backends; bi++) {
				struct topo_backend *tb = &tr->rules[k].backends[bi];
				size_t si;
				if (!tb->service ||
				    !topology_index_get(&b->services, object_ns(tb->service),
				                        tb->service->meta.name, &si))
					continue;
				tb->traffic_policy = traffic_of[si];
				/* the port's name, for a sectionName (a policy on that port wins over one on
				 * the whole Service; then the older one) */
				const struct gt_service *svc = &tb->service->u.svc;
				const char *port_name = NULL;
				for (size_t pi = 0; pi < svc->n_ports; pi++)
					if (svc->ports[pi].port == tb->ref->port)
						port_name = svc->ports[pi].name;
				const struct gt_object *best = NULL;
				bool best_section = false;
				for (long nx = tls_head[si]; nx >= 0; nx = nodes[nx].next) {
					const struct tls_node *nd = &nodes[nx];
					if (nd->section && !str_eq(nd->section, port_name))
						continue;
					bool sec = nd->section != NULL;
					if (!best || (sec && !best_section) ||
					    (sec == best_section && topology_older(nd->pol, best) < 0)) {
						best = nd->pol;
						best_section = sec;
					}
				}
				tb->tls_policy = best;
			}
	}
	free(nodes);
	free(tls_head);
	free(traffic_of);
	for (size_t i = 0; i < t->n_policies; i++)
		policy_findings(b, &t->policies[i]);
}
