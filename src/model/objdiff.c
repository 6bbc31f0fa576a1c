/* objdiff.c: field-by-field differences between two JSON documents, their stored form, their
 * replay and their one-line summaries (see objdiff.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/objdiff.h"
#include "gammatop/xalloc.h"

void objdiff_init(struct objdiff *d) { memset(d, 0, sizeof *d); }

void objdiff_done(struct objdiff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].path);
		json_decref(d->items[i].old_v);
		json_decref(d->items[i].new_v);
	}
	free(d->items);
	memset(d, 0, sizeof *d);
}

static void add(struct objdiff *d, const char *path, enum objdiff_op op, const json_t *a,
                const json_t *b)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->items = xreallocarray(d->items, d->cap, sizeof *d->items);
	}
	d->items[d->n++] = (struct objdiff_change){xstrdup(path), op, json_incref((json_t *)a),
	                                           json_incref((json_t *)b)};
}

/* A key that can follow a '.' in a path: a letter, '_' or '$', then letters, digits, '_',
 * '$', '-'. Anything else is written ["..."]. */
static bool plain_key(const char *k)
{
	if (!*k || !((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_' || *k == '$'))
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '$' || *p == '-'))
			return false;
	return true;
}

static char *child_key(const char *prefix, const char *key)
{
	if (plain_key(key))
		return *prefix ? xasprintf("%s.%s", prefix, key) : xstrdup(key);
	json_t *s = json_string(key);
	char *q = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
	json_decref(s);
	char *p = xasprintf("%s[%s]", prefix, q ? q : "\"?\"");
	free(q);
	return p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void diff_objects(struct objdiff *d, const char *prefix, const json_t *a, const json_t *b)
{
	size_t n = json_object_size(a) + json_object_size(b), k = 0;
	const char **keys = xcalloc(n + 1, sizeof *keys);
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)a, key, v)
		keys[k++] = key;
	json_object_foreach((json_t *)b, key, v)
		if (!json_object_get(a, key))
			keys[k++] = key;
	qsort(keys, k, sizeof *keys, cmp_str);
	for (size_t i = 0; i < k; i++) {
		char *p = child_key(prefix, keys[i]);
		objdiff_compute(d, p, json_object_get(a, keys[i]), json_object_get(b, keys[i]));
		free(p);
	}
	free(keys);
}

static void diff_arrays(struct objdiff *d, const char *prefix, const json_t *a, const json_t *b)
{
	size_t na = json_array_size(a), nb = json_array_size(b);
	size_t common = na < nb ? na : nb;
	char *p;
	for (size_t i = 0; i < common; i++) {
		p = xasprintf("%s[%zu]", prefix, i);
		objdiff_compute(d, p, json_array_get(a, i), json_array_get(b, i));
		free(p);
	}
	for (size_t i = common; i < nb; i++) {
		p = xasprintf("%s[%zu]", prefix, i);
		add(d, p, OBJDIFF_ADD, NULL, json_array_get(b, i));
		free(p);
	}
	for (size_t i = na; i > common; i--) { /* from the end, so that replay can remove in turn */
		p = xasprintf("%s[%zu]", prefix, i - 1);
		add(d, p, OBJDIFF_REMOVE, json_array_get(a, i - 1), NULL);
		free(p);
	}
}

void objdiff_compute(struct objdiff *d, const char *prefix, const json_t *a, const json_t *b)
{
	if (!a && !b)
		return;
	if (!a) {
		add(d, prefix, OBJDIFF_ADD, NULL, b);
		return;
	}
	if (!b) {
		add(d, prefix, OBJDIFF_REMOVE, a, NULL);
		return;
	}
	if (json_is_object(a) && json_is_object(b))
		diff_objects(d, prefix, a, b);
	else if (json_is_array(a) && json_is_array(b))
		diff_arrays(d, prefix, a, b);
	else if (!json_equal((json_t *)a, (json_t *)b))
		add(d, prefix, OBJDIFF_SET, a, b);
}

static const char *op_name(enum objdiff_op op)
{
	return op == OBJDIFF_ADD ? "add" : op == OBJDIFF_REMOVE ? "remove" : "set";
}

json_t *objdiff_to_json(const struct objdiff *d)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < d->n; i++) {
		const struct objdiff_change *c = &d->items[i];
		json_t *o = json_pack("{s:s, s:s}", "op", op_name(c->op), "path", c->path);
		if (c->old_v)
			json_object_set(o, "old", c->old_v);
		if (c->new_v)
			json_object_set(o, "new", c->new_v);
		json_array_append_new(arr, o);
	}
	return arr;
}

static int op_parse(const char *s, enum objdiff_op *op)
{
	if (!s)
		return -1;
	if (!strcmp(s, "set"))
		*op = OBJDIFF_SET;
	else if (!strcmp(s, "add"))
		*op = OBJDIFF_ADD;
	else if (!strcmp(s, "remove"))
		*op = OBJDIFF_REMOVE;
	else
		return -1;
	return 0;
}

int objdiff_from_json(const json_t *j, struct objdiff *d, char *err, size_t errlen)
{
	if (!json_is_array(j)) {
		snprintf(err, errlen, "a diff must be an array of changes");
		return -1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(j, i, e) {
		enum objdiff_op op;
		const char *path = json_string_value(json_object_get(e, "path"));
		if (!path || op_parse(json_string_value(json_object_get(e, "op")), &op) < 0) {
			snprintf(err, errlen, "change %zu: needs a path and an op (set, add, remove)", i);
			return -1;
		}
		add(d, path, op, op == OBJDIFF_ADD ? NULL : json_object_get(e, "old"),
		    op == OBJDIFF_REMOVE ? NULL : json_object_get(e, "new"));
	}
	return 0;
}

/* ---- paths ---- */

void objdiff_segs_free(struct objdiff_seg *segs, long n)
{
	for (long i = 0; i < n; i++)
		free(segs[i].key);
	free(segs);
}

long objdiff_path_parse(const char *path, struct objdiff_seg **segs)
{
	size_t cap = 8;
	long n = 0;
	struct objdiff_seg *s = xcalloc(cap, sizeof *s);
	const char *p = path;
	while (*p) {
		if ((size_t)n == cap) {
			cap *= 2;
			s = xreallocarray(s, cap, sizeof *s);
		}
		if (*p == '[' && p[1] == '"') { /* ["key"]: a JSON string */
			const char *q = p + 2;
			while (*q && *q != '"')
				q += *q == '\\' && q[1] ? 2 : 1;
			if (*q != '"' || q[1] != ']')
				goto bad;
			json_t *str = json_loadb(p + 1, (size_t)(q + 1 - (p + 1)), JSON_DECODE_ANY, NULL);
			if (!json_is_string(str)) {
				json_decref(str);
				goto bad;
			}
			s[n++] = (struct objdiff_seg){xstrdup(json_string_value(str)), -1};
			json_decref(str);
			p = q + 2;
		} else if (*p == '[') {
			char *end;
			long v = strtol(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || v < 0)
				goto bad;
			s[n++] = (struct objdiff_seg){NULL, v};
			p = end + 1;
		} else {
			if (*p == '.') {
				if (n == 0)
					goto bad;
				p++;
			} else if (n > 0) {
				goto bad;
			}
			size_t len = strcspn(p, ".[]\"");
			if (!len || p[len] == ']' || p[len] == '"')
				goto bad;
			s[n++] = (struct objdiff_seg){xstrndup(p, len), -1};
			p += len;
		}
	}
	*segs = s;
	return n;
bad:
	objdiff_segs_free(s, n);
	*segs = NULL;
	return -1;
}

bool objdiff_path_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

/* ---- replay ---- */

static int apply_one(json_t *doc, const char *path, enum objdiff_op op, json_t *nv, char *err,
                     size_t errlen)
{
	struct objdiff_seg *segs;
	long n = objdiff_path_parse(path, &segs);
	if (n < 0) {
		snprintf(err, errlen, "%s: not a field path", path);
		return -1;
	}
	if (n == 0) { /* the whole document */
		objdiff_segs_free(segs, n);
		if (op == OBJDIFF_REMOVE || !json_is_object(nv) || !json_is_object(doc)) {
			snprintf(err, errlen, "the whole document can only be replaced by an object");
			return -1;
		}
		json_object_clear(doc);
		json_object_update(doc, nv);
		return 0;
	}
	json_t *cur = doc;
	int rc = -1;
	for (long i = 0; i < n - 1; i++) {
		json_t *next;
		if (segs[i].key) {
			next = json_is_object(cur) ? json_object_get(cur, segs[i].key) : NULL;
			if (!next && json_is_object(cur) && op != OBJDIFF_REMOVE) {
				next = json_object();
				json_object_set_new(cur, segs[i].key, next);
			}
		} else {
			next = json_is_array(cur) ? json_array_get(cur, (size_t)segs[i].index) : NULL;
		}
		if (!next) {
			snprintf(err, errlen, "%s: no such field to change", path);
			goto out;
		}
		cur = next;
	}
	const struct objdiff_seg *last = &segs[n - 1];
	if (last->key) {
		if (!json_is_object(cur)) {
			snprintf(err, errlen, "%s: the parent is not an object", path);
			goto out;
		}
		if (op == OBJDIFF_REMOVE)
			json_object_del(cur, last->key);
		else
			json_object_set(cur, last->key, nv);
		rc = 0;
		goto out;
	}
	size_t idx = (size_t)last->index, size = json_array_size(cur);
	if (!json_is_array(cur) || idx > size || (idx == size && op != OBJDIFF_ADD)) {
		snprintf(err, errlen, "%s: no such array element", path);
		goto out;
	}
	if (op == OBJDIFF_REMOVE)
		json_array_remove(cur, idx);
	else if (idx == size)
		json_array_append(cur, nv);
	else if (op == OBJDIFF_ADD)
		json_array_insert(cur, idx, nv);
	else
		json_array_set(cur, idx, nv);
	rc = 0;
out:
	objdiff_segs_free(segs, n);
	return rc;
}

int objdiff_apply(json_t *doc, const json_t *diff, char *err, size_t errlen)
{
	if (!json_is_array(diff)) {
		snprintf(err, errlen, "a diff must be an array of changes");
		return -1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(diff, i, e) {
		enum objdiff_op op;
		const char *path = json_string_value(json_object_get(e, "path"));
		json_t *nv = json_object_get(e, "new");
		if (!path || op_parse(json_string_value(json_object_get(e, "op")), &op) < 0 ||
		    (op != OBJDIFF_REMOVE && !nv)) {
			snprintf(err, errlen, "change %zu is malformed", i);
			return -1;
		}
		if (apply_one(doc, path, op, nv, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- text ---- */

/* Cut s to at most max characters (UTF-8 aware), adding "…" when cut. */
static char *cut(const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (chars == max)
				break;
			chars++;
		}
	}
	if (!s[i])
		return xstrdup(s);
	return xasprintf("%.*s…", (int)i, s);
}

char *objdiff_value_text(const json_t *v, size_t max_chars)
{
	if (!v)
		return xstrdup("(none)");
	if (json_is_string(v))
		return cut(json_string_value(v), max_chars);
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *r = cut(s ? s : "?", max_chars);
	free(s);
	return r;
}

char *objdiff_change_text(const struct objdiff_change *c)
{
	char *a = objdiff_value_text(c->old_v, 40), *b = objdiff_value_text(c->new_v, 40);
	char *s = xasprintf("%s %s → %s", c->path, a, b);
	free(a);
	free(b);
	return s;
}

bool objdiff_path_under_any(const char *path, const char *const *skip)
{
	for (size_t i = 0; skip && skip[i]; i++)
		if (objdiff_path_under(path, skip[i]))
			return true;
	return false;
}

char *objdiff_summary(const struct objdiff *d, size_t max_changes, const char *const *skip)
{
	struct buf b;
	buf_init(&b);
	size_t shown = 0, more = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (objdiff_path_under_any(d->items[i].path, skip))
			continue;
		if (shown == max_changes) {
			more++;
			continue;
		}
		char *t = objdiff_change_text(&d->items[i]);
		buf_printf(&b, "%s%s", shown ? "; " : "", t);
		free(t);
		shown++;
	}
	if (more)
		buf_printf(&b, " (+%zu more)", more);
	return buf_steal(&b);
}
