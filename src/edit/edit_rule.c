/* edit_rule.c: a route rule's identity, for finding "the rule that was changed" again after
 * the route moved on: its name (GEP-995) when it has one, else its matches and backends in a
 * canonical form. Indexes are not identities: a colleague who inserts a rule in front shifts
 * every index after it. The key is compact JSON (sorted keys) so it can be stored in the
 * audit log and compared as text; finding it refuses when the rule is gone or when more than
 * one rule fits (see edit.h). Pure: no I/O. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit_int.h"
#include "gammatop/buf.h"
#include "gammatop/edit.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

/* The API server's defaults for what a rule matches, from the Gateway API v1.6.1 HTTPRoute
 * CRD (config/crd/experimental/gateway.networking.k8s.io_httproutes.yaml): rules[].matches
 * defaults to [{path: {type: PathPrefix, value: /}}], a match's path to {type: PathPrefix,
 * value: /} (type and value each default too), headers[].type and queryParams[].type to
 * Exact; backendRefs[].group to "" and kind to Service. Applied here so that a rule written
 * with and without the defaults has one identity (the sim and a real server fill them in). */
static json_t *default_path(void)
{
	return json_pack("{s:s,s:s}", "type", "PathPrefix", "value", "/");
}

static void default_type(json_t *list)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (json_is_object(x) && !json_is_string(json_object_get(x, "type")))
			json_object_set_new(x, "type", json_string("Exact"));
}

static json_t *norm_matches(const json_t *matches)
{
	json_t *out = json_array();
	if (!json_is_array(matches) || !json_array_size(matches)) {
		json_array_append_new(out, json_pack("{s:o}", "path", default_path()));
		return out;
	}
	size_t i;
	const json_t *m;
	json_array_foreach(matches, i, m) {
		json_t *c = json_is_object(m) ? json_deep_copy(m) : json_object();
		json_t *p = json_object_get(c, "path");
		if (!json_is_object(p)) {
			json_object_set_new(c, "path", default_path());
		} else {
			if (!json_is_string(json_object_get(p, "type")))
				json_object_set_new(p, "type", json_string("PathPrefix"));
			if (!json_is_string(json_object_get(p, "value")))
				json_object_set_new(p, "value", json_string("/"));
		}
		default_type(json_object_get(c, "headers"));
		default_type(json_object_get(c, "queryParams"));
		json_array_append_new(out, c);
	}
	return out;
}

/* Where the rule sends traffic: group, kind, namespace, name, port (not weights or filters:
 * shifting weight between backends does not make it another rule). */
static json_t *norm_backends(const json_t *refs)
{
	json_t *out = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(refs, i, r) {
		if (!json_is_object(r))
			continue;
		json_t *c = json_object();
		const char *g = json_string_value(json_object_get(r, "group"));
		const char *k = json_string_value(json_object_get(r, "kind"));
		json_object_set_new(c, "group", json_string(g ? g : ""));
		json_object_set_new(c, "kind", json_string(k ? k : "Service"));
		static const char *const keep[] = {"name", "namespace", "port"};
		for (size_t j = 0; j < 3; j++) {
			json_t *v = json_object_get(r, keep[j]);
			if (v)
				json_object_set(c, keep[j], v);
		}
		json_array_append_new(out, c);
	}
	return out;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

char *edit_rule_key_of(const json_t *rule)
{
	const char *name = json_string_value(json_object_get(rule, "name"));
	if (name && *name)
		return dump(json_pack("{s:s}", "name", name));
	return dump(json_pack("{s:o,s:o}", "matches", norm_matches(json_object_get(rule, "matches")),
	                      "backendRefs", norm_backends(json_object_get(rule, "backendRefs"))));
}

/* The parts of a key, as canonical text ("" when absent). */
struct parts {
	char *name, *matches, *backends;
};

static void parts_of(const json_t *k, struct parts *p)
{
	const char *n = json_string_value(json_object_get(k, "name"));
	p->name = n ? xstrdup(n) : NULL;
	json_t *m = json_object_get(k, "matches"), *b = json_object_get(k, "backendRefs");
	p->matches = m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	p->backends = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

static void parts_done(struct parts *p)
{
	free(p->name);
	free(p->matches);
	free(p->backends);
}

static void rule_parts(const json_t *rule, struct parts *p)
{
	const char *n = json_string_value(json_object_get(rule, "name"));
	p->name = n && *n ? xstrdup(n) : NULL;
	p->matches = dump(norm_matches(json_object_get(rule, "matches")));
	p->backends = dump(norm_backends(json_object_get(rule, "backendRefs")));
}

void edit_rule_key_describe(const char *key, char *buf, size_t n)
{
	json_t *k = key ? json_loads(key, 0, NULL) : NULL;
	const char *name = json_string_value(json_object_get(k, "name"));
	if (name) {
		snprintf(buf, n, "the rule named \"%s\"", name);
	} else if (json_is_object(k)) {
		struct buf b;
		buf_init(&b);
		size_t i;
		const json_t *m;
		json_array_foreach(json_object_get(k, "matches"), i, m) {
			const json_t *p = json_object_get(m, "path");
			buf_printf(&b, "%s%s %s", i ? ", " : "",
			           str_or(json_string_value(json_object_get(p, "type")), "?"),
			           str_or(json_string_value(json_object_get(p, "value")), "?"));
			if (json_object_get(m, "headers") || json_object_get(m, "queryParams") ||
			    json_object_get(m, "method"))
				buf_puts(&b, " (+headers/params/method)");
		}
		buf_puts(&b, " to ");
		const json_t *r;
		json_array_foreach(json_object_get(k, "backendRefs"), i, r) {
			buf_printf(&b, "%s%s", i ? ", " : "",
			           str_or(json_string_value(json_object_get(r, "name")), "?"));
			if (json_is_integer(json_object_get(r, "port")))
				buf_printf(&b, ":%lld",
				           (long long)json_integer_value(json_object_get(r, "port")));
		}
		if (!json_array_size(json_object_get(k, "backendRefs")))
			buf_puts(&b, "no backend");
		char *raw = xasprintf("the rule matching %s", buf_str(&b));
		str_sanitize_into(buf, n, raw);
		free(raw);
		buf_done(&b);
	} else {
		snprintf(buf, n, "the rule (its stored identity cannot be read)");
	}
	json_decref(k);
}

int edit_rule_find(const json_t *route, const char *key, char *why, size_t n)
{
	json_t *k = key ? json_loads(key, 0, NULL) : NULL;
	char desc[256];
	edit_rule_key_describe(key, desc, sizeof desc);
	if (!json_is_object(k)) {
		json_decref(k);
		snprintf(why, n, "%s", desc);
		return EDIT_RULE_GONE;
	}
	struct parts want;
	parts_of(k, &want);
	json_decref(k);
	const json_t *rules = json_object_get(json_object_get(route, "spec"), "rules");
	size_t count = json_array_size(rules);
	int *by_match = xcalloc(count + 1, sizeof *by_match);
	size_t nm = 0, nb = 0;
	int found = -1, both = -1;
	for (size_t i = 0; i < count; i++) {
		struct parts have;
		rule_parts(json_array_get(rules, i), &have);
		if (want.name) {
			if (have.name && !strcmp(have.name, want.name))
				by_match[nm++] = (int)i;
		} else if (want.matches && !strcmp(have.matches, want.matches)) {
			by_match[nm++] = (int)i;
			if (want.backends && !strcmp(have.backends, want.backends)) {
				nb++;
				both = (int)i;
			}
		}
		parts_done(&have);
	}
	if (nm == 1)
		found = by_match[0];
	else if (nm > 1 && nb == 1)
		found = both; /* the same matches twice, told apart by where they send traffic */
	if (found < 0 && nm > 1) {
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < nm; i++)
			buf_printf(&b, "%s%d", i ? (i + 1 == nm ? " and " : ", ") : "", by_match[i]);
		snprintf(why, n, "%s is ambiguous: rules %s all fit it", desc, buf_str(&b));
		buf_done(&b);
		found = EDIT_RULE_AMBIGUOUS;
	} else if (found < 0) {
		snprintf(why, n, "%s is gone (no rule of the route has %s)", desc,
		         want.name ? "that name" : "those matches");
		found = EDIT_RULE_GONE;
	}
	free(by_match);
	parts_done(&want);
	return found;
}
