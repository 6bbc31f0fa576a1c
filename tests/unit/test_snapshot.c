/* test_snapshot.c: the snapshot document: the exact field names issue 2 fixes as a contract,
 * computed values on a fixture cluster, deterministic output, no annotations, JSON and YAML
 * that parse back to the same document, hostile strings escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/buf.h"
#include "gammatop/lint.h"
#include "gammatop/manifest.h"
#include "gammatop/snapshot.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/yamlout.h"
#include "export_fixture.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */

struct snap {
	struct gt_store *store;
	struct gt_topology *topo;
	struct findings findings;
	json_t *doc;
};

static void snap_build(struct snap *s, struct gt_store *store)
{
	s->store = store;
	s->topo = topology_build(store);
	findings_init(&s->findings);
	lint_run(store, s->topo, &s->findings);
	struct snapshot_input in = {
		.store = store, .topo = s->topo, .findings = &s->findings,
		.source = {"manifests: fixture", NULL, NULL}, .generated_at = T0,
	};
	s->doc = snapshot_build(&in);
	assert_non_null(s->doc);
}

static void snap_done(struct snap *s)
{
	json_decref(s->doc);
	findings_done(&s->findings);
	topology_free(s->topo);
	store_free(s->store);
}

/* Assert that object o has exactly these keys, in this order. */
static void assert_keys(const json_t *o, const char *const *keys, size_t n, const char *what)
{
	if (!json_is_object(o))
		fail_msg("%s: not an object", what);
	size_t i = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (i >= n || strcmp(k, keys[i]))
			fail_msg("%s: key %zu is '%s', expected '%s'", what, i, k, i < n ? keys[i] : "(none)");
		i++;
	}
	if (i != n)
		fail_msg("%s: %zu keys, expected %zu", what, i, n);
}

/* Every required key is present (extra keys allowed). */
static void assert_has(const json_t *o, const char *const *keys, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (!json_object_get(o, keys[i]))
			fail_msg("%s: missing key '%s'", what, keys[i]);
}

static const json_t *route_named(const json_t *doc, const char *name)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(doc, "routes"), i, r) if (
		str_eq(json_string_value(json_object_get(r, "name")), name)) return r;
	fail_msg("route %s not in the snapshot", name);
	return NULL;
}

static const char *sget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_top_level(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	static const char *const top[] = {"apiVersion", "kind", "generatedAt", "source",
	                                  "gatewayClasses", "gateways", "listenerSets", "services",
	                                  "routes", "policies", "meshes", "findings"};
	assert_keys(s.doc, top, 12, "snapshot");
	assert_string_equal(sget(s.doc, "apiVersion"), "gammatop.dev/v1");
	assert_string_equal(sget(s.doc, "kind"), "Snapshot");
	assert_string_equal(sget(s.doc, "generatedAt"), "2023-11-14T22:13:20Z");
	const json_t *src = json_object_get(s.doc, "source");
	assert_string_equal(sget(src, "type"), "manifests");
	assert_string_equal(sget(src, "description"), "manifests: fixture");
	assert_true(json_is_null(json_object_get(src, "context")));
	assert_int_equal(json_integer_value(json_object_get(src, "inputErrors")), 0);
	const json_t *gcs = json_object_get(s.doc, "gatewayClasses");
	assert_int_equal(json_array_size(gcs), 1);
	assert_string_equal(sget(json_array_get(gcs, 0), "name"), "eg");
	assert_string_equal(sget(json_array_get(gcs, 0), "controllerName"), "example.com/gateway");
	snap_done(&s);
}

static void test_gateways_and_listeners(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	const json_t *gws = json_object_get(s.doc, "gateways");
	assert_int_equal(json_array_size(gws), 1);
	const json_t *gw = json_array_get(gws, 0);
	assert_string_equal(sget(gw, "namespace"), "infra");
	assert_string_equal(sget(gw, "name"), "main");
	assert_string_equal(sget(gw, "gatewayClassName"), "eg");
	const json_t *ls = json_object_get(gw, "listeners");
	assert_int_equal(json_array_size(ls), 2);
	static const char *const lkeys[] = {"name", "port", "protocol", "hostname", "attachedRoutes"};
	const json_t *http = json_array_get(ls, 0), *https = json_array_get(ls, 1);
	assert_has(http, lkeys, 5, "listener");
	assert_string_equal(sget(http, "name"), "http");
	assert_int_equal(json_integer_value(json_object_get(http, "port")), 80);
	assert_string_equal(sget(http, "protocol"), "HTTP");
	assert_string_equal(sget(http, "hostname"), "*.example.com");
	/* computed count equals the routes listed; web is among them; reported count kept */
	const json_t *routes = json_object_get(http, "routes");
	assert_int_equal(json_integer_value(json_object_get(http, "attachedRoutes")),
	                 json_array_size(routes));
	bool web = false;
	size_t i;
	json_t *v;
	json_array_foreach(routes, i, v) web |= str_eq(json_string_value(v), "httproute/default/web");
	assert_true(web);
	assert_int_equal(json_integer_value(json_object_get(http, "reportedAttachedRoutes")), 1);
	assert_true(json_is_null(json_object_get(https, "reportedAttachedRoutes")));
	assert_int_equal(json_integer_value(json_object_get(https, "attachedRoutes")), 0);
	const json_t *svcs = json_object_get(s.doc, "services");
	assert_int_equal(json_array_size(svcs), 2);
	assert_string_equal(sget(json_array_get(svcs, 0), "name"), "api"); /* sorted by name */
	assert_string_equal(sget(json_array_get(svcs, 0), "clusterIP"), "10.0.0.7");
	snap_done(&s);
}

static void test_route_fields(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	const json_t *r = route_named(s.doc, "web");
	static const char *const rkeys[] = {"kind", "namespace", "name", "hostnames", "parents",
	                                    "rules", "status"};
	assert_has(r, rkeys, 7, "route");
	assert_string_equal(sget(r, "kind"), "HTTPRoute");
	assert_string_equal(sget(r, "namespace"), "default");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "hostnames"), 0)),
	                    "www.example.com");
	const json_t *p = json_array_get(json_object_get(r, "parents"), 0);
	static const char *const pkeys[] = {"kind", "namespace", "name", "sectionName", "port",
	                                    "role", "attached", "reason", "listeners"};
	assert_has(p, pkeys, 9, "parent");
	assert_string_equal(sget(p, "kind"), "Gateway");
	assert_string_equal(sget(p, "namespace"), "infra");
	assert_string_equal(sget(p, "sectionName"), "http");
	assert_true(json_is_null(json_object_get(p, "port")));
	assert_string_equal(sget(p, "role"), "gateway");
	assert_true(json_is_true(json_object_get(p, "attached")));
	assert_int_equal(json_array_size(json_object_get(p, "listeners")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(p, "listeners"), 0)), "http");

	const json_t *rules = json_object_get(r, "rules");
	assert_int_equal(json_array_size(rules), 2);
	const json_t *r0 = json_array_get(rules, 0);
	static const char *const rukeys[] = {"index", "name", "matches", "backends", "timeouts", "retry"};
	assert_has(r0, rukeys, 6, "rule");
	assert_int_equal(json_integer_value(json_object_get(r0, "index")), 0);
	assert_string_equal(sget(r0, "name"), "main");
	const json_t *m0 = json_array_get(json_object_get(r0, "matches"), 0);
	assert_string_equal(sget(json_object_get(m0, "path"), "type"), "PathPrefix");
	assert_string_equal(sget(m0, "method"), "GET");
	assert_string_equal(sget(json_array_get(json_object_get(m0, "headers"), 0), "name"), "x-env");
	const json_t *bs = json_object_get(r0, "backends");
	static const char *const bkeys[] = {"kind", "namespace", "name", "port", "weight", "resolved",
	                                    "reason"};
	assert_has(json_array_get(bs, 0), bkeys, 7, "backend");
	assert_string_equal(sget(json_array_get(bs, 0), "kind"), "Service");
	assert_string_equal(sget(json_array_get(bs, 0), "name"), "web");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(bs, 0), "port")), 8080);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(bs, 0), "weight")), 90);
	assert_true(json_is_true(json_object_get(json_array_get(bs, 0), "resolved")));
	assert_true(json_is_false(json_object_get(json_array_get(bs, 1), "resolved")));
	assert_string_equal(sget(json_array_get(bs, 1), "reason"), "BackendNotFound");
	const json_t *to = json_object_get(r0, "timeouts");
	static const char *const tokeys[] = {"request", "backendRequest"};
	assert_keys(to, tokeys, 2, "timeouts");
	assert_string_equal(sget(to, "request"), "10s");
	assert_string_equal(sget(to, "backendRequest"), "2s");
	const json_t *re = json_object_get(r0, "retry");
	static const char *const rekeys[] = {"attempts", "backoff", "codes"};
	assert_keys(re, rekeys, 3, "retry");
	assert_int_equal(json_integer_value(json_object_get(re, "attempts")), 3);
	assert_string_equal(sget(re, "backoff"), "100ms");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(re, "codes"), 1)), 503);
	/* the second rule has no policy: nulls and an empty list, same shape */
	const json_t *r1 = json_array_get(rules, 1);
	assert_true(json_is_null(json_object_get(r1, "name")));
	assert_true(json_is_null(json_object_get(json_object_get(r1, "timeouts"), "request")));
	assert_true(json_is_null(json_object_get(json_object_get(r1, "retry"), "attempts")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(r1, "retry"), "codes")), 0);
	/* what the controller reported */
	const json_t *st = json_array_get(json_object_get(json_object_get(r, "status"), "parents"), 0);
	assert_string_equal(sget(st, "controllerName"), "example.com/gateway");
	assert_string_equal(sget(json_array_get(json_object_get(st, "conditions"), 0), "type"),
	                    "Accepted");
	snap_done(&s);
}

static void test_mesh_and_orphan(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	const json_t *p = json_array_get(json_object_get(route_named(s.doc, "api-mesh"), "parents"), 0);
	assert_string_equal(sget(p, "kind"), "Service");
	assert_string_equal(sget(p, "role"), "producer");
	assert_int_equal(json_integer_value(json_object_get(p, "port")), 80);
	assert_true(json_is_true(json_object_get(p, "attached")));
	assert_int_equal(json_array_size(json_object_get(p, "listeners")), 0);
	p = json_array_get(json_object_get(route_named(s.doc, "orphan"), "parents"), 0);
	assert_true(json_is_false(json_object_get(p, "attached")));
	assert_non_null(sget(p, "reason"));
	assert_string_not_equal(sget(p, "reason"), "Accepted");
	snap_done(&s);
}

static void test_findings(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	const json_t *fs = json_object_get(s.doc, "findings");
	assert_true(json_array_size(fs) > 0);
	assert_int_equal(json_array_size(fs), s.findings.n);
	static const char *const fkeys[] = {"severity", "code", "object", "field", "message"};
	bool backend = false;
	size_t i;
	json_t *f;
	json_array_foreach(fs, i, f) {
		assert_keys(f, fkeys, 5, "finding");
		const char *sev = sget(f, "severity");
		assert_true(str_eq(sev, "error") || str_eq(sev, "warning") || str_eq(sev, "info"));
		backend |= str_eq(sget(f, "code"), "BackendNotFound") &&
		           str_eq(sget(f, "object"), "httproute/default/web");
	}
	assert_true(backend);
	snap_done(&s);
}

static char *dump(const json_t *doc)
{
	return json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

static void test_json_round_trip_and_no_annotations(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	char *text = dump(s.doc);
	json_error_t e;
	json_t *back = json_loads(text, 0, &e);
	assert_non_null(back);
	assert_true(json_equal(back, s.doc));
	assert_null(strstr(text, "SECRET-LAST-APPLIED"));
	assert_null(strstr(text, "last-applied-configuration"));
	assert_null(strstr(text, "annotations"));
	assert_null(strchr(text, '\x1b')); /* JSON escapes control bytes */
	/* the hostile name survives exactly, escaped */
	assert_non_null(route_named(back, HOSTILE_NAME));
	json_decref(back);
	free(text);
	snap_done(&s);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct snap a, b;
	snap_build(&a, fixture_store());
	struct gt_store *rev = store_new();
	size_t n = sizeof fixture_objects / sizeof fixture_objects[0];
	for (size_t i = n; i-- > 0;)
		assert_null(fixture_put(rev, fixture_objects[i]));
	snap_build(&b, rev);
	char *ta = dump(a.doc), *tb = dump(b.doc);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	snap_done(&a);
	snap_done(&b);
}

static void test_yaml_round_trip(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	char *yaml = yamlout_json(s.doc);
	assert_non_null(yaml);
	assert_null(strchr(yaml, '\x1b'));
	char err[256] = "";
	json_t *back = manifest_yaml_to_json(yaml, strlen(yaml), err, sizeof err);
	if (!back)
		fail_msg("YAML does not parse back: %s", err);
	if (!json_equal(back, s.doc)) {
		char *x = dump(back);
		fail_msg("YAML round trip differs:\n%.2000s", x);
	}
	json_decref(back);
	free(yaml);
	snap_done(&s);
}

/* Strings that YAML 1.1 or 1.2 readers would retype, keys that are not schema words, and
 * control characters: all come back as the same JSON, nothing raw. */
static void test_yaml_quoting(void **state)
{
	(void)state;
	static const char *const tricky[] = {"on", "Off", "yes", "n", "null", "~", "", "true",
	                                     "0755", "1e3", "1_000", "12:30", "0x1F", ".inf",
	                                     "2026-11-26T15:04:05Z", "2026-11-26", "a: b", "- x",
	                                     "#c", "&a", "*a", "!t", "%x", "@x", "`x", "'q'",
	                                     "\"dq\"", "multi\nline\n", "esc\x1b[2J", "tab\tx",
	                                     "caf\xc3\xa9", " lead", "trail ", "back\\slash"};
	json_t *doc = json_object(), *arr = json_array(), *keys = json_object();
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
		json_array_append_new(arr, json_string(tricky[i]));
		if (*tricky[i])
			json_object_set_new(keys, tricky[i], json_integer((json_int_t)i));
	}
	json_object_set_new(doc, "strings", arr);
	json_object_set_new(doc, "keys", keys);
	json_object_set_new(doc, "numbers", json_pack("[i, f, f, b, n]", -7, 2.0, 0.125, 1));
	char *yaml = yamlout_json(doc);
	assert_non_null(yaml);
	assert_null(strchr(yaml, '\x1b'));
	assert_non_null(strstr(yaml, "\"2026-11-26T15:04:05Z\""));
	char err[256] = "";
	json_t *back = manifest_yaml_to_json(yaml, strlen(yaml), err, sizeof err);
	if (!back)
		fail_msg("does not parse back: %s\n%s", err, yaml);
	if (!json_equal(back, doc))
		fail_msg("round trip differs:\n%s", yaml);
	json_decref(back);
	free(yaml);
	json_decref(doc);
}

/* C1 controls (U+009B is a one-byte CSI), DEL and the bidirectional controls are escaped
 * as \uXXXX in both formats, never raw, and read back as the very same strings; also across
 * libyaml's output buffer (a long value) and in keys. */
static void test_controls_escaped(void **state)
{
	(void)state;
	static const char *const hidden[] = {"csi\xc2\x9b" "31m", "rlo\xe2\x80\xae" "exe.txt",
	                                     "iso\xe2\x81\xa6x\xe2\x81\xa9", "rlm\xe2\x80\x8f",
	                                     "alm\xd8\x9c", "nel\xc2\x85", "del\x7f",
	                                     "c1\xc2\x80\xc2\x9f", "keep\xc2\xa0\xe2\x80\x8d"};
	json_t *doc = json_object(), *arr = json_array(), *keys = json_object();
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
		json_array_append_new(arr, json_string(hidden[i]));
		json_object_set_new(keys, hidden[i], json_integer((json_int_t)i));
	}
	struct buf big;
	buf_init(&big);
	for (int i = 0; i < 20000; i++)
		buf_puts(&big, i % 3 ? "\xe2\x80\xae" : "ab\xc2\x9b");
	json_array_append_new(arr, json_string(buf_str(&big)));
	buf_done(&big);
	json_object_set_new(doc, "strings", arr);
	json_object_set_new(doc, "keys", keys);
	char *texts[3] = {yamlout_json(doc), NULL, NULL};
	size_t n = 0;
	FILE *f = open_memstream(&texts[1], &n);
	char err[256] = "";
	assert_int_equal(snapshot_write(f, doc, SNAPSHOT_JSON, err, sizeof err), 0);
	fclose(f);
	f = open_memstream(&texts[2], &n); /* the streaming YAML writer, to a FILE */
	struct yamlout *y = yamlout_new(f);
	yamlout_value(y, doc);
	assert_int_equal(yamlout_finish(y, err, sizeof err), 0);
	fclose(f);
	for (int i = 0; i < 3; i++) {
		assert_non_null(texts[i]);
		char *again = str_json_escape(texts[i]); /* nothing left to escape: none raw */
		if (strcmp(again, texts[i]) != 0)
			fail_msg("output %d has a raw control:\n%.400s", i, texts[i]);
		free(again);
		assert_non_null(strstr(texts[i], "csi\\u009b31m"));
		assert_non_null(strstr(texts[i], "rlo\\u202eexe.txt"));
		assert_non_null(strstr(texts[i], "iso\\u2066x\\u2069"));
		assert_non_null(strstr(texts[i], "nel\\u0085"));
		assert_non_null(strstr(texts[i], "del\\u007f"));
		assert_non_null(strstr(texts[i], "keep\xc2\xa0\xe2\x80\x8d")); /* not controls */
		json_t *back = i == 1 ? json_loads(texts[i], 0, NULL)
		                      : manifest_yaml_to_json(texts[i], strlen(texts[i]), err, sizeof err);
		if (!back)
			fail_msg("output %d does not parse back: %s", i, err);
		if (!json_equal(back, doc))
			fail_msg("output %d reads back differently", i);
		json_decref(back);
		free(texts[i]);
	}
	json_decref(doc);
}

static void test_write_and_telemetry(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	json_t *tel = json_pack("{s:s, s:s, s:[]}", "window", "5m", "source", "test", "routes");
	struct snapshot_input in = {.store = s.store, .topo = s.topo, .findings = &s.findings,
	                            .generated_at = T0, .telemetry = tel};
	json_t *doc = snapshot_build(&in);
	assert_string_equal(sget(json_object_get(doc, "telemetry"), "window"), "5m");
	FILE *f = tmpfile();
	assert_non_null(f);
	char err[128];
	assert_int_equal(snapshot_write(f, doc, SNAPSHOT_JSON, err, sizeof err), 0);
	rewind(f);
	json_error_t e;
	json_t *back = json_loadf(f, 0, &e);
	assert_non_null(back);
	assert_true(json_equal(back, doc));
	fclose(f);
	json_decref(back);
	json_decref(doc);
	json_decref(tel);
	/* without telemetry the key is absent, not null */
	assert_null(json_object_get(s.doc, "telemetry"));
	snap_done(&s);
}

/* The streamed writer gives the very bytes of the whole-tree writer, in both formats, with
 * and without telemetry. */
static void test_stream_equals_tree(void **state)
{
	(void)state;
	struct snap s;
	snap_build(&s, fixture_store());
	json_t *tel = json_pack("{s:s, s:s, s:[{s:s, s:i, s:f}]}", "window", "5m", "source", "t",
	                        "routes", "route", "httproute/default/web", "rule", 0, "rps", 1.5);
	for (int with_tel = 0; with_tel < 2; with_tel++)
		for (int fmt = SNAPSHOT_JSON; fmt <= SNAPSHOT_YAML; fmt++) {
			struct snapshot_input in = {.store = s.store, .topo = s.topo,
			                            .findings = &s.findings, .generated_at = T0,
			                            .source = {"d", "ctx", "https://x"},
			                            .telemetry = with_tel ? tel : NULL};
			json_t *doc = snapshot_build(&in);
			char *a = NULL, *b = NULL, err[128];
			size_t na = 0, nb = 0;
			FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
			assert_int_equal(snapshot_write(fa, doc, fmt, err, sizeof err), 0);
			assert_int_equal(snapshot_write_input(fb, &in, fmt, err, sizeof err), 0);
			fclose(fa);
			fclose(fb);
			if (strcmp(a, b))
				fail_msg("format %d: streamed output differs:\n%.600s\n---\n%.600s", fmt, a, b);
			free(a);
			free(b);
			json_decref(doc);
		}
	/* an empty store: empty arrays written as [] */
	struct gt_store *empty = store_new();
	struct gt_topology *t = topology_build(empty);
	struct snapshot_input in = {.store = empty, .topo = t, .generated_at = T0};
	json_t *doc = snapshot_build(&in);
	char *a = NULL, *b = NULL, err[128];
	size_t na = 0, nb = 0;
	FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
	assert_int_equal(snapshot_write(fa, doc, SNAPSHOT_JSON, err, sizeof err), 0);
	assert_int_equal(snapshot_write_input(fb, &in, SNAPSHOT_JSON, err, sizeof err), 0);
	fclose(fa);
	fclose(fb);
	assert_string_equal(a, b);
	assert_non_null(strstr(b, "\"routes\": []"));
	free(a);
	free(b);
	json_decref(doc);
	topology_free(t);
	store_free(empty);
	json_decref(tel);
	snap_done(&s);
}

static void test_invalid_utf8_string(void **state)
{
	(void)state;
	json_t *j = snapshot_string("bad\xff\xfe" "end");
	assert_true(json_is_string(j));
	assert_string_equal(json_string_value(j), "bad??end");
	json_decref(j);
	j = snapshot_string(NULL);
	assert_true(json_is_null(j));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_gateways_and_listeners),
		cmocka_unit_test(test_route_fields),
		cmocka_unit_test(test_mesh_and_orphan),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_json_round_trip_and_no_annotations),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_yaml_round_trip),
		cmocka_unit_test(test_controls_escaped),
		cmocka_unit_test(test_yaml_quoting),
		cmocka_unit_test(test_write_and_telemetry),
		cmocka_unit_test(test_stream_equals_tree),
		cmocka_unit_test(test_invalid_utf8_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
