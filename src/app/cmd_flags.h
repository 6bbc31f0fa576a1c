/* cmd_flags.h: kubectl's command-line syntax (spf13/pflag, as kubectl 1.32 uses it): the
 * parser every command's options go through, and the value parsers for kubectl's flag types
 * (bool, duration, --request-timeout). Pure: no I/O, no globals; tested by test_cmd_flags. */
#ifndef GAMMATOP_CMD_FLAGS_H
#define GAMMATOP_CMD_FLAGS_H
#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

/* Called for each flag found, with its table entry and its value: the text after '=' or the
 * next word for a flag with a value; "true" or "false" for a bool flag (--yes, --yes=false).
 * Return 0, or -1 after printing an error. */
typedef int (*cmd_flag_fn)(const struct cmd_option *opt, const char *value, void *ud);

/* Parse argv[1..argc) as pflag does: flags and operands interleave; "--name VALUE",
 * "--name=VALUE", "-x VALUE", "-xVALUE", "-x=VALUE"; bool flags take no next word, only
 * "=BOOL"; short bool flags combine ("-Ay"); "--" ends the flags; "-" is an operand; long
 * names are exact (no abbreviations) with '_' read as '-' (kubectl's WordSepNormalizeFunc).
 * tables: a NULL-terminated list of option tables (each ended by a NULL name). On success
 * argv is reordered as getopt does: the flags first, the operands after, in their order, and
 * the index of the first operand is returned. On a usage error returns -1 with a message in
 * err (no "gammatop:" prefix); when a flag's callback fails, -1 with err empty. */
int cmd_flags_parse(int argc, char **argv, const struct cmd_option *const *tables,
                    cmd_flag_fn fn, void *ud, char *err, size_t errlen);

/* Go's strconv.ParseBool, which pflag's bool flags use: 1 t T TRUE true True / 0 f F FALSE
 * false False. Returns 0 and *out, or -1. */
int cmd_parse_bool(const char *s, bool *out);

/* Go's time.ParseDuration (what pflag's duration flags read): "300ms", "1.5h", "2h45m", "0";
 * units ns us µs ms s m h. Into whole milliseconds (rounded down; at most 2^53 ms). Returns
 * 0, or -1 (an empty string, a number without unit other than 0, an unknown unit). */
int cmd_parse_go_duration_ms(const char *s, long long *out_ms);

/* kubectl's --request-timeout (client-go clientcmd.ParseTimeout): a whole non-negative number
 * is seconds, anything else a Go duration; 0 means no time-out. Negative is refused here. */
int cmd_parse_request_timeout_ms(const char *s, long long *out_ms);

#endif
