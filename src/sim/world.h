/* world.h: object constructors shared by the demo world (demo.c) and the generator
 * (generate.c). Each returns a new JSON object (a reference the caller owns); json_t
 * arguments are stolen. */
#ifndef GAMMATOP_SIM_WORLD_H
#define GAMMATOP_SIM_WORLD_H
#include "sim.h"

json_t *world_gateway_class(const char *name, const char *controller);
/* from: "Same", "All" or "Selector" */
json_t *world_listener(const char *name, const char *proto, int port, const char *hostname,
                       const char *from);
json_t *world_gateway(const char *ns, const char *name, const char *klass, json_t *listeners);
/* kind "HTTPRoute" or "GRPCRoute"; hostnames may be NULL. */
json_t *world_route(const char *kind, const char *ns, const char *name, json_t *parents,
                    json_t *hostnames, json_t *rules);
json_t *world_gateway_parent(const char *ns, const char *name, const char *section);
/* ns NULL: the route's namespace; port 0: all ports. */
json_t *world_service_parent(const char *ns, const char *name, int port);
json_t *world_backend(const char *ns, const char *name, int port, int weight);
void world_annotate(json_t *obj, const char *key, const char *value);
/* Add obj (stolen) and die with a message if the built-in world is invalid. */
void world_must_add(struct sim *s, json_t *obj);

#endif
