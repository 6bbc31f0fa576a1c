/* theme.h: console colour themes. A theme file holds one line per screen element:
 *     # comment
 *     header = fg=black,bg=#5fafd7,bold
 * colours are names (black red green yellow blue magenta cyan white, bright<name>), colourN /
 * colorN (0-255), #rrggbb, or default (the terminal's own); attributes are bold, dim,
 * underline, reverse, italic. Errors are reported as "file:line: message" and parsing goes on.
 * The default theme is compiled in from themes/default.theme through the same parser.
 * Pure code (no curses): screen.c maps a theme down to the terminal's colour depth. */
#ifndef GAMMATOP_THEME_H
#define GAMMATOP_THEME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/diag.h"

/* X(IDENT, "name in theme files", "what it colours") */
#define THEME_ELEMENTS(X)                                                          \
	X(NORMAL, "normal", "ordinary text")                                         \
	X(HEADER, "header", "the top line: context, cluster, scope, sources")         \
	X(HEADER_OK, "header.ok", "a source that is fine (API synced, Prometheus OK)")   \
	X(HEADER_BAD, "header.bad", "a source that is stale, failing or absent")         \
	X(CRUMBS, "crumbs", "breadcrumbs: where you are")                               \
	X(STATUS, "status", "the bottom line: key hints and messages")                  \
	X(STATUS_KEY, "status.key", "a key in the status line")                         \
	X(MESSAGE, "message", "a message in the status line")                           \
	X(PROMPT, "prompt", "the : command line and / filter prompt")                   \
	X(TITLE, "title", "column titles")                                             \
	X(CURSOR, "cursor", "the selected row")                                        \
	X(TREE, "tree", "tree lines")                                                  \
	X(CLASS, "class", "GatewayClass rows")                                         \
	X(GATEWAY, "gateway", "Gateway rows")                                          \
	X(LISTENER, "listener", "listener rows")                                       \
	X(ROUTE, "route", "route rows")                                                \
	X(RULE, "rule", "rule rows")                                                   \
	X(SERVICE, "service", "Service rows")                                          \
	X(GROUP, "group", "group headings (Mesh, Unattached routes)")                  \
	X(DIM, "dim", "secondary text")                                                \
	X(POLICY, "policy", "timeouts and retry summaries")                            \
	X(OK, "ok", "healthy figures and accepted status")                             \
	X(WARN, "warn", "figures worth a look, warnings")                              \
	X(ERROR, "error", "bad figures, errors, rejected status")                      \
	X(STALE, "stale", "data from a source that is not live")                       \
	X(SPARK, "spark", "sparklines")                                                \
	X(HELP_KEY, "help.key", "keys in the help screen")

enum theme_elem {
#define X(id, name, doc) THEME_##id,
	THEME_ELEMENTS(X)
#undef X
	THEME_COUNT
};

enum theme_color_type { TC_UNSET, TC_DEFAULT, TC_INDEX, TC_RGB };

struct theme_color {
	enum theme_color_type type;
	int index;    /* TC_INDEX: 0-255 */
	uint32_t rgb; /* TC_RGB: 0xrrggbb */
};

/* Attribute bits (THEME_A_*: apart from the element names THEME_<ELEMENT> above). */
#define THEME_A_BOLD 1u
#define THEME_A_DIM 2u
#define THEME_A_UNDERLINE 4u
#define THEME_A_REVERSE 8u
#define THEME_A_ITALIC 16u

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs; /* THEME_A_* bits */
};

struct theme {
	struct theme_style styles[THEME_COUNT];
};

/* Colour depths, as the terminal offers them. */
enum color_depth { DEPTH_NONE, DEPTH_8, DEPTH_16, DEPTH_256, DEPTH_TRUE };
const char *color_depth_name(enum color_depth d); /* "none" "8" "16" "256" "truecolor" */

const char *theme_elem_name(enum theme_elem e);
const char *theme_elem_doc(enum theme_elem e);
/* -1 when unknown. */
int theme_elem_from_name(const char *name);

/* Every element unset (terminal defaults, no attributes). */
void theme_init(struct theme *t);
/* Parse theme text over t (lines it does not mention keep their style). name is used in
 * messages ("name:line: ..."). Returns the number of errors added to d (lines in error are
 * skipped; the rest still apply). */
size_t theme_parse(struct theme *t, const char *text, size_t len, const char *name,
                   struct diag *d);
/* Read a theme file over t. Returns the number of errors, or -1 when the file cannot be read
 * (d says why). */
int theme_load_file(struct theme *t, const char *path, struct diag *d);
/* The compiled-in default theme (themes/default.theme). */
void theme_load_default(struct theme *t);
extern const char theme_default_text[];
/* The other shipped themes, compiled in (themes/NAME.theme): names and texts, in the same
 * order, each list ended by NULL. */
extern const char *const theme_builtin_names[];
extern const char *const theme_builtin_texts[];

/* Load a theme by NAME or FILE over the default: a value containing '/' or ending in
 * ".theme" is a file; a name is looked up as NAME.theme in $XDG_CONFIG_HOME/gammatop/themes
 * (or ~/.config/gammatop/themes), then among the compiled-in themes, then the installed
 * themes directory; "default" is the compiled-in default. Returns 0, or -1 with d saying why (t then holds the default). */
int theme_load(struct theme *t, const char *name_or_file, struct diag *d);

/* Parse one colour ("red", "colour81", "#ff8700", "default"); false when invalid. */
bool theme_parse_color(const char *s, struct theme_color *out);
/* The colour number to give the terminal at depth d: -1 for the terminal default (also for
 * TC_UNSET and DEPTH_NONE); DEPTH_TRUE gives 0xrrggbb for RGB colours (>= 8) and the ANSI
 * index for 0-7. */
int theme_color_for_depth(const struct theme_color *c, enum color_depth d);
/* The 0xrrggbb of an xterm palette index 0-255. */
uint32_t theme_palette_rgb(int index);

#endif
