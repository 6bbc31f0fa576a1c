/* test_http.c: the curl-multi HTTP client against a libmicrohttpd server on 127.0.0.1:
 * collected and streamed bodies, methods and bodies, auth headers, errors, time-outs, cancel,
 * body caps, and URL escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/evloop.h"
#include "gammatop/http.h"
#include "gammatop/xalloc.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct MHD_Daemon *daemon_;
static int port_;

struct stream_state {
	int n;
};

static ssize_t stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_state *st = cls;
	if (st->n >= 5)
		return MHD_CONTENT_READER_END_OF_STREAM;
	usleep(20000);
	int len = snprintf(buf, max, "line%d\n", st->n++);
	return len;
}

static ssize_t slow_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	usleep(100000);
	if (pos > 20)
		return MHD_CONTENT_READER_END_OF_STREAM;
	buf[0] = 'x';
	return 1;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
	static int marker;
	struct MHD_Response *resp;
	if (!*con_cls) {
		*con_cls = xcalloc(1, sizeof(struct { char b[4096]; size_t n; }));
		return MHD_YES;
	}
	struct acc {
		char b[4096];
		size_t n;
	} *acc = *con_cls;
	if (*upload_size) {
		size_t k = *upload_size;
		if (acc->n + k < sizeof acc->b) {
			memcpy(acc->b + acc->n, upload, k);
			acc->n += k;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	(void)marker;
	char out[8192];
	int status = 200;
	if (strcmp(url, "/hello") == 0) {
		const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                               "Authorization");
		const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
		snprintf(out, sizeof out, "method=%s auth=%s accept=%s", method, auth ? auth : "-",
		         accept ? accept : "-");
	} else if (strcmp(url, "/echo") == 0) {
		const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
		snprintf(out, sizeof out, "%s %s %.*s", method, ct ? ct : "-", (int)acc->n, acc->b);
	} else if (strcmp(url, "/stream") == 0) {
		struct stream_state *st = xcalloc(1, sizeof *st);
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64, stream_cb, st, free);
		enum MHD_Result r = MHD_queue_response(conn, 200, resp);
		MHD_destroy_response(resp);
		return r;
	} else if (strcmp(url, "/slow") == 0) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64, slow_cb, NULL, NULL);
		enum MHD_Result r = MHD_queue_response(conn, 200, resp);
		MHD_destroy_response(resp);
		return r;
	} else if (strcmp(url, "/big") == 0) {
		memset(out, 'b', 5000);
		out[5000] = 0;
	} else {
		status = 404;
		snprintf(out, sizeof out, "{\"kind\":\"Status\",\"code\":404}");
	}
	resp = MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result r = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return r;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	free(*con_cls);
	*con_cls = NULL;
}

static int setup(void **state)
{
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
	                           0, NULL, NULL, handler, NULL, MHD_OPTION_NOTIFY_COMPLETED,
	                           completed, NULL, MHD_OPTION_END);
	if (!daemon_)
		return -1;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	port_ = di->port;
	return 0;
}

static int teardown(void **state)
{
	MHD_stop_daemon(daemon_);
	return 0;
}

static char *url(const char *path) { return xasprintf("http://127.0.0.1:%d%s", port_, path); }

static void test_get_with_token(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/hello");
	struct http_opts o = {.url = u, .bearer_token = "s3cret", .accept = "application/json"};
	struct http_result res;
	assert_int_equal(http_fetch(hc, &o, &res, 5000), 0);
	assert_int_equal(res.status, 200);
	assert_string_equal(buf_str(&res.body),
	                    "method=GET auth=Bearer s3cret accept=application/json");
	assert_null(res.error);
	http_result_done(&res);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_basic_auth(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/hello");
	struct http_opts o = {.url = u, .username = "ann", .password = "pw"};
	struct http_result res;
	assert_int_equal(http_fetch(hc, &o, &res, 5000), 0);
	assert_string_equal(buf_str(&res.body), "method=GET auth=Basic YW5uOnB3 accept=*/*");
	http_result_done(&res);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_patch_body(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/echo");
	const char *body = "{\"a\":1}";
	struct http_opts o = {.url = u, .method = "PATCH", .body = body, .body_len = strlen(body),
	                      .content_type = "application/merge-patch+json"};
	struct http_result res;
	assert_int_equal(http_fetch(hc, &o, &res, 5000), 0);
	assert_string_equal(buf_str(&res.body), "PATCH application/merge-patch+json {\"a\":1}");
	http_result_done(&res);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

struct stream_probe {
	int chunks;
	char data[256];
	size_t n;
	bool done;
	long status;
	size_t body_len;
	char *error;
	bool cancel_in_data;
	int headers;          /* on_headers calls */
	long headers_status;
	int chunks_at_headers; /* chunks seen before on_headers (must be 0) */
};

static void probe_headers(struct http_request *req, long status, void *ud)
{
	struct stream_probe *p = ud;
	p->headers++;
	p->headers_status = status;
	p->chunks_at_headers = p->chunks;
}

static bool probe_data(struct http_request *req, long status, const char *d, size_t n, void *ud)
{
	struct stream_probe *p = ud;
	p->chunks++;
	if (p->n + n < sizeof p->data) {
		memcpy(p->data + p->n, d, n);
		p->n += n;
	}
	if (p->cancel_in_data)
		http_cancel(req);
	return true;
}

static void probe_done(struct http_request *req, const struct http_response *r, void *ud)
{
	struct stream_probe *p = ud;
	p->done = true;
	p->status = r->status;
	p->body_len = r->body_len;
	p->error = xstrdup_null(r->error);
}

static void run_until(struct evloop *loop, bool *flag, int ms)
{
	for (int i = 0; i < ms / 10 && !*flag; i++)
		evloop_run_once(loop, 10);
}

static void test_streaming(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/stream");
	struct stream_probe p = {0};
	struct http_opts o = {.url = u, .on_data = probe_data, .on_headers = probe_headers,
	                      .on_done = probe_done, .ud = &p};
	http_start(hc, &o);
	run_until(loop, &p.done, 5000);
	assert_true(p.done);
	assert_int_equal(p.status, 200);
	assert_int_equal(p.headers, 1);
	assert_int_equal(p.headers_status, 200);
	assert_int_equal(p.chunks_at_headers, 0);
	assert_null(p.error);
	assert_int_equal(p.body_len, 0); /* streamed, not collected */
	assert_string_equal(p.data, "line0\nline1\nline2\nline3\nline4\n");
	assert_true(p.chunks >= 2);
	assert_int_equal(http_client_pending(hc), 0);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_error_body_collected_when_streaming(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/nope");
	struct stream_probe p = {0};
	struct http_opts o = {.url = u, .on_data = probe_data, .on_done = probe_done, .ud = &p};
	http_start(hc, &o);
	run_until(loop, &p.done, 5000);
	assert_true(p.done);
	assert_int_equal(p.status, 404);
	assert_int_equal(p.chunks, 0);
	assert_true(p.body_len > 0);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_cancel_in_data(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/stream");
	struct stream_probe p = {.cancel_in_data = true};
	struct http_opts o = {.url = u, .on_data = probe_data, .on_done = probe_done, .ud = &p};
	http_start(hc, &o);
	for (int i = 0; i < 100 && http_client_pending(hc); i++)
		evloop_run_once(loop, 10);
	assert_int_equal(http_client_pending(hc), 0);
	assert_false(p.done);
	assert_int_equal(p.chunks, 1);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_cancel_outside(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/slow");
	struct stream_probe p = {0};
	struct http_opts o = {.url = u, .on_done = probe_done, .ud = &p};
	struct http_request *r = http_start(hc, &o);
	evloop_run_once(loop, 50);
	http_cancel(r);
	assert_int_equal(http_client_pending(hc), 0);
	for (int i = 0; i < 20; i++)
		evloop_run_once(loop, 10);
	assert_false(p.done);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_timeout(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/slow");
	struct http_opts o = {.url = u, .timeout_ms = 300};
	struct http_result res;
	assert_int_equal(http_fetch(hc, &o, &res, 5000), -1);
	assert_non_null(res.error);
	http_result_done(&res);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_refused(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	/* Port 1 on loopback: nothing listens there. */
	struct http_opts o = {.url = "http://127.0.0.1:1/x", .connect_timeout_ms = 2000};
	struct http_result res;
	assert_int_equal(http_fetch(hc, &o, &res, 5000), -1);
	assert_int_equal(res.status, 0);
	assert_non_null(res.error);
	http_result_done(&res);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_bad_url_reported_async(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	struct stream_probe p = {0};
	struct http_opts o = {.url = "", .on_done = probe_done, .ud = &p};
	http_start(hc, &o);
	assert_false(p.done); /* never called from inside http_start */
	run_until(loop, &p.done, 1000);
	assert_true(p.done);
	assert_string_equal(p.error, "no URL");
	free(p.error);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_max_body(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/big");
	struct http_opts o = {.url = u, .max_body = 1000};
	struct http_result res;
	assert_int_equal(http_fetch(hc, &o, &res, 5000), -1);
	assert_non_null(strstr(res.error, "larger than 1000"));
	http_result_done(&res);
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_concurrent(void **state)
{
	struct evloop *loop = evloop_new();
	struct http_client *hc = http_client_new(loop);
	char *u = url("/stream");
	struct stream_probe p[4] = {{0}};
	for (int i = 0; i < 4; i++) {
		struct http_opts o = {.url = u, .on_data = probe_data, .on_done = probe_done,
		                      .ud = &p[i]};
		http_start(hc, &o);
	}
	assert_int_equal(http_client_pending(hc), 4);
	for (int i = 0; i < 500 && http_client_pending(hc); i++)
		evloop_run_once(loop, 10);
	for (int i = 0; i < 4; i++) {
		assert_true(p[i].done);
		assert_string_equal(p[i].data, "line0\nline1\nline2\nline3\nline4\n");
	}
	free(u);
	http_client_free(hc);
	evloop_free(loop);
}

static void test_escape(void **state)
{
	char *e = http_escape("a b/c=d&e~f");
	assert_string_equal(e, "a%20b%2Fc%3Dd%26e~f");
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_with_token),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_patch_body),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_error_body_collected_when_streaming),
		cmocka_unit_test(test_cancel_in_data),
		cmocka_unit_test(test_cancel_outside),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_url_reported_async),
		cmocka_unit_test(test_max_body),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
