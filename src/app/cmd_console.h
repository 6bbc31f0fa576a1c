/* cmd_console.h: running the console over an opened source, shared by the 'console' and
 * 'demo' subcommands. */
#ifndef GAMMATOP_CMD_CONSOLE_H
#define GAMMATOP_CMD_CONSOLE_H
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "cmd_source.h"
#include "gammatop/console.h"

/* Open the console on src (headless when dump or $GAMMATOP_HEADLESS) and run it until the
 * user quits. cs says what the header shows about a manifests source (a cluster source
 * describes itself); figs plugs in telemetry (NULL: none). Returns the exit status. */
int cmd_console_run(const struct cmd_opts *o, struct cmd_source *src, bool dump,
                    const struct console_source *cs, const struct console_figures *figs);
/* Open the cluster of o's kubeconfig/context into src without waiting for it to sync (the
 * console shows it filling in), starting from the context's cached topology when there is
 * one (*cache_at_ms gets its time, else 0); with --offline only the cache. Returns 0, or
 * EXIT_USAGE after printing why. */
int cmd_console_open_live(const struct cmd_opts *o, struct cmd_source *src, int64_t *cache_at_ms);

#endif
