/* validate_policy.c: the schemas and CEL rules of BackendTLSPolicy (v1.6.1
 * config/crd/{standard,experimental}/gateway.networking.k8s.io_backendtlspolicies.yaml: v1,
 * and the experimental channel's v1alpha3, whose schema is the same), XBackendTrafficPolicy and
 * XMesh (experimental/gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml and
 * _xmeshes.yaml, v1alpha1), written from ../research/conformance-expectations/crd-validations.tsv. */
#include "config.h"
#include "validate_int.h"

#include <string.h>

/* ---- BackendTLSPolicy ---- */

static const char *const san_type_enum[] = {"Hostname", "URI", NULL};
static const struct sch_node option_value = {.type = SCH_STRING, .max = 4096};

static bool unset(const json_t *o, const char *key)
{
	const char *s = json_str(o, key);
	return !s || !*s;
}

/* spec.targetRefs: "sectionName must be specified when targetRefs includes 2 or more
 * references to the same target" and "sectionName must be unique when targetRefs includes 2
 * or more references to the same target" */
static void rule_target_refs(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	bool specified = true, unique = true;
	size_t i, j;
	json_t *a, *b;
	(void)old;
	json_array_foreach(v, i, a) {
		size_t n = 0;
		json_array_foreach(v, j, b) {
			if (!json_same(json_object_get(a, "group"), json_object_get(b, "group")) ||
			    !json_same(json_object_get(a, "kind"), json_object_get(b, "kind")) ||
			    !json_same(json_object_get(a, "name"), json_object_get(b, "name")))
				continue;
			if (unset(a, "sectionName") != unset(b, "sectionName"))
				specified = false;
			n += (unset(a, "sectionName") && unset(b, "sectionName")) ||
			     (json_object_get(a, "sectionName") && json_object_get(b, "sectionName") &&
			      json_equal(json_object_get(a, "sectionName"), json_object_get(b, "sectionName")));
		}
		unique &= n == 1;
	}
	if (!specified)
		schema_cel(c, path, v, "sectionName must be specified when targetRefs includes 2 or more references to the same target");
	if (!unique)
		schema_cel(c, path, v, "sectionName must be unique when targetRefs includes 2 or more references to the same target");
}

static const struct sch_node target_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .flags = SCH_REQ, .max = 253, .pattern = &SCH_P_GROUP},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "sectionName", .type = SCH_STRING, .min = 1, .max = 253, .pattern = &SCH_P_SECTION},
	{0}};
static const struct sch_node target_ref = {.type = SCH_OBJECT, .sub = target_ref_props};
static const struct sch_node ca_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .flags = SCH_REQ, .max = 253, .pattern = &SCH_P_GROUP},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{0}};
static const struct sch_node ca_ref = {.type = SCH_OBJECT, .sub = ca_ref_props};

/* subjectAltNames[]: the four Hostname/URI rules */
static void rule_san(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	const char *type = json_str(v, "type");
	if (!type)
		return;
	bool host = strcmp(type, "Hostname") == 0, uri = strcmp(type, "URI") == 0;
	if (host && unset(v, "hostname"))
		schema_cel(c, path, v, "SubjectAltName element must contain Hostname, if Type is set to Hostname");
	if (!host && !unset(v, "hostname"))
		schema_cel(c, path, v, "SubjectAltName element must not contain Hostname, if Type is not set to Hostname");
	if (uri && unset(v, "uri"))
		schema_cel(c, path, v, "SubjectAltName element must contain URI, if Type is set to URI");
	if (!uri && !unset(v, "uri"))
		schema_cel(c, path, v, "SubjectAltName element must not contain URI, if Type is not set to URI");
}

static const struct sch_node san_props[] = {
	{.name = "hostname", .type = SCH_STRING, .min = 1, .max = 253, .pattern = &SCH_P_HOSTNAME},
	{.name = "type", .type = SCH_STRING, .flags = SCH_REQ, .enums = san_type_enum},
	{.name = "uri", .type = SCH_STRING, .min = 1, .max = 253,
	 .pattern = &(const struct sch_pattern){"^(([^:/?#]+):)(//([^/?#]*))([^?#]*)(\\?([^#]*))?(#(.*))?",
	                                        "^(([^:/?#]+):)(//([^/?#]*))([^?#]*)(\\?([^#]*))?(#(.*))?"}},
	{0}};
static const struct sch_node san = {.type = SCH_OBJECT, .sub = san_props, .rules = {rule_san}};

/* validation: "must not contain both CACertificateRefs and WellKnownCACertificates" and
 * "must specify either CACertificateRefs or WellKnownCACertificates" */
static void rule_validation(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	bool refs = json_array_size(json_object_get(v, "caCertificateRefs")) > 0;
	bool known = !unset(v, "wellKnownCACertificates");
	if (refs && known)
		schema_cel(c, path, v, "must not contain both CACertificateRefs and WellKnownCACertificates");
	if (!refs && !known)
		schema_cel(c, path, v, "must specify either CACertificateRefs or WellKnownCACertificates");
}

static const struct sch_node validation_props[] = {
	{.name = "caCertificateRefs", .type = SCH_ARRAY, .max = 8, .sub = &ca_ref},
	{.name = "hostname", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253,
	 .pattern = &SCH_P_PRECISE_HOSTNAME},
	{.name = "subjectAltNames", .type = SCH_ARRAY, .max = 5, .sub = &san},
	{.name = "wellKnownCACertificates", .type = SCH_STRING, .min = 1, .max = 253,
	 .pattern = &(const struct sch_pattern){
		 "^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$",
		 "^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$"}},
	{0}};
static const struct sch_node btls_spec[] = {
	{.name = "options", .type = SCH_MAP, .max = 16, .sub = &option_value},
	{.name = "targetRefs", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 16, .sub = &target_ref,
	 .rules = {rule_target_refs}},
	{.name = "validation", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = validation_props,
	 .rules = {rule_validation}},
	{0}};

/* ---- XBackendTrafficPolicy ---- */

static const char *const lifetime_enum[] = {"Permanent", "Session", NULL};
static const char *const sp_type_enum[] = {"Cookie", "Header", NULL};
static const char *const xbtp_keys[] = {"group", "kind", "name", NULL};

/* budget.interval: "interval cannot be greater than one hour or less than one second"
 * (!(duration(self) < duration('1s') || duration(self) > duration('1h'))) */
static void rule_budget_interval(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	uint64_t ms;
	(void)old;
	if (!schema_duration_ms(json_string_value(v), &ms) || ms < 1000 || ms > 3600000)
		schema_cel(c, path, v, "interval cannot be greater than one hour or less than one second");
}

/* minRetryRate.interval: "interval cannot be greater than one hour"
 * (!(duration(self) == duration('0s') || duration(self) > duration('1h'))) */
static void rule_rate_interval(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	uint64_t ms;
	(void)old;
	if (!schema_duration_ms(json_string_value(v), &ms) || ms == 0 || ms > 3600000)
		schema_cel(c, path, v, "interval cannot be greater than one hour");
}

static const struct sch_node budget_props[] = {
	{.name = "interval", .type = SCH_STRING, .pattern = &SCH_P_DURATION, .dflt = "\"10s\"",
	 .rules = {rule_budget_interval}},
	{.name = "percent", .type = SCH_INT, .min = 0, .max = 100, .dflt = "20"},
	{0}};
static const struct sch_node min_rate_props[] = {
	{.name = "count", .type = SCH_INT, .min = 1, .max = 1000000},
	{.name = "interval", .type = SCH_STRING, .pattern = &SCH_P_DURATION, .rules = {rule_rate_interval}},
	{0}};
static const struct sch_node retry_props[] = {
	{.name = "budget", .type = SCH_OBJECT, .sub = budget_props, .dflt = "{\"interval\":\"10s\",\"percent\":20}"},
	{.name = "minRetryRate", .type = SCH_OBJECT, .sub = min_rate_props, .dflt = "{\"count\":10,\"interval\":\"1s\"}"},
	{0}};

/* sessionPersistence: "AbsoluteTimeout must be specified when cookie lifetimeType is
 * Permanent" and "cookieConfig can only be set with type Cookie" */
static void rule_session(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	const json_t *cc = json_object_get(v, "cookieConfig");
	const char *lt = json_str(cc, "lifetimeType"), *type = json_str(v, "type");
	if (cc && lt && strcmp(lt, "Permanent") == 0 && !json_object_get(v, "absoluteTimeout"))
		schema_cel(c, path, v, "AbsoluteTimeout must be specified when cookie lifetimeType is Permanent");
	if (cc && (!type || strcmp(type, "Cookie") != 0))
		schema_cel(c, path, v, "cookieConfig can only be set with type Cookie");
}

static const struct sch_node cookie_props[] = {
	{.name = "lifetimeType", .type = SCH_STRING, .enums = lifetime_enum, .dflt = "\"Session\""},
	{0}};
static const struct sch_node session_props[] = {
	{.name = "absoluteTimeout", .type = SCH_STRING, .pattern = &SCH_P_DURATION},
	{.name = "cookieConfig", .type = SCH_OBJECT, .sub = cookie_props},
	{.name = "sessionName", .type = SCH_STRING, .max = 128},
	{.name = "type", .type = SCH_STRING, .enums = sp_type_enum, .dflt = "\"Cookie\""},
	{0}};
static const struct sch_node local_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .flags = SCH_REQ, .max = 253, .pattern = &SCH_P_GROUP},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{0}};
static const struct sch_node local_ref = {.type = SCH_OBJECT, .sub = local_ref_props};
static const struct sch_node xbtp_spec[] = {
	{.name = "retryConstraint", .type = SCH_OBJECT, .sub = retry_props},
	{.name = "sessionPersistence", .type = SCH_OBJECT, .sub = session_props, .rules = {rule_session}},
	{.name = "targetRefs", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 16, .sub = &local_ref,
	 .keys = xbtp_keys},
	{0}};

/* ---- XMesh ---- */

/* spec.controllerName: "Value is immutable" (self == oldSelf, checked on updates only) */
static void rule_immutable(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	if (old && !json_equal(v, old))
		schema_cel(c, path, v, "Value is immutable");
}

static const struct sch_node mesh_params_props[] = {
	{.name = "group", .type = SCH_STRING, .flags = SCH_REQ, .max = 253, .pattern = &SCH_P_GROUP},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "namespace", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_NAMESPACE},
	{0}};
static const struct sch_node xmesh_spec[] = {
	{.name = "controllerName", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253,
	 .pattern = &SCH_P_CONTROLLER, .rules = {rule_immutable}},
	{.name = "description", .type = SCH_STRING, .max = 64},
	{.name = "parametersRef", .type = SCH_OBJECT, .sub = mesh_params_props},
	{0}};

#define ROOT(spec_props) \
	{{.name = "apiVersion", .type = SCH_STRING}, {.name = "kind", .type = SCH_STRING}, \
	 {.name = "metadata", .type = SCH_ANY}, \
	 {.name = "spec", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = spec_props}, \
	 {.name = "status", .type = SCH_ANY}, {0}}

static const struct sch_node btls_root[] = ROOT(btls_spec);
static const struct sch_node xbtp_root[] = ROOT(xbtp_spec);
static const struct sch_node xmesh_root[] = ROOT(xmesh_spec);
static const struct sch_node btls = {.type = SCH_OBJECT, .sub = btls_root};
static const struct sch_node xbtp = {.type = SCH_OBJECT, .sub = xbtp_root};
static const struct sch_node xmesh = {.type = SCH_OBJECT, .sub = xmesh_root};

const struct sch_node *validate_policy_schema(enum sim_res r)
{
	return r == RES_BACKENDTLSPOLICY ? &btls
	       : r == RES_XBACKENDTRAFFICPOLICY ? &xbtp
	       : r == RES_XMESH ? &xmesh
	                        : NULL;
}
