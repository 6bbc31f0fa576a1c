/* test_jdoc.c: the journal form of an object (what is kept, what is dropped, credential-like
 * annotations and last-applied-configuration never stored), hashes, managedFields reading,
 * fieldsV1 ownership (atomic lists, keyed lists, sets, indexes) and who made a change
 * (the restamped writer, the owner when the earlier version is unknown, a removal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/jdoc.h"

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", s, e.text);
	return j;
}

static void test_form_and_redaction(void **state)
{
	(void)state;
	json_t *obj = J("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\","
	                "\"namespace\":\"n\",\"resourceVersion\":\"7\",\"uid\":\"u\",\"generation\":2,"
	                "\"selfLink\":\"/x\",\"labels\":{\"app\":\"a\"},\"managedFields\":[{}],"
	                "\"annotations\":{\"owner\":\"team-a\",\"example.com/api-token\":\"s3cr3t\","
	                "\"DB_PASSWORD\":\"hunter2\",\"kubectl.kubernetes.io/last-applied-configuration\":"
	                "\"{\\\"big\\\":1}\"}},\"spec\":{\"ports\":[{\"port\":80}]},"
	                "\"status\":{\"x\":1}}");
	json_t *doc = jdoc_from_api(obj);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	assert_null(strstr(text, "s3cr3t"));
	assert_null(strstr(text, "hunter2"));
	assert_null(strstr(text, "big"));
	assert_null(strstr(text, "resourceVersion"));
	assert_null(strstr(text, "managedFields"));
	assert_null(strstr(text, "selfLink"));
	free(text);
	const json_t *ann = json_object_get(json_object_get(doc, "metadata"), "annotations");
	assert_string_equal(json_string_value(json_object_get(ann, "owner")), "team-a");
	assert_string_equal(json_string_value(json_object_get(ann, "example.com/api-token")),
	                    JDOC_REDACTED);
	assert_string_equal(json_string_value(json_object_get(ann, "DB_PASSWORD")), JDOC_REDACTED);
	assert_non_null(strstr(json_string_value(json_object_get(ann, JDOC_LAST_APPLIED)),
	                       "9 bytes, fnv "));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "metadata"),
	                                                    "generation")), 2);
	assert_non_null(json_object_get(doc, "spec"));
	assert_non_null(json_object_get(doc, "status"));
	assert_true(jdoc_secret_key("my-Credentials"));
	assert_true(jdoc_secret_key("ssh-key"));
	assert_false(jdoc_secret_key("owner"));
	/* the hash: equal documents hash equal whatever the key order; different ones differ */
	json_t *x = J("{\"a\":1,\"b\":[1,2]}"), *y = J("{\"b\":[1,2],\"a\":1}"), *z = J("{\"a\":2}");
	assert_true(jdoc_hash(x) == jdoc_hash(y));
	assert_true(jdoc_hash(x) != jdoc_hash(z));
	assert_true(jdoc_hash(NULL) == 0);
	json_decref(x);
	json_decref(y);
	json_decref(z);
	json_decref(doc);
	json_decref(obj);
}

static void test_owns(void **state)
{
	(void)state;
	json_t *doc = J("{\"spec\":{\"rules\":[{\"timeouts\":{\"request\":\"1s\"}}],"
	                "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"name\":\"http\"},"
	                "{\"port\":90,\"protocol\":\"TCP\"}],\"hosts\":[\"a\",\"b\"],"
	                "\"items\":[\"x\",\"y\"]},\"metadata\":{\"labels\":{\"app\":\"a\"}}}");
	json_t *f = J("{\"f:spec\":{\"f:rules\":{},\"f:ports\":{\"k:{\\\"port\\\":90,"
	              "\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:port\":{}}},"
	              "\"f:hosts\":{\"v:\\\"b\\\"\":{}},\"f:items\":{\"i:1\":{}}},"
	              "\"f:metadata\":{\"f:labels\":{\"f:app\":{}}}}");
	assert_true(jdoc_owns(f, "spec.rules[0].timeouts.request", doc)); /* atomic list */
	assert_true(jdoc_owns(f, "spec.rules", doc));
	assert_true(jdoc_owns(f, "spec.ports[1].port", doc));             /* keyed element */
	assert_false(jdoc_owns(f, "spec.ports[0].port", doc));            /* another key */
	assert_false(jdoc_owns(f, "spec.ports[1].name", doc));            /* not its field */
	assert_true(jdoc_owns(f, "spec.hosts[1]", doc));                  /* set member */
	assert_false(jdoc_owns(f, "spec.hosts[0]", doc));
	assert_true(jdoc_owns(f, "spec.items[1]", doc));                  /* index */
	assert_false(jdoc_owns(f, "spec.items[0]", doc));
	assert_true(jdoc_owns(f, "metadata.labels.app", doc));
	assert_false(jdoc_owns(f, "metadata.annotations.x", doc));
	assert_false(jdoc_owns(f, "not a path[", doc));
	assert_false(jdoc_owns(NULL, "spec", doc));
	json_decref(f);
	json_decref(doc);
}

#define ENTRY(m, op, t, fields) \
	"{\"manager\":\"" m "\",\"operation\":\"" op "\",\"time\":\"" t "\"," \
	"\"fieldsType\":\"FieldsV1\",\"fieldsV1\":" fields "}"

static void test_who(void **state)
{
	(void)state;
	/* helm created it; kubectl-edit changed the timeout later; the controller writes status */
	json_t *before_obj = J("{\"metadata\":{\"managedFields\":["
		ENTRY("helm", "Update", "2026-01-01T10:00:00Z", "{\"f:spec\":{\"f:rules\":{}}}") ","
		"{\"manager\":\"ctrl\",\"operation\":\"Update\",\"subresource\":\"status\","
		"\"time\":\"2026-01-01T10:00:05Z\",\"fieldsV1\":{\"f:status\":{}}}]}}");
	json_t *after_obj = J("{\"metadata\":{\"managedFields\":["
		ENTRY("helm", "Update", "2026-01-01T10:00:00Z", "{\"f:spec\":{\"f:hostnames\":{}}}") ","
		ENTRY("kubectl-edit", "Update", "2026-01-01T11:30:00Z", "{\"f:spec\":{\"f:rules\":{}}}") ","
		"{\"manager\":\"ctrl\",\"operation\":\"Update\",\"subresource\":\"status\","
		"\"time\":\"2026-01-01T10:00:05Z\",\"fieldsV1\":{\"f:status\":{}}}]}}");
	json_t *a = J("{\"spec\":{\"rules\":[{\"timeouts\":{\"request\":\"5s\"}}]}}");
	json_t *b = J("{\"spec\":{\"rules\":[{\"timeouts\":{\"request\":\"300ms\"}}]}}");
	struct objdiff d;
	objdiff_init(&d);
	objdiff_compute(&d, "", a, b);
	struct jdoc_managers before, after;
	jdoc_managers_parse(before_obj, &before);
	jdoc_managers_parse(after_obj, &after);
	assert_int_equal(after.n, 3);
	struct jdoc_who who;
	jdoc_who(&before, &after, &d, b, false, &who);
	assert_string_equal(who.manager, "kubectl-edit");
	assert_string_equal(who.operation, "Update");
	assert_int_equal(who.how, JDOC_WHO_WRITER);
	assert_true(who.time_ms == 1767267000000LL);
	/* the earlier version unknown (a start after a break): the owner of the changed field */
	jdoc_who(NULL, &after, &d, b, false, &who);
	assert_string_equal(who.manager, "kubectl-edit");
	assert_int_equal(who.how, JDOC_WHO_OWNER);
	/* the short form keeps what "restamped" needs */
	json_t *brief = jdoc_managers_brief(&before);
	struct jdoc_managers back;
	jdoc_managers_from_brief(brief, &back);
	jdoc_who(&back, &after, &d, b, false, &who);
	assert_string_equal(who.manager, "kubectl-edit");
	jdoc_managers_done(&back);
	json_decref(brief);
	/* a removal nobody owns any more: the newest writer, as a guess */
	struct objdiff rm;
	objdiff_init(&rm);
	json_t *empty = J("{\"spec\":{}}");
	objdiff_compute(&rm, "", b, empty);
	json_decref(empty);
	jdoc_who(NULL, &after, &rm, b, false, &who);
	assert_int_equal(who.how, JDOC_WHO_GUESS);
	assert_string_equal(who.manager, "kubectl-edit");
	/* status changes are the status writer's */
	jdoc_who(NULL, &after, &d, b, true, &who);
	assert_string_equal(who.manager, "ctrl");
	/* no managedFields at all */
	struct jdoc_managers none = {0};
	jdoc_who(NULL, &none, &d, b, false, &who);
	assert_int_equal(who.how, JDOC_WHO_UNKNOWN);
	assert_null(who.manager);
	objdiff_done(&rm);
	objdiff_done(&d);
	jdoc_managers_done(&before);
	jdoc_managers_done(&after);
	json_decref(a);
	json_decref(b);
	json_decref(before_obj);
	json_decref(after_obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_and_redaction),
		cmocka_unit_test(test_owns),
		cmocka_unit_test(test_who),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
