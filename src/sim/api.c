/* api.c: the resource part of the Kubernetes REST API: path parsing (core and group paths,
 * cluster-wide and namespaced collections, subresources, the pod proxy), GET, LIST with
 * limit/continue/labelSelector/fieldSelector, DELETE (namespaces cascade), the deprecation
 * warning of an old version, and dispatch of writes to mutate.c and watches to watch.c. */
#include "config.h"
#include "api.h"

#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rbac.h"
#include "traffic_glue.h"

const char *json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *meta_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

uint64_t meta_rv(const json_t *obj)
{
	const char *rv = meta_str(obj, "resourceVersion");
	return rv ? strtoull(rv, NULL, 10) : 0;
}

char *iso_now(char *buf, size_t n)
{
	return time_rfc3339(time(NULL), buf, n);
}

json_t *api_object_view(const json_t *obj, enum sim_res r, const char *version)
{
	char av[128];
	resource_api_version(r, version, av, sizeof av);
	const char *have = json_str(obj, "apiVersion");
	const char *kind = json_str(obj, "kind");
	if (have && strcmp(have, av) == 0 && kind)
		return json_incref((json_t *)obj);
	json_t *v = json_copy((json_t *)obj);
	json_object_set_new(v, "apiVersion", json_string(av));
	json_object_set_new(v, "kind", json_string(resource_get(r)->kind));
	return v;
}

const char *api_qualified_kind(enum sim_res r, char *buf, size_t n)
{
	const struct sim_resource *res = resource_get(r);
	if (res->group[0])
		snprintf(buf, n, "%s.%s", res->resource, res->group);
	else
		snprintf(buf, n, "%s", res->resource);
	return buf;
}

void api_not_found(struct reply *rp, enum sim_res r, const char *name)
{
	char q[128];
	const struct sim_resource *res = resource_get(r);
	json_t *d = json_pack("{s:s, s:s}", "name", name, "kind", res->resource);
	if (res->group[0])
		json_object_set_new(d, "group", json_string(res->group));
	reply_status(rp, 404, "NotFound", d, "%s \"%s\" not found",
	             api_qualified_kind(r, q, sizeof q), name);
}

/* ---- path parsing ---- */

static void split_path(const char *path, char **seg, size_t max, size_t *n, char *store,
                       size_t storelen)
{
	*n = 0;
	snprintf(store, storelen, "%s", path);
	char *save = NULL;
	for (char *p = strtok_r(store, "/", &save); p && *n < max; p = strtok_r(NULL, "/", &save))
		seg[(*n)++] = p;
}

void api_add_warning(struct reply *rp, const char *text)
{
	struct buf b;
	buf_init(&b);
	if (rp->warning)
		buf_printf(&b, "%s, ", rp->warning);
	buf_puts(&b, "299 - \"");
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '"');
	free(rp->warning);
	rp->warning = buf_steal(&b);
}

/* Parse the API path for channel ch. Returns 0 and fills t, 1 when not an API resource path,
 * or -1 with a 404 in rp. */
static int parse_target(enum sim_channel ch, const char *path, struct api_target *t, struct reply *rp)
{
	char store[2048];
	char *seg[16];
	size_t n, i;
	memset(t, 0, sizeof *t);
	if (strlen(path) >= sizeof store)
		goto notfound;
	split_path(path, seg, 16, &n, store, sizeof store);
	if (n >= 3 && strcmp(seg[0], "api") == 0) {
		t->group[0] = '\0';
		snprintf(t->version, sizeof t->version, "%s", seg[1]);
		i = 2;
	} else if (n >= 4 && strcmp(seg[0], "apis") == 0) {
		snprintf(t->group, sizeof t->group, "%s", seg[1]);
		snprintf(t->version, sizeof t->version, "%s", seg[2]);
		i = 3;
	} else {
		return 1;
	}
	if (i < n && strcmp(seg[i], "watch") == 0) {
		t->legacy_watch = true;
		i++;
	}
	/* namespaces/NS/<resource>... */
	if (n - i >= 3 && strcmp(seg[i], "namespaces") == 0 && !t->group[0] &&
	    strcmp(seg[i + 2], "status") != 0 && strcmp(seg[i + 2], "finalize") != 0) {
		snprintf(t->ns, sizeof t->ns, "%s", seg[i + 1]);
		t->has_ns = true;
		i += 2;
	} else if (n - i >= 3 && strcmp(seg[i], "namespaces") == 0 && t->group[0]) {
		snprintf(t->ns, sizeof t->ns, "%s", seg[i + 1]);
		t->has_ns = true;
		i += 2;
	}
	if (i >= n)
		goto notfound;
	int r = resource_find(ch, t->group, t->version, seg[i]);
	if (r < 0)
		goto notfound;
	t->res = r;
	if (t->has_ns && !resource_get(r)->namespaced)
		goto notfound;
	i++;
	if (i < n) {
		snprintf(t->name, sizeof t->name, "%s", seg[i]);
		t->has_name = true;
		i++;
	}
	if (i < n) {
		snprintf(t->sub, sizeof t->sub, "%s", seg[i]);
		i++;
		if (strcmp(t->sub, "proxy") == 0) {
			/* the rest of the original path, after ".../proxy" */
			const char *p = strstr(path, "/proxy");
			while (p && p[6] != '\0' && p[6] != '/')
				p = strstr(p + 1, "/proxy");
			snprintf(t->rest, sizeof t->rest, "%s", p && p[6] ? p + 6 : "/");
			i = n;
		} else if (strcmp(t->sub, "status") != 0 || r == RES_REFERENCEGRANT || r == RES_SECRET ||
		           r == RES_CONFIGMAP) {
			goto notfound; /* no such subresource (ReferenceGrant's CRD has no status) */
		}
	}
	if (i < n)
		goto notfound;
	return 0;
notfound:
	reply_status(rp, 404, "NotFound", NULL, "the server could not find the requested resource");
	return -1;
}

/* ---- continue tokens: base64url of {"rv":N,"start":"ns\u0000name"} ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64url_encode(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n * 4 / 3 + 5);
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
	return out;
}

static char *b64url_decode(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n + 1);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr(b64, s[i]);
		if (!p || !s[i]) {
			if (s[i] == '=')
				break;
			free(out);
			return NULL;
		}
		acc = acc << 6 | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	if (memchr(out, '\0', o)) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- GET, LIST, DELETE ---- */

static bool parse_uint(const char *s, long long max, long long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

static void do_get(struct sim *s, const struct request *rq, struct api_target *t, struct reply *rp)
{
	const json_t *o = objects_get(&s->objs, t->res, t->ns, t->name);
	if (!o) {
		api_not_found(rp, t->res, t->name);
		return;
	}
	const char *tv = table_accepted(rq->accept);
	if (tv && !t->sub[0]) {
		json_t *row = table_row(t->res, o, t->version, request_query(rq, "includeObject"));
		reply_json(rp, 200, table_new(t->res, tv, json_pack("{s:s}", "resourceVersion",
		                                                      meta_str(o, "resourceVersion")),
		                              json_pack("[o]", row)));
		return;
	}
	reply_json(rp, 200, api_object_view(o, t->res, t->version));
}

static void do_list(struct sim *s, const struct request *rq, struct api_target *t,
                    struct reply *rp)
{
	const char *lsel = request_query(rq, "labelSelector");
	const char *fsel = request_query(rq, "fieldSelector");
	const char *cont = request_query(rq, "continue");
	const char *limit_s = request_query(rq, "limit");
	const char *table = table_accepted(rq->accept);
	const char *include = request_query(rq, "includeObject");
	long long limit = 0;
	char err[256];
	if (limit_s && *limit_s && !parse_uint(limit_s, 1000000000, &limit)) {
		reply_status(rp, 400, "BadRequest", NULL, "limit: Invalid value: \"%s\": must be a non-negative integer", limit_s);
		return;
	}
	const struct obj_table *tab = &s->objs.tables[t->res];
	size_t lo, hi;
	/* every page of a list reports (and its token keeps) the resourceVersion of the first
	 * page, as a snapshot would; the items themselves are the current ones */
	uint64_t list_rv = s->objs.rv;
	objects_ns_range(&s->objs, t->res, t->has_ns ? t->ns : NULL, &lo, &hi);
	if (cont && *cont) {
		char *js = b64url_decode(cont);
		json_t *tok = js ? json_loads(js, 0, NULL) : NULL;
		free(js);
		const char *start = json_str(tok, "start");
		json_int_t trv = json_integer_value(json_object_get(tok, "rv"));
		if (!tok || !start || trv <= 0) {
			json_decref(tok);
			reply_status(rp, 400, "BadRequest", NULL, "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
			return;
		}
		if ((uint64_t)trv < s->objs.compacted_rv) {
			json_decref(tok);
			reply_status(rp, 410, "Expired", NULL,
			             "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
			return;
		}
		const char *nul = strchr(start, '\n');
		char nsbuf[256] = "";
		const char *name = start;
		if (nul && (size_t)(nul - start) < sizeof nsbuf) {
			memcpy(nsbuf, start, (size_t)(nul - start));
			nsbuf[nul - start] = '\0';
			name = nul + 1;
		}
		size_t from = objects_lower_bound(&s->objs, t->res, nsbuf, name, false);
		if (from > lo)
			lo = from;
		list_rv = (uint64_t)trv;
		json_decref(tok);
	}
	json_t *items = json_array();
	size_t i = lo;
	size_t matched = 0;
	const struct obj_entry *last = NULL;
	for (; i < hi; i++) {
		const json_t *o = tab->v[i].obj;
		if (lsel && *lsel) {
			int m = selector_match(lsel, o, err, sizeof err);
			if (m < 0) {
				json_decref(items);
				reply_status(rp, 400, "BadRequest", NULL, "unable to parse requirement: %s", err);
				return;
			}
			if (!m)
				continue;
		}
		if (fsel && *fsel) {
			int m = field_selector_match(fsel, o, err, sizeof err);
			if (m < 0) {
				json_decref(items);
				reply_status(rp, 400, "BadRequest", NULL, "%s", err);
				return;
			}
			if (!m)
				continue;
		}
		if (limit > 0 && matched == (size_t)limit)
			break;
		if (table)
			json_array_append_new(items, table_row(t->res, o, t->version, include));
		else
			json_array_append_new(items, api_object_view(o, t->res, t->version));
		last = &tab->v[i];
		matched++;
	}
	char av[128], rvs[32];
	const struct sim_resource *res = resource_get(t->res);
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)list_rv);
	json_t *meta = json_pack("{s:s}", "resourceVersion", rvs);
	if (i < hi && last) {
		/* more remain: the token names the last item returned */
		char *start = xasprintf("%s\n%s", last->ns, last->name);
		json_t *tok = json_pack("{s:s, s:I, s:s}", "v", "meta.k8s.io/v1", "rv",
		                        (json_int_t)list_rv, "start", start);
		char *js = json_dumps(tok, JSON_COMPACT);
		char *enc = b64url_encode(js);
		json_object_set_new(meta, "continue", json_string(enc));
		if (!(lsel && *lsel) && !(fsel && *fsel))
			json_object_set_new(meta, "remainingItemCount", json_integer((json_int_t)(hi - i)));
		free(enc);
		free(js);
		free(start);
		json_decref(tok);
	}
	if (table) {
		reply_json(rp, 200, table_new(t->res, table, meta, items));
		return;
	}
	json_t *list = json_pack("{s:s, s:s, s:o, s:o}", "kind", res->list_kind, "apiVersion",
	                         resource_api_version(t->res, t->version, av, sizeof av),
	                         "metadata", meta, "items", items);
	reply_json(rp, 200, list);
}

/* Delete one object (lock held); records the event and updates the traffic model. */
json_t *api_delete_object(struct sim *s, enum sim_res r, const char *ns, const char *name)
{
	json_t *last = objects_delete(&s->objs, r, ns, name);
	if (!last)
		return NULL;
	events_mirror_delete(s, r, ns, name);
	traffic_glue_route(s, r, last, true);
	if (resource_is_route(r))
		controller_route_changed(s, r, last, NULL);
	else if (r != RES_POD)
		s->reconcile_needed = true;
	return last;
}

static void do_delete(struct sim *s, const struct request *rq, struct api_target *t,
                      struct reply *rp)
{
	const json_t *cur = objects_get(&s->objs, t->res, t->ns, t->name);
	if (!cur) {
		api_not_found(rp, t->res, t->name);
		return;
	}
	const char *dry = request_query(rq, "dryRun");
	if (dry && strcmp(dry, "All") == 0) {
		reply_json(rp, 200, api_object_view(cur, t->res, t->version));
		return;
	}
	if (t->res == RES_NAMESPACE) {
		/* cascade: everything in the namespace goes first */
		for (int r = 0; r < RES_COUNT; r++) {
			if (!resource_get(r)->namespaced)
				continue;
			size_t lo, hi;
			objects_ns_range(&s->objs, r, t->name, &lo, &hi);
			while (hi > lo) {
				const struct obj_entry *e = &s->objs.tables[r].v[hi - 1];
				char *nm = xstrdup(e->name);
				json_decref(api_delete_object(s, r, t->name, nm));
				free(nm);
				hi--;
			}
		}
	}
	json_t *last = api_delete_object(s, t->res, t->ns, t->name);
	controller_reconcile(s);
	sim_notify(s);
	reply_json(rp, 200, api_object_view(last, t->res, t->version));
	json_decref(last);
}

/* DELETE on a collection (deletecollection), honouring the selectors. Lock held. */
static void do_delete_collection(struct sim *s, const struct request *rq, struct api_target *t,
                                 struct reply *rp)
{
	const char *lsel = request_query(rq, "labelSelector");
	const char *fsel = request_query(rq, "fieldSelector");
	const char *dry = request_query(rq, "dryRun");
	char err[256], av[128];
	if (t->res == RES_NAMESPACE) {
		reply_status(rp, 405, "MethodNotAllowed", NULL, "the simulator deletes namespaces one at a time");
		return;
	}
	size_t lo, hi;
	objects_ns_range(&s->objs, t->res, t->has_ns ? t->ns : NULL, &lo, &hi);
	json_t *victims = json_array();
	for (size_t i = lo; i < hi; i++) {
		const json_t *o = s->objs.tables[t->res].v[i].obj;
		int m = 1;
		if (lsel && *lsel)
			m = selector_match(lsel, o, err, sizeof err);
		if (m == 1 && fsel && *fsel)
			m = field_selector_match(fsel, o, err, sizeof err);
		if (m < 0) {
			json_decref(victims);
			reply_status(rp, 400, "BadRequest", NULL, "%s", err);
			return;
		}
		if (m == 1)
			json_array_append_new(victims, json_pack("{s:s, s:s}", "ns", s->objs.tables[t->res].v[i].ns,
			                                         "name", s->objs.tables[t->res].v[i].name));
	}
	json_t *items = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(victims, i, v) {
		const char *ns = json_str(v, "ns"), *name = json_str(v, "name");
		if (dry && strcmp(dry, "All") == 0) {
			json_array_append_new(items, api_object_view(objects_get(&s->objs, t->res, ns, name), t->res, t->version));
			continue;
		}
		json_t *last = api_delete_object(s, t->res, ns, name);
		json_array_append_new(items, api_object_view(last, t->res, t->version));
		json_decref(last);
	}
	json_decref(victims);
	controller_reconcile(s);
	sim_notify(s);
	char rvs[32];
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)s->objs.rv);
	reply_json(rp, 200, json_pack("{s:s, s:s, s:{s:s}, s:o}", "kind", resource_get(t->res)->list_kind,
	                              "apiVersion", resource_api_version(t->res, t->version, av, sizeof av),
	                              "metadata", "resourceVersion", rvs, "items", items));
}

/* ---- --metrics-fixtures: exposition fixtures served as a pod's page ---- */

struct fixture_hits {
	char *key; /* "ns/pod" */
	unsigned n;
	struct fixture_hits *next;
};

void api_fixture_hits_free(struct sim *s)
{
	while (s->fixture_hits) {
		struct fixture_hits *h = s->fixture_hits;
		s->fixture_hits = h->next;
		free(h->key);
		free(h);
	}
}

/* How many times ns/pod was scraped before (then counts this one); lock held. */
static unsigned fixture_hit(struct sim *s, const char *ns, const char *pod)
{
	char key[512];
	snprintf(key, sizeof key, "%s/%s", ns, pod);
	struct fixture_hits *h = s->fixture_hits;
	while (h && strcmp(h->key, key))
		h = h->next;
	if (!h) {
		h = xcalloc(1, sizeof *h);
		h->key = xstrdup(key);
		h->next = s->fixture_hits;
		s->fixture_hits = h;
	}
	return h->n++;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, len = 0, got;
	char *b = xmalloc(cap + 1);
	while ((got = fread(b + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap)
			b = xrealloc(b, (cap *= 2) + 1);
	}
	fclose(f);
	b[len] = '\0';
	return b;
}

/* Serve the fixture named by the pod's sim.gammatop.dev/metrics-fixture annotation (NAME of
 * [a-z0-9-], no path), the page for this scrape: DIR/NAME.K.om or .prom, the last one again
 * once they run out. False when the pod has no such annotation. */
static bool serve_fixture(struct sim *s, const char *ns, const char *pod, struct reply *rp)
{
	if (!s->fixtures_dir)
		return false;
	char name[101] = "";
	pthread_mutex_lock(&s->lock);
	const json_t *o = objects_get(&s->objs, RES_POD, ns, pod);
	const char *a = json_string_value(json_object_get(
		json_object_get(json_object_get(o, "metadata"), "annotations"),
		"sim.gammatop.dev/metrics-fixture"));
	bool ok = a && *a && strlen(a) < sizeof name && strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(a);
	if (a && ok)
		snprintf(name, sizeof name, "%s", a);
	unsigned k = a && ok ? fixture_hit(s, ns, pod) : 0;
	pthread_mutex_unlock(&s->lock);
	if (!a)
		return false;
	if (!ok) {
		reply_status(rp, 400, "BadRequest", NULL,
		             "sim.gammatop.dev/metrics-fixture: a name of [a-z0-9-], at most 100");
		return true;
	}
	for (long i = (long)k; i >= 0; i--) {
		static const char *const ext[2] = {"om", "prom"};
		static const char *const ctype[2] = {
			"application/openmetrics-text; version=1.0.0; charset=utf-8",
			"text/plain; version=0.0.4; charset=utf-8"};
		for (int e = 0; e < 2; e++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s.%ld.%s", s->fixtures_dir, name, i, ext[e]);
			char *text = slurp(path);
			if (text) {
				reply_text(rp, 200, ctype[e], text);
				free(text);
				return true;
			}
		}
	}
	reply_text(rp, 404, "text/plain", "no such metrics fixture\n");
	return true;
}

/* GET .../pods/[scheme:]NAME[:PORT]/proxy/PATH: a proxy's metrics page. */
static void do_proxy(struct sim *s, const struct request *rq, struct api_target *t,
                     struct reply *rp)
{
	char name[256];
	const char *p = t->name;
	if (strncmp(p, "http:", 5) == 0)
		p += 5;
	else if (strncmp(p, "https:", 6) == 0)
		p += 6;
	snprintf(name, sizeof name, "%s", p);
	char *colon = strchr(name, ':');
	long long port = traffic_glue_proxy_port(s);
	if (colon) {
		*colon = '\0';
		if (!parse_uint(colon + 1, 65535, &port)) {
			reply_status(rp, 400, "BadRequest", NULL, "invalid port in \"%s\"", t->name);
			return;
		}
	}
	if (strcmp(rq->method, "GET") != 0) {
		reply_status(rp, 405, "MethodNotAllowed", NULL, "the simulator proxies only GET");
		return;
	}
	pthread_mutex_lock(&s->lock);
	bool exists = objects_get(&s->objs, RES_POD, t->ns, name) != NULL;
	pthread_mutex_unlock(&s->lock);
	if (!exists) {
		api_not_found(rp, RES_POD, name);
		return;
	}
	if (serve_fixture(s, t->ns, name, rp)) /* any port and path: the fixture's proxy's */
		return;
	if (port != traffic_glue_proxy_port(s)) {
		reply_status(rp, 503, "ServiceUnavailable", NULL,
		             "error trying to reach service: dial tcp 10.42.0.1:%lld: connect: connection refused", port);
		return;
	}
	if (strcmp(t->rest, traffic_glue_proxy_path(s)) != 0 && strcmp(t->rest, "/metrics") != 0) {
		reply_text(rp, 404, "text/plain", "404 page not found\n");
		return;
	}
	char *text = traffic_glue_render(s, t->ns);
	if (!text) {
		reply_status(rp, 503, "ServiceUnavailable", NULL, "traffic model not built into this gammatop-sim");
		return;
	}
	reply_text(rp, 200, traffic_glue_content_type(s), text);
	free(text);
}

static bool is_true(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

void api_handle(struct sim *s, const struct request *rq, struct reply *rp)
{
	struct api_target t;
	int pr = parse_target(s->channel, rq->path, &t, rp);
	if (pr < 0)
		return;
	if (pr > 0) {
		reply_status(rp, 404, "NotFound", NULL, "the server could not find the requested resource");
		return;
	}
	/* a deprecated version (the experimental channel's v1alpha* routes and policies): the
	 * API server warns on every request, whatever its outcome */
	const char *dep = resource_deprecation(t.res, t.version);
	if (dep)
		api_add_warning(rp, dep);
	if (strcmp(t.sub, "proxy") == 0) {
		if (!rbac_allows(rq, &t, false, rp))
			return;
		if (t.res != RES_POD || !t.has_ns)
			reply_status(rp, 404, "NotFound", NULL, "the server could not find the requested resource");
		else
			do_proxy(s, rq, &t, rp);
		return;
	}
	const char *w = request_query(rq, "watch");
	if (w && !is_true(w) && strcmp(w, "false") != 0 && strcmp(w, "0") != 0) {
		reply_status(rp, 400, "BadRequest", NULL, "watch: Invalid value: \"%s\": not a boolean", w);
		return;
	}
	bool watching = t.legacy_watch || is_true(w);
	if (!rbac_allows(rq, &t, watching, rp))
		return;
	bool write = strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0;
	if (write && rq->readonly) {
		char q[128];
		reply_status(rp, 403, "Forbidden", json_pack("{s:s, s:s}", "name", t.name, "kind",
		                                             resource_get(t.res)->resource),
		             "%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\"",
		             api_qualified_kind(t.res, q, sizeof q), rq->user,
		             strcmp(rq->method, "DELETE") == 0 ? "delete" : "patch",
		             resource_get(t.res)->resource, resource_get(t.res)->group);
		return;
	}
	if (strcmp(rq->method, "GET") == 0 && watching) {
		if (t.has_name) {
			reply_status(rp, 405, "MethodNotAllowed", NULL, "watch a single object with fieldSelector=metadata.name=NAME");
			return;
		}
		watch_start(s, rq, rp, t.res, t.has_ns ? t.ns : NULL, t.version);
		return;
	}
	if (!t.has_name) {
		if (strcmp(rq->method, "GET") == 0) {
			pthread_mutex_lock(&s->lock);
			do_list(s, rq, &t, rp);
			pthread_mutex_unlock(&s->lock);
		} else if (strcmp(rq->method, "POST") == 0) {
			mutate_create(s, rq, &t, rp);
		} else if (strcmp(rq->method, "DELETE") == 0) {
			pthread_mutex_lock(&s->lock);
			do_delete_collection(s, rq, &t, rp);
			pthread_mutex_unlock(&s->lock);
		} else {
			reply_status(rp, 405, "MethodNotAllowed", NULL, "the server does not allow this method on the requested resource");
		}
		return;
	}
	if (strcmp(rq->method, "GET") == 0) {
		pthread_mutex_lock(&s->lock);
		do_get(s, rq, &t, rp);
		pthread_mutex_unlock(&s->lock);
	} else if (strcmp(rq->method, "PATCH") == 0) {
		mutate_patch(s, rq, &t, rp);
	} else if (strcmp(rq->method, "PUT") == 0) {
		mutate_update(s, rq, &t, rp);
	} else if (strcmp(rq->method, "DELETE") == 0 && !t.sub[0]) {
		pthread_mutex_lock(&s->lock);
		do_delete(s, rq, &t, rp);
		pthread_mutex_unlock(&s->lock);
	} else {
		reply_status(rp, 405, "MethodNotAllowed", NULL, "the server does not allow this method on the requested resource");
	}
}
