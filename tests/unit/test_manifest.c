/* test_manifest.c: YAML manifests: scalar typing, JSON <-> YAML round trips, multi-document
 * files, List expansion, anchors and their bounds, error positions (and going on after
 * them), directory walks, loading the bundled fixtures and the upstream Gateway API
 * examples and conformance manifests into a store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/manifest.h"
#include "gammatop/store.h"
#include "gammatop/xalloc.h"

static const char *srcdir(void)
{
	const char *s = getenv("GT_SRCDIR");
	return s ? s : ".";
}

static bool has_diag(const struct diag *d, enum diag_level level, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].level == level && strstr(d->items[i].msg, needle))
			return true;
	return false;
}

static void dump_diag(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("diag %d: %s\n", d->items[i].level, d->items[i].msg);
}

/* ---- typing ---- */

static void test_typing(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{"1", "1"}, {"-17", "-17"}, {"+5", "5"}, {"0", "0"}, {"0x1F", "31"}, {"0o17", "15"},
		{"9223372036854775807", "9223372036854775807"}, {"1.5", "1.5"}, {"-2.5e3", "-2500.0"},
		{".5", "0.5"}, {"1e3", "1000.0"}, {"true", "true"}, {"False", "false"}, {"TRUE", "true"},
		{"null", "null"}, {"~", "null"}, {"", "null"}, {"\"1\"", "\"1\""}, {"'true'", "\"true\""},
		{"\"\"", "\"\""}, {"yes", "\"yes\""}, {"no", "\"no\""}, {"on", "\"on\""}, {"off", "\"off\""},
		{"y", "\"y\""}, {"0755", "\"0755\""}, {"1_000", "\"1_000\""}, {"1:20", "\"1:20\""},
		{".inf", "\".inf\""}, {".nan", "\".nan\""}, {"1.5s", "\"1.5s\""}, {"10s", "\"10s\""},
		{"0x", "\"0x\""}, {"1.2.3", "\"1.2.3\""}, {"[x, \"y\"]", "[\"x\", \"y\"]"}, {"!!str 5", "\"5\""},
		{"!!int \"7\"", "7"}, {"!!float 2", "2.0"}, {"!!null x", "null"}, {"\"a\\tb\"", "\"a\\tb\""},
		{"|\n  line1\n  line2\n", "\"line1\\nline2\\n\""}, {"2026-01-01", "\"2026-01-01\""},
		{"*.example.com", NULL}, {"\"*.example.com\"", "\"*.example.com\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256], err[256] = "";
		snprintf(text, sizeof text, "v: %s\n", cases[i][0]);
		json_t *j = manifest_yaml_to_json(text, strlen(text), err, sizeof err);
		if (!cases[i][1]) { /* must fail: '*' starts an alias */
			if (j)
				fail_msg("case %zu should not parse", i);
			continue;
		}
		if (!j)
			fail_msg("case %zu (%s): %s", i, cases[i][0], err);
		char *s = json_dumps(json_object_get(j, "v"), JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
		if (strcmp(s, cases[i][1]))
			fail_msg("case %zu (%s): got %s want %s", i, cases[i][0], s, cases[i][1]);
		free(s);
		json_decref(j);
	}
	char err[128];
	assert_null(manifest_yaml_to_json("v: !!int abc\n", 13, err, sizeof err));
	assert_non_null(strstr(err, "line 1: \"abc\" is not an integer"));
}

/* ---- JSON -> YAML -> JSON ---- */

static void roundtrip(const char *json)
{
	json_error_t je;
	json_t *j = json_loads(json, JSON_DECODE_ANY, &je);
	if (!j)
		fail_msg("bad test JSON: %s", je.text);
	char *y = manifest_json_to_yaml(j);
	char err[256] = "";
	json_t *back = manifest_yaml_to_json(y, strlen(y), err, sizeof err);
	if (!back && json_is_null(j)) {
		/* "null" is a document with a null root: our reader treats it as empty */
		free(y);
		json_decref(j);
		return;
	}
	if (!back || !json_equal(j, back)) {
		char *s = back ? json_dumps(back, JSON_ENCODE_ANY) : NULL;
		fail_msg("round trip of %s\nYAML:\n%s\nback: %s %s", json, y, s ? s : "(null)", err);
	}
	free(y);
	json_decref(back);
	json_decref(j);
}

static void test_roundtrip(void **state)
{
	(void)state;
	static const char *docs[] = {
		"{\"a\":\"yes\",\"b\":\"no\",\"c\":\"on\",\"d\":\"true\",\"e\":\"null\",\"f\":\"~\",\"g\":\"\"}",
		"{\"n\":\"1\",\"m\":\"0755\",\"o\":\"1_000\",\"p\":\"1:20\",\"q\":\"1e3\",\"r\":\".inf\",\"s\":\"0x1F\",\"t\":\"-1\",\"u\":\"+1\",\"v\":\".5\"}",
		"{\"i\":1,\"j\":-9223372036854775807,\"k\":1.5,\"l\":1.0,\"m\":1e300,\"n\":true,\"o\":false,\"p\":null}",
		"{\"multi\":\"line1\\nline2\\n\",\"trail\":\"a\\n\\n\",\"nofinal\":\"a\\nb\",\"lead\":\"  indented\\nx\",\"tab\":\"a\\tb\",\"ctl\":\"a\\u0001b\",\"uni\":\"héllo ✓ 日本\"}",
		"{\"*star\":\"&amp\",\"key: colon\":\"- dash\",\"#hash\":\"a #b\",\"q\":\"'\\\"\",\"sp\":\" lead and trail \",\"brace\":\"{x}\",\"bracket\":\"[1]\",\"pct\":\"%x\",\"at\":\"@x\",\"bt\":\"`x\",\"bang\":\"!x\",\"pipe\":\"|\",\"gt\":\">\",\"qm\":\"? x\"}",
		"{\"empty_obj\":{},\"empty_arr\":[],\"nested\":[[1,[2,[]]],{\"a\":{\"b\":{}}}],\"list\":[{\"a\":1,\"b\":[\"x\",\"y\"]},\"s\",3]}",
		"{\"<<\":\"merge-looking key\",\"=\":\"eq\",\"123\":\"numeric key\",\"true\":\"bool key\",\"\":\"empty key\"}",
		"[1,\"two\",{\"three\":3}]",
		"\"just a string\"",
		"42",
		"null",
		"{\"long\":\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" "\"}",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		roundtrip(docs[i]);
	/* the exact shape: block style, JSON key order, quotes only where needed */
	json_t *j = json_loads("{\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"labels\":{\"on\":\"yes\"}},"
	                       "\"spec\":{\"ports\":[{\"port\":80,\"name\":\"http\"}],\"x\":[],\"note\":\"a\\nb\\n\"}}",
	                       0, NULL);
	char *y = manifest_json_to_yaml(j);
	assert_string_equal(y, "kind: Service\n"
	                       "metadata:\n"
	                       "  name: web\n"
	                       "  labels:\n"
	                       "    'on': 'yes'\n"
	                       "spec:\n"
	                       "  ports:\n"
	                       "  - port: 80\n"
	                       "    name: http\n"
	                       "  x: []\n"
	                       "  note: |\n"
	                       "    a\n"
	                       "    b\n");
	free(y);
	json_decref(j);
}

/* ---- documents ---- */

struct seen {
	struct buf log;
	int n, stop_after;
};

static int collect(const json_t *doc, const char *file, int line, void *ud)
{
	struct seen *s = ud;
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	const char *name = json_string_value(json_object_get(json_object_get(doc, "metadata"), "name"));
	buf_printf(&s->log, "%s%s:%d:%s/%s", s->log.len ? " " : "", file, line, kind ? kind : "-",
	           name ? name : "-");
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

static void test_documents(void **state)
{
	(void)state;
	const char *text =
		"# comment only\n"
		"---\n"
		"apiVersion: v1\n"             /* 3 */
		"kind: Service\n"
		"metadata: {name: a}\n"
		"---\n"
		"---\n"                        /* empty document */
		"# nothing\n"
		"---\n"
		"apiVersion: v1\n"             /* 10 */
		"kind: ServiceList\n"
		"items:\n"
		"- metadata: {name: b}\n"      /* 13: kind filled in from the list */
		"- kind: Namespace\n"          /* 14 */
		"  metadata:\n"
		"    name: c\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: List\n"
		"items: []\n"
		"---\n"
		"- not\n"                      /* 22: a list is not an object */
		"- an object\n"
		"---\n"
		"kind: Namespace\n"            /* 25 */
		"metadata: {name: d}\n"
		"...\n";
	struct seen s = {.n = 0};
	buf_init(&s.log);
	struct diag d;
	diag_init(&d);
	assert_int_equal(manifest_read_text(text, strlen(text), "m.yaml", collect, &s, &d), 0);
	assert_string_equal(buf_str(&s.log), "m.yaml:3:Service/a m.yaml:13:Service/b m.yaml:14:Namespace/c "
	                                     "m.yaml:25:Namespace/d");
	assert_int_equal(d.errors, 1);
	assert_true(has_diag(&d, DIAG_ERROR, "m.yaml:22: expected a mapping (a Kubernetes object), got a list"));
	diag_done(&d);
	/* the callback stops the reading */
	buf_reset(&s.log);
	s.n = 0;
	s.stop_after = 2;
	diag_init(&d);
	assert_int_equal(manifest_read_text(text, strlen(text), "m.yaml", collect, &s, &d), 1);
	assert_int_equal(s.n, 2);
	diag_done(&d);
	/* JSON text, with a List of typed items */
	const char *json = "\n\n{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRouteList\","
	                   "\"items\":[{\"metadata\":{\"name\":\"r1\"}},{\"metadata\":{\"name\":\"r2\"}}]}";
	buf_reset(&s.log);
	s.n = s.stop_after = 0;
	diag_init(&d);
	assert_int_equal(manifest_read_text(json, strlen(json), "l.json", collect, &s, &d), 0);
	assert_string_equal(buf_str(&s.log), "l.json:3:HTTPRoute/r1 l.json:3:HTTPRoute/r2");
	assert_int_equal(d.n, 0);
	diag_done(&d);
	buf_done(&s.log);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *diag;
		int docs;
	} cases[] = {
		/* a syntax error in document 2: documents 1 and 3 still arrive */
		{"kind: A\nmetadata: {name: a}\n---\nkind: B\n  bad: indent\n---\nkind: C\nmetadata: {name: c}\n",
		 "t.yaml:5:", 2},
		{"a: [1, 2\n", "t.yaml:2:", 0},
		{"a: \"unterminated\n", "t.yaml:", 0},
		{"kind: A\nkind: B\n", "t.yaml:2: duplicate key \"kind\"", 0},
		{"? [a]\n: b\n", "t.yaml:1: mapping keys must be scalars", 0},
		{"a: *nope\n", "t.yaml:1: unknown alias *nope", 0},
		{"a: &x [1, *x]\n", "unknown alias *x", 0},
		{"a: \"\xff\"\n", "t.yaml:", 0},
		{"a: \"x\\0y\"\n", NULL, 1}, /* a NUL in a value is kept (decode rejects it) */
		{"\"a\\0b\": 1\n", "a mapping key contains a NUL character", 0},
		{"a: b\n\t- c\n", "t.yaml:", 0},
		{"a: 1\n---\nb: [\n---\nkind: Z\n", "t.yaml:4:", 2},
		{"<<: 5\n", "a merge key (<<) needs a mapping", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seen s = {.n = 0};
		buf_init(&s.log);
		struct diag d;
		diag_init(&d);
		manifest_read_text(cases[i].text, strlen(cases[i].text), "t.yaml", collect, &s, &d);
		if (s.n != cases[i].docs || (cases[i].diag && !has_diag(&d, DIAG_ERROR, cases[i].diag)) ||
		    (!cases[i].diag && d.n)) {
			dump_diag(&d);
			fail_msg("case %zu: %d docs (%s), want %d and \"%s\"", i, s.n, buf_str(&s.log),
			         cases[i].docs, cases[i].diag ? cases[i].diag : "");
		}
		diag_done(&d);
		buf_done(&s.log);
	}
	char err[256];
	assert_null(manifest_yaml_to_json("a: 1\n---\nb: 2\n", 14, err, sizeof err));
	assert_string_equal(err, "line 3: expected one YAML document, found more");
	assert_null(manifest_yaml_to_json("# nothing\n", 10, err, sizeof err));
	assert_string_equal(err, "no YAML document");
	assert_null(manifest_yaml_to_json("a:\n  b: [1,\n", 12, err, sizeof err));
	assert_true(strncmp(err, "line ", 5) == 0);
}

static void test_anchors(void **state)
{
	(void)state;
	const char *text = "base: &b {port: 80, name: http}\n"
	                   "ports:\n- *b\n- <<: *b\n  port: 81\n"
	                   "- port: 82\n  <<: [*b, {extra: true}]\n"
	                   "labels: &l {a: x}\n"
	                   "copy: *l\n"
	                   "&k key: v\n"
	                   "*k : dup\n";
	char err[256] = "";
	json_t *j = manifest_yaml_to_json(text, strlen(text), err, sizeof err);
	assert_null(j); /* the aliased key repeats "key" */
	assert_non_null(strstr(err, "duplicate key \"key\""));
	text = "base: &b {port: 80, name: http}\n"
	       "ports:\n- *b\n- <<: *b\n  port: 81\n"
	       "- port: 82\n  <<: [*b, {extra: true}]\n"
	       "copy: &l {a: x}\n"
	       "again: *l\n";
	j = manifest_yaml_to_json(text, strlen(text), err, sizeof err);
	if (!j)
		fail_msg("%s", err);
	char *s = json_dumps(json_object_get(j, "ports"), JSON_COMPACT);
	assert_string_equal(s, "[{\"port\":80,\"name\":\"http\"},{\"port\":81,\"name\":\"http\"},"
	                       "{\"port\":82,\"name\":\"http\",\"extra\":true}]");
	free(s);
	assert_true(json_equal(json_object_get(j, "copy"), json_object_get(j, "again")));
	json_decref(j);
	/* billion laughs: bounded */
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (char c = 'b'; c <= 'k'; c++) {
		buf_printf(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++)
			buf_printf(&b, "%s*%c", i ? ", " : "", c - 1);
		buf_puts(&b, "]\n");
	}
	j = manifest_yaml_to_json(b.data, b.len, err, sizeof err);
	assert_null(j);
	assert_non_null(strstr(err, "aliases expand to more than"));
	/* deep nesting: bounded */
	buf_reset(&b);
	buf_puts(&b, "a: ");
	for (int i = 0; i < 5000; i++)
		buf_putc(&b, '[');
	for (int i = 0; i < 5000; i++)
		buf_putc(&b, ']');
	buf_putc(&b, '\n');
	j = manifest_yaml_to_json(b.data, b.len, err, sizeof err);
	assert_null(j);
	assert_non_null(strstr(err, "nesting deeper than"));
	/* many anchors: each alias finds the latest definition of its name */
	buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "a%d: &x%d %d\n", i, i % 2500, i);
	for (int i = 0; i < 2500; i++)
		buf_printf(&b, "b%d: *x%d\n", i, i);
	j = manifest_yaml_to_json(b.data, b.len, err, sizeof err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "b7")), 2507);
	assert_int_equal(json_object_size(j), 7500);
	json_decref(j);
	/* the JSON reader has the same bound as the YAML reader: 100 levels read, 101 do not */
	for (int depth = 100; depth <= 101; depth++) {
		buf_reset(&b);
		buf_puts(&b, "{\"kind\":");
		for (int i = 1; i < depth; i++)
			buf_putc(&b, '[');
		for (int i = 1; i < depth; i++)
			buf_putc(&b, ']');
		buf_putc(&b, '}');
		struct seen sn = {.n = 0};
		buf_init(&sn.log);
		struct diag d;
		diag_init(&d);
		manifest_read_text(b.data, b.len, "deep.json", collect, &sn, &d);
		assert_int_equal(sn.n, depth == 100);
		assert_int_equal(d.errors, depth == 101);
		if (depth == 101)
			assert_true(has_diag(&d, DIAG_ERROR, "deep.json:1: nesting deeper than 100 levels"));
		/* and the YAML reader agrees */
		json_t *yj = manifest_yaml_to_json(b.data, b.len, err, sizeof err);
		assert_int_equal(yj != NULL, depth == 100);
		json_decref(yj);
		diag_done(&d);
		buf_done(&sn.log);
	}
	buf_done(&b);
}

/* ---- files, directories, the store ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_walk(void **state)
{
	(void)state;
	char dir[] = "/tmp/gt-manifest-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[600], sub2[700];
	snprintf(sub, sizeof sub, "%s/b-sub", dir);
	snprintf(sub2, sizeof sub2, "%s/.hidden", dir);
	mkdir(sub, 0700);
	mkdir(sub2, 0700);
	write_file(dir, "c.yml", "kind: Namespace\nmetadata: {name: c}\n");
	write_file(dir, "a.yaml", "kind: Namespace\nmetadata: {name: a}\n");
	write_file(dir, "notes.txt", "kind: Namespace\nmetadata: {name: txt}\n");
	write_file(dir, "d.json", "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"d\"}}");
	write_file(sub, "x.yaml", "kind: Namespace\nmetadata: {name: x}\n---\n: bad: [\n");
	write_file(sub2, "h.yaml", "kind: Namespace\nmetadata: {name: hidden}\n");
	struct seen s = {.n = 0};
	buf_init(&s.log);
	struct diag d;
	diag_init(&d);
	assert_int_equal(manifest_read(dir, collect, &s, &d), 0);
	char want[2048];
	snprintf(want, sizeof want,
	         "%s/a.yaml:1:Namespace/a %s/b-sub/x.yaml:1:Namespace/x %s/c.yml:1:Namespace/c "
	         "%s/d.json:1:Namespace/d",
	         dir, dir, dir, dir);
	assert_string_equal(buf_str(&s.log), want);
	assert_int_equal(d.errors, 1);
	char where[1024];
	snprintf(where, sizeof where, "%s/b-sub/x.yaml:4:", dir);
	assert_true(has_diag(&d, DIAG_ERROR, where));
	diag_done(&d);
	/* a single file; a missing path */
	buf_reset(&s.log);
	diag_init(&d);
	char file[700];
	snprintf(file, sizeof file, "%s/notes.txt", dir);
	assert_int_equal(manifest_read(file, collect, &s, &d), 0); /* an explicit file is read */
	assert_int_equal(d.n, 0);
	snprintf(file, sizeof file, "%s/missing.yaml", dir);
	assert_int_equal(manifest_read(file, collect, &s, &d), -1);
	assert_true(has_diag(&d, DIAG_ERROR, "missing.yaml: No such file or directory"));
	diag_done(&d);
	buf_done(&s.log);
	/* load_store: file:line for invalid objects, notes for skipped kinds, duplicates */
	write_file(dir, "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 1}]}\n"
	                          "---\napiVersion: v1\nkind: Service\nmetadata: {name: bad}\n"
	                          "spec:\n  ports:\n  - port: 70000\n"
	                          "---\napiVersion: v1\nkind: Secret\nmetadata: {name: hush}\n"
	                          "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 2}]}\n");
	struct gt_store *st = store_new();
	diag_init(&d);
	snprintf(file, sizeof file, "%s/a.yaml", dir);
	const char *paths[] = {file, "/nonexistent/gammatop/path"};
	assert_int_equal(manifest_load_store(st, paths, 1, &d), 2);
	snprintf(where, sizeof where, "%s:6: service/default/bad: spec.ports[0].port: expected an integer 1-65535", file);
	if (!has_diag(&d, DIAG_ERROR, where)) {
		dump_diag(&d);
		fail_msg("want %s", where);
	}
	assert_true(has_diag(&d, DIAG_NOTE, ":13: skipped: Secret (v1) is not a kind gammatop models"));
	assert_true(has_diag(&d, DIAG_WARNING, ":17: service/default/s is defined again"));
	assert_int_equal(store_count(st, GT_SERVICE), 1);
	assert_int_equal(store_get(st, GT_SERVICE, "default", "s")->u.svc.ports[0].port, 2);
	diag_done(&d);
	diag_init(&d);
	assert_int_equal(manifest_load_store(st, paths, 2, &d), -1);
	diag_done(&d);
	store_free(st);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int upstream_doc(const json_t *doc, const char *file, int line, void *ud);

static void test_fixtures(void **state)
{
	(void)state;
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", srcdir());
	struct stat stt;
	if (stat(dir, &stt) < 0)
		skip();
	struct gt_store *st = store_new();
	struct diag d;
	diag_init(&d);
	const char *paths[] = {dir};
	int n = manifest_load_store(st, paths, 1, &d);
	if (d.errors)
		dump_diag(&d);
	assert_int_equal(d.errors, 0);
	assert_true(has_diag(&d, DIAG_NOTE, "80-list.yaml:6: skipped: ConfigMap (v1)"));
	assert_int_equal(store_count(st, GT_NAMESPACE), 6);
	assert_int_equal(store_count(st, GT_GATEWAYCLASS), 1);
	assert_int_equal(store_count(st, GT_GATEWAY), 2);
	assert_int_equal(store_count(st, GT_SERVICE), 14);
	assert_int_equal(store_count(st, GT_HTTPROUTE), 15);
	assert_int_equal(store_count(st, GT_GRPCROUTE), 1);
	assert_int_equal(store_count(st, GT_REFERENCEGRANT), 1);
	assert_int_equal(n, 6 + 1 + 2 + 14 + 15 + 1 + 1);
	const struct gt_object *o = store_get(st, GT_SERVICE, "payments", "fraud");
	assert_non_null(o); /* from the ServiceList in extra/payments-services.json */
	assert_string_equal(o->u.svc.ports[0].target_port, "9090");
	o = store_get(st, GT_HTTPROUTE, "mesh-clients", "cart-consumer");
	assert_string_equal(o->u.route.parents[0].group, "");
	assert_string_equal(o->u.route.parents[0].namespace_, "shop");
	o = store_get(st, GT_HTTPROUTE, "shop", "bad-timeouts");
	assert_string_equal(o->u.route.rules[0].timeouts.request, "1.5s");
	o = store_get(st, GT_HTTPROUTE, "infra", "tools-default");
	assert_true(o->u.route.default_rule);
	o = store_get(st, GT_HTTPROUTE, "shop", "catalog");
	assert_string_equal(o->u.route.rules[0].matches[1].headers[0].value, "yes");
	diag_done(&d);
	store_free(st);
	/* every fixture document decodes (but the ConfigMap) and round-trips through YAML */
	int counts[4] = {0, 0, 0, 0};
	diag_init(&d);
	assert_int_equal(manifest_read(dir, upstream_doc, counts, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(counts[0], n);
	assert_int_equal(counts[1], 1);
	assert_int_equal(counts[2], 0);
	assert_int_equal(counts[3], 0);
	diag_done(&d);
}

/* Every upstream example and conformance manifest reads and decodes without an error. */
static int upstream_doc(const json_t *doc, const char *file, int line, void *ud)
{
	int *counts = ud;
	struct gt_object *o = NULL;
	char err[512];
	switch (decode_object(doc, &o, err, sizeof err)) {
	case DECODE_OK: counts[0]++; break;
	case DECODE_SKIPPED: counts[1]++; break;
	case DECODE_ERROR:
		counts[2]++;
		print_message("%s:%d: %s\n", file, line, err);
		break;
	}
	object_free(o);
	/* and every document survives JSON -> YAML -> JSON */
	char *y = manifest_json_to_yaml(doc);
	json_t *back = manifest_yaml_to_json(y, strlen(y), err, sizeof err);
	if (!back || !json_equal(back, doc)) {
		print_message("%s:%d: does not round-trip through YAML (%s)\n%s", file, line, err, y);
		counts[3]++;
	}
	json_decref(back);
	free(y);
	return 0;
}

static void test_upstream(void **state)
{
	(void)state;
	char base[1024];
	const char *shared = getenv("GT_SHARED");
	if (shared)
		snprintf(base, sizeof base, "%s/data/gateway-api-v1.6.1", shared);
	else
		snprintf(base, sizeof base, "%s/../shared/data/gateway-api-v1.6.1", srcdir());
	struct stat stt;
	if (stat(base, &stt) < 0)
		skip();
	static const char *subdirs[] = {"examples", "conformance"};
	for (size_t i = 0; i < 2; i++) {
		char dir[1100];
		snprintf(dir, sizeof dir, "%s/%s", base, subdirs[i]);
		int counts[4] = {0, 0, 0, 0};
		struct diag d;
		diag_init(&d);
		assert_int_equal(manifest_read(dir, upstream_doc, counts, &d), 0);
		if (d.n)
			dump_diag(&d);
		print_message("%s: %d decoded, %d skipped, %d errors\n", subdirs[i], counts[0], counts[1],
		              counts[2]);
		assert_int_equal(d.n, 0);
		assert_int_equal(counts[2], 0);
		assert_int_equal(counts[3], 0);
		assert_true(counts[0] > 20);
		diag_done(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_upstream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
