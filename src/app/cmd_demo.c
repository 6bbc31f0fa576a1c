/* cmd_demo.c: the 'demo' subcommand: start gammatop-sim with its demo world and traffic on
 * free loopback ports (its kubeconfig in a private 0700 temporary directory), open the console
 * against it, and stop the sim when the console exits (also on SIGINT/SIGTERM; on Linux the
 * sim is also told to die with its parent). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cmd.h"
#include "commands.h"
#include "cmd_console.h"
#include "cmd_source.h"
#include "gammatop/console.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#ifndef GT_BINDIR
#define GT_BINDIR "/usr/local/bin"
#endif

enum { OPT_DUMP = 300, OPT_SIM = 301 };

struct demo_opts {
	bool dump;
	const char *sim; /* --sim PATH */
};

static const struct cmd_option demo_options[] = {
	{"sim", 1, OPT_SIM, "PATH", "the gammatop-sim to run (default: next to gammatop, then "
	                            GT_BINDIR ", then $PATH)"},
	{"dump-screen", 0, OPT_DUMP, NULL, "render headless and print the screen (for tests)"},
	{NULL, 0, 0, NULL, NULL},
};

static int demo_opt(int val, const char *arg, void *ud)
{
	struct demo_opts *d = ud;
	if (val == OPT_DUMP)
		d->dump = cmd_flag_on(arg);
	else if (val == OPT_SIM)
		d->sim = arg;
	else
		return -1;
	return 0;
}

/* The simulator: --sim, next to this binary, the install directory, else the name for PATH. */
static char *find_sim(const char *given)
{
	if (given)
		return xstrdup(given);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			char *p = xasprintf("%s/gammatop-sim", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	char *p = xasprintf("%s/gammatop-sim", GT_BINDIR);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return xstrdup("gammatop-sim");
}

struct sim {
	pid_t pid;
	char *dir;        /* owned: private temporary directory */
	char *kubeconfig; /* owned: DIR/kubeconfig */
	char *log;        /* owned: DIR/sim.log (its stderr) */
	char *cache;      /* owned: DIR/cache.db (the demo's telemetry history) */
	char *url, *metrics_url; /* owned, from the ready line */
};

/* Read the ready line ("gammatop-sim: serving URL[ metrics MURL]") within timeout_ms. */
static int read_ready(int fd, struct sim *s, int timeout_ms, char *err, size_t errlen)
{
	char line[1024];
	size_t len = 0;
	int64_t end = time_mono_ms() + timeout_ms;
	for (;;) {
		int64_t left = end - time_mono_ms();
		if (left <= 0) {
			snprintf(err, errlen, "gammatop-sim did not get ready within %d s", timeout_ms / 1000);
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t k = read(fd, line + len, sizeof line - 1 - len);
		if (k <= 0) {
			snprintf(err, errlen, "gammatop-sim exited before it was ready");
			return -1;
		}
		len += (size_t)k;
		line[len] = '\0';
		char *nl = strchr(line, '\n');
		if (!nl && len < sizeof line - 1)
			continue;
		if (nl)
			*nl = '\0';
		char url[512] = "", murl[512] = "";
		if (sscanf(line, "gammatop-sim: serving %511s metrics %511s", url, murl) < 1) {
			char *clean = str_sanitize(line);
			snprintf(err, errlen, "unexpected first line from gammatop-sim: %s", clean);
			free(clean);
			return -1;
		}
		s->url = xstrdup(url);
		s->metrics_url = murl[0] ? xstrdup(murl) : NULL;
		return 0;
	}
}

static int sim_start(const char *path, const char *mesh, struct sim *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->pid = -1;
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/gammatop-demo.XXXXXX", str_or(tmp, "/tmp"));
	if (!mkdtemp(tmpl)) { /* mkdtemp makes it 0700 */
		snprintf(err, errlen, "cannot create a temporary directory %s: %s", tmpl, strerror(errno));
		free(tmpl);
		return -1;
	}
	s->dir = tmpl;
	s->kubeconfig = xasprintf("%s/kubeconfig", s->dir);
	s->log = xasprintf("%s/sim.log", s->dir);
	s->cache = xasprintf("%s/cache.db", s->dir);
	int out[2];
	if (pipe(out) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(out[0]), close(out[1]);
		return -1;
	}
	if (pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
#endif
		(void)parent;
		int logfd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(out[1], STDOUT_FILENO);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		close(out[0]);
		close(out[1]);
		setpgid(0, 0); /* the terminal's ^C goes to the console, which stops the sim itself */
		execlp(path, path, "--demo", "--listen", "127.0.0.1", "--port", "0", "--metrics-port",
		       "0", "--mesh", mesh, "--kubeconfig-out", s->kubeconfig, (char *)NULL);
		fprintf(stderr, "gammatop: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	s->pid = pid;
	int rc = read_ready(out[0], s, 30000, err, errlen);
	close(out[0]);
	if (rc == 0 && access(s->kubeconfig, R_OK) != 0) {
		snprintf(err, errlen, "gammatop-sim did not write %s", s->kubeconfig);
		rc = -1;
	}
	return rc;
}

static void sim_stop(struct sim *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		int status;
		int64_t end = time_mono_ms() + 3000;
		while (waitpid(s->pid, &status, WNOHANG) == 0) {
			if (time_mono_ms() > end) {
				kill(s->pid, SIGKILL);
				waitpid(s->pid, &status, 0);
				break;
			}
			usleep(20000);
		}
	}
	if (s->dir) {
		static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
		unlink(s->kubeconfig);
		unlink(s->log);
		for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
			char *p = xasprintf("%s%s", s->cache, suffixes[i]);
			unlink(p);
			free(p);
		}
		rmdir(s->dir);
	}
	free(s->dir);
	free(s->kubeconfig);
	free(s->log);
	free(s->cache);
	free(s->url);
	free(s->metrics_url);
	memset(s, 0, sizeof *s);
}

/* Show the end of the sim's log when it failed to start. */
static void print_log_tail(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return;
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, f) && n++ < 20) {
		line[strcspn(line, "\n")] = '\0';
		cmd_error("sim: %s", line);
	}
	fclose(f);
}

int cmd_demo(int argc, char **argv)
{
	struct cmd_opts o;
	struct demo_opts d = {0};
	int first = cmd_parse(argc, argv, "gammatop demo [OPTIONS]",
	                      "Start gammatop-sim with its demo world (gateways, mesh routes, live "
	                      "traffic with timeouts and retries) on loopback ports and open the "
	                      "console on it. --mesh linkerd (default), istio or envoy-gateway: "
	                      "the proxies' metrics speak that mesh. The sim stops when the console "
	                      "exits.",
	                      demo_options, demo_opt, &d, &o);
	if (first == -2)
		return 0;
	if (first < 0)
		return EXIT_USAGE;
	if (first < argc || o.n_manifests || o.kubeconfig || o.context) {
		cmd_error("demo runs its own cluster: it takes no manifests, kubeconfig, context or "
		          "arguments (see 'gammatop demo --help')");
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	char *path = find_sim(d.sim);
	struct sim sim;
	char err[1024];
	/* --mesh: the sim's proxies speak that mesh (linkerd by default); the console reads it */
	const char *mesh = o.mesh && strcmp(o.mesh, "auto") ? o.mesh : "linkerd";
	if (strcmp(mesh, "linkerd") && strcmp(mesh, "istio") && strcmp(mesh, "envoy-gateway")) {
		cmd_error("demo: --mesh %s: expected linkerd, istio or envoy-gateway", mesh);
		free(path);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	if (sim_start(path, mesh, &sim, err, sizeof err) < 0) {
		cmd_error("%s (%s)", err, path);
		print_log_tail(sim.log);
		sim_stop(&sim);
		free(path);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	free(path);
	/* SIGINT/SIGTERM reach the console through its loop and end it; then the sim stops. */
	o.kubeconfig = sim.kubeconfig;
	if (!o.cache_path) /* the demo's history lives and dies with it */
		o.cache_path = sim.cache;
	struct cmd_source src;
	int64_t cache_at_ms;
	int rc = cmd_console_open_live(&o, &src, &cache_at_ms);
	if (!rc)
		rc = cmd_console_run(&o, &src, d.dump, NULL, NULL);
	cmd_source_close(&src);
	sim_stop(&sim);
	cmd_opts_done(&o);
	return rc;
}
