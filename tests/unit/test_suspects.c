/* test_suspects.c: what changed before a route's figures moved: the score (the route's own
 * timeout change beats a more recent annotation, a parent's or a backend's change ranks by
 * relation, recency counts), what a route depends on (parents, backends, the Gateway's class,
 * ReferenceGrants of cross-namespace backends), and suspects_find / suspects_markers over a
 * real cache: the journal and the telemetry samples (the figures around a change, the shift
 * of the route's timeout rate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/samples.h"
#include "gammatop/suspects.h"
#include "gammatop/timeutil.h"

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", s, e.text);
	return j;
}

static struct journal_change change(const char *type, int64_t at, const char *diff)
{
	return (struct journal_change){.type = (char *)type, .at_ms = at, .diff = (char *)diff,
	                               .ns = "", .name = "", .summary = ""};
}

static void test_score(void **state)
{
	(void)state;
	int64_t at = 10 * 60000, win = 30 * 60000;
	const char *timeouts = "[{\"op\":\"set\",\"path\":\"spec.rules[0].timeouts.request\"}]";
	const char *ann = "[{\"op\":\"add\",\"path\":\"metadata.annotations.x\"}]";
	const char *gen_only = "[{\"op\":\"set\",\"path\":\"metadata.generation\"},"
	                       "{\"op\":\"set\",\"path\":\"spec.hostnames[0]\"}]";
	struct journal_change own_old = change("modified", at - 25 * 60000, timeouts);
	struct journal_change own_ann = change("modified", at - 60000, ann);
	struct journal_change svc_ann = change("modified", at - 1000, ann);
	struct journal_change svc_del = change("deleted", at - 20 * 60000, NULL);
	struct journal_change host = change("modified", at - 60000, gen_only);
	struct buf why;
	buf_init(&why);
	double a = suspects_score(&own_old, "the route itself", 1.0, at, win, &why);
	assert_string_equal(buf_str(&why), "the route itself; 25m before; changes timeouts "
	                                   "(spec.rules[0].timeouts.request)");
	double b = suspects_score(&own_ann, "the route itself", 1.0, at, win, NULL);
	double c = suspects_score(&svc_ann, "its backend Service", 0.75, at, win, NULL);
	double d = suspects_score(&svc_del, "its backend Service", 0.75, at, win, NULL);
	double h = suspects_score(&host, "the route itself", 1.0, at, win, NULL);
	assert_true(a > b); /* its own timeout change, long ago, beats a fresh annotation */
	assert_true(b > c); /* the route's own annotation beats its backend's */
	assert_true(d > c); /* a backend deleted beats a backend annotated */
	assert_true(h > b && h < a); /* another spec field sits between */
	assert_true(a <= 1.0 && c >= 0.0);
	buf_reset(&why);
	own_old.approx = true;
	suspects_score(&own_old, "the route itself", 1.0, at, win, &why);
	assert_non_null(strstr(buf_str(&why), "about 25m before"));
	buf_done(&why);
}

static const char *klass(const char *ns, const char *name, void *ud)
{
	(void)ud;
	return !strcmp(ns, "infra") && !strcmp(name, "gw") ? "gc-1" : NULL;
}

static void test_rels(void **state)
{
	(void)state;
	json_t *doc = J("{\"spec\":{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\"},"
	                "{\"group\":\"\",\"kind\":\"Service\",\"name\":\"api\"},"
	                "{\"kind\":\"ListenerSet\",\"group\":\"gateway.networking.x-k8s.io\",\"name\":\"ls\"}],"
	                "\"rules\":[{\"backendRefs\":[{\"name\":\"api\"},{\"name\":\"db\",\"namespace\":\"data\"},"
	                "{\"kind\":\"Bucket\",\"group\":\"s3\",\"name\":\"b\"}]},"
	                "{\"backendRefs\":[{\"name\":\"db\",\"namespace\":\"data\"}]}]}}");
	struct suspects_rels r = {0};
	suspects_rels_from_route(&r, GT_HTTPROUTE, "shop", "web", doc, klass, NULL);
	struct { enum gt_kind k; const char *ns, *name, *rel; } want[] = {
		{GT_HTTPROUTE, "shop", "web", "the route itself"},
		{GT_GATEWAY, "infra", "gw", "its parent Gateway"},
		{GT_GATEWAYCLASS, "", "gc-1", "the GatewayClass of its Gateway"},
		{GT_SERVICE, "shop", "api", "its parent Service"}, /* parent and backend: the parent */
		{GT_SERVICE, "data", "db", "its backend Service"},
		{GT_REFERENCEGRANT, "data", "*", "a ReferenceGrant its cross-namespace backend needs"},
	};
	assert_int_equal(r.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(r.items[i].kind, want[i].k);
		assert_string_equal(r.items[i].ns, want[i].ns);
		assert_string_equal(r.items[i].name, want[i].name);
		assert_string_equal(r.items[i].relation, want[i].rel);
	}
	suspects_rels_done(&r);
	json_decref(doc);
}

/* ---- over a cache ---- */

static char dir[256];
static struct cache *c;
#define CL "https://k"

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/gt-test-suspects.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char path[300], err[256];
	snprintf(path, sizeof path, "%s/cache.db", dir);
	c = cache_open(path, NULL, err, sizeof err);
	return c ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cache_close(c);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static json_t *route(const char *rv, const char *timeout, const char *ann, const char *mgr)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:{s:s}, s:[{s:s, s:s, s:s, s:{s:{}}}]},"
	                 " s:{s:[{s:s}], s:[{s:[{s:s}], s:{s:s}}]}}",
	                 "apiVersion", "gateway.networking.k8s.io/v1", "kind", "HTTPRoute", "metadata",
	                 "name", "api", "namespace", "shop", "resourceVersion", rv, "annotations", "a", ann,
	                 "managedFields", "manager", mgr, "operation", "Update", "time",
	                 "2026-01-01T00:00:00Z", "fieldsV1", "f:spec", "spec", "parentRefs", "name", "gw",
	                 "rules", "backendRefs", "name", "api", "timeouts", "request", timeout);
}

static json_t *service(const char *rv, const char *ann)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:{s:[{s:i}]}}", "apiVersion", "v1",
	                 "kind", "Service", "metadata", "name", "api", "namespace", "shop",
	                 "resourceVersion", rv, "annotations", "a", ann, "spec", "ports", "port", 80);
}

static void put_rate(int64_t t, double timeouts)
{
	struct samples_row row = {.route = "httproute/shop/api", .rule = -1, .scope = "route"};
	row.counts.seconds = 10;
	row.counts.v[SC_REQUESTS] = 100;
	row.counts.v[SC_TIMEOUTS] = timeouts;
	row.counts.v[SC_SUCCESSES] = 100 - timeouts;
	row.counts.have = SC_BIT(SC_REQUESTS) | SC_BIT(SC_TIMEOUTS) | SC_BIT(SC_SUCCESSES);
	char err[256];
	if (samples_put(c, "scrape " CL, t, &row, 1, t, NULL, err, sizeof err) < 0)
		fail_msg("samples_put: %s", err);
}

static void test_find(void **state)
{
	(void)state;
	int64_t now = time_wall_ms(), t0 = now - 20 * 60000;
	struct journal_writer *w = journal_writer_new(c, CL, NULL);
	json_t *o;
	journal_writer_list_start(w, GT_HTTPROUTE);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_LISTED, o = route("1", "1s", "x", "helm"), t0);
	json_decref(o);
	journal_writer_list_done(w, GT_HTTPROUTE, t0);
	journal_writer_list_start(w, GT_SERVICE);
	journal_writer_seen(w, GT_SERVICE, JOURNAL_SEEN_LISTED, o = service("2", "x"), t0);
	json_decref(o);
	journal_writer_list_done(w, GT_SERVICE, t0);
	/* the culprit 10 min ago, then a backend annotation and the route's own annotation */
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, o = route("3", "100ms", "x", "kubectl-patch"),
	                    now - 10 * 60000);
	json_decref(o);
	journal_writer_seen(w, GT_SERVICE, JOURNAL_SEEN_MODIFIED, o = service("4", "y"), now - 2 * 60000);
	json_decref(o);
	journal_writer_seen(w, GT_HTTPROUTE, JOURNAL_SEEN_MODIFIED, o = route("5", "100ms", "y", "annotator"),
	                    now - 60000);
	json_decref(o);
	char err[512];
	assert_true(journal_writer_flush(w, err, sizeof err) >= 0);
	journal_writer_free(w);
	/* telemetry: 2% timeouts before the culprit, 60% after */
	for (int64_t t = t0; t < now; t += 10000)
		put_rate(t, t < now - 10 * 60000 ? 2 : 60);

	struct suspects s;
	struct suspects_query q = {.cluster = CL, .kind = GT_HTTPROUTE, .ns = "shop", .name = "api",
	                           .at_ms = now, .window_ms = 30 * 60000};
	if (suspects_find(c, &q, &s, err, sizeof err) < 0)
		fail_msg("suspects_find: %s", err);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.items[0].change.manager, "kubectl-patch");
	assert_string_equal(s.items[0].relation, "the route itself");
	assert_string_equal(s.items[1].change.manager, "annotator");
	assert_int_equal(s.items[2].change.kind, GT_SERVICE);
	assert_string_equal(s.items[2].relation, "its backend Service");
	assert_true(s.items[0].have_figures);
	assert_true(s.items[0].before[FIG_TIMEOUT] < 0.05);
	assert_true(s.items[0].after[FIG_TIMEOUT] > 0.5);
	assert_true(s.have_shift);
	assert_true(s.then_fig[FIG_TIMEOUT] < 0.05 && s.now_fig[FIG_TIMEOUT] > 0.5);
	assert_string_equal(s.source, "scrape " CL);
	suspects_done(&s);
	/* a window that starts after the culprit: not a suspect */
	q.window_ms = 5 * 60000;
	assert_int_equal(suspects_find(c, &q, &s, err, sizeof err), 0);
	assert_int_equal(s.n, 2);
	suspects_done(&s);

	struct suspects_marker *m;
	size_t n;
	assert_int_equal(suspects_markers(c, CL, GT_HTTPROUTE, "shop", "api", now - 30 * 60000, now,
	                                  &m, &n, err, sizeof err), 0);
	assert_int_equal(n, 3); /* oldest first */
	assert_true(m[0].at_ms == now - 10 * 60000);
	assert_string_equal(m[0].who, "kubectl-patch");
	assert_string_equal(m[0].object, "httproute/shop/api");
	assert_string_equal(m[0].summary, "spec.rules[0].timeouts.request 1s → 100ms");
	assert_string_equal(m[1].object, "service/shop/api");
	assert_true(m[1].at_ms < m[2].at_ms);
	suspects_markers_free(m, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_rels),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
