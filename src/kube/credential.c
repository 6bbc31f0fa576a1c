/* credential.c: request-time credentials (see credential.h). The exec plugin runs as a child
 * with stdin from /dev/null and its stdout/stderr read through the evloop, so the console
 * stays responsive and no terminal is touched; a timer bounds it. It leads a process group
 * of its own (a session without a terminal, or, when it may use the terminal, a group
 * that gets the terminal's foreground while it runs), and the whole group is killed on
 * time-out or when the credential is freed: nothing it started is left behind. */
#include "config.h"

#include "gammatop/credential.h"
#include "gammatop/buf.h"
#include "gammatop/log.h"
#include "gammatop/oidc.h"
#include "gammatop/secret.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define TOKEN_FILE_REREAD_MS 60000
#define DEFAULT_EXEC_TIMEOUT_MS 60000
#define MAX_PLUGIN_OUTPUT (1u << 20)

struct waiter {
	credential_cb cb;
	void *ud;
};

struct credential {
	const struct kubeconfig *kc;
	struct evloop *loop;
	/* token file */
	char *file_token; /* owned */
	int64_t file_read_ms;
	/* exec plugin result */
	char *exec_token, *exec_cert, *exec_key; /* owned */
	size_t exec_cert_len, exec_key_len;
	bool have_exec;
	time_t exec_expiry; /* 0 = no expiry */
	unsigned exec_runs;
	unsigned gen;
	long exec_timeout_ms;
	bool terminal;    /* batch: a plugin may use the terminal (interactiveMode allowing) */
	bool interactive; /* the running plugin has the terminal */
	bool forward_stderr; /* batch: copy a non-interactive plugin's stderr to ours, live */
	credential_line_fn line_fn; /* else to this (the console's status bar), when set */
	void *line_ud;
	size_t err_shown;    /* bytes of err already copied */
	/* a running plugin */
	pid_t pid;
	int out_fd, err_fd;
	struct buf out, err;
	uint64_t timer, reap_timer;
	bool timed_out;
	bool gave_tty; /* the plugin's group has the terminal's foreground: take it back */
	int64_t started_ms;
	struct waiter *waiters;
	size_t n_waiters;
	/* auth-provider oidc */
	struct http_client *hc;          /* owned, made on the first refresh */
	struct oidc_refresh *oidc_req;   /* in flight */
	char *oidc_id, *oidc_rt;         /* owned: the tokens after a refresh */
};

static void wipe_free(char *s, size_t n) { secret_free(s, n); }
static void forward_lines(struct credential *c, bool all);

/* Kill the plugin and everything in its process group. Until the child has made its group
 * (right after fork) there is none: then the child alone. */
static void kill_plugin(struct credential *c)
{
	if (c->pid <= 0)
		return;
	if (kill(-c->pid, SIGKILL) < 0)
		kill(c->pid, SIGKILL);
}

/* Give the terminal's foreground back to our own process group (after an interactive
 * plugin had it). SIGTTOU would stop a background group that does this: ignored meanwhile. */
static void take_tty_back(struct credential *c)
{
	if (!c->gave_tty)
		return;
	c->gave_tty = false;
	struct sigaction ign, old;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGTTOU, &ign, &old);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	sigaction(SIGTTOU, &old, NULL);
}

struct credential *credential_new(const struct kubeconfig *kc, struct evloop *loop)
{
	struct credential *c = xcalloc(1, sizeof *c);
	c->kc = kc;
	c->loop = loop;
	c->pid = -1;
	c->out_fd = c->err_fd = -1;
	c->exec_timeout_ms = DEFAULT_EXEC_TIMEOUT_MS;
	c->file_read_ms = time_mono_ms();
	buf_init(&c->out);
	buf_init(&c->err);
	return c;
}

static void clear_exec(struct credential *c)
{
	wipe_free(c->exec_token, 0);
	wipe_free(c->exec_cert, c->exec_cert_len);
	wipe_free(c->exec_key, c->exec_key_len);
	c->exec_token = c->exec_cert = c->exec_key = NULL;
	c->exec_cert_len = c->exec_key_len = 0;
	c->have_exec = false;
	c->exec_expiry = 0;
}

static void close_pipes(struct credential *c)
{
	if (c->out_fd >= 0) {
		evloop_unwatch_fd(c->loop, c->out_fd);
		close(c->out_fd);
		c->out_fd = -1;
	}
	if (c->err_fd >= 0) {
		evloop_unwatch_fd(c->loop, c->err_fd);
		close(c->err_fd);
		c->err_fd = -1;
	}
}

void credential_free(struct credential *c)
{
	if (!c)
		return;
	close_pipes(c);
	if (c->pid > 0) {
		kill_plugin(c);
		waitpid(c->pid, NULL, 0);
	}
	take_tty_back(c);
	if (c->timer)
		evloop_timer_cancel(c->loop, c->timer);
	if (c->reap_timer)
		evloop_timer_cancel(c->loop, c->reap_timer);
	clear_exec(c);
	wipe_free(c->file_token, 0);
	oidc_refresh_cancel(c->oidc_req);
	http_client_free(c->hc);
	wipe_free(c->oidc_id, 0);
	wipe_free(c->oidc_rt, 0);
	memset(c->out.data ? c->out.data : "", 0, c->out.len);
	buf_done(&c->out);
	buf_done(&c->err);
	free(c->waiters);
	free(c);
}

unsigned credential_exec_runs(const struct credential *c) { return c->exec_runs; }

bool credential_logging_in(const struct credential *c)
{
	return c->pid > 0 && (c->interactive || c->err.len > 0);
}

void credential_set_stderr(struct credential *c, bool forward) { c->forward_stderr = forward; }

void credential_set_stderr_fn(struct credential *c, credential_line_fn fn, void *ud)
{
	c->line_fn = fn;
	c->line_ud = ud;
	c->forward_stderr = fn != NULL;
}

void credential_set_exec_timeout(struct credential *c, long ms) { c->exec_timeout_ms = ms; }

void credential_set_terminal(struct credential *c, bool allowed) { c->terminal = allowed; }

static void reread_token_file(struct credential *c, bool force)
{
	if (!c->kc->token_file)
		return;
	int64_t now = time_mono_ms();
	if (!force && now - c->file_read_ms < TOKEN_FILE_REREAD_MS)
		return;
	c->file_read_ms = now;
	FILE *f = fopen(c->kc->token_file, "r");
	if (!f) {
		log_warn("credential: cannot re-read token file %s: %s", c->kc->token_file,
		         strerror(errno));
		return;
	}
	char tok[16384];
	size_t n = fread(tok, 1, sizeof tok - 1, f);
	fclose(f);
	tok[n] = 0;
	while (n && (tok[n - 1] == '\n' || tok[n - 1] == '\r' || tok[n - 1] == ' '))
		tok[--n] = 0;
	if (n && !str_eq(tok, c->file_token)) {
		wipe_free(c->file_token, 0);
		c->file_token = xstrdup(tok);
		c->gen++;
	}
	memset(tok, 0, sizeof tok);
}

static bool exec_valid(const struct credential *c)
{
	return c->have_exec && (c->exec_expiry == 0 || time(NULL) < c->exec_expiry);
}

static void notify(struct credential *c, const char *error)
{
	struct waiter *w = c->waiters;
	size_t n = c->n_waiters;
	c->waiters = NULL;
	c->n_waiters = 0;
	for (size_t i = 0; i < n; i++)
		w[i].cb(error, w[i].ud);
	free(w);
}

static char *b64(const char *data, size_t len)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc(len / 3 * 4 + 5), *p = out;
	const unsigned char *d = (const unsigned char *)data;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		*p++ = tbl[d[i] >> 2];
		*p++ = tbl[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
		*p++ = tbl[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
		*p++ = tbl[d[i + 2] & 63];
	}
	if (i < len) {
		*p++ = tbl[d[i] >> 2];
		if (i + 1 < len) {
			*p++ = tbl[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
			*p++ = tbl[(d[i + 1] & 15) << 2];
		} else {
			*p++ = tbl[(d[i] & 3) << 4];
			*p++ = '=';
		}
		*p++ = '=';
	}
	*p = 0;
	return out;
}

static char *exec_info(const struct credential *c)
{
	const struct kubeconfig *kc = c->kc;
	json_t *spec = json_pack("{s:b}", "interactive", c->interactive);
	if (kc->exec->provide_cluster_info) {
		json_t *cl = json_pack("{s:s}", "server", kc->server);
		if (kc->ca_pem) {
			char *b = b64(kc->ca_pem, kc->ca_len);
			json_object_set_new(cl, "certificate-authority-data", json_string(b));
			free(b);
		}
		if (kc->insecure)
			json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
		if (kc->tls_server_name)
			json_object_set_new(cl, "tls-server-name", json_string(kc->tls_server_name));
		if (kc->proxy_url)
			json_object_set_new(cl, "proxy-url", json_string(kc->proxy_url));
		json_t *cfg = kc->exec_cluster_config
		                      ? json_loads(kc->exec_cluster_config, JSON_DECODE_ANY, NULL)
		                      : NULL;
		if (cfg)
			json_object_set_new(cl, "config", cfg);
		json_object_set_new(spec, "cluster", cl);
	}
	json_t *j = json_pack("{s:s,s:s,s:o}", "kind", "ExecCredential", "apiVersion",
	                      kc->exec->api_version, "spec", spec);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static char *plugin_name(const struct credential *c)
{
	return str_sanitize(c->kc->exec->command);
}

/* Parse the plugin's ExecCredential. NULL on success, else a message (caller frees). */
static char *parse_output(struct credential *c)
{
	const struct kc_exec *x = c->kc->exec;
	json_error_t je;
	json_t *j = json_loadb(c->out.data ? c->out.data : "", c->out.len, 0, &je);
	char *name = plugin_name(c), *msg = NULL;
	if (!json_is_object(j)) {
		msg = xasprintf("exec plugin %s: output is not an ExecCredential JSON object", name);
		goto out;
	}
	const char *api = json_string_value(json_object_get(j, "apiVersion"));
	if (!str_eq(api, x->api_version)) {
		char *a = str_sanitize(api ? api : "(none)");
		msg = xasprintf("exec plugin %s: returned apiVersion %s, expected %s", name, a,
		                x->api_version);
		free(a);
		goto out;
	}
	const json_t *st = json_object_get(j, "status");
	const char *token = json_string_value(json_object_get(st, "token"));
	const char *cert = json_string_value(json_object_get(st, "clientCertificateData"));
	const char *key = json_string_value(json_object_get(st, "clientKeyData"));
	const char *exp = json_string_value(json_object_get(st, "expirationTimestamp"));
	if (str_empty(token) && (str_empty(cert) || str_empty(key))) {
		msg = xasprintf("exec plugin %s: the ExecCredential has neither status.token nor "
		                "clientCertificateData + clientKeyData",
		                name);
		goto out;
	}
	time_t expiry = 0;
	if (!str_empty(exp) && time_parse_rfc3339(exp, &expiry) < 0) {
		msg = xasprintf("exec plugin %s: invalid status.expirationTimestamp", name);
		goto out;
	}
	clear_exec(c);
	c->exec_token = xstrdup_null(str_empty(token) ? NULL : token);
	if (!str_empty(cert) && !str_empty(key)) {
		c->exec_cert = xstrdup(cert);
		c->exec_cert_len = strlen(cert);
		c->exec_key = xstrdup(key);
		c->exec_key_len = strlen(key);
	}
	c->exec_expiry = expiry;
	c->have_exec = true;
	c->gen++;
	log_info("credential: exec plugin %s gave a credential%s", name,
	         expiry ? " with an expiry" : "");
out:
	free(name);
	json_decref(j);
	return msg;
}

static void plugin_finished(struct credential *c, int status)
{
	char *msg = NULL, *name = plugin_name(c);
	if (c->forward_stderr)
		forward_lines(c, true);
	bool shown = c->forward_stderr && c->err_shown > 0;
	if (c->timed_out) {
		long t = c->interactive && c->exec_timeout_ms < 300000 ? 300000 : c->exec_timeout_ms;
		msg = xasprintf("exec plugin %s did not answer in %ld %s (killed, with every "
		                "process it started)",
		                name, t % 1000 ? t : t / 1000, t % 1000 ? "ms" : "s");
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* stderr is the plugin's own explanation; show its start, sanitised. */
		char errtxt[1025];
		size_t n = c->err.len < 1024 ? c->err.len : 1024;
		memcpy(errtxt, c->err.data ? c->err.data : "", n);
		errtxt[n] = 0;
		while (n && (errtxt[n - 1] == '\n' || errtxt[n - 1] == ' '))
			errtxt[--n] = 0;
		char *e = str_sanitize(errtxt);
		char *hint = c->kc->exec->install_hint ? str_sanitize(c->kc->exec->install_hint)
		                                        : NULL;
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (shown) { /* already on the screen, line by line */
			free(e);
			e = xstrdup("");
		}
		msg = xasprintf("exec plugin %s (user '%s' in %s) failed with status %d%s%s%s%s",
		                name, c->kc->user_name, c->kc->user_file, code,
		                *e ? ": " : (c->interactive || shown ? " (see its messages above)" : ""), e,
		                hint && code == 127 ? "\n" : "", hint && code == 127 ? hint : "");
		free(e);
		free(hint);
	} else {
		msg = parse_output(c);
	}
	memset(c->out.data ? c->out.data : "", 0, c->out.len);
	buf_reset(&c->out);
	buf_reset(&c->err);
	c->err_shown = 0;
	free(name);
	notify(c, msg);
	free(msg);
}

static void try_reap(struct evloop *loop, void *ud)
{
	struct credential *c = ud;
	c->reap_timer = 0;
	if (c->out_fd >= 0 || c->err_fd >= 0 || c->pid <= 0)
		return;
	int status = 0;
	pid_t r = waitpid(c->pid, &status, WNOHANG);
	if (r == 0) {
		c->reap_timer = evloop_timer_add(c->loop, 20, try_reap, c);
		return;
	}
	c->pid = -1;
	take_tty_back(c);
	if (c->timer) {
		evloop_timer_cancel(c->loop, c->timer);
		c->timer = 0;
	}
	plugin_finished(c, r < 0 ? (127 << 8) : status);
}

/* kubectl gives an exec plugin our stderr (client-go plugin/pkg/client/auth/exec/exec.go:
 * cmd.Stderr = os.Stderr), so a device-code prompt reaches the user while the plugin waits.
 * A batch command copies each complete line (sanitised: the plugin's text goes to a
 * terminal) as it comes; at the end (all) the rest. */
static void forward_lines(struct credential *c, bool all)
{
	for (;;) {
		const char *start = c->err.data + c->err_shown;
		size_t avail = c->err.len - c->err_shown;
		const char *nl = memchr(start, '\n', avail);
		if (!nl && !(all && avail))
			return;
		size_t n = nl ? (size_t)(nl - start) : avail;
		char *line = xstrndup(start, n), *clean = str_sanitize(line);
		if (c->line_fn)
			c->line_fn(clean, c->line_ud);
		else
			fprintf(stderr, "%s\n", clean);
		free(line);
		free(clean);
		c->err_shown += n + (nl ? 1 : 0);
	}
}

static void on_pipe(struct evloop *loop, int fd, int events, void *ud)
{
	struct credential *c = ud;
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof tmp);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		struct buf *b = fd == c->out_fd ? &c->out : &c->err;
		if (b->len + (size_t)n <= MAX_PLUGIN_OUTPUT)
			buf_append(b, tmp, (size_t)n);
		memset(tmp, 0, (size_t)n);
		if (b == &c->err && c->forward_stderr)
			forward_lines(c, false);
		return;
	}
	evloop_unwatch_fd(loop, fd);
	close(fd);
	if (fd == c->out_fd)
		c->out_fd = -1;
	else
		c->err_fd = -1;
	if (c->out_fd < 0 && c->err_fd < 0 && !c->reap_timer)
		c->reap_timer = evloop_timer_add(c->loop, 0, try_reap, c);
}

static void on_timeout(struct evloop *loop, void *ud)
{
	struct credential *c = ud;
	c->timer = 0;
	if (c->pid > 0) {
		c->timed_out = true;
		kill_plugin(c);
		close_pipes(c);
		if (!c->reap_timer)
			c->reap_timer = evloop_timer_add(c->loop, 0, try_reap, c);
	}
}

static char **build_env(const struct credential *c)
{
	size_t n = 0, m = 0;
	while (environ && environ[n])
		n++;
	for (char **e = c->kc->exec->env; e && *e; e++)
		m++;
	char **env = xcalloc(n + m + 2, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (str_starts(environ[i], "KUBERNETES_EXEC_INFO="))
			continue;
		bool overridden = false;
		for (char **e = c->kc->exec->env; e && *e; e++) {
			size_t nl = strcspn(*e, "=");
			if (strncmp(environ[i], *e, nl) == 0 && environ[i][nl] == '=')
				overridden = true;
		}
		if (!overridden)
			env[k++] = xstrdup(environ[i]);
	}
	for (char **e = c->kc->exec->env; e && *e; e++)
		env[k++] = xstrdup(*e);
	char *info = exec_info(c);
	env[k++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	free(info);
	return env;
}

static char *start_plugin(struct credential *c)
{
	const struct kc_exec *x = c->kc->exec;
	c->interactive = c->terminal && strcmp(x->interactive_mode, "Never") != 0 && isatty(0);
	if (strcmp(x->interactive_mode, "Always") == 0 && !c->interactive) {
		char *name = plugin_name(c);
		char *m = xasprintf("exec plugin %s needs a terminal (interactiveMode: Always); run "
		                    "it once in a shell (e.g. kubectl get ns) and try again",
		                    name);
		free(name);
		return m;
	}
	int out[2], err[2];
	if (pipe(out) < 0)
		return xasprintf("exec plugin: pipe: %s", strerror(errno));
	if (pipe(err) < 0) {
		close(out[0]);
		close(out[1]);
		return xasprintf("exec plugin: pipe: %s", strerror(errno));
	}
	size_t nargs = 0;
	while (x->args && x->args[nargs])
		nargs++;
	char **argv = xcalloc(nargs + 2, sizeof *argv);
	argv[0] = x->command;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = x->args[i];
	char **env = build_env(c);
	/* An interactive plugin gets the terminal's foreground when we have it (else it would
	 * be stopped by SIGTTIN when it reads its prompt's answer). */
	bool give_tty = c->interactive && tcgetpgrp(STDIN_FILENO) == getpgrp();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(err[0]);
		if (!c->interactive) {
			int devnull = open("/dev/null", O_RDONLY);
			if (devnull >= 0)
				dup2(devnull, 0);
			dup2(err[1], 2);
			setsid(); /* no controlling terminal: a plugin cannot prompt on the console;
			             and a process group of its own, killed as a whole */
		} else {
			setpgid(0, 0); /* its own group, killed as a whole */
			if (give_tty) {
				signal(SIGTTOU, SIG_IGN); /* we are a background group until this */
				tcsetpgrp(STDIN_FILENO, getpid());
				signal(SIGTTOU, SIG_DFL);
			}
		}
		execvpe(argv[0], argv, env);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
	free(argv);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		return xasprintf("exec plugin: fork: %s", strerror(errno));
	}
	if (c->interactive) {
		setpgid(pid, pid); /* also here: whichever of the two runs first makes the group */
		c->gave_tty = give_tty;
	}
	c->pid = pid;
	c->exec_runs++;
	c->timed_out = false;
	c->started_ms = time_mono_ms();
	c->out_fd = out[0];
	c->err_fd = err[0];
	if (c->interactive) { /* its stderr is the terminal: nothing to read */
		close(c->err_fd);
		c->err_fd = -1;
	}
	for (int i = 0; i < 2; i++) {
		int fd = i ? c->err_fd : c->out_fd;
		if (fd < 0)
			continue;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		evloop_watch_fd(c->loop, fd, EV_READ, on_pipe, c);
	}
	/* a person may be typing (MFA, device code): give them longer */
	long limit = c->interactive && c->exec_timeout_ms < 300000 ? 300000 : c->exec_timeout_ms;
	c->timer = evloop_timer_add(c->loop, limit, on_timeout, c);
	return NULL;
}

static void on_oidc(const char *id, const char *rt, const char *err, void *ud)
{
	struct credential *c = ud;
	c->oidc_req = NULL;
	if (err) {
		char *m = xasprintf("auth-provider oidc (user '%s' in %s): %s", c->kc->user_name,
		                    c->kc->user_file, err);
		notify(c, m);
		free(m);
		return;
	}
	const struct kc_oidc *o = c->kc->oidc;
	const char *old_id = c->oidc_id ? c->oidc_id : o->id_token;
	const char *old_rt = c->oidc_rt ? c->oidc_rt : o->refresh_token;
	char perr[512];
	/* kubectl writes the new tokens back before using them: it fails when it cannot */
	if (oidc_persist(c->kc->user_file, old_id, id, old_rt, rt, perr, sizeof perr) < 0) {
		notify(c, perr);
		return;
	}
	char *nid = xstrdup(id), *nrt = xstrdup(rt);
	wipe_free(c->oidc_id, 0);
	wipe_free(c->oidc_rt, 0);
	c->oidc_id = nid;
	c->oidc_rt = nrt;
	c->gen++;
	log_info("credential: auth-provider oidc: refreshed the id-token (written to %s)",
	         c->kc->user_file);
	notify(c, NULL);
}

/* auth-provider oidc: the current id-token if valid; else a refresh (waiters wait). */
static void oidc_ensure(struct credential *c, credential_cb cb, void *ud)
{
	const struct kc_oidc *o = c->kc->oidc;
	const char *id = c->oidc_id ? c->oidc_id : o->id_token;
	char err[256];
	int v = id ? oidc_token_valid(id, time(NULL), err, sizeof err) : 0;
	if (v < 0 || v > 0) {
		cb(v > 0 ? NULL : err, ud);
		return;
	}
	const char *rt = c->oidc_rt ? c->oidc_rt : o->refresh_token;
	if (str_empty(rt)) {
		cb("auth-provider oidc: No valid id-token, and cannot refresh without refresh-token",
		   ud);
		return;
	}
	c->waiters = xreallocarray(c->waiters, c->n_waiters + 1, sizeof *c->waiters);
	c->waiters[c->n_waiters++] = (struct waiter){cb, ud};
	if (c->oidc_req)
		return;
	if (!c->hc)
		c->hc = http_client_new(c->loop);
	c->oidc_req = oidc_refresh_start(c->hc, o, rt, on_oidc, c);
}

void credential_ensure(struct credential *c, credential_cb cb, void *ud)
{
	if (c->kc->oidc) {
		oidc_ensure(c, cb, ud);
		return;
	}
	reread_token_file(c, false);
	if (!c->kc->exec || exec_valid(c)) {
		cb(NULL, ud);
		return;
	}
	c->waiters = xreallocarray(c->waiters, c->n_waiters + 1, sizeof *c->waiters);
	c->waiters[c->n_waiters++] = (struct waiter){cb, ud};
	if (c->pid > 0 || c->reap_timer)
		return; /* already running */
	char *err = start_plugin(c);
	if (err) {
		notify(c, err);
		free(err);
	}
}

void credential_forget(struct credential *c, void *ud)
{
	for (size_t i = 0; i < c->n_waiters; i++) {
		if (c->waiters[i].ud == ud) {
			c->waiters[i] = c->waiters[--c->n_waiters];
			i--;
		}
	}
}

unsigned credential_generation(const struct credential *c) { return c->gen; }

char *credential_pending(const struct credential *c)
{
	if (c->pid <= 0)
		return NULL;
	char *name = plugin_name(c);
	int64_t ms = time_mono_ms() - c->started_ms;
	char *msg = xasprintf("exec plugin %s did not answer in %lld s (user '%s' in %s)", name,
	                      (long long)((ms + 500) / 1000), c->kc->user_name ? c->kc->user_name : "",
	                      c->kc->user_file ? c->kc->user_file : "the kubeconfig");
	free(name);
	return msg;
}

bool credential_invalidate(struct credential *c, unsigned gen)
{
	if (gen != c->gen)
		return true; /* refreshed since that request was sent */
	if (c->kc->exec) {
		clear_exec(c);
		return true;
	}
	if (c->kc->token_file) {
		reread_token_file(c, true);
		return gen != c->gen;
	}
	return false;
}

void credential_apply(struct credential *c, struct http_opts *o, struct http_tls *tls)
{
	const struct kubeconfig *kc = c->kc;
	tls->ca_pem = kc->ca_pem;
	tls->ca_len = kc->ca_len;
	tls->insecure = kc->insecure;
	tls->server_name = kc->tls_server_name;
	o->tls = tls;
	o->proxy = kc->proxy_url;
	if (!str_starts(kc->server, "https://"))
		return; /* credentials only over TLS */
	tls->cert_pem = kc->cert_pem;
	tls->cert_len = kc->cert_len;
	tls->key_pem = kc->key_pem;
	tls->key_len = kc->key_len;
	if (kc->exec && c->have_exec) {
		o->bearer_token = c->exec_token;
		if (c->exec_cert) {
			tls->cert_pem = c->exec_cert;
			tls->cert_len = c->exec_cert_len;
			tls->key_pem = c->exec_key;
			tls->key_len = c->exec_key_len;
		}
	} else if (kc->oidc) {
		o->bearer_token = c->oidc_id ? c->oidc_id : kc->oidc->id_token;
	} else if (c->file_token) {
		o->bearer_token = c->file_token;
	} else if (kc->token) {
		o->bearer_token = kc->token;
	} else if (kc->username) {
		o->username = kc->username;
		o->password = kc->password;
	}
}
