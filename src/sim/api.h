/* api.h: what the API handlers share: the parsed request target and the write entry points
 * (mutate.c). */
#ifndef GAMMATOP_SIM_API_H
#define GAMMATOP_SIM_API_H
#include "sim.h"

struct api_target {
	char group[128], version[32];
	enum sim_res res;
	bool has_ns, has_name, legacy_watch;
	char ns[256], name[256];
	char sub[32];   /* "", "status" or "proxy" */
	char rest[512]; /* proxy: the path after .../proxy */
};

/* "httproutes.gateway.networking.k8s.io" / "services" into buf. */
const char *api_qualified_kind(enum sim_res r, char *buf, size_t n);
void api_not_found(struct reply *rp, enum sim_res r, const char *name);
/* Add a Warning (299 - "text") to the reply, after the ones it has. */
void api_add_warning(struct reply *rp, const char *text);
/* Free the per-pod scrape counts of --metrics-fixtures (sim_done). */
void api_fixture_hits_free(struct sim *s);
/* Delete one object with its event (lock held); a new reference to its last state or NULL. */
json_t *api_delete_object(struct sim *s, enum sim_res r, const char *ns, const char *name);

/* POST to a collection, PUT and PATCH of an object (and of its status subresource). They
 * take the lock themselves. */
void mutate_create(struct sim *s, const struct request *rq, const struct api_target *t,
                   struct reply *rp);
void mutate_update(struct sim *s, const struct request *rq, const struct api_target *t,
                   struct reply *rp);
void mutate_patch(struct sim *s, const struct request *rq, const struct api_target *t,
                  struct reply *rp);
/* Store obj (stolen) as the new state of an object after a write: generation, events,
 * traffic model and controllers. Lock held. Returns the stored object (borrowed). */
const json_t *mutate_commit(struct sim *s, enum sim_res r, json_t *obj);

#endif
