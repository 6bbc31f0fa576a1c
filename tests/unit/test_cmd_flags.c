/* test_cmd_flags.c: gammatop's command line reads as kubectl's (spf13/pflag's parser, as
 * kubectl 1.32 uses it; expectations from pflag's flag_test.go/bool_test.go behaviour and
 * client-go clientcmd.ParseTimeout): value forms, bool forms, interleaving, "--", errors;
 * and the value parsers (Go ParseBool, time.ParseDuration, --request-timeout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_flags.h"

enum { F_NS = 'n', F_OUT = 'o', F_ALL = 'A', F_YES = 'y', F_KC = 1000, F_DRY, F_GROUP };

static const struct cmd_option opts[] = {
	{"namespace", 1, F_NS, "NS", ""},
	{"output", 1, F_OUT, "FORMAT", ""},
	{"all-namespaces", 0, F_ALL, NULL, ""},
	{"yes", 0, F_YES, NULL, ""},
	{"kubeconfig", 1, F_KC, "FILE", ""},
	{"dry-run", 0, F_DRY, NULL, ""},
	{"as-group", 1, F_GROUP, "G", ""},
	{NULL, 0, 0, NULL, NULL},
};

/* What the callback saw, as "name=value;" in order. */
static char seen[1024];

static int record(const struct cmd_option *o, const char *value, void *ud)
{
	(void)ud;
	size_t n = strlen(seen);
	snprintf(seen + n, sizeof seen - n, "%s=%s;", o->name, value);
	return 0;
}

static size_t count_words(const char *line)
{
	size_t n = 0;
	for (const char *p = line; *p; p++)
		n += *p != ' ' && (p == line || p[-1] == ' ');
	return n;
}

/* Parse a space-separated line ("" words not possible: tests do not need them). */
static int parse(const char *line, char **argv, int *argc, char *buf, char *err)
{
	strcpy(buf, line);
	*argc = 0;
	argv[(*argc)++] = "cmd";
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[(*argc)++] = t;
	argv[*argc] = NULL;
	seen[0] = '\0';
	const struct cmd_option *tables[] = {opts, NULL};
	return cmd_flags_parse(*argc, argv, tables, record, NULL, err, 256);
}

static void test_value_forms(void **state)
{
	(void)state;
	char *argv[32], buf[512], err[256];
	int argc;
	/* kubectl: -o json, -ojson, -o=json, --output json, --output=json all mean the same */
	const char *forms[] = {"-o json", "-ojson", "-o=json", "--output json", "--output=json"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(parse(forms[i], argv, &argc, buf, err), 1 + (int)count_words(forms[i]));
		assert_string_equal(seen, "output=json;");
	}
	/* an empty value after '=' is a value */
	assert_int_equal(parse("--namespace=", argv, &argc, buf, err), 1 + (int)count_words("--namespace="));
	assert_string_equal(seen, "namespace=;");
	/* the next word is the value even when it starts with '-' (pflag takes a[0]) */
	assert_int_equal(parse("-n -x", argv, &argc, buf, err), 1 + (int)count_words("-n -x"));
	assert_string_equal(seen, "namespace=-x;");
	/* '_' is read as '-' (kubectl's WordSepNormalizeFunc) */
	assert_int_equal(parse("--all_namespaces --as_group=a --as-group b", argv, &argc, buf, err), 1 + (int)count_words("--all_namespaces --as_group=a --as-group b"));
	assert_string_equal(seen, "all-namespaces=true;as-group=a;as-group=b;");
}

static void test_bool_forms(void **state)
{
	(void)state;
	char *argv[32], buf[512], err[256];
	int argc;
	assert_true(parse("--yes --dry-run=false -A=false", argv, &argc, buf, err) > 0);
	assert_string_equal(seen, "yes=true;dry-run=false;all-namespaces=false;");
	/* Go's ParseBool spellings */
	assert_true(parse("--yes=T --yes=0 --yes=FALSE --yes=True --yes=1", argv, &argc, buf, err) > 0);
	assert_string_equal(seen, "yes=true;yes=false;yes=false;yes=true;yes=true;");
	/* a bool takes no next word: "false" stays an operand (pflag's NoOptDefVal) */
	int idx = parse("--yes false", argv, &argc, buf, err);
	assert_int_equal(idx, 2);
	assert_string_equal(argv[idx], "false");
	/* shorthands combine: -Ay; with a value last: -Ayojson */
	assert_true(parse("-Ay", argv, &argc, buf, err) > 0);
	assert_string_equal(seen, "all-namespaces=true;yes=true;");
	assert_true(parse("-Ayojson", argv, &argc, buf, err) > 0);
	assert_string_equal(seen, "all-namespaces=true;yes=true;output=json;");
	assert_int_equal(parse("--yes=maybe", argv, &argc, buf, err), -1);
	assert_non_null(strstr(err, "invalid argument \"maybe\""));
}

static void test_interleaving(void **state)
{
	(void)state;
	char *argv[32], buf[512], err[256];
	int argc;
	/* flags anywhere, operands kept in order after the flags */
	int idx = parse("a -n ns b --yes c", argv, &argc, buf, err);
	assert_int_equal(idx, 4);
	assert_int_equal(argc, 7);
	assert_string_equal(argv[4], "a");
	assert_string_equal(argv[5], "b");
	assert_string_equal(argv[6], "c");
	assert_string_equal(seen, "namespace=ns;yes=true;");
	/* "--" ends the flags; "-" is an operand */
	idx = parse("x -- -n --yes - y", argv, &argc, buf, err);
	assert_string_equal(seen, "");
	assert_int_equal(argc - idx, 5);
	assert_string_equal(argv[idx], "x");
	assert_string_equal(argv[idx + 1], "-n");
	assert_string_equal(argv[idx + 3], "-");
	idx = parse("- -y", argv, &argc, buf, err);
	assert_string_equal(argv[idx], "-");
	assert_string_equal(seen, "yes=true;");
}

static void test_errors(void **state)
{
	(void)state;
	char *argv[32], buf[512], err[256];
	int argc;
	assert_int_equal(parse("--nope", argv, &argc, buf, err), -1);
	assert_string_equal(err, "unknown flag: --nope");
	assert_int_equal(parse("--nope=1", argv, &argc, buf, err), -1);
	assert_string_equal(err, "unknown flag: --nope");
	/* no abbreviations (getopt_long would take --kube for --kubeconfig; pflag does not) */
	assert_int_equal(parse("--kube x", argv, &argc, buf, err), -1);
	assert_string_equal(err, "unknown flag: --kube");
	assert_int_equal(parse("-Z", argv, &argc, buf, err), -1);
	assert_string_equal(err, "unknown shorthand flag: 'Z' in -Z");
	assert_int_equal(parse("-n", argv, &argc, buf, err), -1);
	assert_string_equal(err, "flag needs an argument: 'n' in -n");
	assert_int_equal(parse("--namespace", argv, &argc, buf, err), -1);
	assert_string_equal(err, "flag needs an argument: --namespace");
	assert_int_equal(parse("---x", argv, &argc, buf, err), -1);
	assert_string_equal(err, "bad flag syntax: ---x");
	assert_int_equal(parse("--=x", argv, &argc, buf, err), -1);
	/* terminal escapes in a flag never reach the message raw */
	assert_int_equal(parse("--\x1b]0;x", argv, &argc, buf, err), -1);
	assert_null(strchr(err, '\x1b'));
}

static void test_go_duration(void **state)
{
	(void)state;
	long long ms;
	struct { const char *s; long long ms; } ok[] = {
		{"0", 0}, {"5s", 5000}, {"1m", 60000}, {"1.5h", 5400000}, {"2h45m", 9900000},
		{"300ms", 300}, {"1500us", 1}, {"1s500ms", 1500}, {".5s", 500}, {"+2s", 2000},
		{"1µs", 0}, {"-1s", -1000},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(cmd_parse_go_duration_ms(ok[i].s, &ms), 0);
		assert_int_equal(ms, ok[i].ms);
	}
	const char *bad[] = {"", "5", "s", "1d", "5 s", "1.s.", "-", "1e3s", "99999999999h"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(cmd_parse_go_duration_ms(bad[i], &ms), -1);
}

static void test_request_timeout(void **state)
{
	(void)state;
	long long ms;
	/* clientcmd.ParseTimeout: integers are seconds; else a Go duration; 0 none */
	assert_int_equal(cmd_parse_request_timeout_ms("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(cmd_parse_request_timeout_ms("5", &ms), 0);
	assert_int_equal(ms, 5000);
	assert_int_equal(cmd_parse_request_timeout_ms("5s", &ms), 0);
	assert_int_equal(ms, 5000);
	assert_int_equal(cmd_parse_request_timeout_ms("1m", &ms), 0);
	assert_int_equal(ms, 60000);
	assert_int_equal(cmd_parse_request_timeout_ms("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(cmd_parse_request_timeout_ms("-1", &ms), -1);
	assert_int_equal(cmd_parse_request_timeout_ms("-1s", &ms), -1);
	assert_int_equal(cmd_parse_request_timeout_ms("soon", &ms), -1);
	assert_int_equal(cmd_parse_request_timeout_ms("", &ms), -1);
	assert_int_equal(cmd_parse_request_timeout_ms("99999999999999", &ms), -1);
}

static void test_parse_bool(void **state)
{
	(void)state;
	bool b;
	assert_int_equal(cmd_parse_bool("t", &b), 0);
	assert_true(b);
	assert_int_equal(cmd_parse_bool("F", &b), 0);
	assert_false(b);
	assert_int_equal(cmd_parse_bool("yes", &b), -1);
	assert_int_equal(cmd_parse_bool("tRUE", &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_forms),  cmocka_unit_test(test_bool_forms),
		cmocka_unit_test(test_interleaving), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_go_duration),  cmocka_unit_test(test_request_timeout),
		cmocka_unit_test(test_parse_bool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
