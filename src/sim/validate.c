/* validate.c: what the API server does to an object between decoding and storing it, as the
 * v1.6.1 CRDs (and, for core kinds, k8s 1.32) specify: pruning of fields the served schema of
 * the channel and version lacks, defaults (with the CRDs' status defaults on creation) and
 * validation, reported as Status causes with field paths. HTTPRoute and GRPCRoute are checked
 * here by hand for what gammatop's edits can break (the standard channel has no HTTPRoute
 * retry; GRPCRoute has no timeouts/retry at all); Gateway, ListenerSet, TLSRoute, TCPRoute,
 * UDPRoute, BackendTLSPolicy, XBackendTrafficPolicy and XMesh go through the schema engine
 * (schema.c, tables in validate_gw.c, validate_l4.c, validate_policy.c); core kinds through
 * validate_core.c. */
#include "config.h"
#include "sim.h"
#include "validate_int.h"

#include "gammatop/duration.h"
#include "gammatop/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_default(json_t *o, const char *key, json_t *v)
{
	if (!json_object_get(o, key))
		json_object_set_new(o, key, v);
	else
		json_decref(v);
}

static void route_defaults(enum sim_res r, json_t *spec)
{
	size_t i;
	json_t *p, *rule;
	json_array_foreach(json_object_get(spec, "parentRefs"), i, p) {
		if (!json_is_object(p))
			continue;
		set_default(p, "group", json_string(SIM_GW_GROUP));
		set_default(p, "kind", json_string("Gateway"));
	}
	if (r == RES_HTTPROUTE && !json_object_get(spec, "rules"))
		json_object_set_new(spec, "rules", json_pack("[{s:[{s:{s:s, s:s}}]}]", "matches", "path",
		                                             "type", "PathPrefix", "value", "/"));
	json_array_foreach(json_object_get(spec, "rules"), i, rule) {
		if (!json_is_object(rule))
			continue;
		size_t j;
		json_t *b, *m;
		if (r == RES_HTTPROUTE) {
			if (!json_object_get(rule, "matches"))
				json_object_set_new(rule, "matches", json_pack("[{s:{s:s, s:s}}]", "path", "type",
				                                               "PathPrefix", "value", "/"));
			json_array_foreach(json_object_get(rule, "matches"), j, m)
				if (json_is_object(m) && !json_object_get(m, "path") &&
				    !json_object_get(m, "headers") && !json_object_get(m, "method") &&
				    !json_object_get(m, "queryParams"))
					json_object_set_new(m, "path", json_pack("{s:s, s:s}", "type", "PathPrefix",
					                                         "value", "/"));
		}
		json_array_foreach(json_object_get(rule, "backendRefs"), j, b) {
			if (!json_is_object(b))
				continue;
			set_default(b, "group", json_string(""));
			set_default(b, "kind", json_string("Service"));
			set_default(b, "weight", json_integer(1));
		}
	}
}

/* ---- HTTPRoute and GRPCRoute, by hand ---- */

static bool want_type(struct sch_ctx *c, const char *field, const json_t *v, json_type t,
                      const char *tname)
{
	if (!v || json_typeof(v) == t)
		return true;
	schema_add(c, "FieldValueTypeInvalid", field, "Invalid value: \"%s\": %s in body must be of type %s: \"%s\"",
	    schema_type_name(v), field, tname, schema_type_name(v));
	return false;
}

static void check_int_range(struct sch_ctx *c, const char *field, const json_t *v, long long lo,
                            long long hi)
{
	if (!v || !want_type(c, field, v, JSON_INTEGER, "integer"))
		return;
	long long x = json_integer_value(v);
	if (x < lo)
		schema_add(c, "FieldValueInvalid", field, "Invalid value: %lld: %s in body should be greater than or equal to %lld", x, field, lo);
	else if (x > hi)
		schema_add(c, "FieldValueInvalid", field, "Invalid value: %lld: %s in body should be less than or equal to %lld", x, field, hi);
}

/* FieldValueRequired at FIELD.KEY when o, the object at FIELD, has no string KEY. */
static void require_string(struct sch_ctx *c, const char *field, const json_t *o, const char *key)
{
	if (json_is_string(json_object_get(o, key)))
		return;
	char g[512];
	snprintf(g, sizeof g, "%s.%s", field, key);
	schema_add(c, "FieldValueRequired", g, "Required value");
}

static bool check_duration(struct sch_ctx *c, const char *field, const json_t *v, uint64_t *ms)
{
	if (!v || !want_type(c, field, v, JSON_STRING, "string"))
		return false;
	const char *s = json_string_value(v);
	if (duration_parse(s, ms, NULL, 0) != 0) {
		schema_add(c, "FieldValueInvalid", field,
		    "Invalid value: \"%s\": %s in body should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'", s, field);
		return false;
	}
	return true;
}

static void check_backend_refs(struct sch_ctx *c, const char *base, const json_t *refs)
{
	char f[400];
	size_t j;
	json_t *b;
	snprintf(f, sizeof f, "%s.backendRefs", base);
	if (!refs || !want_type(c, f, refs, JSON_ARRAY, "array"))
		return;
	if (json_array_size(refs) > 16)
		schema_add(c, "FieldValueTooMany", f, "Too many: %zu: must have at most 16 items", json_array_size(refs));
	json_array_foreach(refs, j, b) {
		snprintf(f, sizeof f, "%s.backendRefs[%zu]", base, j);
		if (!want_type(c, f, b, JSON_OBJECT, "object"))
			continue;
		require_string(c, f, b, "name");
		char g[440];
		snprintf(g, sizeof g, "%s.port", f);
		check_int_range(c, g, json_object_get(b, "port"), 1, 65535);
		const char *kind = json_string_value(json_object_get(b, "kind"));
		const char *group = json_string_value(json_object_get(b, "group"));
		if ((!kind || strcmp(kind, "Service") == 0) && (!group || !*group) &&
		    !json_object_get(b, "port"))
			schema_add(c, "FieldValueInvalid", f, "Invalid value: \"object\": Must have port for Service reference");
		snprintf(g, sizeof g, "%s.weight", f);
		check_int_range(c, g, json_object_get(b, "weight"), 0, 1000000);
	}
}

static void check_route(enum sim_res r, const json_t *spec, struct sch_ctx *c)
{
	char f[256];
	size_t i;
	json_t *p, *rule;
	if (!spec)
		return;
	if (!want_type(c, "spec", spec, JSON_OBJECT, "object"))
		return;
	json_t *prefs = json_object_get(spec, "parentRefs");
	if (prefs && want_type(c, "spec.parentRefs", prefs, JSON_ARRAY, "array")) {
		if (json_array_size(prefs) > 32)
			schema_add(c, "FieldValueTooMany", "spec.parentRefs", "Too many: %zu: must have at most 32 items", json_array_size(prefs));
		json_array_foreach(prefs, i, p) {
			snprintf(f, sizeof f, "spec.parentRefs[%zu]", i);
			if (!want_type(c, f, p, JSON_OBJECT, "object"))
				continue;
			require_string(c, f, p, "name");
			char g[320];
			snprintf(g, sizeof g, "%s.port", f);
			check_int_range(c, g, json_object_get(p, "port"), 1, 65535);
		}
	}
	json_t *hosts = json_object_get(spec, "hostnames");
	if (hosts && want_type(c, "spec.hostnames", hosts, JSON_ARRAY, "array") && json_array_size(hosts) > 16)
		schema_add(c, "FieldValueTooMany", "spec.hostnames", "Too many: %zu: must have at most 16 items", json_array_size(hosts));
	json_t *rules = json_object_get(spec, "rules");
	if (!rules || !want_type(c, "spec.rules", rules, JSON_ARRAY, "array"))
		return;
	if (json_array_size(rules) > 16)
		schema_add(c, "FieldValueTooMany", "spec.rules", "Too many: %zu: must have at most 16 items", json_array_size(rules));
	json_array_foreach(rules, i, rule) {
		snprintf(f, sizeof f, "spec.rules[%zu]", i);
		if (!want_type(c, f, rule, JSON_OBJECT, "object"))
			continue;
		char g[320];
		const char *name = json_string_value(json_object_get(rule, "name"));
		if (name && c->channel == CHANNEL_EXPERIMENTAL) {
			for (size_t k = 0; k < i; k++) {
				const char *other = json_string_value(json_object_get(json_array_get(rules, k), "name"));
				if (other && strcmp(other, name) == 0)
					schema_add(c, "FieldValueInvalid", "spec.rules", "Invalid value: \"array\": Rule name must be unique within the route");
			}
		}
		check_backend_refs(c, f, json_object_get(rule, "backendRefs"));
		json_t *to = json_object_get(rule, "timeouts");
		snprintf(g, sizeof g, "%s.timeouts", f);
		if (to && want_type(c, g, to, JSON_OBJECT, "object")) {
			uint64_t req = 0, be = 0;
			char h[320];
			snprintf(h, sizeof h, "%s.timeouts.request", f);
			bool has_req = check_duration(c, h, json_object_get(to, "request"), &req);
			snprintf(h, sizeof h, "%s.timeouts.backendRequest", f);
			bool has_be = check_duration(c, h, json_object_get(to, "backendRequest"), &be);
			if (has_req && has_be && req != 0 && be > req)
				schema_add(c, "FieldValueInvalid", g, "Invalid value: \"object\": backendRequest timeout cannot be longer than request timeout");
		}
		json_t *re = json_object_get(rule, "retry");
		snprintf(g, sizeof g, "%s.retry", f);
		if (re && want_type(c, g, re, JSON_OBJECT, "object")) {
			char h[320];
			uint64_t ms;
			snprintf(h, sizeof h, "%s.retry.attempts", f);
			check_int_range(c, h, json_object_get(re, "attempts"), 1, 1000000);
			snprintf(h, sizeof h, "%s.retry.backoff", f);
			check_duration(c, h, json_object_get(re, "backoff"), &ms);
			json_t *codes = json_object_get(re, "codes");
			snprintf(h, sizeof h, "%s.retry.codes", f);
			if (codes && want_type(c, h, codes, JSON_ARRAY, "array")) {
				size_t k;
				json_t *code;
				json_array_foreach(codes, k, code) {
					snprintf(h, sizeof h, "%s.retry.codes[%zu]", f, k);
					check_int_range(c, h, code, 400, 599);
					for (size_t m = 0; m < k; m++)
						if (json_is_integer(code) && json_equal(code, json_array_get(codes, m))) {
							schema_add(c, "FieldValueDuplicate", h, "Duplicate value: %lld",
							    (long long)json_integer_value(code));
							break;
						}
				}
			}
		}
	}
	(void)r;
}

/* Fields each schema has, where gammatop's edits go; anything else there is pruned. */
static const char *const http_rule_fields[] = {"name", "matches", "filters", "backendRefs", "timeouts",
                                               "retry", "sessionPersistence", NULL};
static const char *const grpc_rule_fields[] = {"name", "matches", "filters", "backendRefs",
                                               "sessionPersistence", NULL};
static const char *const timeouts_fields[] = {"request", "backendRequest", NULL};
static const char *const retry_fields[] = {"codes", "attempts", "backoff", NULL};

static bool known(const char *const *fields, const char *key)
{
	for (size_t i = 0; fields[i]; i++)
		if (strcmp(fields[i], key) == 0)
			return true;
	return false;
}

/* Drop the keys of o that fields lacks (or that the channel lacks), recording their paths. */
static void prune_keys(json_t *o, const char *const *fields, const char *base, bool standard,
                       json_t *pruned)
{
	const char *k;
	json_t *v;
	void *tmp;
	if (!json_is_object(o))
		return;
	json_object_foreach_safe(o, tmp, k, v) {
		bool drop = !known(fields, k) ||
		            (standard && (strcmp(k, "retry") == 0 || strcmp(k, "sessionPersistence") == 0));
		if (!drop)
			continue;
		if (pruned) {
			char *path = xasprintf("%s.%s", base, k);
			json_array_append_new(pruned, json_string(path));
			free(path);
		}
		json_object_del(o, k);
	}
}

static void prune_route(struct sim *s, enum sim_res r, json_t *obj, json_t *pruned)
{
	size_t i;
	json_t *rule;
	json_array_foreach(json_object_get(json_object_get(obj, "spec"), "rules"), i, rule) {
		char base[64], sub[96];
		snprintf(base, sizeof base, "spec.rules[%zu]", i);
		prune_keys(rule, r == RES_GRPCROUTE ? grpc_rule_fields : http_rule_fields, base,
		           s->channel == CHANNEL_STANDARD, pruned);
		snprintf(sub, sizeof sub, "%s.timeouts", base);
		prune_keys(json_object_get(rule, "timeouts"), timeouts_fields, sub, false, pruned);
		snprintf(sub, sizeof sub, "%s.retry", base);
		prune_keys(json_object_get(rule, "retry"), retry_fields, sub, false, pruned);
	}
}

/* The root schema of r when the schema engine validates it, else NULL. */
static const struct sch_node *engine_schema(enum sim_res r, const char *version)
{
	switch (r) {
	case RES_GATEWAY: return &validate_gw_gateway;
	case RES_LISTENERSET: return &validate_gw_listenerset;
	case RES_TLSROUTE:
	case RES_TCPROUTE:
	case RES_UDPROUTE: return validate_l4_schema(r, version);
	case RES_BACKENDTLSPOLICY:
	case RES_XBACKENDTRAFFICPOLICY:
	case RES_XMESH: return validate_policy_schema(r);
	default: return NULL;
	}
}

/* The status the CRDs default on creation ("Waiting for controller"): Gateway, GatewayClass
 * and ListenerSet get Accepted and Programmed Pending, XMesh Accepted only. */
static void status_default(enum sim_res r, json_t *obj)
{
	if (json_object_get(obj, "status"))
		return;
	if (r != RES_GATEWAY && r != RES_GATEWAYCLASS && r != RES_LISTENERSET && r != RES_XMESH)
		return;
	json_t *conds = json_array();
	static const char *const types[] = {"Accepted", "Programmed"};
	for (size_t i = 0; i < (r == RES_XMESH ? 1u : 2u); i++)
		json_array_append_new(conds, json_pack("{s:s, s:s, s:s, s:s, s:s}", "lastTransitionTime",
		                                       "1970-01-01T00:00:00Z", "message", "Waiting for controller",
		                                       "reason", "Pending", "status", "Unknown", "type", types[i]));
	json_object_set_new(obj, "status", json_pack("{s:o}", "conditions", conds));
}

void validate_defaults(struct sim *s, enum sim_res r, const char *version, json_t *obj, json_t *pruned)
{
	const struct sch_node *root = engine_schema(r, version);
	if (root) {
		struct sch_ctx c = {.channel = s->channel, .version = version, .pruned = pruned};
		schema_prune_default(&c, root, obj, "");
	} else if (r == RES_HTTPROUTE || r == RES_GRPCROUTE) {
		prune_route(s, r, obj, pruned);
		json_t *spec = json_object_get(obj, "spec");
		if (json_is_object(spec))
			route_defaults(r, spec);
	} else {
		validate_core_defaults(r, obj);
	}
	status_default(r, obj);
}

json_t *validate_object(struct sim *s, enum sim_res r, const char *version, const json_t *obj,
                        const json_t *old)
{
	if (events_is(r))
		return events_validate(r, obj);
	struct sch_ctx c = {.channel = s->channel, .version = version, .causes = json_array()};
	const struct sch_node *root = engine_schema(r, version);
	if (root) {
		schema_validate(&c, root, obj, old, "");
	} else if (r == RES_HTTPROUTE || r == RES_GRPCROUTE) {
		check_route(r, json_object_get(obj, "spec"), &c);
	} else if (r == RES_GATEWAYCLASS) {
		if (!json_is_string(json_object_get(json_object_get(obj, "spec"), "controllerName")))
			schema_required(&c, "spec.controllerName");
	} else {
		validate_core_check(&c, r, obj, old);
	}
	json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
	if (labels && want_type(&c, "metadata.labels", labels, JSON_OBJECT, "object")) {
		const char *k;
		json_t *v;
		json_object_foreach(labels, k, v)
			if (!json_is_string(v)) {
				char f[300];
				snprintf(f, sizeof f, "metadata.labels.%s", k);
				want_type(&c, f, v, JSON_STRING, "string");
			}
	}
	if (json_array_size(c.causes) == 0) {
		json_decref(c.causes);
		return NULL;
	}
	return c.causes;
}
