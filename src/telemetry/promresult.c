/* promresult.c: decodes Prometheus HTTP API replies ({"status", "data": {"resultType",
 * "result"}, "errorType", "error", "warnings"}) into plain structs. The body is untrusted:
 * every field is type-checked and a reply of the wrong shape is reported, not trusted. */
#include "config.h"

#include "gammatop/promresult.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/exposition.h"
#include "gammatop/xalloc.h"

void promresult_init(struct promresult *r)
{
	memset(r, 0, sizeof *r);
}

void promresult_done(struct promresult *r)
{
	for (size_t i = 0; i < r->n_series; i++) {
		struct prom_series *s = &r->series[i];
		for (size_t j = 0; j < s->n_labels; j++) {
			free(s->labels[j].name);
			free(s->labels[j].value);
		}
		free(s->labels);
		free(s->points);
		free(s->text);
	}
	free(r->series);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->error_type);
	free(r->error);
	memset(r, 0, sizeof *r);
}

const char *promresult_label(const struct prom_series *s, const char *name)
{
	for (size_t i = 0; i < s->n_labels; i++)
		if (!strcmp(s->labels[i].name, name))
			return s->labels[i].value;
	return NULL;
}

static int fail(char *err, size_t errlen, long status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, long status, const char *fmt, ...)
{
	if (!err || !errlen)
		return -1;
	int n = status && status != 200 ? snprintf(err, errlen, "HTTP %ld: ", status) : 0;
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* [ts, "value"] -> point. */
static int decode_point(json_t *pair, struct prom_point *pt)
{
	if (!json_is_array(pair) || json_array_size(pair) != 2)
		return -1;
	json_t *ts = json_array_get(pair, 0), *v = json_array_get(pair, 1);
	if (!json_is_number(ts) || !json_is_string(v))
		return -1;
	double t = json_number_value(ts);
	if (!isfinite(t) || t > 9.2e15 || t < -9.2e15)
		return -1;
	pt->ts_ms = (int64_t)llround(t * 1000.0);
	return expo_parse_value(json_string_value(v), json_string_length(v), &pt->v);
}

static int decode_labels(json_t *metric, struct prom_series *s)
{
	if (!metric)
		return 0;
	if (!json_is_object(metric))
		return -1;
	size_t n = json_object_size(metric);
	s->labels = n ? xcalloc(n, sizeof *s->labels) : NULL;
	const char *k;
	json_t *v;
	json_object_foreach(metric, k, v) {
		if (!json_is_string(v))
			return -1;
		s->labels[s->n_labels].name = xstrdup(k);
		s->labels[s->n_labels].value = xstrdup(json_string_value(v));
		s->n_labels++;
	}
	return 0;
}

static int decode_series(json_t *item, enum promresult_type type, struct prom_series *s)
{
	if (!json_is_object(item) || decode_labels(json_object_get(item, "metric"), s) < 0)
		return -1;
	if (type == PROM_VECTOR) {
		s->points = xmalloc(sizeof *s->points);
		if (decode_point(json_object_get(item, "value"), s->points) < 0)
			return -1;
		s->n_points = 1;
		return 0;
	}
	json_t *values = json_object_get(item, "values");
	if (!json_is_array(values))
		return -1;
	size_t n = json_array_size(values);
	s->points = n ? xcalloc(n, sizeof *s->points) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (decode_point(json_array_get(values, i), &s->points[i]) < 0)
			return -1;
		s->n_points++;
	}
	return 0;
}

static int decode_data(struct promresult *r, json_t *data, char *err, size_t errlen, long st)
{
	json_t *rt = json_object_get(data, "resultType"), *res = json_object_get(data, "result");
	const char *t = json_string_value(rt);
	if (!t)
		return fail(err, errlen, st, "reply has no data.resultType");
	if (!strcmp(t, "vector") || !strcmp(t, "matrix")) {
		r->type = t[0] == 'v' ? PROM_VECTOR : PROM_MATRIX;
		if (!json_is_array(res))
			return fail(err, errlen, st, "data.result of a %s is not an array", t);
		size_t n = json_array_size(res);
		r->series = n ? xcalloc(n, sizeof *r->series) : NULL;
		for (size_t i = 0; i < n; i++) {
			r->n_series++;
			if (decode_series(json_array_get(res, i), r->type, &r->series[i]) < 0)
				return fail(err, errlen, st, "data.result[%zu] is not a valid %s item", i, t);
		}
		return 0;
	}
	if (!strcmp(t, "scalar") || !strcmp(t, "string")) {
		r->type = t[1] == 'c' ? PROM_SCALAR : PROM_STRING;
		r->series = xcalloc(1, sizeof *r->series);
		r->n_series = 1;
		struct prom_series *s = r->series;
		s->points = xmalloc(sizeof *s->points);
		if (r->type == PROM_SCALAR) {
			if (decode_point(res, s->points) < 0)
				return fail(err, errlen, st, "data.result is not a valid scalar");
		} else {
			json_t *ts = json_array_get(res, 0), *v = json_array_get(res, 1);
			if (!json_is_number(ts) || !json_is_string(v))
				return fail(err, errlen, st, "data.result is not a valid string");
			s->points->ts_ms = (int64_t)(json_number_value(ts) * 1000.0);
			s->points->v = NAN;
			s->text = xstrdup(json_string_value(v));
		}
		s->n_points = 1;
		return 0;
	}
	return fail(err, errlen, st, "unknown data.resultType '%.32s'", t);
}

int promresult_decode(struct promresult *r, const char *body, size_t len, long http_status,
                      char *err, size_t errlen)
{
	promresult_done(r);
	if (err && errlen)
		err[0] = '\0';
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);
	if (!root) {
		char snippet[48];
		size_t n = len < sizeof snippet - 1 ? len : sizeof snippet - 1;
		for (size_t i = 0; i < n; i++)
			snippet[i] = body[i] >= 0x20 && body[i] < 0x7f ? body[i] : '?';
		snippet[n] = '\0';
		return fail(err, errlen, http_status, "reply is not JSON (%s): %s", je.text, snippet);
	}
	int rc = -1;
	if (!json_is_object(root)) {
		fail(err, errlen, http_status, "reply is not a JSON object");
		goto out;
	}
	json_t *w = json_object_get(root, "warnings");
	if (json_is_array(w) && json_array_size(w)) {
		r->warnings = xcalloc(json_array_size(w), sizeof *r->warnings);
		for (size_t i = 0; i < json_array_size(w); i++)
			if (json_is_string(json_array_get(w, i)))
				r->warnings[r->n_warnings++] = xstrdup(json_string_value(json_array_get(w, i)));
	}
	const char *status = json_string_value(json_object_get(root, "status"));
	if (status && !strcmp(status, "error")) {
		const char *et = json_string_value(json_object_get(root, "errorType"));
		const char *e = json_string_value(json_object_get(root, "error"));
		r->error_type = xstrdup(et ? et : "unknown");
		r->error = xstrdup(e ? e : "(no message)");
		fail(err, errlen, http_status, "%s: %s", r->error_type, r->error);
		goto out;
	}
	if (!status || strcmp(status, "success")) {
		fail(err, errlen, http_status, "reply has no status \"success\" or \"error\"");
		goto out;
	}
	json_t *data = json_object_get(root, "data");
	if (!json_is_object(data)) {
		fail(err, errlen, http_status, "reply has no data object");
		goto out;
	}
	rc = decode_data(r, data, err, errlen, http_status);
out:
	json_decref(root);
	return rc;
}
