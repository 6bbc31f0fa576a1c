/* generate.c: `--generate namespaces=N,gateways=N,services=N,routes=N,seed=S` and the mixed
 * kinds `tlsroutes=N,tcproutes=N,udproutes=N,listenersets=N`: a deterministic synthetic world
 * for tests and benchmarks. Namespaces and services get realistic names; Gateways (in
 * namespace `edge`, with their certificate Secret) get http/https listeners open to all
 * namespaces, and tls (passthrough), tcp and udp listeners when routes of those kinds are
 * asked for; routes are a mix of gateway-bound (30%), mesh producer (50%) and consumer (20%)
 * routes, a tenth of them GRPCRoutes on gRPC services, with 1-3 rules, timeouts on about 40%
 * and retries on about 25% of HTTP rules, and traffic annotations on some. ListenerSets (one
 * HTTP listener each, in the app namespaces, allowed by every Gateway) take every third
 * gateway-bound HTTPRoute of their namespace. The mixed kinds use their own random stream:
 * a world without them is the same as before they existed. */
#include "config.h"
#include "sim.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"


static const char *const ns_words[] = {
	"orders", "billing", "catalog", "checkout", "payments", "inventory", "shipping", "accounts",
	"search", "reviews", "pricing", "ads", "media", "notifications", "auth", "loyalty",
	"warehouse", "returns", "analytics", "support", "partners", "promotions", "tax", "fraud",
};
static const char *const svc_words[] = {
	"api", "web", "worker", "db-proxy", "cache", "gateway", "events", "reports", "auth",
	"search", "images", "export", "import", "scheduler", "pricing", "ledger", "quotes",
	"sessions", "profile", "feed", "rules", "ratings", "uploads", "mailer",
};

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned pick(struct rng *r, unsigned n)
{
	return n ? (unsigned)(next(r) % n) : 0;
}

struct spec {
	long namespaces, gateways, services, routes, seed;
	long tlsroutes, tcproutes, udproutes, listenersets;
};

static int parse_spec(const char *text, struct spec *sp, char *err, size_t errlen)
{
	char copy[512];
	if (strlen(text) >= sizeof copy) {
		snprintf(err, errlen, "specification too long");
		return -1;
	}
	snprintf(copy, sizeof copy, "%s", text);
	char *save = NULL;
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		char *end;
		if (!eq) {
			snprintf(err, errlen, "\"%s\": expected key=value", kv);
			return -1;
		}
		*eq = '\0';
		long v = strtol(eq + 1, &end, 10);
		if (*end || !eq[1] || v < 0 || v > 1000000) {
			snprintf(err, errlen, "%s: invalid number \"%s\" (0..1000000)", kv, eq + 1);
			return -1;
		}
		if (strcmp(kv, "namespaces") == 0)
			sp->namespaces = v;
		else if (strcmp(kv, "gateways") == 0)
			sp->gateways = v;
		else if (strcmp(kv, "services") == 0)
			sp->services = v;
		else if (strcmp(kv, "routes") == 0)
			sp->routes = v;
		else if (strcmp(kv, "seed") == 0)
			sp->seed = v;
		else if (strcmp(kv, "tlsroutes") == 0)
			sp->tlsroutes = v;
		else if (strcmp(kv, "tcproutes") == 0)
			sp->tcproutes = v;
		else if (strcmp(kv, "udproutes") == 0)
			sp->udproutes = v;
		else if (strcmp(kv, "listenersets") == 0)
			sp->listenersets = v;
		else {
			snprintf(err, errlen, "unknown key \"%s\" (namespaces, gateways, services, routes, seed, "
			         "tlsroutes, tcproutes, udproutes, listenersets)", kv);
			return -1;
		}
	}
	if (sp->namespaces < 1)
		sp->namespaces = 1;
	long l4 = sp->tlsroutes + sp->tcproutes + sp->udproutes;
	if ((sp->routes > 0 || l4 > 0) && sp->services == 0) {
		snprintf(err, errlen, "routes need services (services=0): routes send traffic to services");
		return -1;
	}
	if ((l4 > 0 || sp->listenersets > 0) && sp->gateways == 0) {
		snprintf(err, errlen, "tlsroutes, tcproutes, udproutes and listenersets need gateways (gateways=0)");
		return -1;
	}
	return 0;
}

static char *ns_name(long i)
{
	size_t w = sizeof ns_words / sizeof *ns_words;
	if ((size_t)i < w)
		return xstrdup(ns_words[i]);
	return xasprintf("%s-%ld", ns_words[(size_t)i % w], (long)((size_t)i / w) + 1);
}

static char *svc_name(long k)
{
	size_t w = sizeof svc_words / sizeof *svc_words;
	if ((size_t)k < w)
		return xstrdup(svc_words[k]);
	return xasprintf("%s-%ld", svc_words[(size_t)k % w], (long)((size_t)k / w) + 1);
}

/* Services of namespace ns_i: indices k with service i = k * N + ns_i < services. */
static long svc_count(const struct spec *sp, long ns_i)
{
	if (sp->services <= ns_i)
		return 0;
	return (sp->services - ns_i + sp->namespaces - 1) / sp->namespaces;
}

static bool svc_grpc(long ns_i, long k)
{
	return (ns_i * 7 + k) % 10 == 3;
}

static json_t *gen_rules(struct rng *r, bool grpc, const char *backend_ns, long ns_i, long nsvc,
                         const char *fixed_svc)
{
	unsigned n = 1 + pick(r, 3);
	json_t *rules = json_array();
	for (unsigned i = 0; i < n; i++) {
		long k = fixed_svc ? 0 : pick(r, (unsigned)nsvc);
		char *svc = fixed_svc ? xstrdup(fixed_svc) : svc_name(k);
		int port = grpc ? 9090 : 8080;
		json_t *rule = json_pack("{s:[o]}", "backendRefs", world_backend(backend_ns, svc, port, 1));
		free(svc);
		if (grpc) {
			json_object_set_new(rule, "matches", json_pack("[{s:{s:s, s:s}}]", "method", "service",
			                                               "svc.v1.Service", "method", i == 0 ? "Get" : i == 1 ? "List" : "Watch"));
		} else {
			static const char *const paths[] = {"/", "/api", "/v1", "/v2", "/admin", "/static", "/healthz"};
			const char *p = i == n - 1 ? "/" : paths[1 + pick(r, 6)];
			json_object_set_new(rule, "matches", json_pack("[{s:{s:s, s:s}}]", "path", "type", "PathPrefix", "value", p));
			if (pick(r, 100) < 40) {
				static const char *const req[] = {"500ms", "1s", "2s", "5s", "10s", "30s"};
				unsigned ri = pick(r, 6);
				json_t *t = json_pack("{s:s}", "request", req[ri]);
				if (pick(r, 2) && ri > 0)
					json_object_set_new(t, "backendRequest", json_string(req[ri - 1]));
				json_object_set_new(rule, "timeouts", t);
			}
			if (pick(r, 100) < 25)
				json_object_set_new(rule, "retry", json_pack("{s:i, s:[i], s:s}", "attempts", 1 + pick(r, 3),
				                                             "codes", pick(r, 2) ? 503 : 502, "backoff", "50ms"));
		}
		json_array_append_new(rules, rule);
	}
	(void)ns_i;
	return rules;
}

/* The tls/tcp/udp listeners the mixed kinds need, and allowedListeners for ListenerSets. */
static void add_mixed_listeners(const struct spec *sp, json_t *gw, const char *host)
{
	json_t *spec = json_object_get(gw, "spec"), *ls = json_object_get(spec, "listeners");
	if (sp->tlsroutes > 0) {
		json_t *l = world_tls_listener("tls", 8443, host, true, NULL);
		json_object_set_new(l, "allowedRoutes", json_pack("{s:{s:s}}", "namespaces", "from", "All"));
		json_array_append_new(ls, l);
	}
	if (sp->tcproutes > 0)
		json_array_append_new(ls, json_pack("{s:s, s:s, s:i, s:{s:{s:s}}}", "name", "tcp", "protocol", "TCP",
		                                    "port", 9000, "allowedRoutes", "namespaces", "from", "All"));
	if (sp->udproutes > 0)
		json_array_append_new(ls, json_pack("{s:s, s:s, s:i, s:{s:{s:s}}}", "name", "udp", "protocol", "UDP",
		                                    "port", 9053, "allowedRoutes", "namespaces", "from", "All"));
	if (sp->listenersets > 0)
		json_object_set_new(spec, "allowedListeners", json_pack("{s:{s:s}}", "namespaces", "from", "All"));
}

static int add_route(struct sim *s, json_t *route, const char *ns, const char *name, char *err, size_t errlen)
{
	char e[512];
	if (world_add(s, route, e, sizeof e) == 0)
		return 0;
	snprintf(err, errlen, "generated route %s/%s: %s", ns, name, e);
	return -1;
}

/* ListenerSets (ls-I in namespace I mod N, on Gateway I mod gateways, one HTTP listener for
 * *.<ns>.example.com, or *.ls-I.<ns>.example.com beyond the first per namespace) and the TLS,
 * TCP and UDP routes, from a stream of their own. */
static int generate_mixed(struct sim *s, const struct spec *sp, char **names, char *err, size_t errlen)
{
	struct rng r = {(uint64_t)sp->seed * 0x9E3779B97F4A7C15ull + 4099};
	for (long i = 0; i < sp->listenersets; i++) {
		const char *ns = names[i % sp->namespaces];
		char name[64], gw[64], host[300];
		snprintf(name, sizeof name, "ls-%ld", i);
		long g = i % sp->gateways;
		snprintf(gw, sizeof gw, g == 0 ? "public" : "public-%ld", g + 1);
		if (i < sp->namespaces)
			snprintf(host, sizeof host, "*.%s.example.com", ns);
		else
			snprintf(host, sizeof host, "*.ls-%ld.%s.example.com", i, ns);
		json_t *l = world_listener("http", "HTTP", 80, host, "Same");
		world_must_add(s, world_listenerset(ns, name, "edge", gw, json_pack("[o]", l)));
	}
	static const char *const kinds[] = {"TLSRoute", "TCPRoute", "UDPRoute"};
	static const char *const sections[] = {"tls", "tcp", "udp"};
	const long counts[] = {sp->tlsroutes, sp->tcproutes, sp->udproutes};
	for (size_t k = 0; k < 3; k++) {
		for (long j = 0; j < counts[k]; j++) {
			long ns_i = j % sp->namespaces;
			long nsvc = svc_count(sp, ns_i);
			if (nsvc == 0) {
				ns_i = 0;
				nsvc = svc_count(sp, 0);
			}
			if (nsvc == 0)
				break;
			const char *ns = names[ns_i];
			char *svc = svc_name(pick(&r, (unsigned)nsvc));
			long g = pick(&r, (unsigned)sp->gateways);
			char gw[64], name[300], host[300];
			snprintf(gw, sizeof gw, g == 0 ? "public" : "public-%ld", g + 1);
			snprintf(name, sizeof name, "%s-%s-%ld", svc, sections[k], j);
			if (g == 0)
				snprintf(host, sizeof host, "%s-%ld.%s.example.com", svc, j, ns);
			else
				snprintf(host, sizeof host, "%s-%ld.%s.example-%ld.com", svc, j, ns, g + 1);
			json_t *route = world_l4_route(kinds[k], ns, name,
			                               json_pack("[o]", world_gateway_parent("edge", gw, sections[k])),
			                               k == 0 ? json_pack("[s]", host) : NULL,
			                               json_pack("[o]", world_backend(NULL, svc, 8080, 1)));
			free(svc);
			if (add_route(s, route, ns, name, err, errlen) != 0)
				return -1;
		}
	}
	return 0;
}

int generate_world(struct sim *s, const char *text, char *err, size_t errlen)
{
	struct spec sp = {.namespaces = 10, .gateways = 2, .services = 50, .routes = 100, .seed = (long)s->seed};
	if (parse_spec(text, &sp, err, errlen) != 0)
		return -1;
	struct rng r = {(uint64_t)sp.seed * 0x2545F4914F6CDD1Dull + 17};
	char **names = xcalloc((size_t)sp.namespaces, sizeof *names);
	for (long i = 0; i < sp.namespaces; i++) {
		names[i] = ns_name(i);
		world_must_add(s, world_namespace(names[i], ns_words[(size_t)i % (sizeof ns_words / sizeof *ns_words)]));
	}
	if (sp.gateways > 0) {
		world_must_add(s, world_namespace("edge", "platform"));
		if (!objects_get(&s->objs, RES_GATEWAYCLASS, NULL, "gammatop"))
			world_must_add(s, world_gateway_class("gammatop", controller_name(s)));
		if (!objects_get(&s->objs, RES_SECRET, "edge", "gateway-cert"))
			world_must_add(s, world_tls_secret("edge", "gateway-cert"));
	}
	for (long g = 0; g < sp.gateways; g++) {
		char name[64], host[64];
		snprintf(name, sizeof name, g == 0 ? "public" : "public-%ld", g + 1);
		snprintf(host, sizeof host, "*.example%s%ld.com", g ? "-" : "", g ? g + 1 : 0);
		if (g == 0)
			snprintf(host, sizeof host, "*.example.com");
		json_t *ls = json_pack("[o, o]", world_listener("http", "HTTP", 80, host, "All"),
		                       world_listener("https", "HTTPS", 443, host, "All"));
		json_t *gw = world_gateway("edge", name, "gammatop", ls);
		add_mixed_listeners(&sp, gw, host);
		world_must_add(s, gw);
	}
	for (long i = 0; i < sp.services; i++) {
		long ns_i = i % sp.namespaces, k = i / sp.namespaces;
		char *svc = svc_name(k);
		world_must_add(s, world_service(names[ns_i], svc, svc_grpc(ns_i, k) ? 9090 : 8080, svc));
		free(svc);
	}
	for (long j = 0; j < sp.routes; j++) {
		long ns_i = j % sp.namespaces;
		long nsvc = svc_count(&sp, ns_i);
		if (nsvc == 0) {
			ns_i = 0;
			nsvc = svc_count(&sp, 0);
		}
		if (nsvc == 0)
			break; /* no services: no routes */
		unsigned roll = pick(&r, 100);
		long k = pick(&r, (unsigned)nsvc);
		char *svc = svc_name(k);
		bool grpc = svc_grpc(ns_i, k);
		const char *ns = names[ns_i];
		json_t *route;
		char name[300];
		if (roll < 30 && sp.gateways > 0 && !grpc) {
			long g = pick(&r, (unsigned)sp.gateways);
			char gw[64], host[300];
			snprintf(gw, sizeof gw, g == 0 ? "public" : "public-%ld", g + 1);
			snprintf(host, sizeof host, "%s.%s.example%s%ld.com", svc, ns, g ? "-" : "", g ? g + 1 : 0);
			if (g == 0)
				snprintf(host, sizeof host, "%s.%s.example.com", svc, ns);
			snprintf(name, sizeof name, "%s-public-%ld", svc, j);
			json_t *parent = world_gateway_parent("edge", gw, pick(&r, 2) ? "https" : "http");
			if (ns_i < sp.listenersets && j % 3 == 0) {
				/* through the namespace's own ListenerSet (its listener takes any host) */
				char ls[64];
				snprintf(ls, sizeof ls, "ls-%ld", ns_i);
				snprintf(host, sizeof host, "%s.%s.example.com", svc, ns);
				json_decref(parent);
				parent = world_listenerset_parent(ns, ls, NULL);
			}
			route = world_route("HTTPRoute", ns, name, json_pack("[o]", parent),
			                    json_pack("[s]", host), gen_rules(&r, false, NULL, ns_i, nsvc, NULL));
		} else if (roll < 80 || sp.namespaces == 1) {
			snprintf(name, sizeof name, "%s-%ld", svc, j);
			route = world_route(grpc ? "GRPCRoute" : "HTTPRoute", ns, name,
			                    json_pack("[o]", world_service_parent(NULL, svc, grpc ? 9090 : 8080)), NULL,
			                    gen_rules(&r, grpc, NULL, ns_i, nsvc, grpc ? svc : NULL));
		} else {
			/* a consumer route: clients in another namespace override the policy */
			long cns = (ns_i + 1 + pick(&r, (unsigned)(sp.namespaces - 1))) % sp.namespaces;
			snprintf(name, sizeof name, "%s-from-%s-%ld", svc, ns, j);
			route = world_route(grpc ? "GRPCRoute" : "HTTPRoute", names[cns], name,
			                    json_pack("[o]", world_service_parent(ns, svc, grpc ? 9090 : 8080)), NULL,
			                    gen_rules(&r, grpc, ns, ns_i, nsvc, svc));
		}
		if (pick(&r, 100) < 30) {
			char v[32];
			snprintf(v, sizeof v, "%u", 1 + pick(&r, 200));
			world_annotate(route, "sim.gammatop.dev/rps", v);
		}
		if (pick(&r, 100) < 10) {
			char v[32];
			snprintf(v, sizeof v, "0.%02u", 1 + pick(&r, 15));
			world_annotate(route, "sim.gammatop.dev/failure", v);
		}
		char e[512];
		if (world_add(s, route, e, sizeof e) != 0) {
			snprintf(err, errlen, "generated route %s/%s: %s", ns, name, e);
			free(svc);
			for (long i = 0; i < sp.namespaces; i++)
				free(names[i]);
			free(names);
			return -1;
		}
		free(svc);
	}
	int rc = generate_mixed(s, &sp, names, err, errlen);
	for (long i = 0; i < sp.namespaces; i++)
		free(names[i]);
	free(names);
	return rc;
}
