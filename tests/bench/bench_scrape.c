/* bench_scrape.c: time and memory to parse and fold one proxy page of N series (default
 * 100,000): an Envoy Gateway page (Prometheus text: 5,000 rule clusters x 20 series: counters
 * and 10 latency buckets) and a Linkerd page (OpenMetrics: 5,000 routes x 20 series). Each page
 * is built twice (the second with larger counters), then parsed (expo_parse) and folded into
 * per-key increases (scrape_fold: matching, rate table, accumulator), as one direct-scrape
 * round does per proxy. Prints bytes, milliseconds (wall and CPU) per page, the heap held
 * between rounds (the rate table) and peak RSS. Asserts nothing. Usage: bench_scrape [N [RUNS]]. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "gammatop/buf.h"
#include "gammatop/exposition.h"
#include "gammatop/mesh.h"
#include "gammatop/rate.h"
#include "gammatop/scrape.h"
#include "gammatop/strmap.h"

static double now_ms(int clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

static const char *const eg_counters[] = {
	"upstream_rq_total", "upstream_rq_retry", "upstream_rq_retry_success",
	"upstream_rq_retry_limit_exceeded", "upstream_rq_retry_overflow", "upstream_rq_timeout",
	"upstream_rq_per_try_timeout", "upstream_cx_connect_fail"};
static const char *const eg_le[] = {"1", "5", "10", "25", "50", "100", "250", "1000", "5000",
                                    "+Inf"};

/* An Envoy Gateway page of about n series; k scales the counters (0: first scrape). */
static void envoy_page(struct buf *b, size_t n, unsigned k)
{
	size_t clusters = n / 20;
	for (size_t c = 0; c < 8; c++) {
		buf_printf(b, "# TYPE envoy_cluster_%s counter\n", eg_counters[c]);
		for (size_t i = 0; i < clusters; i++)
			buf_printf(b, "envoy_cluster_%s{envoy_cluster_name=\"httproute/ns-%zu/route-%zu/rule/%zu\"} %zu\n",
			           eg_counters[c], i % 50, i / 4, i % 4, (i + c + 1) * (k + 1));
	}
	buf_puts(b, "# TYPE envoy_cluster_upstream_rq_xx counter\n");
	for (size_t i = 0; i < clusters; i++)
		for (int cl = 2; cl <= 5; cl += 3)
			buf_printf(b, "envoy_cluster_upstream_rq_xx{envoy_cluster_name=\"httproute/ns-%zu/route-%zu/rule/%zu\",envoy_response_code_class=\"%d\"} %zu\n",
			           i % 50, i / 4, i % 4, cl, (i + (size_t)cl) * (k + 1) * 10);
	buf_puts(b, "# TYPE envoy_cluster_upstream_rq_time histogram\n");
	for (size_t i = 0; i < clusters; i++)
		for (size_t l = 0; l < 10; l++)
			buf_printf(b, "envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=\"httproute/ns-%zu/route-%zu/rule/%zu\",le=\"%s\"} %zu\n",
			           i % 50, i / 4, i % 4, eg_le[l], (l + 1) * (i + 1) * (k + 1));
}

#define LKL "parent_group=\"core\",parent_kind=\"Service\",parent_namespace=\"ns-%zu\"," \
            "parent_name=\"svc-%zu\",parent_port=\"8080\",parent_section_name=\"\"," \
            "route_group=\"gateway.networking.k8s.io\",route_kind=\"HTTPRoute\"," \
            "route_namespace=\"ns-%zu\",route_name=\"route-%zu\",hostname=\"\""
static const char *const lk_le[] = {"0.05", "0.5", "1.0", "10.0", "+Inf"};

/* A Linkerd page (OpenMetrics) of about n series. */
static void linkerd_page(struct buf *b, size_t n, unsigned k)
{
	size_t routes = n / 20;
	buf_puts(b, "# TYPE outbound_http_route_request_statuses counter\n");
	static const char *const st[][2] = {{"200", ""}, {"503", ""}, {"", "REQUEST_TIMEOUT"},
	                                    {"", "RESPONSE_HEADERS_TIMEOUT"}, {"", "IDLE_TIMEOUT"},
	                                    {"", "RESPONSE_STREAM_TIMEOUT"}, {"", "FAIL_FAST"},
	                                    {"", "UNKNOWN"}, {"", "CANCEL"}};
	for (size_t i = 0; i < routes; i++)
		for (size_t s = 0; s < 9; s++)
			buf_printf(b, "outbound_http_route_request_statuses_total{" LKL ",http_status=\"%s\",error=\"%s\"} %zu\n",
			           i % 50, i, i % 50, i, st[s][0], st[s][1], (i + s + 1) * (k + 1));
	static const char *const fams[] = {"requests", "successes", "limit_exceeded", "overflow"};
	for (size_t f = 0; f < 4; f++) {
		buf_printf(b, "# TYPE outbound_http_route_retry_%s counter\n", fams[f]);
		for (size_t i = 0; i < routes; i++)
			buf_printf(b, "outbound_http_route_retry_%s_total{" LKL "} %zu\n", fams[f], i % 50,
			           i, i % 50, i, (i + f) * (k + 1));
	}
	buf_puts(b, "# TYPE outbound_http_route_request_duration_seconds histogram\n");
	for (size_t i = 0; i < routes; i++) {
		for (size_t l = 0; l < 5; l++)
			buf_printf(b, "outbound_http_route_request_duration_seconds_bucket{" LKL ",le=\"%s\"} %zu\n",
			           i % 50, i, i % 50, i, lk_le[l], (l + 1) * (i + 1) * (k + 1));
		buf_printf(b, "outbound_http_route_request_duration_seconds_sum{" LKL "} %zu.5\n", i % 50,
		           i, i % 50, i, (i + 1) * (k + 1));
		buf_printf(b, "outbound_http_route_request_duration_seconds_count{" LKL "} %zu\n", i % 50,
		           i, i % 50, i, 5 * (i + 1) * (k + 1));
	}
	buf_puts(b, "# EOF\n");
}

static void run(const char *mesh, bool om, void (*page)(struct buf *, size_t, unsigned), size_t n,
                int runs)
{
	struct buf pages[2];
	for (unsigned k = 0; k < 2; k++) {
		buf_init(&pages[k]);
		page(&pages[k], n, k);
	}
	const struct mesh_profile *p = mesh_find(mesh);
	double parse_ms = 0, fold_ms = 0, cpu = 0;
	size_t series = 0, keys = 0, held = 0;
	for (int r = 0; r < runs; r++) {
		struct rate_table rt;
		rate_table_init(&rt);
		struct strmap acc;
		strmap_init(&acc, free);
		size_t h0 = heap_bytes();
		for (unsigned k = 0; k < 2; k++) {
			struct expo_doc d;
			expo_doc_init(&d);
			char err[256];
			double c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID), t0 = now_ms(CLOCK_MONOTONIC);
			if (expo_parse(&d, buf_str(&pages[k]), pages[k].len, om, err, sizeof err) < 0) {
				fprintf(stderr, "bench_scrape: %s page: %s\n", mesh, err);
				exit(1);
			}
			double t1 = now_ms(CLOCK_MONOTONIC);
			strmap_clear(&acc);
			scrape_fold(p, &d, "ns/pod", &rt, &acc);
			rate_table_prune(&rt);
			double t2 = now_ms(CLOCK_MONOTONIC);
			cpu += now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
			parse_ms += t1 - t0;
			fold_ms += t2 - t1;
			series = d.n_samples;
			expo_doc_done(&d);
		}
		keys = acc.n;
		held = heap_bytes() - h0;
		strmap_done(&acc);
		rate_table_done(&rt);
	}
	double per = 2.0 * runs;
	printf("%-14s %9zu series %7.1f MiB/page  parse %7.1f ms  fold %7.1f ms  CPU %7.1f ms "
	       "per page; %zu keys; held between rounds %.1f MiB\n",
	       mesh, series, pages[1].len / 1048576.0, parse_ms / per, fold_ms / per, cpu / per, keys,
	       held / 1048576.0);
	buf_done(&pages[0]);
	buf_done(&pages[1]);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (n < 20 || runs < 1) {
		fprintf(stderr, "usage: bench_scrape [SERIES>=20 [RUNS]]\n");
		return 2;
	}
	run("envoy-gateway", false, envoy_page, n, runs);
	run("linkerd", true, linkerd_page, n, runs);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %.1f MiB (both pages of both meshes built in memory)\n", ru.ru_maxrss / 1024.0);
	return 0;
}
