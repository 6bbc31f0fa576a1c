/* schema.c: the structural-schema engine of schema.h: pruning and defaulting, the OpenAPI
 * checks of a CRD schema with the API server's wording, list-map key uniqueness, and the CEL
 * rule pass (skipped after a blocking error, as apiextensions-apiserver does). */
#include "config.h"
#include "schema.h"

#include "gammatop/buf.h"
#include "gammatop/duration.h"
#include "gammatop/xalloc.h"

#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- patterns: the v1.6.1 CRDs' spelling, and the same language as POSIX ERE (a
 * backslash inside a bracket expression is literal in POSIX, so "\/" and "\-" there are
 * rewritten; "-" goes last) ---- */
#define DNS_SUB "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
const struct sch_pattern SCH_P_GROUP = {"^$|^" DNS_SUB "$", "^$|^" DNS_SUB "$"};
const struct sch_pattern SCH_P_KIND = {"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$",
                                       "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"};
const struct sch_pattern SCH_P_NAMESPACE = {"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                                            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"};
const struct sch_pattern SCH_P_SECTION = {"^" DNS_SUB "$", "^" DNS_SUB "$"};
const struct sch_pattern SCH_P_PRECISE_HOSTNAME = {"^" DNS_SUB "$", "^" DNS_SUB "$"};
const struct sch_pattern SCH_P_HOSTNAME = {"^(\\*\\.)?" DNS_SUB "$", "^(\\*\\.)?" DNS_SUB "$"};
const struct sch_pattern SCH_P_DURATION = {"^([0-9]{1,5}(h|m|s|ms)){1,4}$",
                                           "^([0-9]{1,5}(h|m|s|ms)){1,4}$"};
const struct sch_pattern SCH_P_CONTROLLER = {
	"^" DNS_SUB "\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$",
	"^" DNS_SUB "/[A-Za-z0-9/._~%!$&'()*+,;=:-]+$"};
const struct sch_pattern SCH_P_PROTOCOL = {
	"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|" DNS_SUB "\\/[A-Za-z0-9]+$",
	"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|" DNS_SUB "/[A-Za-z0-9]+$"};

static pthread_mutex_t re_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	const struct sch_pattern *p;
	regex_t re;
	bool ok;
} re_cache[64];
static size_t re_n;

bool schema_match(const struct sch_pattern *p, const char *s)
{
	regex_t *re = NULL;
	pthread_mutex_lock(&re_lock);
	for (size_t i = 0; i < re_n; i++)
		if (re_cache[i].p == p) {
			re = re_cache[i].ok ? &re_cache[i].re : NULL;
			goto found;
		}
	if (re_n < sizeof re_cache / sizeof *re_cache) {
		re_cache[re_n].p = p;
		re_cache[re_n].ok = regcomp(&re_cache[re_n].re, p->posix, REG_EXTENDED | REG_NOSUB) == 0;
		re = re_cache[re_n].ok ? &re_cache[re_n].re : NULL;
		re_n++;
	}
found:
	pthread_mutex_unlock(&re_lock);
	if (!re) {
		/* a pattern of ours that does not compile, or a full cache: match slowly */
		regex_t tmp;
		if (regcomp(&tmp, p->posix, REG_EXTENDED | REG_NOSUB) != 0)
			return true;
		bool m = regexec(&tmp, s, 0, NULL, 0) == 0;
		regfree(&tmp);
		return m;
	}
	return regexec(re, s, 0, NULL, 0) == 0;
}

bool schema_duration_ms(const char *s, uint64_t *ms)
{
	return s && duration_parse(s, ms, NULL, 0) == 0;
}

/* ---- causes ---- */

static bool blocking_reason(const char *reason)
{
	/* apiextensions-apiserver: NotSupported, Required, TooLong, TooMany and TypeInvalid keep
	 * the CEL rules from running */
	return strcmp(reason, "FieldValueNotSupported") == 0 || strcmp(reason, "FieldValueRequired") == 0 ||
	       strcmp(reason, "FieldValueTooLong") == 0 || strcmp(reason, "FieldValueTooMany") == 0 ||
	       strcmp(reason, "FieldValueTypeInvalid") == 0;
}

void schema_add(struct sch_ctx *c, const char *reason, const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_array_append_new(c->causes, json_pack("{s:s, s:s, s:s}", "reason", reason, "message", msg,
	                                           "field", field));
	if (blocking_reason(reason))
		c->blocking = true;
}

void schema_required(struct sch_ctx *c, const char *field)
{
	schema_add(c, "FieldValueRequired", field, "Required value");
}

const char *schema_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

/* Go's %q of s (enough of it: quotes, backslashes and control bytes escaped). */
static void go_quote(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p == '\t')
			buf_puts(b, "\\t");
		else if (*p == '\r')
			buf_puts(b, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* A value as field.Error prints it: strings quoted, numbers and booleans bare, null "null". */
static void go_value(struct buf *b, const json_t *v)
{
	if (json_is_string(v))
		go_quote(b, json_string_value(v));
	else if (json_is_integer(v))
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		buf_printf(b, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		buf_puts(b, json_is_true(v) ? "true" : "false");
	else if (!v || json_is_null(v))
		buf_puts(b, "\"null\"");
	else
		go_quote(b, schema_type_name(v));
}

void schema_invalid(struct sch_ctx *c, const char *field, const json_t *v, const char *detail)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "Invalid value: ");
	go_value(&b, v);
	buf_printf(&b, ": %s", detail);
	schema_add(c, "FieldValueInvalid", field, "%s", buf_str(&b));
	buf_done(&b);
}

void schema_cel(struct sch_ctx *c, const char *field, const json_t *v, const char *msg)
{
	schema_add(c, "FieldValueInvalid", field, "Invalid value: \"%s\": %s", schema_type_name(v), msg);
}

/* ---- the walk ---- */

static bool in_channel(const struct sch_ctx *c, const struct sch_node *n)
{
	return !(n->flags & SCH_EXP) || c->channel == CHANNEL_EXPERIMENTAL;
}

static const struct sch_node *prop(const struct sch_ctx *c, const struct sch_node *n, const char *key)
{
	for (const struct sch_node *p = n->sub; p && p->name; p++)
		if (strcmp(p->name, key) == 0 && in_channel(c, p))
			return p;
	return NULL;
}

static void join(char *out, size_t n, const char *path, const char *key)
{
	if (path && *path)
		snprintf(out, n, "%s.%s", path, key);
	else
		snprintf(out, n, "%s", key);
}

void schema_prune_default(struct sch_ctx *c, const struct sch_node *n, json_t *v, const char *path)
{
	char sub[1024];
	if (!n || !v)
		return;
	if (n->type == SCH_OBJECT && json_is_object(v)) {
		const char *k;
		json_t *val;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, val) {
			const struct sch_node *p = prop(c, n, k);
			if (p && !json_is_null(val))
				continue;
			if (!p && c->pruned) {
				join(sub, sizeof sub, path, k);
				json_array_append_new(c->pruned, json_string(sub));
			}
			json_object_del(v, k); /* unknown, or null without a default (it gets one below) */
		}
		for (const struct sch_node *p = n->sub; p && p->name; p++) {
			if (!in_channel(c, p))
				continue;
			if (p->dflt && !json_object_get(v, p->name)) {
				json_t *d = json_loads(p->dflt, JSON_DECODE_ANY, NULL);
				if (d)
					json_object_set_new(v, p->name, d);
			}
			json_t *child = json_object_get(v, p->name);
			if (child) {
				join(sub, sizeof sub, path, p->name);
				schema_prune_default(c, p, child, sub);
			}
		}
	} else if (n->type == SCH_ARRAY && json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			schema_prune_default(c, n->sub, item, sub);
		}
	} else if (n->type == SCH_MAP && json_is_object(v)) {
		const char *k;
		json_t *val;
		json_object_foreach(v, k, val) {
			join(sub, sizeof sub, path, k);
			schema_prune_default(c, n->sub, val, sub);
		}
	}
}

static bool type_ok(const struct sch_node *n, const json_t *v)
{
	switch (n->type) {
	case SCH_OBJECT:
	case SCH_MAP: return json_is_object(v);
	case SCH_ARRAY: return json_is_array(v);
	case SCH_STRING: return json_is_string(v);
	case SCH_INT:
		return json_is_integer(v) ||
		       (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v));
	case SCH_BOOL: return json_is_boolean(v);
	default: return true;
	}
}

static const char *want_name(const struct sch_node *n)
{
	switch (n->type) {
	case SCH_OBJECT:
	case SCH_MAP: return "object";
	case SCH_ARRAY: return "array";
	case SCH_STRING: return "string";
	case SCH_INT: return "integer";
	case SCH_BOOL: return "boolean";
	default: return "any";
	}
}

static long long int_of(const json_t *v)
{
	return json_is_integer(v) ? (long long)json_integer_value(v) : (long long)json_real_value(v);
}

/* UTF-8 characters in s (kube-openapi counts runes). */
static long long runes(const char *s)
{
	long long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}

static void check_string(struct sch_ctx *c, const struct sch_node *n, const json_t *v, const char *path)
{
	const char *s = json_string_value(v);
	char detail[1400];
	long long len = runes(s);
	if (n->max > 0 && len > n->max)
		schema_add(c, "FieldValueTooLong", path, "Too long: may not be more than %lld bytes", n->max);
	if (n->min > 0 && len < n->min) {
		snprintf(detail, sizeof detail, "%s in body should be at least %lld chars long", path, n->min);
		schema_invalid(c, path, v, detail);
	}
	if (n->enums) {
		bool found = false;
		struct buf vals;
		buf_init(&vals);
		for (size_t i = 0; n->enums[i]; i++) {
			found |= strcmp(n->enums[i], s) == 0;
			buf_printf(&vals, "%s\"%s\"", i ? ", " : "", n->enums[i]);
		}
		if (!found) {
			struct buf q;
			buf_init(&q);
			go_quote(&q, s);
			schema_add(c, "FieldValueNotSupported", path, "Unsupported value: %s: supported values: %s",
			        buf_str(&q), buf_str(&vals));
			buf_done(&q);
		}
		buf_done(&vals);
	}
	if (n->pattern && !schema_match(n->pattern, s)) {
		snprintf(detail, sizeof detail, "%s in body should match '%s'", path, n->pattern->shown);
		schema_invalid(c, path, v, detail);
	}
}

static bool same_keys(const struct sch_node *n, const json_t *a, const json_t *b)
{
	for (size_t k = 0; n->keys[k]; k++)
		if (!json_same(json_object_get(a, n->keys[k]), json_object_get(b, n->keys[k])))
			return false;
	return true;
}

/* x-kubernetes-list-type map: a Duplicate cause at the second item of each repeated key
 * (apiextensions-apiserver structurallisttype), the key printed as Go's %#v prints a
 * map[string]interface{} (keys sorted). */
static void check_list_map(struct sch_ctx *c, const struct sch_node *n, const json_t *arr, const char *path)
{
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(arr, i, a) {
		size_t seen = 0;
		json_array_foreach(arr, j, b) {
			if (j >= i)
				break;
			seen += same_keys(n, a, b);
		}
		if (seen != 1)
			continue;
		const char *sorted[8];
		size_t ns = 0;
		for (size_t k = 0; n->keys[k] && ns < 8; k++)
			if (json_object_get(a, n->keys[k]))
				sorted[ns++] = n->keys[k];
		for (size_t x = 1; x < ns; x++)
			for (size_t y = x; y > 0 && strcmp(sorted[y - 1], sorted[y]) > 0; y--) {
				const char *t = sorted[y];
				sorted[y] = sorted[y - 1];
				sorted[y - 1] = t;
			}
		struct buf d;
		buf_init(&d);
		buf_puts(&d, "Duplicate value: map[string]interface {}{");
		for (size_t x = 0; x < ns; x++) {
			buf_printf(&d, "%s\"%s\":", x ? ", " : "", sorted[x]);
			go_value(&d, json_object_get(a, sorted[x]));
		}
		buf_putc(&d, '}');
		char f[1100];
		snprintf(f, sizeof f, "%s[%zu]", path, i);
		schema_add(c, "FieldValueDuplicate", f, "%s", buf_str(&d));
		buf_done(&d);
	}
}

static void openapi_pass(struct sch_ctx *c, const struct sch_node *n, const json_t *v, const char *path)
{
	char sub[1024], detail[1400];
	if (!n || !v || n->type == SCH_ANY)
		return;
	if (!type_ok(n, v)) {
		schema_add(c, "FieldValueTypeInvalid", path, "Invalid value: \"%s\": %s in body must be of type %s: \"%s\"",
		        schema_type_name(v), path, want_name(n), schema_type_name(v));
		return;
	}
	switch (n->type) {
	case SCH_OBJECT:
		for (const struct sch_node *p = n->sub; p && p->name; p++) {
			if (!in_channel(c, p))
				continue;
			const json_t *child = json_object_get(v, p->name);
			join(sub, sizeof sub, path, p->name);
			if (!child && (p->flags & SCH_REQ))
				schema_required(c, sub);
			else
				openapi_pass(c, p, child, sub);
		}
		break;
	case SCH_ARRAY: {
		long long size = (long long)json_array_size(v);
		if (n->max > 0 && size > n->max)
			schema_add(c, "FieldValueTooMany", path, "Too many: %lld: must have at most %lld items", size, n->max);
		if (n->min > 0 && size < n->min) {
			snprintf(detail, sizeof detail, "%s in body should have at least %lld items", path, n->min);
			json_t *cnt = json_integer(size);
			schema_invalid(c, path, cnt, detail);
			json_decref(cnt);
		}
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			openapi_pass(c, n->sub, item, sub);
		}
		if (n->keys)
			check_list_map(c, n, v, path);
		break;
	}
	case SCH_MAP: {
		long long size = (long long)json_object_size(v);
		if (n->max > 0 && size > n->max)
			schema_add(c, "FieldValueTooMany", path, "Too many: %lld: must have at most %lld items", size, n->max);
		const char *k;
		json_t *val;
		json_object_foreach((json_t *)v, k, val) {
			join(sub, sizeof sub, path, k);
			openapi_pass(c, n->sub, val, sub);
		}
		break;
	}
	case SCH_STRING:
		check_string(c, n, v, path);
		break;
	case SCH_INT:
		if (n->min || n->max) {
			long long x = int_of(v);
			if (x < n->min) {
				snprintf(detail, sizeof detail, "%s in body should be greater than or equal to %lld", path, n->min);
				schema_invalid(c, path, v, detail);
			} else if (x > n->max) {
				snprintf(detail, sizeof detail, "%s in body should be less than or equal to %lld", path, n->max);
				schema_invalid(c, path, v, detail);
			}
		}
		break;
	default:
		break;
	}
}

static void cel_pass(struct sch_ctx *c, const struct sch_node *n, const json_t *v, const json_t *old,
                     const char *path)
{
	char sub[1024];
	if (!n || !v || !type_ok(n, v))
		return;
	for (size_t i = 0; i < sizeof n->rules / sizeof *n->rules && n->rules[i]; i++)
		n->rules[i](c, path, v, old);
	if (n->type == SCH_OBJECT) {
		for (const struct sch_node *p = n->sub; p && p->name; p++) {
			if (!in_channel(c, p))
				continue;
			join(sub, sizeof sub, path, p->name);
			cel_pass(c, p, json_object_get(v, p->name), json_object_get(old, p->name), sub);
		}
	} else if (n->type == SCH_ARRAY) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			cel_pass(c, n->sub, item, NULL, sub);
		}
	} else if (n->type == SCH_MAP) {
		const char *k;
		json_t *val;
		json_object_foreach((json_t *)v, k, val) {
			join(sub, sizeof sub, path, k);
			cel_pass(c, n->sub, val, json_object_get(old, k), sub);
		}
	}
}

void schema_validate(struct sch_ctx *c, const struct sch_node *n, const json_t *v, const json_t *old,
                     const char *path)
{
	bool before = c->blocking;
	c->blocking = false;
	openapi_pass(c, n, v, path);
	if (c->blocking)
		schema_add(c, "FieldValueInvalid", "<nil>",
		        "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation");
	else
		cel_pass(c, n, v, old, path);
	c->blocking |= before;
}
