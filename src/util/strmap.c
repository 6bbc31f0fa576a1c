/* strmap.c: string-keyed open-addressing hash map (linear probing, FNV-1a, load <= 1/2). */
#include "config.h"

#include "gammatop/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "gammatop/xalloc.h"

static uint64_t hash(const char *s)
{
	return strmap_hash(s);
}

void strmap_init(struct strmap *m, void (*free_value)(void *))
{
	memset(m, 0, sizeof *m);
	m->free_value = free_value;
}

void strmap_clear(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->e[i].key)
			continue;
		free(m->e[i].key);
		if (m->free_value)
			m->free_value(m->e[i].value);
	}
	if (m->e)
		memset(m->e, 0, m->cap * sizeof *m->e);
	m->n = 0;
}

void strmap_done(struct strmap *m)
{
	strmap_clear(m);
	free(m->e);
	m->e = NULL;
	m->cap = 0;
}

static size_t find(const struct strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = h & mask;
	while (m->e[i].key && (m->e[i].hash != h || strcmp(m->e[i].key, key)))
		i = (i + 1) & mask;
	return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = find(m, key, hash(key));
	return m->e[i].key ? m->e[i].value : NULL;
}

static void grow(struct strmap *m)
{
	size_t ocap = m->cap;
	struct strmap_entry *old = m->e;
	m->cap = ocap ? ocap * 2 : 64;
	m->e = xcalloc(m->cap, sizeof *m->e);
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			m->e[find(m, old[i].key, old[i].hash)] = old[i];
	free(old);
}

void **strmap_slot(struct strmap *m, const char *key, bool *created)
{
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	uint64_t h = hash(key);
	size_t i = find(m, key, h);
	if (created)
		*created = !m->e[i].key;
	if (!m->e[i].key) {
		m->e[i].key = xstrdup(key);
		m->e[i].hash = h;
		m->e[i].value = NULL;
		m->n++;
	}
	return &m->e[i].value;
}
