/* mesh.c: the mesh profiles (one table entry per mesh: its series, matchers and route key),
 * label matching with PromQL semantics, PromQL generation, and the per-key accumulator both
 * collection paths fill. doc/telemetry.md explains each profile's choices. */
#include "config.h"

#include "gammatop/mesh.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/exposition.h"
#include "gammatop/xalloc.h"

#define COMMA ,

/* ---- route keys ---- */

static int key_linkerd(mesh_label_fn get, const void *obj, char *route, size_t n, int *rule)
{
	const char *kind = get(obj, "route_kind"), *ns = get(obj, "route_namespace"),
	           *name = get(obj, "route_name");
	if (!kind || !ns || !name || !*ns || !*name)
		return -1;
	const char *k = !strcmp(kind, "HTTPRoute") ? "httproute"
	                : !strcmp(kind, "GRPCRoute") ? "grpcroute" : NULL;
	if (!k) /* the synthesized default route (route_kind="default") is no HTTPRoute */
		return -1;
	*rule = -1;
	return snprintf(route, n, "%s/%s/%s", k, ns, name) < (int)n ? 0 : -1;
}

/* "httproute/NS/NAME/rule/I" (Envoy Gateway's cluster names). */
static int key_envoy_gateway(mesh_label_fn get, const void *obj, char *route, size_t n,
                             int *rule)
{
	const char *c = get(obj, "envoy_cluster_name");
	if (!c || (strncmp(c, "httproute/", 10) && strncmp(c, "grpcroute/", 10)))
		return -1;
	const char *ns = c + 10, *slash = strchr(ns, '/');
	if (!slash || slash == ns)
		return -1;
	const char *name = slash + 1, *r = strstr(name, "/rule/");
	if (!r || r == name)
		return -1;
	char *end;
	long i = strtol(r + 6, &end, 10);
	if (end == r + 6 || *end || i < 0 || i > 1000000)
		return -1;
	*rule = (int)i;
	return snprintf(route, n, "%.*s", (int)(r - c), c) < (int)n ? 0 : -1;
}

/* destination_service_{namespace,name}, or an Envoy cluster "outbound|PORT|SUBSET|FQDN"
 * (sidecars) or "inbound-vip|PORT|PROTO|FQDN" (ambient waypoints). */
static int key_istio(mesh_label_fn get, const void *obj, char *route, size_t n, int *rule)
{
	const char *ns = get(obj, "destination_service_namespace"),
	           *name = get(obj, "destination_service_name"), *cluster = get(obj, "cluster_name");
	*rule = -1;
	if (ns && name && *ns && *name && strcmp(name, "unknown"))
		return snprintf(route, n, "service/%s/%s", ns, name) < (int)n ? 0 : -1;
	if (!cluster || (strncmp(cluster, "outbound|", 9) && strncmp(cluster, "inbound-vip|", 12)))
		return -1;
	const char *fqdn = strrchr(cluster, '|') + 1, *dot = strchr(fqdn, '.');
	if (!dot || dot == fqdn)
		return -1;
	const char *dot2 = strchr(dot + 1, '.');
	size_t nsl = dot2 ? (size_t)(dot2 - dot - 1) : strlen(dot + 1);
	if (!nsl)
		return -1;
	return snprintf(route, n, "service/%.*s/%.*s", (int)nsl, dot + 1, (int)(dot - fqdn), fqdn) <
	               (int)n
	               ? 0
	               : -1;
}

/* ---- the profiles ---- */

/* Each profile follows the proxy's own source; doc/telemetry.md names the file and version of
 * every series used here and says when it increments. */

/* linkerd2-proxy v2.366 linkerd/app/outbound/src/http/logical/policy/route/metrics/labels.rs:
 * the `error` label values that mean the request ended in a timeout (request, response
 * headers, response stream, idle). The response-headers timeout is the per-try timeout and is
 * dropped on the last attempt (route/retry.rs), so each of these is a request's end. */
#define LK_TIMEOUT_ERR "REQUEST_TIMEOUT|RESPONSE_HEADERS_TIMEOUT|RESPONSE_STREAM_TIMEOUT|IDLE_TIMEOUT"
/* Components known (0 when no series moved) as soon as a key has requests. Retry series are
 * not among them for Linkerd: the proxy creates them only for routes with a retry policy
 * (linkerd/http/retry/src/lib.rs), so a route without one has unknown retries, never 0. */
#define BASE_BITS (SC_BIT(SC_REQUESTS) | SC_BIT(SC_TIMEOUTS) | SC_BIT(SC_LATENCY))

#define LK_SERIES(P, OK)                                                                       \
	{SC_REQUESTS, P "_request_statuses_total", {{0}}, 1, 0},                                  \
	{SC_SUCCESSES, P "_request_statuses_total", {{"error", MO_EQ, ""}, OK}, 1, 0},             \
	{SC_TIMEOUTS, P "_request_statuses_total", {{"error", MO_RE, LK_TIMEOUT_ERR}}, 1, 0},      \
	{SC_RETRIES, P "_retry_requests_total", {{0}}, 1, 0},                                     \
	{SC_RETRY_SUCCESSES, P "_retry_successes_total", {{0}}, 1, 0},                            \
	{SC_EXHAUSTED, P "_retry_limit_exceeded_total", {{0}}, 1, 0},                             \
	{SC_EXHAUSTED, P "_retry_overflow_total", {{0}}, 1, 0},                                   \
	{SC_LATENCY, P "_request_duration_seconds_bucket", {{0}}, 1, 0}

static const struct mesh_profile linkerd = {
	.name = "linkerd",
	.scope = "route",
	.about = "Linkerd proxy outbound_{http,grpc}_route_* metrics of the calling pods, per route "
	         "(route_* labels; Service parents only)",
	.detect_metric = "outbound_http_route_request_statuses_total",
	.key_labels = "route_kind, route_namespace, route_name",
	.key = key_linkerd,
	.le_to_ms = 1000,
	.have = BASE_BITS | SC_BIT(SC_SUCCESSES),
	.series = {
		LK_SERIES("outbound_http_route", {"http_status" COMMA MO_NRE COMMA "5.."}),
		LK_SERIES("outbound_grpc_route", {"grpc_status" COMMA MO_EQ COMMA "OK"}),
	},
};

/* Envoy (source/common/router/router.cc, v1.36): a client request is charged once to
 * upstream_rq_<code> (upstream_rq_xx) when it ends — by the upstream's answer, or by the
 * router's local reply after a connect failure, pending overflow or timeout
 * (chargeUpstreamAbort) — while a try that is retried is charged to retry.upstream_rq_<code>
 * instead. upstream_rq_total counts only tries that got a connection (conn_pool_base.cc), so
 * the requests are the sum of upstream_rq_xx over every class. */
static const struct mesh_profile envoy_gateway = {
	.name = "envoy-gateway",
	.scope = "rule",
	.about = "Envoy cluster stats of Envoy Gateway, per rule (cluster httproute/NS/NAME/rule/I)",
	.detect_metric = "envoy_cluster_upstream_rq_total",
	.detect = {{"envoy_cluster_name", MO_RE, "(httproute|grpcroute)/.*"}},
	.key_labels = "envoy_cluster_name",
	.key = key_envoy_gateway,
	.le_to_ms = 1,
	.have = BASE_BITS | SC_BIT(SC_SUCCESSES) | SC_BIT(SC_TRY_TIMEOUTS) | SC_BIT(SC_RETRIES) |
	        SC_BIT(SC_RETRY_SUCCESSES) | SC_BIT(SC_EXHAUSTED),
	.series = {
		{SC_REQUESTS, "envoy_cluster_upstream_rq_xx", {{0}}, 1, 0},
		{SC_SUCCESSES, "envoy_cluster_upstream_rq_xx",
		 {{"envoy_response_code_class", MO_RE, "2|3|4"}}, 1, 0},
		/* the route timeout: once per request that it ended */
		{SC_TIMEOUTS, "envoy_cluster_upstream_rq_timeout", {{0}}, 1, 0},
		/* per-try timeouts: once per try, whether a retry recovered it or not */
		{SC_TRY_TIMEOUTS, "envoy_cluster_upstream_rq_per_try_timeout", {{0}}, 1, 0},
		{SC_TRY_TIMEOUTS, "envoy_cluster_upstream_rq_per_try_idle_timeout", {{0}}, 1, 0},
		{SC_RETRIES, "envoy_cluster_upstream_rq_retry", {{0}}, 1, 0},
		{SC_RETRY_SUCCESSES, "envoy_cluster_upstream_rq_retry_success", {{0}}, 1, 0},
		{SC_EXHAUSTED, "envoy_cluster_upstream_rq_retry_limit_exceeded", {{0}}, 1, 0},
		{SC_EXHAUSTED, "envoy_cluster_upstream_rq_retry_overflow", {{0}}, 1, 0},
		/* per request: from the downstream request's end to the final try's answer */
		{SC_LATENCY, "envoy_cluster_upstream_rq_time_bucket", {{0}}, 1, 0},
	},
};

/* Istio (istio/proxy stats plugin, 1.2x): every proxy on the path reports a request, labelled
 * reporter=source (client sidecar), waypoint (ambient) or destination (server sidecar). Count
 * each request once: as its client side (source or waypoint) or, for clients without a proxy,
 * as the destination's report whose peer is unknown. Retries exist only as Envoy cluster stats
 * (outbound|PORT|SUBSET|FQDN for sidecars, inbound-vip|PORT|PROTO|FQDN for waypoints) when
 * proxyStatsMatcher enables them. */
#define IS_CLIENT {"reporter", MO_RE, "source|waypoint"}
#define IS_DEST {"reporter", MO_EQ, "destination"}, {"source_workload", MO_EQ, "unknown"}
#define IS_CLUSTERS {{"cluster_name", MO_RE, "(outbound|inbound-vip)[|].*"}}
static const struct mesh_profile istio = {
	.name = "istio",
	.scope = "service",
	.about = "Istio standard metrics, per destination service (no route label exists)",
	.detect_metric = "istio_requests_total",
	.key_labels = "destination_service_namespace, destination_service_name",
	.key = key_istio,
	.le_to_ms = 1,
	.have = BASE_BITS | SC_BIT(SC_FAILURES) | SC_BIT(SC_EXHAUSTED),
	.series = {
		{SC_REQUESTS, "istio_requests_total", {IS_CLIENT}, 1, 0},
		{SC_REQUESTS, "istio_requests_total", {IS_DEST}, 1, 0},
		{SC_FAILURES, "istio_requests_total", {IS_CLIENT, {"response_code", MO_RE, "5.."}},
		 1, 0},
		{SC_FAILURES, "istio_requests_total", {IS_DEST, {"response_code", MO_RE, "5.."}}, 1, 0},
		/* Envoy flag UT: the request ended in a timeout (route or last try's per-try) */
		{SC_TIMEOUTS, "istio_requests_total",
		 {IS_CLIENT, {"response_flags", MO_RE, "(.*,)?UT(,.*)?"}}, 1, 0},
		{SC_TIMEOUTS, "istio_requests_total",
		 {IS_DEST, {"response_flags", MO_RE, "(.*,)?UT(,.*)?"}}, 1, 0},
		{SC_EXHAUSTED, "istio_requests_total",
		 {IS_CLIENT, {"response_flags", MO_RE, "(.*,)?URX(,.*)?"}}, 1, 0},
		{SC_LATENCY, "istio_request_duration_milliseconds_bucket", {IS_CLIENT}, 1, 0},
		{SC_LATENCY, "istio_request_duration_milliseconds_bucket", {IS_DEST}, 1, 0},
		{SC_RETRIES, "envoy_cluster_upstream_rq_retry", IS_CLUSTERS, 1, "cluster_name"},
		{SC_RETRY_SUCCESSES, "envoy_cluster_upstream_rq_retry_success", IS_CLUSTERS, 1,
		 "cluster_name"},
		{SC_TRY_TIMEOUTS, "envoy_cluster_upstream_rq_per_try_timeout", IS_CLUSTERS, 1,
		 "cluster_name"},
	},
};

static const struct mesh_profile *const profiles[] = {&linkerd, &envoy_gateway, &istio};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

const struct mesh_profile *const *mesh_profiles(size_t *n)
{
	*n = N_PROFILES;
	return profiles;
}

const struct mesh_profile *mesh_find(const char *name)
{
	for (size_t i = 0; name && i < N_PROFILES; i++)
		if (!strcmp(profiles[i]->name, name))
			return profiles[i];
	return NULL;
}

const char *mesh_names(void)
{
	return "linkerd|envoy-gateway|istio";
}

/* ---- matching ---- */

struct re_cache {
	const char *pattern; /* the profile's string (pointer identity) */
	regex_t re;
	bool ok;
};

static bool pattern_match(const char *pattern, const char *value)
{
	static struct re_cache cache[32];
	static size_t n;
	struct re_cache *c = NULL;
	for (size_t i = 0; i < n; i++)
		if (cache[i].pattern == pattern)
			c = &cache[i];
	if (!c) {
		if (n == sizeof cache / sizeof cache[0])
			return false;
		c = &cache[n++];
		c->pattern = pattern;
		char *anchored = xasprintf("^(%s)$", pattern);
		c->ok = regcomp(&c->re, anchored, REG_EXTENDED | REG_NOSUB) == 0;
		free(anchored);
	}
	return c->ok && regexec(&c->re, value, 0, NULL, 0) == 0;
}

static bool matchers_ok(const struct mesh_matcher *m, size_t max, mesh_label_fn get,
                        const void *obj)
{
	for (size_t i = 0; i < max && m[i].label; i++) {
		const char *v = get(obj, m[i].label);
		if (!v)
			v = ""; /* PromQL: an absent label matches "" */
		bool hit;
		switch (m[i].op) {
		case MO_EQ: hit = !strcmp(v, m[i].value); break;
		case MO_NE: hit = strcmp(v, m[i].value) != 0; break;
		case MO_RE: hit = pattern_match(m[i].value, v); break;
		default: hit = !pattern_match(m[i].value, v); break;
		}
		if (!hit)
			return false;
	}
	return true;
}

bool mesh_series_matches(const struct mesh_series *s, const char *name, mesh_label_fn get,
                         const void *obj)
{
	return !strcmp(s->metric, name) && matchers_ok(s->match, MESH_MAX_MATCHERS, get, obj);
}

bool mesh_detects(const struct mesh_profile *p, const char *name, mesh_label_fn get,
                  const void *obj)
{
	return !strcmp(p->detect_metric, name) && matchers_ok(p->detect, 2, get, obj);
}

/* ---- PromQL ---- */

static void quote(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

char *mesh_promql(const struct mesh_profile *p, const struct mesh_series *s, const char *range)
{
	static const char *const ops[] = {"=", "!=", "=~", "!~"};
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "sum by (%s%s) (rate(%s", s->comp == SC_LATENCY ? "le, " : "",
	           s->by ? s->by : p->key_labels, s->metric);
	if (s->match[0].label) {
		buf_putc(&b, '{');
		for (size_t i = 0; i < MESH_MAX_MATCHERS && s->match[i].label; i++) {
			buf_printf(&b, "%s%s%s", i ? ", " : "", s->match[i].label, ops[s->match[i].op]);
			quote(&b, s->match[i].value);
		}
		buf_putc(&b, '}');
	}
	buf_printf(&b, "[%s]))", range);
	return buf_steal(&b);
}

/* ---- accumulation ---- */

int mesh_acc_add(struct strmap *acc, const struct mesh_profile *p, const struct mesh_series *s,
                 mesh_label_fn get, const void *obj, double amount)
{
	char route[256];
	int rule;
	if (p->key(get, obj, route, sizeof route, &rule) < 0)
		return -1;
	double le = 0;
	if (s->comp == SC_LATENCY) {
		const char *l = get(obj, "le");
		if (!l || expo_parse_value(l, strlen(l), &le) < 0)
			return -1;
	}
	char key[300];
	snprintf(key, sizeof key, "%s\x1f%d", route, rule);
	bool created;
	void **slot = strmap_slot(acc, key, &created);
	struct mesh_acc_item *it = *slot;
	if (created) {
		it = xcalloc(1, sizeof *it);
		*slot = it;
		snprintf(it->route, sizeof it->route, "%s", route);
		it->rule = rule;
	}
	if (s->comp == SC_LATENCY)
		samples_counts_bucket(&it->counts, le * p->le_to_ms, amount);
	else
		it->counts.v[s->comp] += s->sign * amount;
	it->counts.have |= SC_BIT(s->comp);
	return 0;
}

void mesh_acc_finish(struct strmap *acc, const struct mesh_profile *p, double seconds)
{
	for (size_t i = 0; i < acc->cap; i++) {
		struct mesh_acc_item *it = acc->e[i].key ? acc->e[i].value : NULL;
		if (!it)
			continue;
		it->counts.seconds = seconds;
		if (it->counts.have & SC_BIT(SC_REQUESTS))
			it->counts.have |= p->have;
		/* Retry series come as a family (linkerd/http/retry/src/lib.rs creates requests,
		 * successes, limit_exceeded and overflow together; Envoy's cluster stats likewise):
		 * one of them seen means the others are known, 0 when they did not move. */
		if (it->counts.have & SC_BIT(SC_RETRIES))
			it->counts.have |= SC_BIT(SC_RETRY_SUCCESSES) | SC_BIT(SC_EXHAUSTED);
		if (it->counts.v[SC_REQUESTS] < 0) /* retries counted before their tries */
			it->counts.v[SC_REQUESTS] = 0;
	}
}
