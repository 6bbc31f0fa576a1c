/* main.c: gammatop's entry point: picks the subcommand and hands over. Nothing else. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "gammatop/secret.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
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
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: gammatop [COMMAND] [OPTIONS]\n\n"
	           "A terminal console for Kubernetes Gateway API and GAMMA mesh traffic.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'gammatop COMMAND --help' for a command's options; see gammatop(1).\n");
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
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	                  !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("gammatop %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') /* no command: the console, with these options */
		return cmd_console(argc, argv);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "gammatop: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
