/* test_watchsplit.c: the watch stream splitter: events split across writes, several packed
 * in one write, garbage and blank lines, an over-long line, a half line at the end, and the
 * stop-on-callback contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/watchsplit.h"

#include <stdio.h>
#include <string.h>

struct seen {
	char log[2048];
	int n;
	int stop_at; /* stop after this many events (0 = never) */
};

static int record(enum watch_type t, json_t *obj, void *ud)
{
	struct seen *s = ud;
	const char *name =
		json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	const char *rv = json_string_value(
		json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
	size_t l = strlen(s->log);
	snprintf(s->log + l, sizeof s->log - l, "%s:%s:%s;", watchsplit_type_name(t),
	         name ? name : "-", rv ? rv : "-");
	s->n++;
	return s->stop_at && s->n >= s->stop_at;
}

#define EV(type, name, rv)                                                                    \
	"{\"type\":\"" type "\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"name\":\"" name \
	"\",\"namespace\":\"d\",\"resourceVersion\":\"" rv "\"}}}\n"

static const char stream[] = EV("ADDED", "a", "1") EV("MODIFIED", "a", "2")
	"{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"7\"}}}\n"
	EV("DELETED", "a", "8");
static const char expect[] = "ADDED:a:1;MODIFIED:a:2;BOOKMARK:-:7;DELETED:a:8;";

static void test_whole(void **state)
{
	struct watchsplit ws;
	struct seen s = {0};
	watchsplit_init(&ws);
	assert_int_equal(watchsplit_feed(&ws, stream, strlen(stream), record, &s), 0);
	assert_string_equal(s.log, expect);
	assert_int_equal(ws.events, 4);
	assert_int_equal(ws.garbage, 0);
	assert_int_equal(watchsplit_end(&ws), 0);
	watchsplit_done(&ws);
}

/* Every split point, and byte by byte. */
static void test_split_everywhere(void **state)
{
	size_t n = strlen(stream);
	for (size_t cut = 0; cut <= n; cut++) {
		struct watchsplit ws;
		struct seen s = {0};
		watchsplit_init(&ws);
		watchsplit_feed(&ws, stream, cut, record, &s);
		watchsplit_feed(&ws, stream + cut, n - cut, record, &s);
		assert_string_equal(s.log, expect);
		watchsplit_done(&ws);
	}
	struct watchsplit ws;
	struct seen s = {0};
	watchsplit_init(&ws);
	for (size_t i = 0; i < n; i++)
		watchsplit_feed(&ws, stream + i, 1, record, &s);
	assert_string_equal(s.log, expect);
	watchsplit_done(&ws);
}

static void test_garbage_and_blank(void **state)
{
	const char *in = "\n\r\nnot json\n{\"type\":\"NOPE\",\"object\":{}}\n"
	                 "{\"type\":\"ADDED\",\"object\":\"x\"}\n[1,2]\n" EV("ADDED", "b", "3")
	                 "   \n";
	struct watchsplit ws;
	struct seen s = {0};
	watchsplit_init(&ws);
	watchsplit_feed(&ws, in, strlen(in), record, &s);
	assert_string_equal(s.log, "ADDED:b:3;");
	assert_int_equal(ws.garbage, 4);
	watchsplit_done(&ws);
}

static void test_half_line_at_end(void **state)
{
	const char *in = EV("ADDED", "c", "4") "{\"type\":\"MODIFIED\",\"obj";
	struct watchsplit ws;
	struct seen s = {0};
	watchsplit_init(&ws);
	watchsplit_feed(&ws, in, strlen(in), record, &s);
	assert_string_equal(s.log, "ADDED:c:4;");
	assert_int_equal(watchsplit_end(&ws), strlen("{\"type\":\"MODIFIED\",\"obj"));
	assert_int_equal(ws.garbage, 1);
	/* The next stream starts clean. */
	watchsplit_feed(&ws, EV("ADDED", "d", "5"), strlen(EV("ADDED", "d", "5")), record, &s);
	assert_string_equal(s.log, "ADDED:c:4;ADDED:d:5;");
	watchsplit_done(&ws);
}

static void test_too_long_line(void **state)
{
	struct watchsplit ws;
	struct seen s = {0};
	watchsplit_init(&ws);
	ws.max_line = 64;
	char big[300];
	memset(big, 'x', sizeof big);
	/* over-long line in pieces, then a good event in the same write as its end */
	watchsplit_feed(&ws, big, 100, record, &s);
	watchsplit_feed(&ws, big, 100, record, &s);
	const char *tail = "xxx\n" EV("ADDED", "e", "6");
	/* EV is longer than 64: raise the limit for the good line check after the bad one */
	ws.max_line = 1024;
	watchsplit_feed(&ws, tail, strlen(tail), record, &s);
	assert_string_equal(s.log, "ADDED:e:6;");
	assert_int_equal(ws.garbage, 1);
	/* an over-long complete line inside one write */
	ws.max_line = 10;
	const char *two = "0123456789abcdef\n\n";
	watchsplit_feed(&ws, two, strlen(two), record, &s);
	assert_int_equal(ws.garbage, 2);
	watchsplit_done(&ws);
}

static void test_stop(void **state)
{
	struct watchsplit ws;
	struct seen s = {.stop_at = 2};
	watchsplit_init(&ws);
	assert_int_not_equal(watchsplit_feed(&ws, stream, strlen(stream), record, &s), 0);
	assert_string_equal(s.log, "ADDED:a:1;MODIFIED:a:2;");
	watchsplit_done(&ws);
}

static void test_types(void **state)
{
	assert_int_equal(watchsplit_type("ERROR"), WATCH_ERROR);
	assert_int_equal(watchsplit_type("added"), -1);
	assert_int_equal(watchsplit_type(NULL), -1);
	assert_string_equal(watchsplit_type_name(WATCH_BOOKMARK), "BOOKMARK");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),          cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_garbage_and_blank), cmocka_unit_test(test_half_line_at_end),
		cmocka_unit_test(test_too_long_line),  cmocka_unit_test(test_stop),
		cmocka_unit_test(test_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
