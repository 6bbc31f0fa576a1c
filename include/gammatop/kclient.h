/* kclient.h: the Kubernetes API client: requests to the API server of one resolved kubeconfig
 * context with its credentials (exec plugin run when needed, retried once after a 401), on
 * the shared evloop; paths for gammatop's kinds; errors as apierr (Status -> message).
 * Also the operations the editor and telemetry use: get one object, merge/apply patch with
 * dry-run, and the pod proxy GET.
 *
 * Callbacks are never called from inside the function that starts a request. A kreq is
 * freed after its on_done returns; do not cancel it from (or after) its on_done. */
#ifndef GAMMATOP_KCLIENT_H
#define GAMMATOP_KCLIENT_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/apierr.h"
#include "gammatop/buf.h"
#include "gammatop/evloop.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/object.h"

struct kclient;
struct kreq;
struct credential;

struct kresponse {
	long status;             /* 0 when no answer */
	const char *body;        /* collected body (non-2xx always; 2xx unless streamed) */
	size_t body_len;
	const struct apierr *err; /* NULL on 2xx; else kind + operator message (+ causes) */
	long retry_after_s;
};

typedef void (*kreq_done_cb)(const struct kresponse *r, void *ud);
/* Streamed 2xx body piece; return false to abort. */
typedef bool (*kreq_data_cb)(const char *data, size_t n, void *ud);
typedef void (*kreq_headers_cb)(long status, void *ud);

struct kreq_opts {
	const char *method;       /* NULL = GET */
	const char *path;         /* "/apis/...?..." (escaped by the caller) */
	const char *body;
	size_t body_len;
	const char *content_type; /* for body */
	const char *accept;       /* NULL = application/json */
	const char *what;         /* names the operation in messages, e.g. "list httproutes" */
	long timeout_ms;          /* 0 = none */
	long idle_timeout_s;      /* 0 = none */
	kreq_data_cb on_data;     /* set: stream 2xx bodies (watches) */
	kreq_headers_cb on_headers;
	kreq_done_cb on_done;
	void *ud;
};

/* Takes ownership of kc. */
struct kclient *kclient_new(struct evloop *loop, struct kubeconfig *kc);
/* Cancels pending requests without callbacks. */
void kclient_free(struct kclient *k);
const struct kubeconfig *kclient_config(const struct kclient *k);
struct evloop *kclient_loop(const struct kclient *k);
struct credential *kclient_credential(const struct kclient *k);

/* The API version used for kind (discovery may pick v1beta1); default kind_version(). */
void kclient_set_version(struct kclient *k, enum gt_kind kind, const char *version);
const char *kclient_version(const struct kclient *k, enum gt_kind kind);
/* "/apis/G/V[/namespaces/NS]/RESOURCE[/NAME]" ("/api/v1/..." for core). ns NULL or "" =
 * all namespaces (or a cluster-scoped kind). Caller frees. */
char *kclient_path(const struct kclient *k, enum gt_kind kind, const char *ns, const char *name);

/* With --request-timeout (kubeconfig request_timeout_ms) a request that is not streamed gets
 * ?timeout=DURATION and gives up after it, as kubectl's. */
struct kreq *kclient_request(struct kclient *k, const struct kreq_opts *o);
/* ms as Go's time.Duration prints it ("5s", "1m30s", "500ms"). */
void kclient_go_duration(long ms, char *out, size_t n);
void kreq_cancel(struct kreq *r);

/* Blocking: run the loop until the request is done or max_ms passed (0: no limit beyond
 * o->timeout_ms). res is filled either way (res->err.kind APIERR_NONE on 2xx). Returns 0 on
 * 2xx, -1 otherwise. Free with kresult_done. o->on_done/on_data/ud are ignored. */
struct kresult {
	long status;
	struct buf body;
	struct apierr err;
};
int kclient_fetch(struct kclient *k, const struct kreq_opts *o, struct kresult *res,
                  long max_ms);
void kresult_done(struct kresult *res);

/* ---- for the editor (issue 7) ---- */

/* GET one object; the 2xx body is its raw JSON (metadata.resourceVersion included). */
struct kreq *kclient_get_object(struct kclient *k, enum gt_kind kind, const char *ns,
                                const char *name, kreq_done_cb cb, void *ud);

enum kpatch_type {
	KPATCH_MERGE, /* application/merge-patch+json, fieldManager=gammatop. Put
	                 metadata.resourceVersion in the patch to make it conditional: a stale
	                 version gives APIERR_CONFLICT instead of overwriting someone's change */
	KPATCH_APPLY  /* server-side apply (application/apply-patch+yaml, JSON body),
	                 fieldManager=gammatop, force=false: field conflicts -> APIERR_CONFLICT */
};
/* PATCH an object. dry_run adds dryRun=All (validated and admitted, not persisted). The
 * 2xx body is the resulting object; errors: APIERR_CONFLICT, APIERR_INVALID (+causes),
 * APIERR_FORBIDDEN, others. */
struct kreq *kclient_patch(struct kclient *k, enum gt_kind kind, const char *ns,
                           const char *name, const char *patch, size_t patch_len,
                           enum kpatch_type type, bool dry_run, kreq_done_cb cb, void *ud);

/* ---- for telemetry ---- */

/* GET /api/v1/namespaces/NS/pods/[https:]POD:PORT/proxy/PATH through the API server with
 * the kubeconfig's credentials (path may hold a query; a leading '/' is optional). scheme
 * "https" makes the API server reach the pod over TLS; NULL or "http" is plain. The body is
 * the pod's answer (e.g. Prometheus exposition text). timeout_ms 0 = 10 s. */
struct kreq *kclient_pod_proxy_get(struct kclient *k, const char *ns, const char *scheme,
                                   const char *pod, int port, const char *path, long timeout_ms,
                                   kreq_done_cb cb, void *ud);

#endif
