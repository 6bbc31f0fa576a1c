/* bench_topology.c: how long topology_build and lint_run take on a generated store (default
 * 10,000 HTTPRoutes, 10,000 Services, 20 Gateways, a ReferenceGrant per namespace). With
 * "mixed" the routes are of every kind (Gateway API v1.6): per 10 routes 4 HTTPRoutes through
 * a Gateway (half of them through the Gateway's ListenerSet), 2 mesh HTTPRoutes, 1 GRPCRoute,
 * 1 TLSRoute (passthrough), 1 TCPRoute, 1 UDPRoute; every 10th Service has an
 * XBackendTrafficPolicy with a retry budget and every TLS backend a BackendTLSPolicy; one
 * XMesh. Prints figures; asserts nothing. Usage: bench_topology [ROUTES [RUNS [mixed]]]. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/decode.h"
#include "gammatop/lint.h"
#include "gammatop/store.h"
#include "gammatop/topology.h"

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void put(struct gt_store *s, const char *json)
{
	struct gt_object *o = NULL;
	char err[256];
	if (decode_text(json, strlen(json), &o, err, sizeof err) != DECODE_OK) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	store_put(s, o);
}

enum { NS = 100, GWS = 20 };
static int counts[GT_KIND_COUNT], n_policies;

/* Route i of the mixed store (its Service svc<i> exists), and its policies. */
static void put_mixed(struct gt_store *s, int i, int ns)
{
	char json[2048];
	const char *api = "gateway.networking.k8s.io/v1";
	int k = i % 10, gw = i % GWS;
	if (k < 4) { /* through the Gateway, or through its ListenerSet (ls<gw> in ns<gw>) */
		if (k % 2)
			snprintf(json, sizeof json,
			         "{\"apiVersion\":\"%s\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r%d\","
			         "\"namespace\":\"ns%d\"},\"spec\":{\"parentRefs\":[{\"kind\":\"ListenerSet\","
			         "\"name\":\"ls%d\",\"namespace\":\"ns%d\"}],\"rules\":[{\"backendRefs\":[{\"name\":"
			         "\"svc%d\",\"port\":8080}],\"retry\":{\"attempts\":2}}]}}",
			         api, i, ns, gw, gw, i);
		else
			snprintf(json, sizeof json,
			         "{\"apiVersion\":\"%s\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r%d\","
			         "\"namespace\":\"ns%d\"},\"spec\":{\"hostnames\":[\"r%d.example.com\"],\"parentRefs\":"
			         "[{\"name\":\"gw%d\",\"namespace\":\"infra\",\"sectionName\":\"http\"}],\"rules\":"
			         "[{\"backendRefs\":[{\"name\":\"svc%d\",\"port\":8080}],\"timeouts\":{\"request\":"
			         "\"5s\"}}]}}",
			         api, i, ns, i, gw, i);
		counts[GT_HTTPROUTE]++;
	} else if (k < 6) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"%s\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r%d\","
		         "\"namespace\":\"ns%d\"},\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\","
		         "\"name\":\"svc%d\",\"port\":8080}],\"rules\":[{\"backendRefs\":[{\"name\":\"svc%d\","
		         "\"port\":8080}],\"retry\":{\"attempts\":3}}]}}",
		         api, i, ns, i, i);
		counts[GT_HTTPROUTE]++;
	} else {
		static const char *const kinds[] = {"GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"};
		static const char *const sections[] = {"http", "tls", "tcp", "udp"};
		static const enum gt_kind ids[] = {GT_GRPCROUTE, GT_TLSROUTE, GT_TCPROUTE, GT_UDPROUTE};
		int x = k - 6;
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"metadata\":{\"name\":\"r%d\","
		         "\"namespace\":\"ns%d\"},\"spec\":{%s\"parentRefs\":[{\"name\":\"gw%d\",\"namespace\":"
		         "\"infra\",\"sectionName\":\"%s\"}],\"rules\":[{\"backendRefs\":[{\"name\":\"svc%d\","
		         "\"port\":8080}]}]}}",
		         api, kinds[x], i, ns, x == 1 ? "\"hostnames\":[\"db.example.com\"]," : "", gw,
		         sections[x], i);
		counts[ids[x]]++;
		if (x == 1) { /* TLS to the backend */
			snprintf(json + 1024, 1024,
			         "{\"apiVersion\":\"%s\",\"kind\":\"BackendTLSPolicy\",\"metadata\":{\"name\":"
			         "\"p%d\",\"namespace\":\"ns%d\"},\"spec\":{\"targetRefs\":[{\"group\":\"\",\"kind\":"
			         "\"Service\",\"name\":\"svc%d\"}],\"validation\":{\"caCertificateRefs\":[{\"group\":"
			         "\"\",\"kind\":\"ConfigMap\",\"name\":\"ca\"}],\"hostname\":\"db.example.com\"}}}",
			         api, i, ns, i);
			put(s, json + 1024);
			n_policies++;
		}
	}
	put(s, json);
	if (i % 10 == 1) { /* a retry budget on the Service of a ListenerSet route */
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.x-k8s.io/v1alpha1\",\"kind\":"
		         "\"XBackendTrafficPolicy\",\"metadata\":{\"name\":\"b%d\",\"namespace\":\"ns%d\"},"
		         "\"spec\":{\"targetRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"svc%d\"}],"
		         "\"retryConstraint\":{\"budget\":{\"percent\":%d},\"minRetryRate\":{\"count\":%d,"
		         "\"interval\":\"1s\"}}}}",
		         i, ns, i, i % 20 == 1 ? 0 : 20, i % 40 == 1 ? 0 : 10);
		put(s, json);
		n_policies++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int routes = argc > 1 ? atoi(argv[1]) : 10000;
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	int mixed = argc > 3 && !strcmp(argv[3], "mixed");
	if (routes < 1 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: bench_topology [ROUTES [RUNS]]\n");
		return 2;
	}
	struct gt_store *s = store_new();
	char json[2048];
	put(s, "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GatewayClass\","
	       "\"metadata\":{\"name\":\"gc\"},\"spec\":{\"controllerName\":\"x/y\"}}");
	for (int n = 0; n < NS; n++) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns%d\","
		         "\"labels\":{\"team\":\"t%d\"}}}",
		         n, n % 5);
		put(s, json);
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\","
		         "\"metadata\":{\"name\":\"g\",\"namespace\":\"ns%d\"},\"spec\":{\"from\":[{\"group\":"
		         "\"gateway.networking.k8s.io\",\"kind\":\"HTTPRoute\",\"namespace\":\"ns%d\"}],"
		         "\"to\":[{\"group\":\"\",\"kind\":\"Service\"}]}}",
		         n, (n + NS - 1) % NS);
		put(s, json);
	}
	for (int g = 0; g < GWS && mixed; g++) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":"
		         "{\"name\":\"gw%d\",\"namespace\":\"infra\"},\"spec\":{\"gatewayClassName\":\"gc\","
		         "\"allowedListeners\":{\"namespaces\":{\"from\":\"All\"}},"
		         "\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":"
		         "{\"namespaces\":{\"from\":\"All\"}}},{\"name\":\"tls\",\"port\":443,\"protocol\":"
		         "\"TLS\",\"hostname\":\"*.example.com\",\"tls\":{\"mode\":\"Passthrough\"},"
		         "\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}},{\"name\":\"tcp\",\"port\":"
		         "5432,\"protocol\":\"TCP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}},"
		         "{\"name\":\"udp\",\"port\":53,\"protocol\":\"UDP\",\"allowedRoutes\":{\"namespaces\":"
		         "{\"from\":\"All\"}}}]}}",
		         g);
		put(s, json);
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"ListenerSet\",\"metadata\":"
		         "{\"name\":\"ls%d\",\"namespace\":\"ns%d\"},\"spec\":{\"parentRef\":{\"name\":\"gw%d\","
		         "\"namespace\":\"infra\"},\"listeners\":[{\"name\":\"app\",\"port\":8080,\"protocol\":"
		         "\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}}]}}",
		         g, g, g);
		put(s, json);
	}
	if (mixed)
		put(s, "{\"apiVersion\":\"gateway.networking.x-k8s.io/v1alpha1\",\"kind\":\"XMesh\","
		       "\"metadata\":{\"name\":\"mesh\"},\"spec\":{\"controllerName\":\"x/y\"},\"status\":"
		       "{\"supportedFeatures\":[{\"name\":\"Mesh\"}]}}");
	for (int g = 0; g < GWS && !mixed; g++) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":"
		         "{\"name\":\"gw%d\",\"namespace\":\"infra\"},\"spec\":{\"gatewayClassName\":\"gc\","
		         "\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":"
		         "{\"namespaces\":{\"from\":\"All\"}}},{\"name\":\"https\",\"port\":443,\"protocol\":"
		         "\"HTTPS\",\"hostname\":\"*.example.com\",\"allowedRoutes\":{\"namespaces\":{\"from\":"
		         "\"Selector\",\"selector\":{\"matchLabels\":{\"team\":\"t1\"}}}}}]}}",
		         g);
		put(s, json);
	}
	for (int i = 0; i < routes; i++) {
		int ns = i % NS;
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc%d\","
		         "\"namespace\":\"ns%d\"},\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"name\":"
		         "\"http\",\"port\":8080}]}}",
		         i, ns);
		put(s, json);
		if (mixed) {
			put_mixed(s, i, ns);
			continue;
		}
		/* every 4th route is a mesh route; the others go through a gateway and send a tenth
		 * of their traffic to a service in the next namespace (granted) */
		if (i % 4 == 0)
			snprintf(json, sizeof json,
			         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
			         "\"metadata\":{\"name\":\"r%d\",\"namespace\":\"ns%d\"},\"spec\":{\"parentRefs\":"
			         "[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"svc%d\",\"port\":8080}],"
			         "\"rules\":[{\"backendRefs\":[{\"name\":\"svc%d\",\"port\":8080}],\"timeouts\":"
			         "{\"request\":\"5s\",\"backendRequest\":\"2s\"},\"retry\":{\"attempts\":3}}]}}",
			         i, ns, i, i);
		else
			snprintf(json, sizeof json,
			         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
			         "\"metadata\":{\"name\":\"r%d\",\"namespace\":\"ns%d\"},\"spec\":{\"hostnames\":"
			         "[\"r%d.example.com\"],\"parentRefs\":[{\"name\":\"gw%d\",\"namespace\":\"infra\"}],"
			         "\"rules\":[{\"name\":\"main\",\"backendRefs\":[{\"name\":\"svc%d\",\"port\":8080,"
			         "\"weight\":9},{\"name\":\"svc%d\",\"namespace\":\"ns%d\",\"port\":8080}]}]},"
			         "\"status\":{\"parents\":[{\"parentRef\":{\"name\":\"gw%d\",\"namespace\":"
			         "\"infra\"},\"controllerName\":\"x/y\",\"conditions\":[{\"type\":\"Accepted\","
			         "\"status\":\"True\",\"reason\":\"Accepted\"}]}]}}",
			         i, ns, i, i % GWS, i, (i + 1) % routes, (ns + 1) % NS, i % GWS);
		put(s, json);
	}

	/* wall clock and this process's CPU time (the machine may be shared) */
	double *tb = calloc((size_t)runs, sizeof *tb), *tl = calloc((size_t)runs, sizeof *tl);
	double *cb = calloc((size_t)runs, sizeof *cb), *cl = calloc((size_t)runs, sizeof *cl);
	size_t n_findings = 0, attached = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		struct gt_topology *t = topology_build(s);
		double t1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		struct findings f;
		findings_init(&f);
		lint_run(s, t, &f);
		double t2 = clock_ms(CLOCK_MONOTONIC), c2 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		tb[r] = t1 - t0;
		tl[r] = t2 - t1;
		cb[r] = c1 - c0;
		cl[r] = c2 - c1;
		n_findings = f.n;
		attached = 0;
		for (size_t i = 0; i < t->n_routes; i++)
			attached += t->routes[i].attached_any;
		findings_done(&f);
		topology_free(t);
	}
	qsort(tb, (size_t)runs, sizeof *tb, cmp_double);
	qsort(tl, (size_t)runs, sizeof *tl, cmp_double);
	qsort(cb, (size_t)runs, sizeof *cb, cmp_double);
	qsort(cl, (size_t)runs, sizeof *cl, cmp_double);
	if (mixed)
		printf("store (mixed): %d HTTPRoutes, %d GRPCRoutes, %d TLSRoutes, %d TCPRoutes, %d "
		       "UDPRoutes, %d Services, %d Gateways, %d ListenerSets, %d policies, 1 XMesh, %d "
		       "Namespaces, %d ReferenceGrants\n",
		       counts[GT_HTTPROUTE], counts[GT_GRPCROUTE], counts[GT_TLSROUTE], counts[GT_TCPROUTE],
		       counts[GT_UDPROUTE], routes, GWS, GWS, n_policies, NS, NS);
	else
		printf("store: %d HTTPRoutes, %d Services, %d Gateways, %d Namespaces, %d ReferenceGrants\n",
		       routes, routes, GWS, NS, NS);
	printf("topology_build: wall median %.2f ms (min %.2f, max %.2f), CPU median %.2f ms over %d "
	       "runs (%zu routes attached)\n",
	       tb[runs / 2], tb[0], tb[runs - 1], cb[runs / 2], runs, attached);
	printf("lint_run (on a built topology): wall median %.2f ms (min %.2f, max %.2f), CPU median "
	       "%.2f ms (%zu findings)\n",
	       tl[runs / 2], tl[0], tl[runs - 1], cl[runs / 2], n_findings);
	free(tb);
	free(tl);
	free(cb);
	free(cl);
	store_free(s);
	return 0;
}
