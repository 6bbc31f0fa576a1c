/* listscan.c: a list body read member by member, items one at a time (see listscan.h). The
 * scanner only finds where each value starts and ends; every value is parsed by jansson, so it
 * is exactly as strict as parsing the whole body. Items are parsed into an arena (jansson's
 * allocation hooks), which makes parsing and freeing a tree of small nodes cheap. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/listscan.h"
#include "gammatop/xalloc.h"

/* Items are parsed into an arena: jansson's many small allocations are bumps of a pointer and
 * its frees nothing; the arena is emptied after each item. Chunks beyond the first are kept in
 * a list and freed then, and the first grows to what an item needed, so that the next fits. */
struct chunk {
	struct chunk *next;
	size_t cap, used;
	max_align_t data[];
};
static struct chunk *arena;   /* current chunk (first of the list) */
static size_t arena_total;    /* bytes asked for since the last reset */

static void *arena_alloc(size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	arena_total += n;
	if (!arena || arena->cap - arena->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct chunk *c = xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = arena;
		arena = c;
	}
	void *p = (char *)arena->data + arena->used;
	arena->used += n;
	return p;
}

static void arena_free(void *p) { (void)p; }

/* Empty the arena; keep one chunk as large as everything asked for since the last reset. */
static void arena_reset(void)
{
	if (arena && arena->next) {
		while (arena) {
			struct chunk *n = arena->next;
			free(arena);
			arena = n;
		}
		size_t cap = arena_total > 65536 ? arena_total : 65536;
		arena = xmalloc(sizeof *arena + cap);
		arena->cap = cap;
		arena->next = NULL;
	}
	if (arena)
		arena->used = 0;
	arena_total = 0;
}

struct scan {
	const char *p, *end;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool eat(struct scan *s, char c)
{
	ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

/* A key of printable ASCII without escapes (what the API server sends): its bytes in
 * [*k, *k + *n). Anything else goes to the whole-tree path, which checks UTF-8 and escapes. */
static bool key(struct scan *s, const char **k, size_t *n)
{
	if (!eat(s, '"'))
		return false;
	const char *q = s->p;
	while (q < s->end && *q != '"') {
		if (*q == '\\' || (unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
			return false;
		q++;
	}
	if (q >= s->end)
		return false;
	*k = s->p;
	*n = (size_t)(q - s->p);
	s->p = q + 1;
	return true;
}

/* One value of any type, parsed by jansson; NULL when malformed. */
static json_t *value(struct scan *s)
{
	ws(s);
	if (s->p >= s->end)
		return NULL;
	json_error_t je;
	if (*s->p == '{' || *s->p == '[') {
		json_t *v = json_loadb(s->p, (size_t)(s->end - s->p), JSON_DISABLE_EOF_CHECK, &je);
		if (v)
			s->p += je.position;
		return v;
	}
	/* a scalar: find its end (a string's closing quote, else a delimiter) */
	const char *q = s->p;
	if (*q == '"') {
		for (q++; q < s->end && *q != '"'; q++)
			if (*q == '\\')
				q++;
		if (q >= s->end)
			return NULL;
		q++;
	} else {
		while (q < s->end && *q != ',' && *q != '}' && *q != ']' && *q != ' ' && *q != '\t' &&
		       *q != '\n' && *q != '\r')
			q++;
	}
	json_t *v = json_loadb(s->p, (size_t)(q - s->p), JSON_DECODE_ANY, &je);
	if (v)
		s->p = q;
	return v;
}

static int items(struct scan *s, listscan_item_cb on_item, void *ud)
{
	ws(s);
	if (s->end - s->p >= 4 && !memcmp(s->p, "null", 4)) {
		s->p += 4;
		return 0;
	}
	if (!eat(s, '['))
		return -1;
	if (eat(s, ']'))
		return 0;
	for (;;) {
		json_malloc_t pm;
		json_free_t pf;
		json_get_alloc_funcs(&pm, &pf);
		json_set_alloc_funcs(arena_alloc, arena_free);
		json_t *it = value(s);
		if (it)
			on_item(it, ud);
		/* no json_decref: the whole tree goes with the arena */
		arena_reset();
		json_set_alloc_funcs(pm, pf);
		if (!it)
			return -1;
		if (eat(s, ']'))
			return 0;
		if (!eat(s, ','))
			return -1;
	}
}

/* See listscan.h. */
int listscan(const char *body, size_t len, listscan_member_cb on_member,
             listscan_item_cb on_item, void *ud)
{
	struct scan s = {.p = body, .end = body + len};
	bool seen_items = false;
	if (!body || !eat(&s, '{'))
		return -1;
	if (!eat(&s, '}')) {
		for (;;) {
			const char *k;
			size_t n;
			if (!key(&s, &k, &n) || !eat(&s, ':'))
				return -1;
			if (n == 5 && !memcmp(k, "items", 5)) {
				if (seen_items || items(&s, on_item, ud) < 0)
					return -1;
				seen_items = true;
			} else {
				json_t *v = value(&s);
				if (!v)
					return -1;
				char name[64];
				if (n < sizeof name) { /* members with longer names concern nobody */
					memcpy(name, k, n);
					name[n] = '\0';
					on_member(name, v, ud);
				}
				json_decref(v);
			}
			if (eat(&s, '}'))
				break;
			if (!eat(&s, ','))
				return -1;
		}
	}
	ws(&s);
	return s.p == s.end ? 0 : -1;
}
