/* resource.c: the table of resources the simulator serves (core Namespace, Service, Pod and
 * the Gateway API kinds), with the versions, names and scope discovery reports. */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

static const struct sim_resource resources[RES_COUNT] = {
	[RES_NAMESPACE] = {"", "namespaces", "namespace", "Namespace", "NamespaceList",
	                   {"ns", NULL}, false, false, {"v1", NULL}, NULL},
	[RES_SERVICE] = {"", "services", "service", "Service", "ServiceList",
	                 {"svc", NULL}, true, false, {"v1", NULL}, "all"},
	[RES_POD] = {"", "pods", "pod", "Pod", "PodList", {"po", NULL}, true, false, {"v1", NULL},
	             "all"},
	[RES_GATEWAYCLASS] = {SIM_GW_GROUP, "gatewayclasses", "gatewayclass", "GatewayClass",
	                      "GatewayClassList", {"gc", NULL}, false, true, {"v1", "v1beta1", NULL},
	                      "gateway-api"},
	[RES_GATEWAY] = {SIM_GW_GROUP, "gateways", "gateway", "Gateway", "GatewayList",
	                 {"gtw", NULL}, true, true, {"v1", "v1beta1", NULL}, "gateway-api"},
	[RES_HTTPROUTE] = {SIM_GW_GROUP, "httproutes", "httproute", "HTTPRoute", "HTTPRouteList",
	                   {NULL}, true, true, {"v1", "v1beta1", NULL}, "gateway-api"},
	[RES_GRPCROUTE] = {SIM_GW_GROUP, "grpcroutes", "grpcroute", "GRPCRoute", "GRPCRouteList",
	                   {NULL}, true, true, {"v1", NULL}, "gateway-api"},
	[RES_REFERENCEGRANT] = {SIM_GW_GROUP, "referencegrants", "referencegrant", "ReferenceGrant",
	                        "ReferenceGrantList", {"refgrant", NULL}, true, true,
	                        {"v1", "v1beta1", NULL}, "gateway-api"},
	[RES_EVENT] = {"", "events", "event", "Event", "EventList", {"ev", NULL}, true, false,
	               {"v1", NULL}, NULL},
	[RES_EVENT_V1] = {"events.k8s.io", "events", "event", "Event", "EventList", {"ev", NULL},
	                  true, false, {"v1", NULL}, NULL},
};

const struct sim_resource *resource_get(enum sim_res r)
{
	return &resources[r];
}

bool resource_serves(enum sim_res r, const char *version)
{
	for (size_t i = 0; resources[r].versions[i]; i++)
		if (strcmp(resources[r].versions[i], version) == 0)
			return true;
	return false;
}

int resource_find(const char *group, const char *version, const char *plural)
{
	for (int r = 0; r < RES_COUNT; r++)
		if (strcmp(resources[r].group, group) == 0 &&
		    strcmp(resources[r].resource, plural) == 0 && resource_serves(r, version))
			return r;
	return -1;
}

int resource_by_kind(const char *api_version, const char *kind)
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
		    resource_serves(r, version))
			return r;
	return -1;
}

const char *resource_api_version(enum sim_res r, const char *version, char *buf, size_t n)
{
	if (!version)
		version = resources[r].versions[0];
	if (resources[r].group[0])
		snprintf(buf, n, "%s/%s", resources[r].group, version);
	else
		snprintf(buf, n, "%s", version);
	return buf;
}
