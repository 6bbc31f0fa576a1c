/* console.h: the interactive console: a view stack over the store's topology and findings,
 * per-route figures from whatever telemetry source the app plugs in, a header with the
 * freshness of every source, a status bar, the : command line and the / filter. It runs on
 * the shared evloop: stdin, resize and signals arrive as callbacks that mark it dirty, and it
 * draws at most once per loop iteration (in the after hook), nothing when idle. */
#ifndef GAMMATOP_CONSOLE_H
#define GAMMATOP_CONSOLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammatop/buf.h"
#include "gammatop/evloop.h"
#include "gammatop/findings.h"
#include "gammatop/store.h"
#include "gammatop/theme.h"
#include "gammatop/topology.h"

#define CONSOLE_SPARK 12 /* sparkline points: 5-minute steps over the last hour */
#define CONSOLE_MAX_VIEWS 8

/* What telemetry says about one rule (or one route when rule is -1). NAN: not reported. */
struct route_figures {
	double rps, success, timeout_rate, retry_rate, retry_success, exhausted, p95_ms;
	double spark[CONSOLE_SPARK];         /* requests per second over the window, oldest first */
	double spark_timeout[CONSOLE_SPARK]; /* timeout rate over the window, oldest first */
	size_t n_spark;                      /* 0: no history */
	const char *scope; /* "rule", "route" or "service" (figlookup.h): what the figures cover */
};

/* How a source is, for the colour of its part of the header. */
enum console_health {
	CONSOLE_FAILING, /* it tried and failed (red) */
	CONSOLE_OK,      /* it works (green) */
	CONSOLE_PENDING  /* nothing to say yet: starting, first discovery under way (neutral) */
};

/* A telemetry source, as the console sees it (plugged in by the app; all may be NULL). */
struct console_figures {
	/* Fill f for rule of route ("httproute/NS/NAME") over the last window_ms (the sparklines
	 * cover the same window in CONSOLE_SPARK steps); false when the source knows nothing. */
	bool (*get)(void *ud, const char *route, int rule, int64_t window_ms,
	            struct route_figures *f);
	/* Header text ("telemetry OK ...", "telemetry failing ...") and how it is. A source
	 * says CONSOLE_FAILING only once it has really tried (not before its first discovery
	 * of what to collect from has finished). */
	const char *(*status)(void *ud, enum console_health *health);
	void *ud;
};

/* Where the objects come from, as the header shows it. */
struct console_source {
	const char *label;            /* "manifests: DIR" or the context name */
	const char *context, *server; /* NULL for manifests */
	bool live;                    /* a cluster: freshness from store_kind_state() */
	int64_t cache_at_ms;          /* > 0: opened from the cached topology of this wall time */
	void (*request_refresh)(void *ud); /* ctrl-r: ask the source for fresh data (may be NULL) */
	/* :ctx NAME: switch context; NULL when the source cannot. 0 or -1 with err. */
	int (*switch_context)(void *ud, const char *ctx, char *err, size_t errlen);
	void (*on_synced)(void *ud); /* every kind synced (once per console): e.g. cache it */
	void *ud;
};

struct view_entry;
struct console;
struct console_opts {
	bool readonly, no_color, mouse;
	const char *theme;     /* NAME or FILE, NULL: default */
	const char *ns;        /* initial namespace scope, NULL: all */
	int64_t window_ms;     /* telemetry window of the tables; 0: 5 minutes */
	int headless_rows, headless_cols; /* > 0: headless (tests, --dump-screen) */
	/* The views it opens by name (borrowed, static; ui_views, view.h); at least one top. */
	const struct view_entry *views;
	size_t n_views;
	/* More : commands (console_at_command: :at, :paths), or NULL: true when it ran cmd. */
	bool (*command)(struct console *c, const char *cmd, const char *arg);
};

struct view;

struct console {
	struct gt_store *store;     /* borrowed */
	struct evloop *loop;        /* borrowed */
	struct console_source src;  /* borrowed strings */
	struct console_figures figs;
	struct gt_topology *topo;   /* one reference: rebuilt when the store generation moves;
	                             * each view holds its own on the one it was built from */
	struct findings findings;   /* owned: lint findings of topo (read console_findings()) */
	bool findings_stale;        /* topo moved since findings were made (lint on demand) */
	uint64_t topo_store_gen;    /* store generation topo was built from */
	uint64_t data_gen;          /* bumped whenever what views show changed */
	char *scope;                /* owned: :ns scope, NULL for all */
	bool readonly, ascii;
	struct view *stack[CONSOLE_MAX_VIEWS]; /* owned */
	size_t depth;
	bool dirty, quit, too_small;
	char message[256];          /* status bar message ("" none) */
	bool message_error;
	int prompt;                 /* 0, ':' or '/' */
	struct buf prompt_buf;      /* what is typed at the prompt */
	struct theme theme;
	uint64_t tick_timer;        /* 1 s timer while a source is stale (ages in the header) */
	uint64_t rebuild_timer;     /* pending rebuild after a burst of store changes */
	int64_t rebuilt_ms;         /* monotonic time of the last topology rebuild */
	int64_t live_logged_ms;     /* monotonic time the live counts were last logged */
	uint64_t sources_sig;       /* hash of the kind states last drawn */
	int64_t started_ms, first_frame_ms, synced_ms; /* monotonic, for the timings file */
	int64_t last_frame_us;      /* draw time of the last frame */
	char *timings_path;         /* owned: $GAMMATOP_TIMINGS, or NULL */
	int64_t window_ms;          /* telemetry window of the tables (--window, default 5m) */
	int64_t at_ms;              /* :at TIME: the past shown, read-only (wall ms); 0: now */
	struct gt_store *past;      /* owned: the store as it was at at_ms (journal_store_at), shown
	                             * instead of store while at_ms is set; NULL: now */
	const struct view_entry *views; /* borrowed: what console_open() finds by name */
	size_t n_views;
	bool (*command)(struct console *c, const char *cmd, const char *arg); /* console_opts */
};

/* A console over store (filled or being filled by the source), not yet on screen. Returns
 * NULL with err set when the theme cannot be loaded (the message names the file/line). */
struct console *console_new(struct gt_store *store, struct evloop *loop,
                            const struct console_source *src, const struct console_opts *o,
                            char *err, size_t errlen);
void console_free(struct console *c);
/* The source changed (context switch, reconnect): copy the new description. */
void console_set_source(struct console *c, const struct console_source *src);
/* Plug in telemetry (copied). */
void console_set_figures(struct console *c, const struct console_figures *f);
/* Telemetry has new figures: rebuild what the views show at the next frame. */
void console_figures_changed(struct console *c);

/* Open the screen and hook into the loop (stdin, SIGWINCH via KEY_RESIZE, SIGINT/SIGTERM,
 * the after-iteration draw). Returns 0 or -1 with err set. */
int console_start(struct console *c, const struct console_opts *o, char *err, size_t errlen);
/* Run the loop until the user quits. Restores the terminal. Returns the exit status. */
int console_run(struct console *c);

/* Feed one key (a code point or SCREEN_FN(KEY_xxx)), as if typed. */
void console_key(struct console *c, int key);
/* Rebuild derived data if the store moved, and draw a frame when something is dirty. */
void console_frame(struct console *c);
/* The same, rebuilding at once even within the rebuild throttle (headless runs, tests). */
void console_settle(struct console *c);
/* With $GAMMATOP_TIMINGS set: append "what value wall_ms" to that file (benchmarks). */
void console_timing(struct console *c, const char *what, int64_t value);
/* The lint findings of the current topology, made on first use after each rebuild: the
 * first frame of the topology does not wait for lint. */
const struct findings *console_findings(struct console *c);
/* Push a view (takes ownership); the stack keeps at most CONSOLE_MAX_VIEWS. */
void console_push(struct console *c, struct view *v);
/* Replace the whole stack with one top-level view by name ("topology", "routes",
 * "findings"); false when the name is unknown. */
bool console_switch(struct console *c, const char *name);
/* Open a view by name from the console's table: a top-level one as console_switch, any
 * other over the stack ("help", "history", "edit" the selected rule, "edit-yaml"); false
 * when the name is unknown. */
bool console_open(struct console *c, const char *name);
/* Show a message in the status bar until the next key. */
void console_message(struct console *c, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run a command line (":routes", "ns prod", ...) as typed after ':'. */
void console_command(struct console *c, const char *line);
/* `:at TIME` / `:paths [ROUTE]` (console_at.c; the app plugs it in as console_opts.command,
 * so that console.c does not call into the file that calls it): true when cmd is one of
 * them (done). */
bool console_at_command(struct console *c, const char *cmd, const char *arg);
/* The store the views show: the past one under :at, else the live one. */
struct gt_store *console_store(struct console *c);
/* Show the cluster as it was at at_ms (wall ms, from the change journal), or now (0).
 * Returns 0, or -1 with err (no cache or journal, a time before the journal begins). */
int console_set_at(struct console *c, int64_t at_ms, char *err, size_t errlen);

/* The figures of rule of route over the console's window (rates) and the last hour
 * (sparklines); false when there is no source or it knows nothing. */
bool console_figures_get(struct console *c, const char *route, int rule, struct route_figures *f);
/* The figures of rule (-1: the whole route) of tr over window_ms (0: the console's window), by
 * the one lookup every output uses (figlookup.h): its own, its route's, or its backend
 * Services' (f->scope says which). False when the source knows nothing for it. */
bool console_figures_of(struct console *c, const struct topo_route *tr, int rule,
                        int64_t window_ms, struct route_figures *f);
/* The same over window_ms. */
bool console_figures_window(struct console *c, const char *route, int rule, int64_t window_ms,
                            struct route_figures *f);

#endif
