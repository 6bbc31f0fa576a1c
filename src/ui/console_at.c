/* console_at.c: the console's time travel and its call-chain command. `:at TIME` (RFC 3339, or
 * -30m for thirty minutes ago) shows the cluster as the change journal has it at that time
 * (journal_store_at): every view reads that store instead of the live one, the header says
 * PAST and the time, telemetry figures are not shown (they are live), and edits are refused
 * (ui_edit checks console.at_ms). `:at now` returns to the live store. `:paths [ROUTE]` opens
 * the call-chain view. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/console.h"
#include "gammatop/duration.h"
#include "gammatop/journal.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/ui_edit.h"
#include "gammatop/view.h"
#include "gammatop/xalloc.h"

/* Everything is rebuilt from the store now shown. */
static void shown_store_changed(struct console *c)
{
	c->topo_store_gen = (uint64_t)-1;
	c->data_gen++;
	c->dirty = true;
	console_settle(c);
}

int console_set_at(struct console *c, int64_t at_ms, char *err, size_t errlen)
{
	if (!at_ms) {
		if (!c->past)
			return 0;
		struct gt_store *old = c->past;
		c->past = NULL;
		c->at_ms = 0;
		shown_store_changed(c);
		store_free(old); /* the topologies built from it hold their objects */
		return 0;
	}
	struct cache *cache = ui_edit_cache();
	char *cluster = ui_edit_cluster_key();
	if (!cache || !cluster) {
		snprintf(err, errlen, "no change journal to travel with (%s)",
		         !cache ? "no cache" : "this console reads no cluster");
		free(cluster);
		return -1;
	}
	struct gt_store *s = store_new();
	long n = journal_store_at(cache, cluster, at_ms, NULL, s, err, errlen);
	free(cluster);
	if (n < 0) {
		store_free(s);
		return -1;
	}
	struct gt_store *old = c->past;
	c->past = s;
	c->at_ms = at_ms;
	shown_store_changed(c);
	store_free(old);
	return 0;
}

/* "now" (0), "-30m" (that long ago), or RFC 3339. Returns 0 or -1 with err. */
static int parse_at(const char *arg, int64_t now, int64_t *at, char *err, size_t errlen)
{
	if (!strcmp(arg, "now")) {
		*at = 0;
		return 0;
	}
	if (arg[0] == '-') {
		uint64_t d;
		char e[128];
		if (duration_parse(arg + 1, &d, e, sizeof e) < 0 || !d) {
			snprintf(err, errlen, ":at %s: %s", arg, d ? e : "expected a duration like -30m");
			return -1;
		}
		*at = now - (int64_t)d;
		return 0;
	}
	time_t t;
	if (time_parse_rfc3339(arg, &t) < 0) {
		snprintf(err, errlen, ":at %s: expected RFC 3339 (2026-12-08T01:00:00Z), -DURATION "
		         "(-30m) or now", arg);
		return -1;
	}
	*at = (int64_t)t * 1000;
	if (*at > now) {
		snprintf(err, errlen, ":at %s: that is in the future", arg);
		return -1;
	}
	return 0;
}

bool console_at_command(struct console *c, const char *cmd, const char *arg)
{
	if (!strcmp(cmd, "paths")) { /* the view from the console's table, with the target */
		for (size_t i = 0; i < c->n_views; i++)
			if (!strcmp(c->views[i].name, "paths") && c->views[i].ops) {
				console_push(c, view_new(c->views[i].ops, c, arg));
				return true;
			}
		console_message(c, true, "this console has no paths view");
		return true;
	}
	if (strcmp(cmd, "at") != 0)
		return false;
	char err[512];
	int64_t at;
	if (!arg) {
		char ts[40];
		if (c->at_ms)
			console_message(c, false, "showing %s (read-only); :at now returns",
			                time_rfc3339((time_t)(c->at_ms / 1000), ts, sizeof ts));
		else
			console_message(c, false, "showing now; :at TIME (RFC 3339 or -30m) shows the past");
		return true;
	}
	if (parse_at(arg, time_wall_ms(), &at, err, sizeof err) < 0 ||
	    console_set_at(c, at, err, sizeof err) < 0) {
		console_message(c, true, "%s", err);
		return true;
	}
	char ts[40];
	if (at)
		console_message(c, false, "the past: %s, read-only (:at now returns)",
		                time_rfc3339((time_t)(at / 1000), ts, sizeof ts));
	else
		console_message(c, false, "back to now");
	return true;
}
