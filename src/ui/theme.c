/* theme.c: the theme file parser, theme lookup by name, and mapping colours down to what the
 * terminal can show (see theme.h). No curses here, so that it is testable on its own. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gammatop/buf.h"
#include "gammatop/str.h"
#include "gammatop/theme.h"
#include "gammatop/xalloc.h"

#ifndef GT_DATADIR
#define GT_DATADIR "/usr/local/share/gammatop"
#endif

static const char *const elem_names[] = {
#define X(id, name, doc) name,
	THEME_ELEMENTS(X)
#undef X
};
static const char *const elem_docs[] = {
#define X(id, name, doc) doc,
	THEME_ELEMENTS(X)
#undef X
};

static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow",
	"brightblue", "brightmagenta", "brightcyan", "brightwhite",
};

static const uint32_t ansi_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{"bold", THEME_A_BOLD}, {"dim", THEME_A_DIM}, {"underline", THEME_A_UNDERLINE},
	{"reverse", THEME_A_REVERSE}, {"italic", THEME_A_ITALIC},
};

const char *color_depth_name(enum color_depth d)
{
	switch (d) {
	case DEPTH_NONE: return "none";
	case DEPTH_8: return "8";
	case DEPTH_16: return "16";
	case DEPTH_256: return "256";
	case DEPTH_TRUE: return "truecolor";
	}
	return "?";
}

const char *theme_elem_name(enum theme_elem e) { return e < THEME_COUNT ? elem_names[e] : "?"; }
const char *theme_elem_doc(enum theme_elem e) { return e < THEME_COUNT ? elem_docs[e] : "?"; }

int theme_elem_from_name(const char *name)
{
	for (int i = 0; i < THEME_COUNT; i++)
		if (!strcmp(elem_names[i], name))
			return i;
	return -1;
}

void theme_init(struct theme *t) { memset(t, 0, sizeof *t); }

uint32_t theme_palette_rgb(int i)
{
	static const int levels[6] = {0, 95, 135, 175, 215, 255};
	if (i < 0 || i > 255)
		return 0;
	if (i < 16)
		return ansi_rgb[i];
	if (i < 232) {
		int c = i - 16;
		return (uint32_t)(levels[c / 36] << 16 | levels[c / 6 % 6] << 8 | levels[c % 6]);
	}
	int g = 8 + 10 * (i - 232);
	return (uint32_t)(g << 16 | g << 8 | g);
}

bool theme_parse_color(const char *s, struct theme_color *out)
{
	memset(out, 0, sizeof *out);
	if (!strcasecmp(s, "default")) {
		out->type = TC_DEFAULT;
		return true;
	}
	for (int i = 0; i < 16; i++) {
		if (!strcasecmp(s, color_names[i])) {
			out->type = TC_INDEX, out->index = i;
			return true;
		}
	}
	if (!strncasecmp(s, "colour", 6) || !strncasecmp(s, "color", 5)) {
		const char *p = s + (tolower((unsigned char)s[4]) == 'u' ? 6 : 5);
		if (!isdigit((unsigned char)*p) || strlen(p) > 3)
			return false;
		char *end;
		long v = strtol(p, &end, 10);
		if (*end || v < 0 || v > 255)
			return false;
		out->type = TC_INDEX, out->index = (int)v;
		return true;
	}
	if (s[0] == '#') {
		if (strlen(s) != 7)
			return false;
		for (int i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)s[i]))
				return false;
		out->type = TC_RGB, out->rgb = (uint32_t)strtoul(s + 1, NULL, 16);
		return true;
	}
	return false;
}

static long dist2(uint32_t a, uint32_t b)
{
	long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
	long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
	long db = (long)(a & 255) - (long)(b & 255);
	return dr * dr * 3 + dg * dg * 4 + db * db * 2;
}

static int nearest(uint32_t rgb, int from, int to)
{
	int best = from;
	long bd = -1;
	for (int i = from; i < to; i++) {
		long d = dist2(rgb, theme_palette_rgb(i));
		if (bd < 0 || d < bd)
			bd = d, best = i;
	}
	return best;
}

int theme_color_for_depth(const struct theme_color *c, enum color_depth d)
{
	if (c->type == TC_UNSET || c->type == TC_DEFAULT || d == DEPTH_NONE)
		return -1;
	uint32_t rgb = c->type == TC_RGB ? c->rgb : theme_palette_rgb(c->index);
	switch (d) {
	case DEPTH_8:
		if (c->type == TC_INDEX && c->index < 16)
			return c->index % 8;
		return nearest(rgb, 0, 8);
	case DEPTH_16:
		if (c->type == TC_INDEX && c->index < 16)
			return c->index;
		return nearest(rgb, 0, 16);
	case DEPTH_256:
		if (c->type == TC_INDEX)
			return c->index;
		return nearest(rgb, 16, 256);
	case DEPTH_TRUE:
		if (c->type == TC_INDEX && c->index < 8)
			return c->index;
		return rgb < 8 ? 8 : (int)rgb; /* direct colour: values below 8 mean the ANSI colours */
	case DEPTH_NONE: break;
	}
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* One "fg=..,bg=..,bold" value into st; returns false after adding an error. */
static bool parse_style(const char *value, struct theme_style *st, const char *name, int line,
                        struct diag *d)
{
	struct theme_style s = {0};
	size_t n;
	char **items = str_split(value, ',', &n);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		char *it = trim(items[i]);
		char *clean = str_sanitize(it);
		if (!*it) {
			diag_add(d, DIAG_ERROR, "%s:%d: empty item in style list", name, line);
			ok = false;
		} else if (!strncmp(it, "fg=", 3) || !strncmp(it, "bg=", 3)) {
			struct theme_color c;
			if (!theme_parse_color(trim(it + 3), &c)) {
				diag_add(d, DIAG_ERROR,
				         "%s:%d: unknown colour '%s' (use a name, colour0-colour255, #rrggbb "
				         "or default)", name, line, clean + 3);
				ok = false;
			} else if (it[0] == 'f') {
				s.fg = c;
			} else {
				s.bg = c;
			}
		} else {
			bool found = false;
			for (size_t k = 0; k < sizeof attr_names / sizeof attr_names[0]; k++)
				if (!strcmp(it, attr_names[k].name))
					s.attrs |= attr_names[k].bit, found = true;
			if (!found) {
				diag_add(d, DIAG_ERROR,
				         "%s:%d: unknown attribute '%s' (use fg=, bg=, bold, dim, underline, "
				         "reverse or italic)", name, line, clean);
				ok = false;
			}
		}
		free(clean);
	}
	str_list_free(items);
	if (ok)
		*st = s;
	return ok;
}

static bool parse_line(struct theme *t, char *text, const char *name, int line, struct diag *d)
{
	/* A comment is a line whose first non-blank character is '#', or " # ..." at the end of
	 * a line ('#' between blanks), so that "#rrggbb" colours are never mistaken for one. */
	char *first = text;
	while (isspace((unsigned char)*first))
		first++;
	if (*first == '#')
		return true;
	for (char *h = strchr(text, '#'); h; h = strchr(h + 1, '#')) {
		if (h != text && isspace((unsigned char)h[-1]) &&
		    (!h[1] || isspace((unsigned char)h[1]))) {
			*h = '\0';
			break;
		}
	}
	char *s = trim(text);
	if (!*s)
		return true;
	char *eq = strchr(s, '=');
	if (!eq) {
		char *clean = str_sanitize(s);
		diag_add(d, DIAG_ERROR, "%s:%d: expected 'element = style', got '%s'", name, line, clean);
		free(clean);
		return false;
	}
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	int e = theme_elem_from_name(key);
	if (e < 0) {
		char *clean = str_sanitize(key);
		diag_add(d, DIAG_ERROR, "%s:%d: unknown element '%s'", name, line, clean);
		free(clean);
		return false;
	}
	if (!*value) {
		diag_add(d, DIAG_ERROR, "%s:%d: no style for '%s'", name, line, key);
		return false;
	}
	return parse_style(value, &t->styles[e], name, line, d);
}

size_t theme_parse(struct theme *t, const char *text, size_t len, const char *name,
                   struct diag *d)
{
	size_t errors = 0;
	int line = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line++;
		char *copy = xstrndup(p, n);
		if (memchr(p, '\0', n)) {
			diag_add(d, DIAG_ERROR, "%s:%d: NUL byte in theme file", name, line);
			errors++;
		} else if (!parse_line(t, copy, name, line, d)) {
			errors++;
		}
		free(copy);
		p += n + (nl ? 1 : 0);
	}
	return errors;
}

int theme_load_file(struct theme *t, const char *path, struct diag *d)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		diag_add(d, DIAG_ERROR, "cannot read theme %s: %s", path, strerror(errno));
		return -1;
	}
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
		buf_append(&b, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		diag_add(d, DIAG_ERROR, "cannot read theme %s: read error", path);
		buf_done(&b);
		return -1;
	}
	size_t errors = theme_parse(t, b.data ? b.data : "", b.len, path, d);
	buf_done(&b);
	return (int)errors;
}

void theme_load_default(struct theme *t)
{
	theme_init(t);
	theme_parse(t, theme_default_text, strlen(theme_default_text), "default.theme", NULL);
}

static bool readable(const char *path) { return access(path, R_OK) == 0; }

int theme_load(struct theme *t, const char *spec, struct diag *d)
{
	theme_load_default(t);
	if (str_empty(spec) || !strcmp(spec, "default"))
		return 0;
	if (strchr(spec, '/') || str_ends(spec, ".theme"))
		return theme_load_file(t, spec, d) < 0 ? -1 : 0;
	for (const char *c = spec; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.') {
			char *clean = str_sanitize(spec);
			diag_add(d, DIAG_ERROR, "theme name '%s' has characters other than letters, "
			                        "digits, '-', '_' and '.'", clean);
			free(clean);
			return -1;
		}
	}
	char *dirs[3] = {NULL, NULL, NULL};
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (!str_empty(xdg))
		dirs[0] = xasprintf("%s/gammatop/themes", xdg);
	else if (!str_empty(home))
		dirs[0] = xasprintf("%s/.config/gammatop/themes", home);
	dirs[1] = xasprintf("%s/themes", GT_DATADIR);
	int rc = -1;
	for (int i = 0; i < 3 && rc < 0; i++) {
		if (i == 1) /* the user's own first; then the compiled-in ones; then installed */
			for (size_t k = 0; theme_builtin_names[k] && rc < 0; k++)
				if (!strcmp(spec, theme_builtin_names[k])) {
					char *file = xasprintf("%s.theme", spec);
					theme_parse(t, theme_builtin_texts[k], strlen(theme_builtin_texts[k]), file,
					            d); /* errors, if any, are in d, as for a file */
					rc = 0;
					free(file);
				}
		if (!dirs[i] || rc >= 0)
			continue;
		char *path = xasprintf("%s/%s.theme", dirs[i], spec);
		if (readable(path))
			rc = theme_load_file(t, path, d) < 0 ? -1 : 0;
		free(path);
	}
	if (rc < 0 && !d->errors) {
		struct buf names;
		buf_init(&names);
		buf_printf(&names, "default");
		for (size_t k = 0; theme_builtin_names[k]; k++)
			buf_printf(&names, ", %s", theme_builtin_names[k]);
		diag_add(d, DIAG_ERROR, "no theme '%s': not built in (%s), nor in %s or %s (give a "
		                        "NAME or a FILE)", spec, buf_str(&names),
		         dirs[0] ? dirs[0] : "$XDG_CONFIG_HOME/gammatop/themes", dirs[1]);
		buf_done(&names);
	}
	for (int i = 0; i < 3; i++)
		free(dirs[i]);
	return rc;
}
