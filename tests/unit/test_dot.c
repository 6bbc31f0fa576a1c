/* test_dot.c: the Graphviz export: one cluster per namespace, GatewayClass outside, solid
 * edges for attachments and resolved backends, dashed ones (and placeholder nodes) for what
 * does not attach or resolve, labels escaped against hostile names, and (when Graphviz is
 * installed) the output renders with `dot -Tsvg`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/dot.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "export_fixture.h"

struct g {
	struct gt_store *store;
	struct gt_topology *topo;
	struct buf out;
};

static void g_build(struct g *g)
{
	g->store = fixture_store();
	g->topo = topology_build(g->store);
	buf_init(&g->out);
	dot_render(g->store, g->topo, &g->out);
}

static void g_done(struct g *g)
{
	buf_done(&g->out);
	topology_free(g->topo);
	store_free(g->store);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The node id ("r3") of a route in the topology. */
static void route_id(const struct gt_topology *t, const char *name, char *id, size_t n)
{
	for (size_t i = 0; i < t->n_routes; i++)
		if (str_eq(t->routes[i].obj->meta.name, name)) {
			snprintf(id, n, "r%zu", i);
			return;
		}
	fail_msg("route %s not in the topology", name);
}

/* The first line of text containing both a and b (static copy), or NULL. */
static const char *line_with(const char *text, const char *a, const char *b)
{
	static char line[1024];
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len < sizeof line) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (strstr(line, a) && (!b || strstr(line, b)))
				return line;
		}
		p += len + (e ? 1 : 0);
	}
	return NULL;
}

static void test_structure(void **state)
{
	(void)state;
	struct g g;
	g_build(&g);
	const char *s = buf_str(&g.out);
	assert_true(str_starts(s, "digraph gammatop {\n"));
	assert_true(str_ends(s, "}\n"));
	assert_int_equal(count(s, "subgraph cluster_"), 2); /* default, infra */
	assert_non_null(strstr(s, "label=\"namespace default\""));
	assert_non_null(strstr(s, "label=\"namespace infra\""));
	/* the GatewayClass is cluster-scoped: declared before any namespace cluster */
	const char *gc = strstr(s, "gc0 [label=\"GatewayClass\\neg\"");
	assert_non_null(gc);
	assert_true(gc < strstr(s, "subgraph"));
	assert_non_null(strstr(s, "gc0 -> gw0 [arrowhead=none];"));
	/* listeners hang off their Gateway */
	assert_non_null(strstr(s, "gw0 -> gw0_l0 [arrowhead=none];"));
	assert_non_null(strstr(s, "gw0 -> gw0_l1 [arrowhead=none];"));
	assert_non_null(strstr(s, "gw0_l0 [label=\"http\\nHTTP :80\\n*.example.com\""));
	g_done(&g);
}

static void test_edges(void **state)
{
	(void)state;
	struct g g;
	g_build(&g);
	const char *s = buf_str(&g.out);
	char web[24], orphan[24], mesh[24], edge[80];
	route_id(g.topo, "web", web, sizeof web);
	route_id(g.topo, "orphan", orphan, sizeof orphan);
	route_id(g.topo, "api-mesh", mesh, sizeof mesh);
	/* attached: listener <- route, solid */
	snprintf(edge, sizeof edge, "gw0_l0 -> %s [dir=back];", web);
	assert_non_null(strstr(s, edge));
	/* the missing Gateway: a dashed placeholder and a dashed edge */
	const char *ph = line_with(s, "missing-gw", "style=dashed");
	assert_non_null(ph);
	snprintf(edge, sizeof edge, "-> %s [dir=back", orphan);
	const char *e = line_with(s, edge, NULL);
	assert_non_null(e);
	assert_non_null(strstr(e, "style=dashed"));
	/* the resolved backend solid, the missing canary dashed */
	snprintf(edge, sizeof edge, "  %s -> svc", web);
	e = line_with(s, edge, NULL);
	assert_non_null(e);
	assert_null(strstr(e, "dashed"));
	assert_non_null(line_with(s, "canary", "style=dashed"));
	snprintf(edge, sizeof edge, "  %s -> x", web);
	e = line_with(s, edge, "BackendNotFound");
	assert_non_null(e);
	assert_non_null(strstr(e, "style=dashed"));
	/* the mesh route hangs off its Service as producer */
	snprintf(edge, sizeof edge, "-> %s [dir=back, label=\"producer\"];", mesh);
	assert_non_null(strstr(s, edge));
	g_done(&g);
}

/* Every line must have an even number of unescaped double quotes. */
static void assert_balanced_quotes(const char *s)
{
	int line = 1, quotes = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '"')
			quotes++;
		if (*p == '\n') {
			if (quotes % 2)
				fail_msg("line %d has unbalanced quotes", line);
			line++;
			quotes = 0;
		}
	}
}

static void test_hostile_labels(void **state)
{
	(void)state;
	struct g g;
	g_build(&g);
	const char *s = buf_str(&g.out);
	assert_null(strchr(s, '\x1b'));
	assert_balanced_quotes(s);
	/* name ev"il<NL><ESC>[31mred\ : quote and backslash escaped, control bytes as '?' */
	if (!strstr(s, "HTTPRoute\\nev\\\"il??[31mred\\\\\\n"))
		fail_msg("hostile route label not escaped as expected: %s", line_with(s, "il?", NULL));
	assert_non_null(strstr(s, "\\nev\\\"il??[31mred\\\\.example.com"));
	g_done(&g);
}

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain", "plain"},
		{"a\"b", "a\\\"b"},
		{"back\\slash", "back\\\\slash"},
		{"trailing\\", "trailing\\\\"},
		{"new\nline", "new?line"},
		{"esc\x1b[2J", "esc?[2J"},
		{"bad\xff", "bad?"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
		{"", ""},
		{NULL, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;
		buf_init(&b);
		dot_escape(&b, cases[i].in);
		assert_string_equal(buf_str(&b), cases[i].want);
		buf_done(&b);
	}
}

static void test_renders_with_graphviz(void **state)
{
	(void)state;
	if (system("command -v dot >/dev/null 2>&1") != 0)
		skip();
	struct g g;
	g_build(&g);
	char path[] = "/tmp/gammatop-test-dot.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, g.out.data, g.out.len), (ssize_t)g.out.len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "dot -Tsvg '%s' -o /dev/null 2>&1", path);
	int rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
	g_done(&g);
}

static bool note_of(const struct topo_route *r, struct buf *out, void *ud)
{
	(*(int *)ud)++;
	if (!str_eq(r->obj->meta.name, "web"))
		return false;
	buf_puts(out, "rps 12.5 \"timeouts\" 4%\x1b[1m");
	return true;
}

static void test_notes(void **state)
{
	(void)state;
	struct gt_store *s = fixture_store();
	struct gt_topology *t = topology_build(s);
	struct buf b;
	buf_init(&b);
	int calls = 0;
	dot_render_notes(s, t, note_of, &calls, &b);
	assert_int_equal(calls, (int)t->n_routes);
	assert_non_null(strstr(buf_str(&b), "HTTPRoute\\nweb\\nwww.example.com\\nrps 12.5 "
	                                    "\\\"timeouts\\\" 4%?[1m\""));
	assert_null(strchr(buf_str(&b), '\x1b'));
	buf_done(&b);
	topology_free(t);
	store_free(s);
}

static void test_empty_store(void **state)
{
	(void)state;
	struct gt_store *s = store_new();
	struct gt_topology *t = topology_build(s);
	struct buf b;
	buf_init(&b);
	dot_render(s, t, &b);
	assert_true(str_starts(buf_str(&b), "digraph gammatop {"));
	assert_int_equal(count(buf_str(&b), "subgraph"), 0);
	buf_done(&b);
	topology_free(t);
	store_free(s);
}

/* A ListenerSet: its node hangs off its Gateway; a route attached through it starts at the
 * ListenerSet's listener; one the Gateway does not take is drawn dashed with the reason. */
static void test_listenerset(void **state)
{
	(void)state;
	struct gt_store *s = fixture_store();
	assert_null(fixture_put(s,
		"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':'edge',"
		"'namespace':'infra'},'spec':{'gatewayClassName':'eg','allowedListeners':{'namespaces':"
		"{'from':'All'}},'listeners':[{'name':'http','port':80,'protocol':'HTTP'}]}}"));
	assert_null(fixture_put(s,
		"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'ListenerSet','metadata':{'name':'ls',"
		"'namespace':'shop'},'spec':{'parentRef':{'name':'edge','namespace':'infra'},"
		"'listeners':[{'name':'app','port':8080,'protocol':'HTTP','hostname':'app.example.com'}]}}"));
	assert_null(fixture_put(s,
		"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'ListenerSet','metadata':{'name':'no',"
		"'namespace':'shop'},'spec':{'parentRef':{'name':'main','namespace':'infra'},"
		"'listeners':[{'name':'x','port':9090,'protocol':'HTTP'}]}}"));
	assert_null(fixture_put(s,
		"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'viasets',"
		"'namespace':'shop'},'spec':{'parentRefs':[{'kind':'ListenerSet','name':'ls'}],"
		"'rules':[{'backendRefs':[{'name':'web','port':8080}]}]}}"));
	struct gt_topology *t = topology_build(s);
	struct buf b;
	buf_init(&b);
	dot_render(s, t, &b);
	const char *d = buf_str(&b);
	assert_non_null(strstr(d, "\"ListenerSet\\nls\""));
	assert_non_null(strstr(d, "ls0_l0 [label=\"app\\nHTTP :8080\\napp.example.com\""));
	assert_non_null(strstr(d, "ls0_l0 -> r"));         /* the route hangs off the listener */
	assert_non_null(strstr(d, "-> ls1 [arrowhead=none, label=\"NotAllowed\", style=dashed"));
	buf_done(&b);
	topology_free(t);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listenerset),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_hostile_labels),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_renders_with_graphviz),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_empty_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
