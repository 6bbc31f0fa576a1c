/* test_lifetimes.c: a topology outlives every change of the store it was built from (the
 * lifetime rule of doc/architecture.md, "Object lifetimes"): built from a small world, then
 * every object it points to is replaced (MODIFIED), deleted (DELETED), swapped by
 * replace_kind, cleared, or the store freed; everything is then read through the topology
 * and must be exactly what it was. Under AddressSanitizer a dangling pointer is a
 * heap-use-after-free, and a reference never dropped is a leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model_fixture.h"
#include "gammatop/buf.h"
#include "gammatop/lint.h"
#include "gammatop/topology.h"

/* The world, with %s for the resourceVersion (v1, v2, ...) and %s for a value that differs
 * between versions (so that a replacement is really another object). */
static const char *const world[] = {
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GatewayClass','metadata':{'name':"
	"'gc','resourceVersion':'%s'},'spec':{'controllerName':'example.com/%s'}}",
	"{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'app','resourceVersion':'%s',"
	"'labels':{'team':'%s'}}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'Gateway','metadata':{'name':'gw',"
	"'namespace':'infra','resourceVersion':'%s'},'spec':{'gatewayClassName':'gc','listeners':"
	"[{'name':'http-%s','port':80,'protocol':'HTTP','allowedRoutes':{'namespaces':{'from':"
	"'All'}}},{'name':'https','port':443,'protocol':'HTTPS','hostname':'*.example.com',"
	"'allowedRoutes':{'namespaces':{'from':'All'}}}]},'status':{'listeners':[{'name':'https',"
	"'attachedRoutes':3,'conditions':[{'type':'Programmed','status':'True','reason':'ok'}]}]}}",
	"{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'app',"
	"'resourceVersion':'%s'},'spec':{'ports':[{'name':'http-%s','port':8080}]}}",
	"{'apiVersion':'v1','kind':'Service','metadata':{'name':'db','namespace':'data',"
	"'resourceVersion':'%s'},'spec':{'ports':[{'name':'%s','port':5432}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1beta1','kind':'ReferenceGrant','metadata':{"
	"'name':'g','namespace':'data','resourceVersion':'%s','labels':{'v':'%s'}},'spec':{'from':"
	"[{'group':'gateway.networking.k8s.io','kind':'HTTPRoute','namespace':'app'}],'to':[{"
	"'group':'','kind':'Service'}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'HTTPRoute','metadata':{'name':'r',"
	"'namespace':'app','resourceVersion':'%s'},'spec':{'hostnames':['a.example.com'],"
	"'parentRefs':[{'name':'gw','namespace':'infra'},{'name':'web','kind':'Service','group':"
	"''},{'name':'nope','namespace':'infra'}],'rules':[{'name':'main-%s','matches':[{'path':{"
	"'type':'PathPrefix','value':'/api'},'headers':[{'name':'x-env','value':'prod'}],"
	"'method':'GET'}],'filters':[{'type':'RequestHeaderModifier','requestHeaderModifier':{"
	"'set':[{'name':'X-A','value':'1'}]}}],'backendRefs':[{'name':'web','port':8080},{'name':"
	"'db','namespace':'data','port':5432,'weight':0},{'name':'ghost','port':1}],'timeouts':{"
	"'request':'5s','backendRequest':'1s'},'retry':{'attempts':2,'backoff':'100ms','codes':"
	"[503]}},{'backendRefs':[{'name':'web','port':9999}]}]},'status':{'parents':[{'parentRef'"
	":{'name':'gw','namespace':'infra'},'controllerName':'example.com/gc','conditions':[{"
	"'type':'Accepted','status':'False','reason':'NotAllowedByListeners','message':'m'}]}]}}",
	"{'apiVersion':'gateway.networking.k8s.io/v1','kind':'GRPCRoute','metadata':{'name':'g',"
	"'namespace':'app','resourceVersion':'%s','annotations':{'a':'%s'}},'spec':{'parentRefs':"
	"[{'name':'web','kind':'Service','group':''}],'rules':[{'matches':[{'method':{'service':"
	"'pkg.Svc','method':'Get'}}],'backendRefs':[{'name':'web','port':8080}]}]}}",
};
#define N_WORLD (sizeof world / sizeof world[0])

/* Object i of the world at this version: the first %s becomes the resourceVersion, the
 * second the value "vVERSION". */
static void put_version(struct gt_store *s, size_t i, int version)
{
	char sub[2][16];
	snprintf(sub[0], sizeof sub[0], "%d", version);
	snprintf(sub[1], sizeof sub[1], "v%d", version);
	struct buf b;
	buf_init(&b);
	const char *p = world[i];
	for (int k = 0; k < 2; k++) {
		const char *at = strstr(p, "%s");
		assert_non_null(at);
		buf_printf(&b, "%.*s%s", (int)(at - p), p, sub[k]);
		p = at + 2;
	}
	buf_puts(&b, p);
	sq_put(s, buf_str(&b));
	buf_done(&b);
}

static struct gt_store *make_world(void)
{
	struct gt_store *s = store_new();
	for (size_t i = 0; i < N_WORLD; i++)
		put_version(s, i, 1);
	return s;
}

static void conds(struct buf *b, const struct gt_conditions *c)
{
	for (size_t i = 0; i < c->n; i++)
		buf_printf(b, " [%s=%s %s: %s]", c->items[i].type, c->items[i].status,
		           str_or(c->items[i].reason, "-"), str_or(c->items[i].message, "-"));
}

/* Everything the topology says, read through its pointers, as text. */
static char *digest(const struct gt_topology *t)
{
	struct buf b;
	buf_init(&b);
	char id[256];
	for (size_t c = 0; c < t->n_classes; c++)
		buf_printf(&b, "class %s %s\n", object_id(t->classes[c], id, sizeof id),
		           t->classes[c]->u.gc.controller_name);
	for (size_t g = 0; g < t->n_gateways; g++) {
		const struct topo_gateway *tg = &t->gateways[g];
		buf_printf(&b, "%s rv %s class %s (%s)\n", object_id(tg->obj, id, sizeof id),
		           tg->obj->meta.resource_version, tg->klass ? tg->klass->meta.name : "-",
		           tg->klass ? tg->klass->u.gc.controller_name : "-");
		for (size_t l = 0; l < tg->n_listeners; l++) {
			const struct topo_listener *tl = &tg->listeners[l];
			buf_printf(&b, " listener %s %s :%d %s routes %d/%d", tl->listener->name,
			           tl->listener->protocol, tl->listener->port,
			           str_or(tl->listener->hostname, "*"), tl->attached_routes,
			           tl->reported_attached_routes);
			for (size_t r = 0; r < tl->n_routes; r++)
				buf_printf(&b, " %s", t->routes[tl->routes[r]].obj->meta.name);
			buf_putc(&b, '\n');
		}
		for (size_t k = 0; k < tg->obj->u.gw.n_listener_status; k++)
			conds(&b, &tg->obj->u.gw.listener_status[k].conditions);
		buf_putc(&b, '\n');
	}
	for (size_t i = 0; i < t->n_services; i++) {
		const struct topo_service *ts = &t->services[i];
		buf_printf(&b, "%s", object_id(ts->obj, id, sizeof id));
		for (size_t p = 0; p < ts->obj->u.svc.n_ports; p++)
			buf_printf(&b, " %s:%d", ts->obj->u.svc.ports[p].name, ts->obj->u.svc.ports[p].port);
		buf_printf(&b, " producers %zu consumers %zu backend_of %zu\n", ts->n_producers,
		           ts->n_consumers, ts->n_backend_of);
	}
	for (size_t i = 0; i < t->n_routes; i++) {
		const struct topo_route *tr = &t->routes[i];
		const struct gt_route *r = &tr->obj->u.route;
		buf_printf(&b, "%s rv %s attached %d mesh %d refs %d\n", object_id(tr->obj, id, sizeof id),
		           tr->obj->meta.resource_version, tr->attached_any, tr->mesh, tr->refs_resolved);
		for (size_t h = 0; h < r->n_hostnames; h++)
			buf_printf(&b, " host %s\n", r->hostnames[h]);
		for (size_t k = 0; k < tr->obj->meta.annotations.n; k++)
			buf_printf(&b, " annotation %s=%s\n", tr->obj->meta.annotations.items[k].key,
			           tr->obj->meta.annotations.items[k].value);
		for (size_t p = 0; p < tr->n_parents; p++) {
			const struct topo_parent *tp = &tr->parents[p];
			buf_printf(&b, " parent %s/%s/%s %s %s %s: %s target %s", tp->ref->kind,
			           tp->ref->namespace_, tp->ref->name, topo_role_name(tp->role),
			           tp->attached ? "attached" : "not", tp->reason, tp->message,
			           tp->target ? object_id(tp->target, id, sizeof id) : "-");
			for (size_t l = 0; l < tp->n_listeners; l++)
				buf_printf(&b, " l=%s", tp->target->u.gw.listeners[tp->listeners[l]].name);
			if (tp->reported) {
				buf_printf(&b, " reported by %s %d %s", tp->reported->controller_name,
				           tp->reported_accepted, str_or(tp->reported_reason, "-"));
				conds(&b, &tp->reported->conditions);
			}
			buf_putc(&b, '\n');
		}
		for (size_t k = 0; k < tr->n_rules; k++) {
			const struct topo_rule *ru = &tr->rules[k];
			const struct gt_rule *rule = ru->rule;
			buf_printf(&b, " rule %zu %s timeouts %s/%s retry %d %s\n", ru->index,
			           str_or(rule->name, "-"), str_or(rule->timeouts.request, "-"),
			           str_or(rule->timeouts.backend_request, "-"), rule->retry.attempts,
			           str_or(rule->retry.backoff, "-"));
			for (size_t m = 0; m < rule->n_matches; m++)
				buf_printf(&b, "  match %s %s %s %s\n", str_or(rule->matches[m].path_type, "-"),
				           str_or(rule->matches[m].path_value, "-"),
				           str_or(rule->matches[m].method, "-"),
				           str_or(rule->matches[m].grpc_service, "-"));
			for (size_t f = 0; f < rule->n_filters; f++)
				buf_printf(&b, "  filter %s %s\n", rule->filters[f].type, rule->filters[f].summary);
			for (size_t k2 = 0; k2 < ru->n_backends; k2++) {
				const struct topo_backend *tb = &ru->backends[k2];
				buf_printf(&b, "  backend %s/%s:%d w%d %s %s -> %s\n", tb->ref->namespace_,
				           tb->ref->name, tb->ref->port, tb->ref->weight, tb->reason,
				           str_or(tb->message, "-"),
				           tb->service ? object_id(tb->service, id, sizeof id) : "-");
			}
		}
	}
	for (size_t i = 0; i < t->findings.n; i++)
		buf_printf(&b, "finding %s %s %s %s\n", t->findings.items[i].code,
		           t->findings.items[i].object, t->findings.items[i].field,
		           t->findings.items[i].message);
	/* Lint reads every route through the topology too. */
	struct findings lf;
	findings_init(&lf);
	lint_run(NULL, t, &lf);
	for (size_t i = 0; i < lf.n; i++)
		buf_printf(&b, "lint %s %s %s\n", lf.items[i].code, lf.items[i].object, lf.items[i].field);
	findings_done(&lf);
	return buf_steal(&b);
}

/* The world's topology, and what it said when it was built. */
struct fx {
	struct gt_store *s;
	struct gt_topology *t;
	char *before;
};

static void fx_init(struct fx *f)
{
	f->s = make_world();
	f->t = topology_build(f->s);
	f->before = digest(f->t);
	/* The world is what the test means it to be: every kind is there and referenced. */
	assert_int_equal(f->t->n_routes, 2);
	assert_int_equal(f->t->n_gateways, 1);
	assert_int_equal(f->t->n_services, 2);
	assert_int_equal(f->t->n_classes, 1);
	assert_non_null(strstr(f->before, "class gatewayclass/gc example.com/v1"));
	assert_non_null(strstr(f->before, "rule 0 main-v1 timeouts 5s/1s retry 2 100ms"));
	assert_non_null(strstr(f->before, "-> service/data/db")); /* through the grant */
	assert_non_null(strstr(f->before, "reported by example.com/gc 0 NotAllowedByListeners"));
	assert_non_null(strstr(f->before, "l=http-v1"));
	assert_non_null(finding_find(&f->t->findings, "BackendNotFound", "httproute/app/r",
	                             "spec.rules[0].backendRefs[2]"));
}

/* After the store changed (or is gone), the topology reads the same, then is freed. */
static void fx_check_done(struct fx *f)
{
	char *after = digest(f->t);
	assert_string_equal(after, f->before);
	free(after);
	topology_free(f->t);
	free(f->before);
	store_free(f->s); /* NULL is fine */
}

/* MODIFIED: every object replaced by a new version (another resourceVersion). */
static void test_modified(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	uint64_t gen = store_generation(f.s);
	for (int v = 2; v <= 3; v++)
		for (size_t i = 0; i < N_WORLD; i++)
			put_version(f.s, i, v);
	assert_true(store_generation(f.s) > gen);
	/* The store has moved on; a new topology shows it, the old one does not. */
	struct gt_topology *now = topology_build(f.s);
	char *d = digest(now);
	assert_non_null(strstr(d, "main-v3"));
	assert_null(strstr(f.before, "main-v3"));
	free(d);
	topology_free(now);
	fx_check_done(&f);
}

/* DELETED: every object removed, one by one. */
static void test_deleted(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	static const struct {
		enum gt_kind k;
		const char *ns, *name;
	} gone[] = {
		{GT_HTTPROUTE, "app", "r"}, {GT_GRPCROUTE, "app", "g"}, {GT_GATEWAY, "infra", "gw"},
		{GT_SERVICE, "app", "web"}, {GT_SERVICE, "data", "db"}, {GT_GATEWAYCLASS, NULL, "gc"},
		{GT_NAMESPACE, NULL, "app"}, {GT_REFERENCEGRANT, "data", "g"},
	};
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		assert_true(store_delete(f.s, gone[i].k, gone[i].ns, gone[i].name));
	for (int k = 0; k < GT_KIND_COUNT; k++)
		assert_int_equal(store_count(f.s, (enum gt_kind)k), 0);
	fx_check_done(&f);
}

/* replace_kind (a relist): some objects kept, some replaced, some gone. */
static void test_replace_kind(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct gt_store *next = store_new(); /* version 2 of everything, decoded */
	for (size_t i = 0; i < N_WORLD; i++)
		put_version(next, i, 2);
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		size_t n;
		const struct gt_object *const *l = store_list(next, (enum gt_kind)k, &n);
		struct gt_object **objs = xcalloc(n + 1, sizeof *objs);
		size_t m = 0;
		for (size_t i = 0; i < n; i++) /* every second kind loses its first object */
			if (!(k % 2 == 0 && i == 0))
				objs[m++] = object_clone(l[i]);
		store_replace_kind(f.s, (enum gt_kind)k, objs, m);
		free(objs);
	}
	store_free(next);
	fx_check_done(&f);
}

/* clear (a context switch), then a new world in the same store. */
static void test_clear(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	store_clear(f.s);
	for (size_t i = 0; i < N_WORLD; i++)
		put_version(f.s, i, 7);
	fx_check_done(&f);
}

/* The store itself gone: the topology still holds what it points to. */
static void test_store_freed(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	store_free(f.s);
	f.s = NULL;
	fx_check_done(&f);
}

/* A second reference keeps the topology after the first is dropped (a view keeps the one
 * its rows were built from while the console moves to a new one). */
static void test_topology_ref(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	struct gt_topology *held = topology_ref(f.t);
	assert_ptr_equal(held, f.t);
	topology_free(f.t); /* the console's reference */
	put_version(f.s, 6, 9);
	store_delete(f.s, GT_GATEWAY, "infra", "gw");
	f.t = held;         /* the view's */
	fx_check_done(&f);
	assert_null(topology_ref(NULL));
	topology_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modified),
		cmocka_unit_test(test_deleted),
		cmocka_unit_test(test_replace_kind),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_store_freed),
		cmocka_unit_test(test_topology_ref),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
