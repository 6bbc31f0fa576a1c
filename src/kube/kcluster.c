/* kcluster.c: kubeconfig -> client -> discovery -> reflectors, for one store (see
 * kcluster.h). */
#include "gammatop/defaults.h"
#include "gammatop/kcluster.h"
#include "gammatop/credential.h"
#include "gammatop/discovery.h"
#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_MIN_MS 800
#define RETRY_MAX_MS 30000

struct kcluster {
	struct evloop *loop;
	struct gt_store *s;
	struct kclient *k;             /* owned */
	struct discovery *disc;        /* in flight */
	struct reflector *refl[GT_KIND_COUNT]; /* owned */
	uint64_t retry_timer;
	long retry_ms;
	bool discovered;
	bool disc_failed;              /* the last discovery attempt failed */
	bool disc_fatal;               /* ... in a way batch commands give up on at once:
	                                  unreachable, credentials, 401, 403 (not 429/5xx) */
	char *disc_error;              /* owned: its message */
	char *ns;                      /* owned: the namespace (-n, else the context's); NULL =
	                                  all namespaces (-A, or no namespace anywhere) */
	char *fallback_ns;             /* owned: where to read when all namespaces is forbidden */
	reflector_observer observe;    /* given to every reflector (may be NULL) */
	void *observe_ud;
};

struct kcluster *kcluster_new(struct evloop *loop, struct gt_store *s,
                              const struct kubeconfig_opts *ko, char *err, size_t errlen)
{
	struct kubeconfig *kc;
	if (kubeconfig_load(ko, &kc, err, errlen) < 0)
		return NULL;
	struct kcluster *c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->s = s;
	c->k = kclient_new(loop, kc);
	c->retry_ms = RETRY_MIN_MS;
	/* kubectl lists in the namespace of -n or of the context, -A in all of them. A context
	 * without a namespace: kubectl's "default"; gammatop, a console of the mesh, reads
	 * every namespace then (and falls back to "default" when that is forbidden). */
	c->ns = ko->all_namespaces || !kc->namespace_set ? NULL : xstrdup(kc->namespace_);
	c->fallback_ns = xstrdup(kc->namespace_);
	return c;
}

void kcluster_free(struct kcluster *c)
{
	if (!c)
		return;
	for (int k = 0; k < GT_KIND_COUNT; k++)
		reflector_free(c->refl[k]);
	discovery_cancel(c->disc);
	if (c->retry_timer)
		evloop_timer_cancel(c->loop, c->retry_timer);
	kclient_free(c->k);
	free(c->disc_error);
	free(c->ns);
	free(c->fallback_ns);
	free(c);
}

struct kclient *kcluster_client(const struct kcluster *c) { return c->k; }
const struct kubeconfig *kcluster_config(const struct kcluster *c)
{
	return kclient_config(c->k);
}
struct reflector *kcluster_reflector(const struct kcluster *c, enum gt_kind kind)
{
	return c->refl[kind];
}
bool kcluster_discovered(const struct kcluster *c) { return c->discovered; }

void kcluster_allow_terminal(struct kcluster *c, bool allowed)
{
	credential_set_terminal(kclient_credential(c->k), allowed);
	credential_set_stderr(kclient_credential(c->k), allowed); /* batch: as kubectl */
}

static void start_discovery(struct kcluster *c);

void kcluster_set_plugin_stderr(struct kcluster *c, void (*fn)(const char *line, void *ud),
                                void *ud)
{
	credential_set_stderr_fn(kclient_credential(c->k), fn, ud);
}

const char *kcluster_namespace(const struct kcluster *c) { return c->ns; }

const char *kcluster_list_namespace(const struct kcluster *c, enum gt_kind kind)
{
	/* Routes name parent Gateways in other namespaces (a shared gateway in "infra"): read
	 * them everywhere when RBAC allows, so that a route is not called unattached for want of
	 * its gateway. Everything else stays in the chosen namespace, as kubectl's -n. */
	if (kind == GT_GATEWAY)
		return NULL;
	return c->ns;
}

static void on_retry(struct evloop *loop, void *ud)
{
	struct kcluster *c = ud;
	c->retry_timer = 0;
	start_discovery(c);
}

static void on_discovered(const struct apierr *err, void *ud)
{
	struct kcluster *c = ud;
	c->disc = NULL;
	if (err) {
		c->disc_failed = true;
		c->disc_fatal = err->kind != APIERR_TOO_MANY && err->kind != APIERR_SERVER;
		free(c->disc_error);
		c->disc_error = xstrdup(err->message ? err->message : "discovery failed");
		log_warn("kube: %s", c->disc_error);
		for (int k = 0; k < GT_KIND_COUNT; k++) {
			store_set_error(c->s, k, c->disc_error);
			if (store_kind_state(c->s, k)->synced)
				store_kind_state(c->s, k)->stale = true;
		}
		long d = c->retry_ms;
		c->retry_ms = c->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : c->retry_ms * 2;
		c->retry_timer = evloop_timer_add(c->loop, d, on_retry, c);
		return;
	}
	c->disc_failed = false;
	c->discovered = true;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(c->s, k);
		if (!st->installed)
			continue;
		if (st->error)
			store_set_error(c->s, k, NULL);
		c->refl[k] = reflector_new(c->k, c->s, k, kcluster_list_namespace(c, k));
		reflector_set_fallback(c->refl[k], c->ns ? c->ns : c->fallback_ns);
		reflector_set_observer(c->refl[k], c->observe, c->observe_ud);
		reflector_start(c->refl[k]);
	}
}

static void start_discovery(struct kcluster *c)
{
	c->disc = discovery_start(c->k, c->s, on_discovered, c);
}

void kcluster_start(struct kcluster *c)
{
	if (c->disc || c->discovered || c->retry_timer)
		return;
	start_discovery(c);
}

/* 1: all done; 0: keep waiting. */
static int sync_state(struct kcluster *c)
{
	if (!c->discovered)
		return 0;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(c->s, k);
		if (!st->installed || st->synced)
			continue;
		if (c->refl[k] && reflector_blocked(c->refl[k]))
			continue;
		return 0;
	}
	return 1;
}

bool kcluster_synced(const struct kcluster *c) { return sync_state((struct kcluster *)c) == 1; }

int kcluster_wait_synced(struct kcluster *c, long max_ms, char *err, size_t errlen)
{
	kcluster_start(c);
	int64_t deadline = time_mono_ms() + (max_ms > 0 ? max_ms : GT_DEFAULT_REQUEST_TIMEOUT_MS);
	for (;;) {
		if (sync_state(c))
			return 0;
		if (c->disc_failed && c->disc_fatal) {
			snprintf(err, errlen, "%s", c->disc_error);
			return -1;
		}
		int64_t left = deadline - time_mono_ms();
		if (left <= 0)
			break;
		bool login = credential_logging_in(kclient_credential(c->k));
		int64_t t0 = time_mono_ms();
		evloop_run_once(c->loop, left > 1000 ? 1000 : (int)left);
		if (login) /* a login (device code, MFA) is not the cluster's time: kubectl's
		              discovery retries after it, so it does not fail for it; a silent plugin
		              is still a hang; every plugin has its own limit */
			deadline += time_mono_ms() - t0;
	}
	/* A credential plugin that hangs is what is wrong, not discovery: name it. */
	char *plugin = c->discovered ? NULL : credential_pending(kclient_credential(c->k));
	if (plugin) {
		snprintf(err, errlen, "%s", plugin);
		free(plugin);
		return -1;
	}
	/* Say which kinds are missing and why. */
	size_t off = 0;
	off += (size_t)snprintf(err, errlen,
	                        "not synced with %s within %ld s:", kclient_config(c->k)->server,
	                        (max_ms > 0 ? max_ms : GT_DEFAULT_REQUEST_TIMEOUT_MS) / 1000);
	if (!c->discovered)
		snprintf(err + off, off < errlen ? errlen - off : 0, " discovery did not finish%s%s",
		         c->disc_error ? ": " : "", c->disc_error ? c->disc_error : "");
	for (int k = 0; k < GT_KIND_COUNT && off < errlen; k++) {
		struct store_kind_state *st = store_kind_state(c->s, k);
		if (!c->discovered || !st->installed || st->synced)
			continue;
		off += (size_t)snprintf(err + off, errlen - off, " %s%s%s", kind_name(k),
		                        st->error ? ": " : "", st->error ? st->error : "");
	}
	return -1;
}

void kcluster_set_observer(struct kcluster *c, reflector_observer fn, void *ud)
{
	c->observe = fn;
	c->observe_ud = ud;
	for (int k = 0; k < GT_KIND_COUNT; k++)
		if (c->refl[k])
			reflector_set_observer(c->refl[k], fn, ud);
}
