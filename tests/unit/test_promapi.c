/* test_promapi.c: the Prometheus API client against a libmicrohttpd server on 127.0.0.1:
 * path prefix, credentials moved out of the URL (and never in the description), bearer,
 * basic auth and X-Scope-OrgID headers, POSTed form queries, error replies, and mesh
 * detection plus per-route collection (promsource) both blocking and on the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/cache.h"
#include "gammatop/collector.h"
#include "gammatop/evloop.h"
#include "gammatop/figures.h"
#include "gammatop/http.h"
#include "gammatop/promapi.h"
#include "gammatop/promsource.h"
#include "gammatop/samples.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

static struct MHD_Daemon *daemon_;
static int port_;

struct upload {
	char b[8192];
	size_t n;
};

static void json_str(char *out, size_t n, const char *s)
{
	size_t o = 0;
	for (; s && *s && o + 3 < n; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
}

/* Decoded form value of key in body (only %XX and '+' as the client writes them). */
static void form_value(const char *body, const char *key, char *out, size_t n)
{
	out[0] = '\0';
	char pat[32];
	snprintf(pat, sizeof pat, "%s=", key);
	const char *p = strstr(body, pat);
	if (!p)
		return;
	p += strlen(pat);
	size_t o = 0;
	for (; *p && *p != '&' && o + 1 < n; p++) {
		if (*p == '%' && p[1] && p[2]) {
			char hex[3] = {p[1], p[2], 0};
			out[o++] = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	if (!*con_cls) {
		*con_cls = xcalloc(1, sizeof(struct upload));
		return MHD_YES;
	}
	struct upload *u = *con_cls;
	if (*upload_size) {
		if (u->n + *upload_size < sizeof u->b) {
			memcpy(u->b + u->n, upload, *upload_size);
			u->n += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	char out[16384], q[4096], a[512], o[512], body[4096];
	int status = 200;
	form_value(u->b, "query", q, sizeof q);
	if (!strcmp(url, "/prom/api/v1/query_range") && !strcmp(method, "POST")) {
		json_str(body, sizeof body, u->b);
		snprintf(out, sizeof out,
		         "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{"
		         "\"metric\":{\"body\":\"%s\"},\"values\":[[1,\"1\"],[16,\"NaN\"],"
		         "[31,\"+Inf\"]]}]},\"warnings\":[\"careful\"]}", body);
	} else if (strcmp(url, "/prom/api/v1/query") || strcmp(method, "POST")) {
		status = 404;
		snprintf(out, sizeof out, "not here: %s %s", method, url);
	} else if (!strcmp(q, "echo")) {
		const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
		const char *org = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Scope-OrgID");
		json_str(a, sizeof a, auth ? auth : "-");
		json_str(o, sizeof o, org ? org : "-");
		json_str(body, sizeof body, u->b);
		snprintf(out, sizeof out,
		         "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
		         "\"metric\":{\"auth\":\"%s\",\"org\":\"%s\",\"body\":\"%s\"},"
		         "\"value\":[1,\"1\"]}]}}", a, o, body);
	} else if (!strcmp(q, "bad(")) {
		status = 400;
		snprintf(out, sizeof out, "{\"status\":\"error\",\"errorType\":\"bad_data\","
		                          "\"error\":\"1:5: parse error: unclosed left parenthesis\"}");
	} else if (strstr(q, "count(outbound_http_route_request_statuses_total")) {
		snprintf(out, sizeof out, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		                          "\"result\":[{\"metric\":{},\"value\":[1,\"3\"]}]}}");
	} else if (strstr(q, "sum by (route_kind")) {
		/* requests 10/s, successes 9/s, timeouts 0.5/s, retries 2.5/s */
		const char *v = strstr(q, "REQUEST_TIMEOUT")            ? "0.5"
		                : strstr(q, "http_status!~")            ? "9"
		                : strstr(q, "retry_requests")           ? "2.5"
		                : strstr(q, "request_statuses_total[")  ? "10"
		                                                        : NULL;
		if (strstr(q, "outbound_grpc_route") || !v)
			snprintf(out, sizeof out, "{\"status\":\"success\",\"data\":{\"resultType\":"
			                          "\"vector\",\"result\":[]}}");
		else
			snprintf(out, sizeof out,
			         "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
			         "[{\"metric\":{\"route_kind\":\"HTTPRoute\",\"route_namespace\":\"shop\","
			         "\"route_name\":\"web\"},\"value\":[1,\"%s\"]}]}}", v);
	} else {
		snprintf(out, sizeof out, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		                          "\"result\":[]}}");
	}
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	enum MHD_Result r = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return r;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static int setup(void **state)
{
	(void)state;
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
	                           0, NULL, NULL, handler, NULL, MHD_OPTION_NOTIFY_COMPLETED,
	                           completed, NULL, MHD_OPTION_END);
	if (!daemon_)
		return -1;
	port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	MHD_stop_daemon(daemon_);
	return 0;
}

static void test_urls(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char err[256], url[128];
	struct promapi_config cfg = {.url = "ftp://x"};
	assert_null(promapi_new(hc, &cfg, err, sizeof err));
	assert_non_null(strstr(err, "not an http:// or https:// URL"));
	cfg.url = "prometheus:s3cret@host:9090"; /* no scheme: the password must not be echoed */
	assert_null(promapi_new(hc, &cfg, err, sizeof err));
	assert_non_null(strstr(err, "'***@host:9090' is not an http"));
	assert_null(strstr(err, "s3cret"));
	snprintf(url, sizeof url, "http://al%%69ce:s3cr%%21t@127.0.0.1:%d/prom/", port_);
	cfg.url = url;
	struct promapi *p = promapi_new(hc, &cfg, err, sizeof err);
	assert_non_null(p);
	char want[128];
	snprintf(want, sizeof want, "prometheus http://127.0.0.1:%d/prom", port_);
	assert_string_equal(promapi_describe(p), want); /* no credentials shown */
	struct promresult r;
	promresult_init(&r);
	assert_int_equal(promapi_query_sync(p, "echo", 1700000000123LL, &r, err, sizeof err), 0);
	assert_string_equal(promresult_label(&r.series[0], "auth"), "Basic YWxpY2U6czNjciF0");
	assert_string_equal(promresult_label(&r.series[0], "org"), "-");
	assert_string_equal(promresult_label(&r.series[0], "body"),
	                    "query=echo&time=1700000000.123");
	/* An error reply names the server and keeps Prometheus' words. */
	assert_int_equal(promapi_query_sync(p, "bad(", 0, &r, err, sizeof err), -1);
	snprintf(want, sizeof want, "prometheus http://127.0.0.1:%d/prom: HTTP 400: bad_data: 1:5:",
	         port_);
	assert_non_null(strstr(err, want));
	promapi_free(p);
	/* A password with unencoded '/', '?', '#' and '@' is taken whole up to the last '@':
	 * sent as basic auth, never in the URL that is shown and cached. */
	snprintf(url, sizeof url, "http://al:s3/cr?e#t@x@127.0.0.1:%d/prom?q=1#f", port_);
	cfg.url = url;
	p = promapi_new(hc, &cfg, err, sizeof err);
	assert_non_null(p);
	snprintf(want, sizeof want, "prometheus http://127.0.0.1:%d/prom", port_);
	assert_string_equal(promapi_describe(p), want);
	assert_int_equal(promapi_query_sync(p, "echo", 0, &r, err, sizeof err), 0);
	assert_string_equal(promresult_label(&r.series[0], "auth"), "Basic YWw6czMvY3I/ZSN0QHg=");
	promapi_free(p);
	/* Bearer token and X-Scope-OrgID. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/prom", port_);
	struct promapi_config c2 = {.url = url, .bearer_token = "tok-1", .org_id = "tenant-a"};
	p = promapi_new(hc, &c2, err, sizeof err);
	assert_int_equal(promapi_query_sync(p, "echo", 0, &r, err, sizeof err), 0);
	assert_string_equal(promresult_label(&r.series[0], "auth"), "Bearer tok-1");
	assert_string_equal(promresult_label(&r.series[0], "org"), "tenant-a");
	assert_string_equal(promresult_label(&r.series[0], "body"), "query=echo");
	promapi_free(p);
	/* Nothing listening: a transport error naming the server. */
	struct promapi_config c3 = {.url = "http://127.0.0.1:1", .timeout_ms = 2000};
	p = promapi_new(hc, &c3, err, sizeof err);
	assert_int_equal(promapi_query_sync(p, "up", 0, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "prometheus http://127.0.0.1:1: "));
	promapi_free(p);
	promresult_done(&r);
	char *form = promapi_form("sum(rate(x{a=\"b c\"}[5m]))", 0, 1000, 61000, 15000);
	assert_string_equal(form, "query=sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29"
	                          "&start=1.000&end=61.000&step=15.000");
	free(form);
	http_client_free(hc);
	evloop_free(loop);
}

static void check_acc(struct strmap *acc)
{
	struct figures_set *set = figures_set_new("5m", "t");
	for (size_t i = 0; i < acc->cap; i++) {
		struct mesh_acc_item *it = acc->e[i].key ? acc->e[i].value : NULL;
		if (it)
			figures_set_add(set, it->route, it->rule, "route", &it->counts);
	}
	figures_set_finish(set);
	assert_int_equal(set->n, 1);
	const struct figure *f = figures_set_find(set, "httproute/shop/web", -1);
	assert_non_null(f);
	assert_true(fabs(f->f[FIG_RPS] - 10) < 1e-9);
	assert_true(fabs(f->f[FIG_SUCCESS] - 0.9) < 1e-9);
	assert_true(fabs(f->f[FIG_TIMEOUT] - 0.05) < 1e-9);
	assert_true(fabs(f->f[FIG_RETRY] - 2.5 / 12.5) < 1e-9);
	/* Linkerd reports retry successes: no series means none happened (0), not unknown. */
	assert_true(fabs(f->f[FIG_RETRY_SUCCESS]) < 1e-9);
	figures_set_free(set);
}

struct async_result {
	bool done;
	const struct mesh_profile *p;
	char err[256];
};

static void on_collected(struct strmap *acc, const struct mesh_profile *p, const char *err,
                         void *ud)
{
	struct async_result *r = ud;
	r->done = true;
	r->p = p;
	snprintf(r->err, sizeof r->err, "%s", err ? err : "");
	if (p && !strcmp(p->name, "linkerd"))
		check_acc(acc);
	else
		assert_int_equal(acc->n, 0);
}

struct range_result {
	bool done;
	char body[512];
	size_t n_points;
	bool nan_then_inf;
	size_t warnings;
};

static void on_range(struct promresult *r, const char *err, void *ud)
{
	struct range_result *rr = ud;
	rr->done = true;
	assert_null(err);
	assert_int_equal(r->type, PROM_MATRIX);
	snprintf(rr->body, sizeof rr->body, "%s", promresult_label(&r->series[0], "body"));
	rr->n_points = r->series[0].n_points;
	rr->nan_then_inf = isnan(r->series[0].points[1].v) && isinf(r->series[0].points[2].v);
	rr->warnings = r->n_warnings;
}

static void test_query_range(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char err[256], url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/prom/", port_);
	struct promapi_config cfg = {.url = url};
	struct promapi *api = promapi_new(hc, &cfg, err, sizeof err);
	struct range_result rr = {0};
	promapi_query_range(api, "up", 1000, 31000, 15000, on_range, &rr);
	for (int i = 0; i < 200 && !rr.done; i++)
		evloop_run_once(loop, 50);
	assert_true(rr.done);
	assert_string_equal(rr.body, "query=up&start=1.000&end=31.000&step=15.000");
	assert_int_equal(rr.n_points, 3);
	assert_true(rr.nan_then_inf);
	assert_int_equal(rr.warnings, 1);
	promapi_free(api);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_collect(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char err[256], url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/prom", port_);
	struct promapi_config cfg = {.url = url};
	struct promapi *api = promapi_new(hc, &cfg, err, sizeof err);
	/* Blocking, with detection. */
	const struct mesh_profile *p = NULL;
	struct strmap acc;
	strmap_init(&acc, free);
	assert_int_equal(promsource_collect_sync(api, &p, "5m", 0, &acc, err, sizeof err), 0);
	assert_string_equal(p->name, "linkerd");
	check_acc(&acc);
	strmap_done(&acc);
	/* On the loop, with detection. */
	struct async_result r = {0};
	promsource_collect(api, NULL, "5m", 0, on_collected, &r);
	for (int i = 0; i < 200 && !r.done; i++)
		evloop_run_once(loop, 50);
	assert_true(r.done);
	assert_string_equal(r.err, "");
	assert_non_null(r.p);
	assert_string_equal(r.p->name, "linkerd");
	/* A forced profile whose series are absent: no keys, no error. */
	memset(&r, 0, sizeof r);
	promsource_collect(api, mesh_find("istio"), "5m", 0, on_collected, &r);
	for (int i = 0; i < 200 && !r.done; i++)
		evloop_run_once(loop, 50);
	assert_true(r.done);
	promapi_free(api);
	http_client_free(hc);
	evloop_free(loop);
}

static void on_round(struct collector *c, void *ud)
{
	(void)c;
	(*(int *)ud)++;
}

/* The collector's Prometheus path: figures from the window queries, the interval's amounts
 * into the cache, status OK; then a server that is gone makes it "failing since". */
static void test_collector_prometheus(void **state)
{
	(void)state;
	char dir[] = "/tmp/gt-test-promcol.XXXXXX", db[300], err[512], url[128];
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/cache.db", dir);
	struct cache *cache = cache_open(db, NULL, err, sizeof err);
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/prom", port_);
	struct promapi_config pc = {.url = url};
	struct promapi *api = promapi_new(hc, &pc, err, sizeof err);
	struct collector_config cfg = {.loop = loop, .cache = cache, .prometheus = api,
	                               .interval_ms = 1000, .window_ms = 300000};
	struct collector *c = collector_new(&cfg);
	int rounds = 0;
	collector_set_listener(c, on_round, &rounds);
	collector_start(c);
	int64_t end = time_mono_ms() + 5000;
	while (rounds < 2 && time_mono_ms() < end)
		evloop_run_once(loop, 50);
	assert_true(rounds >= 2);
	struct collector_status st;
	collector_status(c, &st);
	assert_int_equal(st.state, COLLECTOR_OK);
	assert_string_equal(st.mesh, "linkerd");
	const struct figure *f = figures_set_find(collector_figures(c), "httproute/shop/web", -1);
	assert_non_null(f);
	assert_true(fabs(f->f[FIG_RPS] - 10) < 1e-9 && fabs(f->f[FIG_TIMEOUT] - 0.05) < 1e-9);
	assert_string_equal(collector_figures(c)->window, "300s");
	assert_true(samples_count(cache, "samples") >= 1);
	collector_free(c);
	promapi_free(api);
	/* Nothing listening: failing, with the server named. */
	struct promapi_config dead = {.url = "http://127.0.0.1:1", .timeout_ms = 2000};
	api = promapi_new(hc, &dead, err, sizeof err);
	cfg.prometheus = api;
	c = collector_new(&cfg);
	rounds = 0;
	collector_set_listener(c, on_round, &rounds);
	collector_start(c);
	end = time_mono_ms() + 5000;
	while (rounds < 1 && time_mono_ms() < end)
		evloop_run_once(loop, 50);
	collector_status(c, &st);
	assert_int_equal(st.state, COLLECTOR_FAILING);
	char *line = collector_status_line(c);
	assert_non_null(strstr(line, "failing since"));
	assert_non_null(strstr(line, "prometheus http://127.0.0.1:1"));
	free(line);
	collector_free(c);
	promapi_free(api);
	http_client_free(hc);
	evloop_free(loop);
	cache_close(cache);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_query_range),
		cmocka_unit_test(test_collector_prometheus),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
