/* topology.c: who attaches to whom, computed from the spec as the Gateway API says: for every
 * route and parentRef, listener selection (sectionName, port), allowedRoutes namespaces and
 * kinds, hostname intersection, GAMMA producer/consumer Service parents, backendRefs with
 * ReferenceGrants; side by side with what controllers reported in status.parents. Lookups go
 * through hash indexes built once per topology (topology_index.c), so the cost is linear in
 * the store; reported status is compared in topology_status.c. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gammatop/buf.h"
#include "gammatop/lint.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/xalloc.h"
#include "topology_int.h"


const char *topo_role_name(enum topo_role r)
{
	switch (r) {
	case TOPO_GATEWAY:
		return "gateway";
	case TOPO_PRODUCER:
		return "producer";
	case TOPO_CONSUMER:
		return "consumer";
	case TOPO_OTHER:
		return "other";
	}
	return "other";
}

static bool ref_is_gateway(const struct gt_parent_ref *r)
{
	return str_eq(r->kind, "Gateway") && str_eq(r->group, GW_GROUP);
}

static bool ref_is_listenerset(const struct gt_parent_ref *r)
{
	return str_eq(r->kind, "ListenerSet") && str_eq(r->group, GW_GROUP);
}

static bool ref_is_service(const struct gt_parent_ref *r)
{
	return str_eq(r->kind, "Service") && topology_is_core_group(r->group);
}

/* ---- listeners: namespaces, kinds, hostnames ---- */

/* The kinds a listener takes are its computed supportedKinds (topology_listeners.c). */
static bool listener_allows_kind(const struct topo_listener *tl, enum gt_kind kind)
{
	const char *kn = kind_name(kind);
	for (size_t i = 0; i < tl->n_supported_kinds; i++)
		if (str_eq(tl->supported_kinds[i], kn))
			return true;
	return false;
}

/* allowedRoutes.namespaces: "Same" is the namespace of the listener's owner (the Gateway or
 * the ListenerSet, GEP-1713). */
static bool listener_allows_ns(struct build *b, const struct gt_listener *l,
                               const struct gt_object *owner, const struct gt_object *route)
{
	switch (l->from) {
	case GT_FROM_ALL:
		return true;
	case GT_FROM_SAME:
		return str_eq(object_ns(owner), object_ns(route));
	case GT_FROM_SELECTOR:
		return topology_ns_selected(b, &l->selector, object_ns(route));
	}
	return false;
}

/* Why listener tl does not admit route, in words (into out). */
static void listener_refusal(struct build *b, const struct topo_listener *tl,
                             const struct gt_object *owner, const struct gt_object *route,
                             struct buf *out)
{
	const struct gt_listener *l = tl->listener;
	const char *ln = str_or(l->name, "?");
	if (!listener_allows_kind(tl, route->kind)) {
		if (tl->n_supported_kinds == 0) {
			buf_printf(out, "listener %s (protocol %s) carries no route kind", ln,
			           str_or(l->protocol, "?"));
		} else if (l->n_kinds == 0) {
			buf_printf(out, "listener %s (protocol %s) does not carry %s", ln,
			           str_or(l->protocol, "?"), kind_name(route->kind));
		} else {
			buf_printf(out, "listener %s allows kinds ", ln);
			for (size_t i = 0; i < l->n_kinds && i < 4; i++)
				buf_printf(out, "%s%s", i ? ", " : "", str_or(l->kinds[i].kind, "?"));
			buf_printf(out, ", not %s", kind_name(route->kind));
		}
		return;
	}
	switch (l->from) {
	case GT_FROM_SAME:
		buf_printf(out, "listener %s admits routes from namespace %s only (from: Same)", ln,
		           object_ns(owner));
		break;
	case GT_FROM_SELECTOR:
		buf_printf(out,
		           "listener %s admits routes from namespaces matching its selector; "
		           "namespace %s does not match%s",
		           ln, object_ns(route),
		           topology_ns_labels(b, object_ns(route))
		                   ? ""
		                   : " (no Namespace object: its labels "
		                     "are unknown)");
		break;
	case GT_FROM_ALL:
		buf_printf(out, "listener %s refuses the route", ln);
		break;
	}
}

static bool route_hosts_intersect(const struct gt_route *r, const char *lhost)
{
	if (r->n_hostnames == 0 || str_empty(lhost))
		return true;
	for (size_t i = 0; i < r->n_hostnames; i++)
		if (topology_hostnames_intersect(lhost, r->hostnames[i]))
			return true;
	return false;
}

/* ---- parents ---- */

static const char *backend_field(char *buf, size_t n, size_t rule_i, size_t bi)
{
	snprintf(buf, n, "spec.rules[%zu].backendRefs[%zu]", rule_i, bi);
	return buf;
}

/* The messages of what attaches and resolves (every parent and backend of a large
 * topology) are put together without printf: the strings up to a NULL, in one allocation. */
static char *join(const char *first, ...)
{
	va_list ap;
	size_t len = 0;
	va_start(ap, first);
	for (const char *p = first; p; p = va_arg(ap, const char *))
		len += strlen(p);
	va_end(ap);
	char *out = xmalloc(len + 1), *o = out;
	va_start(ap, first);
	for (const char *p = first; p; p = va_arg(ap, const char *)) {
		size_t k = strlen(p);
		memcpy(o, p, k);
		o += k;
	}
	va_end(ap);
	*o = '\0';
	return out;
}

/* Decimal text of v into d (24 bytes). */
static const char *num(char *d, int v)
{
	char t[24];
	size_t i = sizeof t;
	unsigned u = v < 0 ? 0U - (unsigned)v : (unsigned)v;
	t[--i] = '\0';
	do
		t[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		t[--i] = '-';
	memcpy(d, t + i, sizeof t - i);
	return d;
}

/* The target of a reference is absent from the store, but kind was not read in ns (RBAC
 * forbade it, or the user chose a namespace): say that instead of "not found". true when so. */
static bool not_read(struct build *b, enum gt_kind kind, const char *ns, const char *name,
                     const char **reason, char **message, bool *unknown)
{
	if (store_kind_covers(b->s, kind, ns))
		return false;
	const struct store_kind_state *st = store_kind_state((struct gt_store *)b->s, kind);
	*reason = "Unknown";
	*unknown = true;
	if (st->scope_forbidden)
		*message = xasprintf("cannot read %s %s/%s (forbidden: only namespace %s is readable)",
		                     kind_id(kind), ns, str_or(name, ""), st->scope_ns);
	else
		*message = xasprintf("cannot tell: %s %s/%s is outside namespace %s, the only one "
		                     "read (-A reads all)",
		                     kind_id(kind), ns, str_or(name, ""), st->scope_ns);
	return true;
}

/* Attach route through parentRef tp to the listeners of owner (a Gateway, or a ListenerSet
 * its Gateway takes): sectionName and port pick listeners (NoMatchingParent when none), each
 * must take the route's kind and namespace (NotAllowedByListeners) and share a hostname
 * (NoMatchingListenerHostname, for HTTP, gRPC and TLS routes). A Gateway parentRef sees only
 * the Gateway's own listeners, a ListenerSet parentRef only the ListenerSet's (GEP-1713,
 * "Summary of Attachments"). */
static void attach_to_listeners(struct build *b, const struct gt_object *route, size_t ri,
                                size_t pi, struct topo_parent *tp, struct topology_rid *rid,
                                const struct gt_object *owner, struct topo_listener *tls,
                                size_t n_tls)
{
	const struct gt_parent_ref *ref = tp->ref;
	const char *ns = topology_ref_ns(ref, route);
	const char *what = owner->kind == GT_LISTENERSET ? "listenerset" : "gateway";
	char field[64];
	size_t n_selected = 0, n_allowed = 0;
	struct buf refusals, hosts;
	buf_init(&refusals);
	buf_init(&hosts);
	for (size_t li = 0; li < n_tls; li++) {
		struct topo_listener *tl = &tls[li];
		const struct gt_listener *l = tl->listener;
		if (ref->section_name && !str_eq(ref->section_name, l->name))
			continue;
		if (ref->port && ref->port != l->port)
			continue;
		n_selected++;
		if (!listener_allows_kind(tl, route->kind) || !listener_allows_ns(b, l, owner, route)) {
			if (refusals.len < 400) {
				if (refusals.len)
					buf_puts(&refusals, "; ");
				listener_refusal(b, tl, owner, route, &refusals);
			}
			continue;
		}
		n_allowed++;
		if (!route_hosts_intersect(&route->u.route, l->hostname)) {
			if (hosts.len < 300)
				buf_printf(&hosts, "%s%s: %s", hosts.len ? ", " : "", str_or(l->name, "?"),
				           l->hostname);
			continue;
		}
		topology_push_index(&tp->listeners, &tp->n_listeners, li);
		if (tl->n_routes == 0 || tl->routes[tl->n_routes - 1] != ri) {
			topology_push_index(&tl->routes, &tl->n_routes, ri);
			tl->attached_routes++;
		}
	}

	if (tp->n_listeners == 1) { /* the common case, without printf */
		tp->attached = true;
		tp->reason = "Accepted";
		tp->message = join("attached to ", what, " ", ns, "/", str_or(ref->name, ""),
		                   ", listener ", str_or(tls[tp->listeners[0]].listener->name, "?"),
		                   (char *)NULL);
		buf_done(&refusals);
		buf_done(&hosts);
		return;
	}
	char gid[320];
	snprintf(gid, sizeof gid, "%s/%s", ns, str_or(ref->name, ""));
	if (tp->n_listeners > 0) {
		tp->attached = true;
		tp->reason = "Accepted";
		struct buf m;
		buf_init(&m);
		buf_printf(&m, "attached to %s %s, listener%s ", what, gid, tp->n_listeners > 1 ? "s" : "");
		for (size_t i = 0; i < tp->n_listeners; i++)
			buf_printf(&m, "%s%s", i ? ", " : "", str_or(tls[tp->listeners[i]].listener->name, "?"));
		tp->message = buf_steal(&m);
	} else if (n_selected == 0) {
		tp->reason = "NoMatchingParent";
		if (n_tls == 0)
			tp->message = xasprintf("%s %s has no listeners", what, gid);
		else if (ref->section_name && ref->port)
			tp->message = xasprintf("%s %s has no listener named %s on port %d", what, gid,
			                        ref->section_name, ref->port);
		else if (ref->section_name)
			tp->message = xasprintf("%s %s has no listener named %s", what, gid, ref->section_name);
		else
			tp->message = xasprintf("%s %s has no listener on port %d", what, gid, ref->port);
		findings_add(&b->t->findings, LINT_NO_MATCHING_PARENT, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi), "%s", tp->message);
	} else if (n_allowed == 0) {
		tp->reason = "NotAllowedByListeners";
		tp->message = xasprintf("no listener of %s %s admits this route: %s", what, gid,
		                        buf_str(&refusals));
		findings_add(&b->t->findings, LINT_NOT_ALLOWED_BY_LISTENERS, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi), "%s", tp->message);
	} else {
		tp->reason = "NoMatchingListenerHostname";
		struct buf rh;
		buf_init(&rh);
		for (size_t i = 0; i < route->u.route.n_hostnames && i < 8; i++)
			buf_printf(&rh, "%s%s", i ? ", " : "", route->u.route.hostnames[i]);
		tp->message = xasprintf("route hostnames (%s) intersect no hostname of the listeners of "
		                        "%s %s (%s)",
		                        buf_str(&rh), what, gid, buf_str(&hosts));
		buf_done(&rh);
		findings_add(&b->t->findings, LINT_NO_MATCHING_LISTENER_HOSTNAME, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi), "%s", tp->message);
	}
	buf_done(&refusals);
	buf_done(&hosts);
}

static void resolve_gateway_parent(struct build *b, const struct gt_object *route, size_t ri,
                                   size_t pi, struct topo_parent *tp, struct topology_rid *rid)
{
	const struct gt_parent_ref *ref = tp->ref;
	const char *ns = topology_ref_ns(ref, route);
	char field[64];
	tp->role = TOPO_GATEWAY;
	size_t gi;
	if (!topology_index_get(&b->gateways, ns, ref->name, &gi)) {
		if (not_read(b, GT_GATEWAY, ns, ref->name, &tp->reason, &tp->message, &tp->unknown))
			return;
		tp->reason = "NoMatchingParent";
		tp->message = xasprintf("gateway %s/%s not found", ns, str_or(ref->name, ""));
		findings_add(&b->t->findings, LINT_PARENT_NOT_FOUND, topology_rid(rid), topology_parent_field(field, sizeof field, pi),
		             "parentRef names gateway %s/%s, which does not exist", ns,
		             str_or(ref->name, ""));
		return;
	}
	struct topo_gateway *tg = &b->t->gateways[gi];
	tp->target = tg->obj;
	attach_to_listeners(b, route, ri, pi, tp, rid, tg->obj, tg->listeners, tg->n_listeners);
}

/* A ListenerSet parent: only a ListenerSet its Gateway takes has listeners to attach to (one
 * it does not take gives NoMatchingParent: the spec leaves this open, the sim does so too). */
static void resolve_listenerset_parent(struct build *b, const struct gt_object *route, size_t ri,
                                       size_t pi, struct topo_parent *tp,
                                       struct topology_rid *rid)
{
	const struct gt_parent_ref *ref = tp->ref;
	const char *ns = topology_ref_ns(ref, route);
	char field[64];
	tp->role = TOPO_GATEWAY;
	size_t li;
	if (!topology_index_get(&b->listenersets, ns, ref->name, &li)) {
		tp->reason = "NoMatchingParent";
		tp->message = xasprintf("listenerset %s/%s not found", ns, str_or(ref->name, ""));
		findings_add(&b->t->findings, LINT_PARENT_NOT_FOUND, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi),
		             "parentRef names listenerset %s/%s, which does not exist", ns,
		             str_or(ref->name, ""));
		return;
	}
	struct topo_listenerset *ls = &b->t->listenersets[li];
	tp->target = ls->obj;
	if (!ls->accepted && ls->n_listeners == 0) {
		const struct topo_condition *c = topo_conditions_find(&ls->conditions, "Accepted");
		tp->reason = "NoMatchingParent";
		tp->message = xasprintf("listenerset %s/%s is not attached to a gateway (%s: %s)", ns,
		                        str_or(ref->name, ""), c ? c->reason : "?",
		                        c && c->message ? c->message : "");
		findings_add(&b->t->findings, LINT_NO_MATCHING_PARENT, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi), "%s", tp->message);
		return;
	}
	attach_to_listeners(b, route, ri, pi, tp, rid, ls->obj, ls->listeners, ls->n_listeners);
}

static void resolve_service_parent(struct build *b, const struct gt_object *route, size_t ri,
                                   size_t pi, struct topo_parent *tp, struct topology_rid *rid)
{
	const struct gt_parent_ref *ref = tp->ref;
	const char *ns = topology_ref_ns(ref, route);
	const char *name = str_or(ref->name, "");
	char field[64];
	tp->role = str_eq(ns, object_ns(route)) ? TOPO_PRODUCER : TOPO_CONSUMER;
	size_t si;
	if (!topology_index_get(&b->services, ns, ref->name, &si)) {
		if (not_read(b, GT_SERVICE, ns, ref->name, &tp->reason, &tp->message, &tp->unknown))
			return;
		tp->reason = "NoMatchingParent";
		tp->message = xasprintf("service %s/%s not found", ns, name);
		findings_add(&b->t->findings, LINT_PARENT_NOT_FOUND, topology_rid(rid), topology_parent_field(field, sizeof field, pi),
		             "parentRef names service %s/%s, which does not exist", ns, name);
		return;
	}
	struct topo_service *ts = &b->t->services[si];
	const struct gt_service *svc = &ts->obj->u.svc;
	tp->target = ts->obj;
	if (str_eq(svc->type, "ExternalName") || service_is_headless(svc)) {
		tp->reason = "UnsupportedValue";
		if (str_eq(svc->type, "ExternalName"))
			tp->message = xasprintf("service %s/%s is of type ExternalName: a mesh route needs "
			                        "a ClusterIP Service as its parent",
			                        ns, name);
		else
			tp->message = xasprintf("service %s/%s is headless (clusterIP: None): a mesh route "
			                        "needs a ClusterIP Service as its parent",
			                        ns, name);
		findings_add(&b->t->findings, LINT_INVALID_SERVICE_PARENT, topology_rid(rid),
		             topology_parent_field(field, sizeof field, pi), "%s", tp->message);
		return;
	}
	if (ref->port || ref->section_name) {
		bool found = false;
		for (size_t i = 0; i < svc->n_ports && !found; i++) {
			const struct gt_service_port *sp = &svc->ports[i];
			found = (!ref->port || sp->port == ref->port) &&
			        (!ref->section_name || str_eq(sp->name, ref->section_name));
		}
		if (!found) {
			tp->reason = "NoMatchingParent";
			struct buf m;
			buf_init(&m);
			buf_printf(&m, "service %s/%s has no port", ns, name);
			if (ref->port)
				buf_printf(&m, " %d", ref->port);
			if (ref->section_name)
				buf_printf(&m, " named %s", ref->section_name);
			buf_puts(&m, " (ports:");
			for (size_t i = 0; i < svc->n_ports && i < 8; i++)
				buf_printf(&m, " %d%s%s", svc->ports[i].port, svc->ports[i].name ? "/" : "",
				           svc->ports[i].name ? svc->ports[i].name : "");
			buf_puts(&m, svc->n_ports ? ")" : " none)");
			tp->message = buf_steal(&m);
			findings_add(&b->t->findings, LINT_NO_MATCHING_PARENT, topology_rid(rid),
			             topology_parent_field(field, sizeof field, pi), "%s",
			             tp->message);
			return;
		}
	}
	tp->attached = true;
	tp->reason = "Accepted";
	if (tp->role == TOPO_PRODUCER) {
		tp->message = join("producer route of service ", ns, "/", name,
		                   " (applies to all clients)", (char *)NULL);
		if (ts->n_producers == 0 || ts->producers[ts->n_producers - 1] != ri)
			topology_push_index(&ts->producers, &ts->n_producers, ri);
	} else {
		tp->message = join("consumer route of service ", ns, "/", name,
		                   " (applies to clients in namespace ", object_ns(route), ")",
		                   (char *)NULL);
		if (ts->n_consumers == 0 || ts->consumers[ts->n_consumers - 1] != ri)
			topology_push_index(&ts->consumers, &ts->n_consumers, ri);
	}
}

/* ---- backends and ReferenceGrants ---- */

static bool grant_permits(struct build *b, const struct gt_object *route,
                          const struct gt_backend_ref *br, const char *bns)
{
	return topology_grant_permits(b, kind_name(route->kind), object_ns(route), "Service", bns,
	                              br->name);
}

static void resolve_backend(struct build *b, const struct gt_object *route, bool mesh_only,
                            size_t ri, size_t rule_i, size_t bi, struct topo_backend *tb,
                            struct topology_rid *rid)
{
	const struct gt_backend_ref *br = tb->ref;
	const char *bns = br->namespace_ ? br->namespace_ : object_ns(route);
	const char *name = str_or(br->name, "");
	char field[96];
	if (!str_eq(br->kind ? br->kind : "Service", "Service") || !topology_is_core_group(br->group)) {
		tb->reason = "InvalidKind";
		tb->message = xasprintf("backend kind %s%s%s is not a Service",
		                        topology_is_core_group(br->group) ? "" : br->group,
		                        topology_is_core_group(br->group) ? "" : "/", str_or(br->kind, "?"));
		findings_add(&b->t->findings, LINT_INVALID_KIND, topology_rid(rid), backend_field(field, sizeof field, rule_i, bi),
		             "backendRef %s names kind %s%s%s: only core Services are supported", name,
		             topology_is_core_group(br->group) ? "" : br->group,
		             topology_is_core_group(br->group) ? "" : "/", str_or(br->kind, "?"));
		return;
	}
	if (!str_eq(bns, object_ns(route)) && !mesh_only && !grant_permits(b, route, br, bns)) {
		if (not_read(b, GT_REFERENCEGRANT, bns, "*", &tb->reason, &tb->message, &tb->unknown))
			return;
		tb->reason = "RefNotPermitted";
		tb->message = xasprintf("no ReferenceGrant in namespace %s lets %s from namespace %s "
		                        "refer to service %s",
		                        bns, kind_name(route->kind), object_ns(route), name);
		findings_add(&b->t->findings, LINT_REF_NOT_PERMITTED, topology_rid(rid), backend_field(field, sizeof field, rule_i, bi),
		             "%s: add a ReferenceGrant in %s (from: group %s, kind %s, namespace %s; to: "
		             "kind Service)",
		             tb->message, bns, GW_GROUP, kind_name(route->kind), object_ns(route));
		return;
	}
	size_t si;
	if (!topology_index_get(&b->services, bns, br->name, &si)) {
		if (not_read(b, GT_SERVICE, bns, br->name, &tb->reason, &tb->message, &tb->unknown))
			return;
		tb->reason = "BackendNotFound";
		tb->message = xasprintf("service %s/%s not found", bns, name);
		findings_add(&b->t->findings, LINT_BACKEND_NOT_FOUND, topology_rid(rid), backend_field(field, sizeof field, rule_i, bi),
		             "backendRef names service %s/%s, which does not exist", bns, name);
		return;
	}
	struct topo_service *ts = &b->t->services[si];
	tb->service = ts->obj;
	if (ts->n_backend_of == 0 || ts->backend_of[ts->n_backend_of - 1] != ri)
		topology_push_index(&ts->backend_of, &ts->n_backend_of, ri);
	if (br->port == 0) {
		tb->reason = "MissingPort";
		tb->message = xasprintf("backendRef to service %s/%s has no port", bns, name);
		findings_add(&b->t->findings, LINT_MISSING_PORT, topology_rid(rid),
		             backend_field(field, sizeof field, rule_i, bi),
		             "backendRef to service %s/%s has no port: a Service backend needs one",
		             bns, name);
		return;
	}
	tb->resolved = true;
	tb->reason = "ResolvedRefs";
	const struct gt_service *svc = &ts->obj->u.svc;
	bool port_ok = svc->n_ports == 0 || str_eq(svc->type, "ExternalName");
	for (size_t i = 0; i < svc->n_ports && !port_ok; i++)
		port_ok = svc->ports[i].port == br->port;
	if (!port_ok) {
		tb->message = xasprintf("service %s/%s has no port %d", bns, name, br->port);
		findings_add(&b->t->findings, LINT_BACKEND_PORT_NOT_FOUND, topology_rid(rid),
		             backend_field(field, sizeof field, rule_i, bi), "service %s/%s has no port %d: traffic to this backend fails", bns,
		             name, br->port);
	} else {
		char port[24];
		tb->message = join("service ", bns, "/", name, " port ", num(port, br->port),
		                   (char *)NULL);
	}
}

/* ---- routes ---- */

/* Would default Gateway tg claim route (GEP-3793: "subject to the usual rules about which
 * Routes a Gateway is allowed to claim")? Some listener takes its kind and namespace and
 * shares a hostname. A Gateway the route names in its parentRefs is not claimed twice. */
static bool default_claims(struct build *b, const struct gt_object *route,
                           const struct topo_gateway *tg)
{
	const struct gt_route *r = &route->u.route;
	for (size_t i = 0; i < r->n_parents; i++)
		if (ref_is_gateway(&r->parents[i]) && str_eq(r->parents[i].name, tg->obj->meta.name) &&
		    str_eq(topology_ref_ns(&r->parents[i], route), object_ns(tg->obj)))
			return false;
	for (size_t li = 0; li < tg->n_listeners; li++) {
		const struct topo_listener *tl = &tg->listeners[li];
		if (listener_allows_kind(tl, route->kind) &&
		    listener_allows_ns(b, tl->listener, tg->obj, route) &&
		    route_hosts_intersect(r, tl->listener->hostname))
			return true;
	}
	return false;
}

/* The defaulted parents of a route with useDefaultGateways All: one per default Gateway that
 * claims it, with a ref of the topology's own (group, kind, namespace, name). */
static size_t default_parents(struct build *b, struct topo_route *tr)
{
	const struct gt_object *o = tr->obj;
	if (!o->u.route.use_default_gateways || !b->n_default_gws)
		return 0;
	for (size_t k = 0; k < b->n_default_gws; k++) {
		const struct topo_gateway *tg = &b->t->gateways[b->default_gws[k]];
		if (!default_claims(b, o, tg))
			continue;
		tr->default_refs = xreallocarray(tr->default_refs, tr->n_default_refs + 1,
		                                 sizeof *tr->default_refs);
		struct gt_parent_ref *ref = &tr->default_refs[tr->n_default_refs++];
		memset(ref, 0, sizeof *ref);
		ref->group = xstrdup(GW_GROUP);
		ref->kind = xstrdup("Gateway");
		ref->namespace_ = xstrdup(object_ns(tg->obj));
		ref->name = xstrdup(str_or(tg->obj->meta.name, ""));
	}
	return tr->n_default_refs;
}

static void build_route(struct build *b, size_t ri)
{
	struct topo_route *tr = &b->t->routes[ri];
	const struct gt_object *o = tr->obj;
	const struct gt_route *r = &o->u.route;
	struct topology_rid rid = {.obj = o};

	bool mesh_only = r->n_parents > 0;
	size_t n_def = default_parents(b, tr);
	tr->n_parents = r->n_parents + n_def;
	tr->parents = xcalloc(tr->n_parents ? tr->n_parents : 1, sizeof *tr->parents);
	if (n_def)
		mesh_only = false;
	for (size_t k = 0; k < n_def; k++) {
		/* claimed, so attached: attach_to_listeners adds no finding */
		struct topo_parent *tp = &tr->parents[r->n_parents + k];
		tp->ref = &tr->default_refs[k];
		tp->defaulted = true;
		tp->reported_accepted = -1;
		tp->reported_resolved = -1;
		resolve_gateway_parent(b, o, ri, r->n_parents + k, tp, &rid);
		if (tp->attached)
			tr->attached_any = true;
	}
	for (size_t pi = 0; pi < r->n_parents; pi++) {
		struct topo_parent *tp = &tr->parents[pi];
		tp->ref = &r->parents[pi];
		tp->reported_accepted = -1;
		tp->reported_resolved = -1;
		if (ref_is_gateway(tp->ref)) {
			mesh_only = false;
			resolve_gateway_parent(b, o, ri, pi, tp, &rid);
		} else if (ref_is_listenerset(tp->ref)) {
			mesh_only = false;
			resolve_listenerset_parent(b, o, ri, pi, tp, &rid);
		} else if (ref_is_service(tp->ref)) {
			tr->mesh = true;
			resolve_service_parent(b, o, ri, pi, tp, &rid);
		} else if (str_eq(tp->ref->kind, "Service")) {
			/* kind Service with the defaulted group: not the core Service the author meant */
			mesh_only = false;
			tp->role = TOPO_OTHER;
			tp->reason = "UnsupportedValue";
			tp->message = xasprintf("parentRef kind Service has group %s (the default when "
			                        "group is omitted): a mesh parent needs group \"\" (core)",
			                        str_or(tp->ref->group, "?"));
			char field[64];
			snprintf(field, sizeof field, "spec.parentRefs[%zu].group", pi);
			findings_add(&b->t->findings, LINT_INVALID_SERVICE_PARENT,
			             topology_rid(&rid), field, "%s", tp->message);
		} else {
			mesh_only = false;
			tp->role = TOPO_OTHER;
			tp->reason = "UnsupportedValue";
			tp->message = xasprintf("parent kind %s%s%s is not evaluated by gammatop",
			                        topology_is_core_group(tp->ref->group) ? "" : tp->ref->group,
			                        topology_is_core_group(tp->ref->group) ? "" : "/",
			                        str_or(tp->ref->kind, "?"));
			char field[64];
			snprintf(field, sizeof field, "spec.parentRefs[%zu]", pi);
			findings_add(&b->t->findings, LINT_UNSUPPORTED_PARENT, topology_rid(&rid),
			             field, "%s: its attachment is not checked", tp->message);
		}
		if (tp->attached)
			tr->attached_any = true;
	}

	tr->refs_resolved = true;
	tr->n_rules = r->n_rules;
	tr->rules = xcalloc(r->n_rules ? r->n_rules : 1, sizeof *tr->rules);
	for (size_t i = 0; i < r->n_rules; i++) {
		struct topo_rule *rule = &tr->rules[i];
		rule->rule = &r->rules[i];
		rule->index = i;
		rule->n_backends = r->rules[i].n_backends;
		rule->backends = xcalloc(rule->n_backends ? rule->n_backends : 1, sizeof *rule->backends);
		for (size_t bi = 0; bi < rule->n_backends; bi++) {
			struct topo_backend *tb = &rule->backends[bi];
			tb->ref = &r->rules[i].backends[bi];
			resolve_backend(b, o, mesh_only, ri, i, bi, tb, &rid);
			if (!tb->resolved)
				tr->refs_resolved = false;
		}
	}
	for (size_t pi = 0; pi < r->n_parents; pi++)
		topology_match_status(&b->t->findings, tr, pi, &tr->parents[pi], &rid);
}

/* ---- gateways ---- */

/* A Gateway's or ListenerSet's listeners, with their reported status; judged later. */
static void init_listeners(const struct gt_object *owner, struct topo_listener **out,
                           size_t *n_out)
{
	const struct gt_gateway *g = &owner->u.gw;
	*n_out = g->n_listeners;
	*out = xcalloc(g->n_listeners ? g->n_listeners : 1, sizeof **out);
	for (size_t i = 0; i < g->n_listeners; i++) {
		struct topo_listener *tl = &(*out)[i];
		tl->listener = &g->listeners[i];
		tl->owner = owner;
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

static void build_gateway(struct build *b, struct topo_gateway *tg)
{
	const struct gt_gateway *g = &tg->obj->u.gw;
	size_t ci;
	if (g->class_name && topology_index_get(&b->classes, "", g->class_name, &ci))
		tg->klass = b->class_objs[ci];
	init_listeners(tg->obj, &tg->listeners, &tg->n_listeners);
}

/* Gateway-level findings, after every route has been placed on its listeners. */
static void gateway_findings(struct build *b, const struct topo_gateway *tg)
{
	const struct gt_gateway *g = &tg->obj->u.gw;
	char gid[512];
	object_id(tg->obj, gid, sizeof gid);
	if (!tg->klass)
		findings_add(&b->t->findings, LINT_GATEWAYCLASS_NOT_FOUND, gid,
		             "spec.gatewayClassName",
		             "gateway names GatewayClass %s, which does not exist: no controller will "
		             "program it",
		             str_or(g->class_name, "(none)"));
}

static void build_ns_labels(struct build *b)
{
	b->ns_labels = xcalloc(b->n_ns ? b->n_ns : 1, sizeof *b->ns_labels);
	for (size_t i = 0; i < b->n_ns; i++) {
		const struct gt_object *o = b->ns_objs[i];
		const struct gt_kvlist *src = &o->meta.labels;
		struct gt_kvlist *dst = &b->ns_labels[i].labels;
		dst->items = xcalloc(src->n + 1, sizeof *dst->items);
		for (size_t k = 0; k < src->n; k++)
			dst->items[k] = src->items[k]; /* borrowed strings */
		dst->n = src->n;
		/* The API server sets this label on every Namespace; manifests often leave it out. */
		if (!kvlist_get(src, "kubernetes.io/metadata.name") && o->meta.name) {
			dst->items[dst->n].key = (char *)"kubernetes.io/metadata.name";
			dst->items[dst->n].value = o->meta.name;
			dst->n++;
		}
		topology_index_put(&b->namespaces, "", o->meta.name, i);
	}
}

static int route_cmp(const void *pa, const void *pb)
{
	const struct topo_route *a = pa, *b = pb;
	if (a->obj->kind != b->obj->kind)
		return a->obj->kind < b->obj->kind ? -1 : 1;
	int c = strcmp(object_ns(a->obj), object_ns(b->obj));
	return c ? c : strcmp(str_or(a->obj->meta.name, ""), str_or(b->obj->meta.name, ""));
}

/* Compute the topology of everything in s (see topology.h). Never NULL. */
struct gt_topology *topology_build(struct gt_store *s)
{
	struct gt_topology *t = xcalloc(1, sizeof *t);
	topology_count_new();
	findings_init(&t->findings);
	t->store_generation = store_generation(s);
	struct build b = {.t = t, .s = s};
	size_t n_gw, n_svc, n_cls, n_ls;
	b.default_gws = NULL;
	b.n_default_gws = 0;
	const struct gt_object *const *gws = store_list(s, GT_GATEWAY, &n_gw);
	const struct gt_object *const *lss = store_list(s, GT_LISTENERSET, &n_ls);
	const struct gt_object *const *svcs = store_list(s, GT_SERVICE, &n_svc);
	b.class_objs = store_list(s, GT_GATEWAYCLASS, &n_cls);
	b.ns_objs = store_list(s, GT_NAMESPACE, &b.n_ns);
	b.grant_objs = store_list(s, GT_REFERENCEGRANT, &b.n_grants);

	topology_index_init(&b.gateways, n_gw);
	topology_index_init(&b.services, n_svc);
	topology_index_init(&b.classes, n_cls);
	topology_index_init(&b.namespaces, b.n_ns);
	topology_index_init(&b.grants, b.n_grants);
	topology_index_init(&b.listenersets, n_ls);
	for (size_t i = 0; i < n_cls; i++)
		topology_index_put(&b.classes, "", b.class_objs[i]->meta.name, i);
	for (size_t i = 0; i < b.n_grants; i++) /* sorted by namespace: remember each run's start */
		topology_index_put(&b.grants, object_ns(b.grant_objs[i]), "", i);
	build_ns_labels(&b);

	/* Every object the topology points to gets a reference (topology.h: lifetimes). */
	t->n_classes = n_cls;
	t->classes = xcalloc(n_cls ? n_cls : 1, sizeof *t->classes);
	for (size_t i = 0; i < n_cls; i++)
		t->classes[i] = object_ref(b.class_objs[i]);
	t->n_gateways = n_gw;
	t->gateways = xcalloc(n_gw ? n_gw : 1, sizeof *t->gateways);
	for (size_t i = 0; i < n_gw; i++) {
		t->gateways[i].obj = object_ref(gws[i]);
		topology_index_put(&b.gateways, object_ns(gws[i]), gws[i]->meta.name, i);
		build_gateway(&b, &t->gateways[i]);
	}
	for (size_t i = 0; i < n_gw; i++)
		if (gws[i]->u.gw.default_scope_all)
			topology_push_index(&b.default_gws, &b.n_default_gws, i);
	t->n_services = n_svc;
	t->services = xcalloc(n_svc ? n_svc : 1, sizeof *t->services);
	for (size_t i = 0; i < n_svc; i++) {
		t->services[i].obj = object_ref(svcs[i]);
		topology_index_put(&b.services, object_ns(svcs[i]), svcs[i]->meta.name, i);
	}

	t->n_listenersets = n_ls;
	t->listenersets = xcalloc(n_ls ? n_ls : 1, sizeof *t->listenersets);
	for (size_t i = 0; i < n_ls; i++) {
		t->listenersets[i].obj = object_ref(lss[i]);
		t->listenersets[i].gateway = -1;
		topology_index_put(&b.listenersets, object_ns(lss[i]), lss[i]->meta.name, i);
	}
	size_t n_meshes;
	const struct gt_object *const *meshes = store_list(s, GT_XMESH, &n_meshes);
	t->n_meshes = n_meshes;
	t->meshes = xcalloc(n_meshes ? n_meshes : 1, sizeof *t->meshes);
	for (size_t i = 0; i < n_meshes; i++)
		t->meshes[i] = object_ref(meshes[i]);
	topology_listeners_judge(&b);

	/* Routes of every kind, in kind order (the order of enum gt_kind). */
	t->n_routes = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++)
		if (kind_is_route((enum gt_kind)k))
			t->n_routes += store_count(s, (enum gt_kind)k);
	t->routes = xcalloc(t->n_routes ? t->n_routes : 1, sizeof *t->routes);
	size_t nr = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		if (!kind_is_route((enum gt_kind)k))
			continue;
		size_t n;
		const struct gt_object *const *list = store_list(s, (enum gt_kind)k, &n);
		for (size_t i = 0; i < n && nr < t->n_routes; i++)
			t->routes[nr++].obj = object_ref(list[i]);
	}
	t->n_routes = nr;
	for (size_t i = 1; i < t->n_routes; i++) /* store_list order is already right: check */
		if (route_cmp(&t->routes[i - 1], &t->routes[i]) > 0) {
			qsort(t->routes, t->n_routes, sizeof *t->routes, route_cmp);
			break;
		}
	for (size_t i = 0; i < t->n_routes; i++)
		build_route(&b, i);
	for (size_t i = 0; i < n_gw; i++)
		gateway_findings(&b, &t->gateways[i]);
	topology_listeners_findings(&b);
	topology_policies_build(&b, s);

	for (size_t i = 0; i < b.n_ns; i++)
		free(b.ns_labels[i].labels.items);
	free(b.ns_labels);
	topology_index_done(&b.gateways);
	topology_index_done(&b.services);
	topology_index_done(&b.classes);
	topology_index_done(&b.namespaces);
	topology_index_done(&b.grants);
	topology_index_done(&b.listenersets);
	free(b.default_gws);
	findings_sort(&t->findings);
	return t;
}
