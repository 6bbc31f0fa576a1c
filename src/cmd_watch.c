/* cmd_watch.c: the 'watch' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_watch(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'watch' is not built yet");
	return EXIT_USAGE;
}
