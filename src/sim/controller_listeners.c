/* controller_listeners.c: the controller's judgement of listeners, written from Gateway API
 * v1.6.1 (apis/v1/gateway_types.go, apis/v1/listenerset_types.go, GEP-1713, and the
 * conformance tests where they disagree with the GEPs; ../research/gateway-api-v1.6.md §2-3):
 *  - per listener: Accepted (UnsupportedProtocol for a protocol the sim does not serve),
 *    supportedKinds (HTTP/HTTPS: HTTPRoute, GRPCRoute; TLS: TLSRoute, Terminate included as
 *    the sim claims TLSRouteModeTerminate; TCP: TCPRoute; UDP: UDPRoute), ResolvedRefs
 *    (InvalidRouteKinds; certificateRefs: InvalidCertificateRef for a wrong group/kind, a
 *    missing Secret or one without PEM tls.crt/tls.key, RefNotPermitted across namespaces
 *    without a ReferenceGrant from the Gateway's or ListenerSet's namespace);
 *  - the merged list of a Gateway and the ListenerSets it allows (allowedListeners, default
 *    None), in precedence order: the Gateway, then ListenerSets oldest first, then by
 *    namespace/name. Indistinct listeners are Conflicted: inside one resource all of them,
 *    across resources the later ones (HostnameConflict: same port, same protocol family and
 *    hostname; ProtocolConflict: TCP beside HTTP/HTTPS/TLS, HTTP beside HTTPS/TLS, TLS
 *    Passthrough beside TLS Terminate, since the sim does not claim TLSRouteModeMixed, which
 *    also empties supportedKinds); OverlappingTLSConfig on terminating listeners of one port
 *    whose distinct hostnames overlap;
 *  - Gateway Accepted (Invalid without its GatewayClass; ListenersNotValid, False when no own
 *    listener is accepted), Programmed, attachedListenerSets; ListenerSet Accepted
 *    (NotAllowed, ParentNotAccepted, Invalid for a parent that is not a Gateway,
 *    ListenersNotValid, False when no listener is both Accepted and ResolvedRefs, as
 *    ListenerSetReferenceGrant requires) and Programmed. status.listeners of each lists its
 *    own listeners only. */
#include "config.h"
#include "controller_int.h"

#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const http_kinds[] = {"HTTPRoute", "GRPCRoute", NULL};
static const char *const tls_kinds[] = {"TLSRoute", NULL};
static const char *const tcp_kinds[] = {"TCPRoute", NULL};
static const char *const udp_kinds[] = {"UDPRoute", NULL};

static const char *const *kinds_for(const char *proto)
{
	if (strcmp(proto, "HTTP") == 0 || strcmp(proto, "HTTPS") == 0)
		return http_kinds;
	if (strcmp(proto, "TLS") == 0)
		return tls_kinds;
	if (strcmp(proto, "TCP") == 0)
		return tcp_kinds;
	if (strcmp(proto, "UDP") == 0)
		return udp_kinds;
	return NULL;
}

static void refs_fail(struct lmodel *lm, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refs_fail(struct lmodel *lm, const char *reason, const char *fmt, ...)
{
	if (!lm->refs)
		return; /* the first failure names the condition */
	lm->refs = false;
	lm->refs_reason = reason;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lm->refs_msg, sizeof lm->refs_msg, fmt, ap);
	va_end(ap);
}

/* certificateRefs of a terminating listener owned by owner_kind in owner_ns. */
static void check_certs(struct rc *rc, struct lmodel *lm, const char *owner_kind, const char *owner_ns)
{
	const json_t *tls = json_object_get(lm->spec, "tls");
	const json_t *refs = json_object_get(tls, "certificateRefs");
	if (json_array_size(refs) == 0) {
		if (json_object_size(json_object_get(tls, "options")) == 0)
			refs_fail(lm, "InvalidCertificateRef", "listener %.200s terminates TLS without certificateRefs",
			          lm->name);
		return;
	}
	size_t i;
	json_t *ref;
	json_array_foreach(refs, i, ref) {
		const char *group = controller_str(json_str(ref, "group"));
		const char *kind = json_str(ref, "kind") ? json_str(ref, "kind") : "Secret";
		const char *name = controller_str(json_str(ref, "name"));
		const char *ns = json_str(ref, "namespace") ? json_str(ref, "namespace") : owner_ns;
		char what[400];
		snprintf(what, sizeof what, "%s/%s", ns, name);
		if ((group[0] && strcmp(group, "core") != 0) || strcmp(kind, "Secret") != 0) {
			refs_fail(lm, "InvalidCertificateRef", "certificateRef %.200s: unsupported kind %.60s", what, kind);
			continue;
		}
		if (strcmp(ns, owner_ns) != 0 &&
		    !controller_grant_allows(rc->s, owner_kind, owner_ns, "Secret", ns, name)) {
			refs_fail(lm, "RefNotPermitted", "certificateRef to Secret %.200s not permitted by any ReferenceGrant",
			          what);
			continue;
		}
		const json_t *sec = objects_get(&rc->s->objs, RES_SECRET, ns, name);
		if (!sec) {
			refs_fail(lm, "InvalidCertificateRef", "Secret %.200s not found", what);
			continue;
		}
		const json_t *data = json_object_get(sec, "data");
		if (!controller_pem(json_str(data, "tls.crt"), true) || !controller_pem(json_str(data, "tls.key"), true))
			refs_fail(lm, "InvalidCertificateRef", "Secret %.200s has no PEM certificate and key in tls.crt and tls.key",
			          what);
	}
}

static void eval_listener(struct rc *rc, struct lmodel *lm, const json_t *l, const char *owner_kind,
                          const char *owner_ns)
{
	lm->spec = l;
	lm->name = controller_str(json_str(l, "name"));
	lm->proto = controller_str(json_str(l, "protocol"));
	lm->port = json_integer_value(json_object_get(l, "port"));
	lm->hostname = json_str(l, "hostname");
	if (lm->hostname && !*lm->hostname)
		lm->hostname = NULL;
	const char *mode = json_str(json_object_get(l, "tls"), "mode");
	lm->passthrough = strcmp(lm->proto, "TLS") == 0 && mode && strcmp(mode, "Passthrough") == 0;
	lm->terminate = strcmp(lm->proto, "HTTPS") == 0 || (strcmp(lm->proto, "TLS") == 0 && !lm->passthrough);
	lm->accepted = lm->refs = true;
	lm->acc_reason = "Accepted";
	snprintf(lm->acc_msg, sizeof lm->acc_msg, "Listener is accepted");
	lm->refs_reason = "ResolvedRefs";
	snprintf(lm->refs_msg, sizeof lm->refs_msg, "Resolved all references");
	const char *const *valid = kinds_for(lm->proto);
	if (!valid) {
		lm->accepted = false;
		lm->acc_reason = "UnsupportedProtocol";
		snprintf(lm->acc_msg, sizeof lm->acc_msg, "protocol %.100s is not supported", lm->proto);
		return;
	}
	const json_t *kinds = json_object_get(json_object_get(l, "allowedRoutes"), "kinds");
	if (json_array_size(kinds) == 0) {
		for (size_t i = 0; valid[i] && lm->n_kinds < CTL_MAX_KINDS; i++)
			lm->kinds[lm->n_kinds++] = valid[i];
	} else {
		size_t i;
		json_t *k;
		json_array_foreach(kinds, i, k) {
			const char *g = json_str(k, "group") ? json_str(k, "group") : SIM_GW_GROUP;
			const char *kind = controller_str(json_str(k, "kind"));
			bool ok = false;
			for (size_t j = 0; valid[j] && strcmp(g, SIM_GW_GROUP) == 0; j++)
				if (strcmp(valid[j], kind) == 0)
					ok = true;
			if (!ok) {
				refs_fail(lm, "InvalidRouteKinds", "route kind %.100s/%.60s is not supported on this listener", g, kind);
				continue;
			}
			bool dup = false;
			for (size_t j = 0; j < lm->n_kinds; j++)
				dup |= strcmp(lm->kinds[j], kind) == 0;
			if (!dup && lm->n_kinds < CTL_MAX_KINDS)
				for (size_t j = 0; valid[j]; j++)
					if (strcmp(valid[j], kind) == 0)
						lm->kinds[lm->n_kinds++] = valid[j];
		}
	}
	if (lm->terminate)
		check_certs(rc, lm, owner_kind, owner_ns);
}

/* ---- conflicts ---- */

static bool same_host(const struct lmodel *a, const struct lmodel *b)
{
	return (!a->hostname && !b->hostname) || (a->hostname && b->hostname && strcmp(a->hostname, b->hostname) == 0);
}

static bool is(const struct lmodel *l, const char *p)
{
	return strcmp(l->proto, p) == 0;
}

/* Why a and b (same port) cannot both be served, or NULL. */
static const char *pair_conflict(const struct lmodel *a, const struct lmodel *b)
{
	if (!kinds_for(a->proto) || !kinds_for(b->proto))
		return NULL;
	if (is(a, "UDP") != is(b, "UDP"))
		return NULL; /* another transport */
	if (is(a, "UDP") || (is(a, "TCP") && is(b, "TCP")))
		return "HostnameConflict"; /* same protocol, nothing else to tell them apart */
	if (is(a, "TCP") || is(b, "TCP") || is(a, "HTTP") != is(b, "HTTP"))
		return "ProtocolConflict";
	if (is(a, "TLS") && is(b, "TLS") && a->passthrough != b->passthrough)
		return "ProtocolConflict"; /* TLSRouteModeMixed is not claimed */
	return same_host(a, b) ? "HostnameConflict" : NULL;
}

static int by_port(const void *x, const void *y)
{
	const struct lmodel *a = *(struct lmodel *const *)x, *b = *(struct lmodel *const *)y;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->prec - b->prec;
}

static void conflict(struct lmodel *l, const char *reason)
{
	if (l->conflict)
		return;
	l->conflict = reason;
	l->accepted = false;
	l->acc_reason = reason;
	snprintf(l->acc_msg, sizeof l->acc_msg, "listener %.100s conflicts with another listener on port %lld",
	         l->name, (long long)l->port);
	if (strcmp(reason, "ProtocolConflict") == 0)
		l->n_kinds = 0;
}

/* Conflicts and overlaps among v[0..n) (precedence order set in prec). */
static void judge(struct lmodel **v, size_t n)
{
	qsort(v, n, sizeof *v, by_port);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n && v[j]->port == v[i]->port; j++) {
			const char *why = pair_conflict(v[i], v[j]);
			if (!why)
				continue;
			if (v[i]->owner == v[j]->owner)
				conflict(v[i], why); /* no winner inside one resource */
			conflict(v[j], why);
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && v[j]->port == v[i]->port; j++)
			if (v[i]->terminate && v[j]->terminate && !v[i]->conflict && !v[j]->conflict &&
			    v[i]->hostname && v[j]->hostname && strcmp(v[i]->hostname, v[j]->hostname) != 0 &&
			    controller_hostnames_intersect(v[i]->hostname, v[j]->hostname))
				v[i]->overlap = v[j]->overlap = true;
}

/* ---- building ---- */

static bool allows_listenerset(struct rc *rc, const json_t *gw, const char *gw_ns, const char *ls_ns)
{
	const json_t *nsel = json_object_get(json_object_get(json_object_get(gw, "spec"), "allowedListeners"), "namespaces");
	const char *from = json_str(nsel, "from") ? json_str(nsel, "from") : "None";
	if (strcmp(from, "All") == 0)
		return true;
	if (strcmp(from, "Same") == 0)
		return strcmp(gw_ns, ls_ns) == 0;
	if (strcmp(from, "Selector") == 0) {
		const json_t *ns = objects_get(&rc->s->objs, RES_NAMESPACE, NULL, ls_ns);
		return controller_labels_match(json_object_get(json_object_get(ns, "metadata"), "labels"),
		                               json_object_get(nsel, "selector"));
	}
	return false;
}

static void build_gateway(struct rc *rc, size_t gi)
{
	struct gmodel *g = &rc->gws[gi];
	const struct obj_entry *e = &rc->s->objs.tables[RES_GATEWAY].v[gi];
	g->obj = json_incref(e->obj);
	g->ns = controller_str(meta_str(g->obj, "namespace")); /* kept alive by the reference */
	g->name = controller_str(meta_str(g->obj, "name"));
	const char *cls = json_str(json_object_get(g->obj, "spec"), "gatewayClassName");
	g->class_ok = cls && objects_get(&rc->s->objs, RES_GATEWAYCLASS, NULL, cls);
	snprintf(g->class_msg, sizeof g->class_msg, "GatewayClass %s not found", controller_str(cls));
	const json_t *ls = json_object_get(json_object_get(g->obj, "spec"), "listeners");
	g->n = json_array_size(ls);
	g->ls = xcalloc(g->n + 1, sizeof *g->ls);
	struct lmodel **v = xcalloc(g->n + 1, sizeof *v);
	for (size_t i = 0; i < g->n; i++) {
		eval_listener(rc, &g->ls[i], json_array_get(ls, i), "Gateway", g->ns);
		g->ls[i].owner = -1;
		g->ls[i].prec = (int)i;
		v[i] = &g->ls[i];
	}
	judge(v, g->n);
	free(v);
	for (size_t i = 0; i < g->n; i++)
		g->accepted |= g->ls[i].accepted;
	g->accepted &= g->class_ok;
}

static void build_listenerset(struct rc *rc, size_t li)
{
	struct smodel *m = &rc->lss[li];
	const struct obj_entry *e = &rc->s->objs.tables[RES_LISTENERSET].v[li];
	m->obj = json_incref(e->obj);
	m->ns = controller_str(meta_str(m->obj, "namespace"));
	m->name = controller_str(meta_str(m->obj, "name"));
	m->gw = -1;
	const json_t *pref = json_object_get(json_object_get(m->obj, "spec"), "parentRef");
	const char *group = json_str(pref, "group") ? json_str(pref, "group") : SIM_GW_GROUP;
	const char *kind = json_str(pref, "kind") ? json_str(pref, "kind") : "Gateway";
	const char *gns = json_str(pref, "namespace") ? json_str(pref, "namespace") : m->ns;
	const char *gname = controller_str(json_str(pref, "name"));
	if (strcmp(group, SIM_GW_GROUP) != 0 || strcmp(kind, "Gateway") != 0) {
		m->reason = "Invalid";
		snprintf(m->msg, sizeof m->msg, "parentRef must be a %s Gateway, not %s/%s", SIM_GW_GROUP, group, kind);
		return;
	}
	const struct obj_table *gt = &rc->s->objs.tables[RES_GATEWAY];
	size_t gi = objects_lower_bound(&rc->s->objs, RES_GATEWAY, gns, gname, true);
	if (gi >= gt->n || strcmp(gt->v[gi].ns, gns) != 0 || strcmp(gt->v[gi].name, gname) != 0) {
		m->reason = "ParentNotAccepted";
		snprintf(m->msg, sizeof m->msg, "Gateway %s/%s not found", gns, gname);
		return;
	}
	m->gw = (int)gi;
	if (!allows_listenerset(rc, rc->gws[gi].obj, gns, m->ns)) {
		m->reason = "NotAllowed";
		snprintf(m->msg, sizeof m->msg, "Gateway %s/%s does not allow ListenerSets from namespace %s", gns, gname, m->ns);
		return;
	}
	if (!rc->gws[gi].accepted) {
		m->reason = "ParentNotAccepted";
		snprintf(m->msg, sizeof m->msg, "Gateway %s/%s is not accepted", gns, gname);
		return;
	}
	const json_t *ls = json_object_get(json_object_get(m->obj, "spec"), "listeners");
	m->n = json_array_size(ls);
	m->ls = xcalloc(m->n + 1, sizeof *m->ls);
	for (size_t i = 0; i < m->n; i++) {
		eval_listener(rc, &m->ls[i], json_array_get(ls, i), "ListenerSet", m->ns);
		m->ls[i].owner = (int)li;
	}
}

static const struct rc *sort_rc;

static int ls_precedence(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return controller_older(sort_rc->lss[a].obj, sort_rc->lss[b].obj);
}

/* The merged list of Gateway gi: its own listeners, then its ListenerSets' in precedence. */
static void merge(struct rc *rc, size_t gi)
{
	struct gmodel *g = &rc->gws[gi];
	size_t *sets = xcalloc(rc->n_lss + 1, sizeof *sets), ns = 0, total = g->n;
	for (size_t li = 0; li < rc->n_lss; li++)
		if (rc->lss[li].gw == (int)gi && !rc->lss[li].reason) {
			sets[ns++] = li;
			total += rc->lss[li].n;
		}
	if (ns == 0) {
		free(sets);
		return;
	}
	sort_rc = rc;
	qsort(sets, ns, sizeof *sets, ls_precedence);
	struct lmodel **v = xcalloc(total + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++)
		v[n++] = &g->ls[i];
	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < rc->lss[sets[k]].n; i++) {
			rc->lss[sets[k]].ls[i].prec = (int)n;
			v[n++] = &rc->lss[sets[k]].ls[i];
		}
	judge(v, n);
	free(v);
	for (size_t k = 0; k < ns; k++) {
		struct smodel *m = &rc->lss[sets[k]];
		for (size_t i = 0; i < m->n; i++)
			m->accepted |= m->ls[i].accepted && m->ls[i].refs;
		g->attached_sets += m->accepted;
	}
	free(sets);
}

void controller_listeners_build(struct rc *rc)
{
	const struct obj_table *gt = &rc->s->objs.tables[RES_GATEWAY];
	const struct obj_table *lt = &rc->s->objs.tables[RES_LISTENERSET];
	rc->n_gws = gt->n;
	rc->gws = xcalloc(gt->n + 1, sizeof *rc->gws);
	rc->n_lss = lt->n;
	rc->lss = xcalloc(lt->n + 1, sizeof *rc->lss);
	for (size_t gi = 0; gi < gt->n; gi++)
		build_gateway(rc, gi);
	for (size_t li = 0; li < lt->n; li++)
		build_listenerset(rc, li);
	for (size_t gi = 0; gi < gt->n; gi++)
		merge(rc, gi);
}

void controller_listeners_free(struct rc *rc)
{
	for (size_t i = 0; i < rc->n_gws; i++) {
		free(rc->gws[i].ls);
		json_decref((json_t *)rc->gws[i].obj);
	}
	for (size_t i = 0; i < rc->n_lss; i++) {
		free(rc->lss[i].ls);
		json_decref((json_t *)rc->lss[i].obj);
	}
	free(rc->gws);
	free(rc->lss);
	rc->gws = NULL;
	rc->lss = NULL;
	rc->n_gws = rc->n_lss = 0;
}

/* ---- status ---- */

static json_t *find_listener(const json_t *old_status, const char *name)
{
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(old_status, "listeners"), i, l)
		if (strcmp(controller_str(json_str(l, "name")), name) == 0)
			return l;
	return NULL;
}

/* One status.listeners entry; class_msg non-NULL: the Gateway's class is missing. */
static json_t *listener_status(struct rc *rc, const struct lmodel *lm, json_int_t gen, const char *class_msg,
                               const json_t *old_status)
{
	json_t *c = json_array();
	bool acc = lm->accepted && !class_msg;
	const char *acc_reason = class_msg ? "Invalid" : lm->acc_reason;
	const char *acc_msg = class_msg ? class_msg : lm->acc_msg;
	bool prog = acc && lm->refs;
	const char *prog_reason = prog ? "Programmed" : lm->conflict && !class_msg ? lm->conflict : "Invalid";
	json_array_append_new(c, controller_cond("Accepted", acc, acc_reason, acc_msg, gen, rc->now));
	json_array_append_new(c, controller_cond("Programmed", prog, prog_reason,
	                                         prog ? "Listener is programmed" : !acc ? acc_msg : lm->refs_msg,
	                                         gen, rc->now));
	json_array_append_new(c, controller_cond("ResolvedRefs", lm->refs, lm->refs_reason, lm->refs_msg, gen, rc->now));
	json_array_append_new(c, controller_cond("Conflicted", lm->conflict != NULL,
	                                         lm->conflict ? lm->conflict : "NoConflicts",
	                                         lm->conflict ? lm->acc_msg : "No conflicts", gen, rc->now));
	if (lm->overlap) /* negative polarity: set only when True */
		json_array_append_new(c, controller_cond("OverlappingTLSConfig", true, "OverlappingHostnames",
		                                         "the hostname overlaps another TLS listener's on this port",
		                                         gen, rc->now));
	controller_carry_times(c, json_object_get(find_listener(old_status, lm->name), "conditions"));
	json_t *kinds = json_array();
	for (size_t k = 0; k < lm->n_kinds; k++)
		json_array_append_new(kinds, json_pack("{s:s, s:s}", "group", SIM_GW_GROUP, "kind", lm->kinds[k]));
	return json_pack("{s:s, s:o, s:i, s:o}", "name", lm->name, "supportedKinds", kinds, "attachedRoutes",
	                 lm->attached, "conditions", c);
}

static void write_gateway(struct rc *rc, const struct gmodel *g)
{
	json_int_t gen = controller_gen(g->obj);
	const json_t *old = json_object_get(g->obj, "status");
	json_t *conds = json_array();
	bool ok = g->accepted;
	const char *reason = ok ? "Accepted" : "ListenersNotValid";
	char msg[400];
	snprintf(msg, sizeof msg, "Gateway is accepted");
	struct buf bad;
	buf_init(&bad);
	for (size_t i = 0; i < g->n; i++)
		if (!g->ls[i].accepted || !g->ls[i].refs)
			buf_printf(&bad, "%s%s", bad.len ? ", " : "", g->ls[i].name);
	if (!g->class_ok) {
		reason = "Invalid";
		snprintf(msg, sizeof msg, "%s", g->class_msg);
	} else if (bad.len) {
		reason = "ListenersNotValid";
		snprintf(msg, sizeof msg, "%s: invalid listeners: %.300s", ok ? "Gateway is accepted" : "no valid listeners",
		         buf_str(&bad));
	}
	buf_done(&bad);
	json_array_append_new(conds, controller_cond("Accepted", ok, reason, msg, gen, rc->now));
	json_array_append_new(conds, controller_cond("Programmed", ok, ok ? "Programmed" : "Invalid",
	                                             ok ? "Gateway is programmed" : msg, gen, rc->now));
	controller_carry_times(conds, json_object_get(old, "conditions"));
	json_t *ls = json_array();
	for (size_t i = 0; i < g->n; i++)
		json_array_append_new(ls, listener_status(rc, &g->ls[i], gen, g->class_ok ? NULL : g->class_msg, old));
	unsigned h = 0;
	for (const char *c = g->name; *c; c++)
		h = h * 31 + (unsigned char)*c;
	char ip[32];
	snprintf(ip, sizeof ip, "172.18.%u.%u", (h >> 8) % 256, h % 250 + 2);
	json_t *st = json_pack("{s:[{s:s, s:s}], s:o, s:o, s:i}", "addresses", "type", "IPAddress", "value", ip,
	                       "conditions", conds, "listeners", ls, "attachedListenerSets", g->attached_sets);
	controller_write_status(rc->s, RES_GATEWAY, g->obj, st);
}

static void write_listenerset(struct rc *rc, const struct smodel *m)
{
	json_int_t gen = controller_gen(m->obj);
	const json_t *old = json_object_get(m->obj, "status");
	json_t *conds = json_array();
	bool ok = !m->reason && m->accepted;
	const char *reason = m->reason ? m->reason : ok ? "Accepted" : "ListenersNotValid";
	char msg[400];
	snprintf(msg, sizeof msg, "%s", m->reason ? m->msg : ok ? "ListenerSet is accepted" : "no valid listeners");
	bool some_bad = false;
	for (size_t i = 0; i < m->n; i++)
		some_bad |= !m->ls[i].accepted || !m->ls[i].refs;
	if (ok && some_bad) {
		reason = "ListenersNotValid";
		snprintf(msg, sizeof msg, "ListenerSet is accepted; some listeners are not valid");
	}
	if (controller_wrong_status(rc->s, "listenerset", m->obj)) {
		ok = !ok;
		reason = ok ? "Accepted" : "NotAllowed";
		snprintf(msg, sizeof msg, "%s", ok ? "ListenerSet is accepted" : "ListenerSet is not allowed by its Gateway");
	}
	const char *preason = ok ? "Programmed"
	                      : m->reason && strcmp(m->reason, "ParentNotAccepted") == 0 ? "ParentNotProgrammed"
	                                                                                 : reason;
	json_array_append_new(conds, controller_cond("Accepted", ok, reason, msg, gen, rc->now));
	json_array_append_new(conds, controller_cond("Programmed", ok, preason, ok ? "ListenerSet is programmed" : msg,
	                                             gen, rc->now));
	controller_carry_times(conds, json_object_get(old, "conditions"));
	json_t *st = json_pack("{s:o}", "conditions", conds);
	if (!m->reason) {
		json_t *ls = json_array();
		for (size_t i = 0; i < m->n; i++)
			json_array_append_new(ls, listener_status(rc, &m->ls[i], gen, NULL, old));
		json_object_set_new(st, "listeners", ls);
	}
	controller_write_status(rc->s, RES_LISTENERSET, m->obj, st);
}

void controller_listeners_write(struct rc *rc)
{
	for (size_t i = 0; i < rc->n_gws; i++)
		write_gateway(rc, &rc->gws[i]);
	for (size_t i = 0; i < rc->n_lss; i++)
		write_listenerset(rc, &rc->lss[i]);
}
