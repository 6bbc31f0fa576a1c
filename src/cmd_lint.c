/* cmd_lint.c: the 'lint' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_lint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'lint' is not built yet");
	return EXIT_USAGE;
}
