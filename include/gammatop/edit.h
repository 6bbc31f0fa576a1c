/* edit.h: the edit layer: change one route rule's timeouts and retry safely, shared by the
 * batch commands (`set`, `undo`) and the console's inline form.
 *
 * An edit is one session on one route (struct edit). Its steps, each a call here:
 *
 *   e = edit_new(GT_HTTPROUTE, ns, name)
 *   edit_take_fetch(e, <GET answer>)        base object + resourceVersion (edit_io_fetch does
 *                                           the GET; the console may pass the JSON it has)
 *   edit_select_rule(e, "0" | "name")       which rule; edit_current() is its policy
 *   edit_set_mesh(e, "auto"|"linkerd"|...)  effective policy, warnings (see edit_notes)
 *   edit_set_change(e, &change)             or edit_set_policy(e, &full_target): validates
 *                                           (GEP-2257, CEL, sanity rules: edit_findings),
 *                                           builds the after-object, the YAML diff and the
 *                                           merge patch. Nothing is sent. Call again on every
 *                                           keystroke of a form: it is cheap and pure.
 *   edit_take_dry_run(e, <dryRun=All answer>)  verdict; fields the server dropped (a
 *                                           standard-channel CRD has no `retry`) refuse here,
 *                                           before anything is applied
 *   edit_take_apply(e, <PATCH answer>)      APPLIED, or CONFLICT (409: someone changed the
 *                                           route since the read), REJECTED, FAILED
 *   edit_take_fetch(e, <GET answer>)        after CONFLICT: rebase. edit_meanwhile() is the
 *                                           diff "base we started from -> current object";
 *                                           the change is recomputed on the new object and
 *                                           the edit is READY again (or INVALID/NO_CHANGE)
 *   edit_audit_begin / edit_audit_finish    the audit row of an apply attempt: pending before
 *                                           the PATCH is sent, its outcome after the answer
 *
 * The take_* calls consume answers (HTTP status, body, apierr), so the engine can be driven
 * by a fake transport in tests; edit_io_* are the real ones on a kclient (asynchronous for the
 * console, _sync wrappers for batch commands). All texts the engine returns (diff, messages,
 * notes) are sanitised: they may be written to a terminal as they are. Never uses curses.
 *
 * For the console's inline form (`e`): edit_new + edit_io_fetch(kcluster_client(c), ...)
 * (or edit_take_fetch with JSON it already holds), edit_select_rule, then on every keystroke
 * fill a struct edit_change from the fields and call edit_set_change: edit_findings() items
 * carry the field path ("spec.rules[1].timeouts.request") to put each message next to its
 * field; edit_diff()/edit_patch() are the preview; edit_preview_text() the figures line.
 * Confirm -> edit_io_dry_run -> show edit_message() -> edit_io_apply; on EDIT_CONFLICT call
 * edit_io_fetch again and show edit_meanwhile() + the new edit_diff() before offering to
 * re-apply. Before each apply call edit_audit_begin, after its answer edit_audit_finish. `E`: edit_document_yaml
 * to a file, $EDITOR, then edit_set_document with the file's text. `--readonly` is the
 * caller's to enforce (nothing here refuses by itself). `u` in the history view: audit_get,
 * edit_new + fetch, edit_audit_undo, then the same confirm/dry-run/apply/record. */
#ifndef GAMMATOP_EDIT_H
#define GAMMATOP_EDIT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gammatop/apierr.h"
#include "gammatop/findings.h"
#include "gammatop/kevents.h"
#include "gammatop/object.h"
#include "gammatop/policy.h"

struct cache;
struct kclient;
struct kreq;

/* ---- the requested change (pure) ---- */

/* A change to a rule's policy, as `set` takes it and a form produces it. Strings are
 * borrowed (copied by edit_set_change). NULL / -1 / false leave a field as it is; clears run
 * before sets, so "--clear-retry --retry-attempts 2" gives a fresh retry block. Setting any
 * retry field creates the retry block. */
struct edit_change {
	const char *request_timeout, *backend_timeout; /* GEP-2257, kept as typed */
	int retry_attempts;                            /* -1: unchanged */
	const char *retry_backoff;
	const char *retry_codes; /* "502,503" (spaces allowed); "" removes the codes list */
	bool clear_timeouts, clear_retry;                /* whole blocks */
	bool clear_request, clear_backend, clear_attempts, clear_backoff; /* single fields */
};

void edit_change_init(struct edit_change *c); /* nothing changed */
bool edit_change_empty(const struct edit_change *c);
/* cur + c -> out. Returns 0, or -1 with err set when a value cannot even be held (a duration
 * longer than any valid one, a code that is not a number): such input is refused before
 * anything else. Values that are merely invalid are left to policy_validate. */
int edit_change_apply(const struct edit_change *c, const struct policy *cur, struct policy *out,
                      char *err, size_t errlen);

/* The rule fragment {"timeouts":{...},"retry":{...}} of p (absent blocks left out), as the
 * audit log stores a policy. Caller decrefs. */
json_t *edit_policy_to_json(const struct policy *p);
/* The reverse; accepts {} (nothing set). Returns 0, or -1 with err naming the field. */
int edit_policy_from_json(const json_t *j, struct policy *p, char *err, size_t errlen);
bool edit_policy_equal(const struct policy *a, const struct policy *b);

/* ---- Linkerd: effective policy from annotations (pure) ---- */

#define EDIT_LINKERD_HTTP "retry.linkerd.io/http"
#define EDIT_LINKERD_LIMIT "retry.linkerd.io/limit"
#define EDIT_LINKERD_TRY_TIMEOUT "retry.linkerd.io/timeout"
#define EDIT_LINKERD_REQUEST "timeout.linkerd.io/request"

/* Does route JSON show that Linkerd serves it: a retry.linkerd.io/ or timeout.linkerd.io/
 * annotation, or a status parent written by a linkerd.io/ controller? */
bool edit_linkerd_detect(const json_t *route);
/* The policy Linkerd applies to rule of route JSON: request timeout from
 * timeout.linkerd.io/request, else spec timeouts.request; per-try timeout (shown as
 * backendRequest) from retry.linkerd.io/timeout; retries from retry.linkerd.io/limit and
 * retry.linkerd.io/http (codes it names one by one; ranges/classes such as "5xx" are kept in
 * classes[]). The spec retry field is ignored, as Linkerd does. */
void edit_linkerd_effective(const json_t *route, int rule, struct policy *p, char *classes,
                            size_t classes_len);

/* ---- the session ---- */

enum edit_state {
	EDIT_EMPTY,           /* nothing read yet */
	EDIT_LOADED,          /* base object read; no change asked for yet */
	EDIT_NO_CHANGE,       /* the change leaves the object as it is: nothing to send */
	EDIT_INVALID,         /* validation errors (edit_findings): nothing may be sent */
	EDIT_READY,           /* diff and patch ready: dry-run or apply */
	EDIT_DRY_RUN_OK,      /* the server accepted the dry-run and kept every field */
	EDIT_DRY_RUN_FAILED,  /* the server refused it, or would drop fields (edit_message) */
	EDIT_APPLIED,         /* done; edit_new_resource_version() */
	EDIT_CONFLICT,        /* 409: fetch again (edit_take_fetch) to rebase */
	EDIT_REJECTED,        /* the server refused the apply (invalid, forbidden, ...) */
	EDIT_FAILED           /* no usable answer (transport, credentials, not found, bad JSON) */
};
const char *edit_state_name(enum edit_state s); /* "ready", "conflict", ... */

enum edit_mesh { EDIT_MESH_UNKNOWN, EDIT_MESH_LINKERD, EDIT_MESH_OTHER };

/* A session on route kind/ns/name (kind GT_HTTPROUTE; GT_GRPCROUTE is refused at load: it
 * has no timeouts/retry). */
struct edit *edit_new(enum gt_kind kind, const char *ns, const char *name);
void edit_free(struct edit *e);

/* Feed the answer to a GET of the route (status, body; err NULL or the apierr of a non-2xx
 * answer / transport failure). In EMPTY/FAILED: the base. In CONFLICT: rebase (see top).
 * Otherwise the object replaces the base like a rebase. Returns the new state. */
enum edit_state edit_take_fetch(struct edit *e, long status, const char *body, size_t len,
                                const struct apierr *err);
/* Choose the rule by index or name ("0", "checkout"); NULL = rule 0. Returns 0 or -1 (the
 * message, naming the rules there are, in edit_message). Resets the change. */
int edit_select_rule(struct edit *e, const char *rule);
/* "auto" (or NULL: detect from the route), "linkerd", "istio", "envoy-gateway". */
void edit_set_mesh(struct edit *e, const char *mesh);
/* Write the policy as Linkerd's route annotations instead of the Gateway API fields
 * (retry.linkerd.io/http, /limit, /timeout, timeout.linkerd.io/request). The current policy
 * becomes the effective Linkerd one. Backoff cannot be expressed (an error if asked for). */
void edit_set_linkerd_annotations(struct edit *e, bool on);
bool edit_linkerd_annotations(const struct edit *e);

/* Ask for a change of the selected rule's current policy, or give the full target policy.
 * The edit keeps the change (a rebase re-applies it on the new object) or the target.
 * Returns the new state: READY, NO_CHANGE or INVALID. */
enum edit_state edit_set_change(struct edit *e, const struct edit_change *c);
enum edit_state edit_set_policy(struct edit *e, const struct policy *target);

/* Edit the whole route as a document (the console's `E`, as `kubectl edit`): text is the
 * edited YAML (or JSON) of edit_document_yaml(). status, metadata.managedFields and
 * metadata.resourceVersion are ignored; kind, name and namespace must stay. Validated with
 * the model's decoder (every field, errors name it) and the policy rules of every rule; the
 * merge patch carries what changed plus the base resourceVersion; a rebase after a conflict
 * re-applies the edit on the new object. edit_rule_index() is then -1 and the audit log keeps
 * {"spec":...} before and after. Returns READY, NO_CHANGE or INVALID (edit_message). */
enum edit_state edit_set_document(struct edit *e, const char *text, size_t len);
enum edit_state edit_set_document_json(struct edit *e, const json_t *doc);
/* The base object as YAML for an editor (without managedFields; NOT sanitised: write it to a
 * file, not to the terminal). NULL before the base is read. Caller frees. */
char *edit_document_yaml(const struct edit *e);

/* The dry-run answer (PATCH with dryRun=All): DRY_RUN_OK, or DRY_RUN_FAILED when the server
 * refused (edit_message has its reason and field causes) or its result lacks a field the
 * change sets (edit_retry_unsupported() when that is `retry`: a standard-channel CRD). */
enum edit_state edit_take_dry_run(struct edit *e, long status, const char *body, size_t len,
                                  const struct apierr *err);
/* The apply answer: APPLIED, CONFLICT, REJECTED or FAILED. */
enum edit_state edit_take_apply(struct edit *e, long status, const char *body, size_t len,
                                const struct apierr *err);

/* ---- what the session shows ---- */

enum edit_state edit_state(const struct edit *e);
/* The last verdict or error for a person ("" when none). */
const char *edit_message(const struct edit *e);
/* The apierr kind behind a FAILED/REJECTED/CONFLICT/DRY_RUN_FAILED state (APIERR_NONE when
 * the engine itself refused). Batch commands map transport/credentials to exit 2. */
enum apierr_kind edit_error_kind(const struct edit *e);
const char *edit_route_id(const struct edit *e); /* "httproute/NS/NAME" */
int edit_rule_index(const struct edit *e); /* -1 before edit_select_rule, or for a document */
/* "rule 0" or "rule 1 (checkout)" for messages. */
const char *edit_rule_label(const struct edit *e);
const char *edit_resource_version(const struct edit *e);     /* of the base */
const char *edit_new_resource_version(const struct edit *e); /* after APPLIED, else NULL */
const json_t *edit_base(const struct edit *e);               /* the base object, or NULL */
const struct policy *edit_current(const struct edit *e);     /* policy in the base */
const struct policy *edit_target(const struct edit *e);      /* policy after the change */
const struct findings *edit_findings(const struct edit *e);  /* validation of the target */
const char *edit_before_yaml(const struct edit *e);
const char *edit_diff(const struct edit *e);  /* unified diff before -> after ("" if none) */
const char *edit_patch(const struct edit *e); /* merge patch JSON sent to the server */
/* After a rebase: unified diff "object we started from -> current object" without status,
 * generation and resourceVersion (NULL before any rebase). */
const char *edit_meanwhile(const struct edit *e);
bool edit_retry_unsupported(const struct edit *e); /* dry-run showed no `retry` field */
enum edit_mesh edit_mesh(const struct edit *e);
/* Mesh notes for the operator (warnings such as "Linkerd ignores retry"; the effective
 * policy). Returned strings are owned by the edit. */
const char *const *edit_notes(const struct edit *e, size_t *n);

/* The before/after JSON the audit log keeps for this edit (compact, caller frees): the rule
 * fragment, {"annotations":{...}} in Linkerd annotation mode, {"spec":{...}} for a document. */
char *edit_audit_json(const struct edit *e, bool after);
/* Who makes a change, where: for the audit log. Strings borrowed. */
struct edit_audit_ctx {
	const char *context, *user; /* kubeconfig context and user name */
	const char *cluster;        /* cache_cluster_key of the cluster (cache.h) */
	int64_t undo_of;            /* audit id this edit reverts, 0 for none */
};
/* Before the apply is sent (state READY or DRY_RUN_OK): write its row as AUDIT_PENDING, with
 * what it will change, the rule's identity, the base resourceVersion and generation and this
 * process (so that a row whose process died is settled later: edit_settle). Returns the id,
 * or -1 with err set (nothing may have been written: say so before sending). */
int64_t edit_audit_begin(struct edit *e, struct cache *c, const struct edit_audit_ctx *ctx,
                         char *err, size_t errlen);
/* After the answer (APPLIED, CONFLICT, REJECTED, FAILED): the outcome of row id. 0 or -1. */
int edit_audit_finish(struct edit *e, struct cache *c, int64_t id, char *err, size_t errlen);
/* Both at once, after the fact (an answer already taken). Returns the new id or -1. */
int64_t edit_audit_record(struct edit *e, struct cache *c, const struct edit_audit_ctx *ctx,
                          char *err, size_t errlen);

/* ---- a rule's identity (edit_rule.c) ---- */

/* What identifies a rule of a route when its index may have moved: {"name":N} for a named
 * rule (GEP-995), else {"matches":[...],"backendRefs":[...]} with the CRD's defaults filled
 * in (backends without weights or filters). Compact JSON, sorted keys; caller frees. */
char *edit_rule_key_of(const json_t *rule);
#define EDIT_RULE_GONE (-1)
#define EDIT_RULE_AMBIGUOUS (-2)
/* The index of the rule of route JSON that key identifies: by name; else by matches, and
 * when several rules have those matches, by backends too. EDIT_RULE_GONE or
 * EDIT_RULE_AMBIGUOUS with the reason in why (naming the rule and, when ambiguous, the
 * indexes that fit) otherwise. */
int edit_rule_find(const json_t *route, const char *key, char *why, size_t n);
/* "the rule named \"checkout\"", "the rule matching PathPrefix /api to payments:8080". */
void edit_rule_key_describe(const char *key, char *buf, size_t n);
/* The selected rule's identity (NULL before edit_select_rule, or for a document edit). */
const char *edit_rule_key(const struct edit *e);
/* Select the rule key identifies (edit_rule_find). Returns 0, or -1 with the reason in
 * edit_message (gone, ambiguous). Resets the change, as edit_select_rule. */
int edit_select_rule_key(struct edit *e, const char *key);

/* ---- the audit log: undo and summaries (edit_audit.c) ---- */

struct audit_entry;
/* Set e (its base read with edit_take_fetch / edit_io_fetch) to revert audit entry a: the
 * rule (or, for a whole-document edit, the spec) gets back what the change replaced, in the
 * same mode (Gateway API fields or Linkerd annotations). The rule is found by the identity
 * the entry recorded (edit_rule_find), not by its index; an entry of an older gammatop
 * (index only) is used only when the rule at that index is the one rule with what the
 * change left. Refused (-1, err says why) when the entry was not applied, cannot be read,
 * its rule is gone or ambiguous, or the rule is no longer what the change left: an undo
 * never overwrites somebody else's later change. On 0 the edit is READY or NO_CHANGE;
 * record it with undo_of = a->id. */
int edit_audit_undo(struct edit *e, const struct audit_entry *a, char *err, size_t errlen);
/* One line for a stored before/after JSON: "t=10s/2s r=3", "linkerd r=2 on 5xx",
 * "route spec (edited)", "?" when unreadable. */
void edit_audit_summary(const char *json, char *buf, size_t n);

/* ---- settling rows left pending (edit_settle.c) ---- */

enum edit_settled {
	EDIT_SETTLED_APPLIED,     /* the route has what the change set */
	EDIT_SETTLED_NOT_APPLIED, /* the route is still at the version the change was made on */
	EDIT_SETTLED_UNKNOWN,     /* it changed otherwise, the rule is gone, the route deleted */
	EDIT_SETTLED_UNREACHABLE, /* the cluster could not be asked: still pending */
};
/* Pure: what the answer to a GET of pending entry a's route says about it; *why a heap
 * sentence ("applied: the route has this change (resourceVersion 41 -> 45)"). */
enum edit_settled edit_settle_decide(const struct audit_entry *a, long status, const char *body,
                                     size_t len, const struct apierr *err, char **why);

struct edit_settle;
/* The pending rows of cluster (a cache_cluster_key; NULL: every cluster) in c, but not those
 * whose process is still running on this host (in flight). NULL with err set when the audit
 * log cannot be read. */
struct edit_settle *edit_settle_new(struct cache *c, const char *cluster, char *err,
                                    size_t errlen);
size_t edit_settle_count(const struct edit_settle *s); /* rows to settle */
typedef void (*edit_settle_cb)(struct edit_settle *s, void *ud);
/* Ask the cluster of k about each row (one GET at a time, on k's loop), record each finding
 * in the audit log (applied / failed "not applied" / unknown; unreachable, or "not applied"
 * younger than the API server's 60 s request timeout, stays pending), then call cb (never
 * from inside this call unless there is nothing to ask). */
void edit_settle_start(struct edit_settle *s, struct kclient *k, edit_settle_cb cb, void *ud);
/* The blocking version for batch commands: at most timeout_ms for all rows. */
void edit_settle_run_sync(struct edit_settle *s, struct kclient *k, long timeout_ms);
/* What was found, one sanitised line per row ("#12 (httproute/shop/web, interrupted at
 * 2024-05-01T10:00:00Z): applied: ..."); "" when nothing. */
const char *edit_settle_report(const struct edit_settle *s);
/* Rows left pending (unreachable or possibly still in flight at the server). */
size_t edit_settle_unsettled(const struct edit_settle *s);
void edit_settle_free(struct edit_settle *s);

/* ---- what the figures say (edit_preview.c) ---- */

struct sample_counts;
/* The share (0..1) of requests slower than t_ms in s's cumulative latency histogram (linear
 * inside a bucket, as histogram_quantile); *at_least is set when t_ms is beyond the last
 * finite bucket (the share is then an upper bound). -1 when s has no histogram or no
 * requests. */
int edit_preview_share_above(const struct sample_counts *s, double t_ms, double *share,
                             bool *at_least);
/* One line on the selected rule's (or, for per-route meshes, the route's) telemetry in the
 * cache over window_ms before its newest sample: requests, timeout share, p99, and the share
 * of requests the new (and the current) request timeout would have cut. NULL when the cache
 * holds no samples for the route. Caller frees; the text is sanitised. */
char *edit_preview_text(struct cache *c, const struct edit *e, int64_t window_ms);

/* ---- talking to the cluster (edit_io.c) ---- */

typedef void (*edit_done_cb)(struct edit *e, void *ud);
/* GET the route / PATCH it with dryRun=All / PATCH it for real, feed the answer to the
 * matching edit_take_* and call cb (never from inside the call). The kreq may be cancelled
 * (kreq_cancel) until cb runs; cb is then not called. */
struct kreq *edit_io_fetch(struct kclient *k, struct edit *e, edit_done_cb cb, void *ud);
struct kreq *edit_io_dry_run(struct kclient *k, struct edit *e, edit_done_cb cb, void *ud);
struct kreq *edit_io_apply(struct kclient *k, struct edit *e, edit_done_cb cb, void *ud);
/* Blocking versions for batch commands: run the client's loop until the answer came or
 * max_ms passed (then FAILED, transport). Return the new state. */
enum edit_state edit_io_fetch_sync(struct kclient *k, struct edit *e, long max_ms);
enum edit_state edit_io_dry_run_sync(struct kclient *k, struct edit *e, long max_ms);
enum edit_state edit_io_apply_sync(struct kclient *k, struct edit *e, long max_ms);

/* ---- the Event on the route after an apply (edit_event.c) ---- */

/* The Kubernetes Event gammatop writes on the route once change e is applied: reason
 * GammatopPolicyChange, action SetPolicy (Undo when undo_of), a note "WHO changed rule R of
 * ... with gammatop: BEFORE -> AFTER (gammatop audit #ID)". p points into the struct. */
struct edit_event {
	struct kevent_post p;
	char ns[256], name[256], note[1024];
};
void edit_event_fill(const struct edit *e, const char *who, int64_t audit_id, int64_t undo_of,
                     struct edit_event *ev);
/* Write that Event now (blocking, at most max_ms). Returns 0, or -1 with err. */
int edit_event_post_sync(struct kclient *k, const struct edit *e, const char *who,
                         int64_t audit_id, int64_t undo_of, long max_ms, char *err,
                         size_t errlen);

/* ---- the batch flow shared by `set` and `undo` (edit_batch.c) ---- */

struct edit_batch_opts {
	struct kclient *client;
	struct cache *cache;       /* NULL: the change is not recorded (a warning says so) */
	const char *context, *user; /* for the audit log: kubeconfig context and user name */
	const char *cluster;       /* for the audit log: cache_cluster_key of the cluster */
	bool dry_run;              /* stop after the server's dry-run */
	bool yes;                  /* apply without asking */
	bool interactive;          /* stdin and stdout are a terminal: may ask */
	long timeout_ms;           /* per request */
	/* TEST ONLY (from $GAMMATOP_TEST_PAUSE_BEFORE_APPLY): before the real PATCH, say
	 * "waiting for FILE" on err and wait (at most 60 s) until FILE exists. */
	const char *pause_file;
	int64_t undo_of;           /* audit id this edit reverts, 0 for none */
	int64_t preview_window_ms; /* telemetry preview window from the cache (0: no preview) */
	FILE *out, *err;
};

/* Run an edit whose change is set (state READY, INVALID or NO_CHANGE) to the end: print the
 * notes, findings and diff, refuse on errors, run the server dry-run, ask (or refuse when not
 * interactive and not yes), write the pending audit row, apply with the base resourceVersion
 * (stop signals held back until the answer is recorded), record the outcome. On a conflict print
 * what changed meanwhile and, when interactive, offer to re-apply on the new version.
 * Returns 0 applied (or dry-run passed / nothing to change), 1 rejected, 2 could not talk to
 * the cluster. */
int edit_batch_run(struct edit *e, const struct edit_batch_opts *o);

/* Parse ROUTE = [httproute/]NAMESPACE/NAME (also "httproutes/", "HTTPRoute/"; NAME alone
 * takes default_ns). Returns 0 with *ns and *name (caller frees), or -1 with err set. */
int edit_batch_parse_route(const char *route, const char *default_ns, char **ns, char **name,
                           char *err, size_t errlen);

#endif
