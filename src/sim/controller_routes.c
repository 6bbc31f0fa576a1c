/* controller_routes.c: route attachment and status.parents for HTTPRoute, GRPCRoute,
 * TLSRoute, TCPRoute and UDPRoute, written from Gateway API v1.6.1 (apis/v1/shared_types.go
 * route conditions, GEP-1713 "Summary of Attachments", the conformance tests;
 * ../research/gateway-api-v1.6.md §2.3, §4-6):
 *  - a Gateway parentRef sees only the Gateway's own listeners, a ListenerSet parentRef only
 *    that ListenerSet's; sectionName and port must both match one listener (else
 *    NoMatchingParent); the listener must allow the route's namespace ("Same" is the
 *    listener owner's namespace) and list the route's kind in supportedKinds (else
 *    NotAllowedByListeners, also for a TLSRoute on an HTTP listener, as TLSRoute tests want);
 *    hostnames must intersect for HTTP, gRPC and TLS routes (else NoMatchingListenerHostname);
 *  - a ListenerSet its Gateway does not take has nowhere to attach: NoMatchingParent (the
 *    spec leaves this open);
 *  - ResolvedRefs is judged whatever Accepted says: kind Service only (InvalidKind), then a
 *    ReferenceGrant for a cross-namespace backend of a Gateway or ListenerSet route
 *    (RefNotPermitted), then existence (BackendNotFound);
 *  - attachedRoutes counts an Accepted route once on every listener it attaches to. */
#include "config.h"
#include "controller_int.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <string.h>

static bool route_has_hostnames(enum sim_res r)
{
	return r == RES_HTTPROUTE || r == RES_GRPCROUTE || r == RES_TLSROUTE;
}

/* Attach route (of resource r) through parentRef pref to the listeners ls[0..n) owned by a
 * resource in owner_ns (what: "Gateway ns/name" or "ListenerSet ns/name"). */
static bool attach_to(struct rc *rc, enum sim_res r, const json_t *route, const json_t *pref,
                      struct lmodel *ls, size_t n, const char *owner_ns, const char *what,
                      const char **reason, char *msg, size_t msglen)
{
	const char *kind = resource_get(r)->kind;
	const char *rns = controller_str(meta_str(route, "namespace"));
	const char *section = json_str(pref, "sectionName");
	json_int_t port = json_integer_value(json_object_get(pref, "port"));
	const json_t *ns_obj = objects_get(&rc->s->objs, RES_NAMESPACE, NULL, rns);
	const json_t *ns_labels = json_object_get(json_object_get(ns_obj, "metadata"), "labels");
	const json_t *hosts = route_has_hostnames(r) ? json_object_get(json_object_get(route, "spec"), "hostnames") : NULL;
	int selected = 0, allowed = 0, attached = 0;
	for (size_t i = 0; i < n; i++) {
		struct lmodel *l = &ls[i];
		if (section && strcmp(section, l->name) != 0)
			continue;
		if (port && port != l->port)
			continue;
		selected++;
		const json_t *nsel = json_object_get(json_object_get(l->spec, "allowedRoutes"), "namespaces");
		const char *from = json_str(nsel, "from") ? json_str(nsel, "from") : "Same";
		bool ns_ok = strcmp(from, "All") == 0 || (strcmp(from, "Same") == 0 && strcmp(rns, owner_ns) == 0) ||
		             (strcmp(from, "Selector") == 0 &&
		              controller_labels_match(ns_labels, json_object_get(nsel, "selector")));
		bool kind_ok = false;
		for (size_t k = 0; k < l->n_kinds; k++)
			kind_ok |= strcmp(l->kinds[k], kind) == 0;
		if (!ns_ok || !kind_ok)
			continue;
		allowed++;
		bool host_ok = json_array_size(hosts) == 0;
		size_t h;
		json_t *hv;
		json_array_foreach(hosts, h, hv)
			host_ok |= controller_hostnames_intersect(l->hostname, json_string_value(hv));
		if (!host_ok)
			continue;
		attached++;
		if (rc->count)
			l->attached++;
	}
	if (selected == 0) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "no listener of %s matches sectionName/port", what);
		return false;
	}
	if (allowed == 0) {
		*reason = "NotAllowedByListeners";
		snprintf(msg, msglen, "no listener of %s allows %s from namespace %s", what, kind, rns);
		return false;
	}
	if (attached == 0) {
		*reason = "NoMatchingListenerHostname";
		snprintf(msg, msglen, "no hostname of the route matches a listener of %s", what);
		return false;
	}
	*reason = "Accepted";
	snprintf(msg, msglen, "Route is accepted");
	return true;
}

/* Index of ns/name in resource r's table, or -1. */
static long find(struct rc *rc, enum sim_res r, const char *ns, const char *name)
{
	const struct obj_table *t = &rc->s->objs.tables[r];
	size_t i = objects_lower_bound(&rc->s->objs, r, ns, name, true);
	if (i >= t->n || strcmp(t->v[i].ns, ns) != 0 || strcmp(t->v[i].name, name) != 0)
		return -1;
	return (long)i;
}

static bool attach_gateway(struct rc *rc, enum sim_res r, const json_t *route, const json_t *pref,
                           long *gw, const char **reason, char *msg, size_t msglen)
{
	const char *rns = controller_str(meta_str(route, "namespace"));
	const char *gns = json_str(pref, "namespace") ? json_str(pref, "namespace") : rns;
	const char *gname = controller_str(json_str(pref, "name"));
	char what[600];
	snprintf(what, sizeof what, "Gateway %s/%s", gns, gname);
	*gw = find(rc, RES_GATEWAY, gns, gname);
	if (*gw < 0 || (size_t)*gw >= rc->n_gws) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "%s not found", what);
		return false;
	}
	struct gmodel *g = &rc->gws[*gw];
	return attach_to(rc, r, route, pref, g->ls, g->n, g->ns, what, reason, msg, msglen);
}

static bool attach_listenerset(struct rc *rc, enum sim_res r, const json_t *route, const json_t *pref,
                               long *gw, const char **reason, char *msg, size_t msglen)
{
	const char *rns = controller_str(meta_str(route, "namespace"));
	const char *lns = json_str(pref, "namespace") ? json_str(pref, "namespace") : rns;
	const char *lname = controller_str(json_str(pref, "name"));
	char what[600];
	snprintf(what, sizeof what, "ListenerSet %s/%s", lns, lname);
	long li = find(rc, RES_LISTENERSET, lns, lname);
	*gw = -1;
	if (li < 0 || (size_t)li >= rc->n_lss) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "%s not found", what);
		return false;
	}
	struct smodel *m = &rc->lss[li];
	if (m->reason) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "%s is not attached to a Gateway (%s)", what, m->reason);
		return false;
	}
	*gw = m->gw;
	return attach_to(rc, r, route, pref, m->ls, m->n, m->ns, what, reason, msg, msglen);
}

static bool attach_service(struct rc *rc, const json_t *route, const json_t *pref,
                           const char **reason, char *msg, size_t msglen)
{
	const char *rns = controller_str(meta_str(route, "namespace"));
	const char *sns = json_str(pref, "namespace") ? json_str(pref, "namespace") : rns;
	const char *name = controller_str(json_str(pref, "name"));
	const json_t *svc = objects_get(&rc->s->objs, RES_SERVICE, sns, name);
	if (!svc) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "Service %s/%s not found", sns, name);
		return false;
	}
	json_int_t port = json_integer_value(json_object_get(pref, "port"));
	if (port) {
		bool found = false;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(json_object_get(svc, "spec"), "ports"), i, p)
			found |= json_integer_value(json_object_get(p, "port")) == port;
		if (!found) {
			*reason = "NoMatchingParent";
			snprintf(msg, msglen, "Service %s/%s has no port %lld", sns, name, (long long)port);
			return false;
		}
	}
	*reason = "Accepted";
	snprintf(msg, msglen, "Route is accepted");
	return true;
}

enum parent_kind { P_GATEWAY, P_LISTENERSET, P_SERVICE, P_OTHER };

static enum parent_kind parent_kind(const json_t *p)
{
	const char *pk = json_str(p, "kind") ? json_str(p, "kind") : "Gateway";
	const char *pg = json_str(p, "group") ? json_str(p, "group") : SIM_GW_GROUP;
	if (strcmp(pg, SIM_GW_GROUP) == 0)
		return strcmp(pk, "Gateway") == 0 ? P_GATEWAY : strcmp(pk, "ListenerSet") == 0 ? P_LISTENERSET : P_OTHER;
	if ((!pg[0] || strcmp(pg, "core") == 0) && strcmp(pk, "Service") == 0)
		return P_SERVICE;
	return P_OTHER;
}

/* Attach through parentRef p; *gw: the Gateway behind a Gateway or ListenerSet parent. */
static bool attach(struct rc *rc, enum sim_res r, const json_t *route, const json_t *p, long *gw,
                   const char **reason, char *msg, size_t msglen)
{
	*gw = -1;
	switch (parent_kind(p)) {
	case P_GATEWAY: return attach_gateway(rc, r, route, p, gw, reason, msg, msglen);
	case P_LISTENERSET: return attach_listenerset(rc, r, route, p, gw, reason, msg, msglen);
	case P_SERVICE: return attach_service(rc, route, p, reason, msg, msglen);
	default:
		*reason = "UnsupportedValue";
		snprintf(msg, msglen, "parent kind %s is not supported", controller_str(json_str(p, "kind")));
		return false;
	}
}

/* ResolvedRefs for the route's backendRefs; gateway: cross-namespace refs need a grant. */
static bool resolve_refs(struct rc *rc, const json_t *route, const char *kind, bool gateway,
                         const char **reason, char *msg, size_t msglen)
{
	const char *rns = controller_str(meta_str(route, "namespace"));
	size_t i, j;
	json_t *rule, *b;
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "rules"), i, rule) {
		json_array_foreach(json_object_get(rule, "backendRefs"), j, b) {
			const char *bk = json_str(b, "kind") ? json_str(b, "kind") : "Service";
			const char *bg = json_str(b, "group") ? json_str(b, "group") : "";
			const char *bn = controller_str(json_str(b, "name"));
			const char *bns = json_str(b, "namespace") ? json_str(b, "namespace") : rns;
			if (strcmp(bk, "Service") != 0 || (bg[0] && strcmp(bg, "core") != 0)) {
				*reason = "InvalidKind";
				snprintf(msg, msglen, "spec.rules[%zu].backendRefs[%zu]: unsupported kind %s", i, j, bk);
				return false;
			}
			if (gateway && strcmp(bns, rns) != 0 && !controller_grant_allows(rc->s, kind, rns, "Service", bns, bn)) {
				*reason = "RefNotPermitted";
				snprintf(msg, msglen, "spec.rules[%zu].backendRefs[%zu]: reference to Service %s/%s not permitted by any ReferenceGrant", i, j, bns, bn);
				return false;
			}
			if (!objects_get(&rc->s->objs, RES_SERVICE, bns, bn)) {
				*reason = "BackendNotFound";
				snprintf(msg, msglen, "spec.rules[%zu].backendRefs[%zu]: Service %s/%s not found", i, j, bns, bn);
				return false;
			}
		}
	}
	*reason = "ResolvedRefs";
	snprintf(msg, msglen, "Resolved all the Object references for the Route");
	return true;
}

static bool is_ours(struct sim *s, const char *controller)
{
	return controller && strcmp(controller, controller_name(s)) == 0;
}

void controller_routes_reconcile(struct rc *rc, enum sim_res r, const json_t *route)
{
	struct sim *s = rc->s;
	const char *kind = resource_get(r)->kind;
	json_int_t gen = controller_gen(route);
	json_t *old_parents = json_object_get(json_object_get(route, "status"), "parents");
	json_t *parents = json_array();
	size_t i;
	json_t *p;
	/* entries of other controllers stay */
	json_array_foreach(old_parents, i, p)
		if (!is_ours(s, json_str(p, "controllerName")))
			json_array_append(parents, p);
	bool lie = controller_wrong_status(s, resource_get(r)->singular, route);
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "parentRefs"), i, p) {
		const char *reason, *rreason;
		char msg[768], rmsg[768];
		long gw;
		enum parent_kind pk = parent_kind(p);
		bool ok = attach(rc, r, route, p, &gw, &reason, msg, sizeof msg);
		bool listeners = pk == P_GATEWAY || pk == P_LISTENERSET;
		bool refs = resolve_refs(rc, route, kind, listeners, &rreason, rmsg, sizeof rmsg);
		if (lie) {
			ok = !ok;
			reason = ok ? "Accepted" : listeners ? "NotAllowedByListeners" : "NoMatchingParent";
			snprintf(msg, sizeof msg, "%s", ok ? "Route is accepted"
			         : listeners ? "Route is not allowed by any listener" : "parent Service not found");
		}
		json_t *conds = json_array();
		json_array_append_new(conds, controller_cond("Accepted", ok, reason, msg, gen, rc->now));
		json_array_append_new(conds, controller_cond("ResolvedRefs", refs, rreason, rmsg, gen, rc->now));
		/* carry transition times from the previous entry for the same parentRef */
		size_t k;
		json_t *op;
		json_array_foreach(old_parents, k, op)
			if (is_ours(s, json_str(op, "controllerName")) && json_equal(json_object_get(op, "parentRef"), p))
				controller_carry_times(conds, json_object_get(op, "conditions"));
		json_array_append_new(parents, json_pack("{s:O, s:s, s:o}", "parentRef", p, "controllerName",
		                                         controller_name(s), "conditions", conds));
	}
	const json_t *old_st = json_object_get(route, "status");
	json_t *st = json_is_object(old_st) ? json_copy((json_t *)old_st) : json_object();
	json_object_set_new(st, "parents", parents);
	controller_write_status(s, r, route, st);
}

void controller_routes_count(struct rc *rc)
{
	const char *reason;
	char msg[768];
	long gw;
	for (int r = 0; r < RES_COUNT; r++) {
		if (!resource_is_route(r))
			continue;
		const struct obj_table *t = &rc->s->objs.tables[r];
		for (size_t i = 0; i < t->n; i++) {
			size_t k;
			json_t *p;
			json_array_foreach(json_object_get(json_object_get(t->v[i].obj, "spec"), "parentRefs"), k, p) {
				enum parent_kind pk = parent_kind(p);
				if (pk == P_GATEWAY || pk == P_LISTENERSET)
					attach(rc, r, t->v[i].obj, p, &gw, &reason, msg, sizeof msg);
			}
		}
	}
}

static void add_use(struct rc *rc, const char *svc_ns, const char *svc_name, struct ancestor a)
{
	if (rc->n_uses == rc->cap_uses) {
		rc->cap_uses = rc->cap_uses ? rc->cap_uses * 2 : 64;
		rc->uses = xrealloc(rc->uses, rc->cap_uses * sizeof *rc->uses);
	}
	rc->uses[rc->n_uses++] = (struct anc_use){svc_ns, svc_name, a};
}

void controller_routes_uses(struct rc *rc)
{
	bool count = rc->count;
	rc->count = false;
	const char *reason;
	char msg[768];
	for (int r = 0; r < RES_COUNT; r++) {
		if (!resource_is_route(r))
			continue;
		const struct obj_table *t = &rc->s->objs.tables[r];
		for (size_t i = 0; i < t->n; i++) {
			const json_t *route = t->v[i].obj;
			const char *rns = controller_str(meta_str(route, "namespace"));
			size_t k;
			json_t *p;
			json_array_foreach(json_object_get(json_object_get(route, "spec"), "parentRefs"), k, p) {
				long gw;
				if (!attach(rc, r, route, p, &gw, &reason, msg, sizeof msg))
					continue;
				struct ancestor a;
				if (gw >= 0 && (size_t)gw < rc->n_gws)
					a = (struct ancestor){SIM_GW_GROUP, "Gateway", rc->gws[gw].ns, rc->gws[gw].name};
				else if (parent_kind(p) == P_SERVICE && rc->mesh[0])
					a = (struct ancestor){SIM_X_GROUP, "XMesh", NULL, rc->mesh};
				else
					continue;
				size_t ri, bi;
				json_t *rule, *b;
				json_array_foreach(json_object_get(json_object_get(route, "spec"), "rules"), ri, rule)
					json_array_foreach(json_object_get(rule, "backendRefs"), bi, b)
						add_use(rc, json_str(b, "namespace") ? json_str(b, "namespace") : rns,
						        controller_str(json_str(b, "name")), a);
			}
		}
	}
	rc->count = count;
}
