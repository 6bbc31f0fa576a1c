/* cmd_history.c: the 'history' subcommand. Scaffold: its owner replaces this file. */
#include "config.h"

#include "cmd.h"

int cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'history' is not built yet");
	return EXIT_USAGE;
}

int cmd_undo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_error("'undo' is not built yet");
	return EXIT_USAGE;
}
