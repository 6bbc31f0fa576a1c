/* route_recent.h: what happened to one route lately, for its detail view: the ranked suspects
 * of the change journal (suspects.h: who, when, what, and the figures before and after a
 * change made with gammatop), the change markers of its sparklines (suspects_markers), and
 * its Kubernetes Events (kevents_fetch, asynchronous: the request is owned here and cancelled
 * when the view goes away, so no callback outlives it). The cache, cluster key and client
 * come from the edit environment (ui_edit_set_env); without a cluster key (a manifests
 * console) there is nothing to show and no rows are added. */
#ifndef GAMMATOP_ROUTE_RECENT_H
#define GAMMATOP_ROUTE_RECENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console;
struct view;
struct route_recent;

#define ROUTE_RECENT_WINDOW_MS (30 * 60000LL) /* how far back suspects look (as `changes
                                                * --suspects` by default) */

/* For the route "httproute/NS/NAME" shown in view v (borrowed; it must free this before it
 * goes). Starts the Events request when there is a cluster client. */
struct route_recent *route_recent_new(struct view *v, const char *route_id);
/* Cancel the Events request and any timer, free everything. NULL is a no-op. */
void route_recent_free(struct route_recent *rr);

/* Read the journal again (suspects, and the markers of the last 24 hours) when it was last
 * read more than a second ago, else a timer rebuilds the view shortly; as of at_ms (0: now;
 * in the past no Events are asked). Call at the start of the view's refresh. */
void route_recent_update(struct route_recent *rr, int64_t at_ms);
/* Add the "Suspects" and "Events" groups to the view's grid (columns: item, value, extra). */
void route_recent_rows(struct route_recent *rr);

/* The change markers of a sparkline of n points covering [from_ms, to_ms): marks[i] is true
 * where a change was applied in step i; *who (static or owned by rr, valid until the next
 * route_recent_update) names the newest one's manager and summary ("" none). Returns how
 * many changes fall in the span. */
size_t route_recent_marks(struct route_recent *rr, int64_t from_ms, int64_t to_ms, size_t n,
                          bool *marks, const char **who);

#endif
