/* screen.c: curses setup and teardown, colour depth, themed attributes and safe text drawing
 * (see screen.h). Every string a view draws passes through screen_put(). */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "gammatop/buf.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

static struct {
	bool open, headless, utf8;
	enum color_depth depth;
	SCREEN *term;
	FILE *hout, *hin; /* headless: /dev/null */
	int attrs[THEME_COUNT];
} scr;

static const int fatal_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGQUIT};

static const char *const glyph_utf8[GLYPH_COUNT] = {
	"\xe2\x94\x9c\xe2\x94\x80 ", "\xe2\x94\x94\xe2\x94\x80 ", "\xe2\x94\x82  ", "   ",
	"\xe2\x96\xbe ", "\xe2\x96\xb8 ", "  ", "\xe2\x86\x92", "\xe2\x9c\x93", "\xe2\x9c\x97",
	" \xe2\x94\x82 ",
};
static const char *const glyph_ascii[GLYPH_COUNT] = {
	"|- ", "`- ", "|  ", "   ", "v ", "> ", "  ", "->", "+", "x", " | ",
};

const char *screen_glyph(enum glyph g)
{
	if (g >= GLYPH_COUNT)
		return "";
	return scr.utf8 ? glyph_utf8[g] : glyph_ascii[g];
}

void screen_close(void)
{
	if (!scr.open)
		return;
	scr.open = false;
	endwin();
	if (scr.headless) {
		delscreen(scr.term);
		if (scr.hout)
			fclose(scr.hout);
		if (scr.hin)
			fclose(scr.hin);
		scr.hout = scr.hin = NULL;
		scr.term = NULL;
	}
}

static void fatal_handler(int sig)
{
	/* endwin is not async-signal-safe, but the process is dying anyway and a terminal left in
	 * raw mode is worse (htop does the same). Then die of the same signal. */
	if (scr.open && !scr.headless)
		endwin();
	scr.open = false;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_fatal_handlers(void)
{
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = fatal_handler;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND;
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void oom_hook(void) { screen_close(); }

enum color_depth screen_detect_depth(bool no_color, const char *no_color_env,
                                     const char *colorterm, int colors)
{
	if (no_color || !str_empty(no_color_env) || colors < 8)
		return DEPTH_NONE;
	bool truecolor = colorterm && (!strcasecmp(colorterm, "truecolor") ||
	                               !strcasecmp(colorterm, "24bit"));
	/* 24-bit colours need a direct-colour terminfo entry (e.g. xterm-direct): curses cannot
	 * send them otherwise, so COLORTERM alone falls back to 256. */
	if (truecolor && colors >= 0x1000000)
		return DEPTH_TRUE;
	if (colors >= 256)
		return DEPTH_256;
	if (colors >= 16)
		return DEPTH_16;
	return DEPTH_8;
}

int screen_open(const struct screen_opts *o, const struct theme *t, char *err, size_t errlen)
{
	memset(&scr, 0, sizeof scr);
	const char *cs = nl_langinfo(CODESET);
	scr.utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	if (o->headless_rows > 0 && o->headless_cols > 0) {
		scr.headless = true;
		scr.hout = fopen("/dev/null", "w");
		scr.hin = fopen("/dev/null", "r");
		if (!scr.hout || !scr.hin) {
			snprintf(err, errlen, "cannot open /dev/null for the headless screen");
			return -1;
		}
		scr.term = newterm("xterm-256color", scr.hout, scr.hin);
		if (!scr.term)
			scr.term = newterm("vt100", scr.hout, scr.hin);
		if (!scr.term) {
			snprintf(err, errlen, "no terminfo entry for xterm-256color or vt100");
			return -1;
		}
		set_term(scr.term);
		resizeterm(o->headless_rows, o->headless_cols);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "the console needs a terminal (standard input and output "
			                      "are not one); try 'gammatop routes' or 'gammatop snapshot'");
			return -1;
		}
		const char *term = getenv("TERM");
		scr.term = newterm(NULL, stdout, stdin);
		if (!scr.term) {
			snprintf(err, errlen, "unknown terminal type '%s' (set TERM)", term ? term : "");
			return -1;
		}
		set_term(scr.term);
	}
	scr.open = true;
	xalloc_set_fatal_hook(oom_hook);
	install_fatal_handlers();
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (o->mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
		              BUTTON5_PRESSED,
		          NULL);
		mouseinterval(250);
	}
	int colors = 0;
	if (has_colors() && start_color() == OK) {
		use_default_colors();
		colors = COLORS;
	}
	scr.depth = screen_detect_depth(o->no_color, getenv("NO_COLOR"), getenv("COLORTERM"), colors);
	screen_apply_theme(t);
	return 0;
}

bool screen_is_open(void) { return scr.open; }
bool screen_headless(void) { return scr.headless; }
enum color_depth screen_depth(void) { return scr.depth; }
bool screen_utf8(void) { return scr.utf8; }
int screen_rows(void) { return scr.open ? LINES : 0; }
int screen_cols(void) { return scr.open ? COLS : 0; }

void screen_winch(void)
{
	struct winsize ws;
	if (!scr.open || scr.headless || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	if (ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

void screen_resize_headless(int rows, int cols)
{
	if (scr.open && scr.headless && rows > 0 && cols > 0)
		resizeterm(rows, cols);
}

static int to_curses_attrs(unsigned a)
{
	int r = 0;
	if (a & THEME_A_BOLD)
		r |= A_BOLD;
	if (a & THEME_A_DIM)
		r |= A_DIM;
	if (a & THEME_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_A_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_A_ITALIC)
		r |= A_ITALIC;
	return r;
}

void screen_apply_theme(const struct theme *t)
{
	for (int e = 0; e < THEME_COUNT; e++) {
		const struct theme_style *st = &t->styles[e];
		int attrs = to_curses_attrs(st->attrs);
		if (scr.depth == DEPTH_NONE) {
			/* Without colour, a background is what set the element apart: show it reversed. */
			if (e != THEME_NORMAL && st->bg.type != TC_UNSET && st->bg.type != TC_DEFAULT)
				attrs |= A_REVERSE;
			scr.attrs[e] = attrs;
			continue;
		}
		int fg = theme_color_for_depth(&st->fg, scr.depth);
		int bg = theme_color_for_depth(&st->bg, scr.depth);
		/* Unset elements take the normal element's colours. */
		if (st->fg.type == TC_UNSET)
			fg = theme_color_for_depth(&t->styles[THEME_NORMAL].fg, scr.depth);
		if (st->bg.type == TC_UNSET)
			bg = theme_color_for_depth(&t->styles[THEME_NORMAL].bg, scr.depth);
		int pair = e + 1;
		if (pair < COLOR_PAIRS && init_extended_pair(pair, fg, bg) == OK)
			attrs |= (int)COLOR_PAIR(pair);
		scr.attrs[e] = attrs;
	}
	if (scr.open)
		bkgdset((chtype)' ' | (chtype)scr.attrs[THEME_NORMAL]);
}

int screen_attr(enum theme_elem e) { return e < THEME_COUNT ? scr.attrs[e] : 0; }

/* Non-ASCII code points become '?' when the locale cannot show them. */
static char *ascii_only(const char *s)
{
	struct buf b;
	buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			buf_putc(&b, (char)*p);
		else if ((*p & 0xC0) != 0x80)
			buf_putc(&b, '?');
	}
	return buf_steal(&b);
}

static int put(int y, int x, int cols, enum theme_elem e, int extra, const char *s, bool right)
{
	if (!scr.open || cols <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (x + cols > COLS)
		cols = COLS - x;
	char small[512];
	size_t need = (size_t)cols * 4 + 8;
	char *dst = need <= sizeof small ? small : xmalloc(need);
	int w;
	if (scr.utf8) {
		w = str_fit(dst, need, s ? s : "", cols, false);
	} else {
		char *a = ascii_only(s ? s : "");
		w = str_fit(dst, need, a, cols, true);
		free(a);
	}
	attr_t a = (attr_t)(screen_attr(e) | extra);
	attrset(a);
	int at = right ? x + cols - w : x;
	mvaddstr(y, at, dst);
	attrset(A_NORMAL);
	if (dst != small)
		free(dst);
	return w;
}

int screen_put(int y, int x, int cols, enum theme_elem e, int extra_attr, const char *s)
{
	return put(y, x, cols, e, extra_attr, s, false);
}

int screen_put_right(int y, int x, int cols, enum theme_elem e, int extra_attr, const char *s)
{
	return put(y, x, cols, e, extra_attr, s, true);
}

void screen_fill(int y, int x, int cols, enum theme_elem e, int extra_attr)
{
	if (!scr.open || y < 0 || y >= LINES || x < 0 || x >= COLS || cols <= 0)
		return;
	if (x + cols > COLS)
		cols = COLS - x;
	attrset((attr_t)(screen_attr(e) | extra_attr));
	mvhline(y, x, ' ', cols);
	attrset(A_NORMAL);
}

void screen_begin(void)
{
	if (scr.open)
		erase();
}

void screen_end(void)
{
	if (!scr.open)
		return;
	wnoutrefresh(stdscr);
	doupdate();
}

char *screen_dump(void)
{
	struct buf b;
	buf_init(&b);
	if (!scr.open)
		return buf_steal(&b);
	int cols = COLS;
	wchar_t *line = xcalloc((size_t)cols + 1, sizeof *line);
	for (int y = 0; y < LINES; y++) {
		int n = mvwinnwstr(stdscr, y, 0, line, cols);
		if (n < 0)
			n = 0;
		line[n] = L'\0';
		struct buf lb;
		buf_init(&lb);
		for (int i = 0; i < n; i++) {
			char mb[MB_LEN_MAX + 1];
			mbstate_t st;
			memset(&st, 0, sizeof st);
			size_t k = wcrtomb(mb, line[i], &st);
			if (k == (size_t)-1)
				buf_putc(&lb, '?');
			else
				buf_append(&lb, mb, k);
		}
		size_t len = lb.len;
		while (len && lb.data[len - 1] == ' ')
			len--;
		buf_append(&b, lb.data ? lb.data : "", len);
		buf_putc(&b, '\n');
		buf_done(&lb);
	}
	free(line);
	return buf_steal(&b);
}

int screen_getkey(void)
{
	if (!scr.open)
		return -1;
	wint_t ch;
	int r = get_wch(&ch);
	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return SCREEN_FN((int)ch);
	return (int)ch;
}

enum screen_mouse screen_mouse_event(int *y, int *x)
{
	MEVENT ev;
	if (!scr.open || getmouse(&ev) != OK)
		return MOUSE_NONE;
	*y = ev.y, *x = ev.x;
	if (ev.bstate & BUTTON4_PRESSED)
		return MOUSE_WHEEL_UP;
	if (ev.bstate & BUTTON5_PRESSED)
		return MOUSE_WHEEL_DOWN;
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		return MOUSE_DOUBLE;
	if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		return MOUSE_CLICK;
	return MOUSE_NONE;
}
