/* kevents.c: Kubernetes Events about one object, read on demand, and the Events gammatop
 * writes about the changes it applies (see kevents.h). Each operation tries events.k8s.io/v1
 * first and core v1 when the cluster answers 404 (it does not serve events.k8s.io). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/http.h"
#include "gammatop/kevents.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define NOTE_MAX 1024 /* events.k8s.io validation: note is at most 1 kB */

/* ---- reading ---- */

static int64_t ms_of(const char *ts)
{
	time_t t;
	return ts && time_parse_rfc3339(ts, &t) == 0 ? (int64_t)t * 1000 : 0;
}

static const char *str_at(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	return json_string_value(b ? json_object_get(v, b) : v);
}

static int cmp_newest(const void *a, const void *b)
{
	const struct kevent *x = a, *y = b;
	return x->time_ms < y->time_ms ? 1 : x->time_ms > y->time_ms ? -1 : 0;
}

int kevents_parse(const char *body, size_t len, const char *kind, const char *name,
                  struct kevents *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	json_error_t je;
	json_t *j = json_loadb(body ? body : "", len, 0, &je);
	const json_t *items = json_object_get(j, "items");
	if (!json_is_object(j) || !(json_is_array(items) || json_is_null(items) || !items)) {
		str_errf(err, errlen, "the events answer is not an EventList%s%s", j ? "" : ": ",
		         j ? "" : je.text);
		json_decref(j);
		return -1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e) {
		const json_t *about = json_object_get(e, "regarding");
		if (!about)
			about = json_object_get(e, "involvedObject");
		const char *ak = json_string_value(json_object_get(about, "kind"));
		const char *an = json_string_value(json_object_get(about, "name"));
		if ((kind && !str_eq(ak, kind)) || (name && !str_eq(an, name)))
			continue; /* a server that ignores the field selector */
		out->items = xreallocarray(out->items, out->n + 1, sizeof *out->items);
		struct kevent *k = &out->items[out->n++];
		memset(k, 0, sizeof *k);
		/* the newest the Event says it was seen: its series, else its own times, else when
		 * the object was made */
		int64_t series = ms_of(str_at(e, "series", "lastObservedTime"));
		int64_t own[] = {ms_of(str_at(e, "eventTime", NULL)),
		                 ms_of(str_at(e, "deprecatedLastTimestamp", NULL)),
		                 ms_of(str_at(e, "lastTimestamp", NULL))};
		k->time_ms = series;
		for (size_t t = 0; !series && t < sizeof own / sizeof *own; t++)
			if (own[t] > k->time_ms)
				k->time_ms = own[t];
		if (!k->time_ms)
			k->time_ms = ms_of(str_at(e, "metadata", "creationTimestamp"));
		k->type = xstrdup_null(str_at(e, "type", NULL));
		k->reason = xstrdup_null(str_at(e, "reason", NULL));
		k->note = xstrdup_null(str_at(e, "note", NULL) ? str_at(e, "note", NULL)
		                                               : str_at(e, "message", NULL));
		k->action = xstrdup_null(str_at(e, "action", NULL));
		const char *ctl = str_at(e, "reportingController", NULL);
		if (!ctl)
			ctl = str_at(e, "reportingComponent", NULL);
		if (!ctl || !*ctl)
			ctl = str_at(e, "deprecatedSource", "component");
		if (!ctl || !*ctl)
			ctl = str_at(e, "source", "component");
		k->controller = xstrdup_null(ctl);
		json_int_t count = json_integer_value(json_object_get(json_object_get(e, "series"), "count"));
		if (!count)
			count = json_integer_value(json_object_get(e, "deprecatedCount"));
		if (!count)
			count = json_integer_value(json_object_get(e, "count"));
		k->count = count > 0 && count < 1000000000 ? (int)count : 1;
		k->kind = xstrdup_null(ak);
		k->name = xstrdup_null(an);
	}
	json_decref(j);
	if (out->n > 1)
		qsort(out->items, out->n, sizeof *out->items, cmp_newest);
	return 0;
}

void kevents_done(struct kevents *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct kevent *k = &e->items[i];
		free(k->type);
		free(k->reason);
		free(k->note);
		free(k->action);
		free(k->controller);
		free(k->kind);
		free(k->name);
	}
	free(e->items);
	memset(e, 0, sizeof *e);
}

/* ---- requests: events.k8s.io/v1, then core v1 on 404 ---- */

struct kevents_req {
	struct kclient *k;
	struct kreq *req;
	bool post, core; /* core: the second try */
	enum gt_kind kind;
	char *ns, *name, *body_v1, *body_core;
	kevents_cb cb;
	kevents_post_cb post_cb;
	void *ud;
};

static const char *events_ns(enum gt_kind kind, const char *ns)
{
	return kind_namespaced(kind) && !str_empty(ns) ? ns : "default";
}

static char *list_path(const struct kevents_req *r)
{
	char *sel = r->core ? xasprintf("involvedObject.kind=%s,involvedObject.name=%s",
	                                kind_name(r->kind), r->name)
	                    : xasprintf("regarding.kind=%s,regarding.name=%s", kind_name(r->kind),
	                                r->name);
	char *esel = http_escape(sel), *ens = http_escape(events_ns(r->kind, r->ns));
	char *p = xasprintf("%s/namespaces/%s/events%s%s", r->core ? "/api/v1" : "/apis/events.k8s.io/v1",
	                    ens, r->post ? "" : "?fieldSelector=", r->post ? "" : esel);
	free(sel);
	free(esel);
	free(ens);
	return p;
}

static void req_free(struct kevents_req *r)
{
	free(r->ns);
	free(r->name);
	free(r->body_v1);
	free(r->body_core);
	free(r);
}

static void send(struct kevents_req *r);

static void on_done(const struct kresponse *resp, void *ud)
{
	struct kevents_req *r = ud;
	r->req = NULL;
	if (resp->err && resp->err->kind == APIERR_NOT_FOUND && !r->core) {
		r->core = true; /* no events.k8s.io here: the core API */
		send(r);
		return;
	}
	const char *e = resp->err ? resp->err->message : NULL;
	if (r->post) {
		if (r->post_cb)
			r->post_cb(e ? e : NULL, r->ud);
	} else if (e) {
		r->cb(NULL, e, r->ud);
	} else {
		struct kevents evs;
		char err[256];
		if (kevents_parse(resp->body, resp->body_len, kind_name(r->kind), r->name, &evs, err,
		                  sizeof err) < 0)
			r->cb(NULL, err, r->ud);
		else
			r->cb(&evs, NULL, r->ud);
		kevents_done(&evs);
	}
	req_free(r);
}

static void send(struct kevents_req *r)
{
	char *path = list_path(r);
	char *what = xasprintf("%s events of %s %s/%s", r->post ? "create" : "list", kind_id(r->kind),
	                       r->ns ? r->ns : "", r->name);
	const char *body = r->core ? r->body_core : r->body_v1;
	struct kreq_opts o = {.method = r->post ? "POST" : NULL, .path = path, .what = what,
	                      .body = body, .body_len = body ? strlen(body) : 0,
	                      .content_type = body ? "application/json" : NULL,
	                      .timeout_ms = 15000, .on_done = on_done, .ud = r};
	r->req = kclient_request(r->k, &o);
	free(path);
	free(what);
}

struct kevents_req *kevents_fetch(struct kclient *k, enum gt_kind kind, const char *ns,
                                  const char *name, kevents_cb cb, void *ud)
{
	struct kevents_req *r = xcalloc(1, sizeof *r);
	*r = (struct kevents_req){.k = k, .kind = kind, .ns = xstrdup_null(ns),
	                          .name = xstrdup(name ? name : ""), .cb = cb, .ud = ud};
	send(r);
	return r;
}

void kevents_cancel(struct kevents_req *r)
{
	if (!r)
		return;
	kreq_cancel(r->req);
	req_free(r);
}

struct sync_state {
	bool done;
	struct kevents *out;
	char *err;
	size_t errlen;
	int rc;
};

static void sync_list(struct kevents *evs, const char *err, void *ud)
{
	struct sync_state *s = ud;
	s->done = true;
	if (evs) {
		*s->out = *evs;
		memset(evs, 0, sizeof *evs); /* taken */
		s->rc = 0;
	} else {
		str_errf(s->err, s->errlen, "%s", err);
	}
}

int kevents_fetch_sync(struct kclient *k, enum gt_kind kind, const char *ns, const char *name,
                       long max_ms, struct kevents *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct sync_state s = {.out = out, .err = err, .errlen = errlen, .rc = -1};
	struct kevents_req *r = kevents_fetch(k, kind, ns, name, sync_list, &s);
	if (!evloop_run_until(kclient_loop(k), &s.done, max_ms)) {
		kevents_cancel(r);
		str_errf(err, errlen, "the cluster did not answer the events list within %ld ms", max_ms);
		return -1;
	}
	return s.rc;
}

/* ---- writing ---- */

static char *micro_time(int64_t ms)
{
	char ts[32];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%06dZ", ts, (int)(ms % 1000) * 1000);
}

static json_t *about(const struct kevent_post *p, const char *api_version)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "apiVersion", api_version, "kind",
	                      kind_name(p->kind), "name", p->name);
	if (kind_namespaced(p->kind) && p->ns)
		json_object_set_new(o, "namespace", json_string(p->ns));
	if (p->uid)
		json_object_set_new(o, "uid", json_string(p->uid));
	return o;
}

static char *note_of(const struct kevent_post *p)
{
	char *n = xstrndup(p->note ? p->note : "", NOTE_MAX);
	for (char *c = n; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return n;
}

json_t *kevents_body(const struct kevent_post *p, const char *api_version, int64_t time_ms,
                     const char *instance)
{
	char *name = xasprintf("%s.%llx", p->name, (unsigned long long)time_ms * 1000000ull);
	char *when = micro_time(time_ms), *note = note_of(p);
	json_t *e = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
	                      "apiVersion", "events.k8s.io/v1", "kind", "Event", "metadata",
	                      "name", name, "namespace", events_ns(p->kind, p->ns),
	                      "eventTime", when, "reportingController", KEVENTS_CONTROLLER,
	                      "reportingInstance", instance, "action", p->action ? p->action : "Change",
	                      "reason", p->reason, "type", p->type ? p->type : "Normal",
	                      "note", note, "regarding", about(p, api_version));
	free(name);
	free(when);
	free(note);
	return e;
}

/* The same Event in the core v1 form (involvedObject, message, first/lastTimestamp). */
static json_t *core_body(const json_t *v1)
{
	json_t *e = json_deep_copy(v1);
	json_object_set_new(e, "apiVersion", json_string("v1"));
	json_object_set(e, "involvedObject", json_object_get(e, "regarding"));
	json_object_del(e, "regarding");
	json_object_set(e, "message", json_object_get(e, "note"));
	json_object_del(e, "note");
	json_object_set(e, "reportingComponent", json_object_get(e, "reportingController"));
	json_object_del(e, "reportingController");
	json_object_set_new(e, "source", json_pack("{s:s}", "component", KEVENTS_CONTROLLER));
	char ts[32];
	time_rfc3339(time(NULL), ts, sizeof ts);
	json_object_set_new(e, "firstTimestamp", json_string(ts));
	json_object_set_new(e, "lastTimestamp", json_string(ts));
	json_object_set_new(e, "count", json_integer(1));
	return e;
}

struct kevents_req *kevents_post(struct kclient *k, const struct kevent_post *p,
                                 kevents_post_cb cb, void *ud)
{
	char host[64] = "";
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	char *instance = xasprintf("%s%s%s", KEVENTS_CONTROLLER, *host ? "@" : "", host);
	const char *g = kind_group(p->kind);
	char *av = str_empty(g) ? xstrdup(kclient_version(k, p->kind))
	                        : xasprintf("%s/%s", g, kclient_version(k, p->kind));
	json_t *v1 = kevents_body(p, av, time_wall_ms(), instance), *core = core_body(v1);
	struct kevents_req *r = xcalloc(1, sizeof *r);
	*r = (struct kevents_req){.k = k, .post = true, .kind = p->kind, .ns = xstrdup_null(p->ns),
	                          .name = xstrdup(p->name ? p->name : ""),
	                          .body_v1 = json_dumps(v1, JSON_COMPACT),
	                          .body_core = json_dumps(core, JSON_COMPACT), .post_cb = cb, .ud = ud};
	json_decref(v1);
	json_decref(core);
	free(av);
	free(instance);
	send(r);
	return r;
}

struct post_state {
	bool done;
	char *err;
	size_t errlen;
	int rc;
};

static void sync_post(const char *err, void *ud)
{
	struct post_state *s = ud;
	s->done = true;
	s->rc = err ? -1 : 0;
	if (err)
		str_errf(s->err, s->errlen, "%s", err);
}

int kevents_post_sync(struct kclient *k, const struct kevent_post *p, long max_ms, char *err,
                      size_t errlen)
{
	struct post_state s = {.err = err, .errlen = errlen, .rc = -1};
	struct kevents_req *r = kevents_post(k, p, sync_post, &s);
	if (!evloop_run_until(kclient_loop(k), &s.done, max_ms)) {
		kevents_cancel(r);
		str_errf(err, errlen, "the cluster did not answer within %ld ms", max_ms);
		return -1;
	}
	return s.rc;
}
