/* topology_listeners.c: listeners of Gateways and ListenerSets judged as Gateway API v1.6.1
 * says (apis/v1/gateway_types.go ListenerConditionType/Reason and the Gateway's Accepted,
 * apis/v1/listenerset_types.go, GEP-1713 "ListenerSet"; the same rules gammatop-sim's
 * controller writes, src/sim/controller_listeners.c):
 *  - supportedKinds from the protocol (HTTP/HTTPS: HTTPRoute, GRPCRoute; TLS: TLSRoute;
 *    TCP: TCPRoute; UDP: UDPRoute), narrowed by allowedRoutes.kinds; a kind that the
 *    protocol cannot carry makes ResolvedRefs False/InvalidRouteKinds; an unknown protocol
 *    Accepted False/UnsupportedProtocol;
 *  - certificateRefs of a terminating listener (HTTPS, TLS mode Terminate): none (and no
 *    tls.options), or not a core Secret: InvalidCertificateRef; in another namespace without
 *    a ReferenceGrant from the owner's kind and namespace: RefNotPermitted. Whether the
 *    Secret exists is not known to gammatop (it never reads Secrets), so it is not judged;
 *  - the merged listener list of a Gateway: its own, then the ListenerSets it takes
 *    (allowedListeners, default None) oldest first, then by namespace/name. Indistinct
 *    listeners on one port are Conflicted (inside one resource every one of them, across
 *    resources the later ones; one that lost to a listener of higher precedence conflicts
 *    with nothing after it, as conformance/tests/listenerset-protocol-conflict.go wants,
 *    where gammatop-sim's controller still knocks out its siblings): HostnameConflict (same protocol family and hostname) or
 *    ProtocolConflict (which also empties supportedKinds); OverlappingTLSConfig on
 *    terminating listeners of one port whose distinct hostnames overlap;
 *  - the Gateway's Accepted (True/Accepted; ListenersNotValid, False when no own listener is
 *    accepted; Unknown/Pending when its GatewayClass is missing: no controller reconciles
 *    it), the ListenerSet's Accepted (NotAllowed, ParentNotAccepted, Invalid for a parent
 *    that is not a Gateway, ListenersNotValid), and AttachedListenerSets. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/lint.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/xalloc.h"
#include "topology_int.h"

static const char *const http_kinds[] = {"HTTPRoute", "GRPCRoute", NULL};
static const char *const tls_kinds[] = {"TLSRoute", NULL};
static const char *const tcp_kinds[] = {"TCPRoute", NULL};
static const char *const udp_kinds[] = {"UDPRoute", NULL};

static const char *const *kinds_for(const char *proto)
{
	if (str_eq(proto, "HTTP") || str_eq(proto, "HTTPS"))
		return http_kinds;
	if (str_eq(proto, "TLS"))
		return tls_kinds;
	if (str_eq(proto, "TCP"))
		return tcp_kinds;
	if (str_eq(proto, "UDP"))
		return udp_kinds;
	return NULL;
}

/* The listener's judgement while it is being made (messages go into conditions at the end). */
struct verdict {
	const char *acc_reason;  /* NULL: accepted */
	char acc_msg[300];
	const char *refs_reason; /* NULL: resolved */
	char refs_msg[300];
	const char *conflict;    /* NULL: none */
	bool conflict_from_above; /* lost to a listener of a resource of higher precedence */
};

static void refs_fail(struct verdict *v, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refs_fail(struct verdict *v, const char *reason, const char *fmt, ...)
{
	if (v->refs_reason)
		return; /* the first failure names the condition */
	v->refs_reason = reason;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->refs_msg, sizeof v->refs_msg, fmt, ap);
	va_end(ap);
}

static void check_certs(struct build *b, struct topo_listener *tl, struct verdict *v)
{
	const struct gt_listener *l = tl->listener;
	const char *owner_ns = object_ns(tl->owner);
	if (l->n_certs == 0) {
		if (!l->has_tls_options)
			refs_fail(v, "InvalidCertificateRef",
			          "listener %.100s terminates TLS without certificateRefs", str_or(l->name, "?"));
		return;
	}
	for (size_t i = 0; i < l->n_certs; i++) {
		const struct gt_object_ref *r = &l->certs[i];
		const char *ns = str_or(r->namespace_, owner_ns);
		if (!topology_is_core_group(r->group) || !str_eq(r->kind, "Secret")) {
			refs_fail(v, "InvalidCertificateRef",
			          "certificateRefs[%zu] %.100s/%.100s: kind %.60s is not a core Secret", i, ns,
			          str_or(r->name, ""), str_or(r->kind, "?"));
			continue;
		}
		if (!str_eq(ns, owner_ns) &&
		    !topology_grant_permits(b, kind_name(tl->owner->kind), owner_ns, "Secret", ns, r->name))
			refs_fail(v, "RefNotPermitted",
			          "certificateRefs[%zu]: no ReferenceGrant in namespace %.100s lets %s from "
			          "namespace %.100s refer to Secret %.100s",
			          i, ns, kind_name(tl->owner->kind), owner_ns, str_or(r->name, ""));
	}
}

/* Protocol, kinds and references of one listener, before conflicts. */
static void eval_listener(struct build *b, struct topo_listener *tl, struct verdict *v)
{
	const struct gt_listener *l = tl->listener;
	memset(v, 0, sizeof *v);
	tl->passthrough = str_eq(l->protocol, "TLS") && str_eq(l->tls_mode, "Passthrough");
	tl->terminate = str_eq(l->protocol, "HTTPS") || (str_eq(l->protocol, "TLS") && !tl->passthrough);
	const char *const *valid = kinds_for(l->protocol);
	if (!valid) {
		v->acc_reason = "UnsupportedProtocol";
		snprintf(v->acc_msg, sizeof v->acc_msg, "protocol %.100s is not a core Gateway API protocol",
		         str_or(l->protocol, "?"));
		return;
	}
	if (l->n_kinds == 0) {
		for (size_t i = 0; valid[i] && tl->n_supported_kinds < 3; i++)
			tl->supported_kinds[tl->n_supported_kinds++] = valid[i];
	} else {
		for (size_t k = 0; k < l->n_kinds; k++) {
			const char *g = l->kinds[k].group ? l->kinds[k].group : GW_GROUP;
			const char *kind = str_or(l->kinds[k].kind, "");
			const char *match = NULL;
			for (size_t j = 0; valid[j] && str_eq(g, GW_GROUP); j++)
				if (str_eq(valid[j], kind))
					match = valid[j];
			if (!match) {
				refs_fail(v, "InvalidRouteKinds",
				          "route kind %.100s/%.60s is not supported on a %s listener", g, kind,
				          l->protocol);
				continue;
			}
			bool dup = false;
			for (size_t j = 0; j < tl->n_supported_kinds; j++)
				dup |= tl->supported_kinds[j] == match;
			if (!dup && tl->n_supported_kinds < 3)
				tl->supported_kinds[tl->n_supported_kinds++] = match;
		}
	}
	if (tl->terminate)
		check_certs(b, tl, v);
}

/* ---- conflicts ---- */

struct lref {
	struct topo_listener *tl;
	struct verdict *v;
	long owner; /* -1: the Gateway; else the ListenerSet index */
};

static bool is(const struct topo_listener *l, const char *p)
{
	return str_eq(l->listener->protocol, p);
}

static bool same_host(const struct topo_listener *a, const struct topo_listener *b)
{
	const char *ha = a->listener->hostname, *hb = b->listener->hostname;
	return (str_empty(ha) && str_empty(hb)) || (!str_empty(ha) && !str_empty(hb) && str_eq(ha, hb));
}

/* Why a and b (same port) cannot both be served, or NULL. */
static const char *pair_conflict(const struct topo_listener *a, const struct topo_listener *b)
{
	if (!kinds_for(a->listener->protocol) || !kinds_for(b->listener->protocol))
		return NULL;
	if (is(a, "UDP") != is(b, "UDP"))
		return NULL; /* another transport */
	if (is(a, "UDP") || (is(a, "TCP") && is(b, "TCP")))
		return "HostnameConflict"; /* nothing else tells them apart */
	if (is(a, "TCP") || is(b, "TCP") || is(a, "HTTP") != is(b, "HTTP"))
		return "ProtocolConflict";
	if (is(a, "TLS") && is(b, "TLS") && a->passthrough != b->passthrough)
		return "ProtocolConflict";
	return same_host(a, b) ? "HostnameConflict" : NULL;
}

static int by_port(const void *x, const void *y)
{
	const struct lref *a = x, *b = y;
	if (a->tl->listener->port != b->tl->listener->port)
		return a->tl->listener->port < b->tl->listener->port ? -1 : 1;
	return a->tl->precedence - b->tl->precedence;
}

static void conflict(struct lref *r, const char *reason)
{
	if (r->v->conflict)
		return;
	r->v->conflict = reason;
	r->tl->conflicted = true;
	if (!r->v->acc_reason) {
		r->v->acc_reason = reason;
		snprintf(r->v->acc_msg, sizeof r->v->acc_msg,
		         "listener %.100s conflicts with another listener on port %d",
		         str_or(r->tl->listener->name, "?"), r->tl->listener->port);
	}
	if (str_eq(reason, "ProtocolConflict"))
		r->tl->n_supported_kinds = 0;
}

/* Pairs in precedence order: a listener that already lost to one of higher precedence is
 * out, and conflicts with nothing after it (listenerset-protocol-conflict: a ListenerSet's
 * TCP listener that loses to the Gateway's HTTP ones leaves the same ListenerSet's HTTP
 * listener on that port accepted). Indistinct listeners of one resource all lose. */
static void judge(struct lref *v, size_t n)
{
	qsort(v, n, sizeof *v, by_port);
	for (size_t i = 0; i < n; i++) {
		if (v[i].v->conflict && v[i].v->conflict_from_above)
			continue;
		for (size_t j = i + 1; j < n && v[j].tl->listener->port == v[i].tl->listener->port; j++) {
			if (v[j].v->conflict && v[j].v->conflict_from_above)
				continue;
			const char *why = pair_conflict(v[i].tl, v[j].tl);
			if (!why)
				continue;
			if (v[i].owner == v[j].owner)
				conflict(&v[i], why); /* no winner inside one resource */
			else
				v[j].v->conflict_from_above = true;
			conflict(&v[j], why);
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && v[j].tl->listener->port == v[i].tl->listener->port; j++) {
			const char *hi = v[i].tl->listener->hostname, *hj = v[j].tl->listener->hostname;
			if (v[i].tl->terminate && v[j].tl->terminate && !v[i].v->conflict &&
			    !v[j].v->conflict && !str_empty(hi) && !str_empty(hj) && !str_eq(hi, hj) &&
			    topology_hostnames_intersect(hi, hj))
				v[i].tl->overlapping_tls = v[j].tl->overlapping_tls = true;
		}
}

/* The conditions of a judged listener. */
static void finish(struct topo_listener *tl, const struct verdict *v)
{
	tl->accepted = !v->acc_reason;
	tl->resolved_refs = !v->refs_reason;
	topology_cond(&tl->conditions, "Accepted", tl->accepted, tl->accepted ? "Accepted" : v->acc_reason,
	              "%s", tl->accepted ? "Listener is accepted" : v->acc_msg);
	topology_cond(&tl->conditions, "ResolvedRefs", tl->resolved_refs,
	              tl->resolved_refs ? "ResolvedRefs" : v->refs_reason, "%s",
	              tl->resolved_refs ? "Resolved all references" : v->refs_msg);
	topology_cond(&tl->conditions, "Conflicted", v->conflict != NULL,
	              v->conflict ? v->conflict : "NoConflicts", "%s",
	              v->conflict ? v->acc_msg : "No conflicts");
	if (tl->overlapping_tls) /* negative polarity: set only when True */
		topology_cond(&tl->conditions, "OverlappingTLSConfig", true, "OverlappingHostnames",
		              "the hostname of listener %.100s overlaps another terminating listener's "
		              "on port %d",
		              str_or(tl->listener->name, "?"), tl->listener->port);
}

/* ---- Gateways and ListenerSets ---- */

static bool allows_listenerset(struct build *b, const struct gt_object *gw,
                               const struct gt_object *ls)
{
	const struct gt_gateway *g = &gw->u.gw;
	switch (g->allowed_listeners) {
	case GT_AL_NONE: return false;
	case GT_AL_ALL: return true;
	case GT_AL_SAME: return str_eq(object_ns(gw), object_ns(ls));
	case GT_AL_SELECTOR:
		return topology_ns_selected(b, &g->allowed_listeners_selector, object_ns(ls));
	}
	return false;
}

static const struct gt_topology *sort_t;

static int ls_precedence(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return topology_older(sort_t->listenersets[a].obj, sort_t->listenersets[b].obj);
}

/* Where the ListenerSet points, and whether that Gateway takes it (before its listeners). */
static void place_listenerset(struct build *b, struct topo_listenerset *ls, bool *gw_accepted)
{
	const struct gt_parent_ref *p = ls->obj->u.gw.ls_parent;
	if (!p || !str_eq(p->group, GW_GROUP) || !str_eq(p->kind, "Gateway")) {
		topology_cond(&ls->conditions, "Accepted", false, "Invalid",
		              "parentRef must be a %s Gateway, not %.100s/%.60s", GW_GROUP,
		              p ? str_or(p->group, "") : "", p ? str_or(p->kind, "?") : "(none)");
		return;
	}
	const char *gns = str_or(p->namespace_, object_ns(ls->obj));
	size_t gi;
	if (!topology_index_get(&b->gateways, gns, p->name, &gi)) {
		topology_cond(&ls->conditions, "Accepted", false, "ParentNotAccepted",
		              "Gateway %.100s/%.100s not found", gns, str_or(p->name, ""));
		return;
	}
	ls->gateway = (long)gi;
	struct topo_gateway *tg = &b->t->gateways[gi];
	topology_push_index(&tg->listenersets, &tg->n_listenersets, (size_t)(ls - b->t->listenersets));
	if (!allows_listenerset(b, tg->obj, ls->obj)) {
		topology_cond(&ls->conditions, "Accepted", false, "NotAllowed",
		              "Gateway %.100s/%.100s does not allow ListenerSets from namespace %.100s "
		              "(allowedListeners)",
		              gns, str_or(p->name, ""), object_ns(ls->obj));
		return;
	}
	if (!gw_accepted[gi]) {
		topology_cond(&ls->conditions, "Accepted", false, "ParentNotAccepted",
		              "Gateway %.100s/%.100s is not accepted", gns, str_or(p->name, ""));
		return;
	}
	{
		const struct gt_gateway *g = &ls->obj->u.gw;
		ls->n_listeners = g->n_listeners;
		ls->listeners = xcalloc(g->n_listeners ? g->n_listeners : 1, sizeof *ls->listeners);
		for (size_t i = 0; i < g->n_listeners; i++) {
			struct topo_listener *tl = &ls->listeners[i];
			tl->listener = &g->listeners[i];
			tl->owner = ls->obj;
			tl->index = i;
			tl->reported_attached_routes = -1;
			for (size_t k = 0; k < g->n_listener_status; k++)
				if (str_eq(g->listener_status[k].name, g->listeners[i].name)) {
					tl->reported = &g->listener_status[k];
					tl->reported_attached_routes = g->listener_status[k].attached_routes;
					break;
				}
		}
	}
}

void topology_listeners_judge(struct build *b)
{
	struct gt_topology *t = b->t;
	bool *gw_accepted = xcalloc(t->n_gateways + 1, sizeof *gw_accepted);
	struct verdict **gv = xcalloc(t->n_gateways + 1, sizeof *gv);
	/* Each Gateway alone: its own listeners decide whether it is accepted. */
	for (size_t gi = 0; gi < t->n_gateways; gi++) {
		struct topo_gateway *tg = &t->gateways[gi];
		gv[gi] = xcalloc(tg->n_listeners + 1, sizeof **gv);
		struct lref *v = xcalloc(tg->n_listeners + 1, sizeof *v);
		for (size_t i = 0; i < tg->n_listeners; i++) {
			eval_listener(b, &tg->listeners[i], &gv[gi][i]);
			tg->listeners[i].precedence = (int)i;
			v[i] = (struct lref){&tg->listeners[i], &gv[gi][i], -1};
		}
		judge(v, tg->n_listeners);
		free(v);
		for (size_t i = 0; i < tg->n_listeners; i++)
			gw_accepted[gi] |= !gv[gi][i].acc_reason;
		gw_accepted[gi] &= tg->klass != NULL;
	}
	/* Each ListenerSet: its parent and whether the parent takes it. */
	struct verdict **lv = xcalloc(t->n_listenersets + 1, sizeof *lv);
	for (size_t li = 0; li < t->n_listenersets; li++) {
		struct topo_listenerset *ls = &t->listenersets[li];
		place_listenerset(b, ls, gw_accepted);
		lv[li] = xcalloc(ls->n_listeners + 1, sizeof **lv);
		for (size_t i = 0; i < ls->n_listeners; i++)
			eval_listener(b, &ls->listeners[i], &lv[li][i]);
	}
	/* The merged list of each Gateway with the ListenerSets it takes. */
	for (size_t gi = 0; gi < t->n_gateways; gi++) {
		struct topo_gateway *tg = &t->gateways[gi];
		size_t *sets = xcalloc(tg->n_listenersets + 1, sizeof *sets), ns = 0;
		size_t total = tg->n_listeners;
		for (size_t k = 0; k < tg->n_listenersets; k++) {
			struct topo_listenerset *ls = &t->listenersets[tg->listenersets[k]];
			if (ls->conditions.n == 0) { /* taken: no refusal recorded */
				sets[ns++] = tg->listenersets[k];
				total += ls->n_listeners;
			}
		}
		if (ns) {
			sort_t = t;
			qsort(sets, ns, sizeof *sets, ls_precedence);
			struct lref *v = xcalloc(total + 1, sizeof *v);
			size_t n = 0;
			for (size_t i = 0; i < tg->n_listeners; i++)
				v[n++] = (struct lref){&tg->listeners[i], &gv[gi][i], -1};
			for (size_t k = 0; k < ns; k++) {
				struct topo_listenerset *ls = &t->listenersets[sets[k]];
				for (size_t i = 0; i < ls->n_listeners; i++) {
					ls->listeners[i].precedence = (int)n;
					v[n++] = (struct lref){&ls->listeners[i], &lv[sets[k]][i], (long)sets[k]};
				}
			}
			judge(v, n);
			free(v);
		}
		free(sets);
		for (size_t i = 0; i < tg->n_listeners; i++)
			finish(&tg->listeners[i], &gv[gi][i]);
	}
	/* ListenerSet Accepted: at least one listener both Accepted and ResolvedRefs. */
	for (size_t li = 0; li < t->n_listenersets; li++) {
		struct topo_listenerset *ls = &t->listenersets[li];
		struct buf bad;
		buf_init(&bad);
		size_t good = 0;
		for (size_t i = 0; i < ls->n_listeners; i++) {
			finish(&ls->listeners[i], &lv[li][i]);
			if (ls->listeners[i].accepted && ls->listeners[i].resolved_refs)
				good++;
			else
				buf_printf(&bad, "%s%s", bad.len ? ", " : "",
				           str_or(ls->listeners[i].listener->name, "?"));
		}
		if (ls->conditions.n == 0) {
			ls->accepted = good > 0;
			if (good && !bad.len)
				topology_cond(&ls->conditions, "Accepted", true, "Accepted", "ListenerSet is accepted");
			else
				topology_cond(&ls->conditions, "Accepted", good > 0, "ListenersNotValid",
				              "%s: invalid listeners: %.300s",
				              good ? "ListenerSet is accepted" : "no valid listeners", buf_str(&bad));
			if (ls->accepted)
				t->gateways[ls->gateway].attached_listener_sets++;
		}
		buf_done(&bad);
		free(lv[li]);
	}
	free(lv);
	/* Gateway Accepted. */
	for (size_t gi = 0; gi < t->n_gateways; gi++) {
		struct topo_gateway *tg = &t->gateways[gi];
		if (!tg->klass) {
			tg->conditions.items[0] = (struct topo_condition){
				"Accepted", "Unknown", "Pending",
				xasprintf("GatewayClass %s not found: no controller reconciles this Gateway",
				          str_or(tg->obj->u.gw.class_name, "(none)"))};
			tg->conditions.n = 1;
		} else {
			struct buf bad;
			buf_init(&bad);
			for (size_t i = 0; i < tg->n_listeners; i++)
				if (!tg->listeners[i].accepted || !tg->listeners[i].resolved_refs)
					buf_printf(&bad, "%s%s", bad.len ? ", " : "",
					           str_or(tg->listeners[i].listener->name, "?"));
			if (!bad.len)
				topology_cond(&tg->conditions, "Accepted", true, "Accepted", "Gateway is accepted");
			else
				topology_cond(&tg->conditions, "Accepted", gw_accepted[gi], "ListenersNotValid",
				              "%s: invalid listeners: %.300s",
				              gw_accepted[gi] ? "Gateway is accepted" : "no valid listeners",
				              buf_str(&bad));
			buf_done(&bad);
		}
		if (tg->obj->u.gw.default_scope_all) /* GEP-3793; the GEP fixes no reason */
			topology_cond(&tg->conditions, "DefaultGateway", true, "DefaultScope",
			              "Gateway has default scope All");
		free(gv[gi]);
	}
	free(gv);
	free(gw_accepted);
}

/* ---- computed versus reported ---- */

static const char *reported_status(const struct gt_conditions *c, const char *type)
{
	const struct gt_condition *k = conditions_find(c, type);
	return k ? k->status : NULL;
}

static void listener_findings(struct build *b, const struct topo_listener *tl, const char *oid,
                              size_t i)
{
	char field[64];
	snprintf(field, sizeof field, "spec.listeners[%zu]", i);
	const char *ln = str_or(tl->listener->name, "?");
	if (tl->reported_attached_routes >= 0 && tl->reported_attached_routes != tl->attached_routes)
		findings_add(&b->t->findings, LINT_ATTACHED_ROUTES_DIFFER, oid, field,
		             "listener %s: the controller reports %d attached routes, gammatop counts %d "
		             "in the routes it can see",
		             ln, tl->reported_attached_routes, tl->attached_routes);
	if (!tl->reported)
		return;
	static const char *const types[] = {"Accepted", "ResolvedRefs", "Conflicted"};
	for (size_t k = 0; k < 3; k++) {
		const char *rep = reported_status(&tl->reported->conditions, types[k]);
		const struct topo_condition *c = topo_conditions_find(&tl->conditions, types[k]);
		if (!rep || !c || str_eq(rep, "Unknown") || str_eq(rep, c->status))
			continue;
		findings_add(&b->t->findings, LINT_LISTENER_STATUS_DISAGREES, oid,
		             field, "listener %s: the controller reports %s %s, gammatop computes %s %s (%s)",
		             ln, types[k], rep, c->status, c->reason, c->message ? c->message : "");
	}
}

void topology_listeners_findings(struct build *b)
{
	struct gt_topology *t = b->t;
	char oid[512];
	for (size_t gi = 0; gi < t->n_gateways; gi++) {
		const struct topo_gateway *tg = &t->gateways[gi];
		object_id(tg->obj, oid, sizeof oid);
		for (size_t i = 0; i < tg->n_listeners; i++) {
			const struct topo_listener *tl = &tg->listeners[i];
			listener_findings(b, tl, oid, i);
			const struct topo_condition *c = topo_conditions_find(&tl->conditions, "Accepted");
			const struct topo_condition *r = topo_conditions_find(&tl->conditions, "ResolvedRefs");
			if (tg->klass && c && !tl->accepted)
				findings_add(&t->findings, LINT_LISTENER_NOT_ACCEPTED, oid,
				             "spec.listeners", "listener %s is not accepted: %s (%s)",
				             str_or(tl->listener->name, "?"), c->reason, c->message);
			else if (tg->klass && r && !tl->resolved_refs)
				findings_add(&t->findings, LINT_LISTENER_REFS_UNRESOLVED, oid,
				             "spec.listeners", "listener %s: %s (%s)",
				             str_or(tl->listener->name, "?"), r->reason, r->message);
		}
		const struct gt_gateway *g = &tg->obj->u.gw;
		if (g->attached_listener_sets >= 0 && g->attached_listener_sets != tg->attached_listener_sets)
			findings_add(&t->findings, LINT_ATTACHED_ROUTES_DIFFER, oid,
			             "status.attachedListenerSets",
			             "the controller reports %d attached ListenerSets, gammatop counts %d",
			             g->attached_listener_sets, tg->attached_listener_sets);
	}
	for (size_t li = 0; li < t->n_listenersets; li++) {
		const struct topo_listenerset *ls = &t->listenersets[li];
		object_id(ls->obj, oid, sizeof oid);
		for (size_t i = 0; i < ls->n_listeners; i++)
			listener_findings(b, &ls->listeners[i], oid, i);
		const struct topo_condition *c = topo_conditions_find(&ls->conditions, "Accepted");
		if (c && !ls->accepted)
			findings_add(&t->findings, LINT_LISTENERSET_NOT_ACCEPTED, oid,
			             "spec.parentRef", "ListenerSet is not accepted: %s (%s)",
			             c->reason, c->message);
		const char *rep = reported_status(&ls->obj->u.gw.conditions, "Accepted");
		if (c && rep && !str_eq(rep, "Unknown") && !str_eq(rep, c->status))
			findings_add(&t->findings, LINT_LISTENER_STATUS_DISAGREES, oid,
			             "status.conditions",
			             "the controller reports Accepted %s, gammatop computes %s %s (%s)",
			             rep, c->status, c->reason, c->message);
	}
}
