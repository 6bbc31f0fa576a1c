/* http.c: HTTP(S) requests on libcurl's multi interface, with curl's sockets and timer
 * registered on the shared evloop (see http.h). Requests live on a list owned by the client;
 * a request is freed right after its completion callback, or when it is cancelled. */
#include "gammatop/http.h"
#include "gammatop/log.h"
#include "gammatop/secret.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_BODY ((size_t)256 << 20)
#define DEFAULT_CONNECT_MS 10000L

struct http_request {
	struct http_client *c;
	struct http_request *prev, *next; /* the client's list */
	CURL *easy;                       /* owned; NULL for a request that failed early */
	struct curl_slist *hdrs;          /* owned; wiped before it is freed (may hold a token) */
	struct curl_slist *connect_to;    /* owned: tls-server-name mapping */
	char *method, *url;               /* owned, for the log; url with its userinfo redacted */
	struct buf body;                  /* collected body */
	char errbuf[CURL_ERROR_SIZE];
	char *early_error;                /* owned: failure found before sending */
	uint64_t early_timer;
	http_data_cb on_data;
	http_headers_cb on_headers;
	http_done_cb on_done;
	void *ud;
	size_t max_body;
	int64_t start_ms;
	bool cancelled, aborted, too_big, in_multi;
};

struct http_client {
	struct evloop *loop;
	CURLM *multi;
	uint64_t timer_id;   /* curl's timeout on the loop, 0 = none */
	uint64_t reap_timer; /* pending removal of requests cancelled inside curl callbacks */
	int in_curl;         /* > 0 while curl is running our callbacks */
	struct http_request *reqs;
	size_t npending;
};

static void check_done(struct http_client *c);

static void list_unlink(struct http_request *r)
{
	struct http_client *c = r->c;
	if (r->prev)
		r->prev->next = r->next;
	else if (c->reqs == r)
		c->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	c->npending--;
}

static void wipe_slist(struct curl_slist *l)
{
	for (; l; l = l->next)
		if (l->data)
			memset(l->data, 0, strlen(l->data));
}

static void req_free(struct http_request *r)
{
	if (r->easy) {
		if (r->in_multi)
			curl_multi_remove_handle(r->c->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	if (r->early_timer)
		evloop_timer_cancel(r->c->loop, r->early_timer);
	wipe_slist(r->hdrs);
	curl_slist_free_all(r->hdrs);
	curl_slist_free_all(r->connect_to);
	free(r->method);
	free(r->url);
	free(r->early_error);
	buf_done(&r->body);
	free(r);
}

static void socket_action(struct http_client *c, curl_socket_t fd, int flags)
{
	int running = 0;
	c->in_curl++;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	c->in_curl--;
	check_done(c);
}

static void on_fd(struct evloop *loop, int fd, int events, void *ud)
{
	int flags = ((events & EV_READ) ? CURL_CSELECT_IN : 0) |
	            ((events & EV_WRITE) ? CURL_CSELECT_OUT : 0);
	socket_action(ud, fd, flags);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http_client *c = userp;
	if (what == CURL_POLL_REMOVE) {
		evloop_unwatch_fd(c->loop, s);
		return 0;
	}
	int ev = ((what == CURL_POLL_IN || what == CURL_POLL_INOUT) ? EV_READ : 0) |
	         ((what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ? EV_WRITE : 0);
	evloop_watch_fd(c->loop, s, ev, on_fd, c);
	return 0;
}

static void on_timer_fire(struct evloop *loop, void *ud)
{
	struct http_client *c = ud;
	c->timer_id = 0;
	socket_action(c, CURL_SOCKET_TIMEOUT, 0);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_client *c = userp;
	if (c->timer_id) {
		evloop_timer_cancel(c->loop, c->timer_id);
		c->timer_id = 0;
	}
	if (timeout_ms >= 0)
		c->timer_id = evloop_timer_add(c->loop, timeout_ms, on_timer_fire, c);
	return 0;
}

static size_t on_write(char *p, size_t sz, size_t nm, void *ud)
{
	struct http_request *r = ud;
	size_t n = sz * nm;
	if (r->cancelled)
		return 0;
	long st = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &st);
	if (r->on_data && st >= 200 && st < 300) {
		if (!r->on_data(r, st, p, n, r->ud)) {
			r->aborted = true;
			return 0;
		}
		return r->cancelled ? 0 : n;
	}
	if (r->body.len + n > r->max_body) {
		r->too_big = true;
		return 0;
	}
	buf_append(&r->body, p, n);
	return n;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
	struct http_request *r = ud;
	size_t n = sz * nm;
	if (r->cancelled)
		return 0;
	if (r->on_headers && (n == 2 || n == 1) && (p[0] == '\r' || p[0] == '\n')) {
		long st = 0;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &st);
		if (st >= 200)
			r->on_headers(r, st, r->ud);
	}
	return r->cancelled ? 0 : n;
}

static void finish(struct http_request *r, int code, const char *error)
{
	struct http_response resp = {0};
	char msg[CURL_ERROR_SIZE + 64];
	if (r->easy) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &resp.status);
		char *ct = NULL;
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
		resp.content_type = ct;
		curl_off_t ra = 0;
		if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			resp.retry_after_s = (long)ra;
		curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &resp.total_s);
	}
	resp.curl_code = code;
	if (r->too_big) {
		snprintf(msg, sizeof msg, "response body larger than %zu bytes", r->max_body);
		resp.error = msg;
	} else if (r->aborted) {
		resp.error = "aborted by the receiver";
	} else if (error) {
		resp.error = error;
	} else if (code != CURLE_OK) {
		snprintf(msg, sizeof msg, "%s",
		         r->errbuf[0] ? r->errbuf : curl_easy_strerror((CURLcode)code));
		resp.error = msg;
	}
	resp.body = buf_str(&r->body);
	resp.body_len = r->body.len;
	log_debug("http: %s %s -> %ld%s%s (%.3fs)", r->method, r->url, resp.status,
	          resp.error ? ": " : "", resp.error ? resp.error : "", resp.total_s);
	if (r->on_done)
		r->on_done(r, &resp, r->ud);
}

static void check_done(struct http_client *c)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct http_request *r = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		int code = m->data.result;
		curl_multi_remove_handle(c->multi, r->easy);
		r->in_multi = false;
		list_unlink(r);
		if (!r->cancelled)
			finish(r, code, NULL);
		req_free(r);
	}
}

static void on_early(struct evloop *loop, void *ud)
{
	struct http_request *r = ud;
	r->early_timer = 0;
	list_unlink(r);
	if (!r->cancelled)
		finish(r, CURLE_FAILED_INIT, r->early_error);
	req_free(r);
}

static void fail_early(struct http_request *r, char *msg)
{
	r->early_error = msg;
	r->early_timer = evloop_timer_add(r->c->loop, 0, on_early, r);
}

static void on_reap(struct evloop *loop, void *ud)
{
	struct http_client *c = ud;
	c->reap_timer = 0;
	for (struct http_request *r = c->reqs, *next; r; r = next) {
		next = r->next;
		if (r->cancelled && r->in_multi) {
			list_unlink(r);
			req_free(r);
		}
	}
}

struct http_client *http_client_new(struct evloop *loop)
{
	static bool inited;
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = true;
	}
	struct http_client *c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->multi = curl_multi_init();
	if (!c->multi) {
		free(c);
		return NULL;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	while (c->reqs) {
		struct http_request *r = c->reqs;
		list_unlink(r);
		req_free(r);
	}
	if (c->timer_id)
		evloop_timer_cancel(c->loop, c->timer_id);
	if (c->reap_timer)
		evloop_timer_cancel(c->loop, c->reap_timer);
	curl_multi_cleanup(c->multi);
	free(c);
}

size_t http_client_pending(const struct http_client *c) { return c->npending; }

/* tls-server-name: address the URL to the name (so curl sends it as SNI and verifies the
 * certificate against it) and connect to the real host with CURLOPT_CONNECT_TO; the Host
 * header keeps the real host. Returns an error message or NULL. */
static char *apply_server_name(struct http_request *r, const char *url, const char *name)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *newurl = NULL, *err = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		err = xasprintf("invalid URL '%s'", r->url);
		goto out;
	}
	if (strcmp(host, name) != 0) {
		char *ct = xasprintf("%s:%s:%s:%s", name, port, host, port);
		r->connect_to = curl_slist_append(r->connect_to, ct);
		curl_easy_setopt(r->easy, CURLOPT_CONNECT_TO, r->connect_to);
		free(ct);
		char *hh = xasprintf("Host: %s:%s", host, port);
		r->hdrs = curl_slist_append(r->hdrs, hh);
		free(hh);
		if (curl_url_set(u, CURLUPART_HOST, name, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_URL, &newurl, 0) != CURLUE_OK) {
			err = xasprintf("invalid tls-server-name '%s'", name);
			goto out;
		}
		curl_easy_setopt(r->easy, CURLOPT_URL, newurl);
	}
out:
	curl_free(host);
	curl_free(port);
	curl_free(newurl);
	curl_url_cleanup(u);
	return err;
}

static void set_blob(CURL *e, CURLoption opt, const char *data, size_t len)
{
	struct curl_blob b = {.data = (void *)data, .len = len, .flags = CURL_BLOB_COPY};
	curl_easy_setopt(e, opt, &b);
}

static char *apply_tls(struct http_request *r, const struct http_tls *t)
{
	CURL *e = r->easy;
	if (t->ca_len) {
		set_blob(e, CURLOPT_CAINFO_BLOB, t->ca_pem, t->ca_len);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	if (t->cert_len) {
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		set_blob(e, CURLOPT_SSLCERT_BLOB, t->cert_pem, t->cert_len);
	}
	if (t->key_len) {
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
		set_blob(e, CURLOPT_SSLKEY_BLOB, t->key_pem, t->key_len);
	}
	if (t->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return NULL;
}

struct http_request *http_start(struct http_client *c, const struct http_opts *o)
{
	struct http_request *r = xcalloc(1, sizeof *r);
	r->c = c;
	r->on_data = o->on_data;
	r->on_done = o->on_done;
	r->on_headers = o->on_headers;
	r->ud = o->ud;
	r->max_body = o->max_body ? o->max_body : DEFAULT_MAX_BODY;
	r->start_ms = time_mono_ms();
	r->method = xstrdup(o->method ? o->method : (o->body ? "POST" : "GET"));
	r->url = secret_url_redact(o->url ? o->url : ""); /* never a password in a log line */
	buf_init(&r->body);
	r->next = c->reqs;
	if (c->reqs)
		c->reqs->prev = r;
	c->reqs = r;
	c->npending++;

	if (!o->url || !*o->url) {
		fail_early(r, xstrdup("no URL"));
		return r;
	}
	CURL *e = r->easy = curl_easy_init();
	if (!e) {
		fail_early(r, xstrdup("cannot create a curl handle"));
		return r;
	}
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_URL, o->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	                 o->connect_timeout_ms > 0 ? o->connect_timeout_ms : DEFAULT_CONNECT_MS);
	if (o->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	if (o->idle_timeout_s > 0) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->idle_timeout_s);
	}
	if (!o->no_gzip) /* what Go's transport asks for (net/http transport.go: gzip only) */
		curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip");
	if (o->proxy && *o->proxy) {
		/* an explicit proxy (kubeconfig proxy-url) applies to every host, as in kubectl */
		/* Go's SOCKS5 dialer (golang.org/x/net/internal/socks) hands the host NAME to the
		 * proxy; curl's socks5:// would resolve it here, socks5h:// is Go's behaviour (the
		 * scheme of the string wins over CURLOPT_PROXYTYPE, so it is rewritten) */
		if (strncmp(o->proxy, "socks5://", 9) == 0) {
			char *h = xasprintf("socks5h://%s", o->proxy + 9);
			curl_easy_setopt(e, CURLOPT_PROXY, h);
			explicit_bzero(h, strlen(h)); /* may hold user:password@ (curl has a copy) */
			free(h);
		} else {
			curl_easy_setopt(e, CURLOPT_PROXY, o->proxy);
		}
		curl_easy_setopt(e, CURLOPT_NOPROXY, "");
	} else if (o->direct) {
		curl_easy_setopt(e, CURLOPT_PROXY, ""); /* not curl's environment rules either */
	}

	if (o->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body);
	}
	if (strcmp(r->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	else if (!(o->body && strcmp(r->method, "POST") == 0))
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	if (strcmp(r->method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);

	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	if (o->accept) {
		char *h = xasprintf("Accept: %s", o->accept);
		r->hdrs = curl_slist_append(r->hdrs, h);
		free(h);
	}
	if (o->body) {
		char *h = xasprintf("Content-Type: %s",
		                    o->content_type ? o->content_type : "application/json");
		r->hdrs = curl_slist_append(r->hdrs, h);
		free(h);
	}
	for (const char *const *h = o->headers; h && *h; h++)
		r->hdrs = curl_slist_append(r->hdrs, *h);
	if (o->bearer_token && *o->bearer_token) {
		char *h = xasprintf("Authorization: Bearer %s", o->bearer_token);
		r->hdrs = curl_slist_append(r->hdrs, h);
		memset(h, 0, strlen(h));
		free(h);
	} else if (o->username && *o->username) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, o->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD, o->password ? o->password : "");
	}
	char *err = NULL;
	if (o->tls) {
		err = apply_tls(r, o->tls);
		if (!err && o->tls->server_name && *o->tls->server_name)
			err = apply_server_name(r, o->url, o->tls->server_name);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	if (err) {
		fail_early(r, err);
		return r;
	}
	log_debug("http: %s %s", r->method, r->url);
	CURLMcode mc = curl_multi_add_handle(c->multi, e);
	if (mc != CURLM_OK) {
		fail_early(r, xasprintf("cannot start request: %s", curl_multi_strerror(mc)));
		return r;
	}
	r->in_multi = true;
	return r;
}

void http_cancel(struct http_request *r)
{
	if (!r || r->cancelled)
		return;
	struct http_client *c = r->c;
	r->cancelled = true;
	if (r->early_timer)
		return; /* on_early frees it without a callback */
	if (c->in_curl) {
		if (!c->reap_timer)
			c->reap_timer = evloop_timer_add(c->loop, 0, on_reap, c);
		return;
	}
	list_unlink(r);
	req_free(r);
}

void http_result_done(struct http_result *res)
{
	buf_done(&res->body);
	free(res->error);
	free(res->content_type);
	res->error = res->content_type = NULL;
}

struct fetch_state {
	struct http_result *res;
	bool done;
	bool ok;
};

static void fetch_done(struct http_request *req, const struct http_response *resp, void *ud)
{
	struct fetch_state *fs = ud;
	fs->done = true;
	fs->res->status = resp->status;
	buf_append(&fs->res->body, resp->body, resp->body_len);
	fs->res->error = xstrdup_null(resp->error);
	fs->res->content_type = xstrdup_null(resp->content_type);
	fs->res->retry_after_s = resp->retry_after_s;
	fs->ok = !resp->error && resp->status > 0;
}

int http_fetch(struct http_client *c, const struct http_opts *o, struct http_result *res,
               long max_ms)
{
	memset(res, 0, sizeof *res);
	buf_init(&res->body);
	struct fetch_state fs = {.res = res};
	struct http_opts oo = *o;
	oo.on_data = NULL;
	oo.on_done = fetch_done;
	oo.ud = &fs;
	struct http_request *r = http_start(c, &oo);
	if (!evloop_run_until(c->loop, &fs.done, max_ms)) {
		http_cancel(r);
		res->error = xasprintf("no answer within %ld ms", max_ms);
		return -1;
	}
	return fs.ok ? 0 : -1;
}

char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xmalloc(n * 3 + 1), *p = out;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			*p++ = (char)ch;
		} else {
			*p++ = '%';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p = 0;
	return out;
}
