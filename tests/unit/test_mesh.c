/* test_mesh.c: each mesh profile's mapping from series to route keys and amounts (through
 * two scrapes of a page shaped like the real proxy's), auto detection, PromQL generation,
 * the Prometheus-result path, and pod annotations to scrape targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/exposition.h"
#include "gammatop/figlookup.h"
#include "gammatop/figures.h"
#include "gammatop/mesh.h"
#include "gammatop/promresult.h"
#include "gammatop/promsource.h"
#include "gammatop/scrape.h"
#include "gammatop/topology.h"
#include "model_fixture.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-6)

/* Scrape page p1 then p2 (10 s apart) with profile (NULL: detect); fill out per key. */
static const struct mesh_profile *two_scrapes(const struct mesh_profile *p, const char *p1,
                                              const char *p2, struct figures_set *out)
{
	struct rate_table rt;
	rate_table_init(&rt);
	struct strmap acc;
	strmap_init(&acc, free);
	const char *pages[2] = {p1, p2};
	for (int i = 0; i < 2; i++) {
		struct expo_doc d;
		expo_doc_init(&d);
		char err[256];
		if (expo_parse(&d, pages[i], strlen(pages[i]), false, err, sizeof err) < 0)
			fail_msg("page %d: %s", i, err);
		if (!p)
			p = scrape_detect(&d);
		assert_non_null(p);
		strmap_clear(&acc);
		scrape_fold(p, &d, "ns/pod", &rt, &acc);
		rate_table_prune(&rt);
		expo_doc_done(&d);
	}
	mesh_acc_finish(&acc, p, 10);
	for (size_t i = 0; i < acc.cap; i++) {
		struct mesh_acc_item *it = acc.e[i].key ? acc.e[i].value : NULL;
		if (it)
			figures_set_add(out, it->route, it->rule, p->scope, &it->counts);
	}
	figures_set_finish(out);
	strmap_done(&acc);
	rate_table_done(&rt);
	return p;
}

#define LK "route_group=\"gateway.networking.k8s.io\",route_kind=\"HTTPRoute\"," \
           "route_namespace=\"shop\",route_name=\"web\",parent_name=\"web-svc\""
static const char *linkerd_page(int k)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "# TYPE outbound_http_route_request_statuses_total counter\n"
	         "outbound_http_route_request_statuses_total{" LK ",http_status=\"200\",error=\"\"} %d\n"
	         "outbound_http_route_request_statuses_total{" LK ",http_status=\"503\",error=\"\"} %d\n"
	         "outbound_http_route_request_statuses_total{" LK ",http_status=\"\","
	         "error=\"REQUEST_TIMEOUT\"} %d\n"
	         "outbound_http_route_request_statuses_total{" LK ",http_status=\"\","
	         "error=\"RESPONSE_HEADERS_TIMEOUT\"} %d\n"
	         "outbound_http_route_request_statuses_total{route_kind=\"default\","
	         "route_namespace=\"\",route_name=\"http\",http_status=\"200\",error=\"\"} %d\n"
	         "# TYPE outbound_http_route_request_duration_seconds histogram\n"
	         "outbound_http_route_request_duration_seconds_bucket{" LK ",le=\"0.05\"} %d\n"
	         "outbound_http_route_request_duration_seconds_bucket{" LK ",le=\"0.5\"} %d\n"
	         "outbound_http_route_request_duration_seconds_bucket{" LK ",le=\"1\"} %d\n"
	         "outbound_http_route_request_duration_seconds_bucket{" LK ",le=\"10\"} %d\n"
	         "outbound_http_route_request_duration_seconds_bucket{" LK ",le=\"+Inf\"} %d\n"
	         "# TYPE outbound_http_route_retry_requests counter\n"
	         "outbound_http_route_retry_requests_total{" LK "} %d\n"
	         "# TYPE outbound_http_route_retry_successes counter\n"
	         "outbound_http_route_retry_successes_total{" LK "} %d\n"
	         "# TYPE outbound_http_route_retry_limit_exceeded counter\n"
	         "outbound_http_route_retry_limit_exceeded_total{" LK "} %d\n"
	         "# EOF\n",
	         1000 + k * 160, 10 + k * 20, 5 + k * 10, k * 10, 7 + k * 1000,
	         500 + k * 100, 900 + k * 180, 1000 + k * 190, 1010 + k * 198, 1020 + k * 200,
	         50 + k * 50, 40 + k * 40, k * 5);
	return buf;
}

static void test_linkerd(void **state)
{
	(void)state;
	struct figures_set *set = figures_set_new("10s", "t");
	char *first = strdup(linkerd_page(0));
	const struct mesh_profile *p = two_scrapes(NULL, first, linkerd_page(1), set);
	free(first);
	assert_string_equal(p->name, "linkerd");
	assert_int_equal(set->n, 1); /* the synthesized default route is no HTTPRoute */
	const struct figure *f = figures_set_find(set, "httproute/shop/web", -1);
	assert_non_null(f);
	assert_string_equal(f->scope, "route");
	NEAR(f->f[FIG_RPS], 20);           /* 160 + 20 + 10 + 10 over 10 s */
	NEAR(f->f[FIG_SUCCESS], 0.8);      /* 160 / 200 */
	NEAR(f->f[FIG_TIMEOUT], 0.1);      /* both timeout kinds: 20 / 200 */
	NEAR(f->f[FIG_RETRY], 50.0 / 250); /* retries / (requests + retries) */
	NEAR(f->f[FIG_RETRY_SUCCESS], 0.8);
	NEAR(f->f[FIG_EXHAUSTED], 5.0 / 200);
	NEAR(f->f[FIG_P50], 50); /* 100 of 200 in the 0.05 s bucket: its top, in ms */
	assert_true(f->f[FIG_P99] > 1000 && f->f[FIG_P99] <= 10000);
	figures_set_free(set);
}

#define EG(i) "envoy_cluster_name=\"httproute/shop/api/rule/" #i "\""
static void test_envoy_gateway(void **state)
{
	(void)state;
#define EG_TMPL \
		"# TYPE envoy_cluster_upstream_rq_total counter\n" \
		"envoy_cluster_upstream_rq_total{" EG(0) "} %d\n" \
		"envoy_cluster_upstream_rq_total{" EG(1) "} %d\n" \
		"envoy_cluster_upstream_rq_total{envoy_cluster_name=\"xds_cluster\"} 99\n" \
		"envoy_cluster_upstream_rq_xx{" EG(0) ",envoy_response_code_class=\"2\"} %d\n" \
		"envoy_cluster_upstream_rq_xx{" EG(0) ",envoy_response_code_class=\"5\"} %d\n" \
		"envoy_cluster_upstream_rq_xx{" EG(1) ",envoy_response_code_class=\"2\"} %d\n" \
		"envoy_cluster_upstream_rq_retry{" EG(0) "} %d\n" \
		"envoy_cluster_upstream_rq_retry_success{" EG(0) "} %d\n" \
		"envoy_cluster_upstream_rq_retry_limit_exceeded{" EG(0) "} %d\n" \
		"envoy_cluster_upstream_rq_timeout{" EG(0) "} %d\n" \
		"envoy_cluster_upstream_rq_per_try_timeout{" EG(0) "} 0\n" \
		"envoy_cluster_upstream_rq_time_bucket{" EG(0) ",le=\"25\"} %d\n" \
		"envoy_cluster_upstream_rq_time_bucket{" EG(0) ",le=\"+Inf\"} %d\n"
	char p1[4096], p2[4096];
	snprintf(p1, sizeof p1, EG_TMPL, 100, 10, 90, 10, 10, 5, 4, 1, 0, 50, 100);
	/* rule 0: 120 tries with a connection of which 20 retries; 100 requests ended (charged
	 * once each to upstream_rq_xx: 95 2xx, 5 5xx), as router.cc charges them */
	snprintf(p2, sizeof p2, EG_TMPL, 220, 30, 185, 15, 30, 25, 20, 3, 4, 100, 220);
	struct figures_set *set = figures_set_new("10s", "t");
	const struct mesh_profile *p = two_scrapes(NULL, p1, p2, set);
	assert_string_equal(p->name, "envoy-gateway");
	assert_int_equal(set->n, 2);
	const struct figure *f = figures_set_find(set, "httproute/shop/api", 0);
	assert_non_null(f);
	assert_string_equal(f->scope, "rule");
	NEAR(f->f[FIG_RPS], 10);
	NEAR(f->f[FIG_SUCCESS], 0.95);
	NEAR(f->f[FIG_RETRY], 20.0 / 120);
	NEAR(f->f[FIG_RETRY_SUCCESS], 0.8);
	NEAR(f->f[FIG_EXHAUSTED], 0.02);
	NEAR(f->f[FIG_TIMEOUT], 0.04);
	NEAR(f->f[FIG_TRY_TIMEOUT], 0); /* per-try timeouts are counted apart, never summed */
	NEAR(f->f[FIG_P50], 25); /* rank 60 of 120 is past the 50 in [0, 25]: the +Inf bucket */
	f = figures_set_find(set, "httproute/shop/api", 1);
	NEAR(f->f[FIG_RPS], 2);
	figures_set_free(set);
}

#define IS "reporter=\"source\",destination_service_namespace=\"shop\"," \
           "destination_service_name=\"cart\""
static void test_istio(void **state)
{
	(void)state;
#define IS_TMPL \
		"# TYPE istio_requests_total counter\n" \
		"istio_requests_total{" IS ",response_code=\"200\",response_flags=\"-\"} %d\n" \
		"istio_requests_total{" IS ",response_code=\"503\",response_flags=\"URX\"} %d\n" \
		"istio_requests_total{" IS ",response_code=\"504\",response_flags=\"UT\"} %d\n" \
		"istio_requests_total{" IS ",response_code=\"504\",response_flags=\"UT,URX\"} %d\n" \
		"istio_requests_total{reporter=\"destination\",destination_service_namespace=\"shop\"," \
		"destination_service_name=\"cart\",response_code=\"200\"} %d\n" \
		"istio_request_duration_milliseconds_bucket{" IS ",response_code=\"200\"," \
		"response_flags=\"-\",le=\"100\"} %d\n" \
		"istio_request_duration_milliseconds_bucket{" IS ",response_code=\"200\"," \
		"response_flags=\"-\",le=\"+Inf\"} %d\n"
	char p1[4096], p2[4096];
	snprintf(p1, sizeof p1, IS_TMPL, 0, 0, 0, 0, 0, 0, 0);
	snprintf(p2, sizeof p2, IS_TMPL, 90, 4, 4, 2, 1000, 45, 90);
	struct figures_set *set = figures_set_new("10s", "t");
	const struct mesh_profile *p = two_scrapes(NULL, p1, p2, set);
	assert_string_equal(p->name, "istio");
	const struct figure *f = figures_set_find(set, "service/shop/cart", -1);
	assert_non_null(f);
	assert_string_equal(f->scope, "service");
	NEAR(f->f[FIG_RPS], 10); /* the destination reporter is not counted twice */
	NEAR(f->f[FIG_SUCCESS], 0.9);
	NEAR(f->f[FIG_TIMEOUT], 0.06);   /* UT and UT,URX */
	NEAR(f->f[FIG_EXHAUSTED], 0.06); /* URX and UT,URX */
	assert_true(isnan(f->f[FIG_RETRY])); /* no Envoy cluster stats: unknown, not 0 */
	NEAR(f->f[FIG_P50], 100);
	figures_set_free(set);
	/* Envoy cluster names map to the same service key. */
	char route[256];
	int rule;
	const struct mesh_profile *is = mesh_find("istio");
	struct prom_label l = {"cluster_name", "outbound|8080||cart.shop.svc.cluster.local"};
	struct prom_series s = {.labels = &l, .n_labels = 1};
	assert_int_equal(is->key((mesh_label_fn)promresult_label, &s, route, sizeof route, &rule), 0);
	assert_string_equal(route, "service/shop/cart");
}

static void test_resets_and_counts(void **state)
{
	(void)state;
	/* A proxy restart between scrapes: the counter drop is a reset, never negative. */
	const char *a = "outbound_http_route_request_statuses_total{" LK ",http_status=\"200\","
	                "error=\"\"} 5000\n";
	const char *b = "outbound_http_route_request_statuses_total{" LK ",http_status=\"200\","
	                "error=\"\"} 30\n";
	struct figures_set *set = figures_set_new("10s", "t");
	two_scrapes(mesh_find("linkerd"), a, b, set);
	NEAR(set->items[0].f[FIG_RPS], 3);
	NEAR(set->items[0].f[FIG_SUCCESS], 1);
	figures_set_free(set);
}

static void test_promql(void **state)
{
	(void)state;
	const struct mesh_profile *lk = mesh_find("linkerd");
	char *q = mesh_promql(lk, &lk->series[2], "5m");
	assert_string_equal(q, "sum by (route_kind, route_namespace, route_name) (rate("
	                       "outbound_http_route_request_statuses_total{error=~\"REQUEST_TIMEOUT|"
	                       "RESPONSE_HEADERS_TIMEOUT|RESPONSE_STREAM_TIMEOUT|IDLE_TIMEOUT\"}[5m]))");
	free(q);
	q = mesh_promql(lk, &lk->series[7], "1m");
	assert_string_equal(q, "sum by (le, route_kind, route_namespace, route_name) (rate("
	                       "outbound_http_route_request_duration_seconds_bucket[1m]))");
	free(q);
	const struct mesh_profile *eg = mesh_find("envoy-gateway");
	q = promsource_detect_query(eg);
	assert_string_equal(q, "count(envoy_cluster_upstream_rq_total{envoy_cluster_name=~\""
	                       "(httproute|grpcroute)/.*\"})");
	free(q);
	assert_null(mesh_find("auto"));
	assert_null(mesh_find("cilium"));
	/* The Prometheus path: rates per key from a decoded vector. */
	const char *body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	                   "{\"metric\":{\"envoy_cluster_name\":\"httproute/a/b/rule/2\"},"
	                   "\"value\":[1,\"12.5\"]},{\"metric\":{\"envoy_cluster_name\":\"bad\"},"
	                   "\"value\":[1,\"3\"]}]}}";
	struct promresult r;
	promresult_init(&r);
	assert_int_equal(promresult_decode(&r, body, strlen(body), 200, NULL, 0), 0);
	struct strmap acc;
	strmap_init(&acc, free);
	for (size_t i = 0; i < r.n_series; i++)
		mesh_acc_add(&acc, eg, &eg->series[0], (mesh_label_fn)promresult_label, &r.series[i],
		             r.series[i].points[0].v);
	assert_int_equal(acc.n, 1);
	mesh_acc_finish(&acc, eg, 1);
	struct mesh_acc_item *it = NULL;
	for (size_t i = 0; i < acc.cap; i++)
		if (acc.e[i].key)
			it = acc.e[i].value;
	assert_string_equal(it->route, "httproute/a/b");
	assert_int_equal(it->rule, 2);
	NEAR(it->counts.v[SC_REQUESTS], 12.5);
	strmap_done(&acc);
	promresult_done(&r);
}

static const char *ann(void *ud, const char *key)
{
	const char *const *kv = ud;
	for (; *kv; kv += 2)
		if (!strcmp(kv[0], key))
			return kv[1];
	return NULL;
}

static void test_targets(void **state)
{
	(void)state;
	struct scrape_target t;
	char err[256];
	const char *good[] = {"prometheus.io/scrape", "true", "prometheus.io/port", "4191", NULL};
	assert_int_equal(scrape_target_from(&t, "shop", "web-1", ann, good, err, sizeof err), 0);
	assert_int_equal(t.port, 4191);
	assert_string_equal(t.path, "/metrics");
	assert_string_equal(t.scheme, "http");
	scrape_target_done(&t);
	const char *path[] = {"prometheus.io/scrape", "true", "prometheus.io/port", "19001",
	                      "prometheus.io/path", "/stats/prometheus", "prometheus.io/scheme",
	                      "https", NULL};
	assert_int_equal(scrape_target_from(&t, "eg", "envoy", ann, path, err, sizeof err), 0);
	assert_string_equal(t.path, "/stats/prometheus");
	assert_string_equal(t.scheme, "https");
	scrape_target_done(&t);
	const char *off[] = {"prometheus.io/scrape", "false", NULL};
	assert_int_equal(scrape_target_from(&t, "a", "b", ann, off, err, sizeof err), -1);
	const char *noport[] = {"prometheus.io/scrape", "true", "prometheus.io/port", "http", NULL};
	assert_int_equal(scrape_target_from(&t, "a", "b", ann, noport, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a port number"));
}

/* The one lookup: a rule's own figures, the route's (whole route, or a one-rule route's rule;
 * never a rule of a longer route), else the rule's backend Services', each with its scope. */
static void test_figlookup(void **state)
{
	(void)state;
	struct gt_store *st = store_new();
	sq_put(st, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'cart','namespace':'shop'}}");
	sq_put(st, "{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'shop'}}");
	sq_put(st, "{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':"
	           "{'name':'r1','namespace':'shop'},'spec':{'parentRefs':[{'group':'','kind':"
	           "'Service','name':'web'}],'rules':[{'backendRefs':[{'name':'cart','port':80}]},"
	           "{'backendRefs':[{'name':'web','port':80}]}]}}");
	struct gt_topology *t = topology_build(st);
	assert_int_equal(t->n_routes, 1);
	const struct topo_route *tr = &t->routes[0];
	struct sample_counts c = {.seconds = 10, .have = SC_BIT(SC_REQUESTS)};
	c.v[SC_REQUESTS] = 100;
	struct figures_set *set = figures_set_new("10s", "t");
	figures_set_add(set, "service/shop/cart", -1, "service", &c);
	figures_set_finish(set);
	const struct figure *f = figlookup_set(set, tr, 0);
	assert_non_null(f);
	assert_string_equal(f->route, "service/shop/cart");
	assert_string_equal(f->scope, "service");
	assert_null(figlookup_set(set, tr, 1)); /* web has no figures */
	f = figlookup_set(set, tr, -1);         /* the route: its first backend with figures */
	assert_non_null(f);
	assert_string_equal(f->route, "service/shop/cart");
	figures_set_free(set);
	/* per route (Linkerd): the whole route has them, a rule of this two-rule route does not
	 * get them — it falls through to its backend Service, marked as such */
	set = figures_set_new("10s", "t");
	figures_set_add(set, "httproute/shop/r1", -1, "route", &c);
	figures_set_add(set, "service/shop/cart", -1, "service", &c);
	figures_set_finish(set);
	assert_string_equal(figlookup_set(set, tr, -1)->scope, "route");
	assert_string_equal(figlookup_set(set, tr, 0)->scope, "service");
	assert_null(figlookup_set(set, tr, 1));
	figures_set_free(set);
	/* per rule (Envoy Gateway): the rule's own */
	set = figures_set_new("10s", "t");
	figures_set_add(set, "httproute/shop/r1", 1, "rule", &c);
	figures_set_finish(set);
	f = figlookup_set(set, tr, 1);
	assert_non_null(f);
	assert_int_equal(f->rule, 1);
	assert_null(figlookup_set(set, tr, 0));
	assert_null(figlookup_set(set, tr, -1)); /* two rules: no one rule stands for the route */
	figures_set_free(set);
	topology_free(t);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linkerd), cmocka_unit_test(test_envoy_gateway),
		cmocka_unit_test(test_istio), cmocka_unit_test(test_resets_and_counts),
		cmocka_unit_test(test_promql), cmocka_unit_test(test_targets),
		cmocka_unit_test(test_figlookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
