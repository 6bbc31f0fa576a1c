/* test_exposition.c: the Prometheus text / OpenMetrics parser: both formats, escapes,
 * NaN/Inf, timestamps, histograms, exemplars, Linkerd's trailing section, hostile input. */
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

static int parse(struct expo_doc *d, const char *text, bool om, char *err, size_t errlen)
{
	expo_doc_init(d);
	return expo_parse(d, text, strlen(text), om, err, errlen);
}

static void test_text_format(void **state)
{
	(void)state;
	const char *text =
		"# HELP http_requests_total The total number of HTTP requests.\n"
		"# TYPE http_requests_total counter\n"
		"http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
		"http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
		"\n"
		"# Escaping in label values:\n"
		"msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
		"file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
		"metric_without_timestamp_and_labels 12.47\n"
		"something_weird{problem=\"division by zero\"} +Inf -3982045\n"
		"neg{a=\"b\",} -Inf\n"
		"nan_metric NaN\r\n"
		"\ttabbed_metric\t7\n";
	struct expo_doc d;
	char err[256];
	assert_int_equal(parse(&d, text, false, err, sizeof err), 0);
	assert_int_equal(d.n_samples, 8);
	assert_string_equal(d.samples[0].name, "http_requests_total");
	assert_string_equal(expo_label(&d.samples[0], "code"), "200");
	assert_true(d.samples[0].has_ts);
	assert_int_equal(d.samples[0].ts_ms, 1395066363000LL);
	assert_true(d.samples[1].value == 3);
	assert_string_equal(expo_label(&d.samples[2], "path"), "C:\\DIR\\FILE.TXT");
	assert_string_equal(expo_label(&d.samples[2], "error"), "Cannot find file:\n\"FILE.TXT\"");
	assert_true(fabs(d.samples[2].value - 1.458255915e9) < 1);
	assert_false(d.samples[3].has_ts);
	assert_true(isinf(d.samples[4].value) && d.samples[4].value > 0);
	assert_int_equal(d.samples[4].ts_ms, -3982045);
	assert_true(isinf(d.samples[5].value) && d.samples[5].value < 0);
	assert_string_equal(expo_label(&d.samples[5], "a"), "b");
	assert_true(isnan(d.samples[6].value));
	assert_string_equal(d.samples[7].name, "tabbed_metric");
	assert_int_equal(expo_type_of(&d, "http_requests_total"), EXPO_COUNTER);
	assert_string_equal(d.families[0].help, "The total number of HTTP requests.");
	assert_false(d.saw_eof);
	expo_doc_done(&d);
}

static void test_histogram(void **state)
{
	(void)state;
	const char *text = "# TYPE rq_seconds histogram\n"
	                   "rq_seconds_bucket{le=\"0.05\"} 24054\n"
	                   "rq_seconds_bucket{le=\"0.5\"} 33444\n"
	                   "rq_seconds_bucket{le=\"1\"} 100392\n"
	                   "rq_seconds_bucket{le=\"+Inf\"} 144320\n"
	                   "rq_seconds_sum 53423\n"
	                   "rq_seconds_count 144320\n";
	struct expo_doc d;
	assert_int_equal(parse(&d, text, false, NULL, 0), 0);
	assert_int_equal(d.n_samples, 6);
	assert_int_equal(expo_type_of(&d, "rq_seconds_bucket"), EXPO_HISTOGRAM);
	assert_int_equal(expo_type_of(&d, "rq_seconds_count"), EXPO_HISTOGRAM);
	assert_int_equal(expo_type_of(&d, "other"), EXPO_UNTYPED);
	double le;
	assert_int_equal(expo_parse_value(expo_label(&d.samples[3], "le"), 4, &le), 0);
	assert_true(isinf(le));
	expo_doc_done(&d);
}

/* Linkerd's proxy: Prometheus text first, then an OpenMetrics-style section naming counter
 * families without _total, with # UNIT, ending in # EOF, all served as text/plain. */
static void test_linkerd_quirk(void **state)
{
	(void)state;
	const char *text =
		"# HELP request_total Total count of HTTP requests.\n"
		"# TYPE request_total counter\n"
		"request_total{direction=\"outbound\"} 10\n"
		"# HELP outbound_http_route_request_statuses Completed request-response streams.\n"
		"# TYPE outbound_http_route_request_statuses counter\n"
		"outbound_http_route_request_statuses_total{route_name=\"web\",http_status=\"200\","
		"error=\"\"} 42\n"
		"# HELP outbound_http_route_request_duration_seconds The time between request "
		"initialization and response completion.\n"
		"# TYPE outbound_http_route_request_duration_seconds histogram\n"
		"# UNIT outbound_http_route_request_duration_seconds seconds\n"
		"outbound_http_route_request_duration_seconds_bucket{le=\"0.05\"} 40\n"
		"outbound_http_route_request_duration_seconds_bucket{le=\"+Inf\"} 42\n"
		"outbound_http_route_request_duration_seconds_sum 1.5\n"
		"outbound_http_route_request_duration_seconds_count 42\n"
		"# EOF\n";
	struct expo_doc d;
	char err[256];
	assert_int_equal(parse(&d, text, false, err, sizeof err), 0);
	assert_true(d.saw_eof);
	assert_int_equal(d.n_samples, 6);
	assert_int_equal(expo_type_of(&d, "outbound_http_route_request_statuses_total"), EXPO_COUNTER);
	assert_string_equal(expo_label(&d.samples[1], "error"), "");
	for (size_t i = 0; i < d.n_families; i++)
		if (!strcmp(d.families[i].name, "outbound_http_route_request_duration_seconds"))
			assert_string_equal(d.families[i].unit, "seconds");
	expo_doc_done(&d);
}

static void test_openmetrics(void **state)
{
	(void)state;
	const char *text = "# TYPE foo counter\n"
	                   "foo_total{a=\"1\"} 17.0 1520879607.789 # {trace_id=\"oHg5SJYRHA0\"} 9.8 "
	                   "1520879607.789\n"
	                   "foo_created{a=\"1\"} 1520430000.123\n"
	                   "# TYPE st stateset\n"
	                   "st{st=\"a\"} 1\n"
	                   "# TYPE x unknown\n"
	                   "x 1\n"
	                   "# EOF\n";
	struct expo_doc d;
	char err[256];
	assert_int_equal(parse(&d, text, true, err, sizeof err), 0);
	assert_int_equal(d.n_samples, 4);
	assert_true(d.samples[0].has_ts);
	assert_int_equal(d.samples[0].ts_ms, 1520879607789LL);
	assert_int_equal(expo_type_of(&d, "foo_created"), EXPO_COUNTER);
	assert_int_equal(expo_type_of(&d, "st"), EXPO_STATESET);
	expo_doc_done(&d);
	/* A float timestamp is seconds even when the server said text/plain. */
	assert_int_equal(parse(&d, "a 1 1.5\n", false, NULL, 0), 0);
	assert_int_equal(d.samples[0].ts_ms, 1500);
	expo_doc_done(&d);
}

static void test_values(void **state)
{
	(void)state;
	static const struct { const char *s; double v; int ok; } cases[] = {
		{"1", 1, 0}, {"-2.5", -2.5, 0}, {"1e3", 1000, 0}, {"+Inf", INFINITY, 0},
		{"-Inf", -INFINITY, 0}, {"inf", INFINITY, 0}, {"NaN", NAN, 0}, {"nan", NAN, 0},
		{"", 0, -1}, {"abc", 0, -1}, {"1x", 0, -1}, {"0x10", 0, -1}, {".", 0, -1},
		{"1,5", 0, -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double v = 12345;
		int rc = expo_parse_value(cases[i].s, strlen(cases[i].s), &v);
		assert_int_equal(rc, cases[i].ok);
		if (rc == 0 && isnan(cases[i].v))
			assert_true(isnan(v));
		else if (rc == 0)
			assert_true(v == cases[i].v);
	}
}

static void test_errors(void **state)
{
	(void)state;
	static const struct { const char *text; const char *msg; } cases[] = {
		{"a{b=\"c} 1\n", "line 1: unterminated label value"},
		{"ok 1\na{b=\"\\x\"} 1\n", "line 2: invalid escape"},
		{"a{b=\"1\",b=\"2\"} 1\n", "duplicate label 'b'"},
		{"a{=\"1\"} 1\n", "expected a label name"},
		{"a{b \"1\"} 1\n", "expected '=' after label name 'b'"},
		{"a{b=1} 1\n", "expected '\"'"},
		{"a{b=\"1\" c=\"2\"} 1\n", "expected ',' or '}'"},
		{"a\n", "missing value"},
		{"a one\n", "invalid value 'one'"},
		{"a 1 soon\n", "invalid timestamp 'soon'"},
		{"a 1 2 3\n", "unexpected text after the value"},
		{"9a 1\n", "expected a metric name"},
		{"a{\"x.y\"} 1\n", "quoted (UTF-8)"},
		{"# TYPE a banana\n", "unknown metric type 'banana'"},
		{"# EOF\na 1\n", "line 2: data after # EOF"},
		{"a-b 1\n", "unexpected '-'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct expo_doc d;
		char err[256] = "";
		assert_int_equal(parse(&d, cases[i].text, false, err, sizeof err), -1);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: '%s' does not contain '%s'", i, err, cases[i].msg);
		expo_doc_done(&d);
	}
}

static void test_hostile(void **state)
{
	(void)state;
	struct expo_doc d;
	char err[256];
	/* A line longer than the limit. */
	size_t n = EXPO_MAX_LINE + 10;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	assert_int_equal(parse(&d, big, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "line longer than"));
	expo_doc_done(&d);
	/* Too many labels. */
	char *p = big;
	p += sprintf(p, "m{");
	for (int i = 0; i <= EXPO_MAX_LABELS; i++)
		p += sprintf(p, "l%d=\"v\",", i);
	sprintf(p, "} 1\n");
	assert_int_equal(parse(&d, big, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than 64 labels"));
	expo_doc_done(&d);
	/* An over-long name. */
	memset(big, 'n', EXPO_MAX_NAME + 1);
	strcpy(big + EXPO_MAX_NAME + 1, " 1\n");
	assert_int_equal(parse(&d, big, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "longer than 512"));
	expo_doc_done(&d);
	free(big);
	/* An embedded NUL. */
	expo_doc_init(&d);
	assert_int_equal(expo_parse(&d, "a 1\nb\0 2\n", 9, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 2: NUL byte"));
	assert_int_equal(d.n_samples, 1); /* what came before the bad line is kept */
	expo_doc_done(&d);
	/* No trailing newline, comments of every kind, CRLF. */
	assert_int_equal(parse(&d, "# just a comment\n#\n# HELP x\\n\\\\ y\r\nx 2", false, err,
	                       sizeof err), -1); /* # HELP needs a name then text: "x\n..." bad */
	expo_doc_done(&d);
	assert_int_equal(parse(&d, "# just a comment\n#\n# HELP x a\\nb\\\\\r\nx 2", false, err,
	                       sizeof err), 0);
	assert_int_equal(d.n_samples, 1);
	assert_string_equal(d.families[0].help, "a\nb\\");
	expo_doc_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_format), cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_linkerd_quirk), cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_values), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
