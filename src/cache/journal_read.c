/* journal_read.c: reading the change journal: the timeline (journal_list), where a cluster's
 * journal begins, and time travel: the objects of a cluster as they were at a given time,
 * rebuilt from the last full form of each object and the diffs after it (see journal.h). */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/journal.h"
#include "gammatop/log.h"
#include "gammatop/objdiff.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

bool journal_type_shown(const char *type)
{
	return str_eq(type, JOURNAL_ADDED) || str_eq(type, JOURNAL_MODIFIED) ||
	       str_eq(type, JOURNAL_DELETED);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	return xstrdup_null((const char *)sqlite3_column_text(s, i));
}

void journal_change_done(struct journal_change *c)
{
	free(c->ns);
	free(c->name);
	free(c->type);
	free(c->via);
	free(c->rv);
	free(c->manager);
	free(c->operation);
	free(c->summary);
	free(c->diff);
	memset(c, 0, sizeof *c);
}

void journal_changes_free(struct journal_change *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		journal_change_done(&list[i]);
	free(list);
}

int journal_coverage(struct cache *c, const char *cluster, int64_t *since_ms, int64_t *last_ms,
                     unsigned *kinds, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	/* a cache of an older schema (opened for reading) has no journal */
	if (sqlite3_prepare_v2(cache_db(c), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	                                    "name = 'journal_clusters'", -1, &s, NULL) != SQLITE_OK) {
		cache_error(c, "cannot read the change journal", err, errlen);
		return -1;
	}
	int have = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!have)
		return 0;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT since_ms, last_ms, kinds FROM journal_clusters "
	                                    "WHERE cluster = ?1", -1, &s, NULL) != SQLITE_OK) {
		cache_error(c, "cannot read the change journal", err, errlen);
		return -1;
	}
	sqlite3_bind_text(s, 1, cluster, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s), found = 0;
	if (rc == SQLITE_ROW) {
		found = 1;
		if (since_ms)
			*since_ms = sqlite3_column_int64(s, 0);
		if (last_ms)
			*last_ms = sqlite3_column_int64(s, 1);
		if (kinds)
			*kinds = (unsigned)sqlite3_column_int64(s, 2);
	} else if (rc != SQLITE_DONE) {
		cache_error(c, "cannot read the change journal", err, errlen);
		found = -1;
	}
	sqlite3_finalize(s);
	return found;
}

int journal_list(struct cache *c, const struct journal_query *q, struct journal_change **out,
                 size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	int64_t since = 0;
	if (journal_coverage(c, q->cluster, &since, NULL, NULL, err, errlen) < 0)
		return -1;
	struct buf b;
	buf_init(&b);
	/* The audit id when the writer found it, else now: the process that made the change may
	 * record the version it produced after the watch showed it. */
	buf_puts(&b, "SELECT id, at_ms, seen_ms, approx, kind, ns, name, type, via, rv, generation, "
	             "manager, operation, who_how, coalesce(audit_id, (SELECT a.id FROM audit a "
	             "WHERE a.cluster = journal.cluster AND a.route = journal.kind || '/' || "
	             "journal.ns || '/' || journal.name AND a.new_rv = journal.rv AND "
	             "journal.type IN ('added', 'modified') ORDER BY a.id DESC LIMIT 1)), "
	             "summary, diff FROM journal "
	             "WHERE cluster = ?1 AND at_ms >= ?2 AND at_ms <= ?3 AND id > ?4");
	buf_puts(&b, q->with_status ? " AND type IN ('added', 'modified', 'deleted', 'status')"
	                            : " AND type IN ('added', 'modified', 'deleted')");
	if (q->kind >= 0)
		buf_puts(&b, " AND kind = ?5");
	if (q->ns)
		buf_puts(&b, " AND ns = ?6");
	if (q->name)
		buf_puts(&b, " AND name = ?7");
	buf_puts(&b, q->oldest_first ? " ORDER BY at_ms, id" : " ORDER BY at_ms DESC, id DESC");
	if (q->limit)
		buf_printf(&b, " LIMIT %zu", q->limit);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(cache_db(c), buf_str(&b), -1, &s, NULL);
	buf_done(&b);
	if (rc != SQLITE_OK) {
		cache_error(c, "cannot read the change journal", err, errlen);
		return -1;
	}
	sqlite3_bind_text(s, 1, q->cluster, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, q->since_ms > since ? q->since_ms : since);
	sqlite3_bind_int64(s, 3, q->until_ms > 0 ? q->until_ms : INT64_MAX);
	sqlite3_bind_int64(s, 4, q->after_id);
	if (q->kind >= 0)
		sqlite3_bind_text(s, 5, kind_id((enum gt_kind)q->kind), -1, SQLITE_STATIC);
	if (q->ns)
		sqlite3_bind_text(s, 6, q->ns, -1, SQLITE_STATIC);
	if (q->name)
		sqlite3_bind_text(s, 7, q->name, -1, SQLITE_STATIC);
	size_t cap = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int k = kind_from_name((const char *)sqlite3_column_text(s, 4));
		if (k < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		struct journal_change *x = &(*out)[(*n)++];
		memset(x, 0, sizeof *x);
		x->id = sqlite3_column_int64(s, 0);
		x->at_ms = sqlite3_column_int64(s, 1);
		x->seen_ms = sqlite3_column_int64(s, 2);
		x->approx = sqlite3_column_int(s, 3) != 0;
		x->kind = (enum gt_kind)k;
		x->ns = col_dup(s, 5);
		x->name = col_dup(s, 6);
		x->type = col_dup(s, 7);
		x->via = col_dup(s, 8);
		x->rv = col_dup(s, 9);
		x->generation = sqlite3_column_int64(s, 10);
		x->manager = col_dup(s, 11);
		x->operation = col_dup(s, 12);
		x->who_how = sqlite3_column_int(s, 13);
		x->audit_id = sqlite3_column_int64(s, 14);
		x->summary = xstrdup(str_or((const char *)sqlite3_column_text(s, 15), ""));
		x->diff = col_dup(s, 16);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		cache_error(c, "cannot read the change journal", err, errlen);
		journal_changes_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int journal_size(struct cache *c, int64_t *bytes, int64_t *rows)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT coalesce(sum(bytes), 0), count(*) FROM journal",
	                       -1, &s, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*bytes = sqlite3_column_int64(s, 0);
		*rows = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- time travel ---- */

/* One object's rows up to the time asked, as they are read: the last full form and the diffs
 * after it (texts owned). */
struct replay {
	char *doc;
	char **diffs;
	size_t n, cap;
	bool gone;
};

static void replay_reset(struct replay *r)
{
	free(r->doc);
	for (size_t i = 0; i < r->n; i++)
		free(r->diffs[i]);
	r->doc = NULL;
	r->n = 0;
	r->gone = false;
}

static void replay_row(struct replay *r, const char *type, const char *doc, const char *diff)
{
	if (str_eq(type, JOURNAL_DELETED)) {
		replay_reset(r);
		r->gone = true;
		return;
	}
	if (doc) {
		replay_reset(r);
		r->doc = xstrdup(doc);
		return;
	}
	if (!r->doc || !diff)
		return; /* a diff without a base (pruned): nothing to replay it on */
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->diffs = xreallocarray(r->diffs, r->cap, sizeof *r->diffs);
	}
	r->diffs[r->n++] = xstrdup(diff);
}

/* The document the rows give (new reference), or NULL. */
static json_t *replay_doc(struct replay *r, const char *what)
{
	if (!r->doc)
		return NULL;
	json_t *doc = json_loads(r->doc, 0, NULL);
	for (size_t i = 0; doc && i < r->n; i++) {
		json_t *d = json_loads(r->diffs[i], 0, NULL);
		char err[256];
		if (!d || objdiff_apply(doc, d, err, sizeof err) < 0) {
			log_warn("journal: %s: a stored diff does not replay (%s): left out", what,
			         d ? err : "unreadable");
			json_decref(doc);
			doc = NULL;
		}
		json_decref(d);
	}
	return doc;
}

typedef int (*replay_cb)(const char *kind, const char *ns, const char *name, json_t *doc,
                         void *ud);

/* Replay the rows of cluster up to at_ms selected by extra (an SQL condition on kind, ns,
 * name: ?3, ?4, ?5; "" for all), calling cb once per object that existed at at_ms. */
static long replay(struct cache *c, const char *cluster, int64_t at_ms, const char *extra,
                   const char *kind, const char *ns, const char *name, replay_cb cb, void *ud,
                   char *err, size_t errlen)
{
	int64_t since = 0;
	int cov = journal_coverage(c, cluster, &since, NULL, NULL, err, errlen);
	if (cov < 0)
		return -1;
	if (cov == 0) {
		str_errf(err, errlen, "the cache %s holds no change journal of this cluster (the "
		                      "console and 'gammatop watch' record it)", cache_path(c));
		return -1;
	}
	if (at_ms < since) {
		char when[32];
		str_errf(err, errlen, "the change journal of this cluster begins at %s: nothing is "
		                      "known before", time_rfc3339((time_t)(since / 1000), when, sizeof when));
		return -1;
	}
	char *q = xasprintf("SELECT kind, ns, name, type, doc, diff FROM journal WHERE "
	                    "cluster = ?1 AND at_ms <= ?2%s ORDER BY kind, ns, name, at_ms, id",
	                    extra);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(cache_db(c), q, -1, &s, NULL);
	free(q);
	if (rc != SQLITE_OK) {
		cache_error(c, "cannot read the change journal", err, errlen);
		return -1;
	}
	sqlite3_bind_text(s, 1, cluster, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, at_ms);
	if (kind)
		sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	if (ns)
		sqlite3_bind_text(s, 4, ns, -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(s, 5, name, -1, SQLITE_STATIC);
	struct replay r = {0};
	char *cur = NULL; /* "kind\x1fns\x1fname" of the object being read */
	long count = 0;
	int stop = 0;
	for (;;) {
		rc = sqlite3_step(s);
		char *key = NULL;
		if (rc == SQLITE_ROW)
			key = xasprintf("%s\x1f%s\x1f%s", sqlite3_column_text(s, 0),
			                sqlite3_column_text(s, 1), sqlite3_column_text(s, 2));
		if (cur && (!key || strcmp(key, cur) != 0)) {
			json_t *doc = replay_doc(&r, cur);
			if (doc) {
				char *a = strchr(cur, '\x1f'), *b = strchr(a + 1, '\x1f');
				*a = *b = '\0';
				stop = cb(cur, a + 1, b + 1, doc, ud);
				json_decref(doc);
				count++;
			}
			replay_reset(&r);
			free(cur);
			cur = NULL;
		}
		if (!key || stop) {
			free(key);
			break;
		}
		if (!cur)
			cur = key;
		else
			free(key);
		replay_row(&r, (const char *)sqlite3_column_text(s, 3),
		           (const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5));
	}
	free(cur);
	replay_reset(&r);
	free(r.diffs);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		cache_error(c, "cannot read the change journal", err, errlen);
		return -1;
	}
	return count;
}

struct fill {
	struct gt_store *s;
	const char *ns;
	long put;
};

static int fill_one(const char *kind, const char *ns, const char *name, json_t *doc, void *ud)
{
	struct fill *f = ud;
	int k = kind_from_name(kind);
	if (k < 0 || (f->ns && kind_namespaced((enum gt_kind)k) && strcmp(ns, f->ns) != 0))
		return 0;
	struct gt_object *o = NULL;
	char err[512];
	if (decode_object(doc, &o, err, sizeof err) != DECODE_OK) {
		log_warn("journal: %s/%s/%s: cannot be decoded: %s", kind, ns, name, err);
		return 0;
	}
	store_put(f->s, o);
	f->put++;
	return 0;
}

long journal_store_at(struct cache *c, const char *cluster, int64_t at_ms, const char *ns,
                      struct gt_store *s, char *err, size_t errlen)
{
	struct fill f = {.s = s, .ns = str_empty(ns) ? NULL : ns};
	if (replay(c, cluster, at_ms, "", NULL, NULL, NULL, fill_one, &f, err, errlen) < 0)
		return -1;
	unsigned kinds = 0;
	journal_coverage(c, cluster, NULL, NULL, &kinds, NULL, 0);
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(s, (enum gt_kind)k);
		st->installed = (kinds & (1u << k)) || store_count(s, (enum gt_kind)k) > 0;
		st->synced = st->installed;
		st->stale = false;
		st->last_heard_ms = st->installed ? at_ms : 0;
	}
	return f.put;
}

struct one {
	json_t *doc;
};

static int take_one(const char *kind, const char *ns, const char *name, json_t *doc, void *ud)
{
	(void)kind, (void)ns, (void)name;
	struct one *o = ud;
	o->doc = json_incref(doc);
	return 1;
}

int journal_doc_at(struct cache *c, const char *cluster, enum gt_kind kind, const char *ns,
                   const char *name, int64_t at_ms, json_t **doc, char *err, size_t errlen)
{
	struct one o = {NULL};
	*doc = NULL;
	if (replay(c, cluster, at_ms, " AND kind = ?3 AND ns = ?4 AND name = ?5", kind_id(kind),
	           ns ? ns : "", name, take_one, &o, err, errlen) < 0)
		return -1;
	*doc = o.doc;
	return o.doc ? 1 : 0;
}
