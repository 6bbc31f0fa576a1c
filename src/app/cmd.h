/* cmd.h: what the subcommands share: the global options every command accepts (sources,
 * output, cache, telemetry, console look) and the parser for them (the entry points main.c
 * dispatches to are in commands.h). Exit codes: 0 ok, 1 "found problems / rejected", 2 could
 * not run. */
#ifndef GAMMATOP_CMD_H
#define GAMMATOP_CMD_H
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2

struct cmd_opts {
	const char **manifests; /* --manifests/-f PATH, repeatable (owned array, borrowed strings) */
	size_t n_manifests;
	const char *kubeconfig, *context, *namespace_; /* --kubeconfig, --context, -n */
	bool all_namespaces;                           /* -A (default: the context's namespace) */
	const char *format;      /* -o/--output FORMAT */
	const char *output_file; /* --output-file FILE */
	const char *cache_path;  /* --cache FILE */
	const char *prometheus;  /* --prometheus URL */
	const char *mesh;        /* --mesh auto|linkerd|istio|envoy-gateway */
	const char *window;      /* --window DURATION (telemetry window) */
	bool offline;            /* --offline: answer from the cache alone */
	bool no_telemetry;       /* --no-telemetry */
	const char *theme;       /* --theme NAME|FILE */
	bool no_color, readonly; /* --no-color, --readonly */
	const char *log_file;    /* --log FILE */
	/* kubectl's global flags (NULL, or -1 for the tri-states and numbers: not given) */
	const char *cluster, *user, *server, *token;   /* --cluster --user -s/--server --token */
	const char *as, *as_uid;                       /* --as --as-uid */
	const char **as_groups; /* --as-group, repeatable (owned, NULL-terminated; NULL: none) */
	size_t n_as_groups;
	const char *certificate_authority, *client_certificate, *client_key, *tls_server_name;
	int insecure_skip_tls_verify, disable_compression; /* -1 not given, 0 false, 1 true */
	long long request_timeout_ms; /* --request-timeout: -1 not given, 0 none (kubectl's 0) */
	int verbosity;                /* -v/--v N, -1 not given */
};

/* The groups the common options fall in; a command's --help lists those of its groups. */
#define CMD_G_SOURCE 1u     /* --manifests --kubeconfig --context -n -A */
#define CMD_G_KUBE 2u       /* kubectl's global flags: --server --token --as ... */
#define CMD_G_OUTPUT 4u     /* -o/--output FORMAT, --output-file */
#define CMD_G_CACHE 8u      /* --cache --offline */
#define CMD_G_TELEMETRY 16u /* --prometheus --mesh --window --no-telemetry */
#define CMD_G_LOOK 32u      /* --theme --no-color */
#define CMD_G_WRITE 64u     /* --readonly */
#define CMD_G_ALWAYS 128u   /* --log -v --help */

/* An option: long name, whether it takes a value (0: a bool flag, --yes or --yes=false), a
 * short letter (or a value >= 256), and its --help line. */
struct cmd_option {
	const char *name;
	int has_arg;
	int val;
	const char *arg_name; /* e.g. "DURATION"; NULL when has_arg is 0 */
	const char *help;
};

/* The common options' table (ended by a NULL name), for completion and the flag listing. */
const struct cmd_option *cmd_common_options(void);
/* The CMD_G_ groups of common options the command's --help shows (all are accepted). */
unsigned cmd_command_groups(const char *command);
/* When set, cmd_parse hands the command's usage, summary and own options to it and returns
 * -2 at once (as after --help): how `gammatop __flags` and completion read every command's
 * table without running it. */
extern void (*cmd_describe_hook)(const char *usage, const char *summary,
                                 const struct cmd_option *extra);

/* A bool flag's value as given to a cmd_option_fn: false only for "false". */
static inline bool cmd_flag_on(const char *value) { return !value || strcmp(value, "false"); }

/* Called for each command-specific option, with its value: the flag's text, or "true" or
 * "false" for a bool one (has_arg 0); return 0, or -1 after printing an error. */
typedef int (*cmd_option_fn)(int val, const char *arg, void *ud);

/* Parse argv (argv[0] is the command name) into o, with kubectl's syntax (cmd_flags.h). usage is the synopsis line, summary one
 * paragraph for --help. extra may be NULL. Returns the index of the first positional
 * argument, -1 on a usage error (already printed), or -2 when --help was printed. */
int cmd_parse(int argc, char **argv, const char *usage, const char *summary,
              const struct cmd_option *extra, cmd_option_fn fn, void *ud, struct cmd_opts *o);
void cmd_opts_done(struct cmd_opts *o);
/* The defaults cmd_parse starts from. */
void cmd_opts_init(struct cmd_opts *o);
/* Apply one common option (opt from cmd_common_options()) to o, as cmd_parse does: 1 done,
 * 0 not a common option, -1 a bad value (printed). For completion, which reads what has
 * been typed so far. */
int cmd_set_common(struct cmd_opts *o, const struct cmd_option *opt, const char *value);

/* Open --output-file FILE (or stdout); prints an error naming the file and returns NULL. A
 * regular file is written to a temporary file beside it (mode 0600) that only
 * cmd_close_output puts in its place: until then, and after any error or SIGINT/SIGTERM/
 * SIGHUP, the old file stays as it was and no 0-byte or partial file is left. The new file
 * keeps the old one's mode (a new one gets 0666 less the umask). One at a time. */
FILE *cmd_open_output(const struct cmd_opts *o);
/* Close what cmd_open_output returned: flush, fsync and rename into place. Returns 0, or -1
 * after printing a write error (the temporary file is removed). Standard output whose
 * reader has gone (`| head`) is not an error: 0, quietly. */
int cmd_close_output(const struct cmd_opts *o, FILE *f);
/* The document could not be made: close f and drop what was written (an old --output-file file
 * stays as it was). Call it right after the failure: when f itself failed (ferror), the
 * write error is printed with errno's reason; else nothing (the caller said why). */
void cmd_abort_output(const struct cmd_opts *o, FILE *f);
/* True when f is a pipe or socket whose reader has gone (a write fails with EPIPE): the
 * command then ends quietly, with its usual status, as `yes | head` does. */
bool cmd_output_gone(FILE *f);

/* For a command that takes no operands: 0 when idx (what cmd_parse returned) is argc, else
 * EXIT_USAGE after naming the first one ("routes: unexpected argument 'x' (see 'routes
 * --help')"). */
int cmd_no_operands(int argc, char **argv, int idx);

/* Print "gammatop: <msg>" (sanitised) to stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct kubeconfig_opts;
/* What kubeconfig_load/kcluster_new are given, from the options: --kubeconfig, --context,
 * -n/-A and kubectl's global flags. The one place every command builds it (the strings are
 * o's). */
struct kubeconfig_opts cmd_kubeconfig_opts(const struct cmd_opts *o);

struct cache;
/* Open the cache at o->cache_path (NULL: the default place). A notice of the cache layer (a
 * file renamed aside and made again) is printed; on failure returns NULL with the reason in
 * err and prints nothing more: the caller says what that means for it. */
struct cache *cmd_open_cache(const struct cmd_opts *o, char *err, size_t errlen);

/* The per-request time-out in milliseconds: --request-timeout, 30 s when not given, a day
 * for kubectl's "0" (none). */
long cmd_timeout_ms(const struct cmd_opts *o);

#endif
