/* test_duration.c: GEP-2257 duration parsing, validation and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/duration.h"

static void test_valid(void **state)
{
	static const struct { const char *in; uint64_t ms; } cases[] = {
		{"0s", 0}, {"0h", 0}, {"1ms", 1}, {"500ms", 500}, {"10s", 10000}, {"1m30s", 90000},
		{"1h", 3600000}, {"1h30m", 5400000}, {"99999h", 99999ULL * 3600000},
		{"1h2m3s4ms", 3723004}, {"1s1s", 2000}, {"00001s", 1000}, {"2m1h", 3720000},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t ms = 12345;
		char err[128] = "";
		assert_int_equal(duration_parse(cases[i].in, &ms, err, sizeof err), 0);
		assert_int_equal(ms, cases[i].ms);
		assert_true(duration_valid(cases[i].in));
	}
}

static void test_invalid(void **state)
{
	static const struct { const char *in; const char *why; } cases[] = {
		{"", "empty"}, {"0", "missing unit"}, {"1.5s", "fractions"}, {"100000s", "5 digits"},
		{"-1s", "negative"}, {"1d", "unknown unit"}, {"1h1m1s1ms1s", "4 components"},
		{"s", "number"}, {"1S", "unknown unit"}, {" 1s", "number"}, {"1s ", "number"},
		{"1us", "unknown unit"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[128] = "";
		assert_int_equal(duration_parse(cases[i].in, NULL, err, sizeof err), -1);
		assert_non_null(strstr(err, cases[i].why));
		assert_false(duration_valid(cases[i].in));
	}
	assert_int_equal(duration_parse(NULL, NULL, NULL, 0), -1);
}

static void test_format(void **state)
{
	char buf[32];
	assert_string_equal(duration_format(0, buf, sizeof buf), "0s");
	assert_string_equal(duration_format(1, buf, sizeof buf), "1ms");
	assert_string_equal(duration_format(90000, buf, sizeof buf), "1m30s");
	assert_string_equal(duration_format(3723004, buf, sizeof buf), "1h2m3s4ms");
	assert_string_equal(duration_format(UINT64_MAX, buf, sizeof buf), "99999h59m59s999ms");
	assert_string_equal(duration_human(1500, buf, sizeof buf), "1.5s");
	assert_string_equal(duration_human(250, buf, sizeof buf), "250ms");
	assert_string_equal(duration_human(150000, buf, sizeof buf), "2m30s");
	/* Formatting always gives something the parser accepts, and round-trips. */
	for (uint64_t ms = 0; ms < DURATION_MAX_MS; ms = ms * 3 + 7) {
		uint64_t back;
		duration_format(ms, buf, sizeof buf);
		assert_int_equal(duration_parse(buf, &back, NULL, 0), 0);
		assert_int_equal(back, ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
