/* promsource.h: per-route amounts from a Prometheus-compatible server: one PromQL query per
 * series of the mesh profile (mesh_promql: sum by key labels of rate(...[range])), folded
 * into per-key rates (amounts per second, so figures_compute() reads them with seconds = 1).
 * With no profile, the mesh is detected first with one count() query per profile. */
#ifndef GAMMATOP_PROMSOURCE_H
#define GAMMATOP_PROMSOURCE_H
#include <stdint.h>

#include "gammatop/mesh.h"
#include "gammatop/promapi.h"
#include "gammatop/strmap.h"

/* acc: struct mesh_acc_item per key (owned by the callee, valid during the call); p: the
 * profile used (NULL when detection found none); err: first failure or NULL (acc then holds
 * what the other queries gave). */
typedef void (*promsource_cb)(struct strmap *acc, const struct mesh_profile *p, const char *err,
                              void *ud);

/* Start collecting at time_ms (0: now) over range ("5m"); cb runs once, from the loop. */
void promsource_collect(struct promapi *api, const struct mesh_profile *p, const char *range,
                        int64_t time_ms, promsource_cb cb, void *ud);

/* Blocking form: *p in/out (NULL: detect). acc must be initialised with free as free_value.
 * Returns 0, or -1 with a message in err (acc keeps what was collected). */
int promsource_collect_sync(struct promapi *api, const struct mesh_profile **p, const char *range,
                            int64_t time_ms, struct strmap *acc, char *err, size_t errlen);

/* "count(METRIC{detect matchers})" for profile p; the caller frees it. */
char *promsource_detect_query(const struct mesh_profile *p);

#endif
