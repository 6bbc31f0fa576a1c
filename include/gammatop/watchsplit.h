/* watchsplit.h: split a Kubernetes watch stream (one JSON event per line, delivered by the
 * network in arbitrary pieces) into events: a piece may hold half an event or several; blank
 * lines are ignored; lines that are not a JSON watch event are counted and skipped; a line
 * longer than the limit is dropped. Embedded: watchsplit_init/watchsplit_done. */
#ifndef GAMMATOP_WATCHSPLIT_H
#define GAMMATOP_WATCHSPLIT_H
#include <jansson.h>
#include <stddef.h>

#include "gammatop/buf.h"

enum watch_type { WATCH_ADDED, WATCH_MODIFIED, WATCH_DELETED, WATCH_BOOKMARK, WATCH_ERROR };

/* One event; object is borrowed for the call. Return non-zero to stop: the rest of the
 * stream fed so far is dropped (the caller is going to abandon the stream). */
typedef int (*watchsplit_cb)(enum watch_type type, json_t *object, void *ud);

struct watchsplit {
	struct buf pending;  /* an incomplete line */
	size_t max_line;     /* 0 = 64 MiB */
	size_t garbage;      /* lines skipped because they were not watch events */
	size_t events;       /* events delivered */
	int discarding;      /* inside an over-long line: drop up to the next newline */
};

void watchsplit_init(struct watchsplit *ws);
void watchsplit_done(struct watchsplit *ws);
/* Feed n bytes; calls cb for every complete event. Returns 0, or the callback's non-zero. */
int watchsplit_feed(struct watchsplit *ws, const char *data, size_t n, watchsplit_cb cb,
                    void *ud);
/* The stream ended: an incomplete last line is dropped (counted as garbage when it held
 * anything but white space). Returns the number of bytes dropped. */
size_t watchsplit_end(struct watchsplit *ws);
/* "ADDED" -> WATCH_ADDED; -1 when unknown. */
int watchsplit_type(const char *s);
const char *watchsplit_type_name(enum watch_type t);

#endif
