/* promsource.c: mesh detection and per-route rates through the Prometheus API (the
 * Prometheus path of the collector and of `top --prometheus`). */
#include "config.h"

#include "gammatop/promsource.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

#define MAX_PROFILES 16

struct collect {
	struct promapi *api;
	const struct mesh_profile *p;
	char *range;
	int64_t time_ms;
	promsource_cb cb;
	void *ud;
	size_t pending;
	struct strmap acc;
	char *err;
	bool found[MAX_PROFILES];
	struct job { struct collect *c; size_t i; } jobs[MAX_PROFILES > MESH_MAX_SERIES ? MAX_PROFILES : MESH_MAX_SERIES];
};

static const char *series_label(const void *obj, const char *name)
{
	return promresult_label(obj, name);
}

char *promsource_detect_query(const struct mesh_profile *p)
{
	static const char *const ops[] = {"=", "!=", "=~", "!~"};
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "count(%s", p->detect_metric);
	for (size_t i = 0; i < 2 && p->detect[i].label; i++) {
		buf_printf(&b, "%s%s%s\"", i ? ", " : "{", p->detect[i].label, ops[p->detect[i].op]);
		for (const char *s = p->detect[i].value; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *s);
		}
		buf_putc(&b, '"');
	}
	buf_puts(&b, p->detect[0].label ? "})" : ")");
	return buf_steal(&b);
}

static void fold(struct strmap *acc, const struct mesh_profile *p, const struct mesh_series *s,
                 const struct promresult *r)
{
	for (size_t i = 0; i < r->n_series; i++) {
		const struct prom_series *ps = &r->series[i];
		if (ps->n_points < 1 || !isfinite(ps->points[ps->n_points - 1].v))
			continue;
		mesh_acc_add(acc, p, s, series_label, ps, ps->points[ps->n_points - 1].v);
	}
}

static void set_err(struct collect *c, const char *err)
{
	if (!c->err)
		c->err = xstrdup(err);
}

static void finish(struct collect *c)
{
	if (c->p)
		mesh_acc_finish(&c->acc, c->p, 1.0);
	c->cb(&c->acc, c->p, c->err, c->ud);
	strmap_done(&c->acc);
	free(c->range);
	free(c->err);
	free(c);
}

static void on_series(struct promresult *r, const char *err, void *ud)
{
	struct job *j = ud;
	struct collect *c = j->c;
	if (err)
		set_err(c, err);
	else
		fold(&c->acc, c->p, &c->p->series[j->i], r);
	if (--c->pending == 0)
		finish(c);
}

static void start_series(struct collect *c)
{
	size_t n = 0;
	while (n < MESH_MAX_SERIES && c->p->series[n].metric)
		n++;
	c->pending = n;
	for (size_t i = 0; i < n; i++) {
		char *q = mesh_promql(c->p, &c->p->series[i], c->range);
		c->jobs[i] = (struct job){c, i};
		promapi_query(c->api, q, c->time_ms, on_series, &c->jobs[i]);
		free(q);
	}
	if (!n)
		finish(c);
}

static void on_detect(struct promresult *r, const char *err, void *ud)
{
	struct job *j = ud;
	struct collect *c = j->c;
	if (err)
		set_err(c, err);
	else
		c->found[j->i] = r->n_series > 0;
	if (--c->pending)
		return;
	size_t np;
	const struct mesh_profile *const *ps = mesh_profiles(&np);
	for (size_t i = 0; i < np && !c->p; i++)
		if (c->found[i])
			c->p = ps[i];
	if (!c->p) {
		if (!c->err) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s: no known mesh metrics (looked for %s)",
			         promapi_describe(c->api), mesh_names());
			set_err(c, msg);
		}
		finish(c);
		return;
	}
	free(c->err); /* a failed probe of another mesh does not matter now */
	c->err = NULL;
	start_series(c);
}

void promsource_collect(struct promapi *api, const struct mesh_profile *p, const char *range,
                        int64_t time_ms, promsource_cb cb, void *ud)
{
	struct collect *c = xcalloc(1, sizeof *c);
	c->api = api;
	c->p = p;
	c->range = xstrdup(range);
	c->time_ms = time_ms;
	c->cb = cb;
	c->ud = ud;
	strmap_init(&c->acc, free);
	if (p) {
		start_series(c);
		return;
	}
	size_t np;
	const struct mesh_profile *const *ps = mesh_profiles(&np);
	c->pending = np < MAX_PROFILES ? np : MAX_PROFILES;
	for (size_t i = 0; i < c->pending; i++) {
		char *q = promsource_detect_query(ps[i]);
		c->jobs[i] = (struct job){c, i};
		promapi_query(api, q, time_ms, on_detect, &c->jobs[i]);
		free(q);
	}
}

int promsource_collect_sync(struct promapi *api, const struct mesh_profile **p, const char *range,
                            int64_t time_ms, struct strmap *acc, char *err, size_t errlen)
{
	struct promresult r;
	promresult_init(&r);
	if (!*p) {
		size_t np;
		const struct mesh_profile *const *ps = mesh_profiles(&np);
		for (size_t i = 0; i < np && !*p; i++) {
			char *q = promsource_detect_query(ps[i]);
			int rc = promapi_query_sync(api, q, time_ms, &r, err, errlen);
			free(q);
			if (rc < 0) {
				promresult_done(&r);
				return -1;
			}
			if (r.n_series > 0)
				*p = ps[i];
		}
		if (!*p) {
			snprintf(err, errlen, "%s: no known mesh metrics (looked for %s)",
			         promapi_describe(api), mesh_names());
			promresult_done(&r);
			return -1;
		}
	}
	int rc = 0;
	for (size_t i = 0; i < MESH_MAX_SERIES && (*p)->series[i].metric; i++) {
		char *q = mesh_promql(*p, &(*p)->series[i], range);
		if (promapi_query_sync(api, q, time_ms, &r, err, errlen) < 0)
			rc = -1;
		else
			fold(acc, *p, &(*p)->series[i], &r);
		free(q);
		if (rc < 0)
			break;
	}
	mesh_acc_finish(acc, *p, 1.0);
	promresult_done(&r);
	return rc;
}
