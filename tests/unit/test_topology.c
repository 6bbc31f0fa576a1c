/* test_topology.c: the topology engine: Gateway listener selection (sectionName, port,
 * allowedRoutes namespaces and kinds, hostnames), GAMMA Service parents, backendRefs with
 * ReferenceGrants, reported status side by side, and a generated 5,000-route store. Objects
 * are written as JSON with single quotes (turned into double quotes) and decoded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_fixture.h"
#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/lint.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/xalloc.h"

static size_t count_code(const struct findings *f, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += str_eq(f->items[i].code, code);
	return n;
}

/* ---- hostname intersection ---- */

static void test_hostnames(void **state)
{
	static const struct {
		const char *l, *r;
		bool want;
	} cases[] = {
		{NULL, "a.example.com", true},
		{"", "a.example.com", true},
		{"a.example.com", NULL, true},
		{"a.example.com", "a.example.com", true},
		{"A.Example.com", "a.example.COM", true},
		{"a.example.com", "b.example.com", false},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "aexample.com", false},
		{"a.example.com", "*.example.com", true},
		{"example.com", "*.example.com", false},
		{"*.example.com", "*.example.com", true},
		{"*.example.com", "*.a.example.com", true},
		{"*.a.example.com", "*.example.com", true},
		{"*.example.com", "*.example.org", false},
		{"*.b.example.com", "a.example.com", false},
		{"foo.com", "*.bar.com", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (topology_hostnames_intersect(cases[i].l, cases[i].r) != cases[i].want)
			fail_msg("case %zu: %s vs %s: want %d", i, cases[i].l ? cases[i].l : "(null)",
			         cases[i].r ? cases[i].r : "(null)", cases[i].want);
	}
}

/* ---- Gateway parents ---- */

static void gateway_world(struct gt_store *s)
{
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass',"
	          "'metadata':{'name':'gc'},'spec':{'controllerName':'example.com/gc'}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'infra'}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'app','labels':{'env':'prod'}}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'dev','labels':{'env':'dev'}}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'named'}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway',"
	          "'metadata':{'name':'gw','namespace':'infra'},'spec':{'gatewayClassName':'gc',"
	          "'listeners':["
	          "{'name':'http','port':80,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':'All'}}},"
	          "{'name':'https','port':443,'protocol':'HTTPS','hostname':'*.example.com',"
	          "'tls':{'certificateRefs':[{'name':'cert'}]}},"
	          "{'name':'sel','port':8080,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':"
	          "'Selector','selector':{'matchLabels':{'env':'prod'}}}}},"
	          "{'name':'byname','port':8082,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':"
	          "'Selector','selector':{'matchLabels':{'kubernetes.io/metadata.name':'named'}}}}},"
	          "{'name':'byname2','port':8083,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':"
	          "'Selector','selector':{'matchLabels':{'kubernetes.io/metadata.name':'ghost'}}}}},"
	          "{'name':'tcp','port':9000,'protocol':'TCP','allowedRoutes':{'namespaces':{'from':'All'}}},"
	          "{'name':'grpc','port':8081,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':'All'},"
	          "'kinds':[{'kind':'GRPCRoute'}]}},"
	          "{'name':'api','port':80,'protocol':'HTTP','hostname':'api.example.com',"
	          "'allowedRoutes':{'namespaces':{'from':'All'}}}"
	          "]}}");
}

static void test_gateway_parents(void **state)
{
	static const struct {
		const char *kind, *ns, *parent, *hostnames;
		bool attached;
		const char *reason, *listeners, *code;
	} cases[] = {
		/* no sectionName: every listener that admits it */
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra'}", "", true, "Accepted",
		 "http,sel,api", NULL},
		{"HTTPRoute", "infra", "{'name':'gw'}", "", true, "Accepted", "http,https,api", NULL},
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra','sectionName':'https'}", "", false,
		 "NotAllowedByListeners", "", "NotAllowedByListeners"},
		{"HTTPRoute", "infra", "{'name':'gw','sectionName':'https'}", "'a.example.com'", true,
		 "Accepted", "https", NULL},
		{"HTTPRoute", "infra", "{'name':'gw','sectionName':'https'}", "'a.other.com'", false,
		 "NoMatchingListenerHostname", "", "NoMatchingListenerHostname"},
		{"HTTPRoute", "infra", "{'name':'gw','sectionName':'https'}", "'*.example.com'", true,
		 "Accepted", "https", NULL},
		{"HTTPRoute", "infra", "{'name':'gw'}", "'b.example.com'", true, "Accepted", "http,https",
		 NULL},
		{"HTTPRoute", "infra", "{'name':'gw'}", "'api.example.com','x.org'", true, "Accepted",
		 "http,https,api", NULL},
		{"HTTPRoute", "infra", "{'name':'gw','sectionName':'nope'}", "", false, "NoMatchingParent",
		 "", "NoMatchingParent"},
		/* sectionName and port must both match */
		{"HTTPRoute", "infra", "{'name':'gw','sectionName':'http','port':443}", "", false,
		 "NoMatchingParent", "", "NoMatchingParent"},
		{"HTTPRoute", "infra", "{'name':'gw','sectionName':'http','port':80}", "", true,
		 "Accepted", "http", NULL},
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra','port':80}", "", true, "Accepted",
		 "http,api", NULL},
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra','port':81}", "", false,
		 "NoMatchingParent", "", "NoMatchingParent"},
		/* Selector on the route's Namespace labels */
		{"HTTPRoute", "dev", "{'name':'gw','namespace':'infra','sectionName':'sel'}", "", false,
		 "NotAllowedByListeners", "", "NotAllowedByListeners"},
		{"HTTPRoute", "ghost", "{'name':'gw','namespace':'infra','sectionName':'sel'}", "", false,
		 "NotAllowedByListeners", "", "NotAllowedByListeners"},
		{"HTTPRoute", "named", "{'name':'gw','namespace':'infra','sectionName':'byname'}", "",
		 true, "Accepted", "byname", NULL},
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra','sectionName':'byname'}", "",
		 false, "NotAllowedByListeners", "", "NotAllowedByListeners"},
		/* no Namespace object: only kubernetes.io/metadata.name is known */
		{"HTTPRoute", "ghost", "{'name':'gw','namespace':'infra','sectionName':'byname2'}", "",
		 true, "Accepted", "byname2", NULL},
		{"HTTPRoute", "ghost", "{'name':'gw','namespace':'infra','sectionName':'byname'}", "",
		 false, "NotAllowedByListeners", "", "NotAllowedByListeners"},
		/* kinds: inferred from the protocol, or listed */
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra','sectionName':'tcp'}", "", false,
		 "NotAllowedByListeners", "", "NotAllowedByListeners"},
		{"HTTPRoute", "app", "{'name':'gw','namespace':'infra','sectionName':'grpc'}", "", false,
		 "NotAllowedByListeners", "", "NotAllowedByListeners"},
		{"GRPCRoute", "app", "{'name':'gw','namespace':'infra','sectionName':'grpc'}", "", true,
		 "Accepted", "grpc", NULL},
		{"GRPCRoute", "app", "{'name':'gw','namespace':'infra'}", "", true, "Accepted",
		 "http,sel,grpc,api", NULL},
		/* missing gateway */
		{"HTTPRoute", "app", "{'name':'missing','namespace':'infra'}", "", false,
		 "NoMatchingParent", "", "ParentNotFound"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_store *s = store_new();
		gateway_world(s);
		char json[1024];
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'%s','metadata':{'name':"
		         "'r','namespace':'%s'},'spec':{'parentRefs':[%s],'hostnames':[%s]}}",
		         cases[i].kind, cases[i].ns, cases[i].parent, cases[i].hostnames);
		sq_put(s, json);
		struct gt_topology *t = topology_build(s);
		assert_int_equal(t->n_routes, 1);
		const struct topo_route *r = &t->routes[0];
		assert_int_equal(r->n_parents, 1);
		const struct topo_parent *p = &r->parents[0];
		char got[128] = "";
		for (size_t k = 0; k < p->n_listeners; k++) {
			const struct gt_listener *l = &p->target->u.gw.listeners[p->listeners[k]];
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", k ? "," : "", l->name);
		}
		if (p->attached != cases[i].attached || strcmp(p->reason, cases[i].reason) ||
		    strcmp(got, cases[i].listeners))
			fail_msg("case %zu (%s): attached %d reason %s listeners '%s' (%s)", i,
			         cases[i].parent, p->attached, p->reason, got, p->message);
		assert_int_equal(p->role, TOPO_GATEWAY);
		assert_non_null(p->message);
		assert_int_equal(r->attached_any, cases[i].attached);
		char id[64];
		snprintf(id, sizeof id, "%s/%s/r", cases[i].kind[0] == 'H' ? "httproute" : "grpcroute",
		         cases[i].ns);
		if (cases[i].code) {
			const struct finding *f = finding_find(&t->findings, cases[i].code, id, "spec.parentRefs[0]");
			if (!f)
				fail_msg("case %zu: no %s finding", i, cases[i].code);
			assert_int_equal(f->severity, SEV_ERROR);
		} else {
			/* attached, no status reported: only the NoStatus info */
			assert_int_equal(findings_count(&t->findings, SEV_ERROR), 0);
			assert_non_null(finding_find(&t->findings, "NoStatus", id, "spec.parentRefs[0]"));
		}
		if (str_eq(cases[i].code, "ParentNotFound"))
			assert_string_equal(p->message, "gateway infra/missing not found");
		topology_free(t);
		store_free(s);
	}
}

static void test_listener_counts(void **state)
{
	struct gt_store *s = store_new();
	gateway_world(s);
	/* r1: two parentRefs selecting the http listener (by name and by port): counted once */
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':"
	          "'r1','namespace':'app'},'spec':{'parentRefs':[{'name':'gw','namespace':'infra',"
	          "'sectionName':'http'},{'name':'gw','namespace':'infra','port':80}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':"
	          "'r2','namespace':'app'},'spec':{'parentRefs':[{'name':'gw','namespace':'infra',"
	          "'sectionName':'http'}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':"
	          "'r3','namespace':'dev'},'spec':{'parentRefs':[{'name':'gw','namespace':'infra',"
	          "'sectionName':'sel'}]}}");
	struct gt_topology *t = topology_build(s);
	const struct topo_gateway *g = topology_find_gateway(t, "infra", "gw");
	assert_non_null(g);
	assert_non_null(g->klass);
	assert_int_equal(g->listeners[0].attached_routes, 2); /* http: r1 (once), r2 */
	assert_int_equal(g->listeners[0].n_routes, 2);
	assert_int_equal(g->listeners[7].attached_routes, 1); /* api: r1 by port */
	assert_int_equal(g->listeners[2].attached_routes, 0); /* sel: r3 refused */
	assert_int_equal(g->listeners[0].reported_attached_routes, -1);
	const struct topo_route *r1 = topology_find_route(t, GT_HTTPROUTE, "app", "r1");
	assert_non_null(r1);
	assert_int_equal(r1->parents[1].n_listeners, 2);
	assert_null(topology_find_route(t, GT_GRPCROUTE, "app", "r1"));
	assert_null(topology_find_gateway(t, "infra", "nope"));
	assert_null(topology_find_service(t, "infra", "gw"));
	topology_free(t);
	store_free(s);
}

static void test_gatewayclass_missing(void **state)
{
	struct gt_store *s = store_new();
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1beta1','kind':'Gateway','metadata':{"
	          "'name':'gw','namespace':'infra'},'spec':{'gatewayClassName':'nope','listeners':"
	          "[{'name':'http','port':80,'protocol':'HTTP'}]},'status':{'listeners':[{'name':'http',"
	          "'attachedRoutes':3,'conditions':[]}]}}");
	struct gt_topology *t = topology_build(s);
	assert_null(t->gateways[0].klass);
	const struct finding *f =
		finding_find(&t->findings, "GatewayClassNotFound", "gateway/infra/gw", "spec.gatewayClassName");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "nope"));
	assert_int_equal(t->gateways[0].listeners[0].reported_attached_routes, 3);
	assert_non_null(finding_find(&t->findings, "AttachedRoutesDiffer", "gateway/infra/gw",
	                             "spec.listeners[0]"));
	topology_free(t);
	store_free(s);
}

/* ---- Service parents (GAMMA) ---- */

static void mesh_world(struct gt_store *s)
{
	sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'svc','namespace':'app'},"
	          "'spec':{'clusterIP':'10.0.0.1','ports':[{'name':'http','port':80},{'name':'admin',"
	          "'port':8080}]}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'headless','namespace':'app'},"
	          "'spec':{'clusterIP':'None','ports':[{'name':'http','port':80}]}}");
	sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'ext','namespace':'app'},"
	          "'spec':{'type':'ExternalName','externalName':'db.example.com'}}");
}

static void test_service_parents(void **state)
{
	static const struct {
		const char *ns, *parent;
		bool attached;
		enum topo_role role;
		const char *reason, *code;
	} cases[] = {
		{"app", "{'group':'','kind':'Service','name':'svc'}", true, TOPO_PRODUCER, "Accepted", NULL},
		{"app", "{'group':'core','kind':'Service','name':'svc'}", true, TOPO_PRODUCER, "Accepted",
		 NULL},
		{"client", "{'group':'','kind':'Service','name':'svc','namespace':'app'}", true,
		 TOPO_CONSUMER, "Accepted", NULL},
		{"app", "{'group':'','kind':'Service','name':'headless'}", false, TOPO_PRODUCER,
		 "UnsupportedValue", "InvalidServiceParent"},
		{"app", "{'group':'','kind':'Service','name':'ext'}", false, TOPO_PRODUCER,
		 "UnsupportedValue", "InvalidServiceParent"},
		{"app", "{'group':'','kind':'Service','name':'gone'}", false, TOPO_PRODUCER,
		 "NoMatchingParent", "ParentNotFound"},
		{"app", "{'group':'','kind':'Service','name':'svc','port':80}", true, TOPO_PRODUCER,
		 "Accepted", NULL},
		{"app", "{'group':'','kind':'Service','name':'svc','port':81}", false, TOPO_PRODUCER,
		 "NoMatchingParent", "NoMatchingParent"},
		{"app", "{'group':'','kind':'Service','name':'svc','sectionName':'admin'}", true,
		 TOPO_PRODUCER, "Accepted", NULL},
		{"app", "{'group':'','kind':'Service','name':'svc','sectionName':'nope'}", false,
		 TOPO_PRODUCER, "NoMatchingParent", "NoMatchingParent"},
		{"app", "{'group':'','kind':'Service','name':'svc','sectionName':'admin','port':80}", false,
		 TOPO_PRODUCER, "NoMatchingParent", "NoMatchingParent"},
		{"app", "{'group':'','kind':'Service','name':'svc','sectionName':'admin','port':8080}",
		 true, TOPO_PRODUCER, "Accepted", NULL},
		/* group omitted: the API server defaults it to gateway.networking.k8s.io */
		{"app", "{'kind':'Service','name':'svc'}", false, TOPO_OTHER, "UnsupportedValue",
		 "InvalidServiceParent"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_store *s = store_new();
		mesh_world(s);
		char json[1024];
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{"
		         "'name':'r','namespace':'%s'},'spec':{'parentRefs':[%s]}}",
		         cases[i].ns, cases[i].parent);
		sq_put(s, json);
		struct gt_topology *t = topology_build(s);
		const struct topo_parent *p = &t->routes[0].parents[0];
		if (p->attached != cases[i].attached || p->role != cases[i].role ||
		    strcmp(p->reason, cases[i].reason))
			fail_msg("case %zu (%s): attached %d role %s reason %s (%s)", i, cases[i].parent,
			         p->attached, topo_role_name(p->role), p->reason, p->message);
		assert_int_equal(p->n_listeners, 0);
		char id[64];
		snprintf(id, sizeof id, "httproute/%s/r", cases[i].ns);
		if (cases[i].code) {
			if (!finding_find(&t->findings, cases[i].code, id, NULL))
				        fail_msg("case %zu: no %s finding", i, cases[i].code);
		} else {
			assert_int_equal(findings_count(&t->findings, SEV_ERROR), 0);
			assert_true(t->routes[0].mesh);
			/* the Service lists the route in the right role */
			const struct topo_service *ts =
				topology_find_service(t, object_ns(p->target), p->target->meta.name);
			assert_non_null(ts);
			assert_ptr_equal(ts->obj, p->target);
			assert_int_equal(ts->n_producers, cases[i].role == TOPO_PRODUCER);
			assert_int_equal(ts->n_consumers, cases[i].role == TOPO_CONSUMER);
		}
		topology_free(t);
		store_free(s);
	}
}

/* ---- backendRefs and ReferenceGrants ---- */

static void test_backends(void **state)
{
	static const struct {
		const char *parent, *backend, *grant;
		bool resolved;
		const char *reason, *code;
	} cases[] = {
		{"gw", "{'name':'web','port':80}", NULL, true, "ResolvedRefs", NULL},
		{"gw", "{'name':'nope','port':80}", NULL, false, "BackendNotFound", "BackendNotFound"},
		{"gw", "{'name':'web'}", NULL, false, "MissingPort", "MissingPort"},
		{"gw", "{'name':'web','port':81}", NULL, true, "ResolvedRefs", "BackendPortNotFound"},
		{"gw", "{'group':'example.com','kind':'Bucket','name':'web'}", NULL, false, "InvalidKind",
		 "InvalidKind"},
		{"gw", "{'kind':'ConfigMap','name':'web','port':80}", NULL, false, "InvalidKind",
		 "InvalidKind"},
		/* cross-namespace */
		{"gw", "{'name':'db','namespace':'data','port':5432}", NULL, false, "RefNotPermitted",
		 "RefNotPermitted"},
		{"gw", "{'name':'db','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'app'}],"
		 "'to':[{'group':'','kind':'Service'}]}",
		 true, "ResolvedRefs", NULL},
		{"gw", "{'name':'db','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'other'}],"
		 "'to':[{'group':'','kind':'Service'}]}",
		 false, "RefNotPermitted", "RefNotPermitted"},
		{"gw", "{'name':'db','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'GRPCRoute','namespace':'app'}],"
		 "'to':[{'group':'','kind':'Service'}]}",
		 false, "RefNotPermitted", "RefNotPermitted"},
		{"gw", "{'name':'db','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'app'}],"
		 "'to':[{'group':'','kind':'Service','name':'db'}]}",
		 true, "ResolvedRefs", NULL},
		{"gw", "{'name':'db','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'app'}],"
		 "'to':[{'group':'','kind':'Service','name':'cache'}]}",
		 false, "RefNotPermitted", "RefNotPermitted"},
		{"gw", "{'name':'db','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'app'}],"
		 "'to':[{'group':'','kind':'Secret'}]}",
		 false, "RefNotPermitted", "RefNotPermitted"},
		/* a grant for a missing service: permitted, then not found */
		{"gw", "{'name':'gone','namespace':'data','port':5432}",
		 "{'from':[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'app'}],"
		 "'to':[{'group':'','kind':'Service'}]}",
		 false, "BackendNotFound", "BackendNotFound"},
		/* mesh routes (every parent a Service) need no grant */
		{"mesh", "{'name':'db','namespace':'data','port':5432}", NULL, true, "ResolvedRefs", NULL},
		/* a route with a Gateway and a Service parent is not exempt */
		{"both", "{'name':'db','namespace':'data','port':5432}", NULL, false, "RefNotPermitted",
		 "RefNotPermitted"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_store *s = store_new();
		sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass','metadata':"
		          "{'name':'gc'},'spec':{'controllerName':'x/y'}}");
		sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':"
		          "'gw','namespace':'app'},'spec':{'gatewayClassName':'gc','listeners':[{'name':"
		          "'http','port':80,'protocol':'HTTP'}]}}");
		sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'app'},"
		          "'spec':{'ports':[{'port':80}]}}");
		sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'db','namespace':'data'},"
		          "'spec':{'ports':[{'port':5432}]}}");
		if (cases[i].grant) {
			char g[1024];
			snprintf(g, sizeof g,
			         "{'apiVersion':'gateway.networking.k8s.io/v1beta1','kind':'ReferenceGrant',"
			         "'metadata':{'name':'g','namespace':'data'},'spec':%s}",
			         cases[i].grant);
			sq_put(s, g);
			/* a grant in another namespace never counts */
			snprintf(g, sizeof g,
			         "{'apiVersion':'gateway.networking.k8s.io/v1beta1','kind':'ReferenceGrant',"
			         "'metadata':{'name':'g','namespace':'zzz'},'spec':%s}",
			         cases[i].grant);
			sq_put(s, g);
		}
		const char *parents = str_eq(cases[i].parent, "gw") ? "{'name':'gw'}"
		                      : str_eq(cases[i].parent, "mesh")
		                          ? "{'group':'','kind':'Service','name':'web'}"
		                          : "{'name':'gw'},{'group':'','kind':'Service','name':'web'}";
		char json[1024];
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{"
		         "'name':'r','namespace':'app'},'spec':{'parentRefs':[%s],'rules':[{'backendRefs':"
		         "[{'name':'web','port':80},%s]}]}}",
		         parents, cases[i].backend);
		sq_put(s, json);
		struct gt_topology *t = topology_build(s);
		const struct topo_route *r = &t->routes[0];
		assert_int_equal(r->n_rules, 1);
		assert_int_equal(r->rules[0].n_backends, 2);
		assert_true(r->rules[0].backends[0].resolved);
		const struct topo_backend *b = &r->rules[0].backends[1];
		if (b->resolved != cases[i].resolved || strcmp(b->reason, cases[i].reason))
			fail_msg("case %zu (%s): resolved %d reason %s (%s)", i, cases[i].backend,
			         b->resolved, b->reason, b->message);
		assert_int_equal(r->refs_resolved, cases[i].resolved);
		assert_int_equal(b->service != NULL, cases[i].resolved || str_eq(b->reason, "MissingPort"));
		if (cases[i].code) {
			if (!finding_find(&t->findings, cases[i].code, "httproute/app/r",
			                  "spec.rules[0].backendRefs[1]"))
				        fail_msg("case %zu: no %s finding", i, cases[i].code);
		} else {
			assert_int_equal(findings_count(&t->findings, SEV_ERROR), 0);
			assert_int_equal(findings_count(&t->findings, SEV_WARNING), 0);
		}
		topology_free(t);
		store_free(s);
	}
}

/* ---- reported status ---- */

static void test_status(void **state)
{
	static const struct {
		const char *status; /* status.parents[0], or NULL */
		bool matched;
		int reported;
		bool disagrees;
		const char *code;
	} cases[] = {
		{NULL, false, -1, false, "NoStatus"},
		{"{'parentRef':{'name':'gw'},'controllerName':'x/y','conditions':[{'type':'Accepted',"
		 "'status':'True','reason':'Accepted'}]}",
		 true, 1, false, NULL},
		{"{'parentRef':{'name':'gw'},'controllerName':'x/y','conditions':[{'type':'Accepted',"
		 "'status':'False','reason':'NotAllowedByListeners','message':'no'}]}",
		 true, 0, true, "StatusDisagrees"},
		{"{'parentRef':{'name':'gw','namespace':'app','group':'gateway.networking.k8s.io',"
		 "'kind':'Gateway'},'controllerName':'x/y','conditions':[{'type':'Accepted',"
		 "'status':'Unknown','reason':'Pending'}]}",
		 true, -1, false, NULL},
		/* a status for another sectionName does not belong to this parentRef */
		{"{'parentRef':{'name':'gw','sectionName':'http'},'controllerName':'x/y','conditions':"
		 "[{'type':'Accepted','status':'False','reason':'NotAllowedByListeners'}]}",
		 false, -1, false, "NoStatus"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_store *s = store_new();
		sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass','metadata':"
		          "{'name':'gc'},'spec':{'controllerName':'x/y'}}");
		sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':"
		          "'gw','namespace':'app'},'spec':{'gatewayClassName':'gc','listeners':[{'name':"
		          "'http','port':80,'protocol':'HTTP'}]}}");
		char json[2048];
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{"
		         "'name':'r','namespace':'app'},'spec':{'parentRefs':[{'name':'gw'},{'name':"
		         "'missing'}]},'status':{'parents':[%s]}}",
		         cases[i].status ? cases[i].status : "");
		sq_put(s, json);
		struct gt_topology *t = topology_build(s);
		const struct topo_parent *p = &t->routes[0].parents[0];
		assert_true(p->attached);
		assert_int_equal(p->reported_accepted, cases[i].reported);
		assert_int_equal(p->disagrees, cases[i].disagrees);
		assert_int_equal(p->reported != NULL, cases[i].matched);
		if (cases[i].code) {
			const struct finding *f = finding_find(&t->findings, cases[i].code, "httproute/app/r",
			                                       "spec.parentRefs[0]");
			if (!f)
				fail_msg("case %zu: no %s", i, cases[i].code);
			if (cases[i].disagrees) {
				assert_int_equal(f->severity, SEV_WARNING);
				assert_non_null(strstr(f->message, "x/y"));
				assert_non_null(strstr(f->message, "NotAllowedByListeners"));
				assert_non_null(strstr(f->message, "attached"));
				assert_string_equal(p->reported_reason, "NotAllowedByListeners");
			} else {
				assert_int_equal(f->severity, SEV_INFO);
			}
		}
		assert_int_equal(count_code(&t->findings, "StatusDisagrees"), cases[i].disagrees);
		/* the unattached parent (missing gateway) never gets NoStatus */
		assert_null(finding_find(&t->findings, "NoStatus", "httproute/app/r", "spec.parentRefs[1]"));
		topology_free(t);
		store_free(s);
	}
}

/* ResolvedRefs reported vs the computed backendRefs */
static void test_status_resolved(void **state)
{
	static const struct {
		const char *backend, *cond; /* backendRef; ResolvedRefs condition */
		int reported;
		bool disagree;
	} cases[] = {
		{"{'name':'web','port':80}", "'status':'True','reason':'ResolvedRefs'", 1, false},
		{"{'name':'gone','port':80}", "'status':'True','reason':'ResolvedRefs'", 1, true},
		{"{'name':'gone','port':80}", "'status':'False','reason':'BackendNotFound'", 0, false},
		{"{'name':'web','port':80}", "'status':'False','reason':'BackendNotFound'", 0, true},
		{"{'name':'web','port':80}", "'status':'False','reason':'RefNotPermitted'", 0, true},
		/* a reason gammatop cannot compute is not contradicted */
		{"{'name':'web','port':80}", "'status':'False','reason':'UnsupportedProtocol'", 0, false},
		{"{'name':'web','port':80}", "'status':'Unknown','reason':'Pending'", -1, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gt_store *s = store_new();
		sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'app'},"
		          "'spec':{'ports':[{'port':80}]}}");
		char json[2048];
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{"
		         "'name':'r','namespace':'app'},'spec':{'parentRefs':[{'group':'','kind':"
		         "'Service','name':'web'}],'rules':[{'backendRefs':[%s]}]},'status':{'parents':"
		         "[{'parentRef':{'group':'','kind':'Service','name':'web'},'controllerName':"
		         "'mesh/ctl','conditions':[{'type':'Accepted','status':'True','reason':"
		         "'Accepted'},{'type':'ResolvedRefs',%s}]}]}}",
		         cases[i].backend, cases[i].cond);
		sq_put(s, json);
		struct gt_topology *t = topology_build(s);
		const struct topo_parent *p = &t->routes[0].parents[0];
		assert_int_equal(p->reported_accepted, 1);
		assert_false(p->disagrees);
		if (p->reported_resolved != cases[i].reported || p->refs_disagree != cases[i].disagree)
			fail_msg("case %zu: reported %d disagree %d", i, p->reported_resolved,
			         p->refs_disagree);
		const struct finding *f =
			finding_find(&t->findings, "StatusDisagrees", "httproute/app/r", "spec.parentRefs[0]");
		assert_int_equal(f != NULL, cases[i].disagree);
		if (f) {
			assert_non_null(strstr(f->message, "mesh/ctl"));
			assert_non_null(strstr(f->message, "ResolvedRefs"));
		}
		topology_free(t);
		store_free(s);
	}
}

/* ---- a generated store: 5,000 routes ---- */

static void test_generated(void **state)
{
	enum { NS = 50, ROUTES = 5000, GWS = 10 };
	struct gt_store *s = store_new();
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass','metadata':"
	          "{'name':'gc'},'spec':{'controllerName':'x/y'}}");
	for (int g = 0; g < GWS; g++) {
		char json[512];
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':"
		         "'gw%d','namespace':'infra'},'spec':{'gatewayClassName':'gc','listeners':[{'name':"
		         "'http','port':80,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':'All'}}},"
		         "{'name':'https','port':443,'protocol':'HTTPS','hostname':'*.example.com',"
		         "'allowedRoutes':{'namespaces':{'from':'All'}}}]}}",
		         g);
		sq_put(s, json);
	}
	size_t want_http[GWS] = {0}, want_https[GWS] = {0}, want_unattached = 0, want_missing = 0;
	for (int i = 0; i < ROUTES; i++) {
		char json[1024];
		int ns = i % NS, g = i % GWS;
		snprintf(json, sizeof json,
		         "{'apiVersion':'v1','kind':'Service','metadata':{'name':'svc%d','namespace':"
		         "'ns%d'},'spec':{'ports':[{'port':8080}]}}",
		         i, ns);
		sq_put(s, json);
		/* every 7th route has a host outside example.com (only http takes it), every 11th
		 * names a section that does not exist, every 13th a backend that does not exist */
		const char *host = i % 7 == 0 ? "a.example.org" : "a.example.com";
		const char *section = i % 11 == 0 ? ",'sectionName':'nope'" : "";
		snprintf(json, sizeof json,
		         "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{"
		         "'name':'r%d','namespace':'ns%d'},'spec':{'hostnames':['%s'],'parentRefs':[{"
		         "'name':'gw%d','namespace':'infra'%s}],'rules':[{'backendRefs':[{'name':'svc%d',"
		         "'port':8080}]}]}}",
		         i, ns, host, g, section, i % 13 == 0 ? i + 1000000 : i);
		sq_put(s, json);
		if (i % 11 == 0) {
			want_unattached++;
		} else {
			want_http[g]++;
			if (i % 7 != 0)
				want_https[g]++;
		}
		want_missing += i % 13 == 0;
	}
	struct gt_topology *t = topology_build(s);
	assert_int_equal(t->n_routes, ROUTES);
	assert_int_equal(t->n_services, ROUTES);
	assert_int_equal(t->n_gateways, GWS);
	for (int g = 0; g < GWS; g++) {
		char name[16];
		snprintf(name, sizeof name, "gw%d", g);
		const struct topo_gateway *tg = topology_find_gateway(t, "infra", name);
		assert_non_null(tg);
		assert_int_equal(tg->listeners[0].attached_routes, want_http[g]);
		assert_int_equal(tg->listeners[1].attached_routes, want_https[g]);
		assert_int_equal(tg->listeners[0].n_routes, want_http[g]);
	}
	size_t unattached = 0, used = 0;
	for (size_t i = 0; i < t->n_routes; i++)
		unattached += !t->routes[i].attached_any;
	for (size_t i = 0; i < t->n_services; i++)
		used += t->services[i].n_backend_of;
	assert_int_equal(unattached, want_unattached);
	assert_int_equal(count_code(&t->findings, "NoMatchingParent"), want_unattached);
	assert_int_equal(count_code(&t->findings, "BackendNotFound"), want_missing);
	assert_int_equal(used, ROUTES - want_missing);
	/* every route can be found again */
	for (int i = 0; i < ROUTES; i += 97) {
		char ns[16], name[16];
		snprintf(ns, sizeof ns, "ns%d", i % NS);
		snprintf(name, sizeof name, "r%d", i);
		const struct topo_route *r = topology_find_route(t, GT_HTTPROUTE, ns, name);
		assert_non_null(r);
		assert_string_equal(r->obj->meta.name, name);
	}
	topology_free(t);
	store_free(s);
}

/* Default Gateways (GEP-3793, experimental): a route with useDefaultGateways All is claimed
 * by every Gateway with defaultScope All whose listeners take it, as if it named them; a
 * Gateway it names is not claimed twice; routes without the field are left alone. */
static void test_default_gateways(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass','metadata':{'name':'gc'},"
	          "'spec':{'controllerName':'example.com/gc'}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':'d1',"
	          "'namespace':'infra'},'spec':{'gatewayClassName':'gc','defaultScope':'All','listeners':"
	          "[{'name':'http','port':80,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':'All'}}}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':'d2',"
	          "'namespace':'infra'},'spec':{'gatewayClassName':'gc','defaultScope':'All','listeners':"
	          "[{'name':'http','port':80,'protocol':'HTTP'}]}}"); /* from: Same: takes no app route */
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':'plain',"
	          "'namespace':'infra'},'spec':{'gatewayClassName':'gc','listeners':"
	          "[{'name':'http','port':80,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':'All'}}}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'dflt',"
	          "'namespace':'app'},'spec':{'useDefaultGateways':'All'}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'both',"
	          "'namespace':'app'},'spec':{'useDefaultGateways':'All','parentRefs':[{'name':'d1',"
	          "'namespace':'infra'}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'none',"
	          "'namespace':'app'},'spec':{'parentRefs':[{'name':'plain','namespace':'infra'}]}}");
	struct gt_topology *t = topology_build(s);
	const struct topo_route *r = topology_find_route(t, GT_HTTPROUTE, "app", "dflt");
	assert_non_null(r);
	assert_int_equal(r->n_parents, 1);
	assert_true(r->parents[0].defaulted && r->parents[0].attached);
	assert_string_equal(r->parents[0].ref->name, "d1");
	r = topology_find_route(t, GT_HTTPROUTE, "app", "both");
	assert_int_equal(r->n_parents, 1); /* d1 named: not claimed twice */
	assert_false(r->parents[0].defaulted);
	r = topology_find_route(t, GT_HTTPROUTE, "app", "none");
	assert_int_equal(r->n_parents, 1);
	const struct topo_gateway *g = topology_find_gateway(t, "infra", "d1");
	assert_int_equal(g->listeners[0].attached_routes, 2);
	assert_non_null(topo_conditions_find(&g->conditions, "DefaultGateway"));
	assert_null(topo_conditions_find(&topology_find_gateway(t, "infra", "plain")->conditions,
	                                 "DefaultGateway"));
	struct findings f; /* lint: a defaulted route without parentRefs is no NoParents case */
	findings_init(&f);
	lint_run(s, t, &f);
	assert_non_null(finding_find(&f, "NoStatus", "httproute/app/none", NULL)); /* lint ran */
	assert_null(finding_find(&f, "NoParents", "httproute/app/dflt", NULL));
	findings_done(&f);
	topology_free(t);
	store_free(s);
}

/* The policies a backend is under: a BackendTLSPolicy with a sectionName only on that port
 * of the Service; an XBackendTrafficPolicy on every port; a policy that is not accepted on
 * none; ancestors are the Gateways of the routes that send traffic to the target. */
static void test_backend_policies(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	gateway_world(s);
	sq_put(s, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'db','namespace':'app'},"
	          "'spec':{'ports':[{'name':'tls','port':443},{'name':'pg','port':5432}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'r',"
	          "'namespace':'app'},'spec':{'parentRefs':[{'name':'gw','namespace':'infra','sectionName':"
	          "'http'}],'rules':[{'backendRefs':[{'name':'db','port':443},{'name':'db','port':5432}]}]}}");
	sq_put(s, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'BackendTLSPolicy','metadata':"
	          "{'name':'t','namespace':'app'},'spec':{'targetRefs':[{'group':'','kind':'Service',"
	          "'name':'db','sectionName':'tls'}],'validation':{'wellKnownCACertificates':'System',"
	          "'hostname':'db.example.com'}}}");
	sq_put(s, "{'apiVersion':'gateway.networking.x-k8s.io/v1alpha1','kind':'XBackendTrafficPolicy',"
	          "'metadata':{'name':'b','namespace':'app'},'spec':{'targetRefs':[{'group':'','kind':"
	          "'Service','name':'db'}],'retryConstraint':{'budget':{'percent':30}}}}");
	sq_put(s, "{'apiVersion':'gateway.networking.x-k8s.io/v1alpha1','kind':'XBackendTrafficPolicy',"
	          "'metadata':{'name':'bad','namespace':'app'},'spec':{'targetRefs':[{'group':'apps','kind':"
	          "'Deployment','name':'db'}]}}");
	struct gt_topology *t = topology_build(s);
	const struct topo_route *r = topology_find_route(t, GT_HTTPROUTE, "app", "r");
	assert_non_null(r);
	const struct topo_backend *b443 = &r->rules[0].backends[0], *b5432 = &r->rules[0].backends[1];
	assert_non_null(b443->tls_policy);
	assert_string_equal(b443->tls_policy->meta.name, "t");
	assert_null(b5432->tls_policy);
	assert_string_equal(b443->traffic_policy->meta.name, "b");
	assert_string_equal(b5432->traffic_policy->meta.name, "b");
	assert_int_equal(t->n_policies, 3);
	for (size_t i = 0; i < t->n_policies; i++) {
		const struct topo_policy *p = &t->policies[i];
		if (str_eq(p->obj->meta.name, "bad")) {
			assert_false(p->accepted);
			assert_string_equal(topo_conditions_find(&p->conditions, "Accepted")->reason, "Invalid");
			continue;
		}
		assert_true(p->accepted);
		assert_int_equal(p->n_ancestors, 1);
		assert_string_equal(p->ancestors[0].kind, "Gateway");
		assert_string_equal(p->ancestors[0].name, "gw");
	}
	topology_free(t);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_gateways),
		cmocka_unit_test(test_backend_policies),
		cmocka_unit_test(test_hostnames),
		cmocka_unit_test(test_gateway_parents),
		cmocka_unit_test(test_listener_counts),
		cmocka_unit_test(test_gatewayclass_missing),
		cmocka_unit_test(test_service_parents),
		cmocka_unit_test(test_backends),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_resolved),
		cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
