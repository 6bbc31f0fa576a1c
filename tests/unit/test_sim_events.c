/* test_sim_events.c: the simulator's managedFields writers and its Events: the manager of a
 * request (fieldManager, else the User-Agent's product token as kube-apiserver derives it),
 * an Update recorded without touching the stored version, Event validation of both APIs,
 * their field selector labels, and a write mirrored into the other API's form (and its
 * deletion). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/sim/sim.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return j;
}

static void test_manager(void **state)
{
	(void)state;
	char buf[160];
	struct request rq = {.query = "fieldManager=team-a", .user_agent = "kubectl/v1.32.4"};
	assert_string_equal(managed_manager(&rq, "unknown", buf, sizeof buf), "team-a");
	rq.query = NULL;
	assert_string_equal(managed_manager(&rq, "unknown", buf, sizeof buf), "kubectl");
	rq.user_agent = "kubectl/v1.32.4 (linux/amd64) kubernetes/abc";
	assert_string_equal(managed_manager(&rq, "unknown", buf, sizeof buf), "kubectl");
	rq.user_agent = "my\ttool\x01x/2";
	assert_string_equal(managed_manager(&rq, "unknown", buf, sizeof buf), "mytoolx");
	rq.user_agent = "/only-a-version";
	assert_string_equal(managed_manager(&rq, "unknown", buf, sizeof buf), "unknown");
	rq.user_agent = NULL;
	assert_string_equal(managed_manager(&rq, "unknown-merge", buf, sizeof buf), "unknown-merge");
	char longua[400];
	memset(longua, 'a', sizeof longua - 1);
	longua[sizeof longua - 1] = '\0';
	rq.user_agent = longua;
	assert_int_equal(strlen(managed_manager(&rq, "unknown", buf, sizeof buf)), 128);
}

static void test_track(void **state)
{
	(void)state;
	json_t *old = J("{\"metadata\":{\"name\":\"r\",\"annotations\":{\"a\":\"1\"}},\"spec\":{\"x\":1}}");
	json_t *nw = json_copy(old); /* shares metadata with old, as the sim's writers do */
	json_t *m = json_copy(json_object_get(old, "metadata"));
	json_object_set_new(m, "annotations", J("{\"a\":\"2\"}"));
	json_object_set_new(nw, "metadata", m);
	managed_track(RES_HTTPROUTE, old, nw, MANAGED_CHURN, NULL);
	const json_t *mf = json_object_get(json_object_get(nw, "metadata"), "managedFields");
	assert_int_equal(json_array_size(mf), 1);
	const json_t *e = json_array_get(mf, 0);
	assert_string_equal(json_str(e, "manager"), MANAGED_CHURN);
	assert_string_equal(json_str(e, "operation"), "Update");
	assert_string_equal(json_str(e, "apiVersion"), "gateway.networking.k8s.io/v1");
	assert_non_null(json_object_get(json_object_get(json_object_get(json_object_get(e, "fieldsV1"),
	                                                                "f:metadata"), "f:annotations"), "f:a"));
	assert_null(json_object_get(json_object_get(old, "metadata"), "managedFields"));
	json_decref(old);
	json_decref(nw);
}

/* managedFields in the API server's order: Apply first, then by time, manager, apiVersion,
 * subresource (sortEncodedManagedFields). */
static void test_sort(void **state)
{
	(void)state;
	json_t *o = J("{\"metadata\":{\"managedFields\":["
	              "{\"manager\":\"ctl\",\"operation\":\"Update\",\"subresource\":\"status\",\"time\":\"2026-01-01T00:00:02Z\"},"
	              "{\"manager\":\"b\",\"operation\":\"Update\",\"time\":\"2026-01-01T00:00:01Z\"},"
	              "{\"manager\":\"a\",\"operation\":\"Update\",\"time\":\"2026-01-01T00:00:01Z\"},"
	              "{\"manager\":\"z\",\"operation\":\"Apply\",\"time\":\"2026-01-01T00:00:09Z\"}]}}");
	json_t *before = json_incref(json_object_get(json_object_get(o, "metadata"), "managedFields"));
	managed_sort(o);
	const json_t *mf = json_object_get(json_object_get(o, "metadata"), "managedFields");
	static const char *const want[] = {"z", "a", "b", "ctl"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(json_str(json_array_get(mf, i), "manager"), want[i]);
	assert_string_equal(json_str(json_array_get(before, 0), "manager"), "ctl"); /* not in place */
	json_decref(before);
	json_decref(o);
}

static void test_event_rules(void **state)
{
	(void)state;
	json_t *ok1 = J("{\"metadata\":{\"namespace\":\"n\"},\"eventTime\":\"2026-01-01T00:00:00.000000Z\","
	                "\"reportingController\":\"c\",\"reportingInstance\":\"i\",\"action\":\"A\","
	                "\"reason\":\"R\",\"type\":\"Normal\",\"regarding\":{\"kind\":\"HTTPRoute\","
	                "\"name\":\"r\",\"namespace\":\"n\"}}");
	assert_null(events_validate(RES_EVENT_V1, ok1));
	json_t *bad = J("{\"metadata\":{\"namespace\":\"n\"},\"type\":\"Odd\",\"regarding\":"
	                "{\"kind\":\"HTTPRoute\",\"name\":\"r\",\"namespace\":\"elsewhere\"}}");
	json_t *c = events_validate(RES_EVENT_V1, bad);
	assert_non_null(c);
	char *text = json_dumps(c, JSON_COMPACT);
	assert_non_null(strstr(text, "\"field\":\"eventTime\""));
	assert_non_null(strstr(text, "\"field\":\"regarding.namespace\""));
	assert_non_null(strstr(text, "\"field\":\"type\""));
	free(text);
	json_decref(c);
	json_t *core = J("{\"metadata\":{\"namespace\":\"n\"},\"involvedObject\":{\"kind\":\"HTTPRoute\","
	                 "\"name\":\"r\"},\"reason\":\"R\",\"source\":{\"component\":\"ctl\"}}");
	assert_null(events_validate(RES_EVENT, core));
	const char *v;
	assert_int_equal(events_field(core, "involvedObject.kind", &v), 1);
	assert_string_equal(v, "HTTPRoute");
	assert_int_equal(events_field(ok1, "involvedObject.name", &v), 1); /* either form */
	assert_string_equal(v, "r");
	assert_int_equal(events_field(core, "regarding.uid", &v), 1);
	assert_null(v);
	assert_int_equal(events_field(core, "source", &v), 1);
	assert_string_equal(v, "ctl");
	assert_int_equal(events_field(ok1, "reportingComponent", &v), 1);
	assert_string_equal(v, "c");
	assert_int_equal(events_field(core, "spec.nodeName", &v), 0);
	assert_int_equal(events_field(NULL, "reason", &v), 1); /* a watch's selector check */
	json_decref(ok1);
	json_decref(bad);
	json_decref(core);
}

static void test_mirror(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, 64);
	json_t *ev = J("{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"metadata\":"
	               "{\"name\":\"r.1\",\"namespace\":\"n\"},\"note\":\"hello\",\"reportingController\":"
	               "\"gammatop\",\"deprecatedCount\":2,\"regarding\":{\"kind\":\"HTTPRoute\",\"name\":\"r\"}}");
	const json_t *stored = objects_put(&s.objs, RES_EVENT_V1, ev);
	events_mirror(&s, RES_EVENT_V1, stored);
	const json_t *core = objects_get(&s.objs, RES_EVENT, "n", "r.1");
	assert_non_null(core);
	assert_string_equal(json_str(core, "apiVersion"), "v1");
	assert_string_equal(json_str(core, "message"), "hello");
	assert_string_equal(json_str(core, "reportingComponent"), "gammatop");
	assert_int_equal(json_integer_value(json_object_get(core, "count")), 2);
	assert_string_equal(json_str(json_object_get(core, "involvedObject"), "name"), "r");
	assert_null(json_object_get(core, "note"));
	assert_string_equal(meta_str(core, "uid"), meta_str(stored, "uid"));
	json_decref(objects_delete(&s.objs, RES_EVENT_V1, "n", "r.1"));
	events_mirror_delete(&s, RES_EVENT_V1, "n", "r.1");
	assert_null(objects_get(&s.objs, RES_EVENT, "n", "r.1"));
	assert_true(events_is(RES_EVENT) && events_is(RES_EVENT_V1) && !events_is(RES_POD));
	sim_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manager),
		cmocka_unit_test(test_track),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_event_rules),
		cmocka_unit_test(test_mirror),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
