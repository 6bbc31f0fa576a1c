/* kclient.c: API server requests with credentials (see kclient.h). A kreq waits for the
 * credential (an exec plugin may have to run), then runs one HTTP request; a 401 makes the
 * credential layer drop its cache and the request is sent once more. */
#include "config.h"

#include "gammatop/defaults.h"
#include "gammatop/kclient.h"
#include "gammatop/credential.h"
#include "gammatop/http.h"
#include "gammatop/log.h"
#include "gammatop/proxyenv.h"
#include "gammatop/secret.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kclient {
	struct evloop *loop;
	struct kubeconfig *kc;       /* owned */
	struct http_client *http;    /* owned */
	struct credential *cred;     /* owned */
	char *version[GT_KIND_COUNT]; /* owned; NULL = kind_version() */
	struct kreq *reqs;           /* pending requests */
	char **headers;              /* owned, NULL-terminated: User-Agent, Impersonate-* */
	char *proxy;                 /* owned: the proxy for the server, or NULL: direct */
	char *proxy_error;           /* owned: why no request can be made (CGI + HTTP_PROXY) */
	bool warned_plain_http;
};

struct kreq {
	struct kclient *k;
	struct kreq *prev, *next;
	char *method, *path, *body, *content_type, *accept, *what, *url; /* owned */
	size_t body_len;
	long timeout_ms, idle_timeout_s;
	kreq_data_cb on_data;
	kreq_headers_cb on_headers;
	kreq_done_cb on_done;
	void *ud;
	struct http_request *http; /* while in flight */
	uint64_t timer;            /* start pending */
	unsigned cred_gen;         /* credential generation the request was sent with */
	bool waiting_cred, retried, finishing;
};

static void start(struct kreq *r);

/* An Impersonate-Extra- key as client-go escapes it (transport/round_trippers.go
 * headerKeyEscape, v0.32): bytes outside the HTTP token set, and '%', become %XX. */
static void extra_key(struct buf *b, const char *key, size_t n)
{
	static const char token[] = "!#$&'*+-.^_`|~";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];
		bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c && strchr(token, c));
		if (ok)
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/* The headers every request carries: User-Agent, and client-go's impersonatingRoundTripper
 * (transport/round_trippers.go, v0.32): Impersonate-User, -Uid, one Impersonate-Group per
 * group, one Impersonate-Extra-KEY per value. Sent over http too, as client-go does. */
static char **make_headers(const struct kubeconfig *kc)
{
	size_t n = 3, i = 0;
	for (char **g = kc->impersonate_groups; g && *g; g++)
		n++;
	for (char **x = kc->impersonate_extra; x && *x; x++)
		n++;
	char **h = xcalloc(n + 1, sizeof *h);
	h[i++] = xstrdup("User-Agent: gammatop/" PACKAGE_VERSION);
	if (!kc->impersonate_user)
		return h;
	h[i++] = xasprintf("Impersonate-User: %s", kc->impersonate_user);
	if (kc->impersonate_uid)
		h[i++] = xasprintf("Impersonate-Uid: %s", kc->impersonate_uid);
	for (char **g = kc->impersonate_groups; g && *g; g++)
		h[i++] = xasprintf("Impersonate-Group: %s", *g);
	for (char **x = kc->impersonate_extra; x && *x; x++) {
		const char *eq = strchr(*x, '=');
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "Impersonate-Extra-");
		extra_key(&b, *x, eq ? (size_t)(eq - *x) : strlen(*x));
		/* Go writes header names canonically (net/textproto CanonicalMIMEHeaderKey): upper
		 * case at the start and after '-', lower case elsewhere ("%2F" becomes "%2f") */
		for (size_t j = 0; j < b.len; j++) {
			char c = b.data[j];
			bool up = j == 0 || b.data[j - 1] == '-';
			b.data[j] = up && c >= 'a' && c <= 'z'   ? (char)(c - 32)
			            : !up && c >= 'A' && c <= 'Z' ? (char)(c + 32)
			                                          : c;
		}
		buf_printf(&b, ": %s", eq ? eq + 1 : "");
		h[i++] = buf_steal(&b);
	}
	return h;
}

struct kclient *kclient_new(struct evloop *loop, struct kubeconfig *kc)
{
	struct kclient *k = xcalloc(1, sizeof *k);
	k->headers = make_headers(kc);
	if (kc->proxy_url) {
		k->proxy = xstrdup(kc->proxy_url); /* proxy-url: for every request, as client-go */
	} else {
		/* kubectl's environment rules (Go's ProxyFromEnvironment), read once */
		struct proxy_env pe;
		char err[256];
		proxy_env_read(&pe);
		if (proxy_env_for_url(&pe, kc->server, &k->proxy, err, sizeof err) < 0)
			k->proxy_error = xstrdup(err);
		proxy_env_done(&pe);
	}
	k->loop = loop;
	k->kc = kc;
	k->http = http_client_new(loop);
	k->cred = credential_new(kc, loop);
	return k;
}

static void req_free(struct kreq *r)
{
	struct kclient *k = r->k;
	if (r->prev)
		r->prev->next = r->next;
	else if (k->reqs == r)
		k->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	free(r->method);
	free(r->path);
	free(r->body);
	free(r->content_type);
	free(r->accept);
	free(r->what);
	free(r->url);
	free(r);
}

void kreq_cancel(struct kreq *r)
{
	if (!r || r->finishing)
		return;
	if (r->http)
		http_cancel(r->http);
	if (r->timer)
		evloop_timer_cancel(r->k->loop, r->timer);
	if (r->waiting_cred)
		credential_forget(r->k->cred, r);
	req_free(r);
}

void kclient_free(struct kclient *k)
{
	if (!k)
		return;
	while (k->reqs)
		kreq_cancel(k->reqs);
	credential_free(k->cred);
	http_client_free(k->http);
	for (int i = 0; i < GT_KIND_COUNT; i++)
		free(k->version[i]);
	for (char **h = k->headers; h && *h; h++)
		free(*h);
	free(k->headers);
	secret_free(k->proxy, 0); /* may hold user:password@ */
	free(k->proxy_error);
	kubeconfig_free(k->kc);
	free(k);
}

const struct kubeconfig *kclient_config(const struct kclient *k) { return k->kc; }
struct evloop *kclient_loop(const struct kclient *k) { return k->loop; }
struct credential *kclient_credential(const struct kclient *k) { return k->cred; }

void kclient_set_version(struct kclient *k, enum gt_kind kind, const char *version)
{
	free(k->version[kind]);
	k->version[kind] = xstrdup_null(version);
}

const char *kclient_version(const struct kclient *k, enum gt_kind kind)
{
	return k->version[kind] ? k->version[kind] : kind_version(kind);
}

char *kclient_path(const struct kclient *k, enum gt_kind kind, const char *ns, const char *name)
{
	struct buf b;
	buf_init(&b);
	const char *group = kind_group(kind);
	if (str_empty(group))
		buf_printf(&b, "/api/%s", kclient_version(k, kind));
	else
		buf_printf(&b, "/apis/%s/%s", group, kclient_version(k, kind));
	if (kind_namespaced(kind) && !str_empty(ns)) {
		char *e = http_escape(ns);
		buf_printf(&b, "/namespaces/%s", e);
		free(e);
	}
	buf_printf(&b, "/%s", kind_resource(kind));
	if (!str_empty(name)) {
		char *e = http_escape(name);
		buf_printf(&b, "/%s", e);
		free(e);
	}
	return buf_steal(&b);
}

static void finish(struct kreq *r, long status, const char *body, size_t body_len,
                   const char *transport_error, const char *cred_error, long retry_after)
{
	struct apierr err;
	if (cred_error) {
		memset(&err, 0, sizeof err);
		err.kind = APIERR_CREDENTIALS;
		char *w = str_sanitize(r->what ? r->what : r->path);
		char *m = str_sanitize(cred_error);
		err.message = xasprintf("%s: %s", w, m);
		free(w);
		free(m);
	} else {
		apierr_from_response(&err, status, body, body_len, transport_error,
		                     r->what ? r->what : r->path, r->k->kc->server);
	}
	struct kresponse resp = {
		.status = transport_error || cred_error ? 0 : status,
		.body = body ? body : "",
		.body_len = body ? body_len : 0,
		.err = err.kind == APIERR_NONE ? NULL : &err,
		.retry_after_s = retry_after,
	};
	r->finishing = true;
	r->http = NULL;
	if (r->on_done)
		r->on_done(&resp, r->ud);
	apierr_done(&err);
	req_free(r);
}

static bool on_http_data(struct http_request *h, long status, const char *d, size_t n, void *ud)
{
	struct kreq *r = ud;
	kreq_data_cb cb = r->on_data;
	return cb(d, n, r->ud);
}

static void on_http_headers(struct http_request *h, long status, void *ud)
{
	struct kreq *r = ud;
	if (r->on_headers && status != 401)
		r->on_headers(status, r->ud);
}

static void on_http_done(struct http_request *h, const struct http_response *resp, void *ud)
{
	struct kreq *r = ud;
	r->http = NULL;
	if (!resp->error && resp->status == 401 && !r->retried &&
	    credential_invalidate(r->k->cred, r->cred_gen)) {
		log_info("kube: %s: 401, renewing the credential and retrying once", r->path);
		r->retried = true;
		start(r);
		return;
	}
	finish(r, resp->status, resp->body, resp->body_len, resp->error, NULL,
	       resp->retry_after_s);
}

static void on_cred(const char *error, void *ud)
{
	struct kreq *r = ud;
	r->waiting_cred = false;
	if (error) {
		finish(r, 0, NULL, 0, NULL, error, 0);
		return;
	}
	struct http_tls tls = {0};
	struct http_opts o = {
		.headers = (const char *const *)r->k->headers,
		.method = r->method,
		.url = r->url,
		.accept = r->accept ? r->accept : "application/json",
		.body = r->body,
		.body_len = r->body_len,
		.content_type = r->content_type,
		.timeout_ms = r->timeout_ms,
		.idle_timeout_s = r->idle_timeout_s,
		.no_gzip = r->k->kc->disable_compression,
		.on_data = r->on_data ? on_http_data : NULL,
		.on_headers = on_http_headers,
		.on_done = on_http_done,
		.ud = r,
	};
	credential_apply(r->k->cred, &o, &tls);
	o.proxy = r->k->proxy;
	o.direct = !r->k->proxy;
	if (r->k->proxy_error) {
		finish(r, 0, NULL, 0, r->k->proxy_error, NULL, 0);
		return;
	}
	r->cred_gen = credential_generation(r->k->cred);
	r->http = http_start(r->k->http, &o);
}

static void start(struct kreq *r)
{
	r->waiting_cred = true;
	credential_ensure(r->k->cred, on_cred, r);
}

static void on_start_timer(struct evloop *loop, void *ud)
{
	struct kreq *r = ud;
	r->timer = 0;
	start(r);
}

/* ms as Go's time.Duration String() writes it ("500ms", "5s", "1.5s", "1m0s", "1h0m0s"):
 * client-go puts the client's timeout in the timeout query parameter that way. */
void kclient_go_duration(long ms, char *out, size_t n)
{
	if (ms < 1000) {
		snprintf(out, n, "%ldms", ms);
		return;
	}
	long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
	char sec[32];
	if (frac) {
		snprintf(sec, sizeof sec, "%ld.%03ld", s, frac);
		size_t l = strlen(sec);
		while (sec[l - 1] == '0')
			sec[--l] = 0;
	} else {
		snprintf(sec, sizeof sec, "%ld", s);
	}
	if (h)
		snprintf(out, n, "%ldh%ldm%ss", h, m, sec);
	else if (m)
		snprintf(out, n, "%ldm%ss", m, sec);
	else
		snprintf(out, n, "%ss", sec);
}

struct kreq *kclient_request(struct kclient *k, const struct kreq_opts *o)
{
	struct kreq *r = xcalloc(1, sizeof *r);
	r->k = k;
	r->method = xstrdup(o->method ? o->method : "GET");
	r->path = xstrdup(o->path);
	long rt = k->kc->request_timeout_ms;
	if (rt > 0 && !o->on_data && !strstr(o->path, "timeout=")) {
		/* --request-timeout: client-go's rest client sends it as ?timeout= and gives up
		 * after it (rest/request.go). Streams (watches) keep their own limits. */
		char d[48];
		kclient_go_duration(rt, d, sizeof d);
		r->url = xasprintf("%s%s%stimeout=%s", k->kc->server, o->path,
		                   strchr(o->path, '?') ? "&" : "?", d);
	} else {
		r->url = xasprintf("%s%s", k->kc->server, o->path);
	}
	if (o->body) {
		r->body = xmalloc(o->body_len + 1);
		memcpy(r->body, o->body, o->body_len);
		r->body[o->body_len] = 0;
		r->body_len = o->body_len;
	}
	r->content_type = xstrdup_null(o->content_type);
	r->accept = xstrdup_null(o->accept);
	r->what = xstrdup_null(o->what);
	r->timeout_ms = o->timeout_ms;
	if (rt > 0 && !o->on_data && (r->timeout_ms <= 0 || rt < r->timeout_ms))
		r->timeout_ms = rt;
	r->idle_timeout_s = o->idle_timeout_s;
	r->on_data = o->on_data;
	r->on_headers = o->on_headers;
	r->on_done = o->on_done;
	r->ud = o->ud;
	r->next = k->reqs;
	if (k->reqs)
		k->reqs->prev = r;
	k->reqs = r;
	if (!k->warned_plain_http && !str_starts(k->kc->server, "https://") &&
	    (k->kc->token || k->kc->token_file || k->kc->exec || k->kc->username ||
	     k->kc->cert_pem)) {
		k->warned_plain_http = true;
		log_warn("kube: server %s is plain http: credentials are not sent", k->kc->server);
	}
	r->timer = evloop_timer_add(k->loop, 0, on_start_timer, r);
	return r;
}

struct fetch_state {
	struct kresult *res;
	bool done;
};

static void fetch_done(const struct kresponse *resp, void *ud)
{
	struct fetch_state *fs = ud;
	fs->done = true;
	fs->res->status = resp->status;
	buf_append(&fs->res->body, resp->body, resp->body_len);
	if (resp->err) {
		/* Deep-copy the error (the response's is freed after the callback). */
		struct apierr *e = &fs->res->err;
		*e = *resp->err;
		e->reason = xstrdup_null(resp->err->reason);
		e->message = xstrdup_null(resp->err->message);
		e->causes = NULL;
		e->n_causes = 0;
		if (resp->err->n_causes) {
			e->causes = xcalloc(resp->err->n_causes, sizeof *e->causes);
			for (size_t i = 0; i < resp->err->n_causes; i++) {
				e->causes[i].field = xstrdup_null(resp->err->causes[i].field);
				e->causes[i].reason = xstrdup_null(resp->err->causes[i].reason);
				e->causes[i].message = xstrdup_null(resp->err->causes[i].message);
			}
			e->n_causes = resp->err->n_causes;
		}
	}
}

int kclient_fetch(struct kclient *k, const struct kreq_opts *o, struct kresult *res,
                  long max_ms)
{
	memset(res, 0, sizeof *res);
	buf_init(&res->body);
	struct fetch_state fs = {.res = res};
	struct kreq_opts oo = *o;
	oo.on_data = NULL;
	oo.on_headers = NULL;
	oo.on_done = fetch_done;
	oo.ud = &fs;
	struct kreq *r = kclient_request(k, &oo);
	if (!evloop_run_until(k->loop, &fs.done, max_ms)) {
		kreq_cancel(r);
		res->err.kind = APIERR_TRANSPORT;
		char *w = str_sanitize(o->what ? o->what : o->path);
		res->err.message = xasprintf("%s: no answer from %s within %ld ms", w, k->kc->server,
		                             max_ms);
		free(w);
		return -1;
	}
	return res->err.kind == APIERR_NONE ? 0 : -1;
}

void kresult_done(struct kresult *res)
{
	buf_done(&res->body);
	apierr_done(&res->err);
}

static char *object_what(const char *verb, enum gt_kind kind, const char *ns, const char *name)
{
	if (kind_namespaced(kind) && !str_empty(ns))
		return xasprintf("%s %s %s/%s", verb, kind_id(kind), ns, name);
	return xasprintf("%s %s %s", verb, kind_id(kind), name);
}

struct kreq *kclient_get_object(struct kclient *k, enum gt_kind kind, const char *ns,
                                const char *name, kreq_done_cb cb, void *ud)
{
	char *path = kclient_path(k, kind, ns, name);
	char *what = object_what("get", kind, ns, name);
	struct kreq_opts o = {.path = path, .what = what,
	                      .timeout_ms = GT_DEFAULT_REQUEST_TIMEOUT_MS, .on_done = cb,
	                      .ud = ud};
	struct kreq *r = kclient_request(k, &o);
	free(path);
	free(what);
	return r;
}

struct kreq *kclient_patch(struct kclient *k, enum gt_kind kind, const char *ns,
                           const char *name, const char *patch, size_t patch_len,
                           enum kpatch_type type, bool dry_run, kreq_done_cb cb, void *ud)
{
	char *base = kclient_path(k, kind, ns, name);
	char *path = xasprintf("%s?fieldManager=gammatop%s%s", base,
	                       type == KPATCH_APPLY ? "&force=false" : "",
	                       dry_run ? "&dryRun=All" : "");
	char *what = object_what(dry_run ? "dry-run patch" : "patch", kind, ns, name);
	struct kreq_opts o = {
		.method = "PATCH",
		.path = path,
		.body = patch,
		.body_len = patch_len,
		.content_type = type == KPATCH_APPLY ? "application/apply-patch+yaml"
		                                     : "application/merge-patch+json",
		.what = what,
		.timeout_ms = GT_DEFAULT_REQUEST_TIMEOUT_MS,
		.on_done = cb,
		.ud = ud,
	};
	struct kreq *r = kclient_request(k, &o);
	free(base);
	free(path);
	free(what);
	return r;
}

struct kreq *kclient_pod_proxy_get(struct kclient *k, const char *ns, const char *scheme,
                                   const char *pod, int port, const char *path, long timeout_ms,
                                   kreq_done_cb cb, void *ud)
{
	char *ens = http_escape(ns), *epod = http_escape(pod);
	while (path && *path == '/')
		path++;
	bool tls = scheme && !strcmp(scheme, "https");
	char *p = xasprintf("/api/v1/namespaces/%s/pods/%s%s:%d/proxy/%s", ens, tls ? "https:" : "",
	                    epod, port, path ? path : "");
	char *what = xasprintf("scrape pod %s/%s:%d", ns, pod, port);
	struct kreq_opts o = {.path = p, .accept = "text/plain;version=0.0.4;q=0.9,*/*;q=0.1",
	                      .what = what,
	                      .timeout_ms = timeout_ms > 0 ? timeout_ms : GT_DEFAULT_SCRAPE_TIMEOUT_MS,
	                      .on_done = cb, .ud = ud};
	struct kreq *r = kclient_request(k, &o);
	free(ens);
	free(epod);
	free(p);
	free(what);
	return r;
}
