/* discovery.c: find the served Gateway API versions per kind (see discovery.h). Every group
 * version is asked for at once; 404 means the version is not served. The experimental x-k8s
 * group (XBackendTrafficPolicy, XMesh) is optional: any failure there means "not served",
 * never a failed discovery. */
#include "gammatop/defaults.h"
#include "gammatop/discovery.h"
#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *group, *version;
	bool optional; /* a failure means "not served" */
} versions[] = {
	{GW_GROUP, "v1", false},
	{GW_GROUP, "v1beta1", false},
	{GW_X_GROUP, "v1alpha1", true},
};
#define NVERSIONS 3

struct discovery;
struct part {
	struct discovery *d;
	int i;
};

struct discovery {
	struct part parts[NVERSIONS];
	struct kclient *k;
	struct gt_store *s;
	discovery_cb cb;
	void *ud;
	struct kreq *req[NVERSIONS];
	json_t *resources[NVERSIONS]; /* APIResourceList.resources, NULL when not served */
	struct apierr err;            /* first failure */
	bool failed;
	int pending;
};

static bool serves(const json_t *resources, const char *resource)
{
	size_t i;
	const json_t *r;
	json_array_foreach(resources, i, r)
	{
		if (str_eq(json_string_value(json_object_get(r, "name")), resource))
			return true;
	}
	return false;
}

static void apply(struct discovery *d)
{
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		if (!*kind_group(k))
			continue;
		bool group = false;
		for (int v = 0; v < NVERSIONS; v++)
			group |= d->resources[v] != NULL && !strcmp(versions[v].group, kind_group(k));
		struct store_kind_state *st = store_kind_state(d->s, k);
		int found = -1;
		for (int v = 0; v < NVERSIONS && found < 0; v++)
			if (d->resources[v] && !strcmp(versions[v].group, kind_group(k)) &&
			    serves(d->resources[v], kind_resource(k)))
				found = v;
		if (found >= 0) {
			kclient_set_version(d->k, k, versions[found].version);
			st->installed = true;
			continue;
		}
		st->installed = false;
		char *msg = group ? xasprintf("%s is not installed on this cluster", kind_name(k))
		                  : xasprintf("%s is not installed on this cluster (no Gateway API "
		                              "CRDs: group %s is not served)",
		                              kind_name(k), kind_group(k));
		store_set_error(d->s, k, msg);
		log_info("discovery: %s", msg);
		free(msg);
	}
}

static void done(struct discovery *d)
{
	if (!d->failed)
		apply(d);
	discovery_cb cb = d->cb;
	void *ud = d->ud;
	struct apierr err = d->err;
	bool failed = d->failed;
	for (int v = 0; v < NVERSIONS; v++)
		json_decref(d->resources[v]);
	free(d);
	cb(failed ? &err : NULL, ud);
	apierr_done(&err);
}

static void not_a_resource_list(struct discovery *d, int i, const char *body, size_t len)
{
	char snippet[81];
	size_t n = len < sizeof snippet - 1 ? len : sizeof snippet - 1;
	memcpy(snippet, body, n);
	snippet[n] = 0;
	char *t = str_sanitize(snippet);
	d->failed = true;
	memset(&d->err, 0, sizeof d->err);
	d->err.kind = APIERR_OTHER;
	d->err.code = 200;
	d->err.message = xasprintf("discover %s/%s: the answer is not an APIResourceList (it "
	                           "starts with \"%s\"%s)",
	                           versions[i].group, versions[i].version, t, len > n ? "..." : "");
	free(t);
}

static void on_part(const struct kresponse *r, void *ud)
{
	struct part *p = ud;
	struct discovery *d = p->d;
	int i = p->i;
	d->req[i] = NULL;
	if (!r->err) {
		json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
		json_t *res = json_object_get(j, "resources");
		if (json_is_array(res))
			d->resources[i] = json_incref(res);
		else if (!d->failed && !versions[i].optional) /* e.g. a proxy's page: do not call the CRDs missing */
			not_a_resource_list(d, i, r->body, r->body_len);
		json_decref(j);
	} else if (r->err->kind != APIERR_NOT_FOUND && !d->failed && !versions[i].optional) {
		d->failed = true;
		d->err = *r->err;
		d->err.reason = xstrdup_null(r->err->reason);
		d->err.message = xstrdup_null(r->err->message);
		d->err.causes = NULL;
		d->err.n_causes = 0;
	}
	if (--d->pending == 0)
		done(d);
}

struct discovery *discovery_start(struct kclient *k, struct gt_store *s, discovery_cb cb,
                                  void *ud)
{
	struct discovery *d = xcalloc(1, sizeof *d);
	d->k = k;
	d->s = s;
	d->cb = cb;
	d->ud = ud;
	for (int v = 0; v < NVERSIONS; v++) {
		char *path = xasprintf("/apis/%s/%s", versions[v].group, versions[v].version);
		char *what = xasprintf("discover %s/%s", versions[v].group, versions[v].version);
		struct part *p = &d->parts[v];
		*p = (struct part){d, v};
		struct kreq_opts o = {.path = path, .what = what,
		                      .timeout_ms = GT_DEFAULT_REQUEST_TIMEOUT_MS, .on_done = on_part,
		                      .ud = p};
		d->req[v] = kclient_request(k, &o);
		d->pending++;
		free(path);
		free(what);
	}
	return d;
}

void discovery_cancel(struct discovery *d)
{
	if (!d)
		return;
	for (int v = 0; v < NVERSIONS; v++) {
		if (d->req[v])
			kreq_cancel(d->req[v]);
		json_decref(d->resources[v]);
	}
	apierr_done(&d->err);
	free(d);
}
