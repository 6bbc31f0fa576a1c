/* fuzz_cmdflags.c: the kubectl-style command-line parser (src/app/cmd_flags.c) on arbitrary
 * argument lists (the input split at NUL bytes into words), and its value parsers (Go
 * durations, --request-timeout, ParseBool) on each word. On success argv must be a
 * permutation of the input with the operands, in order, after the returned index; on failure
 * the message must be one line without control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_flags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cmd_option opts[] = {
	{"namespace", 1, 'n', "NS", ""}, {"output", 1, 'o', "FORMAT", ""},
	{"all-namespaces", 0, 'A', NULL, ""}, {"yes", 0, 'y', NULL, ""},
	{"kubeconfig", 1, 1000, "FILE", ""}, {"dry-run", 0, 1001, NULL, ""},
	{"v", 1, 'v', "N", ""}, {NULL, 0, 0, NULL, NULL},
};

static int on_flag(const struct cmd_option *o, const char *value, void *ud)
{
	(void)ud;
	if (!value || (!o->has_arg && strcmp(value, "true") && strcmp(value, "false")))
		abort();
	return value[0] == '!' ? -1 : 0; /* a callback may refuse */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[66], *orig[66];
	int argc = 0;
	argv[argc++] = (char *)"cmd";
	for (size_t i = 0; i <= size && argc < 65;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	memcpy(orig, argv, sizeof argv);
	for (int i = 1; i < argc; i++) {
		long long ms;
		bool b;
		cmd_parse_go_duration_ms(argv[i], &ms);
		if (cmd_parse_request_timeout_ms(argv[i], &ms) == 0 && ms < 0)
			abort();
		cmd_parse_bool(argv[i], &b);
	}
	const struct cmd_option *tables[] = {opts, NULL};
	char err[256];
	int idx = cmd_flags_parse(argc, argv, tables, on_flag, NULL, err, sizeof err);
	if (idx >= 0) {
		if (idx > argc)
			abort();
		for (int i = 1; i < argc; i++) { /* a permutation */
			int found = 0;
			for (int j = 1; j < argc; j++)
				found += argv[j] == orig[i];
			if (found != 1)
				abort();
		}
	} else {
		for (const char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
	free(buf);
	return 0;
}
