/* oidc.c: auth-provider oidc: id-token validity, the refresh at the issuer, and writing the
 * new tokens back (see oidc.h). */
#include "gammatop/oidc.h"
#include "gammatop/proxyenv.h"
#include "gammatop/secret.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPIRY_DELTA_S 10 /* client-go oidc.go expiryDelta */

int oidc_token_valid(const char *jwt, time_t now, char *err, size_t errlen)
{
	const char *d1 = jwt ? strchr(jwt, '.') : NULL, *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d1 || !d2 || strchr(d2 + 1, '.')) {
		snprintf(err, errlen, "ID Token is not a valid JWT");
		return -1;
	}
	char *p = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
	for (char *c = p; *c; c++) /* base64url -> base64 */
		*c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
	size_t n;
	char *payload = kubeconfig_base64_decode(p, &n);
	free(p);
	if (!payload) {
		snprintf(err, errlen, "ID Token is not a valid JWT: its payload is not base64url");
		return -1;
	}
	json_t *claims = json_loadb(payload, n, 0, NULL);
	free(payload);
	if (!json_is_object(claims)) {
		json_decref(claims);
		snprintf(err, errlen, "parsing claims: the ID Token's payload is not a JSON object");
		return -1;
	}
	const json_t *exp = json_object_get(claims, "exp");
	double e = json_is_number(exp) ? json_number_value(exp) : 0;
	json_decref(claims);
	return (double)now + EXPIRY_DELTA_S < e ? 1 : 0;
}

struct oidc_refresh {
	struct http_client *hc;
	const struct kc_oidc *o;
	char *rt; /* owned: the refresh token sent */
	struct http_request *req;
	oidc_done_cb cb;
	void *ud;
};

static void done(struct oidc_refresh *r, const char *id, const char *rt, const char *err)
{
	r->req = NULL;
	r->cb(id, rt, err, r->ud);
	secret_free(r->rt, 0);
	free(r);
}

/* The start of a body for a message: at most 80 bytes, sanitised (client-go's rule). */
static char *snippet(const char *body, size_t len)
{
	char s[84];
	size_t n = len > 80 ? 80 : len;
	memcpy(s, body ? body : "", n);
	strcpy(s + n, len > 80 ? "..." : "");
	return str_sanitize(s);
}

static void start(struct oidc_refresh *r, const char *method, const char *url, const char *body,
                  http_done_cb cb);

static void on_token(struct http_request *h, const struct http_response *resp, void *ud)
{
	struct oidc_refresh *r = ud;
	if (resp->error || resp->status < 200 || resp->status > 299) {
		char *s = snippet(resp->body, resp->body_len), *e = str_sanitize(resp->error);
		char *m = resp->error ? xasprintf("failed to refresh token: %s", e)
		                      : xasprintf("failed to refresh token: oauth2: cannot fetch token: "
		                                  "%ld\nResponse: %s", resp->status, s);
		done(r, NULL, NULL, m);
		free(m);
		free(s);
		free(e);
		return;
	}
	json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
	const char *access = json_string_value(json_object_get(j, "access_token"));
	const char *id = json_string_value(json_object_get(j, "id_token"));
	const char *rt = json_string_value(json_object_get(j, "refresh_token"));
	if (str_empty(access))
		done(r, NULL, NULL, "failed to refresh token: oauth2: server response missing "
		                    "access_token");
	else if (str_empty(id))
		done(r, NULL, NULL, "token response did not contain an id_token, either the scope "
		                    "\"openid\" wasn't requested upon login, or the provider doesn't "
		                    "support id_tokens as part of the refresh response");
	else
		done(r, id, str_empty(rt) ? r->rt : rt, NULL);
	json_decref(j);
}

static void on_metadata(struct http_request *h, const struct http_response *resp, void *ud)
{
	struct oidc_refresh *r = ud;
	if (resp->error) {
		char *e = str_sanitize(resp->error), *m = xasprintf("oidc: %s", e);
		done(r, NULL, NULL, m);
		free(m);
		free(e);
		return;
	}
	if (resp->status != 200) {
		char *s = snippet(resp->body, resp->body_len);
		char *m = xasprintf("oidc: failed to query metadata endpoint %ld: \"%s\"", resp->status,
		                    s);
		done(r, NULL, NULL, m);
		free(m);
		free(s);
		return;
	}
	json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
	const char *url = json_string_value(json_object_get(j, "token_endpoint"));
	if (str_empty(url) || (!str_starts(url, "https://") && !str_starts(url, "http://"))) {
		json_decref(j);
		done(r, NULL, NULL, "oidc: discovery object doesn't contain a valid token_endpoint");
		return;
	}
	char *rt = http_escape(r->rt);
	char *body = xasprintf("grant_type=refresh_token&refresh_token=%s", rt);
	secret_free(rt, 0);
	start(r, "POST", url, body, on_token);
	secret_free(body, 0);
	json_decref(j);
}

static void start(struct oidc_refresh *r, const char *method, const char *url, const char *body,
                  http_done_cb cb)
{
	struct http_tls tls = {.ca_pem = r->o->idp_ca_pem, .ca_len = r->o->idp_ca_len};
	struct proxy_env pe;
	char *proxy = NULL, perr[128];
	proxy_env_read(&pe);
	if (proxy_env_for_url(&pe, url, &proxy, perr, sizeof perr) < 0)
		proxy = NULL;
	proxy_env_done(&pe);
	/* oauth2's AuthStyleInHeader: client id and secret, query-escaped, as basic auth */
	char *user = body ? http_escape(r->o->client_id) : NULL;
	char *pass = body ? http_escape(r->o->client_secret ? r->o->client_secret : "") : NULL;
	struct http_opts o = {
		.method = method,
		.url = url,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.content_type = body ? "application/x-www-form-urlencoded" : NULL,
		.username = user,
		.password = pass,
		.tls = &tls,
		.proxy = proxy,
		.direct = !proxy,
		.timeout_ms = 30000,
		.max_body = 1 << 20,
		.on_done = cb,
		.ud = r,
	};
	r->req = http_start(r->hc, &o);
	free(user);
	secret_free(pass, 0);
	secret_free(proxy, 0);
}

struct oidc_refresh *oidc_refresh_start(struct http_client *hc, const struct kc_oidc *o,
                                        const char *refresh_token, oidc_done_cb cb, void *ud)
{
	struct oidc_refresh *r = xcalloc(1, sizeof *r);
	r->hc = hc;
	r->o = o;
	r->rt = xstrdup(refresh_token);
	r->cb = cb;
	r->ud = ud;
	char *issuer = xstrdup(o->issuer_url);
	size_t n = strlen(issuer);
	while (n && issuer[n - 1] == '/')
		issuer[--n] = 0;
	char *url = xasprintf("%s/.well-known/openid-configuration", issuer);
	start(r, "GET", url, NULL, on_metadata);
	free(url);
	free(issuer);
	return r;
}

void oidc_refresh_cancel(struct oidc_refresh *r)
{
	if (!r)
		return;
	if (r->req)
		http_cancel(r->req);
	secret_free(r->rt, 0);
	free(r);
}

/* Replace the one occurrence of old (as a whole YAML scalar value) by new in *text. */
static int replace_once(char **text, const char *old, const char *new, const char *what,
                        char *err, size_t errlen)
{
	char *at = strstr(*text, old);
	if (!at || strstr(at + 1, old)) {
		snprintf(err, errlen, "the old %s is %s in the file", what, at ? "there twice" : "not");
		return -1;
	}
	size_t ol = strlen(old), nl = strlen(new), tl = strlen(*text);
	char *out = xmalloc(tl - ol + nl + 1);
	memcpy(out, *text, (size_t)(at - *text));
	memcpy(out + (at - *text), new, nl);
	strcpy(out + (at - *text) + nl, at + ol);
	secret_free(*text, 0);
	*text = out;
	return 0;
}

int oidc_persist(const char *path, const char *old_id, const char *new_id, const char *old_rt,
                 const char *new_rt, char *err, size_t errlen)
{
	char e[256] = "";
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) < 0 || st.st_size > (16 << 20)) {
		snprintf(err, errlen, "could not persist new tokens: %s: %s", path,
		         f ? "too large" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	char *text = xcalloc(1, (size_t)st.st_size + 1);
	size_t got = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	text[got] = 0;
	int rc = 0;
	if (!str_empty(old_id))
		rc = replace_once(&text, old_id, new_id, "id-token", e, sizeof e);
	else if (!str_empty(old_rt)) { /* no id-token yet: add one beside the refresh-token */
		char *line = strstr(text, "refresh-token:");
		if (!line) {
			snprintf(e, sizeof e, "no refresh-token key in the file");
			rc = -1;
		} else {
			char *bol = line;
			while (bol > text && bol[-1] != '\n')
				bol--;
			char *add = xasprintf("%.*sid-token: %s\n", (int)(line - bol), bol, new_id);
			size_t off = (size_t)(bol - text), al = strlen(add), tl = strlen(text);
			char *out = xmalloc(tl + al + 1);
			memcpy(out, text, off);
			memcpy(out + off, add, al);
			strcpy(out + off + al, text + off);
			secret_free(add, 0);
			secret_free(text, 0);
			text = out;
		}
	}
	if (rc == 0 && !str_empty(old_rt) && !str_empty(new_rt) && strcmp(old_rt, new_rt) != 0)
		rc = replace_once(&text, old_rt, new_rt, "refresh-token", e, sizeof e);
	if (rc < 0) {
		snprintf(err, errlen, "could not persist new tokens in %s: %s", path, e);
		secret_free(text, 0);
		return -1;
	}
	char *tmp = xasprintf("%s.gammatop-XXXXXX", path);
	int fd = mkstemp(tmp);
	size_t len = strlen(text);
	bool ok = fd >= 0 && fchmod(fd, st.st_mode & 07777) == 0 &&
	          write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (ok && rename(tmp, path) < 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		if (fd >= 0)
			unlink(tmp);
		snprintf(err, errlen, "could not persist new tokens in %s: %s", path, strerror(saved));
	}
	free(tmp);
	secret_free(text, 0);
	return ok ? 0 : -1;
}
