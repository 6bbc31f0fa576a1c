/* discovery.c: API discovery as kubectl 1.32 reads it: aggregated discovery (apidiscovery.k8s.io
 * v2 and v2beta1, chosen by the Accept header, answering only what was asked for), the
 * legacy APIVersions/APIGroupList/APIGroup/APIResourceList documents, /version, and /openapi
 * through openapi.c. What is listed follows the channel: the standard channel serves neither
 * the gateway.networking.x-k8s.io group nor the old (v1alpha*) route and policy versions. */
#include "config.h"
#include "sim.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <string.h>

static const char *const verbs_all[] = {"create", "delete", "deletecollection", "get", "list",
                                        "patch", "update", "watch", NULL};

/* Version priority as Kubernetes sorts it (GA > beta > alpha, then by number), for the
 * versions the sim knows. */
static const char *const version_order[] = {"v1", "v1beta1", "v1alpha3", "v1alpha2", "v1alpha1", NULL};

/* Has r a status subresource? (ReferenceGrant's CRD has none; Secrets and ConfigMaps neither.) */
static bool has_status(enum sim_res r)
{
	return r != RES_REFERENCEGRANT && r != RES_SECRET && r != RES_CONFIGMAP;
}

static json_t *str_array(const char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Which discovery format the Accept header asks for first: 2 (v2), 1 (v2beta1), 0 (plain
 * JSON), -1 (nothing we can produce). */
static int accept_discovery(const char *accept)
{
	if (!accept || !*accept)
		return 0;
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", accept);
	char *save = NULL;
	for (char *mr = strtok_r(copy, ",", &save); mr; mr = strtok_r(NULL, ",", &save)) {
		while (*mr == ' ')
			mr++;
		bool json = strncmp(mr, "application/json", 16) == 0 || strncmp(mr, "*/*", 3) == 0 ||
		            strncmp(mr, "application/*", 13) == 0;
		if (!json)
			continue;
		bool g = strstr(mr, "g=apidiscovery.k8s.io") != NULL;
		bool as = strstr(mr, "as=APIGroupDiscoveryList") != NULL;
		if (g && as) {
			if (strstr(mr, "v=v2beta1"))
				return 1;
			if (strstr(mr, "v=v2"))
				return 2;
			continue;
		}
		if (strstr(mr, "as=") || strstr(mr, "g="))
			continue; /* some other conversion (Table...) we do not produce for discovery */
		return 0;
	}
	return -1;
}

static json_t *agg_resource(enum sim_res r, const char *version)
{
	const struct sim_resource *res = resource_get(r);
	json_t *rk = json_pack("{s:s, s:s, s:s}", "group", res->group, "version", version, "kind",
	                       res->kind);
	json_t *o = json_pack("{s:s, s:o, s:s, s:s, s:o}", "resource", res->resource, "responseKind",
	                      rk, "scope", res->namespaced ? "Namespaced" : "Cluster",
	                      "singularResource", res->singular, "verbs", str_array(verbs_all));
	if (res->short_names[0])
		json_object_set_new(o, "shortNames", str_array(res->short_names));
	if (res->category)
		json_object_set_new(o, "categories", json_pack("[s]", res->category));
	json_t *subs = json_array();
	if (has_status(r))
		json_array_append_new(subs, json_pack("{s:s, s:O, s:[sss]}", "subresource", "status",
		                                      "responseKind", rk, "verbs", "get", "patch", "update"));
	if (r == RES_POD)
		json_array_append_new(subs, json_pack("{s:s, s:{s:s, s:s, s:s}, s:[sssss]}",
		                                      "subresource", "proxy", "responseKind", "group", "",
		                                      "version", "v1", "kind", "PodProxyOptions", "verbs",
		                                      "create", "delete", "get", "patch", "update"));
	json_object_set_new(o, "subresources", subs);
	return o;
}

/* Aggregated discovery document for the core group (core true) or all named groups. */
static json_t *aggregated(enum sim_channel ch, bool core, int v)
{
	json_t *items = json_array();
	const char *groups[RES_COUNT];
	size_t ng = 0;
	for (int r = 0; r < RES_COUNT; r++) {
		const char *g = resource_get(r)->group;
		if (core != (g[0] == '\0') || !resource_available(ch, r))
			continue;
		bool seen = false;
		for (size_t i = 0; i < ng; i++)
			seen |= strcmp(groups[i], g) == 0;
		if (!seen)
			groups[ng++] = g;
	}
	for (size_t gi = 0; gi < ng; gi++) {
		json_t *versions = json_array();
		const char *const *order = version_order;
		for (size_t vi = 0; order[vi]; vi++) {
			json_t *rs = json_array();
			for (int r = 0; r < RES_COUNT; r++)
				if (strcmp(resource_get(r)->group, groups[gi]) == 0 && resource_serves(ch, r, order[vi]))
					json_array_append_new(rs, agg_resource(r, order[vi]));
			if (json_array_size(rs))
				json_array_append_new(versions, json_pack("{s:s, s:o, s:s}", "version", order[vi],
				                                          "resources", rs, "freshness", "Current"));
			else
				json_decref(rs);
		}
		json_t *meta = json_pack("{s:n}", "creationTimestamp");
		if (groups[gi][0])
			json_object_set_new(meta, "name", json_string(groups[gi]));
		json_array_append_new(items, json_pack("{s:o, s:o}", "metadata", meta, "versions", versions));
	}
	return json_pack("{s:s, s:s, s:{}, s:o}", "kind", "APIGroupDiscoveryList", "apiVersion",
	                 v == 2 ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1",
	                 "metadata", "items", items);
}

static json_t *group_versions(enum sim_channel ch, const char *group, json_t **preferred)
{
	json_t *vs = json_array();
	const char *const *order = version_order;
	*preferred = NULL;
	for (size_t vi = 0; order[vi]; vi++) {
		for (int r = 0; r < RES_COUNT; r++) {
			if (strcmp(resource_get(r)->group, group) == 0 && resource_serves(ch, r, order[vi])) {
				char gv[160];
				snprintf(gv, sizeof gv, "%s/%s", group, order[vi]);
				json_t *e = json_pack("{s:s, s:s}", "groupVersion", gv, "version", order[vi]);
				if (!*preferred)
					*preferred = json_deep_copy(e);
				json_array_append_new(vs, e);
				break;
			}
		}
	}
	return vs;
}

static json_t *resource_list(enum sim_channel ch, const char *group, const char *version)
{
	json_t *rs = json_array();
	for (int r = 0; r < RES_COUNT; r++) {
		const struct sim_resource *res = resource_get(r);
		if (strcmp(res->group, group) != 0 || !resource_serves(ch, r, version))
			continue;
		json_t *o = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", res->resource, "singularName",
		                      res->singular, "namespaced", res->namespaced, "kind", res->kind,
		                      "verbs", str_array(verbs_all));
		if (res->short_names[0])
			json_object_set_new(o, "shortNames", str_array(res->short_names));
		if (res->category)
			json_object_set_new(o, "categories", json_pack("[s]", res->category));
		json_array_append_new(rs, o);
		char sub[96];
		snprintf(sub, sizeof sub, "%s/status", res->resource);
		if (has_status(r))
			json_array_append_new(rs, json_pack("{s:s, s:s, s:b, s:s, s:[sss]}", "name", sub,
			                                    "singularName", "", "namespaced", res->namespaced,
			                                    "kind", res->kind, "verbs", "get", "patch", "update"));
		if (r == RES_POD)
			json_array_append_new(rs, json_pack("{s:s, s:s, s:b, s:s, s:[sssss]}", "name",
			                                    "pods/proxy", "singularName", "", "namespaced", 1,
			                                    "kind", "PodProxyOptions", "verbs", "create",
			                                    "delete", "get", "patch", "update"));
	}
	char gv[160];
	if (group[0])
		snprintf(gv, sizeof gv, "%s/%s", group, version);
	else
		snprintf(gv, sizeof gv, "%s", version);
	return json_pack("{s:s, s:s, s:s, s:o}", "kind", "APIResourceList", "apiVersion", "v1",
	                 "groupVersion", gv, "resources", rs);
}

static bool group_known(enum sim_channel ch, const char *g)
{
	for (int r = 0; r < RES_COUNT; r++)
		if (strcmp(resource_get(r)->group, g) == 0 && resource_available(ch, r))
			return true;
	return false;
}

static void reply_agg(struct reply *rp, json_t *doc, int v)
{
	reply_json(rp, 200, doc);
	rp->content_type = xstrdup(v == 2 ? "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
	                                  : "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
}

bool discovery_handle(struct sim *s, const struct request *rq, struct reply *rp)
{
	const char *p = rq->path;
	char seg[3][128];
	int n = 0;
	if (strcmp(p, "/version") == 0 || strcmp(p, "/version/") == 0) {
		reply_json(rp, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "major", "1",
		                              "minor", "32", "gitVersion", "v1.32.0-gammatop-sim",
		                              "gitCommit", "0000000000000000000000000000000000000000",
		                              "gitTreeState", "clean", "buildDate", "2026-01-01T00:00:00Z",
		                              "goVersion", "go1.23.0", "compiler", "gc", "platform",
		                              "linux/amd64"));
		return true;
	}
	if (openapi_handle(s, rq, rp))
		return true;
	/* split at most 3 segments after /api or /apis */
	char copy[512];
	if (strlen(p) >= sizeof copy)
		return false;
	snprintf(copy, sizeof copy, "%s", p);
	char *save = NULL;
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (n == 3)
			return false;
		snprintf(seg[n++], sizeof seg[0], "%s", t);
	}
	if (n == 0)
		return false;
	bool api = strcmp(seg[0], "api") == 0, apis = strcmp(seg[0], "apis") == 0;
	if (!(api && n <= 2) && !(apis && n <= 3))
		return false;
	if (strcmp(rq->method, "GET") != 0) {
		reply_status(rp, 405, "MethodNotAllowed", NULL, "the server does not allow this method on the requested resource");
		return true;
	}
	if (n == 1) {
		int v = accept_discovery(rq->accept);
		if (v < 0) {
			reply_status(rp, 406, "NotAcceptable", NULL, "only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList, application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
			return true;
		}
		if (v > 0) {
			reply_agg(rp, aggregated(s->channel, api, v), v);
			return true;
		}
		if (api) {
			reply_json(rp, 200, json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "kind", "APIVersions",
			                              "versions", "v1", "serverAddressByClientCIDRs",
			                              "clientCIDR", "0.0.0.0/0", "serverAddress", "127.0.0.1"));
			return true;
		}
		json_t *groups = json_array();
		static const char *const named[] = {SIM_GW_GROUP, SIM_X_GROUP};
		for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
			if (!group_known(s->channel, named[i]))
				continue;
			json_t *pref;
			json_t *vs = group_versions(s->channel, named[i], &pref);
			json_array_append_new(groups, json_pack("{s:s, s:o, s:o}", "name", named[i],
			                                        "versions", vs, "preferredVersion", pref));
		}
		reply_json(rp, 200, json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList", "apiVersion", "v1",
		                              "groups", groups));
		return true;
	}
	if (api) {
		if (strcmp(seg[1], "v1") != 0)
			goto notfound;
		reply_json(rp, 200, resource_list(s->channel, "", "v1"));
		return true;
	}
	if (!group_known(s->channel, seg[1]) || seg[1][0] == '\0')
		goto notfound;
	if (n == 2) {
		json_t *pref;
		json_t *vs = group_versions(s->channel, seg[1], &pref);
		reply_json(rp, 200, json_pack("{s:s, s:s, s:s, s:o, s:o}", "kind", "APIGroup", "apiVersion",
		                              "v1", "name", seg[1], "versions", vs, "preferredVersion", pref));
		return true;
	}
	bool served = false;
	for (int r = 0; r < RES_COUNT; r++)
		served |= strcmp(resource_get(r)->group, seg[1]) == 0 && resource_serves(s->channel, r, seg[2]);
	if (!served)
		goto notfound;
	reply_json(rp, 200, resource_list(s->channel, seg[1], seg[2]));
	return true;
notfound:
	reply_status(rp, 404, "NotFound", NULL, "the server could not find the requested resource");
	return true;
}
