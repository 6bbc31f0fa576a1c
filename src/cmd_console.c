/* cmd_console.c: the 'console' subcommand (also what `gammatop` with no command runs): fill
 * the store from the source, open the console on it, run until the user quits. Headless for
 * tests: GAMMATOP_HEADLESS=COLSxROWS (or --dump-screen) renders on a virtual screen, feeds
 * the keys of GAMMATOP_KEYS and prints the final screen as text. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_console.h"
#include "cmd_source.h"
#include "gammatop/console.h"
#include "gammatop/duration.h"
#include "gammatop/keys.h"
#include "gammatop/log.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

enum { OPT_DUMP = 300 };

static const struct cmd_option console_options[] = {
	{"dump-screen", 0, OPT_DUMP, NULL,
	 "render headless (GAMMATOP_HEADLESS=COLSxROWS, default 80x24), type the keys of "
	 "GAMMATOP_KEYS, print the screen as text and exit"},
	{NULL, 0, 0, NULL, NULL},
};

static int console_opt(int val, const char *arg, void *ud)
{
	(void)arg;
	if (val == OPT_DUMP) {
		*(bool *)ud = true;
		return 0;
	}
	return -1;
}

static int run_headless(struct console *con, const struct console_opts *co)
{
	char err[256];
	if (console_start(con, co, err, sizeof err) < 0) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	struct keys_event *ev = NULL;
	int n = keys_parse_script(getenv("GAMMATOP_KEYS"), &ev, err, sizeof err);
	if (n < 0) {
		screen_close();
		cmd_error("GAMMATOP_KEYS: %s", err);
		return EXIT_USAGE;
	}
	console_frame(con);
	for (int i = 0; i < n && !con->quit; i++) {
		if (ev[i].key < 0) {
			screen_resize_headless(ev[i].rows, ev[i].cols);
			console_key(con, SCREEN_FN(KEY_RESIZE));
		} else {
			console_key(con, ev[i].key);
		}
		console_frame(con);
	}
	free(ev);
	char *text = screen_dump();
	screen_close();
	fputs(text, stdout);
	free(text);
	return 0;
}

static bool parse_size(const char *s, int *rows, int *cols)
{
	return s && sscanf(s, "%dx%d", cols, rows) == 2 && *rows > 0 && *cols > 0 && *rows < 1000 &&
	       *cols < 1000;
}

int cmd_console_run(const struct cmd_opts *o, struct cmd_source *src, bool dump,
                    const struct console_source *cs)
{
	struct console_opts co = {
		.readonly = o->readonly, .no_color = o->no_color, .theme = o->theme,
		.ns = o->namespace_,
	};
	uint64_t wms = 0;
	char err[256];
	if (o->window && duration_parse(o->window, &wms, err, sizeof err) < 0) {
		cmd_error("--window: %s", err);
		return EXIT_USAGE;
	}
	co.window_ms = (int64_t)wms;
	const char *headless = getenv("GAMMATOP_HEADLESS");
	if (dump || !str_empty(headless)) {
		co.headless_rows = 24, co.headless_cols = 80;
		if (!str_empty(headless) && !parse_size(headless, &co.headless_rows, &co.headless_cols)) {
			cmd_error("GAMMATOP_HEADLESS: '%s' is not COLSxROWS (e.g. 80x24)", headless);
			return EXIT_USAGE;
		}
	}
	struct console *con = console_new(src->store, src->loop, cs, &co, err, sizeof err);
	if (!con) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	int rc;
	if (co.headless_rows) {
		rc = run_headless(con, &co);
	} else if (console_start(con, &co, err, sizeof err) < 0) {
		cmd_error("%s", err);
		rc = EXIT_USAGE;
	} else {
		rc = console_run(con);
	}
	console_free(con);
	return rc;
}

int cmd_console(int argc, char **argv)
{
	struct cmd_opts o;
	bool dump = false;
	int first = cmd_parse(argc, argv, "gammatop [console] [OPTIONS]",
	                      "Open the interactive console: the topology of Gateways, routes and "
	                      "mesh Services with their timeouts, retries and hit rates.",
	                      console_options, console_opt, &dump, &o);
	if (first == -2)
		return 0;
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc) {
		cmd_error("unexpected argument '%s' (see 'gammatop console --help')", argv[first]);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	if (o.log_file && log_open(o.log_file, LOG_DEBUG) < 0) {
		cmd_error("cannot open log %s", o.log_file);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	struct cmd_source src;
	int rc = cmd_source_open(&o, &src);
	if (rc) {
		cmd_source_close(&src);
		cmd_opts_done(&o);
		return rc;
	}
	struct console_source cs = {
		.label = src.description,
		.context = src.context,
		.server = src.server,
		.live = src.cluster != NULL,
	};
	rc = cmd_console_run(&o, &src, dump, &cs);
	cmd_source_close(&src);
	cmd_opts_done(&o);
	log_close();
	return rc;
}
