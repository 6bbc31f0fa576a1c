/* recorder.h: the change journal's recorder for the commands that watch a cluster (the
 * console, `gammatop watch`, `changes --follow`): it observes every reflector of a kcluster
 * (kcluster_set_observer), hands what they see to a journal writer (journal.h) and flushes
 * it in one transaction per event-loop turn; it applies the retention when it starts and
 * every ten minutes. A write error is logged and said once through on_note; recording then
 * goes on with the next turn. */
#ifndef GAMMATOP_RECORDER_H
#define GAMMATOP_RECORDER_H
#include <stdbool.h>

#include "gammatop/cache.h"
#include "gammatop/evloop.h"
#include "gammatop/journal.h"
#include "gammatop/kcluster.h"

struct recorder;

/* The journal options the recording commands take (see RECORDER_OPTIONS in cmd_journal.h). */
struct recorder_opts {
	bool off;                           /* --no-journal */
	struct journal_retention retention; /* --journal-max-age, --journal-max-size */
};

/* Start recording what k's reflectors see into cache c (which must stay open and be
 * writable) for cluster key cluster; ns: the namespace k watches (NULL: all). on_note(msg)
 * is told problems (once each); may be NULL. Returns NULL when ro->off. */
struct recorder *recorder_new(struct cache *c, struct kcluster *k, struct evloop *loop,
                              const char *cluster, const char *ns,
                              const struct recorder_opts *ro,
                              void (*on_note)(const char *msg, void *ud), void *ud);
/* Write what is queued, stop observing k and free. NULL is fine. */
void recorder_free(struct recorder *r);
/* Called after each flush that wrote rows the timeline shows (n of them). */
void recorder_on_flush(struct recorder *r, void (*fn)(long n, void *ud), void *ud);
/* Write what is queued now. Returns what journal_writer_flush returns. */
long recorder_flush(struct recorder *r);
const struct journal_stats *recorder_stats(const struct recorder *r);

#endif
