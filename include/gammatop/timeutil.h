/* timeutil.h: clocks and timestamp formats used everywhere (monotonic ms for timers, wall
 * clock for records, RFC 3339 as Kubernetes writes it). */
#ifndef GAMMATOP_TIMEUTIL_H
#define GAMMATOP_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

int64_t time_mono_ms(void);   /* CLOCK_MONOTONIC in milliseconds */
int64_t time_wall_ms(void);   /* CLOCK_REALTIME in milliseconds since the epoch */
/* "2026-11-26T15:04:05Z" into buf (size >= 21). */
char *time_rfc3339(time_t t, char *buf, size_t n);
/* Parse an RFC 3339 timestamp ("...Z" or with an offset, optional fraction); -1 if invalid. */
int time_parse_rfc3339(const char *s, time_t *out);
/* "3s", "12m", "4h", "2d" for ages. */
char *time_age(int64_t seconds, char *buf, size_t n);

#endif
