/* cmd_edit.h: what the commands that change a route from the command line ('set', 'undo')
 * share around the edit layer: fetching the route, settling audit rows an interrupted apply
 * left pending, and running the confirm / dry-run / apply / record flow with the same
 * options. */
#ifndef GAMMATOP_CMD_EDIT_H
#define GAMMATOP_CMD_EDIT_H
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"

struct cache; /* gammatop/cache.h */
struct edit;
struct kclient;

/* Read e's route through k (each request at most timeout_ms). Returns 0, or after printing
 * the edit's message the exit code: EXIT_FINDINGS when the cluster answered (not found,
 * not a valid route, or forbidden), EXIT_USAGE when it could not be asked. */
int cmd_edit_fetch(struct kclient *k, struct edit *e, long timeout_ms);

/* Run edit_batch_run on e (fetched, with its change set) with what 'set' and 'undo' share:
 * the audit log in cache (may be NULL: not recorded), k's kubeconfig context, user and
 * cluster key, a
 * confirmation only when stdin and stdout are a terminal, the telemetry preview over
 * --window from the cache (none with --no-telemetry or a bad window), stdout/stderr, and
 * $GAMMATOP_TEST_PAUSE_BEFORE_APPLY. undo_of is the audit id e reverts (0: none). Returns
 * edit_batch_run's exit code. */
int cmd_edit_apply(const struct cmd_opts *o, struct kclient *k, struct edit *e,
                   struct cache *cache, bool dry_run, bool yes, int64_t undo_of);

/* Settle the pending audit rows of k's cluster in cache (edit_settle; nothing when cache is
 * NULL or read-only): ask the cluster (at most the request time-out) and say on stderr what
 * was found, one "gammatop: audit: ..." line per row. */
void cmd_edit_settle(const struct cmd_opts *o, struct kclient *k, struct cache *cache);

#endif
