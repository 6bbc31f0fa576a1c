/* test_str.c: string helpers and the terminal sanitiser. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/buf.h"
#include "gammatop/str.h"

static void test_sanitize(void **state)
{
	char *s = str_sanitize("evil\x1b]0;pwned\x07name");
	assert_string_equal(s, "evil?]0;pwned?name");
	free(s);
	s = str_sanitize("tab\there\r\n\x7f");
	assert_string_equal(s, "tab here???");
	free(s);
	s = str_sanitize("caf\xc3\xa9 \xe2\x86\xbb"); /* valid UTF-8 kept */
	assert_string_equal(s, "caf\xc3\xa9 \xe2\x86\xbb");
	free(s);
	s = str_sanitize("bad\xc3(\xff\xc2\x9b"); /* invalid bytes and the C1 CSI */
	assert_string_equal(s, "bad?(??");
	free(s);
	/* bidi overrides and isolates (U+202E, U+2066, U+2069) reorder the line on screen */
	s = str_sanitize("ok\xe2\x80\xae" "evil\xe2\x81\xa6x\xe2\x81\xa9 \xd7\xa9\xd7\x9c");
	assert_string_equal(s, "ok?evil?x? \xd7\xa9\xd7\x9c"); /* Hebrew letters are kept */
	assert_false(str_is_safe("a\xe2\x80\x8fb"));          /* U+200F RLM */
	free(s);
	s = str_sanitize("\xed\xa0\x80"); /* surrogate */
	assert_string_equal(s, "???");
	free(s);
	s = str_sanitize(NULL);
	assert_string_equal(s, "");
	free(s);
	assert_true(str_is_safe("plain-name.ns"));
	assert_false(str_is_safe("x\x1b[2J"));
	char small[4];
	str_sanitize_into(small, sizeof small, "abcdef");
	assert_string_equal(small, "abc");
}

static void test_fit(void **state)
{
	char out[64];
	assert_int_equal(str_fit(out, sizeof out, "checkout", 20, false), 8);
	assert_string_equal(out, "checkout");
	assert_int_equal(str_fit(out, sizeof out, "checkout-service", 8, false), 8);
	assert_string_equal(out, "checkou\xe2\x80\xa6");
	str_fit(out, sizeof out, "checkout-service", 8, true);
	assert_string_equal(out, "checkou~");
	assert_int_equal(str_fit(out, sizeof out, "abc", 0, false), 0);
	assert_string_equal(out, "");
	str_fit(out, sizeof out, "a\x1b[31mb", 10, false);
	assert_string_equal(out, "a?[31mb");
}

static void test_misc(void **state)
{
	assert_true(str_eq(NULL, NULL));
	assert_false(str_eq("a", NULL));
	assert_true(str_starts("httproute/x", "httproute/"));
	assert_true(str_ends("a.yaml", ".yaml"));
	assert_false(str_ends("a", ".yaml"));
	assert_string_equal(str_or("", "x"), "x");
	size_t n;
	char **l = str_split("502,503,,504", ',', &n);
	assert_int_equal(n, 4);
	assert_string_equal(l[1], "503");
	assert_string_equal(l[2], "");
	assert_null(l[4]);
	str_list_free(l);
	l = str_split("", ',', &n);
	assert_int_equal(n, 0);
	str_list_free(l);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%d-%s", 42, "x");
	buf_puts(&b, "yz");
	assert_string_equal(buf_str(&b), "42-xyz");
	buf_consume(&b, 3);
	assert_string_equal(buf_str(&b), "xyz");
	char *st = buf_steal(&b);
	assert_string_equal(st, "xyz");
	assert_string_equal(buf_str(&b), "");
	free(st);
}

static void test_errf(void **state)
{
	(void)state;
	char err[8] = "old";
	str_errf(err, sizeof err, "%s %d", "cache", 42);
	assert_string_equal(err, "cache 4"); /* truncated, NUL-terminated */
	str_errf(err, 0, "%s", "untouched");
	assert_string_equal(err, "cache 4");
	str_errf(NULL, 10, "%s", "no buffer: no crash");
}

/* JSON post-pass: C1, DEL and bidi controls escaped, everything else byte for byte. */
static void test_json_escape(void **state)
{
	(void)state;
	char *s = str_json_escape("{\n  \"name\": \"a\xc2\x9b" "31mb\xe2\x80\xae" "c\x7f\"\n}");
	assert_string_equal(s, "{\n  \"name\": \"a\\u009b31mb\\u202ec\\u007f\"\n}");
	free(s);
	/* every bidi control, U+061C ALM and U+200E/F; neighbours are kept */
	s = str_json_escape("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f\xe2\x80\xaa\xe2\x80\xab"
	                    "\xe2\x80\xac\xe2\x80\xad\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8"
	                    "\xe2\x81\xa9|\xe2\x80\x8d\xe2\x80\xaf\xc2\xa0\xc2\x80\xc2\x9f");
	assert_string_equal(s, "\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d"
	                       "\\u2066\\u2067\\u2068\\u2069|\xe2\x80\x8d\xe2\x80\xaf\xc2\xa0"
	                       "\\u0080\\u009f");
	free(s);
	/* plain text, other UTF-8 and formatting newlines are untouched */
	s = str_json_escape("[\n  \"caf\xc3\xa9 \xd7\xa9\xf0\x9f\x98\x80\"\n]");
	assert_string_equal(s, "[\n  \"caf\xc3\xa9 \xd7\xa9\xf0\x9f\x98\x80\"\n]");
	free(s);
	s = str_json_escape(NULL);
	assert_string_equal(s, "");
	free(s);
	s = str_escape_controls("a,\x1b[2J\xc2\x9b\xe2\x80\xae\xff\xc3\xa9\t");
	assert_string_equal(s, "a,\\u001b[2J\\u009b\\u202e?\xc3\xa9\\u0009");
	free(s);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_errf),
		cmocka_unit_test(test_json_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
