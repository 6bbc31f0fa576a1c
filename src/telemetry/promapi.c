/* promapi.c: the Prometheus HTTP API transport: URL and credentials handling, form-encoded
 * POST queries on the net layer, and handing bodies to the promresult decoder. */
#include "config.h"

#include "gammatop/defaults.h"
#include "gammatop/promapi.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/buf.h"
#include "gammatop/log.h"
#include "gammatop/secret.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

struct promapi {
	struct http_client *hc;
	char *base;     /* owned: scheme://host[:port][/prefix], no trailing '/', no userinfo */
	char *describe; /* owned: "prometheus <base>" */
	char *bearer, *user, *password, *org_header; /* owned; secrets */
	long timeout_ms;
	int insecure;
};

struct pending {
	struct promapi *p;
	promapi_cb cb;
	void *ud;
};

static void wipe_free(char *s) { secret_free(s, 0); }

/* Percent-decode (for user:password in a URL). */
static char *pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = {s[i + 1], s[i + 2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

struct promapi *promapi_new(struct http_client *hc, const struct promapi_config *cfg, char *err,
                            size_t errlen)
{
	const char *url = cfg->url ? cfg->url : "";
	const char *rest = !strncmp(url, "http://", 7) ? url + 7 : !strncmp(url, "https://", 8) ? url + 8 : NULL;
	if (!rest || !*rest) {
		/* Never the userinfo: it may hold a password. */
		if (err) {
			char *shown = secret_url_redact(url);
			char *clean = str_sanitize(shown);
			snprintf(err, errlen, "--prometheus: '%s' is not an http:// or https:// URL", clean);
			free(clean);
			free(shown);
		}
		return NULL;
	}
	struct promapi *p = xcalloc(1, sizeof *p);
	p->hc = hc;
	p->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : GT_DEFAULT_REQUEST_TIMEOUT_MS;
	p->insecure = cfg->insecure;
	size_t scheme_len = (size_t)(rest - url), ub, ue;
	struct buf b;
	buf_init(&b);
	buf_append(&b, url, scheme_len);
	/* user:password@ moves into basic auth, out of the URL. It ends at the last '@', so a
	 * password with an unencoded '/', '?' or '#' is taken whole (secret.h). */
	if (secret_url_userinfo(url, &ub, &ue)) {
		const char *auth = url + ub, *at = url + ue;
		const char *colon = memchr(auth, ':', (size_t)(at - auth));
		p->user = pct_decode(auth, (size_t)((colon ? colon : at) - auth));
		if (colon)
			p->password = pct_decode(colon + 1, (size_t)(at - colon - 1));
		rest = at + 1;
	}
	buf_append(&b, rest, strcspn(rest, "?#"));
	while (b.len > scheme_len && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	p->base = buf_steal(&b);
	p->describe = xasprintf("prometheus %s", p->base);
	if (cfg->username) {
		wipe_free(p->user);
		wipe_free(p->password);
		p->user = xstrdup(cfg->username);
		p->password = xstrdup(cfg->password ? cfg->password : "");
	}
	if (cfg->bearer_token)
		p->bearer = xstrdup(cfg->bearer_token);
	if (cfg->org_id)
		p->org_header = xasprintf("X-Scope-OrgID: %s", cfg->org_id);
	return p;
}

void promapi_free(struct promapi *p)
{
	if (!p)
		return;
	free(p->base);
	free(p->describe);
	wipe_free(p->bearer);
	wipe_free(p->user);
	wipe_free(p->password);
	free(p->org_header);
	free(p);
}

const char *promapi_describe(const struct promapi *p) { return p->describe; }

static void put_param(struct buf *b, const char *name, const char *value)
{
	char *e = http_escape(value);
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, e);
	free(e);
}

static void put_time(struct buf *b, const char *name, int64_t ms)
{
	char v[40];
	snprintf(v, sizeof v, "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
	put_param(b, name, v);
}

char *promapi_form(const char *query, int64_t time_ms, int64_t start_ms, int64_t end_ms,
                   int64_t step_ms)
{
	struct buf b;
	buf_init(&b);
	put_param(&b, "query", query);
	if (time_ms > 0)
		put_time(&b, "time", time_ms);
	if (step_ms > 0) {
		put_time(&b, "start", start_ms);
		put_time(&b, "end", end_ms);
		put_time(&b, "step", step_ms);
	}
	return buf_steal(&b);
}

static void fill_opts(struct promapi *p, struct http_opts *o, const char *url, const char *form,
                      const char **headers)
{
	memset(o, 0, sizeof *o);
	size_t nh = 0;
	if (p->org_header)
		headers[nh++] = p->org_header;
	headers[nh] = NULL;
	o->method = "POST";
	o->url = url;
	o->headers = headers;
	o->accept = "application/json";
	o->body = form;
	o->body_len = strlen(form);
	o->content_type = "application/x-www-form-urlencoded";
	o->bearer_token = p->bearer;
	o->username = p->user;
	o->password = p->user ? (p->password ? p->password : "") : NULL;
	o->timeout_ms = p->timeout_ms;
	o->max_body = 64u << 20;
	static const struct http_tls insecure_tls = {.insecure = true};
	o->tls = p->insecure ? &insecure_tls : NULL;
}

static void on_done(struct http_request *req, const struct http_response *resp, void *ud)
{
	(void)req;
	struct pending *pd = ud;
	struct promresult r;
	promresult_init(&r);
	char err[1024], msg[1200];
	if (resp->error) {
		snprintf(msg, sizeof msg, "%s: %s", pd->p->describe, resp->error);
		pd->cb(NULL, msg, pd->ud);
	} else if (promresult_decode(&r, resp->body, resp->body_len, resp->status, err,
	                             sizeof err) < 0) {
		snprintf(msg, sizeof msg, "%s: %s", pd->p->describe, err);
		pd->cb(NULL, msg, pd->ud);
	} else {
		for (size_t i = 0; i < r.n_warnings; i++)
			log_warn("%s: warning: %s", pd->p->describe, r.warnings[i]);
		pd->cb(&r, NULL, pd->ud);
	}
	promresult_done(&r);
	free(pd);
}

static void start(struct promapi *p, const char *endpoint, char *form, promapi_cb cb, void *ud)
{
	char *url = xasprintf("%s/api/v1/%s", p->base, endpoint);
	const char *headers[2];
	struct http_opts o;
	fill_opts(p, &o, url, form, headers);
	struct pending *pd = xmalloc(sizeof *pd);
	*pd = (struct pending){p, cb, ud};
	o.on_done = on_done;
	o.ud = pd;
	http_start(p->hc, &o);
	free(url);
	free(form);
}

void promapi_query(struct promapi *p, const char *query, int64_t time_ms, promapi_cb cb, void *ud)
{
	start(p, "query", promapi_form(query, time_ms, 0, 0, 0), cb, ud);
}

void promapi_query_range(struct promapi *p, const char *query, int64_t start_ms, int64_t end_ms,
                         int64_t step_ms, promapi_cb cb, void *ud)
{
	start(p, "query_range", promapi_form(query, 0, start_ms, end_ms, step_ms > 0 ? step_ms : 1),
	      cb, ud);
}

int promapi_query_sync(struct promapi *p, const char *query, int64_t time_ms,
                       struct promresult *r, char *err, size_t errlen)
{
	char *url = xasprintf("%s/api/v1/query", p->base);
	char *form = promapi_form(query, time_ms, 0, 0, 0);
	const char *headers[2];
	struct http_opts o;
	fill_opts(p, &o, url, form, headers);
	struct http_result res = {0};
	buf_init(&res.body);
	int rc = http_fetch(p->hc, &o, &res, p->timeout_ms + 1000);
	char e[1024];
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", p->describe, res.error ? res.error : "no answer");
	} else if (promresult_decode(r, res.body.data ? res.body.data : "", res.body.len, res.status,
	                             e, sizeof e) < 0) {
		snprintf(err, errlen, "%s: %s", p->describe, e);
		rc = -1;
	} else {
		for (size_t i = 0; i < r->n_warnings; i++)
			log_warn("%s: warning: %s", p->describe, r->warnings[i]);
	}
	http_result_done(&res);
	free(url);
	free(form);
	return rc;
}
