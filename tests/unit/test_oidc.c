/* test_oidc.c: auth-provider oidc pieces: id-token validity as client-go's idTokenExpired
 * decides it (exp more than 10 s away; no exp = expired; not a JWT = error), writing the
 * refreshed tokens back (only the values change, an absent id-token is added beside the
 * refresh-token, mode kept, a value found twice refused), kubectl's Go duration format for
 * ?timeout=, and the kubeconfig's oidc entries and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/kclient.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/oidc.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* base64url of {"exp":N} (and of {"sub":"x"}) between a header and a signature */
#define JWT_EXP_2000 "eyJhbGciOiJub25lIn0.eyJleHAiOjk0NjY4NDgwMH0.c2ln"
#define JWT_NO_EXP "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"

static void test_valid(void **state)
{
	char err[128];
	time_t exp = 946684800; /* 2000-01-01 */
	assert_int_equal(oidc_token_valid(JWT_EXP_2000, exp - 11, err, sizeof err), 1);
	assert_int_equal(oidc_token_valid(JWT_EXP_2000, exp - 10, err, sizeof err), 0);
	assert_int_equal(oidc_token_valid(JWT_EXP_2000, exp + 5, err, sizeof err), 0);
	assert_int_equal(oidc_token_valid(JWT_NO_EXP, 0, err, sizeof err), 0);
	assert_int_equal(oidc_token_valid("not-a-jwt", 0, err, sizeof err), -1);
	assert_string_equal(err, "ID Token is not a valid JWT");
	assert_int_equal(oidc_token_valid("a.b.c.d", 0, err, sizeof err), -1);
	assert_int_equal(oidc_token_valid("a.!!!.c", 0, err, sizeof err), -1);
	assert_int_equal(oidc_token_valid("a.bnVsbA.c", 0, err, sizeof err), -1); /* "null" */
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void test_persist(void **state)
{
	char dir[] = "/tmp/gt-oidc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *p = xasprintf("%s/config", dir);
	FILE *f = fopen(p, "w");
	fputs("users:\n- name: dev # keep me\n  user:\n    auth-provider:\n      config:\n"
	      "        refresh-token: rt-1\n        id-token: old.jwt.x\n      name: oidc\n", f);
	fclose(f);
	chmod(p, 0640);
	char err[256];
	assert_int_equal(oidc_persist(p, "old.jwt.x", "new.jwt.y", "rt-1", "rt-2", err, sizeof err), 0);
	assert_string_equal(slurp(p), "users:\n- name: dev # keep me\n  user:\n    auth-provider:\n"
	                              "      config:\n        refresh-token: rt-2\n"
	                              "        id-token: new.jwt.y\n      name: oidc\n");
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* no id-token yet: added beside the refresh-token, same indentation */
	f = fopen(p, "w");
	fputs("      config:\n        refresh-token: rt-1\n", f);
	fclose(f);
	assert_int_equal(oidc_persist(p, NULL, "n.j.t", "rt-1", "rt-1", err, sizeof err), 0);
	assert_string_equal(slurp(p), "      config:\n        id-token: n.j.t\n        refresh-token: rt-1\n");
	/* an old value found twice (two users share it): refused, file unchanged */
	f = fopen(p, "w");
	fputs("a: old.jwt.x\nb: old.jwt.x\n", f);
	fclose(f);
	assert_int_equal(oidc_persist(p, "old.jwt.x", "n", "r", "r", err, sizeof err), -1);
	assert_non_null(strstr(err, "there twice"));
	assert_string_equal(slurp(p), "a: old.jwt.x\nb: old.jwt.x\n");
	unlink(p);
	rmdir(dir);
	free(p);
}

static void test_go_duration(void **state)
{
	char d[48];
	static const struct { long ms; const char *want; } cases[] = {
		{500, "500ms"}, {1000, "1s"}, {1500, "1.5s"}, {5000, "5s"}, {60000, "1m0s"},
		{90000, "1m30s"}, {3600000, "1h0m0s"}, {3723004, "1h2m3.004s"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kclient_go_duration(cases[i].ms, d, sizeof d);
		assert_string_equal(d, cases[i].want);
	}
}

static void load(const char *cfg, const char *want_err)
{
	char *text = xasprintf("current-context: c\nclusters: [{name: k, cluster: {server: "
	                       "'https://h'}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
	                       "users: [{name: u, user: {auth-provider: {name: oidc, config: %s}}}]\n",
	                       cfg);
	struct kubeconfig_opts o = {0};
	struct kubeconfig *kc = NULL;
	char err[512] = "";
	int rc = kubeconfig_load_text(text, strlen(text), "/x/config", &o, &kc, err, sizeof err);
	free(text);
	if (want_err) {
		assert_int_equal(rc, -1);
		if (!strstr(err, want_err))
			fail_msg("'%s' lacks '%s'", err, want_err);
		return;
	}
	assert_int_equal(rc, 0);
	assert_non_null(kc->oidc);
	assert_string_equal(kc->oidc->issuer_url, "https://issuer");
	assert_string_equal(kc->oidc->refresh_token, "rt");
	assert_null(kc->oidc->id_token);
	kubeconfig_free(kc);
}

static void test_kubeconfig(void **state)
{
	load("{idp-issuer-url: 'https://issuer', client-id: gt, refresh-token: rt}", NULL);
	load("{client-id: gt, refresh-token: rt}", "Must provide idp-issuer-url");
	load("{idp-issuer-url: 'https://issuer', refresh-token: rt}", "Must provide client-id");
	load("{idp-issuer-url: 'https://issuer', client-id: gt}",
	     "No valid id-token, and cannot refresh without refresh-token");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_persist),
		cmocka_unit_test(test_go_duration),
		cmocka_unit_test(test_kubeconfig),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
