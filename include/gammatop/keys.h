/* keys.h: every console action and the keys bound to it, as two X-macro lists. The key
 * handling (keys_action) and the help screen are both generated from them, so the help can
 * never disagree with what a key does. Also the key-script reader used by headless tests
 * ("jj<Enter>/web<Enter>?"). */
#ifndef GAMMATOP_KEYS_H
#define GAMMATOP_KEYS_H
#include <stddef.h>

#include "gammatop/screen.h"

/* X(IDENT, "what it does") */
#define UI_ACTIONS(X)                                                                    \
	X(DOWN, "move down")                                                                 \
	X(UP, "move up")                                                                     \
	X(TOP, "go to the first row")                                                        \
	X(BOTTOM, "go to the last row")                                                      \
	X(PAGE_DOWN, "page down")                                                            \
	X(PAGE_UP, "page up")                                                                \
	X(OPEN, "open the selected row (drill down)")                                       \
	X(BACK, "back to the previous view")                                                \
	X(QUIT, "quit (in a drill-down: back one level)")                                   \
	X(EXPAND, "expand the selected tree node")                                          \
	X(COLLAPSE, "collapse the selected tree node (or go to its parent)")                \
	X(TOGGLE_ALL, "collapse or expand the whole tree")                                  \
	X(FILTER, "filter rows: POSIX regex, a leading ! inverts, empty clears")            \
	X(COMMAND, "command line: :routes :topology :findings :history :ns NAME :ctx NAME :help :q") \
	X(NEXT_PANE, "next top-level view (topology, routes, findings)")                    \
	X(REFRESH, "refresh now (rebuild from the store, ask sources for fresh data)")      \
	X(HELP, "this help")                                                                 \
	X(SORT_NEXT, "sort by the next column")                                             \
	X(SORT_PREV, "sort by the previous column")                                         \
	X(SORT_REVERSE, "reverse the sort order")                                           \
	X(VIEW_TOPOLOGY, "topology view")                                                   \
	X(VIEW_ROUTES, "routes view")                                                       \
	X(VIEW_FINDINGS, "findings view")                                                   \
	X(WINDOW, "route detail: next figures window")                                   \
	X(EDIT, "edit the selected rule's timeouts and retry (inline form)")              \
	X(EDIT_YAML, "edit the selected route as YAML in $KUBE_EDITOR/$EDITOR")          \
	X(UNDO, "history: revert the selected change (conflict-safe, recorded)")         \
	X(VIEW_HISTORY, "history of policy changes (:history)")                             \
	X(VIEW_PATHS, "call chains (:paths); in route detail: the paths through the route")

enum ui_action {
#define X(id, doc) ACT_##id,
	UI_ACTIONS(X)
#undef X
	ACT_COUNT
};

#define KEY_CTRL(c) ((c) & 0x1f)

/* X(ACTION, key code, "key name") in the order the help lists them. */
#define UI_BINDINGS(X)                                  \
	X(DOWN, 'j', "j")                                   \
	X(DOWN, SCREEN_FN(KEY_DOWN), "Down")                \
	X(UP, 'k', "k")                                     \
	X(UP, SCREEN_FN(KEY_UP), "Up")                      \
	X(TOP, 'g', "g")                                    \
	X(TOP, SCREEN_FN(KEY_HOME), "Home")                 \
	X(BOTTOM, 'G', "G")                                 \
	X(BOTTOM, SCREEN_FN(KEY_END), "End")                \
	X(PAGE_DOWN, SCREEN_FN(KEY_NPAGE), "PgDn")          \
	X(PAGE_DOWN, KEY_CTRL('f'), "C-f")                  \
	X(PAGE_UP, SCREEN_FN(KEY_PPAGE), "PgUp")            \
	X(PAGE_UP, KEY_CTRL('b'), "C-b")                    \
	X(OPEN, '\r', "Enter")                              \
	X(OPEN, '\n', "")                                   \
	X(OPEN, SCREEN_FN(KEY_ENTER), "")                   \
	X(BACK, 27, "Esc")                                  \
	X(BACK, SCREEN_FN(KEY_BACKSPACE), "Backspace")      \
	X(QUIT, 'q', "q")                                   \
	X(EXPAND, 'l', "l")                                 \
	X(EXPAND, SCREEN_FN(KEY_RIGHT), "Right")            \
	X(EXPAND, '+', "+")                                 \
	X(COLLAPSE, 'h', "h")                               \
	X(COLLAPSE, SCREEN_FN(KEY_LEFT), "Left")            \
	X(COLLAPSE, '-', "-")                               \
	X(TOGGLE_ALL, '*', "*")                             \
	X(FILTER, '/', "/")                                 \
	X(COMMAND, ':', ":")                                \
	X(NEXT_PANE, '\t', "Tab")                           \
	X(REFRESH, KEY_CTRL('r'), "C-r")                    \
	X(HELP, '?', "?")                                   \
	X(SORT_NEXT, '>', ">")                              \
	X(SORT_NEXT, 's', "s")                              \
	X(SORT_PREV, '<', "<")                              \
	X(SORT_REVERSE, 'r', "r")                           \
	X(VIEW_TOPOLOGY, '1', "1")                          \
	X(VIEW_ROUTES, '2', "2")                            \
	X(VIEW_FINDINGS, '3', "3")                          \
	X(WINDOW, 'w', "w")                                  \
	X(EDIT, 'e', "e")                                    \
	X(EDIT_YAML, 'E', "E")                               \
	X(UNDO, 'u', "u")                                    \
	X(VIEW_HISTORY, 'H', "H")                            \
	X(VIEW_PATHS, 'P', "P")

/* The action bound to key, or -1. */
int keys_action(int key);
const char *keys_action_doc(enum ui_action a);
/* The first named key bound to a ("?" for help), for the status bar hints. */
const char *keys_first_name(enum ui_action a);
/* "j/Down" — every named key bound to a, into buf. Returns buf. */
char *keys_names(enum ui_action a, char *buf, size_t n);

/* A key script event: a key, a resize of the (headless) screen, or a wait. */
#define KEYS_EV_RESIZE -1
#define KEYS_EV_WAIT -2 /* run the loop for wait_ms */
#define KEYS_EV_SYNC -3 /* run the loop until every kind is synced (at most wait_ms) */
struct keys_event {
	int key;        /* a key, or KEYS_EV_* */
	int rows, cols; /* for a resize */
	int wait_ms;    /* for a wait */
};

/* Read a key script: plain characters are keys; <Enter> <Esc> <Tab> <Up> <Down> <Left>
 * <Right> <PgUp> <PgDn> <Home> <End> <BS> <Space> <lt> <C-x> name keys; <Resize:COLSxROWS>
 * resizes; <Wait:MS> runs the loop that long; <Sync> (or <Sync:MS>) until synced. Returns the number of events (*out is heap, caller frees), or -1 with err set. */
int keys_parse_script(const char *script, struct keys_event **out, char *err, size_t errlen);

#endif
