/* validate_gw.c: the schemas and CEL rules of Gateway and ListenerSet as the v1.6.1 CRDs
 * define them (config/crd/{standard,experimental}/gateway.networking.k8s.io_gateways.yaml,
 * v1 and v1beta1 identical; gateway.networking.k8s.io_listenersets.yaml, v1), written from
 * ../research/conformance-expectations/crd-validations.tsv. The two share the listener schema
 * and its six CEL rules. The experimental channel adds Gateway spec.defaultScope. */
#include "config.h"
#include "validate_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- shared pieces ---- */

static const char *const from_route_enum[] = {"All", "Selector", "Same", NULL};
static const char *const from_listener_enum[] = {"All", "Selector", "Same", "None", NULL};
static const char *const tls_mode_enum[] = {"Terminate", "Passthrough", NULL};
static const char *const frontend_mode_enum[] = {"AllowValidOnly", "AllowInsecureFallback", NULL};
static const char *const default_scope_enum[] = {"All", "None", NULL};
static const char *const name_key[] = {"name", NULL};
static const char *const port_key[] = {"port", NULL};

/* metav1.LabelSelector as the CRDs spell it */
static const struct sch_node str_item = {.type = SCH_STRING};
static const struct sch_node match_expr_props[] = {
	{.name = "key", .type = SCH_STRING, .flags = SCH_REQ},
	{.name = "operator", .type = SCH_STRING, .flags = SCH_REQ},
	{.name = "values", .type = SCH_ARRAY, .sub = &str_item},
	{0}};
static const struct sch_node match_expr = {.type = SCH_OBJECT, .sub = match_expr_props};
static const struct sch_node selector_props[] = {
	{.name = "matchExpressions", .type = SCH_ARRAY, .sub = &match_expr},
	{.name = "matchLabels", .type = SCH_MAP, .sub = &str_item},
	{0}};

/* SecretObjectReference (listener certificateRefs, tls.backend.clientCertificateRef) */
static const struct sch_node secret_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .max = 253, .pattern = &SCH_P_GROUP, .dflt = "\"\""},
	{.name = "kind", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_KIND, .dflt = "\"Secret\""},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "namespace", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_NAMESPACE},
	{0}};
static const struct sch_node secret_ref = {.type = SCH_OBJECT, .sub = secret_ref_props};

/* ---- listeners (Gateway spec.listeners and ListenerSet spec.listeners) ---- */

static const struct sch_node route_kind_props[] = {
	{.name = "group", .type = SCH_STRING, .max = 253, .pattern = &SCH_P_GROUP, .dflt = "\"" SIM_GW_GROUP "\""},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{0}};
static const struct sch_node route_kind = {.type = SCH_OBJECT, .sub = route_kind_props};
static const struct sch_node route_ns_props[] = {
	{.name = "from", .type = SCH_STRING, .enums = from_route_enum, .dflt = "\"Same\""},
	{.name = "selector", .type = SCH_OBJECT, .sub = selector_props},
	{0}};
static const struct sch_node allowed_routes_props[] = {
	{.name = "kinds", .type = SCH_ARRAY, .max = 8, .sub = &route_kind},
	{.name = "namespaces", .type = SCH_OBJECT, .sub = route_ns_props, .dflt = "{\"from\":\"Same\"}"},
	{0}};
static const struct sch_node option_value = {.type = SCH_STRING, .max = 4096};

/* listeners[].tls: "certificateRefs or options must be specified when mode is Terminate"
 * (self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true).
 * An absent field is CEL's "no such key" error, which the API server reports with the rule's
 * message. */
static void rule_tls_terminate(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	static const char msg[] = "certificateRefs or options must be specified when mode is Terminate";
	(void)old;
	const char *mode = json_str(v, "mode");
	if (!mode || strcmp(mode, "Terminate") != 0)
		return;
	const json_t *certs = json_object_get(v, "certificateRefs");
	const json_t *opts = json_object_get(v, "options");
	if (json_array_size(certs) > 0 || json_object_size(opts) > 0)
		return;
	if (!certs || !opts) {
		char m[256];
		snprintf(m, sizeof m, "no such key: %s evaluating rule: %s", !certs ? "certificateRefs" : "options", msg);
		schema_cel(c, path, v, m);
	} else {
		schema_cel(c, path, v, msg);
	}
}

static const struct sch_node listener_tls_props[] = {
	{.name = "certificateRefs", .type = SCH_ARRAY, .max = 64, .sub = &secret_ref},
	{.name = "mode", .type = SCH_STRING, .enums = tls_mode_enum, .dflt = "\"Terminate\""},
	{.name = "options", .type = SCH_MAP, .max = 16, .sub = &option_value},
	{0}};

static const struct sch_node listener_props[] = {
	{.name = "allowedRoutes", .type = SCH_OBJECT, .sub = allowed_routes_props,
	 .dflt = "{\"namespaces\":{\"from\":\"Same\"}}"},
	{.name = "hostname", .type = SCH_STRING, .min = 1, .max = 253, .pattern = &SCH_P_HOSTNAME},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253, .pattern = &SCH_P_SECTION},
	{.name = "port", .type = SCH_INT, .flags = SCH_REQ, .min = 1, .max = 65535},
	{.name = "protocol", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 255, .pattern = &SCH_P_PROTOCOL},
	{.name = "tls", .type = SCH_OBJECT, .sub = listener_tls_props, .rules = {rule_tls_terminate}},
	{0}};
static const struct sch_node listener = {.type = SCH_OBJECT, .sub = listener_props};

static bool proto_is(const json_t *l, const char *p)
{
	const char *x = json_str(l, "protocol");
	return x && strcmp(x, p) == 0;
}

/* The four per-listener CEL rules on spec.listeners (Gateway v1/v1beta1 and ListenerSet v1,
 * both channels). */
static void rule_listeners_tls(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	size_t i;
	json_t *l;
	bool no_tls = true, https_mode = true, tls_mode = true, no_host = true;
	(void)old;
	json_array_foreach(v, i, l) {
		/* tls must not be specified for protocols ['HTTP', 'TCP', 'UDP'] */
		if ((proto_is(l, "HTTP") || proto_is(l, "TCP") || proto_is(l, "UDP")) && json_object_get(l, "tls"))
			no_tls = false;
		/* tls mode must be Terminate for protocol HTTPS */
		const json_t *tls = json_object_get(l, "tls");
		const char *mode = json_str(tls, "mode");
		if (proto_is(l, "HTTPS") && tls && mode && *mode && strcmp(mode, "Terminate") != 0)
			https_mode = false;
		/* tls mode must be set for protocol TLS */
		if (proto_is(l, "TLS") && (!tls || !mode || !*mode))
			tls_mode = false;
		/* hostname must not be specified for protocols ['TCP', 'UDP'] */
		const char *h = json_str(l, "hostname");
		if ((proto_is(l, "TCP") || proto_is(l, "UDP")) && h && *h)
			no_host = false;
	}
	if (!no_tls)
		schema_cel(c, path, v, "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
	if (!https_mode)
		schema_cel(c, path, v, "tls mode must be Terminate for protocol HTTPS");
	if (!tls_mode)
		schema_cel(c, path, v, "tls mode must be set for protocol TLS");
	if (!no_host)
		schema_cel(c, path, v, "hostname must not be specified for protocols ['TCP', 'UDP']");
}

/* "Listener name must be unique within the Gateway" and "Combination of port, protocol and
 * hostname must be unique for each listener" (the ListenerSet's version starts with
 * !has(l1.port) ||, the same thing once port is required). */
static void rule_listeners_unique(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	size_t i, j;
	json_t *a, *b;
	bool names = true, combos = true;
	(void)old;
	json_array_foreach(v, i, a) {
		size_t same_name = 0, same_combo = 0;
		json_array_foreach(v, j, b) {
			same_name += json_same(json_object_get(a, "name"), json_object_get(b, "name"));
			const json_t *ha = json_object_get(a, "hostname"), *hb = json_object_get(b, "hostname");
			bool host_same = (ha && hb) ? json_equal(ha, hb) : (!ha && !hb);
			same_combo += json_same(json_object_get(a, "port"), json_object_get(b, "port")) &&
			              json_same(json_object_get(a, "protocol"), json_object_get(b, "protocol")) && host_same;
		}
		names &= same_name == 1;
		combos &= same_combo == 1;
	}
	if (!names)
		schema_cel(c, path, v, "Listener name must be unique within the Gateway");
	if (!combos)
		schema_cel(c, path, v, "Combination of port, protocol and hostname must be unique for each listener");
}

/* ---- Gateway ---- */

static const struct sch_node addr_props[] = {
	{.name = "type", .type = SCH_STRING, .min = 1, .max = 253, .dflt = "\"IPAddress\"",
	 .pattern = &(const struct sch_pattern){
		 "^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$",
		 "^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/._~%!$&'()*+,;=:-]+$"}},
	{.name = "value", .type = SCH_STRING, .max = 253},
	{0}};

/* addresses[]: the oneOf (an IPAddress value must be format ipv4 or ipv6, reported as the
 * format's type error) and "Hostname value must be empty or contain only valid characters". */
static void rule_address(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	const char *type = json_str(v, "type"), *value = json_str(v, "value");
	if (!type || !value)
		return;
	if (strcmp(type, "IPAddress") == 0) {
		unsigned char buf[16];
		if (inet_pton(AF_INET, value, buf) != 1 && inet_pton(AF_INET6, value, buf) != 1) {
			char f[1100];
			snprintf(f, sizeof f, "%s.value", path);
			schema_add(c, "FieldValueTypeInvalid", f, "Invalid value: \"%s\": %s in body must be of type ipv4: \"%s\"",
			        value, f, value);
		}
	} else if (strcmp(type, "Hostname") == 0 && !schema_match(&SCH_P_HOSTNAME, value)) {
		schema_cel(c, path, v, "Hostname value must be empty or contain only valid characters (matching ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)");
	}
}

/* addresses: "IPAddress values must be unique", "Hostname values must be unique" */
static void rule_addresses_unique(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	static const char *const types[] = {"IPAddress", "Hostname"};
	(void)old;
	for (size_t t = 0; t < 2; t++) {
		size_t i, j;
		json_t *a, *b;
		bool ok = true;
		json_array_foreach(v, i, a) {
			if (!json_str(a, "type") || strcmp(json_str(a, "type"), types[t]) != 0 || !json_str(a, "value"))
				continue;
			size_t n = 0;
			json_array_foreach(v, j, b)
				n += json_same(json_object_get(a, "type"), json_object_get(b, "type")) &&
				     json_same(json_object_get(a, "value"), json_object_get(b, "value"));
			ok &= n == 1;
		}
		if (!ok)
			schema_cel(c, path, v, t == 0 ? "IPAddress values must be unique" : "Hostname values must be unique");
	}
}

static const struct sch_node address = {.type = SCH_OBJECT, .sub = addr_props, .rules = {rule_address}};

static const struct sch_node allowed_ls_ns_props[] = {
	{.name = "from", .type = SCH_STRING, .enums = from_listener_enum, .dflt = "\"None\""},
	{.name = "selector", .type = SCH_OBJECT, .sub = selector_props},
	{0}};
static const struct sch_node allowed_ls_props[] = {
	{.name = "namespaces", .type = SCH_OBJECT, .sub = allowed_ls_ns_props, .dflt = "{\"from\":\"None\"}"},
	{0}};

static const struct sch_pattern key_pattern = {
	"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$",
	"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$"};

/* infrastructure.labels / .annotations: the two key rules, worded per map */
static void infra_keys(struct sch_ctx *c, const char *path, const json_t *v, const char *what)
{
	const char *k;
	json_t *val;
	bool form = true, prefix = true;
	json_object_foreach((json_t *)v, k, val) {
		form &= schema_match(&key_pattern, k);
		const char *slash = strchr(k, '/');
		prefix &= (slash ? (size_t)(slash - k) : strlen(k)) < 253;
	}
	char m[300];
	if (!form) {
		snprintf(m, sizeof m, "%s keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.", what);
		schema_cel(c, path, v, m);
	}
	if (!prefix) {
		snprintf(m, sizeof m, "If specified, the %s key's prefix must be a DNS subdomain not longer than 253 characters in total.",
		         strcmp(what, "Label") == 0 ? "label" : "annotation");
		schema_cel(c, path, v, m);
	}
}

static void rule_infra_labels(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	infra_keys(c, path, v, "Label");
}

static void rule_infra_annotations(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	(void)old;
	infra_keys(c, path, v, "Annotation");
}

static const struct sch_node ann_value = {.type = SCH_STRING, .max = 4096};
static const struct sch_node label_value = {
	.type = SCH_STRING, .max = 63,
	.pattern = &(const struct sch_pattern){"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$",
	                                       "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"}};
static const struct sch_node params_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .flags = SCH_REQ, .max = 253, .pattern = &SCH_P_GROUP},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{0}};
static const struct sch_node infra_props[] = {
	{.name = "annotations", .type = SCH_MAP, .max = 16, .sub = &ann_value, .rules = {rule_infra_annotations}},
	{.name = "labels", .type = SCH_MAP, .max = 8, .sub = &label_value, .rules = {rule_infra_labels}},
	{.name = "parametersRef", .type = SCH_OBJECT, .sub = params_ref_props},
	{0}};

/* tls.frontend: default and perPort[].tls share FrontendTLSConfig */
static const struct sch_node ca_ref_props[] = {
	{.name = "group", .type = SCH_STRING, .flags = SCH_REQ, .max = 253, .pattern = &SCH_P_GROUP},
	{.name = "kind", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 63, .pattern = &SCH_P_KIND},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "namespace", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_NAMESPACE},
	{0}};
static const struct sch_node ca_ref = {.type = SCH_OBJECT, .sub = ca_ref_props};
static const struct sch_node frontend_validation_props[] = {
	{.name = "caCertificateRefs", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 16, .sub = &ca_ref},
	{.name = "mode", .type = SCH_STRING, .enums = frontend_mode_enum, .dflt = "\"AllowValidOnly\""},
	{0}};
static const struct sch_node frontend_tls_props[] = {
	{.name = "validation", .type = SCH_OBJECT, .sub = frontend_validation_props},
	{0}};

/* tls.frontend.perPort: "Port for TLS configuration must be unique within the Gateway" */
static void rule_per_port_unique(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old)
{
	size_t i, j;
	json_t *a, *b;
	(void)old;
	json_array_foreach(v, i, a) {
		size_t n = 0;
		json_array_foreach(v, j, b)
			n += json_same(json_object_get(a, "port"), json_object_get(b, "port"));
		if (n != 1) {
			schema_cel(c, path, v, "Port for TLS configuration must be unique within the Gateway");
			return;
		}
	}
}

static const struct sch_node per_port_props[] = {
	{.name = "port", .type = SCH_INT, .flags = SCH_REQ, .min = 1, .max = 65535},
	{.name = "tls", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = frontend_tls_props},
	{0}};
static const struct sch_node per_port = {.type = SCH_OBJECT, .sub = per_port_props};
static const struct sch_node frontend_props[] = {
	{.name = "default", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = frontend_tls_props},
	{.name = "perPort", .type = SCH_ARRAY, .max = 64, .sub = &per_port, .keys = port_key,
	 .rules = {rule_per_port_unique}},
	{0}};
static const struct sch_node backend_tls_props[] = {
	{.name = "clientCertificateRef", .type = SCH_OBJECT, .sub = secret_ref_props},
	{0}};
static const struct sch_node gw_tls_props[] = {
	{.name = "backend", .type = SCH_OBJECT, .sub = backend_tls_props},
	{.name = "frontend", .type = SCH_OBJECT, .sub = frontend_props},
	{0}};

static const struct sch_node gateway_spec_props[] = {
	{.name = "addresses", .type = SCH_ARRAY, .max = 16, .sub = &address, .rules = {rule_addresses_unique}},
	{.name = "allowedListeners", .type = SCH_OBJECT, .sub = allowed_ls_props},
	{.name = "defaultScope", .type = SCH_STRING, .flags = SCH_EXP, .enums = default_scope_enum},
	{.name = "gatewayClassName", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "infrastructure", .type = SCH_OBJECT, .sub = infra_props},
	{.name = "listeners", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 64, .sub = &listener,
	 .keys = name_key, .rules = {rule_listeners_tls, rule_listeners_unique}},
	{.name = "tls", .type = SCH_OBJECT, .sub = gw_tls_props},
	{0}};

/* ---- ListenerSet ---- */

static const struct sch_node ls_parent_props[] = {
	{.name = "group", .type = SCH_STRING, .max = 253, .pattern = &SCH_P_GROUP, .dflt = "\"" SIM_GW_GROUP "\""},
	{.name = "kind", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_KIND, .dflt = "\"Gateway\""},
	{.name = "name", .type = SCH_STRING, .flags = SCH_REQ, .min = 1, .max = 253},
	{.name = "namespace", .type = SCH_STRING, .min = 1, .max = 63, .pattern = &SCH_P_NAMESPACE},
	{0}};
static const struct sch_node listenerset_spec_props[] = {
	{.name = "listeners", .type = SCH_ARRAY, .flags = SCH_REQ, .min = 1, .max = 64, .sub = &listener,
	 .keys = name_key, .rules = {rule_listeners_tls, rule_listeners_unique}},
	{.name = "parentRef", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = ls_parent_props},
	{0}};

#define ROOT_PROPS(spec_props) \
	{.name = "apiVersion", .type = SCH_STRING}, {.name = "kind", .type = SCH_STRING}, \
	{.name = "metadata", .type = SCH_ANY}, \
	{.name = "spec", .type = SCH_OBJECT, .flags = SCH_REQ, .sub = spec_props}, \
	{.name = "status", .type = SCH_ANY}, {0}

static const struct sch_node gateway_root_props[] = {ROOT_PROPS(gateway_spec_props)};
static const struct sch_node listenerset_root_props[] = {ROOT_PROPS(listenerset_spec_props)};
const struct sch_node validate_gw_gateway = {.type = SCH_OBJECT, .sub = gateway_root_props};
const struct sch_node validate_gw_listenerset = {.type = SCH_OBJECT, .sub = listenerset_root_props};
