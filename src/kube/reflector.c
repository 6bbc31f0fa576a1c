/* reflector.c: list+watch state machine per kind on the evloop (see reflector.h).
 * States: LISTING (page requests, objects gathered until the last page, then one
 * store_replace_kind), WATCHING (a streamed request fed through watchsplit), WAITING (a
 * backoff timer). Every transition goes through next_list()/next_watch()/backoff(). */
#include "gammatop/reflector.h"
#include "gammatop/decode.h"
#include "gammatop/http.h"
#include "gammatop/listscan.h"
#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/watchsplit.h"
#include "gammatop/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BACKOFF_MIN_MS 800
#define BACKOFF_MAX_MS 30000
#define LIST_TIMEOUT_MS 60000
#define PAGE_LIMIT 500
#define HEALTHY_RESET_MS 120000 /* a watch up this long resets the backoff (client-go) */

struct reflector {
	struct kclient *k;
	struct gt_store *s;
	enum gt_kind kind;
	char *ns;              /* owned; NULL = all */
	char *fallback_ns;     /* owned: list here when listing all namespaces is forbidden */
	bool narrowed;         /* ns is fallback_ns because the cluster-wide list got 403 */
	struct kreq *req;      /* the list page or watch in flight */
	uint64_t timer;        /* backoff */
	char *rv;              /* owned: resourceVersion to watch from */
	char *cont;            /* owned: continue token of the list in progress */
	bool unpaged;          /* the next list in one request: a continue token expired */
	struct gt_object **items; /* owned: objects of the list in progress */
	size_t n_items, cap_items;
	struct watchsplit ws;
	long backoff_ms;
	int64_t connected_ms;  /* when the current watch was established; 0 = not */
	bool relist;           /* the watch saw 410: list again */
	char *watch_error;     /* owned: an ERROR event (not 410) ended the watch */
	unsigned skipped;      /* objects not decoded since the current list began */
	char *skip_error;      /* owned: why the first of them was skipped */
	bool blocked;
	int64_t watch_started_ms;
	unsigned watch_events; /* events+bookmarks of the current watch */
	struct reflector_stats st;
	unsigned seed;
	reflector_observer observe; /* may be NULL */
	void *observe_ud;
};

static void next_list(struct reflector *r);
static void next_watch(struct reflector *r);

void reflector_set_observer(struct reflector *r, reflector_observer fn, void *ud)
{
	r->observe = fn;
	r->observe_ud = ud;
}

static void observe(struct reflector *r, enum reflector_seen what, const json_t *obj)
{
	if (r->observe)
		r->observe(r->kind, what, obj, r->observe_ud);
}

struct reflector *reflector_new(struct kclient *k, struct gt_store *s, enum gt_kind kind,
                                const char *ns)
{
	struct reflector *r = xcalloc(1, sizeof *r);
	r->k = k;
	r->s = s;
	r->kind = kind;
	r->ns = kind_namespaced(kind) && !str_empty(ns) ? xstrdup(ns) : NULL;
	r->backoff_ms = BACKOFF_MIN_MS;
	r->seed = (unsigned)time_mono_ms() ^ (unsigned)getpid() ^ ((unsigned)kind << 16);
	watchsplit_init(&r->ws);
	return r;
}

static void drop_items(struct reflector *r)
{
	for (size_t i = 0; i < r->n_items; i++)
		object_free(r->items[i]);
	free(r->items);
	r->items = NULL;
	r->n_items = r->cap_items = 0;
	free(r->cont);
	r->cont = NULL;
}

void reflector_free(struct reflector *r)
{
	if (!r)
		return;
	if (r->req)
		kreq_cancel(r->req);
	if (r->timer)
		evloop_timer_cancel(kclient_loop(r->k), r->timer);
	drop_items(r);
	free(r->watch_error);
	free(r->skip_error);
	watchsplit_done(&r->ws);
	free(r->rv);
	free(r->ns);
	free(r->fallback_ns);
	free(r);
}

void reflector_set_fallback(struct reflector *r, const char *ns)
{
	free(r->fallback_ns);
	r->fallback_ns = kind_namespaced(r->kind) && !str_empty(ns) ? xstrdup(ns) : NULL;
}

bool reflector_narrowed(const struct reflector *r) { return r->narrowed; }
const char *reflector_namespace(const struct reflector *r) { return r->ns; }

bool reflector_blocked(const struct reflector *r) { return r->blocked; }
const struct reflector_stats *reflector_stats(const struct reflector *r) { return &r->st; }

unsigned reflector_skipped(const struct reflector *r, const char **first)
{
	if (first)
		*first = r->skip_error;
	return r->skipped;
}

static struct store_kind_state *state(struct reflector *r)
{
	return store_kind_state(r->s, r->kind);
}

static void heard(struct reflector *r) { state(r)->last_heard_ms = time_wall_ms(); }

static void set_rv(struct reflector *r, const char *rv)
{
	if (str_empty(rv))
		return;
	free(r->rv);
	r->rv = xstrdup(rv);
}

static void on_backoff_done(struct evloop *loop, void *ud)
{
	struct reflector *r = ud;
	r->timer = 0;
	if (r->relist || !r->rv)
		next_list(r);
	else
		next_watch(r);
}

/* An error: remember it for people, mark the kind stale, and try again later. */
static void backoff(struct reflector *r, const struct apierr *err, long retry_after_s)
{
	struct store_kind_state *st = state(r);
	r->st.failures++;
	if (st->synced)
		st->stale = true;
	if (err) {
		store_set_error(r->s, r->kind, err->message);
		log_warn("reflector %s: %s", kind_name(r->kind), err->message);
		r->blocked = err->kind == APIERR_FORBIDDEN || err->kind == APIERR_UNAUTHORIZED ||
		             err->kind == APIERR_CREDENTIALS;
	}
	if (r->connected_ms && time_mono_ms() - r->connected_ms >= HEALTHY_RESET_MS)
		r->backoff_ms = BACKOFF_MIN_MS;
	r->connected_ms = 0;
	long delay = r->backoff_ms;
	delay += (long)(rand_r(&r->seed) % (unsigned)(delay / 2 + 1)); /* jitter: up to +50% */
	if (retry_after_s > 0 && retry_after_s * 1000 > delay)
		delay = retry_after_s * 1000 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : retry_after_s * 1000;
	r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
	r->timer = evloop_timer_add(kclient_loop(r->k), delay, on_backoff_done, r);
}

/* The server answered: the kind is fresh again. */
static void healthy(struct reflector *r)
{
	r->blocked = false;
	struct store_kind_state *st = state(r);
	st->stale = false;
	if (st->error && st->installed)
		store_set_error(r->s, r->kind, NULL);
	heard(r);
}

/* Decode one API object (list items carry no kind/apiVersion: add them). */
static struct gt_object *decode(struct reflector *r, json_t *item)
{
	if (!json_object_get(item, "kind"))
		json_object_set_new(item, "kind", json_string(kind_name(r->kind)));
	if (!json_object_get(item, "apiVersion")) {
		const char *g = kind_group(r->kind);
		char *av = str_empty(g) ? xstrdup(kclient_version(r->k, r->kind))
		                        : xasprintf("%s/%s", g, kclient_version(r->k, r->kind));
		json_object_set_new(item, "apiVersion", json_string(av));
		free(av);
	}
	struct gt_object *obj = NULL;
	char err[512];
	if (decode_object(item, &obj, err, sizeof err) != DECODE_OK) {
		r->st.decode_errors++;
		if (r->skipped++ == 0)
			r->skip_error = xstrdup(err);
		log_warn("reflector %s: skipped an object: %s", kind_name(r->kind), err);
		object_free(obj);
		return NULL;
	}
	return obj;
}

/* ---- LIST ---- */

/* Why a list answer is unusable, for the operator: the parser's complaint, or what came
 * instead of a list, with the start of the text (sanitised). The caller frees. */
static char *not_a_list(const json_t *j, const json_error_t *je, const char *body, size_t len)
{
	if (j && !json_is_object(j))
		return xstrdup("a JSON value that is not an object");
	if (j) {
		char *k = str_sanitize(str_or(json_string_value(json_object_get(j, "kind")), "none"));
		char *m = xasprintf("an object of kind %s whose items is not an array", k);
		free(k);
		return m;
	}
	if (!len)
		return xstrdup("an empty body");
	char snippet[81];
	size_t n = len < sizeof snippet - 1 ? len : sizeof snippet - 1;
	memcpy(snippet, body, n);
	snippet[n] = 0;
	char *t = str_sanitize(snippet), *e = str_sanitize(je->text);
	char *m = xasprintf("not JSON: %s at byte %d; it starts with \"%s\"%s", e, je->position,
	                    t, len > n ? "..." : "");
	free(t);
	free(e);
	return m;
}


static void add_item(struct reflector *r, json_t *it)
{
	if (!json_is_object(it))
		return;
	struct gt_object *o = decode(r, it);
	if (!o)
		return;
	observe(r, REFLECTOR_LISTED, it);
	if (r->n_items == r->cap_items) {
		r->cap_items = r->cap_items ? r->cap_items * 2 : 256;
		r->items = xreallocarray(r->items, r->cap_items, sizeof *r->items);
	}
	r->items[r->n_items++] = o;
}

/* A page was read: its items are in r->items; asked: the next page was requested already. */
static void page_done(struct reflector *r, const char *cont, const char *rv, bool asked)
{
	r->st.pages++;
	r->backoff_ms = BACKOFF_MIN_MS;
	heard(r);
	if (asked)
		return;
	if (!str_empty(cont) && str_eq(cont, r->cont)) {
		/* e.g. a proxy that drops the query: the same page again and again, forever */
		drop_items(r);
		free(r->cont);
		r->cont = NULL;
		struct apierr e = {.kind = APIERR_OTHER};
		e.message = xasprintf("list %s: the server answered the continue token with the same "
		                      "token again (does a proxy drop the query string?)",
		                      kind_resource(r->kind));
		r->relist = true;
		backoff(r, &e, 0);
		apierr_done(&e);
		return;
	}
	free(r->cont);
	r->cont = str_empty(cont) ? NULL : xstrdup(cont);
	if (r->cont) {
		next_list(r);
		return;
	}
	set_rv(r, rv);
	observe(r, REFLECTOR_LIST_DONE, NULL);
	store_set_scope(r->s, r->kind, r->ns, r->narrowed); /* before: listeners rebuild on it */
	store_replace_kind(r->s, r->kind, r->items, r->n_items);
	free(r->items);
	r->items = NULL;
	r->n_items = r->cap_items = 0;
	r->st.lists++;
	r->relist = false;
	struct store_kind_state *st = state(r);
	st->installed = true;
	st->synced = true;
	r->backoff_ms = BACKOFF_MIN_MS;
	healthy(r);
	log_debug("reflector %s: listed, resourceVersion %s", kind_name(r->kind),
	          r->rv ? r->rv : "?");
	next_watch(r);
}

/* The page as one tree: the path for bodies listscan does not take, which also says what is
 * wrong with an answer that is not a list. */
static void page_tree(struct reflector *r, const struct kresponse *resp)
{
	json_error_t je;
	json_t *j = json_loadb(resp->body, resp->body_len, 0, &je);
	const json_t *items = json_object_get(j, "items");
	if (!json_is_object(j) || !(json_is_array(items) || json_is_null(items) || !items)) {
		char *why = not_a_list(j, &je, resp->body, resp->body_len);
		json_decref(j);
		drop_items(r);
		struct apierr e = {.kind = APIERR_OTHER};
		e.message = xasprintf("list %s: the answer is not a list (%s)", kind_resource(r->kind),
		                      why);
		free(why);
		r->relist = true;
		backoff(r, &e, 0);
		apierr_done(&e);
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		add_item(r, it);
	const json_t *meta = json_object_get(j, "metadata");
	page_done(r, json_string_value(json_object_get(meta, "continue")),
	          json_string_value(json_object_get(meta, "resourceVersion")), false);
	json_decref(j);
}

/* listscan state of one page. */
struct page {
	struct reflector *r;
	size_t first;             /* r->n_items before the page */
	unsigned skipped, decode_errors; /* before the page */
	char *cont, *rv;          /* owned: from metadata */
	char *prev_cont;          /* owned: r->cont before the next page was asked for */
	bool asked, bad;
};

static void page_member(const char *key, json_t *v, void *ud)
{
	struct page *pg = ud;
	if (strcmp(key, "metadata") != 0)
		return;
	if (pg->cont || pg->rv || pg->asked) { /* twice: leave it to the whole-tree path */
		pg->bad = true;
		return;
	}
	pg->cont = xstrdup_null(json_string_value(json_object_get(v, "continue")));
	pg->rv = xstrdup_null(json_string_value(json_object_get(v, "resourceVersion")));
	struct reflector *r = pg->r;
	if (!str_empty(pg->cont) && !str_eq(pg->cont, r->cont)) {
		pg->prev_cont = r->cont;
		r->cont = xstrdup(pg->cont);
		next_list(r);
		pg->asked = true;
	}
}

static void page_item(json_t *it, void *ud)
{
	struct page *pg = ud;
	if (!pg->bad)
		add_item(pg->r, it);
}

static void on_page(const struct kresponse *resp, void *ud)
{
	struct reflector *r = ud;
	r->req = NULL;
	if (resp->err) {
		if (resp->err->kind == APIERR_GONE && r->cont) {
			/* As client-go's pager (FullListIfExpired, tools/pager/pager.go): the whole
			 * list in one request. Paging again expires again, for ever, when the
			 * server's history is shorter than a paged list takes (10,000 routes
			 * churning 200/s against a history of 10,000 events). */
			log_info("reflector %s: continue token expired, listing again in one request",
			         kind_name(r->kind));
			drop_items(r);
			r->unpaged = true;
			next_list(r);
			return;
		}
		if (resp->err->kind == APIERR_FORBIDDEN && !r->ns && r->fallback_ns && !r->cont) {
			/* kubectl would stop here; a console had better show what the user may read,
			 * and say so (the store's scope and the log). */
			r->ns = xstrdup(r->fallback_ns);
			r->narrowed = true;
			log_warn("reflector %s: %s; reading namespace %s only", kind_name(r->kind),
			         resp->err->message ? resp->err->message : "forbidden", r->ns);
			drop_items(r);
			next_list(r);
			return;
		}
		if (resp->err->kind == APIERR_NOT_FOUND) {
			struct store_kind_state *st = state(r);
			st->installed = false;
		}
		r->relist = true;
		/* A transient failure in the middle of a paginated list: the continue token is
		 * still good, so retry that page (after the backoff) instead of starting over. */
		if (!(r->cont && apierr_retryable(resp->err)))
			drop_items(r);
		backoff(r, resp->err, resp->retry_after_s);
		return;
	}
	/* Item by item (listscan): no tree of the whole page, and the next page is asked for as
	 * soon as its continue token is read, so the server prepares it while this one decodes. */
	struct page pg = {.r = r, .first = r->n_items, .skipped = r->skipped,
	                  .decode_errors = r->st.decode_errors};
	if (listscan(resp->body, resp->body_len, page_member, page_item, &pg) == 0 && !pg.bad) {
		page_done(r, pg.cont, pg.rv, pg.asked);
		free(pg.prev_cont);
	} else {
		/* Not the usual shape: undo, and let the whole-tree path say what is wrong. */
		if (pg.asked) {
			kreq_cancel(r->req);
			r->req = NULL;
			free(r->cont);
			r->cont = pg.prev_cont;
		}
		while (r->n_items > pg.first)
			object_free(r->items[--r->n_items]);
		if (!pg.skipped && r->skipped) {
			free(r->skip_error);
			r->skip_error = NULL;
		}
		r->skipped = pg.skipped;
		r->st.decode_errors = pg.decode_errors;
		page_tree(r, resp);
	}
	free(pg.cont);
	free(pg.rv);
}

static void next_list(struct reflector *r)
{
	char *base = kclient_path(r->k, r->kind, r->ns, NULL);
	char *path;
	if (r->cont) {
		char *c = http_escape(r->cont);
		path = xasprintf("%s?limit=%d&continue=%s", base, PAGE_LIMIT, c);
		free(c);
	} else {
		drop_items(r);
		observe(r, REFLECTOR_LIST_START, NULL);
		r->skipped = 0;
		free(r->skip_error);
		r->skip_error = NULL;
		path = r->unpaged ? xstrdup(base) : xasprintf("%s?limit=%d", base, PAGE_LIMIT);
		r->unpaged = false; /* this list only: the next one pages again */
	}
	char *what = xasprintf("list %s", kind_resource(r->kind));
	struct kreq_opts o = {.path = path, .what = what, .timeout_ms = LIST_TIMEOUT_MS,
	                      .on_done = on_page, .ud = r};
	r->req = kclient_request(r->k, &o);
	free(base);
	free(path);
	free(what);
}

/* ---- WATCH ---- */

static int on_event(enum watch_type type, json_t *obj, void *ud)
{
	struct reflector *r = ud;
	heard(r);
	r->watch_events++;
	const json_t *meta = json_object_get(obj, "metadata");
	const char *rv = json_string_value(json_object_get(meta, "resourceVersion"));
	switch (type) {
	case WATCH_ADDED:
	case WATCH_MODIFIED: {
		struct gt_object *o = decode(r, obj);
		if (o) {
			observe(r, type == WATCH_ADDED ? REFLECTOR_ADDED : REFLECTOR_MODIFIED, obj);
			store_put(r->s, o);
		}
		r->st.events++;
		break;
	}
	case WATCH_DELETED:
		observe(r, REFLECTOR_DELETED, obj);
		store_delete(r->s, r->kind, json_string_value(json_object_get(meta, "namespace")),
		             json_string_value(json_object_get(meta, "name")));
		r->st.events++;
		break;
	case WATCH_BOOKMARK:
		r->st.bookmarks++;
		break;
	case WATCH_ERROR: {
		json_int_t code = json_integer_value(json_object_get(obj, "code"));
		if (code == 410) {
			log_info("reflector %s: watch expired (410), listing again", kind_name(r->kind));
			r->relist = true;
		} else {
			char *m = str_sanitize(json_string_value(json_object_get(obj, "message")));
			free(r->watch_error);
			r->watch_error = xasprintf("watch %s: the server sent an error (%lld): %s",
			                           kind_resource(r->kind), (long long)code, m);
			free(m);
		}
		return 1; /* abandon this stream */
	}
	}
	set_rv(r, rv);
	return 0;
}

static bool on_watch_data(const char *data, size_t n, void *ud)
{
	struct reflector *r = ud;
	return watchsplit_feed(&r->ws, data, n, on_event, r) == 0;
}

static void on_watch_headers(long status, void *ud)
{
	struct reflector *r = ud;
	if (status >= 200 && status < 300) {
		r->connected_ms = time_mono_ms();
		healthy(r);
	}
}

static void on_watch_done(const struct kresponse *resp, void *ud)
{
	struct reflector *r = ud;
	r->req = NULL;
	watchsplit_end(&r->ws);
	if (r->relist || (resp->err && resp->err->kind == APIERR_GONE)) {
		r->relist = true;
		r->st.relists++;
		next_list(r);
		return;
	}
	if (r->watch_error) {
		struct apierr e = {.kind = APIERR_OTHER, .message = r->watch_error};
		r->watch_error = NULL;
		backoff(r, &e, 0);
		apierr_done(&e);
		return;
	}
	if (resp->err) {
		backoff(r, resp->err, resp->retry_after_s);
		return;
	}
	int64_t lasted = time_mono_ms() - r->watch_started_ms;
	if (lasted < 1000 && r->watch_events == 0) {
		/* closed at once without a word: do not spin */
		backoff(r, NULL, 0);
		return;
	}
	next_watch(r);
}

static void next_watch(struct reflector *r)
{
	char *base = kclient_path(r->k, r->kind, r->ns, NULL);
	int timeout_s = 300 + (int)(rand_r(&r->seed) % 300);
	char *erv = http_escape(r->rv ? r->rv : "");
	char *path = xasprintf("%s?watch=1&resourceVersion=%s&allowWatchBookmarks=true"
	                       "&timeoutSeconds=%d",
	                       base, erv, timeout_s);
	char *what = xasprintf("watch %s", kind_resource(r->kind));
	struct kreq_opts o = {.path = path, .what = what, .timeout_ms = (timeout_s + 60) * 1000L,
	                      .on_data = on_watch_data, .on_headers = on_watch_headers,
	                      .on_done = on_watch_done, .ud = r};
	watchsplit_end(&r->ws);
	r->watch_started_ms = time_mono_ms();
	r->watch_events = 0;
	r->st.watches++;
	r->req = kclient_request(r->k, &o);
	free(base);
	free(erv);
	free(path);
	free(what);
}

void reflector_start(struct reflector *r)
{
	if (r->req || r->timer)
		return;
	next_list(r);
}
