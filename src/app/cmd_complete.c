/* cmd_complete.c: shell completion in cobra's protocol, as kubectl 1.32 does it (cobra
 * completions.go: the hidden __complete command, its ShellCompDirective bits, and what it
 * lists for commands, flags and flag values); the bash, zsh and fish scripts that call it;
 * and `gammatop __flags`. Candidates from the cluster (namespaces, routes) are asked for
 * with a 2 s bound and fall back to the cache; contexts, clusters and users come from the
 * kubeconfig files (names only: nothing else of them is printed). See cmd_complete.h. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "cmd_complete.h"
#include "cmd_flags.h"
#include "gammatop/cache.h"
#include "gammatop/evloop.h"
#include "gammatop/kclient.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/manifest.h"
#include "gammatop/object.h"
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/theme.h"
#include "gammatop/topocache.h"
#include "gammatop/xalloc.h"

/* cobra's ShellCompDirective values (cobra completions.go) */
enum {
	DIR_ERROR = 1, DIR_NO_SPACE = 2, DIR_NO_FILE = 4, DIR_FILTER_EXT = 8, DIR_FILTER_DIRS = 16,
	DIR_KEEP_ORDER = 32, DIR_DEFAULT = 0
};

#define CLUSTER_BOUND_MS 2000 /* what completion waits for the cluster at most */

/* ---- what a command's table holds (read through cmd_describe_hook) ---- */

static const struct cmd_option *described_extra;
static const char *described_usage;

static void on_describe(const char *usage, const char *summary, const struct cmd_option *extra)
{
	(void)summary;
	described_usage = usage;
	described_extra = extra;
}

/* Run the command in describe mode: its own option table and usage line, nothing else. */
static void describe(const struct cmd_entry *c)
{
	char name[64], help[] = "--help";
	snprintf(name, sizeof name, "%s", c->name);
	char *argv[] = {name, help, NULL};
	described_extra = NULL;
	described_usage = NULL;
	cmd_describe_hook = on_describe;
	c->run(2, argv);
	cmd_describe_hook = NULL;
}

/* ---- output ---- */

static void candidate(const char *prefix, const char *value, const char *desc, const char *word)
{
	char *full = xasprintf("%s%s", prefix, value);
	if (!strncmp(full, word, strlen(word))) {
		/* text from a cluster or a kubeconfig: one line, no controls */
		char *v = str_sanitize(full);
		for (char *p = v; *p; p++)
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		if (desc && *desc)
			printf("%s\t%s\n", v, desc);
		else
			printf("%s\n", v);
		free(v);
	}
	free(full);
}

static int finish(int directive)
{
	static const char *const names[] = {"ShellCompDirectiveError", "ShellCompDirectiveNoSpace",
	                                    "ShellCompDirectiveNoFileComp",
	                                    "ShellCompDirectiveFilterFileExt",
	                                    "ShellCompDirectiveFilterDirs",
	                                    "ShellCompDirectiveKeepOrder"};
	printf(":%d\n", directive);
	fprintf(stderr, "Completion ended with directive:");
	if (!directive)
		fprintf(stderr, " ShellCompDirectiveDefault");
	for (int i = 0; i < 6; i++)
		if (directive & (1 << i))
			fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "\n");
	return 0;
}

/* ---- names from the kubeconfig files ---- */

/* The kubeconfig files kubectl would read: --kubeconfig, else $KUBECONFIG's list, else
 * ~/.kube/config (clientcmd's loading rules). */
static size_t kubeconfig_files(const struct cmd_opts *o, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	if (o->kubeconfig) {
		v = xcalloc(1, sizeof *v);
		v[n++] = xstrdup(o->kubeconfig);
	} else if (getenv("KUBECONFIG") && *getenv("KUBECONFIG")) {
		char *list = xstrdup(getenv("KUBECONFIG")), *save = NULL;
		for (char *t = strtok_r(list, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n++] = xstrdup(t);
		}
		free(list);
	} else if (getenv("HOME")) {
		v = xcalloc(1, sizeof *v);
		v[n++] = xasprintf("%s/.kube/config", getenv("HOME"));
	}
	*out = v;
	return n;
}

/* Print the names of section ("contexts", "clusters", "users") in every file, once each. */
static void kubeconfig_names(const struct cmd_opts *o, const char *section, const char *word)
{
	char **files;
	size_t n = kubeconfig_files(o, &files);
	json_t *seen = json_object();
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		FILE *f = stat(files[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (8 << 20)
		              ? fopen(files[i], "r")
		              : NULL;
		if (f) {
			char *text = xmalloc((size_t)st.st_size + 1);
			size_t len = fread(text, 1, (size_t)st.st_size, f);
			text[len] = '\0';
			char err[256];
			json_t *doc = manifest_yaml_to_json(text, len, err, sizeof err);
			json_t *list = json_object_get(doc, section);
			size_t k;
			json_t *e;
			json_array_foreach(list, k, e) {
				const char *name = json_string_value(json_object_get(e, "name"));
				if (name && !json_object_get(seen, name)) {
					json_object_set_new(seen, name, json_true());
					candidate("", name, NULL, word);
				}
			}
			json_decref(doc);
			free(text);
			fclose(f);
		}
		free(files[i]);
	}
	free(files);
	json_decref(seen);
}

/* ---- names from the cluster (bounded), else the cache ---- */

/* ns/name (or name, for namespaces) of the objects of kind in the list body. */
static size_t list_names(const char *body, bool with_ns, const char *word)
{
	json_t *doc = json_loads(body, 0, NULL);
	size_t k, n = 0;
	json_t *e;
	json_array_foreach(json_object_get(doc, "items"), k, e) {
		json_t *m = json_object_get(e, "metadata");
		const char *name = json_string_value(json_object_get(m, "name"));
		const char *ns = json_string_value(json_object_get(m, "namespace"));
		if (!name || (with_ns && !ns))
			continue;
		char *v = with_ns ? xasprintf("%s/%s", ns, name) : xstrdup(name);
		candidate("", v, NULL, word);
		free(v);
		n++;
	}
	json_decref(doc);
	return n;
}

/* What the cache last saw of this cluster: the namespaces or routes of its stored objects. */
static void from_cache(const struct cmd_opts *o, const struct kubeconfig *kc, bool routes,
                       const char *word)
{
	char err[512];
	char *notice = NULL;
	struct cache *c = cache_open_ro(o->cache_path, &notice, err, sizeof err);
	free(notice);
	if (!c)
		return;
	char *key = cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
	struct gt_store *s = store_new();
	int64_t at = 0;
	topocache_load(c, key, s, &at, err, sizeof err);
	json_t *seen = json_object();
	for (int kind = 0; kind < GT_KIND_COUNT; kind++) {
		if (routes && kind != GT_HTTPROUTE)
			continue;
		size_t n;
		const struct gt_object *const *v = store_list(s, (enum gt_kind)kind, &n);
		for (size_t i = 0; i < n; i++) {
			const char *ns = kind == GT_NAMESPACE ? v[i]->meta.name : v[i]->meta.namespace_;
			if (!ns)
				continue;
			char *item = routes ? xasprintf("%s/%s", ns, v[i]->meta.name) : xstrdup(ns);
			if (!json_object_get(seen, item)) {
				json_object_set_new(seen, item, json_true());
				candidate("", item, NULL, word);
			}
			free(item);
		}
	}
	json_decref(seen);
	store_free(s);
	free(key);
	cache_close(c);
}

/* Namespaces (routes false) or HTTPRoutes as NS/NAME (routes true; in -n NS when given). */
static void cluster_names(const struct cmd_opts *o, bool routes, const char *word)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	ko.no_incluster = true;
	struct kubeconfig *kc;
	char err[2048];
	if (kubeconfig_load(&ko, &kc, err, sizeof err) < 0)
		return;
	const struct kubeconfig *cfg = kc;
	struct evloop *loop = evloop_new();
	struct kclient *k = kclient_new(loop, kc); /* owns kc */
	const char *ns = routes && o->namespace_ && !o->all_namespaces ? o->namespace_ : NULL;
	char *path = kclient_path(k, routes ? GT_HTTPROUTE : GT_NAMESPACE, ns, NULL);
	struct kreq_opts ro = {.path = path, .what = routes ? "list httproutes" : "list namespaces",
	                       .timeout_ms = CLUSTER_BOUND_MS};
	struct kresult res;
	bool ok = kclient_fetch(k, &ro, &res, CLUSTER_BOUND_MS) == 0;
	if (ok)
		list_names(buf_str(&res.body), routes, word);
	else
		from_cache(o, cfg, routes, word);
	kresult_done(&res);
	free(path);
	kclient_free(k);
	evloop_free(loop);
}

/* ---- flags ---- */

static const struct cmd_option *find_flag(const struct cmd_option *const *tables,
                                          const char *word, bool *is_short)
{
	for (const struct cmd_option *const *t = tables; *t; t++)
		for (const struct cmd_option *o = *t; o->name; o++) {
			if (word[0] == '-' && word[1] == '-' && !strcmp(word + 2, o->name))
				return *is_short = false, o;
			if (word[0] == '-' && word[1] == o->val && o->val < 128 && !word[2])
				return *is_short = true, o;
		}
	return NULL;
}

static void list_flags(const struct cmd_option *const *tables, const char *word)
{
	for (const struct cmd_option *const *t = tables; *t; t++)
		for (const struct cmd_option *o = *t; o->name; o++) {
			char *f = xasprintf("--%s", o->name);
			candidate("", f, o->help, word);
			free(f);
			if (o->val > 0 && o->val < 128 && !strcmp(word, "-")) { /* cobra: "-" only */
				char s[3] = {'-', (char)o->val, '\0'};
				candidate("", s, o->help, word);
			}
		}
}

/* The formats in a usage line's "-o a|b|c". */
static void formats_of(const char *usage, const char *prefix, const char *word)
{
	const char *p = usage ? strstr(usage, "-o ") : NULL;
	if (!p)
		return;
	p += 3;
	size_t len = strcspn(p, " ]");
	char *list = xstrndup(p, len), *save = NULL;
	for (char *t = strtok_r(list, "|", &save); t; t = strtok_r(NULL, "|", &save))
		candidate(prefix, t, NULL, word);
	free(list);
}

/* Complete the value of flag o (word is what is typed of it; prefix "--flag=" or ""). */
static int complete_value(const struct cmd_option *o, const struct cmd_opts *opts,
                          const char *usage, const char *prefix, const char *word)
{
	static const char *const meshes[] = {"auto", "linkerd", "istio", "envoy-gateway"};
	size_t plen = strlen(prefix);
	const char *w = word + (strncmp(word, prefix, plen) ? 0 : plen);
	(void)w;
	const char *n = o->name;
	if (!strcmp(n, "context"))
		kubeconfig_names(opts, "contexts", word);
	else if (!strcmp(n, "cluster"))
		kubeconfig_names(opts, "clusters", word);
	else if (!strcmp(n, "user"))
		kubeconfig_names(opts, "users", word);
	else if (!strcmp(n, "namespace"))
		cluster_names(opts, false, word);
	else if (!strcmp(n, "output"))
		formats_of(usage, prefix, word);
	else if (!strcmp(n, "mesh"))
		for (size_t i = 0; i < 4; i++)
			candidate(prefix, meshes[i], NULL, word);
	else if (!strcmp(n, "theme")) {
		candidate(prefix, "default", NULL, word);
		for (size_t i = 0; theme_builtin_names[i]; i++)
			candidate(prefix, theme_builtin_names[i], NULL, word);
	}
	else if (!strcmp(n, "kubeconfig") || !strcmp(n, "manifests") || !strcmp(n, "cache") ||
	         !strcmp(n, "log") || !strcmp(n, "output-file") ||
	         !strcmp(n, "certificate-authority") || !strcmp(n, "client-certificate") ||
	         !strcmp(n, "client-key"))
		return finish(DIR_DEFAULT); /* the shell's file names */
	return finish(DIR_NO_FILE);
}

/* ---- the protocol ---- */

struct quiet { struct cmd_opts *o; };

static int on_quiet_flag(const struct cmd_option *opt, const char *value, void *ud)
{
	struct quiet *q = ud;
	cmd_set_common(q->o, opt, value); /* a command's own, or a bad value: ignored here */
	return 0;
}

int cmd_complete(int argc, char **argv, const struct cmd_entry *cmds, size_t n)
{
	if (argc < 2) /* nothing to complete: cobra needs at least the (empty) word */
		return finish(DIR_ERROR);
	const char *word = argv[argc - 1];
	/* the command: the first word that is not a flag (or a flag's value) */
	const struct cmd_entry *cmd = NULL;
	const struct cmd_option *common = cmd_common_options();
	const struct cmd_option *tables[3] = {common, NULL, NULL};
	int first_operand = -1, cmd_at = -1;
	for (int i = 1; i < argc - 1; i++) {
		const char *a = argv[i];
		bool is_short;
		if (a[0] == '-') {
			const struct cmd_option *f = !strchr(a, '=') ? find_flag(tables, a, &is_short) : NULL;
			if (f && f->has_arg)
				i++;
			continue;
		}
		for (size_t k = 0; k < n && !cmd; k++)
			if (!strcmp(a, cmds[k].name))
				cmd = &cmds[k], cmd_at = i;
		break;
	}
	if (cmd) {
		describe(cmd);
		if (described_extra)
			tables[0] = described_extra, tables[1] = common;
	}
	/* the options so far (for --kubeconfig, --context, -n, --server...) */
	struct cmd_opts opts;
	cmd_opts_init(&opts);
	int words = argc - 1;
	char **copy = xcalloc((size_t)words + 1, sizeof *copy);
	copy[0] = (char *)"complete";
	int nc = 1;
	for (int i = 1; i < words; i++)
		if (i != cmd_at)
			copy[nc++] = argv[i];
	struct quiet q = {&opts};
	char err[256];
	int idx = cmd_flags_parse(nc, copy, tables, on_quiet_flag, &q, err, sizeof err);
	int operands = idx > 0 ? nc - idx : 0;
	(void)first_operand;
	/* the value of a flag: "--flag=VALUE" in the word, or "--flag" / "-x" just before */
	int rc;
	bool is_short;
	const char *eq = word[0] == '-' ? strchr(word, '=') : NULL;
	const char *prev = argc >= 3 ? argv[argc - 2] : "";
	const struct cmd_option *pf = prev[0] == '-' && !strchr(prev, '=')
	                                  ? find_flag(tables, prev, &is_short)
	                                  : NULL;
	if (eq) {
		char *name = xstrndup(word, (size_t)(eq - word));
		const struct cmd_option *f = find_flag(tables, name, &is_short);
		char *prefix = xstrndup(word, (size_t)(eq - word) + 1);
		rc = f && f->has_arg ? complete_value(f, &opts, described_usage, prefix, word)
		                     : finish(DIR_NO_FILE);
		free(prefix);
		free(name);
	} else if (pf && pf->has_arg) {
		rc = complete_value(pf, &opts, described_usage, "", word);
	} else if (word[0] == '-') {
		list_flags(tables, word);
		rc = finish(DIR_NO_FILE);
	} else if (!cmd) {
		for (size_t k = 0; k < n; k++)
			candidate("", cmds[k].name, cmds[k].summary, word);
		rc = finish(DIR_NO_FILE);
	} else if (!strcmp(cmd->name, "completion")) {
		static const char *const shells[] = {"bash", "zsh", "fish"};
		for (size_t k = 0; k < 3 && operands == 0; k++)
			candidate("", shells[k], NULL, word);
		rc = finish(DIR_NO_FILE);
	} else if ((!strcmp(cmd->name, "set") || !strcmp(cmd->name, "changes") ||
	            !strcmp(cmd->name, "history")) && operands == 0 && !opts.n_manifests) {
		cluster_names(&opts, true, word);
		rc = finish(DIR_NO_FILE);
	} else if (!strcmp(cmd->name, "diff")) {
		rc = finish(DIR_DEFAULT); /* snapshot files */
	} else {
		rc = finish(DIR_NO_FILE);
	}
	free(copy);
	cmd_opts_done(&opts);
	return rc;
}

int cmd_flags_list(const struct cmd_entry *cmds, size_t n)
{
	for (const struct cmd_option *o = cmd_common_options(); o->name; o++)
		printf("* --%s\n", o->name);
	for (size_t k = 0; k < n; k++) {
		describe(&cmds[k]);
		for (const struct cmd_option *o = described_extra; o && o->name; o++)
			printf("%s --%s\n", cmds[k].name, o->name);
	}
	return 0;
}
