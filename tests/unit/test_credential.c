/* test_credential.c: request-time credentials: an exec plugin runs once and its credential
 * is cached, runs again after invalidation, gets exec.env and KUBERNETES_EXEC_INFO, is killed
 * after its time limit, and bad output or a failure gives a message (with its stderr);
 * a token file is re-read after a 401; nothing is sent over plain http. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/credential.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "%s/gt-cred-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *script(const char *name, const char *body)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(p, 0700);
	return p;
}

static struct kubeconfig *exec_config(const char *cmd, const char *server)
{
	struct kubeconfig *kc = xcalloc(1, sizeof *kc);
	kc->server = xstrdup(server);
	kc->user_name = xstrdup("u");
	kc->user_file = xstrdup("/k/config");
	kc->exec = xcalloc(1, sizeof *kc->exec);
	kc->exec->command = xstrdup(cmd);
	kc->exec->args = xcalloc(2, sizeof(char *));
	kc->exec->args[0] = xstrdup("arg1");
	kc->exec->env = xcalloc(2, sizeof(char *));
	kc->exec->env[0] = xstrdup("CRED_FOO=from-env");
	kc->exec->api_version = xstrdup("client.authentication.k8s.io/v1");
	kc->exec->interactive_mode = xstrdup("Never");
	kc->exec->provide_cluster_info = true;
	kc->exec_cluster_config = xstrdup("{\"audience\":\"a1\"}");
	return kc;
}

struct wait {
	bool done;
	char err[1024];
};

static void on_cred(const char *error, void *ud)
{
	struct wait *w = ud;
	w->done = true;
	snprintf(w->err, sizeof w->err, "%s", error ? error : "");
}

static void ensure(struct credential *c, struct evloop *loop, struct wait *w)
{
	memset(w, 0, sizeof *w);
	credential_ensure(c, on_cred, w);
	for (int i = 0; i < 500 && !w->done; i++)
		evloop_run_once(loop, 10);
	assert_true(w->done);
}

#define GOOD                                                                                  \
	"echo x >> \"$0.count\"\n"                                                                \
	"case \"$KUBERNETES_EXEC_INFO\" in *'\"server\":\"https://k:6443\"'*) ;; *) exit 9;; "    \
	"esac\n"                                                                                  \
	"case \"$KUBERNETES_EXEC_INFO\" in *'\"config\":{\"audience\":\"a1\"}'*) ;; *) exit 8;; " \
	"esac\n"                                                                                  \
	"printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","  \
	"\"status\":{\"token\":\"%s-%s\"}}' \"$CRED_FOO\" \"$1\""

static void test_exec_cached_and_invalidated(void **state)
{
	struct evloop *loop = evloop_new();
	char *cmd = script("good", GOOD);
	struct kubeconfig *kc = exec_config(cmd, "https://k:6443");
	struct credential *c = credential_new(kc, loop);
	struct wait w;
	ensure(c, loop, &w);
	assert_string_equal(w.err, "");
	struct http_opts o = {0};
	struct http_tls tls = {0};
	credential_apply(c, &o, &tls);
	assert_string_equal(o.bearer_token, "from-env-arg1");
	unsigned gen = credential_generation(c);
	ensure(c, loop, &w); /* cached: no second run */
	assert_int_equal(credential_exec_runs(c), 1);
	assert_true(credential_invalidate(c, gen));
	ensure(c, loop, &w);
	assert_int_equal(credential_exec_runs(c), 2);
	/* a 401 for a request sent with an older credential does not drop the new one */
	assert_true(credential_invalidate(c, gen));
	ensure(c, loop, &w);
	assert_int_equal(credential_exec_runs(c), 2);
	credential_free(c);
	kubeconfig_free(kc);
	free(cmd);
	evloop_free(loop);
}

static void expect_error(const char *name, const char *body, long timeout_ms, const char *want)
{
	struct evloop *loop = evloop_new();
	char *cmd = script(name, body);
	struct kubeconfig *kc = exec_config(cmd, "https://k:6443");
	struct credential *c = credential_new(kc, loop);
	if (timeout_ms)
		credential_set_exec_timeout(c, timeout_ms);
	struct wait w;
	ensure(c, loop, &w);
	if (!strstr(w.err, want))
		fail_msg("'%s' does not contain '%s'", w.err, want);
	credential_free(c);
	kubeconfig_free(kc);
	free(cmd);
	evloop_free(loop);
}

static void test_exec_errors(void **state)
{
	expect_error("slow", "sleep 5", 300, "/slow did not answer in 300 ms (killed");
	expect_error("fail", "echo 'error: SSO session expired' >&2; exit 4",
	             0, "failed with status 4: error: SSO session expired");
	expect_error("garbage", "echo not json", 0, "output is not an ExecCredential");
	expect_error("api",
	             "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
	             "\"status\":{\"token\":\"t\"}}'",
	             0, "returned apiVersion client.authentication.k8s.io/v1beta1, expected");
	expect_error("empty", "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	                      "\"status\":{}}'",
	             0, "neither status.token nor clientCertificateData");
	expect_error("exp", "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	                    "\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"soon\"}}'",
	             0, "invalid status.expirationTimestamp");
}

static void test_interactive_always(void **state)
{
	struct evloop *loop = evloop_new();
	struct kubeconfig *kc = exec_config("/bin/true", "https://k:6443");
	free(kc->exec->interactive_mode);
	kc->exec->interactive_mode = xstrdup("Always");
	struct credential *c = credential_new(kc, loop);
	struct wait w;
	ensure(c, loop, &w);
	assert_non_null(strstr(w.err, "needs a terminal"));
	assert_int_equal(credential_exec_runs(c), 0);
	credential_free(c);
	kubeconfig_free(kc);
	evloop_free(loop);
}

static void test_token_file_and_plain_http(void **state)
{
	struct evloop *loop = evloop_new();
	struct kubeconfig *kc = xcalloc(1, sizeof *kc);
	kc->server = xstrdup("https://k");
	kc->token_file = xasprintf("%s/token", dir);
	FILE *f = fopen(kc->token_file, "w");
	fputs("first\n", f);
	fclose(f);
	kc->token = xstrdup("first");
	struct credential *c = credential_new(kc, loop);
	struct wait w;
	ensure(c, loop, &w);
	struct http_opts o = {0};
	struct http_tls tls = {0};
	credential_apply(c, &o, &tls);
	assert_string_equal(o.bearer_token, "first");
	f = fopen(kc->token_file, "w");
	fputs("second\n", f);
	fclose(f);
	assert_true(credential_invalidate(c, credential_generation(c)));
	memset(&o, 0, sizeof o);
	credential_apply(c, &o, &tls);
	assert_string_equal(o.bearer_token, "second");
	/* unchanged file: nothing new to try */
	assert_false(credential_invalidate(c, credential_generation(c)));
	credential_free(c);
	/* plain http: no token */
	free(kc->server);
	kc->server = xstrdup("http://k");
	c = credential_new(kc, loop);
	memset(&o, 0, sizeof o);
	credential_apply(c, &o, &tls);
	assert_null(o.bearer_token);
	credential_free(c);
	kubeconfig_free(kc);
	evloop_free(loop);
}

/* Is process pid gone (or a zombie nobody has reaped yet)? Waits at most 5 s for the
 * SIGKILL to be delivered. */
static bool process_gone(long pid)
{
	char path[64], st[256];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		if (!f)
			return true;
		size_t n = fread(st, 1, sizeof st - 1, f);
		fclose(f);
		st[n] = 0;
		const char *paren = strrchr(st, ')');
		if (paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'))
			return true;
		usleep(10000);
	}
	return false;
}

/* A plugin that hangs after starting a child of its own (a helper, a browser login): on
 * time-out the whole process group goes, not just the plugin (the child used to be left
 * running, holding the pipe), and the error names the plugin. While it runs,
 * credential_pending says which plugin is being waited for. */
static void test_exec_timeout_kills_group(void **state)
{
	struct evloop *loop = evloop_new();
	char *cmd = script("hang", "sleep 60 & echo $! > \"$0.child\"\nwait");
	struct kubeconfig *kc = exec_config(cmd, "https://k:6443");
	struct credential *c = credential_new(kc, loop);
	credential_set_exec_timeout(c, 1000);
	assert_null(credential_pending(c));
	struct wait w;
	memset(&w, 0, sizeof w);
	credential_ensure(c, on_cred, &w);
	char *pidfile = xasprintf("%s.child", cmd);
	for (int i = 0; i < 300 && access(pidfile, R_OK) != 0; i++)
		evloop_run_once(loop, 10); /* until the child has started */
	char *pending = credential_pending(c);
	assert_non_null(pending);
	if (!strstr(pending, "exec plugin ") || !strstr(pending, "/hang did not answer in "))
		fail_msg("pending: %s", pending);
	free(pending);
	for (int i = 0; i < 500 && !w.done; i++)
		evloop_run_once(loop, 10);
	assert_true(w.done);
	if (!strstr(w.err, "/hang did not answer in 1 s (killed"))
		fail_msg("error: %s", w.err);
	assert_null(credential_pending(c));
	FILE *f = fopen(pidfile, "r");
	assert_non_null(f);
	long child = 0;
	assert_int_equal(fscanf(f, "%ld", &child), 1);
	fclose(f);
	assert_true(child > 0);
	assert_true(process_gone(child));
	credential_free(c);
	/* freed while a plugin runs: the same */
	unlink(pidfile);
	c = credential_new(kc, loop);
	memset(&w, 0, sizeof w);
	credential_ensure(c, on_cred, &w);
	for (int i = 0; i < 300 && access(pidfile, R_OK) != 0; i++)
		evloop_run_once(loop, 10);
	f = fopen(pidfile, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &child), 1);
	fclose(f);
	credential_free(c);
	assert_true(process_gone(child));
	free(pidfile);
	kubeconfig_free(kc);
	free(cmd);
	evloop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_cached_and_invalidated),
		cmocka_unit_test(test_exec_errors),
		cmocka_unit_test(test_exec_timeout_kills_group),
		cmocka_unit_test(test_interactive_always),
		cmocka_unit_test(test_token_file_and_plain_http),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
