/* promapi.h: the Prometheus HTTP API client (/api/v1/query, /api/v1/query_range) on the net
 * layer's HTTP client: POSTed form queries, optional bearer token, basic auth and
 * X-Scope-OrgID (Thanos, Mimir, Cortex, VictoriaMetrics), a path prefix kept from the URL
 * ("http://host/prometheus"). Replies are decoded by promresult.h. Credentials are copied
 * into the client, sent only as headers, never logged or shown: promapi_describe() gives the
 * URL without them. Heap object: promapi_new/promapi_free. */
#ifndef GAMMATOP_PROMAPI_H
#define GAMMATOP_PROMAPI_H
#include <stddef.h>
#include <stdint.h>

#include "gammatop/http.h"
#include "gammatop/promresult.h"

struct promapi_config {
	const char *url;          /* base URL, may carry a path prefix and user:password@ */
	const char *bearer_token; /* NULL: none */
	const char *username, *password; /* basic auth; NULL: none (or from the URL) */
	const char *org_id;       /* X-Scope-OrgID; NULL: none */
	long timeout_ms;          /* per query; 0 = 30 s */
	int insecure;             /* skip TLS verification */
};

struct promapi;

/* Copies cfg. Returns NULL with a message in err when the URL is not http(s)://. */
struct promapi *promapi_new(struct http_client *hc, const struct promapi_config *cfg, char *err,
                            size_t errlen);
void promapi_free(struct promapi *p);
/* "prometheus http://host:9090/prefix" (no credentials): the cache's source name. */
const char *promapi_describe(const struct promapi *p);

/* Called once per query: r decoded (valid during the call) and err NULL, or err set
 * ("prometheus http://h: HTTP 400: bad_data: ..."). */
typedef void (*promapi_cb)(struct promresult *r, const char *err, void *ud);

/* Instant query at time_ms (0: the server's now). */
void promapi_query(struct promapi *p, const char *query, int64_t time_ms, promapi_cb cb, void *ud);
/* Range query from start to end every step (milliseconds). */
void promapi_query_range(struct promapi *p, const char *query, int64_t start_ms, int64_t end_ms,
                         int64_t step_ms, promapi_cb cb, void *ud);
/* Blocking instant query (runs the loop until answered): 0, or -1 with a message in err. */
int promapi_query_sync(struct promapi *p, const char *query, int64_t time_ms,
                       struct promresult *r, char *err, size_t errlen);

/* The form body of a query (exposed for tests): "query=...&time=..." percent-encoded. */
char *promapi_form(const char *query, int64_t time_ms, int64_t start_ms, int64_t end_ms,
                   int64_t step_ms);

#endif
