/* world.c: filling the simulator's store at startup: adding objects as the API server would
 * (defaults, pruning, validation; missing namespaces created), reading manifests (files or
 * directories, through the model's manifest reader), and the object constructors the demo
 * world and the generator share. */
#include "config.h"
#include "sim.h"

#include "gammatop/diag.h"
#include "gammatop/manifest.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traffic_glue.h"
#include "world.h"

static void ensure_namespace(struct sim *s, const char *ns)
{
	if (!ns || objects_get(&s->objs, RES_NAMESPACE, NULL, ns))
		return;
	json_t *n = world_namespace(ns, NULL);
	validate_defaults(RES_NAMESPACE, n);
	objects_put(&s->objs, RES_NAMESPACE, n);
}

int world_add(struct sim *s, json_t *obj, char *err, size_t errlen)
{
	const char *av = json_str(obj, "apiVersion"), *kind = json_str(obj, "kind");
	int r = resource_by_kind(av, kind);
	if (r < 0) {
		snprintf(err, errlen, "%s %s is not served by gammatop-sim (skipped)", av ? av : "?",
		         kind ? kind : "?");
		json_decref(obj);
		return 1;
	}
	const char *name = meta_str(obj, "name");
	if (!name || !*name) {
		snprintf(err, errlen, "%s without metadata.name", kind);
		json_decref(obj);
		return -1;
	}
	json_t *m = json_object_get(obj, "metadata");
	char av_store[128];
	json_object_set_new(obj, "apiVersion", json_string(resource_api_version(r, NULL, av_store, sizeof av_store)));
	if (resource_get(r)->namespaced) {
		if (!meta_str(obj, "namespace"))
			json_object_set_new(m, "namespace", json_string("default"));
		ensure_namespace(s, meta_str(obj, "namespace"));
	} else {
		json_object_del(m, "namespace");
	}
	json_object_del(m, "resourceVersion");
	validate_defaults(r, obj);
	json_t *causes = validate_object(s, r, obj, NULL);
	if (causes) {
		json_t *c = json_array_get(causes, 0);
		snprintf(err, errlen, "%s %s/%s is invalid: %s: %s", kind, str_or(meta_str(obj, "namespace"), "-"),
		         name, json_str(c, "field"), json_str(c, "message"));
		json_decref(causes);
		json_decref(obj);
		return -1;
	}
	managed_track(r, NULL, obj, MANAGED_WORLD, NULL);
	const json_t *stored = objects_put(&s->objs, r, obj);
	traffic_glue_route(s, r, stored, false);
	s->reconcile_needed = true;
	return 0;
}

struct load_ctx {
	struct sim *s;
	int errors, added;
};

static int on_doc(const json_t *doc, const char *file, int line, void *ud)
{
	struct load_ctx *c = ud;
	char err[512];
	int rc = world_add(c->s, json_deep_copy(doc), err, sizeof err);
	char *safe = rc ? str_sanitize(err) : NULL; /* err quotes names and values of the manifest */
	if (rc < 0) {
		fprintf(stderr, "gammatop-sim: %s:%d: %s\n", file, line, safe);
		c->errors++;
	} else if (rc > 0) {
		fprintf(stderr, "gammatop-sim: %s:%d: note: %s\n", file, line, safe);
	} else {
		c->added++;
	}
	free(safe);
	return 0;
}

int world_load_manifests(struct sim *s, const char *path, char *err, size_t errlen)
{
	struct diag d;
	diag_init(&d);
	struct load_ctx c = {.s = s};
	int rc = manifest_read(path, on_doc, &c, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "gammatop-sim: %s\n", d.items[i].msg);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read manifests from %s", path);
		diag_done(&d);
		return -1;
	}
	diag_done(&d);
	if (s->verbose)
		fprintf(stderr, "gammatop-sim: %s: %d objects loaded, %d rejected\n", path, c.added, c.errors);
	return c.added;
}

json_t *world_namespace(const char *name, const char *team)
{
	json_t *n = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1", "kind",
	                      "Namespace", "metadata", "name", name, "labels",
	                      "kubernetes.io/metadata.name", name, "status", "phase", "Active");
	if (team)
		json_object_set_new(json_object_get(json_object_get(n, "metadata"), "labels"), "team",
		                    json_string(team));
	return n;
}

json_t *world_service(const char *ns, const char *name, int port, const char *app)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:{s:s}, s:[{s:s, s:i, s:s}]}}",
	                 "apiVersion", "v1", "kind", "Service", "metadata", "name", name, "namespace", ns,
	                 "labels", "app", app ? app : name, "spec", "selector", "app", app ? app : name,
	                 "ports", "name", port == 443 ? "https" : port == 9090 ? "grpc" : "http", "port",
	                 port, "appProtocol", port == 9090 ? "kubernetes.io/h2c" : "http");
}

json_t *world_gateway_class(const char *name, const char *controller)
{
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}}", "apiVersion", SIM_GW_GROUP "/v1", "kind",
	                 "GatewayClass", "metadata", "name", name, "spec", "controllerName", controller,
	                 "description", "gammatop-sim gateway class");
}

json_t *world_listener(const char *name, const char *proto, int port, const char *hostname,
                       const char *from)
{
	json_t *l = json_pack("{s:s, s:s, s:i, s:{s:{s:s}}}", "name", name, "protocol", proto, "port",
	                      port, "allowedRoutes", "namespaces", "from", from);
	if (hostname)
		json_object_set_new(l, "hostname", json_string(hostname));
	if (strcmp(proto, "HTTPS") == 0)
		json_object_set_new(l, "tls", json_pack("{s:s, s:[{s:s, s:s}]}", "mode", "Terminate",
		                                        "certificateRefs", "kind", "Secret", "name",
		                                        "gateway-cert"));
	return l;
}

json_t *world_gateway(const char *ns, const char *name, const char *klass, json_t *listeners)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:o}}", "apiVersion", SIM_GW_GROUP "/v1",
	                 "kind", "Gateway", "metadata", "name", name, "namespace", ns, "spec",
	                 "gatewayClassName", klass, "listeners", listeners);
}

json_t *world_route(const char *kind, const char *ns, const char *name, json_t *parents,
                    json_t *hostnames, json_t *rules)
{
	json_t *spec = json_pack("{s:o, s:o}", "parentRefs", parents, "rules", rules);
	if (hostnames)
		json_object_set_new(spec, "hostnames", hostnames);
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o}", "apiVersion", SIM_GW_GROUP "/v1", "kind", kind,
	                 "metadata", "name", name, "namespace", ns, "spec", spec);
}

json_t *world_gateway_parent(const char *ns, const char *name, const char *section)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "group", SIM_GW_GROUP, "kind", "Gateway",
	                      "namespace", ns, "name", name);
	if (section)
		json_object_set_new(p, "sectionName", json_string(section));
	return p;
}

json_t *world_service_parent(const char *ns, const char *name, int port)
{
	json_t *p = json_pack("{s:s, s:s, s:s}", "group", "", "kind", "Service", "name", name);
	if (ns)
		json_object_set_new(p, "namespace", json_string(ns));
	if (port)
		json_object_set_new(p, "port", json_integer(port));
	return p;
}

json_t *world_backend(const char *ns, const char *name, int port, int weight)
{
	json_t *b = json_pack("{s:s, s:i, s:i}", "name", name, "port", port, "weight", weight);
	if (ns)
		json_object_set_new(b, "namespace", json_string(ns));
	return b;
}

void world_annotate(json_t *obj, const char *key, const char *value)
{
	json_t *m = json_object_get(obj, "metadata");
	json_t *a = json_object_get(m, "annotations");
	if (!json_is_object(a)) {
		a = json_object();
		json_object_set_new(m, "annotations", a);
	}
	json_object_set_new(a, key, json_string(value));
}

void world_must_add(struct sim *s, json_t *obj)
{
	char err[512];
	if (world_add(s, obj, err, sizeof err) != 0) {
		fprintf(stderr, "gammatop-sim: internal error in the built-in world: %s\n", err);
		exit(70);
	}
}
