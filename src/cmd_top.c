/* cmd_top.c: the 'top' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_top(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'top' is not built yet");
	return EXIT_USAGE;
}
