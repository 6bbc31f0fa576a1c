/* test_sim_controller.c: the simulator's controller on small worlds, against the Gateway API
 * v1.6.1 rules as the conformance tests read them (../research/gateway-api-v1.6.md): listener
 * conditions and supportedKinds per protocol, certificate references, conflicts inside a
 * Gateway and across its ListenerSets, ListenerSet acceptance and attachedListenerSets, route
 * parent status of TLS/TCP/UDP routes and ListenerSet parents, attachedRoutes, policy
 * ancestors (BackendTLSPolicy, XBackendTrafficPolicy, the 16-ancestor limit), XMesh status and
 * --wrong-status on the new kinds. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/manifest.h"

#include "../../src/sim/api.h"

static struct sim *S;

static int setup(void **state)
{
	(void)state;
	S = calloc(1, sizeof *S);
	sim_init(S, 10000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sim_done(S);
	free(S);
	return 0;
}

static void add(const char *yaml)
{
	char err[512];
	json_t *o = manifest_yaml_to_json(yaml, strlen(yaml), err, sizeof err);
	if (!o)
		fail_msg("bad test YAML: %s\n%s", err, yaml);
	if (world_add(S, o, err, sizeof err) != 0)
		fail_msg("world_add: %s\n%s", err, yaml);
}

static void reconcile(void)
{
	S->reconcile_needed = true;
	controller_reconcile(S);
}

static const json_t *get(enum sim_res r, const char *ns, const char *name)
{
	const json_t *o = objects_get(&S->objs, r, ns, name);
	if (!o)
		fail_msg("%s %s/%s missing", resource_get(r)->kind, ns ? ns : "", name);
	return o;
}

/* "True/Reason" of condition type in conds ("absent" when there is none). */
static const char *cond(const json_t *conds, const char *type)
{
	static char buf[8][128];
	static int k;
	size_t i;
	json_t *c;
	char *b = buf[k++ % 8];
	json_array_foreach(conds, i, c)
		if (strcmp(json_string_value(json_object_get(c, "type")), type) == 0) {
			snprintf(b, 128, "%s/%s", json_string_value(json_object_get(c, "status")),
			         json_string_value(json_object_get(c, "reason")));
			return b;
		}
	return "absent";
}

static const json_t *listener(const json_t *obj, const char *name)
{
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(json_object_get(obj, "status"), "listeners"), i, l)
		if (strcmp(json_string_value(json_object_get(l, "name")), name) == 0)
			return l;
	fail_msg("no status for listener %s", name);
	return NULL;
}

static const char *lcond(const json_t *obj, const char *name, const char *type)
{
	return cond(json_object_get(listener(obj, name), "conditions"), type);
}

static int attached(const json_t *obj, const char *name)
{
	return (int)json_integer_value(json_object_get(listener(obj, name), "attachedRoutes"));
}

static const char *kinds(const json_t *obj, const char *name)
{
	static char buf[256];
	buf[0] = '\0';
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(listener(obj, name), "supportedKinds"), i, k)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
		         json_string_value(json_object_get(k, "kind")));
	return buf;
}

/* The condition of route's status entry for the parent named kind/name. */
static const char *pcond(const json_t *route, const char *kind, const char *name, const char *type)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(route, "status"), "parents"), i, p) {
		const json_t *ref = json_object_get(p, "parentRef");
		if (strcmp(json_string_value(json_object_get(ref, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(ref, "name")), name) == 0)
			return cond(json_object_get(p, "conditions"), type);
	}
	return "absent";
}

static const char *gcond(const json_t *obj, const char *type)
{
	return cond(json_object_get(json_object_get(obj, "status"), "conditions"), type);
}

#define CERT "-----BEGIN CERTIFICATE-----\n    eA==\n    -----END CERTIFICATE-----\n"
#define SECRET(ns, name) \
	"apiVersion: v1\nkind: Secret\nmetadata: {name: " name ", namespace: " ns "}\ntype: kubernetes.io/tls\n" \
	"stringData:\n  tls.crt: |\n    " CERT "  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    eA==\n    -----END PRIVATE KEY-----\n"

static void base_world(void)
{
	add("apiVersion: v1\nkind: Namespace\nmetadata: {name: infra, labels: {team: platform}}");
	add("apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, labels: {exposed: 'yes'}}");
	add("apiVersion: v1\nkind: Namespace\nmetadata: {name: other}");
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: gc}\nspec: {controllerName: linkerd.io/gateway-controller}");
	add(SECRET("infra", "cert"));
	add("apiVersion: v1\nkind: Secret\nmetadata: {name: notpem, namespace: infra}\ntype: kubernetes.io/tls\n"
	    "stringData: {tls.crt: plain text, tls.key: plain text}");
	add(SECRET("other", "cert"));
	add("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: apps}\nspec: {ports: [{name: https, port: 443}, {name: dns, port: 53, protocol: UDP}]}");
	add("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: infra}\nspec: {ports: [{port: 8080}]}");
}

static void test_listener_conditions(void **state)
{
	(void)state;
	base_world();
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\n"
	    "spec:\n  gatewayClassName: gc\n  listeners:\n"
	    "  - {name: http, protocol: HTTP, port: 80}\n"
	    "  - {name: odd, protocol: example.com/odd, port: 81}\n"
	    "  - {name: kinds, protocol: HTTP, port: 82, allowedRoutes: {kinds: [{kind: InvalidRoute}, {kind: HTTPRoute}]}}\n"
	    "  - {name: missing, protocol: HTTPS, port: 443, hostname: a.example.com, tls: {certificateRefs: [{name: nope}]}}\n"
	    "  - {name: cross, protocol: HTTPS, port: 443, hostname: b.example.com, tls: {certificateRefs: [{name: cert, namespace: other}]}}\n"
	    "  - {name: badpem, protocol: HTTPS, port: 443, hostname: c.example.com, tls: {certificateRefs: [{name: notpem}]}}\n"
	    "  - {name: wild, protocol: HTTPS, port: 443, hostname: '*.shop.example.com', tls: {certificateRefs: [{name: cert}]}}\n"
	    "  - {name: foo, protocol: HTTPS, port: 443, hostname: foo.shop.example.com, tls: {certificateRefs: [{name: cert}]}}\n"
	    "  - {name: pt, protocol: TLS, port: 8443, hostname: p.example.com, tls: {mode: Passthrough}}\n"
	    "  - {name: term, protocol: TLS, port: 8443, hostname: t.example.com, tls: {certificateRefs: [{name: cert}]}}\n"
	    "  - {name: tcp, protocol: TCP, port: 9000}\n"
	    "  - {name: udp, protocol: UDP, port: 9000}\n"
	    "  - {name: tcp2, protocol: TCP, port: 8080}\n"
	    "  - {name: http2, protocol: HTTP, port: 8080}\n");
	reconcile();
	const json_t *gw = get(RES_GATEWAY, "infra", "gw");
	assert_string_equal(lcond(gw, "http", "Accepted"), "True/Accepted");
	assert_string_equal(lcond(gw, "http", "Conflicted"), "False/NoConflicts");
	assert_string_equal(kinds(gw, "http"), "HTTPRoute,GRPCRoute");
	assert_string_equal(lcond(gw, "odd", "Accepted"), "False/UnsupportedProtocol");
	assert_string_equal(kinds(gw, "odd"), "");
	assert_string_equal(lcond(gw, "kinds", "ResolvedRefs"), "False/InvalidRouteKinds");
	assert_string_equal(kinds(gw, "kinds"), "HTTPRoute");
	assert_string_equal(lcond(gw, "missing", "ResolvedRefs"), "False/InvalidCertificateRef");
	assert_string_equal(lcond(gw, "missing", "Programmed"), "False/Invalid");
	assert_string_equal(lcond(gw, "missing", "Accepted"), "True/Accepted");
	assert_string_equal(lcond(gw, "cross", "ResolvedRefs"), "False/RefNotPermitted");
	assert_string_equal(lcond(gw, "badpem", "ResolvedRefs"), "False/InvalidCertificateRef");
	assert_string_equal(lcond(gw, "wild", "OverlappingTLSConfig"), "True/OverlappingHostnames");
	assert_string_equal(lcond(gw, "foo", "OverlappingTLSConfig"), "True/OverlappingHostnames");
	assert_string_equal(lcond(gw, "http", "OverlappingTLSConfig"), "absent");
	/* TLS Passthrough and Terminate on one port: TLSRouteModeMixed is not claimed */
	assert_string_equal(lcond(gw, "pt", "Accepted"), "False/ProtocolConflict");
	assert_string_equal(lcond(gw, "term", "Conflicted"), "True/ProtocolConflict");
	assert_string_equal(kinds(gw, "term"), "");
	/* TCP and UDP on one port are distinct; TCP beside HTTP is not: no winner in a Gateway */
	assert_string_equal(lcond(gw, "tcp", "Accepted"), "True/Accepted");
	assert_string_equal(kinds(gw, "udp"), "UDPRoute");
	assert_string_equal(lcond(gw, "tcp2", "Conflicted"), "True/ProtocolConflict");
	assert_string_equal(lcond(gw, "http2", "Conflicted"), "True/ProtocolConflict");
	assert_string_equal(gcond(gw, "Accepted"), "True/ListenersNotValid");
	/* a ReferenceGrant from the Gateway's namespace resolves the cross-namespace Secret */
	add("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: other}\n"
	    "spec: {from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}], to: [{group: '', kind: Secret}]}");
	reconcile();
	assert_string_equal(lcond(get(RES_GATEWAY, "infra", "gw"), "cross", "ResolvedRefs"), "True/ResolvedRefs");
	/* only invalid listeners: not accepted */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: bad, namespace: infra}\n"
	    "spec: {gatewayClassName: gc, listeners: [{name: odd, protocol: example.com/odd, port: 1}]}");
	reconcile();
	assert_string_equal(gcond(get(RES_GATEWAY, "infra", "bad"), "Accepted"), "False/ListenersNotValid");
	assert_string_equal(gcond(get(RES_GATEWAY, "infra", "bad"), "Programmed"), "False/Invalid");
}

#define LS(ns, name, created, gw, listeners) \
	"apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: " name ", namespace: " ns \
	", creationTimestamp: '" created "'}\nspec: {parentRef: {name: " gw ", namespace: infra}, listeners: " listeners "}"

static void test_listenersets(void **state)
{
	(void)state;
	base_world();
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\n"
	    "spec:\n  gatewayClassName: gc\n  allowedListeners: {namespaces: {from: Selector, selector: {matchLabels: {exposed: 'yes'}}}}\n"
	    "  listeners: [{name: http, protocol: HTTP, port: 80, hostname: shop.example.com}]\n");
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: closed, namespace: infra}\n"
	    "spec: {gatewayClassName: gc, listeners: [{name: http, protocol: HTTP, port: 80}]}");
	/* the older one wins a conflict; inside one ListenerSet a loser does not sink the rest */
	add(LS("apps", "first", "2025-01-01T00:00:00Z", "gw",
	       "[{name: http, protocol: HTTP, port: 80, hostname: shop.example.com}, {name: api, protocol: HTTP, port: 80, hostname: api.example.com}]"));
	add(LS("apps", "second", "2025-01-02T00:00:00Z", "gw",
	       "[{name: api, protocol: HTTP, port: 80, hostname: api.example.com}]"));
	add(LS("apps", "tcp", "2025-01-03T00:00:00Z", "gw", "[{name: db, protocol: TCP, port: 80}]"));
	add(LS("apps", "tls", "2025-01-04T00:00:00Z", "gw",
	       "[{name: pt, protocol: TLS, port: 8443, hostname: pay.example.com, tls: {mode: Passthrough}},"
	       " {name: tcp, protocol: TCP, port: 5432}, {name: dns, protocol: UDP, port: 53}]"));
	add(LS("apps", "nogrant", "2025-01-05T00:00:00Z", "gw",
	       "[{name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: cert, namespace: other}]}}]"));
	add(LS("other", "notallowed", "2025-01-01T00:00:00Z", "gw", "[{name: x, protocol: HTTP, port: 90}]"));
	add(LS("apps", "closed", "2025-01-01T00:00:00Z", "closed", "[{name: x, protocol: HTTP, port: 90}]"));
	add(LS("apps", "orphan", "2025-01-01T00:00:00Z", "nowhere", "[{name: x, protocol: HTTP, port: 90}]"));
	reconcile();
	const json_t *gw = get(RES_GATEWAY, "infra", "gw");
	assert_string_equal(lcond(gw, "http", "Accepted"), "True/Accepted");
	/* the Gateway lists its own listeners only */
	assert_int_equal(json_array_size(json_object_get(json_object_get(gw, "status"), "listeners")), 1);
	/* first and tls are accepted; second's and tcp's only listener conflicts; nogrant's has
	 * no grant */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(gw, "status"), "attachedListenerSets")), 2);
	const json_t *first = get(RES_LISTENERSET, "apps", "first");
	assert_string_equal(gcond(first, "Accepted"), "True/ListenersNotValid");
	assert_string_equal(lcond(first, "http", "Conflicted"), "True/HostnameConflict");
	assert_string_equal(lcond(first, "http", "Accepted"), "False/HostnameConflict");
	assert_string_equal(lcond(first, "http", "Programmed"), "False/HostnameConflict");
	assert_string_equal(lcond(first, "api", "Accepted"), "True/Accepted");
	const json_t *second = get(RES_LISTENERSET, "apps", "second");
	assert_string_equal(gcond(second, "Accepted"), "False/ListenersNotValid");
	assert_string_equal(gcond(second, "Programmed"), "False/ListenersNotValid");
	assert_string_equal(lcond(second, "api", "Conflicted"), "True/HostnameConflict");
	assert_string_equal(lcond(get(RES_LISTENERSET, "apps", "tcp"), "db", "Conflicted"), "True/ProtocolConflict");
	const json_t *tls = get(RES_LISTENERSET, "apps", "tls");
	assert_string_equal(gcond(tls, "Accepted"), "True/Accepted");
	assert_string_equal(kinds(tls, "pt"), "TLSRoute");
	assert_string_equal(kinds(tls, "tcp"), "TCPRoute");
	const json_t *nogrant = get(RES_LISTENERSET, "apps", "nogrant");
	assert_string_equal(lcond(nogrant, "https", "ResolvedRefs"), "False/RefNotPermitted");
	assert_string_equal(gcond(nogrant, "Accepted"), "False/ListenersNotValid");
	/* a grant from the ListenerSet's namespace (not the Gateway's) is what counts */
	add("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: ls, namespace: other}\n"
	    "spec: {from: [{group: gateway.networking.k8s.io, kind: ListenerSet, namespace: apps}], to: [{group: '', kind: Secret}]}");
	reconcile();
	assert_string_equal(gcond(get(RES_LISTENERSET, "apps", "nogrant"), "Accepted"), "True/Accepted");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(get(RES_GATEWAY, "infra", "gw"), "status"),
	                                                    "attachedListenerSets")), 3);
	const json_t *na = get(RES_LISTENERSET, "other", "notallowed");
	assert_string_equal(gcond(na, "Accepted"), "False/NotAllowed");
	assert_string_equal(gcond(na, "Programmed"), "False/NotAllowed");
	assert_null(json_object_get(json_object_get(na, "status"), "listeners"));
	assert_string_equal(gcond(get(RES_LISTENERSET, "apps", "closed"), "Accepted"), "False/NotAllowed");
	assert_string_equal(gcond(get(RES_LISTENERSET, "apps", "orphan"), "Accepted"), "False/ParentNotAccepted");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(get(RES_GATEWAY, "infra", "closed"), "status"),
	                                                    "attachedListenerSets")), 0);
}

static void test_route_parents(void **state)
{
	(void)state;
	base_world();
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\n"
	    "spec:\n  gatewayClassName: gc\n  allowedListeners: {namespaces: {from: All}}\n  listeners:\n"
	    "  - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}\n"
	    "  - {name: tcp-a, protocol: TCP, port: 9000, allowedRoutes: {namespaces: {from: All}}}\n"
	    "  - {name: tcp-b, protocol: TCP, port: 9001, allowedRoutes: {namespaces: {from: All}}}\n");
	add(LS("apps", "edge", "2025-01-01T00:00:00Z", "gw",
	       "[{name: pt, protocol: TLS, port: 8443, hostname: '*.example.com', tls: {mode: Passthrough}},"
	       " {name: web, protocol: HTTP, port: 8080}, {name: dns, protocol: UDP, port: 53}]"));
	add(LS("other", "far", "2025-01-01T00:00:00Z", "gw", "[{name: web, protocol: HTTP, port: 8081}]"));
	add(LS("apps", "lost", "2025-01-01T00:00:00Z", "nowhere", "[{name: web, protocol: HTTP, port: 8082}]"));
	/* a TLSRoute on the ListenerSet's passthrough listener */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata: {name: pay, namespace: apps}\n"
	    "spec: {parentRefs: [{kind: ListenerSet, name: edge, sectionName: pt}], hostnames: [pay.example.com],"
	    " rules: [{backendRefs: [{name: web, port: 443}]}]}");
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata: {name: elsewhere, namespace: apps}\n"
	    "spec: {parentRefs: [{kind: ListenerSet, name: edge, sectionName: pt}], hostnames: [pay.example.org],"
	    " rules: [{backendRefs: [{name: web, port: 443}]}]}");
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: TLSRoute\nmetadata: {name: onhttp, namespace: apps}\n"
	    "spec: {parentRefs: [{name: gw, namespace: infra, sectionName: http}], hostnames: [a.example.com],"
	    " rules: [{backendRefs: [{name: web, port: 443}]}]}");
	/* a TCPRoute without sectionName attaches to every TCP listener of its parent */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: TCPRoute\nmetadata: {name: db, namespace: infra}\n"
	    "spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: web, port: 8080}]}]}");
	/* a Gateway parentRef does not see the ListenerSet's listeners */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: both, namespace: apps}\n"
	    "spec: {parentRefs: [{name: gw, namespace: infra, sectionName: web}, {kind: ListenerSet, name: edge, sectionName: web}],"
	    " rules: [{backendRefs: [{name: web, port: 443}]}]}");
	/* Same on a ListenerSet listener means the ListenerSet's namespace */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: cross, namespace: apps}\n"
	    "spec: {parentRefs: [{kind: ListenerSet, name: far, namespace: other}], rules: [{backendRefs: [{name: web, port: 443}]}]}");
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: lost, namespace: apps}\n"
	    "spec: {parentRefs: [{kind: ListenerSet, name: lost}], rules: [{backendRefs: [{name: web, port: 443}]}]}");
	/* a UDPRoute whose cross-namespace backend is missing: RefNotPermitted comes first */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: UDPRoute\nmetadata: {name: dns, namespace: apps}\n"
	    "spec: {parentRefs: [{kind: ListenerSet, name: edge}], rules: [{backendRefs: [{name: gone, namespace: infra, port: 53}]}]}");
	reconcile();
	assert_string_equal(pcond(get(RES_TLSROUTE, "apps", "pay"), "ListenerSet", "edge", "Accepted"), "True/Accepted");
	assert_string_equal(pcond(get(RES_TLSROUTE, "apps", "elsewhere"), "ListenerSet", "edge", "Accepted"),
	                    "False/NoMatchingListenerHostname");
	assert_string_equal(pcond(get(RES_TLSROUTE, "apps", "onhttp"), "Gateway", "gw", "Accepted"), "False/NotAllowedByListeners");
	assert_string_equal(pcond(get(RES_TLSROUTE, "apps", "onhttp"), "Gateway", "gw", "ResolvedRefs"), "True/ResolvedRefs");
	const json_t *both = get(RES_HTTPROUTE, "apps", "both");
	assert_string_equal(pcond(both, "Gateway", "gw", "Accepted"), "False/NoMatchingParent");
	assert_string_equal(pcond(both, "ListenerSet", "edge", "Accepted"), "True/Accepted");
	assert_string_equal(pcond(get(RES_HTTPROUTE, "apps", "cross"), "ListenerSet", "far", "Accepted"),
	                    "False/NotAllowedByListeners");
	assert_string_equal(pcond(get(RES_HTTPROUTE, "apps", "lost"), "ListenerSet", "lost", "Accepted"), "False/NoMatchingParent");
	assert_string_equal(pcond(get(RES_UDPROUTE, "apps", "dns"), "ListenerSet", "edge", "Accepted"), "True/Accepted");
	assert_string_equal(pcond(get(RES_UDPROUTE, "apps", "dns"), "ListenerSet", "edge", "ResolvedRefs"), "False/RefNotPermitted");
	/* attachedRoutes: Accepted routes only, once per listener */
	const json_t *gw = get(RES_GATEWAY, "infra", "gw");
	assert_int_equal(attached(gw, "tcp-a"), 1);
	assert_int_equal(attached(gw, "tcp-b"), 1);
	assert_int_equal(attached(gw, "http"), 0);
	const json_t *edge = get(RES_LISTENERSET, "apps", "edge");
	assert_int_equal(attached(edge, "pt"), 1);
	assert_int_equal(attached(edge, "web"), 1);
	assert_int_equal(attached(edge, "dns"), 1);
	/* a route change alone recounts the listeners */
	const json_t *pay = get(RES_TLSROUTE, "apps", "pay");
	json_t *nw = json_deep_copy(pay);
	json_array_set_new(json_object_get(json_object_get(nw, "spec"), "hostnames"), 0, json_string("pay.example.org"));
	json_t *old = json_incref((json_t *)pay);
	const json_t *stored = objects_put(&S->objs, RES_TLSROUTE, nw);
	controller_route_changed(S, RES_TLSROUTE, old, stored);
	json_decref(old);
	controller_reconcile(S);
	assert_int_equal(attached(get(RES_LISTENERSET, "apps", "edge"), "pt"), 0);
	assert_string_equal(pcond(get(RES_TLSROUTE, "apps", "pay"), "ListenerSet", "edge", "Accepted"),
	                    "False/NoMatchingListenerHostname");
}

static const json_t *ancestor(const json_t *pol, const char *kind, const char *name)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(json_object_get(pol, "status"), "ancestors"), i, a) {
		const json_t *ref = json_object_get(a, "ancestorRef");
		if (strcmp(json_string_value(json_object_get(ref, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(ref, "name")), name) == 0)
			return json_object_get(a, "conditions");
	}
	return NULL;
}

#define BTLS(name, created, target, ca) \
	"apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: " name ", namespace: apps, " \
	"creationTimestamp: '" created "'}\nspec: {targetRefs: [" target "], validation: {hostname: web.example.com, " \
	"caCertificateRefs: [" ca "]}}"
#define SVC_WEB "{group: '', kind: Service, name: web}"
#define CA_OK "{group: '', kind: ConfigMap, name: ca}"

static void test_policies(void **state)
{
	(void)state;
	base_world();
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca, namespace: apps}\ndata:\n  ca.crt: |\n    " CERT);
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: junk, namespace: apps}\ndata: {ca.crt: not a certificate}");
	add("apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XMesh\nmetadata: {name: linkerd}\nspec: {controllerName: linkerd.io/gateway-controller}");
	add("apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XMesh\nmetadata: {name: theirs}\nspec: {controllerName: example.com/mesh}");
	/* 17 Gateways with a route each to apps/web: a policy keeps 16 ancestors */
	for (int i = 0; i < 17; i++) {
		char y[1024];
		snprintf(y, sizeof y, "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw%02d, namespace: infra}\n"
		         "spec: {gatewayClassName: gc, listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]}", i);
		add(y);
		snprintf(y, sizeof y, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r%02d, namespace: apps}\n"
		         "spec: {parentRefs: [{name: gw%02d, namespace: infra}], rules: [{backendRefs: [{name: web, port: 443}]}]}", i, i);
		add(y);
	}
	/* a mesh route to the same Service: the XMesh is an ancestor */
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: mesh, namespace: apps}\n"
	    "spec: {parentRefs: [{group: '', kind: Service, name: web, port: 443}], rules: [{backendRefs: [{name: web, port: 443}]}]}");
	add(BTLS("first", "2025-01-01T00:00:00Z", SVC_WEB, CA_OK));
	add(BTLS("second", "2025-01-02T00:00:00Z", SVC_WEB, CA_OK));
	add(BTLS("port", "2025-01-03T00:00:00Z", "{group: '', kind: Service, name: web, sectionName: https}", CA_OK));
	add(BTLS("badca", "2025-01-04T00:00:00Z", "{group: '', kind: Service, name: web, sectionName: dns}",
	         "{group: '', kind: ConfigMap, name: junk}, {group: invalid.io, kind: InvalidKind, name: x}"));
	add(BTLS("nosvc", "2025-01-05T00:00:00Z", "{group: '', kind: Service, name: gone}", CA_OK));
	add("apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XBackendTrafficPolicy\nmetadata: {name: budget, namespace: apps,"
	    " creationTimestamp: '2025-01-01T00:00:00Z'}\nspec: {targetRefs: [" SVC_WEB "], retryConstraint: {budget: {percent: 10}}}");
	add("apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XBackendTrafficPolicy\nmetadata: {name: budget2, namespace: apps,"
	    " creationTimestamp: '2025-01-02T00:00:00Z', annotations: {sim.gammatop.dev/wrong-status: 'true'}}\n"
	    "spec: {targetRefs: [" SVC_WEB "]}");
	reconcile();
	const json_t *first = get(RES_BACKENDTLSPOLICY, "apps", "first");
	assert_int_equal(json_array_size(json_object_get(json_object_get(first, "status"), "ancestors")), 16);
	assert_string_equal(cond(ancestor(first, "Gateway", "gw00"), "Accepted"), "True/Accepted");
	assert_string_equal(cond(ancestor(first, "Gateway", "gw00"), "ResolvedRefs"), "True/ResolvedRefs");
	assert_null(ancestor(first, "XMesh", "linkerd")); /* sorted: Gateways first, the 17th slot is full */
	assert_string_equal(cond(ancestor(get(RES_BACKENDTLSPOLICY, "apps", "second"), "Gateway", "gw03"), "Accepted"),
	                    "False/Conflicted");
	/* a sectionName and a whole-Service policy do not conflict */
	assert_string_equal(cond(ancestor(get(RES_BACKENDTLSPOLICY, "apps", "port"), "Gateway", "gw03"), "Accepted"),
	                    "True/Accepted");
	const json_t *badca = get(RES_BACKENDTLSPOLICY, "apps", "badca");
	assert_string_equal(cond(ancestor(badca, "Gateway", "gw01"), "ResolvedRefs"), "False/InvalidCACertificateRef");
	assert_string_equal(cond(ancestor(badca, "Gateway", "gw01"), "Accepted"), "False/Invalid"); /* a UDP port */
	assert_int_equal(json_array_size(json_object_get(json_object_get(get(RES_BACKENDTLSPOLICY, "apps", "nosvc"), "status"),
	                                                 "ancestors")), 0);
	const json_t *budget = get(RES_XBACKENDTRAFFICPOLICY, "apps", "budget");
	assert_string_equal(cond(ancestor(budget, "Gateway", "gw05"), "Accepted"), "True/Accepted");
	assert_null(ancestor(budget, "XMesh", "linkerd"));
	/* budget2 conflicts with budget, and the annotation makes the controller say otherwise */
	assert_string_equal(cond(ancestor(get(RES_XBACKENDTRAFFICPOLICY, "apps", "budget2"), "Gateway", "gw05"), "Accepted"),
	                    "True/Accepted");
	/* XMesh: ours gets status, another mesh's is left alone */
	const json_t *mesh = get(RES_XMESH, NULL, "linkerd");
	assert_string_equal(gcond(mesh, "Accepted"), "True/Accepted");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(mesh, "status"),
	                                                                                     "supportedFeatures"), 0), "name")),
	                    "HTTPRouteBackendTimeout");
	assert_string_equal(gcond(get(RES_XMESH, NULL, "theirs"), "Accepted"), "Unknown/Pending");
	/* with fewer Gateways the mesh ancestor fits */
	for (int i = 2; i < 17; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%02d", i);
		json_decref(api_delete_object(S, RES_HTTPROUTE, "apps", name));
	}
	controller_reconcile(S);
	assert_non_null(ancestor(get(RES_XBACKENDTRAFFICPOLICY, "apps", "budget"), "XMesh", "linkerd"));
	assert_string_equal(cond(ancestor(get(RES_BACKENDTLSPOLICY, "apps", "first"), "XMesh", "linkerd"), "Accepted"),
	                    "True/Accepted");
}

static void test_wrong_status(void **state)
{
	(void)state;
	base_world();
	static char id1[] = "tcproute/infra/db", id2[] = "listenerset/apps/edge";
	char *ids[] = {id1, id2};
	S->wrong_status = ids;
	S->n_wrong_status = 2;
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\n"
	    "spec: {gatewayClassName: gc, allowedListeners: {namespaces: {from: All}}, listeners: [{name: tcp, protocol: TCP, port: 9000}]}");
	add(LS("apps", "edge", "2025-01-01T00:00:00Z", "gw", "[{name: web, protocol: HTTP, port: 8080}]"));
	add("apiVersion: gateway.networking.k8s.io/v1\nkind: TCPRoute\nmetadata: {name: db, namespace: infra}\n"
	    "spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: web, port: 8080}]}]}");
	reconcile();
	assert_string_equal(pcond(get(RES_TCPROUTE, "infra", "db"), "Gateway", "gw", "Accepted"), "False/NotAllowedByListeners");
	/* the lie is in the status only: the listener still counts the route */
	assert_int_equal(attached(get(RES_GATEWAY, "infra", "gw"), "tcp"), 1);
	assert_string_equal(gcond(get(RES_LISTENERSET, "apps", "edge"), "Accepted"), "False/NotAllowed");
	S->wrong_status = NULL;
	S->n_wrong_status = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listener_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listenersets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_parents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_status, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
