/* openapi.c: a minimal OpenAPI v3 document set, enough for kubectl 1.32 to see that the sim
 * supports server-side field validation (the fieldValidation parameter of each PATCH, POST
 * and PUT) so that `kubectl apply/create` work without --validate=false. Schemas are open
 * (x-kubernetes-preserve-unknown-fields): the sim validates on its side (validate.c).
 * /openapi/v2 stays 404. */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

/* "gateway.networking.k8s.io" -> "io.k8s.networking.gateway", "gateway.networking.x-k8s.io"
 * -> "io.x-k8s.networking.gateway", "" -> "io.k8s.api.core" (reversed DNS, as the API server
 * names CRD schemas) */
static void schema_name(enum sim_res r, const char *version, char *buf, size_t n)
{
	const struct sim_resource *res = resource_get(r);
	if (!res->group[0]) {
		snprintf(buf, n, "io.k8s.api.core.%s.%s", version, res->kind);
		return;
	}
	char rev[256] = "";
	char copy[128];
	snprintf(copy, sizeof copy, "%s", res->group);
	for (char *dot = strrchr(copy, '.');; dot = strrchr(copy, '.')) {
		const char *label = dot ? dot + 1 : copy;
		size_t len = strlen(rev);
		snprintf(rev + len, sizeof rev - len, "%s%s", len ? "." : "", label);
		if (!dot)
			break;
		*dot = '\0';
	}
	snprintf(buf, n, "%s.%s.%s", rev, version, res->kind);
}

static json_t *param(const char *name)
{
	return json_pack("{s:s, s:s, s:{s:s, s:b}}", "name", name, "in", "query", "schema", "type",
	                 "string", "uniqueItems", 1);
}

static json_t *operation(enum sim_res r, const char *version, const char *action, const char *ref)
{
	const struct sim_resource *res = resource_get(r);
	json_t *params = json_array();
	static const char *const names[] = {"dryRun", "fieldManager", "fieldValidation", NULL};
	for (size_t i = 0; names[i]; i++)
		json_array_append_new(params, param(names[i]));
	if (strcmp(action, "patch") == 0)
		json_array_append_new(params, param("force"));
	json_t *content = json_pack("{s:{s:{s:s}}}", "application/json", "schema", "$ref", ref);
	return json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:o, s:{s:{s:s, s:o}}}",
	                 "x-kubernetes-action", action, "parameters", params,
	                 "x-kubernetes-group-version-kind", "group", res->group, "version", version,
	                 "kind", res->kind, "requestBody", json_pack("{s:O}", "content", content),
	                 "responses", "200", "description", "OK", "content", content);
}

static json_t *group_version_doc(enum sim_channel ch, const char *group, const char *version)
{
	json_t *paths = json_object(), *schemas = json_object();
	for (int r = 0; r < RES_COUNT; r++) {
		const struct sim_resource *res = resource_get(r);
		if (strcmp(res->group, group) != 0 || !resource_serves(ch, r, version))
			continue;
		char name[256], ref[300], base[300], coll[400], item[450];
		schema_name(r, version, name, sizeof name);
		snprintf(ref, sizeof ref, "#/components/schemas/%s", name);
		if (group[0])
			snprintf(base, sizeof base, "/apis/%s/%s", group, version);
		else
			snprintf(base, sizeof base, "/api/%s", version);
		if (res->namespaced)
			snprintf(coll, sizeof coll, "%s/namespaces/{namespace}/%s", base, res->resource);
		else
			snprintf(coll, sizeof coll, "%s/%s", base, res->resource);
		snprintf(item, sizeof item, "%s/{name}", coll);
		json_object_set_new(paths, coll, json_pack("{s:o}", "post", operation(r, version, "post", ref)));
		json_object_set_new(paths, item, json_pack("{s:o, s:o}", "patch", operation(r, version, "patch", ref),
		                                           "put", operation(r, version, "put", ref)));
		json_object_set_new(schemas, name,
		                    json_pack("{s:s, s:s, s:b, s:[{s:s, s:s, s:s}], s:{s:{s:s}, s:{s:s}, s:{s:s}}}",
		                              "description", res->kind, "type", "object",
		                              "x-kubernetes-preserve-unknown-fields", 1,
		                              "x-kubernetes-group-version-kind", "group", res->group, "kind",
		                              res->kind, "version", version, "properties", "apiVersion", "type",
		                              "string", "kind", "type", "string", "metadata", "type", "object"));
	}
	return json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o}}", "openapi", "3.0.0", "info", "title",
	                 "Kubernetes", "version", "v1.32.0", "paths", paths, "components", "schemas",
	                 schemas);
}

/* Does channel ch serve some resource at group/version? */
static bool gv_served(enum sim_channel ch, const char *group, const char *version)
{
	for (int r = 0; r < RES_COUNT; r++)
		if (strcmp(resource_get(r)->group, group) == 0 && resource_serves(ch, r, version))
			return true;
	return false;
}

bool openapi_handle(struct sim *s, const struct request *rq, struct reply *rp)
{
	const char *p = rq->path;
	if (strncmp(p, "/openapi/", 9) != 0 && strcmp(p, "/openapi") != 0)
		return false;
	if (strcmp(p, "/openapi/v3") == 0 || strcmp(p, "/openapi/v3/") == 0) {
		json_t *paths = json_object();
		for (int r = 0; r < RES_COUNT; r++) {
			const struct sim_resource *res = resource_get(r);
			for (size_t v = 0; v < SIM_MAX_VERSIONS && res->versions[v].name; v++) {
				const char *ver = res->versions[v].name;
				char key[192], url[400];
				if (!resource_serves(s->channel, r, ver))
					continue;
				if (res->group[0])
					snprintf(key, sizeof key, "apis/%s/%s", res->group, ver);
				else
					snprintf(key, sizeof key, "api/%s", ver);
				snprintf(url, sizeof url, "/openapi/v3/%s?hash=0000000000000000000000000000000000000000000000000000000000000001", key);
				json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
			}
		}
		reply_json(rp, 200, json_pack("{s:o}", "paths", paths));
		return true;
	}
	if (strcmp(p, "/openapi/v3/api/v1") == 0) {
		reply_json(rp, 200, group_version_doc(s->channel, "", "v1"));
		return true;
	}
	if (strncmp(p, "/openapi/v3/apis/", 17) == 0) {
		char group[128], version[32];
		const char *g = p + 17, *slash = strchr(g, '/');
		if (slash && (size_t)(slash - g) < sizeof group && strlen(slash + 1) < sizeof version &&
		    !strchr(slash + 1, '/')) {
			snprintf(group, sizeof group, "%.*s", (int)(slash - g), g);
			snprintf(version, sizeof version, "%s", slash + 1);
			if (group[0] && gv_served(s->channel, group, version)) {
				reply_json(rp, 200, group_version_doc(s->channel, group, version));
				return true;
			}
		}
	}
	reply_status(rp, 404, "NotFound", NULL, "the server could not find the requested resource");
	return true;
}
