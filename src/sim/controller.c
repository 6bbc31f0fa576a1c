/* controller.c: the simulator acting as the cluster's controllers: it writes GatewayClass
 * Accepted, Gateway Accepted/Programmed with per-listener attachedRoutes, route
 * status.parents (Accepted with the spec's reasons: NoMatchingParent, NotAllowedByListeners,
 * NoMatchingListenerHostname; ResolvedRefs: BackendNotFound, RefNotPermitted, InvalidKind),
 * and keeps one proxy Pod per namespace that has routes. It can lie on purpose (--wrong-status
 * or the sim.gammatop.dev/wrong-status annotation) to exercise the console's "controller
 * disagrees" finding. Status writes bump resourceVersion (MODIFIED events), never generation. */
#include "config.h"
#include "sim.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traffic_glue.h"

const char *controller_name(const struct sim *s)
{
	return s->mesh == 0 ? "linkerd.io/gateway-controller"
	       : s->mesh == 1 ? "istio.io/gateway-controller"
	                      : "gateway.envoyproxy.io/gatewayclass-controller";
}

struct gw_counts {
	int *attached; /* per listener */
	size_t n;
};

struct rc {
	struct sim *s;
	struct gw_counts *gws; /* parallel to the Gateway table; NULL: do not count */
	size_t n_gws;
	char now[32];
};

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static json_t *cond(const char *type, bool ok, const char *reason, const char *msg, json_int_t gen,
                    const char *now)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "type", type, "status", ok ? "True" : "False",
	                 "reason", reason, "message", msg, "observedGeneration", gen,
	                 "lastTransitionTime", now);
}

/* Keep lastTransitionTime of conditions that did not change. */
static void carry_times(json_t *conds, const json_t *old_conds)
{
	size_t i, j;
	json_t *c, *o;
	json_array_foreach(conds, i, c) {
		json_array_foreach(old_conds, j, o) {
			if (strcmp(str_or_empty(json_str(o, "type")), json_str(c, "type")) == 0 &&
			    strcmp(str_or_empty(json_str(o, "status")), json_str(c, "status")) == 0 &&
			    json_str(o, "lastTransitionTime")) {
				json_object_set(c, "lastTransitionTime", json_object_get(o, "lastTransitionTime"));
				break;
			}
		}
	}
}

static bool wrong_status_wanted(struct sim *s, const char *kind_id, const json_t *route)
{
	json_t *ann = json_object_get(json_object_get(route, "metadata"), "annotations");
	const char *a = json_string_value(json_object_get(ann, SIM_ANN_WRONG_STATUS));
	if (a && strcmp(a, "true") == 0)
		return true;
	char id[600], id2[600];
	snprintf(id, sizeof id, "%s/%s/%s", kind_id, meta_str(route, "namespace"), meta_str(route, "name"));
	snprintf(id2, sizeof id2, "%s/%s", meta_str(route, "namespace"), meta_str(route, "name"));
	for (size_t i = 0; i < s->n_wrong_status; i++)
		if (strcmp(s->wrong_status[i], id) == 0 || strcmp(s->wrong_status[i], id2) == 0)
			return true;
	return false;
}

static bool labels_match(const json_t *labels, const json_t *selector)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(selector, "matchLabels"), k, v) {
		const char *have = json_string_value(json_object_get(labels, k));
		if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)) != 0)
			return false;
	}
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(selector, "matchExpressions"), i, e) {
		const char *key = json_str(e, "key"), *op = json_str(e, "operator");
		const char *have = key ? json_string_value(json_object_get(labels, key)) : NULL;
		bool in = false;
		size_t j;
		json_t *val;
		json_array_foreach(json_object_get(e, "values"), j, val)
			if (have && json_is_string(val) && strcmp(have, json_string_value(val)) == 0)
				in = true;
		if (!op || (strcmp(op, "In") == 0 && !in) || (strcmp(op, "NotIn") == 0 && in) ||
		    (strcmp(op, "Exists") == 0 && !have) || (strcmp(op, "DoesNotExist") == 0 && have))
			return false;
	}
	return true;
}

static bool hostnames_intersect(const char *lh, const char *rh)
{
	if (!lh || !*lh || !rh || !*rh)
		return true;
	if (strcmp(lh, rh) == 0)
		return true;
	if (lh[0] == '*' && lh[1] == '.') {
		size_t ls = strlen(lh + 1), rs = strlen(rh);
		if (rs > ls && strcmp(rh + rs - ls, lh + 1) == 0)
			return true;
	}
	if (rh[0] == '*' && rh[1] == '.') {
		size_t rs = strlen(rh + 1), ls = strlen(lh);
		if (ls > rs && strcmp(lh + ls - rs, rh + 1) == 0)
			return true;
		if (lh[0] == '*' && lh[1] == '.')
			return hostnames_intersect(rh, lh);
	}
	return false;
}

static bool kind_allowed(const json_t *listener, const char *kind)
{
	json_t *kinds = json_object_get(json_object_get(listener, "allowedRoutes"), "kinds");
	if (json_array_size(kinds) > 0) {
		size_t i;
		json_t *k;
		json_array_foreach(kinds, i, k)
			if (strcmp(str_or_empty(json_str(k, "kind")), kind) == 0)
				return true;
		return false;
	}
	const char *proto = str_or_empty(json_str(listener, "protocol"));
	return strcmp(proto, "HTTP") == 0 || strcmp(proto, "HTTPS") == 0;
}

/* Attach route to Gateway parent pref; fills reason/message; counts listeners. */
static bool attach_gateway(struct rc *rc, const json_t *route, const char *kind, const json_t *pref,
                           const char **reason, char *msg, size_t msglen)
{
	struct sim *s = rc->s;
	const char *rns = meta_str(route, "namespace");
	const char *gns = json_str(pref, "namespace") ? json_str(pref, "namespace") : rns;
	const char *gname = str_or_empty(json_str(pref, "name"));
	size_t gi = objects_lower_bound(&s->objs, RES_GATEWAY, gns, gname, true);
	const struct obj_table *gt = &s->objs.tables[RES_GATEWAY];
	if (gi >= gt->n || strcmp(gt->v[gi].ns, gns) != 0 || strcmp(gt->v[gi].name, gname) != 0) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "Gateway %s/%s not found", gns, gname);
		return false;
	}
	const json_t *gw = gt->v[gi].obj;
	const char *section = json_str(pref, "sectionName");
	json_int_t port = json_integer_value(json_object_get(pref, "port"));
	const json_t *ns_obj = objects_get(&s->objs, RES_NAMESPACE, NULL, rns);
	const json_t *ns_labels = json_object_get(json_object_get(ns_obj, "metadata"), "labels");
	json_t *hosts = json_object_get(json_object_get(route, "spec"), "hostnames");
	json_t *listeners = json_object_get(json_object_get(gw, "spec"), "listeners");
	size_t i;
	json_t *l;
	int selected = 0, allowed = 0, attached = 0;
	json_array_foreach(listeners, i, l) {
		if (section && strcmp(section, str_or_empty(json_str(l, "name"))) != 0)
			continue;
		if (port && port != json_integer_value(json_object_get(l, "port")))
			continue;
		selected++;
		json_t *from = json_object_get(json_object_get(json_object_get(l, "allowedRoutes"), "namespaces"), "from");
		const char *f = json_string_value(from) ? json_string_value(from) : "Same";
		bool ns_ok = strcmp(f, "All") == 0 || (strcmp(f, "Same") == 0 && strcmp(rns, gns) == 0) ||
		             (strcmp(f, "Selector") == 0 &&
		              labels_match(ns_labels, json_object_get(json_object_get(json_object_get(l, "allowedRoutes"), "namespaces"), "selector")));
		if (!ns_ok || !kind_allowed(l, kind))
			continue;
		allowed++;
		bool host_ok = json_array_size(hosts) == 0;
		size_t h;
		json_t *hv;
		json_array_foreach(hosts, h, hv)
			if (hostnames_intersect(json_str(l, "hostname"), json_string_value(hv)))
				host_ok = true;
		if (!host_ok)
			continue;
		attached++;
		if (rc->gws && gi < rc->n_gws && i < rc->gws[gi].n)
			rc->gws[gi].attached[i]++;
	}
	if (selected == 0) {
		*reason = "NoMatchingParent";
		snprintf(msg, msglen, "no listener of Gateway %s/%s matches sectionName/port", gns, gname);
		return false;
	}
	if (allowed == 0) {
		*reason = "NotAllowedByListeners";
		snprintf(msg, msglen, "no listener of Gateway %s/%s allows %s from namespace %s", gns, gname, kind, rns);
		return false;
	}
	if (attached == 0) {
		*reason = "NoMatchingListenerHostname";
		snprintf(msg, msglen, "no hostname of the route matches a listener of Gateway %s/%s", gns, gname);
		return false;
	}
	*reason = "Accepted";
	snprintf(msg, msglen, "Route is accepted");
	return true;
}

static bool attach_service(struct rc *rc, const json_t *route, const json_t *pref,
                           const char **reason, char *msg, size_t msglen)
{
	const char *rns = meta_str(route, "namespace");
	const char *sns = json_str(pref, "namespace") ? json_str(pref, "namespace") : rns;
	const char *name = str_or_empty(json_str(pref, "name"));
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

static bool grant_allows(struct sim *s, const char *from_ns, const char *kind, const char *to_ns,
                         const char *to_name)
{
	size_t lo, hi;
	objects_ns_range(&s->objs, RES_REFERENCEGRANT, to_ns, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const json_t *spec = json_object_get(s->objs.tables[RES_REFERENCEGRANT].v[i].obj, "spec");
		bool from_ok = false, to_ok = false;
		size_t j;
		json_t *f, *t;
		json_array_foreach(json_object_get(spec, "from"), j, f)
			from_ok |= strcmp(str_or_empty(json_str(f, "group")), SIM_GW_GROUP) == 0 &&
			           strcmp(str_or_empty(json_str(f, "kind")), kind) == 0 &&
			           strcmp(str_or_empty(json_str(f, "namespace")), from_ns) == 0;
		json_array_foreach(json_object_get(spec, "to"), j, t)
			to_ok |= str_or_empty(json_str(t, "group"))[0] == '\0' &&
			         strcmp(str_or_empty(json_str(t, "kind")), "Service") == 0 &&
			         (!json_str(t, "name") || strcmp(json_str(t, "name"), to_name) == 0);
		if (from_ok && to_ok)
			return true;
	}
	return false;
}

/* ResolvedRefs for the route's backendRefs; gateway: cross-namespace refs need a grant. */
static bool resolve_refs(struct rc *rc, const json_t *route, const char *kind, bool gateway,
                         const char **reason, char *msg, size_t msglen)
{
	const char *rns = meta_str(route, "namespace");
	size_t i, j;
	json_t *rule, *b;
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "rules"), i, rule) {
		json_array_foreach(json_object_get(rule, "backendRefs"), j, b) {
			const char *bk = json_str(b, "kind") ? json_str(b, "kind") : "Service";
			const char *bg = json_str(b, "group") ? json_str(b, "group") : "";
			const char *bn = str_or_empty(json_str(b, "name"));
			const char *bns = json_str(b, "namespace") ? json_str(b, "namespace") : rns;
			if (strcmp(bk, "Service") != 0 || (bg[0] && strcmp(bg, "core") != 0)) {
				*reason = "InvalidKind";
				snprintf(msg, msglen, "spec.rules[%zu].backendRefs[%zu]: unsupported kind %s", i, j, bk);
				return false;
			}
			if (!objects_get(&rc->s->objs, RES_SERVICE, bns, bn)) {
				*reason = "BackendNotFound";
				snprintf(msg, msglen, "spec.rules[%zu].backendRefs[%zu]: Service %s/%s not found", i, j, bns, bn);
				return false;
			}
			if (gateway && strcmp(bns, rns) != 0 && !grant_allows(rc->s, rns, kind, bns, bn)) {
				*reason = "RefNotPermitted";
				snprintf(msg, msglen, "spec.rules[%zu].backendRefs[%zu]: reference to Service %s/%s not permitted by any ReferenceGrant", i, j, bns, bn);
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
	return controller && (strcmp(controller, controller_name(s)) == 0);
}

/* Write obj's new status (stolen) if it differs from the stored one. */
static void write_status(struct sim *s, enum sim_res r, const json_t *obj, json_t *status)
{
	if (json_equal(json_object_get(obj, "status"), status)) {
		json_decref(status);
		return;
	}
	json_t *nw = json_copy((json_t *)obj);
	json_object_set_new(nw, "status", status);
	managed_track(r, obj, nw, MANAGED_CONTROLLER, "status");
	objects_put(&s->objs, r, nw);
}

static void reconcile_route(struct rc *rc, enum sim_res r, const json_t *route)
{
	struct sim *s = rc->s;
	const char *kind = resource_get(r)->kind;
	json_int_t gen = json_integer_value(json_object_get(json_object_get(route, "metadata"), "generation"));
	json_t *old_parents = json_object_get(json_object_get(route, "status"), "parents");
	json_t *parents = json_array();
	size_t i;
	json_t *p;
	/* entries of other controllers stay */
	json_array_foreach(old_parents, i, p)
		if (!is_ours(s, json_str(p, "controllerName")))
			json_array_append(parents, p);
	bool lie = wrong_status_wanted(s, r == RES_HTTPROUTE ? "httproute" : "grpcroute", route);
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "parentRefs"), i, p) {
		const char *pk = json_str(p, "kind") ? json_str(p, "kind") : "Gateway";
		const char *pg = json_str(p, "group") ? json_str(p, "group") : SIM_GW_GROUP;
		const char *reason, *rreason;
		char msg[512], rmsg[512];
		bool ok, gateway = false;
		if (strcmp(pk, "Gateway") == 0 && strcmp(pg, SIM_GW_GROUP) == 0) {
			gateway = true;
			ok = attach_gateway(rc, route, kind, p, &reason, msg, sizeof msg);
		} else if (strcmp(pk, "Service") == 0 && (!pg[0] || strcmp(pg, "core") == 0)) {
			ok = attach_service(rc, route, p, &reason, msg, sizeof msg);
		} else {
			ok = false;
			reason = "UnsupportedValue";
			snprintf(msg, sizeof msg, "parent kind %s is not supported", pk);
		}
		bool refs = resolve_refs(rc, route, kind, gateway, &rreason, rmsg, sizeof rmsg);
		if (lie) {
			ok = !ok;
			reason = ok ? "Accepted" : gateway ? "NotAllowedByListeners" : "NoMatchingParent";
			snprintf(msg, sizeof msg, "%s", ok ? "Route is accepted"
			         : gateway ? "Route is not allowed by any listener" : "parent Service not found");
		}
		json_t *conds = json_array();
		json_array_append_new(conds, cond("Accepted", ok, reason, msg, gen, rc->now));
		json_array_append_new(conds, cond("ResolvedRefs", refs, rreason, rmsg, gen, rc->now));
		/* carry transition times from the previous entry for the same parentRef */
		size_t k;
		json_t *op;
		json_array_foreach(old_parents, k, op)
			if (is_ours(s, json_str(op, "controllerName")) && json_equal(json_object_get(op, "parentRef"), p))
				carry_times(conds, json_object_get(op, "conditions"));
		json_array_append_new(parents, json_pack("{s:O, s:s, s:o}", "parentRef", p, "controllerName",
		                                         controller_name(s), "conditions", conds));
	}
	json_t *old_st = json_object_get(route, "status");
	json_t *st = json_is_object(old_st) ? json_copy(old_st) : json_object();
	json_object_set_new(st, "parents", parents);
	write_status(s, r, route, st);
}

static void reconcile_gateways(struct rc *rc)
{
	struct sim *s = rc->s;
	const struct obj_table *gt = &s->objs.tables[RES_GATEWAY];
	for (size_t gi = 0; gi < gt->n; gi++) {
		const json_t *gw = gt->v[gi].obj;
		json_int_t gen = json_integer_value(json_object_get(json_object_get(gw, "metadata"), "generation"));
		const char *cls = json_str(json_object_get(gw, "spec"), "gatewayClassName");
		bool ok = cls && objects_get(&s->objs, RES_GATEWAYCLASS, NULL, cls);
		json_t *old = json_object_get(gw, "status");
		json_t *conds = json_array();
		char msg[300];
		snprintf(msg, sizeof msg, ok ? "Gateway is accepted" : "GatewayClass %s not found", str_or_empty(cls));
		json_array_append_new(conds, cond("Accepted", ok, ok ? "Accepted" : "Invalid", msg, gen, rc->now));
		json_array_append_new(conds, cond("Programmed", ok, ok ? "Programmed" : "Invalid",
		                                  ok ? "Gateway is programmed" : msg, gen, rc->now));
		carry_times(conds, json_object_get(old, "conditions"));
		json_t *ls = json_array();
		size_t i;
		json_t *l;
		json_array_foreach(json_object_get(json_object_get(gw, "spec"), "listeners"), i, l) {
			json_t *lc = json_array();
			json_array_append_new(lc, cond("Accepted", ok, ok ? "Accepted" : "Invalid", ok ? "Listener is accepted" : msg, gen, rc->now));
			json_array_append_new(lc, cond("Programmed", ok, ok ? "Programmed" : "Invalid", ok ? "Listener is programmed" : msg, gen, rc->now));
			json_array_append_new(lc, cond("ResolvedRefs", true, "ResolvedRefs", "Resolved all references", gen, rc->now));
			json_t *ol = json_array_get(json_object_get(old, "listeners"), i);
			carry_times(lc, json_object_get(ol, "conditions"));
			json_t *kinds = json_array();
			if (kind_allowed(l, "HTTPRoute"))
				json_array_append_new(kinds, json_pack("{s:s, s:s}", "group", SIM_GW_GROUP, "kind", "HTTPRoute"));
			if (kind_allowed(l, "GRPCRoute"))
				json_array_append_new(kinds, json_pack("{s:s, s:s}", "group", SIM_GW_GROUP, "kind", "GRPCRoute"));
			int n = i < rc->gws[gi].n ? rc->gws[gi].attached[i] : 0;
			json_array_append_new(ls, json_pack("{s:s, s:o, s:i, s:o}", "name", str_or_empty(json_str(l, "name")),
			                                    "supportedKinds", kinds, "attachedRoutes", n, "conditions", lc));
		}
		unsigned h = 0;
		for (const char *c = gt->v[gi].name; *c; c++)
			h = h * 31 + (unsigned char)*c;
		char ip[32];
		snprintf(ip, sizeof ip, "172.18.%u.%u", (h >> 8) % 256, h % 250 + 2);
		json_t *st = json_pack("{s:[{s:s, s:s}], s:o, s:o}", "addresses", "type", "IPAddress", "value", ip,
		                       "conditions", conds, "listeners", ls);
		write_status(s, RES_GATEWAY, gw, st);
	}
}

static void reconcile_classes(struct rc *rc)
{
	struct sim *s = rc->s;
	const struct obj_table *t = &s->objs.tables[RES_GATEWAYCLASS];
	for (size_t i = 0; i < t->n; i++) {
		const json_t *gc = t->v[i].obj;
		json_int_t gen = json_integer_value(json_object_get(json_object_get(gc, "metadata"), "generation"));
		json_t *conds = json_array();
		json_array_append_new(conds, cond("Accepted", true, "Accepted", "GatewayClass is accepted", gen, rc->now));
		carry_times(conds, json_object_get(json_object_get(gc, "status"), "conditions"));
		write_status(s, RES_GATEWAYCLASS, gc, json_pack("{s:o}", "conditions", conds));
	}
}

static json_t *proxy_pod(struct sim *s, const char *ns)
{
	char name[300], port[16], ts[32];
	snprintf(name, sizeof name, "gammatop-proxy-%s", ns);
	snprintf(port, sizeof port, "%d", traffic_glue_proxy_port(s));
	unsigned h = 0;
	for (const char *c = ns; *c; c++)
		h = h * 31 + (unsigned char)*c;
	char ip[32];
	snprintf(ip, sizeof ip, "10.42.%u.%u", (h >> 8) % 256, h % 250 + 2);
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}},"
	                 " s:{s:[{s:s, s:s, s:[{s:s, s:i}]}], s:s},"
	                 " s:{s:s, s:s, s:s, s:[{s:s, s:s}]}}",
	                 "apiVersion", "v1", "kind", "Pod",
	                 "metadata", "name", name, "namespace", ns,
	                 "labels", "app.kubernetes.io/name", "gammatop-proxy", "app.kubernetes.io/part-of", "gammatop-sim",
	                 "annotations", "prometheus.io/scrape", "true", "prometheus.io/port", port,
	                 "prometheus.io/path", traffic_glue_proxy_path(s),
	                 "spec", "containers", "name", "proxy", "image", "gammatop/sim-proxy:latest", "ports",
	                 "name", "admin-http", "containerPort", traffic_glue_proxy_port(s), "nodeName", "sim-node-1",
	                 "status", "phase", "Running", "podIP", ip, "startTime", iso_now(ts, sizeof ts),
	                 "conditions", "type", "Ready", "status", "True");
}

static void reconcile_pods(struct sim *s)
{
	const struct obj_table *nt = &s->objs.tables[RES_NAMESPACE];
	for (size_t i = 0; i < nt->n; i++) {
		const char *ns = nt->v[i].name;
		size_t lo, hi, lo2, hi2;
		objects_ns_range(&s->objs, RES_HTTPROUTE, ns, &lo, &hi);
		objects_ns_range(&s->objs, RES_GRPCROUTE, ns, &lo2, &hi2);
		bool want = hi > lo || hi2 > lo2;
		char name[300];
		snprintf(name, sizeof name, "gammatop-proxy-%s", ns);
		const json_t *pod = objects_get(&s->objs, RES_POD, ns, name);
		if (want && !pod)
			objects_put(&s->objs, RES_POD, proxy_pod(s, ns));
		else if (!want && pod)
			json_decref(objects_delete(&s->objs, RES_POD, ns, name));
	}
}

static bool has_gateway_parent(const json_t *route)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "parentRefs"), i, p) {
		const char *k = json_str(p, "kind");
		if (!k || strcmp(k, "Gateway") == 0)
			return true;
	}
	return false;
}

void controller_route_changed(struct sim *s, enum sim_res r, const json_t *old, const json_t *nw)
{
	const json_t *o = nw ? nw : old;
	if (s->n_dirty == s->cap_dirty) {
		s->cap_dirty = s->cap_dirty ? s->cap_dirty * 2 : 16;
		s->dirty = xrealloc(s->dirty, s->cap_dirty * sizeof *s->dirty);
	}
	s->dirty[s->n_dirty++] = (struct dirty_route){r, xstrdup(str_or_empty(meta_str(o, "namespace"))),
	                                              xstrdup(str_or_empty(meta_str(o, "name")))};
	if ((old && has_gateway_parent(old)) || (nw && has_gateway_parent(nw)))
		s->dirty_gateways = true;
	if (!old || !nw)
		s->dirty_pods = true;
}

/* Count the listener attachments of every route with a Gateway parent (no status). */
static void count_attachments(struct rc *rc)
{
	const char *reason;
	char msg[512];
	for (int r = RES_HTTPROUTE; r <= RES_GRPCROUTE; r++) {
		const struct obj_table *t = &rc->s->objs.tables[r];
		for (size_t i = 0; i < t->n; i++) {
			const json_t *route = t->v[i].obj;
			size_t k;
			json_t *p;
			json_array_foreach(json_object_get(json_object_get(route, "spec"), "parentRefs"), k, p) {
				const char *pk = json_str(p, "kind") ? json_str(p, "kind") : "Gateway";
				const char *pg = json_str(p, "group") ? json_str(p, "group") : SIM_GW_GROUP;
				if (strcmp(pk, "Gateway") == 0 && strcmp(pg, SIM_GW_GROUP) == 0)
					attach_gateway(rc, route, resource_get(r)->kind, p, &reason, msg, sizeof msg);
			}
		}
	}
}

static void clear_dirty(struct sim *s)
{
	for (size_t i = 0; i < s->n_dirty; i++) {
		free(s->dirty[i].ns);
		free(s->dirty[i].name);
	}
	s->n_dirty = 0;
	s->dirty_gateways = s->dirty_pods = false;
}

void controller_reconcile(struct sim *s)
{
	if (!s->reconcile_needed && s->n_dirty == 0)
		return;
	bool full = s->reconcile_needed;
	s->reconcile_needed = false;
	struct rc rc = {.s = s};
	iso_now(rc.now, sizeof rc.now);
	const struct obj_table *gt = &s->objs.tables[RES_GATEWAY];
	rc.n_gws = gt->n;
	rc.gws = xcalloc(gt->n + 1, sizeof *rc.gws);
	for (size_t i = 0; i < gt->n; i++) {
		size_t n = json_array_size(json_object_get(json_object_get(gt->v[i].obj, "spec"), "listeners"));
		rc.gws[i].n = n;
		rc.gws[i].attached = xcalloc(n + 1, sizeof(int));
	}
	struct gw_counts *counts = rc.gws;
	if (full) {
		reconcile_classes(&rc);
		for (int r = RES_HTTPROUTE; r <= RES_GRPCROUTE; r++) {
			const struct obj_table *t = &s->objs.tables[r];
			for (size_t i = 0; i < t->n; i++)
				reconcile_route(&rc, r, t->v[i].obj);
		}
	} else {
		/* only the changed routes get a new status; Gateways are recounted when needed */
		rc.gws = NULL;
		for (size_t i = 0; i < s->n_dirty; i++) {
			const json_t *o = objects_get(&s->objs, s->dirty[i].res, s->dirty[i].ns, s->dirty[i].name);
			if (o)
				reconcile_route(&rc, s->dirty[i].res, o);
		}
		rc.gws = counts;
		if (s->dirty_gateways)
			count_attachments(&rc);
	}
	if (full || s->dirty_gateways)
		reconcile_gateways(&rc);
	if (full || s->dirty_pods)
		reconcile_pods(s);
	clear_dirty(s);
	for (size_t i = 0; i < rc.n_gws; i++)
		free(counts[i].attached);
	free(counts);
}
