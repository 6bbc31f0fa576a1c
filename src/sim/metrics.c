/* metrics.c: renders the traffic model's counters (traffic.c) as mesh proxies expose them,
 * in Prometheus text format. Outcomes are those of traffic.h (TO_*).
 *
 * Linkerd (linkerd2-proxy v2.366; per route and Service parentRef: Linkerd serves no route
 * series for Gateway parents, and a route without a Service parent has none; the route's
 * traffic is spread evenly over its Service parents, each carrying floor(total / parents);
 * parent_port is the parentRef's port or 80, parent_group "core" for group ""): text section
 * first, then a trailing OpenMetrics-style section (TYPE names the counter family without
 * _total, UNIT lines, buckets le="1.0" as prometheus-client writes f64) that ends with
 * "# EOF", as the real proxy's does.
 *   outbound_http_route_request_statuses_total{...,http_status,error}: "200" TO_OK; "503"
 *     TO_503 + TO_503_EXH; error="REQUEST_TIMEOUT" TO_RTO; error="RESPONSE_HEADERS_TIMEOUT"
 *     TO_PTO + TO_PTO_EXH (the request ended on a per-try timeout), http_status="" for errors
 *   outbound_http_route_backend_requests_total{...,backend_*}: tries, split by weight
 *   outbound_http_route_backend_response_statuses_total{...,backend_*,http_status,error}: tries
 *     by outcome, split by weight: "200", "503", error="RESPONSE_HEADERS_TIMEOUT" (per-try
 *     timeout), error="REQUEST_TIMEOUT" (try in flight when timeouts.request fired)
 *   [OM] outbound_http_route_backend_response_duration_seconds{...,backend_*}: latency of
 *     answered tries (same buckets as below)
 *   [OM] outbound_http_route_request_duration_seconds: client-perceived duration, buckets
 *     0.05, 0.5, 1.0, 10.0, +Inf
 *   [OM] outbound_http_route_retry_requests_total: retries sent; _retry_successes_total:
 *     retries answered 200; _retry_limit_exceeded_total: TO_503_EXH + TO_PTO_EXH;
 *     _retry_overflow_total: always 0 (no budget in the model) — only for routes with a retry
 *     policy (linkerd/http/retry creates them per request that has one)
 *   GRPCRoute: outbound_grpc_route_* with grpc_status "OK" / "UNAVAILABLE", and "UNKNOWN" for
 *     errors (labels.rs: an error without a gRPC status).
 *   The policy behind these is Linkerd's (traffic.c: retry.linkerd.io annotations; HTTPRoute
 *   retry and backendRequest ignored).
 * Envoy Gateway (per rule, envoy_cluster_name="httproute/<ns>/<name>/rule/<i>", grpcroute/...
 * for GRPCRoute; all parents together; as source/common/router/router.cc charges them):
 *   envoy_cluster_upstream_rq_total: tries that got a connection (requests + retries, less
 *     connect failures)
 *   envoy_cluster_upstream_cx_connect_fail: with sim.gammatop.dev/backend-down, the failed
 *     tries (no connection)
 *   envoy_cluster_upstream_rq_xx{envoy_response_code_class}: each request once, as it ended:
 *     "2" TO_OK; "5" TO_503 + TO_503_EXH (503) and TO_RTO + TO_PTO + TO_PTO_EXH (504)
 *   envoy_cluster_upstream_rq{envoy_response_code}: the same by code 200 / 503 / 504
 *   _rq_retry: retries; _rq_retry_success: retries answered 200; _rq_retry_limit_exceeded:
 *     TO_503_EXH + TO_PTO_EXH; _rq_retry_overflow: 0; _rq_timeout: TO_RTO (requests);
 *     _rq_per_try_timeout: tries cut by timeouts.backendRequest
 *   envoy_cluster_upstream_rq_time: latency (ms) of answered tries (timed-out tries excluded)
 * Istio (reporter="source" with source_workload="mesh-client", and reporter="destination" for
 * every try the server's sidecar answered (200 / 503), which gammatop must not count again;
 * per destination service: every rule counts toward its first
 * backendRef, rules without one are not shown; client requests, retries hidden):
 *   istio_requests_total{response_code,response_flags,grpc_response_status}: 200 "-" TO_OK;
 *     503 "-" TO_503; 503 "URX" TO_503_EXH; 504 "UT" TO_RTO + TO_PTO; 504 "UT,URX" TO_PTO_EXH
 *     (gRPC: grpc_response_status 0 / 14 / 4 alongside the same codes)
 *   istio_request_duration_milliseconds: client-perceived duration per the same labels
 * The ns filter keeps routes of that namespace (Istio: destination services of it).
 * Label values are escaped (\\, \", \n); other control bytes and invalid UTF-8 become '?'. */
#include "traffic.h"

#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
		return 0;
	if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
		return 0;
	return n;
}

static void put_escaped(struct buf *b, const char *v)
{
	const unsigned char *s = (const unsigned char *)(v ? v : "");
	size_t plain = 0;
	while (s[plain] >= 0x20 && s[plain] < 0x7F && s[plain] != '\\' && s[plain] != '"')
		plain++;
	buf_append(b, s, plain); /* the common case: all of it */
	s += plain;
	while (*s) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '"')
			buf_puts(b, "\\\"");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s < 0x20 || *s == 0x7F)
			buf_putc(b, '?');
		else {
			size_t n = utf8_len(s);
			if (n == 0) {
				buf_putc(b, '?');
			} else {
				buf_append(b, s, n);
				s += n;
				continue;
			}
		}
		s++;
	}
}

static void label(struct buf *b, const char *key, const char *val)
{
	if (b->len > 0)
		buf_putc(b, ',');
	buf_puts(b, key);
	buf_puts(b, "=\"");
	put_escaped(b, val);
	buf_putc(b, '"');
}

static void label_long(struct buf *b, const char *key, long val)
{
	char s[24];
	snprintf(s, sizeof s, "%ld", val);
	label(b, key, s);
}

static void family(struct buf *out, const char *name, const char *type, const char *unit,
                   const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	if (unit)
		buf_printf(out, "# UNIT %s %s\n", name, unit);
}

static void put_u64(struct buf *out, unsigned long long v)
{
	char d[24];
	size_t i = sizeof d;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	buf_append(out, d + i, sizeof d - i);
}

/* name{labels[,extra]} value */
static void sample(struct buf *out, const char *name, const char *labels, const char *extra,
                   unsigned long long v)
{
	buf_puts(out, name);
	buf_putc(out, '{');
	buf_puts(out, labels);
	if (extra && *extra) {
		if (*labels)
			buf_putc(out, ',');
		buf_puts(out, extra);
	}
	buf_puts(out, "} ");
	put_u64(out, v);
	buf_putc(out, '\n');
}

static void sample_f(struct buf *out, const char *name, const char *labels, double v)
{
	buf_printf(out, "%s{%s} %.15g\n", name, labels, v);
}

static bool ns_match(const char *ns, const char *want)
{
	return !want || strcmp(ns, want) == 0;
}

/* Counters of all rules of rt, and in pot[] the share sums of rules with traffic (a
 * series is shown once its rate is above zero or it has counted something). */
static void route_totals(const struct traffic *t, const struct traffic_route *rt,
                         uint64_t cnt[TC_N], double sums[TS_N], uint64_t pot[TC_N])
{
	memset(cnt, 0, TC_N * sizeof *cnt);
	memset(sums, 0, TS_N * sizeof *sums);
	memset(pot, 0, TC_N * sizeof *pot);
	for (size_t i = 0; i < rt->n_rules; i++) {
		const struct traffic_rule *r = &rt->rules[i];
		traffic_rule_counts(t, r, cnt, sums);
		if (r->rps > 0)
			for (int c = 0; c < TC_N; c++)
				pot[c] += r->share[c];
	}
}

/* ---- Linkerd ---- */

struct lk_row {
	const char *status, *error;
	int o1, o2; /* outcomes counted (o2 may be -1) */
};

static void lk_parent_labels(struct buf *l, const struct traffic_route *rt,
                             const struct traffic_parent *p)
{
	buf_reset(l);
	label(l, "parent_group", p->group);
	label(l, "parent_kind", p->kind);
	label(l, "parent_namespace", p->ns);
	label(l, "parent_name", p->name);
	label_long(l, "parent_port", p->port);
	label(l, "parent_section_name", p->section);
	label(l, "route_group", "gateway.networking.k8s.io");
	label(l, "route_kind", rt->kind);
	label(l, "route_namespace", rt->ns);
	label(l, "route_name", rt->name);
	label(l, "hostname", rt->hostname);
}

static bool same_backend(const struct traffic_backend *a, const struct traffic_backend *b)
{
	return a->port == b->port && !strcmp(a->name, b->name) && !strcmp(a->ns, b->ns) &&
	       !strcmp(a->kind, b->kind) && !strcmp(a->group, b->group);
}

enum lk_fam { LK_STATUSES, LK_BACKENDS, LK_BACKEND_STATUSES, LK_BACKEND_DURATION, LK_DURATION,
              LK_RETRY, LK_RETRY_OK, LK_RETRY_LIMIT, LK_RETRY_OVERFLOW };

static const int lk_bounds[] = {5, 8, 9, 12}; /* 0.05s 0.5s 1s 10s in traffic_bounds_ms */
/* as prometheus-client 0.24 (linkerd2-proxy v2.366) writes f64 bounds: "1.0", not "1" */
static const char *const lk_le[] = {"0.05", "0.5", "1.0", "10.0"};

/* A histogram in seconds from cumulative millisecond buckets cnt[first..], total, sum (ms). */
static void lk_histogram(struct buf *out, const char *name, const char *labels,
                         const uint64_t *buckets, size_t stride, uint64_t total, double sum_ms,
                         uint64_t P)
{
	char nm[200];
	struct buf e;
	buf_init(&e);
	snprintf(nm, sizeof nm, "%s_bucket", name);
	for (int k = 0; k < 4; k++) {
		uint64_t v = 0;
		for (size_t o = 0; o < (stride ? TO_N : 1); o++)
			v += buckets[o * stride + (size_t)lk_bounds[k]];
		buf_reset(&e);
		label(&e, "le", lk_le[k]);
		sample(out, nm, labels, buf_str(&e), v / P);
	}
	buf_reset(&e);
	label(&e, "le", "+Inf");
	sample(out, nm, labels, buf_str(&e), total / P);
	snprintf(nm, sizeof nm, "%s_sum", name);
	sample_f(out, nm, labels, sum_ms / 1000.0 / (double)P);
	snprintf(nm, sizeof nm, "%s_count", name);
	sample(out, nm, labels, NULL, total / P);
	buf_done(&e);
}

/* Each distinct backend of rt, with every rule's try channels split by weight. */
static void lk_backend_rows(struct buf *out, const struct traffic *t,
                            const struct traffic_route *rt, enum lk_fam fam, const char *name,
                            const char *labels, uint64_t P)
{
	static const struct { const char *status, *grpc_status, *error; int chan; } rows[] = {
		{"200", "OK", "", TC_TRY_OK},
		{"503", "UNAVAILABLE", "", TC_TRY_503},
		{"", "UNKNOWN", "RESPONSE_HEADERS_TIMEOUT", TC_TRY_PTO},
		{"", "UNKNOWN", "REQUEST_TIMEOUT", TC_TRY_CUT},
	};
	struct buf e, e2;
	buf_init(&e);
	buf_init(&e2);
	for (size_t i = 0; i < rt->n_rules; i++)
		for (size_t b = 0; b < rt->rules[i].n_backends; b++) {
			const struct traffic_backend *be = &rt->rules[i].backends[b];
			bool seen = false;
			for (size_t i2 = 0; i2 <= i && !seen; i2++)
				for (size_t b2 = 0; b2 < (i2 < i ? rt->rules[i2].n_backends : b); b2++)
					if (same_backend(&rt->rules[i2].backends[b2], be))
						seen = true;
			if (seen)
				continue;
			uint64_t v[TC_N] = {0}, pot[TC_N] = {0};
			double vs = 0;
			for (size_t i2 = i; i2 < rt->n_rules; i2++) {
				const struct traffic_rule *r2 = &rt->rules[i2];
				uint64_t W = 0, w = 0;
				for (size_t b2 = 0; b2 < r2->n_backends; b2++) {
					W += (uint64_t)r2->backends[b2].weight;
					if (same_backend(&r2->backends[b2], be))
						w += (uint64_t)r2->backends[b2].weight;
				}
				if (W == 0 || w == 0)
					continue;
				uint64_t c[TC_N] = {0};
				double s[TS_N] = {0};
				traffic_rule_counts(t, r2, c, s);
				for (int k = TC_RETRIES; k < TC_N; k++) {
					v[k] += c[k] * w / W;
					pot[k] += r2->rps > 0 ? r2->share[k] : 0;
				}
				vs += s[TS_TRY] * (double)w / (double)W;
			}
			buf_reset(&e);
			buf_puts(&e, labels);
			label(&e, "backend_group", be->group);
			label(&e, "backend_kind", be->kind);
			label(&e, "backend_namespace", be->ns);
			label(&e, "backend_name", be->name);
			label_long(&e, "backend_port", be->port);
			label(&e, "backend_section_name", "");
			if (fam == LK_BACKENDS) {
				sample(out, name, buf_str(&e), NULL, v[TC_TRIES] / P);
			} else if (fam == LK_BACKEND_DURATION) {
				lk_histogram(out, name, buf_str(&e), &v[TC_TRY_LE], 0, v[TC_TRY_ANSWERED], vs,
				             P);
			} else {
				for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
					if (v[rows[k].chan] == 0 && pot[rows[k].chan] == 0)
						continue;
					buf_reset(&e2);
					label(&e2, rt->grpc ? "grpc_status" : "http_status",
					      rt->grpc ? rows[k].grpc_status : rows[k].status);
					label(&e2, "error", rows[k].error);
					sample(out, name, buf_str(&e), buf_str(&e2), v[rows[k].chan] / P);
				}
			}
		}
	buf_done(&e);
	buf_done(&e2);
}


static void lk_family_rows(struct buf *out, struct traffic *t, bool grpc, const char *ns,
                           enum lk_fam fam, const char *name)
{
	static const struct lk_row http_rows[] = {
		{"200", "", TO_OK, -1},
		{"503", "", TO_503, TO_503_EXH},
		{"", "REQUEST_TIMEOUT", TO_RTO, -1},
		{"", "RESPONSE_HEADERS_TIMEOUT", TO_PTO, TO_PTO_EXH},
	};
	/* labels.rs: an error without a gRPC status is grpc_status="UNKNOWN" */
	static const struct lk_row grpc_rows[] = {
		{"OK", "", TO_OK, -1},
		{"UNAVAILABLE", "", TO_503, TO_503_EXH},
		{"UNKNOWN", "REQUEST_TIMEOUT", TO_RTO, -1},
		{"UNKNOWN", "RESPONSE_HEADERS_TIMEOUT", TO_PTO, TO_PTO_EXH},
	};
	uint64_t cnt[TC_N], pot[TC_N];
	double sums[TS_N];
	struct buf l, e;
	buf_init(&l);
	buf_init(&e);
	for (size_t ri = 0; ri < t->n_routes; ri++) {
		const struct traffic_route *rt = t->routes[ri];
		if (rt->grpc != grpc || !ns_match(rt->ns, ns) || rt->n_parents == 0)
			continue;
		bool retry = false;
		for (size_t i = 0; i < rt->n_rules; i++)
			retry |= rt->rules[i].retry;
		if (!retry && fam >= LK_RETRY)
			continue; /* linkerd/http/retry: no series without a retry policy */
		/* Linkerd serves route metrics for Service parents only, never for Gateways: the
		 * route's traffic is spread over its Service parents */
		uint64_t P = 0;
		for (size_t pi = 0; pi < rt->n_parents; pi++)
			P += !strcmp(rt->parents[pi].kind, "Service");
		if (!P)
			continue;
		route_totals(t, rt, cnt, sums, pot);
		for (size_t pi = 0; pi < rt->n_parents; pi++) {
			if (strcmp(rt->parents[pi].kind, "Service"))
				continue;
			lk_parent_labels(&l, rt, &rt->parents[pi]);
			switch (fam) {
			case LK_STATUSES:
				for (size_t k = 0; k < 4; k++) {
					const struct lk_row *row = grpc ? &grpc_rows[k] : &http_rows[k];
					uint64_t v = cnt[TC_OUT + row->o1] +
					             (row->o2 >= 0 ? cnt[TC_OUT + row->o2] : 0);
					uint64_t p = pot[TC_OUT + row->o1] +
					             (row->o2 >= 0 ? pot[TC_OUT + row->o2] : 0);
					if (v == 0 && p == 0)
						continue;
					buf_reset(&e);
					label(&e, grpc ? "grpc_status" : "http_status", row->status);
					label(&e, "error", row->error);
					sample(out, name, buf_str(&l), buf_str(&e), v / P);
				}
				break;
			case LK_BACKENDS:
			case LK_BACKEND_STATUSES:
			case LK_BACKEND_DURATION:
				lk_backend_rows(out, t, rt, fam, name, buf_str(&l), P);
				break;
			case LK_DURATION: {
				uint64_t total = 0;
				double sum = 0;
				for (int o = 0; o < TO_N; o++) {
					total += cnt[TC_OUT + o];
					sum += sums[TS_DUR + o];
				}
				lk_histogram(out, name, buf_str(&l), &cnt[TC_DUR], TRAFFIC_NB, total, sum, P);
				break;
			}
			case LK_RETRY:
				sample(out, name, buf_str(&l), NULL, cnt[TC_RETRIES] / P);
				break;
			case LK_RETRY_OK:
				sample(out, name, buf_str(&l), NULL, cnt[TC_RETRY_OK] / P);
				break;
			case LK_RETRY_LIMIT:
				sample(out, name, buf_str(&l), NULL, cnt[TC_EXHAUSTED] / P);
				break;
			case LK_RETRY_OVERFLOW:
				sample(out, name, buf_str(&l), NULL, 0);
				break;
			}
		}
	}
	buf_done(&l);
	buf_done(&e);
}

static void render_linkerd(struct buf *out, struct traffic *t, const char *ns)
{
	static const struct {
		enum lk_fam fam;
		const char *suffix, *type, *unit, *help;
		bool om; /* in the trailing OpenMetrics section */
	} fams[] = {
		{LK_STATUSES, "request_statuses_total", "counter", NULL,
		 "Completed request-response streams.", false},
		{LK_BACKENDS, "backend_requests_total", "counter", NULL,
		 "The total number of requests dispatched to each backend.", false},
		{LK_BACKEND_STATUSES, "backend_response_statuses_total", "counter", NULL,
		 "Completed responses of each backend (one per try).", false},
		{LK_BACKEND_DURATION, "backend_response_duration_seconds", "histogram", "seconds",
		 "The time between request initialization and response completion of each try.", true},
		{LK_DURATION, "request_duration_seconds", "histogram", "seconds",
		 "The time between request initialization and response completion.", true},
		{LK_RETRY, "retry_requests", "counter", NULL, "Retry requests emitted.", true},
		{LK_RETRY_OK, "retry_successes", "counter", NULL, "Successful responses to retry requests.",
		 true},
		{LK_RETRY_LIMIT, "retry_limit_exceeded", "counter", NULL,
		 "Retryable requests not sent due to retry limits.", true},
		{LK_RETRY_OVERFLOW, "retry_overflow", "counter", NULL,
		 "Retryable requests not sent due to circuit breakers.", true},
	};
	static const char *const protos[] = {"outbound_http_route", "outbound_grpc_route"};
	for (int om = 0; om < 2; om++)
		for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++)
			for (int g = 0; g < 2; g++) {
				if (fams[f].om != (om == 1))
					continue;
				char fname[128], sname[160];
				snprintf(fname, sizeof fname, "%s_%s", protos[g], fams[f].suffix);
				snprintf(sname, sizeof sname, "%s%s", fname,
				         om && !strcmp(fams[f].type, "counter") ? "_total" : "");
				family(out, fname, fams[f].type, fams[f].unit, fams[f].help);
				lk_family_rows(out, t, g == 1, ns, fams[f].fam, sname);
			}
	buf_puts(out, "# EOF\n");
}

/* ---- Envoy Gateway ---- */

enum ev_fam { EV_RQ_TOTAL, EV_CX_CONNECT_FAIL, EV_RQ_XX, EV_RQ, EV_RETRY, EV_RETRY_OK,
              EV_RETRY_LIMIT, EV_RETRY_OVERFLOW, EV_TIMEOUT, EV_PER_TRY, EV_TIME };

static void ev_rows(struct buf *out, const char *name, const char *lbl, enum ev_fam fam,
                    const uint64_t *c, const double *s, bool down)
{
	struct buf e;
	char nm[200];
	buf_init(&e);
	/* router.cc charges each request once to upstream_rq_<code> when it ends (a retried try
	 * goes to retry.upstream_rq_<code>); a local 503 after connect failures too */
	uint64_t r503 = c[TC_OUT + TO_503] + c[TC_OUT + TO_503_EXH],
	         r504 = c[TC_OUT + TO_RTO] + c[TC_OUT + TO_PTO] + c[TC_OUT + TO_PTO_EXH];
	switch (fam) {
	/* only tries that got a connection (conn_pool_base.cc onPoolReady) */
	case EV_RQ_TOTAL: sample(out, name, lbl, NULL, c[TC_TRIES] - (down ? c[TC_TRY_503] : 0)); break;
	case EV_CX_CONNECT_FAIL: sample(out, name, lbl, NULL, down ? c[TC_TRY_503] : 0); break;
	case EV_RQ_XX:
		sample(out, name, "envoy_response_code_class=\"2\"", lbl, c[TC_OUT + TO_OK]);
		sample(out, name, "envoy_response_code_class=\"5\"", lbl, r503 + r504);
		break;
	case EV_RQ:
		sample(out, name, "envoy_response_code=\"200\"", lbl, c[TC_OUT + TO_OK]);
		sample(out, name, "envoy_response_code=\"503\"", lbl, r503);
		sample(out, name, "envoy_response_code=\"504\"", lbl, r504);
		break;
	case EV_RETRY: sample(out, name, lbl, NULL, c[TC_RETRIES]); break;
	case EV_RETRY_OK: sample(out, name, lbl, NULL, c[TC_RETRY_OK]); break;
	case EV_RETRY_LIMIT: sample(out, name, lbl, NULL, c[TC_EXHAUSTED]); break;
	case EV_RETRY_OVERFLOW: sample(out, name, lbl, NULL, 0); break;
	case EV_TIMEOUT: sample(out, name, lbl, NULL, c[TC_OUT + TO_RTO]); break;
	case EV_PER_TRY: sample(out, name, lbl, NULL, c[TC_TRY_PTO]); break;
	case EV_TIME:
		snprintf(nm, sizeof nm, "%s_bucket", name);
		for (int b = 0; b <= TRAFFIC_NB; b++) {
			char le[32];
			if (b < TRAFFIC_NB)
				snprintf(le, sizeof le, "%.10g", traffic_bounds_ms[b]);
			buf_reset(&e);
			buf_puts(&e, lbl);
			label(&e, "le", b < TRAFFIC_NB ? le : "+Inf");
			sample(out, nm, buf_str(&e), NULL,
			       b < TRAFFIC_NB ? c[TC_TRY_LE + b] : c[TC_TRY_ANSWERED]);
		}
		snprintf(nm, sizeof nm, "%s_sum", name);
		sample_f(out, nm, lbl, s[TS_TRY]);
		snprintf(nm, sizeof nm, "%s_count", name);
		sample(out, nm, lbl, NULL, c[TC_TRY_ANSWERED]);
		break;
	}
	buf_done(&e);
}

static void render_envoy(struct buf *out, struct traffic *t, const char *ns)
{
	static const struct {
		enum ev_fam fam;
		const char *name, *type, *help;
	} fams[] = {
		{EV_RQ_TOTAL, "envoy_cluster_upstream_rq_total", "counter", "Total upstream requests"},
		{EV_CX_CONNECT_FAIL, "envoy_cluster_upstream_cx_connect_fail", "counter",
		 "Total connection failures"},
		{EV_RQ_XX, "envoy_cluster_upstream_rq_xx", "counter", "Upstream responses by class"},
		{EV_RQ, "envoy_cluster_upstream_rq", "counter", "Upstream responses by code"},
		{EV_RETRY, "envoy_cluster_upstream_rq_retry", "counter", "Total request retries"},
		{EV_RETRY_OK, "envoy_cluster_upstream_rq_retry_success", "counter",
		 "Total request retry successes"},
		{EV_RETRY_LIMIT, "envoy_cluster_upstream_rq_retry_limit_exceeded", "counter",
		 "Total requests not retried due to exceeding the configured number of maximum retries"},
		{EV_RETRY_OVERFLOW, "envoy_cluster_upstream_rq_retry_overflow", "counter",
		 "Total requests not retried due to circuit breaking or exceeding the retry budget"},
		{EV_TIMEOUT, "envoy_cluster_upstream_rq_timeout", "counter",
		 "Total requests that timed out waiting for a response"},
		{EV_PER_TRY, "envoy_cluster_upstream_rq_per_try_timeout", "counter",
		 "Total requests that hit the per try timeout"},
		{EV_TIME, "envoy_cluster_upstream_rq_time", "histogram", "Request time milliseconds"},
	};
	struct buf l;
	buf_init(&l);
	for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
		family(out, fams[f].name, fams[f].type, NULL, fams[f].help);
		for (size_t ri = 0; ri < t->n_routes; ri++) {
			const struct traffic_route *rt = t->routes[ri];
			if (!ns_match(rt->ns, ns))
				continue;
			for (size_t i = 0; i < rt->n_rules; i++) {
				uint64_t c[TC_N] = {0};
				double s[TS_N] = {0};
				char cluster[64];
				traffic_rule_counts(t, &rt->rules[i], c, s);
				buf_reset(&l);
				buf_puts(&l, "envoy_cluster_name=\"");
				put_escaped(&l, rt->grpc ? "grpcroute/" : "httproute/");
				put_escaped(&l, rt->ns);
				buf_putc(&l, '/');
				put_escaped(&l, rt->name);
				snprintf(cluster, sizeof cluster, "/rule/%zu\"", i);
				buf_puts(&l, cluster);
				ev_rows(out, fams[f].name, buf_str(&l), fams[f].fam, c, s,
				        rt->rules[i].down);
			}
		}
	}
	buf_done(&l);
}

/* ---- Istio ---- */

struct is_ref {
	const struct traffic_route *rt;
	const struct traffic_rule *r;
	const struct traffic_backend *svc;
};

static int is_cmp(const void *a, const void *b)
{
	const struct is_ref *x = a, *y = b;
	int c = strcmp(x->svc->ns, y->svc->ns);
	if (!c)
		c = strcmp(x->svc->name, y->svc->name);
	if (!c)
		c = (int)x->rt->grpc - (int)y->rt->grpc;
	return c;
}

static void render_istio(struct buf *out, struct traffic *t, const char *ns)
{
	static const struct {
		const char *code, *grpc, *flags;
		int o1, o2;
	} rows[] = {
		{"200", "0", "-", TO_OK, -1},
		{"503", "14", "-", TO_503, -1},
		{"503", "14", "URX", TO_503_EXH, -1},
		{"504", "4", "UT", TO_RTO, TO_PTO},
		{"504", "4", "UT,URX", TO_PTO_EXH, -1},
	};
	size_t n = 0;
	for (size_t ri = 0; ri < t->n_routes; ri++)
		n += t->routes[ri]->n_rules;
	struct is_ref *refs = n ? xcalloc(n, sizeof *refs) : NULL;
	n = 0;
	for (size_t ri = 0; ri < t->n_routes; ri++)
		for (size_t i = 0; i < t->routes[ri]->n_rules; i++) {
			const struct traffic_rule *r = &t->routes[ri]->rules[i];
			if (r->n_backends == 0 || !ns_match(r->backends[0].ns, ns))
				continue;
			refs[n++] = (struct is_ref){t->routes[ri], r, &r->backends[0]};
		}
	if (n)
		qsort(refs, n, sizeof *refs, is_cmp);

	struct buf l, e;
	buf_init(&l);
	buf_init(&e);
	for (int fam = 0; fam < 2; fam++) {
		if (fam == 0)
			family(out, "istio_requests_total", "counter", NULL, "Total requests.");
		else
			family(out, "istio_request_duration_milliseconds", "histogram", NULL,
			       "Request duration in milliseconds.");
		for (size_t g = 0; g < n;) {
			size_t h = g;
			uint64_t c[TC_N] = {0}, pot[TC_N] = {0};
			double s[TS_N] = {0};
			for (; h < n && is_cmp(&refs[g], &refs[h]) == 0; h++) {
				traffic_rule_counts(t, refs[h].r, c, s);
				if (refs[h].r->rps > 0)
					for (int k = 0; k < TC_N; k++)
						pot[k] += refs[h].r->share[k];
			}
			const struct traffic_backend *svc = refs[g].svc;
			char *fqdn = xasprintf("%s.%s.svc.cluster.local", svc->name, svc->ns);
			bool grpc = refs[g].rt->grpc;
			for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
				int o1 = rows[k].o1, o2 = rows[k].o2;
				uint64_t v = c[TC_OUT + o1] + (o2 >= 0 ? c[TC_OUT + o2] : 0);
				uint64_t p = pot[TC_OUT + o1] + (o2 >= 0 ? pot[TC_OUT + o2] : 0);
				if (v == 0 && p == 0)
					continue;
				buf_reset(&l);
				label(&l, "reporter", "source");
				label(&l, "source_workload", "mesh-client");
				label(&l, "destination_service", fqdn);
				label(&l, "destination_service_name", svc->name);
				label(&l, "destination_service_namespace", svc->ns);
				label(&l, "request_protocol", grpc ? "grpc" : "http");
				label(&l, "response_code", rows[k].code);
				label(&l, "grpc_response_status", grpc ? rows[k].grpc : "");
				label(&l, "response_flags", rows[k].flags);
				if (fam == 0) {
					sample(out, "istio_requests_total", buf_str(&l), NULL, v);
					continue;
				}
				for (int b = 0; b <= TRAFFIC_NB; b++) {
					char le[32];
					uint64_t bv = v;
					if (b < TRAFFIC_NB) {
						snprintf(le, sizeof le, "%.10g", traffic_bounds_ms[b]);
						bv = c[TC_DUR + o1 * TRAFFIC_NB + b] +
						     (o2 >= 0 ? c[TC_DUR + o2 * TRAFFIC_NB + b] : 0);
					}
					buf_reset(&e);
					label(&e, "le", b < TRAFFIC_NB ? le : "+Inf");
					sample(out, "istio_request_duration_milliseconds_bucket", buf_str(&l),
					       buf_str(&e), bv);
				}
				sample_f(out, "istio_request_duration_milliseconds_sum", buf_str(&l),
				         s[TS_DUR + o1] + (o2 >= 0 ? s[TS_DUR + o2] : 0));
				sample(out, "istio_request_duration_milliseconds_count", buf_str(&l), NULL, v);
			}
			/* The server's sidecar reports every try it answered (reporter=destination,
			 * the client's workload as source): the same requests again, and retries. */
			static const struct { const char *code, *grpc; int chan; } dest[] = {
				{"200", "0", TC_TRY_OK}, {"503", "14", TC_TRY_503}};
			for (size_t k = 0; fam == 0 && k < 2; k++) {
				if (c[dest[k].chan] == 0 && pot[dest[k].chan] == 0)
					continue;
				buf_reset(&l);
				label(&l, "reporter", "destination");
				label(&l, "source_workload", "mesh-client");
				label(&l, "destination_service", fqdn);
				label(&l, "destination_service_name", svc->name);
				label(&l, "destination_service_namespace", svc->ns);
				label(&l, "request_protocol", grpc ? "grpc" : "http");
				label(&l, "response_code", dest[k].code);
				label(&l, "grpc_response_status", grpc ? dest[k].grpc : "");
				label(&l, "response_flags", "-");
				sample(out, "istio_requests_total", buf_str(&l), NULL, c[dest[k].chan]);
			}
			free(fqdn);
			g = h;
		}
	}
	buf_done(&l);
	buf_done(&e);
	free(refs);
}

char *traffic_render(struct traffic *t, enum sim_mesh mesh, const char *ns, int64_t now_ms)
{
	struct buf out;
	buf_init(&out);
	traffic_advance(t, now_ms);
	switch (mesh) {
	case SIM_MESH_LINKERD: render_linkerd(&out, t, ns); break;
	case SIM_MESH_ISTIO: render_istio(&out, t, ns); break;
	case SIM_MESH_ENVOY_GATEWAY: render_envoy(&out, t, ns); break;
	}
	return buf_steal(&out);
}
