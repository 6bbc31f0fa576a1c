/* journal.c: the change journal's writer (what the reflectors saw, diffed against the last
 * version the journal has, written in one transaction per flush) and its retention (see
 * journal.h). Reading is in journal_read.c. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/buf.h"
#include "gammatop/jdoc.h"
#include "gammatop/journal.h"
#include "gammatop/log.h"
#include "gammatop/objdiff.h"
#include "gammatop/str.h"
#include "gammatop/strmap.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

enum item_type { IT_OBJECT, IT_LIST_DONE };

struct item {
	enum item_type t;
	enum gt_kind kind;
	enum journal_seen what;
	const char *via;       /* "watch", "start", "relist" (static) */
	int64_t seen_ms;
	char *ns, *name, *rv;  /* owned */
	int64_t generation;
	char *created;         /* owned: metadata.creationTimestamp */
	/* The journal form as text, without its status and the status apart (key-sorted, so
	 * that equal documents hash equal), and metadata.managedFields: text, because objects
	 * of a list live in listscan's arena only while they are handed over. NULL for
	 * deletions. Parsed back at the flush when the object changed. */
	char *spec_text, *status_text, *managed_text;
	uint64_t hash_spec, hash_status;
	json_t *doc;           /* at the flush: the journal form, parsed back */
	struct jdoc_managers mgr; /* at the flush: the managers */
	struct strmap *listed; /* IT_LIST_DONE: "ns\x1fname" of what the list held (owned) */
};

enum { ST_HEAD_GET, ST_HEAD_PUT, ST_HEAD_RV, ST_HEAD_DEL, ST_ROW, ST_AUDIT, ST_HEADS_OF_KIND,
       ST_CLUSTER_GET, ST_CLUSTER_PUT, ST_N };

static const char *const sql[ST_N] = {
	[ST_HEAD_GET] = "SELECT rv, at_ms, hash_spec, hash_status, since_doc, managers, doc "
	                "FROM journal_head WHERE cluster = ?1 AND kind = ?2 AND ns = ?3 AND name = ?4",
	[ST_HEAD_PUT] = "INSERT OR REPLACE INTO journal_head (cluster, kind, ns, name, rv, at_ms, "
	                "hash_spec, hash_status, since_doc, managers, doc) "
	                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_HEAD_RV] = "UPDATE journal_head SET rv = ?5 WHERE cluster = ?1 AND kind = ?2 AND "
	               "ns = ?3 AND name = ?4",
	[ST_HEAD_DEL] = "DELETE FROM journal_head WHERE cluster = ?1 AND kind = ?2 AND ns = ?3 AND "
	                "name = ?4",
	[ST_ROW] = "INSERT INTO journal (cluster, at_ms, seen_ms, kind, ns, name, type, via, approx, "
	           "rv, generation, manager, operation, who_how, audit_id, summary, diff, doc, bytes) "
	           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
	           "?17, ?18, ?19)",
	[ST_AUDIT] = "SELECT id FROM audit WHERE cluster = ?1 AND route = ?2 AND new_rv = ?3 "
	             "ORDER BY id DESC LIMIT 1",
	[ST_HEADS_OF_KIND] = "SELECT ns, name FROM journal_head WHERE cluster = ?1 AND kind = ?2",
	[ST_CLUSTER_GET] = "SELECT since_ms, last_ms, kinds FROM journal_clusters WHERE cluster = ?1",
	[ST_CLUSTER_PUT] = "INSERT INTO journal_clusters (cluster, since_ms, last_ms, kinds) "
	                   "VALUES (?1, ?2, ?4, ?3) ON CONFLICT (cluster) DO UPDATE SET "
	                   "last_ms = max(last_ms, excluded.last_ms), kinds = kinds | excluded.kinds",
};

struct journal_writer {
	struct cache *c;
	sqlite3 *db;
	char *cluster, *ns;
	sqlite3_stmt *st[ST_N];
	struct item *q;
	size_t n, cap;
	struct strmap *listing[GT_KIND_COUNT]; /* objects of the list in progress (owned) */
	bool listed_once[GT_KIND_COUNT];       /* a list of the kind has ended (queue order) */
	unsigned kinds_seen;                   /* kinds whose list ended, to record */
	struct journal_stats stats;
	/* during a flush */
	bool known;          /* the journal has seen this cluster before */
	int64_t last_ms;     /* when it last recorded it */
	long shown;
};

struct journal_writer *journal_writer_new(struct cache *c, const char *cluster, const char *ns)
{
	struct journal_writer *w = xcalloc(1, sizeof *w);
	w->c = c;
	w->db = cache_db(c);
	w->cluster = xstrdup(cluster ? cluster : "");
	w->ns = str_empty(ns) ? NULL : xstrdup(ns);
	return w;
}

static void item_done(struct item *it)
{
	free(it->ns);
	free(it->name);
	free(it->rv);
	free(it->created);
	free(it->spec_text);
	free(it->status_text);
	free(it->managed_text);
	json_decref(it->doc);
	jdoc_managers_done(&it->mgr);
	if (it->listed) {
		strmap_done(it->listed);
		free(it->listed);
	}
}

static void drop_queue(struct journal_writer *w)
{
	for (size_t i = 0; i < w->n; i++)
		item_done(&w->q[i]);
	w->n = 0;
}

void journal_writer_free(struct journal_writer *w)
{
	if (!w)
		return;
	drop_queue(w);
	free(w->q);
	for (int k = 0; k < GT_KIND_COUNT; k++)
		if (w->listing[k]) {
			strmap_done(w->listing[k]);
			free(w->listing[k]);
		}
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(w->st[i]);
	free(w->cluster);
	free(w->ns);
	free(w);
}

static struct item *push(struct journal_writer *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->q = xreallocarray(w->q, w->cap, sizeof *w->q);
	}
	struct item *it = &w->q[w->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static char *key_of(const char *ns, const char *name)
{
	return xasprintf("%s\x1f%s", ns ? ns : "", name ? name : "");
}

static uint64_t fnv(const char *p)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ull;
	}
	return h ? h : 1;
}

/* v as key-sorted compact JSON in memory of our own (never jansson's allocator, which may be
 * an arena emptied when the caller returns: see listscan.h). NULL for NULL. */
static char *dump_own(const json_t *v)
{
	if (!v)
		return NULL;
	size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
	size_t n = json_dumpb(v, NULL, 0, flags);
	if (!n)
		return NULL;
	char *s = xmalloc(n + 1);
	json_dumpb(v, s, n, flags);
	s[n] = '\0';
	return s;
}

void journal_writer_seen(struct journal_writer *w, enum gt_kind kind, enum journal_seen what,
                         const json_t *obj, int64_t seen_ms)
{
	const json_t *md = json_object_get(obj, "metadata");
	const char *name = json_string_value(json_object_get(md, "name"));
	if (!name || kind >= GT_KIND_COUNT)
		return;
	const char *ns = kind_namespaced(kind) ? json_string_value(json_object_get(md, "namespace"))
	                                       : "";
	w->stats.seen++;
	struct item *it = push(w);
	it->t = IT_OBJECT;
	it->kind = kind;
	it->what = what;
	it->via = what != JOURNAL_SEEN_LISTED ? "watch" : w->listed_once[kind] ? "relist" : "start";
	it->seen_ms = seen_ms;
	it->ns = xstrdup(ns ? ns : "");
	it->name = xstrdup(name);
	it->rv = xstrdup_null(json_string_value(json_object_get(md, "resourceVersion")));
	it->generation = json_integer_value(json_object_get(md, "generation"));
	it->created = xstrdup_null(json_string_value(json_object_get(md, "creationTimestamp")));
	if (what != JOURNAL_SEEN_DELETED) {
		json_t *doc = jdoc_from_api(obj);
		json_t *st = json_incref(json_object_get(doc, "status"));
		json_object_del(doc, "status");
		it->spec_text = dump_own(doc);
		it->status_text = dump_own(st);
		it->hash_spec = it->spec_text ? fnv(it->spec_text) : 0;
		it->hash_status = it->status_text ? fnv(it->status_text) : 0;
		it->managed_text = dump_own(json_object_get(md, "managedFields"));
		json_decref(st);
		json_decref(doc);
	}
	if (what == JOURNAL_SEEN_LISTED && w->listing[kind]) {
		char *k = key_of(it->ns, name);
		bool created;
		*strmap_slot(w->listing[kind], k, &created) = (void *)1;
		free(k);
	}
}

void journal_writer_list_start(struct journal_writer *w, enum gt_kind kind)
{
	if (kind >= GT_KIND_COUNT)
		return;
	if (!w->listing[kind]) {
		w->listing[kind] = xcalloc(1, sizeof *w->listing[kind]);
		strmap_init(w->listing[kind], NULL);
	}
	strmap_clear(w->listing[kind]);
}

void journal_writer_list_done(struct journal_writer *w, enum gt_kind kind, int64_t seen_ms)
{
	if (kind >= GT_KIND_COUNT)
		return;
	struct item *it = push(w);
	it->t = IT_LIST_DONE;
	it->kind = kind;
	it->seen_ms = seen_ms;
	it->via = w->listed_once[kind] ? "relist" : "start";
	it->listed = w->listing[kind]; /* NULL when the start was not seen: nothing is deleted */
	w->listing[kind] = NULL;
	w->listed_once[kind] = true;
	w->kinds_seen |= 1u << kind;
}

size_t journal_writer_pending(const struct journal_writer *w) { return w->n; }
const struct journal_stats *journal_writer_stats(const struct journal_writer *w)
{
	return &w->stats;
}

/* ---- flushing ---- */

static sqlite3_stmt *stmt(struct journal_writer *w, int i)
{
	if (!w->st[i] && sqlite3_prepare_v2(w->db, sql[i], -1, &w->st[i], NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(w->st[i]);
	sqlite3_clear_bindings(w->st[i]);
	return w->st[i];
}

static void bind_obj(sqlite3_stmt *s, struct journal_writer *w, enum gt_kind kind, const char *ns,
                     const char *name)
{
	sqlite3_bind_text(s, 1, w->cluster, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind_id(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, name, -1, SQLITE_STATIC);
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* The journal's last version of an object. */
struct head {
	bool found;
	char *rv, *doc, *managers; /* owned */
	int64_t at_ms, since_doc;
	uint64_t hash_spec, hash_status;
};

static void head_done(struct head *h)
{
	free(h->rv);
	free(h->doc);
	free(h->managers);
}

static int head_get(struct journal_writer *w, const struct item *it, struct head *h)
{
	memset(h, 0, sizeof *h);
	sqlite3_stmt *s = stmt(w, ST_HEAD_GET);
	if (!s)
		return -1;
	bind_obj(s, w, it->kind, it->ns, it->name);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		h->found = true;
		h->rv = xstrdup_null((const char *)sqlite3_column_text(s, 0));
		h->at_ms = sqlite3_column_int64(s, 1);
		h->hash_spec = (uint64_t)sqlite3_column_int64(s, 2);
		h->hash_status = (uint64_t)sqlite3_column_int64(s, 3);
		h->since_doc = sqlite3_column_int64(s, 4);
		h->managers = xstrdup_null((const char *)sqlite3_column_text(s, 5));
		h->doc = xstrdup_null((const char *)sqlite3_column_text(s, 6));
		rc = SQLITE_DONE;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Is version a older than b? Kubernetes resourceVersions are opaque, but every API server
 * (etcd's revision) and the sim hand out increasing integers: compare those; anything else
 * is never "older" (the diff decides). */
static bool rv_older(const char *a, const char *b)
{
	if (!a || !b || !*a || !*b || strspn(a, "0123456789") != strlen(a) ||
	    strspn(b, "0123456789") != strlen(b))
		return false;
	size_t la = strlen(a), lb = strlen(b);
	return la != lb ? la < lb : strcmp(a, b) < 0;
}

/* Parse the item's texts back: its journal form and its managers. 0, or -1 when the form
 * cannot be read (never expected: we wrote it). */
static int item_parse(struct item *it)
{
	it->doc = it->spec_text ? json_loads(it->spec_text, 0, NULL) : NULL;
	if (!json_is_object(it->doc))
		return -1;
	if (it->status_text) {
		json_t *st = json_loads(it->status_text, JSON_DECODE_ANY, NULL);
		if (st)
			json_object_set_new(it->doc, "status", st);
	}
	json_t *mf = it->managed_text ? json_loads(it->managed_text, 0, NULL) : NULL;
	json_t *wrap = json_pack("{s:{s:o*}}", "metadata", "managedFields", mf);
	jdoc_managers_parse(wrap, &it->mgr);
	json_decref(wrap);
	return 0;
}

struct row {
	const char *type, *via, *summary;
	int64_t at_ms, seen_ms, generation, audit_id;
	bool approx;
	const char *rv, *manager, *operation;
	int who_how;
	char *diff, *doc; /* borrowed */
};

static int put_row(struct journal_writer *w, const struct item *it, const struct row *r)
{
	sqlite3_stmt *s = stmt(w, ST_ROW);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, w->cluster, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, r->at_ms);
	sqlite3_bind_int64(s, 3, r->seen_ms);
	sqlite3_bind_text(s, 4, kind_id(it->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, it->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, it->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, r->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, r->via, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, r->approx);
	bind_text_or_null(s, 10, r->rv);
	if (r->generation > 0)
		sqlite3_bind_int64(s, 11, r->generation);
	bind_text_or_null(s, 12, r->manager);
	bind_text_or_null(s, 13, r->operation);
	sqlite3_bind_int(s, 14, r->who_how);
	if (r->audit_id > 0)
		sqlite3_bind_int64(s, 15, r->audit_id);
	bind_text_or_null(s, 16, r->summary);
	bind_text_or_null(s, 17, r->diff);
	bind_text_or_null(s, 18, r->doc);
	size_t bytes = 64 + strlen(it->ns) + strlen(it->name) + (r->summary ? strlen(r->summary) : 0) +
	               (r->diff ? strlen(r->diff) : 0) + (r->doc ? strlen(r->doc) : 0);
	sqlite3_bind_int64(s, 19, (int64_t)bytes);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return -1;
	w->stats.rows++;
	w->stats.bytes += bytes;
	if (journal_type_shown(r->type)) {
		w->stats.changes++;
		w->shown++;
	}
	return 0;
}

static int put_head(struct journal_writer *w, const struct item *it, int64_t at_ms,
                    uint64_t hs, uint64_t hst, int64_t since_doc, const char *doc)
{
	sqlite3_stmt *s = stmt(w, ST_HEAD_PUT);
	if (!s)
		return -1;
	bind_obj(s, w, it->kind, it->ns, it->name);
	bind_text_or_null(s, 5, it->rv);
	sqlite3_bind_int64(s, 6, at_ms);
	sqlite3_bind_int64(s, 7, (int64_t)hs);
	sqlite3_bind_int64(s, 8, (int64_t)hst);
	sqlite3_bind_int64(s, 9, since_doc);
	json_t *brief = jdoc_managers_brief(&it->mgr);
	char *mb = json_dumps(brief, JSON_COMPACT);
	json_decref(brief);
	sqlite3_bind_text(s, 10, mb, -1, free);
	sqlite3_bind_text(s, 11, doc, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int simple(struct journal_writer *w, int which, const struct item *it, const char *ns,
                  const char *name)
{
	sqlite3_stmt *s = stmt(w, which);
	if (!s)
		return -1;
	bind_obj(s, w, it->kind, ns, name);
	if (which == ST_HEAD_RV)
		bind_text_or_null(s, 5, it->rv);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The audit id of the gammatop change that produced version rv of a route (0: none). */
static int64_t audit_of(struct journal_writer *w, const struct item *it)
{
	if (!kind_is_route(it->kind) || !it->rv)
		return 0;
	sqlite3_stmt *s = stmt(w, ST_AUDIT);
	if (!s)
		return 0;
	char *route = xasprintf("%s/%s/%s", kind_id(it->kind), it->ns, it->name);
	sqlite3_bind_text(s, 1, w->cluster, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, route, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, it->rv, -1, SQLITE_STATIC);
	int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	free(route);
	return id;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* An object the journal has no version of: first sight, or created while nobody watched. */
static int record_new(struct journal_writer *w, const struct item *it, char *doc_text,
                      uint64_t hs, uint64_t hst)
{
	struct row r = {.type = JOURNAL_BASE, .via = it->via, .seen_ms = it->seen_ms,
	                .at_ms = it->seen_ms, .generation = it->generation, .rv = it->rv,
	                .doc = doc_text, .summary = "first seen"};
	time_t created = 0;
	bool new_since = it->created && time_parse_rfc3339(it->created, &created) == 0 &&
	                 (int64_t)created * 1000 >= w->last_ms;
	if (w->known && (!strcmp(it->via, "watch") || new_since)) {
		r.type = JOURNAL_ADDED;
		r.summary = "created";
		if (strcmp(it->via, "watch") != 0) {
			r.at_ms = clamp((int64_t)created * 1000, w->last_ms, it->seen_ms);
			r.approx = true;
		}
		const struct jdoc_manager *creator = NULL; /* the earliest writer of the spec */
		for (size_t i = 0; i < it->mgr.n; i++) {
			const struct jdoc_manager *e = &it->mgr.items[i];
			if (!str_eq(e->subresource, "status") &&
			    (!creator || (e->time_ms && e->time_ms < creator->time_ms)))
				creator = e;
		}
		if (creator) {
			r.manager = creator->manager;
			r.operation = creator->operation;
			r.who_how = JDOC_WHO_OWNER;
		}
		r.audit_id = audit_of(w, it);
	}
	if (put_row(w, it, &r) < 0)
		return -1;
	return put_head(w, it, r.at_ms, hs, hst, 0, doc_text);
}

static const char *const summary_skip[] = {"status", "metadata.generation", NULL};
static const char *const status_skip[] = {"metadata.generation", NULL};

static int record_change(struct journal_writer *w, const struct item *it, struct head *h,
                         char *doc_text, uint64_t hs, uint64_t hst)
{
	json_t *old = json_loads(h->doc ? h->doc : "", 0, NULL);
	if (!old) { /* a damaged head: start over from this version */
		log_warn("journal: %s/%s/%s: the last version could not be read; recording this one "
		         "as a new first sight", kind_id(it->kind), it->ns, it->name);
		return record_new(w, it, doc_text, hs, hst);
	}
	struct objdiff d;
	objdiff_init(&d);
	objdiff_compute(&d, "", old, it->doc);
	json_decref(old);
	bool status_only = true;
	for (size_t i = 0; i < d.n && status_only; i++)
		status_only = objdiff_path_under(d.items[i].path, "status");
	struct jdoc_managers before;
	json_t *bj = h->managers ? json_loads(h->managers, 0, NULL) : NULL;
	jdoc_managers_from_brief(bj, &before);
	json_decref(bj);
	struct jdoc_who who;
	jdoc_who(&before, &it->mgr, &d, it->doc, status_only, &who);
	jdoc_managers_done(&before);
	struct row r = {.type = status_only ? JOURNAL_STATUS : JOURNAL_MODIFIED, .via = it->via,
	                .seen_ms = it->seen_ms, .at_ms = it->seen_ms, .generation = it->generation,
	                .rv = it->rv, .manager = who.manager, .operation = who.operation,
	                .who_how = who.how};
	if (strcmp(it->via, "watch") != 0) { /* seen late: dated by the writer's entry */
		r.approx = true;
		if (who.time_ms && who.how != JDOC_WHO_GUESS)
			r.at_ms = who.time_ms;
	}
	r.at_ms = clamp(r.at_ms, h->at_ms, it->seen_ms > h->at_ms ? it->seen_ms : h->at_ms);
	char *summary = objdiff_summary(&d, 3, status_only ? status_skip : summary_skip);
	json_t *dj = objdiff_to_json(&d);
	r.diff = json_dumps(dj, JSON_COMPACT);
	json_decref(dj);
	objdiff_done(&d);
	r.summary = summary;
	int64_t since = h->since_doc + 1;
	if (since >= JOURNAL_REBASE) {
		r.doc = doc_text;
		since = 0;
	}
	if (!status_only)
		r.audit_id = audit_of(w, it);
	int rc = put_row(w, it, &r);
	if (rc == 0)
		rc = put_head(w, it, r.at_ms, hs, hst, since, doc_text);
	free(summary);
	free(r.diff);
	return rc;
}

static int record_deleted(struct journal_writer *w, const struct item *it, const char *ns,
                          const char *name, const char *via, bool approx)
{
	struct item tmp = *it;
	tmp.ns = (char *)ns;
	tmp.name = (char *)name;
	struct row r = {.type = JOURNAL_DELETED, .via = via, .seen_ms = it->seen_ms,
	                .at_ms = it->seen_ms, .approx = approx, .rv = it->rv,
	                .generation = it->generation, .summary = "deleted"};
	if (put_row(w, &tmp, &r) < 0)
		return -1;
	return simple(w, ST_HEAD_DEL, &tmp, ns, name);
}

static int flush_object(struct journal_writer *w, struct item *it)
{
	struct head h;
	if (head_get(w, it, &h) < 0)
		return -1;
	int rc = 0;
	if (it->what == JOURNAL_SEEN_DELETED) {
		if (h.found)
			rc = record_deleted(w, it, it->ns, it->name, it->via, false);
		head_done(&h);
		return rc;
	}
	if (h.found && (str_eq(h.rv, it->rv) || rv_older(it->rv, h.rv))) {
		head_done(&h); /* this version (or a newer one) is in already */
		return 0;
	}
	uint64_t hs = it->hash_spec, hst = it->hash_status;
	if (h.found && hs == h.hash_spec && hst == h.hash_status) {
		rc = simple(w, ST_HEAD_RV, it, it->ns, it->name); /* resourceVersion-only churn */
		head_done(&h);
		return rc;
	}
	char *doc_text = item_parse(it) == 0 ? json_dumps(it->doc, JSON_COMPACT | JSON_SORT_KEYS)
	                                     : NULL;
	if (!doc_text) {
		head_done(&h);
		return 0;
	}
	rc = h.found ? record_change(w, it, &h, doc_text, hs, hst)
	             : record_new(w, it, doc_text, hs, hst);
	free(doc_text);
	head_done(&h);
	return rc;
}

/* The end of a list: what the journal has of the kind (in the namespace) and the list did
 * not hold was deleted while nobody watched. */
static int flush_list_done(struct journal_writer *w, struct item *it)
{
	if (!it->listed)
		return 0;
	sqlite3_stmt *s = stmt(w, ST_HEADS_OF_KIND);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, w->cluster, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind_id(it->kind), -1, SQLITE_STATIC);
	char **gone = NULL;
	size_t n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *ns = (const char *)sqlite3_column_text(s, 0);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		if (w->ns && kind_namespaced(it->kind) && !str_eq(ns, w->ns))
			continue;
		char *k = key_of(ns, name);
		if (!strmap_get(it->listed, k)) {
			gone = xreallocarray(gone, n + 1, sizeof *gone);
			gone[n++] = k;
		} else {
			free(k);
		}
	}
	sqlite3_reset(s);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *sep = strchr(gone[i], '\x1f');
		*sep = '\0';
		if (rc == 0)
			rc = record_deleted(w, it, gone[i], sep + 1, it->via, true);
		free(gone[i]);
	}
	free(gone);
	return rc;
}

static int cluster_state(struct journal_writer *w)
{
	sqlite3_stmt *s = stmt(w, ST_CLUSTER_GET);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, w->cluster, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	w->known = rc == SQLITE_ROW;
	w->last_ms = w->known ? sqlite3_column_int64(s, 1) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static double cpu_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

long journal_writer_flush(struct journal_writer *w, char *err, size_t errlen)
{
	if (!w->n)
		return 0;
	int64_t t0 = time_mono_ms(), first = INT64_MAX, last = 0;
	double c0 = cpu_ms();
	for (size_t i = 0; i < w->n; i++) {
		if (w->q[i].seen_ms < first)
			first = w->q[i].seen_ms;
		if (w->q[i].seen_ms > last)
			last = w->q[i].seen_ms;
	}
	if (cache_begin(w->c, err, errlen) < 0) {
		drop_queue(w);
		return -1;
	}
	w->shown = 0;
	int rc = cluster_state(w);
	for (size_t i = 0; i < w->n && rc == 0; i++)
		rc = w->q[i].t == IT_OBJECT ? flush_object(w, &w->q[i]) : flush_list_done(w, &w->q[i]);
	if (rc == 0) {
		sqlite3_stmt *s = stmt(w, ST_CLUSTER_PUT);
		rc = -1;
		if (s) {
			sqlite3_bind_text(s, 1, w->cluster, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 2, first); /* a new cluster's journal begins here */
			sqlite3_bind_int64(s, 3, w->kinds_seen);
			sqlite3_bind_int64(s, 4, last);
			rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
			sqlite3_reset(s);
		}
	}
	drop_queue(w);
	if (rc < 0) {
		cache_error(w->c, "cannot record changes in the journal", err, errlen);
		cache_rollback(w->c);
		return -1;
	}
	if (cache_commit(w->c, err, errlen) < 0)
		return -1;
	w->stats.flushes++;
	w->stats.flush_ms += (double)(time_mono_ms() - t0);
	w->stats.flush_cpu_ms += cpu_ms() - c0;
	return w->shown;
}

/* ---- retention ---- */

static long exec_count(sqlite3 *db, const char *q, int64_t cutoff)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, cutoff);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? sqlite3_changes(db) : -1;
}

/* Remove what no replay at or after cutoff needs: rows older than the newest full form at or
 * before the cut-off, and objects deleted before it (not added again). */
static long prune_before(sqlite3 *db, int64_t cutoff)
{
	static const char superseded[] =
		"DELETE FROM journal WHERE at_ms < ?1 AND EXISTS (SELECT 1 FROM journal b WHERE "
		"b.cluster = journal.cluster AND b.kind = journal.kind AND b.ns = journal.ns AND "
		"b.name = journal.name AND b.doc IS NOT NULL AND b.at_ms <= ?1 AND "
		"(b.at_ms > journal.at_ms OR (b.at_ms = journal.at_ms AND b.id > journal.id)))";
	static const char gone[] =
		"DELETE FROM journal WHERE at_ms <= ?1 AND EXISTS (SELECT 1 FROM journal d WHERE "
		"d.type = 'deleted' AND d.at_ms <= ?1 AND d.cluster = journal.cluster AND "
		"d.kind = journal.kind AND d.ns = journal.ns AND d.name = journal.name AND NOT EXISTS "
		"(SELECT 1 FROM journal l WHERE l.cluster = d.cluster AND l.kind = d.kind AND "
		"l.ns = d.ns AND l.name = d.name AND l.at_ms <= ?1 AND (l.at_ms > d.at_ms OR "
		"(l.at_ms = d.at_ms AND l.id > d.id))))";
	long a = exec_count(db, superseded, cutoff);
	long b = a < 0 ? -1 : exec_count(db, gone, cutoff);
	if (b < 0)
		return -1;
	if (exec_count(db, "UPDATE journal_clusters SET since_ms = max(since_ms, ?1)", cutoff) < 0)
		return -1;
	return a + b;
}

/* The time from which the journal's newer rows hold about keep bytes. */
static int64_t size_cutoff(sqlite3 *db, int64_t keep)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT at_ms / 60000, sum(bytes) FROM journal GROUP BY 1 "
	                           "ORDER BY 1 DESC", -1, &s, NULL) != SQLITE_OK)
		return 0;
	int64_t total = 0, cut = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		total += sqlite3_column_int64(s, 1);
		if (total > keep) {
			cut = (sqlite3_column_int64(s, 0) + 1) * 60000;
			break;
		}
	}
	sqlite3_finalize(s);
	return cut;
}

long journal_prune(struct cache *c, const struct journal_retention *r, int64_t now_ms,
                   char *err, size_t errlen)
{
	static const struct journal_retention def = JOURNAL_RETENTION_DEFAULT;
	if (!r)
		r = &def;
	sqlite3 *db = cache_db(c);
	int64_t cutoff = r->max_age_ms > 0 ? now_ms - r->max_age_ms : 0, bytes = 0, rows = 0;
	if (r->max_bytes > 0 && journal_size(c, &bytes, &rows) == 0 && bytes > r->max_bytes) {
		int64_t by_size = size_cutoff(db, r->max_bytes / 10 * 9);
		if (by_size > cutoff)
			cutoff = by_size;
	}
	if (cutoff <= 0)
		return 0;
	if (cache_begin(c, err, errlen) < 0)
		return -1;
	long n = prune_before(db, cutoff);
	if (n < 0) {
		cache_error(c, "cannot apply the journal's retention", err, errlen);
		cache_rollback(c);
		return -1;
	}
	if (cache_commit(c, err, errlen) < 0)
		return -1;
	return n;
}
