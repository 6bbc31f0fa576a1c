/* figures.c: per-route figures from window sums (the formulas doc/telemetry.md documents),
 * a set of them keyed by route and rule, sorting, table formatting and the JSON section. */
#include "config.h"

#include "gammatop/figures.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gammatop/rate.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define FIGURES_NAME(id, name, header, kind) [id] = name,
static const char *const names[] = {FIGURES_LIST(FIGURES_NAME)};
#define FIGURES_HEADER(id, name, header, kind) [id] = header,
static const char *const headers[] = {FIGURES_LIST(FIGURES_HEADER)};
#define FIGURES_KIND(id, name, header, kind) [id] = kind,
static const char kinds[] = {FIGURES_LIST(FIGURES_KIND)};

const char *figures_name(enum figure_id id) { return id < FIG_N ? names[id] : "?"; }
const char *figures_header(enum figure_id id) { return id < FIG_N ? headers[id] : "?"; }

int figures_by_name(const char *name)
{
	for (int i = 0; i < FIG_N; i++)
		if (!strcasecmp(name, names[i]))
			return i;
	return -1;
}

char *figures_format(enum figure_id id, double v, char *buf, size_t n)
{
	if (isnan(v) || id >= FIG_N)
		snprintf(buf, n, "-");
	else if (kinds[id] == 'r')
		snprintf(buf, n, v > 0 && v < 0.001 ? "<0.1%%" : "%.1f%%", v * 100);
	else if (kinds[id] == 'q')
		snprintf(buf, n, v >= 1e6 ? "%.1fM" : v >= 1e3 ? "%.1fk" : v >= 100 ? "%.0f" : "%.1f",
		         v >= 1e6 ? v / 1e6 : v >= 1e3 ? v / 1e3 : v);
	else if (isinf(v))
		snprintf(buf, n, ">max");
	else
		snprintf(buf, n, v >= 1000 ? "%.2fs" : "%.0fms", v >= 1000 ? v / 1000 : v);
	return buf;
}

static bool has(const struct sample_counts *s, enum sample_component c)
{
	return s->have & SC_BIT(c);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

void figures_compute(const struct sample_counts *s, double out[FIG_N])
{
	for (int i = 0; i < FIG_N; i++)
		out[i] = NAN;
	double req = s->v[SC_REQUESTS];
	if (has(s, SC_REQUESTS) && s->seconds > 0)
		out[FIG_RPS] = req / s->seconds;
	if (has(s, SC_REQUESTS) && has(s, SC_SUCCESSES))
		out[FIG_SUCCESS] = ratio(s->v[SC_SUCCESSES], req);
	else if (has(s, SC_REQUESTS) && has(s, SC_FAILURES) && req > 0)
		out[FIG_SUCCESS] = 1 - s->v[SC_FAILURES] / req;
	if (has(s, SC_REQUESTS) && has(s, SC_TIMEOUTS))
		out[FIG_TIMEOUT] = ratio(s->v[SC_TIMEOUTS], req);
	if (has(s, SC_REQUESTS) && has(s, SC_RETRIES) && has(s, SC_TRY_TIMEOUTS))
		out[FIG_TRY_TIMEOUT] = ratio(s->v[SC_TRY_TIMEOUTS], req + s->v[SC_RETRIES]);
	if (has(s, SC_REQUESTS) && has(s, SC_RETRIES))
		out[FIG_RETRY] = ratio(s->v[SC_RETRIES], req + s->v[SC_RETRIES]);
	if (has(s, SC_RETRIES) && has(s, SC_RETRY_SUCCESSES))
		out[FIG_RETRY_SUCCESS] = ratio(s->v[SC_RETRY_SUCCESSES], s->v[SC_RETRIES]);
	if (has(s, SC_REQUESTS) && has(s, SC_EXHAUSTED))
		out[FIG_EXHAUSTED] = ratio(s->v[SC_EXHAUSTED], req);
	/* Amounts read from different series at slightly different times can overshoot. */
	for (int f = FIG_SUCCESS; f <= FIG_EXHAUSTED; f++)
		if (out[f] > 1)
			out[f] = 1;
		else if (out[f] < 0)
			out[f] = 0;
	if (has(s, SC_LATENCY) && s->n_buckets) {
		out[FIG_P50] = rate_histogram_quantile(0.50, s->le, s->bucket, s->n_buckets);
		out[FIG_P95] = rate_histogram_quantile(0.95, s->le, s->bucket, s->n_buckets);
		out[FIG_P99] = rate_histogram_quantile(0.99, s->le, s->bucket, s->n_buckets);
	}
}

struct figures_set *figures_set_new(const char *window, const char *source)
{
	struct figures_set *set = xcalloc(1, sizeof *set);
	set->window = xstrdup(window ? window : "");
	set->source = xstrdup(source ? source : "");
	set->at_ms = time_wall_ms();
	strmap_init(&set->index, NULL);
	return set;
}

void figures_set_free(struct figures_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		free(set->items[i].route);
		free(set->items[i].scope);
	}
	free(set->items);
	strmap_done(&set->index);
	free(set->window);
	free(set->source);
	free(set);
}

static void key_of(char *buf, size_t n, const char *route, int rule)
{
	snprintf(buf, n, "%s\x1f%d", route, rule);
}

void figures_set_add(struct figures_set *set, const char *route, int rule, const char *scope,
                     const struct sample_counts *s)
{
	char key[600];
	key_of(key, sizeof key, route, rule);
	bool created;
	void **slot = strmap_slot(&set->index, key, &created);
	if (!created) {
		samples_counts_add(&set->items[(uintptr_t)*slot - 1].sum, s);
		return;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->items = xreallocarray(set->items, set->cap, sizeof *set->items);
	}
	struct figure *f = &set->items[set->n++];
	memset(f, 0, sizeof *f);
	f->route = xstrdup(route);
	f->rule = rule;
	f->scope = xstrdup(scope ? scope : "route");
	f->sum = *s;
	*slot = (void *)(uintptr_t)set->n;
}

void figures_set_finish(struct figures_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		figures_compute(&set->items[i].sum, set->items[i].f);
}

const struct figure *figures_set_find(const struct figures_set *set, const char *route, int rule)
{
	char key[600];
	key_of(key, sizeof key, route, rule);
	void *v = strmap_get(&set->index, key);
	return v ? &set->items[(uintptr_t)v - 1] : NULL;
}

static enum figure_id sort_by;

static int cmp(const void *a, const void *b)
{
	const struct figure *x = a, *y = b;
	double u = x->f[sort_by], v = y->f[sort_by];
	if (!isnan(u) || !isnan(v)) {
		if (isnan(u))
			return 1;
		if (isnan(v))
			return -1;
		if (u != v)
			return u > v ? -1 : 1;
	}
	int c = strcmp(x->route, y->route);
	return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

void figures_set_sort(struct figures_set *set, enum figure_id by)
{
	sort_by = by < FIG_N ? by : FIG_RPS;
	if (set->n > 1)
		qsort(set->items, set->n, sizeof *set->items, cmp);
	strmap_clear(&set->index);
	for (size_t i = 0; i < set->n; i++) {
		char key[600];
		key_of(key, sizeof key, set->items[i].route, set->items[i].rule);
		*strmap_slot(&set->index, key, NULL) = (void *)(uintptr_t)(i + 1);
	}
}

void *figures_set_json(const struct figures_set *set)
{
	json_t *root = json_object(), *routes = json_array();
	json_object_set_new(root, "window", json_string(set->window));
	json_object_set_new(root, "source", json_string(set->source));
	char at[32];
	json_object_set_new(root, "at", json_string(time_rfc3339(set->at_ms / 1000, at, sizeof at)));
	for (size_t i = 0; i < set->n; i++) {
		const struct figure *f = &set->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "route", json_string(f->route));
		json_object_set_new(o, "rule", f->rule >= 0 ? json_integer(f->rule) : json_null());
		json_object_set_new(o, "scope", json_string(f->scope));
		for (int k = 0; k < FIG_N; k++)
			json_object_set_new(o, names[k],
			                    isfinite(f->f[k]) ? json_real(f->f[k]) : json_null());
		json_array_append_new(routes, o);
	}
	json_object_set_new(root, "routes", routes);
	return root;
}
