/* discovery.h: which Gateway API kinds and versions the cluster serves. Reads
 * /apis/gateway.networking.k8s.io/v1 and /v1beta1 (APIResourceList); each Gateway API kind
 * gets the newest version that serves it (kclient_set_version), and a kind served by neither
 * is marked not installed in the store with one message ("GRPCRoute is not installed on this
 * cluster"). Core kinds (Service, Namespace) are always there. */
#ifndef GAMMATOP_DISCOVERY_H
#define GAMMATOP_DISCOVERY_H
#include "gammatop/apierr.h"
#include "gammatop/kclient.h"
#include "gammatop/store.h"

struct discovery;

/* err is NULL on success (the store's kind states are updated), else why discovery could
 * not be done (the caller retries or gives up). */
typedef void (*discovery_cb)(const struct apierr *err, void *ud);

/* Start discovery; cb is called once from the loop. */
struct discovery *discovery_start(struct kclient *k, struct gt_store *s, discovery_cb cb,
                                  void *ud);
/* Cancel (no callback) and free; NULL is ignored. Must not be called from or after cb. */
void discovery_cancel(struct discovery *d);

#endif
