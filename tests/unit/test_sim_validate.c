/* test_sim_validate.c: the simulator's API-server side of the Gateway API v1.6.1 kinds: which
 * channel serves which kind and version (and warns about deprecated ones), the CRD defaults
 * and pruning of each channel, every kind's OpenAPI constraints and CEL rules with the API
 * server's wording (ListenerSet, Gateway, TLSRoute v1 and v1alpha2, TCPRoute, UDPRoute,
 * BackendTLSPolicy, XBackendTrafficPolicy, XMesh), and core Secrets and ConfigMaps. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/manifest.h"

#include "../../src/sim/sim.h"

static json_t *Y(const char *yaml)
{
	char err[256];
	json_t *j = manifest_yaml_to_json(yaml, strlen(yaml), err, sizeof err);
	if (!j)
		fail_msg("bad test YAML: %s\n%s", err, yaml);
	return j;
}

static char *dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* Default and validate obj (stolen) as the API server would on creation at version. */
static json_t *check(struct sim *s, enum sim_res r, const char *version, json_t *obj)
{
	validate_defaults(s, r, version, obj, NULL);
	json_t *causes = validate_object(s, r, version, obj, NULL);
	json_decref(obj);
	return causes;
}

/* The causes must include one at field whose message contains msg. */
static void want_cause(json_t *causes, const char *field, const char *msg)
{
	size_t i;
	json_t *c;
	json_array_foreach(causes, i, c)
		if (strcmp(json_string_value(json_object_get(c, "field")), field) == 0 &&
		    strstr(json_string_value(json_object_get(c, "message")), msg))
			return;
	char *d = dump(causes);
	fail_msg("no cause %s: %s in %s", field, msg, d);
}

static void test_channels(void **state)
{
	(void)state;
	/* v1 of the new Standard kinds on both channels */
	assert_int_equal(resource_find(CHANNEL_STANDARD, SIM_GW_GROUP, "v1", "listenersets"), RES_LISTENERSET);
	assert_int_equal(resource_find(CHANNEL_STANDARD, SIM_GW_GROUP, "v1", "udproutes"), RES_UDPROUTE);
	assert_int_equal(resource_find(CHANNEL_EXPERIMENTAL, SIM_GW_GROUP, "v1", "tlsroutes"), RES_TLSROUTE);
	/* old versions: served: false in the standard CRDs, served (deprecated) in experimental */
	assert_int_equal(resource_find(CHANNEL_STANDARD, SIM_GW_GROUP, "v1alpha2", "tlsroutes"), -1);
	assert_int_equal(resource_find(CHANNEL_EXPERIMENTAL, SIM_GW_GROUP, "v1alpha2", "tlsroutes"), RES_TLSROUTE);
	assert_int_equal(resource_find(CHANNEL_EXPERIMENTAL, SIM_GW_GROUP, "v1alpha3", "backendtlspolicies"),
	                 RES_BACKENDTLSPOLICY);
	assert_int_equal(resource_by_kind(CHANNEL_STANDARD, SIM_GW_GROUP "/v1alpha2", "TCPRoute"), -1);
	assert_non_null(strstr(resource_deprecation(RES_TCPROUTE, "v1alpha2"), "v1alpha2 version of TCPRoute has been deprecated"));
	assert_null(resource_deprecation(RES_TCPROUTE, "v1"));
	/* the x-k8s.io kinds exist only in the experimental channel; XBackend not at all */
	assert_false(resource_available(CHANNEL_STANDARD, RES_XMESH));
	assert_int_equal(resource_by_kind(CHANNEL_EXPERIMENTAL, SIM_X_GROUP "/v1alpha1", "XBackendTrafficPolicy"),
	                 RES_XBACKENDTRAFFICPOLICY);
	assert_int_equal(resource_by_kind(CHANNEL_EXPERIMENTAL, SIM_X_GROUP "/v1alpha1", "XBackend"), -1);
	assert_int_equal(resource_find(CHANNEL_STANDARD, "", "v1", "secrets"), RES_SECRET);
	assert_true(resource_is_route(RES_TLSROUTE) && !resource_is_route(RES_LISTENERSET));
}

static const char ls_ok[] =
	"apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: ls, namespace: a}\n"
	"spec:\n  parentRef: {name: gw}\n  listeners:\n"
	"  - {name: web, protocol: HTTPS, port: 443, hostname: a.example.com, tls: {certificateRefs: [{name: c}]}}\n"
	"  - {name: pt, protocol: TLS, port: 8443, tls: {mode: Passthrough}}\n";

static void test_listenerset(void **state)
{
	struct sim s = {.channel = CHANNEL_STANDARD};
	(void)state;
	json_t *o = Y(ls_ok);
	validate_defaults(&s, RES_LISTENERSET, "v1", o, NULL);
	assert_null(validate_object(&s, RES_LISTENERSET, "v1", o, NULL));
	/* defaults: parentRef group/kind, allowedRoutes from Same, tls.mode, certificateRef
	 * group/kind; the status the CRD defaults on creation */
	char *d = dump(json_object_get(o, "spec"));
	assert_non_null(strstr(d, "\"parentRef\":{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"Gateway\",\"name\":\"gw\"}"));
	assert_non_null(strstr(d, "\"allowedRoutes\":{\"namespaces\":{\"from\":\"Same\"}}"));
	assert_non_null(strstr(d, "\"certificateRefs\":[{\"group\":\"\",\"kind\":\"Secret\",\"name\":\"c\"}],\"mode\":\"Terminate\""));
	free(d);
	d = dump(json_object_get(o, "status"));
	assert_non_null(strstr(d, "\"reason\":\"Pending\""));
	assert_non_null(strstr(d, "\"type\":\"Programmed\""));
	free(d);
	json_decref(o);

	static const struct { const char *listeners, *field, *msg; } bad[] = {
		{"[{name: a, protocol: TCP, port: 80, hostname: x.example.com}]", "spec.listeners",
		 "Invalid value: \"array\": hostname must not be specified for protocols ['TCP', 'UDP']"},
		{"[{name: a, protocol: HTTP, port: 80, tls: {mode: Terminate, certificateRefs: [{name: c}]}}]",
		 "spec.listeners", "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"},
		{"[{name: a, protocol: HTTPS, port: 443, tls: {mode: Passthrough}}]", "spec.listeners",
		 "tls mode must be Terminate for protocol HTTPS"},
		{"[{name: a, protocol: TLS, port: 443}]", "spec.listeners", "tls mode must be set for protocol TLS"},
		{"[{name: a, protocol: HTTP, port: 80}, {name: b, protocol: HTTP, port: 80}]", "spec.listeners",
		 "Combination of port, protocol and hostname must be unique for each listener"},
		{"[{name: a, protocol: HTTP, port: 80}, {name: a, protocol: HTTP, port: 81}]", "spec.listeners[1]",
		 "Duplicate value: map[string]interface {}{\"name\":\"a\"}"},
		{"[{name: a, protocol: HTTP, port: 80}, {name: a, protocol: HTTP, port: 81}]", "spec.listeners",
		 "Listener name must be unique within the Gateway"},
		{"[{name: a, protocol: HTTPS, port: 443, tls: {}}]", "spec.listeners[0].tls",
		 "no such key: certificateRefs evaluating rule: certificateRefs or options must be specified when mode is Terminate"},
		{"[{name: a, protocol: HTTP, port: 0}]", "spec.listeners[0].port",
		 "Invalid value: 0: spec.listeners[0].port in body should be greater than or equal to 1"},
		{"[{name: A_b, protocol: HTTP, port: 80}]", "spec.listeners[0].name",
		 "spec.listeners[0].name in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"},
		{"[{name: a, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: None}}}]",
		 "spec.listeners[0].allowedRoutes.namespaces.from",
		 "Unsupported value: \"None\": supported values: \"All\", \"Selector\", \"Same\""},
		{"[]", "spec.listeners", "Invalid value: 0: spec.listeners in body should have at least 1 items"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char yaml[1024];
		snprintf(yaml, sizeof yaml,
		         "apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: ls}\n"
		         "spec: {parentRef: {name: gw}, listeners: %s}\n", bad[i].listeners);
		json_t *causes = check(&s, RES_LISTENERSET, "v1", Y(yaml));
		if (!causes)
			fail_msg("case %zu accepted", i);
		want_cause(causes, bad[i].field, bad[i].msg);
		json_decref(causes);
	}
	/* a blocking error (Required, NotSupported, TooMany, TooLong, TypeInvalid) keeps the CEL
	 * rules from running, and says so */
	json_t *causes = check(&s, RES_LISTENERSET, "v1",
	                       Y("spec: {listeners: [{name: a, protocol: TCP, port: 1, hostname: h.example.com}]}"));
	want_cause(causes, "spec.parentRef", "Required value");
	want_cause(causes, "<nil>", "some validation rules were not checked because the object was invalid");
	assert_int_equal(json_array_size(causes), 2);
	json_decref(causes);
}

static void test_gateway(void **state)
{
	struct sim s = {.channel = CHANNEL_STANDARD};
	json_t *pruned = json_array();
	(void)state;
	/* defaultScope exists in the experimental CRD only: pruned (and reported) on standard */
	json_t *o = Y("spec: {gatewayClassName: gc, defaultScope: All, allowedListeners: {},"
	              " listeners: [{name: h, protocol: HTTP, port: 80}]}");
	validate_defaults(&s, RES_GATEWAY, "v1", o, pruned);
	assert_null(validate_object(&s, RES_GATEWAY, "v1", o, NULL));
	assert_null(json_object_get(json_object_get(o, "spec"), "defaultScope"));
	assert_int_equal(json_array_size(pruned), 1);
	assert_string_equal(json_string_value(json_array_get(pruned, 0)), "spec.defaultScope");
	/* allowedListeners.namespaces defaults to from: None */
	char *d = dump(json_object_get(json_object_get(o, "spec"), "allowedListeners"));
	assert_string_equal(d, "{\"namespaces\":{\"from\":\"None\"}}");
	free(d);
	json_decref(o);
	json_decref(pruned);
	s.channel = CHANNEL_EXPERIMENTAL;
	o = Y("spec: {gatewayClassName: gc, defaultScope: All, listeners: [{name: h, protocol: HTTP, port: 80}]}");
	validate_defaults(&s, RES_GATEWAY, "v1", o, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "spec"), "defaultScope")), "All");
	json_decref(o);
	json_t *causes = check(&s, RES_GATEWAY, "v1",
	                       Y("spec: {gatewayClassName: gc, listeners: [{name: h, protocol: HTTP, port: 80}],"
	                         " addresses: [{value: 10.0.0.1}, {value: 10.0.0.1}, {type: Hostname, value: 'bad host'}]}"));
	want_cause(causes, "spec.addresses", "IPAddress values must be unique");
	want_cause(causes, "spec.addresses[2]", "Hostname value must be empty or contain only valid characters");
	json_decref(causes);
}

static const char *l4(const char *kind, const char *spec, char *buf, size_t n)
{
	snprintf(buf, n, "apiVersion: gateway.networking.k8s.io/v1\nkind: %s\nmetadata: {name: r}\nspec: %s\n", kind, spec);
	return buf;
}

static void test_l4_routes(void **state)
{
	struct sim s = {.channel = CHANNEL_STANDARD};
	char b[1024];
	(void)state;
	json_t *o = Y(l4("TLSRoute", "{hostnames: [a.example.com], parentRefs: [{name: gw}], rules: [{backendRefs: [{name: s, port: 443}]}]}", b, sizeof b));
	validate_defaults(&s, RES_TLSROUTE, "v1", o, NULL);
	assert_null(validate_object(&s, RES_TLSROUTE, "v1", o, NULL));
	char *d = dump(json_object_get(o, "spec"));
	assert_non_null(strstr(d, "{\"group\":\"\",\"kind\":\"Service\",\"name\":\"s\",\"port\":443,\"weight\":1}"));
	assert_non_null(strstr(d, "{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"Gateway\",\"name\":\"gw\"}"));
	free(d);
	json_decref(o);
	static const struct { enum sim_channel ch; enum sim_res r; const char *version, *kind, *spec, *field, *msg; } bad[] = {
		{CHANNEL_STANDARD, RES_TLSROUTE, "v1", "TLSRoute", "{rules: [{backendRefs: [{name: s, port: 1}]}]}",
		 "spec.hostnames", "Required value"},
		{CHANNEL_STANDARD, RES_TLSROUTE, "v1", "TLSRoute", "{hostnames: [10.1.2.3], rules: [{backendRefs: [{name: s, port: 1}]}]}",
		 "spec.hostnames", "Hostnames cannot contain an IP"},
		{CHANNEL_STANDARD, RES_TLSROUTE, "v1", "TLSRoute", "{hostnames: ['a.*.com'], rules: [{backendRefs: [{name: s, port: 1}]}]}",
		 "spec.hostnames[0]", "should match"},
		{CHANNEL_STANDARD, RES_TLSROUTE, "v1", "TLSRoute",
		 "{hostnames: [a.example.com], rules: [{backendRefs: [{name: s, port: 1}]}, {backendRefs: [{name: t, port: 1}]}]}",
		 "spec.rules", "Too many: 2: must have at most 1 items"},
		{CHANNEL_STANDARD, RES_TCPROUTE, "v1", "TCPRoute", "{rules: [{backendRefs: [{name: s}]}]}",
		 "spec.rules[0].backendRefs[0]", "Invalid value: \"object\": Must have port for Service reference"},
		{CHANNEL_STANDARD, RES_UDPROUTE, "v1", "UDPRoute", "{rules: [{backendRefs: []}]}",
		 "spec.rules[0].backendRefs", "should have at least 1 items"},
		{CHANNEL_STANDARD, RES_TCPROUTE, "v1", "TCPRoute",
		 "{parentRefs: [{name: gw}, {name: gw, sectionName: a}], rules: [{backendRefs: [{name: s, port: 1}]}]}",
		 "spec.parentRefs", "sectionName must be specified when parentRefs includes 2 or more references to the same parent"},
		{CHANNEL_EXPERIMENTAL, RES_TCPROUTE, "v1", "TCPRoute",
		 "{parentRefs: [{name: gw, port: 80}, {name: gw, port: 80}], rules: [{backendRefs: [{name: s, port: 1}]}]}",
		 "spec.parentRefs", "sectionName or port must be unique when parentRefs includes 2 or more references to the same parent"},
		{CHANNEL_EXPERIMENTAL, RES_UDPROUTE, "v1", "UDPRoute", "{useDefaultGateways: Some, rules: [{backendRefs: [{name: s, port: 1}]}]}",
		 "spec.useDefaultGateways", "Unsupported value: \"Some\": supported values: \"All\", \"None\""},
		/* v1alpha2 (experimental): up to 16 rules, named uniquely */
		{CHANNEL_EXPERIMENTAL, RES_TCPROUTE, "v1alpha2", "TCPRoute",
		 "{rules: [{name: a, backendRefs: [{name: s, port: 1}]}, {name: a, backendRefs: [{name: t, port: 1}]}]}",
		 "spec.rules", "Rule name must be unique within the route"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		s.channel = bad[i].ch;
		json_t *causes = check(&s, bad[i].r, bad[i].version, Y(l4(bad[i].kind, bad[i].spec, b, sizeof b)));
		if (!causes)
			fail_msg("case %zu accepted", i);
		want_cause(causes, bad[i].field, bad[i].msg);
		json_decref(causes);
	}
	/* v1alpha2 TLSRoutes need no hostnames and may have two rules; the standard channel
	 * prunes useDefaultGateways */
	s.channel = CHANNEL_EXPERIMENTAL;
	assert_null(check(&s, RES_TLSROUTE, "v1alpha2",
	                  Y(l4("TLSRoute", "{rules: [{backendRefs: [{name: s, port: 1}]}, {backendRefs: [{name: t, port: 1}]}]}", b, sizeof b))));
	s.channel = CHANNEL_STANDARD;
	assert_null(check(&s, RES_UDPROUTE, "v1", Y(l4("UDPRoute", "{useDefaultGateways: Some, rules: [{backendRefs: [{name: s, port: 1}]}]}", b, sizeof b))));
}

static void test_policies(void **state)
{
	struct sim s = {.channel = CHANNEL_EXPERIMENTAL};
	char b[1024];
	(void)state;
	static const struct { enum sim_res r; const char *kind, *spec, *field, *msg; } bad[] = {
		{RES_BACKENDTLSPOLICY, "BackendTLSPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], validation: {hostname: a.example.com}}",
		 "spec.validation", "must specify either CACertificateRefs or WellKnownCACertificates"},
		{RES_BACKENDTLSPOLICY, "BackendTLSPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], validation: {hostname: a.example.com, wellKnownCACertificates: System,"
		 " caCertificateRefs: [{group: '', kind: ConfigMap, name: ca}]}}",
		 "spec.validation", "must not contain both CACertificateRefs and WellKnownCACertificates"},
		{RES_BACKENDTLSPOLICY, "BackendTLSPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}, {group: '', kind: Service, name: s, sectionName: https}],"
		 " validation: {hostname: a.example.com, wellKnownCACertificates: System}}",
		 "spec.targetRefs", "sectionName must be specified when targetRefs includes 2 or more references to the same target"},
		{RES_BACKENDTLSPOLICY, "BackendTLSPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], validation: {hostname: '*.example.com', wellKnownCACertificates: System}}",
		 "spec.validation.hostname", "should match"},
		{RES_BACKENDTLSPOLICY, "BackendTLSPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], validation: {hostname: a.example.com, wellKnownCACertificates: System,"
		 " subjectAltNames: [{type: URI, hostname: a.example.com}]}}",
		 "spec.validation.subjectAltNames[0]", "SubjectAltName element must contain URI, if Type is set to URI"},
		{RES_XBACKENDTRAFFICPOLICY, "XBackendTrafficPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], retryConstraint: {budget: {interval: 500ms}}}",
		 "spec.retryConstraint.budget.interval", "interval cannot be greater than one hour or less than one second"},
		{RES_XBACKENDTRAFFICPOLICY, "XBackendTrafficPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], retryConstraint: {budget: {percent: 101}}}",
		 "spec.retryConstraint.budget.percent", "should be less than or equal to 100"},
		{RES_XBACKENDTRAFFICPOLICY, "XBackendTrafficPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], retryConstraint: {minRetryRate: {count: 1, interval: 0s}}}",
		 "spec.retryConstraint.minRetryRate.interval", "interval cannot be greater than one hour"},
		{RES_XBACKENDTRAFFICPOLICY, "XBackendTrafficPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}, {group: '', kind: Service, name: s}]}",
		 "spec.targetRefs[1]", "Duplicate value: map[string]interface {}{\"group\":\"\", \"kind\":\"Service\", \"name\":\"s\"}"},
		{RES_XBACKENDTRAFFICPOLICY, "XBackendTrafficPolicy",
		 "{targetRefs: [{group: '', kind: Service, name: s}], sessionPersistence: {type: Header, cookieConfig: {lifetimeType: Permanent}}}",
		 "spec.sessionPersistence", "cookieConfig can only be set with type Cookie"},
		{RES_XMESH, "XMesh", "{controllerName: nope}", "spec.controllerName", "should match"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *causes = check(&s, bad[i].r, bad[i].r == RES_BACKENDTLSPOLICY ? "v1" : "v1alpha1",
		                       Y(l4(bad[i].kind, bad[i].spec, b, sizeof b)));
		if (!causes)
			fail_msg("case %zu accepted", i);
		want_cause(causes, bad[i].field, bad[i].msg);
		json_decref(causes);
	}
	/* the retry budget's defaults: {percent: 20, interval: 10s}, minRetryRate {count: 10, interval: 1s} */
	json_t *o = Y(l4("XBackendTrafficPolicy", "{targetRefs: [{group: '', kind: Service, name: s}], retryConstraint: {}}", b, sizeof b));
	validate_defaults(&s, RES_XBACKENDTRAFFICPOLICY, "v1alpha1", o, NULL);
	assert_null(validate_object(&s, RES_XBACKENDTRAFFICPOLICY, "v1alpha1", o, NULL));
	char *d = dump(json_object_get(json_object_get(o, "spec"), "retryConstraint"));
	assert_string_equal(d, "{\"budget\":{\"interval\":\"10s\",\"percent\":20},\"minRetryRate\":{\"count\":10,\"interval\":\"1s\"}}");
	free(d);
	json_decref(o);
	/* XMesh controllerName is immutable (a transition rule: updates only) */
	json_t *old = Y(l4("XMesh", "{controllerName: example.com/mesh}", b, sizeof b));
	o = Y(l4("XMesh", "{controllerName: example.com/other}", b, sizeof b));
	validate_defaults(&s, RES_XMESH, "v1alpha1", o, NULL);
	assert_null(validate_object(&s, RES_XMESH, "v1alpha1", o, NULL));
	json_t *causes = validate_object(&s, RES_XMESH, "v1alpha1", o, old);
	want_cause(causes, "spec.controllerName", "Invalid value: \"string\": Value is immutable");
	json_decref(causes);
	json_decref(o);
	json_decref(old);
}

static void test_core(void **state)
{
	struct sim s = {.channel = CHANNEL_STANDARD};
	(void)state;
	/* stringData becomes base64 data and is never stored; type defaults to Opaque */
	json_t *o = Y("metadata: {name: s}\nstringData: {a: hello}\ndata: {b: d29ybGQ=}\n");
	validate_defaults(&s, RES_SECRET, "v1", o, NULL);
	assert_null(validate_object(&s, RES_SECRET, "v1", o, NULL));
	char *d = dump(o);
	assert_string_equal(d, "{\"data\":{\"a\":\"aGVsbG8=\",\"b\":\"d29ybGQ=\"},\"metadata\":{\"name\":\"s\"},\"type\":\"Opaque\"}");
	free(d);
	/* the type is immutable */
	json_t *nw = json_deep_copy(o);
	json_object_set_new(nw, "type", json_string("kubernetes.io/tls"));
	json_t *causes = validate_object(&s, RES_SECRET, "v1", nw, o);
	want_cause(causes, "type", "field is immutable");
	want_cause(causes, "data[tls.crt]", "Required value");
	json_decref(causes);
	json_decref(nw);
	json_decref(o);
	/* bad base64 and keys: the value is never echoed */
	causes = check(&s, RES_SECRET, "v1", Y("data: {'a b': 'aGk=', c: 'not base64!'}"));
	want_cause(causes, "data[a b]", "a valid config key must consist of alphanumeric characters");
	want_cause(causes, "data[c]", "illegal base64 data at input byte 3");
	d = dump(causes);
	assert_null(strstr(d, "not base64"));
	free(d);
	json_decref(causes);
	causes = check(&s, RES_CONFIGMAP, "v1", Y("data: {ca.crt: x}\nbinaryData: {ca.crt: eA==}"));
	want_cause(causes, "data[ca.crt]", "duplicate of key present in binaryData");
	json_decref(causes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_listenerset),
		cmocka_unit_test(test_gateway),
		cmocka_unit_test(test_l4_routes),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_core),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
