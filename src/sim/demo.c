/* demo.c: the built-in demo world (`--demo`, what `gammatop demo` shows): a small online
 * shop. A storefront Gateway in `ingress` with http/https/admin listeners, the shop's
 * services spread over namespaces, gateway-bound routes, mesh producer and consumer routes,
 * a gRPC route, and a few routes that misbehave on purpose:
 *   inventory/inventory      request timeout 300ms on a slow backend: timeouts fire
 *   payments/payments        retries on a flaky backend (8% 503s), some retries succeed
 *   shop/recommendations-widget  cross-namespace backend without a ReferenceGrant
 *   shipping/shipping        the controller reports a wrong status (annotation)
 *   search/search-public     hostname matches no listener of the Gateway
 *   shop/admin               not allowed by the admin listener (namespace Same)
 * and a call chain with nested retries and an inverted timeout (issue 17; the same shape
 * as tests/fixtures/paths/paths-chain.yaml):
 *   storefront Gateway --shop/basket (/basket: 3 tries, 1s per try)--> cart/basket
 *     cart's workloads --cart/stock-from-cart (3 tries, 1s, 300ms per try)--> inventory/stock
 *       inventory's workloads --inventory/warehouse-from-inventory (3 tries, 3s, 1s per try)
 *         --> shipping/warehouse
 *   27 requests at warehouse per request at the Gateway when every try fails
 *   (RetryAmplification; shop/api's /api/cart rule reaches the same chain through cart),
 *   and warehouse can take up to 3s while stock's caller gives up on each try after 300ms
 *   (TimeoutBudgetExceeded). The traffic model chains the rates (sim.gammatop.dev/rps-from):
 *   each hop receives the tries of the hop above, and every hop fails often enough (15-20%
 *   503s) that the retries show in the metrics.
 * and the Gateway API v1.6 kinds: the storefront Gateway takes ListenerSets from the exposed
 * namespaces (allowedListeners); the payments team brings its own listeners in the
 * ListenerSet payments/payments-edge (a TLS passthrough listener for card data, an HTTPS one
 * for partners) and a TLSRoute payments/payments-pci through it; catalog's backend is
 * reached over TLS (BackendTLSPolicy catalog/catalog-backend-tls); and, on the experimental
 * channel, payments has a retry budget (XBackendTrafficPolicy payments/payments-retry-budget)
 * and the mesh announces itself (XMesh). Certificates and CAs are obviously fake PEM. */
#include "config.h"
#include "sim.h"

#include "world.h"

#include <string.h>


static json_t *path_match(const char *type, const char *value)
{
	return json_pack("{s:{s:s, s:s}}", "path", "type", type, "value", value);
}

/* One rule: matches (stolen, may be NULL), backends (stolen), optional policy. */
static json_t *rule(json_t *matches, json_t *backends, const char *request, const char *backend_req,
                    int attempts, const char *codes, const char *backoff)
{
	json_t *r = json_pack("{s:o}", "backendRefs", backends);
	if (matches)
		json_object_set_new(r, "matches", matches);
	if (request || backend_req) {
		json_t *t = json_object();
		if (request)
			json_object_set_new(t, "request", json_string(request));
		if (backend_req)
			json_object_set_new(t, "backendRequest", json_string(backend_req));
		json_object_set_new(r, "timeouts", t);
	}
	if (attempts > 0) {
		json_t *re = json_pack("{s:i}", "attempts", attempts);
		if (codes) {
			json_t *c = json_array();
			for (const char *p = codes; *p;) {
				json_array_append_new(c, json_integer(atoi(p)));
				while (*p && *p != ',')
					p++;
				if (*p == ',')
					p++;
			}
			json_object_set_new(re, "codes", c);
		}
		if (backoff)
			json_object_set_new(re, "backoff", json_string(backoff));
		json_object_set_new(r, "retry", re);
	}
	return r;
}

static json_t *one_backend(const char *ns, const char *name, int port)
{
	return json_pack("[o]", world_backend(ns, name, port, 1));
}

/* Linkerd reads its retry policy from the route's annotations, not from the rules' retry
 * (and ignores backendRequest): give a route with a retry the annotations that say the same
 * for the whole route, from its first rule with a retry, so the demo retries on every mesh. */
static void linkerd_retry(json_t *route)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(json_object_get(route, "spec"), "rules"), i, r) {
		json_t *re = json_object_get(r, "retry");
		if (!json_is_object(re))
			continue;
		char lim[16], codes[128] = "";
		snprintf(lim, sizeof lim, "%d", (int)json_integer_value(json_object_get(re, "attempts")));
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(re, "codes"), k, c) {
			size_t l = strlen(codes);
			snprintf(codes + l, sizeof codes - l, "%s%d", l ? "," : "", (int)json_integer_value(c));
		}
		world_annotate(route, "retry.linkerd.io/http", *codes ? codes : "5xx");
		world_annotate(route, "retry.linkerd.io/limit", lim);
		const char *br = json_string_value(
			json_object_get(json_object_get(r, "timeouts"), "backendRequest"));
		if (br)
			world_annotate(route, "retry.linkerd.io/timeout", br);
		return;
	}
}

static void traffic(json_t *route, const char *rps, const char *latency, const char *failure)
{
	linkerd_retry(route);
	if (rps)
		world_annotate(route, "sim.gammatop.dev/rps", rps);
	if (latency)
		world_annotate(route, "sim.gammatop.dev/latency", latency);
	if (failure)
		world_annotate(route, "sim.gammatop.dev/failure", failure);
}

static void namespaces(struct sim *s)
{
	static const char *const ns[][2] = {
		{"ingress", "platform"}, {"shop", "storefront"}, {"catalog", "storefront"},
		{"cart", "checkout"}, {"checkout", "checkout"}, {"payments", "payments"},
		{"inventory", "fulfilment"}, {"shipping", "fulfilment"},
		{"recommendations", "discovery"}, {"search", "discovery"}, {"accounts", "identity"},
	};
	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
		json_t *n = world_namespace(ns[i][0], ns[i][1]);
		if (strcmp(ns[i][0], "ingress") != 0)
			json_object_set_new(json_object_get(json_object_get(n, "metadata"), "labels"),
			                    "shop.example.com/exposed", json_string("true"));
		world_must_add(s, n);
	}
	static const struct { const char *ns, *name; int port; } svcs[] = {
		{"shop", "storefront", 80}, {"shop", "frontend-api", 8080}, {"catalog", "catalog", 8080},
		{"cart", "cart", 8080}, {"checkout", "checkout", 8080}, {"payments", "payments", 8080},
		{"payments", "payments-canary", 8080}, {"payments", "fraud-check", 8080},
		{"inventory", "inventory", 8080}, {"inventory", "inventory-grpc", 9090},
		{"shipping", "shipping", 8080}, {"recommendations", "recommendations", 8080},
		{"search", "search", 8080}, {"search", "search-indexer", 8080}, {"accounts", "accounts", 8080},
		{"cart", "basket", 8080}, {"inventory", "stock", 8080}, {"shipping", "warehouse", 8080},
	};
	for (size_t i = 0; i < sizeof svcs / sizeof *svcs; i++)
		world_must_add(s, world_service(svcs[i].ns, svcs[i].name, svcs[i].port, svcs[i].name));
}

static void gateway(struct sim *s)
{
	world_must_add(s, world_gateway_class("gammatop", controller_name(s)));
	json_t *ls = json_array();
	json_array_append_new(ls, world_listener("http", "HTTP", 80, NULL, "All"));
	json_t *https = world_listener("https", "HTTPS", 443, "shop.example.com", "Selector");
	json_object_set_new(json_object_get(json_object_get(https, "allowedRoutes"), "namespaces"), "selector",
	                    json_pack("{s:{s:s}}", "matchLabels", "shop.example.com/exposed", "true"));
	json_array_append_new(ls, https);
	json_array_append_new(ls, world_listener("admin", "HTTPS", 8443, "admin.shop.example.com", "Same"));
	json_t *gw = world_gateway("ingress", "storefront", "gammatop", ls);
	json_object_set_new(json_object_get(gw, "spec"), "allowedListeners",
	                    json_pack("{s:{s:s, s:{s:{s:s}}}}", "namespaces", "from", "Selector", "selector",
	                              "matchLabels", "shop.example.com/exposed", "true"));
	world_must_add(s, gw);
	world_must_add(s, world_tls_secret("ingress", "gateway-cert"));
	/* grants for the storefront's cross-namespace backends (not for recommendations) */
	static const char *const granted[] = {"catalog", "cart", "checkout", "search"};
	for (size_t i = 0; i < sizeof granted / sizeof *granted; i++)
		world_must_add(s, json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s, s:s}], s:[{s:s, s:s}]}}",
		                            "apiVersion", SIM_GW_GROUP "/v1beta1", "kind", "ReferenceGrant",
		                            "metadata", "name", "from-shop", "namespace", granted[i],
		                            "spec", "from", "group", SIM_GW_GROUP, "kind", "HTTPRoute",
		                            "namespace", "shop", "to", "group", "", "kind", "Service"));
}

static void gateway_routes(struct sim *s)
{
	json_t *r;
	/* the storefront: web pages and the API */
	r = world_route("HTTPRoute", "shop", "storefront",
	                json_pack("[o, o]", world_gateway_parent("ingress", "storefront", "https"),
	                          world_gateway_parent("ingress", "storefront", "http")),
	                json_pack("[s]", "shop.example.com"),
	                json_pack("[o]", rule(json_pack("[o]", path_match("PathPrefix", "/")),
	                                      one_backend(NULL, "storefront", 80), "10s", NULL, 0, NULL, NULL)));
	traffic(r, "120", "p50=35ms,p99=420ms", "0.002");
	world_must_add(s, r);
	r = world_route("HTTPRoute", "shop", "api",
	                json_pack("[o]", world_gateway_parent("ingress", "storefront", "https")),
	                json_pack("[s]", "shop.example.com"),
	                json_pack("[o, o, o, o]",
	                          rule(json_pack("[o]", path_match("PathPrefix", "/api/catalog")),
	                               one_backend("catalog", "catalog", 8080), "5s", NULL, 0, NULL, NULL),
	                          rule(json_pack("[o]", path_match("PathPrefix", "/api/cart")),
	                               one_backend("cart", "cart", 8080), "3s", "1s", 2, "503", "50ms"),
	                          rule(json_pack("[o]", path_match("PathPrefix", "/api/checkout")),
	                               one_backend("checkout", "checkout", 8080), "15s", "5s", 0, NULL, NULL),
	                          rule(json_pack("[o]", path_match("PathPrefix", "/api/search")),
	                               one_backend("search", "search", 8080), "2s", NULL, 0, NULL, NULL)));
	traffic(r, "0:80;1:25;2:6;3:40", "p50=20ms,p99=300ms;2:p50=180ms,p99=2s", "0.005");
	world_must_add(s, r);
	/* the head of the call chain (see the top of the file) */
	r = world_route("HTTPRoute", "shop", "basket",
	                json_pack("[o]", world_gateway_parent("ingress", "storefront", "https")),
	                json_pack("[s]", "shop.example.com"),
	                json_pack("[o]", rule(json_pack("[o]", path_match("PathPrefix", "/basket")),
	                                      one_backend("cart", "basket", 8080), "3500ms", "1s", 2, "503", "50ms")));
	traffic(r, "20", "p50=25ms,p99=300ms", "0.2");
	world_must_add(s, r);
	/* misbehaving: no ReferenceGrant in recommendations */
	r = world_route("HTTPRoute", "shop", "recommendations-widget",
	                json_pack("[o]", world_gateway_parent("ingress", "storefront", "https")),
	                json_pack("[s]", "shop.example.com"),
	                json_pack("[o]", rule(json_pack("[o]", path_match("PathPrefix", "/widgets/recommended")),
	                                      one_backend("recommendations", "recommendations", 8080),
	                                      "1s", NULL, 0, NULL, NULL)));
	traffic(r, "30", "p50=60ms,p99=700ms", "0.01");
	world_must_add(s, r);
	/* misbehaving: hostname matches no listener */
	r = world_route("HTTPRoute", "search", "search-public",
	                json_pack("[o]", world_gateway_parent("ingress", "storefront", "https")),
	                json_pack("[s]", "search.example.org"),
	                json_pack("[o]", rule(NULL, one_backend(NULL, "search", 8080), NULL, NULL, 0, NULL, NULL)));
	world_must_add(s, r);
	/* misbehaving: the admin listener only takes routes from ingress */
	r = world_route("HTTPRoute", "shop", "admin",
	                json_pack("[o]", world_gateway_parent("ingress", "storefront", "admin")),
	                json_pack("[s]", "admin.shop.example.com"),
	                json_pack("[o]", rule(NULL, one_backend(NULL, "frontend-api", 8080), "30s", NULL, 0, NULL, NULL)));
	world_must_add(s, r);
}

static void mesh_routes(struct sim *s)
{
	json_t *r;
	/* checkout: producer route with timeouts and a retry on 503 */
	r = world_route("HTTPRoute", "checkout", "checkout",
	                json_pack("[o]", world_service_parent(NULL, "checkout", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend(NULL, "checkout", 8080), "5s", "2s", 2, "503", "100ms")));
	traffic(r, "18", "p50=120ms,p99=1500ms", "0.01");
	world_must_add(s, r);
	/* payments: flaky backend with retries; 10% canary */
	json_t *split = json_pack("[o, o]", world_backend(NULL, "payments", 8080, 90),
	                          world_backend(NULL, "payments-canary", 8080, 10));
	r = world_route("HTTPRoute", "payments", "payments",
	                json_pack("[o]", world_service_parent(NULL, "payments", 8080)), NULL,
	                json_pack("[o, o]",
	                          rule(json_pack("[o]", path_match("PathPrefix", "/v1/charges")), split,
	                               "3s", "800ms", 3, "500,502,503", "100ms"),
	                          rule(NULL, one_backend(NULL, "payments", 8080), "5s", NULL, 0, NULL, NULL)));
	traffic(r, "0:15;1:4", "p50=90ms,p99=1200ms", "0:0.08;1:0.01");
	world_must_add(s, r);
	/* checkout calls payments with a tighter budget: a consumer route */
	r = world_route("HTTPRoute", "checkout", "payments-from-checkout",
	                json_pack("[o]", world_service_parent("payments", "payments", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend("payments", "payments", 8080), "2s", "1s", 1, "503", NULL)));
	traffic(r, "9", "p50=90ms,p99=1200ms", "0.08");
	world_must_add(s, r);
	/* inventory: 300ms request timeout on a slow backend */
	r = world_route("HTTPRoute", "inventory", "inventory",
	                json_pack("[o]", world_service_parent(NULL, "inventory", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend(NULL, "inventory", 8080), "300ms", NULL, 0, NULL, NULL)));
	traffic(r, "45", "p50=180ms,p99=2500ms", "0.003");
	world_must_add(s, r);
	r = world_route("GRPCRoute", "inventory", "inventory-grpc",
	                json_pack("[o]", world_service_parent(NULL, "inventory-grpc", 9090)), NULL,
	                json_pack("[{s:[{s:{s:s, s:s}}], s:o}]", "matches", "method", "service",
	                          "inventory.v1.Inventory", "method", "Reserve", "backendRefs",
	                          one_backend(NULL, "inventory-grpc", 9090)));
	traffic(r, "22", "p50=12ms,p99=160ms", "0.004");
	world_must_add(s, r);
	/* the call chain below /api/cart (see the top of the file): consumer routes, each hop's
	 * rate the tries of the hop above */
	r = world_route("HTTPRoute", "cart", "stock-from-cart",
	                json_pack("[o]", world_service_parent("inventory", "stock", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend("inventory", "stock", 8080), "1s", "300ms", 2,
	                                      "503", "25ms")));
	traffic(r, NULL, "p50=30ms,p99=250ms", "0.15");
	world_annotate(r, "sim.gammatop.dev/rps-from", "HTTPRoute/shop/basket#0");
	world_must_add(s, r);
	r = world_route("HTTPRoute", "inventory", "warehouse-from-inventory",
	                json_pack("[o]", world_service_parent("shipping", "warehouse", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend("shipping", "warehouse", 8080), "3s", "1s", 2,
	                                      "503", "100ms")));
	traffic(r, NULL, "p50=40ms,p99=400ms", "0.15");
	world_annotate(r, "sim.gammatop.dev/rps-from", "HTTPRoute/cart/stock-from-cart#0");
	world_must_add(s, r);
	/* shipping: the controller lies about it */
	r = world_route("HTTPRoute", "shipping", "shipping",
	                json_pack("[o]", world_service_parent(NULL, "shipping", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend(NULL, "shipping", 8080), "4s", NULL, 0, NULL, NULL)));
	traffic(r, "7", "p50=70ms,p99=900ms", "0.01");
	world_annotate(r, SIM_ANN_WRONG_STATUS, "true");
	world_must_add(s, r);
	r = world_route("HTTPRoute", "recommendations", "recommendations",
	                json_pack("[o]", world_service_parent(NULL, "recommendations", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend(NULL, "recommendations", 8080), "800ms", "400ms", 1, "503,504", "25ms")));
	traffic(r, "60", "p50=45ms,p99=650ms", "0.02");
	world_must_add(s, r);
	r = world_route("HTTPRoute", "search", "search",
	                json_pack("[o]", world_service_parent(NULL, "search", 8080)), NULL,
	                json_pack("[o, o]",
	                          rule(json_pack("[o]", path_match("PathPrefix", "/index")),
	                               one_backend(NULL, "search-indexer", 8080), "30s", NULL, 0, NULL, NULL),
	                          rule(NULL, one_backend(NULL, "search", 8080), "2s", NULL, 0, NULL, NULL)));
	traffic(r, "0:2;1:40", "p50=25ms,p99=350ms;0:p50=900ms,p99=8s", "0.004");
	world_must_add(s, r);
	r = world_route("HTTPRoute", "accounts", "accounts",
	                json_pack("[o]", world_service_parent(NULL, "accounts", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend(NULL, "accounts", 8080), NULL, NULL, 0, NULL, NULL)));
	traffic(r, "35", "p50=8ms,p99=90ms", "0.001");
	world_must_add(s, r);
	/* the shop frontend reaches catalog through a consumer route of its own */
	r = world_route("HTTPRoute", "shop", "catalog-from-shop",
	                json_pack("[o]", world_service_parent("catalog", "catalog", 8080)), NULL,
	                json_pack("[o]", rule(NULL, one_backend("catalog", "catalog", 8080), "1s", NULL, 2, "503", "50ms")));
	traffic(r, "50", "p50=15ms,p99=220ms", "0.006");
	world_must_add(s, r);
}

/* The v1.6 kinds (see the top of the file). */
static void v16_kinds(struct sim *s)
{
	world_must_add(s, json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:{s:s}, s:[{s:s, s:i}]}}",
	                            "apiVersion", "v1", "kind", "Service", "metadata", "name", "payments-pci",
	                            "namespace", "payments", "labels", "app", "payments-pci", "spec",
	                            "selector", "app", "payments-pci", "ports", "name", "tls", "port", 8443));
	world_must_add(s, world_tls_secret("payments", "partners-cert"));
	json_t *partners = world_listener("partners", "HTTPS", 9444, "partners.shop.example.com", "Same");
	json_object_set_new(json_object_get(partners, "tls"), "certificateRefs",
	                    json_pack("[{s:s, s:s}]", "kind", "Secret", "name", "partners-cert"));
	world_must_add(s, world_listenerset("payments", "payments-edge", "ingress", "storefront",
	                                    json_pack("[o, o]", world_tls_listener("pci-passthrough", 9443,
	                                                                           "pay.shop.example.com", true, NULL),
	                                              partners)));
	world_must_add(s, world_l4_route("TLSRoute", "payments", "payments-pci",
	                                 json_pack("[o]", world_listenerset_parent("payments", "payments-edge",
	                                                                           "pci-passthrough")),
	                                 json_pack("[s]", "pay.shop.example.com"),
	                                 json_pack("[o]", world_backend(NULL, "payments-pci", 8443, 1))));
	world_must_add(s, world_ca_configmap("catalog", "catalog-ca"));
	world_must_add(s, world_backend_tls("catalog", "catalog-backend-tls", "catalog", "catalog-ca",
	                                    "catalog.catalog.svc.cluster.local"));
	if (s->channel != CHANNEL_EXPERIMENTAL)
		return;
	world_must_add(s, world_retry_budget("payments", "payments-retry-budget", "payments", 20, "10s", 5, "1s"));
	static const char *const mesh_names[] = {"linkerd", "istio", "envoy-gateway"};
	world_must_add(s, world_mesh(mesh_names[s->mesh >= 0 && s->mesh < 3 ? s->mesh : 0], controller_name(s)));
}

void demo_load(struct sim *s)
{
	namespaces(s);
	gateway(s);
	gateway_routes(s);
	mesh_routes(s);
	v16_kinds(s);
}
