/* kcluster.h: a live connection to one cluster feeding a store: kubeconfig resolution, the
 * API client, discovery, and one reflector per installed kind. The console starts it and
 * lets it run on the loop; batch commands start it and wait until every kind is synced. */
#ifndef GAMMATOP_KCLUSTER_H
#define GAMMATOP_KCLUSTER_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/evloop.h"
#include "gammatop/kclient.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/reflector.h"
#include "gammatop/store.h"

struct kcluster;

/* Resolve the kubeconfig (ko) and prepare a connection that will fill s. As kubectl, the
 * namespace is -n, else the context's; -A (ko->all_namespaces) is every namespace; with no
 * namespace anywhere, every namespace (kubectl would use "default"). Routes, Services and
 * ReferenceGrants are read in that namespace; Gateways everywhere when allowed (routes refer
 * to them across namespaces). A list of every namespace answered 403 falls back to the
 * namespace (see reflector_set_fallback). Returns NULL
 * with err set ("context 'x' not found in ...") when the kubeconfig cannot be used. */
struct kcluster *kcluster_new(struct evloop *loop, struct gt_store *s,
                              const struct kubeconfig_opts *ko, char *err, size_t errlen);
/* Stops every request; the store keeps its objects. */
void kcluster_free(struct kcluster *c);

/* Batch commands: exec credential plugins may use the terminal (see credential.h). */
void kcluster_allow_terminal(struct kcluster *c, bool allowed);

/* The console: an exec plugin's stderr lines (a device-code prompt) go to fn while it runs
 * (see credential_set_stderr_fn); NULL stops that. */
void kcluster_set_plugin_stderr(struct kcluster *c, void (*fn)(const char *line, void *ud),
                                void *ud);

/* Discovery, then the reflectors. Failed discovery is retried with backoff. */
void kcluster_start(struct kcluster *c);

/* Batch: run the loop until every installed kind is synced (kinds that are forbidden are
 * given up with a note), discovery fails (unreachable server, bad credentials: fail fast;
 * 429 and 5xx are retried), or max_ms passes. Returns 0 when synced, -1 with err set
 * otherwise. */
int kcluster_wait_synced(struct kcluster *c, long max_ms, char *err, size_t errlen);

/* Discovered, and every installed kind synced or blocked (403/401: retrying will not help
 * soon) — what kcluster_wait_synced waits for. */
bool kcluster_synced(const struct kcluster *c);
struct kclient *kcluster_client(const struct kcluster *c);
/* The chosen namespace; NULL = every namespace. */
const char *kcluster_namespace(const struct kcluster *c);
/* The namespace kind is listed in (NULL: every namespace, or the kind is cluster-scoped). */
const char *kcluster_list_namespace(const struct kcluster *c, enum gt_kind kind);
const struct kubeconfig *kcluster_config(const struct kcluster *c);
/* NULL until discovery is done or for a kind that is not installed. */
struct reflector *kcluster_reflector(const struct kcluster *c, enum gt_kind kind);
/* Was discovery done? */
bool kcluster_discovered(const struct kcluster *c);
/* Report what every reflector of c sees to fn (the change journal; see reflector.h). */
void kcluster_set_observer(struct kcluster *c, reflector_observer fn, void *ud);

#endif
