/* cmd_set.c: the 'set' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_set(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'set' is not built yet");
	return EXIT_USAGE;
}
