/* kevents.h: the cluster's own record of an object: its Kubernetes Events, read on demand
 * (events.k8s.io/v1 with fieldSelector regarding.kind/name, core v1 involvedObject.* when the
 * cluster does not serve events.k8s.io), and Events gammatop writes about the changes it
 * applies (reportingController "gammatop"), so that `kubectl describe` and other people's
 * gammatop show them. Both API forms are read (note/message, regarding/involvedObject,
 * eventTime/series/lastTimestamp: the conversion kube-apiserver does between them,
 * pkg/apis/events/v1/conversion.go, v1.32). Event text is untrusted: sanitise to print. */
#ifndef GAMMATOP_KEVENTS_H
#define GAMMATOP_KEVENTS_H
#include <stddef.h>
#include <stdint.h>

#include "gammatop/kclient.h"

struct json_t; /* jansson */
#define KEVENTS_CONTROLLER "gammatop"
#define KEVENTS_REASON_CHANGE "GammatopPolicyChange"

/* One Event. Strings owned (kevents_done); NULL when absent. */
struct kevent {
	int64_t time_ms;  /* series.lastObservedTime, else the newer of eventTime and
	                   * (deprecated)lastTimestamp, else creationTimestamp; 0 unknown */
	char *type;       /* Normal | Warning */
	char *reason, *note, *action;
	char *controller; /* reportingController / reportingComponent / source.component */
	int count;        /* series.count / deprecatedCount / count; 1 when absent */
	char *kind, *name; /* regarding / involvedObject */
};

struct kevents {
	struct kevent *items; /* newest first */
	size_t n;
};

/* Read an EventList of either API (body of len bytes) into out, keeping only events about
 * kind/name (NULL: any). Returns 0, or -1 with err. */
int kevents_parse(const char *body, size_t len, const char *kind, const char *name,
                  struct kevents *out, char *err, size_t errlen);
void kevents_done(struct kevents *e);

/* The Events about one object, newest first, asked of the cluster now (blocking: runs k's
 * loop at most max_ms). Returns 0, or -1 with err (e.g. forbidden to list events). */
int kevents_fetch_sync(struct kclient *k, enum gt_kind kind, const char *ns, const char *name,
                       long max_ms, struct kevents *out, char *err, size_t errlen);

/* The same on k's loop: cb gets the list (NULL with err on failure) once; the request is
 * freed after cb returns. Cancel with kevents_cancel before the loop ends (not from cb). */
struct kevents_req;
typedef void (*kevents_cb)(struct kevents *events, const char *err, void *ud);
struct kevents_req *kevents_fetch(struct kclient *k, enum gt_kind kind, const char *ns,
                                  const char *name, kevents_cb cb, void *ud);
void kevents_cancel(struct kevents_req *r);

/* An Event gammatop writes about an object it changed. */
struct kevent_post {
	enum gt_kind kind;
	const char *ns, *name, *uid; /* uid may be NULL */
	const char *type;            /* NULL: Normal */
	const char *reason;          /* e.g. KEVENTS_REASON_CHANGE */
	const char *action;          /* e.g. "SetPolicy", "Undo" */
	const char *note;            /* one line, at most 1024 bytes are sent */
};
/* The events.k8s.io/v1 Event body for p at time_ms (new reference; for tests). */
struct json_t *kevents_body(const struct kevent_post *p, const char *api_version,
                            int64_t time_ms, const char *instance);
/* POST the Event (events.k8s.io/v1; core v1 when that is not served). cb (may be NULL) gets
 * NULL on success or what went wrong. */
typedef void (*kevents_post_cb)(const char *err, void *ud);
struct kevents_req *kevents_post(struct kclient *k, const struct kevent_post *p,
                                 kevents_post_cb cb, void *ud);
/* Blocking: at most max_ms. Returns 0, or -1 with err. */
int kevents_post_sync(struct kclient *k, const struct kevent_post *p, long max_ms, char *err,
                      size_t errlen);

#endif
