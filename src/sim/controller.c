/* controller.c: the simulator acting as the cluster's Gateway API and mesh controllers. One
 * reconcile judges every Gateway's and ListenerSet's listeners (controller_listeners.c),
 * writes route status.parents for every route kind (controller_routes.c), counts each
 * listener's Accepted routes, writes Gateway, ListenerSet and GatewayClass status, policy
 * ancestor status and XMesh status (controller_policy.c), and keeps one proxy Pod per
 * namespace that has HTTP or gRPC routes. A route change is reconciled on its own (and the
 * listeners recounted when it has a Gateway or ListenerSet parent); any other change
 * reconciles everything. It can lie on purpose (--wrong-status or the
 * sim.gammatop.dev/wrong-status annotation) to exercise the console's "controller disagrees"
 * finding. Status writes bump resourceVersion (MODIFIED events), never generation. */
#include "config.h"
#include "controller_int.h"
#include "validate_int.h"

#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "traffic_glue.h"

const char *controller_name(const struct sim *s)
{
	return s->mesh == 0 ? "linkerd.io/gateway-controller"
	       : s->mesh == 1 ? "istio.io/gateway-controller"
	                      : "gateway.envoyproxy.io/gatewayclass-controller";
}

/* ---- helpers ---- */

const char *controller_str(const char *s)
{
	return s ? s : "";
}

json_int_t controller_gen(const json_t *obj)
{
	return json_integer_value(json_object_get(json_object_get(obj, "metadata"), "generation"));
}

json_t *controller_cond(const char *type, bool ok, const char *reason, const char *msg,
                        json_int_t gen, const char *now)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "type", type, "status", ok ? "True" : "False",
	                 "reason", reason, "message", msg, "observedGeneration", gen,
	                 "lastTransitionTime", now);
}

void controller_carry_times(json_t *conds, const json_t *old_conds)
{
	size_t i, j;
	json_t *c, *o;
	json_array_foreach(conds, i, c) {
		json_array_foreach(old_conds, j, o) {
			if (strcmp(controller_str(json_str(o, "type")), json_str(c, "type")) == 0 &&
			    strcmp(controller_str(json_str(o, "status")), json_str(c, "status")) == 0 &&
			    json_str(o, "lastTransitionTime")) {
				json_object_set(c, "lastTransitionTime", json_object_get(o, "lastTransitionTime"));
				break;
			}
		}
	}
}

void controller_write_status(struct sim *s, enum sim_res r, const json_t *obj, json_t *status)
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

bool controller_wrong_status(struct sim *s, const char *kind_id, const json_t *obj)
{
	json_t *ann = json_object_get(json_object_get(obj, "metadata"), "annotations");
	const char *a = json_string_value(json_object_get(ann, SIM_ANN_WRONG_STATUS));
	if (a && strcmp(a, "true") == 0)
		return true;
	char id[600], id2[600];
	const char *ns = meta_str(obj, "namespace");
	if (ns)
		snprintf(id, sizeof id, "%s/%s/%s", kind_id, ns, controller_str(meta_str(obj, "name")));
	else
		snprintf(id, sizeof id, "%s/%s", kind_id, controller_str(meta_str(obj, "name")));
	snprintf(id2, sizeof id2, "%s/%s", controller_str(ns), controller_str(meta_str(obj, "name")));
	for (size_t i = 0; i < s->n_wrong_status; i++)
		if (strcmp(s->wrong_status[i], id) == 0 || (ns && strcmp(s->wrong_status[i], id2) == 0))
			return true;
	return false;
}

bool controller_grant_allows(struct sim *s, const char *from_kind, const char *from_ns,
                             const char *to_kind, const char *to_ns, const char *to_name)
{
	size_t lo, hi;
	objects_ns_range(&s->objs, RES_REFERENCEGRANT, to_ns, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const json_t *spec = json_object_get(s->objs.tables[RES_REFERENCEGRANT].v[i].obj, "spec");
		bool from_ok = false, to_ok = false;
		size_t j;
		json_t *f, *t;
		json_array_foreach(json_object_get(spec, "from"), j, f)
			from_ok |= strcmp(controller_str(json_str(f, "group")), SIM_GW_GROUP) == 0 &&
			           strcmp(controller_str(json_str(f, "kind")), from_kind) == 0 &&
			           strcmp(controller_str(json_str(f, "namespace")), from_ns) == 0;
		json_array_foreach(json_object_get(spec, "to"), j, t)
			to_ok |= controller_str(json_str(t, "group"))[0] == '\0' &&
			         strcmp(controller_str(json_str(t, "kind")), to_kind) == 0 &&
			         (!json_str(t, "name") || strcmp(json_str(t, "name"), to_name) == 0);
		if (from_ok && to_ok)
			return true;
	}
	return false;
}

bool controller_labels_match(const json_t *labels, const json_t *selector)
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

/* Does wildcard w ("*.example.com") cover host h ("a.example.com", "*.a.example.com")? */
static bool wildcard_covers(const char *w, const char *h)
{
	size_t ws = strlen(w + 1), hs = strlen(h);
	return hs > ws && strcmp(h + hs - ws, w + 1) == 0;
}

bool controller_hostnames_intersect(const char *lh, const char *rh)
{
	if (!lh || !*lh || !rh || !*rh || strcmp(lh, rh) == 0)
		return true;
	bool lw = lh[0] == '*' && lh[1] == '.', rw = rh[0] == '*' && rh[1] == '.';
	return (lw && wildcard_covers(lh, rh)) || (rw && wildcard_covers(rh, lh));
}

bool controller_pem(const char *value, bool b64)
{
	if (!value)
		return false;
	size_t n;
	char *text = b64 ? validate_core_b64_decode(value, &n) : xstrdup(value);
	bool ok = text && strstr(text, "-----BEGIN ") && strstr(text, "-----END ");
	free(text);
	return ok;
}

int controller_older(const json_t *a, const json_t *b)
{
	time_t ta = 0, tb = 0;
	const char *sa = meta_str(a, "creationTimestamp"), *sb = meta_str(b, "creationTimestamp");
	if (sa && sb && time_parse_rfc3339(sa, &ta) == 0 && time_parse_rfc3339(sb, &tb) == 0 && ta != tb)
		return ta < tb ? -1 : 1;
	int c = strcmp(controller_str(meta_str(a, "namespace")), controller_str(meta_str(b, "namespace")));
	return c ? c : strcmp(controller_str(meta_str(a, "name")), controller_str(meta_str(b, "name")));
}

/* ---- GatewayClass and proxy Pods ---- */

/* The features the sim's controller implements, sorted (GatewayClass status.supportedFeatures
 * "MUST be sorted in ascending alphabetical order by the Name key"; names from v1.6.1
 * pkg/features). HTTPRouteRetry needs the experimental CRD. */
static json_t *class_features(const struct sim *s)
{
	static const char *const f[] = {"BackendTLSPolicy", "GRPCRoute", "Gateway", "GatewayPort8080",
	                                "HTTPRoute", "HTTPRouteBackendTimeout", "HTTPRouteParentRefPort",
	                                "HTTPRouteRequestTimeout", "HTTPRouteRetry", "ListenerSet",
	                                "ReferenceGrant", "TCPRoute", "TLSRoute", "TLSRouteModeTerminate",
	                                "UDPRoute"};
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		if (strcmp(f[i], "HTTPRouteRetry") != 0 || s->channel == CHANNEL_EXPERIMENTAL)
			json_array_append_new(a, json_pack("{s:s}", "name", f[i]));
	return a;
}

static void reconcile_classes(struct rc *rc)
{
	struct sim *s = rc->s;
	const struct obj_table *t = &s->objs.tables[RES_GATEWAYCLASS];
	for (size_t i = 0; i < t->n; i++) {
		const json_t *gc = t->v[i].obj;
		json_t *conds = json_array();
		json_array_append_new(conds, controller_cond("Accepted", true, "Accepted", "GatewayClass is accepted",
		                                             controller_gen(gc), rc->now));
		controller_carry_times(conds, json_object_get(json_object_get(gc, "status"), "conditions"));
		controller_write_status(s, RES_GATEWAYCLASS, gc, json_pack("{s:o, s:o}", "conditions", conds,
		                                                           "supportedFeatures", class_features(s)));
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

/* ---- driving ---- */

static bool has_listener_parent(const json_t *route)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "parentRefs"), i, p) {
		const char *k = json_str(p, "kind");
		if (!k || strcmp(k, "Gateway") == 0 || strcmp(k, "ListenerSet") == 0)
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
	s->dirty[s->n_dirty++] = (struct dirty_route){r, xstrdup(controller_str(meta_str(o, "namespace"))),
	                                              xstrdup(controller_str(meta_str(o, "name")))};
	if ((old && has_listener_parent(old)) || (nw && has_listener_parent(nw)))
		s->dirty_gateways = true;
	if (!old || !nw)
		s->dirty_pods = true;
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
	struct rc rc = {.s = s, .full = full};
	iso_now(rc.now, sizeof rc.now);
	controller_policy_mesh(s, rc.mesh, sizeof rc.mesh);
	controller_listeners_build(&rc);
	if (full) {
		reconcile_classes(&rc);
		rc.count = true;
		for (int r = 0; r < RES_COUNT; r++) {
			if (!resource_is_route(r))
				continue;
			const struct obj_table *t = &s->objs.tables[r];
			for (size_t i = 0; i < t->n; i++)
				controller_routes_reconcile(&rc, r, t->v[i].obj);
		}
	} else {
		/* only the changed routes get a new status; listeners are recounted when needed */
		for (size_t i = 0; i < s->n_dirty; i++) {
			const json_t *o = objects_get(&s->objs, s->dirty[i].res, s->dirty[i].ns, s->dirty[i].name);
			if (o)
				controller_routes_reconcile(&rc, s->dirty[i].res, o);
		}
		if (s->dirty_gateways) {
			rc.count = true;
			controller_routes_count(&rc);
		}
	}
	if (rc.count)
		controller_listeners_write(&rc);
	controller_policy_reconcile(&rc);
	/* With --metrics-fixtures the pages come from fixture pods only: no model proxy Pods. */
	if ((full || s->dirty_pods) && !s->fixtures_dir)
		reconcile_pods(s);
	clear_dirty(s);
	controller_listeners_free(&rc);
	free(rc.uses);
}
