/* validate_l4.c: the schemas and CEL rules of TLSRoute, TCPRoute and UDPRoute as the v1.6.1
 * CRDs define them (config/crd/{standard,experimental}/gateway.networking.k8s.io_tlsroutes.yaml,
 * _tcproutes.yaml, _udproutes.yaml), written from
 * ../research/conformance-expectations/crd-validations.tsv:
 *   v1 (both channels): exactly one rule; TLSRoute hostnames required, 1..1024, three CEL rules;
 *   v1alpha3 (TLSRoute, experimental only): as v1;
 *   v1alpha2 (experimental only): 1..16 rules with "Rule name must be unique within the route",
 *     TLSRoute hostnames optional without the CEL rules;
 *   parentRefs: the standard CRD wants distinct sectionNames for a repeated parent, the
 *     experimental one distinct sectionName-or-port; experimental adds spec.useDefaultGateways. */
#include "config.h"
#include "validate_int.h"

#include <arpa/inet.h>
#include <string.h>

static const char *const default_gw_enum[] = {"All", "None", NULL};

/* ParentReference */
static const struct sch_node parent_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .max = 253, .pattern = &SCH_P_GROUP, .dflt = "\"" SIM_GW_GROUP "\""},
	{.name = "kind", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_KIND, .dflt = "\"Gateway\""},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "namespace", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_NAMESPACE},
	{.name = "port", .type = SCH_INT, .min = 1, .max = 65535},
	{.name = "sectionName", .type = SCH_STRING, .min = 1, .max = 253, .pattern = &SCH_P_SECTION},
	{0}};
static const struct sch_node parent_ref = {.type = SCH_OBJECT, .sub = parent_ref_props};

static bool unset_str(const json_t *p, const char *key)
{
	const char *s = json_str(p, key);
	return !s || !*s;
}

static bool unset_port(const json_t *p)
{
	const json_t *v = json_object_get(p, "port");
	return !v || (json_is_integer(v) && json_integer_value(v) == 0);
}

/* The same parent: group, kind, name equal, namespaces both unset/empty or equal. */
static bool same_parent(const json_t *a, const json_t *b)
{
	if (!json_same(json_object_get(a, "group"), json_object_get(b, "group")) ||
	    !json_same(json_object_get(a, "kind"), json_object_get(b, "kind")) ||
	    !json_same(json_object_get(a, "name"), json_object_get(b, "name")))
		return false;
	if (unset_str(a, "namespace") && unset_str(b, "namespace"))
		return true;
	return json_object_get(a, "namespace") && json_object_get(b, "namespace") &&
	       json_equal(json_object_get(a, "namespace"), json_object_get(b, "namespace"));
}

static bool same_section(const json_t *a, const json_t *b)
{
	if (unset_str(a, "sectionName") && unset_str(b, "sectionName"))
		return true;
	return json_object_get(a, "sectionName") && json_object_get(b, "sectionName") &&
	       json_equal(json_object_get(a, "sectionName"), json_object_get(b, "sectionName"));
}

static bool same_port(const json_t *a, const json_t *b)
{
	if (unset_port(a) && unset_port(b))
		return true;
	return json_object_get(a, "port") && json_object_get(b, "port") &&
	       json_equal(json_object_get(a, "port"), json_object_get(b, "port"));
}

/* spec.parentRefs, standard: "sectionName must be specified when parentRefs includes 2 or
 * more references to the same parent" and "sectionName must be unique when ..."; experimental:
 * "sectionName or port must be specified ..." and "sectionName or port must be unique ...". */
static void rule_parent_refs(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	bool exp = c->channel == CHANNEL_EXPERIMENTAL;
	bool specified = true, unique = true;
	size_t i, j;
	json_t *a, *b;
	(void)old;
	json_array_foreach(v, i, a) {
		size_t n = 0;
		json_array_foreach(v, j, b) {
			if (!same_parent(a, b))
				continue;
			if (unset_str(a, "sectionName") != unset_str(b, "sectionName") ||
			    (exp && unset_port(a) != unset_port(b)))
				specified = false;
			n += same_section(a, b) && (!exp || same_port(a, b));
		}
		unique &= n == 1;
	}
	if (!specified)
		schema_cel(c, path, v, exp ? "sectionName or port must be specified when parentRefs includes 2 or more references to the same parent"
		                        : "sectionName must be specified when parentRefs includes 2 or more references to the same parent");
	if (!unique)
		schema_cel(c, path, v, exp ? "sectionName or port must be unique when parentRefs includes 2 or more references to the same parent"
		                        : "sectionName must be unique when parentRefs includes 2 or more references to the same parent");
}

/* BackendRef: "Must have port for Service reference"
 * ((size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true) */
static void rule_backend_port(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	const char *g = json_str(v, "group"), *k = json_str(v, "kind");
	if (g && !*g && k && strcmp(k, "Service") == 0 && !json_object_get(v, "port"))
		schema_cel(c, path, v, "Must have port for Service reference");
}

static const struct sch_node backend_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .max = 253, .pattern = &SCH_P_GROUP, .dflt = "\"\""},
	{.name = "kind", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_KIND, .dflt = "\"Service\""},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "namespace", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_NAMESPACE},
	{.name = "port", .type = SCH_INT, .min = 1, .max = 65535},
	{.name = "weight", .type = SCH_INT, .min = 0, .max = 1000000, .dflt = "1"},
	{0}};
static const struct sch_node backend_ref = {.type = SCH_OBJECT, .sub = backend_ref_props,
                                            .rules = {rule_backend_port}};
static const struct sch_node rule_props[] = {
	{.name = "backendRefs", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 16, .sub = &backend_ref},
	{.name = "name", .type = SCH_STRING, .min = 1, .max = 253, .pattern = &SCH_P_SECTION},
	{0}};
static const struct sch_node route_rule = {.type = SCH_OBJECT, .sub = rule_props};

/* v1alpha2 spec.rules: "Rule name must be unique within the route" */
static void rule_rule_names(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	size_t i, j;
	json_t *a, *b;
	(void)old;
	json_array_foreach(v, i, a) {
		if (!json_object_get(a, "name"))
			continue;
		size_t n = 0;
		json_array_foreach(v, j, b)
			n += json_object_get(b, "name") && json_equal(json_object_get(a, "name"), json_object_get(b, "name"));
		if (n != 1) {
			schema_cel(c, path, v, "Rule name must be unique within the route");
			return;
		}
	}
}

static const struct sch_pattern rfc1123 = {
	"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$",
	"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$"};

/* TLSRoute v1/v1alpha3 spec.hostnames: "Hostnames cannot contain an IP", "Hostnames must be
 * valid based on RFC-1123", "Wildcards on hostnames must be the first label, and the rest of
 * hostname must be valid based on RFC-1123" */
static void rule_tls_hostnames(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	bool no_ip = true, rfc = true, wild = true;
	size_t i;
	json_t *h;
	(void)old;
	json_array_foreach(v, i, h) {
		const char *s = json_string_value(h);
		if (!s)
			continue;
		unsigned char buf[16];
		if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
			no_ip = false;
		if (!strchr(s, '*'))
			rfc &= schema_match(&rfc1123, s);
		else
			wild &= strncmp(s, "*.", 2) == 0 && schema_match(&rfc1123, s + 2);
	}
	if (!no_ip)
		schema_cel(c, path, v, "Hostnames cannot contain an IP");
	if (!rfc)
		schema_cel(c, path, v, "Hostnames must be valid based on RFC-1123");
	if (!wild)
		schema_cel(c, path, v, "Wildcards on hostnames must be the first label, and the rest of hostname must be valid based on RFC-1123");
}

static const struct sch_node hostname_item = {.type = SCH_STRING, .min = 1, .max = 253, .pattern = &SCH_P_HOSTNAME};

#define L4_COMMON \
	{.name = "parentRefs", .type = SCH_ARRAY, .max = 32, .sub = &parent_ref, .rules = {rule_parent_refs}}, \
	{.name = "useDefaultGateways", .type = SCH_STRING, .flags = SCH_EXP, .enums = default_gw_enum}

static const struct sch_node tls_v1_spec[] = {
	{.name = "hostnames", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 1024, .sub = &hostname_item,
	 .rules = {rule_tls_hostnames}},
	L4_COMMON,
	{.name = "rules", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 1, .sub = &route_rule},
	{0}};
static const struct sch_node tls_v1alpha2_spec[] = {
	{.name = "hostnames", .type = SCH_ARRAY, .max = 1024, .sub = &hostname_item},
	L4_COMMON,
	{.name = "rules", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 16, .sub = &route_rule,
	 .rules = {rule_rule_names}},
	{0}};
static const struct sch_node l4_v1_spec[] = {
	L4_COMMON,
	{.name = "rules", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 1, .sub = &route_rule},
	{0}};
static const struct sch_node l4_v1alpha2_spec[] = {
	L4_COMMON,
	{.name = "rules", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 16, .sub = &route_rule,
	 .rules = {rule_rule_names}},
	{0}};

#define ROOT(spec_props) \
	{{.name = "apiVersion", .type = SCH_STRING}, {.name = "kind", .type = SCH_STRING}, \
	 {.name = "metadata", .type = SCH_ANY}, \
	 {.name = "spec", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = spec_props}, \
	 {.name = "status", .type = SCH_ANY}, {0}}

static const struct sch_node tls_v1_root[] = ROOT(tls_v1_spec);
static const struct sch_node tls_v1alpha2_root[] = ROOT(tls_v1alpha2_spec);
static const struct sch_node l4_v1_root[] = ROOT(l4_v1_spec);
static const struct sch_node l4_v1alpha2_root[] = ROOT(l4_v1alpha2_spec);
static const struct sch_node tls_v1 = {.type = SCH_OBJECT, .sub = tls_v1_root};
static const struct sch_node tls_v1alpha2 = {.type = SCH_OBJECT, .sub = tls_v1alpha2_root};
static const struct sch_node l4_v1 = {.type = SCH_OBJECT, .sub = l4_v1_root};
static const struct sch_node l4_v1alpha2 = {.type = SCH_OBJECT, .sub = l4_v1alpha2_root};

const struct sch_node *validate_l4_schema(enum sim_res r, const char *version)
{
	bool alpha2 = version && strcmp(version, "v1alpha2") == 0;
	if (r == RES_TLSROUTE)
		return alpha2 ? &tls_v1alpha2 : &tls_v1;
	if (r == RES_TCPROUTE || r == RES_UDPROUTE)
		return alpha2 ? &l4_v1alpha2 : &l4_v1;
	return NULL;
}
