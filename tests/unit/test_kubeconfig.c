/* test_kubeconfig.c: kubeconfig resolution as kubectl does it: one file, --kubeconfig,
 * KUBECONFIG merging (first file wins whole entries, missing files skipped, duplicates
 * read once), ~/.kube/config, in-cluster, relative paths against each file's directory,
 * --context / -n, and every validation error naming file and entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/kubeconfig.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static char *path(const char *name) { return xasprintf("%s/%s", dir, name); }

static void put(const char *name, const char *text)
{
	char *p = path(name);
	for (char *slash = p + strlen(dir) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = 0;
		mkdir(p, 0700);
		*slash = '/';
	}
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "%s/gt-kc-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* "-----BEGIN CERTIFICATE-----\n" base64 */
#define CA_B64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="

static const char *basic =
	"apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
	"clusters:\n- name: dev\n  cluster:\n    server: https://10.0.0.1:6443/\n"
	"    certificate-authority-data: " CA_B64 "\n    tls-server-name: kubernetes\n"
	"    proxy-url: socks5://127.0.0.1:1080\n"
	"    extensions:\n    - name: other\n      extension: {x: 1}\n"
	"    - name: client.authentication.k8s.io/exec\n      extension: {audience: a1}\n"
	"contexts:\n- name: dev\n  context: {cluster: dev, user: admin, namespace: team-a}\n"
	"- name: other\n  context: {cluster: dev, user: admin}\n"
	"users:\n- name: admin\n  user: {token: abc123}\n";

static struct kubeconfig *load_ok(const struct kubeconfig_opts *o)
{
	struct kubeconfig *kc = NULL;
	char err[512] = "";
	int rc = kubeconfig_load(o, &kc, err, sizeof err);
	if (rc != 0)
		fail_msg("unexpected error: %s", err);
	return kc;
}

static void load_err(const struct kubeconfig_opts *o, const char *want)
{
	struct kubeconfig *kc = NULL;
	char err[512] = "";
	assert_int_equal(kubeconfig_load(o, &kc, err, sizeof err), -1);
	assert_null(kc);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_single_file(void **state)
{
	put("basic/config", basic);
	char *p = path("basic/config");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->context, "dev");
	assert_string_equal(kc->server, "https://10.0.0.1:6443");
	assert_string_equal(kc->namespace_, "team-a");
	assert_string_equal(kc->token, "abc123");
	assert_int_equal(kc->ca_len, strlen("-----BEGIN CERTIFICATE-----\n"));
	assert_string_equal(kc->ca_pem, "-----BEGIN CERTIFICATE-----\n");
	assert_string_equal(kc->tls_server_name, "kubernetes");
	assert_string_equal(kc->proxy_url, "socks5://127.0.0.1:1080");
	assert_string_equal(kc->exec_cluster_config, "{\"audience\":\"a1\"}");
	assert_string_equal(kc->user_name, "admin");
	assert_string_equal(kc->cluster_file, p);
	assert_false(kc->insecure);
	kubeconfig_free(kc);
	/* --context and -n */
	o.context = "other";
	kc = load_ok(&o);
	assert_string_equal(kc->namespace_, "default");
	kubeconfig_free(kc);
	o.namespace_ = "ops";
	kc = load_ok(&o);
	assert_string_equal(kc->namespace_, "ops");
	kubeconfig_free(kc);
	o.context = "nope";
	load_err(&o, "context 'nope' not found in ");
	free(p);
}

static void test_explicit_missing(void **state)
{
	char *p = path("does-not-exist");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	load_err(&o, "cannot read kubeconfig ");
	load_err(&o, "No such file or directory");
	free(p);
}

static void test_merge_first_wins(void **state)
{
	put("m/one", "contexts:\n- name: a\n  context: {cluster: c1, user: u1, namespace: n1}\n"
	             "clusters:\n- name: c1\n  cluster: {server: https://one:1}\n");
	put("m/two", "current-context: a\n"
	             "contexts:\n- name: a\n  context: {cluster: c2, user: u2, namespace: n2}\n"
	             "clusters:\n- name: c1\n  cluster: {server: https://two:2, "
	             "insecure-skip-tls-verify: true}\n"
	             "users:\n- name: u1\n  user: {token: from-two}\n");
	put("m/three", "current-context: b\n"
	               "users:\n- name: u1\n  user: {token: from-three}\n");
	char *one = path("m/one"), *two = path("m/two"), *three = path("m/three");
	char *missing = path("m/missing");
	char *env = xasprintf("%s:%s::%s:%s:%s", one, missing, two, one, three);
	struct kubeconfig_opts o = {.env_kubeconfig = env, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	/* current-context from the first file that sets it (two), context a from one (first) */
	assert_string_equal(kc->context, "a");
	assert_string_equal(kc->namespace_, "n1");
	/* cluster c1: one's entry wins whole, two's insecure flag is not merged in */
	assert_string_equal(kc->server, "https://one:1");
	assert_false(kc->insecure);
	assert_string_equal(kc->cluster_file, one);
	/* user u1 from two, the first that defines it */
	assert_string_equal(kc->token, "from-two");
	assert_string_equal(kc->user_file, two);
	/* missing skipped, one read once */
	char *files = xasprintf("%s:%s:%s", one, two, three);
	assert_string_equal(kc->files, files);
	kubeconfig_free(kc);
	free(files);
	free(env);
	free(one);
	free(two);
	free(three);
	free(missing);
}

static void test_relative_paths(void **state)
{
	put("rel/sub/ca.crt", "CA-PEM\n");
	put("rel/sub/certs/u.crt", "CERT-PEM\n");
	put("rel/sub/certs/u.key", "KEY-PEM\n");
	put("rel/sub/tok", "file-token\n");
	put("rel/sub/config",
	    "current-context: x\nclusters:\n- name: c\n  cluster: {server: https://h:1, "
	    "certificate-authority: ca.crt}\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n- name: y\n  context: "
	    "{cluster: c, user: v}\n- name: z\n  context: {cluster: c, user: w}\n"
	    "users:\n- name: u\n  user: {client-certificate: certs/u.crt, client-key: certs/u.key}\n"
	    "- name: v\n  user: {tokenFile: tok}\n"
	    "- name: w\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, "
	    "command: ./bin/plug, args: [a, b], env: [{name: K, value: V}], provideClusterInfo: "
	    "true}\n");
	/* a second file elsewhere: the user's paths resolve against ITS directory */
	put("rel/config2", "users:\n- name: u2\n  user: {client-certificate: sub/certs/u.crt, "
	                   "client-key: sub/certs/u.key}\n"
	                   "contexts:\n- name: q\n  context: {cluster: c, user: u2}\n");
	char *cfg = path("rel/sub/config"), *cfg2 = path("rel/config2");
	struct kubeconfig_opts o = {.explicit_path = cfg, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->ca_pem, "CA-PEM\n");
	assert_string_equal(kc->cert_pem, "CERT-PEM\n");
	assert_string_equal(kc->key_pem, "KEY-PEM\n");
	assert_int_equal(kc->key_len, 8);
	kubeconfig_free(kc);
	o.context = "y";
	kc = load_ok(&o);
	assert_string_equal(kc->token, "file-token");
	char *tok = path("rel/sub/tok");
	assert_string_equal(kc->token_file, tok);
	free(tok);
	kubeconfig_free(kc);
	o.context = "z";
	kc = load_ok(&o);
	char *plug = path("rel/sub/bin/plug"); /* "./" dropped, so messages read cleanly */
	assert_string_equal(kc->exec->command, plug);
	free(plug);
	assert_string_equal(kc->exec->args[1], "b");
	assert_null(kc->exec->args[2]);
	assert_string_equal(kc->exec->env[0], "K=V");
	assert_string_equal(kc->exec->interactive_mode, "IfAvailable");
	assert_true(kc->exec->provide_cluster_info);
	kubeconfig_free(kc);
	put("rel/sub/missing", "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
	                       "clusters: [{name: c, cluster: {server: https://h, "
	                       "certificate-authority: ././/nope.crt}}]\n");
	char *missing = path("rel/sub/missing"), *want = path("rel/sub/nope.crt: No such file");
	struct kubeconfig_opts om = {.explicit_path = missing, .no_incluster = true};
	load_err(&om, want);
	free(missing);
	free(want);
	char *env = xasprintf("%s:%s", cfg, cfg2);
	struct kubeconfig_opts o2 = {.env_kubeconfig = env, .context = "q", .no_incluster = true};
	kc = load_ok(&o2);
	assert_string_equal(kc->cert_pem, "CERT-PEM\n");
	kubeconfig_free(kc);
	free(env);
	free(cfg);
	free(cfg2);
}

static void test_home_and_none(void **state)
{
	put("home/.kube/config", basic);
	char *home = path("home");
	struct kubeconfig_opts o = {.home = home, .env_kubeconfig = "", .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->context, "dev");
	kubeconfig_free(kc);
	free(home);
	char *nohome = path("nohome");
	struct kubeconfig_opts o2 = {.home = nohome, .env_kubeconfig = "", .service_host = "",
	                             .service_port = ""};
	load_err(&o2, "no kubeconfig found");
	free(nohome);
}

static void test_incluster(void **state)
{
	put("sa/token", "sa-token\n");
	put("sa/ca.crt", "SA-CA");
	put("sa/namespace", "kube-system\n");
	char *sa = path("sa"), *nohome = path("nohome");
	struct kubeconfig_opts o = {.home = nohome, .env_kubeconfig = "", .incluster_dir = sa,
	                            .service_host = "10.96.0.1", .service_port = "443"};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->server, "https://10.96.0.1:443");
	assert_string_equal(kc->token, "sa-token");
	assert_string_equal(kc->ca_pem, "SA-CA");
	assert_string_equal(kc->namespace_, "kube-system");
	assert_string_equal(kc->context, "in-cluster");
	kubeconfig_free(kc);
	o.service_host = "fd00::1";
	kc = load_ok(&o);
	assert_string_equal(kc->server, "https://[fd00::1]:443");
	kubeconfig_free(kc);
	free(sa);
	free(nohome);
}

struct bad {
	const char *yaml, *want;
};

#define HEAD "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
#define CL "clusters:\n- name: c\n  cluster: {server: https://h:1}\n"

static const struct bad bads[] = {
	{HEAD CL "users:\n- name: u\n  user: {client-certificate-data: " CA_B64 "}\n",
	 "user 'u' in %s: client-certificate set without client-key"},
	{HEAD CL "users:\n- name: u\n  user: {client-key-data: " CA_B64 "}\n",
	 "user 'u' in %s: client-key set without client-certificate"},
	{HEAD CL "users:\n- name: u\n  user: {client-certificate-data: " CA_B64
	         ", client-certificate: /x}\n",
	 "user 'u' in %s: both client-certificate and client-certificate-data are set"},
	{HEAD CL "users:\n- name: u\n  user: {token: t, username: a, password: b}\n",
	 "user 'u' in %s: more than one authentication method found (token basicAuth )"},
	{HEAD CL "users:\n- name: u\n  user: {token: t, exec: {command: x, apiVersion: "
	         "client.authentication.k8s.io/v1, interactiveMode: Never}}\n",
	 "more than one authentication method found (token exec )"},
	{HEAD CL "users:\n- name: u\n  user: {exec: {apiVersion: "
	         "client.authentication.k8s.io/v1beta1}}\n",
	 "user 'u' in %s: exec has no command"},
	{HEAD CL "users:\n- name: u\n  user: {exec: {command: aws}}\n",
	 "user 'u' in %s: exec has no apiVersion"},
	{HEAD CL "users:\n- name: u\n  user: {exec: {command: aws, apiVersion: "
	         "client.authentication.k8s.io/v1alpha1}}\n",
	 "exec apiVersion 'client.authentication.k8s.io/v1alpha1' is not supported"},
	{HEAD CL "users:\n- name: u\n  user: {exec: {command: aws, apiVersion: "
	         "client.authentication.k8s.io/v1}}\n",
	 "exec interactiveMode must be set"},
	{HEAD CL "users:\n- name: u\n  user: {exec: {command: aws, apiVersion: "
	         "client.authentication.k8s.io/v1beta1, interactiveMode: Sometimes}}\n",
	 "interactiveMode 'Sometimes' is invalid"},
	{HEAD CL "users:\n- name: u\n  user: {auth-provider: {name: gcp}}\n",
	 "auth-provider 'gcp' is no longer supported"},
	{HEAD CL "users:\n- name: u\n  user: {tokenFile: /nonexistent/tok}\n",
	 "user 'u' in %s: cannot read tokenFile /nonexistent/tok"},
	{HEAD CL "users: []\n", "context 'x' in %s: user 'u' not found"},
	{HEAD "clusters: []\n", "context 'x' in %s: cluster 'c' not found"},
	{HEAD "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n",
	 "cluster 'c' in %s: no server set"},
	{HEAD "clusters:\n- name: c\n  cluster: {server: https://h, certificate-authority-data: "
	      "'***'}\n",
	 "cluster 'c' in %s: certificate-authority-data is not valid base64"},
	{HEAD "clusters:\n- name: c\n  cluster: {server: https://h, certificate-authority-data: "
	 CA_B64 ", certificate-authority: ca.crt}\n",
	 "both certificate-authority and certificate-authority-data are set"},
	{HEAD "clusters:\n- name: c\n  cluster: {server: https://h, certificate-authority-data: "
	 CA_B64 ", insecure-skip-tls-verify: true}\n",
	 "cluster 'c' in %s: insecure-skip-tls-verify is set together with a certificate"},
	{HEAD "clusters:\n- name: c\n  cluster: {server: https://h, certificate-authority: "
	      "missing.crt}\n",
	 "cannot read certificate-authority "},
	{HEAD "clusters:\n- name: c\n  cluster: {server: https://h, proxy-url: ftp://p}\n",
	 "proxy-url must be"},
	{"contexts: []\n", "no context: current-context is not set"},
	{"current-context: x\nclusters: [\n", "kubeconfig %s:"},
	{"- a\n- b\n", "expected a mapping"},
	{"current-context: x\ncontexts:\n- name: x\n  context: {user: u}\n",
	 "context 'x' in %s: no cluster set"},
};

static void test_errors(void **state)
{
	char *p = path("bad/config");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		put("bad/config", bads[i].yaml);
		char want[512];
		const char *at = strstr(bads[i].want, "%s");
		if (at)
			snprintf(want, sizeof want, "%.*s%s%s", (int)(at - bads[i].want), bads[i].want,
			         p, at + 2);
		else
			snprintf(want, sizeof want, "%s", bads[i].want);
		load_err(&o, want);
	}
	free(p);
}

static void test_secrets_not_in_errors(void **state)
{
	put("sec/config", HEAD CL "users:\n- name: u\n  user: {token: SUPERSECRET, password: "
	                          "PASSWORD1, username: a}\n");
	char *p = path("sec/config");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	struct kubeconfig *kc = NULL;
	char err[512] = "";
	assert_int_equal(kubeconfig_load(&o, &kc, err, sizeof err), -1);
	assert_null(strstr(err, "SUPERSECRET"));
	assert_null(strstr(err, "PASSWORD1"));
	free(p);
}

static void test_base64(void **state)
{
	size_t n;
	char *s = kubeconfig_base64_decode("aGVsbG8gd29ybGQ=", &n);
	assert_string_equal(s, "hello world");
	assert_int_equal(n, 11);
	free(s);
	s = kubeconfig_base64_decode("aGVs\nbG8", &n); /* no padding, newline */
	assert_string_equal(s, "hello");
	free(s);
	assert_null(kubeconfig_base64_decode("a=b", &n));
	assert_null(kubeconfig_base64_decode("a", &n));
	assert_null(kubeconfig_base64_decode("ab$c", &n));
}

static void test_basic_auth_and_bare_server(void **state)
{
	put("ba/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, "
	                 "user: u}\nclusters:\n- name: c\n  cluster: {server: 'h:6443'}\n"
	                 "users:\n- name: u\n  user: {username: ann, password: pw}\n");
	char *p = path("ba/config");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->server, "https://h:6443");
	assert_string_equal(kc->username, "ann");
	assert_string_equal(kc->password, "pw");
	assert_null(kc->token);
	kubeconfig_free(kc);
	free(p);
}

/* user:password@ in the server URL is basic auth (Go's client and curl send it): it leaves
 * kc->server, which errors, snapshots, the console and the cache show, and becomes the
 * user's basic auth only when the user has no authentication of its own. */
static void test_server_userinfo(void **state)
{
	put("ui/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, "
	                 "user: u}\nclusters:\n- name: c\n  cluster: {server: "
	                 "'https://ann:S3cr%40t@h:6443/base'}\nusers:\n- name: u\n  user: {}\n");
	char *p = path("ui/config");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->server, "https://h:6443/base");
	assert_string_equal(kc->username, "ann");
	assert_string_equal(kc->password, "S3cr@t");
	kubeconfig_free(kc);
	/* a user with a token keeps it; the URL's password is dropped, not kept */
	put("ui/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, "
	                 "user: u}\nclusters:\n- name: c\n  cluster: {server: "
	                 "'http://ann:S3cret@127.0.0.1:1'}\nusers:\n- name: u\n  user: {token: t}\n");
	kc = load_ok(&o);
	assert_string_equal(kc->server, "http://127.0.0.1:1");
	assert_null(kc->username);
	assert_string_equal(kc->token, "t");
	kubeconfig_free(kc);
	/* a password with an unencoded '/', '?', '#' or '@' (a base64 one has '/') is taken
	 * whole: the userinfo ends at the last '@', so none of it stays in the URL that
	 * errors and the console show (an '@' in a path has to be written %40) */
	put("ui/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, "
	                 "user: u}\nclusters:\n- name: c\n  cluster: {server: "
	                 "'https://ann:p/a?b#c@d@h:6443/x'}\nusers:\n- name: u\n  user: {}\n");
	kc = load_ok(&o);
	assert_string_equal(kc->server, "https://h:6443/x");
	assert_string_equal(kc->username, "ann");
	assert_string_equal(kc->password, "p/a?b#c@d");
	kubeconfig_free(kc);
	put("ui/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
	                 "clusters:\n- name: c\n  cluster: {server: 'ann:p/q@[::1]:6443'}\n");
	kc = load_ok(&o);
	assert_string_equal(kc->server, "https://[::1]:6443"); /* bare host: https, as kubectl */
	assert_string_equal(kc->password, "p/q");
	kubeconfig_free(kc);
	put("ui/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
	                 "clusters:\n- name: c\n  cluster: {server: 'https://h/a%40b'}\n");
	kc = load_ok(&o);
	assert_string_equal(kc->server, "https://h/a%40b");
	assert_null(kc->username);
	kubeconfig_free(kc);
	free(p);
}

/* Scalars are strings as in Go's kubeconfig types: a numeric token stays "12345", and
 * insecure-skip-tls-verify accepts a YAML boolean. */
static void test_scalars(void **state)
{
	put("sc/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: "
	                 "u}\nclusters:\n- name: c\n  cluster: {server: https://h, "
	                 "insecure-skip-tls-verify: yes-not-a-bool}\n"
	                 "users:\n- name: u\n  user: {token: 012345}\n");
	char *p = path("sc/config");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->token, "012345");
	assert_false(kc->insecure);
	kubeconfig_free(kc);
	put("sc/config", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
	                 "clusters:\n- name: c\n  cluster: {server: https://h, "
	                 "insecure-skip-tls-verify: true}\n");
	kc = load_ok(&o);
	assert_true(kc->insecure);
	assert_string_equal(kc->user_name, "");
	kubeconfig_free(kc);
	free(p);
}

/* kubectl's flags over the kubeconfig (client-go tools/clientcmd client_config.go v0.32). */
static const char *two =
	"apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
	"clusters:\n- name: dev\n  cluster:\n    server: https://10.0.0.1:6443\n"
	"    certificate-authority-data: " CA_B64 "\n    tls-server-name: kubernetes\n"
	"- name: prod\n  cluster: {server: 'https://10.0.0.2:6443', disable-compression: true}\n"
	"contexts:\n- name: dev\n  context: {cluster: dev, user: admin, namespace: team-a}\n"
	"users:\n- name: admin\n  user:\n    token: abc123\n    as: alice\n    as-uid: u-1\n"
	"    as-groups: [devs, ops]\n    as-user-extra: {scopes: [view, edit], team: [a]}\n"
	"- name: bob\n  user: {token: bobtok, as-groups: [g-only]}\n";

static void test_flag_overrides(void **state)
{
	put("two/config", two);
	put("two/ca.crt", "-----BEGIN CERTIFICATE-----\nflag\n");
	char *p = path("two/config"), *ca = path("two/ca.crt");
	struct kubeconfig_opts o = {.explicit_path = p, .no_incluster = true};
	struct kubeconfig *kc = load_ok(&o);
	assert_true(kc->namespace_set);
	assert_string_equal(kc->impersonate_user, "alice");
	assert_string_equal(kc->impersonate_uid, "u-1");
	assert_string_equal(kc->impersonate_groups[0], "devs");
	assert_string_equal(kc->impersonate_groups[1], "ops");
	assert_null(kc->impersonate_groups[2]);
	assert_string_equal(kc->impersonate_extra[0], "scopes=view");
	assert_string_equal(kc->impersonate_extra[1], "scopes=edit");
	assert_string_equal(kc->impersonate_extra[2], "team=a");
	assert_false(kc->disable_compression);
	kubeconfig_free(kc);

	/* --cluster/--user; as-groups without as: no impersonation at all */
	o.cluster = "prod";
	o.user = "bob";
	kc = load_ok(&o);
	assert_string_equal(kc->server, "https://10.0.0.2:6443");
	assert_string_equal(kc->token, "bobtok");
	assert_null(kc->impersonate_user);
	assert_null(kc->impersonate_groups[0]);
	assert_true(kc->disable_compression);
	assert_null(kc->ca_pem);
	kubeconfig_free(kc);

	/* --as, --as-group replace; --as-uid replaces; --token replaces */
	const char *groups[] = {"g1", NULL};
	o.as = "carol";
	o.as_groups = groups;
	o.token = "flagtok";
	kc = load_ok(&o);
	assert_string_equal(kc->impersonate_user, "carol");
	assert_string_equal(kc->impersonate_groups[0], "g1");
	assert_null(kc->impersonate_groups[1]);
	assert_string_equal(kc->token, "flagtok");
	kubeconfig_free(kc);
	o.cluster = o.user = o.as = o.token = NULL;
	o.as_groups = NULL;

	/* --server drops tls-server-name unless --tls-server-name is given too */
	o.server = "https://127.0.0.1:9443/";
	kc = load_ok(&o);
	assert_string_equal(kc->server, "https://127.0.0.1:9443");
	assert_null(kc->tls_server_name);
	assert_non_null(kc->ca_pem);
	kubeconfig_free(kc);
	o.tls_server_name = "api.example";
	kc = load_ok(&o);
	assert_string_equal(kc->tls_server_name, "api.example");
	kubeconfig_free(kc);
	o.server = o.tls_server_name = NULL;

	/* --insecure-skip-tls-verify clears the kubeconfig's CA (no conflict error) */
	o.insecure_skip_tls_verify = true;
	kc = load_ok(&o);
	assert_true(kc->insecure);
	assert_null(kc->ca_pem);
	kubeconfig_free(kc);
	/* both flags: kubectl's error */
	o.certificate_authority = ca;
	load_err(&o, "insecure-skip-tls-verify is set together with a certificate authority");
	o.insecure_skip_tls_verify = false;
	kc = load_ok(&o);
	assert_string_equal(kc->ca_pem, "-----BEGIN CERTIFICATE-----\nflag\n");
	kubeconfig_free(kc);
	o.certificate_authority = "/nonexistent/ca.crt";
	load_err(&o, "--certificate-authority /nonexistent/ca.crt: No such file or directory");
	o.certificate_authority = NULL;

	/* a client certificate flag without a key */
	o.client_certificate = ca;
	load_err(&o, "client certificate set without a client key");
	o.client_certificate = NULL;

	/* -A, --request-timeout, --disable-compression pass through */
	o.all_namespaces = true;
	o.request_timeout_ms = 5000;
	o.disable_compression = true;
	kc = load_ok(&o);
	assert_true(kc->all_namespaces);
	assert_int_equal(kc->request_timeout_ms, 5000);
	assert_true(kc->disable_compression);
	kubeconfig_free(kc);

	/* unknown --cluster / --user name the flag */
	struct kubeconfig_opts o2 = {.explicit_path = p, .no_incluster = true, .cluster = "x"};
	load_err(&o2, "--cluster 'x': no such cluster in ");
	o2.cluster = NULL;
	o2.user = "y";
	load_err(&o2, "--user 'y': no such user in ");
	free(p);
	free(ca);
}

/* --server with no kubeconfig at all, and a context with no namespace (namespace_set false). */
static void test_server_only(void **state)
{
	char *missing = path("none/config");
	struct kubeconfig_opts o = {.env_kubeconfig = missing, .no_incluster = true,
	                            .server = "http://127.0.0.1:8080", .token = "t"};
	struct kubeconfig *kc = load_ok(&o);
	assert_string_equal(kc->server, "http://127.0.0.1:8080");
	assert_string_equal(kc->namespace_, "default");
	assert_false(kc->namespace_set);
	assert_string_equal(kc->token, "t");
	kubeconfig_free(kc);
	free(missing);
}

/* A kubeconfig that is a directory: "Is a directory", not an I/O error. */
static void test_directory(void **state)
{
	char *d = path("adir");
	mkdir(d, 0700);
	struct kubeconfig_opts o = {.explicit_path = d, .no_incluster = true};
	load_err(&o, "Is a directory");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_file),
		cmocka_unit_test(test_explicit_missing),
		cmocka_unit_test(test_merge_first_wins),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_home_and_none),
		cmocka_unit_test(test_incluster),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_secrets_not_in_errors),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_basic_auth_and_bare_server),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_server_userinfo),
		cmocka_unit_test(test_flag_overrides),
		cmocka_unit_test(test_server_only),
		cmocka_unit_test(test_directory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
