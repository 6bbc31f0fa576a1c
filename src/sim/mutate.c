/* mutate.c: the write half of the API: create (POST), update (PUT), patch (merge, JSON patch,
 * server-side apply; strategic merge only for core kinds) of objects and of their status
 * subresource, with the API server's bookkeeping: optimistic concurrency (409 on a stale
 * resourceVersion), immutable metadata, defaults, pruning and validation (422), generation
 * bumped on spec changes only, managedFields, dryRun=All. */
#include "config.h"
#include "api.h"

#include "gammatop/manifest.h"
#include "gammatop/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traffic_glue.h"

static bool ctype_is(const char *ct, const char *want)
{
	if (!ct)
		return false;
	size_t n = strlen(want);
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static bool dry_run(const struct request *rq, struct reply *rp, bool *bad)
{
	const char *d = request_query(rq, "dryRun");
	*bad = false;
	if (!d || !*d)
		return false;
	if (strcmp(d, "All") == 0)
		return true;
	*bad = true;
	reply_status(rp, 400, "BadRequest", NULL, "dryRun: Unsupported value: \"%s\": supported values: \"All\"", d);
	return false;
}

/* Parse a request body as JSON (or YAML when yaml is true). NULL with a 400 in rp. */
static json_t *parse_body(const struct request *rq, bool yaml, struct reply *rp)
{
	json_error_t je;
	if (ctype_is(rq->content_type, "application/vnd.kubernetes.protobuf") ||
	    ctype_is(rq->content_type, "application/cbor")) {
		/* typed clients (kubectl create namespace) send protobuf; the sim speaks JSON only */
		reply_status(rp, 415, "UnsupportedMediaType", NULL,
		             "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
		return NULL;
	}
	if (rq->body_len == 0) {
		reply_status(rp, 400, "BadRequest", NULL, "the request body is empty");
		return NULL;
	}
	json_t *j = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (j)
		return j;
	if (yaml) {
		char err[256] = "";
		j = manifest_yaml_to_json(rq->body, rq->body_len, err, sizeof err);
		if (j)
			return j;
		reply_status(rp, 400, "BadRequest", NULL, "error decoding YAML: %s", err);
		return NULL;
	}
	reply_status(rp, 400, "BadRequest", NULL,
	             "error decoding request body: invalid JSON at line %d, column %d: %s", je.line,
	             je.column, je.text);
	return NULL;
}

/* A 422 Invalid reply from causes (stolen). */
static void reply_invalid(struct reply *rp, enum sim_res r, const char *name, json_t *causes)
{
	const struct sim_resource *res = resource_get(r);
	char kind[128];
	struct buf msg;
	buf_init(&msg);
	if (res->group[0])
		snprintf(kind, sizeof kind, "%s.%s", res->kind, res->group);
	else
		snprintf(kind, sizeof kind, "%s", res->kind);
	buf_printf(&msg, "%s \"%s\" is invalid: ", kind, name ? name : "");
	size_t n = json_array_size(causes);
	if (n > 1)
		buf_putc(&msg, '[');
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(causes, i);
		buf_printf(&msg, "%s%s: %s", i ? ", " : "", json_str(c, "field"), json_str(c, "message"));
	}
	if (n > 1)
		buf_putc(&msg, ']');
	json_t *d = json_pack("{s:s, s:s, s:o}", "name", name ? name : "", "kind", res->kind,
	                      "causes", causes);
	if (res->group[0])
		json_object_set_new(d, "group", json_string(res->group));
	reply_json(rp, 422, status_object(422, "Invalid", d, buf_str(&msg)));
	buf_done(&msg);
}

static json_t *cause(const char *reason, const char *field, const char *message)
{
	return json_pack("{s:s, s:s, s:s}", "reason", reason, "message", message, "field", field);
}

static bool dns_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

static json_t *meta_of(json_t *obj)
{
	json_t *m = json_object_get(obj, "metadata");
	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	return m;
}

/* fieldManager, else the User-Agent's product token (managed.c), into buf. */
#define manager_of(rq, dflt) managed_manager((rq), (dflt), mbuf, sizeof mbuf)

const json_t *mutate_commit(struct sim *s, enum sim_res r, json_t *obj)
{
	const json_t *cur = objects_get(&s->objs, r, meta_str(obj, "namespace"), meta_str(obj, "name"));
	bool route = resource_is_route(r);
	bool need = true;
	if (cur && route) {
		json_t *a1 = json_object_get(json_object_get(cur, "metadata"), "annotations");
		json_t *a2 = json_object_get(json_object_get(obj, "metadata"), "annotations");
		need = !json_same(json_object_get(cur, "spec"), json_object_get(obj, "spec")) ||
		       !json_same(json_object_get(a1, SIM_ANN_WRONG_STATUS),
		                  json_object_get(a2, SIM_ANN_WRONG_STATUS));
	} else if ((cur && r == RES_POD) || events_is(r)) {
		need = false; /* nothing depends on Pods or Events */
	}
	json_t *old = json_incref((json_t *)cur);
	managed_sort(obj);
	const json_t *stored = objects_put(&s->objs, r, obj);
	events_mirror(s, r, stored);
	traffic_glue_route(s, r, stored, false);
	if (need) {
		if (route)
			controller_route_changed(s, r, old, stored);
		else
			s->reconcile_needed = true;
		controller_reconcile(s);
	}
	json_decref(old);
	sim_notify(s);
	return stored;
}

/* fieldValidation for the fields pruning dropped (pruned: array of paths): Strict refuses
 * (400, as the API server's strict decoding does), Ignore says nothing, Warn (the default)
 * answers with a Warning header. 0, or -1 with rp set. */
static int field_validation(const struct request *rq, const struct api_target *t, json_t *pruned,
                            bool apply, struct reply *rp)
{
	size_t n = json_array_size(pruned);
	if (n == 0)
		return 0;
	const char *fv = request_query(rq, "fieldValidation");
	const struct sim_resource *res = resource_get(t->res);
	struct buf list;
	buf_init(&list);
	for (size_t i = 0; i < n; i++) {
		const char *path = json_string_value(json_array_get(pruned, i));
		if (apply)
			buf_printf(&list, "%s.%s: field not declared in schema", i ? "\n" : "", path);
		else
			buf_printf(&list, "%sunknown field \"%s\"", i ? ", " : "", path);
	}
	int rc = 0;
	if (fv && strcmp(fv, "Strict") == 0) {
		char av[128];
		resource_api_version(t->res, t->version, av, sizeof av);
		if (apply)
			reply_status(rp, 400, "BadRequest", NULL, "failed to create typed patch object (%s/%s; %s, Kind=%s): %s",
			             t->ns, t->name, av, res->kind, buf_str(&list));
		else
			reply_status(rp, 400, "BadRequest", NULL, "%s in version \"%s\" cannot be handled as a %s: strict decoding error: %s",
			             res->kind, t->version, res->kind, buf_str(&list));
		rc = -1;
	} else if (!fv || strcmp(fv, "Ignore") != 0) {
		for (size_t i = 0; i < n; i++) {
			char *w = xasprintf("unknown field \"%s\"", json_string_value(json_array_get(pruned, i)));
			api_add_warning(rp, w);
			free(w);
		}
	}
	buf_done(&list);
	return rc;
}

/* Bring a candidate new state nw (private) in line with the stored cur: immutable metadata,
 * concurrency check, status/spec split, defaults, validation, generation. 0 or -1 with rp. */
static int finalize(struct sim *s, const struct request *rq, const struct api_target *t,
                    const json_t *cur, json_t *nw, const char *manager, const char *operation,
                    struct reply *rp)
{
	const struct sim_resource *res = resource_get(t->res);
	char av[128];
	if (!json_is_object(nw)) {
		reply_status(rp, 400, "BadRequest", NULL, "the object must be a JSON object");
		return -1;
	}
	json_t *nm = json_object_get(nw, "metadata");
	if (nm && (!json_is_object(nm) || (json_object_get(nm, "name") && !json_is_string(json_object_get(nm, "name"))))) {
		reply_status(rp, 400, "BadRequest", NULL, "metadata: must be an object with a string name");
		return -1;
	}
	json_t *m = meta_of(nw);
	json_t *cm = json_object_get(cur, "metadata");
	const char *nrv = json_string_value(json_object_get(m, "resourceVersion"));
	if (nrv && *nrv && strcmp(nrv, meta_str(cur, "resourceVersion")) != 0) {
		char q[128];
		json_t *d = json_pack("{s:s, s:s}", "name", t->name, "kind", res->resource);
		if (res->group[0])
			json_object_set_new(d, "group", json_string(res->group));
		reply_status(rp, 409, "Conflict", d,
		             "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply your changes to the latest version and try again",
		             api_qualified_kind(t->res, q, sizeof q), t->name);
		return -1;
	}
	const char *nn = json_string_value(json_object_get(m, "name"));
	if (nn && strcmp(nn, t->name) != 0) {
		json_t *c = json_array();
		json_array_append_new(c, cause("FieldValueInvalid", "metadata.name",
		                               "Invalid value: the name of the object does not match the name on the URL"));
		reply_invalid(rp, t->res, t->name, c);
		return -1;
	}
	const char *nns = json_string_value(json_object_get(m, "namespace"));
	if (res->namespaced && nns && strcmp(nns, t->ns) != 0) {
		reply_status(rp, 400, "BadRequest", NULL, "the namespace of the provided object does not match the namespace sent on the request");
		return -1;
	}
	static const char *const keep[] = {"name", "namespace", "uid", "creationTimestamp",
	                                   "generation", "resourceVersion", "managedFields"};
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
		if (!operation && strcmp(keep[i], "managedFields") == 0)
			continue; /* apply computed them */
		json_t *v = json_object_get(cm, keep[i]);
		if (v)
			json_object_set(m, keep[i], v);
		else
			json_object_del(m, keep[i]);
	}
	json_object_set_new(nw, "apiVersion", json_string(resource_api_version(t->res, NULL, av, sizeof av)));
	json_object_set_new(nw, "kind", json_string(res->kind));
	bool status_only = strcmp(t->sub, "status") == 0;
	if (status_only) {
		/* only status comes from the request */
		json_t *st = json_incref(json_object_get(nw, "status"));
		json_t *base = json_deep_copy(cur);
		json_object_clear(nw);
		json_object_update(nw, base);
		json_decref(base);
		if (st)
			json_object_set_new(nw, "status", st);
		else
			json_object_del(nw, "status");
	} else {
		json_t *st = json_object_get(cur, "status");
		if (st)
			json_object_set(nw, "status", st);
		else
			json_object_del(nw, "status");
	}
	json_t *pruned = json_array();
	validate_defaults(s, t->res, t->version, nw, pruned);
	json_t *causes = validate_object(s, t->res, t->version, nw, cur);
	int fv = field_validation(rq, t, pruned, operation == NULL, rp);
	json_decref(pruned);
	if (fv != 0) {
		json_decref(causes);
		return -1;
	}
	if (causes) {
		reply_invalid(rp, t->res, t->name, causes);
		return -1;
	}
	json_t *g = json_object_get(m, "generation");
	if (json_is_integer(g) && !json_same(json_object_get(cur, "spec"), json_object_get(nw, "spec")))
		json_object_set_new(m, "generation", json_integer(json_integer_value(g) + 1));
	if (operation)
		apply_track_update(cur, nw, manager, resource_api_version(t->res, t->version, av, sizeof av),
		                   status_only ? "status" : NULL);
	return 0;
}

/* Prepare a brand-new object nw for t (create or apply-create). 0 or -1 with rp. */
static int prepare_new(struct sim *s, const struct request *rq, const struct api_target *t,
                       json_t *nw, const char *manager, bool track, struct reply *rp)
{
	const struct sim_resource *res = resource_get(t->res);
	char av[128], q[128];
	if (!json_is_object(nw)) {
		reply_status(rp, 400, "BadRequest", NULL, "the object must be a JSON object");
		return -1;
	}
	const char *kind = json_str(nw, "kind");
	const char *api = json_str(nw, "apiVersion");
	resource_api_version(t->res, t->version, av, sizeof av);
	if ((kind && strcmp(kind, res->kind) != 0) ||
	    (api && resource_by_kind(s->channel, api, res->kind) != (int)t->res)) {
		reply_status(rp, 400, "BadRequest", NULL,
		             "the API version in the data (%s) does not match the expected API version (%s)",
		             api ? api : "", av);
		return -1;
	}
	json_t *m = meta_of(nw);
	if (res->namespaced) {
		if (!t->has_ns) {
			reply_status(rp, 404, "NotFound", NULL, "the server could not find the requested resource");
			return -1;
		}
		const char *ns = json_string_value(json_object_get(m, "namespace"));
		if (ns && *ns && strcmp(ns, t->ns) != 0) {
			reply_status(rp, 400, "BadRequest", NULL, "the namespace of the provided object does not match the namespace sent on the request");
			return -1;
		}
		json_object_set_new(m, "namespace", json_string(t->ns));
		if (!objects_get(&s->objs, RES_NAMESPACE, NULL, t->ns)) {
			json_t *d = json_pack("{s:s, s:s}", "name", t->ns, "kind", "namespaces");
			reply_status(rp, 404, "NotFound", d, "namespaces \"%s\" not found", t->ns);
			return -1;
		}
	} else {
		json_object_del(m, "namespace");
	}
	const char *name = json_string_value(json_object_get(m, "name"));
	const char *gen = json_string_value(json_object_get(m, "generateName"));
	if ((!name || !*name) && gen && *gen) {
		char *nm = xasprintf("%s%05llx", gen, (unsigned long long)((s->objs.rv * 2654435761u) & 0xfffff));
		json_object_set_new(m, "name", json_string(nm));
		free(nm);
		name = json_string_value(json_object_get(m, "name"));
	}
	json_t *causes = json_array();
	if (!name || !*name)
		json_array_append_new(causes, cause("FieldValueRequired", "metadata.name",
		                                    "Required value: name or generateName is required"));
	else if (!dns_subdomain(name))
		json_array_append_new(causes, cause("FieldValueInvalid", "metadata.name",
		                                    "Invalid value: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
	if (json_array_size(causes)) {
		reply_invalid(rp, t->res, name, causes);
		return -1;
	}
	json_decref(causes);
	if (objects_get(&s->objs, t->res, t->ns, name)) {
		json_t *d = json_pack("{s:s, s:s}", "name", name, "kind", res->resource);
		if (res->group[0])
			json_object_set_new(d, "group", json_string(res->group));
		reply_status(rp, 409, "AlreadyExists", d, "%s \"%s\" already exists",
		             api_qualified_kind(t->res, q, sizeof q), name);
		return -1;
	}
	const char *rv = json_string_value(json_object_get(m, "resourceVersion"));
	if (rv && *rv) {
		json_t *c = json_array();
		json_array_append_new(c, cause("FieldValueInvalid", "metadata.resourceVersion",
		                               "Invalid value: resourceVersion should not be set on objects to be created"));
		reply_invalid(rp, t->res, name, c);
		return -1;
	}
	static const char *const drop[] = {"uid", "creationTimestamp", "generation", "resourceVersion",
	                                   "managedFields", "deletionTimestamp"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		if (track || strcmp(drop[i], "managedFields") != 0) /* apply computed them */
			json_object_del(m, drop[i]);
	json_object_set_new(nw, "apiVersion", json_string(resource_api_version(t->res, NULL, av, sizeof av)));
	json_object_set_new(nw, "kind", json_string(res->kind));
	if (res->custom)
		json_object_del(nw, "status");
	json_t *pruned = json_array();
	validate_defaults(s, t->res, t->version, nw, pruned);
	causes = validate_object(s, t->res, t->version, nw, NULL);
	int fv = field_validation(rq, t, pruned, !track, rp);
	json_decref(pruned);
	if (fv != 0) {
		json_decref(causes);
		return -1;
	}
	if (causes) {
		reply_invalid(rp, t->res, name, causes);
		return -1;
	}
	if (track)
		apply_track_update(NULL, nw, manager, resource_api_version(t->res, t->version, av, sizeof av), NULL);
	return 0;
}

/* Store nw (stolen) unless dry, and reply with code. Lock held. */
static void finish(struct sim *s, const struct api_target *t, json_t *nw, bool dry, int code,
                   struct reply *rp)
{
	if (dry) {
		reply_json(rp, code, api_object_view(nw, t->res, t->version));
		json_decref(nw);
		return;
	}
	const json_t *stored = mutate_commit(s, t->res, nw);
	reply_json(rp, code, api_object_view(stored, t->res, t->version));
}

void mutate_create(struct sim *s, const struct request *rq, const struct api_target *t,
                   struct reply *rp)
{
	bool bad;
	bool dry = dry_run(rq, rp, &bad);
	if (bad)
		return;
	json_t *nw = parse_body(rq, ctype_is(rq->content_type, "application/yaml"), rp);
	if (!nw)
		return;
	char mbuf[160];
	pthread_mutex_lock(&s->lock);
	if (prepare_new(s, rq, t, nw, manager_of(rq, "unknown"), true, rp) == 0)
		finish(s, t, nw, dry, 201, rp);
	else
		json_decref(nw);
	pthread_mutex_unlock(&s->lock);
}

void mutate_update(struct sim *s, const struct request *rq, const struct api_target *t,
                   struct reply *rp)
{
	bool bad;
	bool dry = dry_run(rq, rp, &bad);
	if (bad)
		return;
	json_t *nw = parse_body(rq, ctype_is(rq->content_type, "application/yaml"), rp);
	if (!nw)
		return;
	char mbuf[160];
	pthread_mutex_lock(&s->lock);
	const json_t *cur = objects_get(&s->objs, t->res, t->ns, t->name);
	if (!cur)
		api_not_found(rp, t->res, t->name);
	else if (finalize(s, rq, t, cur, nw, manager_of(rq, "unknown"), "Update", rp) == 0) {
		finish(s, t, nw, dry, 200, rp);
		nw = NULL;
	}
	json_decref(nw);
	pthread_mutex_unlock(&s->lock);
}

static void reply_apply_conflict(struct reply *rp, json_t *conflicts)
{
	struct buf msg;
	buf_init(&msg);
	size_t n = json_array_size(conflicts);
	buf_printf(&msg, "Apply failed with %zu conflict%s: ", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		buf_printf(&msg, "%s%s", i ? "\n" : "", json_str(json_array_get(conflicts, i), "message"));
	reply_json(rp, 409, status_object(409, "Conflict", json_pack("{s:o}", "causes", conflicts),
	                                  buf_str(&msg)));
	buf_done(&msg);
}

static void do_apply(struct sim *s, const struct request *rq, const struct api_target *t,
                     bool dry, struct reply *rp)
{
	const char *manager = request_query(rq, "fieldManager");
	const char *force_s = request_query(rq, "force");
	bool force = force_s && strcmp(force_s, "true") == 0;
	char av[128], err[256] = "";
	if (!manager || !*manager) {
		json_t *c = json_array();
		json_array_append_new(c, cause("FieldValueRequired", "fieldManager",
		                               "Required value: is required for apply patch"));
		reply_json(rp, 422, status_object(422, "Invalid", json_pack("{s:o}", "causes", c),
		                                  "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"));
		return;
	}
	json_t *config = parse_body(rq, true, rp);
	if (!config)
		return;
	if (!json_is_object(config)) {
		json_decref(config);
		reply_status(rp, 400, "BadRequest", NULL, "the apply configuration must be an object");
		return;
	}
	resource_api_version(t->res, t->version, av, sizeof av);
	const char *ckind = json_str(config, "kind"), *capi = json_str(config, "apiVersion");
	if (!ckind || !capi || strcmp(ckind, resource_get(t->res)->kind) != 0 ||
	    resource_by_kind(s->channel, capi, ckind) != (int)t->res) {
		reply_status(rp, 400, "BadRequest", NULL,
		             "the apply configuration has apiVersion \"%s\" and kind \"%s\"; expected %s %s",
		             capi ? capi : "", ckind ? ckind : "", av, resource_get(t->res)->kind);
		json_decref(config);
		return;
	}
	pthread_mutex_lock(&s->lock);
	const json_t *cur = objects_get(&s->objs, t->res, t->ns, t->name);
	json_t *conflicts = NULL;
	const char *cfg_name = meta_str(config, "name");
	if (cfg_name && strcmp(cfg_name, t->name) != 0) {
		reply_status(rp, 400, "BadRequest", NULL, "the name of the object (%s) does not match the name on the URL (%s)", cfg_name, t->name);
		goto out;
	}
	json_t *nw = apply_config(cur, config, manager, force, av, &conflicts, err, sizeof err);
	if (!nw) {
		if (conflicts)
			reply_apply_conflict(rp, conflicts);
		else
			reply_status(rp, 400, "BadRequest", NULL, "%s", err);
		goto out;
	}
	if (!cur) {
		json_object_set_new(meta_of(nw), "name", json_string(t->name));
		if (prepare_new(s, rq, t, nw, manager, false, rp) == 0)
			finish(s, t, nw, dry, 201, rp);
		else
			json_decref(nw);
	} else if (finalize(s, rq, t, cur, nw, manager, NULL, rp) == 0) {
		finish(s, t, nw, dry, 200, rp);
	} else {
		json_decref(nw);
	}
out:
	pthread_mutex_unlock(&s->lock);
	json_decref(config);
}

void mutate_patch(struct sim *s, const struct request *rq, const struct api_target *t,
                  struct reply *rp)
{
	bool bad;
	bool dry = dry_run(rq, rp, &bad);
	if (bad)
		return;
	const char *ct = rq->content_type;
	const struct sim_resource *res = resource_get(t->res);
	int kind;
	if (ctype_is(ct, "application/merge-patch+json"))
		kind = 0;
	else if (ctype_is(ct, "application/json-patch+json"))
		kind = 1;
	else if (ctype_is(ct, "application/strategic-merge-patch+json") && !res->custom)
		kind = 0; /* core kinds: approximated by a merge patch (see --help) */
	else if (ctype_is(ct, "application/apply-patch+yaml")) {
		do_apply(s, rq, t, dry, rp);
		return;
	} else {
		reply_status(rp, 415, "UnsupportedMediaType", NULL,
		             "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
		return;
	}
	json_t *patch = parse_body(rq, false, rp);
	if (!patch)
		return;
	if (kind == 0 && !json_is_object(patch)) {
		json_decref(patch);
		reply_status(rp, 400, "BadRequest", NULL, "a merge patch must be a JSON object");
		return;
	}
	if (kind == 1 && !json_is_array(patch)) {
		json_decref(patch);
		reply_status(rp, 400, "BadRequest", NULL, "a JSON patch must be an array of operations");
		return;
	}
	pthread_mutex_lock(&s->lock);
	const json_t *cur = objects_get(&s->objs, t->res, t->ns, t->name);
	json_t *nw = NULL;
	char err[256];
	if (!cur) {
		api_not_found(rp, t->res, t->name);
	} else if (kind == 0) {
		nw = patch_merge(cur, patch);
	} else {
		nw = patch_json(cur, patch, err, sizeof err);
		if (!nw) {
			reply_status(rp, 422, "Invalid", NULL, "the server rejected our request due to an error in our request: %s", err);
		}
	}
	if (nw) {
		const char *dflt = kind == 0 ? "unknown-merge" : "unknown-jsonpatch";
		char mbuf[160];
		if (finalize(s, rq, t, cur, nw, manager_of(rq, dflt), "Update", rp) == 0)
			finish(s, t, nw, dry, 200, rp);
		else
			json_decref(nw);
	}
	pthread_mutex_unlock(&s->lock);
	json_decref(patch);
}
