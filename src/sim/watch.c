/* watch.c: WATCH streams: newline-delimited JSON events replayed from the event history
 * after the requested resourceVersion (or the current state as ADDED events when none is
 * given, or with sendInitialEvents=true), BOOKMARKs when asked for, the 410 Expired ERROR
 * event when the version is older than the retained history, timeoutSeconds, and abrupt
 * drops on demand. Each stream runs in its connection's thread and sleeps on sim->changed. */
#include "config.h"
#include "sim.h"

#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct watch {
	struct sim *s;
	enum sim_res res;
	char *ns;       /* NULL: all namespaces */
	char *version;
	char *label_sel, *field_sel;
	char *table_version; /* events carry one-row Tables (kubectl get -w), or NULL */
	char *include;       /* includeObject of the Table rows, or NULL */
	uint64_t since;  /* events with rv > since are still to be sent */
	bool bookmarks;
	bool initial_end_bookmark; /* sendInitialEvents: bookmark after the initial state */
	json_t **initial; /* current state to send as ADDED first (references) */
	size_t n_initial, next_initial;
	int64_t deadline_ms, next_bookmark_ms;
	uint64_t epoch;
	struct buf out;
	size_t out_off;
	bool finishing; /* send what is buffered, then end */
	struct MHD_Connection *conn;
};

void watch_set_conn(struct watch *w, void *conn)
{
	w->conn = conn;
}

void watch_free(void *cls)
{
	struct watch *w = cls;
	if (!w)
		return;
	for (size_t i = w->next_initial; i < w->n_initial; i++)
		json_decref(w->initial[i]);
	free(w->initial);
	free(w->ns);
	free(w->version);
	free(w->label_sel);
	free(w->field_sel);
	free(w->table_version);
	free(w->include);
	buf_done(&w->out);
	free(w);
}

static bool matches(struct watch *w, const json_t *obj)
{
	char err[128];
	const char *ons = meta_str(obj, "namespace");
	if (w->ns && (!ons || strcmp(ons, w->ns) != 0))
		return false;
	if (w->label_sel && selector_match(w->label_sel, obj, err, sizeof err) != 1)
		return false;
	if (w->field_sel && field_selector_match(w->field_sel, obj, err, sizeof err) != 1)
		return false;
	return true;
}

static void emit(struct watch *w, const char *type, const json_t *obj)
{
	json_t *view;
	if (w->table_version)
		view = table_new(w->res, w->table_version,
		                 json_pack("{s:s}", "resourceVersion", meta_str(obj, "resourceVersion")),
		                 json_pack("[o]", table_row(w->res, obj, w->version, w->include)));
	else
		view = api_object_view(obj, w->res, w->version);
	json_t *ev = json_pack("{s:s, s:o}", "type", type, "object", view);
	char *line = json_dumps(ev, JSON_COMPACT);
	buf_puts(&w->out, line);
	buf_putc(&w->out, '\n');
	free(line);
	json_decref(ev);
}

static void emit_bookmark(struct watch *w, uint64_t rv, bool initial_end)
{
	char av[128], rvs[32];
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
	json_t *obj = json_pack("{s:s, s:s, s:{s:s}}", "kind", resource_get(w->res)->kind,
	                        "apiVersion", resource_api_version(w->res, w->version, av, sizeof av),
	                        "metadata", "resourceVersion", rvs);
	if (initial_end)
		json_object_set_new(json_object_get(obj, "metadata"), "annotations",
		                    json_pack("{s:s}", "k8s.io/initial-events-end", "true"));
	json_t *ev = json_pack("{s:s, s:o}", "type", "BOOKMARK", "object", obj);
	char *line = json_dumps(ev, JSON_COMPACT);
	buf_puts(&w->out, line);
	buf_putc(&w->out, '\n');
	free(line);
	json_decref(ev);
}

static void emit_expired(struct watch *w, uint64_t asked)
{
	char msg[256];
	snprintf(msg, sizeof msg, "too old resource version: %llu (%llu)", (unsigned long long)asked,
	         (unsigned long long)w->s->objs.compacted_rv + 1);
	json_t *ev = json_pack("{s:s, s:o}", "type", "ERROR", "object",
	                       status_object(410, "Expired", NULL, msg));
	char *line = json_dumps(ev, JSON_COMPACT);
	buf_puts(&w->out, line);
	buf_putc(&w->out, '\n');
	free(line);
	json_decref(ev);
	w->finishing = true;
}

/* Fill w->out from the history and the initial state. Lock held. */
static void collect(struct watch *w)
{
	struct objects *o = &w->s->objs;
	size_t batch = 0;
	while (w->next_initial < w->n_initial && batch < 200) {
		json_t *obj = w->initial[w->next_initial];
		w->initial[w->next_initial++] = NULL;
		emit(w, "ADDED", obj);
		json_decref(obj);
		batch++;
	}
	if (w->next_initial < w->n_initial)
		return;
	if (w->initial_end_bookmark) {
		emit_bookmark(w, w->since, true);
		w->initial_end_bookmark = false;
	}
	if (w->since < o->compacted_rv) {
		emit_expired(w, w->since);
		return;
	}
	size_t n = o->ring_n;
	for (size_t i = objects_events_after(o, w->since); i < n; i++) {
		const struct sim_event *e = objects_event(o, i);
		if (e->res == w->res && matches(w, e->obj))
			emit(w, e->type == EV_ADDED ? "ADDED" : e->type == EV_MODIFIED ? "MODIFIED" : "DELETED",
			     e->obj);
		w->since = e->rv;
	}
	if (w->since < o->rv)
		w->since = o->rv;
}

static bool client_gone(struct watch *w)
{
	const union MHD_ConnectionInfo *ci =
		w->conn ? MHD_get_connection_info(w->conn, MHD_CONNECTION_INFO_CONNECTION_FD) : NULL;
	if (!ci)
		return false;
	struct pollfd p = {.fd = ci->connect_fd, .events = POLLRDHUP};
	if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
		return true;
	return false;
}

long watch_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct watch *w = cls;
	struct sim *s = w->s;
	(void)pos;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (w->out_off < w->out.len) {
			size_t n = w->out.len - w->out_off;
			if (n > max)
				n = max;
			memcpy(buf, w->out.data + w->out_off, n);
			w->out_off += n;
			if (w->out_off == w->out.len) {
				buf_reset(&w->out);
				w->out_off = 0;
			}
			pthread_mutex_unlock(&s->lock);
			return (long)n;
		}
		if (s->shutting_down || w->finishing) {
			pthread_mutex_unlock(&s->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (s->watch_epoch != w->epoch) {
			pthread_mutex_unlock(&s->lock);
			return MHD_CONTENT_READER_END_WITH_ERROR; /* dropped: no final chunk */
		}
		int64_t now = time_mono_ms();
		if (now >= w->deadline_ms) {
			pthread_mutex_unlock(&s->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		collect(w);
		if (w->out.len)
			continue;
		if (w->bookmarks && now >= w->next_bookmark_ms) {
			emit_bookmark(w, s->objs.rv, false);
			w->next_bookmark_ms = now + s->bookmark_ms;
			continue;
		}
		if (client_gone(w)) {
			pthread_mutex_unlock(&s->lock);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		int64_t wake = now + 1000;
		if (w->deadline_ms < wake)
			wake = w->deadline_ms;
		if (w->bookmarks && w->next_bookmark_ms < wake)
			wake = w->next_bookmark_ms;
		/* sim->changed is waited on with the realtime clock */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t delta = wake - now;
		ts.tv_sec += delta / 1000;
		ts.tv_nsec += (delta % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->changed, &s->lock, &ts);
	}
}

static bool parse_count(const char *v, long long max, long long *out)
{
	if (!v || !*v)
		return false;
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || *end || x < 0 || x > max)
		return false;
	*out = x;
	return true;
}

void watch_start(struct sim *s, const struct request *rq, struct reply *rp, enum sim_res r,
                 const char *ns, const char *version)
{
	const char *rv_s = request_query(rq, "resourceVersion");
	const char *to_s = request_query(rq, "timeoutSeconds");
	const char *bm = request_query(rq, "allowWatchBookmarks");
	const char *sie = request_query(rq, "sendInitialEvents");
	const char *lsel = request_query(rq, "labelSelector");
	const char *fsel = request_query(rq, "fieldSelector");
	long long timeout = 1800, rv = 0;
	char err[256];
	if (to_s && *to_s && !parse_count(to_s, 86400 * 7, &timeout)) {
		reply_status(rp, 400, "BadRequest", NULL, "timeoutSeconds: Invalid value: \"%s\": must be a non-negative integer", to_s);
		return;
	}
	if (rv_s && *rv_s && !parse_count(rv_s, INT64_MAX, &rv)) {
		reply_status(rp, 400, "BadRequest", NULL, "resourceVersion: Invalid value: \"%s\": must be an integer", rv_s);
		return;
	}
	if (lsel && *lsel && selector_match(lsel, NULL, err, sizeof err) < 0) {
		reply_status(rp, 400, "BadRequest", NULL, "unable to parse requirement: %s", err);
		return;
	}
	if (fsel && *fsel && field_selector_match(fsel, NULL, err, sizeof err) < 0) {
		reply_status(rp, 400, "BadRequest", NULL, "%s", err);
		return;
	}
	bool initial = sie && strcmp(sie, "true") == 0;
	if (timeout == 0)
		timeout = 1800;
	struct watch *w = xcalloc(1, sizeof *w);
	w->s = s;
	w->res = r;
	w->ns = xstrdup_null(ns);
	w->version = xstrdup(version);
	w->label_sel = lsel && *lsel ? xstrdup(lsel) : NULL;
	w->field_sel = fsel && *fsel ? xstrdup(fsel) : NULL;
	w->bookmarks = bm && strcmp(bm, "true") == 0;
	w->table_version = xstrdup_null(table_accepted(rq->accept));
	w->include = xstrdup_null(request_query(rq, "includeObject"));
	buf_init(&w->out);
	w->deadline_ms = time_mono_ms() + timeout * 1000;
	pthread_mutex_lock(&s->lock);
	w->epoch = s->watch_epoch;
	w->next_bookmark_ms = time_mono_ms() + s->bookmark_ms;
	if (rv == 0 || initial) {
		/* the current state first, as ADDED events */
		size_t lo, hi;
		objects_ns_range(&s->objs, r, ns, &lo, &hi);
		w->initial = xcalloc(hi - lo + 1, sizeof *w->initial);
		for (size_t i = lo; i < hi; i++) {
			const json_t *o = s->objs.tables[r].v[i].obj;
			if (matches(w, o))
				w->initial[w->n_initial++] = json_incref((json_t *)o);
		}
		w->since = s->objs.rv;
		w->initial_end_bookmark = initial && w->bookmarks;
	} else {
		w->since = (uint64_t)rv;
	}
	pthread_mutex_unlock(&s->lock);
	rp->code = 200;
	rp->watch = w;
}
