/* test_proxyenv.c: the proxy kubectl would use for an API server URL, by Go's rules
 * (golang.org/x/net/http/httpproxy proxy.go and its proxy_test.go cases): loopback and
 * localhost never proxied, NO_PROXY domains/subdomains/".domain"/"*.domain"/IPs/CIDRs/ports
 * and "*", the upper-case variables first, host:port values as http proxies, the CGI guard,
 * no ALL_PROXY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/proxyenv.h"

#include <stdlib.h>
#include <string.h>

/* The proxy for url with HTTPS_PROXY=http://proxy:3128, HTTP_PROXY=http://hproxy:80 and
 * NO_PROXY=no, or "direct". */
static const char *pick(const char *no, const char *url)
{
	static char out[256];
	struct proxy_env pe = {.https_proxy = (char *)"http://proxy:3128",
	                       .http_proxy = (char *)"http://hproxy:80", .no_proxy = (char *)no};
	char *p = NULL, err[128] = "";
	assert_int_equal(proxy_env_for_url(&pe, url, &p, err, sizeof err), 0);
	strcpy(out, p ? p : "direct");
	free(p);
	return out;
}

#define DIRECT(no, url) assert_string_equal(pick(no, url), "direct")
#define PROXY(no, url) assert_string_equal(pick(no, url), "http://proxy:3128")

static void test_loopback(void **state)
{
	DIRECT(NULL, "https://127.0.0.1:6443");
	DIRECT(NULL, "https://127.8.9.10");
	DIRECT(NULL, "https://[::1]:6443/k8s/clusters/c-1");
	DIRECT(NULL, "https://localhost:6443");
	DIRECT(NULL, "https://user:pw@localhost:6443");
	PROXY(NULL, "https://LOCALHOST:6443"); /* Go compares "localhost" before lower-casing */
	PROXY(NULL, "https://localhost.localdomain:6443");
	PROXY(NULL, "https://kubernetes.example.com");
	PROXY(NULL, "https://10.0.0.1:6443");
	PROXY(NULL, "https://[::ffff:10.0.0.1]:6443");
}

static void test_no_proxy(void **state)
{
	DIRECT("example.com", "https://example.com");
	DIRECT("example.com", "https://api.example.com:6443");
	PROXY("example.com", "https://notexample.com");
	PROXY(".example.com", "https://example.com");
	DIRECT(".example.com", "https://a.b.example.com");
	PROXY("*.example.com", "https://example.com");
	DIRECT("*.example.com", "https://a.example.com");
	DIRECT(" Example.COM , other", "https://API.example.com"); /* trimmed, case-folded */
	DIRECT("10.0.0.0/8", "https://10.1.2.3:6443");
	PROXY("10.0.0.0/8", "https://11.0.0.1");
	DIRECT("10.0.0.1", "https://10.0.0.1:6443");
	DIRECT("10.0.0.1:6443", "https://10.0.0.1:6443");
	PROXY("10.0.0.1:6443", "https://10.0.0.1");
	DIRECT("example.com:443", "https://a.example.com");
	PROXY("example.com:8443", "https://a.example.com");
	DIRECT("2001:db8::/32", "https://[2001:db8::7]:6443");
	PROXY("2001:db8::/32", "https://[2001:db9::7]:6443");
	DIRECT("[2001:db8::2]:6443", "https://[2001:db8::2]:6443");
	DIRECT("2001:db8::2", "https://[2001:db8::2]:6443");
	PROXY("10.0.0.0/8", "https://[::a00:1]"); /* a v6 address is not in a v4 network */
	DIRECT("*", "https://anything.example");
	PROXY(":6443,,", "https://a.example.com:6443"); /* entries without a host are ignored */
}

static void test_schemes(void **state)
{
	assert_string_equal(pick(NULL, "http://api.example.com:8080"), "http://hproxy:80");
	struct proxy_env pe = {.https_proxy = (char *)"proxy.corp:3128"};
	char *p = NULL, err[128];
	assert_int_equal(proxy_env_for_url(&pe, "https://api.example.com", &p, err, sizeof err), 0);
	assert_string_equal(p, "http://proxy.corp:3128"); /* host:port is an http proxy */
	free(p);
	assert_int_equal(proxy_env_for_url(&pe, "http://api.example.com", &p, err, sizeof err), 0);
	assert_null(p); /* HTTPS_PROXY is for https only */
	pe.https_proxy = (char *)"socks5://127.0.0.2:1080";
	assert_int_equal(proxy_env_for_url(&pe, "https://api.example.com", &p, err, sizeof err), 0);
	assert_string_equal(p, "socks5://127.0.0.2:1080");
	free(p);
	/* CGI: HTTP_PROXY could come from a request header; Go refuses it */
	struct proxy_env cgi = {.http_proxy = (char *)"http://evil:80", .cgi = true};
	assert_int_equal(proxy_env_for_url(&cgi, "http://api.example.com", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "CGI"));
	assert_int_equal(proxy_env_for_url(&cgi, "https://api.example.com", &p, err, sizeof err), 0);
	assert_null(p);
}

static void test_environment(void **state)
{
	unsetenv("HTTPS_PROXY");
	unsetenv("HTTP_PROXY");
	unsetenv("NO_PROXY");
	unsetenv("no_proxy");
	unsetenv("http_proxy");
	unsetenv("REQUEST_METHOD");
	setenv("https_proxy", "http://lower:1", 1);
	setenv("ALL_PROXY", "http://all:1", 1);
	struct proxy_env pe;
	proxy_env_read(&pe);
	assert_string_equal(pe.https_proxy, "http://lower:1");
	assert_null(pe.http_proxy); /* ALL_PROXY is not Go's */
	proxy_env_done(&pe);
	setenv("HTTPS_PROXY", "http://upper:1", 1);
	setenv("NO_PROXY", "", 1); /* empty counts as unset: no_proxy is read */
	setenv("no_proxy", "example.com", 1);
	proxy_env_read(&pe);
	assert_string_equal(pe.https_proxy, "http://upper:1");
	assert_string_equal(pe.no_proxy, "example.com");
	assert_false(pe.cgi);
	proxy_env_done(&pe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_no_proxy),
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
