/* admin.c: the simulator's admin API under /sim/v1 (status, churn rate, faults, dropping
 * watches, expiring the history, saving the state) and the churn step itself. */
#include "config.h"
#include "sim.h"

#include "gammatop/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traffic.h"
#include "traffic_glue.h"

void admin_churn_step(struct sim *s)
{
	const struct obj_table *t = &s->objs.tables[RES_HTTPROUTE];
	enum sim_res r = RES_HTTPROUTE;
	if (t->n == 0) {
		t = &s->objs.tables[RES_GRPCROUTE];
		r = RES_GRPCROUTE;
		if (t->n == 0)
			return;
	}
	s->churn_seq++;
	/* a stride co-prime with most sizes spreads the changes over the routes */
	size_t i = (size_t)((s->churn_seq * 7919u) % t->n);
	const json_t *cur = t->v[i].obj;
	json_t *nw = json_copy((json_t *)cur);
	json_t *m = json_copy(json_object_get(cur, "metadata"));
	json_object_set_new(nw, "metadata", m);
	json_t *ann = json_object_get(m, "annotations");
	ann = json_is_object(ann) ? json_copy(ann) : json_object();
	char v[32];
	snprintf(v, sizeof v, "%llu", (unsigned long long)s->churn_seq);
	json_object_set_new(ann, "sim.gammatop.dev/churn", json_string(v));
	json_object_set_new(m, "annotations", ann);
	managed_track(r, cur, nw, MANAGED_CHURN, NULL);
	const json_t *stored = objects_put(&s->objs, r, nw);
	traffic_glue_route(s, r, stored, false);
}

static bool parse_share(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (!*v || *end || !(d >= 0 && d <= 1))
		return false;
	*out = d;
	return true;
}

static bool parse_int(const char *v, long lo, long hi, long *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

static json_t *status_doc(struct sim *s)
{
	json_t *counts = json_object();
	for (int r = 0; r < RES_COUNT; r++)
		json_object_set_new(counts, resource_get(r)->resource, json_integer((json_int_t)s->objs.tables[r].n));
	return json_pack("{s:s, s:o, s:I, s:I, s:I, s:f, s:{s:i, s:f, s:f}, s:s}", "kind", "SimStatus",
	                 "objects", counts, "resourceVersion", (json_int_t)s->objs.rv, "oldestWatchableResourceVersion",
	                 (json_int_t)s->objs.compacted_rv, "historyEvents", (json_int_t)s->objs.ring_n,
	                 "churnRate", s->churn_rate, "faults", "latencyMs", s->faults.latency_ms, "errorRate",
	                 s->faults.error_share, "throttleRate", s->faults.throttle_share, "channel",
	                 s->channel == CHANNEL_STANDARD ? "standard" : "experimental");
}

bool admin_handle(struct sim *s, const struct request *rq, struct reply *rp)
{
	const char *p = rq->path;
	if (strncmp(p, "/sim/v1/", 8) != 0)
		return false;
	p += 8;
	bool post = strcmp(rq->method, "POST") == 0;
	if (strcmp(p, "status") == 0) {
		pthread_mutex_lock(&s->lock);
		reply_json(rp, 200, status_doc(s));
		pthread_mutex_unlock(&s->lock);
		return true;
	}
	if (strcmp(p, "traffic") == 0) {
		/* the traffic model's exact figures of one rule (tests compare what gammatop
		 * measures from the metrics with them): ?kind=HTTPRoute&namespace=&name=&rule= */
		const char *k = request_query(rq, "kind"), *ns = request_query(rq, "namespace");
		const char *name = request_query(rq, "name"), *ru = request_query(rq, "rule");
		long rule = 0;
		struct traffic_expect e;
		pthread_mutex_lock(&s->lock);
		int rc = !s->traffic || !k || !ns || !name || (ru && !parse_int(ru, 0, 100000, &rule))
		         ? -1 : traffic_expected(s->traffic, k, ns, name, (int)rule, &e);
		if (rc < 0)
			reply_status(rp, 404, "NotFound", NULL, "no traffic model for that kind, namespace, "
			             "name and rule (or no traffic at all)");
		else
			reply_json(rp, 200, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "kind",
			                              "SimTrafficExpect", "rps", e.rps, "successRate",
			                              e.success_rate, "timeoutRate", e.timeout_rate,
			                              "retryRate", e.retry_rate, "exhaustedPerSecond",
			                              e.exhausted_per_s, "triesPerRequest",
			                              e.tries_per_request, "linked", e.linked));
		pthread_mutex_unlock(&s->lock);
		return true;
	}
	static const char *const posts[] = {"churn", "faults", "drop-watches", "expire", "save", NULL};
	bool known = false;
	for (size_t i = 0; posts[i]; i++)
		known |= strcmp(p, posts[i]) == 0;
	if (!known)
		return false;
	if (!post) {
		reply_status(rp, 405, "MethodNotAllowed", NULL, "use POST for /sim/v1/%s", p);
		return true;
	}
	if (strcmp(p, "churn") == 0) {
		const char *v = request_query(rq, "rate");
		long rate;
		if (!v || !parse_int(v, 0, 100000, &rate)) {
			reply_status(rp, 400, "BadRequest", NULL, "rate: expected an integer 0..100000 (objects per second)");
			return true;
		}
		pthread_mutex_lock(&s->lock);
		s->churn_rate = (double)rate;
	} else if (strcmp(p, "faults") == 0) {
		const char *lat = request_query(rq, "latencyMs");
		const char *er = request_query(rq, "errorRate");
		const char *tr = request_query(rq, "throttleRate");
		const char *pd = request_query(rq, "patchDelayMs");
		long l = -1, d = -1;
		double e = -1, t = -1;
		if ((lat && !parse_int(lat, 0, 600000, &l)) || (er && !parse_share(er, &e)) ||
		    (tr && !parse_share(tr, &t)) || (pd && !parse_int(pd, 0, 600000, &d))) {
			reply_status(rp, 400, "BadRequest", NULL, "latencyMs, patchDelayMs: 0..600000; errorRate, throttleRate: 0..1");
			return true;
		}
		pthread_mutex_lock(&s->lock);
		if (pd)
			s->faults.patch_delay_ms = (int)d;
		if (lat)
			s->faults.latency_ms = (int)l;
		if (er)
			s->faults.error_share = e;
		if (tr)
			s->faults.throttle_share = t;
	} else if (strcmp(p, "drop-watches") == 0) {
		pthread_mutex_lock(&s->lock);
		s->watch_epoch++;
		sim_notify(s);
	} else if (strcmp(p, "expire") == 0) {
		/* Forget the history and move the resourceVersion one past it (in a real cluster
		 * it moves with every write anywhere), so that every resourceVersion a client holds
		 * is expired: open watches end with 410 Expired at once, even caught-up ones, and
		 * resuming from any of them gets 410; a new list gives the new version. */
		pthread_mutex_lock(&s->lock);
		objects_compact(&s->objs);
		objects_set_rv(&s->objs, s->objs.rv + 1);
		sim_notify(s);
	} else {
		const char *path = request_query(rq, "path");
		char err[512];
		if (!path || !*path) {
			reply_status(rp, 400, "BadRequest", NULL, "path: required");
			return true;
		}
		if (state_save(s, path, err, sizeof err) != 0) {
			reply_status(rp, 500, "InternalError", NULL, "%s", err);
			return true;
		}
		pthread_mutex_lock(&s->lock);
	}
	reply_json(rp, 200, status_doc(s));
	pthread_mutex_unlock(&s->lock);
	return true;
}
