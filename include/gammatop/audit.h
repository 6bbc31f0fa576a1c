/* audit.h: the audit log of policy changes in the SQLite cache (table `audit`, created by the
 * cache's migrations): when, which kubeconfig context, user and cluster, which route and rule
 * (index and identity), the policy before and after (JSON), the resourceVersion the change
 * was made on and the one it produced, the result and the server's answer. The edit layer
 * writes a "pending" row before it sends a change and sets its outcome when the answer comes
 * (audit_finish); a row left pending (the process was killed) is settled later against the
 * cluster. Read by `history`, `undo` and the console's history view, also from caches of
 * other schema versions (columns a file lacks read as NULL). Nothing secret is stored:
 * policies and server messages only. */
#ifndef GAMMATOP_AUDIT_H
#define GAMMATOP_AUDIT_H
#include <stddef.h>
#include <stdint.h>

struct cache;

/* Results an entry may have. */
#define AUDIT_APPLIED "applied"
#define AUDIT_CONFLICT "conflict"
#define AUDIT_REJECTED "rejected"
#define AUDIT_FAILED "failed"   /* not applied: no usable answer (or settled: not applied) */
#define AUDIT_PENDING "pending" /* sent (or about to be), no answer recorded yet */
#define AUDIT_UNKNOWN "unknown" /* settled, but the cluster could not tell (see message) */

/* One entry. Strings are owned (audit_entry_done frees them) when read by audit_get/list,
 * borrowed when passed to audit_add. Any string may be NULL. */
struct audit_entry {
	int64_t id;     /* set by audit_add */
	int64_t at_ms;  /* wall clock, ms since the epoch; 0 in audit_add = now */
	char *context;  /* kubeconfig context */
	char *user;     /* kubeconfig user name */
	char *route;    /* "httproute/NS/NAME" */
	int rule;       /* rule index */
	char *before_json, *after_json; /* the rule fragment (see edit_audit_json) */
	char *result;   /* AUDIT_* */
	char *message;  /* the server's answer or the reason */
	int64_t undo_of; /* the id this change reverted, 0 when it is not an undo */
	char *cluster;  /* cache_cluster_key of the cluster, NULL in rows of older versions */
	char *rule_key; /* the rule's identity (edit_rule_key), NULL: older rows, whole route */
	char *base_rv;  /* resourceVersion the change was computed on */
	int64_t base_gen; /* metadata.generation of that version; <= 0 unknown (reads -1) */
	char *new_rv;   /* resourceVersion the apply produced, NULL when unknown */
	char *owner;    /* "HOST:PID" of the process that sends the change (pending rows) */
};

/* Insert e (e->id is ignored; e->at_ms 0 means now). Returns the new id, or -1 with a
 * message in err. */
int64_t audit_add(struct cache *c, const struct audit_entry *e, char *err, size_t errlen);
/* Set the outcome of entry id, normally pending (result AUDIT_*, message, new_rv may be NULL;
 * an undo's "undo of #N" is kept). The answer of the process that sent the change replaces
 * what another process may have settled meanwhile. Returns 0, or -1 with err. */
int audit_finish(struct cache *c, int64_t id, const char *result, const char *message,
                 const char *new_rv, char *err, size_t errlen);
/* The pending entries, oldest first: of cluster (NULL: of every cluster). As audit_list. */
int audit_pending(struct cache *c, const char *cluster, struct audit_entry **out, size_t *n,
                  char *err, size_t errlen);
/* Entry id into *out (free with audit_entry_done). Returns 1 found, 0 none, -1 error. */
int audit_get(struct cache *c, int64_t id, struct audit_entry *out, char *err, size_t errlen);
/* The newest first; route NULL = every route (else exactly "httproute/NS/NAME"); limit 0 =
 * all. *out is a heap array of *n entries (free with audit_list_free). 0 or -1 with err. */
int audit_list(struct cache *c, const char *route, size_t limit, struct audit_entry **out,
               size_t *n, char *err, size_t errlen);
/* The ids of applied entries that reverted id (0 when none): the newest, for messages. */
int64_t audit_undone_by(struct cache *c, int64_t id);
void audit_entry_done(struct audit_entry *e);
void audit_list_free(struct audit_entry *list, size_t n);

#endif
