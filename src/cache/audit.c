/* audit.c: the audit log of policy changes (see audit.h) in the cache's `audit` table.
 * The table has no column for "this change reverts #N": it is kept as the message prefix
 * "undo of #N: ", written and parsed here only, so readers always get it as undo_of. Reads
 * name the columns the file has (PRAGMA table_info): a cache of an older schema (read-only)
 * or of a newer one (set aside, read with `history --cache`) reads as far as it can. */
#include "config.h"

#include "gammatop/audit.h"

#include <inttypes.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/cache.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define UNDO_PREFIX "undo of #"

static void db_err(struct cache *c, char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		cache_error(c, what, err, errlen);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int64_t audit_add(struct cache *c, const struct audit_entry *e, char *err, size_t errlen)
{
	sqlite3 *db = cache_db(c);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO audit (at_ms, context, user, route, rule, before_json,"
	                       " after_json, result, message, cluster, rule_key, base_rv, base_gen,"
	                       " new_rv, owner) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		db_err(c, err, errlen, "cannot record the change");
		return -1;
	}
	char *msg = NULL;
	if (e->undo_of > 0)
		msg = xasprintf(UNDO_PREFIX "%" PRId64 ": %s", e->undo_of, e->message ? e->message : "");
	sqlite3_bind_int64(st, 1, e->at_ms ? e->at_ms : time_wall_ms());
	bind_text(st, 2, e->context);
	bind_text(st, 3, e->user);
	bind_text(st, 4, e->route);
	sqlite3_bind_int(st, 5, e->rule);
	bind_text(st, 6, e->before_json);
	bind_text(st, 7, e->after_json);
	bind_text(st, 8, e->result);
	bind_text(st, 9, msg ? msg : e->message);
	bind_text(st, 10, e->cluster);
	bind_text(st, 11, e->rule_key);
	bind_text(st, 12, e->base_rv);
	if (e->base_gen > 0)
		sqlite3_bind_int64(st, 13, e->base_gen);
	else
		sqlite3_bind_null(st, 13);
	bind_text(st, 14, e->new_rv);
	bind_text(st, 15, e->owner);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(msg);
	if (rc != SQLITE_DONE) {
		db_err(c, err, errlen, "cannot record the change");
		return -1;
	}
	return sqlite3_last_insert_rowid(db);
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/* Split "undo of #N: rest" into undo_of and the rest. */
static void parse_undo(struct audit_entry *e)
{
	e->undo_of = 0;
	if (!e->message || strncmp(e->message, UNDO_PREFIX, strlen(UNDO_PREFIX)) != 0)
		return;
	char *p = e->message + strlen(UNDO_PREFIX), *end;
	long long id = strtoll(p, &end, 10);
	if (end == p || id <= 0 || end[0] != ':')
		return;
	e->undo_of = id;
	end += end[1] == ' ' ? 2 : 1;
	memmove(e->message, end, strlen(end) + 1);
}

static void read_row(sqlite3_stmt *st, struct audit_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->at_ms = sqlite3_column_int64(st, 1);
	e->context = col_text(st, 2);
	e->user = col_text(st, 3);
	e->route = col_text(st, 4);
	e->rule = sqlite3_column_int(st, 5);
	e->before_json = col_text(st, 6);
	e->after_json = col_text(st, 7);
	e->result = col_text(st, 8);
	e->message = col_text(st, 9);
	e->cluster = col_text(st, 10);
	e->rule_key = col_text(st, 11);
	e->base_rv = col_text(st, 12);
	e->base_gen = sqlite3_column_type(st, 13) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 13);
	e->new_rv = col_text(st, 14);
	e->owner = col_text(st, 15);
	parse_undo(e);
}

/* The columns read_row reads, in its order; those the file's table lacks read as NULL. */
static const char *const columns[] = {
	"id", "at_ms", "context", "user", "route", "rule", "before_json", "after_json", "result",
	"message", "cluster", "rule_key", "base_rv", "base_gen", "new_rv", "owner",
};
#define N_REQUIRED 10 /* the schema 2 columns: without them this is no audit log we can read */

/* "SELECT <columns> FROM audit" for this file, or NULL with err set. Caller frees. */
static char *select_sql(struct cache *c, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	bool have[sizeof columns / sizeof columns[0]] = {false};
	if (sqlite3_prepare_v2(cache_db(c), "PRAGMA table_info(audit)", -1, &st, NULL) !=
	    SQLITE_OK) {
		db_err(c, err, errlen, "cannot read the audit log");
		return NULL;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		for (size_t i = 0; name && i < sizeof columns / sizeof columns[0]; i++)
			have[i] |= !strcmp(name, columns[i]);
	}
	sqlite3_finalize(st);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "SELECT ");
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
		if (!have[i] && i < N_REQUIRED) {
			buf_done(&b);
			snprintf(err, errlen, "cache %s: its audit log (schema %d) has no column %s: this "
			                      "gammatop cannot read it", cache_path(c),
			         cache_schema_version(c), columns[i]);
			return NULL;
		}
		buf_printf(&b, "%s%s", i ? ", " : "", have[i] ? columns[i] : "NULL");
	}
	buf_puts(&b, " FROM audit ");
	return buf_steal(&b);
}

/* Prepare select_sql(c) + tail; NULL with err set. */
static sqlite3_stmt *prepare_select(struct cache *c, const char *tail, char *err, size_t errlen)
{
	char *head = select_sql(c, err, errlen);
	if (!head)
		return NULL;
	char *sql = xasprintf("%s%s", head, tail);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK) {
		db_err(c, err, errlen, "cannot read the audit log");
		st = NULL;
	}
	free(sql);
	free(head);
	return st;
}

int audit_get(struct cache *c, int64_t id, struct audit_entry *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->base_gen = -1;
	sqlite3_stmt *st = prepare_select(c, "WHERE id = ?", err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		db_err(c, err, errlen, "cannot read the audit log");
		found = -1;
	}
	sqlite3_finalize(st);
	return found;
}

/* Step st (prepared and bound) into a heap array. */
static int read_all(struct cache *c, sqlite3_stmt *st, struct audit_entry **out, size_t *n,
                    char *err, size_t errlen)
{
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		read_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_err(c, err, errlen, "cannot read the audit log");
		audit_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int audit_list(struct cache *c, const char *route, size_t limit, struct audit_entry **out,
               size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prepare_select(c, route ? "WHERE route = ? ORDER BY id DESC LIMIT ?"
	                                           : "ORDER BY id DESC LIMIT ?", err, errlen);
	if (!st)
		return -1;
	int i = 1;
	if (route)
		sqlite3_bind_text(st, i++, route, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, i, limit ? (sqlite3_int64)limit : -1);
	return read_all(c, st, out, n, err, errlen);
}

int audit_pending(struct cache *c, const char *cluster, struct audit_entry **out, size_t *n,
                  char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prepare_select(c, cluster ? "WHERE result = '" AUDIT_PENDING "' AND "
	                                               "cluster = ? ORDER BY id"
	                                             : "WHERE result = '" AUDIT_PENDING "' ORDER BY id",
	                                  err, errlen);
	if (!st)
		return -1;
	if (cluster)
		sqlite3_bind_text(st, 1, cluster, -1, SQLITE_TRANSIENT);
	return read_all(c, st, out, n, err, errlen);
}

int audit_finish(struct cache *c, int64_t id, const char *result, const char *message,
                 const char *new_rv, char *err, size_t errlen)
{
	struct audit_entry e;
	int found = audit_get(c, id, &e, err, errlen);
	if (found <= 0) {
		if (found == 0)
			snprintf(err, errlen, "cache %s: no audit entry #%" PRId64, cache_path(c), id);
		return -1;
	}
	char *msg = e.undo_of > 0 ? xasprintf(UNDO_PREFIX "%" PRId64 ": %s", e.undo_of,
	                                      message ? message : "")
	                          : NULL;
	audit_entry_done(&e);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(cache_db(c),
	                            "UPDATE audit SET result = ?, message = ?, new_rv = ? WHERE id = ?",
	                            -1, &st, NULL);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, result);
		bind_text(st, 2, msg ? msg : message);
		bind_text(st, 3, new_rv);
		sqlite3_bind_int64(st, 4, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	free(msg);
	if (rc != SQLITE_DONE) {
		db_err(c, err, errlen, "cannot record the outcome of a change");
		return -1;
	}
	return 0;
}

int64_t audit_undone_by(struct cache *c, int64_t id)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c),
	                       "SELECT id FROM audit WHERE result = '" AUDIT_APPLIED "' AND "
	                       "message LIKE ? ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return 0;
	char pat[64];
	snprintf(pat, sizeof pat, UNDO_PREFIX "%" PRId64 ":%%", id);
	sqlite3_bind_text(st, 1, pat, -1, SQLITE_TRANSIENT);
	int64_t by = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return by;
}

void audit_entry_done(struct audit_entry *e)
{
	if (!e)
		return;
	free(e->context);
	free(e->user);
	free(e->route);
	free(e->before_json);
	free(e->after_json);
	free(e->result);
	free(e->message);
	free(e->cluster);
	free(e->rule_key);
	free(e->base_rv);
	free(e->new_rv);
	free(e->owner);
	memset(e, 0, sizeof *e);
}

void audit_list_free(struct audit_entry *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		audit_entry_done(&list[i]);
	free(list);
}
