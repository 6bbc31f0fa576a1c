/* commands.h: the subcommands' entry points, which main.c dispatches to (one cmd_<name>.c
 * each). Each takes argv with argv[0] the command name and returns the exit status. */
#ifndef GAMMATOP_COMMANDS_H
#define GAMMATOP_COMMANDS_H

int cmd_snapshot(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_undo(int argc, char **argv);
int cmd_changes(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_paths(int argc, char **argv);

#endif
