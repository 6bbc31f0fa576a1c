/* route_recent.c: the route detail's "what happened lately": ranked suspects from the change
 * journal, sparkline change markers, and the route's Kubernetes Events fetched on the event
 * loop (see route_recent.h for the lifetime rules). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/console.h"
#include "gammatop/figures.h"
#include "gammatop/kevents.h"
#include "gammatop/route_recent.h"
#include "gammatop/str.h"
#include "gammatop/suspects.h"
#include "gammatop/timeutil.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

/* The columns of the route detail (view_route.c). */
enum { C_ITEM, C_VALUE, C_EXTRA };

#define READ_MIN_MS 1000            /* journal reads at most once a second */
#define EVENTS_EVERY_MS 30000       /* Events asked again after this long */
#define MARKS_SPAN_MS (24 * 3600000LL) /* the longest sparkline window of the detail */
#define SUSPECTS_SHOWN 5
#define EVENTS_SHOWN 8

struct route_recent {
	struct view *v; /* borrowed: the view that owns this */
	char *id;       /* "httproute/NS/NAME" */
	int kind;       /* enum gt_kind, -1 when id does not parse */
	char *ns, *name;
	char *cluster;  /* owned: the cluster key at the last read, NULL: none */
	int64_t at_ms;  /* 0: now */
	/* the journal */
	int64_t read_mono; /* when it was last read (monotonic), 0 never */
	uint64_t timer;    /* pending re-read */
	bool have_suspects;
	struct suspects sus;
	char *sus_err;     /* owned: why there are no suspects */
	struct suspects_marker *marks;
	size_t n_marks;
	char *who;         /* owned: the newest marker's text */
	/* the Events */
	struct kevents_req *req; /* pending, owned (cancelled on free) */
	int64_t events_mono;     /* when they were last asked, 0 never */
	bool have_events;
	struct kevents evs;
	char *evs_err;
};

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

/* The view shows what changed here at its next frame. */
static void rebuild_view(struct route_recent *rr)
{
	rr->v->built = 0;
	rr->v->con->dirty = true;
}

static void on_events(struct kevents *evs, const char *err, void *ud)
{
	struct route_recent *rr = ud;
	rr->req = NULL; /* freed by kevents after this returns */
	kevents_done(&rr->evs);
	rr->have_events = evs != NULL;
	if (evs) {
		rr->evs = *evs; /* take the list: kevents_done on the emptied one frees nothing */
		evs->items = NULL;
		evs->n = 0;
	}
	set_str(&rr->evs_err, evs ? NULL : str_or(err, "unknown error"));
	rebuild_view(rr);
}

static void ask_events(struct route_recent *rr)
{
	struct kclient *k = ui_edit_client();
	if (!k || rr->req || rr->kind < 0 || rr->at_ms)
		return;
	rr->events_mono = time_mono_ms();
	rr->req = kevents_fetch(k, (enum gt_kind)rr->kind, rr->ns, rr->name, on_events, rr);
}

struct route_recent *route_recent_new(struct view *v, const char *route_id)
{
	struct route_recent *rr = xcalloc(1, sizeof *rr);
	rr->v = v;
	rr->id = xstrdup(str_or(route_id, ""));
	rr->kind = -1;
	size_t n;
	char **parts = str_split(rr->id, '/', &n);
	if (n == 3 && kind_from_name(parts[0]) >= 0) {
		rr->kind = kind_from_name(parts[0]);
		rr->ns = xstrdup(parts[1]);
		rr->name = xstrdup(parts[2]);
	}
	str_list_free(parts);
	ask_events(rr);
	return rr;
}

static void drop_journal(struct route_recent *rr)
{
	if (rr->have_suspects)
		suspects_done(&rr->sus);
	rr->have_suspects = false;
	suspects_markers_free(rr->marks, rr->n_marks);
	rr->marks = NULL;
	rr->n_marks = 0;
	set_str(&rr->sus_err, NULL);
}

void route_recent_free(struct route_recent *rr)
{
	if (!rr)
		return;
	kevents_cancel(rr->req);
	if (rr->timer)
		evloop_timer_cancel(rr->v->con->loop, rr->timer);
	drop_journal(rr);
	kevents_done(&rr->evs);
	free(rr->evs_err);
	free(rr->who);
	free(rr->cluster);
	free(rr->id);
	free(rr->ns);
	free(rr->name);
	free(rr);
}

static void on_timer(struct evloop *loop, void *ud)
{
	(void)loop;
	struct route_recent *rr = ud;
	rr->timer = 0;
	rebuild_view(rr);
}

static void read_journal(struct route_recent *rr)
{
	drop_journal(rr);
	free(rr->who);
	rr->who = NULL;
	struct cache *c = ui_edit_cache();
	if (!c || !rr->cluster) {
		set_str(&rr->sus_err, c ? "no cluster: no change journal" : "no cache: no change journal");
		return;
	}
	int64_t at = rr->at_ms ? rr->at_ms : time_wall_ms();
	struct suspects_query q = {.cluster = rr->cluster, .kind = (enum gt_kind)rr->kind,
	                           .ns = rr->ns, .name = rr->name, .at_ms = at,
	                           .window_ms = ROUTE_RECENT_WINDOW_MS};
	char err[512];
	if (suspects_find(c, &q, &rr->sus, err, sizeof err) < 0)
		set_str(&rr->sus_err, err);
	else
		rr->have_suspects = true;
	if (suspects_markers(c, rr->cluster, (enum gt_kind)rr->kind, rr->ns, rr->name,
	                     at - MARKS_SPAN_MS, at, &rr->marks, &rr->n_marks, err, sizeof err) < 0) {
		rr->marks = NULL;
		rr->n_marks = 0;
	}
}

void route_recent_update(struct route_recent *rr, int64_t at_ms)
{
	if (rr->kind < 0)
		return;
	char *cluster = ui_edit_cluster_key();
	bool moved = !str_eq(cluster, rr->cluster) || at_ms != rr->at_ms;
	free(rr->cluster);
	rr->cluster = cluster;
	if (at_ms != rr->at_ms) { /* other times: other Events */
		kevents_cancel(rr->req);
		rr->req = NULL;
		kevents_done(&rr->evs);
		rr->have_events = false;
		set_str(&rr->evs_err, NULL);
		rr->events_mono = 0;
	}
	rr->at_ms = at_ms;
	int64_t now = time_mono_ms();
	if (moved || !rr->read_mono || now - rr->read_mono >= READ_MIN_MS) {
		read_journal(rr);
		rr->read_mono = now;
	} else if (!rr->timer) {
		rr->timer = evloop_timer_add(rr->v->con->loop, READ_MIN_MS - (now - rr->read_mono),
		                             on_timer, rr);
	}
	if (!rr->events_mono || now - rr->events_mono >= EVENTS_EVERY_MS)
		ask_events(rr);
}

static struct grid_row *add(struct route_recent *rr, int depth, const char *key,
                            enum theme_elem e, const char *text)
{
	struct grid_row *r = grid_add(&rr->v->grid, depth, key);
	grid_set(r, C_ITEM, e, text);
	return r;
}

/* "3m ago" (or "3m before" in the past), "~" when the time is approximate. */
static const char *ago(const struct route_recent *rr, int64_t t_ms, bool approx, char *buf,
                       size_t n)
{
	int64_t ref = rr->at_ms ? rr->at_ms : time_wall_ms();
	char a[32];
	int64_t s = (ref - t_ms) / 1000;
	snprintf(buf, n, "%s%s %s", approx ? "~" : "", time_age(s < 0 ? 0 : s, a, sizeof a),
	         rr->at_ms ? "before" : "ago");
	return buf;
}

static void figs_text(struct buf *b, const double x[FIG_N], const double y[FIG_N])
{
	static const enum figure_id show[] = {FIG_TIMEOUT, FIG_RETRY, FIG_SUCCESS, FIG_RPS};
	for (size_t i = 0; i < sizeof show / sizeof *show; i++) {
		char p[32], q[32];
		buf_printf(b, "%s%s %s -> %s", i ? "  " : "", figures_header(show[i]),
		           figures_format(show[i], x[show[i]], p, sizeof p),
		           figures_format(show[i], y[show[i]], q, sizeof q));
	}
}

static void suspect_rows(struct route_recent *rr)
{
	struct grid_row *h = add(rr, 0, "suspects", THEME_GROUP, "Suspects");
	char t[64];
	grid_setf(h, C_VALUE, THEME_TITLE, "changes in the %s before %s, most likely first",
	          time_age(ROUTE_RECENT_WINDOW_MS / 1000, t, sizeof t),
	          rr->at_ms ? "the time shown" : "now");
	if (!rr->have_suspects) {
		struct grid_row *r = add(rr, 1, "suspects/none", THEME_DIM, "unknown");
		grid_set(r, C_VALUE, THEME_DIM, str_or(rr->sus_err, "not read yet"));
		return;
	}
	const struct suspects *s = &rr->sus;
	struct buf b;
	buf_init(&b);
	if (s->have_shift) {
		struct grid_row *r = add(rr, 1, "suspects/shift", THEME_DIM, "route figures");
		figs_text(&b, s->then_fig, s->now_fig);
		grid_setf(r, C_VALUE, THEME_NORMAL, "before the first change -> now: %s", buf_str(&b));
	}
	if (!s->n) {
		struct grid_row *r = add(rr, 1, "suspects/empty", THEME_OK, "none");
		grid_set(r, C_VALUE, THEME_DIM,
		         "no change to the route, its parents or its backends in the window");
	}
	for (size_t i = 0; i < s->n && i < SUSPECTS_SHOWN; i++) {
		const struct suspect *x = &s->items[i];
		const struct journal_change *ch = &x->change;
		char key[48], a[48];
		snprintf(key, sizeof key, "suspect%zu", i);
		buf_reset(&b);
		buf_printf(&b, "%zu. %s", i + 1, str_or(ch->manager, "unknown"));
		if (ch->audit_id)
			buf_printf(&b, " (gammatop #%lld)", (long long)ch->audit_id);
		struct grid_row *r = add(rr, 1, key, i ? THEME_NORMAL : THEME_WARN, buf_str(&b));
		grid_set(r, C_VALUE, THEME_NORMAL,
		         str_empty(ch->summary) ? str_or(ch->type, "changed") : ch->summary);
		grid_setf(r, C_EXTRA, THEME_DIM, "%s  score %.2f",
		          ago(rr, ch->at_ms, ch->approx, a, sizeof a), x->score);
		snprintf(key, sizeof key, "suspect%zu/why", i);
		r = add(rr, 2, key, THEME_DIM, "why");
		grid_set(r, C_VALUE, THEME_DIM, x->why);
		grid_setf(r, C_EXTRA, THEME_DIM, "%s/%s%s%s", kind_id(ch->kind), ch->ns,
		          str_empty(ch->ns) ? "" : "/", ch->name);
		if (x->have_figures) {
			snprintf(key, sizeof key, "suspect%zu/figs", i);
			r = add(rr, 2, key, THEME_DIM, ch->audit_id ? "did it help?" : "effect");
			buf_reset(&b);
			figs_text(&b, x->before, x->after);
			grid_setf(r, C_VALUE, THEME_NORMAL, "5m before -> 5m after: %s", buf_str(&b));
			if (!isnan(x->before[FIG_TIMEOUT]) && !isnan(x->after[FIG_TIMEOUT]))
				grid_set(r, C_EXTRA,
				         x->after[FIG_TIMEOUT] < x->before[FIG_TIMEOUT] ? THEME_OK
				         : x->after[FIG_TIMEOUT] > x->before[FIG_TIMEOUT] ? THEME_ERROR
				                                                          : THEME_DIM,
				         x->after[FIG_TIMEOUT] < x->before[FIG_TIMEOUT] ? "timeouts fell"
				         : x->after[FIG_TIMEOUT] > x->before[FIG_TIMEOUT] ? "timeouts rose"
				                                                          : "no change");
		}
	}
	if (s->n > SUSPECTS_SHOWN) {
		struct grid_row *r = add(rr, 1, "suspects/more", THEME_DIM, "...");
		grid_setf(r, C_VALUE, THEME_DIM, "%zu more: gammatop changes --suspects %s",
		          s->n - SUSPECTS_SHOWN, rr->id);
	}
	if (!s->source) {
		struct grid_row *r = add(rr, 1, "suspects/nofig", THEME_DIM, "figures");
		grid_set(r, C_VALUE, THEME_DIM,
		         "no telemetry in the cache: figures around the changes are not known");
	}
	buf_done(&b);
}

static void event_rows(struct route_recent *rr)
{
	struct grid_row *h = add(rr, 0, "events", THEME_GROUP, "Events");
	grid_set(h, C_VALUE, THEME_TITLE, "the cluster's record (events.k8s.io)");
	if (rr->at_ms) {
		struct grid_row *r = add(rr, 1, "events/past", THEME_DIM, "not shown");
		grid_set(r, C_VALUE, THEME_DIM, "Events are read live only (:at now)");
		return;
	}
	if (!rr->have_events) {
		struct grid_row *r = add(rr, 1, "events/none", THEME_DIM, "unknown");
		grid_set(r, C_VALUE, rr->evs_err ? THEME_ERROR : THEME_DIM,
		         rr->evs_err ? rr->evs_err
		         : rr->req ? "asking the cluster..." : "no cluster to ask");
		return;
	}
	if (!rr->evs.n) {
		struct grid_row *r = add(rr, 1, "events/empty", THEME_DIM, "none");
		grid_set(r, C_VALUE, THEME_DIM, "the cluster holds no Events about this route");
	}
	for (size_t i = 0; i < rr->evs.n && i < EVENTS_SHOWN; i++) {
		const struct kevent *e = &rr->evs.items[i];
		char key[32], a[48];
		snprintf(key, sizeof key, "event%zu", i);
		bool warn = str_eq(e->type, "Warning");
		struct grid_row *r = add(rr, 1, key, warn ? THEME_WARN : THEME_NORMAL, "");
		grid_setf(r, C_ITEM, warn ? THEME_WARN : THEME_NORMAL, "%s %s",
		          str_or(e->type, "?"), str_or(e->reason, "?"));
		if (e->time_ms)
			ago(rr, e->time_ms, false, a, sizeof a);
		else
			snprintf(a, sizeof a, "time unknown");
		if (e->count > 1)
			grid_setf(r, C_VALUE, THEME_NORMAL, "%s (x%d): %s", a, e->count, str_or(e->note, ""));
		else
			grid_setf(r, C_VALUE, THEME_NORMAL, "%s: %s", a, str_or(e->note, ""));
		grid_set(r, C_EXTRA, THEME_DIM, str_or(e->controller, ""));
	}
	if (rr->evs.n > EVENTS_SHOWN) {
		struct grid_row *r = add(rr, 1, "events/more", THEME_DIM, "...");
		grid_setf(r, C_VALUE, THEME_DIM, "%zu more (kubectl events)", rr->evs.n - EVENTS_SHOWN);
	}
}

void route_recent_rows(struct route_recent *rr)
{
	if (rr->kind < 0 || !rr->cluster)
		return;
	suspect_rows(rr);
	event_rows(rr);
}

size_t route_recent_marks(struct route_recent *rr, int64_t from_ms, int64_t to_ms, size_t n,
                          bool *marks, const char **who)
{
	memset(marks, 0, n * sizeof *marks);
	*who = "";
	if (!n || to_ms <= from_ms)
		return 0;
	size_t count = 0;
	const struct suspects_marker *last = NULL;
	for (size_t i = 0; i < rr->n_marks; i++) {
		const struct suspects_marker *m = &rr->marks[i];
		if (m->at_ms < from_ms || m->at_ms >= to_ms)
			continue;
		size_t k = (size_t)((m->at_ms - from_ms) * (int64_t)n / (to_ms - from_ms));
		marks[k < n ? k : n - 1] = true;
		count++;
		last = m; /* oldest first: the last one is the newest */
	}
	if (last) {
		free(rr->who);
		char a[48];
		char audit[32] = "";
		if (last->audit_id)
			snprintf(audit, sizeof audit, " (gammatop #%lld)", (long long)last->audit_id);
		rr->who = xasprintf("%s%s by %s%s: %s %s", count > 1 ? "newest " : "",
		                    ago(rr, last->at_ms, last->approx, a, sizeof a),
		                    str_or(last->who, "unknown"), audit, last->object,
		                    str_or(last->summary, ""));
		*who = rr->who;
	}
	return count;
}
