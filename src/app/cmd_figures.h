/* cmd_figures.h: telemetry collection for batch commands (implemented in cmd_figures.c), so
 * that `snapshot` and `routes` read the same figures `top` shows.
 *
 * For the snapshot exporter: call cmd_top_figures() (after cmd_source_open, or with a zeroed
 * src when o->offline), then figures_set_finish(set) and
 *     json_object_set_new(snapshot, "telemetry", figures_set_json(set));
 * which gives {"window", "source", "at", "routes": [{"route": "httproute/NS/NAME", "rule",
 * "scope", "rps", "successRate", ...}]} (see figures.h); free with figures_set_free(). */
#ifndef GAMMATOP_CMD_FIGURES_H
#define GAMMATOP_CMD_FIGURES_H
#include "cmd.h"
#include "cmd_source.h"
#include "gammatop/figures.h"

/* Collect figures over o->window from --prometheus, a direct scrape of src's cluster
 * (sample_s seconds between two scrapes; 0 = 10; the interval is recorded in the cache) or
 * --offline from the cache (prints the data's age on stderr). o->mesh picks the profile.
 * On success *out holds the amounts per key (call figures_set_finish before reading f[]).
 * Returns 0, or EXIT_USAGE after printing an error. org_id may be NULL. */
int cmd_top_figures(const struct cmd_opts *o, struct cmd_source *src, int sample_s,
                    const char *org_id, struct figures_set **out);

/* The telemetry a batch command (named cmd, for messages) shows beside src when asked
 * (--prometheus or --offline, and no --no-telemetry), finished and ready to read; NULL
 * when not asked, or when it failed (then said on stderr: the command goes on without).
 * Free with figures_set_free(). */
struct figures_set *cmd_source_figures(const struct cmd_opts *o, struct cmd_source *src,
                                       const char *cmd);

#endif
