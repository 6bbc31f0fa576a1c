/* console.c: the console's life on the event loop: data rebuilt when the store moves, keys
 * dispatched to the prompt, the top view or the global actions, commands, and one frame per
 * loop iteration when something changed (see console.h). The header, breadcrumbs and status
 * bar are drawn by chrome.c. */
#include "config.h"

#include <curses.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammatop/chrome.h"
#include "gammatop/collector.h"
#include "gammatop/console.h"
#include "gammatop/defaults.h"
#include "gammatop/figlookup.h"
#include "gammatop/keys.h"
#include "gammatop/lint.h"
#include "gammatop/log.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

#define MIN_ROWS 6
#define MIN_COLS 30
#define REBUILD_MIN_MS 250
#define LIVE_LOG_EVERY_MS 60000

/* One line per event for benchmarks: "NAME VALUE WALL_MS" (wall clock when it happened). */
void console_timing(struct console *c, const char *what, int64_t value)
{
	if (!c->timings_path)
		return;
	FILE *f = fopen(c->timings_path, "a");
	if (f) {
		fprintf(f, "%s %lld %lld\n", what, (long long)value, (long long)time_wall_ms());
		fclose(f);
	}
}

#define timing console_timing

static void store_changed(enum store_event ev, const struct gt_object *obj, void *ud)
{
	(void)ev, (void)obj;
	((struct console *)ud)->dirty = true;
}

struct console *console_new(struct gt_store *store, struct evloop *loop,
                            const struct console_source *src, const struct console_opts *o,
                            char *err, size_t errlen)
{
	size_t first = 0;
	while (first < o->n_views && !o->views[first].top)
		first++;
	if (first == o->n_views) {
		snprintf(err, errlen, "no top-level view to open (console_opts.views)");
		return NULL;
	}
	struct console *c = xcalloc(1, sizeof *c);
	struct diag d;
	diag_init(&d);
	if (theme_load(&c->theme, o->theme, &d) < 0 || d.errors) {
		/* A theme with errors is still usable, but say what is wrong before starting. */
		snprintf(err, errlen, "%s", d.n ? d.items[0].msg : "cannot load theme");
		if (d.n > 1)
			snprintf(err + strlen(err), errlen - strlen(err), " (and %zu more)", d.n - 1);
		diag_done(&d);
		free(c);
		return NULL;
	}
	diag_done(&d);
	c->views = o->views;
	c->n_views = o->n_views;
	c->command = o->command;
	c->store = store;
	c->loop = loop;
	c->src = *src;
	c->readonly = o->readonly;
	c->scope = str_empty(o->ns) ? NULL : xstrdup(o->ns);
	findings_init(&c->findings);
	buf_init(&c->prompt_buf);
	c->started_ms = time_mono_ms();
	c->timings_path = xstrdup_null(getenv("GAMMATOP_TIMINGS"));
	c->data_gen = 1;
	c->window_ms = o->window_ms > 0 ? o->window_ms : GT_DEFAULT_WINDOW_MS;
	c->dirty = true;
	store_add_listener(store, store_changed, c);
	console_push(c, view_new(c->views[first].ops, c, NULL));
	return c;
}

void console_free(struct console *c)
{
	if (!c)
		return;
	screen_close();
	if (c->tick_timer)
		evloop_timer_cancel(c->loop, c->tick_timer);
	if (c->rebuild_timer)
		evloop_timer_cancel(c->loop, c->rebuild_timer);
	store_remove_listener(c->store, store_changed, c);
	for (size_t i = 0; i < c->depth; i++)
		view_free(c->stack[i]);
	topology_free(c->topo);
	store_free(c->past);
	findings_done(&c->findings);
	buf_done(&c->prompt_buf);
	free(c->scope);
	free(c->timings_path);
	free(c);
}

void console_set_source(struct console *c, const struct console_source *src)
{
	c->src = *src;
	c->topo_store_gen = (uint64_t)-1;
	c->dirty = true;
}

void console_set_figures(struct console *c, const struct console_figures *f)
{
	c->figs = *f;
	console_figures_changed(c);
}

void console_figures_changed(struct console *c)
{
	c->data_gen++;
	c->dirty = true;
}

bool console_figures_window(struct console *c, const char *route, int rule, int64_t window_ms,
                            struct route_figures *f)
{
	memset(f, 0, sizeof *f);
	f->rps = f->success = f->timeout_rate = f->retry_rate = NAN;
	f->retry_success = f->exhausted = f->p95_ms = NAN;
	if (!c->figs.get || c->at_ms) /* in the past (:at) the live figures do not apply */
		return false;
	return c->figs.get(c->figs.ud, route, rule, window_ms, f);
}

bool console_figures_get(struct console *c, const char *route, int rule, struct route_figures *f)
{
	return console_figures_window(c, route, rule, c->window_ms, f);
}

struct lookup_ud {
	struct console *c;
	int64_t window_ms;
	struct route_figures *f;
};

static bool lookup_get(void *ud, const char *key, int rule)
{
	struct lookup_ud *l = ud;
	return console_figures_window(l->c, key, rule, l->window_ms, l->f);
}

bool console_figures_of(struct console *c, const struct topo_route *tr, int rule,
                        int64_t window_ms, struct route_figures *f)
{
	struct lookup_ud l = {c, window_ms > 0 ? window_ms : c->window_ms, f};
	enum figscope s = figlookup(tr, rule, lookup_get, &l);
	if (s == FIGSCOPE_NONE) {
		console_figures_window(c, "", -1, 0, f); /* all unknown */
		f->scope = NULL;
		return false;
	}
	f->scope = figscope_name(s);
	return true;
}

void console_message(struct console *c, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof c->message, fmt, ap);
	va_end(ap);
	c->message_error = error;
	c->dirty = true;
}

void console_push(struct console *c, struct view *v)
{
	if (c->depth == CONSOLE_MAX_VIEWS) { /* drop the oldest drill-down, keep the root */
		view_free(c->stack[1]);
		memmove(&c->stack[1], &c->stack[2], (CONSOLE_MAX_VIEWS - 2) * sizeof *c->stack);
		c->depth--;
	}
	c->stack[c->depth++] = v;
	c->dirty = true;
}

static void pop(struct console *c)
{
	if (c->depth > 1) {
		view_free(c->stack[--c->depth]);
		c->dirty = true;
	}
}

static const struct view_entry *find_view(struct console *c, const char *name)
{
	for (size_t i = 0; i < c->n_views; i++)
		if (!strcmp(c->views[i].name, name))
			return &c->views[i];
	return NULL;
}

bool console_switch(struct console *c, const char *name)
{
	const struct view_entry *e = find_view(c, name);
	if (!e || !e->top)
		return false;
	if (c->depth == 1 && c->stack[0]->ops == e->ops)
		return true;
	while (c->depth)
		view_free(c->stack[--c->depth]);
	console_push(c, view_new(e->ops, c, NULL));
	return true;
}

bool console_open(struct console *c, const char *name)
{
	const struct view_entry *e = find_view(c, name);
	if (!e)
		return false;
	if (e->top)
		return console_switch(c, name);
	if (e->open)
		e->open(c, c->depth ? c->stack[c->depth - 1] : NULL);
	else
		console_push(c, view_new(e->ops, c, NULL));
	return true;
}

static void set_scope(struct console *c, const char *ns)
{
	free(c->scope);
	c->scope = str_empty(ns) || !strcmp(ns, "all") || !strcmp(ns, "*") ? NULL : xstrdup(ns);
	c->data_gen++;
	c->dirty = true;
	if (c->scope)
		console_message(c, false, "namespace scope: %s", c->scope);
	else
		console_message(c, false, "namespace scope: all");
}

void console_command(struct console *c, const char *line)
{
	size_t n;
	char **w = str_split(line, ' ', &n);
	size_t k = 0; /* skip empty words from repeated spaces */
	for (size_t i = 0; i < n; i++)
		if (*w[i])
			w[k++] = w[i];
		else
			free(w[i]);
	w[k] = NULL;
	const char *cmd = k ? w[0] : "";
	const char *arg = k > 1 ? w[1] : NULL;
	if (!k) {
		/* nothing */
	} else if (!strcmp(cmd, "q") || !strcmp(cmd, "quit") || !strcmp(cmd, "q!")) {
		c->quit = true;
	} else if (!strcmp(cmd, "topology") || !strcmp(cmd, "topo") || !strcmp(cmd, "gw") ||
	           !strcmp(cmd, "tree")) {
		console_switch(c, "topology");
	} else if (!strcmp(cmd, "routes") || !strcmp(cmd, "rules") || !strcmp(cmd, "top")) {
		console_switch(c, "routes");
	} else if (!strcmp(cmd, "findings") || !strcmp(cmd, "lint")) {
		console_switch(c, "findings");
	} else if (!strcmp(cmd, "history") || !strcmp(cmd, "hist")) {
		console_open(c, "history");
	} else if (!strcmp(cmd, "help") || !strcmp(cmd, "h")) {
		console_open(c, "help");
	} else if (!strcmp(cmd, "ns") || !strcmp(cmd, "namespace")) {
		set_scope(c, arg);
	} else if (!strcmp(cmd, "ctx") || !strcmp(cmd, "context")) {
		char err[256] = "";
		if (!arg)
			console_message(c, false, "context: %s", str_or(c->src.context, "(none: manifests)"));
		else if (!c->src.switch_context)
			console_message(c, true, "cannot switch context: this console reads %s",
			                str_or(c->src.label, "manifests"));
		else if (c->src.switch_context(c->src.ud, arg, err, sizeof err) < 0)
			console_message(c, true, "%s", err);
		else
			console_message(c, false, "switching to context %s", arg);
	} else if (c->command && c->command(c, cmd, arg)) {
		/* :at TIME, :paths (console_at.c) */
	} else if (console_open(c, cmd)) {
		/* any other view of the console's table, by its name (":edit", a new view) */
	} else {
		console_message(c, true, "unknown command ':%s' (try :help)", cmd);
	}
	for (size_t i = 0; i < k; i++)
		free(w[i]);
	free(w);
	c->dirty = true;
}

static void prompt_done(struct console *c, bool accept)
{
	int kind = c->prompt;
	c->prompt = 0;
	char *text = xstrdup(buf_str(&c->prompt_buf));
	buf_reset(&c->prompt_buf);
	if (accept && kind == ':') {
		console_command(c, text);
	} else if (accept && kind == '/' && c->depth) {
		char err[256];
		struct view *v = c->stack[c->depth - 1];
		if (grid_set_filter(&v->grid, text, err, sizeof err) < 0)
			console_message(c, true, "%s", err);
	}
	free(text);
	c->dirty = true;
}

static void prompt_key(struct console *c, int key)
{
	if (key == '\r' || key == '\n' || key == SCREEN_FN(KEY_ENTER)) {
		prompt_done(c, true);
	} else if (key == 27 || key == KEY_CTRL('c') || key == KEY_CTRL('g')) {
		prompt_done(c, false);
	} else if (key == SCREEN_FN(KEY_BACKSPACE) || key == 127 || key == KEY_CTRL('h')) {
		struct buf *b = &c->prompt_buf;
		if (!b->len) {
			prompt_done(c, false);
			return;
		}
		do /* drop one UTF-8 character */
			b->len--;
		while (b->len && (b->data[b->len] & 0xC0) == 0x80);
		b->data[b->len] = '\0';
	} else if (key == KEY_CTRL('u')) {
		buf_reset(&c->prompt_buf);
	} else if (key >= 0x20 && key < 0x110000 && key != 0x7F && c->prompt_buf.len < 200) {
		char mb[5] = {0};
		if (key < 0x80) {
			mb[0] = (char)key;
		} else if (key < 0x800) {
			mb[0] = (char)(0xC0 | key >> 6), mb[1] = (char)(0x80 | (key & 0x3F));
		} else if (key < 0x10000) {
			mb[0] = (char)(0xE0 | key >> 12), mb[1] = (char)(0x80 | (key >> 6 & 0x3F));
			mb[2] = (char)(0x80 | (key & 0x3F));
		} else {
			mb[0] = (char)(0xF0 | key >> 18), mb[1] = (char)(0x80 | (key >> 12 & 0x3F));
			mb[2] = (char)(0x80 | (key >> 6 & 0x3F)), mb[3] = (char)(0x80 | (key & 0x3F));
		}
		buf_puts(&c->prompt_buf, mb);
	}
	c->dirty = true;
}

static void global_action(struct console *c, int action)
{
	struct view *top = c->stack[c->depth - 1];
	switch (action) {
	case ACT_QUIT:
		if (c->depth > 1)
			pop(c);
		else
			c->quit = true;
		break;
	case ACT_BACK:
		if (top->grid.filter) {
			char err[8];
			grid_set_filter(&top->grid, NULL, err, sizeof err);
		} else {
			pop(c);
		}
		break;
	case ACT_HELP:
		if (strcmp(top->ops->name, "help"))
			console_open(c, "help");
		break;
	case ACT_FILTER:
	case ACT_COMMAND:
		c->prompt = action == ACT_FILTER ? '/' : ':';
		buf_reset(&c->prompt_buf);
		if (action == ACT_FILTER && top->grid.filter)
			buf_puts(&c->prompt_buf, top->grid.filter);
		break;
	case ACT_NEXT_PANE: {
		size_t n = c->n_views, i = 0, j;
		for (; i < n && !(c->views[i].top && c->stack[0]->ops == c->views[i].ops); i++)
			;
		for (j = (i + 1) % n; j != i && !c->views[j].top; j = (j + 1) % n)
			;
		console_switch(c, c->views[j].name); /* the next top-level view, wrapping round */
		break;
	}
	case ACT_REFRESH:
		c->topo_store_gen = (uint64_t)-1; /* rebuild even if the store did not move */
		console_message(c, false, "refreshed");
		if (c->src.request_refresh) /* may say more */
			c->src.request_refresh(c->src.ud);
		break;
	case ACT_VIEW_TOPOLOGY: console_switch(c, "topology"); break;
	case ACT_VIEW_ROUTES: console_switch(c, "routes"); break;
	case ACT_VIEW_FINDINGS: console_switch(c, "findings"); break;
	case ACT_EDIT: console_open(c, "edit"); break;
	case ACT_EDIT_YAML: console_open(c, "edit-yaml"); break;
	case ACT_VIEW_HISTORY: console_open(c, "history"); break;
	case ACT_VIEW_PATHS: console_open(c, "paths"); break;
	case ACT_UNDO: console_message(c, true, "u reverts a change in the history (:history)"); break;
	default: break;
	}
}

static void mouse(struct console *c)
{
	int y = 0, x = 0;
	enum screen_mouse m = screen_mouse_event(&y, &x);
	if (c->too_small || c->prompt || !c->depth)
		return;
	struct view *top = c->stack[c->depth - 1];
	switch (m) {
	case MOUSE_WHEEL_UP:
	case MOUSE_WHEEL_DOWN:
		for (int i = 0; i < 3; i++)
			view_key(top, m == MOUSE_WHEEL_UP ? ACT_UP : ACT_DOWN);
		break;
	case MOUSE_CLICK: grid_click(&top->grid, y); break;
	case MOUSE_DOUBLE:
		if (grid_click(&top->grid, y))
			view_key(top, ACT_OPEN);
		break;
	default: break;
	}
}

void console_key(struct console *c, int key)
{
	c->dirty = true;
	if (key == SCREEN_FN(KEY_MOUSE)) {
		mouse(c);
		return;
	}
	if (key == SCREEN_FN(KEY_RESIZE)) {
		for (size_t i = 0; i < c->depth; i++)
			view_resize(c->stack[i], screen_rows(), screen_cols());
		return;
	}
	if (c->prompt) {
		prompt_key(c, key);
		return;
	}
	c->message[0] = '\0';
	if (!c->too_small && view_raw_key(c->stack[c->depth - 1], key))
		return; /* the edit form takes every key; the history view takes u */
	int action = keys_action(key);
	if (action < 0 || c->too_small) {
		if (action == ACT_QUIT || action == ACT_BACK)
			global_action(c, ACT_QUIT);
		return;
	}
	struct view *top = c->stack[c->depth - 1];
	view_refresh_if_needed(top);
	if (action != ACT_QUIT && action != ACT_BACK && view_key(top, action))
		return;
	global_action(c, action);
}

/* The heap as malloc sees it, in KiB: in use, and free but still held (a resident size
 * that grows with the second, not the first, is fragmentation, not a leak). -1: unknown
 * (not glibc 2.33 or later). */
static void heap_kib(int64_t *used, int64_t *held_free)
{
	*used = *held_free = -1;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();
	*used = (int64_t)((mi.uordblks + mi.hblkhd) / 1024);
	*held_free = (int64_t)(mi.fordblks / 1024);
#endif
}

/* What is alive after a rebuild, for finding leaks on a long run: objects (the store's plus
 * those old topologies still hold), topologies (at most two: see update_data), telemetry
 * collectors (one) and the heap. In the timings file at every rebuild, in the log once a
 * minute. */
static void live_counts(struct console *c)
{
	size_t stored = 0;
	for (int k = 0; k < GT_KIND_COUNT; k++)
		stored += store_count(c->store, (enum gt_kind)k);
	timing(c, "store_generation", (int64_t)store_generation(c->store)); /* changes applied */
	timing(c, "live_objects", object_live_count());
	timing(c, "store_objects", (int64_t)stored);
	timing(c, "live_topologies", topology_live_count());
	timing(c, "live_collectors", (int64_t)collector_live_count());
	int64_t used, held_free;
	heap_kib(&used, &held_free);
	if (used >= 0) {
		timing(c, "heap_used_kib", used);
		timing(c, "heap_free_kib", held_free);
	}
	int64_t now = time_mono_ms();
	if (c->live_logged_ms && now - c->live_logged_ms < LIVE_LOG_EVERY_MS)
		return;
	c->live_logged_ms = now;
	log_info("live: %ld objects (the store holds %zu), %ld topologies, %zu telemetry "
	         "collectors; heap %lld KiB in use, %lld KiB free but held", object_live_count(),
	         stored, topology_live_count(), collector_live_count(), (long long)used,
	         (long long)held_free);
}

struct gt_store *console_store(struct console *c)
{
	return c->past ? c->past : c->store;
}

static void rebuild_due(struct evloop *loop, void *ud)
{
	struct console *c = ud;
	(void)loop;
	c->rebuild_timer = 0;
	c->dirty = true;
}

/* Rebuild the topology when the store moved, at most once per REBUILD_MIN_MS: a burst of
 * watch events costs one rebuild (the frame in between shows the previous one, which holds
 * its objects: see topology.h). */
static void update_data(struct console *c, bool now_please)
{
	struct gt_store *store = console_store(c);
	uint64_t gen = store_generation(store);
	if (c->topo && gen == c->topo_store_gen)
		return;
	int64_t now = time_mono_ms();
	if (!now_please && c->topo && c->topo_store_gen != (uint64_t)-1 &&
	    now - c->rebuilt_ms < REBUILD_MIN_MS) {
		if (!c->rebuild_timer)
			c->rebuild_timer = evloop_timer_add(c->loop, REBUILD_MIN_MS - (now - c->rebuilt_ms),
			                                    rebuild_due, c);
		return;
	}
	int64_t t0 = time_mono_ms();
	/* The old topology stays valid (it holds its objects) for as long as a view holds it:
	 * the top view keeps it until it rebuilds, in this frame; the views under it let go
	 * now, so that at most two topologies live at once. */
	for (size_t i = 0; i + 1 < c->depth; i++)
		view_release(c->stack[i]);
	topology_free(c->topo);
	findings_done(&c->findings);
	findings_init(&c->findings);
	c->topo = topology_build(store);
	c->findings_stale = true; /* lint runs when a view asks (console_findings) */
	c->rebuilt_ms = time_mono_ms();
	timing(c, "topology_ms", c->rebuilt_ms - t0);
	live_counts(c);
	c->topo_store_gen = gen;
	c->data_gen++;
	c->dirty = true;
}

const struct findings *console_findings(struct console *c)
{
	if (c->findings_stale && c->topo) {
		int64_t t0 = time_mono_ms();
		findings_done(&c->findings);
		findings_init(&c->findings);
		lint_run(console_store(c), c->topo, &c->findings);
		c->findings_stale = false;
		timing(c, "lint_ms", time_mono_ms() - t0);
	}
	return &c->findings;
}

/* Kind states (synced, stale, errors) change without a store generation: redraw the header
 * when they do (returns true), and note the first time everything is synced. */
static bool watch_sources(struct console *c)
{
	uint64_t sig = 1469598103934665603ULL;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		const struct store_kind_state *st = store_kind_state(c->store, (enum gt_kind)k);
		uint64_t v = (uint64_t)st->installed | (uint64_t)st->synced << 1 |
		             (uint64_t)st->stale << 2 | (uint64_t)(uintptr_t)st->error << 3;
		sig = (sig ^ v) * 1099511628211ULL;
	}
	bool changed = sig != c->sources_sig;
	if (changed) {
		c->sources_sig = sig;
		c->dirty = true;
	}
	if (!c->synced_ms && store_all_synced(c->store) &&
	    store_count(c->store, GT_GATEWAYCLASS) + store_count(c->store, GT_SERVICE) +
	            store_count(c->store, GT_HTTPROUTE) > 0) {
		bool fresh = true; /* synced means listed by a live source, not loaded from the cache */
		for (int k = 0; k < GT_KIND_COUNT; k++)
			if (store_kind_state(c->store, (enum gt_kind)k)->stale)
				fresh = false;
		if (fresh) {
			c->synced_ms = time_mono_ms();
			timing(c, "synced_ms", c->synced_ms - c->started_ms);
			if (c->src.on_synced)
				c->src.on_synced(c->src.ud);
		}
	}
	return changed;
}

static void draw(struct console *c)
{
	struct timespec ts0, ts1;
	if (c->depth) { /* rebuilding rows is timed apart from drawing them */
		clock_gettime(CLOCK_MONOTONIC, &ts0);
		struct view *v = c->stack[c->depth - 1];
		uint64_t before = v->built;
		view_refresh_if_needed(v);
		clock_gettime(CLOCK_MONOTONIC, &ts1);
		if (before != v->built)
			timing(c, "rebuild_us", (ts1.tv_sec - ts0.tv_sec) * 1000000 +
			                            (ts1.tv_nsec - ts0.tv_nsec) / 1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	screen_begin();
	int rows = screen_rows(), cols = screen_cols();
	c->too_small = rows < MIN_ROWS || cols < MIN_COLS;
	if (c->too_small) {
		char size[64];
		snprintf(size, sizeof size, "%dx%d, need %dx%d", cols, rows, MIN_COLS, MIN_ROWS);
		const char *lines[3] = {"terminal too small", size, "q: quit"};
		for (int y = 0; y < rows; y++)
			screen_fill(y, 0, cols, THEME_NORMAL, 0);
		int y0 = rows > 3 ? (rows - 3) / 2 : 0;
		for (int i = 0; i < 3 && y0 + i < rows; i++)
			screen_put(y0 + i, 0, cols, i ? THEME_DIM : THEME_ERROR, 0, lines[i]);
	} else {
		struct view *top = c->stack[c->depth - 1];
		view_refresh_if_needed(top);
		chrome_draw_header(c, 0, cols);
		chrome_draw_crumbs(c, 1, cols);
		view_draw(top, 2, 0, rows - 3, cols);
		chrome_draw_status(c, rows - 1, cols);
	}
	screen_end();
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	c->last_frame_us = (ts1.tv_sec - ts0.tv_sec) * 1000000 + (ts1.tv_nsec - ts0.tv_nsec) / 1000;
	if (!c->first_frame_ms) {
		c->first_frame_ms = time_mono_ms();
		timing(c, "first_frame_ms", c->first_frame_ms - c->started_ms);
	}
	timing(c, "frame_us", c->last_frame_us);
}

static void tick(struct evloop *loop, void *ud)
{
	struct console *c = ud;
	(void)loop;
	c->tick_timer = 0;
	c->dirty = true;
}

/* While a source is stale, the header shows an age: redraw once a second, else sleep. */
static void schedule_tick(struct console *c)
{
	if (c->tick_timer || !chrome_needs_tick(c))
		return;
	c->tick_timer = evloop_timer_add(c->loop, 1000, tick, c);
}

void console_settle(struct console *c)
{
	watch_sources(c);
	update_data(c, true);
	if (c->dirty) {
		c->dirty = false;
		draw(c);
	}
}

void console_frame(struct console *c)
{
	/* A header that says "synced" or "stale" never shows a topology older than that. */
	bool sources_moved = watch_sources(c);
	update_data(c, sources_moved);
	if (c->dirty) {
		c->dirty = false;
		draw(c);
	}
	schedule_tick(c);
}

static void on_stdin(struct evloop *loop, int fd, int events, void *ud)
{
	struct console *c = ud;
	(void)fd, (void)events;
	int key;
	while ((key = screen_getkey()) != -1 && !c->quit)
		console_key(c, key);
	if (c->quit)
		evloop_stop(loop);
}

static void after(struct evloop *loop, void *ud)
{
	struct console *c = ud;
	if (c->quit) {
		evloop_stop(loop);
		return;
	}
	console_frame(c);
}

static void on_winch(struct evloop *loop, int signo, void *ud)
{
	struct console *c = ud;
	(void)loop, (void)signo;
	screen_winch();
	console_key(c, SCREEN_FN(KEY_RESIZE));
}

static void on_signal(struct evloop *loop, int signo, void *ud)
{
	struct console *c = ud;
	(void)signo;
	c->quit = true;
	evloop_stop(loop);
}

int console_start(struct console *c, const struct console_opts *o, char *err, size_t errlen)
{
	struct screen_opts so = {.no_color = o->no_color, .mouse = o->mouse,
	                         .headless_rows = o->headless_rows,
	                         .headless_cols = o->headless_cols};
	if (screen_open(&so, &c->theme, err, errlen) < 0)
		return -1;
	c->ascii = !screen_utf8();
	if (!screen_headless()) {
		evloop_watch_fd(c->loop, STDIN_FILENO, EV_READ, on_stdin, c);
		evloop_signal(c->loop, SIGINT, on_signal, c);
		evloop_signal(c->loop, SIGTERM, on_signal, c);
		evloop_signal(c->loop, SIGHUP, on_signal, c);
		evloop_signal(c->loop, SIGWINCH, on_winch, c);
	}
	evloop_set_after(c->loop, after, c);
	return 0;
}

int console_run(struct console *c)
{
	console_frame(c);
	while (!c->quit) {
		evloop_run_once(c->loop, -1);
		if (evloop_stopped(c->loop) && !c->quit)
			break;
	}
	evloop_unwatch_fd(c->loop, STDIN_FILENO);
	evloop_set_after(c->loop, NULL, NULL);
	screen_close();
	return 0;
}
