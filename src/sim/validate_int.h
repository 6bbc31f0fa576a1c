/* validate_int.h: what the validators share: the schema roots of the kinds validated by the
 * schema engine (validate_gw.c, validate_l4.c, validate_policy.c) and the core kinds'
 * defaults and checks (validate_core.c). validate.c dispatches to them. */
#ifndef GAMMATOP_SIM_VALIDATE_INT_H
#define GAMMATOP_SIM_VALIDATE_INT_H
#include "schema.h"

/* Gateway (v1, v1beta1) and ListenerSet (v1) */
extern const struct sch_node validate_gw_gateway, validate_gw_listenerset;
/* The schema of TLSRoute, TCPRoute or UDPRoute at version (v1 unless "v1alpha2"). */
const struct sch_node *validate_l4_schema(enum sim_res r, const char *version);
/* BackendTLSPolicy, XBackendTrafficPolicy or XMesh. */
const struct sch_node *validate_policy_schema(enum sim_res r);
/* The API server's defaults of Namespace, Service, Secret (stringData folded into data,
 * type Opaque) and ConfigMap. */
void validate_core_defaults(enum sim_res r, json_t *obj);
/* The API server's checks of Service, Secret and ConfigMap (old: the stored object on an
 * update, or NULL). */
void validate_core_check(struct sch_ctx *c, enum sim_res r, const json_t *obj, const json_t *old);
/* Decode base64 as a Secret's data is encoded (Go's StdEncoding): a new NUL-terminated
 * buffer and its length, or NULL when s is not valid base64. */
char *validate_core_b64_decode(const char *s, size_t *len);

#endif
