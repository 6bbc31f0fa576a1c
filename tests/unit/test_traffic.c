/* test_traffic.c: the simulator's traffic model (src/sim/traffic.c) and its Linkerd, Istio and
 * Envoy Gateway exposition (src/sim/metrics.c): determinism, monotonic counters, expected
 * rates against counters, policy effects, format validity, hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/sim/traffic.h"
#include "gammatop/diag.h"
#include "gammatop/manifest.h"

#define HOUR_MS 3600000LL

static json_t *route_json(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("bad test JSON: %s: %s", err.text, text);
	return j;
}

static void upsert(struct traffic *t, const char *text, int64_t now)
{
	json_t *j = route_json(text);
	traffic_route_upsert(t, j, now);
	json_decref(j);
}

/* ---- a small exposition checker ---- */

struct sample {
	char name[128];
	char labels[1024]; /* raw, between the braces */
	double value;
};

struct page {
	struct sample *s;
	size_t n;
	bool eof;
	bool om_section; /* saw an OpenMetrics-style TYPE (counter family without _total) */
};

static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return false;
	return true;
}

/* Check label text `k="v",k="v"`: only \\, \" and \n escapes; no raw newline. */
static bool valid_labels(const char *s, const char **end)
{
	while (*s && *s != '}') {
		const char *k = s;
		while (isalnum((unsigned char)*s) || *s == '_')
			s++;
		if (s == k || *s++ != '=' || *s++ != '"')
			return false;
		while (*s != '"') {
			if (!*s || *s == '\n')
				return false;
			if (*s == '\\') {
				s++;
				if (*s != '\\' && *s != '"' && *s != 'n')
					return false;
			}
			s++;
		}
		s++;
		if (*s == ',')
			s++;
		else if (*s != '}')
			return false;
	}
	*end = s;
	return *s == '}';
}

static bool str_ends_total(const char *s)
{
	size_t n = strlen(s);
	return n >= 6 && !strcmp(s + n - 6, "_total");
}

static bool family_owns(const char *fam, const char *type, const char *name, bool *om)
{
	size_t n = strlen(fam);
	if (strncmp(name, fam, n) != 0)
		return false;
	const char *rest = name + n;
	if (!strcmp(type, "histogram"))
		return !strcmp(rest, "_bucket") || !strcmp(rest, "_sum") || !strcmp(rest, "_count");
	if (!strcmp(type, "counter") && !strcmp(rest, "_total") && !str_ends_total(fam)) {
		*om = true;
		return true;
	}
	return *rest == '\0';
}

/* Buckets of one series (le is the last label) are cumulative; +Inf equals _count. */
static void check_histogram(const struct sample *s, int lineno)
{
	static char series[1300];
	static double last = -1;
	size_t n = strlen(s->name);
	const char *le = strstr(s->labels, "le=\"");
	if (n > 7 && !strcmp(s->name + n - 7, "_bucket")) {
		assert_non_null(le);
		char key[1200];
		snprintf(key, sizeof key, "%.*s|%.*s", (int)(n - 7), s->name, (int)(le - s->labels),
		         s->labels);
		if (strcmp(key, series) != 0) {
			snprintf(series, sizeof series, "%s", key);
			last = -1;
		}
		if (s->value < last)
			fail_msg("line %d: bucket %s{%s} below the one before", lineno, s->name,
			         s->labels);
		last = s->value;
		if (!strcmp(le, "le=\"+Inf\""))
			snprintf(series, sizeof series, "%s+Inf", key);
	} else if (n > 6 && !strcmp(s->name + n - 6, "_count")) {
		char key[1200];
		snprintf(key, sizeof key, "%.*s|%s,+Inf", (int)(n - 6), s->name, s->labels);
		if (strcmp(key, series) != 0 || last != s->value)
			fail_msg("line %d: %s{%s} = %g does not follow its +Inf bucket (%g)", lineno,
			         s->name, s->labels, s->value, last);
	}
}

/* Parse and check page text; fails the test on any malformed line. */
static void page_parse(const char *text, struct page *pg)
{
	char fam[128] = "", type[32] = "", help_for[128] = "";
	memset(pg, 0, sizeof *pg);
	size_t cap = 0;
	const char *p = text;
	int lineno = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl); /* every line ends with a newline */
		size_t len = (size_t)(nl - p);
		char line[4096];
		assert_true(len < sizeof line);
		memcpy(line, p, len);
		line[len] = '\0';
		lineno++;
		assert_false(pg->eof); /* nothing after # EOF */
		if (!strcmp(line, "# EOF")) {
			pg->eof = true;
		} else if (!strncmp(line, "# HELP ", 7)) {
			char *sp = strchr(line + 7, ' ');
			assert_non_null(sp);
			assert_true(valid_name(line + 7, (size_t)(sp - line - 7)));
			snprintf(help_for, sizeof help_for, "%.*s", (int)(sp - line - 7), line + 7);
		} else if (!strncmp(line, "# TYPE ", 7)) {
			char name[128], ty[32];
			assert_int_equal(sscanf(line + 7, "%127s %31s", name, ty), 2);
			assert_string_equal(name, help_for); /* HELP came first */
			assert_true(!strcmp(ty, "counter") || !strcmp(ty, "histogram") ||
			            !strcmp(ty, "gauge"));
			snprintf(fam, sizeof fam, "%s", name);
			snprintf(type, sizeof type, "%s", ty);
		} else if (!strncmp(line, "# UNIT ", 7)) {
			char name[128], unit[32];
			assert_int_equal(sscanf(line + 7, "%127s %31s", name, unit), 2);
			assert_string_equal(name, fam);
			assert_true(str_ends_total(name) == false);
			pg->om_section = true;
		} else {
			assert_true(line[0] != '#');
			const char *brace = strchr(line, '{');
			assert_non_null(brace);
			assert_true(valid_name(line, (size_t)(brace - line)));
			if (pg->n == cap) {
				cap = cap ? cap * 2 : 256;
				pg->s = realloc(pg->s, cap * sizeof *pg->s);
			}
			struct sample *s = &pg->s[pg->n++];
			snprintf(s->name, sizeof s->name, "%.*s", (int)(brace - line), line);
			bool om = false;
			if (!family_owns(fam, type, s->name, &om))
				fail_msg("line %d: sample %s outside its family %s", lineno, s->name, fam);
			if (om)
				pg->om_section = true;
			const char *end;
			if (!valid_labels(brace + 1, &end))
				fail_msg("line %d: bad labels: %s", lineno, line);
			snprintf(s->labels, sizeof s->labels, "%.*s", (int)(end - brace - 1), brace + 1);
			assert_int_equal(end[1], ' ');
			char *vend;
			s->value = strtod(end + 2, &vend);
			if (*vend != '\0')
				fail_msg("line %d: bad value: %s", lineno, line);
			check_histogram(s, lineno);
		}
		p = nl + 1;
	}
}

static void page_free(struct page *pg)
{
	free(pg->s);
}

/* Sum of samples called name whose labels contain every one of the NULL-terminated
 * fragments (e.g. "route_name=\"web\""). */
static double page_sum(const struct page *pg, const char *name, ...)
{
	double sum = 0;
	for (size_t i = 0; i < pg->n; i++) {
		if (strcmp(pg->s[i].name, name) != 0)
			continue;
		va_list ap;
		va_start(ap, name);
		bool ok = true;
		for (const char *f; ok && (f = va_arg(ap, const char *));)
			if (!strstr(pg->s[i].labels, f))
				ok = false;
		va_end(ap);
		if (ok)
			sum += pg->s[i].value;
	}
	return sum;
}

static void page_of(struct traffic *t, enum sim_mesh mesh, const char *ns, int64_t now,
                    struct page *pg)
{
	char *text = traffic_render(t, mesh, ns, now);
	page_parse(text, pg);
	if (mesh == SIM_MESH_LINKERD) {
		assert_true(pg->eof);
		assert_true(pg->om_section);
		size_t n = strlen(text);
		assert_true(n >= 6 && !strcmp(text + n - 6, "# EOF\n"));
	} else {
		assert_false(pg->eof);
	}
	free(text);
}

/* ---- routes used by the tests ---- */

static const char *WEB =
	"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\","
	"\"annotations\":{\"sim.gammatop.dev/rps\":\"0:20;1:5\","
	"\"sim.gammatop.dev/latency\":\"p50=40ms,p99=900ms\","
	"\"sim.gammatop.dev/failure\":\"0.1\"}},"
	"\"spec\":{\"parentRefs\":[{\"name\":\"gw\",\"sectionName\":\"http\"},"
	"{\"group\":\"\",\"kind\":\"Service\",\"name\":\"web\",\"port\":8080}],"
	"\"hostnames\":[\"shop.example.com\"],"
	"\"rules\":[{\"backendRefs\":[{\"name\":\"web\",\"port\":8080,\"weight\":3},"
	"{\"name\":\"web-canary\",\"port\":8080,\"weight\":1}],"
	"\"timeouts\":{\"request\":\"1s\",\"backendRequest\":\"300ms\"},"
	"\"retry\":{\"attempts\":2,\"codes\":[503],\"backoff\":\"50ms\"}},"
	"{\"backendRefs\":[{\"name\":\"static\",\"port\":80}]}]}}";

static const char *GRPC =
	"{\"kind\":\"GRPCRoute\",\"metadata\":{\"name\":\"pay\",\"namespace\":\"shop\","
	"\"annotations\":{\"sim.gammatop.dev/rps\":\"8\",\"sim.gammatop.dev/failure\":\"5%\"}},"
	"\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"payments\"}],"
	"\"rules\":[{\"backendRefs\":[{\"name\":\"payments\",\"port\":9000}]}]}}";

static struct traffic *world(uint64_t seed)
{
	struct traffic *t = traffic_new(seed);
	upsert(t, WEB, 0);
	upsert(t, GRPC, 0);
	return t;
}

static void test_deterministic(void **state)
{
	(void)state;
	struct traffic *a = world(7), *b = world(7), *c = world(8);
	/* rule 1 of web has no annotations for latency per rule... all rules share them; the
	 * GRPC route's latency comes from the hash, so the seed matters */
	for (int m = 0; m < 3; m++) {
		char *x = traffic_render(a, (enum sim_mesh)m, NULL, 123456);
		char *y = traffic_render(b, (enum sim_mesh)m, NULL, 123456);
		char *z = traffic_render(c, (enum sim_mesh)m, NULL, 123456);
		assert_string_equal(x, y);
		assert_string_not_equal(x, z);
		free(x), free(y), free(z);
	}
	traffic_free(a), traffic_free(b), traffic_free(c);
}

static void test_monotonic(void **state)
{
	(void)state;
	struct traffic *t = world(1);
	for (int m = 0; m < 3; m++) {
		struct page prev = {0};
		for (int step = 0; step <= 20; step++) {
			int64_t now = step * 7919LL;
			if (step == 10) /* a policy change must not make a counter go back */
				upsert(t, GRPC, now);
			struct page pg;
			page_of(t, (enum sim_mesh)m, NULL, now, &pg);
			for (size_t i = 0; i < prev.n; i++) {
				bool found = false;
				for (size_t j = 0; j < pg.n && !found; j++)
					if (!strcmp(prev.s[i].name, pg.s[j].name) &&
					    !strcmp(prev.s[i].labels, pg.s[j].labels)) {
						found = true;
						if (pg.s[j].value < prev.s[i].value)
							fail_msg("%s{%s} went from %g to %g", pg.s[j].name,
							         pg.s[j].labels, prev.s[i].value, pg.s[j].value);
					}
				assert_true(found);
			}
			page_free(&prev);
			prev = pg;
		}
		assert_true(page_sum(&prev, m == SIM_MESH_LINKERD ? "outbound_http_route_request_statuses_total"
		                            : m == SIM_MESH_ISTIO ? "istio_requests_total"
		                                                  : "envoy_cluster_upstream_rq_total",
		                     NULL) > 0);
		page_free(&prev);
	}
	traffic_free(t);
}

static void near(double got, double want, double rel, const char *what)
{
	if (fabs(got - want) > rel * fabs(want) + 1e-9)
		fail_msg("%s: got %.6g, want %.6g (within %.2g%%)", what, got, want, rel * 100);
}

static void test_expected_vs_counters(void **state)
{
	(void)state;
	struct traffic *t = world(3);
	struct traffic_expect e0, e1;
	assert_int_equal(traffic_expected(t, "HTTPRoute", "shop", "web", 0, &e0), 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "shop", "web", 1, &e1), 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "shop", "web", 2, &e1), -1);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "shop", "nope", 0, &e1), -1);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "shop", "web", 1, &e1), 0);
	near(e0.rps, 20, 0, "rps rule 0");
	near(e1.rps, 5, 0, "rps rule 1");
	assert_true(e0.retry_rate > 0.05 && e0.timeout_rate > 0 && e0.exhausted_per_s > 0);
	assert_true(e1.retry_rate == 0 && e1.exhausted_per_s == 0);

	for (int i = 1; i <= 60; i++)
		traffic_advance(t, i * 60000LL);
	const double secs = 3600;
	const char *R = "route_name=\"web\"";

	struct page lk;
	page_of(t, SIM_MESH_LINKERD, NULL, HOUR_MS, &lk);
	double req = page_sum(&lk, "outbound_http_route_request_statuses_total", R, NULL);
	double ok = page_sum(&lk, "outbound_http_route_request_statuses_total", R,
	                     "http_status=\"200\"", NULL);
	double to = page_sum(&lk, "outbound_http_route_request_statuses_total", R,
	                     "_TIMEOUT\"", NULL);
	double retries = page_sum(&lk, "outbound_http_route_retry_requests_total", R, NULL);
	double rok = page_sum(&lk, "outbound_http_route_retry_successes_total", R, NULL);
	double exh = page_sum(&lk, "outbound_http_route_retry_limit_exceeded_total", R, NULL);
	double want_req = (e0.rps + e1.rps) * secs;
	near(req, want_req, 0.01, "linkerd requests");
	near(ok, (e0.rps * e0.success_rate + e1.rps * e1.success_rate) * secs, 0.01, "linkerd 200s");
	near(to, (e0.rps * e0.timeout_rate + e1.rps * e1.timeout_rate) * secs, 0.01,
	     "linkerd timeouts");
	double want_retries = e0.rps * secs * e0.retry_rate / (1 - e0.retry_rate);
	near(retries, want_retries, 0.01, "linkerd retries");
	near(rok, want_retries * e0.retry_success_rate, 0.01, "linkerd retry successes");
	near(exh, e0.exhausted_per_s * secs, 0.01, "linkerd exhausted");
	/* Linkerd serves route series for the Service parent only, never for the Gateway
	 * (linkerd2-proxy: outbound policy routes are per Service/EgressNetwork parent) */
	near(page_sum(&lk, "outbound_http_route_request_statuses_total", R, "parent_kind=\"Service\"",
	              "parent_group=\"core\"", "parent_port=\"8080\"", NULL),
	     req, 0.001, "service parent carries the route");
	assert_true(page_sum(&lk, "outbound_http_route_request_statuses_total", R,
	                     "parent_kind=\"Gateway\"", NULL) == 0);

	/* backend tries split 3:1 by weight in rule 0 */
	double bw = page_sum(&lk, "outbound_http_route_backend_requests_total", R,
	                     "backend_name=\"web\"", NULL);
	double bc = page_sum(&lk, "outbound_http_route_backend_requests_total", R,
	                     "backend_name=\"web-canary\"", NULL);
	near(bw, 3 * bc, 0.01, "backend weights");
	near(bw + bc, e0.rps * secs + want_retries, 0.01, "backend tries");
	near(page_sum(&lk, "outbound_http_route_backend_response_statuses_total", R, NULL),
	     page_sum(&lk, "outbound_http_route_backend_requests_total", R, NULL), 0.001,
	     "every try has an outcome");
	near(page_sum(&lk, "outbound_http_route_backend_response_statuses_total", R,
	              "backend_name=\"web\"", "http_status=\"200\"", NULL),
	     page_sum(&lk, "outbound_http_route_backend_response_duration_seconds_count", R,
	              "backend_name=\"web\"", NULL) -
	             page_sum(&lk, "outbound_http_route_backend_response_statuses_total", R,
	                      "backend_name=\"web\"", "http_status=\"503\"", NULL),
	     0.001, "answered tries = 200s + 503s");
	near(page_sum(&lk, "outbound_http_route_request_duration_seconds_count", R, NULL), req, 0.001,
	     "histogram count");
	assert_true(page_sum(&lk, "outbound_http_route_request_duration_seconds_bucket", R,
	                     "le=\"0.05\"", NULL) <
	            page_sum(&lk, "outbound_http_route_request_duration_seconds_bucket", R,
	                     "le=\"+Inf\"", NULL));
	page_free(&lk);

	struct page ev;
	page_of(t, SIM_MESH_ENVOY_GATEWAY, NULL, HOUR_MS, &ev);
	const char *C0 = "envoy_cluster_name=\"httproute/shop/web/rule/0\"";
	near(page_sum(&ev, "envoy_cluster_upstream_rq_total", C0, NULL), e0.rps * secs + want_retries,
	     0.01, "envoy tries");
	near(page_sum(&ev, "envoy_cluster_upstream_rq_retry", C0, NULL), want_retries, 0.01,
	     "envoy retries");
	near(page_sum(&ev, "envoy_cluster_upstream_rq_retry_limit_exceeded", C0, NULL),
	     e0.exhausted_per_s * secs, 0.01, "envoy exhausted");
	assert_true(page_sum(&ev, "envoy_cluster_upstream_rq_per_try_timeout", C0, NULL) > 0);
	near(page_sum(&ev, "envoy_cluster_upstream_rq_xx", C0, "envoy_response_code_class=\"2\"",
	              NULL),
	     e0.rps * secs * e0.success_rate, 0.01, "envoy 2xx");
	page_free(&ev);

	struct page is;
	page_of(t, SIM_MESH_ISTIO, NULL, HOUR_MS, &is);
	const char *S = "destination_service=\"web.shop.svc.cluster.local\"";
	const char *SRC = "reporter=\"source\"";
	near(page_sum(&is, "istio_requests_total", S, SRC, NULL), e0.rps * secs, 0.01,
	     "istio requests");
	/* the server's sidecar reports the tries again, as reporter=destination */
	assert_true(page_sum(&is, "istio_requests_total", S, "reporter=\"destination\"", NULL) >=
	            e0.rps * secs * 0.99);
	near(page_sum(&is, "istio_requests_total", S, SRC, "response_code=\"200\"", NULL),
	     e0.rps * secs * e0.success_rate, 0.01, "istio 200s");
	near(page_sum(&is, "istio_requests_total", S, "URX", NULL), e0.exhausted_per_s * secs, 0.01,
	     "istio URX");
	/* the canary, second backend of the rule, gets no series of its own */
	assert_true(page_sum(&is, "istio_requests_total", "web-canary", NULL) == 0);
	page_free(&is);
	traffic_free(t);
}

/* P(L > x) for the log-normal with the given median and 99th percentile. */
static double lognormal_tail(double p50, double p99, double x)
{
	double sigma = log(p99 / p50) / 2.3263478740408408;
	return 0.5 * erfc(log(x / p50) / sigma / sqrt(2.0));
}

/* With no timeouts the model is analytic: success = 1 - f^(attempts+1). */
static void test_analytic(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(11);
	upsert(t,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"a\",\"annotations\":{"
	       "\"sim.gammatop.dev/failure\":\"0.2\",\"sim.gammatop.dev/rps\":\"10\"}},"
	       "\"spec\":{\"rules\":[{\"backendRefs\":[{\"name\":\"a\"}],"
	       "\"retry\":{\"attempts\":2}}]}}",
	       0);
	struct traffic_expect e;
	assert_int_equal(traffic_expected(t, "HTTPRoute", "default", "a", 0, &e), 0);
	near(e.success_rate, 1 - 0.008, 0.01, "success");
	double retries = 0.2 + 0.04; /* per request */
	near(e.retry_rate, retries / (1 + retries), 0.08, "retry rate");
	near(e.retry_success_rate, (0.2 * 0.8 + 0.04 * 0.8) / retries, 0.03, "retry success");
	assert_true(e.timeout_rate == 0);
	near(e.exhausted_per_s, 10 * 0.008, 0.5, "exhausted");

	/* latency: the share of requests within 50 ms follows the fitted log-normal */
	upsert(t,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"l\",\"annotations\":{"
	       "\"sim.gammatop.dev/failure\":\"0\",\"sim.gammatop.dev/rps\":\"100\","
	       "\"sim.gammatop.dev/latency\":\"p50=40ms,p99=900ms\"}},"
	       "\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"g\"}],\"rules\":[{}]}}",
	       0);
	struct page pg;
	page_of(t, SIM_MESH_LINKERD, NULL, 600000, &pg);
	const char *L = "route_name=\"l\"";
	double all = page_sum(&pg, "outbound_http_route_request_duration_seconds_count", L, NULL);
	double fast = page_sum(&pg, "outbound_http_route_request_duration_seconds_bucket", L,
	                       "le=\"0.05\"", NULL);
	double slow1 = all - page_sum(&pg, "outbound_http_route_request_duration_seconds_bucket", L,
	                              "le=\"1.0\"", NULL);
	near(all, 100 * 600, 1e-9, "latency route requests");
	near(fast / all, 1 - lognormal_tail(40, 900, 50), 0.05, "share within 50ms");
	near(slow1 / all, lognormal_tail(40, 900, 1000), 0.5, "share above 1s");
	near(page_sum(&pg, "outbound_http_route_request_duration_seconds_sum", L, NULL) / all,
	     0.040 * exp(pow(log(900.0 / 40) / 2.3263478740408408, 2) / 2), 0.15, "mean latency");
	page_free(&pg);
	traffic_free(t);
}

#define SLOW_FMT \
	"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"slow\",\"namespace\":\"n\"," \
	"\"annotations\":{\"sim.gammatop.dev/latency\":\"p50=400ms,p99=4s\"," \
	"\"sim.gammatop.dev/failure\":\"%s\"}}," \
	"\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"gw\"}],\"rules\":[{\"backendRefs\":[{\"name\":\"s\"}]%s}]}}"

static void slow(struct traffic *t, const char *failure, const char *policy, int64_t now)
{
	char text[2048];
	snprintf(text, sizeof text, SLOW_FMT, failure, policy);
	upsert(t, text, now);
}

static void test_timeout_policy(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(5);
	struct traffic_expect a, b, c;
	slow(t, "0", ",\"timeouts\":{\"request\":\"500ms\"}", 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &a), 0);
	slow(t, "0", ",\"timeouts\":{\"request\":\"5s\"}", 60000);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &b), 0);
	slow(t, "0", "", 120000);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &c), 0);
	/* P(L > 500ms) for a log-normal with p50=400ms, p99=4s (sampling error ~0.011) */
	near(a.timeout_rate, lognormal_tail(400, 4000, 500), 0.08, "timeouts at 500ms");
	near(b.timeout_rate, lognormal_tail(400, 4000, 5000), 0.5, "timeouts at 5s");
	assert_true(b.timeout_rate < a.timeout_rate / 10);
	assert_true(c.timeout_rate == 0);
	near(a.success_rate, 1 - a.timeout_rate, 1e-9, "success = not timed out");

	/* the counters follow: the second minute times out far less than the first */
	struct page p1, p2;
	page_of(t, SIM_MESH_LINKERD, "n", 120000, &p1);
	double to = page_sum(&p1, "outbound_http_route_request_statuses_total",
	                     "error=\"REQUEST_TIMEOUT\"", NULL);
	double all = page_sum(&p1, "outbound_http_route_request_statuses_total", NULL);
	near(to / all, (a.timeout_rate + b.timeout_rate) / 2, 0.02, "timeout share over 2 min");
	page_free(&p1);
	page_of(t, SIM_MESH_ISTIO, NULL, 120000, &p2);
	assert_true(page_sum(&p2, "istio_requests_total", "response_flags=\"UT\"", NULL) > 0);
	page_free(&p2);
	traffic_free(t);
}

static void test_retry_policy(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(5);
	struct traffic_expect a, b, c, d;
	slow(t, "0.3", "", 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &a), 0);
	slow(t, "0.3", ",\"retry\":{\"attempts\":3,\"codes\":[500,503]}", 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &b), 0);
	assert_true(a.retry_rate == 0);
	assert_true(b.retry_rate > 0.15);
	assert_true(1 - b.success_rate < (1 - a.success_rate) / 5);
	assert_true(b.retry_success_rate > 0.5);
	/* codes without 503: nothing to retry */
	slow(t, "0.3", ",\"retry\":{\"attempts\":3,\"codes\":[502]}", 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &c), 0);
	assert_true(c.retry_rate == 0 && c.exhausted_per_s == 0);
	near(c.success_rate, a.success_rate, 1e-9, "same draws");
	/* a request timeout shorter than the retries cuts them */
	slow(t, "0.3",
	     ",\"timeouts\":{\"request\":\"600ms\",\"backendRequest\":\"500ms\"},"
	     "\"retry\":{\"attempts\":3,\"backoff\":\"100ms\"}",
	     0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &d), 0);
	assert_true(d.timeout_rate > 0.3);
	assert_true(d.retry_rate > 0 && d.retry_rate < b.retry_rate);
	traffic_free(t);
}

static void test_grpc(void **state)
{
	(void)state;
	struct traffic *t = world(2);
	struct traffic_expect e;
	assert_int_equal(traffic_expected(t, "GRPCRoute", "shop", "pay", 0, &e), 0);
	near(e.rps, 8, 0, "grpc rps");
	struct page lk, ev, is;
	page_of(t, SIM_MESH_LINKERD, "shop", 600000, &lk);
	double ok = page_sum(&lk, "outbound_grpc_route_request_statuses_total",
	                     "route_kind=\"GRPCRoute\"", "grpc_status=\"OK\"", NULL);
	double un = page_sum(&lk, "outbound_grpc_route_request_statuses_total",
	                     "grpc_status=\"UNAVAILABLE\"", NULL);
	near(ok + un, 8 * 600, 0.01, "grpc requests");
	near(un / (ok + un), 0.05, 0.3, "grpc failure share");
	assert_true(page_sum(&lk, "outbound_http_route_request_statuses_total",
	                     "route_kind=\"GRPCRoute\"", NULL) == 0);
	page_free(&lk);
	page_of(t, SIM_MESH_ENVOY_GATEWAY, NULL, 600000, &ev);
	near(page_sum(&ev, "envoy_cluster_upstream_rq_total",
	              "envoy_cluster_name=\"grpcroute/shop/pay/rule/0\"", NULL),
	     8 * 600, 0.01, "envoy grpc tries");
	page_free(&ev);
	page_of(t, SIM_MESH_ISTIO, "shop", 600000, &is);
	assert_true(page_sum(&is, "istio_requests_total", "request_protocol=\"grpc\"",
	                     "grpc_response_status=\"0\"", NULL) > 0);
	page_free(&is);
	/* other namespaces see nothing */
	page_of(t, SIM_MESH_LINKERD, "other", 600000, &lk);
	assert_int_equal(lk.n, 0);
	page_free(&lk);
	traffic_free(t);
}

static void test_defaults_and_hostile(void **state)
{
	(void)state;
	static const char *const garbage[] = {
		"", "nan", "inf", "-3", "1e400", "12abc", "0:", ":;;:", "0:nan;1:-1", "9999999999999:5",
		"p50=", "p50=-1ms,p99=2ms", "p50=10ms,p99=1ms", "p50=10parsecs", "p99", "=,=,", "%",
		"2%%", "1.5", "0x10", "p50=1e999ms", " 5", "a;b;0:c", "infinity", "-0", "\\\"",
	};
	struct traffic *plain = traffic_new(9);
	upsert(plain,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"h\"},\"spec\":{\"rules\":[{}]}}", 0);
	struct traffic_expect d;
	assert_int_equal(traffic_expected(plain, "HTTPRoute", "default", "h", 0, &d), 0);
	assert_true(d.rps >= 1 && d.rps <= 50);
	assert_true(d.success_rate > 0.9 && d.success_rate <= 1);
	assert_true(d.retry_rate == 0 && d.timeout_rate == 0);
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		struct traffic *t = traffic_new(9);
		json_t *j = route_json(
			"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"h\",\"annotations\":{}},"
			"\"spec\":{\"rules\":[{}]}}");
		json_t *ann = json_object_get(json_object_get(j, "metadata"), "annotations");
		json_object_set_new(ann, "sim.gammatop.dev/latency", json_string(garbage[i]));
		/* rps and failure: garbage that is not a number in range */
		if (strcmp(garbage[i], "1.5") != 0 && strcmp(garbage[i], " 5") != 0) {
			json_object_set_new(ann, "sim.gammatop.dev/rps", json_string(garbage[i]));
			json_object_set_new(ann, "sim.gammatop.dev/failure", json_string(garbage[i]));
		}
		traffic_route_upsert(t, j, 0);
		json_decref(j);
		struct traffic_expect e;
		assert_int_equal(traffic_expected(t, "HTTPRoute", "default", "h", 0, &e), 0);
		if (memcmp(&e, &d, sizeof e) != 0)
			fail_msg("garbage annotation \"%s\" changed the model", garbage[i]);
		traffic_free(t);
	}
	traffic_free(plain);

	/* hostile objects: wrong types everywhere, odd names; nothing crashes, output stays valid */
	static const char *const objs[] = {
		"{}", "[]", "{\"kind\":\"HTTPRoute\"}", "{\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}",
		"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"\"}}",
		"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"q\\\"uo\\\\te\\nnl\\u0001\","
		"\"namespace\":\"n\\\"s\",\"annotations\":{\"sim.gammatop.dev/rps\":7}},"
		"\"spec\":{\"hostnames\":[\"h\\\"\\\\\\n\"],\"parentRefs\":[{\"kind\":\"Service\",\"name\":\"g\\\"w\","
		"\"port\":\"80\"},{\"name\":5},7],"
		"\"rules\":[{\"backendRefs\":[{\"name\":\"b\\\\\",\"weight\":-4},{\"weight\":1},3],"
		"\"timeouts\":{\"request\":\"1.5s\",\"backendRequest\":7},"
		"\"retry\":{\"attempts\":99999999,\"codes\":\"503\",\"backoff\":\"-1s\"}},"
		"null,7,{\"retry\":[]}]}}",
		"{\"kind\":\"GRPCRoute\",\"metadata\":{\"name\":\"g\",\"namespace\":7},\"spec\":"
		"{\"rules\":{\"not\":\"an array\"},\"parentRefs\":\"x\"}}",
		"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"z\",\"annotations\":"
		"{\"sim.gammatop.dev/failure\":\"1\",\"sim.gammatop.dev/rps\":\"1000000\"}},"
		"\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"g\"}],\"rules\":[{\"backendRefs\":[{\"name\":\"z\"}],"
		"\"retry\":{\"attempts\":100000}}]}}",
	};
	struct traffic *t = traffic_new(1);
	for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
		upsert(t, objs[i], (int64_t)i);
	for (int m = 0; m < 3; m++) {
		struct page pg;
		page_of(t, (enum sim_mesh)m, NULL, 1000000, &pg);
		if (m == SIM_MESH_LINKERD) {
			assert_true(page_sum(&pg, "outbound_http_route_request_statuses_total",
			                     "route_name=\"q\\\"uo\\\\te\\nnl?\"",
			                     "hostname=\"h\\\"\\\\\\n\"", NULL) > 0);
			/* failure 1 with attempts capped at 20: 21 tries each */
			double req = page_sum(&pg, "outbound_http_route_request_statuses_total",
			                      "route_name=\"z\"", NULL);
			double retry = page_sum(&pg, "outbound_http_route_retry_requests_total",
			                        "route_name=\"z\"", NULL);
			near(req, 1e6 * (1000000 - 7) / 1000.0, 1e-9, "huge rate"); /* z came at 7 ms */
			near(retry, 20 * req, 1e-6, "attempt cap");
		}
		page_free(&pg);
	}
	traffic_route_delete(t, "HTTPRoute", "n\"s", "q\"uo\\te\nnl\001", 2000000);
	traffic_route_delete(t, "HTTPRoute", "default", "z", 2000000);
	traffic_route_delete(t, "HTTPRoute", "default", "z", 2000000);
	traffic_route_delete(t, NULL, NULL, NULL, 2000000);
	char *text = traffic_render(t, SIM_MESH_LINKERD, NULL, 2000000);
	assert_null(strstr(text, "route_name=\"z\""));
	assert_null(strstr(text, "uo"));
	free(text);
	traffic_free(t);
}

/* Two routes to one service: Istio shows one service, Linkerd two routes. */
static void test_istio_per_service(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(4);
	upsert(t,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r1\",\"namespace\":\"a\","
	       "\"annotations\":{\"sim.gammatop.dev/rps\":\"10\"}},\"spec\":{\"parentRefs\":"
	       "[{\"name\":\"gw\"}],\"rules\":[{\"backendRefs\":[{\"name\":\"svc\",\"namespace\":\"b\"}]}]}}",
	       0);
	upsert(t,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r2\",\"namespace\":\"b\","
	       "\"annotations\":{\"sim.gammatop.dev/rps\":\"30\"}},\"spec\":{\"parentRefs\":"
	       "[{\"name\":\"gw\"}],\"rules\":[{\"backendRefs\":[{\"name\":\"svc\"}]}]}}",
	       0);
	struct page is;
	page_of(t, SIM_MESH_ISTIO, "b", 100000, &is);
	near(page_sum(&is, "istio_requests_total", "destination_service_name=\"svc\"",
	              "destination_service_namespace=\"b\"", "reporter=\"source\"", NULL),
	     40 * 100, 0.01, "istio sums routes per service");
	near(page_sum(&is, "istio_request_duration_milliseconds_count", NULL),
	     page_sum(&is, "istio_requests_total", "reporter=\"source\"", NULL), 1e-9,
	     "istio histogram count");
	page_free(&is);
	traffic_free(t);
}

/* Churn: a route re-applied every 100 ms keeps counting at its rate (1 rps here, so a
 * model restarting its count at every upsert would show nothing), and frequent policy
 * changes keep the totals right. */
static void test_churn(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(6);
	for (int64_t now = 0; now <= 100000; now += 100)
		slow(t, "0.1", "", now);
	struct page pg;
	page_of(t, SIM_MESH_ENVOY_GATEWAY, NULL, 100000, &pg);
	double n = page_sum(&pg, "envoy_cluster_upstream_rq_total", NULL);
	page_free(&pg);
	struct traffic_expect e;
	assert_int_equal(traffic_expected(t, "HTTPRoute", "n", "slow", 0, &e), 0);
	near(n, e.rps * 100, 0.02, "requests under churn");

	/* now flip the retry policy at every upsert: two segments' figures alternate */
	struct traffic *u = traffic_new(6);
	struct traffic_expect a, b;
	for (int64_t now = 0, i = 0; now < 3600000; now += 1000, i++) {
		slow(u, "0.2", i % 2 ? ",\"retry\":{\"attempts\":1}" : "", now);
		if (i < 2)
			assert_int_equal(traffic_expected(u, "HTTPRoute", "n", "slow", 0, i ? &b : &a), 0);
	}
	page_of(u, SIM_MESH_LINKERD, NULL, 3600000, &pg);
	double req = page_sum(&pg, "outbound_http_route_request_statuses_total", NULL);
	double retries = page_sum(&pg, "outbound_http_route_retry_requests_total", NULL);
	page_free(&pg);
	near(req, a.rps * 3600, 0.01, "requests under policy churn");
	/* half the time no retries, half the time b's retries per request */
	near(retries, a.rps * 1800 * b.retry_rate / (1 - b.retry_rate), 0.05, "retries under churn");
	traffic_free(t);
	traffic_free(u);
}

/* Every HTTPRoute and GRPCRoute of the upstream examples and conformance manifests goes
 * through the model and renders valid pages for every mesh. */
struct upstream_ctx {
	struct traffic *t;
	int routes;
};

static int upstream_doc(const json_t *doc, const char *file, int line, void *ud)
{
	(void)file, (void)line;
	struct upstream_ctx *c = ud;
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	if (kind && (!strcmp(kind, "HTTPRoute") || !strcmp(kind, "GRPCRoute"))) {
		traffic_route_upsert(c->t, doc, 1000);
		c->routes++;
	}
	return 0;
}

static void test_upstream(void **state)
{
	(void)state;
	char base[1024];
	const char *shared = getenv("GT_SHARED");
	const char *src = getenv("GT_SRCDIR");
	if (shared)
		snprintf(base, sizeof base, "%s/data/gateway-api-v1.6.1", shared);
	else
		snprintf(base, sizeof base, "%s/../shared/data/gateway-api-v1.6.1", src ? src : ".");
	struct stat st;
	if (stat(base, &st) < 0)
		skip();
	struct upstream_ctx c = {traffic_new(42), 0};
	static const char *const subdirs[] = {"examples", "conformance"};
	for (size_t i = 0; i < 2; i++) {
		char dir[1100];
		struct diag d;
		snprintf(dir, sizeof dir, "%s/%s", base, subdirs[i]);
		diag_init(&d);
		manifest_read(dir, upstream_doc, &c, &d);
		diag_done(&d);
	}
	print_message("upstream: %d routes modelled\n", c.routes);
	assert_true(c.routes > 50);
	for (int m = 0; m < 3; m++) {
		struct page pg;
		page_of(c.t, (enum sim_mesh)m, NULL, 61000, &pg);
		assert_true(pg.n > 100);
		page_free(&pg);
	}
	traffic_free(c.t);
}

/* A call chain (sim.gammatop.dev/rps-from): each hop's requests are the tries of the hop
 * above; a retry change upstream moves the rates below it from then on, counters stay
 * monotonic; a link to a missing or unreadable rule leaves the rule's own rate. */
#define CHAIN_ROUTE(NAME, RPS, FROM, ATTEMPTS)                                                  \
	"{\"kind\":\"HTTPRoute\",\"metadata\":{\"namespace\":\"c\",\"name\":\"" NAME "\","     \
	"\"annotations\":{\"sim.gammatop.dev/rps\":\"" RPS "\",\"sim.gammatop.dev/failure\":\"0.3\","   \
	"\"sim.gammatop.dev/rps-from\":\"" FROM "\"}},\"spec\":{\"rules\":[{\"backendRefs\":"        \
	"[{\"name\":\"" NAME "\",\"port\":80}]" ATTEMPTS "}]}}"
#define RETRY2 ",\"retry\":{\"attempts\":2,\"codes\":[503]}"

static void test_chain_link(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(7);
	/* the downstream first: its upstream does not exist yet, so its own rate applies */
	upsert(t, CHAIN_ROUTE("b", "5", "HTTPRoute/c/a#0", RETRY2), 1000);
	struct traffic_expect a, b, c;
	assert_int_equal(traffic_expected(t, "HTTPRoute", "c", "b", 0, &b), 0);
	assert_true(b.linked);
	assert_true(b.rps == 5);
	upsert(t, CHAIN_ROUTE("a", "10", "garbage", RETRY2), 1000);
	upsert(t, CHAIN_ROUTE("c", "7", "HTTPRoute/c/b#0", ""), 1000);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "c", "a", 0, &a), 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "c", "b", 0, &b), 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "c", "c", 0, &c), 0);
	assert_false(a.linked); /* an unreadable link is ignored */
	assert_true(a.rps == 10);
	assert_true(a.tries_per_request > 1.2); /* 30% 503s, retried twice */
	assert_true(fabs(b.rps - a.rps * a.tries_per_request) < 1e-9);
	assert_true(fabs(c.rps - b.rps * b.tries_per_request) < 1e-9);
	assert_true(c.tries_per_request == 1); /* no retry on the last hop */
	/* counters: c's requests over an hour are a's tries times b's tries per request */
	struct page pg;
	page_of(t, SIM_MESH_ENVOY_GATEWAY, NULL, 1000 + HOUR_MS, &pg);
	page_free(&pg);
	/* the upstream stops retrying: the rates below follow, counters keep growing */
	upsert(t, CHAIN_ROUTE("a", "10", "garbage", ""), 1000 + HOUR_MS);
	struct traffic_expect b2, c2;
	assert_int_equal(traffic_expected(t, "HTTPRoute", "c", "b", 0, &b2), 0);
	assert_int_equal(traffic_expected(t, "HTTPRoute", "c", "c", 0, &c2), 0);
	assert_true(fabs(b2.rps - 10) < 1e-9);
	assert_true(c2.rps < c.rps);
	assert_true(fabs(c2.rps - b2.rps * b2.tries_per_request) < 1e-9);
	page_of(t, SIM_MESH_ENVOY_GATEWAY, NULL, 1000 + 2 * HOUR_MS, &pg);
	assert_true(pg.n > 0);
	page_free(&pg);
	traffic_free(t);
}

/* Random annotation text and random policy values of random types (a fixed seed, so the
 * test is repeatable): the model never crashes, its figures stay in range, pages stay valid. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static json_t *random_value(uint64_t *s)
{
	static const char *const strs[] = {"1s", "0s", "500ms", "1h", "99999h", "-1s", "1.5s", "",
	                                   "10ms", "x", "1ms1s", "100000s"};
	switch (rnd(s) % 6) {
	case 0: return json_integer((json_int_t)(rnd(s) % 7) - 2);
	case 1: return json_integer((json_int_t)rnd(s));
	case 2: return json_string(strs[rnd(s) % (sizeof strs / sizeof strs[0])]);
	case 3: return json_real(-1.5);
	case 4: return json_null();
	default: return json_array();
	}
}

static void random_text(uint64_t *s, char *out, size_t n)
{
	static const char alphabet[] = "0123456789.:;,=%pmsu9 -e5x";
	size_t len = rnd(s) % (n - 1);
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[rnd(s) % (sizeof alphabet - 1)];
	out[len] = '\0';
}

static void test_random_input(void **state)
{
	(void)state;
	static const char *const keys[] = {"sim.gammatop.dev/rps", "sim.gammatop.dev/latency",
	                                   "sim.gammatop.dev/failure", "sim.gammatop.dev/rps-from"};
	uint64_t seed = 12345;
	struct traffic *t = traffic_new(3);
	for (int it = 0; it < 400; it++) {
		json_t *j = route_json(
			"{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"f\",\"annotations\":{}},"
			"\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"g\"}],\"rules\":[{\"backendRefs\":"
			"[{\"name\":\"b\"}],\"timeouts\":{},\"retry\":{}}]}}");
		json_t *ann = json_object_get(json_object_get(j, "metadata"), "annotations");
		json_t *rule = json_array_get(json_object_get(json_object_get(j, "spec"), "rules"), 0);
		for (size_t k = 0; k < 4; k++) {
			char text[48];
			random_text(&seed, text, sizeof text);
			if (k == 1 && rnd(&seed) % 2)
				snprintf(text, sizeof text, "p50=%dms,p99=%ds", (int)(rnd(&seed) % 900),
				         (int)(rnd(&seed) % 9));
			if (k == 3 && rnd(&seed) % 2) /* a link to itself, or to a rule it lacks */
				snprintf(text, sizeof text, "HTTPRoute/default/f#%d", (int)(rnd(&seed) % 3));
			json_object_set_new(ann, keys[k], json_string(text));
		}
		json_object_set_new(json_object_get(rule, "timeouts"), "request", random_value(&seed));
		json_object_set_new(json_object_get(rule, "timeouts"), "backendRequest",
		                    random_value(&seed));
		json_object_set_new(json_object_get(rule, "retry"), "attempts", random_value(&seed));
		json_object_set_new(json_object_get(rule, "retry"), "backoff", random_value(&seed));
		json_object_set_new(json_object_get(rule, "retry"), "codes", random_value(&seed));
		traffic_route_upsert(t, j, it * 1000LL);
		json_decref(j);
		struct traffic_expect e;
		assert_int_equal(traffic_expected(t, "HTTPRoute", "default", "f", 0, &e), 0);
		assert_true(e.rps >= 0 && e.rps <= 1e6);
		assert_true(e.success_rate >= 0 && e.success_rate <= 1);
		assert_true(e.timeout_rate >= 0 && e.timeout_rate <= 1);
		assert_true(e.success_rate + e.timeout_rate <= 1 + 1e-12);
		assert_true(e.retry_rate >= 0 && e.retry_rate < 1);
		assert_true(e.retry_success_rate >= 0 && e.retry_success_rate <= 1);
		assert_true(e.exhausted_per_s >= 0 && e.exhausted_per_s <= e.rps);
		if (it % 50 == 49)
			for (int m = 0; m < 3; m++) {
				struct page pg;
				page_of(t, (enum sim_mesh)m, NULL, it * 1000LL + 500, &pg);
				page_free(&pg);
			}
	}
	traffic_free(t);
}

/* --mesh linkerd: the policy is Linkerd's — retries from retry.linkerd.io annotations, the
 * HTTPRoute retry and backendRequest ignored (as the real proxy ignores them). */
static void test_linkerd_policy(void **state)
{
	(void)state;
	struct traffic *t = traffic_new(5);
	t->linkerd_policy = true;
	upsert(t,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"spec\",\"annotations\":{"
	       "\"sim.gammatop.dev/failure\":\"0.2\",\"sim.gammatop.dev/rps\":\"10\"}},"
	       "\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"s\"}],"
	       "\"rules\":[{\"retry\":{\"attempts\":2,\"codes\":[503]}}]}}",
	       0);
	upsert(t,
	       "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"ann\",\"annotations\":{"
	       "\"sim.gammatop.dev/failure\":\"0.2\",\"sim.gammatop.dev/rps\":\"10\","
	       "\"retry.linkerd.io/http\":\"5xx\",\"retry.linkerd.io/limit\":\"2\"}},"
	       "\"spec\":{\"parentRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"s\"}],"
	       "\"rules\":[{}]}}",
	       0);
	struct traffic_expect e;
	assert_int_equal(traffic_expected(t, "HTTPRoute", "default", "spec", 0, &e), 0);
	assert_true(e.retry_rate == 0); /* HTTPRoute retry: not Linkerd's */
	near(e.success_rate, 0.8, 0.05, "no retries: the failures reach the client");
	assert_int_equal(traffic_expected(t, "HTTPRoute", "default", "ann", 0, &e), 0);
	near(e.retry_rate, 0.24 / 1.24, 0.08, "retry.linkerd.io: retried twice");
	near(e.success_rate, 1 - 0.008, 0.01, "retried success");
	traffic_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_expected_vs_counters),
		cmocka_unit_test(test_analytic), cmocka_unit_test(test_linkerd_policy),
		cmocka_unit_test(test_timeout_policy),
		cmocka_unit_test(test_retry_policy),
		cmocka_unit_test(test_grpc),
		cmocka_unit_test(test_defaults_and_hostile),
		cmocka_unit_test(test_istio_per_service),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_upstream),
		cmocka_unit_test(test_chain_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
