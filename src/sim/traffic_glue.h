/* traffic_glue.h: the sim's one door to the traffic model (traffic.h, helper-written): keeps
 * the model in step with route changes and renders metrics pages, taking the sim lock. */
#ifndef GAMMATOP_SIM_TRAFFIC_GLUE_H
#define GAMMATOP_SIM_TRAFFIC_GLUE_H
#include "sim.h"

/* Create the model (seeded) for mesh ("linkerd", "istio", "envoy-gateway"); -1 if mesh is
 * unknown. */
int traffic_glue_init(struct sim *s, const char *mesh);
void traffic_glue_free(struct sim *s);
/* A route was added/modified (obj) or deleted (deleted true). Lock held. */
void traffic_glue_route(struct sim *s, enum sim_res r, const json_t *obj, bool deleted);
/* Exposition text of all routes (ns NULL) or one namespace; NULL without a model. Takes
 * the lock. Caller frees. */
char *traffic_glue_render(struct sim *s, const char *ns);
const char *traffic_glue_content_type(const struct sim *s);
/* Default proxy admin port and metrics path of the mesh's proxies. */
int traffic_glue_proxy_port(const struct sim *s);
const char *traffic_glue_proxy_path(const struct sim *s);
/* Advance the model clock (lock held). */
void traffic_glue_tick(struct sim *s);

#endif
