/* chrome.h: the console's frame around the views: the header (context, cluster, namespace
 * scope, freshness of each source, READONLY), the breadcrumbs line (where you are, filter,
 * row counts) and the status bar (messages, the prompt, key hints generated from keys.h). */
#ifndef GAMMATOP_CHROME_H
#define GAMMATOP_CHROME_H
#include <stdbool.h>
#include <stddef.h>

struct console;

void chrome_draw_header(struct console *c, int y, int w);
void chrome_draw_crumbs(struct console *c, int y, int w);
void chrome_draw_status(struct console *c, int y, int w);
/* True while the header shows an age that changes by itself ("reconnecting since 12s"). */
bool chrome_needs_tick(struct console *c);
/* The freshness of the cluster source in words ("API synced", "API reconnecting since 12s",
 * "offline from cache of 14:02", ...) into buf; *ok says whether it is healthy, *ages whether
 * the text holds an age that changes by itself. */
char *chrome_api_state(struct console *c, char *buf, size_t n, bool *ok, bool *ages);

#endif
