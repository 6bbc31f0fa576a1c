/* controller_policy.c: the controller's status for policies and the mesh, written from
 * Gateway API v1.6.1 (apis/v1/policy_types.go PolicyAncestorStatus, GEP-713;
 * apis/v1/backendtlspolicy_types.go, GEP-1897; apisx/v1alpha1/xbackendtrafficpolicy_types.go,
 * GEP-3388; apisx/v1alpha1/xmesh_types.go, GEP-3949; ../research/gateway-api-v1.6.md §7-10):
 *  - ancestors: the Gateway of every route accepted on a Gateway or ListenerSet parent that
 *    uses a targeted Service as a backend, and for mesh routes (Service parents) our XMesh;
 *    at most 16 per policy: the ones already listed keep their place, new ones come sorted,
 *    the rest are left out ("If this slice is full, implementations MUST NOT add further
 *    entries"); entries of other controllers stay;
 *  - BackendTLSPolicy Accepted: Conflicted when an older policy (creationTimestamp, then
 *    namespace/name) targets the same Service and sectionName (one with and one without a
 *    sectionName do not conflict), TargetNotFound for a missing Service or port name,
 *    Invalid for a non-Service target, a UDP port or an unknown wellKnownCACertificates,
 *    NoValidCACertificate when every caCertificateRef is bad; ResolvedRefs:
 *    InvalidCACertificateRef (missing ConfigMap, no PEM ca.crt), InvalidKind (not a core
 *    ConfigMap). Hostname or SAN mismatches are data-plane matters and change nothing;
 *  - XBackendTrafficPolicy Accepted: Conflicted (an older policy on the same Service),
 *    TargetNotFound, Invalid (not a Service); sessionPersistence is accepted but said to be
 *    unimplemented, as GEP-3388's example does;
 *  - XMesh with our controllerName: Accepted and supportedFeatures (sorted); others are
 *    left alone. */
#include "config.h"
#include "controller_int.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANCESTORS 16

bool controller_policy_mesh(struct sim *s, char *buf, size_t n)
{
	const struct obj_table *t = &s->objs.tables[RES_XMESH];
	buf[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		const char *cn = json_str(json_object_get(t->v[i].obj, "spec"), "controllerName");
		if (cn && strcmp(cn, controller_name(s)) == 0) {
			snprintf(buf, n, "%s", t->v[i].name);
			return true;
		}
	}
	return false;
}

static bool core_kind(const json_t *ref, const char *kind)
{
	const char *g = controller_str(json_str(ref, "group"));
	return (!g[0] || strcmp(g, "core") == 0) && strcmp(controller_str(json_str(ref, "kind")), kind) == 0;
}

static bool same_target(const json_t *a, const json_t *b, bool section)
{
	if (!json_same(json_object_get(a, "group"), json_object_get(b, "group")) ||
	    !json_same(json_object_get(a, "kind"), json_object_get(b, "kind")) ||
	    !json_same(json_object_get(a, "name"), json_object_get(b, "name")))
		return false;
	return !section || json_same(json_object_get(a, "sectionName"), json_object_get(b, "sectionName"));
}

/* An older policy of the same kind targeting the same thing: its name into who. */
static bool conflicted(struct sim *s, enum sim_res r, const json_t *pol, bool section, char *who, size_t n)
{
	const char *ns = controller_str(meta_str(pol, "namespace"));
	size_t lo, hi, i, j;
	json_t *a, *b;
	objects_ns_range(&s->objs, r, ns, &lo, &hi);
	for (size_t q = lo; q < hi; q++) {
		const json_t *other = s->objs.tables[r].v[q].obj;
		if (other == pol || controller_older(other, pol) >= 0)
			continue;
		json_array_foreach(json_object_get(json_object_get(pol, "spec"), "targetRefs"), i, a)
			json_array_foreach(json_object_get(json_object_get(other, "spec"), "targetRefs"), j, b)
				if (same_target(a, b, section)) {
					snprintf(who, n, "%s/%s", ns, s->objs.tables[r].v[q].name);
					return true;
				}
	}
	return false;
}

struct verdict {
	bool acc, refs, has_refs;
	const char *acc_reason, *refs_reason;
	char acc_msg[400], refs_msg[400];
};

static void fail(struct verdict *v, const char *reason, const char *msg)
{
	if (!v->acc)
		return;
	v->acc = false;
	v->acc_reason = reason;
	snprintf(v->acc_msg, sizeof v->acc_msg, "%.390s", msg);
}

/* Targets of pol (in ns): Services that exist, with the port a sectionName names. */
static void check_targets(struct sim *s, const json_t *pol, struct verdict *v, bool btls)
{
	const char *ns = controller_str(meta_str(pol, "namespace"));
	size_t i;
	json_t *t;
	char msg[400];
	json_array_foreach(json_object_get(json_object_get(pol, "spec"), "targetRefs"), i, t) {
		const char *name = controller_str(json_str(t, "name"));
		if (!core_kind(t, "Service")) {
			snprintf(msg, sizeof msg, "targetRefs[%zu]: kind %s is not supported", i, controller_str(json_str(t, "kind")));
			fail(v, "Invalid", msg);
			continue;
		}
		const json_t *svc = objects_get(&s->objs, RES_SERVICE, ns, name);
		if (!svc) {
			snprintf(msg, sizeof msg, "Service %s/%s not found", ns, name);
			fail(v, "TargetNotFound", msg);
			continue;
		}
		const char *section = btls ? json_str(t, "sectionName") : NULL;
		bool found = !section, udp = true;
		size_t j;
		json_t *p;
		json_array_foreach(json_object_get(json_object_get(svc, "spec"), "ports"), j, p) {
			bool this = !section || strcmp(controller_str(json_str(p, "name")), section) == 0;
			found |= this && section;
			if (this)
				udp &= strcmp(controller_str(json_str(p, "protocol")), "UDP") == 0;
		}
		if (!found) {
			snprintf(msg, sizeof msg, "Service %s/%s has no port named %s", ns, name, section);
			fail(v, "TargetNotFound", msg);
		} else if (btls && udp && json_array_size(json_object_get(json_object_get(svc, "spec"), "ports"))) {
			snprintf(msg, sizeof msg, "Service %s/%s: TLS cannot apply to a UDP port", ns, name);
			fail(v, "Invalid", msg);
		}
	}
}

static void judge_btls(struct sim *s, const json_t *pol, struct verdict *v)
{
	char who[600], msg[800];
	const char *ns = controller_str(meta_str(pol, "namespace"));
	*v = (struct verdict){.acc = true, .refs = true, .has_refs = true, .acc_reason = "Accepted",
	                      .refs_reason = "ResolvedRefs"};
	snprintf(v->acc_msg, sizeof v->acc_msg, "Policy is accepted");
	snprintf(v->refs_msg, sizeof v->refs_msg, "Resolved all references");
	if (conflicted(s, RES_BACKENDTLSPOLICY, pol, true, who, sizeof who)) {
		snprintf(msg, sizeof msg, "conflicts with the older BackendTLSPolicy %s", who);
		fail(v, "Conflicted", msg);
	}
	check_targets(s, pol, v, true);
	const json_t *val = json_object_get(json_object_get(pol, "spec"), "validation");
	const char *wk = json_str(val, "wellKnownCACertificates");
	if (wk && *wk && strcmp(wk, "System") != 0) {
		snprintf(msg, sizeof msg, "wellKnownCACertificates %s is not supported", wk);
		fail(v, "Invalid", msg);
	}
	size_t i, good = 0, n = json_array_size(json_object_get(val, "caCertificateRefs"));
	json_t *ref;
	json_array_foreach(json_object_get(val, "caCertificateRefs"), i, ref) {
		const char *name = controller_str(json_str(ref, "name"));
		const char *reason = NULL;
		if (!core_kind(ref, "ConfigMap")) {
			reason = "InvalidKind";
			snprintf(msg, sizeof msg, "caCertificateRefs[%zu]: kind %s/%s is not supported", i,
			         controller_str(json_str(ref, "group")), controller_str(json_str(ref, "kind")));
		} else {
			const json_t *cm = objects_get(&s->objs, RES_CONFIGMAP, ns, name);
			if (!cm) {
				reason = "InvalidCACertificateRef";
				snprintf(msg, sizeof msg, "ConfigMap %s/%s not found", ns, name);
			} else if (!controller_pem(json_str(json_object_get(cm, "data"), "ca.crt"), false)) {
				reason = "InvalidCACertificateRef";
				snprintf(msg, sizeof msg, "ConfigMap %s/%s has no PEM certificate in ca.crt", ns, name);
			}
		}
		if (!reason) {
			good++;
			continue;
		}
		if (v->refs) {
			v->refs = false;
			v->refs_reason = reason;
			snprintf(v->refs_msg, sizeof v->refs_msg, "%.390s", msg);
		}
	}
	if (n > 0 && good == 0)
		fail(v, "NoValidCACertificate", "no caCertificateRef is valid");
}

static void judge_xbtp(struct sim *s, const json_t *pol, struct verdict *v)
{
	char who[600], msg[800];
	*v = (struct verdict){.acc = true, .acc_reason = "Accepted"};
	const json_t *spec = json_object_get(pol, "spec");
	snprintf(v->acc_msg, sizeof v->acc_msg, "%s", json_object_get(spec, "sessionPersistence")
	         ? "Configuration is valid, but gammatop-sim does not implement sessionPersistence"
	         : "Policy is accepted");
	if (conflicted(s, RES_XBACKENDTRAFFICPOLICY, pol, false, who, sizeof who)) {
		snprintf(msg, sizeof msg, "conflicts with the older XBackendTrafficPolicy %s", who);
		fail(v, "Conflicted", msg);
	}
	check_targets(s, pol, v, false);
}

static json_t *ancestor_ref(const struct ancestor *a)
{
	json_t *ref = json_pack("{s:s, s:s, s:s}", "group", a->group, "kind", a->kind, "name", a->name);
	if (a->ns)
		json_object_set_new(ref, "namespace", json_string(a->ns));
	return ref;
}

static int by_ref(const void *x, const void *y)
{
	const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	static const char *const keys[] = {"kind", "namespace", "name"};
	for (size_t i = 0; i < 3; i++) {
		int c = strcmp(controller_str(json_str(a, keys[i])), controller_str(json_str(b, keys[i])));
		if (c)
			return c;
	}
	return 0;
}

/* The ancestorRefs of pol (a new array, at most 16, previous ones first). */
static json_t *ancestors_of(struct rc *rc, const json_t *pol)
{
	const char *ns = controller_str(meta_str(pol, "namespace"));
	json_t *found = json_array();
	size_t i, j;
	json_t *t, *a;
	json_array_foreach(json_object_get(json_object_get(pol, "spec"), "targetRefs"), i, t) {
		if (!core_kind(t, "Service"))
			continue;
		const char *name = controller_str(json_str(t, "name"));
		for (size_t u = 0; u < rc->n_uses; u++) {
			if (strcmp(rc->uses[u].svc_ns, ns) != 0 || strcmp(rc->uses[u].svc_name, name) != 0)
				continue;
			json_t *ref = ancestor_ref(&rc->uses[u].a);
			bool dup = false;
			json_array_foreach(found, j, a)
				dup |= json_equal(a, ref);
			if (dup)
				json_decref(ref);
			else
				json_array_append_new(found, ref);
		}
	}
	json_t *out = json_array();
	json_array_foreach(json_object_get(json_object_get(pol, "status"), "ancestors"), i, a) {
		if (strcmp(controller_str(json_str(a, "controllerName")), controller_name(rc->s)) != 0)
			continue;
		json_array_foreach(found, j, t)
			if (json_equal(json_object_get(a, "ancestorRef"), t) && json_array_size(out) < MAX_ANCESTORS) {
				json_array_append(out, t);
				json_array_remove(found, j);
				break;
			}
	}
	size_t n = json_array_size(found);
	json_t **v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_array_get(found, i);
	qsort(v, n, sizeof *v, by_ref);
	for (i = 0; i < n && json_array_size(out) < MAX_ANCESTORS; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(found);
	return out;
}

static void write_policy(struct rc *rc, enum sim_res r, const json_t *pol, struct verdict *v)
{
	struct sim *s = rc->s;
	json_int_t gen = controller_gen(pol);
	if (controller_wrong_status(s, resource_get(r)->singular, pol)) {
		v->acc = !v->acc;
		v->acc_reason = v->acc ? "Accepted" : "Conflicted";
		snprintf(v->acc_msg, sizeof v->acc_msg, "%s", v->acc ? "Policy is accepted" : "Policy conflicts with another policy");
	}
	const json_t *old = json_object_get(json_object_get(pol, "status"), "ancestors");
	json_t *list = json_array();
	size_t i, k;
	json_t *e, *ref, *o;
	json_array_foreach(old, i, e)
		if (strcmp(controller_str(json_str(e, "controllerName")), controller_name(s)) != 0)
			json_array_append(list, e);
	json_t *refs = ancestors_of(rc, pol);
	json_array_foreach(refs, i, ref) {
		json_t *c = json_array();
		json_array_append_new(c, controller_cond("Accepted", v->acc, v->acc_reason, v->acc_msg, gen, rc->now));
		if (v->has_refs)
			json_array_append_new(c, controller_cond("ResolvedRefs", v->refs, v->refs_reason, v->refs_msg, gen, rc->now));
		json_array_foreach(old, k, o)
			if (json_equal(json_object_get(o, "ancestorRef"), ref) &&
			    strcmp(controller_str(json_str(o, "controllerName")), controller_name(s)) == 0)
				controller_carry_times(c, json_object_get(o, "conditions"));
		json_array_append_new(list, json_pack("{s:O, s:s, s:o}", "ancestorRef", ref, "controllerName",
		                                      controller_name(s), "conditions", c));
	}
	json_decref(refs);
	controller_write_status(s, r, pol, json_pack("{s:o}", "ancestors", list));
}

/* XMesh supportedFeatures (sorted; names from v1.6.1 pkg/features: the sim's mesh routes
 * consumer and producer routes, and applies request/backend timeouts and retries). */
static void reconcile_meshes(struct rc *rc)
{
	static const char *const features[] = {"HTTPRouteBackendTimeout", "HTTPRouteRequestTimeout",
	                                       "HTTPRouteRetry", "Mesh", "MeshClusterIPMatching",
	                                       "MeshConsumerRoute"};
	const struct obj_table *t = &rc->s->objs.tables[RES_XMESH];
	for (size_t i = 0; i < t->n; i++) {
		const json_t *m = t->v[i].obj;
		const char *cn = json_str(json_object_get(m, "spec"), "controllerName");
		if (!cn || strcmp(cn, controller_name(rc->s)) != 0)
			continue; /* another mesh's: not ours to touch */
		json_t *c = json_array();
		json_array_append_new(c, controller_cond("Accepted", true, "Accepted", "XMesh is accepted",
		                                         controller_gen(m), rc->now));
		controller_carry_times(c, json_object_get(json_object_get(m, "status"), "conditions"));
		json_t *f = json_array();
		for (size_t k = 0; k < sizeof features / sizeof *features; k++)
			json_array_append_new(f, json_pack("{s:s}", "name", features[k]));
		controller_write_status(rc->s, RES_XMESH, m, json_pack("{s:o, s:o}", "conditions", c,
		                                                       "supportedFeatures", f));
	}
}

void controller_policy_reconcile(struct rc *rc)
{
	struct sim *s = rc->s;
	if (rc->full)
		reconcile_meshes(rc);
	if (s->objs.tables[RES_BACKENDTLSPOLICY].n == 0 && s->objs.tables[RES_XBACKENDTRAFFICPOLICY].n == 0)
		return;
	controller_routes_uses(rc);
	static const enum sim_res kinds[] = {RES_BACKENDTLSPOLICY, RES_XBACKENDTRAFFICPOLICY};
	for (size_t k = 0; k < 2; k++) {
		const struct obj_table *t = &s->objs.tables[kinds[k]];
		/* writes replace entries in place: the table keeps its order and size */
		for (size_t i = 0; i < t->n; i++) {
			const json_t *pol = t->v[i].obj;
			struct verdict v;
			if (kinds[k] == RES_BACKENDTLSPOLICY)
				judge_btls(s, pol, &v);
			else
				judge_xbtp(s, pol, &v);
			write_policy(rc, kinds[k], pol, &v);
		}
	}
}
