/* cmd_journal.h: what the change-journal commands share (`changes`, `snapshot --at`, `diff`,
 * and the recording commands' options): time arguments ("-30m", "2d", RFC 3339, "now"),
 * sizes ("256MiB"), the journal options of the recording commands, and the cluster of the
 * kubeconfig context as the cache files it (no connection needed). */
#ifndef GAMMATOP_CMD_JOURNAL_H
#define GAMMATOP_CMD_JOURNAL_H
#include <stddef.h>
#include <stdint.h>

#include "cmd.h"
#include "recorder.h"

/* The options of the commands that record the journal (the console, watch, demo): add
 * RECORDER_OPTIONS to the command's option table and pass unknown values to
 * cmd_journal_option. */
enum { OPT_NO_JOURNAL = 400, OPT_JOURNAL_AGE, OPT_JOURNAL_SIZE };
#define RECORDER_OPTIONS                                                                       \
	{"no-journal", 0, OPT_NO_JOURNAL, NULL, "do not record changes in the change journal"},   \
	{"journal-max-age", 1, OPT_JOURNAL_AGE, "DURATION",                                        \
	 "keep the change journal this long (default 30d; e.g. 12h, 7d)"},                          \
	{"journal-max-size", 1, OPT_JOURNAL_SIZE, "SIZE",                                          \
	 "cut the change journal back when it outgrows SIZE (default 256MiB)"}

/* Defaults: recording on, JOURNAL_RETENTION_DEFAULT. */
void cmd_journal_opts_init(struct recorder_opts *ro);
/* Handle a RECORDER_OPTIONS value: 1 handled, 0 not one of them, -1 after printing an
 * error. */
int cmd_journal_option(int val, const char *arg, struct recorder_opts *ro);

/* A duration that may also count days and weeks: "30s", "1h30m", "7d", "2w". Returns 0 or -1
 * with err. */
int cmd_duration_parse(const char *s, int64_t *ms, char *err, size_t errlen);
/* A time: "now", RFC 3339 ("2026-03-01T12:00:00Z", an offset, a fraction), or a duration
 * before now_ms ("30m" or "-30m": thirty minutes ago). Returns 0 or -1 with err. */
int cmd_time_parse(const char *s, int64_t now_ms, int64_t *out_ms, char *err, size_t errlen);
/* A size: bytes, or with K, M, G (KB/MB/GB, KiB/MiB/GiB: all powers of 1024). */
int cmd_size_parse(const char *s, int64_t *bytes, char *err, size_t errlen);
/* "2026-03-01T12:00:00Z" for ms into buf. */
char *cmd_time_text(int64_t ms, char *buf, size_t n);

/* The kubeconfig context of o as the cache knows its cluster, without connecting: the
 * cluster key (cache_cluster_key; heap) and, when not NULL, the context name and server
 * (heap). Returns the key, or NULL after printing an error (--manifests: there is no
 * cluster). */
char *cmd_journal_cluster(const struct cmd_opts *o, char **context, char **server);

struct cmd_source;
struct figures_set;
/* Fill src as cmd_source_open would, but with the objects of the kubeconfig context's
 * cluster as they were at at_ms, rebuilt from the change journal in the cache (no
 * connection). Returns 0, or EXIT_USAGE after printing why (no journal, a time before it
 * begins). */
int cmd_journal_source_at(const struct cmd_opts *o, int64_t at_ms, struct cmd_source *src);
/* The figures over o->window ending at at_ms from the cache, when asked (--offline or
 * --prometheus, not --no-telemetry) and the cache has some (else NULL, said on stderr). */
struct figures_set *cmd_journal_figures_at(const struct cmd_opts *o, const char *cluster,
                                           int64_t at_ms);

#endif
