/* test_kevents.c: reading Events of both APIs (events.k8s.io/v1 and core v1: note/message,
 * regarding/involvedObject, series/eventTime/lastTimestamp, counts, the reporting
 * controller in its three places), keeping only the object's own, newest first; answers that
 * are no EventList; and the Event gammatop writes (events.k8s.io/v1: name, namespace,
 * microsecond eventTime, reporting controller and instance, regarding, one-line note cut to
 * 1 kB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "gammatop/kevents.h"

static void test_parse_both_forms(void **state)
{
	(void)state;
	static const char body[] =
		"{\"kind\":\"EventList\",\"items\":["
		"{\"metadata\":{\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"eventTime\":\"2026-01-01T10:00:00.000000Z\","
		" \"reportingController\":\"gammatop\",\"reason\":\"GammatopPolicyChange\",\"type\":\"Normal\","
		" \"action\":\"SetPolicy\",\"note\":\"n1\",\"regarding\":{\"kind\":\"HTTPRoute\",\"name\":\"api\"}},"
		"{\"involvedObject\":{\"kind\":\"HTTPRoute\",\"name\":\"api\"},\"message\":\"m2\",\"type\":\"Warning\","
		" \"reason\":\"Tuned\",\"source\":{\"component\":\"tuner\"},\"count\":4,"
		" \"lastTimestamp\":\"2026-01-01T12:00:00Z\",\"firstTimestamp\":\"2026-01-01T01:00:00Z\"},"
		"{\"involvedObject\":{\"kind\":\"Service\",\"name\":\"api\"},\"message\":\"not ours\"},"
		"{\"regarding\":{\"kind\":\"HTTPRoute\",\"name\":\"other\"},\"note\":\"not ours\"},"
		"{\"regarding\":{\"kind\":\"HTTPRoute\",\"name\":\"api\"},\"note\":\"n3\",\"reportingController\":\"\","
		" \"deprecatedSource\":{\"component\":\"old\"},\"series\":{\"count\":7,"
		" \"lastObservedTime\":\"2026-01-01T11:00:00.000000Z\"},\"eventTime\":\"2026-01-01T09:00:00.000000Z\"}"
		"]}";
	struct kevents ev;
	char err[256];
	assert_int_equal(kevents_parse(body, strlen(body), "HTTPRoute", "api", &ev, err, sizeof err), 0);
	assert_int_equal(ev.n, 3);
	/* newest first: m2 (12:00), n3 (its series: 11:00), n1 (10:00) */
	assert_string_equal(ev.items[0].note, "m2");
	assert_string_equal(ev.items[0].controller, "tuner");
	assert_int_equal(ev.items[0].count, 4);
	assert_string_equal(ev.items[0].type, "Warning");
	assert_string_equal(ev.items[1].note, "n3");
	assert_string_equal(ev.items[1].controller, "old");
	assert_int_equal(ev.items[1].count, 7);
	assert_true(ev.items[1].time_ms == 1767265200000LL);
	assert_string_equal(ev.items[2].note, "n1");
	assert_string_equal(ev.items[2].controller, "gammatop");
	assert_string_equal(ev.items[2].action, "SetPolicy");
	assert_int_equal(ev.items[2].count, 1);
	kevents_done(&ev);
	/* any object */
	assert_int_equal(kevents_parse(body, strlen(body), NULL, NULL, &ev, err, sizeof err), 0);
	assert_int_equal(ev.n, 5);
	kevents_done(&ev);
}

static void test_parse_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "[]", "not json", "{\"items\":{}}", "{\"items\":3}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct kevents ev;
		char err[256] = "";
		if (kevents_parse(bad[i], strlen(bad[i]), NULL, NULL, &ev, err, sizeof err) != -1)
			fail_msg("'%s' was taken for an EventList", bad[i]);
		assert_true(err[0] != '\0');
		assert_int_equal(ev.n, 0);
	}
	struct kevents ev;
	char err[256];
	assert_int_equal(kevents_parse("{\"items\":null}", 14, NULL, NULL, &ev, err, sizeof err), 0);
	assert_int_equal(ev.n, 0);
}

static void test_body(void **state)
{
	(void)state;
	char note[2000];
	memset(note, 'x', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	note[5] = '\n';
	struct kevent_post p = {.kind = GT_HTTPROUTE, .ns = "shop", .name = "api", .uid = "u-1",
	                        .reason = KEVENTS_REASON_CHANGE, .action = "SetPolicy", .note = note};
	json_t *e = kevents_body(&p, "gateway.networking.k8s.io/v1", 1767225600123LL, "gammatop@h");
	assert_string_equal(json_string_value(json_object_get(e, "apiVersion")), "events.k8s.io/v1");
	const json_t *md = json_object_get(e, "metadata");
	assert_string_equal(json_string_value(json_object_get(md, "namespace")), "shop");
	assert_string_equal(json_string_value(json_object_get(md, "name")), "api.18867251f54ed4c0");
	assert_string_equal(json_string_value(json_object_get(e, "eventTime")), "2026-01-01T00:00:00.123000Z");
	assert_string_equal(json_string_value(json_object_get(e, "reportingController")), "gammatop");
	assert_string_equal(json_string_value(json_object_get(e, "reportingInstance")), "gammatop@h");
	assert_string_equal(json_string_value(json_object_get(e, "type")), "Normal");
	assert_string_equal(json_string_value(json_object_get(e, "reason")), "GammatopPolicyChange");
	const char *n = json_string_value(json_object_get(e, "note"));
	assert_int_equal(strlen(n), 1024);
	assert_null(strchr(n, '\n'));
	const json_t *r = json_object_get(e, "regarding");
	assert_string_equal(json_string_value(json_object_get(r, "apiVersion")), "gateway.networking.k8s.io/v1");
	assert_string_equal(json_string_value(json_object_get(r, "kind")), "HTTPRoute");
	assert_string_equal(json_string_value(json_object_get(r, "uid")), "u-1");
	json_decref(e);
	/* a cluster-scoped object's Events go to "default" */
	struct kevent_post q = {.kind = GT_GATEWAYCLASS, .name = "gc", .reason = "R", .note = "n"};
	e = kevents_body(&q, "gateway.networking.k8s.io/v1", 0, "i");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "metadata"), "namespace")),
	                    "default");
	assert_null(json_object_get(json_object_get(e, "regarding"), "namespace"));
	json_decref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_both_forms),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
