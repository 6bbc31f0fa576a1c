/* edit_doc.c: editing a whole route as a document (the console's `E`, as `kubectl edit`
 * does, and `undo` of such an edit): the merge patch between two versions of an object
 * (RFC 7386, computed), validation of the edited object (the model's decoder for every
 * field, the policy rules for every rule), re-applying an edit on a newer object after a
 * conflict, and finding fields the server dropped from a dry-run's result (a
 * standard-channel CRD prunes `retry`). Pure code. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit_int.h"
#include "gammatop/decode.h"
#include "gammatop/xalloc.h"

json_t *edit_doc_strip(const json_t *obj)
{
	json_t *c = json_deep_copy(obj);
	json_t *md = json_object_get(c, "metadata");
	json_object_del(md, "managedFields");
	json_object_del(md, "resourceVersion");
	json_object_del(c, "status");
	return c;
}

json_t *edit_doc_merge_diff(const json_t *from, const json_t *to)
{
	if (!json_is_object(from) || !json_is_object(to))
		return json_deep_copy(to);
	json_t *patch = json_object();
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)from, key, v)
		if (!json_object_get(to, key))
			json_object_set_new(patch, key, json_null());
	json_object_foreach((json_t *)to, key, v) {
		const json_t *old = json_object_get(from, key);
		if (old && json_equal((json_t *)old, v))
			continue;
		/* A null in the target cannot be said in a merge patch: it means "delete". */
		if (old && json_is_object(old) && json_is_object(v))
			json_object_set_new(patch, key, edit_doc_merge_diff(old, v));
		else
			json_object_set_new(patch, key, json_deep_copy(v));
	}
	return patch;
}

json_t *edit_doc_rebase(const json_t *old_base, const json_t *doc, const json_t *new_base)
{
	json_t *a = edit_doc_strip(old_base), *b = edit_doc_strip(doc);
	json_t *mine = edit_doc_merge_diff(a, b);
	json_t *n = edit_doc_strip(new_base);
	json_t *out = policy_apply_merge_patch(n, mine);
	json_decref(a);
	json_decref(b);
	json_decref(mine);
	json_decref(n);
	return out;
}

static bool same_str(const json_t *a, const json_t *b, const char *key)
{
	const char *x = json_string_value(json_object_get(a, key));
	const char *y = json_string_value(json_object_get(b, key));
	return x && y && !strcmp(x, y);
}

int edit_doc_build(const json_t *base, const json_t *doc, const char *id, const char *rv,
                   struct findings *f, json_t **patch, char *err, size_t errlen)
{
	*patch = NULL;
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "the edited document is not an object");
		return -1;
	}
	const json_t *bm = json_object_get(base, "metadata"), *dm = json_object_get(doc, "metadata");
	if (!same_str(base, doc, "kind") || !same_str(bm, dm, "name") ||
	    !same_str(bm, dm, "namespace")) {
		snprintf(err, errlen, "kind, metadata.name and metadata.namespace cannot be changed "
		                      "here (this edit is about %s)", id);
		return -1;
	}
	/* status is ignored (the server keeps its own), so it is not validated either. */
	json_t *a = edit_doc_strip(base), *b = edit_doc_strip(doc);
	struct gt_object *o = NULL;
	char derr[512];
	if (decode_object(b, &o, derr, sizeof derr) != DECODE_OK) {
		snprintf(err, errlen, "%s", derr);
		json_decref(a);
		json_decref(b);
		return -1;
	}
	size_t errors = 0;
	for (size_t i = 0; kind_is_route(o->kind) && i < o->u.route.n_rules; i++) {
		struct policy p;
		policy_from_rule(&o->u.route.rules[i], &p);
		errors += policy_validate(&p, id, i, f);
	}
	object_free(o);
	*patch = edit_doc_merge_diff(a, b);
	json_decref(a);
	json_decref(b);
	if (rv) {
		json_t *md = json_object_get(*patch, "metadata");
		if (!json_is_object(md))
			json_object_set_new(*patch, "metadata", md = json_object());
		json_object_set_new(md, "resourceVersion", json_string(rv));
	}
	return (int)errors;
}

static void dropped(const json_t *want, const json_t *got, struct buf *path, struct buf *out,
                    size_t *n)
{
	if (json_is_object(want) && json_is_object(got)) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)want, key, v) {
			size_t len = path->len;
			buf_printf(path, "%s%s", len ? "." : "", key);
			const json_t *g = json_object_get(got, key);
			if (!g && !json_is_null(v)) {
				if ((*n)++ < 8)
					buf_printf(out, " %s", buf_str(path));
			} else if (g) {
				dropped(v, g, path, out, n);
			}
			path->len = len;
			path->data[len] = '\0';
		}
	} else if (json_is_array(want) && json_is_array(got) &&
	           json_array_size(want) == json_array_size(got)) {
		for (size_t i = 0; i < json_array_size(want); i++) {
			size_t len = path->len;
			buf_printf(path, "[%zu]", i);
			dropped(json_array_get(want, i), json_array_get(got, i), path, out, n);
			path->len = len;
			path->data[len] = '\0';
		}
	}
}

size_t edit_doc_dropped(const json_t *want, const json_t *got, struct buf *out)
{
	struct buf path;
	buf_init(&path);
	buf_putc(&path, 'x'); /* make data non-NULL, then empty it */
	path.len = 0;
	path.data[0] = '\0';
	size_t n = 0;
	json_t *w = edit_doc_strip(want), *g = edit_doc_strip(got);
	dropped(w, g, &path, out, &n);
	if (n > 8)
		buf_printf(out, " (and %zu more)", n - 8);
	json_decref(w);
	json_decref(g);
	buf_done(&path);
	return n;
}
