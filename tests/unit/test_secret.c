/* test_secret.c: the URL userinfo is found and redacted however odd the URL (a password
 * with '/', '?', '#', '@' or "://", IPv6 hosts, no scheme, empty userinfo), and core dumps
 * are disabled unless GAMMATOP_ALLOW_CORE asks otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gammatop/secret.h"

static void redacts(const char *url, const char *want_redacted, const char *want_stripped)
{
	char *r = secret_url_redact(url), *s = secret_url_strip(url);
	if (strcmp(r, want_redacted) != 0)
		fail_msg("redact(%s) = %s, want %s", url, r, want_redacted);
	if (strcmp(s, want_stripped) != 0)
		fail_msg("strip(%s) = %s, want %s", url, s, want_stripped);
	free(r);
	free(s);
}

static void test_redact(void **state)
{
	(void)state;
	/* a password with every character RFC 3986 says ends the authority */
	redacts("http://u:p/a?b#c@host:9090/x", "http://***@host:9090/x", "http://host:9090/x");
	redacts("https://admin:s3cr/t@prom.example:443/prometheus?x=1",
	        "https://***@prom.example:443/prometheus?x=1",
	        "https://prom.example:443/prometheus?x=1");
	redacts("http://u@h@h2/", "http://***@h2/", "http://h2/");
	redacts("http://us:pa://ss@h", "http://***@h", "http://h");
	redacts("https://@host", "https://***@host", "https://host");
	redacts("https://u:p@[::1]:6443/api", "https://***@[::1]:6443/api", "https://[::1]:6443/api");
	redacts("https://[::1]:6443", "https://[::1]:6443", "https://[::1]:6443");
	redacts("u:p/x@host:6443", "***@host:6443", "host:6443");   /* no scheme */
	redacts("host:6443", "host:6443", "host:6443");
	redacts("u:p@", "***@", "");
	redacts("socks5h://u:p%40x@proxy:1080", "socks5h://***@proxy:1080", "socks5h://proxy:1080");
	redacts("HTTP+unix://u:p@sock", "HTTP+unix://***@sock", "HTTP+unix://sock");
	redacts("1http://u:p@h", "***@h", "h"); /* not a scheme: the whole start is userinfo */
	redacts("", "", "");
	assert_null(secret_url_redact(NULL));
	assert_null(secret_url_strip(NULL));
	size_t b, e;
	assert_false(secret_url_userinfo("https://h/path", &b, &e));
	assert_true(secret_url_userinfo("https://u:p/q@h", &b, &e));
	assert_int_equal(b, 8);
	assert_int_equal(e, 13);
	char *p = strdup("token");
	secret_free(p, 0);
	secret_free(NULL, 0);
}

/* Run secret_nodump in a child (it cannot be undone) and report what it changed. */
static int nodump_in_child(const char *allow, long *core_limit, int *dumpable)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
		getrlimit(RLIMIT_CORE, &rl);
		rl.rlim_cur = rl.rlim_max; /* start from dumps allowed, as far as the hard limit goes */
		setrlimit(RLIMIT_CORE, &rl);
		if (allow)
			setenv("GAMMATOP_ALLOW_CORE", allow, 1);
		else
			unsetenv("GAMMATOP_ALLOW_CORE");
		int r = secret_nodump();
		getrlimit(RLIMIT_CORE, &rl);
		long out[3] = {r, (long)rl.rlim_cur, prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)};
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* so that a sanitizer's exit checks can run */
		ssize_t w = write(fds[1], out, sizeof out);
		_exit(w == (ssize_t)sizeof out ? 0 : 1);
	}
	close(fds[1]);
	long in[3] = {0};
	ssize_t n = read(fds[0], in, sizeof in);
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	assert_int_equal(n, (ssize_t)sizeof in);
	*core_limit = in[1];
	*dumpable = (int)in[2];
	return (int)in[0];
}

static void test_nodump(void **state)
{
	(void)state;
	struct rlimit hard;
	getrlimit(RLIMIT_CORE, &hard);
	long lim;
	int dumpable;
	assert_int_equal(nodump_in_child(NULL, &lim, &dumpable), 1);
	assert_int_equal(lim, 0);
	assert_int_equal(dumpable, 0);
	assert_int_equal(nodump_in_child("0", &lim, &dumpable), 1);
	assert_int_equal(lim, 0);
	assert_int_equal(nodump_in_child("1", &lim, &dumpable), 0);
	assert_int_equal(dumpable, 1);
	assert_int_equal(lim, (long)hard.rlim_max); /* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_nodump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
