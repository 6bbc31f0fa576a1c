/* jfield.c: checked JSON field readers with field paths and sticky errors (see jfield.h). */
#include "jfield.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* ---- field paths and errors ---- */

size_t jf_push(struct jf *c, const char *fmt, ...)
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

void jf_pop(struct jf *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

/* Append n bytes of s to the path (cut at its size, like jf_push). */
static void path_append(struct jf *c, const char *s, size_t n)
{
	size_t room = sizeof c->path - 1 - c->plen;
	if (n > room)
		n = room;
	memcpy(c->path + c->plen, s, n);
	c->plen += n;
	c->path[c->plen] = '\0';
}

/* Push ".key" (or "key" at the top). Every field read pushes: no printf here. */
size_t jf_push_key(struct jf *c, const char *key)
{
	size_t old = c->plen;
	if (c->plen)
		path_append(c, ".", 1);
	path_append(c, key, strlen(key));
	return old;
}

/* Push "[i]". */
static size_t push_index(struct jf *c, size_t i)
{
	char tmp[24];
	size_t n = sizeof tmp;
	tmp[--n] = ']';
	do {
		tmp[--n] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	tmp[--n] = '[';
	size_t old = c->plen;
	path_append(c, tmp + n, sizeof tmp - n);
	return old;
}

void jf_set_id(struct jf *c, enum gt_kind k, const char *ns, const char *name)
{
	c->id_lazy = true;
	c->id_kind = k;
	c->id_ns = ns;
	c->id_name = name;
}

static void make_id(struct jf *c)
{
	if (!c->id_lazy)
		return;
	c->id_lazy = false;
	char sns[128], sname[160];
	str_sanitize_into(sns, sizeof sns, c->id_ns);
	str_sanitize_into(sname, sizeof sname, c->id_name);
	if (!c->id_name)
		snprintf(c->id, sizeof c->id, "%s (unnamed)", kind_id(c->id_kind));
	else if (kind_namespaced(c->id_kind))
		snprintf(c->id, sizeof c->id, "%s/%s/%s", kind_id(c->id_kind), sns, sname);
	else
		snprintf(c->id, sizeof c->id, "%s/%s", kind_id(c->id_kind), sname);
}

void jf_fail(struct jf *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = true;
	if (!c->err || !c->errlen)
		return;
	make_id(c);
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

void jf_fail_at(struct jf *c, const char *key, const char *msg)
{
	size_t o = jf_push_key(c, key);
	jf_fail(c, "%s", msg);
	jf_pop(c, o);
}

/* ---- typed field readers: absent or null leaves *out alone ---- */

const json_t *jf_field(struct jf *c, const json_t *obj, const char *key)
{
	if (c->failed || !obj)
		return NULL;
	const json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

char *jf_str_of(struct jf *c, const json_t *v)
{
	if (!json_is_string(v)) {
		jf_fail(c, "expected a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		jf_fail(c, "contains a NUL character");
		return NULL;
	}
	return xstrdup(s);
}

/* A string without NUL characters (what jf_str_of accepts). */
static bool good_str(const json_t *v)
{
	return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v);
}

void jf_str(struct jf *c, const json_t *obj, const char *key, char **out)
{
	const json_t *v = jf_field(c, obj, key);
	if (!v)
		return;
	char *s;
	if (good_str(v)) { /* the usual case: the path is only needed for an error */
		s = xstrdup(json_string_value(v));
	} else {
		size_t o = jf_push_key(c, key);
		s = jf_str_of(c, v);
		jf_pop(c, o);
	}
	if (s) {
		free(*out);
		*out = s;
	}
}

/* Set *out to a copy of def when it is still NULL. */
void jf_default(char **out, const char *def)
{
	if (!*out)
		*out = xstrdup(def);
}

void jf_name(struct jf *c, const json_t *obj, const char *key, char **out)
{
	jf_str(c, obj, key, out);
	if (!c->failed && str_empty(*out))
		jf_fail_at(c, key, *out ? "must not be empty" : "required");
}

bool jf_int_of(const json_t *v, int64_t *out)
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

void jf_int64(struct jf *c, const json_t *obj, const char *key, int64_t min,
                      int64_t max, int64_t *out)
{
	const json_t *v = jf_field(c, obj, key);
	int64_t x;
	if (!v)
		return;
	if (!jf_int_of(v, &x) || x < min || x > max) {
		size_t o = jf_push_key(c, key);
		jf_fail(c, "expected an integer %" PRId64 "-%" PRId64, min, max);
		jf_pop(c, o);
		return;
	}
	*out = x;
}

void jf_int(struct jf *c, const json_t *obj, const char *key, int min, int max, int *out)
{
	int64_t x = *out;
	jf_int64(c, obj, key, min, max, &x);
	*out = (int)x;
}

void jf_bool(struct jf *c, const json_t *obj, const char *key, int *out)
{
	const json_t *v = jf_field(c, obj, key);
	if (!v)
		return;
	if (!json_is_boolean(v))
		jf_fail_at(c, key, "expected true or false");
	else
		*out = json_is_true(v);
}

const json_t *jf_obj(struct jf *c, const json_t *obj, const char *key)
{
	const json_t *v = jf_field(c, obj, key);
	if (v && !json_is_object(v)) {
		jf_fail_at(c, key, "expected an object");
		return NULL;
	}
	return v;
}

/* A list; returns NULL when absent or bad, else *n items (at most JF_LIST_CAP). */
const json_t *jf_list(struct jf *c, const json_t *obj, const char *key, size_t *n)
{
	*n = 0;
	const json_t *v = jf_field(c, obj, key);
	if (!v)
		return NULL;
	size_t o = jf_push_key(c, key);
	if (!json_is_array(v))
		jf_fail(c, "expected a list");
	else if (json_array_size(v) > JF_LIST_CAP)
		jf_fail(c, "%zu items is too many (at most %d)", json_array_size(v), JF_LIST_CAP);
	else
		*n = json_array_size(v);
	jf_pop(c, o);
	return c->failed ? NULL : v;
}

/* Item i of a list of objects, with "[i]" pushed (the caller pops *old). NULL when bad. */
const json_t *jf_item(struct jf *c, const json_t *list, size_t i, size_t *old)
{
	*old = push_index(c, i);
	const json_t *v = json_array_get(list, i);
	if (!json_is_object(v)) {
		jf_fail(c, "expected an object");
		return NULL;
	}
	return v;
}

/* A list of strings into a new array. */
char **jf_strv(struct jf *c, const json_t *obj, const char *key, size_t *n)
{
	const json_t *l = jf_list(c, obj, key, n);
	if (!l || !*n)
		return NULL;
	char **v = xcalloc(*n, sizeof *v);
	size_t o = jf_push_key(c, key);
	for (size_t i = 0; i < *n && !c->failed; i++) {
		const json_t *x = json_array_get(l, i);
		if (good_str(x)) {
			v[i] = xstrdup(json_string_value(x));
			continue;
		}
		size_t o2 = push_index(c, i);
		v[i] = jf_str_of(c, x);
		jf_pop(c, o2);
	}
	jf_pop(c, o);
	return v;
}

/* A map of string -> string. */
void jf_map(struct jf *c, const json_t *obj, const char *key, struct gt_kvlist *out)
{
	const json_t *m = jf_obj(c, obj, key);
	if (!m)
		return;
	size_t n = json_object_size(m);
	size_t o = jf_push_key(c, key);
	if (n > JF_MAP_CAP) {
		jf_fail(c, "%zu entries is too many (at most %d)", n, JF_MAP_CAP);
		jf_pop(c, o);
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
		char *s;
		if (good_str(v)) {
			s = xstrdup(json_string_value(v));
		} else {
			size_t o2 = jf_push_key(c, k);
			s = jf_str_of(c, v);
			jf_pop(c, o2);
		}
		if (!s)
			break;
		out->items[out->n].key = xstrdup(k);
		out->items[out->n].value = s;
		out->n++;
	}
	jf_pop(c, o);
}
