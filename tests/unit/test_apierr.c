/* test_apierr.c: Status objects and HTTP codes to operator messages: conflict, invalid with
 * causes, forbidden, unauthorized, not found, gone, throttling, transport errors, non-JSON
 * bodies, and sanitising of server text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/apierr.h"

#include <string.h>

static enum apierr_kind parse(struct apierr *e, long status, const char *body)
{
	return apierr_from_response(e, status, body, body ? strlen(body) : 0, NULL,
	                            "patch httproute default/web", "https://k:6443");
}

static void test_ok(void **state)
{
	struct apierr e;
	assert_int_equal(parse(&e, 200, "{}"), APIERR_NONE);
	assert_null(e.message);
	apierr_done(&e);
}

static void test_conflict(void **state)
{
	struct apierr e;
	const char *b = "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Operation cannot "
	                "be fulfilled on httproutes.gateway.networking.k8s.io \\\"web\\\": the object "
	                "has been modified; please apply your changes to the latest version and try "
	                "again\",\"reason\":\"Conflict\",\"code\":409}";
	assert_int_equal(parse(&e, 409, b), APIERR_CONFLICT);
	assert_string_equal(e.reason, "Conflict");
	assert_non_null(strstr(e.message, "patch httproute default/web: Operation cannot"));
	assert_non_null(strstr(e.message, "reload it and apply your change again"));
	assert_false(apierr_retryable(&e));
	apierr_done(&e);
}

static void test_invalid_causes(void **state)
{
	struct apierr e;
	const char *b =
		"{\"kind\":\"Status\",\"message\":\"HTTPRoute.gateway.networking.k8s.io \\\"web\\\" is "
		"invalid: spec.rules[0].timeouts.request: Invalid value: \\\"abc\\\"\",\"reason\":"
		"\"Invalid\",\"details\":{\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":"
		"\"Invalid value: \\\"abc\\\"\",\"field\":\"spec.rules[0].timeouts.request\"},"
		"{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":"
		"\"spec.parentRefs\"}]},\"code\":422}";
	assert_int_equal(parse(&e, 422, b), APIERR_INVALID);
	assert_int_equal(e.n_causes, 2);
	assert_string_equal(e.causes[0].field, "spec.rules[0].timeouts.request");
	assert_string_equal(e.causes[1].message, "Required value");
	/* the first cause is already in the message; the second is listed */
	assert_non_null(strstr(e.message, "\n  spec.parentRefs: Required value"));
	assert_null(strstr(e.message, "\n  spec.rules[0]"));
	apierr_done(&e);
}

static void test_forbidden_and_unauthorized(void **state)
{
	struct apierr e;
	const char *b = "{\"kind\":\"Status\",\"message\":\"httproutes.gateway.networking.k8s.io "
	                "\\\"web\\\" is forbidden: User \\\"bob\\\" cannot patch resource\","
	                "\"reason\":\"Forbidden\",\"code\":403}";
	assert_int_equal(parse(&e, 403, b), APIERR_FORBIDDEN);
	assert_non_null(strstr(e.message, "User \"bob\" cannot patch"));
	assert_non_null(strstr(e.message, "RBAC"));
	apierr_done(&e);
	assert_int_equal(parse(&e, 401, "{\"kind\":\"Status\",\"message\":\"Unauthorized\"}"),
	                 APIERR_UNAUTHORIZED);
	assert_non_null(strstr(e.message, "credentials"));
	apierr_done(&e);
}

static void test_codes(void **state)
{
	struct apierr e;
	assert_int_equal(parse(&e, 404, NULL), APIERR_NOT_FOUND);
	assert_non_null(strstr(e.message, "HTTP 404"));
	apierr_done(&e);
	assert_int_equal(parse(&e, 410, "{\"kind\":\"Status\",\"reason\":\"Expired\","
	                                "\"message\":\"too old resource version\"}"),
	                 APIERR_GONE);
	apierr_done(&e);
	assert_int_equal(parse(&e, 429, NULL), APIERR_TOO_MANY);
	assert_true(apierr_retryable(&e));
	apierr_done(&e);
	assert_int_equal(parse(&e, 503, "<html>Service Unavailable</html>"), APIERR_SERVER);
	assert_non_null(strstr(e.message, "HTTP 503: <html>Service Unavailable"));
	assert_true(apierr_retryable(&e));
	apierr_done(&e);
	assert_int_equal(parse(&e, 415, NULL), APIERR_UNSUPPORTED);
	apierr_done(&e);
	assert_int_equal(parse(&e, 418, NULL), APIERR_OTHER);
	apierr_done(&e);
}

static void test_transport(void **state)
{
	struct apierr e;
	assert_int_equal(apierr_from_response(&e, 0, NULL, 0,
	                                      "Failed to connect to 127.0.0.1 port 1: Connection "
	                                      "refused",
	                                      "list httproutes", "https://127.0.0.1:1"),
	                 APIERR_TRANSPORT);
	assert_string_equal(e.message, "list httproutes: cannot reach the API server at "
	                               "https://127.0.0.1:1: Failed to connect to 127.0.0.1 port "
	                               "1: Connection refused");
	assert_true(apierr_retryable(&e));
	apierr_done(&e);
}

static void test_sanitised(void **state)
{
	struct apierr e;
	parse(&e, 400, "{\"kind\":\"Status\",\"message\":\"bad \\u001b[31mred\",\"details\":"
	               "{\"causes\":[{\"field\":\"a\\u0007\",\"message\":\"m\"}]}}");
	assert_int_equal(e.kind, APIERR_BAD_REQUEST);
	assert_null(strchr(e.message, 0x1b));
	assert_null(strchr(e.causes[0].field, 0x07));
	apierr_done(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),         cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_invalid_causes), cmocka_unit_test(test_forbidden_and_unauthorized),
		cmocka_unit_test(test_codes),      cmocka_unit_test(test_transport),
		cmocka_unit_test(test_sanitised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
