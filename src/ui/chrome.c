/* chrome.c: header, breadcrumbs and status bar of the console (see chrome.h). Everything a
 * source or the cluster says goes through screen_put (sanitised, truncated). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/chrome.h"
#include "gammatop/console.h"
#include "gammatop/keys.h"
#include "gammatop/screen.h"
#include "gammatop/secret.h"
#include "gammatop/timeutil.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/view.h"

char *chrome_api_state(struct console *c, char *buf, size_t n, bool *ok, bool *ages)
{
	*ok = true;
	*ages = false;
	if (!c->src.live) {
		snprintf(buf, n, "%s", str_or(c->src.label, "manifests"));
		return buf;
	}
	int installed = 0, synced = 0, stale = 0;
	int64_t oldest_heard = 0;
	const char *error = NULL;
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(c->store, (enum gt_kind)k);
		if (!st || !st->installed)
			continue;
		installed++;
		synced += st->synced;
		if (st->stale) {
			stale++;
			if (!oldest_heard || (st->last_heard_ms && st->last_heard_ms < oldest_heard))
				oldest_heard = st->last_heard_ms;
		}
		if (st->error && !error)
			error = st->error;
	}
	char age[32] = "";
	if (oldest_heard) {
		int64_t s = (time_wall_ms() - oldest_heard) / 1000;
		time_age(s < 0 ? 0 : s, age, sizeof age);
	}
	if (stale) {
		*ok = false;
		if (c->src.cache_at_ms && !synced) {
			time_t t = (time_t)(c->src.cache_at_ms / 1000);
			struct tm tm;
			localtime_r(&t, &tm);
			if (!c->src.request_refresh) /* --offline */
				snprintf(buf, n, "offline from cache of %02d:%02d", tm.tm_hour, tm.tm_min);
			else
				snprintf(buf, n, "from cache of %02d:%02d, connecting%s%s", tm.tm_hour,
				         tm.tm_min, error ? ": " : "", error ? error : "");
		} else {
			*ages = true;
			snprintf(buf, n, "API reconnecting since %s%s%s", age[0] ? age : "?",
			         error ? ": " : "", error ? error : "");
		}
	} else if (installed && synced == installed) {
		snprintf(buf, n, "API synced");
	} else if (c->src.cache_at_ms) {
		time_t t = (time_t)(c->src.cache_at_ms / 1000);
		struct tm tm;
		localtime_r(&t, &tm);
		snprintf(buf, n, "from cache of %02d:%02d, syncing %d/%d", tm.tm_hour, tm.tm_min, synced,
		         installed);
	} else {
		*ok = !error;
		snprintf(buf, n, "API syncing %d/%d%s%s", synced, installed, error ? ": " : "",
		         error ? error : "");
	}
	return buf;
}

bool chrome_needs_tick(struct console *c)
{
	char buf[256];
	bool ok, ages;
	chrome_api_state(c, buf, sizeof buf, &ok, &ages);
	return ages;
}

/* Draw one header segment, separated from the previous one; returns the new x. */
static int segment(int y, int x, int w, enum theme_elem e, const char *text)
{
	if (x >= w)
		return x;
	if (x > 0)
		x += screen_put(y, x, w - x, THEME_HEADER, 0, screen_glyph(GLYPH_SEP));
	return x + screen_put(y, x, w - x, e, 0, text);
}

void chrome_draw_header(struct console *c, int y, int w)
{
	screen_fill(y, 0, w, THEME_HEADER, 0);
	char buf[512];
	int x = screen_put(y, 0, w, THEME_HEADER, 0, " gammatop");
	if (c->at_ms) { /* :at: the past, read-only, first so that it is never cut off */
		char ts[40];
		time_rfc3339((time_t)(c->at_ms / 1000), ts, sizeof ts);
		snprintf(buf, sizeof buf, "PAST %s read-only (:at now)", ts);
		x = segment(y, x, w, THEME_HEADER_BAD, buf);
	}
	if (c->src.context) {
		snprintf(buf, sizeof buf, "ctx %s", c->src.context);
		x = segment(y, x, w, THEME_HEADER, buf);
		if (c->src.server) { /* never a password, whatever the source kept */
			char *shown = secret_url_redact(c->src.server);
			x = segment(y, x, w, THEME_HEADER, shown);
			free(shown);
		}
	}
	snprintf(buf, sizeof buf, "ns %s", c->scope ? c->scope : "all");
	x = segment(y, x, w, THEME_HEADER, buf);
	bool ok, ages;
	chrome_api_state(c, buf, sizeof buf, &ok, &ages);
	x = segment(y, x, w, ok ? THEME_HEADER_OK : THEME_HEADER_BAD, buf);
	const char *tel = NULL;
	enum console_health health = CONSOLE_FAILING;
	if (c->figs.status)
		tel = c->figs.status(c->figs.ud, &health);
	x = segment(y, x, w,
	            !tel ? THEME_HEADER_BAD
	            : health == CONSOLE_OK ? THEME_HEADER_OK
	            : health == CONSOLE_PENDING ? THEME_HEADER : THEME_HEADER_BAD,
	            tel ? tel : "telemetry: none");
	if (c->readonly)
		x = segment(y, x, w, THEME_HEADER_BAD, "READONLY");
	(void)x;
}

void chrome_draw_crumbs(struct console *c, int y, int w)
{
	int x = 1;
	for (size_t i = 0; i < c->depth && x < w; i++) {
		if (i)
			x += screen_put(y, x, w - x, THEME_DIM, 0, c->ascii ? " > " : " \xe2\x80\xba ");
		x += screen_put(y, x, w - x, THEME_CRUMBS, 0, c->stack[i]->title);
	}
	struct view *top = c->stack[c->depth - 1];
	char right[160];
	int len = 0;
	if (top->grid.filter)
		len = snprintf(right, sizeof right, "filter /%s  ", top->grid.filter);
	if (len < 0)
		len = 0;
	snprintf(right + len, sizeof right - (size_t)len, "%zu/%zu ",
	         top->grid.n_vis ? top->grid.cursor + 1 : 0, top->grid.n_vis);
	int rw = str_width(right);
	if (x + 2 + rw <= w)
		screen_put_right(y, w - rw, rw, THEME_DIM, 0, right);
}

static const int hint_actions[] = {ACT_HELP, ACT_OPEN, ACT_BACK, ACT_FILTER, ACT_COMMAND,
                                   ACT_NEXT_PANE, ACT_SORT_NEXT, ACT_QUIT};
static const char *const hint_words[] = {"help", "open", "back", "filter", "cmd", "view",
                                         "sort", "quit"};

void chrome_draw_status(struct console *c, int y, int w)
{
	if (c->prompt) {
		screen_fill(y, 0, w, THEME_PROMPT, 0);
		char p[2] = {(char)c->prompt, 0};
		int x = screen_put(y, 0, w, THEME_PROMPT, 0, p);
		/* Show the end of what is typed when it is longer than the line. */
		const char *text = buf_str(&c->prompt_buf);
		while (*text && str_width(text) > w - x - 1)
			text++;
		x += screen_put(y, x, w - x, THEME_PROMPT, 0, text);
		screen_put(y, x, w - x, THEME_PROMPT, 0, "_");
		return;
	}
	screen_fill(y, 0, w, THEME_STATUS, 0);
	if (c->message[0]) {
		screen_put(y, 1, w - 1, c->message_error ? THEME_ERROR : THEME_MESSAGE, 0, c->message);
		return;
	}
	int x = 1;
	for (size_t i = 0; i < sizeof hint_actions / sizeof hint_actions[0] && x < w; i++) {
		const char *keys = keys_first_name((enum ui_action)hint_actions[i]);
		int need = str_width(keys) + 1 + (int)strlen(hint_words[i]) + 2;
		if (x + need > w)
			break;
		x += screen_put(y, x, w - x, THEME_STATUS_KEY, 0, keys);
		x += screen_put(y, x, w - x, THEME_STATUS, 0, ":");
		x += screen_put(y, x, w - x, THEME_STATUS, 0, hint_words[i]);
		x += 2;
	}
}
