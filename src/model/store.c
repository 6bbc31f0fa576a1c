/* store.c: the object store (see store.h): one chained hash table per kind keyed by
 * namespace/name (O(1) get/put/delete), a sorted listing per kind rebuilt lazily after a
 * change, a generation counter, per-kind sync state and change listeners. The store holds
 * one reference on each object it contains (object.h); replacing or deleting an object
 * drops that reference, so a reader that took its own keeps the object. */
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/strmap.h"
#include "gammatop/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	struct gt_object *obj;
	uint64_t hash;
	uint64_t mark; /* replace_kind pass that last saw it */
	struct entry *next;
};

struct ktable {
	struct entry **buckets;
	size_t nbuckets, n;
	const struct gt_object **sorted; /* cache for store_list */
	bool sorted_valid;
};

struct listener {
	store_listener fn;
	void *ud;
};

struct gt_store {
	struct ktable t[GT_KIND_COUNT];
	struct store_kind_state state[GT_KIND_COUNT];
	uint64_t generation, mark;
	struct listener *listeners;
	size_t n_listeners;
	int dispatching; /* > 0 while listeners run: removal only clears fn */
	bool removed;
};

static uint64_t key_hash(const char *ns, const char *name)
{
	return strmap_hash_pair(ns, name);
}

static const char *obj_name(const struct gt_object *o) { return o->meta.name ? o->meta.name : ""; }

/* Address of the link pointing at the entry for ns/name (or of the NULL ending the chain). */
static struct entry **find(const struct ktable *t, const char *ns, const char *name, uint64_t h)
{
	if (!t->nbuckets)
		return NULL;
	struct entry **pp = &t->buckets[h & (t->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && !strcmp(object_ns((*pp)->obj), ns) &&
		    !strcmp(obj_name((*pp)->obj), name))
			return pp;
	return pp;
}

static void grow(struct ktable *t)
{
	size_t nb = t->nbuckets ? t->nbuckets * 2 : 64;
	struct entry **b = xcalloc(nb, sizeof *b);
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct entry *e = t->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

static void notify(struct gt_store *s, enum store_event ev, const struct gt_object *o)
{
	s->dispatching++;
	for (size_t i = 0; i < s->n_listeners; i++)
		if (s->listeners[i].fn)
			s->listeners[i].fn(ev, o, s->listeners[i].ud);
	s->dispatching--;
	if (!s->dispatching && s->removed) {
		size_t k = 0;
		for (size_t i = 0; i < s->n_listeners; i++)
			if (s->listeners[i].fn)
				s->listeners[k++] = s->listeners[i];
		s->n_listeners = k;
		s->removed = false;
	}
}

static void changed(struct gt_store *s, enum gt_kind k)
{
	s->generation++;
	s->t[k].sorted_valid = false;
}

/* A new empty store; every kind starts installed, not synced. */
struct gt_store *store_new(void)
{
	struct gt_store *s = xcalloc(1, sizeof *s);
	for (int k = 0; k < GT_KIND_COUNT; k++)
		s->state[k].installed = true;
	return s;
}

/* Free the store and every object in it (no events). */
void store_free(struct gt_store *s)
{
	if (!s)
		return;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct ktable *t = &s->t[k];
		for (size_t i = 0; i < t->nbuckets; i++) {
			struct entry *e = t->buckets[i], *next;
			for (; e; e = next) {
				next = e->next;
				object_unref(e->obj);
				free(e);
			}
		}
		free(t->buckets);
		free(t->sorted);
		free(s->state[k].error);
		free(s->state[k].scope_ns);
	}
	free(s->listeners);
	free(s);
}

/* Put with the replace_kind mark; see store_put. */
static enum store_event put(struct gt_store *s, struct gt_object *obj)
{
	struct ktable *t = &s->t[obj->kind];
	const char *ns = object_ns(obj), *name = obj_name(obj);
	uint64_t h = key_hash(ns, name);
	struct entry **pp = find(t, ns, name, h);
	if (pp && *pp) {
		struct gt_object *old = (*pp)->obj;
		(*pp)->mark = s->mark;
		if (!str_empty(old->meta.resource_version) &&
		    str_eq(old->meta.resource_version, obj->meta.resource_version)) {
			/* Same resourceVersion: the same object (a relist); nothing changed. Keep the
			 * stored copy so pointers readers hold (store_list, store_get) stay valid. */
			object_unref(obj);
			return STORE_MODIFIED;
		}
		(*pp)->obj = obj;
		changed(s, obj->kind);
		notify(s, STORE_MODIFIED, obj);
		object_unref(old); /* the store's reference: freed unless a reader holds one */
		return STORE_MODIFIED;
	}
	if (t->n + 1 > t->nbuckets * 3 / 4)
		grow(t);
	struct entry *e = xcalloc(1, sizeof *e);
	e->obj = obj;
	e->hash = h;
	e->mark = s->mark;
	size_t b = h & (t->nbuckets - 1);
	e->next = t->buckets[b];
	t->buckets[b] = e;
	t->n++;
	changed(s, obj->kind);
	notify(s, STORE_ADDED, obj);
	return STORE_ADDED;
}

/* See store.h. An object whose resourceVersion equals the stored one's is the same object:
 * it is freed, the stored one stays (no event, generation unchanged). An object of an invalid
 * kind is freed and ignored. Listeners must not change the store. */
enum store_event store_put(struct gt_store *s, struct gt_object *obj)
{
	if (!obj)
		return STORE_MODIFIED;
	if ((unsigned)obj->kind >= GT_KIND_COUNT) {
		object_free(obj);
		return STORE_MODIFIED;
	}
	return put(s, obj);
}

static void unlink_entry(struct gt_store *s, struct ktable *t, struct entry **pp)
{
	struct entry *e = *pp;
	*pp = e->next;
	t->n--;
	changed(s, e->obj->kind);
	notify(s, STORE_DELETED, e->obj);
	object_unref(e->obj); /* the store's reference: freed unless a reader holds one */
	free(e);
}

/* See store.h. ns is ignored (may be NULL) for cluster-scoped kinds. */
bool store_delete(struct gt_store *s, enum gt_kind kind, const char *ns, const char *name)
{
	if ((unsigned)kind >= GT_KIND_COUNT || !name)
		return false;
	if (!kind_namespaced(kind) || !ns)
		ns = "";
	struct ktable *t = &s->t[kind];
	struct entry **pp = find(t, ns, name, key_hash(ns, name));
	if (!pp || !*pp)
		return false;
	unlink_entry(s, t, pp);
	return true;
}

/* Delete the entries of kind not seen in the current replace pass (every entry when all). */
static void sweep(struct gt_store *s, enum gt_kind kind, bool all)
{
	struct ktable *t = &s->t[kind];
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct entry **pp = &t->buckets[i];
		while (*pp) {
			if (all || (*pp)->mark != s->mark)
				unlink_entry(s, t, pp);
			else
				pp = &(*pp)->next;
		}
	}
}

/* See store.h. Objects of another kind in objs are freed and ignored. */
void store_replace_kind(struct gt_store *s, enum gt_kind kind, struct gt_object **objs, size_t n)
{
	if ((unsigned)kind >= GT_KIND_COUNT)
		return;
	s->mark++;
	for (size_t i = 0; i < n; i++) {
		if (!objs[i])
			continue;
		if (objs[i]->kind != kind)
			object_free(objs[i]);
		else
			put(s, objs[i]);
	}
	sweep(s, kind, false);
}

/* Delete every object (listeners see each deletion); kind states are kept. */
void store_clear(struct gt_store *s)
{
	for (int k = 0; k < GT_KIND_COUNT; k++)
		sweep(s, (enum gt_kind)k, true);
}

/* See store.h; ns is ignored for cluster-scoped kinds. */
const struct gt_object *store_get(const struct gt_store *s, enum gt_kind kind, const char *ns,
                                  const char *name)
{
	if ((unsigned)kind >= GT_KIND_COUNT || !name)
		return NULL;
	if (!kind_namespaced(kind) || !ns)
		ns = "";
	struct entry **pp = find(&s->t[kind], ns, name, key_hash(ns, name));
	return pp && *pp ? (*pp)->obj : NULL;
}

size_t store_count(const struct gt_store *s, enum gt_kind kind)
{
	return (unsigned)kind < GT_KIND_COUNT ? s->t[kind].n : 0;
}

static int cmp_obj(const void *a, const void *b)
{
	const struct gt_object *x = *(const struct gt_object *const *)a;
	const struct gt_object *y = *(const struct gt_object *const *)b;
	int c = strcmp(object_ns(x), object_ns(y));
	return c ? c : strcmp(obj_name(x), obj_name(y));
}

/* See store.h. */
const struct gt_object *const *store_list(struct gt_store *s, enum gt_kind kind, size_t *n)
{
	static const struct gt_object *const empty[1] = {NULL};
	if ((unsigned)kind >= GT_KIND_COUNT) {
		if (n)
			*n = 0;
		return empty;
	}
	struct ktable *t = &s->t[kind];
	if (!t->sorted_valid) {
		t->sorted = xreallocarray(t->sorted, t->n + 1, sizeof *t->sorted);
		size_t k = 0;
		for (size_t i = 0; i < t->nbuckets; i++)
			for (struct entry *e = t->buckets[i]; e; e = e->next)
				t->sorted[k++] = e->obj;
		qsort(t->sorted, k, sizeof *t->sorted, cmp_obj);
		t->sorted[k] = NULL;
		t->sorted_valid = true;
	}
	if (n)
		*n = t->n;
	return t->sorted;
}

uint64_t store_generation(const struct gt_store *s) { return s->generation; }

/* Listeners run in the order added; one may remove itself (or another) while running. */
void store_add_listener(struct gt_store *s, store_listener fn, void *ud)
{
	s->listeners = xreallocarray(s->listeners, s->n_listeners + 1, sizeof *s->listeners);
	s->listeners[s->n_listeners].fn = fn;
	s->listeners[s->n_listeners].ud = ud;
	s->n_listeners++;
}

/* Remove the first listener registered with this fn and ud. */
void store_remove_listener(struct gt_store *s, store_listener fn, void *ud)
{
	for (size_t i = 0; i < s->n_listeners; i++) {
		if (s->listeners[i].fn != fn || s->listeners[i].ud != ud)
			continue;
		if (s->dispatching) {
			s->listeners[i].fn = NULL;
			s->removed = true;
		} else {
			memmove(&s->listeners[i], &s->listeners[i + 1],
			        (s->n_listeners - i - 1) * sizeof *s->listeners);
			s->n_listeners--;
		}
		return;
	}
}

/* The kind's state (NULL for an invalid kind); the caller may change it in place. */
struct store_kind_state *store_kind_state(struct gt_store *s, enum gt_kind kind)
{
	return (unsigned)kind < GT_KIND_COUNT ? &s->state[kind] : NULL;
}

/* Set (a copy of msg) or clear the kind's error. */
void store_set_error(struct gt_store *s, enum gt_kind kind, const char *msg)
{
	if ((unsigned)kind >= GT_KIND_COUNT)
		return;
	char *copy = xstrdup_null(msg);
	free(s->state[kind].error);
	s->state[kind].error = copy;
}

void store_set_scope(struct gt_store *s, enum gt_kind kind, const char *ns, bool forbidden)
{
	if ((unsigned)kind >= GT_KIND_COUNT)
		return;
	char *copy = ns && *ns ? xstrdup(ns) : NULL;
	free(s->state[kind].scope_ns);
	s->state[kind].scope_ns = copy;
	s->state[kind].scope_forbidden = copy && forbidden;
}

bool store_kind_covers(const struct gt_store *s, enum gt_kind kind, const char *ns)
{
	if ((unsigned)kind >= GT_KIND_COUNT)
		return false;
	const char *only = s->state[kind].scope_ns;
	return !only || !ns || strcmp(only, ns) == 0;
}

bool store_all_synced(const struct gt_store *s)
{
	for (int k = 0; k < GT_KIND_COUNT; k++)
		if (s->state[k].installed && !s->state[k].synced)
			return false;
	return true;
}
