/* resource.c: the table of resources the simulator serves (core Namespace, Service, Pod,
 * Secret, ConfigMap and the Gateway API kinds of v1.6.1), with the versions each channel
 * serves, the deprecation warnings of the old versions, names and scope, as discovery
 * reports them. Versions come from the v1.6.1 CRDs (config/crd/{standard,experimental}/):
 * a version listed with CH_EXP only is `served: false` in the standard CRD (or, for the
 * gateway.networking.x-k8s.io kinds, not installed at all by the standard channel). */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

#define CH_EXP (1u << CHANNEL_EXPERIMENTAL)
#define CH_STD (1u << CHANNEL_STANDARD)
#define CH_ALL (CH_EXP | CH_STD)

/* deprecationWarning of the v1.6.1 CRDs (standard and experimental say the same) */
#define DEPRECATED(kind, v) \
	"The " v " version of " kind " has been deprecated and will be removed in a future release of the API. Please upgrade to v1."

static const struct sim_resource resources[RES_COUNT] = {
	[RES_NAMESPACE] = {"", "namespaces", "namespace", "Namespace", "NamespaceList",
	                   {"ns", NULL}, false, false, {{"v1", CH_ALL, NULL}}, NULL},
	[RES_SERVICE] = {"", "services", "service", "Service", "ServiceList",
	                 {"svc", NULL}, true, false, {{"v1", CH_ALL, NULL}}, "all"},
	[RES_POD] = {"", "pods", "pod", "Pod", "PodList", {"po", NULL}, true, false,
	             {{"v1", CH_ALL, NULL}}, "all"},
	[RES_SECRET] = {"", "secrets", "secret", "Secret", "SecretList", {NULL}, true, false,
	                {{"v1", CH_ALL, NULL}}, NULL},
	[RES_CONFIGMAP] = {"", "configmaps", "configmap", "ConfigMap", "ConfigMapList", {"cm", NULL},
	                   true, false, {{"v1", CH_ALL, NULL}}, NULL},
	[RES_GATEWAYCLASS] = {SIM_GW_GROUP, "gatewayclasses", "gatewayclass", "GatewayClass",
	                      "GatewayClassList", {"gc", NULL}, false, true,
	                      {{"v1", CH_ALL, NULL}, {"v1beta1", CH_ALL, NULL}}, "gateway-api"},
	[RES_GATEWAY] = {SIM_GW_GROUP, "gateways", "gateway", "Gateway", "GatewayList",
	                 {"gtw", NULL}, true, true, {{"v1", CH_ALL, NULL}, {"v1beta1", CH_ALL, NULL}},
	                 "gateway-api"},
	[RES_HTTPROUTE] = {SIM_GW_GROUP, "httproutes", "httproute", "HTTPRoute", "HTTPRouteList",
	                   {NULL}, true, true, {{"v1", CH_ALL, NULL}, {"v1beta1", CH_ALL, NULL}},
	                   "gateway-api"},
	[RES_GRPCROUTE] = {SIM_GW_GROUP, "grpcroutes", "grpcroute", "GRPCRoute", "GRPCRouteList",
	                   {NULL}, true, true, {{"v1", CH_ALL, NULL}}, "gateway-api"},
	[RES_REFERENCEGRANT] = {SIM_GW_GROUP, "referencegrants", "referencegrant", "ReferenceGrant",
	                        "ReferenceGrantList", {"refgrant", NULL}, true, true,
	                        {{"v1", CH_ALL, NULL}, {"v1beta1", CH_ALL, NULL}}, "gateway-api"},
	/* gateway.networking.k8s.io_listenersets.yaml: v1 only, both channels */
	[RES_LISTENERSET] = {SIM_GW_GROUP, "listenersets", "listenerset", "ListenerSet",
	                     "ListenerSetList", {"lset", NULL}, true, true, {{"v1", CH_ALL, NULL}},
	                     "gateway-api"},
	/* gateway.networking.k8s.io_tlsroutes.yaml: v1alpha2/v1alpha3 served only by experimental */
	[RES_TLSROUTE] = {SIM_GW_GROUP, "tlsroutes", "tlsroute", "TLSRoute", "TLSRouteList", {NULL},
	                  true, true,
	                  {{"v1", CH_ALL, NULL},
	                   {"v1alpha3", CH_EXP, DEPRECATED("TLSRoute", "v1alpha3")},
	                   {"v1alpha2", CH_EXP, DEPRECATED("TLSRoute", "v1alpha2")}},
	                  "gateway-api"},
	[RES_TCPROUTE] = {SIM_GW_GROUP, "tcproutes", "tcproute", "TCPRoute", "TCPRouteList", {NULL},
	                  true, true,
	                  {{"v1", CH_ALL, NULL}, {"v1alpha2", CH_EXP, DEPRECATED("TCPRoute", "v1alpha2")}},
	                  "gateway-api"},
	[RES_UDPROUTE] = {SIM_GW_GROUP, "udproutes", "udproute", "UDPRoute", "UDPRouteList", {NULL},
	                  true, true,
	                  {{"v1", CH_ALL, NULL}, {"v1alpha2", CH_EXP, DEPRECATED("UDPRoute", "v1alpha2")}},
	                  "gateway-api"},
	[RES_BACKENDTLSPOLICY] = {SIM_GW_GROUP, "backendtlspolicies", "backendtlspolicy",
	                          "BackendTLSPolicy", "BackendTLSPolicyList", {"btlspolicy", NULL},
	                          true, true,
	                          {{"v1", CH_ALL, NULL},
	                           {"v1alpha3", CH_EXP, DEPRECATED("BackendTLSPolicy", "v1alpha3")}},
	                          "gateway-api"},
	/* gateway.networking.x-k8s.io: installed by the experimental channel only (XBackend's CRD
	 * file exists but experimental/kustomization.yaml does not install it) */
	[RES_XBACKENDTRAFFICPOLICY] = {SIM_X_GROUP, "xbackendtrafficpolicies", "xbackendtrafficpolicy",
	                               "XBackendTrafficPolicy", "XBackendTrafficPolicyList",
	                               {"xbtrafficpolicy", NULL}, true, true,
	                               {{"v1alpha1", CH_EXP, NULL}}, "gateway-api"},
	[RES_XMESH] = {SIM_X_GROUP, "xmeshes", "xmesh", "XMesh", "XMeshList", {"mesh", NULL}, false,
	               true, {{"v1alpha1", CH_EXP, NULL}}, "gateway-api"},
	[RES_EVENT] = {"", "events", "event", "Event", "EventList", {"ev", NULL}, true, false,
	               {{"v1", CH_ALL, NULL}}, NULL},
	[RES_EVENT_V1] = {"events.k8s.io", "events", "event", "Event", "EventList", {"ev", NULL},
	                  true, false, {{"v1", CH_ALL, NULL}}, NULL},
};

const struct sim_resource *resource_get(enum sim_res r)
{
	return &resources[r];
}

bool resource_is_route(enum sim_res r)
{
	return r == RES_HTTPROUTE || r == RES_GRPCROUTE || r == RES_TLSROUTE || r == RES_TCPROUTE ||
	       r == RES_UDPROUTE;
}

static const struct sim_version *find_version(enum sim_res r, const char *version)
{
	for (size_t i = 0; i < SIM_MAX_VERSIONS && resources[r].versions[i].name; i++)
		if (version && strcmp(resources[r].versions[i].name, version) == 0)
			return &resources[r].versions[i];
	return NULL;
}

bool resource_serves(enum sim_channel ch, enum sim_res r, const char *version)
{
	const struct sim_version *v = find_version(r, version);
	return v && (v->channels & (1u << ch));
}

bool resource_available(enum sim_channel ch, enum sim_res r)
{
	return resource_preferred(ch, r) != NULL;
}

const char *resource_preferred(enum sim_channel ch, enum sim_res r)
{
	for (size_t i = 0; i < SIM_MAX_VERSIONS && resources[r].versions[i].name; i++)
		if (resources[r].versions[i].channels & (1u << ch))
			return resources[r].versions[i].name;
	return NULL;
}

const char *resource_deprecation(enum sim_res r, const char *version)
{
	const struct sim_version *v = find_version(r, version);
	return v ? v->deprecation : NULL;
}

int resource_find(enum sim_channel ch, const char *group, const char *version, const char *plural)
{
	for (int r = 0; r < RES_COUNT; r++)
		if (strcmp(resources[r].group, group) == 0 &&
		    strcmp(resources[r].resource, plural) == 0 && resource_serves(ch, r, version))
			return r;
	return -1;
}

int resource_by_kind(enum sim_channel ch, const char *api_version, const char *kind)
{
	if (!api_version || !kind)
		return -1;
	const char *slash = strchr(api_version, '/');
	char group[128];
	const char *version;
	if (slash) {
		size_t n = (size_t)(slash - api_version);
		if (n >= sizeof group)
			return -1;
		memcpy(group, api_version, n);
		group[n] = '\0';
		version = slash + 1;
	} else {
		group[0] = '\0';
		version = api_version;
	}
	for (int r = 0; r < RES_COUNT; r++)
		if (strcmp(resources[r].group, group) == 0 && strcmp(resources[r].kind, kind) == 0 &&
		    resource_serves(ch, r, version))
			return r;
	return -1;
}

const char *resource_api_version(enum sim_res r, const char *version, char *buf, size_t n)
{
	if (!version)
		version = resources[r].versions[0].name;
	if (resources[r].group[0])
		snprintf(buf, n, "%s/%s", resources[r].group, version);
	else
		snprintf(buf, n, "%s", version);
	return buf;
}
