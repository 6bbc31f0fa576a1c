/* cmd_console.c: the 'console' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_console(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'console' is not built yet");
	return EXIT_USAGE;
}
