/* http.h: HTTP(S) requests on libcurl's multi interface, driven by the shared evloop (one
 * thread, many concurrent requests: lists, long watches, patches, Prometheus queries, pod
 * proxy scrapes). Generic: knows nothing about Kubernetes or Prometheus.
 *
 * Usage (async):
 *     struct http_client *hc = http_client_new(loop);
 *     struct http_opts o = { .url = "https://host/x", .on_done = done, .ud = me };
 *     struct http_request *r = http_start(hc, &o);
 *     ... evloop_run(loop) ...; done() is called exactly once, unless http_cancel(r) came first.
 * Usage (blocking, batch commands): http_fetch(hc, &o, &res) runs the loop until the
 * request has finished (other watches on the loop keep being served meanwhile).
 *
 * Secrets: TLS material, bearer tokens and passwords are copied into curl from memory (the
 * *_BLOB options) and never written to disk or to the log. The log gets method, URL, status
 * and timing only: do not put secrets in URLs. */
#ifndef GAMMATOP_HTTP_H
#define GAMMATOP_HTTP_H
#include "gammatop/buf.h"
#include "gammatop/evloop.h"

#include <stdbool.h>
#include <stddef.h>

struct http_client;
struct http_request;

/* TLS settings of one request. All pointers are borrowed for the duration of http_start()
 * (curl copies what it needs). PEM data is given as bytes + length; length 0 = not set. */
struct http_tls {
	const char *ca_pem;       /* trusted CA bundle; not set: the system store */
	size_t ca_len;
	const char *cert_pem;     /* client certificate (chain) */
	size_t cert_len;
	const char *key_pem;      /* client private key */
	size_t key_len;
	bool insecure;            /* skip server certificate and host name verification */
	const char *server_name;  /* verify the server as (and send SNI for) this name instead of
	                             the URL's host: kubeconfig tls-server-name */
};

/* What the completion callback gets. Valid only during the callback. */
struct http_response {
	long status;            /* HTTP status; 0 when no response arrived */
	const char *body;       /* collected body, NUL-terminated ("" when streamed/none) */
	size_t body_len;
	const char *error;      /* transport error text (curl's), NULL when the transfer
	                           completed (whatever the status) */
	int curl_code;          /* CURLcode; 0 on success */
	const char *content_type; /* response Content-Type, or NULL */
	long retry_after_s;     /* Retry-After (seconds) of a 429/503, 0 when absent */
	double total_s;         /* transfer time in seconds */
};

/* Streaming: called with each chunk of a 2xx response body as it arrives (chunks split
 * anywhere). Return false to abort the request (on_done then reports the abort as an error,
 * unless the request was cancelled). */
typedef bool (*http_data_cb)(struct http_request *req, long status, const char *data, size_t n,
                             void *ud);
/* Headers: called once when the final response's status line and headers have arrived
 * (before any body), e.g. to learn that a watch stream is established. */
typedef void (*http_headers_cb)(struct http_request *req, long status, void *ud);
/* Completion: called exactly once per request that was not cancelled. The request is freed
 * right after the callback returns; starting new requests from it is allowed. */
typedef void (*http_done_cb)(struct http_request *req, const struct http_response *resp,
                             void *ud);

/* One request. Every pointer is borrowed for the duration of http_start() only. */
struct http_opts {
	const char *method;        /* NULL = GET (POST when body is set) */
	const char *url;
	const char *const *headers; /* NULL-terminated "Name: value" list, or NULL */
	const char *accept;        /* Accept header, NULL = none sent by us */
	const char *body;          /* request body (copied), NULL = none */
	size_t body_len;
	const char *content_type;  /* Content-Type for body */
	const char *bearer_token;  /* sends "Authorization: Bearer ..." */
	const char *username;      /* basic auth when set (with password) */
	const char *password;
	const struct http_tls *tls; /* NULL = defaults (verify against the system store) */
	const char *proxy;         /* http://, https://, socks5://, socks5h:// proxy URL (socks5://
	                              sends the host name to the proxy, as Go does) */
	bool direct;               /* no proxy: curl's own *_proxy environment rules are off
	                              (the kube client applies Go's, proxyenv.h) */
	long connect_timeout_ms;   /* 0 = 10 s */
	long timeout_ms;           /* whole transfer, 0 = none (watches) */
	long idle_timeout_s;       /* abort when no byte arrives for this long, 0 = never */
	bool no_gzip;              /* send no Accept-Encoding (else "gzip", as Go's transport) */
	size_t max_body;           /* cap on a collected body, 0 = 256 MiB; over: error */
	http_data_cb on_data;      /* set: 2xx bodies are streamed to it, not collected
	                              (non-2xx bodies are always collected for on_done) */
	http_headers_cb on_headers; /* may be NULL */
	http_done_cb on_done;      /* may be NULL (fire and forget) */
	void *ud;
};

/* A client bound to loop. Registers curl's sockets and timers on the loop. */
struct http_client *http_client_new(struct evloop *loop);
/* Cancels every pending request (no callbacks) and frees the client. */
void http_client_free(struct http_client *c);

/* Start a request. Never NULL: errors detected before sending (bad URL, bad TLS material)
 * are reported through on_done from the loop, like any other failure. */
struct http_request *http_start(struct http_client *c, const struct http_opts *o);
/* Cancel a request that has not completed: on_done will not be called. Safe to call from
 * any callback (including this request's own on_data). Must not be called after on_done. */
void http_cancel(struct http_request *req);
/* Number of requests in flight. */
size_t http_client_pending(const struct http_client *c);

/* Result of http_fetch(): owned by the caller, release with http_result_done(). */
struct http_result {
	long status;
	struct buf body;
	char *error;        /* transport error text or NULL */
	char *content_type; /* or NULL */
	long retry_after_s;
};
void http_result_done(struct http_result *r);

/* Blocking convenience: start o (its on_done/on_data/ud are ignored), run the loop until it
 * finishes or max_ms passes (0 = no limit beyond o->timeout_ms), fill res. Returns 0 when an
 * HTTP response arrived (any status), -1 on transport failure or time-out (res->error says
 * which). Other loop users are served while waiting. */
int http_fetch(struct http_client *c, const struct http_opts *o, struct http_result *res,
               long max_ms);

/* Percent-encode s for use in a URL query value or path segment (unreserved kept).
 * The caller frees the result. */
char *http_escape(const char *s);

#endif
