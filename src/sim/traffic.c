/* traffic.c: the deterministic traffic model behind gammatop-sim's mesh metrics.
 *
 * Inputs, per route rule i (annotations on the route; a value is either for every rule,
 * "V", or per rule, "0:V;1:V", an indexed entry winning over an unindexed one):
 *   sim.gammatop.dev/rps      client requests per second, 0..1e6 (default: 1..50 from a
 *                             hash of seed/kind/namespace/name/rule)
 *   sim.gammatop.dev/latency  per-try latency "p50=40ms,p99=900ms" (units us, ms, s, m;
 *                             default: p50 5..64 ms, p99 3..14 x p50, from the hash); a
 *                             log-normal with median p50 and 99th percentile p99
 *   sim.gammatop.dev/failure  per-try share answered 503, "0.05" or "5%" (default 0..2.9%)
 *   sim.gammatop.dev/rps-from "HTTPRoute/NS/NAME#RULE": a call chain. The rule's client
 *                             requests per second are the tries per second that rule sends
 *                             (rps x tries per request): its callee calls on once per try it
 *                             receives. Follows that rule's policy: when its retries change,
 *                             this rule's rate changes with them (and so on down the chain).
 *                             Overrides sim.gammatop.dev/rps while that rule exists.
 *   sim.gammatop.dev/backend-down  "true": the failed tries are connection failures (no
 *                             connection to the backend: Envoy's upstream_cx_connect_fail)
 * Unreadable values fall back to the default of that rule. The policy is the rule's own
 * spec: timeouts.request (R), timeouts.backendRequest (B) ("0s" or invalid: none), retry
 * (attempts, default 1, capped at 20; backoff, default 25ms, the constant pause before each
 * retry; codes, default 500-599: a 503 is retryable when 503 is listed). With --mesh linkerd
 * the policy is Linkerd's instead (struct traffic.linkerd_policy): retries from the
 * retry.linkerd.io/http (or grpc), limit and timeout annotations, no backoff, the request
 * timeout from timeouts.request or timeout.linkerd.io/request; HTTPRoute retry and
 * backendRequest are ignored, as the real proxy ignores them. Istio and Envoy Gateway honour
 * the spec (a real Istio retries twice without one: not modelled).
 *
 * One client request: try k starts at t (t = 0 for the first); its latency L is drawn from
 * the log-normal and it fails with the failure share. If B is set and L > B the try is a
 * per-try timeout ending at t+B, else it ends at t+L answered 200 or 503. If R is set and
 * the try ends after R, the request is a request timeout with duration R (TO_RTO; the try
 * counts as cut). A 200 ends the request (a retry success when k > 0). A 503 (when 503 is
 * retryable) or a per-try timeout (when a retry block exists) is retried while k < attempts:
 * t = end + backoff, and a request whose next try would start at or after R is a request
 * timeout at R. A retryable failure on try k == attempts ends as exhausted (TO_503_EXH,
 * TO_PTO_EXH); a failure that is not retryable ends as TO_503 or TO_PTO.
 *
 * Each rule runs TRAFFIC_SAMPLES requests drawn from a PRNG seeded by seed/kind/ns/name/rule
 * (the same draws whatever the policy, so a policy change shows its own effect only). A try
 * takes one 64-bit draw: its top 12 bits pick one of 4096 standard-normal quantiles for the
 * latency, the low 52 bits decide failure (independent of latency; a 503 takes as long as a
 * 200). The shares found are exact: the expected figures (traffic_expected) are
 *   rps                 the rule's rate
 *   success_rate        TO_OK / requests
 *   timeout_rate        (TO_RTO + TO_PTO + TO_PTO_EXH) / requests
 *   retry_rate          retries / (requests + retries)
 *   retry_success_rate  retries answered 200 / retries (0 when there are none)
 *   exhausted_per_s     rps * (TO_503_EXH + TO_PTO_EXH) / requests
 * Counters: with n = floor(carry + rps * (clock - t0) / 1000) requests since the rule's
 * figures last changed, each channel is base + (rem + n * share) / TRAFFIC_SAMPLES (integer
 * division; rem carries fractions of an event across changes): exact integers, monotonic.
 * An upsert that leaves a rule's figures as they were (status updates, churn) changes
 * nothing; one that changes them folds the current values into base and starts a new
 * segment, so counters never go back and totals stay exact. How the channels become each
 * mesh's series is described in metrics.c. */
#include "traffic.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/duration.h"
#include "gammatop/xalloc.h"

const double traffic_bounds_ms[TRAFFIC_NB] = {0.5,   1,     5,      10,     25,     50,    100,
                                              250,   500,   1000,   2500,   5000,   10000, 30000,
                                              60000, 300000, 600000, 1800000, 3600000};

#define MAX_ATTEMPTS 20
#define DEFAULT_ATTEMPTS 1
#define DEFAULT_BACKOFF_MS 25
#define QBITS 12
#define QN (1 << QBITS)
#define Z99 2.3263478740408408 /* standard normal 99th percentile */

static double qtab[QN]; /* standard normal quantiles at (i + 0.5) / QN */
static bool qtab_ready;

/* Acklam's rational approximation of the inverse standard normal CDF (rel. error 1.2e-9). */
static double norm_quantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
	                           -2.759285104469687e+02, 1.383577518672690e+02,
	                           -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
	                           -1.556989798598866e+02, 6.680131188771972e+01,
	                           -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
	                           -2.400758277161838e+00, -2.549732539343734e+00,
	                           4.374664141464968e+00,  2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	                           2.445134137142996e+00, 3.754408661907416e+00};
	double q, r;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - 0.02425)
		return -norm_quantile(1 - p);
	q = p - 0.5;
	r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
	       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

static void qtab_init(void)
{
	if (qtab_ready)
		return;
	for (int i = 0; i < QN; i++)
		qtab[i] = norm_quantile((i + 0.5) / QN);
	qtab_ready = true;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t mix(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
	h ^= 0xFF; /* separator, so ("ab","c") != ("a","bc") */
	h *= 0x100000001B3ULL;
	return h;
}

static uint64_t rule_hash(uint64_t seed, const char *kind, const char *ns, const char *name,
                          size_t rule)
{
	uint64_t h = 0xCBF29CE484222325ULL ^ seed;
	h = mix(mix(mix(h, kind), ns), name);
	h ^= (uint64_t)(rule + 1) * 0x9E3779B97F4A7C15ULL;
	return splitmix64(&h);
}

/* ---- annotations ---- */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* The part of annotation value ann that applies to rule (see the top comment) into out;
 * false when none does. */
static bool ann_for_rule(const char *ann, size_t rule, char *out, size_t n)
{
	bool general = false, specific = false;
	if (!ann || strlen(ann) > 4096)
		return false;
	char *copy = xstrdup(ann), *save = NULL;
	for (char *item = strtok_r(copy, ";", &save); item && !specific;
	     item = strtok_r(NULL, ";", &save)) {
		item = trim(item);
		char *p = item;
		while (isdigit((unsigned char)*p))
			p++;
		if (p > item && p - item < 10 && *p == ':') {
			if (strtoul(item, NULL, 10) == rule) {
				snprintf(out, n, "%s", trim(p + 1));
				specific = true;
			}
		} else if (!general) {
			snprintf(out, n, "%s", item);
			general = true;
		}
	}
	free(copy);
	return general || specific;
}

/* A whole-string finite number, with an optional suffix from units (multipliers). */
static bool parse_number(const char *s, double *v, const char *const *units, const double *mult)
{
	char *end;
	if (!s || !(isdigit((unsigned char)*s) || *s == '.') || strpbrk(s, "xX"))
		return false; /* plain decimal only: no sign, hex, "inf", "nan" */
	errno = 0;
	double x = strtod(s, &end);
	if (errno || end == s || !isfinite(x))
		return false;
	if (*end == '\0' && !units) {
		*v = x;
		return true;
	}
	for (size_t i = 0; units && units[i]; i++)
		if (strcmp(end, units[i]) == 0) {
			*v = x * mult[i];
			return isfinite(*v);
		}
	return false;
}

static bool parse_latency_value(const char *s, double *ms)
{
	static const char *const units[] = {"us", "ms", "s", "m", NULL};
	static const double mult[] = {0.001, 1, 1000, 60000};
	return parse_number(s, ms, units, mult) && *ms > 0 && *ms <= 3600000;
}

/* "p50=40ms,p99=900ms" (either may be missing: the default fills in). */
static bool parse_latency(const char *s, double *p50, double *p99, double def_ratio)
{
	char buf[256];
	double a = -1, b = -1;
	if (strlen(s) >= sizeof buf)
		return false;
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		item = trim(item);
		char *eq = strchr(item, '=');
		if (!eq)
			return false;
		*eq = '\0';
		char *key = trim(item), *val = trim(eq + 1);
		double v;
		if (!parse_latency_value(val, &v))
			return false;
		if (strcmp(key, "p50") == 0)
			a = v;
		else if (strcmp(key, "p99") == 0)
			b = v;
		else
			return false;
	}
	if (a < 0 && b < 0)
		return false;
	if (a < 0)
		a = fmin(*p50, b);
	if (b < 0)
		b = fmin(a * def_ratio, 3600000);
	if (b < a)
		return false;
	*p50 = a;
	*p99 = b;
	return true;
}

static const char *annotation(const json_t *route, const char *key)
{
	return json_string_value(
		json_object_get(json_object_get(json_object_get(route, "metadata"), "annotations"), key));
}

/* ---- reading the route ---- */

static char *jstr(const json_t *obj, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return xstrdup(s && *s ? s : def);
}

static long jint(const json_t *obj, const char *key, long def, long lo, long hi)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		return def;
	json_int_t x = json_integer_value(v);
	return x < lo || x > hi ? def : (long)x;
}

static int64_t jduration(const json_t *obj, const char *key, int64_t def)
{
	const char *s = json_string_value(json_object_get(obj, key));
	uint64_t ms;
	if (!s || duration_parse(s, &ms, NULL, 0) != 0)
		return def;
	return (int64_t)ms;
}

/* Does a retry.linkerd.io/http value ("5xx", "503", "500-504", comma-separated) cover 503? */
static bool covers_503(const char *v)
{
	while (v && *v) {
		while (*v == ' ')
			v++;
		if (!strncmp(v, "5xx", 3))
			return true;
		char *end;
		long a = strtol(v, &end, 10), b = a;
		if (end != v && *end == '-')
			b = strtol(end + 1, &end, 10);
		if (end != v && a <= 503 && 503 <= b)
			return true;
		v = strchr(v, ',');
		if (v)
			v++;
	}
	return false;
}

/* The policy as Linkerd reads it (struct traffic.linkerd_policy). */
static void read_linkerd_policy(struct traffic_rule *r, const json_t *rule, const json_t *route)
{
	r->request_ms = jduration(json_object_get(rule, "timeouts"), "request", 0);
	uint64_t ms;
	const char *a = annotation(route, "timeout.linkerd.io/request");
	if (a && duration_parse(a, &ms, NULL, 0) == 0)
		r->request_ms = (int64_t)ms;
	r->backend_ms = 0;
	a = annotation(route, "retry.linkerd.io/timeout"); /* the per-try (response headers) timeout */
	if (a && duration_parse(a, &ms, NULL, 0) == 0)
		r->backend_ms = (int64_t)ms;
	const char *http = annotation(route, "retry.linkerd.io/http"),
	           *grpc = annotation(route, "retry.linkerd.io/grpc");
	r->retry = http || grpc;
	r->retry_503 = (http && covers_503(http)) || (grpc && strstr(grpc, "unavailable"));
	r->attempts = DEFAULT_ATTEMPTS;
	a = annotation(route, "retry.linkerd.io/limit");
	char *end;
	long lim = a ? strtol(a, &end, 10) : -1;
	if (a && end != a && !*end && lim >= 0)
		r->attempts = lim > MAX_ATTEMPTS ? MAX_ATTEMPTS : (int)lim;
	r->backoff_ms = 0; /* Linkerd retries at once */
}

static void read_policy(struct traffic_rule *r, const json_t *rule)
{
	const json_t *to = json_object_get(rule, "timeouts");
	r->request_ms = jduration(to, "request", 0);
	r->backend_ms = jduration(to, "backendRequest", 0);
	const json_t *retry = json_object_get(rule, "retry");
	r->retry = json_is_object(retry);
	r->attempts = (int)jint(retry, "attempts", DEFAULT_ATTEMPTS, 0, 1000000);
	if (r->attempts > MAX_ATTEMPTS)
		r->attempts = MAX_ATTEMPTS;
	r->backoff_ms = jduration(retry, "backoff", DEFAULT_BACKOFF_MS);
	const json_t *codes = json_object_get(retry, "codes");
	r->retry_503 = r->retry;
	if (r->retry && json_is_array(codes) && json_array_size(codes) > 0) {
		size_t i;
		json_t *c;
		r->retry_503 = false;
		json_array_foreach(codes, i, c)
			if (json_is_integer(c) && json_integer_value(c) == 503)
				r->retry_503 = true;
	}
}

static void read_backends(struct traffic_rule *r, const json_t *rule, const char *route_ns)
{
	const json_t *refs = json_object_get(rule, "backendRefs");
	size_t i;
	json_t *ref;
	r->n_backends = 0;
	r->backends = json_array_size(refs)
		? xcalloc(json_array_size(refs), sizeof *r->backends)
		: NULL;
	json_array_foreach(refs, i, ref) {
		if (!json_string_value(json_object_get(ref, "name")))
			continue;
		struct traffic_backend *b = &r->backends[r->n_backends++];
		b->group = jstr(ref, "group", "core");
		b->kind = jstr(ref, "kind", "Service");
		b->ns = jstr(ref, "namespace", route_ns);
		b->name = jstr(ref, "name", "");
		b->port = jint(ref, "port", 0, 0, 65535);
		b->weight = jint(ref, "weight", 1, 0, 1000000);
	}
}

static void read_parents(struct traffic_route *rt, const json_t *spec)
{
	const json_t *refs = json_object_get(spec, "parentRefs");
	size_t i;
	json_t *ref;
	rt->n_parents = 0;
	rt->parents = json_array_size(refs) ? xcalloc(json_array_size(refs), sizeof *rt->parents)
	                                    : NULL;
	json_array_foreach(refs, i, ref) {
		if (!json_string_value(json_object_get(ref, "name")))
			continue;
		struct traffic_parent *p = &rt->parents[rt->n_parents++];
		const char *group = json_string_value(json_object_get(ref, "group"));
		p->group = xstrdup(!group ? "gateway.networking.k8s.io" : *group ? group : "core");
		p->kind = jstr(ref, "kind", "Gateway");
		p->ns = jstr(ref, "namespace", rt->ns);
		p->name = jstr(ref, "name", "");
		p->section = jstr(ref, "sectionName", "");
		p->port = jint(ref, "port", 80, 1, 65535);
	}
}

/* ---- the sampled requests ---- */

/* Index of the first bound >= ms (TRAFFIC_NB when above them all). */
static int bucket_of(double ms)
{
	int lo = 0, hi = TRAFFIC_NB;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (ms <= traffic_bounds_ms[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Per-sample tallies, histograms not yet cumulative. */
struct tally {
	uint32_t dur[TO_N][TRAFFIC_NB + 1];
	uint32_t try_lat[TRAFFIC_NB + 1];
	uint8_t qbucket[QN]; /* bucket of the latency of quantile index q */
};

static void record_dur(struct traffic_rule *r, struct tally *ty, int outcome, double ms, int b)
{
	r->share[TC_OUT + outcome]++;
	r->share_sum[TS_DUR + outcome] += ms;
	ty->dur[outcome][b < 0 ? bucket_of(ms) : b]++;
}

/* qbucket[q] for latencies exp(mu + sigma * qtab[q]), increasing in q. */
static void fill_qbucket(struct tally *ty, double mu, double sigma)
{
	size_t q = 0;
	for (int b = 0; b < TRAFFIC_NB; b++) {
		size_t lo = 0, hi = QN; /* cut = how many quantiles have latency <= bound */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (exp(mu + sigma * qtab[mid]) <= traffic_bounds_ms[b])
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t cut = lo;
		for (; q < cut; q++)
			ty->qbucket[q] = (uint8_t)b;
	}
	for (; q < QN; q++)
		ty->qbucket[q] = TRAFFIC_NB;
}

static void simulate(struct traffic_rule *r, uint64_t rule_seed)
{
	double mu = log(r->p50_ms), sigma = log(r->p99_ms / r->p50_ms) / Z99;
	double R = (double)r->request_ms, B = (double)r->backend_ms;
	uint64_t fail_cut = (uint64_t)(r->failure * (double)(1ULL << 52));
	if (r->failure >= 1)
		fail_cut = 1ULL << 52;
	struct tally *ty = xcalloc(1, sizeof *ty);
	fill_qbucket(ty, mu, sigma);

	memset(r->share, 0, sizeof r->share);
	memset(r->share_sum, 0, sizeof r->share_sum);
	for (uint32_t j = 0; j < TRAFFIC_SAMPLES; j++) {
		uint64_t s = rule_seed ^ ((uint64_t)(j + 1) * 0xD1B54A32D192ED03ULL);
		double t = 0;
		for (int k = 0;; k++) {
			uint64_t x = splitmix64(&s);
			unsigned q = (unsigned)(x >> (64 - QBITS));
			double L = exp(mu + sigma * qtab[q]);
			bool fail = (x & ((1ULL << 52) - 1)) < fail_cut;
			if (k > 0)
				r->share[TC_RETRIES]++;
			r->share[TC_TRIES]++;
			bool pto = B > 0 && L > B;
			double end = t + (pto ? B : L);
			int end_b = k == 0 && !pto ? ty->qbucket[q] : -1;
			if (R > 0 && end > R) {
				r->share[TC_TRY_CUT]++;
				record_dur(r, ty, TO_RTO, R, -1);
				break;
			}
			if (pto) {
				r->share[TC_TRY_PTO]++;
			} else {
				r->share[fail ? TC_TRY_503 : TC_TRY_OK]++;
				r->share[TC_TRY_ANSWERED]++;
				r->share_sum[TS_TRY] += L;
				ty->try_lat[ty->qbucket[q]]++;
			}
			if (!pto && !fail) {
				if (k > 0)
					r->share[TC_RETRY_OK]++;
				record_dur(r, ty, TO_OK, end, end_b);
				break;
			}
			bool retryable = r->retry && (pto || r->retry_503);
			if (!retryable) {
				record_dur(r, ty, pto ? TO_PTO : TO_503, end, end_b);
				break;
			}
			if (k >= r->attempts) {
				r->share[TC_EXHAUSTED]++;
				record_dur(r, ty, pto ? TO_PTO_EXH : TO_503_EXH, end, end_b);
				break;
			}
			t = end + (double)r->backoff_ms;
			if (R > 0 && t >= R) {
				record_dur(r, ty, TO_RTO, R, -1);
				break;
			}
		}
	}
	for (int o = 0; o < TO_N; o++)
		for (uint32_t b = 0, acc = 0; b < TRAFFIC_NB; b++)
			r->share[TC_DUR + o * TRAFFIC_NB + b] = acc += ty->dur[o][b];
	for (uint32_t b = 0, acc = 0; b < TRAFFIC_NB; b++)
		r->share[TC_TRY_LE + b] = acc += ty->try_lat[b];
	free(ty);
}

/* ---- counters ---- */

static uint64_t rule_n(const struct traffic *t, const struct traffic_rule *r)
{
	double dt = t->clock > r->t0 ? (double)(t->clock - r->t0) : 0;
	return (uint64_t)floor(r->carry + r->rps * dt / 1000.0);
}

void traffic_rule_counts(const struct traffic *t, const struct traffic_rule *r, uint64_t *cnt,
                         double *sums)
{
	uint64_t n = rule_n(t, r);
	for (int c = 0; c < TC_N; c++)
		cnt[c] += r->base[c] + (r->rem[c] + n * r->share[c]) / TRAFFIC_SAMPLES;
	for (int s = 0; s < TS_N; s++)
		sums[s] += r->base_sum[s] + (double)n * r->share_sum[s] / TRAFFIC_SAMPLES;
}

/* ---- the route table ---- */

static int route_cmp(const char *k1, const char *n1, const char *m1, const struct traffic_route *b)
{
	int c = strcmp(k1, b->kind);
	if (!c)
		c = strcmp(n1, b->ns);
	if (!c)
		c = strcmp(m1, b->name);
	return c;
}

/* Index of the route, or -(insertion point) - 1. */
static long route_find(const struct traffic *t, const char *kind, const char *ns, const char *name)
{
	size_t lo = 0, hi = t->n_routes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = route_cmp(kind, ns, name, t->routes[mid]);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -(long)lo - 1;
}

static void route_free(struct traffic_route *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n_parents; i++) {
		struct traffic_parent *p = &rt->parents[i];
		free(p->group), free(p->kind), free(p->ns), free(p->name), free(p->section);
	}
	for (size_t i = 0; i < rt->n_rules; i++) {
		struct traffic_rule *r = &rt->rules[i];
		for (size_t b = 0; b < r->n_backends; b++) {
			struct traffic_backend *be = &r->backends[b];
			free(be->group), free(be->kind), free(be->ns), free(be->name);
		}
		free(r->backends);
		free(r->from_kind), free(r->from_ns), free(r->from_name);
	}
	free(rt->parents);
	free(rt->rules);
	free(rt->kind), free(rt->ns), free(rt->name), free(rt->hostname);
	free(rt);
}

static bool same_inputs(const struct traffic_rule *a, const struct traffic_rule *b)
{
	return a->rps == b->rps && a->p50_ms == b->p50_ms && a->p99_ms == b->p99_ms &&
	       a->failure == b->failure && a->request_ms == b->request_ms &&
	       a->backend_ms == b->backend_ms && a->retry == b->retry &&
	       a->retry_503 == b->retry_503 && a->attempts == b->attempts &&
	       a->backoff_ms == b->backoff_ms;
}

/* "KIND/NS/NAME#RULE" into r's link (ignored when unreadable). */
static void parse_link(struct traffic_rule *r, const char *v)
{
	char k[128], ns[254], name[254];
	long rule;
	if (sscanf(v, "%127[^/]/%253[^/]/%253[^#]#%ld", k, ns, name, &rule) != 4 || rule < 0)
		return;
	r->from_kind = xstrdup(k);
	r->from_ns = xstrdup(ns);
	r->from_name = xstrdup(name);
	r->from_rule = rule;
}

/* The tries per second the rule r's link sends, NAN when it does not exist (yet). */
static double linked_rps(const struct traffic *t, const struct traffic_rule *r)
{
	long at = route_find(t, r->from_kind, r->from_ns, r->from_name);
	if (at < 0 || (size_t)r->from_rule >= t->routes[at]->n_rules)
		return NAN;
	const struct traffic_rule *up = &t->routes[at]->rules[r->from_rule];
	if (up == r)
		return NAN;
	return up->rps * (double)up->share[TC_TRIES] / TRAFFIC_SAMPLES;
}

/* The rule's rate, latency and failure share; then its shares, simulated unless prev (the
 * same rule before this upsert, or NULL) had the same inputs. */
static void rule_model(struct traffic *t, struct traffic_route *rt, const json_t *route,
                       size_t i, struct traffic_rule *r, const struct traffic_rule *prev)
{
	uint64_t h = rule_hash(t->seed, rt->kind, rt->ns, rt->name, i);
	char val[512];
	double v;
	r->rps = 1 + (double)(h % 4901) / 100.0;
	r->p50_ms = 5 + (double)((h >> 16) % 60);
	double ratio = 3 + (double)((h >> 24) % 12);
	r->p99_ms = r->p50_ms * ratio;
	r->failure = (double)((h >> 32) % 30) / 1000.0;
	if (ann_for_rule(annotation(route, "sim.gammatop.dev/rps"), i, val, sizeof val) &&
	    parse_number(val, &v, NULL, NULL) && v >= 0 && v <= 1e6)
		r->rps = v;
	if (ann_for_rule(annotation(route, "sim.gammatop.dev/latency"), i, val, sizeof val))
		parse_latency(val, &r->p50_ms, &r->p99_ms, ratio);
	if (ann_for_rule(annotation(route, "sim.gammatop.dev/failure"), i, val, sizeof val)) {
		static const char *const pct[] = {"", "%", NULL};
		static const double pmul[] = {1, 0.01};
		if (parse_number(val, &v, pct, pmul) && v >= 0 && v <= 1)
			r->failure = v;
	}
	if (ann_for_rule(annotation(route, "sim.gammatop.dev/rps-from"), i, val, sizeof val))
		parse_link(r, val);
	if (r->from_kind) {
		double up = linked_rps(t, r);
		if (!isnan(up))
			r->rps = up;
	}
	r->down = ann_for_rule(annotation(route, "sim.gammatop.dev/backend-down"), i, val,
	                       sizeof val) && !strcmp(val, "true");
	if (prev && same_inputs(r, prev)) {
		memcpy(r->share, prev->share, sizeof r->share);
		memcpy(r->share_sum, prev->share_sum, sizeof r->share_sum);
		return;
	}
	simulate(r, h);
}

/* A rule of a modified route continues the counters of the rule it replaces: unchanged
 * figures (a status or metadata update, churn) keep counting from the same origin; changed
 * ones start a new segment from the current values, keeping the fraction of a request. */
static void rule_carry_over(const struct traffic *t, struct traffic_rule *r,
                            const struct traffic_rule *old)
{
	if (r->rps == old->rps && !memcmp(r->share, old->share, sizeof r->share) &&
	    !memcmp(r->share_sum, old->share_sum, sizeof r->share_sum)) {
		memcpy(r->base, old->base, sizeof r->base);
		memcpy(r->rem, old->rem, sizeof r->rem);
		memcpy(r->base_sum, old->base_sum, sizeof r->base_sum);
		r->t0 = old->t0;
		r->carry = old->carry;
		return;
	}
	memset(r->base, 0, sizeof r->base);
	memset(r->base_sum, 0, sizeof r->base_sum);
	traffic_rule_counts(t, old, r->base, r->base_sum);
	uint64_t n = rule_n(t, old);
	for (int c = 0; c < TC_N; c++)
		r->rem[c] = (uint32_t)((old->rem[c] + n * old->share[c]) % TRAFFIC_SAMPLES);
	double dt = t->clock > old->t0 ? (double)(t->clock - old->t0) : 0;
	double req = old->carry + old->rps * dt / 1000.0;
	r->carry = req - floor(req);
}

/* A new rate for r from now on: the counters so far are folded into its base (as
 * rule_carry_over does for a changed rule), the shares stay. */
static void rule_set_rps(const struct traffic *t, struct traffic_rule *r, double rps)
{
	struct traffic_rule old = *r;
	memset(r->base, 0, sizeof r->base);
	memset(r->base_sum, 0, sizeof r->base_sum);
	traffic_rule_counts(t, &old, r->base, r->base_sum);
	uint64_t n = rule_n(t, &old);
	for (int c = 0; c < TC_N; c++)
		r->rem[c] = (uint32_t)((old.rem[c] + n * old.share[c]) % TRAFFIC_SAMPLES);
	double dt = t->clock > old.t0 ? (double)(t->clock - old.t0) : 0;
	double req = old.carry + old.rps * dt / 1000.0;
	r->carry = req - floor(req);
	r->rps = rps;
	r->t0 = t->clock;
}

/* Linked rules follow their upstream's tries; a chain settles in as many passes as it has
 * hops (bounded: a cycle of links stops after 16). */
static void relink(struct traffic *t)
{
	for (int pass = 0; pass < 16; pass++) {
		bool moved = false;
		for (size_t i = 0; i < t->n_routes; i++)
			for (size_t k = 0; k < t->routes[i]->n_rules; k++) {
				struct traffic_rule *r = &t->routes[i]->rules[k];
				if (!r->from_kind)
					continue;
				double up = linked_rps(t, r);
				if (isnan(up) || fabs(up - r->rps) < 1e-9 || up > 1e6)
					continue;
				rule_set_rps(t, r, up);
				moved = true;
			}
		if (!moved)
			return;
	}
}

struct traffic *traffic_new(uint64_t seed)
{
	struct traffic *t = xcalloc(1, sizeof *t);
	t->seed = seed;
	qtab_init();
	return t;
}

void traffic_free(struct traffic *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_routes; i++)
		route_free(t->routes[i]);
	free(t->routes);
	free(t);
}

void traffic_advance(struct traffic *t, int64_t now_ms)
{
	if (now_ms > t->clock)
		t->clock = now_ms;
}

void traffic_route_upsert(struct traffic *t, const json_t *route, int64_t now_ms)
{
	const char *kind = json_string_value(json_object_get(route, "kind"));
	const json_t *meta = json_object_get(route, "metadata");
	const json_t *spec = json_object_get(route, "spec");
	const char *name = json_string_value(json_object_get(meta, "name"));
	if (!kind || (strcmp(kind, "HTTPRoute") != 0 && strcmp(kind, "GRPCRoute") != 0) ||
	    !name || !*name)
		return;
	traffic_advance(t, now_ms);

	struct traffic_route *rt = xcalloc(1, sizeof *rt);
	rt->kind = xstrdup(kind);
	rt->grpc = strcmp(kind, "GRPCRoute") == 0;
	rt->ns = jstr(meta, "namespace", "default");
	rt->name = xstrdup(name);
	const char *host = json_string_value(json_array_get(json_object_get(spec, "hostnames"), 0));
	rt->hostname = xstrdup(host ? host : "");
	read_parents(rt, spec);
	const json_t *rules = json_object_get(spec, "rules");
	rt->n_rules = json_array_size(rules);
	rt->rules = rt->n_rules ? xcalloc(rt->n_rules, sizeof *rt->rules) : NULL;
	long at = route_find(t, rt->kind, rt->ns, rt->name);
	const struct traffic_route *prev = at >= 0 ? t->routes[at] : NULL;
	for (size_t i = 0; i < rt->n_rules; i++) {
		struct traffic_rule *r = &rt->rules[i];
		const json_t *rule = json_array_get(rules, i);
		if (t->linkerd_policy)
			read_linkerd_policy(r, rule, route);
		else
			read_policy(r, rule);
		read_backends(r, rule, rt->ns);
		rule_model(t, rt, route, i, r, prev && i < prev->n_rules ? &prev->rules[i] : NULL);
		r->t0 = t->clock;
	}

	if (at >= 0) {
		struct traffic_route *old = t->routes[at];
		for (size_t i = 0; i < rt->n_rules && i < old->n_rules; i++)
			rule_carry_over(t, &rt->rules[i], &old->rules[i]);
		route_free(old);
		t->routes[at] = rt;
		relink(t);
		return;
	}
	size_t pos = (size_t)(-at - 1);
	if (t->n_routes == t->cap_routes) {
		t->cap_routes = t->cap_routes ? t->cap_routes * 2 : 64;
		t->routes = xrealloc(t->routes, t->cap_routes * sizeof *t->routes);
	}
	memmove(&t->routes[pos + 1], &t->routes[pos], (t->n_routes - pos) * sizeof *t->routes);
	t->routes[pos] = rt;
	t->n_routes++;
	relink(t);
}

void traffic_route_delete(struct traffic *t, const char *kind, const char *ns, const char *name,
                          int64_t now_ms)
{
	if (!kind || !ns || !name)
		return;
	traffic_advance(t, now_ms);
	long at = route_find(t, kind, ns, name);
	if (at < 0)
		return;
	route_free(t->routes[at]);
	memmove(&t->routes[at], &t->routes[at + 1],
	        (t->n_routes - (size_t)at - 1) * sizeof *t->routes);
	t->n_routes--;
}

int traffic_expected(struct traffic *t, const char *kind, const char *ns, const char *name,
                     int rule, struct traffic_expect *out)
{
	if (!kind || !ns || !name || rule < 0)
		return -1;
	long at = route_find(t, kind, ns, name);
	if (at < 0 || (size_t)rule >= t->routes[at]->n_rules)
		return -1;
	const struct traffic_rule *r = &t->routes[at]->rules[rule];
	const double N = TRAFFIC_SAMPLES;
	memset(out, 0, sizeof *out); /* padding too: tests compare whole structs */
	double retries = r->share[TC_RETRIES];
	out->rps = r->rps;
	out->success_rate = r->share[TC_OUT + TO_OK] / N;
	out->timeout_rate =
		(r->share[TC_OUT + TO_RTO] + r->share[TC_OUT + TO_PTO] + r->share[TC_OUT + TO_PTO_EXH]) /
		N;
	out->retry_rate = retries / (N + retries);
	out->retry_success_rate = retries > 0 ? r->share[TC_RETRY_OK] / retries : 0;
	out->exhausted_per_s = r->rps * r->share[TC_EXHAUSTED] / N;
	out->tries_per_request = r->share[TC_TRIES] / N;
	out->linked = r->from_kind != NULL;
	return 0;
}
