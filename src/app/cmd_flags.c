/* cmd_flags.c: kubectl's command-line syntax, as spf13/pflag parses it for kubectl 1.32
 * (pflag flag.go: parseArgs, parseLongArg, parseShortArg, parseSingleShortArg; bool.go), and
 * the value parsers of kubectl's flag types. See cmd_flags.h. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_flags.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

int cmd_parse_bool(const char *s, bool *out)
{
	/* Go strconv.ParseBool */
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(s, yes[i]))
			return *out = true, 0;
		if (!strcmp(s, no[i]))
			return *out = false, 0;
	}
	return -1;
}

/* Go time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, or "0"; the unit is required
 * otherwise. Kept in nanoseconds as a double only for the fraction; the sum in whole ns. */
int cmd_parse_go_duration_ms(const char *s, long long *out_ms)
{
	static const struct { const char *unit; double ns; } units[] = {
		{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3}, {"ms", 1e6},
		{"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
	};
	const char *p = s;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!strcmp(p, "0")) {
		*out_ms = 0;
		return 0;
	}
	if (!*p)
		return -1;
	double total_ns = 0;
	while (*p) {
		const char *start = p;
		double v = 0;
		bool digits = false;
		while (isdigit((unsigned char)*p))
			v = v * 10 + (*p++ - '0'), digits = true;
		if (*p == '.') {
			p++;
			double scale = 0.1;
			while (isdigit((unsigned char)*p))
				v += (*p++ - '0') * scale, scale /= 10, digits = true;
		}
		if (!digits || p == start)
			return -1;
		size_t best = 0;
		double mult = 0;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			size_t n = strlen(units[i].unit);
			/* the longest unit that matches: "ms" before "m", "ns" is not "n" + "s" */
			if (!strncmp(p, units[i].unit, n) && n > best)
				best = n, mult = units[i].ns;
		}
		if (!best)
			return -1;
		p += best;
		total_ns += v * mult;
		if (total_ns > 9.2e18) /* Go: "invalid duration" past int64 nanoseconds */
			return -1;
	}
	long long ms = (long long)(total_ns / 1e6);
	*out_ms = neg ? -ms : ms;
	return 0;
}

int cmd_parse_request_timeout_ms(const char *s, long long *out_ms)
{
	/* client-go tools/clientcmd/helpers.go ParseTimeout: a whole number >= 0 is seconds */
	char *end;
	if (*s && (isdigit((unsigned char)*s) || *s == '+')) {
		long long v = strtoll(s, &end, 10);
		if (!*end && v >= 0) {
			if (v > 9223372036LL) /* time.Duration(i) * time.Second overflows past this */
				return -1;
			*out_ms = v * 1000;
			return 0;
		}
	}
	long long ms;
	if (cmd_parse_go_duration_ms(s, &ms) < 0 || ms < 0)
		return -1;
	*out_ms = ms;
	return 0;
}

/* The table entry whose long name is name[0..len) ('_' read as '-'), or NULL. */
static const struct cmd_option *find_long(const struct cmd_option *const *tables,
                                          const char *name, size_t len)
{
	for (const struct cmd_option *const *t = tables; *t; t++)
		for (const struct cmd_option *o = *t; o->name; o++) {
			if (strlen(o->name) != len)
				continue;
			size_t i = 0;
			while (i < len && (name[i] == '_' ? '-' : name[i]) == o->name[i])
				i++;
			if (i == len)
				return o;
		}
	return NULL;
}

static const struct cmd_option *find_short(const struct cmd_option *const *tables, char c)
{
	for (const struct cmd_option *const *t = tables; *t; t++)
		for (const struct cmd_option *o = *t; o->name; o++)
			if (o->val > 0 && o->val < 128 && o->val == c)
				return o;
	return NULL;
}

/* Give a bool flag its value: "" (no '=') is true; else Go's ParseBool. */
static int bool_value(const struct cmd_option *o, const char *text, const char **value,
                      const char *spelled, char *err, size_t errlen)
{
	bool b = true;
	if (text && cmd_parse_bool(text, &b) < 0) {
		char *clean = str_sanitize(text), *flag = str_sanitize(spelled);
		snprintf(err, errlen, "invalid argument \"%s\" for \"%s\": %s takes true or false",
		         clean, flag, o->name);
		free(clean);
		free(flag);
		return -1;
	}
	*value = b ? "true" : "false";
	return 0;
}

int cmd_flags_parse(int argc, char **argv, const struct cmd_option *const *tables,
                    cmd_flag_fn fn, void *ud, char *err, size_t errlen)
{
	char **flags = xcalloc((size_t)argc + 1, sizeof *flags);
	char **operands = xcalloc((size_t)argc + 1, sizeof *operands);
	int nf = 0, no = 0, rc = -1;
	err[0] = '\0';
	for (int i = 1; i < argc; i++) {
		char *s = argv[i];
		if (s[0] != '-' || s[1] == '\0') {
			operands[no++] = s;
			continue;
		}
		if (!strcmp(s, "--")) {
			flags[nf++] = s;
			while (++i < argc)
				operands[no++] = argv[i];
			break;
		}
		flags[nf++] = s;
		if (s[1] == '-') {
			const char *name = s + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (len == 0 || name[0] == '-' || name[0] == '=') {
				char *clean = str_sanitize(s);
				snprintf(err, errlen, "bad flag syntax: %s", clean);
				free(clean);
				goto out;
			}
			const struct cmd_option *o = find_long(tables, name, len);
			if (!o) {
				char *clean = str_sanitize(s);
				if (eq)
					clean[eq - s] = '\0';
				snprintf(err, errlen, "unknown flag: %s", clean);
				free(clean);
				goto out;
			}
			const char *value;
			if (!o->has_arg) {
				if (bool_value(o, eq ? eq + 1 : NULL, &value, s, err, errlen) < 0)
					goto out;
			} else if (eq) {
				value = eq + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
				flags[nf++] = argv[i];
			} else {
				snprintf(err, errlen, "flag needs an argument: --%s", o->name);
				goto out;
			}
			if (fn(o, value, ud) < 0)
				goto out;
			continue;
		}
		/* shorthands: "-Ay", "-ojson", "-o=json", "-o json", "-A=false" */
		for (const char *p = s + 1; *p;) {
			const struct cmd_option *o = find_short(tables, *p);
			if (!o) {
				char *clean = str_sanitize(s);
				snprintf(err, errlen, "unknown shorthand flag: '%c' in %s",
				         isprint((unsigned char)*p) ? *p : '?', clean);
				free(clean);
				goto out;
			}
			const char *value;
			char spelled[3] = {'-', *p, '\0'};
			if (p[1] == '=') {
				if (!o->has_arg) {
					if (bool_value(o, p + 2, &value, spelled, err, errlen) < 0)
						goto out;
				} else {
					value = p + 2;
				}
				p += strlen(p);
			} else if (!o->has_arg) {
				value = "true";
				p++;
			} else if (p[1]) {
				value = p + 1;
				p += strlen(p);
			} else if (i + 1 < argc) {
				value = argv[++i];
				flags[nf++] = argv[i];
				p++;
			} else {
				char *clean = str_sanitize(s);
				snprintf(err, errlen, "flag needs an argument: '%c' in %s", *p, clean);
				free(clean);
				goto out;
			}
			if (fn(o, value, ud) < 0)
				goto out;
		}
	}
	/* argv: the flags, then the operands (as getopt leaves it) */
	for (int k = 0; k < nf; k++)
		argv[1 + k] = flags[k];
	for (int k = 0; k < no; k++)
		argv[1 + nf + k] = operands[k];
	rc = 1 + nf;
out:
	free(flags);
	free(operands);
	return rc;
}
