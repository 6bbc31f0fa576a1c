/* bench_paths.c: how long building the call graph and analysing its paths take, and how much
 * memory they use, on a generated store (default 10,000 HTTPRoutes over 2,000 Services in 500
 * namespaces, 20 Gateways): 1/10 of the routes are Gateway routes to the front tier, one
 * producer route per Service, the rest consumer routes from each namespace to Services of the
 * next tier (six tiers, 1 in 1,000 pointing back up: cycles), with retries of 0-2 and timeouts.
 * Half the calls get an observed rate and a tenth of the Services a retry budget, as the
 * telemetry layer would add them. The paths are analysed with the default caps, lint's, and
 * a large one (the chains fan out far beyond any cap). Also what `gammatop paths` and the
 * console add on top: the per-rule telemetry join (callobs, every rule with figures) and the
 * tree table, JSON and DOT of the default-sized result (pathsout). Prints figures; asserts
 * nothing.
 * Usage: bench_paths [ROUTES [SERVICES [RUNS]]]. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "gammatop/callgraph.h"
#include "gammatop/callobs.h"
#include "gammatop/pathsout.h"
#include "gammatop/decode.h"
#include "gammatop/lint.h"
#include "gammatop/paths.h"
#include "gammatop/store.h"
#include "gammatop/topology.h"

enum { NS = 500, GWS = 20, TIERS = 6 };

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
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

static unsigned rnd(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

static const char *retry_json(unsigned r, char *buf, size_t n)
{
	switch (r % 4) {
	case 0:
		return "";
	case 1:
		snprintf(buf, n, ",\"retry\":{\"attempts\":1,\"codes\":[503]}");
		break;
	case 2:
		snprintf(buf, n, ",\"retry\":{\"attempts\":2,\"backoff\":\"50ms\",\"codes\":[502,503]}");
		break;
	default:
		snprintf(buf, n, ",\"retry\":{\"attempts\":2}");
		break;
	}
	return buf;
}

static void generate(struct gt_store *s, int routes, int services)
{
	char json[2048], retry[128];
	unsigned seed = 42;
	int per_ns = services / NS > 0 ? services / NS : 1;
	put(s, "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GatewayClass\","
	       "\"metadata\":{\"name\":\"gc\"},\"spec\":{\"controllerName\":\"x/y\"}}");
	for (int g = 0; g < GWS; g++) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":"
		         "{\"name\":\"gw%d\",\"namespace\":\"infra\"},\"spec\":{\"gatewayClassName\":\"gc\","
		         "\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":"
		         "{\"namespaces\":{\"from\":\"All\"}}}]}}",
		         g);
		put(s, json);
	}
	for (int i = 0; i < services; i++) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc%d\","
		         "\"namespace\":\"ns%d\"},\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"name\":"
		         "\"http\",\"port\":8080}]}}",
		         i, (i / per_ns) % NS);
		put(s, json);
	}
	int gateway_routes = routes / 10, producers = services < routes - gateway_routes ? services : 0;
	int consumers = routes - gateway_routes - producers;
	/* the tier of namespace n is n % TIERS; a service of tier t lives in such a namespace */
	for (int i = 0; i < gateway_routes; i++) {
		int ns = (int)(rnd(&seed) % (NS / TIERS)) * TIERS; /* a tier-0 namespace */
		int svc = ns * per_ns + (int)(rnd(&seed) % per_ns);
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":"
		         "{\"name\":\"edge%d\",\"namespace\":\"ns%d\"},\"spec\":{\"parentRefs\":[{\"name\":"
		         "\"gw%d\",\"namespace\":\"infra\"}],\"rules\":[{\"backendRefs\":[{\"name\":\"svc%d\","
		         "\"port\":8080}],\"timeouts\":{\"request\":\"10s\",\"backendRequest\":\"3s\"}%s}]}}",
		         i, ns, i % GWS, svc, retry_json(rnd(&seed), retry, sizeof retry));
		put(s, json);
	}
	for (int i = 0; i < producers; i++) {
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":"
		         "{\"name\":\"p%d\",\"namespace\":\"ns%d\"},\"spec\":{\"parentRefs\":[{\"group\":\"\","
		         "\"kind\":\"Service\",\"name\":\"svc%d\"}],\"rules\":[{\"backendRefs\":[{\"name\":"
		         "\"svc%d\",\"port\":8080}],\"timeouts\":{\"request\":\"5s\"}%s}]}}",
		         i, (i / per_ns) % NS, i, i, retry_json(rnd(&seed), retry, sizeof retry));
		put(s, json);
	}
	for (int i = 0; i < consumers; i++) {
		int from = i % NS, tier = from % TIERS;
		if (tier == TIERS - 1)
			from -= 1; /* the last tier calls nobody */
		tier = from % TIERS;
		int to_tier = rnd(&seed) % 1000 == 0 && tier > 0 ? tier - 1 : tier + 1;
		int to_ns = (int)(rnd(&seed) % (NS / TIERS)) * TIERS + to_tier;
		if (to_ns >= NS)
			to_ns -= TIERS;
		int svc = to_ns * per_ns + (int)(rnd(&seed) % per_ns);
		snprintf(json, sizeof json,
		         "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":"
		         "{\"name\":\"c%d\",\"namespace\":\"ns%d\"},\"spec\":{\"parentRefs\":[{\"group\":\"\","
		         "\"kind\":\"Service\",\"name\":\"svc%d\",\"namespace\":\"ns%d\"}],\"rules\":[{"
		         "\"backendRefs\":[{\"name\":\"svc%d\",\"namespace\":\"ns%d\",\"port\":8080}],"
		         "\"timeouts\":{\"request\":\"%ds\",\"backendRequest\":\"1s\"}%s}]}}",
		         i, from, svc, to_ns, svc, to_ns, 2 + (int)(rnd(&seed) % 3),
		         retry_json(rnd(&seed), retry, sizeof retry));
		put(s, json);
	}
}

/* What telemetry would add: rates on half the calls, entry rates, budgets on a tenth. */
static void telemetry(struct callgraph *g)
{
	unsigned seed = 7;
	for (size_t c = 0; c < g->n_calls; c++)
		if (rnd(&seed) % 2)
			callgraph_observe(g, c, 1 + rnd(&seed) % 500, rnd(&seed) % 20, NAN);
	struct cg_budget b;
	cg_budget_defaults(&b);
	for (size_t i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i].kind == CG_GATEWAY)
			callgraph_set_node_rate(g, i, 1000);
		else if (g->nodes[i].kind == CG_SERVICE && i % 10 == 0)
			callgraph_set_budget(g, i, &b);
	}
}

/* Deterministic per-rule figures: every rule reports 1-500 rps, retry share 0-20 %. */
static bool rule_figures(const char *route, int rule, double f[3], void *ud)
{
	(void)ud;
	unsigned h = 2166136261u;
	for (const char *p = route; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h ^= (unsigned)rule * 2654435761u;
	f[CALLOBS_RPS] = 1 + h % 500;
	f[CALLOBS_RETRY] = (double)(h % 21) / 100.0;
	f[CALLOBS_TIMEOUT] = (double)(h % 7) / 100.0;
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct stat {
	double wall[64], cpu[64];
};

static void report(const char *what, struct stat *st, int runs, const char *extra)
{
	qsort(st->wall, (size_t)runs, sizeof *st->wall, cmp_double);
	qsort(st->cpu, (size_t)runs, sizeof *st->cpu, cmp_double);
	printf("%-44s wall median %8.2f ms (min %8.2f, max %8.2f), CPU median %8.2f ms%s\n", what,
	       st->wall[runs / 2], st->wall[0], st->wall[runs - 1], st->cpu[runs / 2], extra);
}

int main(int argc, char **argv)
{
	int routes = argc > 1 ? atoi(argv[1]) : 10000;
	int services = argc > 2 ? atoi(argv[2]) : 2000;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	if (routes < 10 || services < NS || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: bench_paths [ROUTES>=10 [SERVICES>=%d [RUNS<=64]]]\n", NS);
		return 2;
	}
	long rss0 = peak_kib();
	struct gt_store *s = store_new();
	generate(s, routes, services);
	struct gt_topology *t = topology_build(s);
	long rss_store = peak_kib();
	printf("store: %d HTTPRoutes, %d Services, %d namespaces in %d tiers, %d Gateways; peak RSS "
	       "%ld KiB (before the store %ld KiB)\n",
	       routes, services, NS, TIERS, GWS, rss_store, rss0);

	static struct stat build, analyse[3], findings, lint;
	struct paths_opts opts[3];
	const char *names[3] = {"paths_analyse (default: 1,000 paths)", "paths_analyse (lint: 10,000 paths)",
	                        "paths_analyse (1,000,000 paths, 10M steps)"};
	for (int k = 0; k < 3; k++)
		paths_opts_default(&opts[k]);
	opts[1].max_paths = 10000;
	opts[2].max_paths = 1000000;
	opts[2].max_steps = 10000000;
	char extra[3][200], build_extra[200], find_extra[100], lint_extra[100];
	long rss_graph = 0, rss_paths[3] = {0};
	for (int r = 0; r < runs; r++) {
		double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		struct callgraph *g = callgraph_from_topology(t);
		telemetry(g);
		callgraph_finish(g);
		build.wall[r] = clock_ms(CLOCK_MONOTONIC) - w0;
		build.cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (r == 0)
			rss_graph = peak_kib(); /* peaks only grow: the first run's are the stages' */
		snprintf(build_extra, sizeof build_extra, " (%zu nodes, %zu rules, %zu calls, %zu edges)",
		         g->n_nodes, g->n_rules, g->n_calls, g->n_edges);
		for (int k = 0; k < 3; k++) {
			struct paths_result res;
			w0 = clock_ms(CLOCK_MONOTONIC);
			c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			paths_analyse(g, NULL, 0, &opts[k], &res);
			analyse[k].wall[r] = clock_ms(CLOCK_MONOTONIC) - w0;
			analyse[k].cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
			if (r == 0)
				rss_paths[k] = peak_kib();
			size_t hops = 0;
			for (size_t i = 0; i < res.n; i++)
				hops += res.paths[i].n_hops;
			snprintf(extra[k], sizeof extra[k],
			         "\n    %zu paths (%zu hops) from %zu entries, %zu steps, %zu cycles, %s; worst "
			         "%.3gx (budgeted %.3gx)",
			         res.n, hops, res.n_entries, res.steps, res.n_cycles,
			         res.truncated ? "truncated" : "complete", res.n ? res.paths[0].amp_worst : 0,
			         res.n ? res.paths[0].amp_budgeted : 0);
			if (k == 1) {
				struct findings f;
				findings_init(&f);
				w0 = clock_ms(CLOCK_MONOTONIC);
				c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
				paths_findings(g, &res, &opts[k], &f);
				findings.wall[r] = clock_ms(CLOCK_MONOTONIC) - w0;
				findings.cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
				snprintf(find_extra, sizeof find_extra, " (%zu findings)", f.n);
				findings_done(&f);
			}
			paths_result_done(&res);
		}
		callgraph_free(g);
		struct findings f;
		findings_init(&f);
		w0 = clock_ms(CLOCK_MONOTONIC);
		c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		paths_lint(t, &f);
		lint.wall[r] = clock_ms(CLOCK_MONOTONIC) - w0;
		lint.cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		snprintf(lint_extra, sizeof lint_extra, " (%zu findings)", f.n);
		findings_done(&f);
	}
	/* what `paths` and the console add: the telemetry join and the three outputs */
	static struct stat join, out;
	char out_extra[160];
	for (int r = 0; r < runs; r++) {
		struct callgraph *g = callgraph_from_topology(t);
		double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		size_t n = callobs_apply_fn(g, rule_figures, NULL);
		join.wall[r] = clock_ms(CLOCK_MONOTONIC) - w0;
		join.cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		struct paths_result res;
		paths_analyse(g, NULL, 0, &opts[0], &res);
		w0 = clock_ms(CLOCK_MONOTONIC);
		c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		struct buf tbl, dot;
		buf_init(&tbl);
		buf_init(&dot);
		pathsout_table(g, &res, false, &tbl);
		json_t *j = pathsout_json(g, &res);
		char *js = json_dumps(j, JSON_COMPACT);
		pathsout_dot(g, &res, &dot);
		out.wall[r] = clock_ms(CLOCK_MONOTONIC) - w0;
		out.cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		snprintf(out_extra, sizeof out_extra, " (%zu calls observed; %zu paths: table %zu, JSON %zu, "
		         "DOT %zu bytes)", n, res.n, tbl.len, js ? strlen(js) : 0, dot.len);
		free(js);
		json_decref(j);
		buf_done(&tbl);
		buf_done(&dot);
		paths_result_done(&res);
		callgraph_free(g);
	}
	report("callgraph_from_topology + telemetry + finish", &build, runs, build_extra);
	report("callobs_apply_fn (per-rule figures onto calls)", &join, runs, "");
	report("pathsout table + json + dot (1,000 paths)", &out, runs, out_extra);
	for (int k = 0; k < 3; k++)
		report(names[k], &analyse[k], runs, extra[k]);
	report("paths_findings (on the lint-sized result)", &findings, runs, find_extra);
	report("paths_lint (static graph, all of it)", &lint, runs, lint_extra);
	printf("peak RSS (first run): %ld KiB with the store and topology, %ld KiB with the graph "
	       "(+%ld), then %ld / %ld / %ld KiB after each analysis (+%ld, +%ld, +%ld over the graph)\n",
	       rss_store, rss_graph, rss_graph - rss_store, rss_paths[0], rss_paths[1], rss_paths[2],
	       rss_paths[0] - rss_graph, rss_paths[1] - rss_graph, rss_paths[2] - rss_graph);
	topology_free(t);
	store_free(s);
	return 0;
}
