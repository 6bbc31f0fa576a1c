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
	validate_defaults(s, RES_NAMESPACE, NULL, n, NULL);
	objects_put(&s->objs, RES_NAMESPACE, n);
}

int world_add(struct sim *s, json_t *obj, char *err, size_t errlen)
{
	const char *av = json_str(obj, "apiVersion"), *kind = json_str(obj, "kind");
	int r = resource_by_kind(s->channel, av, kind);
	if (r < 0) {
		bool gw = av && (strncmp(av, SIM_GW_GROUP "/", sizeof SIM_GW_GROUP) == 0 ||
		                 strncmp(av, SIM_X_GROUP "/", sizeof SIM_X_GROUP) == 0);
		snprintf(err, errlen, "%s %s is not served by gammatop-sim%s (skipped)", av ? av : "?",
		         kind ? kind : "?", !gw ? "" : s->channel == CHANNEL_STANDARD ? " on the standard channel"
		                                                               : " on the experimental channel");
		json_decref(obj);
		return 1;
	}
	/* the manifest's version decides the schema (v1alpha2 TLSRoutes may have 16 rules) */
	const char *slash = strchr(av, '/');
	char version[32];
	snprintf(version, sizeof version, "%s", slash ? slash + 1 : av);
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
	validate_defaults(s, r, version, obj, NULL);
	json_t *causes = validate_object(s, r, version, obj, NULL);
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

/* Obviously fake PEM: the blocks decode to a sentence saying so. Controllers look for PEM
 * blocks, never at what is in them. */
#define FAKE_CERT "-----BEGIN CERTIFICATE-----\n" \
	"Z2FtbWF0b3Atc2ltIGZha2UgY2VydGlmaWNhdGU6IG5vdCBhIHJlYWwgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
#define FAKE_KEY "-----BEGIN PRIVATE KEY-----\n" \
	"Z2FtbWF0b3Atc2ltIGZha2UgcHJpdmF0ZSBrZXk6IG5vdCBhIHJlYWwga2V5\n-----END PRIVATE KEY-----\n"
#define FAKE_CA "-----BEGIN CERTIFICATE-----\n" \
	"Z2FtbWF0b3Atc2ltIGZha2UgQ0EgY2VydGlmaWNhdGU6IG5vdCBhIHJlYWwgQ0E=\n-----END CERTIFICATE-----\n"

json_t *world_tls_secret(const char *ns, const char *name)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s}}", "apiVersion", "v1", "kind", "Secret",
	                 "metadata", "name", name, "namespace", ns, "type", "kubernetes.io/tls",
	                 "stringData", "tls.crt", FAKE_CERT, "tls.key", FAKE_KEY);
}

json_t *world_ca_configmap(const char *ns, const char *name)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap",
	                 "metadata", "name", name, "namespace", ns, "data", "ca.crt", FAKE_CA);
}

json_t *world_tls_listener(const char *name, int port, const char *hostname, bool passthrough,
                           const char *cert)
{
	json_t *l = json_pack("{s:s, s:s, s:i, s:{s:s}}", "name", name, "protocol", "TLS", "port", port,
	                      "tls", "mode", passthrough ? "Passthrough" : "Terminate");
	if (hostname)
		json_object_set_new(l, "hostname", json_string(hostname));
	if (!passthrough)
		json_object_set_new(json_object_get(l, "tls"), "certificateRefs",
		                    json_pack("[{s:s, s:s}]", "kind", "Secret", "name", cert));
	return l;
}

json_t *world_listenerset(const char *ns, const char *name, const char *gw_ns, const char *gw_name,
                          json_t *listeners)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:{s:s, s:s, s:s, s:s}, s:o}}", "apiVersion",
	                 SIM_GW_GROUP "/v1", "kind", "ListenerSet", "metadata", "name", name, "namespace", ns,
	                 "spec", "parentRef", "group", SIM_GW_GROUP, "kind", "Gateway", "namespace", gw_ns,
	                 "name", gw_name, "listeners", listeners);
}

json_t *world_listenerset_parent(const char *ns, const char *name, const char *section)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "group", SIM_GW_GROUP, "kind", "ListenerSet",
	                      "namespace", ns, "name", name);
	if (section)
		json_object_set_new(p, "sectionName", json_string(section));
	return p;
}

json_t *world_l4_route(const char *kind, const char *ns, const char *name, json_t *parents,
                       json_t *hostnames, json_t *backends)
{
	json_t *spec = json_pack("{s:o, s:[{s:o}]}", "parentRefs", parents, "rules", "backendRefs", backends);
	if (hostnames)
		json_object_set_new(spec, "hostnames", hostnames);
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o}", "apiVersion", SIM_GW_GROUP "/v1", "kind", kind,
	                 "metadata", "name", name, "namespace", ns, "spec", spec);
}

json_t *world_retry_budget(const char *ns, const char *name, const char *service, int percent,
                           const char *interval, int min_count, const char *min_interval)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s, s:s}], s:{s:{s:i, s:s}, s:{s:i, s:s}}}}",
	                 "apiVersion", SIM_X_GROUP "/v1alpha1", "kind", "XBackendTrafficPolicy", "metadata",
	                 "name", name, "namespace", ns, "spec", "targetRefs", "group", "", "kind", "Service",
	                 "name", service, "retryConstraint", "budget", "percent", percent, "interval", interval,
	                 "minRetryRate", "count", min_count, "interval", min_interval);
}

json_t *world_backend_tls(const char *ns, const char *name, const char *service, const char *ca,
                          const char *hostname)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s, s:s}], s:{s:[{s:s, s:s, s:s}], s:s}}}",
	                 "apiVersion", SIM_GW_GROUP "/v1", "kind", "BackendTLSPolicy", "metadata", "name",
	                 name, "namespace", ns, "spec", "targetRefs", "group", "", "kind", "Service", "name",
	                 service, "validation", "caCertificateRefs", "group", "", "kind", "ConfigMap", "name",
	                 ca, "hostname", hostname);
}

json_t *world_mesh(const char *name, const char *controller)
{
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}}", "apiVersion", SIM_X_GROUP "/v1alpha1", "kind",
	                 "XMesh", "metadata", "name", name, "spec", "controllerName", controller,
	                 "description", "gammatop-sim mesh");
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
