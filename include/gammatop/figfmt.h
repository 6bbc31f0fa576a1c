/* figfmt.h: how the console writes telemetry figures: rates as percentages, request rates,
 * latencies, health colours (thresholds in one place) and sparklines. A figure that was not
 * reported (NAN) is shown as "-", never as 0. */
#ifndef GAMMATOP_FIGFMT_H
#define GAMMATOP_FIGFMT_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/theme.h"

/* 0.0123 -> "1.2%"; NAN -> "-". Returns buf. */
char *figfmt_percent(double ratio, char *buf, size_t n);
/* 12.345 -> "12.3", 1234 -> "1.2k"; NAN -> "-". */
char *figfmt_rate(double v, char *buf, size_t n);
/* 87.2 (ms) -> "87ms", 1520 -> "1.52s"; NAN -> "-". */
char *figfmt_ms(double ms, char *buf, size_t n);
/* Colour of a timeout rate / retry rate / success ratio (THEME_DIM when NAN). */
enum theme_elem figfmt_timeout_elem(double ratio);
enum theme_elem figfmt_retry_elem(double ratio);
enum theme_elem figfmt_success_elem(double ratio);
/* A sparkline of n values ("▁▂▃▅▇", or " .:-=+*#" when ascii), scaled to the largest; NAN
 * points are blank. Returns buf. */
char *figfmt_spark(const double *v, size_t n, bool ascii, char *buf, size_t size);

#endif
