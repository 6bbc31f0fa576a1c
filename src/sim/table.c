/* table.c: server-side printing (meta.k8s.io Table) as kubectl asks for it with
 * "Accept: application/json;as=Table;v=v1;g=meta.k8s.io": the columns a real cluster shows
 * (the v1.6.1 Gateway API CRDs' additionalPrinterColumns, the core printers' for Namespace,
 * Service, Pod, Secret and ConfigMap), ages as kubectl prints them, rows carrying PartialObjectMetadata (includeObject
 * Metadata, the default), the whole object (Object) or nothing (None). */
#include "config.h"
#include "sim.h"

#include "gammatop/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *table_accepted(const char *accept)
{
	if (!accept)
		return NULL;
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", accept);
	char *save = NULL;
	for (char *mr = strtok_r(copy, ",", &save); mr; mr = strtok_r(NULL, ",", &save)) {
		while (*mr == ' ')
			mr++;
		if (strncmp(mr, "application/json", 16) != 0 && strncmp(mr, "*/*", 3) != 0)
			continue;
		if (strstr(mr, "as=Table") && strstr(mr, "g=meta.k8s.io"))
			return strstr(mr, "v=v1beta1") ? "meta.k8s.io/v1beta1" : "meta.k8s.io/v1";
		if (!strstr(mr, "as="))
			return NULL; /* plain JSON comes first */
	}
	return NULL;
}

/* k8s.io/apimachinery/pkg/util/duration.HumanDuration */
static void human_age(long long s, char *buf, size_t n)
{
	long long m = s / 60, h = s / 3600, d = h / 24, y = d / 365;
	if (s < -1)
		snprintf(buf, n, "<invalid>");
	else if (s < 0)
		snprintf(buf, n, "0s");
	else if (s < 120)
		snprintf(buf, n, "%llds", s);
	else if (m < 10)
		snprintf(buf, n, s % 60 ? "%lldm%llds" : "%lldm", m, s % 60);
	else if (m < 180)
		snprintf(buf, n, "%lldm", m);
	else if (h < 8)
		snprintf(buf, n, m % 60 ? "%lldh%lldm" : "%lldh", h, m % 60);
	else if (h < 48)
		snprintf(buf, n, "%lldh", h);
	else if (h < 24 * 8)
		snprintf(buf, n, h % 24 ? "%lldd%lldh" : "%lldd", d, h % 24);
	else if (h < 24 * 365 * 2)
		snprintf(buf, n, "%lldd", d);
	else if (h < 24 * 365 * 8)
		snprintf(buf, n, d % 365 ? "%lldy%lldd" : "%lldy", y, d % 365);
	else
		snprintf(buf, n, "%lldy", y);
}

static json_t *age(const json_t *obj)
{
	char buf[32];
	time_t t;
	const char *ts = meta_str(obj, "creationTimestamp");
	if (!ts || time_parse_rfc3339(ts, &t) != 0)
		return json_string("<unknown>");
	human_age((long long)(time(NULL) - t), buf, sizeof buf);
	return json_string(buf);
}

static json_t *col(const char *name, const char *type, const char *format, int priority, const char *desc)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", name, "type", type, "format", format,
	                 "description", desc, "priority", priority);
}

json_t *table_columns(enum sim_res r)
{
	json_t *c = json_array();
	json_array_append_new(c, col("Name", "string", "name", 0, "Name must be unique within a namespace."));
	switch (r) {
	case RES_NAMESPACE:
		json_array_append_new(c, col("Status", "string", "", 0, "The status of the namespace"));
		break;
	case RES_SERVICE:
		json_array_append_new(c, col("Type", "string", "", 0, "The type of the service"));
		json_array_append_new(c, col("Cluster-IP", "string", "", 0, "The cluster IP of the service"));
		json_array_append_new(c, col("External-IP", "string", "", 0, "The external IP of the service"));
		json_array_append_new(c, col("Port(s)", "string", "", 0, "The ports of the service"));
		break;
	case RES_POD:
		json_array_append_new(c, col("Ready", "string", "", 0, "The aggregate readiness state of this pod"));
		json_array_append_new(c, col("Status", "string", "", 0, "The aggregate status of the containers"));
		json_array_append_new(c, col("Restarts", "string", "", 0, "The number of times the containers restarted"));
		break;
	case RES_SECRET:
		json_array_append_new(c, col("Type", "string", "", 0, "The type of the secret"));
		json_array_append_new(c, col("Data", "string", "", 0, "The number of entries in the data"));
		break;
	case RES_CONFIGMAP:
		json_array_append_new(c, col("Data", "string", "", 0, "The number of entries in the data"));
		break;
	case RES_GATEWAYCLASS:
		json_array_append_new(c, col("Controller", "string", "", 0, ""));
		json_array_append_new(c, col("Accepted", "string", "", 0, ""));
		break;
	case RES_LISTENERSET: /* gateway.networking.k8s.io_listenersets.yaml */
		json_array_append_new(c, col("Accepted", "string", "", 0, ""));
		json_array_append_new(c, col("Programmed", "string", "", 0, ""));
		break;
	case RES_XMESH: /* gateway.networking.x-k8s.io_xmeshes.yaml */
		json_array_append_new(c, col("Accepted", "string", "", 0, ""));
		break;
	case RES_GATEWAY:
		json_array_append_new(c, col("Class", "string", "", 0, ""));
		json_array_append_new(c, col("Address", "string", "", 0, ""));
		json_array_append_new(c, col("Programmed", "string", "", 0, ""));
		break;
	case RES_HTTPROUTE:
	case RES_GRPCROUTE:
		json_array_append_new(c, col("Hostnames", "string", "", 0, ""));
		break;
	default:
		break;
	}
	json_array_append_new(c, col("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."));
	if (r == RES_GATEWAYCLASS)
		json_array_append_new(c, col("Description", "string", "", 1, ""));
	if (r == RES_SERVICE)
		json_array_append_new(c, col("Selector", "string", "", 1, "The selector of the service"));
	if (r == RES_POD) {
		json_array_append_new(c, col("IP", "string", "", 1, "The IP address of the pod"));
		json_array_append_new(c, col("Node", "string", "", 1, "The node of the pod"));
	}
	return c;
}

static json_t *condition_status(const json_t *obj, const char *type)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(obj, "status"), "conditions"), i, c)
		if (json_str(c, "type") && strcmp(json_str(c, "type"), type) == 0 && json_str(c, "status"))
			return json_string(json_str(c, "status"));
	return json_string("Unknown");
}

static const char *str_phase(const json_t *st)
{
	return json_str(st, "phase") ? json_str(st, "phase") : "Pending";
}

static json_t *cells(enum sim_res r, const json_t *obj)
{
	const json_t *spec = json_object_get(obj, "spec"), *st = json_object_get(obj, "status");
	json_t *c = json_pack("[s]", meta_str(obj, "name") ? meta_str(obj, "name") : "");
	struct buf b;
	size_t i;
	json_t *v;
	switch (r) {
	case RES_NAMESPACE:
		json_array_append_new(c, json_string(json_str(st, "phase") ? json_str(st, "phase") : "Active"));
		break;
	case RES_SERVICE:
		buf_init(&b);
		json_array_foreach(json_object_get(spec, "ports"), i, v)
			buf_printf(&b, "%s%lld/%s", i ? "," : "", (long long)json_integer_value(json_object_get(v, "port")),
			           json_str(v, "protocol") ? json_str(v, "protocol") : "TCP");
		json_array_append_new(c, json_string(json_str(spec, "type") ? json_str(spec, "type") : "ClusterIP"));
		json_array_append_new(c, json_string(json_str(spec, "clusterIP") ? json_str(spec, "clusterIP") : "<none>"));
		json_array_append_new(c, json_string("<none>"));
		json_array_append_new(c, json_string(b.len ? buf_str(&b) : "<none>"));
		buf_done(&b);
		break;
	case RES_POD:
		json_array_append_new(c, json_string(strcmp(str_phase(st), "Running") == 0 ? "1/1" : "0/1"));
		json_array_append_new(c, json_string(str_phase(st)));
		json_array_append_new(c, json_string("0"));
		break;
	case RES_SECRET: {
		const json_t *d = json_object_get(obj, "data");
		json_array_append_new(c, json_string(json_str(obj, "type") ? json_str(obj, "type") : "Opaque"));
		json_array_append_new(c, json_integer((json_int_t)(json_is_object(d) ? json_object_size(d) : 0)));
		break;
	}
	case RES_CONFIGMAP: {
		const json_t *d = json_object_get(obj, "data"), *bin = json_object_get(obj, "binaryData");
		json_array_append_new(c, json_integer((json_int_t)((json_is_object(d) ? json_object_size(d) : 0) +
		                                                   (json_is_object(bin) ? json_object_size(bin) : 0))));
		break;
	}
	case RES_GATEWAYCLASS:
		json_array_append_new(c, json_string(json_str(spec, "controllerName") ? json_str(spec, "controllerName") : ""));
		json_array_append_new(c, condition_status(obj, "Accepted"));
		break;
	case RES_LISTENERSET:
		json_array_append_new(c, condition_status(obj, "Accepted"));
		json_array_append_new(c, condition_status(obj, "Programmed"));
		break;
	case RES_XMESH:
		json_array_append_new(c, condition_status(obj, "Accepted"));
		break;
	case RES_GATEWAY: {
		const char *addr = json_str(json_array_get(json_object_get(st, "addresses"), 0), "value");
		json_array_append_new(c, json_string(json_str(spec, "gatewayClassName") ? json_str(spec, "gatewayClassName") : ""));
		json_array_append_new(c, json_string(addr ? addr : ""));
		json_array_append_new(c, condition_status(obj, "Programmed"));
		break;
	}
	case RES_HTTPROUTE:
	case RES_GRPCROUTE: {
		json_t *h = json_object_get(spec, "hostnames");
		char *text = h ? json_dumps(h, JSON_COMPACT) : NULL;
		json_array_append_new(c, json_string(text ? text : ""));
		free(text);
		break;
	}
	default:
		break;
	}
	json_array_append_new(c, age(obj));
	if (r == RES_GATEWAYCLASS)
		json_array_append_new(c, json_string(json_str(spec, "description") ? json_str(spec, "description") : ""));
	if (r == RES_SERVICE) {
		buf_init(&b);
		const char *k;
		json_object_foreach(json_object_get(spec, "selector"), k, v)
			buf_printf(&b, "%s%s=%s", b.len ? "," : "", k, json_string_value(v) ? json_string_value(v) : "");
		json_array_append_new(c, json_string(b.len ? buf_str(&b) : "<none>"));
		buf_done(&b);
	}
	if (r == RES_POD) {
		json_array_append_new(c, json_string(json_str(st, "podIP") ? json_str(st, "podIP") : "<none>"));
		json_array_append_new(c, json_string(json_str(spec, "nodeName") ? json_str(spec, "nodeName") : "<none>"));
	}
	return c;
}

json_t *table_row(enum sim_res r, const json_t *obj, const char *version, const char *include)
{
	json_t *row = json_pack("{s:o}", "cells", cells(r, obj));
	if (include && strcmp(include, "None") == 0)
		return row;
	if (include && strcmp(include, "Object") == 0) {
		json_object_set_new(row, "object", api_object_view(obj, r, version));
		return row;
	}
	json_t *meta = json_copy(json_object_get(obj, "metadata"));
	json_object_del(meta, "managedFields");
	json_object_set_new(row, "object", json_pack("{s:s, s:s, s:o}", "kind", "PartialObjectMetadata",
	                                             "apiVersion", "meta.k8s.io/v1", "metadata", meta));
	return row;
}

json_t *table_new(enum sim_res r, const char *table_version, json_t *list_meta, json_t *rows)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "kind", "Table", "apiVersion", table_version,
	                 "metadata", list_meta, "columnDefinitions", table_columns(r), "rows", rows);
}
