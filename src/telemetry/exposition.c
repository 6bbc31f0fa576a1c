/* exposition.c: the Prometheus text (0.0.4) and OpenMetrics parser for proxy /metrics pages.
 * A line is a comment (# HELP/TYPE/UNIT/EOF, other comments ignored), blank, or a sample
 * `name{l="v",...} value [timestamp] [# exemplar]`. Hostile input is bounded (see the limits
 * in exposition.h) and rejected with the line number and what is wrong. */
#include "config.h"

#include "gammatop/exposition.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

struct parser {
	struct expo_doc *doc;
	bool openmetrics;
	size_t lineno;
	char *err;
	size_t errlen;
	struct buf val; /* a label value being unescaped */
	struct expo_label labels[EXPO_MAX_LABELS]; /* the sample being read (arena strings) */
};

/* Sample names, labels and values live in the document's arena: chunks growing from 4 KiB to
 * 1 MiB, freed together by expo_doc_done (a large page has millions of them). */
struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};
#define CHUNK_SIZE (1u << 20)

static void *arena_alloc(struct expo_doc *d, size_t n)
{
	struct chunk *c = d->arena;
	n = (n + 7) & ~(size_t)7;
	if (!c || c->cap - c->used < n) {
		size_t cap = c ? (c->cap < CHUNK_SIZE ? c->cap * 2 : CHUNK_SIZE) : 4096;
		if (cap < n)
			cap = n;
		struct chunk *nc = xmalloc(sizeof *nc + cap);
		nc->next = c;
		nc->used = 0;
		nc->cap = cap;
		d->arena = c = nc;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static char *arena_strndup(struct expo_doc *d, const char *s, size_t n)
{
	char *p = arena_alloc(d, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static const char *const type_names[] = {
	[EXPO_UNTYPED] = "untyped",       [EXPO_COUNTER] = "counter", [EXPO_GAUGE] = "gauge",
	[EXPO_HISTOGRAM] = "histogram",   [EXPO_SUMMARY] = "summary",
	[EXPO_GAUGE_HISTOGRAM] = "gaugehistogram", [EXPO_STATESET] = "stateset",
	[EXPO_INFO] = "info",
};

void expo_doc_init(struct expo_doc *d)
{
	memset(d, 0, sizeof *d);
}

void expo_doc_done(struct expo_doc *d)
{
	for (struct chunk *c = d->arena, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(d->samples);
	for (size_t i = 0; i < d->n_families; i++) {
		free(d->families[i].name);
		free(d->families[i].help);
		free(d->families[i].unit);
	}
	free(d->families);
	memset(d, 0, sizeof *d);
}

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	if (p->err && p->errlen) {
		int n = snprintf(p->err, p->errlen, "line %zu: ", p->lineno);
		if (n >= 0 && (size_t)n < p->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static locale_t c_locale(void)
{
	static locale_t loc;
	if (!loc)
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return loc;
}

int expo_parse_value(const char *s, size_t n, double *out)
{
	char tmp[64];
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	const char *t = tmp;
	int sign = 1;
	if (*t == '+' || *t == '-')
		sign = *t++ == '-' ? -1 : 1;
	if (!strcasecmp(t, "nan")) {
		*out = NAN;
		return 0;
	}
	if (!strcasecmp(t, "inf") || !strcasecmp(t, "infinity")) {
		*out = sign * INFINITY;
		return 0;
	}
	bool digit = false;
	for (const char *c = t; *c; c++) {
		if (*c >= '0' && *c <= '9')
			digit = true;
		else if (!strchr(".eE+-", *c))
			return -1;
	}
	if (!digit)
		return -1;
	char *end;
	locale_t loc = c_locale();
	double v = loc ? strtod_l(tmp, &end, loc) : strtod(tmp, &end);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

const char *expo_label(const struct expo_sample *s, const char *name)
{
	for (size_t i = 0; i < s->n_labels; i++)
		if (!strcmp(s->labels[i].name, name))
			return s->labels[i].value;
	return NULL;
}

static struct expo_family *family_find(const struct expo_doc *d, const char *name, size_t n)
{
	for (size_t i = 0; i < d->n_families; i++)
		if (strlen(d->families[i].name) == n && !memcmp(d->families[i].name, name, n))
			return &d->families[i];
	return NULL;
}

enum expo_type expo_type_of(const struct expo_doc *d, const char *name)
{
	static const char *const suffixes[] = {"_bucket", "_sum", "_count", "_total", "_created",
	                                       "_gsum", "_gcount", "_info"};
	size_t n = strlen(name);
	struct expo_family *f = family_find(d, name, n);
	if (f)
		return f->type;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t sl = strlen(suffixes[i]);
		if (n > sl && !strcmp(name + n - sl, suffixes[i]) &&
		    (f = family_find(d, name, n - sl)) != NULL)
			return f->type;
	}
	return EXPO_UNTYPED;
}

static bool name_start(char c, bool metric)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
}

static bool name_char(char c, bool metric)
{
	return name_start(c, metric) || (c >= '0' && c <= '9');
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Read a metric (metric=true) or label name at *pp; returns its length, 0 if none. */
static size_t read_name(const char **pp, const char *e, bool metric)
{
	const char *p = *pp;
	if (p >= e || !name_start(*p, metric))
		return 0;
	while (p < e && name_char(*p, metric))
		p++;
	size_t n = (size_t)(p - *pp);
	*pp = p;
	return n;
}

/* Read a double-quoted label value with escapes \\ \" \n into out. */
static int read_quoted(struct parser *p, const char **pp, const char *e, struct buf *out)
{
	const char *s = *pp;
	if (s >= e || *s != '"')
		return fail(p, "expected '\"' to open a label value");
	for (s++; s < e && *s != '"'; s++) {
		const char *run = s; /* copy plain text in one piece */
		while (s < e && *s != '"' && *s != '\\')
			s++;
		if (s > run)
			buf_append(out, run, (size_t)(s - run));
		if (s >= e || *s == '"')
			break;
		if (++s >= e)
			break;
		switch (*s) {
		case '\\': buf_putc(out, '\\'); break;
		case '"': buf_putc(out, '"'); break;
		case 'n': buf_putc(out, '\n'); break;
		default: return fail(p, "invalid escape '\\%c' in a label value", *s);
		}
	}
	if (s >= e)
		return fail(p, "unterminated label value (missing '\"')");
	*pp = s + 1;
	return 0;
}

static int read_labels(struct parser *p, const char **pp, const char *e, struct expo_sample *smp)
{
	const char *s = *pp + 1; /* past '{' */
	size_t n = 0;
	struct expo_label *l = p->labels;
	for (;;) {
		s = skip_ws(s, e);
		if (s < e && *s == '}')
			break;
		if (s < e && *s == '"')
			return fail(p, "quoted (UTF-8) label and metric names are not supported");
		const char *ln = s;
		size_t lnl = read_name(&s, e, false);
		if (!lnl || lnl > EXPO_MAX_NAME)
			return fail(p, lnl ? "label name longer than %d bytes" : "expected a label name%.0d",
			            EXPO_MAX_NAME);
		s = skip_ws(s, e);
		if (s >= e || *s != '=')
			return fail(p, "expected '=' after label name '%.*s'", (int)lnl, ln);
		s = skip_ws(s + 1, e);
		buf_reset(&p->val);
		if (read_quoted(p, &s, e, &p->val) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!strncmp(l[i].name, ln, lnl) && !l[i].name[lnl])
				return fail(p, "duplicate label '%.*s'", (int)lnl, ln);
		if (n >= EXPO_MAX_LABELS)
			return fail(p, "more than %d labels on one sample", EXPO_MAX_LABELS);
		l[n].name = arena_strndup(p->doc, ln, lnl);
		l[n].value = arena_strndup(p->doc, buf_str(&p->val), p->val.len);
		n++;
		s = skip_ws(s, e);
		if (s < e && *s == ',') {
			s++;
			continue;
		}
		if (s < e && *s == '}')
			break;
		return fail(p, "expected ',' or '}' after a label value");
	}
	if (n) {
		smp->labels = arena_alloc(p->doc, n * sizeof *smp->labels);
		memcpy(smp->labels, l, n * sizeof *l);
	}
	smp->n_labels = n;
	*pp = s + 1;
	return 0;
}

static const char *token_end(const char *s, const char *e)
{
	while (s < e && *s != ' ' && *s != '\t')
		s++;
	return s;
}

static int parse_sample(struct parser *p, const char *s, const char *e)
{
	struct expo_sample smp = {0};
	const char *name = s;
	size_t nl = read_name(&s, e, true);
	if (!nl)
		return fail(p, "expected a metric name");
	if (nl > EXPO_MAX_NAME)
		return fail(p, "metric name longer than %d bytes", EXPO_MAX_NAME);
	if (p->doc->n_samples >= EXPO_MAX_SAMPLES)
		return fail(p, "more than %d samples", EXPO_MAX_SAMPLES);
	if (s < e && *s == '{' && read_labels(p, &s, e, &smp) < 0)
		return -1;
	if (s < e && *s != ' ' && *s != '\t') {
		fail(p, "unexpected '%c' after the metric name", *s);
		return -1;
	}
	s = skip_ws(s, e);
	const char *v = s;
	s = token_end(s, e);
	if (v == s) {
		fail(p, "missing value for '%.*s'", (int)nl, name);
		return -1;
	}
	if (expo_parse_value(v, (size_t)(s - v), &smp.value) < 0) {
		fail(p, "invalid value '%.*s'", (int)((s - v) > 40 ? 40 : (s - v)), v);
		return -1;
	}
	s = skip_ws(s, e);
	if (s < e && *s != '#') {
		const char *t = s;
		s = token_end(s, e);
		double ts;
		if (expo_parse_value(t, (size_t)(s - t), &ts) < 0 || !isfinite(ts)) {
			fail(p, "invalid timestamp '%.*s'", (int)((s - t) > 40 ? 40 : (s - t)), t);
			return -1;
		}
		bool seconds = p->openmetrics || memchr(t, '.', (size_t)(s - t)) ||
		               memchr(t, 'e', (size_t)(s - t)) || memchr(t, 'E', (size_t)(s - t));
		double ms = seconds ? ts * 1000.0 : ts;
		if (ms > 9.2e18 || ms < -9.2e18) {
			fail(p, "timestamp out of range");
			return -1;
		}
		smp.has_ts = true;
		smp.ts_ms = (int64_t)ms;
		s = skip_ws(s, e);
	}
	if (s < e && *s != '#') { /* '#' starts an exemplar, which is ignored */
		fail(p, "unexpected text after the value");
		return -1;
	}
	smp.name = arena_strndup(p->doc, name, nl);
	struct expo_doc *d = p->doc;
	if (d->n_samples == d->cap_samples) {
		d->cap_samples = d->cap_samples ? d->cap_samples * 2 : 64;
		d->samples = xreallocarray(d->samples, d->cap_samples, sizeof *d->samples);
	}
	d->samples[d->n_samples++] = smp;
	return 0;
}

static enum expo_type type_from(const char *s, size_t n, bool *ok)
{
	*ok = true;
	for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
		if (strlen(type_names[i]) == n && !strncmp(type_names[i], s, n))
			return (enum expo_type)i;
	if (n == 7 && !strncmp(s, "unknown", 7)) /* OpenMetrics spelling of untyped */
		return EXPO_UNTYPED;
	*ok = false;
	return EXPO_UNTYPED;
}

static struct expo_family *family_get(struct expo_doc *d, const char *name, size_t n)
{
	struct expo_family *f = family_find(d, name, n);
	if (f)
		return f;
	if (d->n_families == d->cap_families) {
		d->cap_families = d->cap_families ? d->cap_families * 2 : 16;
		d->families = xreallocarray(d->families, d->cap_families, sizeof *d->families);
	}
	f = &d->families[d->n_families++];
	memset(f, 0, sizeof *f);
	f->name = xstrndup(name, n);
	return f;
}

static char *unescape_help(const char *s, const char *e)
{
	struct buf b;
	buf_init(&b);
	for (; s < e; s++) {
		if (*s == '\\' && s + 1 < e && (s[1] == '\\' || s[1] == 'n' || s[1] == '"')) {
			s++;
			buf_putc(&b, *s == 'n' ? '\n' : *s);
		} else {
			buf_putc(&b, *s);
		}
	}
	return buf_steal(&b);
}

static int parse_comment(struct parser *p, const char *s, const char *e)
{
	s = skip_ws(s + 1, e);
	const char *kw = s;
	s = token_end(s, e);
	size_t kl = (size_t)(s - kw);
	if (kl == 3 && !memcmp(kw, "EOF", 3)) {
		if (skip_ws(s, e) != e)
			return fail(p, "unexpected text after # EOF");
		p->doc->saw_eof = true;
		return 0;
	}
	bool help = kl == 4 && !memcmp(kw, "HELP", 4), type = kl == 4 && !memcmp(kw, "TYPE", 4),
	     unit = kl == 4 && !memcmp(kw, "UNIT", 4);
	if (!help && !type && !unit)
		return 0; /* an ordinary comment */
	s = skip_ws(s, e);
	const char *name = s;
	size_t nl = read_name(&s, e, true);
	if (!nl)
		return fail(p, "expected a metric name after # %.4s", kw);
	if (nl > EXPO_MAX_NAME)
		return fail(p, "metric name longer than %d bytes", EXPO_MAX_NAME);
	if (s < e && *s != ' ' && *s != '\t')
		return fail(p, "unexpected '%c' in the metric name after # %.4s", *s, kw);
	s = skip_ws(s, e);
	const char *rest_end = e;
	while (rest_end > s && (rest_end[-1] == ' ' || rest_end[-1] == '\t'))
		rest_end--;
	struct expo_family *f;
	if (type) {
		bool ok;
		enum expo_type t = type_from(s, (size_t)(rest_end - s), &ok);
		if (!ok)
			return fail(p, "unknown metric type '%.*s'",
			            (int)((rest_end - s) > 40 ? 40 : (rest_end - s)), s);
		f = family_get(p->doc, name, nl);
		f->type = t;
	} else if (help) {
		f = family_get(p->doc, name, nl);
		free(f->help);
		f->help = unescape_help(s, rest_end);
	} else {
		f = family_get(p->doc, name, nl);
		free(f->unit);
		f->unit = xstrndup(s, (size_t)(rest_end - s));
	}
	return 0;
}

int expo_parse(struct expo_doc *d, const char *text, size_t len, bool openmetrics, char *err,
               size_t errlen)
{
	struct parser p = {.doc = d, .openmetrics = openmetrics, .err = err, .errlen = errlen};
	buf_init(&p.val);
	if (err && errlen)
		err[0] = '\0';
	const char *s = text, *end = text + len;
	int rc = 0;
	while (rc == 0 && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		p.lineno++;
		if ((size_t)(e - s) > EXPO_MAX_LINE) {
			rc = fail(&p, "line longer than %d bytes", EXPO_MAX_LINE);
			break;
		}
		if (memchr(s, '\0', (size_t)(e - s))) {
			rc = fail(&p, "NUL byte in the text");
			break;
		}
		if (e > s && e[-1] == '\r')
			e--;
		const char *t = skip_ws(s, e);
		if (d->saw_eof && t < e)
			rc = fail(&p, "data after # EOF");
		else if (t < e && *t == '#')
			rc = parse_comment(&p, t, e);
		else if (t < e)
			rc = parse_sample(&p, t, e);
		s = nl ? nl + 1 : end;
	}
	buf_done(&p.val);
	return rc < 0 ? -1 : 0;
}
