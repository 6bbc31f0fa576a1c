/* cmd_routes.c: the 'routes' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_routes(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'routes' is not built yet");
	return EXIT_USAGE;
}
