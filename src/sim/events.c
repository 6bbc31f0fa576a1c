/* events.c: Kubernetes Events in the sim, served as core v1 events and as events.k8s.io/v1
 * events (create, get, list, watch, delete). A real API server keeps one storage and converts
 * between the two forms; the sim keeps one table per API and mirrors every write into the
 * other in its form: involvedObject <-> regarding, message <-> note, reportingComponent <->
 * reportingController, source <-> deprecatedSource, firstTimestamp / lastTimestamp / count
 * <-> deprecatedFirstTimestamp / deprecatedLastTimestamp / deprecatedCount (kubernetes
 * pkg/apis/events/v1/conversion.go, v1.32). So `kubectl describe` (core v1, fieldSelector
 * involvedObject.*) sees an Event written through events.k8s.io and the other way round.
 * Validation follows pkg/apis/core/validation/events.go for what gammatop and kubectl send:
 * events.k8s.io/v1 needs eventTime, reportingController, reportingInstance, action, reason
 * and a type of Normal or Warning, a note of at most 1 kB; core v1 needs involvedObject. */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

#define NOTE_MAX 1024

bool events_is(enum sim_res r)
{
	return r == RES_EVENT || r == RES_EVENT_V1;
}

/* core v1 name -> events.k8s.io/v1 name */
static const char *const renames[][2] = {
	{"involvedObject", "regarding"},
	{"message", "note"},
	{"reportingComponent", "reportingController"},
	{"source", "deprecatedSource"},
	{"firstTimestamp", "deprecatedFirstTimestamp"},
	{"lastTimestamp", "deprecatedLastTimestamp"},
	{"count", "deprecatedCount"},
};

/* obj (stored in table from) in the form of the other API: a new value. */
static json_t *convert(enum sim_res from, const json_t *obj)
{
	bool to_v1 = from == RES_EVENT;
	enum sim_res to = to_v1 ? RES_EVENT_V1 : RES_EVENT;
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		const char *name = k;
		for (size_t i = 0; i < sizeof renames / sizeof *renames; i++)
			if (!strcmp(k, renames[i][to_v1 ? 0 : 1]))
				name = renames[i][to_v1 ? 1 : 0];
		json_object_set(out, name, v);
	}
	char av[64];
	json_object_set_new(out, "apiVersion", json_string(resource_api_version(to, NULL, av, sizeof av)));
	json_object_set_new(out, "kind", json_string("Event"));
	json_t *m = json_deep_copy(json_object_get(obj, "metadata"));
	json_object_del(m, "resourceVersion");
	json_object_del(m, "managedFields");
	json_object_del(m, "generation");
	json_object_set_new(out, "metadata", m ? m : json_object());
	return out;
}

void events_mirror(struct sim *s, enum sim_res r, const json_t *stored)
{
	if (!events_is(r) || !stored)
		return;
	objects_put(&s->objs, r == RES_EVENT ? RES_EVENT_V1 : RES_EVENT, convert(r, stored));
}

void events_mirror_delete(struct sim *s, enum sim_res r, const char *ns, const char *name)
{
	if (events_is(r))
		json_decref(objects_delete(&s->objs, r == RES_EVENT ? RES_EVENT_V1 : RES_EVENT, ns, name));
}

static void cause(json_t *causes, const char *reason, const char *field, const char *msg)
{
	json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason", reason, "field", field,
	                                        "message", msg));
}

static bool has_str(const json_t *obj, const char *key)
{
	const char *v = json_str(obj, key);
	return v && *v;
}

json_t *events_validate(enum sim_res r, const json_t *obj)
{
	json_t *c = json_array();
	const char *about = r == RES_EVENT ? "involvedObject" : "regarding";
	const json_t *ref = json_object_get(obj, about);
	char field[64];
	if (r == RES_EVENT_V1) {
		static const char *const need[] = {"eventTime", "reportingController",
		                                   "reportingInstance", "action", "reason"};
		for (size_t i = 0; i < sizeof need / sizeof *need; i++)
			if (!has_str(obj, need[i]))
				cause(c, "FieldValueRequired", need[i], "Required value");
		const char *note = json_str(obj, "note");
		if (note && strlen(note) > NOTE_MAX)
			cause(c, "FieldValueTooLong", "note", "Too long: may not be more than 1024 bytes");
	}
	if (!json_is_object(ref) || !has_str(ref, "kind") || !has_str(ref, "name")) {
		snprintf(field, sizeof field, "%s", about);
		cause(c, "FieldValueRequired", field, "Required value: kind and name");
	} else if (has_str(ref, "namespace") && meta_str(obj, "namespace") &&
	           strcmp(json_str(ref, "namespace"), meta_str(obj, "namespace")) != 0) {
		snprintf(field, sizeof field, "%s.namespace", about);
		cause(c, "FieldValueInvalid", field, "Invalid value: does not match event.namespace");
	}
	const char *type = json_str(obj, "type");
	if ((r == RES_EVENT_V1 || type) && !(type && (!strcmp(type, "Normal") || !strcmp(type, "Warning"))))
		cause(c, "FieldValueNotSupported", "type", "Unsupported value: supported values: \"Normal\", \"Warning\"");
	if (json_array_size(c))
		return c;
	json_decref(c);
	return NULL;
}

int events_field(const json_t *obj, const char *field, const char **value)
{
	*value = NULL;
	const json_t *about = json_object_get(obj, "involvedObject");
	if (!about)
		about = json_object_get(obj, "regarding");
	static const char *const ref_fields[] = {"kind", "namespace", "name", "uid", "apiVersion",
	                                         "resourceVersion", "fieldPath"};
	for (size_t i = 0; i < sizeof ref_fields / sizeof *ref_fields; i++) {
		char a[64], b[64];
		snprintf(a, sizeof a, "involvedObject.%s", ref_fields[i]);
		snprintf(b, sizeof b, "regarding.%s", ref_fields[i]);
		if (!strcmp(field, a) || !strcmp(field, b)) {
			*value = json_str(about, ref_fields[i]);
			return 1;
		}
	}
	if (!strcmp(field, "reason") || !strcmp(field, "type")) {
		*value = json_str(obj, field);
		return 1;
	}
	if (!strcmp(field, "reportingComponent") || !strcmp(field, "reportingController")) {
		*value = json_str(obj, "reportingComponent");
		if (!*value)
			*value = json_str(obj, "reportingController");
		return 1;
	}
	if (!strcmp(field, "source")) {
		const json_t *src = json_object_get(obj, "source");
		*value = json_str(src ? src : json_object_get(obj, "deprecatedSource"), "component");
		return 1;
	}
	return 0;
}
