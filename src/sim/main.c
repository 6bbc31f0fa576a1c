/* main.c: gammatop-sim, a Kubernetes API server and mesh-proxy simulator for gammatop's demo,
 * end-to-end tests and benchmarks: options and --help, building the world, starting the
 * servers, the ready line, the main loop (churn, controllers, traffic clock, signals) and a
 * clean exit that can save the state. */
#include "config.h"

#include "sim.h"

#include "gammatop/evloop.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac.h"
#include "server.h"
#include "tls.h"
#include "traffic_glue.h"
#include "world.h"

static const char usage[] =
"Usage: gammatop-sim [OPTION]...\n"
"A Kubernetes API server and service-mesh simulator for gammatop: it serves Gateway API\n"
"v1.6.1 (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, ListenerSet, TLSRoute,\n"
"TCPRoute, UDPRoute, BackendTLSPolicy; on the experimental channel XBackendTrafficPolicy and\n"
"XMesh) and core Namespace, Service, Pod, Secret and ConfigMap objects over the Kubernetes\n"
"REST protocol (kubectl works against it), acts as the controllers (route, listener,\n"
"Gateway, ListenerSet and policy status, one mesh proxy Pod per namespace with routes) and\n"
"serves live, deterministic mesh metrics.\n"
"\n"
"World (combine freely; besides the default, kube-system and kube-public namespaces the\n"
"sim starts empty without them):\n"
"  --demo                 the built-in shop world (storefront gateway, checkout, payments,\n"
"                         inventory, ...; some routes misbehave on purpose; a ListenerSet,\n"
"                         a TLS passthrough route, a BackendTLSPolicy and a retry budget)\n"
"  --manifests PATH       load YAML/JSON manifests from a file or directory (repeatable)\n"
"  --generate SPEC        generate a world: namespaces=N,gateways=N,services=N,routes=N,seed=S\n"
"                         (defaults 10,2,50,100,1); the v1.6 kinds for benchmarks:\n"
"                         tlsroutes=N,tcproutes=N,udproutes=N,listenersets=N (default 0)\n"
"  --state FILE           load the state from FILE at start if it exists, and save it there\n"
"                         on SIGTERM/SIGINT (objects and resourceVersions are kept)\n"
"\n"
"Listening:\n"
"  --listen ADDR          address to bind (default 127.0.0.1)\n"
"  --port N               API port (default 0: an ephemeral port)\n"
"  --metrics-port N       serve the mesh metrics at /metrics on this port (0: ephemeral;\n"
"                         default: no metrics server)\n"
"  When ready, exactly one line goes to stdout:\n"
"    gammatop-sim: serving http://127.0.0.1:PORT[ metrics http://127.0.0.1:MPORT/metrics]\n"
"  (https:// with --tls). Everything else goes to stderr.\n"
"\n"
"Security:\n"
"  --tls DIR              serve HTTPS; create DIR with ca.crt, server.crt/.key (SAN 127.0.0.1,\n"
"                         ::1, localhost and the listen address) and client.crt/.key (CN\n"
"                         gammatop-admin); files already in DIR are reused\n"
"  --token T              require \"Authorization: Bearer T\" (full access)\n"
"  --token-file F         the same, reading the token from F (keeps it out of ps)\n"
"  --readonly-token T     a token that may only read (writes get 403 Forbidden)\n"
"  --rbac-token TOKEN:USER:NS[,NS...][:RES[,RES...]]\n"
"                         a token of USER, bound to NS as by a RoleBinding: everything in\n"
"                         those namespaces; elsewhere only get/list/watch of the resources RES\n"
"                         (plural names, e.g. gateways,gatewayclasses; * for all); the rest is\n"
"                         403 Forbidden in kube-apiserver's words (repeatable)\n"
"  Impersonate-User/-Group/-Uid/-Extra-* headers are honoured for the --token user and\n"
"  client certificates (others get 403); the impersonated user gets the bindings of the\n"
"  --rbac-token with that USER, or full access.\n"
"  --client-cert-auth     accept client certificates signed by DIR/ca.crt (needs --tls)\n"
"  --client-ca FILE       accept client certificates signed by this CA instead (PEM)\n"
"  --kubeconfig-out FILE  write a kubeconfig for this sim (server, CA, token or client cert)\n"
"  Without --token/--client-cert-auth no authentication is asked for. Tokens are never logged.\n"
"\n"
"Behaviour:\n"
"  --channel C            standard or experimental (default): the CRDs of that channel; with\n"
"                         standard, HTTPRoute spec.rules[].retry is pruned, the v1alpha*\n"
"                         versions and the gateway.networking.x-k8s.io kinds are not served\n"
"  --mesh M               linkerd (default), istio or envoy-gateway: metrics format, proxy\n"
"                         admin port (4191, 15020, 19001) and controller name\n"
"  --wrong-status ID      report a wrong Accepted condition for ID (repeatable): KIND/NS/NAME\n"
"                         of a route (httproute, grpcroute, tlsroute, tcproute, udproute), a\n"
"                         listenerset or a policy (backendtlspolicy, xbackendtrafficpolicy),\n"
"                         or NS/NAME; or annotate it sim.gammatop.dev/wrong-status: \"true\"\n"
"  --seed S               seed of the traffic model and generator (default 1)\n"
"  --history N            watch events kept for resuming (default 10000); older resourceVersions\n"
"                         get 410 Expired\n"
"  --bookmark-interval S  seconds between watch BOOKMARKs (default 5)\n"
"  -v, --verbose          log requests to stderr\n"
"\n"
"Faults (also at run time through the admin API):\n"
"  --churn N              change N route annotations per second (MODIFIED events)\n"
"  --latency MS           delay every API request\n"
"  --patch-delay MS       delay every PATCH that is not a dry run, before applying it (it is\n"
"                         applied even if the client has gone); logs \"patch-delay: holding\"\n"
"                         and \"patch-delay: applying\" lines\n"
"  --error-rate F         answer a share F (0..1) of API requests 500 InternalError\n"
"  --throttle-rate F      answer a share F of API requests 429 TooManyRequests, Retry-After: 1\n"
"\n"
"Admin API (same port and credentials; a read-only token gets 403):\n"
"  GET  /sim/v1/status                     counts, resourceVersion, faults\n"
"  POST /sim/v1/churn?rate=N               set the churn rate (0 stops)\n"
"  POST /sim/v1/faults?latencyMs=N&errorRate=F&throttleRate=F&patchDelayMs=N\n"
"                                          set faults (omitted: unchanged)\n"
"  POST /sim/v1/drop-watches               close every watch connection abruptly\n"
"  POST /sim/v1/expire                     forget the event history: open watches end with\n"
"                                          410 Expired, and so do watches and continue tokens\n"
"                                          from before now\n"
"  POST /sim/v1/save?path=FILE             save the state now\n"
"Also /healthz, /readyz and /livez (no authentication).\n"
"\n"
"API notes: discovery (aggregated v2/v2beta1 by Accept, and legacy), /version; /openapi/v3\n"
"is minimal (open schemas; it tells kubectl that the server validates fields), /openapi/v2\n"
"is 404. Old versions on the experimental channel answer with the CRD's deprecation\n"
"Warning. LIST: limit/continue (tokens expire with the history: 410), labelSelector\n"
"(=, ==, !=, in, notin, exists), fieldSelector (metadata.name,\n"
"metadata.namespace); a continued list shows the current state, not a snapshot. WATCH:\n"
"resourceVersion, allowWatchBookmarks, timeoutSeconds (default 1800), sendInitialEvents.\n"
"PATCH: merge (RFC 7386), JSON patch (RFC 6902), server-side apply (fieldManager required,\n"
"force; every list is atomic and ownership is by leaf field), strategic merge only for core\n"
"kinds (treated as a merge patch; 415 for Gateway API kinds); protobuf bodies get 415.\n"
"dryRun=All. POST, PUT, DELETE\n"
"(a Namespace takes its objects with it at once; deletecollection honours selectors). Status\n"
"subresources. Tables (Accept ...;as=Table;g=meta.k8s.io) with a real cluster's columns, in\n"
"lists, gets and watches. Fields the schema lacks are pruned (unknown keys of route rules,\n"
"timeouts and retry; retry on the standard channel); fieldValidation=Strict refuses them\n"
"(400), Warn (the default) answers with a Warning header, Ignore says nothing. Writes are\n"
"validated as the v1.6.1 CRDs do: every schema constraint and CEL rule of Gateway,\n"
"ListenerSet, TLS/TCP/UDPRoute, BackendTLSPolicy, XBackendTrafficPolicy and XMesh; for\n"
"HTTPRoute and GRPCRoute what gammatop edits (durations, backendRequest <= request unless\n"
"request is 0s, retry codes 400-599 and unique, attempts >= 1, ports, weights); Secrets and\n"
"ConfigMaps as k8s does: 422 Invalid with field causes. `man gammatop-sim` has the status\n"
"rules the controller follows.\n"
"Pod proxy: GET /api/v1/namespaces/NS/pods/[http:]POD[:PORT]/proxy/metrics returns the\n"
"metrics of the routes in NS; with --metrics-fixtures DIR, a pod annotated\n"
"sim.gammatop.dev/metrics-fixture: NAME serves DIR/NAME.K.om (OpenMetrics) or .prom\n"
"(Prometheus text), K = how many times it was scraped before (the last one repeats);\n"
"the traffic model's own proxy Pods are then not created.\n";

static struct option long_opts[] = {
	{"demo", no_argument, NULL, 'D'},
	{"manifests", required_argument, NULL, 'm'},
	{"generate", required_argument, NULL, 'g'},
	{"state", required_argument, NULL, 'S'},
	{"listen", required_argument, NULL, 'l'},
	{"port", required_argument, NULL, 'p'},
	{"metrics-port", required_argument, NULL, 'M'},
	{"tls", required_argument, NULL, 't'},
	{"token", required_argument, NULL, 'T'},
	{"token-file", required_argument, NULL, 'F'},
	{"readonly-token", required_argument, NULL, 'R'},
	{"rbac-token", required_argument, NULL, 'B'},
	{"client-cert-auth", no_argument, NULL, 'C'},
	{"client-ca", required_argument, NULL, 'A'},
	{"kubeconfig-out", required_argument, NULL, 'k'},
	{"channel", required_argument, NULL, 'c'},
	{"mesh", required_argument, NULL, 'e'},
	{"metrics-fixtures", required_argument, NULL, 'X'},
	{"wrong-status", required_argument, NULL, 'w'},
	{"seed", required_argument, NULL, 's'},
	{"history", required_argument, NULL, 'H'},
	{"bookmark-interval", required_argument, NULL, 'b'},
	{"churn", required_argument, NULL, 'n'},
	{"latency", required_argument, NULL, 'L'},
	{"patch-delay", required_argument, NULL, 'P'},
	{"error-rate", required_argument, NULL, 'E'},
	{"throttle-rate", required_argument, NULL, 'Q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* What main() allocated, freed by die() and the early exits too (so that sanitizers see no
 * leak whatever the exit path). */
static struct {
	struct sim *sim;
	const char **manifests, **generate;
	struct tls_material *tm;
} owned;

static void release(void)
{
	free(owned.manifests);
	free(owned.generate);
	owned.manifests = owned.generate = NULL;
	if (owned.tm) {
		tls_material_done(owned.tm);
		owned.tm = NULL;
	}
	if (owned.sim) {
		sim_done(owned.sim);
		owned.sim = NULL;
	}
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	char msg[1024], safe[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	release();
	/* Messages may quote manifest or option text: never send its control bytes to a tty. */
	fprintf(stderr, "gammatop-sim: %s\n", str_sanitize_into(safe, sizeof safe, msg));
	exit(2);
}

static long num(const char *s, long lo, long hi, const char *opt)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || !*s || v < lo || v > hi) {
		die("%s: invalid value \"%s\" (expected %ld..%ld)", opt, s, lo, hi);
	}
	return v;
}

static double share(const char *s, const char *opt)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || !*s || !(v >= 0 && v <= 1)) {
		die("%s: invalid share \"%s\" (expected 0..1)", opt, s);
	}
	return v;
}

static char *read_secret_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot read the token file %s", path);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (n == 0)
		die("the token file %s is empty", path);
	return xstrdup(buf);
}

struct main_ctx {
	struct sim *s;
	struct evloop *loop;
	double churn_due;
	int64_t last_ms;
};

static void on_signal(struct evloop *loop, int signo, void *ud)
{
	(void)signo;
	(void)ud;
	evloop_stop(loop);
}

static void on_tick(struct evloop *loop, void *ud)
{
	struct main_ctx *m = ud;
	struct sim *s = m->s;
	int64_t now = time_mono_ms();
	pthread_mutex_lock(&s->lock);
	if (s->churn_rate > 0) {
		m->churn_due += s->churn_rate * (double)(now - m->last_ms) / 1000.0;
		int steps = 0;
		while (m->churn_due >= 1 && steps < 100000) {
			admin_churn_step(s);
			m->churn_due -= 1;
			steps++;
		}
		if (steps)
			sim_notify(s);
	} else {
		m->churn_due = 0;
	}
	controller_reconcile(s);
	traffic_glue_tick(s);
	pthread_mutex_unlock(&s->lock);
	m->last_ms = now;
	evloop_timer_add(loop, 100, on_tick, m);
}

int main(int argc, char **argv)
{
	struct sim sim;
	struct sim *s = &sim;
	sim_init(s, 1);
	const char *listen_addr = "127.0.0.1", *tls_dir = NULL, *client_ca_file = NULL;
	const char *kubeconfig_out = NULL, *state_file = NULL, *mesh = "linkerd";
	const char **manifests = xcalloc((size_t)argc + 1, sizeof *manifests);
	const char **generate = xcalloc((size_t)argc + 1, sizeof *generate);
	owned.sim = s;
	owned.manifests = manifests;
	owned.generate = generate;
	size_t n_manifests = 0, n_generate = 0;
	bool demo = false;
	int port = 0, metrics_port = -1;
	long history = 10000;
	s->wrong_status = xcalloc((size_t)argc + 1, sizeof *s->wrong_status);
	int c;
	while ((c = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'D': demo = true; break;
		case 'm': manifests[n_manifests++] = optarg; break;
		case 'g': generate[n_generate++] = optarg; break;
		case 'S': state_file = optarg; break;
		case 'l': listen_addr = optarg; break;
		case 'p': port = (int)num(optarg, 0, 65535, "--port"); break;
		case 'M': metrics_port = (int)num(optarg, 0, 65535, "--metrics-port"); break;
		case 't': tls_dir = optarg; break;
		case 'T': free(s->token); s->token = xstrdup(optarg); break;
		case 'F': free(s->token); s->token = read_secret_file(optarg); break;
		case 'R': free(s->readonly_token); s->readonly_token = xstrdup(optarg); break;
		case 'B': {
			char e[256];
			if (rbac_add(s, optarg, e, sizeof e) < 0)
				die("%s", e);
			break;
		}
		case 'C': s->client_cert_auth = true; break;
		case 'A': client_ca_file = optarg; s->client_cert_auth = true; break;
		case 'k': kubeconfig_out = optarg; break;
		case 'c':
			if (strcmp(optarg, "standard") == 0)
				s->channel = CHANNEL_STANDARD;
			else if (strcmp(optarg, "experimental") == 0)
				s->channel = CHANNEL_EXPERIMENTAL;
			else
				die("--channel: expected standard or experimental, not \"%s\"", optarg);
			break;
		case 'e': mesh = optarg; break;
		case 'X': free(s->fixtures_dir); s->fixtures_dir = xstrdup(optarg); break;
		case 'w': s->wrong_status[s->n_wrong_status++] = xstrdup(optarg); break;
		case 's': s->seed = (uint64_t)num(optarg, 0, 0x7fffffffL, "--seed"); break;
		case 'H': history = num(optarg, 1, 10000000, "--history"); break;
		case 'b': s->bookmark_ms = (int)num(optarg, 1, 3600, "--bookmark-interval") * 1000; break;
		case 'n': s->churn_rate = (double)num(optarg, 0, 100000, "--churn"); break;
		case 'L': s->faults.latency_ms = (int)num(optarg, 0, 600000, "--latency"); break;
		case 'P': s->faults.patch_delay_ms = (int)num(optarg, 0, 600000, "--patch-delay"); break;
		case 'E': s->faults.error_share = share(optarg, "--error-rate"); break;
		case 'Q': s->faults.throttle_share = share(optarg, "--throttle-rate"); break;
		case 'v': s->verbose = true; break;
		case 'h': fputs(usage, stdout); release(); return 0;
		case 'V': puts("gammatop-sim " PACKAGE_VERSION); release(); return 0;
		default: fputs("Try 'gammatop-sim --help'.\n", stderr); release(); return 2;
		}
	}
	if (optind < argc)
		die("unexpected argument \"%s\" (try --help)", argv[optind]);
	if (s->client_cert_auth && !tls_dir)
		die("%s needs --tls DIR", client_ca_file ? "--client-ca" : "--client-cert-auth");
	signal(SIGPIPE, SIG_IGN);
	if (history != 1) { /* the store is empty yet: size the history as asked */
		objects_done(&s->objs);
		objects_init(&s->objs, (size_t)history);
	}
	if (traffic_glue_init(s, mesh) != 0)
		die("--mesh: expected linkerd, istio or envoy-gateway, not \"%s\"", mesh);

	char err[1024];
	int64_t t0 = time_mono_ms();
	bool loaded_state = false;
	if (state_file) {
		int rc = state_load(s, state_file, err, sizeof err);
		if (rc < 0)
			die("%s", err);
		loaded_state = rc > 0;
	}
	if (!loaded_state) {
		objects_begin_bulk(&s->objs);
		/* every cluster has these */
		static const char *const base_ns[] = {"default", "kube-system", "kube-public"};
		for (size_t i = 0; i < sizeof base_ns / sizeof *base_ns; i++)
			world_must_add(s, world_namespace(base_ns[i], NULL));
		if (demo)
			demo_load(s);
		for (size_t i = 0; i < n_generate; i++)
			if (generate_world(s, generate[i], err, sizeof err) != 0)
				die("--generate: %s", err);
		objects_end_bulk(&s->objs);
		if (s->verbose)
			fprintf(stderr, "gammatop-sim: world built in %lld ms\n", (long long)(time_mono_ms() - t0));
		for (size_t i = 0; i < n_manifests; i++)
			if (world_load_manifests(s, manifests[i], err, sizeof err) < 0)
				die("%s", err);
		s->reconcile_needed = true;
		controller_reconcile(s);
	}
	free(manifests);
	free(generate);
	owned.manifests = owned.generate = NULL;

	struct tls_material tm = {0};
	owned.tm = &tm;
	struct server_opts so = {.listen = listen_addr, .port = port, .metrics_port = metrics_port};
	if (tls_dir) {
		if (tls_prepare(tls_dir, listen_addr, client_ca_file, &tm, err, sizeof err) != 0)
			die("%s", err);
		so.tls_cert = tm.server_cert;
		so.tls_key = tm.server_key;
		so.client_ca = s->client_cert_auth ? tm.client_ca : NULL;
		s->tls = true;
	}
	struct server *srv = server_start(s, &so, err, sizeof err);
	if (!srv)
		die("%s", err);
	const char *scheme = tls_dir ? "https" : "http";
	bool v6 = strchr(listen_addr, ':') != NULL;
	char url[300], murl[300] = "";
	snprintf(url, sizeof url, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", listen_addr, v6 ? "]" : "",
	         server_port(srv));
	if (server_metrics_port(srv) >= 0)
		snprintf(murl, sizeof murl, "http://%s%s%s:%d/metrics", v6 ? "[" : "", listen_addr,
		         v6 ? "]" : "", server_metrics_port(srv));
	if (kubeconfig_out && tls_write_kubeconfig(kubeconfig_out, url, tls_dir ? &tm : NULL, s->token,
	                                           s->client_cert_auth, err, sizeof err) != 0) {
		server_stop(srv);
		die("%s", err);
	}
	if (s->verbose) {
		size_t n = 0;
		for (int r = 0; r < RES_COUNT; r++)
			n += s->objs.tables[r].n;
		fprintf(stderr, "gammatop-sim: %zu objects, resourceVersion %llu, ready in %lld ms\n", n,
		        (unsigned long long)s->objs.rv, (long long)(time_mono_ms() - t0));
	}
	printf("gammatop-sim: serving %s%s%s\n", url, murl[0] ? " metrics " : "", murl);
	fflush(stdout);

	struct evloop *loop = evloop_new();
	struct main_ctx m = {.s = s, .loop = loop, .last_ms = time_mono_ms()};
	evloop_signal(loop, SIGTERM, on_signal, NULL);
	evloop_signal(loop, SIGINT, on_signal, NULL);
	evloop_timer_add(loop, 100, on_tick, &m);
	evloop_run(loop);

	server_stop(srv);
	int status = 0;
	if (state_file && state_save(s, state_file, err, sizeof err) != 0) {
		fprintf(stderr, "gammatop-sim: %s\n", err);
		status = 1;
	}
	evloop_free(loop);
	release();
	return status;
}
