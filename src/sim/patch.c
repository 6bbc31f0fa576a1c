/* patch.c: JSON merge patch (RFC 7386) and JSON patch (RFC 6902) over jansson values. Both
 * return new values and never modify their inputs (stored objects are immutable). */
#include "config.h"
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *patch_merge(const json_t *doc, const json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(doc) ? json_deep_copy(doc) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(out, k);
		} else {
			json_t *merged = patch_merge(json_object_get(out, k), v);
			json_object_set_new(out, k, merged);
		}
	}
	return out;
}

/* ---- RFC 6901 pointers ---- */

/* Decode one reference token (~1 -> /, ~0 -> ~) into buf; -1 on a bad escape. */
static int unescape(const char *s, size_t n, char *buf, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '~') {
			if (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1'))
				return -1;
			c = s[i + 1] == '0' ? '~' : '/';
			i++;
		}
		if (o + 1 >= cap)
			return -1;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return 0;
}

/* Array index token: "-" gives size (append position); -1 when invalid. */
static long array_index(const char *tok, size_t size, bool allow_end)
{
	if (strcmp(tok, "-") == 0)
		return allow_end ? (long)size : -1;
	if (!*tok || (tok[0] == '0' && tok[1]))
		return -1;
	char *end;
	errno = 0;
	long v = strtol(tok, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	return v;
}

/* Resolve the parent container of path and its last token. Returns the parent or NULL. */
static json_t *resolve_parent(json_t *doc, const char *path, char *last, size_t lastcap,
                              char *err, size_t errlen)
{
	if (path[0] != '/') {
		snprintf(err, errlen, "invalid JSON pointer \"%s\": must start with /", path);
		return NULL;
	}
	json_t *cur = doc;
	const char *p = path + 1;
	char tok[512];
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (unescape(p, n, tok, sizeof tok) != 0) {
			snprintf(err, errlen, "invalid JSON pointer \"%s\"", path);
			return NULL;
		}
		if (!slash) {
			snprintf(last, lastcap, "%s", tok);
			return cur;
		}
		json_t *next = NULL;
		if (json_is_object(cur)) {
			next = json_object_get(cur, tok);
		} else if (json_is_array(cur)) {
			long i = array_index(tok, json_array_size(cur), false);
			if (i >= 0)
				next = json_array_get(cur, (size_t)i);
		}
		if (!next) {
			snprintf(err, errlen, "doc is missing path: \"%s\"", path);
			return NULL;
		}
		cur = next;
		p = slash + 1;
	}
}

static json_t *get_path(json_t *doc, const char *path, char *err, size_t errlen)
{
	if (path[0] == '\0')
		return doc;
	char last[512];
	json_t *parent = resolve_parent(doc, path, last, sizeof last, err, errlen);
	if (!parent)
		return NULL;
	json_t *v = NULL;
	if (json_is_object(parent))
		v = json_object_get(parent, last);
	else if (json_is_array(parent)) {
		long i = array_index(last, json_array_size(parent), false);
		if (i >= 0)
			v = json_array_get(parent, (size_t)i);
	}
	if (!v)
		snprintf(err, errlen, "doc is missing path: \"%s\"", path);
	return v;
}

static int op_remove(json_t *doc, const char *path, char *err, size_t errlen)
{
	char last[512];
	json_t *parent = resolve_parent(doc, path, last, sizeof last, err, errlen);
	if (!parent)
		return -1;
	if (json_is_object(parent) && json_object_get(parent, last)) {
		json_object_del(parent, last);
		return 0;
	}
	if (json_is_array(parent)) {
		long i = array_index(last, json_array_size(parent), false);
		if (i >= 0 && (size_t)i < json_array_size(parent)) {
			json_array_remove(parent, (size_t)i);
			return 0;
		}
	}
	snprintf(err, errlen, "unable to remove nonexistent key: %s: missing value", path);
	return -1;
}

/* add (replace=false) or replace (true); value is stolen. */
static int op_put(json_t *doc, const char *path, json_t *value, bool replace, char *err,
                  size_t errlen)
{
	char last[512];
	json_t *parent = resolve_parent(doc, path, last, sizeof last, err, errlen);
	if (!parent) {
		json_decref(value);
		return -1;
	}
	if (json_is_object(parent)) {
		if (replace && !json_object_get(parent, last)) {
			snprintf(err, errlen, "replace operation does not apply: doc is missing key: %s: missing value", path);
			json_decref(value);
			return -1;
		}
		json_object_set_new(parent, last, value);
		return 0;
	}
	if (json_is_array(parent)) {
		size_t n = json_array_size(parent);
		long i = array_index(last, n, !replace);
		if (i < 0 || (size_t)i > n || (replace && (size_t)i == n)) {
			snprintf(err, errlen, "%s operation does not apply: index out of range: %s",
			         replace ? "replace" : "add", path);
			json_decref(value);
			return -1;
		}
		if (replace)
			json_array_set_new(parent, (size_t)i, value);
		else
			json_array_insert_new(parent, (size_t)i, value);
		return 0;
	}
	snprintf(err, errlen, "doc is missing path: \"%s\"", path);
	json_decref(value);
	return -1;
}

json_t *patch_json(const json_t *doc, const json_t *ops, char *err, size_t errlen)
{
	if (!json_is_array(ops)) {
		snprintf(err, errlen, "a JSON patch must be an array of operations");
		return NULL;
	}
	json_t *out = json_deep_copy(doc);
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op) {
		const char *name = json_str(op, "op");
		const char *path = json_str(op, "path");
		json_t *value = json_object_get(op, "value");
		int rc = 0;
		if (!name || !path) {
			snprintf(err, errlen, "operation %zu: missing \"op\" or \"path\"", i);
			rc = -1;
		} else if (strcmp(name, "add") == 0 || strcmp(name, "replace") == 0) {
			if (!value) {
				snprintf(err, errlen, "operation %zu (%s): missing \"value\"", i, name);
				rc = -1;
			} else if (path[0] == '\0') {
				json_decref(out);
				out = json_deep_copy(value);
			} else {
				rc = op_put(out, path, json_deep_copy(value), name[0] == 'r', err, errlen);
			}
		} else if (strcmp(name, "remove") == 0) {
			rc = op_remove(out, path, err, errlen);
		} else if (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0) {
			const char *from = json_str(op, "from");
			json_t *v = from ? get_path(out, from, err, errlen) : NULL;
			if (!from)
				snprintf(err, errlen, "operation %zu (%s): missing \"from\"", i, name);
			if (!v) {
				rc = -1;
			} else {
				v = json_deep_copy(v);
				if (name[0] == 'm' && op_remove(out, from, err, errlen) != 0) {
					json_decref(v);
					rc = -1;
				} else {
					rc = op_put(out, path, v, false, err, errlen);
				}
			}
		} else if (strcmp(name, "test") == 0) {
			json_t *v = get_path(out, path, err, errlen);
			if (!v || !value || !json_equal(v, value)) {
				snprintf(err, errlen, "testing value %s failed: test failed", path);
				rc = -1;
			}
		} else {
			snprintf(err, errlen, "Unexpected kind: %s", name);
			rc = -1;
		}
		if (rc != 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
