/* test_promresult.c: decoding Prometheus HTTP API replies: vector, matrix, scalar, string,
 * NaN/Inf values, warnings, error replies, and bodies that are not API replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/promresult.h"

static int decode(struct promresult *r, const char *body, long st, char *err, size_t n)
{
	return promresult_decode(r, body, strlen(body), st, err, n);
}

static void test_vector(void **state)
{
	(void)state;
	struct promresult r;
	promresult_init(&r);
	char err[256];
	const char *body =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"route_name\":\"web\",\"route_namespace\":\"shop\"},"
		"\"value\":[1700000000.123,\"12.5\"]},"
		"{\"metric\":{\"route_name\":\"api\"},\"value\":[1700000000,\"NaN\"]},"
		"{\"metric\":{},\"value\":[1700000000,\"+Inf\"]},"
		"{\"metric\":{},\"value\":[1700000000,\"-Inf\"]}]},"
		"\"warnings\":[\"PromQL info: metric might not be a counter\"]}";
	assert_int_equal(decode(&r, body, 200, err, sizeof err), 0);
	assert_int_equal(r.type, PROM_VECTOR);
	assert_int_equal(r.n_series, 4);
	assert_string_equal(promresult_label(&r.series[0], "route_name"), "web");
	assert_null(promresult_label(&r.series[0], "nope"));
	assert_int_equal(r.series[0].points[0].ts_ms, 1700000000123LL);
	assert_true(r.series[0].points[0].v == 12.5);
	assert_true(isnan(r.series[1].points[0].v));
	assert_true(isinf(r.series[2].points[0].v) && r.series[2].points[0].v > 0);
	assert_true(isinf(r.series[3].points[0].v) && r.series[3].points[0].v < 0);
	assert_int_equal(r.n_warnings, 1);
	/* Reusing r frees the previous contents. */
	assert_int_equal(decode(&r, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
	                            "\"result\":[{\"metric\":{\"a\":\"b\"},\"values\":[[1,\"1\"],"
	                            "[2,\"3\"],[3.5,\"4e2\"]]}]}}", 200, err, sizeof err), 0);
	assert_int_equal(r.type, PROM_MATRIX);
	assert_int_equal(r.n_series, 1);
	assert_int_equal(r.series[0].n_points, 3);
	assert_int_equal(r.series[0].points[2].ts_ms, 3500);
	assert_true(r.series[0].points[2].v == 400);
	assert_int_equal(r.n_warnings, 0);
	assert_int_equal(decode(&r, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
	                            "\"result\":[10,\"1\"]}}", 200, err, sizeof err), 0);
	assert_int_equal(r.type, PROM_SCALAR);
	assert_true(r.series[0].points[0].v == 1);
	assert_int_equal(decode(&r, "{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
	                            "\"result\":[10,\"hi\"]}}", 200, err, sizeof err), 0);
	assert_string_equal(r.series[0].text, "hi");
	assert_int_equal(decode(&r, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	                            "\"result\":[]}}", 200, err, sizeof err), 0);
	assert_int_equal(r.n_series, 0);
	promresult_done(&r);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct { const char *body; long status; const char *msg; } cases[] = {
		{"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error: "
		 "unexpected\"}", 400, "HTTP 400: bad_data: 1:5: parse error"},
		{"{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out\"}", 503,
		 "timeout: query timed out"},
		{"{\"status\":\"error\"}", 422, "unknown: (no message)"},
		{"<html>Bad Gateway</html>", 502, "HTTP 502: reply is not JSON"},
		{"", 200, "reply is not JSON"},
		{"[1,2]", 200, "not a JSON object"},
		{"{\"status\":\"ok\"}", 200, "no status \"success\""},
		{"{\"status\":\"success\"}", 200, "no data object"},
		{"{\"status\":\"success\",\"data\":{}}", 200, "no data.resultType"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"tensor\",\"result\":[]}}", 200,
		 "unknown data.resultType 'tensor'"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}", 200,
		 "not an array"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
		 "{},\"value\":[1,2]}]}}", 200, "data.result[0] is not a valid vector item"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
		 "{},\"value\":[1,\"x\"]}]}}", 200, "data.result[0]"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
		 "{\"a\":1},\"value\":[1,\"1\"]}]}}", 200, "data.result[0]"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
		 "{},\"values\":[[1,\"1\"],[\"2\",\"1\"]]}]}}", 200, "valid matrix item"},
		{"{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":\"1\"}}", 200,
		 "not a valid scalar"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct promresult r;
		promresult_init(&r);
		char err[256] = "";
		assert_int_equal(decode(&r, cases[i].body, cases[i].status, err, sizeof err), -1);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
		promresult_done(&r);
	}
	struct promresult r;
	promresult_init(&r);
	char err[128];
	decode(&r, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"boom\"}", 422,
	       err, sizeof err);
	assert_string_equal(r.error_type, "execution");
	assert_string_equal(r.error, "boom");
	promresult_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
