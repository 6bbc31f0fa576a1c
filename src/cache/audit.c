/* audit.c: the audit log of policy changes (see audit.h) in the cache's `audit` table.
 * The table has no column for "this change reverts #N": it is kept as the message prefix
 * "undo of #N: ", written and parsed here only, so readers always get it as undo_of. */
#include "config.h"

#include "gammatop/audit.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/cache.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define UNDO_PREFIX "undo of #"

static void db_err(struct cache *c, char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "cache %s: %s: %s", cache_path(c), what,
		         sqlite3_errmsg(cache_db(c)));
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
	                       " after_json, result, message) VALUES (?,?,?,?,?,?,?,?,?)",
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
	parse_undo(e);
}

#define COLUMNS "id, at_ms, context, user, route, rule, before_json, after_json, result, message"

int audit_get(struct cache *c, int64_t id, struct audit_entry *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(cache_db(c), "SELECT " COLUMNS " FROM audit WHERE id = ?", -1, &st,
	                       NULL) != SQLITE_OK) {
		db_err(c, err, errlen, "cannot read the audit log");
		return -1;
	}
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

int audit_list(struct cache *c, const char *route, size_t limit, struct audit_entry **out,
               size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	const char *sql = route ? "SELECT " COLUMNS " FROM audit WHERE route = ? ORDER BY id DESC"
	                          " LIMIT ?"
	                        : "SELECT " COLUMNS " FROM audit ORDER BY id DESC LIMIT ?";
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK) {
		db_err(c, err, errlen, "cannot read the audit log");
		return -1;
	}
	int i = 1;
	if (route)
		sqlite3_bind_text(st, i++, route, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, i, limit ? (sqlite3_int64)limit : -1);
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
	memset(e, 0, sizeof *e);
}

void audit_list_free(struct audit_entry *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		audit_entry_done(&list[i]);
	free(list);
}
