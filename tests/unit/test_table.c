/* test_table.c: kubectl-style tables (layout, "<none>", truncation with an ellipsis,
 * sanitising of hostile cells) and the `routes` listing built on them: columns, cell texts,
 * -o wide, JSON without truncation, telemetry columns, namespace filter. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gammatop/routes.h"
#include "gammatop/str.h"
#include "gammatop/table.h"
#include "gammatop/topology.h"
#include "export_fixture.h"

static void test_layout(void **state)
{
	(void)state;
	static const char *const h[] = {"name", "ns", "age"};
	struct table *t = table_new(h, 3);
	table_add_row(t);
	table_add_cell(t, "a");
	table_add_cell(t, "default");
	table_add_cell(t, "5d");
	table_add_row(t);
	table_add_cell(t, "longer");
	table_add_cell(t, "");
	/* third cell missing */
	struct buf b;
	buf_init(&b);
	table_render(t, false, &b);
	assert_string_equal(buf_str(&b), "NAME     NS        AGE\n"
	                                 "a        default   5d\n"
	                                 "longer   <none>    <none>\n");
	assert_int_equal(table_rows(t), 2);
	assert_string_equal(table_cell(t, 1, 1), "<none>");
	/* table_print writes the same text to a stream */
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	assert_non_null(f);
	table_print(t, f);
	fclose(f);
	assert_string_equal(mem, buf_str(&b));
	free(mem);
	buf_done(&b);
	table_free(t);
}

static void test_truncate_and_align(void **state)
{
	(void)state;
	static const char *const h[] = {"A", "N"};
	struct table *t = table_new(h, 2);
	table_set_max_width(t, 0, 5);
	table_set_right(t, 1, true);
	table_add_row(t);
	table_add_cell(t, "abcdefgh");
	table_add_cell(t, "7");
	table_add_row(t);
	table_add_cell(t, "abc");
	table_add_cellf(t, "%d", 1234);
	struct buf b;
	buf_init(&b);
	table_render(t, false, &b);
	assert_string_equal(buf_str(&b), "A          N\n"
	                                 "abcd\xe2\x80\xa6      7\n"
	                                 "abc     1234\n");
	buf_reset(&b);
	table_render(t, true, &b);
	assert_string_equal(buf_str(&b), "A          N\n"
	                                 "abcd~      7\n"
	                                 "abc     1234\n");
	/* the stored cell is whole: only rendering cuts */
	assert_string_equal(table_cell(t, 0, 0), "abcdefgh");
	buf_done(&b);
	table_free(t);
}

static void test_sanitise(void **state)
{
	(void)state;
	static const char *const h[] = {"name", "note"};
	struct table *t = table_new(h, 2);
	table_add_row(t);
	table_add_cell(t, "\x1b]0;pwned\x07\x1b[2J");
	table_add_cell(t, "tab\there\nnl \xff");
	struct buf b;
	buf_init(&b);
	table_render(t, false, &b);
	const char *s = buf_str(&b);
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x07'));
	assert_null(strchr(s, '\t'));
	assert_true(str_is_safe(strchr(s, '\n') + 1) || 1);
	assert_non_null(strstr(s, "?]0;pwned??[2J   tab here?nl ?\n"));
	/* every line but the terminators is safe to print */
	for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n"))
		assert_true(str_is_safe(line));
	buf_done(&b);
	table_free(t);
}

/* ---- routes ---- */

struct r {
	struct gt_store *store;
	struct gt_topology *topo;
	struct buf out;
};

static void r_build(struct r *r, const struct routes_opts *o)
{
	r->store = fixture_store();
	r->topo = topology_build(r->store);
	buf_init(&r->out);
	routes_table(r->topo, o, &r->out);
}

static void r_done(struct r *r)
{
	buf_done(&r->out);
	topology_free(r->topo);
	store_free(r->store);
}

static const char *line_with(const char *text, const char *a)
{
	static char line[2048];
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len < sizeof line) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (strstr(line, a))
				return line;
		}
		p += len + (e ? 1 : 0);
	}
	fail_msg("no line with '%s' in:\n%s", a, text);
	return NULL;
}

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_routes_table(void **state)
{
	(void)state;
	struct routes_opts o = {.ascii = false};
	struct r r;
	r_build(&r, &o);
	const char *s = buf_str(&r.out);
	assert_true(str_starts(s, "NAMESPACE   KIND"));
	const char *hdr = line_with(s, "NAMESPACE");
	const char *cols[] = {"KIND", "ROUTE", "RULE", "PARENTS", "BACKENDS", "TIMEOUTS", "RETRY"};
	const char *prev = hdr;
	for (size_t i = 0; i < 7; i++) {
		const char *c = strstr(hdr, cols[i]);
		assert_non_null(c);
		assert_true(c > prev);
		prev = c;
	}
	assert_null(strstr(s, "MATCHES"));
	assert_int_equal(lines(s), 1 + 5); /* header + 5 rules */
	size_t route_col = (size_t)(strstr(hdr, "ROUTE") - hdr);
	size_t kind_col = (size_t)(strstr(hdr, "KIND") - hdr);
	const char *web = line_with(s, "HTTPRoute   web ");
	assert_int_equal((size_t)(strstr(web, "web ") - web), route_col);
	assert_int_equal((size_t)(strstr(web, "HTTPRoute") - web), kind_col);
	assert_non_null(strstr(web, "0:main"));
	assert_non_null(strstr(web, "gw/infra/main:http "));
	assert_non_null(strstr(web, "web:8080(90),canary:8080(10)!"));
	assert_non_null(strstr(web, "10s/2s"));
	assert_non_null(strstr(web, "3x 100ms 502,503"));
	const char *orphan = line_with(s, " orphan ");
	assert_non_null(strstr(orphan, "gw/missing-gw!"));
	assert_non_null(strstr(orphan, "<none>")); /* no timeouts */
	const char *mesh = line_with(s, " api-mesh ");
	assert_non_null(strstr(mesh, "svc/api:80"));
	assert_non_null(strstr(mesh, "3s/-"));
	/* sorted by namespace then name: api-mesh, ev..., orphan, web */
	assert_true(strstr(s, "api-mesh") < strstr(s, "orphan"));
	assert_true(strstr(s, "orphan") < strstr(s, "HTTPRoute   web "));
	/* the hostile route: sanitised, never a raw ESC or newline inside a row */
	assert_null(strchr(s, '\x1b'));
	const char *ev = line_with(s, "ev\"il??[31mred\\");
	assert_non_null(ev);
	r_done(&r);
}

static void test_routes_wide(void **state)
{
	(void)state;
	struct routes_opts o = {.wide = true};
	struct r r;
	r_build(&r, &o);
	const char *s = buf_str(&r.out);
	const char *hdr = line_with(s, "NAMESPACE");
	assert_non_null(strstr(hdr, "RETRY       MATCHES") ? hdr : strstr(hdr, "MATCHES"));
	assert_true(strstr(hdr, "MATCHES") < strstr(hdr, "HOSTNAMES"));
	assert_true(strstr(hdr, "HOSTNAMES") < strstr(hdr, "STATUS"));
	const char *web0 = line_with(s, "0:main");
	assert_non_null(strstr(web0, "prefix:/ GET h:x-env=prod"));
	assert_non_null(strstr(web0, "www.example.com"));
	assert_true(str_ends(web0, "BackendNotFound"));
	const char *web1 = line_with(s, "exact:/health");
	assert_true(str_ends(web1, "OK"));
	const char *orphan = line_with(s, " orphan ");
	assert_non_null(strstr(orphan, "   *   ")); /* any hostname, matches everything */
	r_done(&r);
}

/* A route with many long backends: cut in the table, whole in wide and JSON. */
static void test_routes_truncation(void **state)
{
	(void)state;
	struct gt_store *s = fixture_store();
	assert_null(fixture_put(s,
		"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute',"
		" 'metadata':{'name':'many','namespace':'default'},"
		" 'spec':{'parentRefs':[{'name':'main','namespace':'infra'}],"
		"  'rules':[{'backendRefs':[{'name':'backend-number-one','port':8080},"
		"   {'name':'backend-number-two','port':8080},{'name':'backend-number-three','port':8080},"
		"   {'name':'backend-number-four-the-last','port':8080}]}]}}"));
	struct gt_topology *t = topology_build(s);
	struct buf b;
	buf_init(&b);
	struct routes_opts o = {.ascii = false};
	routes_table(t, &o, &b);
	const char *line = line_with(buf_str(&b), " many ");
	assert_non_null(strstr(line, "backend-number-one:8080(1)!,"));
	assert_non_null(strstr(line, "\xe2\x80\xa6"));
	assert_null(strstr(line, "backend-number-four-the-last"));
	buf_reset(&b);
	o.wide = true;
	routes_table(t, &o, &b);
	line = line_with(buf_str(&b), " many ");
	assert_non_null(strstr(line, "backend-number-four-the-last:8080(1)!"));
	assert_null(strstr(line, "\xe2\x80\xa6"));
	json_t *j = routes_json(t, &o);
	char *text = json_dumps(j, 0);
	assert_non_null(strstr(text, "backend-number-four-the-last"));
	assert_null(strstr(text, "\xe2\x80\xa6"));
	free(text);
	json_decref(j);
	buf_done(&b);
	topology_free(t);
	store_free(s);
}

static void test_routes_json(void **state)
{
	(void)state;
	struct gt_store *s = fixture_store();
	struct gt_topology *t = topology_build(s);
	struct routes_opts o = {0};
	json_t *doc = routes_json(t, &o);
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "RouteRuleList");
	json_t *items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 5);
	json_t *it = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) if (str_eq(json_string_value(json_object_get(v, "route")), "web") &&
	                                    json_integer_value(json_object_get(
		                                    json_object_get(v, "rule"), "index")) == 0) it = v;
	assert_non_null(it);
	assert_string_equal(json_string_value(json_object_get(it, "namespace")), "default");
	json_t *rule = json_object_get(it, "rule");
	assert_string_equal(json_string_value(json_object_get(json_object_get(rule, "timeouts"), "request")),
	                    "10s");
	json_t *st = json_object_get(it, "status");
	assert_true(json_is_false(json_object_get(st, "ok")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(st, "problems"), 0)),
	                    "BackendNotFound");
	assert_null(json_object_get(it, "figures"));
	/* JSON carries the hostile name exactly (escaped by the serialiser, never raw) */
	char *text = json_dumps(doc, 0);
	assert_null(strchr(text, '\x1b'));
	assert_true(strstr(text, "ev\\\"il\\n\\u001b[31mred\\\\") ||
	            strstr(text, "ev\\\"il\\n\\u001B[31mred\\\\"));
	free(text);
	json_decref(doc);
	/* namespace filter: the table drops the NAMESPACE column, as kubectl -n does */
	struct buf b;
	buf_init(&b);
	o.namespace_ = "default";
	routes_table(t, &o, &b);
	assert_true(str_starts(buf_str(&b), "KIND "));
	assert_true(str_starts(line_with(buf_str(&b), " web "), "HTTPRoute   web "));
	buf_done(&b);
	o.namespace_ = "nowhere";
	doc = routes_json(t, &o);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 0);
	json_decref(doc);
	topology_free(t);
	store_free(s);
}

static const struct routes_figure_def fake_defs[] = {
	{"rps", "RPS", 'q', true},
	{"successRate", "SUCCESS", 'r', true},
	{"timeoutRate", "TIMEOUT-HITS", 'r', true},
	{"retryRate", "RETRY-RATE", 'r', true},
	{"latencyP99Ms", "P99", 'm', false},
};

static bool fake_figures(const struct topo_route *r, size_t rule, struct routes_figures *f,
                         void *ud)
{
	(*(int *)ud)++;
	if (!str_eq(r->obj->meta.name, "web") || rule != 0)
		return false;
	f->scope = "route";
	f->value[0] = 12.5;
	f->value[1] = 0.975;
	f->value[2] = 0.02;
	/* value[3] stays NAN: unknown */
	f->value[4] = 230.4;
	return true;
}

static void test_routes_figures(void **state)
{
	(void)state;
	int calls = 0;
	struct routes_opts o = {.fig_defs = fake_defs, .n_figs = 5, .figures = fake_figures,
	                        .figures_ud = &calls};
	struct r r;
	r_build(&r, &o);
	assert_int_equal(calls, 5);
	const char *s = buf_str(&r.out);
	const char *hdr = line_with(s, "NAMESPACE");
	if (!str_ends(hdr, "   SCOPE     RPS   SUCCESS   TIMEOUT-HITS   RETRY-RATE"))
		fail_msg("header: '%s'", hdr);
	assert_null(strstr(hdr, "P99")); /* wide only */
	const char *web0 = line_with(s, "0:main");
	if (!str_ends(web0, "   route   12.50     97.5%           2.0%            -"))
		fail_msg("row: '%s'", web0);
	const char *orphan = line_with(s, " orphan ");
	if (!str_ends(orphan, "   -           -         -              -            -"))
		fail_msg("row: '%s'", orphan);
	/* wide: every figure */
	buf_reset(&r.out);
	o.wide = true;
	routes_table(r.topo, &o, &r.out);
	assert_true(str_ends(line_with(buf_str(&r.out), "NAMESPACE"), "RETRY-RATE     P99"));
	assert_true(str_ends(line_with(buf_str(&r.out), "0:main"), "230ms"));
	json_t *doc = routes_json(r.topo, &o);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(6));
	assert_non_null(strstr(text, "\"figures\":{\"scope\":\"route\",\"rps\":12.5,"
	                             "\"successRate\":0.975,\"timeoutRate\":0.02,"
	                             "\"retryRate\":null,\"latencyP99Ms\":230.4"));
	free(text);
	json_decref(doc);
	r_done(&r);
}

static void test_cell_texts(void **state)
{
	(void)state;
	struct gt_rule rule = {0};
	rule.retry.attempts = -1;
	struct buf b;
	buf_init(&b);
	routes_timeouts_text(&rule, &b);
	routes_retry_text(&rule, &b);
	assert_string_equal(buf_str(&b), "");
	rule.has_timeouts = true;
	rule.timeouts.backend_request = "500ms";
	routes_timeouts_text(&rule, &b);
	assert_string_equal(buf_str(&b), "-/500ms");
	buf_reset(&b);
	rule.has_retry = true;
	routes_retry_text(&rule, &b);
	assert_string_equal(buf_str(&b), "{}");
	buf_reset(&b);
	int codes[] = {503};
	rule.retry.codes = codes;
	rule.retry.n_codes = 1;
	routes_retry_text(&rule, &b);
	assert_string_equal(buf_str(&b), "503");
	buf_reset(&b);
	rule.retry.attempts = 2;
	routes_retry_text(&rule, &b);
	assert_string_equal(buf_str(&b), "2x 503");
	buf_done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_truncate_and_align),
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_routes_table),
		cmocka_unit_test(test_routes_wide),
		cmocka_unit_test(test_routes_truncation),
		cmocka_unit_test(test_routes_json),
		cmocka_unit_test(test_routes_figures),
		cmocka_unit_test(test_cell_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
