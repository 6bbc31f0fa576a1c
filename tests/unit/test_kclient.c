/* test_kclient.c: the kube client, discovery and reflector against a scripted fake API
 * server (libmicrohttpd on 127.0.0.1): GRPCRoute not served -> not installed with one
 * message; a list whose continue token expires (410) is done again in one request; watch events (added,
 * modified, deleted, bookmark) reach the store; an ERROR 410 event causes a relist that
 * removes what vanished; patches send the right method, type and query and map 409/422 to
 * conflict/invalid with causes; the pod proxy path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/discovery.h"
#include "gammatop/kclient.h"
#include "gammatop/reflector.h"
#include "gammatop/store.h"
#include "gammatop/xalloc.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct MHD_Daemon *daemon_;
static int port_;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int n_page1, n_page2, n_watch, n_ns_watch;
static char page1_limits[16]; /* per first-page request: L with ?limit=, - without */
static char watch_query[512], patch_seen[512];

#define SVC(name, rv)                                                                         \
	"{\"metadata\":{\"name\":\"" name "\",\"namespace\":\"d\",\"resourceVersion\":\"" rv     \
	"\"},\"spec\":{\"ports\":[{\"port\":80}]}}"
#define EVT(type, obj) "{\"type\":\"" type "\",\"object\":" obj "}\n"
#define WSVC(name, rv)                                                                        \
	"{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" name            \
	"\",\"namespace\":\"d\",\"resourceVersion\":\"" rv "\"},\"spec\":{\"ports\":[{\"port\":80}]}}"

static const char *answer(const char *url, const char *method, struct MHD_Connection *c,
                          int *status)
{
	const char *cont = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "continue");
	const char *watch = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "watch");
	*status = 200;
	if (!strcmp(url, "/apis/gateway.networking.k8s.io/v1"))
		return "{\"kind\":\"APIResourceList\",\"resources\":[{\"name\":\"gatewayclasses\"},"
		       "{\"name\":\"gateways\"},{\"name\":\"httproutes\"},{\"name\":\"httproutes/"
		       "status\"},{\"name\":\"referencegrants\"}]}";
	if (!strcmp(url, "/api/v1/services") && watch) {
		int n = ++n_watch;
		if (n == 1) {
			snprintf(watch_query, sizeof watch_query, "rv=%s bm=%s to=%s",
			         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "resourceVersion"),
			         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
			                                     "allowWatchBookmarks"),
			         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "timeoutSeconds"));
			return "garbage line\n" EVT("ADDED", WSVC("s4", "11")) EVT("MODIFIED", WSVC("s1", "12"))
				EVT("DELETED", WSVC("s2", "13"))
				"{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Service\",\"metadata\":"
				"{\"resourceVersion\":\"14\"}}}\n"
				"{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
				"\"reason\":\"Expired\",\"message\":\"too old\"}}\n"
				EVT("ADDED", WSVC("never", "15"));
		}
		return "";
	}
	if (!strcmp(url, "/api/v1/services") && cont) {
		if (++n_page2 == 1) {
			*status = 410;
			return "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":"
			       "\"continue token expired\"}";
		}
		return "{\"kind\":\"ServiceList\",\"metadata\":{\"resourceVersion\":\"10\"},"
		       "\"items\":[" SVC("s3", "3") "]}";
	}
	if (!strcmp(url, "/api/v1/services")) {
		bool limited = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit") != NULL;
		size_t nl = strlen(page1_limits);
		if (nl + 1 < sizeof page1_limits)
			page1_limits[nl] = limited ? 'L' : '-';
		++n_page1;
		if (!limited) /* the whole list at once */
			return "{\"kind\":\"ServiceList\",\"metadata\":{\"resourceVersion\":\"10\"},"
			       "\"items\":[" SVC("s1", "1") "," SVC("s2", "2") "," SVC("s3", "3") "]}";
		if (n_page1 <= 2)
			return "{\"kind\":\"ServiceList\",\"metadata\":{\"resourceVersion\":\"10\","
			       "\"continue\":\"c1\"},\"items\":[" SVC("s1", "1") "," SVC("s2", "2") "]}";
		return "{\"kind\":\"ServiceList\",\"metadata\":{\"resourceVersion\":\"20\"},"
		       "\"items\":[" SVC("s1", "12") "," SVC("s4", "11") "]}";
	}
	if (!strcmp(url, "/api/v1/namespaces") && watch) {
		if (++n_ns_watch == 1) {
			*status = 503;
			return "{\"kind\":\"Status\",\"code\":503,\"reason\":\"ServiceUnavailable\","
			       "\"message\":\"etcd leader changed\"}";
		}
		return "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Namespace\",\"metadata\":"
		       "{\"resourceVersion\":\"9\"}}}\n";
	}
	if (!strcmp(url, "/api/v1/namespaces"))
		return "{\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\"5\"},"
		       "\"items\":[{\"metadata\":{\"name\":\"d\",\"resourceVersion\":\"5\"}}]}";
	if (!strcmp(method, "PATCH")) {
		snprintf(patch_seen, sizeof patch_seen, "%s %s fm=%s dry=%s force=%s",
		         MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"), url,
		         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "fieldManager"),
		         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dryRun"),
		         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "force"));
		if (strstr(url, "/web")) {
			*status = 409;
			return "{\"kind\":\"Status\",\"reason\":\"Conflict\",\"code\":409,\"message\":"
			       "\"the object has been modified\"}";
		}
		*status = 422;
		return "{\"kind\":\"Status\",\"reason\":\"Invalid\",\"code\":422,\"message\":\"bad is "
		       "invalid\",\"details\":{\"causes\":[{\"field\":\"spec.rules[0].timeouts."
		       "request\",\"reason\":\"FieldValueInvalid\",\"message\":\"must be a "
		       "duration\"}]}}";
	}
	if (!strcmp(url, "/api/v1/namespaces/mesh/pods/p-1:4191/proxy/metrics")) {
		const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
		return ua && !strncmp(ua, "gammatop/", 9) ? "requests_total 7\n" : "wrong agent\n";
	}
	if (!strcmp(url, "/api/v1/namespaces/mesh/pods/https:p-1:4191/proxy/metrics"))
		return "requests_total 8\n"; /* the API server reached the pod over TLS */
	*status = 404;
	return "{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\",\"message\":\"nope\"}";
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
	if (!*con_cls) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	int status;
	pthread_mutex_lock(&mu);
	const char *body = answer(url, method, c, &status);
	pthread_mutex_unlock(&mu);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static struct evloop *loop;
static struct kclient *kc_;

static int setup(void **state)
{
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
	                           0, NULL, NULL, handler, NULL, MHD_OPTION_END);
	if (!daemon_)
		return -1;
	port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
	char *yaml = xasprintf("current-context: t\nclusters: [{name: c, cluster: {server: "
	                       "'http://127.0.0.1:%d'}}]\ncontexts: [{name: t, context: {cluster: "
	                       "c}}]\n",
	                       port_);
	struct kubeconfig_opts o = {0};
	struct kubeconfig *kc;
	char err[256];
	int rc = kubeconfig_load_text(yaml, strlen(yaml), "/t/config", &o, &kc, err, sizeof err);
	free(yaml);
	if (rc)
		return -1;
	loop = evloop_new();
	kc_ = kclient_new(loop, kc);
	return 0;
}

static int teardown(void **state)
{
	kclient_free(kc_);
	evloop_free(loop);
	MHD_stop_daemon(daemon_);
	return 0;
}

static void run_until(bool *flag, int ms)
{
	for (int i = 0; i < ms / 10 && !*flag; i++)
		evloop_run_once(loop, 10);
}

static bool disc_done;
static void on_disc(const struct apierr *err, void *ud)
{
	assert_null(err);
	disc_done = true;
}

static void test_discovery(void **state)
{
	struct gt_store *s = store_new();
	discovery_start(kc_, s, on_disc, NULL);
	run_until(&disc_done, 5000);
	assert_true(disc_done);
	assert_true(store_kind_state(s, GT_HTTPROUTE)->installed);
	assert_string_equal(kclient_version(kc_, GT_HTTPROUTE), "v1");
	struct store_kind_state *g = store_kind_state(s, GT_GRPCROUTE);
	assert_false(g->installed);
	assert_string_equal(g->error, "GRPCRoute is not installed on this cluster");
	assert_true(store_kind_state(s, GT_SERVICE)->installed);
	store_free(s);
}

static void test_reflector(void **state)
{
	struct gt_store *s = store_new();
	struct reflector *r = reflector_new(kc_, s, GT_SERVICE, NULL);
	reflector_start(r);
	const struct reflector_stats *st = reflector_stats(r);
	bool done = false;
	for (int i = 0; i < 1000 && !done; i++) {
		evloop_run_once(loop, 10);
		done = st->lists >= 2;
	}
	assert_true(done);
	/* first list: page 1, page 2 -> 410, then the whole list in one request (client-go's
	 * reflector does so: tools/pager's FullListIfExpired, TestReflectorFullListIfExpired in
	 * tools/cache/reflector_test.go): paging again could expire again, for ever, when the
	 * history is shorter than a paged list takes; the relist after the watch's 410 pages
	 * again. */
	assert_int_equal(n_page1, 3);
	assert_int_equal(n_page2, 1);
	assert_string_equal(page1_limits, "L-L");
	assert_int_equal(st->relists, 1);
	assert_int_equal(st->events, 3);
	assert_int_equal(st->bookmarks, 1);
	assert_true(strncmp(watch_query, "rv=10 bm=true to=", 17) == 0);
	int to = atoi(watch_query + 17);
	assert_true(to >= 300 && to < 600);
	/* after the relist: s1 (modified), s4; s2 deleted by the watch, s3 vanished */
	assert_int_equal(store_count(s, GT_SERVICE), 2);
	assert_non_null(store_get(s, GT_SERVICE, "d", "s1"));
	assert_string_equal(store_get(s, GT_SERVICE, "d", "s1")->meta.resource_version, "12");
	assert_non_null(store_get(s, GT_SERVICE, "d", "s4"));
	assert_null(store_get(s, GT_SERVICE, "d", "s3"));
	assert_null(store_get(s, GT_SERVICE, "d", "never"));
	assert_true(store_kind_state(s, GT_SERVICE)->synced);
	assert_true(store_kind_state(s, GT_SERVICE)->last_heard_ms > 0);
	reflector_free(r);
	store_free(s);
}

/* A failed watch makes the synced kind stale with the server's message; the next watch
 * that connects makes it fresh again. */
static void test_stale_and_recovered(void **state)
{
	struct gt_store *s = store_new();
	struct reflector *r = reflector_new(kc_, s, GT_NAMESPACE, NULL);
	reflector_start(r);
	struct store_kind_state *st = store_kind_state(s, GT_NAMESPACE);
	bool stale_seen = false;
	char err[256] = "";
	for (int i = 0; i < 500 && !(stale_seen && n_ns_watch >= 2 && !st->stale); i++) {
		evloop_run_once(loop, 10);
		if (st->stale && !stale_seen) {
			stale_seen = true;
			snprintf(err, sizeof err, "%s", st->error ? st->error : "");
		}
	}
	assert_true(stale_seen);
	assert_true(st->synced);
	assert_non_null(strstr(err, "watch namespaces: etcd leader changed"));
	assert_true(n_ns_watch >= 2);
	assert_false(st->stale);
	assert_null(st->error);
	assert_int_equal(reflector_stats(r)->failures, 1);
	assert_int_equal(store_count(s, GT_NAMESPACE), 1);
	reflector_free(r);
	store_free(s);
}

struct got {
	bool done;
	enum apierr_kind kind;
	long status;
	char body[256];
	char field[128];
};

static void on_got(const struct kresponse *r, void *ud)
{
	struct got *g = ud;
	g->done = true;
	g->status = r->status;
	g->kind = r->err ? r->err->kind : APIERR_NONE;
	snprintf(g->body, sizeof g->body, "%.*s", (int)r->body_len, r->body);
	if (r->err && r->err->n_causes)
		snprintf(g->field, sizeof g->field, "%s", r->err->causes[0].field);
}

static void test_patch(void **state)
{
	struct got g = {0};
	const char *p = "{\"metadata\":{\"resourceVersion\":\"5\"}}";
	kclient_patch(kc_, GT_HTTPROUTE, "d", "web", p, strlen(p), KPATCH_MERGE, true, on_got, &g);
	assert_false(g.done); /* never from inside the call */
	run_until(&g.done, 5000);
	assert_int_equal(g.kind, APIERR_CONFLICT);
	assert_string_equal(patch_seen, "application/merge-patch+json "
	                                "/apis/gateway.networking.k8s.io/v1/namespaces/d/httproutes/"
	                                "web fm=gammatop dry=All force=(null)");
	memset(&g, 0, sizeof g);
	kclient_patch(kc_, GT_HTTPROUTE, "d", "bad", p, strlen(p), KPATCH_APPLY, false, on_got, &g);
	run_until(&g.done, 5000);
	assert_int_equal(g.kind, APIERR_INVALID);
	assert_string_equal(g.field, "spec.rules[0].timeouts.request");
	assert_non_null(strstr(patch_seen, "application/apply-patch+yaml"));
	assert_non_null(strstr(patch_seen, "dry=(null) force=false"));
}

static void test_pod_proxy_and_fetch(void **state)
{
	struct got g = {0};
	kclient_pod_proxy_get(kc_, "mesh", NULL, "p-1", 4191, "/metrics", 0, on_got, &g);
	run_until(&g.done, 5000);
	assert_int_equal(g.kind, APIERR_NONE);
	assert_string_equal(g.body, "requests_total 7\n");
	memset(&g, 0, sizeof g); /* prometheus.io/scheme: https goes through https:POD:PORT */
	kclient_pod_proxy_get(kc_, "mesh", "https", "p-1", 4191, "metrics", 0, on_got, &g);
	run_until(&g.done, 5000);
	assert_int_equal(g.kind, APIERR_NONE);
	assert_string_equal(g.body, "requests_total 8\n");
	struct kresult res;
	struct kreq_opts o = {.path = "/api/v1/namespaces/x/pods/nope", .what = "get pod x/nope"};
	assert_int_equal(kclient_fetch(kc_, &o, &res, 5000), -1);
	assert_int_equal(res.err.kind, APIERR_NOT_FOUND);
	assert_string_equal(res.err.message, "get pod x/nope: nope");
	kresult_done(&res);
}

static void test_paths(void **state)
{
	char *p = kclient_path(kc_, GT_GATEWAYCLASS, "ignored", "gc");
	assert_string_equal(p, "/apis/gateway.networking.k8s.io/v1/gatewayclasses/gc");
	free(p);
	p = kclient_path(kc_, GT_SERVICE, "a b", NULL);
	assert_string_equal(p, "/api/v1/namespaces/a%20b/services");
	free(p);
	p = kclient_path(kc_, GT_HTTPROUTE, NULL, NULL);
	assert_string_equal(p, "/apis/gateway.networking.k8s.io/v1/httproutes");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_reflector),
		cmocka_unit_test(test_stale_and_recovered),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_pod_proxy_and_fetch),
		cmocka_unit_test(test_paths),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
