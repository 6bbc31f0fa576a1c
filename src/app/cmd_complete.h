/* cmd_complete.h: shell completion as kubectl (cobra) does it: `gammatop completion
 * bash|zsh|fish` prints the script, and the hidden `gammatop __complete ARGS... WORD` answers
 * it in cobra's protocol (one candidate a line, "value<TAB>description", then ":DIRECTIVE");
 * the same answers `kubectl gammatop <TAB>` through kubectl_complete-gammatop. Also
 * `gammatop __flags`: every command's flags, one "COMMAND --flag" a line (the man-page test). */
#ifndef GAMMATOP_CMD_COMPLETE_H
#define GAMMATOP_CMD_COMPLETE_H
#include <stddef.h>

struct cmd_entry {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* argv[0] is "completion". */
int cmd_completion(int argc, char **argv);
/* argv[0] is "__complete"; the last word is the one being completed (may be ""). */
int cmd_complete(int argc, char **argv, const struct cmd_entry *cmds, size_t n);
int cmd_flags_list(const struct cmd_entry *cmds, size_t n);

#endif
