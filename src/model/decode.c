/* decode.c: Kubernetes API JSON -> typed gt_object (see decode.h). Every field is read through
 * a few checked helpers that know the field path, so hostile input ends in one clear error
 * ("httproute/default/web: spec.rules[0].backendRefs[1].port: expected an integer 1-65535").
 * Failure is sticky: after the first error the helpers do nothing and the half-built object
 * is freed. No json_t is kept in the objects. */
#include "gammatop/decode.h"
#include "gammatop/buf.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_CAP 1024     /* items in any list (the CRDs allow at most 64) */
#define MAP_CAP 10000     /* labels, annotations, matchLabels */
#define SUMMARY_MAX 400   /* bytes of a filter summary */

struct dctx {
	char *err;
	size_t errlen;
	bool failed;
	char id[320];   /* "httproute/default/web" (sanitised) */
	char path[512]; /* "spec.rules[0].backendRefs[1]" */
	size_t plen;
	const char *ns; /* the object's namespace (default for references) */
};

/* ---- field paths and errors ---- */

static size_t push(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t push(struct dctx *c, const char *fmt, ...)
{
	size_t old = c->plen;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->path + c->plen, sizeof c->path - c->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen = c->plen + (size_t)n < sizeof c->path ? c->plen + (size_t)n : sizeof c->path - 1;
	return old;
}

static void pop(struct dctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

/* Push ".key" (or "key" at the top). */
static size_t push_key(struct dctx *c, const char *key)
{
	return push(c, c->plen ? ".%s" : "%s", key);
}

static void fail(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct dctx *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = true;
	if (!c->err || !c->errlen)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->plen)
		snprintf(c->err, c->errlen, "%s: %s: %s", c->id, c->path, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->id, msg);
}

static void fail_at(struct dctx *c, const char *key, const char *msg)
{
	size_t o = push_key(c, key);
	fail(c, "%s", msg);
	pop(c, o);
}

/* ---- typed field readers: absent or null leaves *out alone ---- */

static const json_t *field(struct dctx *c, const json_t *obj, const char *key)
{
	if (c->failed || !obj)
		return NULL;
	const json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

static char *str_of(struct dctx *c, const json_t *v)
{
	if (!json_is_string(v)) {
		fail(c, "expected a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		fail(c, "contains a NUL character");
		return NULL;
	}
	return xstrdup(s);
}

static void get_str(struct dctx *c, const json_t *obj, const char *key, char **out)
{
	const json_t *v = field(c, obj, key);
	if (!v)
		return;
	size_t o = push_key(c, key);
	char *s = str_of(c, v);
	pop(c, o);
	if (s) {
		free(*out);
		*out = s;
	}
}

/* Set *out to a copy of def when it is still NULL. */
static void dflt(char **out, const char *def)
{
	if (!*out)
		*out = xstrdup(def);
}

static void get_name(struct dctx *c, const json_t *obj, const char *key, char **out)
{
	get_str(c, obj, key, out);
	if (!c->failed && str_empty(*out))
		fail_at(c, key, *out ? "must not be empty" : "required");
}

static bool int_of(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d == floor(d) && d > -9.2e18 && d < 9.2e18) {
			*out = (int64_t)d;
			return true;
		}
	}
	return false;
}

static void get_int64(struct dctx *c, const json_t *obj, const char *key, int64_t min,
                      int64_t max, int64_t *out)
{
	const json_t *v = field(c, obj, key);
	int64_t x;
	if (!v)
		return;
	if (!int_of(v, &x) || x < min || x > max) {
		size_t o = push_key(c, key);
		fail(c, "expected an integer %" PRId64 "-%" PRId64, min, max);
		pop(c, o);
		return;
	}
	*out = x;
}

static void get_int(struct dctx *c, const json_t *obj, const char *key, int min, int max, int *out)
{
	int64_t x = *out;
	get_int64(c, obj, key, min, max, &x);
	*out = (int)x;
}

static void get_bool(struct dctx *c, const json_t *obj, const char *key, int *out)
{
	const json_t *v = field(c, obj, key);
	if (!v)
		return;
	if (!json_is_boolean(v))
		fail_at(c, key, "expected true or false");
	else
		*out = json_is_true(v);
}

static const json_t *get_obj(struct dctx *c, const json_t *obj, const char *key)
{
	const json_t *v = field(c, obj, key);
	if (v && !json_is_object(v)) {
		fail_at(c, key, "expected an object");
		return NULL;
	}
	return v;
}

/* A list; returns NULL when absent or bad, else *n items (at most LIST_CAP). */
static const json_t *get_list(struct dctx *c, const json_t *obj, const char *key, size_t *n)
{
	*n = 0;
	const json_t *v = field(c, obj, key);
	if (!v)
		return NULL;
	size_t o = push_key(c, key);
	if (!json_is_array(v))
		fail(c, "expected a list");
	else if (json_array_size(v) > LIST_CAP)
		fail(c, "%zu items is too many (at most %d)", json_array_size(v), LIST_CAP);
	else
		*n = json_array_size(v);
	pop(c, o);
	return c->failed ? NULL : v;
}

/* Item i of a list of objects, with "[i]" pushed (the caller pops *old). NULL when bad. */
static const json_t *item_obj(struct dctx *c, const json_t *list, size_t i, size_t *old)
{
	*old = push(c, "[%zu]", i);
	const json_t *v = json_array_get(list, i);
	if (!json_is_object(v)) {
		fail(c, "expected an object");
		return NULL;
	}
	return v;
}

/* A list of strings into a new array. */
static char **get_strv(struct dctx *c, const json_t *obj, const char *key, size_t *n)
{
	const json_t *l = get_list(c, obj, key, n);
	if (!l || !*n)
		return NULL;
	char **v = xcalloc(*n, sizeof *v);
	size_t o = push_key(c, key);
	for (size_t i = 0; i < *n && !c->failed; i++) {
		size_t o2 = push(c, "[%zu]", i);
		v[i] = str_of(c, json_array_get(l, i));
		pop(c, o2);
	}
	pop(c, o);
	return v;
}

/* A map of string -> string. */
static void get_map(struct dctx *c, const json_t *obj, const char *key, struct gt_kvlist *out)
{
	const json_t *m = get_obj(c, obj, key);
	if (!m)
		return;
	size_t n = json_object_size(m);
	size_t o = push_key(c, key);
	if (n > MAP_CAP) {
		fail(c, "%zu entries is too many (at most %d)", n, MAP_CAP);
		pop(c, o);
		return;
	}
	out->items = xcalloc(n ? n : 1, sizeof *out->items);
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)m, k, v) {
		if (c->failed)
			break;
		/* Huge and useless to gammatop: kubectl's copy of the whole object. */
		if (!strcmp(k, "kubectl.kubernetes.io/last-applied-configuration"))
			continue;
		size_t o2 = push_key(c, k);
		char *s = str_of(c, v);
		pop(c, o2);
		if (!s)
			break;
		out->items[out->n].key = xstrdup(k);
		out->items[out->n].value = s;
		out->n++;
	}
	pop(c, o);
}

/* ---- shared pieces ---- */

static void conditions(struct dctx *c, const json_t *obj, struct gt_conditions *out)
{
	size_t n;
	const json_t *l = get_list(c, obj, "conditions", &n);
	if (!l || !n)
		return;
	out->items = xcalloc(n, sizeof *out->items);
	out->n = n;
	size_t o = push_key(c, "conditions");
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *j = item_obj(c, l, i, &o2);
		struct gt_condition *k = &out->items[i];
		get_str(c, j, "type", &k->type);
		get_str(c, j, "status", &k->status);
		get_str(c, j, "reason", &k->reason);
		get_str(c, j, "message", &k->message);
		get_int64(c, j, "observedGeneration", 0, INT64_MAX, &k->observed_generation);
		pop(c, o2);
	}
	pop(c, o);
}

static void selector(struct dctx *c, const json_t *obj, const char *key, struct gt_selector *s)
{
	const json_t *j = get_obj(c, obj, key);
	if (!j)
		return;
	size_t o = push_key(c, key);
	s->present = true;
	get_map(c, j, "matchLabels", &s->match_labels);
	size_t n;
	const json_t *l = get_list(c, j, "matchExpressions", &n);
	if (l && n) {
		s->exprs = xcalloc(n, sizeof *s->exprs);
		s->n_exprs = n;
		size_t o1 = push_key(c, "matchExpressions");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *e = item_obj(c, l, i, &o2);
			struct gt_label_req *r = &s->exprs[i];
			get_name(c, e, "key", &r->key);
			get_name(c, e, "operator", &r->op);
			if (!c->failed && !str_eq(r->op, "In") && !str_eq(r->op, "NotIn") &&
			    !str_eq(r->op, "Exists") && !str_eq(r->op, "DoesNotExist"))
				fail_at(c, "operator", "expected In, NotIn, Exists or DoesNotExist");
			r->values = get_strv(c, e, "values", &r->n_values);
			pop(c, o2);
		}
		pop(c, o1);
	}
	pop(c, o);
}

/* A parentRef with the API server's defaults. */
static void parent_ref(struct dctx *c, const json_t *j, struct gt_parent_ref *p)
{
	get_str(c, j, "group", &p->group);
	if (p->group && !strcmp(p->group, "core"))
		p->group[0] = '\0';
	dflt(&p->group, GW_GROUP);
	get_str(c, j, "kind", &p->kind);
	dflt(&p->kind, "Gateway");
	get_str(c, j, "namespace", &p->namespace_);
	dflt(&p->namespace_, c->ns);
	get_name(c, j, "name", &p->name);
	get_str(c, j, "sectionName", &p->section_name);
	get_int(c, j, "port", 1, 65535, &p->port);
}

static void backend_ref(struct dctx *c, const json_t *j, struct gt_backend_ref *b)
{
	get_str(c, j, "group", &b->group);
	if (b->group && !strcmp(b->group, "core"))
		b->group[0] = '\0';
	dflt(&b->group, "");
	get_str(c, j, "kind", &b->kind);
	dflt(&b->kind, "Service");
	get_str(c, j, "namespace", &b->namespace_);
	dflt(&b->namespace_, c->ns);
	get_name(c, j, "name", &b->name);
	get_int(c, j, "port", 1, 65535, &b->port);
	b->weight = 1;
	get_int(c, j, "weight", 0, 1000000, &b->weight);
}

/* ---- filters: one line a person can read ---- */

static void sep(struct buf *b, const char *s)
{
	if (b->len)
		buf_puts(b, s);
}

static void sum_header_mod(struct dctx *c, const json_t *f, struct buf *b)
{
	static const char *ops[] = {"set", "add"};
	for (int k = 0; k < 2; k++) {
		size_t n;
		const json_t *l = get_list(c, f, ops[k], &n);
		size_t o = push_key(c, ops[k]);
		for (size_t i = 0; l && i < n && !c->failed; i++) {
			size_t o2;
			const json_t *h = item_obj(c, l, i, &o2);
			char *name = NULL, *value = NULL;
			get_name(c, h, "name", &name);
			get_str(c, h, "value", &value);
			if (!c->failed) {
				buf_puts(b, i ? ", " : (sep(b, "; "), ops[k]));
				buf_printf(b, "%s%s=%s", i ? "" : " ", name, str_or(value, ""));
			}
			free(name);
			free(value);
			pop(c, o2);
		}
		pop(c, o);
	}
	size_t n;
	char **rm = get_strv(c, f, "remove", &n);
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

static void sum_path_mod(struct dctx *c, const json_t *f, struct buf *b)
{
	const json_t *p = get_obj(c, f, "path");
	if (!p)
		return;
	size_t o = push_key(c, "path");
	char *type = NULL, *full = NULL, *prefix = NULL;
	get_str(c, p, "type", &type);
	get_str(c, p, "replaceFullPath", &full);
	get_str(c, p, "replacePrefixMatch", &prefix);
	if (str_eq(type, "ReplacePrefixMatch") || (!type && prefix))
		buf_printf(b, " prefix=%s", str_or(prefix, "?"));
	else
		buf_printf(b, " path=%s", str_or(full, "?"));
	free(type);
	free(full);
	free(prefix);
	pop(c, o);
}

static void sum_ref(struct dctx *c, const json_t *r, struct buf *b)
{
	char *kind = NULL, *ns = NULL, *name = NULL;
	int port = 0;
	get_str(c, r, "kind", &kind);
	get_str(c, r, "namespace", &ns);
	get_name(c, r, "name", &name);
	get_int(c, r, "port", 1, 65535, &port);
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

static void sum_strv(struct dctx *c, const json_t *f, const char *key, const char *label,
                     struct buf *b)
{
	size_t n;
	char **v = get_strv(c, f, key, &n);
	for (size_t i = 0; v && i < n; i++) {
		buf_printf(b, "%s%s", i ? "," : label, str_or(v[i], ""));
		free(v[i]);
	}
	free(v);
}

static void filter_summary(struct dctx *c, const json_t *j, const char *type, struct buf *b)
{
	const json_t *f;
	if (!strcmp(type, "RequestHeaderModifier") || !strcmp(type, "ResponseHeaderModifier")) {
		const char *key = type[1] == 'e' && type[2] == 'q' ? "requestHeaderModifier"
		                                                   : "responseHeaderModifier";
		size_t o = push_key(c, key);
		if ((f = get_obj(c, j, key)))
			sum_header_mod(c, f, b);
		pop(c, o);
		if (!b->len)
			buf_puts(b, "no changes");
	} else if (!strcmp(type, "RequestRedirect")) {
		buf_puts(b, "redirect");
		size_t o = push_key(c, "requestRedirect");
		if ((f = get_obj(c, j, "requestRedirect"))) {
			char *scheme = NULL, *host = NULL;
			int port = 0, status = 0;
			get_str(c, f, "scheme", &scheme);
			get_str(c, f, "hostname", &host);
			get_int(c, f, "port", 1, 65535, &port);
			get_int(c, f, "statusCode", 100, 599, &status);
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
		pop(c, o);
	} else if (!strcmp(type, "URLRewrite")) {
		buf_puts(b, "rewrite");
		size_t o = push_key(c, "urlRewrite");
		if ((f = get_obj(c, j, "urlRewrite"))) {
			char *host = NULL;
			get_str(c, f, "hostname", &host);
			if (host)
				buf_printf(b, " host=%s", host);
			sum_path_mod(c, f, b);
			free(host);
		}
		pop(c, o);
	} else if (!strcmp(type, "RequestMirror")) {
		buf_puts(b, "mirror to ");
		size_t o = push_key(c, "requestMirror");
		if ((f = get_obj(c, j, "requestMirror"))) {
			const json_t *r = get_obj(c, f, "backendRef");
			size_t o2 = push_key(c, "backendRef");
			sum_ref(c, r, b);
			pop(c, o2);
			int percent = -1;
			int64_t num = -1, den = 100;
			get_int(c, f, "percent", 0, 100, &percent);
			const json_t *fr = get_obj(c, f, "fraction");
			size_t o3 = push_key(c, "fraction");
			get_int64(c, fr, "numerator", 0, INT32_MAX, &num);
			get_int64(c, fr, "denominator", 1, INT32_MAX, &den);
			pop(c, o3);
			if (percent >= 0)
				buf_printf(b, " (%d%%)", percent);
			else if (num >= 0)
				buf_printf(b, " (%" PRId64 "/%" PRId64 ")", num, den);
		} else {
			buf_puts(b, "?");
		}
		pop(c, o);
	} else if (!strcmp(type, "ExtensionRef")) {
		buf_puts(b, "extension ");
		size_t o = push_key(c, "extensionRef");
		if ((f = get_obj(c, j, "extensionRef"))) {
			char *group = NULL, *kind = NULL, *name = NULL;
			get_str(c, f, "group", &group);
			get_str(c, f, "kind", &kind);
			get_str(c, f, "name", &name);
			buf_printf(b, "%s%s%s %s", str_or(kind, "?"), str_empty(group) ? "" : ".",
			           group ? group : "", str_or(name, "?"));
			free(group);
			free(kind);
			free(name);
		} else {
			buf_puts(b, "?");
		}
		pop(c, o);
	} else if (!strcmp(type, "CORS")) {
		buf_puts(b, "cors");
		size_t o = push_key(c, "cors");
		if ((f = get_obj(c, j, "cors"))) {
			int cred = -1, age = -1;
			sum_strv(c, f, "allowOrigins", " origins=", b);
			sum_strv(c, f, "allowMethods", " methods=", b);
			sum_strv(c, f, "allowHeaders", " headers=", b);
			sum_strv(c, f, "exposeHeaders", " expose=", b);
			get_bool(c, f, "allowCredentials", &cred);
			get_int(c, f, "maxAge", 0, INT32_MAX, &age);
			if (cred >= 0)
				buf_printf(b, " credentials=%s", cred ? "true" : "false");
			if (age >= 0)
				buf_printf(b, " maxAge=%ds", age);
		}
		pop(c, o);
	} else if (!strcmp(type, "ExternalAuth")) {
		buf_puts(b, "external auth");
		size_t o = push_key(c, "externalAuth");
		if ((f = get_obj(c, j, "externalAuth"))) {
			char *proto = NULL;
			get_str(c, f, "protocol", &proto);
			if (proto)
				buf_printf(b, " %s", proto);
			free(proto);
			const json_t *r = get_obj(c, f, "backendRef");
			if (r) {
				buf_puts(b, " via ");
				size_t o2 = push_key(c, "backendRef");
				sum_ref(c, r, b);
				pop(c, o2);
			}
		}
		pop(c, o);
	} else {
		buf_puts(b, type);
	}
}

static void filters(struct dctx *c, const json_t *j, struct gt_rule *r)
{
	size_t n;
	const json_t *l = get_list(c, j, "filters", &n);
	if (!l || !n)
		return;
	r->filters = xcalloc(n, sizeof *r->filters);
	r->n_filters = n;
	size_t o = push_key(c, "filters");
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *f = item_obj(c, l, i, &o2);
		get_name(c, f, "type", &r->filters[i].type);
		if (!c->failed) {
			struct buf b;
			buf_init(&b);
			filter_summary(c, f, r->filters[i].type, &b);
			if (b.len > SUMMARY_MAX) {
				size_t cut = SUMMARY_MAX - 3;
				while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
					cut--; /* do not split a UTF-8 sequence */
				b.len = cut;
				buf_puts(&b, "...");
			}
			r->filters[i].summary = buf_steal(&b);
		}
		pop(c, o2);
	}
	pop(c, o);
}

/* ---- routes ---- */

static void string_matches(struct dctx *c, const json_t *j, const char *key,
                           struct gt_string_match **out, size_t *n_out)
{
	size_t n;
	const json_t *l = get_list(c, j, key, &n);
	if (!l || !n)
		return;
	*out = xcalloc(n, sizeof **out);
	*n_out = n;
	size_t o = push_key(c, key);
	for (size_t i = 0; i < n && !c->failed; i++) {
		size_t o2;
		const json_t *m = item_obj(c, l, i, &o2);
		get_str(c, m, "type", &(*out)[i].type);
		dflt(&(*out)[i].type, "Exact");
		get_name(c, m, "name", &(*out)[i].name);
		get_str(c, m, "value", &(*out)[i].value);
		pop(c, o2);
	}
	pop(c, o);
}

static void default_path(struct gt_match *m)
{
	dflt(&m->path_type, "PathPrefix");
	dflt(&m->path_value, "/");
}

static void match(struct dctx *c, const json_t *j, bool grpc, struct gt_match *m)
{
	string_matches(c, j, "headers", &m->headers, &m->n_headers);
	if (grpc) {
		const json_t *meth = get_obj(c, j, "method");
		if (meth) {
			size_t o = push_key(c, "method");
			get_str(c, meth, "type", &m->grpc_type);
			dflt(&m->grpc_type, "Exact");
			get_str(c, meth, "service", &m->grpc_service);
			get_str(c, meth, "method", &m->grpc_method);
			pop(c, o);
		}
		return;
	}
	const json_t *p = get_obj(c, j, "path");
	size_t o = push_key(c, "path");
	get_str(c, p, "type", &m->path_type);
	get_str(c, p, "value", &m->path_value);
	pop(c, o);
	default_path(m);
	string_matches(c, j, "queryParams", &m->query_params, &m->n_query_params);
	get_str(c, j, "method", &m->method);
}

static void rule(struct dctx *c, const json_t *j, bool grpc, struct gt_rule *r)
{
	get_str(c, j, "name", &r->name);
	size_t n;
	const json_t *l = get_list(c, j, "matches", &n);
	if (l && n) {
		r->matches = xcalloc(n, sizeof *r->matches);
		r->n_matches = n;
		size_t o = push_key(c, "matches");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *m = item_obj(c, l, i, &o2);
			match(c, m, grpc, &r->matches[i]);
			pop(c, o2);
		}
		pop(c, o);
	} else if (!grpc && !l) {
		r->matches = xcalloc(1, sizeof *r->matches);
		r->n_matches = 1;
		default_path(&r->matches[0]);
	}
	filters(c, j, r);
	l = get_list(c, j, "backendRefs", &n);
	if (l && n) {
		r->backends = xcalloc(n, sizeof *r->backends);
		r->n_backends = n;
		size_t o = push_key(c, "backendRefs");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *b = item_obj(c, l, i, &o2);
			backend_ref(c, b, &r->backends[i]);
			pop(c, o2);
		}
		pop(c, o);
	}
	const json_t *t = get_obj(c, j, "timeouts");
	if (t) {
		size_t o = push_key(c, "timeouts");
		r->has_timeouts = true;
		get_str(c, t, "request", &r->timeouts.request);
		get_str(c, t, "backendRequest", &r->timeouts.backend_request);
		pop(c, o);
	}
	r->retry.attempts = -1;
	const json_t *rt = get_obj(c, j, "retry");
	if (rt) {
		size_t o = push_key(c, "retry");
		r->has_retry = true;
		get_int(c, rt, "attempts", 0, 1000000, &r->retry.attempts);
		get_str(c, rt, "backoff", &r->retry.backoff);
		const json_t *cl = get_list(c, rt, "codes", &n);
		if (cl && n) {
			r->retry.codes = xcalloc(n, sizeof *r->retry.codes);
			r->retry.n_codes = n;
			size_t o1 = push_key(c, "codes");
			for (size_t i = 0; i < n && !c->failed; i++) {
				int64_t code;
				size_t o2 = push(c, "[%zu]", i);
				if (!int_of(json_array_get(cl, i), &code) || code < 0 || code > 999)
					fail(c, "expected an integer 0-999");
				else
					r->retry.codes[i] = (int)code;
				pop(c, o2);
			}
			pop(c, o1);
		}
		pop(c, o);
	}
}

static void route(struct dctx *c, const json_t *spec, const json_t *status, bool grpc,
                  struct gt_route *r)
{
	size_t o = push_key(c, "spec");
	r->hostnames = get_strv(c, spec, "hostnames", &r->n_hostnames);
	size_t n;
	const json_t *l = get_list(c, spec, "parentRefs", &n);
	if (l && n) {
		r->parents = xcalloc(n, sizeof *r->parents);
		r->n_parents = n;
		size_t o1 = push_key(c, "parentRefs");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			parent_ref(c, item_obj(c, l, i, &o2), &r->parents[i]);
			pop(c, o2);
		}
		pop(c, o1);
	}
	l = get_list(c, spec, "rules", &n);
	if (l && n) {
		r->rules = xcalloc(n, sizeof *r->rules);
		r->n_rules = n;
		size_t o1 = push_key(c, "rules");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			rule(c, item_obj(c, l, i, &o2), grpc, &r->rules[i]);
			pop(c, o2);
		}
		pop(c, o1);
	} else {
		/* The CRD default: one rule; for HTTPRoute it matches PathPrefix /. */
		r->rules = xcalloc(1, sizeof *r->rules);
		r->n_rules = 1;
		r->default_rule = true;
		r->rules[0].retry.attempts = -1;
		if (!grpc) {
			r->rules[0].matches = xcalloc(1, sizeof *r->rules[0].matches);
			r->rules[0].n_matches = 1;
			default_path(&r->rules[0].matches[0]);
		}
	}
	pop(c, o);
	o = push_key(c, "status");
	l = get_list(c, status, "parents", &n);
	if (l && n) {
		r->status = xcalloc(n, sizeof *r->status);
		r->n_status = n;
		size_t o1 = push_key(c, "parents");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *p = item_obj(c, l, i, &o2);
			const json_t *ref = get_obj(c, p, "parentRef");
			if (!c->failed && !ref)
				fail_at(c, "parentRef", "required");
			size_t o3 = push_key(c, "parentRef");
			parent_ref(c, ref, &r->status[i].ref);
			pop(c, o3);
			get_str(c, p, "controllerName", &r->status[i].controller_name);
			conditions(c, p, &r->status[i].conditions);
			pop(c, o2);
		}
		pop(c, o1);
	}
	pop(c, o);
}

/* ---- the other kinds ---- */

static void listener(struct dctx *c, const json_t *j, struct gt_listener *l)
{
	get_name(c, j, "name", &l->name);
	get_str(c, j, "hostname", &l->hostname);
	get_str(c, j, "protocol", &l->protocol);
	get_int(c, j, "port", 1, 65535, &l->port);
	const json_t *ar = get_obj(c, j, "allowedRoutes");
	size_t o = push_key(c, "allowedRoutes");
	const json_t *ns = get_obj(c, ar, "namespaces");
	char *from = NULL;
	size_t o1 = push_key(c, "namespaces");
	get_str(c, ns, "from", &from);
	if (!from || !strcmp(from, "Same"))
		l->from = GT_FROM_SAME;
	else if (!strcmp(from, "All"))
		l->from = GT_FROM_ALL;
	else if (!strcmp(from, "Selector"))
		l->from = GT_FROM_SELECTOR;
	else
		fail_at(c, "from", "expected Same, All or Selector");
	free(from);
	selector(c, ns, "selector", &l->selector);
	pop(c, o1);
	size_t n;
	const json_t *kl = get_list(c, ar, "kinds", &n);
	if (kl && n) {
		l->kinds = xcalloc(n, sizeof *l->kinds);
		l->n_kinds = n;
		size_t o2 = push_key(c, "kinds");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o3;
			const json_t *k = item_obj(c, kl, i, &o3);
			get_str(c, k, "group", &l->kinds[i].group);
			dflt(&l->kinds[i].group, GW_GROUP);
			get_name(c, k, "kind", &l->kinds[i].kind);
			pop(c, o3);
		}
		pop(c, o2);
	}
	pop(c, o);
}

static void gateway(struct dctx *c, const json_t *spec, const json_t *status, struct gt_gateway *g)
{
	size_t o = push_key(c, "spec"), n;
	get_str(c, spec, "gatewayClassName", &g->class_name);
	const json_t *l = get_list(c, spec, "listeners", &n);
	if (l && n) {
		g->listeners = xcalloc(n, sizeof *g->listeners);
		g->n_listeners = n;
		size_t o1 = push_key(c, "listeners");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			listener(c, item_obj(c, l, i, &o2), &g->listeners[i]);
			pop(c, o2);
		}
		pop(c, o1);
	}
	pop(c, o);
	o = push_key(c, "status");
	conditions(c, status, &g->conditions);
	l = get_list(c, status, "addresses", &n);
	if (l && n) {
		g->addresses = xcalloc(n, sizeof *g->addresses);
		g->n_addresses = n;
		size_t o1 = push_key(c, "addresses");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			get_str(c, item_obj(c, l, i, &o2), "value", &g->addresses[i]);
			dflt(&g->addresses[i], "");
			pop(c, o2);
		}
		pop(c, o1);
	}
	l = get_list(c, status, "listeners", &n);
	if (l && n) {
		g->listener_status = xcalloc(n, sizeof *g->listener_status);
		g->n_listener_status = n;
		size_t o1 = push_key(c, "listeners");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *s = item_obj(c, l, i, &o2);
			struct gt_listener_status *ls = &g->listener_status[i];
			get_str(c, s, "name", &ls->name);
			ls->attached_routes = -1;
			get_int(c, s, "attachedRoutes", 0, INT32_MAX, &ls->attached_routes);
			conditions(c, s, &ls->conditions);
			pop(c, o2);
		}
		pop(c, o1);
	}
	pop(c, o);
}

static void grant(struct dctx *c, const json_t *spec, struct gt_refgrant *g)
{
	size_t o = push_key(c, "spec"), n;
	const json_t *l = get_list(c, spec, "from", &n);
	if (l && n) {
		g->from = xcalloc(n, sizeof *g->from);
		g->n_from = n;
		size_t o1 = push_key(c, "from");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *f = item_obj(c, l, i, &o2);
			get_str(c, f, "group", &g->from[i].group);
			dflt(&g->from[i].group, "");
			if (!strcmp(g->from[i].group, "core"))
				g->from[i].group[0] = '\0';
			get_name(c, f, "kind", &g->from[i].kind);
			get_name(c, f, "namespace", &g->from[i].namespace_);
			pop(c, o2);
		}
		pop(c, o1);
	}
	l = get_list(c, spec, "to", &n);
	if (l && n) {
		g->to = xcalloc(n, sizeof *g->to);
		g->n_to = n;
		size_t o1 = push_key(c, "to");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *t = item_obj(c, l, i, &o2);
			get_str(c, t, "group", &g->to[i].group);
			dflt(&g->to[i].group, "");
			if (!strcmp(g->to[i].group, "core"))
				g->to[i].group[0] = '\0';
			get_name(c, t, "kind", &g->to[i].kind);
			get_str(c, t, "name", &g->to[i].name);
			pop(c, o2);
		}
		pop(c, o1);
	}
	pop(c, o);
}

static void service(struct dctx *c, const json_t *spec, struct gt_service *s)
{
	size_t o = push_key(c, "spec"), n;
	get_str(c, spec, "type", &s->type);
	dflt(&s->type, "ClusterIP");
	get_str(c, spec, "clusterIP", &s->cluster_ip);
	get_str(c, spec, "externalName", &s->external_name);
	const json_t *l = get_list(c, spec, "ports", &n);
	if (l && n) {
		s->ports = xcalloc(n, sizeof *s->ports);
		s->n_ports = n;
		size_t o1 = push_key(c, "ports");
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t o2;
			const json_t *p = item_obj(c, l, i, &o2);
			struct gt_service_port *sp = &s->ports[i];
			get_str(c, p, "name", &sp->name);
			get_str(c, p, "protocol", &sp->protocol);
			dflt(&sp->protocol, "TCP");
			get_str(c, p, "appProtocol", &sp->app_protocol);
			get_int(c, p, "port", 1, 65535, &sp->port);
			if (!c->failed && !sp->port)
				fail_at(c, "port", "required");
			const json_t *tp = field(c, p, "targetPort");
			int64_t t;
			if (!tp) {
				if (!c->failed)
					sp->target_port = xasprintf("%d", sp->port);
			} else if (int_of(tp, &t)) {
				if (t < 1 || t > 65535)
					fail_at(c, "targetPort", "expected an integer 1-65535 or a port name");
				else
					sp->target_port = xasprintf("%d", (int)t);
			} else {
				size_t o3 = push_key(c, "targetPort");
				sp->target_port = str_of(c, tp);
				pop(c, o3);
			}
			pop(c, o2);
		}
		pop(c, o1);
	}
	pop(c, o);
}

/* ---- the object ---- */

/* Which modelled kind is (apiVersion, kind)? -1 when not modelled. */
static int modelled_kind(const char *api, const char *kind)
{
	int k = kind_from_name(kind);
	if (k < 0 || strcmp(kind, kind_name(k)))
		return -1;
	const char *slash = strchr(api, '/');
	if (!kind_group(k)[0])
		return !slash && !strcmp(api, "v1") ? k : -1;
	if (!slash || (size_t)(slash - api) != strlen(GW_GROUP) || strncmp(api, GW_GROUP, slash - api))
		return -1;
	const char *v = slash + 1;
	return !strcmp(v, "v1") || !strcmp(v, "v1beta1") || !strcmp(v, "v1alpha2") ? k : -1;
}

static void set_id(struct dctx *c, enum gt_kind k, const char *ns, const char *name)
{
	char sns[128], sname[160];
	str_sanitize_into(sns, sizeof sns, ns);
	str_sanitize_into(sname, sizeof sname, name);
	if (!name)
		snprintf(c->id, sizeof c->id, "%s (unnamed)", kind_id(k));
	else if (kind_namespaced(k))
		snprintf(c->id, sizeof c->id, "%s/%s/%s", kind_id(k), sns, sname);
	else
		snprintf(c->id, sizeof c->id, "%s/%s", kind_id(k), sname);
}

static void copy_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void copy_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* See decode.h. Namespaced objects without metadata.namespace get "default" (what kubectl
 * apply would do with no -n); kubectl's last-applied-configuration annotation is dropped. */
enum decode_result decode_object(const json_t *j, struct gt_object **out, char *err, size_t errlen)
{
	if (out)
		*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(j)) {
		copy_err(err, errlen, "expected a JSON object");
		return DECODE_ERROR;
	}
	const json_t *jk = json_object_get(j, "kind"), *ja = json_object_get(j, "apiVersion");
	char skind[96], sapi[128];
	if (!json_is_string(jk) || !json_string_length(jk)) {
		copy_err(err, errlen, "kind: %s", jk ? "expected a string" : "required");
		return DECODE_ERROR;
	}
	str_sanitize_into(skind, sizeof skind, json_string_value(jk));
	if (!json_is_string(ja) || !json_string_length(ja)) {
		copy_err(err, errlen, "%s: apiVersion: %s", skind, ja ? "expected a string" : "required");
		return DECODE_ERROR;
	}
	str_sanitize_into(sapi, sizeof sapi, json_string_value(ja));
	int k = modelled_kind(json_string_value(ja), json_string_value(jk));
	if (k < 0) {
		copy_err(err, errlen, "%s (%s) is not a kind gammatop models", skind, sapi);
		return DECODE_SKIPPED;
	}
	struct dctx c = {.err = err, .errlen = errlen};
	struct gt_object *o = xcalloc(1, sizeof *o);
	o->kind = (enum gt_kind)k;
	o->api_version = xstrdup(json_string_value(ja));
	set_id(&c, o->kind, NULL, NULL);
	const json_t *md = get_obj(&c, j, "metadata");
	if (!c.failed && !md)
		fail(&c, "metadata: required");
	struct gt_meta *m = &o->meta;
	size_t p = push_key(&c, "metadata");
	get_name(&c, md, "name", &m->name);
	if (kind_namespaced(o->kind)) {
		get_str(&c, md, "namespace", &m->namespace_);
		if (!c.failed && str_empty(m->namespace_)) {
			free(m->namespace_);
			m->namespace_ = xstrdup("default");
		}
	}
	if (!c.failed)
		set_id(&c, o->kind, m->namespace_, m->name);
	c.ns = m->namespace_ ? m->namespace_ : "";
	get_str(&c, md, "uid", &m->uid);
	get_str(&c, md, "resourceVersion", &m->resource_version);
	get_str(&c, md, "creationTimestamp", &m->creation_timestamp);
	get_int64(&c, md, "generation", 0, INT64_MAX, &m->generation);
	get_map(&c, md, "labels", &m->labels);
	get_map(&c, md, "annotations", &m->annotations);
	pop(&c, p);
	const json_t *spec = get_obj(&c, j, "spec"), *status = get_obj(&c, j, "status");
	switch (o->kind) {
	case GT_GATEWAYCLASS:
		p = push_key(&c, "spec");
		get_str(&c, spec, "controllerName", &o->u.gc.controller_name);
		get_str(&c, spec, "description", &o->u.gc.description);
		pop(&c, p);
		p = push_key(&c, "status");
		conditions(&c, status, &o->u.gc.conditions);
		pop(&c, p);
		break;
	case GT_GATEWAY: gateway(&c, spec, status, &o->u.gw); break;
	case GT_HTTPROUTE: route(&c, spec, status, false, &o->u.route); break;
	case GT_GRPCROUTE: route(&c, spec, status, true, &o->u.route); break;
	case GT_REFERENCEGRANT: grant(&c, spec, &o->u.grant); break;
	case GT_SERVICE: service(&c, spec, &o->u.svc); break;
	default: break;
	}
	if (c.failed) {
		object_free(o);
		return DECODE_ERROR;
	}
	if (out)
		*out = o;
	else
		object_free(o);
	return DECODE_OK;
}

/* See decode.h. Text that is not valid JSON (or not UTF-8) gives DECODE_ERROR with the
 * line and column. */
enum decode_result decode_text(const char *text, size_t len, struct gt_object **out, char *err,
                               size_t errlen)
{
	if (out)
		*out = NULL;
	json_error_t je;
	json_t *j = json_loadb(text ? text : "", text ? len : 0, 0, &je);
	if (!j) {
		copy_err(err, errlen, "invalid JSON at line %d, column %d: %s", je.line, je.column,
		         je.text);
		return DECODE_ERROR;
	}
	enum decode_result r = decode_object(j, out, err, errlen);
	json_decref(j);
	return r;
}
