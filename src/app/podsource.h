/* podsource.h: the cluster's mesh proxies as the telemetry layer needs them, through the kube
 * client — the one adapter `top` and the console share: the pod list (GET /api/v1/pods, every
 * namespace) turned into scrape targets by scrape_targets_from_pods (scrape.h), and each
 * target's metrics page fetched through the API server's pod proxy (a scrape_fetch_fn).
 * Requests still pending are cancelled, calling nothing back, by podsource_free. Heap object. */
#ifndef GAMMATOP_APP_PODSOURCE_H
#define GAMMATOP_APP_PODSOURCE_H
#include <stddef.h>

#include "gammatop/scrape.h"

struct kclient;
struct podsource;

/* fallback_ns: the namespace to list when listing every namespace is forbidden (NULL:
 * none). */
struct podsource *podsource_new(struct kclient *k, const char *fallback_ns);
void podsource_free(struct podsource *ps);

/* A scrape_fetch_fn (ud: the podsource): GET the target's page through the pod proxy. */
void podsource_fetch(void *ud, const struct scrape_target *t, scrape_done_fn done, void *dud);

/* What to scrape, listed again (every namespace; fallback_ns's pods when that is forbidden,
 * logged as a warning): done(dud, targets, n, error) once, later, from the loop
 * (targets are the callee's until it returns; error set and n 0 when the list failed). A
 * list already under way is replaced. */
typedef void (*podsource_targets_fn)(void *dud, const struct scrape_target *t, size_t n,
                                     const char *error);
void podsource_list(void *ud, podsource_targets_fn done, void *dud);
/* After a list that fell back to fallback_ns: the warning to show ("listing pods in every
 * namespace is forbidden; namespace NS only, ..."), else NULL. */
const char *podsource_note(const struct podsource *ps);

#endif
