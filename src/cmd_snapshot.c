/* cmd_snapshot.c: the 'snapshot' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_snapshot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'snapshot' is not built yet");
	return EXIT_USAGE;
}
