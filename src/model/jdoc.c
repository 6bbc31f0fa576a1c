/* jdoc.c: the change journal's form of an object (redacted, without churn fields) and the
 * managedFields reading that says who changed it (see jdoc.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/jdoc.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define BIG_VALUE 1024 /* annotation values longer than this are kept as size + hash */

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t jdoc_hash(const json_t *v)
{
	if (!v)
		return 0;
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	uint64_t h = s ? fnv(s, strlen(s)) : 0;
	free(s);
	return h ? h : 1;
}

bool jdoc_secret_key(const char *key)
{
	static const char *const words[] = {"token", "password", "passwd", "secret", "key",
	                                    "credential"};
	size_t n = strlen(key);
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		size_t wl = strlen(words[w]);
		for (size_t i = 0; i + wl <= n; i++)
			if (!strncasecmp(key + i, words[w], wl))
				return true;
	}
	return false;
}

static json_t *annotations(const json_t *a)
{
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)a, k, v) {
		const char *s = json_string_value(v);
		size_t len = s ? strlen(s) : 0;
		if (jdoc_secret_key(k)) {
			json_object_set_new(out, k, json_string(JDOC_REDACTED));
		} else if (!strcmp(k, JDOC_LAST_APPLIED) || len > BIG_VALUE || (v && !s)) {
			char *d = xasprintf("(%zu bytes, fnv %016llx)", len,
			                    (unsigned long long)(s ? fnv(s, len) : jdoc_hash(v)));
			json_object_set_new(out, k, json_string(d));
			free(d);
		} else {
			json_object_set(out, k, v);
		}
	}
	return out;
}

json_t *jdoc_from_api(const json_t *obj)
{
	if (!json_is_object(obj))
		return NULL;
	json_t *doc = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		if (strcmp(k, "metadata") != 0) {
			json_object_set_new(doc, k, json_deep_copy(v));
			continue;
		}
		json_t *m = json_object();
		static const char *const keep[] = {"name", "namespace", "uid", "generation",
		                                   "creationTimestamp", "labels"};
		for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
			json_t *x = json_object_get(v, keep[i]);
			if (x)
				json_object_set_new(m, keep[i], json_deep_copy(x));
		}
		json_t *a = json_object_get(v, "annotations");
		if (json_is_object(a) && json_object_size(a))
			json_object_set_new(m, "annotations", annotations(a));
		json_object_set_new(doc, "metadata", m);
	}
	return doc;
}

/* ---- managedFields ---- */

static char *str_of(const json_t *o, const char *key)
{
	return xstrdup_null(json_string_value(json_object_get(o, key)));
}

static void add_entry(struct jdoc_managers *out, size_t *cap, const json_t *e, bool with_fields)
{
	if (!json_is_object(e))
		return;
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		out->items = xreallocarray(out->items, *cap, sizeof *out->items);
	}
	struct jdoc_manager *m = &out->items[out->n++];
	memset(m, 0, sizeof *m);
	m->manager = str_of(e, "manager");
	m->operation = str_of(e, "operation");
	m->subresource = str_of(e, "subresource");
	m->time = str_of(e, "time");
	time_t t;
	if (m->time && time_parse_rfc3339(m->time, &t) == 0)
		m->time_ms = (int64_t)t * 1000;
	json_t *f = json_object_get(e, "fieldsV1");
	if (with_fields && json_is_object(f))
		m->fields = json_incref(f);
}

void jdoc_managers_parse(const json_t *obj, struct jdoc_managers *out)
{
	memset(out, 0, sizeof *out);
	const json_t *mf = json_object_get(json_object_get(obj, "metadata"), "managedFields");
	size_t i, cap = 0;
	json_t *e;
	json_array_foreach(mf, i, e)
		add_entry(out, &cap, e, true);
}

json_t *jdoc_managers_brief(const struct jdoc_managers *m)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->n; i++) {
		json_t *o = json_object();
		const struct jdoc_manager *x = &m->items[i];
		if (x->manager)
			json_object_set_new(o, "manager", json_string(x->manager));
		if (x->operation)
			json_object_set_new(o, "operation", json_string(x->operation));
		if (x->subresource)
			json_object_set_new(o, "subresource", json_string(x->subresource));
		if (x->time)
			json_object_set_new(o, "time", json_string(x->time));
		json_array_append_new(a, o);
	}
	return a;
}

void jdoc_managers_from_brief(const json_t *j, struct jdoc_managers *out)
{
	memset(out, 0, sizeof *out);
	size_t i, cap = 0;
	json_t *e;
	json_array_foreach(j, i, e)
		add_entry(out, &cap, e, false);
}

void jdoc_managers_done(struct jdoc_managers *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].manager);
		free(m->items[i].operation);
		free(m->items[i].subresource);
		free(m->items[i].time);
		json_decref(m->items[i].fields);
	}
	free(m->items);
	memset(m, 0, sizeof *m);
}

/* Does the fieldsV1 key ("i:2", "k:{...}", "v:...") name element elem at index idx? */
static bool item_key_matches(const char *key, const json_t *elem, long idx)
{
	if (!strncmp(key, "i:", 2))
		return strtol(key + 2, NULL, 10) == idx;
	bool keyed = !strncmp(key, "k:", 2);
	if (!keyed && strncmp(key, "v:", 2) != 0)
		return false;
	json_t *v = json_loads(key + 2, JSON_DECODE_ANY, NULL);
	bool ok = false;
	if (keyed && json_is_object(v) && json_is_object(elem)) {
		const char *k;
		json_t *x;
		ok = true;
		json_object_foreach(v, k, x)
			ok = ok && json_equal(x, json_object_get(elem, k));
	} else if (!keyed && v) {
		ok = json_equal(v, (json_t *)elem);
	}
	json_decref(v);
	return ok;
}

bool jdoc_owns(const json_t *fields, const char *path, const json_t *doc)
{
	if (!json_is_object(fields))
		return false;
	struct objdiff_seg *segs;
	long n = objdiff_path_parse(path, &segs);
	if (n < 0)
		return false;
	const json_t *node = fields, *cur = doc;
	bool owns = true;
	for (long i = 0; i < n && owns; i++) {
		if (json_object_size(node) == 0)
			break; /* the whole value is owned */
		const json_t *next = NULL;
		if (segs[i].key) {
			char *k = xasprintf("f:%s", segs[i].key);
			next = json_object_get(node, k);
			free(k);
			cur = json_object_get(cur, segs[i].key);
		} else {
			const json_t *elem = json_array_get(cur, (size_t)segs[i].index);
			const char *k;
			json_t *v;
			json_object_foreach((json_t *)node, k, v)
				if (elem && item_key_matches(k, elem, segs[i].index)) {
					next = v;
					break;
				}
			cur = elem;
		}
		owns = json_is_object(next);
		node = next;
	}
	objdiff_segs_free(segs, n);
	return owns;
}

static bool same_entry(const struct jdoc_manager *a, const struct jdoc_manager *b)
{
	return !strcmp(a->manager ? a->manager : "", b->manager ? b->manager : "") &&
	       !strcmp(a->operation ? a->operation : "", b->operation ? b->operation : "") &&
	       !strcmp(a->subresource ? a->subresource : "", b->subresource ? b->subresource : "");
}

/* Did entry e of the newer list change (new, or restamped) since `before`? */
static bool restamped(const struct jdoc_managers *before, const struct jdoc_manager *e)
{
	for (size_t i = 0; i < before->n; i++)
		if (same_entry(&before->items[i], e))
			return !(before->items[i].time && e->time && !strcmp(before->items[i].time, e->time));
	return true;
}

static bool is_status_entry(const struct jdoc_manager *e)
{
	return e->subresource && !strcmp(e->subresource, "status");
}

/* Changes that do not say who: generation follows spec, and the status has its own writers. */
static const char *const not_written[] = {"metadata.generation", NULL};

static int owned_count(const struct jdoc_manager *e, const struct objdiff *d, const json_t *doc)
{
	int n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].op != OBJDIFF_REMOVE &&
		    !objdiff_path_under_any(d->items[i].path, not_written) &&
		    jdoc_owns(e->fields, d->items[i].path, doc))
			n++;
	return n;
}

void jdoc_who(const struct jdoc_managers *before, const struct jdoc_managers *after,
              const struct objdiff *d, const json_t *after_doc, bool status,
              struct jdoc_who *out)
{
	memset(out, 0, sizeof *out);
	const struct jdoc_manager *best = NULL;
	int best_score = -1;
	/* pass 0: the entries restamped since `before` (when known); pass 1: any entry */
	for (int pass = before ? 0 : 1; pass < 2 && !best; pass++) {
		for (size_t i = 0; i < after->n; i++) {
			const struct jdoc_manager *e = &after->items[i];
			if (is_status_entry(e) != status || (pass == 0 && !restamped(before, e)))
				continue;
			int score = owned_count(e, d, after_doc);
			if (pass == 1 && score == 0)
				continue;
			if (score > best_score || (score == best_score && e->time_ms > best->time_ms)) {
				best = e;
				best_score = score;
			}
		}
		if (best)
			out->how = pass == 0 ? JDOC_WHO_WRITER : JDOC_WHO_OWNER;
	}
	if (!best) { /* nobody owns what changed (fields removed): the newest writer */
		for (size_t i = 0; i < after->n; i++) {
			const struct jdoc_manager *e = &after->items[i];
			if (is_status_entry(e) == status && (!best || e->time_ms > best->time_ms))
				best = e;
		}
		out->how = best ? JDOC_WHO_GUESS : JDOC_WHO_UNKNOWN;
	}
	if (best) {
		out->manager = best->manager;
		out->operation = best->operation;
		out->time_ms = best->time_ms;
	}
}
