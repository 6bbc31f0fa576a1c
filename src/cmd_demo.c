/* cmd_demo.c: the 'demo' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_demo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'demo' is not built yet");
	return EXIT_USAGE;
}
