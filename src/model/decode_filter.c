/* decode_filter.c: the one-line summary of each route filter (RequestHeaderModifier,
 * RequestRedirect, URLRewrite, RequestMirror, ExtensionRef, CORS, ExternalAuth, others by
 * type), read with the same checked field readers as decode.c. */
#include "jfield.h"
#include "gammatop/buf.h"
#include "gammatop/str.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void sep(struct buf *b, const char *s)
{
	if (b->len)
		buf_puts(b, s);
}

static void sum_header_mod(struct jf *c, const json_t *f, struct buf *b)
{
	static const char *ops[] = {"set", "add"};
	for (int k = 0; k < 2; k++) {
		size_t n;
		const json_t *l = jf_list(c, f, ops[k], &n);
		size_t o = jf_push_key(c, ops[k]);
		for (size_t i = 0; l && i < n && !c->failed; i++) {
			size_t o2;
			const json_t *h = jf_item(c, l, i, &o2);
			char *name = NULL, *value = NULL;
			jf_name(c, h, "name", &name);
			jf_str(c, h, "value", &value);
			if (!c->failed) {
				if (i) {
					buf_puts(b, ", ");
				} else {
					sep(b, "; ");
					buf_printf(b, "%s ", ops[k]);
				}
				buf_printf(b, "%s=%s", name, str_or(value, ""));
			}
			free(name);
			free(value);
			jf_pop(c, o2);
		}
		jf_pop(c, o);
	}
	size_t n;
	char **rm = jf_strv(c, f, "remove", &n);
	for (size_t i = 0; rm && i < n; i++) {
		if (!i) {
			sep(b, "; ");
			buf_puts(b, "remove ");
		}
		buf_printf(b, "%s%s", i ? ", " : "", str_or(rm[i], ""));
		free(rm[i]);
	}
	free(rm);
}

static void sum_path_mod(struct jf *c, const json_t *f, struct buf *b)
{
	const json_t *p = jf_obj(c, f, "path");
	if (!p)
		return;
	size_t o = jf_push_key(c, "path");
	char *type = NULL, *full = NULL, *prefix = NULL;
	jf_str(c, p, "type", &type);
	jf_str(c, p, "replaceFullPath", &full);
	jf_str(c, p, "replacePrefixMatch", &prefix);
	if (str_eq(type, "ReplacePrefixMatch") || (!type && prefix))
		buf_printf(b, " prefix=%s", str_or(prefix, "?"));
	else
		buf_printf(b, " path=%s", str_or(full, "?"));
	free(type);
	free(full);
	free(prefix);
	jf_pop(c, o);
}

static void sum_ref(struct jf *c, const json_t *r, struct buf *b)
{
	char *kind = NULL, *ns = NULL, *name = NULL;
	int port = 0;
	jf_str(c, r, "kind", &kind);
	jf_str(c, r, "namespace", &ns);
	jf_name(c, r, "name", &name);
	jf_int(c, r, "port", 1, 65535, &port);
	if (kind && strcmp(kind, "Service"))
		buf_printf(b, "%s ", kind);
	if (ns && !str_eq(ns, c->ns))
		buf_printf(b, "%s/", ns);
	buf_puts(b, str_or(name, "?"));
	if (port)
		buf_printf(b, ":%d", port);
	free(kind);
	free(ns);
	free(name);
}

static void sum_strv(struct jf *c, const json_t *f, const char *key, const char *label,
                     struct buf *b)
{
	size_t n;
	char **v = jf_strv(c, f, key, &n);
	for (size_t i = 0; v && i < n; i++) {
		buf_printf(b, "%s%s", i ? "," : label, str_or(v[i], ""));
		free(v[i]);
	}
	free(v);
}

static void sum_redirect(struct jf *c, const json_t *f, struct buf *b)
{
	char *scheme = NULL, *host = NULL;
	int port = 0, status = 0;
	jf_str(c, f, "scheme", &scheme);
	jf_str(c, f, "hostname", &host);
	jf_int(c, f, "port", 1, 65535, &port);
	jf_int(c, f, "statusCode", 100, 599, &status);
	if (scheme)
		buf_printf(b, " scheme=%s", scheme);
	if (host)
		buf_printf(b, " host=%s", host);
	if (port)
		buf_printf(b, " port=%d", port);
	sum_path_mod(c, f, b);
	if (status)
		buf_printf(b, " status=%d", status);
	free(scheme);
	free(host);
}

static void sum_rewrite(struct jf *c, const json_t *f, struct buf *b)
{
	char *host = NULL;
	jf_str(c, f, "hostname", &host);
	if (host)
		buf_printf(b, " host=%s", host);
	sum_path_mod(c, f, b);
	free(host);
}

static void sum_mirror(struct jf *c, const json_t *f, struct buf *b)
{
	const json_t *r = jf_obj(c, f, "backendRef");
	size_t o = jf_push_key(c, "backendRef");
	buf_putc(b, ' ');
	sum_ref(c, r, b);
	jf_pop(c, o);
	int percent = -1;
	int64_t num = -1, den = 100;
	jf_int(c, f, "percent", 0, 100, &percent);
	const json_t *fr = jf_obj(c, f, "fraction");
	o = jf_push_key(c, "fraction");
	jf_int64(c, fr, "numerator", 0, INT32_MAX, &num);
	jf_int64(c, fr, "denominator", 1, INT32_MAX, &den);
	jf_pop(c, o);
	if (percent >= 0)
		buf_printf(b, " (%d%%)", percent);
	else if (num >= 0)
		buf_printf(b, " (%" PRId64 "/%" PRId64 ")", num, den);
}

static void sum_extension(struct jf *c, const json_t *f, struct buf *b)
{
	char *group = NULL, *kind = NULL, *name = NULL;
	jf_str(c, f, "group", &group);
	jf_str(c, f, "kind", &kind);
	jf_str(c, f, "name", &name);
	buf_printf(b, " %s%s%s %s", str_or(kind, "?"), str_empty(group) ? "" : ".",
	           group ? group : "", str_or(name, "?"));
	free(group);
	free(kind);
	free(name);
}

static void sum_cors(struct jf *c, const json_t *f, struct buf *b)
{
	int cred = -1, age = -1;
	sum_strv(c, f, "allowOrigins", " origins=", b);
	sum_strv(c, f, "allowMethods", " methods=", b);
	sum_strv(c, f, "allowHeaders", " headers=", b);
	sum_strv(c, f, "exposeHeaders", " expose=", b);
	jf_bool(c, f, "allowCredentials", &cred);
	jf_int(c, f, "maxAge", 0, INT32_MAX, &age);
	if (cred >= 0)
		buf_printf(b, " credentials=%s", cred ? "true" : "false");
	if (age >= 0)
		buf_printf(b, " maxAge=%ds", age);
}

static void sum_external_auth(struct jf *c, const json_t *f, struct buf *b)
{
	char *proto = NULL;
	jf_str(c, f, "protocol", &proto);
	if (proto)
		buf_printf(b, " %s", proto);
	free(proto);
	const json_t *r = jf_obj(c, f, "backendRef");
	if (r) {
		buf_puts(b, " via ");
		size_t o = jf_push_key(c, "backendRef");
		sum_ref(c, r, b);
		jf_pop(c, o);
	}
}

static const struct {
	const char *type, *field, *label;
	const char *absent; /* appended when the field is missing (or said nothing) */
	void (*fn)(struct jf *c, const json_t *f, struct buf *b);
} filters[] = {
	{"RequestHeaderModifier", "requestHeaderModifier", "", "no changes", sum_header_mod},
	{"ResponseHeaderModifier", "responseHeaderModifier", "", "no changes", sum_header_mod},
	{"RequestRedirect", "requestRedirect", "redirect", "", sum_redirect},
	{"URLRewrite", "urlRewrite", "rewrite", "", sum_rewrite},
	{"RequestMirror", "requestMirror", "mirror to", " ?", sum_mirror},
	{"ExtensionRef", "extensionRef", "extension", " ?", sum_extension},
	{"CORS", "cors", "cors", "", sum_cors},
	{"ExternalAuth", "externalAuth", "external auth", "", sum_external_auth},
};

/* See jfield.h. */
void decode_filter_summary(struct jf *c, const json_t *j, const char *type, struct buf *b)
{
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		if (strcmp(type, filters[i].type))
			continue;
		buf_puts(b, filters[i].label);
		const json_t *f = jf_obj(c, j, filters[i].field);
		size_t o = jf_push_key(c, filters[i].field);
		if (f)
			filters[i].fn(c, f, b);
		jf_pop(c, o);
		if (!f || !b->len)
			buf_puts(b, filters[i].absent);
		return;
	}
	buf_puts(b, type);
}
