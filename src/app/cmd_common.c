/* cmd_common.c: the options every subcommand shares, their parser and --help, output file
 * handling, and the frame of the export commands (see cmd.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "gammatop/buf.h"
#include "gammatop/cache.h"
#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

enum {
	OPT_KUBECONFIG = 1000, OPT_CONTEXT, OPT_OUTPUT_FILE, OPT_CACHE, OPT_PROMETHEUS, OPT_MESH,
	OPT_WINDOW, OPT_OFFLINE, OPT_THEME, OPT_NO_COLOR, OPT_READONLY, OPT_LOG, OPT_TIMEOUT,
	OPT_NO_TELEMETRY, OPT_HELP
};

static const struct cmd_option common_options[] = {
	{"manifests", 1, 'f', "PATH", "read objects from YAML/JSON manifests (file or directory; "
	                              "repeatable) instead of a cluster"},
	{"kubeconfig", 1, OPT_KUBECONFIG, "FILE", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)"},
	{"context", 1, OPT_CONTEXT, "NAME", "kubeconfig context to use"},
	{"namespace", 1, 'n', "NS", "only this namespace"},
	{"all-namespaces", 0, 'A', NULL, "every namespace (the default)"},
	{"format", 1, 'o', "FORMAT", "output format (see the command's formats)"},
	{"output", 1, OPT_OUTPUT_FILE, "FILE", "write to FILE instead of standard output"},
	{"cache", 1, OPT_CACHE, "FILE", "SQLite cache (default $XDG_CACHE_HOME/gammatop/cache.db)"},
	{"prometheus", 1, OPT_PROMETHEUS, "URL", "read telemetry from a Prometheus-compatible API"},
	{"mesh", 1, OPT_MESH, "MESH", "auto, linkerd, istio or envoy-gateway (default auto)"},
	{"window", 1, OPT_WINDOW, "DURATION", "telemetry window (default 5m)"},
	{"offline", 0, OPT_OFFLINE, NULL, "answer from the cache alone; say how old the data is"},
	{"no-telemetry", 0, OPT_NO_TELEMETRY, NULL, "do not collect or show telemetry"},
	{"theme", 1, OPT_THEME, "NAME|FILE", "console colour theme"},
	{"no-color", 0, OPT_NO_COLOR, NULL, "no colour (also when NO_COLOR is set)"},
	{"readonly", 0, OPT_READONLY, NULL, "disable every change to the cluster"},
	{"log", 1, OPT_LOG, "FILE", "write a diagnostic log to FILE"},
	{"request-timeout", 1, OPT_TIMEOUT, "SECONDS", "give up on the cluster after this long (default 30)"},
	{"help", 0, 'h', NULL, "show this help"},
	{NULL, 0, 0, NULL, NULL},
};

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

static void print_options(FILE *f, const struct cmd_option *opts)
{
	for (const struct cmd_option *o = opts; o && o->name; o++) {
		char left[64];
		if (o->val > 0 && o->val < 128)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->val, o->name, o->has_arg ? " " : "",
			         o->has_arg ? o->arg_name : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->has_arg ? " " : "",
			         o->has_arg ? o->arg_name : "");
		fprintf(f, "  %-30s %s\n", left, o->help);
	}
}

static void append_longopts(struct option *lo, size_t *n, struct buf *shorts,
                            const struct cmd_option *opts)
{
	for (const struct cmd_option *o = opts; o && o->name; o++) {
		lo[(*n)++] = (struct option){o->name, o->has_arg ? required_argument : no_argument,
		                             NULL, o->val};
		if (o->val > 0 && o->val < 128) {
			buf_putc(shorts, (char)o->val);
			if (o->has_arg)
				buf_putc(shorts, ':');
		}
	}
}

static int set_common(struct cmd_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'f':
		o->manifests = xreallocarray(o->manifests, o->n_manifests + 1, sizeof *o->manifests);
		o->manifests[o->n_manifests++] = arg;
		return 1;
	case OPT_KUBECONFIG: o->kubeconfig = arg; return 1;
	case OPT_CONTEXT: o->context = arg; return 1;
	case 'n': o->namespace_ = arg, o->all_namespaces = false; return 1;
	case 'A': o->all_namespaces = true, o->namespace_ = NULL; return 1;
	case 'o': o->format = arg; return 1;
	case OPT_OUTPUT_FILE: o->output_file = arg; return 1;
	case OPT_CACHE: o->cache_path = arg; return 1;
	case OPT_PROMETHEUS: o->prometheus = arg; return 1;
	case OPT_MESH: o->mesh = arg; return 1;
	case OPT_WINDOW: o->window = arg; return 1;
	case OPT_OFFLINE: o->offline = true; return 1;
	case OPT_NO_TELEMETRY: o->no_telemetry = true; return 1;
	case OPT_THEME: o->theme = arg; return 1;
	case OPT_NO_COLOR: o->no_color = true; return 1;
	case OPT_READONLY: o->readonly = true; return 1;
	case OPT_LOG: o->log_file = arg; return 1;
	case OPT_TIMEOUT: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (*end || v <= 0 || v > 3600) {
			cmd_error("--request-timeout: '%s' is not a number of seconds (1-3600)", arg);
			return -1;
		}
		o->timeout_s = (int)v;
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

/* --log FILE, for every command: opened once here, right after the options are read, so
 * that whatever the command does next can be logged. */
static int open_log(const struct cmd_opts *o, const char *command)
{
	if (!o->log_file)
		return 0;
	if (log_open(o->log_file, LOG_DEBUG) < 0) {
		cmd_error("cannot open log %s: %s", o->log_file, strerror(errno));
		return -1;
	}
	const char *slash = strrchr(command, '/');
	/* the command, never its arguments: a URL among them may carry a password */
	log_info("gammatop %s: %s", PACKAGE_VERSION, slash ? slash + 1 : command);
	return 0;
}

int cmd_parse(int argc, char **argv, const char *usage, const char *summary,
              const struct cmd_option *extra, cmd_option_fn fn, void *ud, struct cmd_opts *o)
{
	memset(o, 0, sizeof *o);
	o->all_namespaces = true;
	o->timeout_s = 30;
	o->mesh = "auto";
	o->window = "5m";
	size_t cap = sizeof common_options / sizeof common_options[0] + 1;
	for (const struct cmd_option *e = extra; e && e->name; e++)
		cap++;
	struct option *lo = xcalloc(cap, sizeof *lo);
	size_t n = 0;
	struct buf shorts;
	buf_init(&shorts);
	buf_putc(&shorts, ':');
	append_longopts(lo, &n, &shorts, common_options);
	append_longopts(lo, &n, &shorts, extra);
	int result = -1;
	optind = 1;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, buf_str(&shorts), lo, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			printf("Usage: %s\n\n%s\n\nOptions:\n", usage, summary);
			print_options(stdout, extra);
			print_options(stdout, common_options);
			result = -2;
			goto out;
		}
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			if (c == ':')
				cmd_error("option '%s' needs a value (see '%s --help')", bad, argv[0]);
			else
				cmd_error("unknown option '%s' (see '%s --help')", bad, argv[0]);
			goto out;
		}
		int r = set_common(o, c, optarg);
		if (r < 0)
			goto out;
		if (r == 0 && (!fn || fn(c, optarg, ud) < 0))
			goto out;
	}
	result = optind;
	if (open_log(o, argv[0]) < 0)
		result = -1;
out:
	free(lo);
	buf_done(&shorts);
	return result;
}

void cmd_opts_done(struct cmd_opts *o)
{
	free(o->manifests);
	o->manifests = NULL;
	o->n_manifests = 0;
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
	return (o->timeout_s > 0 ? o->timeout_s : 30) * 1000L;
}
