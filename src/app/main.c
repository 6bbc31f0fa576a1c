/* main.c: gammatop's entry point: picks the subcommand and hands over. Also answers as
 * kubectl's plugin (installed as kubectl-gammatop, `kubectl gammatop ...`) and as its
 * completion helper (kubectl_complete-gammatop, which kubectl runs for `kubectl gammatop
 * <TAB>`: cobra's __complete protocol). */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_complete.h"
#include "commands.h"
#include "gammatop/secret.h"

static int cmd_version(int argc, char **argv);

static const struct cmd_entry commands[] = {
	{"console", cmd_console, "open the interactive console (the default)"},
	{"demo", cmd_demo, "start the built-in demo cluster and open the console on it"},
	{"snapshot", cmd_snapshot, "export topology, status, findings and figures (json|yaml|dot)"},
	{"routes", cmd_routes, "list every route rule with parents, backends, timeouts, retry"},
	{"lint", cmd_lint, "report configuration problems; exit 1 when any is an error"},
	{"top", cmd_top, "list routes by timeout and retry hit rates"},
	{"watch", cmd_watch, "print one JSON line per change the store sees"},
	{"set", cmd_set, "change a route rule's timeouts and retry, conflict-safe"},
	{"history", cmd_history, "show the audit log of applied changes"},
	{"undo", cmd_undo, "revert one recorded change"},
	{"changes", cmd_changes, "what changed, when and by whom (the change journal); suspects"},
	{"diff", cmd_diff, "compare two snapshots or two times: topology, policy, figures"},
	{"paths", cmd_paths, "call chains below a route or Service: timeouts, retries, amplification"},
	{"completion", cmd_completion, "print the shell completion script (bash, zsh, fish)"},
	{"version", cmd_version, "print gammatop's version"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "Usage: gammatop [COMMAND] [OPTIONS]\n\n"
	           "A terminal console for Kubernetes Gateway API and GAMMA mesh traffic.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'gammatop COMMAND --help' for a command's options; see gammatop(1).\n"
	           "Installed beside kubectl, it is also 'kubectl gammatop COMMAND'.\n");
}

static int cmd_version(int argc, char **argv)
{
	struct cmd_opts o;
	int first = cmd_parse(argc, argv, "gammatop version [-o json]",
	                      "Print gammatop's version (-o json: {\"gammatop\": VERSION}).", NULL,
	                      NULL, NULL, &o);
	int rc = first < 0 ? (first == -2 ? 0 : EXIT_USAGE) : cmd_no_operands(argc, argv, first);
	if (first >= 0 && !rc) {
		if (o.format && strcmp(o.format, "json")) {
			cmd_error("version: unknown output format '%s' (expected json)", o.format);
			rc = EXIT_USAGE;
		} else if (o.format) {
			printf("{\"gammatop\": \"%s\"}\n", PACKAGE_VERSION);
		} else {
			printf("gammatop %s\n", PACKAGE_VERSION);
		}
	}
	cmd_opts_done(&o);
	return rc;
}

/* The index of the command word when options come before it (`gammatop -n shop routes`,
 * as kubectl takes `kubectl -n shop get routes`): the first word that is neither an option
 * nor the value of a common option that takes one; 0 when that is not a command. */
static int command_index(int argc, char **argv)
{
	const struct cmd_option *common = cmd_common_options();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return 0;
		if (a[0] != '-' || !a[1]) {
			for (size_t k = 0; k < N_COMMANDS; k++)
				if (!strcmp(a, commands[k].name))
					return i;
			return 0;
		}
		if (strchr(a, '='))
			continue;
		for (const struct cmd_option *o = common; o->name; o++)
			if (o->has_arg && ((a[1] == '-' && !strcmp(a + 2, o->name)) ||
			                   (a[1] == o->val && !a[2] && o->val < 128))) {
				i++; /* its value */
				break;
			}
	}
	return 0;
}

/* SIGPIPE and SIGXFSZ are caught by a handler that does nothing, not ignored: a write to a
 * closed pipe or past RLIMIT_FSIZE then fails with EPIPE / EFBIG, which the commands handle
 * (a reader that has gone ends the output quietly; a file that cannot be written is
 * removed and reported), and children get the default actions back at exec. */
static void on_write_signal(int signo) { (void)signo; }

static void catch_write_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_write_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGXFSZ, &sa, NULL);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Every command may hold credentials (kubeconfig tokens and keys, exec plugin output,
	 * Prometheus passwords): no core file (GAMMATOP_ALLOW_CORE=1 to debug a crash). */
	secret_nodump();
	catch_write_signals();
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const char *self = slash ? slash + 1 : argc > 0 ? argv[0] : "gammatop";
	if (!strcmp(self, "kubectl_complete-gammatop")) /* kubectl gammatop <TAB> */
		return cmd_complete(argc, argv, commands, N_COMMANDS);
	if (argc == 3 && !strcmp(argv[1], "help")) /* kubectl help COMMAND */
		for (size_t i = 0; i < N_COMMANDS; i++)
			if (!strcmp(argv[2], commands[i].name)) {
				char help[] = "--help";
				char *args[] = {argv[2], help, NULL};
				return commands[i].run(2, args);
			}
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	                  !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("gammatop %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "__complete")) /* cobra's protocol, hidden */
		return cmd_complete(argc - 1, argv + 1, commands, N_COMMANDS);
	if (argc >= 2 && !strcmp(argv[1], "__flags")) /* every flag, for the man-page test */
		return cmd_flags_list(commands, N_COMMANDS);
	int at = argc >= 2 && argv[1][0] == '-' ? command_index(argc, argv) : 0;
	if (at > 1) { /* options first: move the command word to the front, keep the order */
		char *word = argv[at];
		memmove(argv + 2, argv + 1, (size_t)(at - 1) * sizeof *argv);
		argv[1] = word;
	}
	if (argc < 2 || argv[1][0] == '-') /* no command: the console, with these options */
		return cmd_console(argc, argv);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "gammatop: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
