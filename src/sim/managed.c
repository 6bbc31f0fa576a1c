/* managed.c: who writes, for metadata.managedFields, as kube-apiserver records it: the manager
 * of a request is its fieldManager parameter, else the product token of its User-Agent
 * ("kubectl/v1.32.4 (linux/amd64) kubernetes/abc" -> "kubectl": the characters before the
 * first '/', unprintable ones dropped, at most 128 bytes; managerOrUserAgent and
 * prefixFromUserAgent in k8s.io/apiserver pkg/endpoints/handlers/create.go, v1.32, with
 * FieldManagerMaxLength from apimachinery's metav1 validation). kubectl itself always sends
 * fieldManager (kubectl-edit, kubectl-patch, kubectl-client-side-apply, kubectl for
 * server-side apply, kubectl-annotate, ...). The sim's own writers have their managers too:
 * the churn (an annotation, operation Update), the status controller (subresource status) and
 * the world loaded at start. The field sets themselves are apply.c's; the entries are kept in
 * the API server's order (sortEncodedManagedFields in k8s.io/apiserver pkg/endpoints/handlers/
 * fieldmanager/internal/managedfields.go, v1.32: operation, time in seconds, manager,
 * apiVersion, subresource). */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/timeutil.h"

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
	managed_sort(nw);
}

static const char *str_or_empty(const json_t *e, const char *key)
{
	const char *v = json_str(e, key);
	return v ? v : "";
}

static long long seconds(const json_t *e)
{
	time_t t;
	const char *ts = json_str(e, "time");
	return ts && time_parse_rfc3339(ts, &t) == 0 ? (long long)t : 0;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const json_t *a = *(const json_t *const *)pa, *b = *(const json_t *const *)pb;
	int c = strcmp(str_or_empty(a, "operation"), str_or_empty(b, "operation"));
	if (c)
		return c;
	long long ta = seconds(a), tb = seconds(b);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if ((c = strcmp(str_or_empty(a, "manager"), str_or_empty(b, "manager"))))
		return c;
	if ((c = strcmp(str_or_empty(a, "apiVersion"), str_or_empty(b, "apiVersion"))))
		return c;
	return strcmp(str_or_empty(a, "subresource"), str_or_empty(b, "subresource"));
}

void managed_sort(json_t *obj)
{
	json_t *m = json_object_get(obj, "metadata");
	json_t *mf = json_object_get(m, "managedFields");
	size_t n = json_array_size(mf);
	if (n < 2)
		return;
	const json_t **v = calloc(n, sizeof *v);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(mf, i);
	qsort(v, n, sizeof *v, cmp_entry);
	json_t *sorted = json_array(); /* a new array: the old one may be shared */
	for (size_t i = 0; i < n; i++)
		json_array_append(sorted, (json_t *)v[i]);
	json_object_set_new(m, "managedFields", sorted);
	free(v);
}
