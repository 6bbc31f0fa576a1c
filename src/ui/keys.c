/* keys.c: key to action lookup, key names for the help screen, and the key-script reader
 * for headless runs (see keys.h). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/keys.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

struct binding {
	int action;
	int key;
	const char *name;
};

static const struct binding bindings[] = {
#define X(act, key, name) {ACT_##act, key, name},
	UI_BINDINGS(X)
#undef X
};

static const char *const docs[] = {
#define X(id, doc) doc,
	UI_ACTIONS(X)
#undef X
};

int keys_action(int key)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return -1;
}

const char *keys_action_doc(enum ui_action a) { return a < ACT_COUNT ? docs[a] : ""; }

const char *keys_first_name(enum ui_action a)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].action == (int)a && bindings[i].name[0])
			return bindings[i].name;
	return "";
}

char *keys_names(enum ui_action a, char *buf, size_t n)
{
	if (!n)
		return buf;
	buf[0] = '\0';
	size_t len = 0;
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
		if (bindings[i].action != (int)a || !bindings[i].name[0])
			continue;
		int w = snprintf(buf + len, n - len, "%s%s", len ? "/" : "", bindings[i].name);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

static const struct {
	const char *name;
	int key;
} named[] = {
	{"Enter", '\r'}, {"Esc", 27}, {"Tab", '\t'}, {"Space", ' '}, {"lt", '<'},
	{"Up", SCREEN_FN(KEY_UP)}, {"Down", SCREEN_FN(KEY_DOWN)}, {"Left", SCREEN_FN(KEY_LEFT)},
	{"Right", SCREEN_FN(KEY_RIGHT)}, {"PgUp", SCREEN_FN(KEY_PPAGE)},
	{"PgDn", SCREEN_FN(KEY_NPAGE)}, {"Home", SCREEN_FN(KEY_HOME)}, {"End", SCREEN_FN(KEY_END)},
	{"BS", SCREEN_FN(KEY_BACKSPACE)},
};

static int utf8_next(const unsigned char *p, int *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	int n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
	int v = p[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*cp = '?';
			return i;
		}
		v = v << 6 | (p[i] & 0x3F);
	}
	*cp = n == 1 ? '?' : v;
	return n;
}

int keys_parse_script(const char *script, struct keys_event **out, char *err, size_t errlen)
{
	size_t n = 0, cap = 16;
	struct keys_event *ev = xcalloc(cap, sizeof *ev);
	const unsigned char *p = (const unsigned char *)(script ? script : "");
	while (*p) {
		if (n + 1 >= cap)
			cap *= 2, ev = xreallocarray(ev, cap, sizeof *ev);
		struct keys_event e = {.key = -1};
		if (*p == '<' && strchr((const char *)p, '>')) {
			const char *end = strchr((const char *)p, '>');
			char tok[64];
			size_t len = (size_t)(end - (const char *)p - 1);
			if (len >= sizeof tok) {
				snprintf(err, errlen, "key script: token too long at '%.20s'", (const char *)p);
				free(ev);
				return -1;
			}
			memcpy(tok, p + 1, len);
			tok[len] = '\0';
			bool found = false;
			for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
				if (!strcmp(tok, named[i].name))
					e.key = named[i].key, found = true;
			if (!found && len == 3 && tok[0] == 'C' && tok[1] == '-')
				e.key = KEY_CTRL(tok[2]), found = true;
			if (!found && sscanf(tok, "Resize:%dx%d", &e.cols, &e.rows) == 2 && e.cols > 0 &&
			    e.rows > 0 && e.cols < 10000 && e.rows < 10000)
				e.key = KEYS_EV_RESIZE, found = true;
			if (!found && sscanf(tok, "Wait:%d", &e.wait_ms) == 1 && e.wait_ms >= 0 &&
			    e.wait_ms <= 600000)
				e.key = KEYS_EV_WAIT, found = true;
			if (!found && !strcmp(tok, "Sync"))
				e.key = KEYS_EV_SYNC, e.wait_ms = 30000, found = true;
			if (!found && sscanf(tok, "Sync:%d", &e.wait_ms) == 1 && e.wait_ms >= 0 &&
			    e.wait_ms <= 600000)
				e.key = KEYS_EV_SYNC, found = true;
			if (!found) {
				char *clean = str_sanitize(tok);
				snprintf(err, errlen, "key script: unknown key <%s>", clean);
				free(clean);
				free(ev);
				return -1;
			}
			p = (const unsigned char *)end + 1;
		} else {
			p += utf8_next(p, &e.key);
		}
		ev[n++] = e;
	}
	*out = ev;
	return (int)n;
}
