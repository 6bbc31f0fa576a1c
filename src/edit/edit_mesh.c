/* edit_mesh.c: mesh awareness for the editor. Linkerd reads a route's retries from its
 * retry.linkerd.io annotations and ignores the Gateway API `retry` field; timeouts come
 * from timeout.linkerd.io/request or the route's timeouts. Here: detecting Linkerd from the
 * route, reading the effective policy, and the annotation patch that writes a policy the way
 * Linkerd reads it (see edit.h). Pure code. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit_int.h"
#include "gammatop/buf.h"
#include "gammatop/edit.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

static const json_t *annotations(const json_t *route)
{
	return json_object_get(json_object_get(route, "metadata"), "annotations");
}

static const char *annotation(const json_t *route, const char *key)
{
	return json_string_value(json_object_get(annotations(route), key));
}

bool edit_linkerd_detect(const json_t *route)
{
	const json_t *ann = annotations(route);
	const char *key;
	const json_t *v;
	if (json_is_object(ann))
		json_object_foreach((json_t *)ann, key, v)
			if (str_starts(key, "retry.linkerd.io/") || str_starts(key, "timeout.linkerd.io/"))
				return true;
	const json_t *parents = json_object_get(json_object_get(route, "status"), "parents");
	size_t i;
	json_array_foreach(parents, i, v) {
		const char *cn = json_string_value(json_object_get(v, "controllerName"));
		if (cn && str_starts(cn, "linkerd.io/"))
			return true;
	}
	return false;
}

/* A rule's spec timeouts string field, or NULL. */
static const char *rule_timeout(const json_t *route, int rule, const char *key)
{
	const json_t *rules = json_object_get(json_object_get(route, "spec"), "rules");
	const json_t *r = json_array_get(rules, rule < 0 ? 0 : (size_t)rule);
	return json_string_value(json_object_get(json_object_get(r, "timeouts"), key));
}

static void copy_dur(char *dst, size_t n, bool *has, const char *v)
{
	*has = v && strlen(v) < n;
	if (*has)
		str_copy(dst, v, n);
}

void edit_linkerd_effective(const json_t *route, int rule, struct policy *p, char *classes,
                            size_t classes_len)
{
	policy_init(p);
	if (classes && classes_len)
		classes[0] = '\0';
	const char *req = annotation(route, EDIT_LINKERD_REQUEST);
	copy_dur(p->request, sizeof p->request, &p->has_request,
	         req ? req : rule_timeout(route, rule, "request"));
	const char *try_to = annotation(route, EDIT_LINKERD_TRY_TIMEOUT);
	copy_dur(p->backend_request, sizeof p->backend_request, &p->has_backend_request,
	         try_to ? try_to : rule_timeout(route, rule, "backendRequest"));
	const char *limit = annotation(route, EDIT_LINKERD_LIMIT);
	const char *http = annotation(route, EDIT_LINKERD_HTTP);
	if (!limit && !http)
		return;
	p->has_retry = true;
	if (limit) {
		char *end;
		long v = strtol(limit, &end, 10);
		if (*limit && !*end && v >= 0 && v <= 1000000)
			p->attempts = (int)v;
	}
	if (!http)
		return;
	struct buf cls;
	buf_init(&cls);
	char **items = str_split(http, ',', NULL);
	for (char **it = items; it && *it; it++) {
		char *s = *it;
		while (isspace((unsigned char)*s))
			s++;
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			s[--len] = '\0';
		if (!len)
			continue;
		char *end;
		long v = strtol(s, &end, 10);
		if (isdigit((unsigned char)*s) && !*end && v >= 100 && v <= 599 &&
		    p->n_codes < POLICY_MAX_CODES)
			p->codes[p->n_codes++] = (int)v;
		else
			buf_printf(&cls, "%s%s", cls.len ? "," : "", s);
	}
	str_list_free(items);
	if (classes && classes_len)
		str_sanitize_into(classes, classes_len, buf_str(&cls));
	buf_done(&cls);
}

/* Put key: value (NULL = delete) into patch when it differs from what route has; an absent
 * annotation whose value Linkerd already takes from the spec (spec) is not written. */
static void want_spec(json_t *patch, const json_t *route, const char *key, const char *value,
                      const char *spec)
{
	const char *have = annotation(route, key);
	if (str_eq(have, value) || (!have && value && str_eq(spec, value)))
		return;
	if (!value && !json_object_get(annotations(route), key))
		return;
	json_object_set_new(patch, key, value ? json_string(value) : json_null());
}

static void want(json_t *patch, const json_t *route, const char *key, const char *value)
{
	want_spec(patch, route, key, value, NULL);
}

json_t *edit_mesh_annotation_patch(const json_t *route, int rule, const struct policy *target)
{
	json_t *patch = json_object();
	want_spec(patch, route, EDIT_LINKERD_REQUEST, target->has_request ? target->request : NULL,
	          rule_timeout(route, rule, "request"));
	want_spec(patch, route, EDIT_LINKERD_TRY_TIMEOUT,
	          target->has_backend_request ? target->backend_request : NULL,
	          rule_timeout(route, rule, "backendRequest"));
	char limit[16];
	snprintf(limit, sizeof limit, "%d", target->attempts);
	want(patch, route, EDIT_LINKERD_LIMIT,
	     target->has_retry && target->attempts >= 0 ? limit : NULL);
	if (!target->has_retry) {
		want(patch, route, EDIT_LINKERD_HTTP, NULL);
		return patch;
	}
	/* Keep the annotation as written (classes such as 5xx included) when the codes it names
	 * are the ones asked for; else list the codes, or Linkerd's usual 5xx when none. */
	struct policy cur;
	edit_linkerd_effective(route, 0, &cur, NULL, 0);
	const char *have = annotation(route, EDIT_LINKERD_HTTP);
	bool same = have && cur.n_codes == target->n_codes;
	for (size_t i = 0; same && i < cur.n_codes; i++)
		same = cur.codes[i] == target->codes[i];
	if (same)
		return patch;
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < target->n_codes; i++)
		buf_printf(&b, "%s%d", i ? "," : "", target->codes[i]);
	want(patch, route, EDIT_LINKERD_HTTP, b.len ? buf_str(&b) : "5xx");
	buf_done(&b);
	return patch;
}

char *edit_mesh_sanitize_lines(const char *text)
{
	struct buf b;
	buf_init(&b);
	const char *p = text ? text : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		char *safe = str_sanitize(line);
		buf_puts(&b, safe);
		free(safe);
		free(line);
		if (nl)
			buf_putc(&b, '\n');
		p += len + (nl ? 1 : 0);
	}
	return buf_steal(&b);
}
