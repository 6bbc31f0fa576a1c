/* apply.c: server-side apply with a simple field-ownership model, recorded in
 * metadata.managedFields (FieldsV1) as the API server does. Limits (documented in --help):
 * every list is atomic (the Gateway API CRDs declare theirs atomic; core Service ports are
 * keyed lists in a real cluster), ownership is by leaf field path, and only spec, data and
 * metadata labels/annotations are tracked. A field is in conflict when another manager owns
 * it (or a field inside or around it) and the applied value differs from the live one; force
 * takes ownership. Fields a manager applied before and omits now are removed unless someone
 * else owns them. */
#include "config.h"
#include "sim.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEP '\x1f'

struct paths {
	char **v;
	size_t n, cap;
};

static void paths_add(struct paths *p, const char *s)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i], s) == 0)
			return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = xstrdup(s);
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

static bool overlap(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	size_t n = na < nb ? na : nb;
	return strncmp(a, b, n) == 0 && (na == nb || (na > nb ? a[n] : b[n]) == SEP);
}

/* Leaf paths of value v under prefix (objects recurse; anything else is a leaf). */
static void leaves(const json_t *v, const char *prefix, struct paths *out)
{
	if (!v)
		return;
	if (json_is_object(v) && json_object_size(v) > 0) {
		const char *k;
		json_t *c;
		json_object_foreach((json_t *)v, k, c) {
			char *p = prefix[0] ? xasprintf("%s%c%s", prefix, SEP, k) : xstrdup(k);
			leaves(c, p, out);
			free(p);
		}
	} else if (prefix[0]) {
		paths_add(out, prefix);
	}
}

/* Tracked fields of obj: spec/data (or status for the status subresource), labels and
 * annotations. */
static void tracked(const json_t *obj, bool status, struct paths *out)
{
	const char *k;
	json_t *c;
	json_object_foreach((json_t *)obj, k, c) {
		if (strcmp(k, "apiVersion") == 0 || strcmp(k, "kind") == 0)
			continue;
		if (strcmp(k, "status") == 0 ? !status : status)
			continue;
		if (strcmp(k, "metadata") == 0) {
			char p[64];
			snprintf(p, sizeof p, "metadata%clabels", SEP);
			leaves(json_object_get(c, "labels"), p, out);
			snprintf(p, sizeof p, "metadata%cannotations", SEP);
			leaves(json_object_get(c, "annotations"), p, out);
			continue;
		}
		leaves(c, k, out);
	}
}

static json_t *value_at(const json_t *obj, const char *path)
{
	char *copy = xstrdup(path);
	const json_t *cur = obj;
	char *save = NULL;
	char sep[2] = {SEP, 0};
	for (char *t = strtok_r(copy, sep, &save); t && cur; t = strtok_r(NULL, sep, &save))
		cur = json_object_get(cur, t);
	free(copy);
	return (json_t *)cur;
}

static void set_at(json_t *obj, const char *path, json_t *v)
{
	char *copy = xstrdup(path);
	char *save = NULL;
	char sep[2] = {SEP, 0};
	json_t *cur = obj;
	char *t = strtok_r(copy, sep, &save);
	while (t) {
		char *next = strtok_r(NULL, sep, &save);
		if (!next) {
			json_object_set(cur, t, v);
			break;
		}
		json_t *child = json_object_get(cur, t);
		if (!json_is_object(child)) {
			child = json_object();
			json_object_set_new(cur, t, child);
		}
		cur = child;
		t = next;
	}
	free(copy);
}

static void del_at(json_t *obj, const char *path)
{
	const char *last = strrchr(path, SEP);
	if (!last) {
		json_object_del(obj, path);
		return;
	}
	char *parent = xstrndup(path, (size_t)(last - path));
	json_t *p = value_at(obj, parent);
	if (json_is_object(p)) {
		json_object_del(p, last + 1);
		if (json_object_size(p) == 0)
			del_at(obj, parent);
	}
	free(parent);
}

static void tree_paths(const json_t *tree, const char *prefix, struct paths *out)
{
	const char *k;
	json_t *c;
	if (!json_is_object(tree))
		return;
	if (json_object_size(tree) == 0 && prefix[0]) {
		paths_add(out, prefix);
		return;
	}
	json_object_foreach((json_t *)tree, k, c) {
		if (strncmp(k, "f:", 2) != 0)
			continue;
		char *p = prefix[0] ? xasprintf("%s%c%s", prefix, SEP, k + 2) : xstrdup(k + 2);
		tree_paths(c, p, out);
		free(p);
	}
}

static json_t *paths_tree(const struct paths *p)
{
	json_t *tree = json_object();
	char sep[2] = {SEP, 0};
	for (size_t i = 0; i < p->n; i++) {
		char *copy = xstrdup(p->v[i]);
		char *save = NULL;
		json_t *cur = tree;
		for (char *t = strtok_r(copy, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
			char key[300];
			snprintf(key, sizeof key, "f:%s", t);
			json_t *child = json_object_get(cur, key);
			if (!child) {
				child = json_object();
				json_object_set_new(cur, key, child);
			}
			cur = child;
		}
		free(copy);
	}
	return tree;
}

/* managedFields of obj as a fresh array of fresh entries. */
static json_t *managed_copy(const json_t *obj)
{
	json_t *mf = json_object_get(json_object_get(obj, "metadata"), "managedFields");
	return json_is_array(mf) ? json_deep_copy(mf) : json_array();
}

static bool entry_is(const json_t *e, const char *manager, const char *op, const char *sub)
{
	const char *es = json_str(e, "subresource");
	return strcmp(json_str(e, "manager") ? json_str(e, "manager") : "", manager) == 0 &&
	       strcmp(json_str(e, "operation") ? json_str(e, "operation") : "", op) == 0 &&
	       strcmp(es ? es : "", sub ? sub : "") == 0;
}

/* Replace (or add) the entry of manager/op with paths p; drops empty entries. */
static void set_entry(json_t *mf, const char *manager, const char *op, const char *api_version,
                      const char *sub, const struct paths *p)
{
	char ts[32];
	size_t i;
	json_t *e;
	json_array_foreach(mf, i, e) {
		if (entry_is(e, manager, op, sub)) {
			json_array_remove(mf, i);
			break;
		}
	}
	if (p->n == 0)
		return;
	e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "manager", manager, "operation", op,
	              "apiVersion", api_version, "time", iso_now(ts, sizeof ts), "fieldsType",
	              "FieldsV1", "fieldsV1", paths_tree(p));
	if (sub)
		json_object_set_new(e, "subresource", json_string(sub));
	json_array_append_new(mf, e);
}

/* Remove from every entry except (manager, op) the paths overlapping any of taken. */
static void take_from_others(json_t *mf, const char *manager, const char *op, const struct paths *taken)
{
	for (size_t i = 0; i < json_array_size(mf);) {
		json_t *e = json_array_get(mf, i);
		if (entry_is(e, manager, op, json_str(e, "subresource"))) {
			i++;
			continue;
		}
		struct paths have = {0}, keep = {0};
		tree_paths(json_object_get(e, "fieldsV1"), "", &have);
		for (size_t k = 0; k < have.n; k++) {
			bool lost = false;
			for (size_t t = 0; t < taken->n && !lost; t++)
				lost = overlap(have.v[k], taken->v[t]);
			if (!lost)
				paths_add(&keep, have.v[k]);
		}
		if (keep.n == 0) {
			json_array_remove(mf, i);
		} else {
			json_object_set_new(e, "fieldsV1", paths_tree(&keep));
			i++;
		}
		paths_free(&have);
		paths_free(&keep);
	}
}

static void readable(const char *path, char *buf, size_t n)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 2 < n; p++) {
		if (p == path || *p == SEP)
			buf[o++] = '.';
		if (*p != SEP)
			buf[o++] = *p;
	}
	buf[o] = '\0';
}

json_t *apply_config(const json_t *cur, const json_t *config, const char *manager, bool force,
                     const char *api_version, json_t **conflicts, char *err, size_t errlen)
{
	struct paths applied = {0}, before = {0};
	*conflicts = NULL;
	json_t *obj = cur ? json_deep_copy(cur) : json_object();
	json_t *mf = managed_copy(cur);
	tracked(config, false, &applied);
	size_t i;
	json_t *e;
	/* conflicts with other managers */
	json_t *cl = json_array();
	json_array_foreach(mf, i, e) {
		if (entry_is(e, manager, "Apply", NULL) || json_str(e, "subresource"))
			continue;
		struct paths owned = {0};
		tree_paths(json_object_get(e, "fieldsV1"), "", &owned);
		for (size_t a = 0; a < applied.n; a++) {
			for (size_t o = 0; o < owned.n; o++) {
				if (!overlap(applied.v[a], owned.v[o]))
					continue;
				if (json_same(value_at(config, applied.v[a]), value_at(cur, applied.v[a])))
					continue;
				char field[512], msg[700];
				readable(applied.v[a], field, sizeof field);
				snprintf(msg, sizeof msg, "conflict with \"%s\"%s%s: %s", json_str(e, "manager"),
				         strcmp(json_str(e, "operation") ? json_str(e, "operation") : "", "Update") == 0 ? " using " : "",
				         strcmp(json_str(e, "operation") ? json_str(e, "operation") : "", "Update") == 0 ? json_str(e, "apiVersion") ? json_str(e, "apiVersion") : "" : "",
				         field);
				json_array_append_new(cl, json_pack("{s:s, s:s, s:s}", "reason", "FieldManagerConflict",
				                                    "message", msg, "field", field));
				break;
			}
		}
		paths_free(&owned);
	}
	if (json_array_size(cl) && !force) {
		*conflicts = cl;
		json_decref(obj);
		json_decref(mf);
		paths_free(&applied);
		return NULL;
	}
	json_decref(cl);
	/* fields this manager applied before and dropped now, owned by nobody else: removed */
	json_array_foreach(mf, i, e)
		if (entry_is(e, manager, "Apply", NULL))
			tree_paths(json_object_get(e, "fieldsV1"), "", &before);
	for (size_t b = 0; b < before.n; b++) {
		bool still = false;
		for (size_t a = 0; a < applied.n && !still; a++)
			still = overlap(before.v[b], applied.v[a]);
		json_array_foreach(mf, i, e) {
			if (still || entry_is(e, manager, "Apply", NULL))
				continue;
			struct paths owned = {0};
			tree_paths(json_object_get(e, "fieldsV1"), "", &owned);
			for (size_t o = 0; o < owned.n && !still; o++)
				still = overlap(before.v[b], owned.v[o]);
			paths_free(&owned);
		}
		if (!still)
			del_at(obj, before.v[b]);
	}
	/* merge the configuration in */
	for (size_t a = 0; a < applied.n; a++) {
		json_t *v = value_at(config, applied.v[a]);
		if (json_is_null(v))
			del_at(obj, applied.v[a]);
		else
			set_at(obj, applied.v[a], v);
	}
	const char *av = json_str(config, "apiVersion");
	const char *kind = json_str(config, "kind");
	if (!av || !kind) {
		snprintf(err, errlen, "the apply configuration must have apiVersion and kind");
		json_decref(obj);
		json_decref(mf);
		paths_free(&applied);
		paths_free(&before);
		return NULL;
	}
	json_object_set_new(obj, "apiVersion", json_string(av));
	json_object_set_new(obj, "kind", json_string(kind));
	const char *rv = meta_str(config, "resourceVersion");
	json_t *m = json_object_get(obj, "metadata");
	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	if (rv)
		json_object_set_new(m, "resourceVersion", json_string(rv));
	if (!cur && meta_str(config, "namespace"))
		json_object_set_new(m, "namespace", json_string(meta_str(config, "namespace")));
	if (force)
		take_from_others(mf, manager, "Apply", &applied);
	set_entry(mf, manager, "Apply", api_version, NULL, &applied);
	json_object_set_new(m, "managedFields", mf);
	paths_free(&applied);
	paths_free(&before);
	return obj;
}

void apply_track_update(const json_t *old_obj, json_t *new_obj, const char *manager,
                        const char *api_version, const char *subresource)
{
	struct paths now = {0}, changed = {0}, mine = {0};
	bool st = subresource != NULL;
	tracked(new_obj, st, &now);
	for (size_t i = 0; i < now.n; i++)
		if (!old_obj || !json_same(value_at(old_obj, now.v[i]), value_at(new_obj, now.v[i])))
			paths_add(&changed, now.v[i]);
	json_t *mf = managed_copy(old_obj);
	if (changed.n == 0) {
		json_object_set_new(json_object_get(new_obj, "metadata"), "managedFields", mf);
		paths_free(&now);
		paths_free(&changed);
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(mf, i, e)
		if (entry_is(e, manager, "Update", subresource))
			tree_paths(json_object_get(e, "fieldsV1"), "", &mine);
	for (size_t k = 0; k < changed.n; k++)
		paths_add(&mine, changed.v[k]);
	take_from_others(mf, manager, "Update", &changed);
	/* keep only paths that still exist */
	struct paths live = {0};
	for (size_t k = 0; k < mine.n; k++)
		if (value_at(new_obj, mine.v[k]))
			paths_add(&live, mine.v[k]);
	set_entry(mf, manager, "Update", api_version, subresource, &live);
	json_t *m = json_object_get(new_obj, "metadata");
	if (json_is_object(m))
		json_object_set_new(m, "managedFields", mf);
	else
		json_decref(mf);
	paths_free(&now);
	paths_free(&changed);
	paths_free(&mine);
	paths_free(&live);
}
