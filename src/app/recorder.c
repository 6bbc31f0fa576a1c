/* recorder.c: the change journal's recorder for the commands that watch a cluster: reflector
 * observations into a journal writer, one flush per event-loop turn, retention every ten
 * minutes (see recorder.h). */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"
#include "recorder.h"

#define PRUNE_EVERY_MS (10 * 60 * 1000)

struct recorder {
	struct cache *c;
	struct kcluster *k;
	struct evloop *loop;
	struct journal_writer *w;
	struct journal_retention retention;
	uint64_t flush_timer, prune_timer;
	void (*on_note)(const char *msg, void *ud);
	void *note_ud;
	void (*on_flush)(long n, void *ud);
	void *flush_ud;
	char *last_note; /* owned: said once */
};

static void note(struct recorder *r, const char *msg)
{
	log_warn("journal: %s", msg);
	if (str_eq(msg, r->last_note))
		return;
	free(r->last_note);
	r->last_note = xstrdup(msg);
	if (r->on_note)
		r->on_note(msg, r->note_ud);
}

long recorder_flush(struct recorder *r)
{
	if (!r || !journal_writer_pending(r->w))
		return 0;
	char err[1024];
	long n = journal_writer_flush(r->w, err, sizeof err);
	if (n < 0) {
		char *m = xasprintf("changes not recorded: %s", err);
		note(r, m);
		free(m);
		return -1;
	}
	if (n > 0 && r->on_flush)
		r->on_flush(n, r->flush_ud);
	return n;
}

static void on_flush_timer(struct evloop *loop, void *ud)
{
	(void)loop;
	struct recorder *r = ud;
	r->flush_timer = 0;
	recorder_flush(r);
}

static void on_prune_timer(struct evloop *loop, void *ud)
{
	struct recorder *r = ud;
	char err[1024];
	if (journal_prune(r->c, &r->retention, time_wall_ms(), err, sizeof err) < 0) {
		char *m = xasprintf("retention not applied: %s", err);
		note(r, m);
		free(m);
	}
	r->prune_timer = evloop_timer_add(loop, PRUNE_EVERY_MS, on_prune_timer, r);
}

static void observe(enum gt_kind kind, enum reflector_seen what, const struct json_t *obj,
                    void *ud)
{
	struct recorder *r = ud;
	int64_t now = time_wall_ms();
	switch (what) {
	case REFLECTOR_LIST_START: journal_writer_list_start(r->w, kind); break;
	case REFLECTOR_LIST_DONE: journal_writer_list_done(r->w, kind, now); break;
	case REFLECTOR_LISTED:
		journal_writer_seen(r->w, kind, JOURNAL_SEEN_LISTED, obj, now);
		break;
	case REFLECTOR_ADDED: journal_writer_seen(r->w, kind, JOURNAL_SEEN_ADDED, obj, now); break;
	case REFLECTOR_MODIFIED:
		journal_writer_seen(r->w, kind, JOURNAL_SEEN_MODIFIED, obj, now);
		break;
	case REFLECTOR_DELETED:
		journal_writer_seen(r->w, kind, JOURNAL_SEEN_DELETED, obj, now);
		break;
	}
	if (!r->flush_timer) /* the next turn writes everything this one saw */
		r->flush_timer = evloop_timer_add(r->loop, 0, on_flush_timer, r);
}

struct recorder *recorder_new(struct cache *c, struct kcluster *k, struct evloop *loop,
                              const char *cluster, const char *ns,
                              const struct recorder_opts *ro,
                              void (*on_note)(const char *msg, void *ud), void *ud)
{
	if (!c || !k || !cluster || (ro && ro->off))
		return NULL;
	struct recorder *r = xcalloc(1, sizeof *r);
	r->c = c;
	r->k = k;
	r->loop = loop;
	r->w = journal_writer_new(c, cluster, ns);
	r->retention = ro ? ro->retention : (struct journal_retention)JOURNAL_RETENTION_DEFAULT;
	r->on_note = on_note;
	r->note_ud = ud;
	kcluster_set_observer(k, observe, r);
	r->prune_timer = evloop_timer_add(loop, 0, on_prune_timer, r);
	return r;
}

void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	kcluster_set_observer(r->k, NULL, NULL);
	recorder_flush(r);
	if (r->flush_timer)
		evloop_timer_cancel(r->loop, r->flush_timer);
	if (r->prune_timer)
		evloop_timer_cancel(r->loop, r->prune_timer);
	journal_writer_free(r->w);
	free(r->last_note);
	free(r);
}

void recorder_on_flush(struct recorder *r, void (*fn)(long n, void *ud), void *ud)
{
	if (!r)
		return;
	r->on_flush = fn;
	r->flush_ud = ud;
}

const struct journal_stats *recorder_stats(const struct recorder *r)
{
	return r ? journal_writer_stats(r->w) : NULL;
}
