/* kubeconfig.h: find, merge and resolve kubeconfig files exactly as kubectl does
 * (--kubeconfig; KUBECONFIG list merged first-wins; ~/.kube/config; in-cluster), pick the
 * context, and produce one resolved connection: server, TLS material (read into memory),
 * the user's auth settings, and the namespace. Errors name the file and entry. */
#ifndef GAMMATOP_KUBECONFIG_H
#define GAMMATOP_KUBECONFIG_H
#include <stdbool.h>
#include <stddef.h>

/* Where to look. NULL fields fall back to the process environment. */
struct kubeconfig_opts {
	const char *explicit_path; /* --kubeconfig: exactly this file, which must exist */
	const char *env_kubeconfig; /* value of $KUBECONFIG; NULL = getenv */
	const char *home;          /* $HOME; NULL = getenv */
	const char *context;       /* --context */
	const char *namespace_;    /* -n */
	const char *incluster_dir; /* service account dir; NULL = /var/run/secrets/kubernetes.io/serviceaccount */
	const char *service_host, *service_port; /* NULL = getenv KUBERNETES_SERVICE_HOST/PORT */
	bool no_incluster;         /* do not fall back to in-cluster config */

	/* kubectl's global flags (k8s.io/client-go tools/clientcmd overrides.go, as kubectl
	 * 1.32 registers them). NULL / false / 0 = not given; the kubeconfig's value stands. */
	const char *cluster;       /* --cluster: use this cluster entry instead of the context's */
	const char *user;          /* --user: use this user entry instead of the context's */
	const char *server;        /* -s/--server: the API server URL */
	const char *token;         /* --token: bearer token (replaces the user's auth) */
	const char *as;            /* --as: impersonate this user */
	const char *const *as_groups; /* --as-group (repeatable): NULL-terminated, or NULL */
	const char *as_uid;        /* --as-uid */
	bool insecure_skip_tls_verify; /* --insecure-skip-tls-verify */
	const char *certificate_authority; /* --certificate-authority: CA file */
	const char *client_certificate;    /* --client-certificate: file */
	const char *client_key;            /* --client-key: file */
	const char *tls_server_name;       /* --tls-server-name */
	bool disable_compression;  /* --disable-compression */
	long request_timeout_ms;   /* --request-timeout in ms; 0 = none (kubectl's "0") */
	bool all_namespaces;       /* -A/--all-namespaces: list across every namespace */
};

struct kc_exec {
	char *command;      /* resolved: relative with '/' -> against the file's directory */
	char **args;        /* NULL-terminated */
	char **env;         /* NULL-terminated "NAME=VALUE" from exec.env */
	char *api_version;  /* client.authentication.k8s.io/v1 or v1beta1 */
	char *interactive_mode; /* Never, IfAvailable, Always (default IfAvailable) */
	bool provide_cluster_info;
	char *install_hint;
};

/* auth-provider oidc (client-go plugin/pkg/client/auth/oidc, still in kubectl 1.32): the
 * id-token is sent; when it has expired and a refresh-token is set, the issuer's token
 * endpoint gives a new one, which is written back to user_file. */
struct kc_oidc {
	char *issuer_url, *client_id, *client_secret, *refresh_token, *id_token;
	char *idp_ca_pem; /* idp-certificate-authority(-data), or NULL */
	size_t idp_ca_len;
};

/* The resolved context. Everything is owned; free with kubeconfig_free. PEM data is held only
 * in memory. */
struct kubeconfig {
	char *context;    /* context name ("in-cluster" for in-cluster config) */
	char *namespace_; /* -n, else the context's, else "default" */
	bool namespace_set; /* namespace_ came from -n or the context (not the "default" fallback) */
	bool all_namespaces; /* -A: list every namespace (namespace_ is then only the default for
	                        commands that act on one object) */
	char *files;      /* the files that were read, ':'-joined (for messages) */

	char *cluster_name, *cluster_file; /* cluster_file: where the entry came from */
	char *server;      /* URL without user:password@ (that becomes username/password) */
	char *ca_pem;      /* certificate-authority(-data), decoded/read; NULL = system store */
	size_t ca_len;
	bool insecure;     /* insecure-skip-tls-verify */
	char *tls_server_name, *proxy_url;
	bool disable_compression; /* cluster disable-compression or --disable-compression: send
	                             no Accept-Encoding */
	char *exec_cluster_config; /* JSON text of the cluster's extension named
	                              client.authentication.k8s.io/exec (given to exec plugins as
	                              spec.cluster.config), or NULL */

	char *user_name, *user_file; /* user_name may be "" (no user) */
	char *token;       /* token, or tokenFile contents at load time */
	char *token_file;  /* resolved path, re-read by the credential layer */
	char *cert_pem, *key_pem; /* client-certificate/key(-data) */
	size_t cert_len, key_len;
	char *username, *password;
	char *auth_provider; /* name of a deprecated auth-provider (its id-token is used as token) */
	struct kc_exec *exec; /* NULL unless the user has exec */
	struct kc_oidc *oidc; /* NULL unless auth-provider oidc */

	/* Impersonation (user as, as-uid, as-groups, as-user-extra; --as, --as-uid, --as-group).
	 * Sent as Impersonate-User / -Uid / -Group / -Extra-KEY headers. */
	char *impersonate_user;    /* NULL = no impersonation */
	char *impersonate_uid;     /* or NULL */
	char **impersonate_groups; /* NULL-terminated, never NULL */
	char **impersonate_extra;  /* NULL-terminated "KEY=VALUE" (one per value), never NULL */

	long request_timeout_ms;   /* --request-timeout; 0 = none */
	char *identity;  /* who the requests act as, for the audit log and the screen: user_name,
	                    or "IMPERSONATED (impersonated by USER_NAME)" */
};

/* Load and resolve. Returns 0 and *out, or -1 with err set, e.g.
 * "user 'eks-admin' in /home/me/.kube/config: client-certificate set without client-key". */
int kubeconfig_load(const struct kubeconfig_opts *o, struct kubeconfig **out, char *err,
                    size_t errlen);
/* Resolve from one document in memory (name is used as its file name and its directory as
 * the base of relative paths). Same contract; used by tests and the fuzzer. */
int kubeconfig_load_text(const char *text, size_t len, const char *name,
                         const struct kubeconfig_opts *o, struct kubeconfig **out, char *err,
                         size_t errlen);
void kubeconfig_free(struct kubeconfig *kc);

/* Decode base64 (standard alphabet, padding optional, whitespace ignored). Returns a new
 * NUL-terminated buffer and its length, or NULL when the text is not base64. */
char *kubeconfig_base64_decode(const char *s, size_t *len);

#endif
