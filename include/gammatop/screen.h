/* screen.h: the terminal under the console: curses setup and teardown (always restored: on
 * exit, on fatal signals, on out-of-memory), colour depth detection, the theme turned into
 * curses attributes, and the only way console code writes text: screen_put(), which
 * sanitises and truncates with an ellipsis. A headless mode (curses on /dev/null with a fixed
 * size) lets tests render views and read the screen back as text. */
#ifndef GAMMATOP_SCREEN_H
#define GAMMATOP_SCREEN_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/theme.h"

struct screen_opts {
	bool no_color;         /* --no-color (NO_COLOR is checked by screen_open itself) */
	bool mouse;            /* report clicks and the wheel (SCREEN_FN(KEY_MOUSE) keys) */
	int headless_rows;     /* > 0: headless, this size */
	int headless_cols;
};

/* Start curses on the terminal (or headless). Returns 0, or -1 with err set (not a
 * terminal, unknown TERM). Installs the fatal-signal handlers and the xalloc fatal hook that
 * restore the terminal. */
int screen_open(const struct screen_opts *o, const struct theme *t, char *err, size_t errlen);
/* Restore the terminal (idempotent). */
void screen_close(void);
bool screen_is_open(void);
bool screen_headless(void);

/* Terminal facts, valid after screen_open. */
enum color_depth screen_depth(void);
bool screen_utf8(void); /* the locale is UTF-8: box-drawing glyphs and ellipsis allowed */
int screen_rows(void);
int screen_cols(void);
/* The terminal was resized (SIGWINCH): read its size and resize curses. */
void screen_winch(void);
/* Headless only: change the virtual screen's size (as a terminal resize would). */
void screen_resize_headless(int rows, int cols);

/* Detect the depth from the environment and terminfo colours (exposed for tests): NONE when
 * no_color, NO_COLOR set and non-empty, or colours < 8. */
enum color_depth screen_detect_depth(bool no_color, const char *no_color_env,
                                     const char *colorterm, int colors);

/* Install theme t (colour pairs are made for the current depth). */
void screen_apply_theme(const struct theme *t);
/* The curses attribute (attr_t | COLOR_PAIR) for element e. */
int screen_attr(enum theme_elem e);

/* Write untrusted text s at (y, x), at most cols columns, sanitised, an ellipsis when cut, in
 * element e's style (extra_attr is or-ed in). Returns the columns written. */
int screen_put(int y, int x, int cols, enum theme_elem e, int extra_attr, const char *s);
/* Like screen_put, right-aligned in cols columns. */
int screen_put_right(int y, int x, int cols, enum theme_elem e, int extra_attr, const char *s);
/* Fill cols cells from (y, x) with blanks in element e's style. */
void screen_fill(int y, int x, int cols, enum theme_elem e, int extra_attr);

/* Tree and decoration glyphs, with ASCII fallbacks when the locale is not UTF-8. */
enum glyph { GLYPH_BRANCH, GLYPH_LAST, GLYPH_PIPE, GLYPH_SPACE, GLYPH_OPEN, GLYPH_CLOSED,
             GLYPH_LEAF, GLYPH_ARROW, GLYPH_OK, GLYPH_BAD, GLYPH_SEP, GLYPH_COUNT };
const char *screen_glyph(enum glyph g);

/* Begin a frame (erase), and end it (wnoutrefresh + one doupdate). */
void screen_begin(void);
void screen_end(void);
/* Read the current screen back as text, one line per row, trailing blanks trimmed. Caller
 * frees. Used by headless tests and --dump-screen. */
char *screen_dump(void);
/* The next key (wget_wch), or -1 when none is waiting: a Unicode code point, or
 * SCREEN_FN(KEY_xxx) for a function key (so KEY_* never collides with a character). */
#define SCREEN_FN(k) ((k) + 0x1000000)
int screen_getkey(void);

enum screen_mouse { MOUSE_NONE, MOUSE_CLICK, MOUSE_DOUBLE, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };
/* After SCREEN_FN(KEY_MOUSE): what happened and where. */
enum screen_mouse screen_mouse_event(int *y, int *x);

#endif
