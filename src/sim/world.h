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
/* A kubernetes.io/tls Secret with obviously fake PEM (given as stringData). */
json_t *world_tls_secret(const char *ns, const char *name);
/* A ConfigMap with an obviously fake PEM CA in ca.crt. */
json_t *world_ca_configmap(const char *ns, const char *name);
/* A TLS listener: Passthrough, or Terminate with the Secret cert of the owner's namespace. */
json_t *world_tls_listener(const char *name, int port, const char *hostname, bool passthrough,
                           const char *cert);
json_t *world_listenerset(const char *ns, const char *name, const char *gw_ns, const char *gw_name,
                          json_t *listeners);
json_t *world_listenerset_parent(const char *ns, const char *name, const char *section);
/* kind "TLSRoute", "TCPRoute" or "UDPRoute" with one rule; hostnames may be NULL. */
json_t *world_l4_route(const char *kind, const char *ns, const char *name, json_t *parents,
                       json_t *hostnames, json_t *backends);
/* An XBackendTrafficPolicy with a retry budget on Service ns/service. */
json_t *world_retry_budget(const char *ns, const char *name, const char *service, int percent,
                           const char *interval, int min_count, const char *min_interval);
/* A BackendTLSPolicy on Service ns/service trusting the CA in ConfigMap ns/ca. */
json_t *world_backend_tls(const char *ns, const char *name, const char *service, const char *ca,
                          const char *hostname);
json_t *world_mesh(const char *name, const char *controller);
void world_annotate(json_t *obj, const char *key, const char *value);
/* Add obj (stolen) and die with a message if the built-in world is invalid. */
void world_must_add(struct sim *s, json_t *obj);

#endif
