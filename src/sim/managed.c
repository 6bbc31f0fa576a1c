/* managed.c: who writes, for metadata.managedFields, as kube-apiserver records it: the manager
 * of a request is its fieldManager parameter, else the product token of its User-Agent
 * ("kubectl/v1.32.4 (linux/amd64) kubernetes/abc" -> "kubectl": the characters before the
 * first '/', unprintable ones dropped, at most 128 bytes; managerOrUserAgent and
 * prefixFromUserAgent in k8s.io/apiserver pkg/endpoints/handlers/create.go, v1.32, with
 * FieldManagerMaxLength from apimachinery's metav1 validation). kubectl itself always sends
 * fieldManager (kubectl-edit, kubectl-patch, kubectl-client-side-apply, kubectl for
 * server-side apply, kubectl-annotate, ...). The sim's own writers have their managers too:
 * the churn (an annotation, operation Update), the status controller (subresource status) and
 * the world loaded at start. The field sets themselves are apply.c's. */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

#define FIELD_MANAGER_MAX 128

const char *managed_manager(const struct request *rq, const char *dflt, char *buf, size_t n)
{
	const char *m = request_query(rq, "fieldManager");
	if (m && *m)
		return m;
	const char *ua = rq->user_agent;
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)(ua ? ua : ""); *p && *p != '/'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			continue; /* not printable: dropped */
		if (o + 1 >= n || o + 1 > FIELD_MANAGER_MAX)
			break;
		buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return o ? buf : dflt;
}

void managed_track(enum sim_res r, const json_t *old, json_t *nw, const char *manager,
                   const char *subresource)
{
	char av[128];
	json_t *m = json_object_get(nw, "metadata");
	if (!json_is_object(m))
		return;
	/* metadata may be shared with the stored version (shallow copies): write into a copy */
	json_object_set_new(nw, "metadata", json_copy(m));
	apply_track_update(old, nw, manager, resource_api_version(r, NULL, av, sizeof av),
	                   subresource);
}
