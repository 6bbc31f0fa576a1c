/* defaults.h: the one place for gammatop's default windows, intervals and time-outs, so that
 * `top`, the console, the figures of `routes`/`snapshot`, the collector and the edit preview
 * agree, and a change of default is one line. Options and config fields that are 0/unset
 * take these. */
#ifndef GAMMATOP_DEFAULTS_H
#define GAMMATOP_DEFAULTS_H

/* The telemetry window of rates and tables (--window): 5 minutes. */
#define GT_DEFAULT_WINDOW_MS 300000
#define GT_DEFAULT_WINDOW_TEXT "5m"
/* The window of the edit form's telemetry preview (what a new timeout would have cut). */
#define GT_DEFAULT_PREVIEW_WINDOW_MS 900000
/* The collector's interval between two collection rounds (console, watch). */
#define GT_DEFAULT_COLLECT_INTERVAL_MS 15000
/* `top` with direct scrape: seconds between its two scrapes (--sample). */
#define GT_DEFAULT_SAMPLE_S 10

/* One request to the API server or Prometheus, and --request-timeout of batch commands. */
#define GT_DEFAULT_REQUEST_TIMEOUT_MS 30000
/* One scrape of a proxy's metrics through the API server's pod proxy. */
#define GT_DEFAULT_SCRAPE_TIMEOUT_MS 10000

#endif
