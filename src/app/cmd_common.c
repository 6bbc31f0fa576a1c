/* cmd_common.c: the options every subcommand shares, their parser and --help, output file
 * handling, and the frame of the export commands (see cmd.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_flags.h"
#include "gammatop/buf.h"
#include "gammatop/cache.h"
#include "gammatop/defaults.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

enum {
	OPT_KUBECONFIG = 1000, OPT_CONTEXT, OPT_OUTPUT_FILE, OPT_CACHE, OPT_PROMETHEUS, OPT_MESH,
	OPT_WINDOW, OPT_OFFLINE, OPT_THEME, OPT_NO_COLOR, OPT_READONLY, OPT_LOG, OPT_TIMEOUT,
	OPT_NO_TELEMETRY, OPT_CLUSTER, OPT_USER, OPT_TOKEN, OPT_AS, OPT_AS_GROUP, OPT_AS_UID,
	OPT_INSECURE, OPT_CA, OPT_CERT, OPT_KEY, OPT_TLS_NAME, OPT_NO_COMPRESSION
};

/* The options every command accepts. Those in CMD_G_KUBE are kubectl's global flags with
 * kubectl's meaning (kubectl 1.32: k8s.io/cli-runtime/pkg/genericclioptions/config_flags.go,
 * and -v from klog); --help lists them in a short block after the command's own options. */
static const struct cmd_option common_options[] = {
	{"manifests", 1, 'f', "PATH", "read objects from YAML/JSON manifests (file or directory; "
	                              "repeatable) instead of a cluster"},
	{"kubeconfig", 1, OPT_KUBECONFIG, "FILE", "kubeconfig file (default: $KUBECONFIG, "
	                                          "~/.kube/config)"},
	{"context", 1, OPT_CONTEXT, "NAME", "kubeconfig context to use"},
	{"namespace", 1, 'n', "NS", "only this namespace"},
	{"all-namespaces", 0, 'A', NULL, "every namespace (default, as kubectl: -n, else the "
	                                 "context's namespace, else all)"},
	{"output", 1, 'o', "FORMAT", "output format, as kubectl's -o (see the command's formats)"},
	{"output-file", 1, OPT_OUTPUT_FILE, "FILE", "write to FILE instead of standard output "
	                                            "(replaced whole, never half written)"},
	{"cache", 1, OPT_CACHE, "FILE", "SQLite cache (default $XDG_CACHE_HOME/gammatop/cache.db)"},
	{"offline", 0, OPT_OFFLINE, NULL, "answer from the cache alone; say how old the data is"},
	{"prometheus", 1, OPT_PROMETHEUS, "URL", "read telemetry from a Prometheus-compatible API"},
	{"mesh", 1, OPT_MESH, "MESH", "auto, linkerd, istio or envoy-gateway (default auto)"},
	{"window", 1, OPT_WINDOW, "DURATION", "telemetry window (default 5m)"},
	{"no-telemetry", 0, OPT_NO_TELEMETRY, NULL, "do not collect or show telemetry"},
	{"theme", 1, OPT_THEME, "NAME|FILE", "console colour theme"},
	{"no-color", 0, OPT_NO_COLOR, NULL, "no colour (also when NO_COLOR is set)"},
	{"readonly", 0, OPT_READONLY, NULL, "disable every change to the cluster"},
	{"cluster", 1, OPT_CLUSTER, "NAME", "the kubeconfig cluster to use"},
	{"user", 1, OPT_USER, "NAME", "the kubeconfig user to use"},
	{"server", 1, 's', "URL", "the address and port of the Kubernetes API server"},
	{"token", 1, OPT_TOKEN, "TOKEN", "bearer token for authentication to the API server"},
	{"as", 1, OPT_AS, "USER", "user to impersonate for the operation"},
	{"as-group", 1, OPT_AS_GROUP, "GROUP", "group to impersonate (repeatable)"},
	{"as-uid", 1, OPT_AS_UID, "UID", "UID to impersonate"},
	{"insecure-skip-tls-verify", 0, OPT_INSECURE, NULL, "do not check the server's "
	                                                    "certificate (insecure)"},
	{"certificate-authority", 1, OPT_CA, "FILE", "a CA certificate file to check the server "
	                                             "with"},
	{"client-certificate", 1, OPT_CERT, "FILE", "a client certificate file for TLS"},
	{"client-key", 1, OPT_KEY, "FILE", "a client key file for TLS"},
	{"tls-server-name", 1, OPT_TLS_NAME, "NAME", "server name to check the server's "
	                                             "certificate against"},
	{"disable-compression", 0, OPT_NO_COMPRESSION, NULL, "no response compression for "
	                                                    "requests to the server"},
	{"request-timeout", 1, OPT_TIMEOUT, "DURATION", "give up on a request to the cluster "
	                                                "after this long (5s, 1m, plain seconds; "
	                                                "0: never; default 30s)"},
	{"log", 1, OPT_LOG, "FILE", "write a diagnostic log to FILE"},
	{"v", 1, 'v', "N", "log verbosity, as kubectl's -v (0-3 info, 4 and up debug; to --log "
	                   "FILE, else standard error)"},
	{"help", 0, 'h', NULL, "show this help"},
	{NULL, 0, 0, NULL, NULL},
};
/* Their groups (CMD_G_), in the same order. */
static const unsigned common_groups[] = {
	CMD_G_SOURCE, CMD_G_SOURCE, CMD_G_SOURCE, CMD_G_SOURCE, CMD_G_SOURCE, CMD_G_OUTPUT,
	CMD_G_OUTPUT, CMD_G_CACHE, CMD_G_CACHE, CMD_G_TELEMETRY, CMD_G_TELEMETRY, CMD_G_TELEMETRY,
	CMD_G_TELEMETRY, CMD_G_LOOK, CMD_G_LOOK, CMD_G_WRITE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE,
	CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE,
	CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_KUBE, CMD_G_ALWAYS, CMD_G_ALWAYS, CMD_G_ALWAYS,
};
_Static_assert(sizeof common_groups / sizeof common_groups[0] ==
                   sizeof common_options / sizeof common_options[0] - 1,
               "one group per common option");

/* The group of a common option (0 for a command's own). */
static unsigned group_of(const struct cmd_option *o)
{
	for (size_t i = 0; i < sizeof common_groups / sizeof common_groups[0]; i++)
		if (o == &common_options[i])
			return common_groups[i];
	return 0;
}


const struct cmd_option *cmd_common_options(void) { return common_options; }

/* Which groups of the common options each command's --help lists (every command accepts
 * all of them, as every kubectl command accepts kubectl's global flags). */
static const struct { const char *command; unsigned groups; } command_groups[] = {
	{"gammatop", ~0u}, {"console", ~0u},
	{"demo", CMD_G_CACHE | CMD_G_TELEMETRY | CMD_G_LOOK | CMD_G_WRITE},
	{"lint", CMD_G_SOURCE | CMD_G_KUBE | CMD_G_OUTPUT},
	{"watch", CMD_G_SOURCE | CMD_G_KUBE | CMD_G_OUTPUT | CMD_G_CACHE},
	{"history", CMD_G_SOURCE | CMD_G_KUBE | CMD_G_OUTPUT | CMD_G_CACHE},
	{"set", CMD_G_SOURCE | CMD_G_KUBE | CMD_G_CACHE | CMD_G_WRITE | CMD_G_TELEMETRY},
	{"undo", CMD_G_SOURCE | CMD_G_KUBE | CMD_G_CACHE | CMD_G_WRITE},
	{"version", CMD_G_OUTPUT},
	{"completion", 0},
};

unsigned cmd_command_groups(const char *command)
{
	const char *slash = command ? strrchr(command, '/') : NULL;
	if (slash)
		command = slash + 1;
	for (size_t i = 0; command && i < sizeof command_groups / sizeof command_groups[0]; i++)
		if (!strcmp(command, command_groups[i].command))
			return command_groups[i].groups;
	/* snapshot, routes, top, changes, diff: read a cluster, write a document, figures */
	return CMD_G_SOURCE | CMD_G_KUBE | CMD_G_OUTPUT | CMD_G_CACHE | CMD_G_TELEMETRY;
}

void cmd_error(const char *fmt, ...)
{
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *s = str_sanitize(buf_str(&b));
	fprintf(stderr, "gammatop: %s\n", s);
	free(s);
	buf_done(&b);
}

static void print_option(FILE *f, const struct cmd_option *o)
{
	char left[80];
	if (o->val > 0 && o->val < 128)
		snprintf(left, sizeof left, "-%c, --%s%s%s", o->val, o->name, o->has_arg ? " " : "",
		         o->has_arg ? o->arg_name : "");
	else
		snprintf(left, sizeof left, "    --%s%s%s", o->name, o->has_arg ? " " : "",
		         o->has_arg ? o->arg_name : "");
	if (strlen(left) > 30)
		fprintf(f, "  %s\n  %-30s ", left, "");
	else
		fprintf(f, "  %-30s ", left);
	/* the help text in words, wrapped at 79 columns under its column (33) */
	size_t col = 33;
	for (const char *p = o->help; *p;) {
		size_t n = strcspn(p, " ");
		if (col > 33 && col + 1 + n > 79)
			fprintf(f, "\n%33s", ""), col = 33;
		else if (col > 33)
			fputc(' ', f), col++;
		fprintf(f, "%.*s", (int)n, p);
		col += n;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* --help: the command's own options, the common ones it uses, then kubectl's global flags
 * and the always-there ones as a short block of names (all in gammatop(1)). */
static void print_help(FILE *f, const char *command, const char *usage, const char *summary,
                       const struct cmd_option *extra)
{
	unsigned groups = cmd_command_groups(command);
	fprintf(f, "Usage: %s\n\n", usage);
	if (strchr(summary, '\n')) { /* laid out by the command */
		fprintf(f, "%s", summary);
	} else { /* one paragraph: wrapped at 79 columns */
		size_t col = 0;
		for (const char *p = summary; *p;) {
			size_t n = strcspn(p, " ");
			if (col && col + 1 + n > 79)
				fputc('\n', f), col = 0;
			else if (col)
				fputc(' ', f), col++;
			col += (size_t)fprintf(f, "%.*s", (int)n, p);
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	fprintf(f, "\n\nOptions:\n");
	for (const struct cmd_option *o = extra; o && o->name; o++)
		print_option(f, o);
	for (const struct cmd_option *o = common_options; o->name; o++)
		if ((group_of(o) & groups) && !(group_of(o) & (CMD_G_KUBE | CMD_G_ALWAYS)))
			print_option(f, o);
	fprintf(f, "\nGlobal options (as in kubectl; every command takes them, see gammatop(1)):\n");
	size_t col = 0;
	for (const struct cmd_option *o = common_options; o->name; o++) {
		if (!(group_of(o) & (CMD_G_KUBE | CMD_G_ALWAYS)) || !strcmp(o->name, "help"))
			continue;
		char word[80];
		if (o->val > 0 && o->val < 128)
			snprintf(word, sizeof word, "-%c/--%s", o->val, o->name);
		else
			snprintf(word, sizeof word, "--%s", o->name);
		if (col && col + 1 + strlen(word) > 76)
			fputc('\n', f), col = 0;
		col += (size_t)fprintf(f, "%s%s", col ? " " : "  ", word);
	}
	fprintf(f, "\n");
}

/* Habits from other tools, and gammatop's old spellings, that pflag would only call unknown. */
static const struct { const char *flag; const char *hint; } flag_hints[] = {
	{"--format", "the output format is -o/--output FORMAT, as in kubectl"},
	{"--backend-timeout", "in 'set' the rule's timeouts are --timeouts-request and "
	                      "--timeouts-backend-request"},
	{"--clear-request-timeout", "in 'set' it is --clear-timeouts-request"},
	{"--clear-backend-timeout", "in 'set' it is --clear-timeouts-backend-request"},
	{"--verbose", "verbosity is -v N, as in kubectl"},
};

static const char *hint_for(const char *err)
{
	const char *flag = strstr(err, "flag: ");
	if (!flag)
		return NULL;
	flag += 6;
	for (size_t i = 0; i < sizeof flag_hints / sizeof flag_hints[0]; i++)
		if (!strcmp(flag, flag_hints[i].flag))
			return flag_hints[i].hint;
	return NULL;
}

/* A value of -o/--output that is a file name, not a format: gammatop's old --output FILE. */
static bool looks_like_file(const char *v)
{
	return strchr(v, '/') || strchr(v, '.') || !strcmp(v, "-");
}

static int set_common(struct cmd_opts *o, int c, const char *arg)
{
	bool on = arg && !strcmp(arg, "true");
	switch (c) {
	case 'f':
		o->manifests = xreallocarray(o->manifests, o->n_manifests + 1, sizeof *o->manifests);
		o->manifests[o->n_manifests++] = arg;
		return 1;
	case OPT_KUBECONFIG: o->kubeconfig = arg; return 1;
	case OPT_CONTEXT: o->context = arg; return 1;
	case 'n': o->namespace_ = arg, o->all_namespaces = false; return 1;
	case 'A':
		o->all_namespaces = on;
		if (on)
			o->namespace_ = NULL;
		return 1;
	case 'o':
		if (looks_like_file(arg)) {
			cmd_error("-o/--output takes a format, as in kubectl (-o json); '%s' looks like "
			          "a file: did you mean --output-file %s?", arg, arg);
			return -1;
		}
		o->format = arg;
		return 1;
	case OPT_OUTPUT_FILE: o->output_file = arg; return 1;
	case OPT_CACHE: o->cache_path = arg; return 1;
	case OPT_PROMETHEUS: o->prometheus = arg; return 1;
	case OPT_MESH: o->mesh = arg; return 1;
	case OPT_WINDOW: o->window = arg; return 1;
	case OPT_OFFLINE: o->offline = on; return 1;
	case OPT_NO_TELEMETRY: o->no_telemetry = on; return 1;
	case OPT_THEME: o->theme = arg; return 1;
	case OPT_NO_COLOR: o->no_color = on; return 1;
	case OPT_READONLY: o->readonly = on; return 1;
	case OPT_LOG: o->log_file = arg; return 1;
	case OPT_CLUSTER: o->cluster = arg; return 1;
	case OPT_USER: o->user = arg; return 1;
	case 's': o->server = arg; return 1;
	case OPT_TOKEN: o->token = arg; return 1;
	case OPT_AS: o->as = arg; return 1;
	case OPT_AS_GROUP: /* kept NULL-terminated, as kubeconfig_opts takes it */
		o->as_groups = xreallocarray(o->as_groups, o->n_as_groups + 2, sizeof *o->as_groups);
		o->as_groups[o->n_as_groups++] = arg;
		o->as_groups[o->n_as_groups] = NULL;
		return 1;
	case OPT_AS_UID: o->as_uid = arg; return 1;
	case OPT_INSECURE: o->insecure_skip_tls_verify = on ? 1 : 0; return 1;
	case OPT_CA: o->certificate_authority = arg; return 1;
	case OPT_CERT: o->client_certificate = arg; return 1;
	case OPT_KEY: o->client_key = arg; return 1;
	case OPT_TLS_NAME: o->tls_server_name = arg; return 1;
	case OPT_NO_COMPRESSION: o->disable_compression = on ? 1 : 0; return 1;
	case OPT_TIMEOUT: {
		long long ms;
		if (cmd_parse_request_timeout_ms(arg, &ms) < 0) {
			cmd_error("--request-timeout: '%s' is not a time-out: a whole number of seconds, "
			          "or a number with a unit (e.g. 1s | 2m | 3h); 0 for none", arg);
			return -1;
		}
		o->request_timeout_ms = ms;
		return 1;
	}
	case 'v': {
		char *end;
		long v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 0 || v > 100) {
			cmd_error("-v/--v: '%s' is not a log level (a whole number, as in kubectl)", arg);
			return -1;
		}
		o->verbosity = (int)v;
		return 1;
	}
	default: return 0;
	}
}

int cmd_no_operands(int argc, char **argv, int idx)
{
	if (idx >= argc)
		return 0;
	cmd_error("%s: unexpected argument '%s' (see '%s --help')", argv[0], argv[idx], argv[0]);
	return EXIT_USAGE;
}

/* -v N maps kubectl's verbosity onto the log's levels (klog: 0 the default, 1-3 more
 * information, 4 and up debugging; 6-9 requests and bodies). */
static enum log_level verbosity_level(int v)
{
	return v < 0 ? LOG_DEBUG : v == 0 ? LOG_WARN : v <= 3 ? LOG_INFO : LOG_DEBUG;
}

/* --log FILE (and -v N), for every command: opened once here, right after the options are
 * read, so that whatever the command does next can be logged. -v without --log logs to
 * standard error, as kubectl's klog does, except in the console, whose screen that is. */
static int open_log(const struct cmd_opts *o, const char *command)
{
	const char *path = o->log_file;
	const char *slash = strrchr(command, '/');
	const char *name = slash ? slash + 1 : command;
	if (!path && o->verbosity >= 0) {
		if (!strcmp(name, "gammatop") || !strcmp(name, "console") || !strcmp(name, "demo") ||
		    !strcmp(name, "kubectl-gammatop")) {
			cmd_error("-v %d: the console owns the terminal: give --log FILE for the log",
			          o->verbosity);
			return -1;
		}
		if (log_open_fd(STDERR_FILENO, verbosity_level(o->verbosity)) < 0) {
			cmd_error("cannot log to standard error: %s", strerror(errno));
			return -1;
		}
	} else if (!path) {
		return 0;
	} else if (log_open(path, verbosity_level(o->verbosity)) < 0) {
		cmd_error("cannot open log %s: %s", path, strerror(errno));
		return -1;
	}
	/* the command, never its arguments: a URL among them may carry a password */
	log_info("gammatop %s: %s", PACKAGE_VERSION, name);
	return 0;
}

void (*cmd_describe_hook)(const char *usage, const char *summary,
                          const struct cmd_option *extra);

struct parse_ctx {
	struct cmd_opts *o;
	cmd_option_fn fn;
	void *ud;
	bool help;
};

static int on_flag(const struct cmd_option *opt, const char *value, void *ud)
{
	struct parse_ctx *p = ud;
	if (opt->val == 'h') {
		p->help = strcmp(value, "false") != 0;
		return 0;
	}
	if (group_of(opt)) { /* a common option */
		int r = set_common(p->o, opt->val, value);
		return r < 0 ? -1 : 0;
	}
	return p->fn && p->fn(opt->val, value, p->ud) >= 0 ? 0 : -1;
}

void cmd_opts_init(struct cmd_opts *o)
{
	memset(o, 0, sizeof *o);
	o->request_timeout_ms = -1;
	o->verbosity = -1;
	o->insecure_skip_tls_verify = -1;
	o->disable_compression = -1;
	o->mesh = "auto";
	o->window = GT_DEFAULT_WINDOW_TEXT;
}

int cmd_set_common(struct cmd_opts *o, const struct cmd_option *opt, const char *value)
{
	return group_of(opt) ? set_common(o, opt->val, value) : 0;
}

int cmd_parse(int argc, char **argv, const char *usage, const char *summary,
              const struct cmd_option *extra, cmd_option_fn fn, void *ud, struct cmd_opts *o)
{
	cmd_opts_init(o);
	if (cmd_describe_hook) {
		cmd_describe_hook(usage, summary, extra);
		return -2;
	}
	const struct cmd_option *tables[3] = {common_options, NULL, NULL};
	if (extra) /* the command's own first: they win over a common one of the same name */
		tables[0] = extra, tables[1] = common_options;
	struct parse_ctx p = {.o = o, .fn = fn, .ud = ud};
	char err[512];
	int idx = cmd_flags_parse(argc, argv, tables, on_flag, &p, err, sizeof err);
	if (idx < 0) {
		if (err[0]) {
			const char *hint = hint_for(err);
			const char *slash = strrchr(argv[0], '/'), *name = slash ? slash + 1 : argv[0];
			bool top = !strcmp(name, "gammatop") || !strcmp(name, "kubectl-gammatop");
			cmd_error("%s%s%s%s%s (see 'gammatop%s%s --help')", top ? "" : name,
			          top ? "" : ": ", err, hint ? "; " : "", hint ? hint : "",
			          top ? "" : " ", top ? "" : name);
		}
		return -1;
	}
	if (p.help) {
		print_help(stdout, argv[0], usage, summary, extra);
		return -2;
	}
	if (open_log(o, argv[0]) < 0)
		return -1;
	return idx;
}

void cmd_opts_done(struct cmd_opts *o)
{
	free(o->manifests);
	o->manifests = NULL;
	o->n_manifests = 0;
	free(o->as_groups);
	o->as_groups = NULL;
	o->n_as_groups = 0;
}

/* The --output file being written: a temporary file in the same directory, renamed over
 * the target by cmd_close_output once everything is written and synced, removed instead on
 * an error or a signal, so the target is never left empty or half written. One at a time. */
static struct {
	FILE *f;
	char tmp[4096];        /* the temporary file; read by the signal handler */
	char *target;          /* owned: what it becomes */
	mode_t mode;           /* the target's mode: the old file's, else 0666 & ~umask */
	bool existed;          /* there was a file to keep */
	struct sigaction old[3];
} out;
static const int out_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void out_on_signal(int signo)
{
	unlink(out.tmp);
	signal(signo, SIG_DFL);
	raise(signo);
}

static void out_forget(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(out_signals[i], &out.old[i], NULL);
	free(out.target);
	memset(&out, 0, sizeof out);
}

/* Write path in place (not a regular file, or a directory we may not create files in). */
static FILE *open_in_place(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		cmd_error("cannot write %s: %s", path, strerror(errno));
	return f;
}

FILE *cmd_open_output(const struct cmd_opts *o)
{
	if (!o->output_file || !strcmp(o->output_file, "-"))
		return stdout;
	const char *path = o->output_file;
	struct stat st;
	bool exists = stat(path, &st) == 0;
	if ((exists && !S_ISREG(st.st_mode)) || out.f) /* /dev/stdout, a FIFO, /dev/null */
		return open_in_place(path);
	struct stat lst;
	if (!exists && lstat(path, &lst) == 0) /* a dangling symbolic link: as before */
		return open_in_place(path);
	char *target = exists ? realpath(path, NULL) : NULL; /* through a symbolic link */
	if (!target)
		target = xstrdup(path);
	const char *slash = strrchr(target, '/');
	int n = slash ? snprintf(out.tmp, sizeof out.tmp, "%.*s/.%s.XXXXXX",
	                         (int)(slash - target), target, slash + 1)
	              : snprintf(out.tmp, sizeof out.tmp, ".%s.XXXXXX", target);
	int fd = n > 0 && (size_t)n < sizeof out.tmp ? mkstemp(out.tmp) : (errno = ENAMETOOLONG, -1);
	if (fd < 0) {
		int e = errno;
		out.tmp[0] = '\0';
		if ((e == EACCES || e == EPERM) && exists && access(path, W_OK) == 0) {
			free(target); /* a writable file in a directory we cannot add to */
			return open_in_place(path);
		}
		cmd_error("cannot write %s: %s", path, strerror(e));
		free(target);
		return NULL;
	}
	mode_t mask = umask(0);
	umask(mask);
	out.mode = exists ? (st.st_mode & 07777) : (0666 & ~mask);
	out.existed = exists;
	out.target = target;
	out.f = fdopen(fd, "w");
	if (!out.f) {
		cmd_error("cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(out.tmp);
		out_forget();
		return NULL;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = out_on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(out_signals[i], &sa, &out.old[i]);
	return out.f;
}

bool cmd_output_gone(FILE *f)
{
	struct pollfd p = {.fd = fileno(f), .events = POLLOUT};
	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/* fsync the directory of path, so that a rename in it survives a crash. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* "error writing FILE: REASON; FILE was left as it was" (e: errno, 0 when unknown). */
static void write_error(const struct cmd_opts *o, bool to_stdout, bool tracked, int e)
{
	const char *name = o->output_file && !to_stdout ? o->output_file : "standard output";
	cmd_error("error writing %s%s%s%s%s%s", name, e ? ": " : "", e ? strerror(e) : "",
	          tracked ? "; " : "", tracked ? name : "",
	          !tracked ? "" : out.existed ? " was left as it was" : " was not created");
}

int cmd_close_output(const struct cmd_opts *o, FILE *f)
{
	bool tracked = f == out.f && out.f, to_stdout = f == stdout;
	errno = 0;
	int bad = ferror(f);
	int e = errno;
	if (fflush(f) != 0)
		bad = 1, e = errno;
	if (f == stdout) {
		if (bad && cmd_output_gone(f))
			return 0; /* the reader has gone (| head): the end, not an error */
	} else {
		if (!bad && tracked && fsync(fileno(f)) != 0)
			bad = 1, e = errno;
		if (!bad && tracked)
			fchmod(fileno(f), out.mode);
		if (fclose(f) != 0 && !bad)
			bad = 1, e = errno;
		if (tracked && !bad && rename(out.tmp, out.target) != 0)
			bad = 1, e = errno;
	}
	if (bad)
		write_error(o, to_stdout, tracked, e);
	if (tracked) {
		if (bad)
			unlink(out.tmp);
		else
			sync_dir(out.target);
		out_forget();
	}
	return bad ? -1 : 0;
}

void cmd_abort_output(const struct cmd_opts *o, FILE *f)
{
	int e = errno;
	if (!f)
		return;
	if (ferror(f) && !(f == stdout && cmd_output_gone(f)))
		write_error(o, f == stdout, f == out.f, e); /* the document failed: the file did */
	if (f == stdout) {
		fflush(f);
		return;
	}
	bool tracked = f == out.f;
	fclose(f);
	if (tracked) {
		unlink(out.tmp);
		out_forget();
	}
}

struct kubeconfig_opts cmd_kubeconfig_opts(const struct cmd_opts *o)
{
	return (struct kubeconfig_opts){
		.explicit_path = o->kubeconfig,
		.context = o->context,
		.namespace_ = o->all_namespaces ? NULL : o->namespace_,
		.all_namespaces = o->all_namespaces,
		.cluster = o->cluster,
		.user = o->user,
		.server = o->server,
		.token = o->token,
		.as = o->as,
		.as_groups = o->as_groups,
		.as_uid = o->as_uid,
		.insecure_skip_tls_verify = o->insecure_skip_tls_verify > 0,
		.certificate_authority = o->certificate_authority,
		.client_certificate = o->client_certificate,
		.client_key = o->client_key,
		.tls_server_name = o->tls_server_name,
		.disable_compression = o->disable_compression > 0,
		.request_timeout_ms = o->request_timeout_ms > 0 ? (long)o->request_timeout_ms : 0,
	};
}

struct cache *cmd_open_cache(const struct cmd_opts *o, char *err, size_t errlen)
{
	char *notice = NULL;
	struct cache *c = cache_open(o->cache_path, &notice, err, errlen);
	if (notice)
		cmd_error("%s", notice);
	free(notice);
	return c;
}

long cmd_timeout_ms(const struct cmd_opts *o)
{
	if (o->request_timeout_ms < 0)
		return GT_DEFAULT_REQUEST_TIMEOUT_MS; /* not given: gammatop's batch default */
	if (o->request_timeout_ms == 0 || o->request_timeout_ms > 24 * 3600 * 1000LL)
		return 24 * 3600 * 1000L; /* kubectl's 0, "no time-out": a day bounds the waits */
	return (long)o->request_timeout_ms;
}
