/* objects.c: the simulator's object store: one sorted table per resource (namespace, name),
 * a global monotonically increasing resourceVersion, and a bounded ring of change events
 * that watches replay. Objects are immutable jansson values: a change stores a new value. */
#include "config.h"
#include "sim.h"

#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void objects_init(struct objects *o, size_t history)
{
	memset(o, 0, sizeof *o);
	o->ring_cap = history ? history : 1;
	o->ring = xcalloc(o->ring_cap, sizeof *o->ring);
}

void objects_done(struct objects *o)
{
	for (int r = 0; r < RES_COUNT; r++) {
		struct obj_table *t = &o->tables[r];
		for (size_t i = 0; i < t->n; i++) {
			free(t->v[i].ns);
			free(t->v[i].name);
			json_decref(t->v[i].obj);
		}
		free(t->v);
	}
	for (size_t i = 0; i < o->ring_n; i++)
		json_decref(o->ring[(o->ring_start + i) % o->ring_cap].obj);
	free(o->ring);
	memset(o, 0, sizeof *o);
}

static int key_cmp(const char *ns1, const char *n1, const char *ns2, const char *n2)
{
	int c = strcmp(ns1, ns2);
	return c ? c : strcmp(n1, n2);
}

/* Binary search: index of the first entry >= key; *found when equal. */
static size_t find(const struct obj_table *t, const char *ns, const char *name, bool *found)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(t->v[mid].ns, t->v[mid].name, ns, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < t->n && key_cmp(t->v[lo].ns, t->v[lo].name, ns, name) == 0;
	return lo;
}

const json_t *objects_get(const struct objects *o, enum sim_res r, const char *ns,
                          const char *name)
{
	const struct obj_table *t = &o->tables[r];
	bool found;
	if (!name)
		return NULL;
	if (o->bulk) { /* unsorted while loading: only small tables are looked up then */
		for (size_t k = t->n; k-- > 0;)
			if (strcmp(t->v[k].ns, ns ? ns : "") == 0 && strcmp(t->v[k].name, name) == 0)
				return t->v[k].obj;
		return NULL;
	}
	size_t i = find(t, ns ? ns : "", name, &found);
	return found ? t->v[i].obj : NULL;
}

static void record(struct objects *o, enum obj_event type, enum sim_res r, json_t *obj)
{
	if (o->ring_n == o->ring_cap) {
		struct sim_event *old = &o->ring[o->ring_start];
		o->compacted_rv = old->rv;
		json_decref(old->obj);
		o->ring_start = (o->ring_start + 1) % o->ring_cap;
		o->ring_n--;
	}
	struct sim_event *e = &o->ring[(o->ring_start + o->ring_n) % o->ring_cap];
	e->rv = o->rv;
	e->type = type;
	e->res = r;
	e->obj = json_incref(obj);
	o->ring_n++;
}

static void set_meta(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new(json_object_get(obj, "metadata"), key, v);
}

const json_t *objects_put(struct objects *o, enum sim_res r, json_t *obj)
{
	struct obj_table *t = &o->tables[r];
	const char *ns = meta_str(obj, "namespace");
	const char *name = meta_str(obj, "name");
	char buf[32];
	if (!resource_get(r)->namespaced || !ns)
		ns = "";
	/* metadata may be shared with an older version (shallow copies): write into a copy */
	json_t *m = json_object_get(obj, "metadata");
	json_object_set_new(obj, "metadata", json_is_object(m) ? json_copy(m) : json_object());
	bool found = false;
	size_t i = o->bulk ? t->n : find(t, ns, name, &found);
	o->rv++;
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->rv);
	set_meta(obj, "resourceVersion", json_string(buf));
	if (!found) {
		if (!meta_str(obj, "uid")) {
			o->uid_seq++;
			snprintf(buf, sizeof buf, "%08llx", (unsigned long long)o->uid_seq);
			char uid[64];
			snprintf(uid, sizeof uid, "5e1d0000-0000-4000-8000-0000%s", buf);
			set_meta(obj, "uid", json_string(uid));
		}
		if (!meta_str(obj, "creationTimestamp")) {
			char ts[32];
			set_meta(obj, "creationTimestamp", json_string(iso_now(ts, sizeof ts)));
		}
		json_t *g = json_object_get(json_object_get(obj, "metadata"), "generation");
		if (!json_is_integer(g) && resource_get(r)->custom) /* core kinds have no generation */
			set_meta(obj, "generation", json_integer(1));
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 16;
			t->v = xrealloc(t->v, t->cap * sizeof *t->v);
		}
		memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof *t->v);
		t->v[i].ns = xstrdup(ns);
		t->v[i].name = xstrdup(name);
		t->v[i].obj = obj;
		t->n++;
		record(o, EV_ADDED, r, obj);
	} else {
		json_decref(t->v[i].obj);
		t->v[i].obj = obj;
		record(o, EV_MODIFIED, r, obj);
	}
	return obj;
}

json_t *objects_delete(struct objects *o, enum sim_res r, const char *ns, const char *name)
{
	struct obj_table *t = &o->tables[r];
	bool found;
	char buf[32];
	size_t i = find(t, resource_get(r)->namespaced && ns ? ns : "", name, &found);
	if (!found)
		return NULL;
	json_t *last = json_copy(t->v[i].obj); /* shallow: only metadata is replaced */
	json_t *meta = json_copy(json_object_get(last, "metadata"));
	json_object_set_new(last, "metadata", meta);
	o->rv++;
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->rv);
	json_object_set_new(meta, "resourceVersion", json_string(buf));
	free(t->v[i].ns);
	free(t->v[i].name);
	json_decref(t->v[i].obj);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
	t->n--;
	record(o, EV_DELETED, r, last);
	return last;
}

size_t objects_lower_bound(const struct objects *o, enum sim_res r, const char *ns,
                           const char *name, bool inclusive)
{
	const struct obj_table *t = &o->tables[r];
	bool found;
	size_t i = find(t, ns, name, &found);
	if (found && !inclusive)
		i++;
	return i;
}

void objects_ns_range(const struct objects *o, enum sim_res r, const char *ns, size_t *lo,
                      size_t *hi)
{
	const struct obj_table *t = &o->tables[r];
	if (!ns || !resource_get(r)->namespaced) {
		*lo = 0;
		*hi = t->n;
		return;
	}
	bool found;
	*lo = find(t, ns, "", &found);
	size_t i = *lo;
	size_t b = t->n;
	while (i < b) { /* first entry with a different namespace */
		size_t mid = i + (b - i) / 2;
		if (strcmp(t->v[mid].ns, ns) <= 0)
			i = mid + 1;
		else
			b = mid;
	}
	*hi = i;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct obj_entry *x = a, *y = b;
	return key_cmp(x->ns, x->name, y->ns, y->name);
}

void objects_begin_bulk(struct objects *o)
{
	o->bulk = true;
}

/* Sort, then drop duplicates keeping the last one added (the newest resourceVersion). */
void objects_end_bulk(struct objects *o)
{
	o->bulk = false;
	for (int r = 0; r < RES_COUNT; r++) {
		struct obj_table *t = &o->tables[r];
		if (t->n < 2)
			continue;
		qsort(t->v, t->n, sizeof *t->v, entry_cmp);
		size_t w = 0;
		for (size_t i = 0; i < t->n; i++) {
			if (w > 0 && entry_cmp(&t->v[w - 1], &t->v[i]) == 0) {
				struct obj_entry *keep = &t->v[w - 1];
				if (meta_rv(t->v[i].obj) > meta_rv(keep->obj)) {
					struct obj_entry tmp = *keep;
					*keep = t->v[i];
					t->v[i] = tmp;
				}
				free(t->v[i].ns);
				free(t->v[i].name);
				json_decref(t->v[i].obj);
				continue;
			}
			t->v[w++] = t->v[i];
		}
		t->n = w;
	}
}

size_t objects_events_after(const struct objects *o, uint64_t rv)
{
	size_t lo = 0, hi = o->ring_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->ring[(o->ring_start + mid) % o->ring_cap].rv <= rv)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct sim_event *objects_event(const struct objects *o, size_t i)
{
	return &o->ring[(o->ring_start + i) % o->ring_cap];
}

void objects_compact(struct objects *o)
{
	for (size_t i = 0; i < o->ring_n; i++)
		json_decref(o->ring[(o->ring_start + i) % o->ring_cap].obj);
	o->ring_n = 0;
	o->ring_start = 0;
	o->compacted_rv = o->rv;
}

void objects_set_rv(struct objects *o, uint64_t rv)
{
	if (rv > o->rv)
		o->rv = rv;
	o->compacted_rv = o->rv;
}

void objects_restore(struct objects *o, enum sim_res r, json_t *obj)
{
	struct obj_table *t = &o->tables[r];
	const char *ns = meta_str(obj, "namespace");
	if (!resource_get(r)->namespaced || !ns)
		ns = "";
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n].ns = xstrdup(ns);
	t->v[t->n].name = xstrdup(meta_str(obj, "name"));
	t->v[t->n].obj = obj;
	t->n++;
	uint64_t rv = meta_rv(obj);
	if (rv > o->rv)
		o->rv = rv;
}
