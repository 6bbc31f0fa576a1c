/* duration.h: Gateway API durations (GEP-2257): "1h30m", "500ms", "0s".
 * Grammar ^([0-9]{1,5}(h|m|s|ms)){1,4}$; repeated units add up; max 99999h59m59s999ms
 * is what the canonical formatter produces. */
#ifndef GAMMATOP_DURATION_H
#define GAMMATOP_DURATION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse s. On success stores milliseconds in *ms and returns 0. On failure returns -1 and
 * writes a message a person can act on into err (e.g. "\"1.5s\": fractions are not allowed;
 * write 1s500ms"). err may be NULL. */
int duration_parse(const char *s, uint64_t *ms, char *err, size_t errlen);
bool duration_valid(const char *s);
/* Canonical form (descending units, zero components omitted, "0s" for zero) into buf.
 * Returns buf. Values above the GEP-2257 maximum are clamped to it. */
char *duration_format(uint64_t ms, char *buf, size_t n);
/* Human form for tables: "1.5s", "250ms", "2m30s". */
char *duration_human(uint64_t ms, char *buf, size_t n);

#define DURATION_MAX_MS ((uint64_t)99999 * 3600000 + 59 * 60000 + 59 * 1000 + 999)

#endif
