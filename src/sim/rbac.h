/* rbac.h: the simulator's stand-in for Kubernetes RBAC and impersonation: tokens bound to a
 * user who may read and write in some namespaces only (and read some resources cluster-wide),
 * the kube-apiserver's 403 message for what they may not do, and the Impersonate-* headers.
 * Follows kube-apiserver 1.32: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
 * responsewriters/errors.go (forbiddenMessage) and .../endpoints/filters/impersonation.go. */
#ifndef GAMMATOP_SIM_RBAC_H
#define GAMMATOP_SIM_RBAC_H
#include <stdbool.h>
#include <stddef.h>

struct sim;
struct request;
struct reply;
struct api_target;

/* One --rbac-token TOKEN:USER:NS[,NS...][:RESOURCE[,RESOURCE...]]. */
struct sim_rbac {
	char *token;        /* secret: never logged */
	char *user;
	char **namespaces;  /* NULL-terminated: get/list/watch/create/update/patch/delete there */
	char **cluster_read; /* NULL-terminated resources (plural) it may get/list/watch in every
	                        namespace and at the cluster scope */
};

/* Parse one --rbac-token value into s (appended). 0, or -1 with err. */
int rbac_add(struct sim *s, const char *spec, char *err, size_t errlen);
void rbac_free_all(struct sim *s);
/* The entry whose token is tok, or NULL. */
const struct sim_rbac *rbac_by_token(const struct sim *s, const char *tok);
/* The entry for user name (an impersonated user), or NULL. */
const struct sim_rbac *rbac_by_user(const struct sim *s, const char *user);

/* May rq do what t and its method ask? true, or false with rp filled with the API server's
 * 403 Forbidden. Requests without an RBAC binding are allowed (the admin token, certificates,
 * no authentication; read-only tokens are checked elsewhere). */
bool rbac_allows(const struct request *rq, const struct api_target *t, bool watching,
                 struct reply *rp);

#endif
