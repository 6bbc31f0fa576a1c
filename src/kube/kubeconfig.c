/* kubeconfig.c: find, parse (libyaml), merge and resolve kubeconfig files the way kubectl's
 * clientcmd does (see kubeconfig.h): first file wins for every named entry, relative paths
 * against the defining file's directory, kubectl's validation errors, in-cluster fallback. */
#include "gammatop/kubeconfig.h"
#include "gammatop/secret.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_FILE (16u << 20)
#define MAX_DEPTH 64
#define MAX_NODES 200000

struct kfile {
	char *path, *dir;
	json_t *root; /* object, or NULL for an empty file */
};

struct kset {
	struct kfile *files;
	size_t n;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void free_secret(char *s, size_t len);
static void free_secret_str(char *s) { free_secret(s, 0); }
static void free_list(char **l);

/* Read a whole file; NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct {
		char *d;
		size_t n, cap;
	} b = {NULL, 0, 0};
	for (;;) {
		if (b.n + 4096 + 1 > b.cap) {
			b.cap = b.cap ? b.cap * 2 : 8192;
			b.d = xrealloc(b.d, b.cap);
		}
		size_t r = fread(b.d + b.n, 1, b.cap - b.n - 1, f);
		b.n += r;
		if (b.n > MAX_FILE) {
			fclose(f);
			free(b.d);
			errno = EFBIG;
			return NULL;
		}
		if (r == 0)
			break;
	}
	int bad = ferror(f), saved = errno;
	fclose(f);
	if (bad) {
		free(b.d);
		errno = saved == EISDIR ? EISDIR : EIO; /* a directory: "Is a directory" */
		return NULL;
	}
	b.d[b.n] = 0;
	*len = b.n;
	return b.d;
}

/* ---- YAML -> JSON. Unlike manifest_yaml_to_json, scalars stay strings (plain null/~
 * become null): kubeconfig fields are Go strings, so `token: 12345` is the string "12345". */

static json_t *node_to_json(yaml_document_t *doc, yaml_node_t *n, int depth, size_t *budget)
{
	if (!n || depth > MAX_DEPTH || (*budget)-- == 0)
		return NULL;
	switch (n->type) {
	case YAML_SCALAR_NODE: {
		const char *v = (const char *)n->data.scalar.value;
		size_t len = n->data.scalar.length;
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (len == 0 || strcmp(v, "null") == 0 || strcmp(v, "~") == 0 ||
		     strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0))
			return json_null();
		return json_stringn(v, len);
	}
	case YAML_SEQUENCE_NODE: {
		json_t *a = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			json_t *c = node_to_json(doc, yaml_document_get_node(doc, *it), depth + 1, budget);
			if (!c) {
				json_decref(a);
				return NULL;
			}
			json_array_append_new(a, c);
		}
		return a;
	}
	case YAML_MAPPING_NODE: {
		json_t *o = json_object();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
		     p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			json_t *c = node_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1,
			                         budget);
			if (!c) {
				json_decref(o);
				return NULL;
			}
			char *key = xstrndup((const char *)k->data.scalar.value, k->data.scalar.length);
			json_object_set_new(o, key, c);
			free(key);
		}
		return o;
	}
	default:
		return NULL;
	}
}

/* Parse text; *root NULL for an empty document. Returns 0 or -1 with err. */
static int parse_yaml(const char *text, size_t len, const char *name, json_t **root, char *err,
                      size_t errlen)
{
	yaml_parser_t p;
	yaml_document_t doc;
	*root = NULL;
	if (!yaml_parser_initialize(&p)) {
		set_err(err, errlen, "kubeconfig %s: cannot initialise the YAML parser", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		set_err(err, errlen, "kubeconfig %s:%zu: %s", name, p.problem_mark.line + 1,
		        p.problem ? p.problem : "invalid YAML");
		yaml_parser_delete(&p);
		return -1;
	}
	int rc = 0;
	yaml_node_t *top = yaml_document_get_root_node(&doc);
	if (top) {
		size_t budget = MAX_NODES;
		json_t *j = node_to_json(&doc, top, 0, &budget);
		if (!j) {
			set_err(err, errlen, "kubeconfig %s: too deeply nested or too large", name);
			rc = -1;
		} else if (json_is_null(j)) {
			json_decref(j);
		} else if (!json_is_object(j)) {
			set_err(err, errlen, "kubeconfig %s: expected a mapping at the top", name);
			json_decref(j);
			rc = -1;
		} else {
			*root = j;
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return rc;
}

/* ---- helpers over the JSON tree ---- */

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jbool(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_true(v))
		return true;
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	return s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		char cwd[4096];
		return xstrdup(getcwd(cwd, sizeof cwd) ? cwd : ".");
	}
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static char *resolve_path(const char *dir, const char *p)
{
	if (str_empty(p))
		return NULL;
	if (p[0] == '/')
		return xstrdup(p);
	while (p[0] == '.' && p[1] == '/') /* "./ca.crt": name it dir/ca.crt in messages */
		for (p += 2; *p == '/'; p++)
			;
	return xasprintf("%s%s%s", dir, str_ends(dir, "/") ? "" : "/", p);
}

/* The named entry of section ("clusters", "users", "contexts"), first file wins. The inner
 * object (under field) is returned and *file set; NULL when absent. */
static const json_t *lookup(const struct kset *ks, const char *section, const char *field,
                            const char *name, const struct kfile **file)
{
	for (size_t i = 0; i < ks->n; i++) {
		const json_t *arr = json_object_get(ks->files[i].root, section);
		size_t k;
		const json_t *e;
		json_array_foreach(arr, k, e)
		{
			if (!str_eq(jstr(e, "name"), name))
				continue;
			*file = &ks->files[i];
			const json_t *inner = json_object_get(e, field);
			static json_t *empty;
			if (!empty)
				empty = json_object();
			return json_is_object(inner) ? inner : empty;
		}
	}
	return NULL;
}

static const char *current_context(const struct kset *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		const char *c = jstr(ks->files[i].root, "current-context");
		if (!str_empty(c))
			return c;
	}
	return NULL;
}

char *kubeconfig_base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s);
	unsigned char *out = xmalloc(n / 4 * 3 + 4);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	bool pad = false;
	for (; *s; s++) {
		int v;
		char c = *s;
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad = true;
			continue;
		}
		if (pad)
			goto bad;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (bits >= 6)
		goto bad;
	out[o] = 0;
	*len = o;
	return (char *)out;
bad:
	free(out);
	return NULL;
}

/* Read data (base64 field) or file (path field) into *pem. 0, or -1 with err. */
static int load_pem(const json_t *e, const char *data_key, const char *file_key,
                    const char *what, const struct kfile *f, char **pem, size_t *len, char *err,
                    size_t errlen)
{
	const char *data = jstr(e, data_key), *file = jstr(e, file_key);
	if (!str_empty(data) && !str_empty(file)) {
		set_err(err, errlen, "%s in %s: both %s and %s are set; use one", what, f->path,
		        file_key, data_key);
		return -1;
	}
	if (!str_empty(data)) {
		*pem = kubeconfig_base64_decode(data, len);
		if (!*pem) {
			set_err(err, errlen, "%s in %s: %s is not valid base64", what, f->path, data_key);
			return -1;
		}
		return 0;
	}
	if (!str_empty(file)) {
		char *path = resolve_path(f->dir, file);
		*pem = slurp(path, len);
		if (!*pem) {
			set_err(err, errlen, "%s in %s: cannot read %s %s: %s", what, f->path, file_key,
			        path, strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

static int load_cluster(struct kubeconfig *kc, const json_t *c, const struct kfile *f,
                        char *err, size_t errlen)
{
	char what[300];
	snprintf(what, sizeof what, "cluster '%s'", kc->cluster_name);
	kc->cluster_file = xstrdup(f->path);
	const char *server = jstr(c, "server");
	if (str_empty(server)) {
		set_err(err, errlen, "%s in %s: no server set", what, f->path);
		return -1;
	}
	if (!str_starts(server, "https://") && !str_starts(server, "http://")) {
		/* kubectl assumes https for a bare host[:port] */
		kc->server = xasprintf("https://%s", server);
	} else {
		kc->server = xstrdup(server);
	}
	size_t n = strlen(kc->server);
	while (n > 8 && kc->server[n - 1] == '/')
		kc->server[--n] = 0;
	kc->insecure = jbool(c, "insecure-skip-tls-verify");
	kc->tls_server_name = xstrdup_null(jstr(c, "tls-server-name"));
	kc->proxy_url = xstrdup_null(jstr(c, "proxy-url"));
	if (kc->proxy_url && !str_starts(kc->proxy_url, "http://") &&
	    !str_starts(kc->proxy_url, "https://") && !str_starts(kc->proxy_url, "socks5://") &&
	    !str_starts(kc->proxy_url, "socks5h://")) {
		set_err(err, errlen, "%s in %s: proxy-url must be http://, https:// or socks5://",
		        what, f->path);
		return -1;
	}
	size_t xi;
	const json_t *x;
	json_array_foreach(json_object_get(c, "extensions"), xi, x)
	{
		const json_t *ext = json_object_get(x, "extension");
		if (str_eq(jstr(x, "name"), "client.authentication.k8s.io/exec") && ext &&
		    !kc->exec_cluster_config)
			kc->exec_cluster_config = json_dumps(ext, JSON_COMPACT | JSON_ENCODE_ANY);
	}
	kc->disable_compression = jbool(c, "disable-compression");
	if (load_pem(c, "certificate-authority-data", "certificate-authority", what, f,
	             &kc->ca_pem, &kc->ca_len, err, errlen) < 0)
		return -1;
	return 0;
}

/* Read a file named on the command line (relative to the working directory, as kubectl). */
static int load_flag_file(const char *flag, const char *path, char **pem, size_t *len,
                          char *err, size_t errlen)
{
	char *d = slurp(path, len);
	if (!d) {
		set_err(err, errlen, "%s %s: %s", flag, path, strerror(errno));
		return -1;
	}
	*pem = d;
	return 0;
}

/* kubectl's cluster flags over the cluster entry (client-go tools/clientcmd client_config.go
 * getCluster, v0.32): --server replaces the URL and, with it, tls-server-name (by the
 * flag's value, possibly none); --insecure-skip-tls-verify or --certificate-authority
 * replace both the CA and the skip setting. Then kubectl's validation: not both. */
static int cluster_overrides(struct kubeconfig *kc, const struct kubeconfig_opts *o, char *err,
                             size_t errlen)
{
	if (!str_empty(o->server)) {
		free_secret_str(kc->server);
		kc->server = !str_starts(o->server, "https://") && !str_starts(o->server, "http://")
		                     ? xasprintf("https://%s", o->server)
		                     : xstrdup(o->server);
		size_t n = strlen(kc->server);
		while (n > 8 && kc->server[n - 1] == '/')
			kc->server[--n] = 0;
	}
	if (!str_empty(o->tls_server_name) || !str_empty(o->server)) {
		free(kc->tls_server_name);
		kc->tls_server_name = xstrdup_null(str_empty(o->tls_server_name) ? NULL
		                                                                 : o->tls_server_name);
	}
	if (o->insecure_skip_tls_verify || !str_empty(o->certificate_authority)) {
		kc->insecure = o->insecure_skip_tls_verify;
		free(kc->ca_pem);
		kc->ca_pem = NULL;
		kc->ca_len = 0;
		if (!str_empty(o->certificate_authority) &&
		    load_flag_file("--certificate-authority", o->certificate_authority, &kc->ca_pem,
		                   &kc->ca_len, err, errlen) < 0)
			return -1;
	}
	if (o->disable_compression)
		kc->disable_compression = true;
	if (kc->insecure && kc->ca_pem) {
		set_err(err, errlen,
		        "cluster '%s' in %s: insecure-skip-tls-verify is set together with a "
		        "certificate authority; use one",
		        kc->cluster_name, str_or(kc->cluster_file, "the command line"));
		return -1;
	}
	return 0;
}

static char **string_list(const json_t *arr)
{
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0, k = 0, i;
	char **out = xcalloc(n + 1, sizeof *out);
	const json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v))
			out[k++] = xstrdup(json_string_value(v));
	}
	return out;
}

static int load_exec(struct kubeconfig *kc, const json_t *x, const struct kfile *f,
                     const char *what, char *err, size_t errlen)
{
	struct kc_exec *e = kc->exec = xcalloc(1, sizeof *e);
	const char *cmd = jstr(x, "command"), *api = jstr(x, "apiVersion");
	if (str_empty(cmd)) {
		set_err(err, errlen, "%s in %s: exec has no command", what, f->path);
		return -1;
	}
	if (str_empty(api)) {
		set_err(err, errlen, "%s in %s: exec has no apiVersion", what, f->path);
		return -1;
	}
	if (strcmp(api, "client.authentication.k8s.io/v1") != 0 &&
	    strcmp(api, "client.authentication.k8s.io/v1beta1") != 0) {
		set_err(err, errlen,
		        "%s in %s: exec apiVersion '%s' is not supported (use "
		        "client.authentication.k8s.io/v1 or v1beta1)",
		        what, f->path, api);
		return -1;
	}
	e->command = strchr(cmd, '/') ? resolve_path(f->dir, cmd) : xstrdup(cmd);
	e->api_version = xstrdup(api);
	e->args = string_list(json_object_get(x, "args"));
	const json_t *env = json_object_get(x, "env");
	size_t n = json_is_array(env) ? json_array_size(env) : 0, k = 0, i;
	e->env = xcalloc(n + 1, sizeof *e->env);
	const json_t *v;
	json_array_foreach(env, i, v)
	{
		const char *name = jstr(v, "name"), *val = jstr(v, "value");
		if (str_empty(name)) {
			set_err(err, errlen, "%s in %s: exec.env[%zu] has no name", what, f->path, i);
			return -1;
		}
		e->env[k++] = xasprintf("%s=%s", name, val ? val : "");
	}
	const char *mode = jstr(x, "interactiveMode");
	if (str_empty(mode)) {
		if (strstr(api, "/v1beta1") == NULL) {
			set_err(err, errlen, "%s in %s: exec interactiveMode must be set for %s", what,
			        f->path, api);
			return -1;
		}
		mode = "IfAvailable";
	}
	if (strcmp(mode, "Never") != 0 && strcmp(mode, "IfAvailable") != 0 &&
	    strcmp(mode, "Always") != 0) {
		set_err(err, errlen,
		        "%s in %s: exec interactiveMode '%s' is invalid (Never, IfAvailable, Always)",
		        what, f->path, mode);
		return -1;
	}
	e->interactive_mode = xstrdup(mode);
	e->provide_cluster_info = jbool(x, "provideClusterInfo");
	e->install_hint = xstrdup_null(jstr(x, "installHint"));
	return 0;
}

/* as, as-uid, as-groups, as-user-extra (client-go tools/clientcmd/api/v1 types.go AuthInfo,
 * v0.32). Kept even without 'as'; user_overrides drops them then, as clientcmd does. */
static int load_impersonation(struct kubeconfig *kc, const json_t *u, const struct kfile *f,
                              const char *what, char *err, size_t errlen)
{
	kc->impersonate_user = xstrdup_null(str_empty(jstr(u, "as")) ? NULL : jstr(u, "as"));
	kc->impersonate_uid = xstrdup_null(str_empty(jstr(u, "as-uid")) ? NULL : jstr(u, "as-uid"));
	const json_t *groups = json_object_get(u, "as-groups");
	if (groups && !json_is_array(groups) && !json_is_null(groups)) {
		set_err(err, errlen, "%s in %s: as-groups must be a list of strings", what, f->path);
		return -1;
	}
	free_list(kc->impersonate_groups);
	kc->impersonate_groups = string_list(groups);
	const json_t *extra = json_object_get(u, "as-user-extra");
	if (extra && !json_is_object(extra) && !json_is_null(extra)) {
		set_err(err, errlen, "%s in %s: as-user-extra must be a map of lists of strings", what,
		        f->path);
		return -1;
	}
	size_t n = 0;
	const char *key;
	const json_t *vals;
	json_object_foreach((json_t *)extra, key, vals)
		n += json_is_array(vals) ? json_array_size(vals) : 1;
	free_list(kc->impersonate_extra);
	kc->impersonate_extra = xcalloc(n + 1, sizeof *kc->impersonate_extra);
	size_t k = 0;
	json_object_foreach((json_t *)extra, key, vals)
	{
		size_t i;
		const json_t *v;
		if (!json_is_array(vals) && !json_is_null(vals)) {
			set_err(err, errlen, "%s in %s: as-user-extra.%s must be a list of strings", what,
			        f->path, key);
			return -1;
		}
		json_array_foreach(vals, i, v)
		{
			if (!json_is_string(v)) {
				set_err(err, errlen, "%s in %s: as-user-extra.%s[%zu] is not a string", what,
				        f->path, key, i);
				return -1;
			}
			kc->impersonate_extra[k++] = xasprintf("%s=%s", key, json_string_value(v));
		}
	}
	return 0;
}

/* Impersonation values go into HTTP headers: a control character (a newline would start a
 * header of its own) is refused, as Go's net/http refuses such a header value. */
static bool header_safe(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int check_impersonation(const struct kubeconfig *kc, char *err, size_t errlen)
{
	const char *bad = !header_safe(kc->impersonate_user) ? "as (--as)"
	                  : !header_safe(kc->impersonate_uid) ? "as-uid (--as-uid)"
	                                                      : NULL;
	for (char **g = kc->impersonate_groups; !bad && g && *g; g++)
		if (!header_safe(*g))
			bad = "as-groups (--as-group)";
	for (char **x = kc->impersonate_extra; !bad && x && *x; x++)
		if (!header_safe(*x))
			bad = "as-user-extra";
	if (!bad)
		return 0;
	set_err(err, errlen, "user '%s': %s holds a control character, which cannot be sent in a "
	        "header", kc->user_name, bad);
	return -1;
}

/* kubectl's user flags over the user entry (client-go client_config.go getAuthInfo and
 * getUserIdentificationPartialConfig, v0.32): --token sets the token (a tokenFile of the
 * entry still wins when readable, as client-go's file token source does);
 * --client-certificate/--client-key replace the entry's; --as/--as-uid/--as-group replace
 * theirs; without a user to impersonate there is no impersonation at all. */
static int user_overrides(struct kubeconfig *kc, const struct kubeconfig_opts *o, char *err,
                          size_t errlen)
{
	if (!str_empty(o->token)) {
		free_secret_str(kc->token);
		kc->token = xstrdup(o->token);
	}
	if (!str_empty(o->client_certificate)) {
		free(kc->cert_pem);
		kc->cert_pem = NULL;
		if (load_flag_file("--client-certificate", o->client_certificate, &kc->cert_pem,
		                   &kc->cert_len, err, errlen) < 0)
			return -1;
	}
	if (!str_empty(o->client_key)) {
		free_secret(kc->key_pem, kc->key_len);
		kc->key_pem = NULL;
		if (load_flag_file("--client-key", o->client_key, &kc->key_pem, &kc->key_len, err,
		                   errlen) < 0)
			return -1;
	}
	if (kc->cert_pem && !kc->key_pem) {
		set_err(err, errlen, "user '%s': client certificate set without a client key",
		        kc->user_name);
		return -1;
	}
	if (kc->key_pem && !kc->cert_pem) {
		set_err(err, errlen, "user '%s': client key set without a client certificate",
		        kc->user_name);
		return -1;
	}
	if (!str_empty(o->as)) {
		free(kc->impersonate_user);
		kc->impersonate_user = xstrdup(o->as);
	}
	if (!str_empty(o->as_uid)) {
		free(kc->impersonate_uid);
		kc->impersonate_uid = xstrdup(o->as_uid);
	}
	if (o->as_groups && o->as_groups[0]) {
		free_list(kc->impersonate_groups);
		size_t n = 0;
		while (o->as_groups[n])
			n++;
		kc->impersonate_groups = xcalloc(n + 1, sizeof *kc->impersonate_groups);
		for (size_t i = 0; i < n; i++)
			kc->impersonate_groups[i] = xstrdup(o->as_groups[i]);
	}
	if (!kc->impersonate_groups)
		kc->impersonate_groups = xcalloc(1, sizeof *kc->impersonate_groups);
	if (!kc->impersonate_extra)
		kc->impersonate_extra = xcalloc(1, sizeof *kc->impersonate_extra);
	if (str_empty(kc->impersonate_user)) {
		free(kc->impersonate_user);
		free(kc->impersonate_uid);
		kc->impersonate_user = kc->impersonate_uid = NULL;
		free_list(kc->impersonate_groups);
		free_list(kc->impersonate_extra);
		kc->impersonate_groups = xcalloc(1, sizeof *kc->impersonate_groups);
		kc->impersonate_extra = xcalloc(1, sizeof *kc->impersonate_extra);
	}
	return check_impersonation(kc, err, errlen);
}

/* auth-provider oidc's config (client-go plugin/pkg/client/auth/oidc/oidc.go, v0.32). */
static int load_oidc(struct kubeconfig *kc, const json_t *cfg, const struct kfile *f,
                     const char *what, char *err, size_t errlen)
{
	struct kc_oidc *o = kc->oidc = xcalloc(1, sizeof *o);
	const char *issuer = jstr(cfg, "idp-issuer-url"), *id = jstr(cfg, "client-id");
	if (str_empty(issuer) || str_empty(id)) {
		set_err(err, errlen, "%s in %s: auth-provider oidc: Must provide %s", what, f->path,
		        str_empty(issuer) ? "idp-issuer-url" : "client-id");
		return -1;
	}
	o->issuer_url = xstrdup(issuer);
	o->client_id = xstrdup(id);
	o->client_secret = xstrdup_null(jstr(cfg, "client-secret"));
	o->refresh_token = xstrdup_null(str_empty(jstr(cfg, "refresh-token")) ? NULL
	                                                                      : jstr(cfg, "refresh-token"));
	o->id_token = xstrdup_null(str_empty(jstr(cfg, "id-token")) ? NULL : jstr(cfg, "id-token"));
	if (!o->id_token && !o->refresh_token) {
		set_err(err, errlen, "%s in %s: auth-provider oidc: No valid id-token, and cannot "
		        "refresh without refresh-token", what, f->path);
		return -1;
	}
	char w[400];
	snprintf(w, sizeof w, "%s auth-provider oidc", what);
	return load_pem(cfg, "idp-certificate-authority-data", "idp-certificate-authority", w, f,
	                &o->idp_ca_pem, &o->idp_ca_len, err, errlen);
}

static int load_user(struct kubeconfig *kc, const json_t *u, const struct kfile *f, char *err,
                     size_t errlen)
{
	char what[300];
	snprintf(what, sizeof what, "user '%s'", kc->user_name);
	kc->user_file = xstrdup(f->path);
	if (load_pem(u, "client-certificate-data", "client-certificate", what, f, &kc->cert_pem,
	             &kc->cert_len, err, errlen) < 0 ||
	    load_pem(u, "client-key-data", "client-key", what, f, &kc->key_pem, &kc->key_len, err,
	             errlen) < 0)
		return -1;
	if (kc->cert_pem && !kc->key_pem) {
		set_err(err, errlen, "%s in %s: client-certificate set without client-key", what,
		        f->path);
		return -1;
	}
	if (kc->key_pem && !kc->cert_pem) {
		set_err(err, errlen, "%s in %s: client-key set without client-certificate", what,
		        f->path);
		return -1;
	}
	const char *token = jstr(u, "token"), *token_file = jstr(u, "tokenFile");
	const char *username = jstr(u, "username"), *password = jstr(u, "password");
	const json_t *exec = json_object_get(u, "exec");
	const json_t *ap = json_object_get(u, "auth-provider");
	char methods[128] = "";
	int count = 0;
	if (!str_empty(token) || !str_empty(token_file)) {
		strcat(methods, " token");
		count++;
	}
	if (!str_empty(username) || !str_empty(password)) {
		strcat(methods, " basicAuth");
		count++;
	}
	if (json_is_object(exec)) {
		strcat(methods, " exec");
		count++;
	}
	if (json_is_object(ap)) {
		strcat(methods, " auth-provider");
		count++;
	}
	if (count > 1) {
		set_err(err, errlen,
		        "%s in %s: more than one authentication method found (%s ); only one is allowed",
		        what, f->path, methods + 1);
		return -1;
	}
	if (!str_empty(token))
		kc->token = xstrdup(token);
	if (!str_empty(token_file)) {
		kc->token_file = resolve_path(f->dir, token_file);
		size_t len;
		char *t = slurp(kc->token_file, &len);
		if (!t && str_empty(token)) {
			set_err(err, errlen, "%s in %s: cannot read tokenFile %s: %s", what, f->path,
			        kc->token_file, strerror(errno));
			return -1;
		}
		if (t && !kc->token) {
			while (len && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' '))
				t[--len] = 0;
			kc->token = t;
		} else {
			free(t);
		}
	}
	if (!str_empty(username)) {
		kc->username = xstrdup(username);
		kc->password = xstrdup(password ? password : "");
	}
	if (json_is_object(exec) && load_exec(kc, exec, f, what, err, errlen) < 0)
		return -1;
	if (load_impersonation(kc, u, f, what, err, errlen) < 0)
		return -1;
	if (json_is_object(ap)) {
		const char *name = jstr(ap, "name");
		const char *idt = jstr(json_object_get(ap, "config"), "id-token");
		kc->auth_provider = xstrdup(str_or(name, "unknown"));
		if (str_eq(name, "oidc")) {
			if (load_oidc(kc, json_object_get(ap, "config"), f, what, err, errlen) < 0)
				return -1;
		} else if (str_empty(idt)) {
			set_err(err, errlen,
			        "%s in %s: auth-provider '%s' is no longer supported; use an exec "
			        "credential plugin (e.g. gke-gcloud-auth-plugin, kubelogin)",
			        what, f->path, kc->auth_provider);
			return -1;
		}
		if (!str_empty(idt))
			kc->token = xstrdup(idt);
	}
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decode n bytes of s into a new string. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *p = out;
	for (size_t i = 0; i < n; i++) {
		int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
		if (s[i] == '%' && hi >= 0 && lo >= 0) {
			*p++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*p++ = s[i];
		}
	}
	*p = 0;
	return out;
}

/* A server URL may carry user:password@ (Go's HTTP client, and curl, send it as basic
 * auth). Take it out of kc->server, which is shown in errors, the snapshot's source, the
 * console header and the cache, and keep it as the user's basic auth when the user entry
 * has no authentication of its own (it is then sent only over https, as any password).
 * The userinfo ends at the last '@' (secret_url_userinfo): a password with an unencoded
 * '/', '?' or '#' is still taken out whole, never left in the URL. */
static void take_server_userinfo(struct kubeconfig *kc)
{
	size_t b, e;
	if (!secret_url_userinfo(kc->server, &b, &e))
		return;
	char *auth = kc->server + b, *at = kc->server + e;
	bool has_auth = kc->token || kc->token_file || kc->username || kc->exec ||
	                kc->cert_pem || kc->auth_provider;
	if (!has_auth) {
		char *colon = memchr(auth, ':', (size_t)(at - auth));
		char *uend = colon ? colon : at;
		kc->username = pct_decode(auth, (size_t)(uend - auth));
		kc->password = colon ? pct_decode(colon + 1, (size_t)(at - colon - 1)) : xstrdup("");
		if (!*kc->username) {
			free(kc->username);
			free_secret(kc->password, 0);
			kc->username = kc->password = NULL;
		}
	}
	memset(auth, 0, (size_t)(at + 1 - auth));
	memmove(auth, at + 1, strlen(at + 1) + 1);
}

static int resolve(struct kset *ks, const struct kubeconfig_opts *o, struct kubeconfig *kc,
                   char *err, size_t errlen)
{
	const char *ctx = !str_empty(o->context) ? o->context : current_context(ks);
	if (str_empty(ctx) && (!str_empty(o->server) || !str_empty(o->cluster)))
		ctx = "";
	else if (str_empty(ctx)) {
		set_err(err, errlen,
		        "no context: current-context is not set in %s and no --context was given",
		        kc->files);
		return -1;
	}
	kc->context = xstrdup(ctx);
	const struct kfile *cf = NULL, *clf = NULL, *uf = NULL;
	const json_t *c = lookup(ks, "contexts", "context", ctx, &cf);
	static json_t *no_context;
	if (!c && !*ctx) { /* --server/--cluster without a context, as kubectl allows */
		if (!no_context)
			no_context = json_object();
		c = no_context;
	}
	if (!c) {
		set_err(err, errlen, "context '%s' not found in %s", ctx, kc->files);
		return -1;
	}
	/* --cluster and --user replace the context's (client-go getClusterName/getAuthInfoName) */
	const char *cluster = !str_empty(o->cluster) ? o->cluster : jstr(c, "cluster");
	const char *user = !str_empty(o->user) ? o->user : jstr(c, "user");
	if (str_empty(cluster) && !str_empty(o->server)) {
		kc->cluster_name = xstrdup("");
		if (cluster_overrides(kc, o, err, errlen) < 0)
			return -1;
		goto user;
	}
	if (str_empty(cluster)) {
		set_err(err, errlen, "context '%s' in %s: no cluster set", ctx, cf ? cf->path : "");
		return -1;
	}
	kc->cluster_name = xstrdup(cluster);
	const json_t *cl = lookup(ks, "clusters", "cluster", cluster, &clf);
	if (!cl) {
		if (!str_empty(o->cluster))
			set_err(err, errlen, "--cluster '%s': no such cluster in %s", cluster, kc->files);
		else
			set_err(err, errlen, "context '%s' in %s: cluster '%s' not found in %s", ctx,
			        cf->path, cluster, kc->files);
		return -1;
	}
	if (load_cluster(kc, cl, clf, err, errlen) < 0 || cluster_overrides(kc, o, err, errlen) < 0)
		return -1;
user:
	kc->user_name = xstrdup(user ? user : "");
	if (!str_empty(user)) {
		const json_t *u = lookup(ks, "users", "user", user, &uf);
		if (!u) {
			if (!str_empty(o->user))
				set_err(err, errlen, "--user '%s': no such user in %s", user, kc->files);
			else
				set_err(err, errlen, "context '%s' in %s: user '%s' not found in %s", ctx,
				        cf->path, user, kc->files);
			return -1;
		}
		if (load_user(kc, u, uf, err, errlen) < 0)
			return -1;
	}
	if (user_overrides(kc, o, err, errlen) < 0)
		return -1;
	take_server_userinfo(kc);
	const char *ns = !str_empty(o->namespace_) ? o->namespace_ : jstr(c, "namespace");
	kc->namespace_set = !str_empty(ns);
	kc->namespace_ = xstrdup(str_or(ns, "default"));
	kc->all_namespaces = o->all_namespaces;
	kc->request_timeout_ms = o->request_timeout_ms > 0 ? o->request_timeout_ms : 0;
	return 0;
}

static void kset_done(struct kset *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->files[i].path);
		free(ks->files[i].dir);
		json_decref(ks->files[i].root);
	}
	free(ks->files);
}

static void kset_add(struct kset *ks, const char *path, json_t *root)
{
	ks->files = xreallocarray(ks->files, ks->n + 1, sizeof *ks->files);
	ks->files[ks->n++] = (struct kfile){xstrdup(path), dir_of(path), root};
}

/* Read one file into ks. missing_ok: a missing file is skipped (returns 0). */
static int read_one(struct kset *ks, const char *path, bool missing_ok, char *err,
                    size_t errlen)
{
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->files[i].path, path) == 0)
			return 0; /* de-duplicated */
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		if (missing_ok && errno == ENOENT)
			return 0;
		set_err(err, errlen, "cannot read kubeconfig %s: %s", path, strerror(errno));
		return -1;
	}
	json_t *root;
	int rc = parse_yaml(text, len, path, &root, err, errlen);
	free(text);
	if (rc < 0)
		return -1;
	kset_add(ks, path, root);
	return 0;
}

static char *join_files(const struct kset *ks)
{
	size_t total = 1;
	for (size_t i = 0; i < ks->n; i++)
		total += strlen(ks->files[i].path) + 1;
	char *s = xcalloc(1, total);
	for (size_t i = 0; i < ks->n; i++) {
		if (i)
			strcat(s, ":");
		strcat(s, ks->files[i].path);
	}
	return s;
}

static int load_incluster(const struct kubeconfig_opts *o, struct kubeconfig *kc, char *err,
                          size_t errlen)
{
	const char *host = o->service_host ? o->service_host : getenv("KUBERNETES_SERVICE_HOST");
	const char *port = o->service_port ? o->service_port : getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = o->incluster_dir ? o->incluster_dir
	                                   : "/var/run/secrets/kubernetes.io/serviceaccount";
	if (str_empty(host) || str_empty(port))
		return 1;
	kc->token_file = xasprintf("%s/token", dir);
	size_t len;
	char *tok = slurp(kc->token_file, &len);
	if (!tok) {
		set_err(err, errlen, "in-cluster config: cannot read %s: %s", kc->token_file,
		        strerror(errno));
		return -1;
	}
	while (len && (tok[len - 1] == '\n' || tok[len - 1] == ' '))
		tok[--len] = 0;
	kc->token = tok;
	char *ca = xasprintf("%s/ca.crt", dir);
	kc->ca_pem = slurp(ca, &kc->ca_len);
	free(ca);
	kc->server = strchr(host, ':') ? xasprintf("https://[%s]:%s", host, port)
	                               : xasprintf("https://%s:%s", host, port);
	kc->context = xstrdup("in-cluster");
	kc->cluster_name = xstrdup("in-cluster");
	kc->cluster_file = xstrdup(dir);
	kc->user_name = xstrdup("serviceaccount");
	kc->user_file = xstrdup(dir);
	kc->files = xstrdup(dir);
	char *nsf = xasprintf("%s/namespace", dir);
	char *ns = slurp(nsf, &len);
	free(nsf);
	if (ns)
		while (len && (ns[len - 1] == '\n' || ns[len - 1] == ' '))
			ns[--len] = 0;
	kc->namespace_set = !str_empty(o->namespace_) || !str_empty(ns);
	kc->namespace_ = xstrdup(!str_empty(o->namespace_) ? o->namespace_
	                                                  : (!str_empty(ns) ? ns : "default"));
	free(ns);
	kc->all_namespaces = o->all_namespaces;
	kc->request_timeout_ms = o->request_timeout_ms > 0 ? o->request_timeout_ms : 0;
	if (cluster_overrides(kc, o, err, errlen) < 0 || user_overrides(kc, o, err, errlen) < 0)
		return -1;
	return 0;
}

static int finish(struct kset *ks, const struct kubeconfig_opts *o, struct kubeconfig **out,
                  const char *tried, char *err, size_t errlen)
{
	struct kubeconfig *kc = xcalloc(1, sizeof *kc);
	int rc;
	if (ks->n == 0 && !str_empty(o->server)) { /* kubectl --server with no kubeconfig */
		kc->files = xstrdup("");
		rc = resolve(ks, o, kc, err, errlen);
	} else if (ks->n == 0) {
		rc = o->no_incluster ? 1 : load_incluster(o, kc, err, errlen);
		if (rc > 0)
			set_err(err, errlen,
			        "no kubeconfig found (looked for %s); use --kubeconfig or set KUBECONFIG",
			        tried);
	} else {
		kc->files = join_files(ks);
		rc = resolve(ks, o, kc, err, errlen);
	}
	kset_done(ks);
	if (rc != 0) {
		kubeconfig_free(kc);
		return -1;
	}
	if (kc->impersonate_user)
		kc->identity = str_empty(kc->user_name)
		                       ? xasprintf("%s (impersonated)", kc->impersonate_user)
		                       : xasprintf("%s (impersonated by %s)", kc->impersonate_user,
		                                   kc->user_name);
	else
		kc->identity = xstrdup(kc->user_name ? kc->user_name : "");
	*out = kc;
	return 0;
}

int kubeconfig_load(const struct kubeconfig_opts *o, struct kubeconfig **out, char *err,
                    size_t errlen)
{
	struct kset ks = {0};
	*out = NULL;
	char *tried = NULL;
	if (!str_empty(o->explicit_path)) {
		if (read_one(&ks, o->explicit_path, false, err, errlen) < 0)
			goto fail;
		tried = xstrdup(o->explicit_path);
	} else {
		const char *env = o->env_kubeconfig ? o->env_kubeconfig : getenv("KUBECONFIG");
		if (!str_empty(env)) {
			size_t n;
			char **parts = str_split(env, ':', &n);
			for (size_t i = 0; i < n; i++) {
				if (str_empty(parts[i]))
					continue;
				if (read_one(&ks, parts[i], true, err, errlen) < 0) {
					str_list_free(parts);
					goto fail;
				}
			}
			str_list_free(parts);
			tried = xasprintf("KUBECONFIG=%s", env);
		} else {
			const char *home = o->home ? o->home : getenv("HOME");
			char *path = xasprintf("%s/.kube/config", home ? home : "");
			int rc = read_one(&ks, path, true, err, errlen);
			tried = path;
			if (rc < 0)
				goto fail;
		}
	}
	int rc = finish(&ks, o, out, tried, err, errlen);
	free(tried);
	return rc;
fail:
	free(tried);
	kset_done(&ks);
	return -1;
}

int kubeconfig_load_text(const char *text, size_t len, const char *name,
                         const struct kubeconfig_opts *o, struct kubeconfig **out, char *err,
                         size_t errlen)
{
	struct kset ks = {0};
	json_t *root;
	*out = NULL;
	if (parse_yaml(text, len, name, &root, err, errlen) < 0)
		return -1;
	kset_add(&ks, name, root);
	struct kubeconfig_opts oo = *o;
	oo.no_incluster = true;
	return finish(&ks, &oo, out, name, err, errlen);
}

static void free_list(char **l)
{
	for (char **p = l; p && *p; p++)
		free(*p);
	free(l);
}

static void free_secret(char *s, size_t len) { secret_free(s, len); }

void kubeconfig_free(struct kubeconfig *kc)
{
	if (!kc)
		return;
	free(kc->context);
	free(kc->namespace_);
	free(kc->files);
	free(kc->cluster_name);
	free(kc->cluster_file);
	free_secret(kc->server, 0);    /* held user:password@ when loading stopped early */
	free(kc->ca_pem);
	free(kc->tls_server_name);
	free_secret(kc->proxy_url, 0); /* may hold user:password@ for the proxy */
	free(kc->exec_cluster_config);
	free(kc->user_name);
	free(kc->user_file);
	free_secret(kc->token, 0);
	free(kc->token_file);
	free(kc->cert_pem);
	free_secret(kc->key_pem, kc->key_len);
	free(kc->username);
	free_secret(kc->password, 0);
	free(kc->auth_provider);
	if (kc->oidc) {
		free(kc->oidc->issuer_url);
		free(kc->oidc->client_id);
		free_secret_str(kc->oidc->client_secret);
		free_secret_str(kc->oidc->refresh_token);
		free_secret_str(kc->oidc->id_token);
		free(kc->oidc->idp_ca_pem);
		free(kc->oidc);
	}
	free(kc->identity);
	free(kc->impersonate_user);
	free(kc->impersonate_uid);
	free_list(kc->impersonate_groups);
	free_list(kc->impersonate_extra);
	if (kc->exec) {
		free(kc->exec->command);
		free_list(kc->exec->args);
		free_list(kc->exec->env);
		free(kc->exec->api_version);
		free(kc->exec->interactive_mode);
		free(kc->exec->install_hint);
		free(kc->exec);
	}
	free(kc);
}
