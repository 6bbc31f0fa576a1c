/* watchsplit.c: newline framing and JSON decoding of watch streams (see watchsplit.h). */
#include "gammatop/watchsplit.h"

#include <stdbool.h>
#include <string.h>

#define DEFAULT_MAX_LINE ((size_t)64 << 20)

static const char *const type_names[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"};

void watchsplit_init(struct watchsplit *ws)
{
	memset(ws, 0, sizeof *ws);
	buf_init(&ws->pending);
}

void watchsplit_done(struct watchsplit *ws) { buf_done(&ws->pending); }

int watchsplit_type(const char *s)
{
	for (size_t i = 0; s && i < sizeof type_names / sizeof type_names[0]; i++)
		if (strcmp(s, type_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *watchsplit_type_name(enum watch_type t)
{
	return (unsigned)t < sizeof type_names / sizeof type_names[0] ? type_names[t] : "?";
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static int one_line(struct watchsplit *ws, const char *line, size_t n, watchsplit_cb cb,
                    void *ud)
{
	if (blank(line, n))
		return 0;
	json_t *j = json_loadb(line, n, 0, NULL);
	int type = -1;
	json_t *obj = NULL;
	if (json_is_object(j)) {
		type = watchsplit_type(json_string_value(json_object_get(j, "type")));
		obj = json_object_get(j, "object");
	}
	if (type < 0 || !json_is_object(obj)) {
		ws->garbage++;
		json_decref(j);
		return 0;
	}
	ws->events++;
	int rc = cb((enum watch_type)type, obj, ud);
	json_decref(j);
	return rc;
}

/* Keep the start of an incomplete line, or start discarding when it is too long. */
static void keep_partial(struct watchsplit *ws, const char *p, size_t n, size_t max)
{
	if (ws->pending.len + n > max) {
		ws->discarding = 1;
		ws->garbage++;
		buf_reset(&ws->pending);
		return;
	}
	buf_append(&ws->pending, p, n);
}

int watchsplit_feed(struct watchsplit *ws, const char *data, size_t n, watchsplit_cb cb,
                    void *ud)
{
	size_t max = ws->max_line ? ws->max_line : DEFAULT_MAX_LINE;
	if (ws->pending.len || ws->discarding) {
		const char *nl = memchr(data, '\n', n);
		if (!nl) {
			if (!ws->discarding)
				keep_partial(ws, data, n, max);
			return 0;
		}
		size_t k = (size_t)(nl - data);
		int rc = 0;
		if (ws->discarding) {
			ws->discarding = 0;
		} else if (ws->pending.len + k > max) {
			ws->garbage++;
		} else {
			buf_append(&ws->pending, data, k);
			rc = one_line(ws, ws->pending.data, ws->pending.len, cb, ud);
		}
		buf_reset(&ws->pending);
		if (rc)
			return rc;
		data = nl + 1;
		n -= k + 1;
	}
	while (n) {
		const char *nl = memchr(data, '\n', n);
		if (!nl) {
			keep_partial(ws, data, n, max);
			return 0;
		}
		size_t k = (size_t)(nl - data);
		int rc = 0;
		if (k > max)
			ws->garbage++;
		else
			rc = one_line(ws, data, k, cb, ud);
		if (rc)
			return rc;
		data = nl + 1;
		n -= k + 1;
	}
	return 0;
}

size_t watchsplit_end(struct watchsplit *ws)
{
	size_t n = ws->pending.len;
	if (n && !blank(ws->pending.data, n))
		ws->garbage++;
	buf_reset(&ws->pending);
	ws->discarding = 0;
	return n;
}
