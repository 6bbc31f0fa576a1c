/* dot.c: render the topology as a Graphviz digraph (see dot.h): nodes are collected with
 * their namespace, then written one cluster per namespace, then every edge. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/dot.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

struct dot_node {
	char *ns;   /* owned; "" outside every namespace */
	char *text; /* owned: the node statement */
	size_t seq; /* insertion order, for a stable sort */
};

/* A node that stands for something the topology refers to but the store lacks. */
struct dot_missing {
	char *key; /* owned: "Kind/ns/name" */
	char id[24];
};

struct dot_ctx {
	struct gt_store *store;
	const struct gt_topology *t;
	struct dot_node *nodes;
	size_t n_nodes, cap_nodes;
	struct dot_missing *missing;
	size_t n_missing;
	struct buf edges;
	struct dot_ix *gw_ix, *svc_ix; /* owned */
	dot_note_fn note;              /* extra line under a route's name, or NULL */
	void *note_ud;
};

void dot_escape(struct buf *out, const char *s)
{
	char *clean = str_sanitize(s);
	for (const char *p = clean; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *p);
	}
	free(clean);
}

static void add_node(struct dot_ctx *c, const char *ns, struct buf *stmt)
{
	if (c->n_nodes == c->cap_nodes) {
		c->cap_nodes = c->cap_nodes ? 2 * c->cap_nodes : 64;
		c->nodes = xreallocarray(c->nodes, c->cap_nodes, sizeof *c->nodes);
	}
	struct dot_node *n = &c->nodes[c->n_nodes];
	n->ns = xstrdup(ns ? ns : "");
	n->text = buf_steal(stmt);
	n->seq = c->n_nodes++;
}

static int node_cmp(const void *a, const void *b)
{
	const struct dot_node *x = a, *y = b;
	int r = strcmp(x->ns, y->ns);
	if (r)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Start a node statement: `  ID [label="LINE1\nLINE2..."` (caller adds lines, attrs, "];"). */
static void node_begin(struct buf *b, const char *id, const char *kind, const char *name)
{
	buf_printf(b, "    %s [label=\"", id);
	dot_escape(b, kind);
	buf_puts(b, "\\n");
	dot_escape(b, name);
}

/* Object -> node index, sorted by address for bsearch (gateways and services are looked up
 * once per parent and backend: linear scans were quadratic on 10,000 routes). */
struct dot_ix {
	const struct gt_object *obj;
	size_t index;
};

static int ix_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct dot_ix *)a)->obj;
	uintptr_t y = (uintptr_t)((const struct dot_ix *)b)->obj;
	return x < y ? -1 : x > y;
}

static struct dot_ix *ix_build(size_t n, const struct gt_object *(*get)(const struct gt_topology *,
                                                                        size_t),
                               const struct gt_topology *t)
{
	struct dot_ix *v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct dot_ix){get(t, i), i};
	if (n)
		qsort(v, n, sizeof *v, ix_cmp);
	return v;
}

static size_t ix_find(const struct dot_ix *v, size_t n, const struct gt_object *o)
{
	if (!o || !n)
		return (size_t)-1;
	struct dot_ix key = {o, 0};
	const struct dot_ix *hit = bsearch(&key, v, n, sizeof *v, ix_cmp);
	return hit ? hit->index : (size_t)-1;
}

static const struct gt_object *gateway_at(const struct gt_topology *t, size_t i)
{
	return t->gateways[i].obj;
}

static const struct gt_object *service_at(const struct gt_topology *t, size_t i)
{
	return t->services[i].obj;
}

static size_t index_of_gateway(const struct dot_ctx *c, const struct gt_object *o)
{
	return ix_find(c->gw_ix, c->t->n_gateways, o);
}

static size_t index_of_service(const struct dot_ctx *c, const struct gt_object *o)
{
	return ix_find(c->svc_ix, c->t->n_services, o);
}

static size_t index_of_class(struct gt_store *s, const char *name)
{
	size_t n;
	const struct gt_object *const *gcs = store_list(s, GT_GATEWAYCLASS, &n);
	for (size_t i = 0; name && i < n; i++)
		if (str_eq(gcs[i]->meta.name, name))
			return i;
	return (size_t)-1;
}

/* The id of the placeholder node for a missing object, created on first use. */
static const char *missing_node(struct dot_ctx *c, const char *kind, const char *ns,
                                const char *name, const char *why)
{
	struct buf key;
	buf_init(&key);
	buf_printf(&key, "%s/%s/%s", str_or(kind, "?"), ns ? ns : "", str_or(name, "?"));
	for (size_t i = 0; i < c->n_missing; i++)
		if (!strcmp(c->missing[i].key, buf_str(&key))) {
			buf_done(&key);
			return c->missing[i].id;
		}
	c->missing = xreallocarray(c->missing, c->n_missing + 1, sizeof *c->missing);
	struct dot_missing *m = &c->missing[c->n_missing];
	snprintf(m->id, sizeof m->id, "x%zu", c->n_missing);
	c->n_missing++;
	m->key = buf_steal(&key);
	struct buf b;
	buf_init(&b);
	node_begin(&b, m->id, str_or(kind, "?"), str_or(name, "?"));
	buf_puts(&b, "\\n(");
	dot_escape(&b, why);
	buf_puts(&b, ")\", shape=box, style=dashed, color=red, fontcolor=red];\n");
	add_node(c, ns, &b);
	return m->id;
}

static void edge_attrs_end(struct buf *e, bool ok, const char *label)
{
	if (label && *label) {
		buf_puts(e, ", label=\"");
		dot_escape(e, label);
		buf_putc(e, '"');
	}
	if (!ok)
		buf_puts(e, ", style=dashed, color=red, fontcolor=red");
	buf_puts(e, "];\n");
}

static void classes(struct dot_ctx *c)
{
	size_t n;
	const struct gt_object *const *gcs = store_list(c->store, GT_GATEWAYCLASS, &n);
	for (size_t i = 0; i < n; i++) {
		struct buf b;
		buf_init(&b);
		char id[24];
		snprintf(id, sizeof id, "gc%zu", i);
		node_begin(&b, id, "GatewayClass", gcs[i]->meta.name);
		buf_puts(&b, "\", shape=hexagon];\n");
		add_node(c, "", &b);
	}
}

static void gateways(struct dot_ctx *c)
{
	for (size_t i = 0; i < c->t->n_gateways; i++) {
		const struct topo_gateway *g = &c->t->gateways[i];
		const char *ns = object_ns(g->obj);
		char id[24];
		snprintf(id, sizeof id, "gw%zu", i);
		struct buf b;
		buf_init(&b);
		node_begin(&b, id, "Gateway", g->obj->meta.name);
		buf_puts(&b, "\", shape=box, style=bold];\n");
		add_node(c, ns, &b);
		const char *cls = g->obj->u.gw.class_name;
		size_t ci = index_of_class(c->store, cls);
		if (ci != (size_t)-1)
			buf_printf(&c->edges, "  gc%zu -> %s [", ci, id);
		else
			buf_printf(&c->edges, "  %s -> %s [",
			           missing_node(c, "GatewayClass", "", cls, "not found"), id);
		buf_puts(&c->edges, "arrowhead=none");
		edge_attrs_end(&c->edges, ci != (size_t)-1, NULL);
		for (size_t k = 0; k < g->n_listeners; k++) {
			const struct gt_listener *l = g->listeners[k].listener;
			buf_init(&b);
			buf_printf(&b, "    gw%zu_l%zu [label=\"", i, k);
			dot_escape(&b, str_or(l->name, "?"));
			buf_puts(&b, "\\n");
			dot_escape(&b, str_or(l->protocol, "?"));
			buf_printf(&b, " :%d\\n", l->port);
			dot_escape(&b, str_or(l->hostname, "*"));
			buf_puts(&b, "\", shape=ellipse];\n");
			add_node(c, ns, &b);
			buf_printf(&c->edges, "  %s -> gw%zu_l%zu [arrowhead=none];\n", id, i, k);
		}
	}
}

/* ListenerSets (GEP-1713): a node under their Gateway (dashed red when it does not take
 * them), with their own listeners. */
static void listenersets(struct dot_ctx *c)
{
	for (size_t i = 0; i < c->t->n_listenersets; i++) {
		const struct topo_listenerset *s = &c->t->listenersets[i];
		const char *ns = object_ns(s->obj);
		char id[24];
		snprintf(id, sizeof id, "ls%zu", i);
		struct buf b;
		buf_init(&b);
		node_begin(&b, id, "ListenerSet", s->obj->meta.name);
		buf_puts(&b, "\", shape=box, style=rounded];\n");
		add_node(c, ns, &b);
		const struct topo_condition *acc = topo_conditions_find(&s->conditions, "Accepted");
		const char *why = s->accepted ? NULL : acc ? acc->reason : "not accepted";
		if (s->gateway >= 0 && (size_t)s->gateway < c->t->n_gateways)
			buf_printf(&c->edges, "  gw%ld -> %s [arrowhead=none", s->gateway, id);
		else
			buf_printf(&c->edges, "  %s -> %s [arrowhead=none",
			           missing_node(c, "Gateway",
			                        s->obj->u.gw.ls_parent ? s->obj->u.gw.ls_parent->namespace_ : ns,
			                        s->obj->u.gw.ls_parent ? s->obj->u.gw.ls_parent->name : "?",
			                        "not found"),
			           id);
		edge_attrs_end(&c->edges, s->accepted, why);
		for (size_t k = 0; k < s->n_listeners; k++) {
			const struct gt_listener *l = s->listeners[k].listener;
			buf_init(&b);
			buf_printf(&b, "    ls%zu_l%zu [label=\"", i, k);
			dot_escape(&b, str_or(l->name, "?"));
			buf_puts(&b, "\\n");
			dot_escape(&b, str_or(l->protocol, "?"));
			buf_printf(&b, " :%d\\n", l->port);
			dot_escape(&b, str_or(l->hostname, "*"));
			buf_puts(&b, "\", shape=ellipse];\n");
			add_node(c, ns, &b);
			buf_printf(&c->edges, "  %s -> ls%zu_l%zu [arrowhead=none];\n", id, i, k);
		}
	}
}

/* Services any route refers to (as parent or backend); the others would only be clutter. */
static void services(struct dot_ctx *c)
{
	bool *used = xcalloc(c->t->n_services + 1, sizeof *used);
	for (size_t i = 0; i < c->t->n_routes; i++) {
		const struct topo_route *r = &c->t->routes[i];
		for (size_t p = 0; p < r->n_parents; p++)
			if (r->parents[p].target && r->parents[p].target->kind == GT_SERVICE) {
				size_t si = index_of_service(c, r->parents[p].target);
				if (si != (size_t)-1)
					used[si] = true;
			}
		for (size_t k = 0; k < r->n_rules; k++)
			for (size_t b = 0; b < r->rules[k].n_backends; b++) {
				size_t si = index_of_service(c, r->rules[k].backends[b].service);
				if (si != (size_t)-1)
					used[si] = true;
			}
	}
	for (size_t i = 0; i < c->t->n_services; i++) {
		const struct topo_service *s = &c->t->services[i];
		if (!used[i] && !s->n_producers && !s->n_consumers && !s->n_backend_of)
			continue;
		char id[24];
		snprintf(id, sizeof id, "svc%zu", i);
		struct buf b;
		buf_init(&b);
		node_begin(&b, id, "Service", s->obj->meta.name);
		buf_puts(&b, "\", shape=component];\n");
		add_node(c, object_ns(s->obj), &b);
	}
	free(used);
}

static void route_parents(struct dot_ctx *c, const struct topo_route *r, const char *rid)
{
	for (size_t i = 0; i < r->n_parents; i++) {
		const struct topo_parent *p = &r->parents[i];
		char target[32];
		size_t gi = (size_t)-1, si = (size_t)-1;
		if (p->target && p->target->kind == GT_LISTENERSET) {
			const struct topo_listenerset *s = topology_find_listenerset(
				c->t, object_ns(p->target), p->target->meta.name);
			if (s) {
				size_t li = (size_t)(s - c->t->listenersets);
				if (p->attached && p->n_listeners) {
					for (size_t k = 0; k < p->n_listeners; k++)
						if (p->listeners[k] < s->n_listeners)
							buf_printf(&c->edges, "  ls%zu_l%zu -> %s [dir=back];\n", li,
							           p->listeners[k], rid);
					continue;
				}
				buf_printf(&c->edges, "  ls%zu -> %s [dir=back", li, rid);
				edge_attrs_end(&c->edges, p->attached, p->reason);
				continue;
			}
		}
		if (p->target && p->target->kind == GT_GATEWAY)
			gi = index_of_gateway(c, p->target);
		else if (p->target && p->target->kind == GT_SERVICE)
			si = index_of_service(c, p->target);
		if (gi != (size_t)-1) {
			if (p->attached && p->n_listeners) {
				for (size_t k = 0; k < p->n_listeners; k++)
					if (p->listeners[k] < c->t->gateways[gi].n_listeners)
						buf_printf(&c->edges, "  gw%zu_l%zu -> %s [dir=back];\n", gi,
						           p->listeners[k], rid);
				continue;
			}
			snprintf(target, sizeof target, "gw%zu", gi);
		} else if (si != (size_t)-1) {
			snprintf(target, sizeof target, "svc%zu", si);
		} else {
			str_copy(target, missing_node(c, p->ref->kind, p->ref->namespace_, p->ref->name,
			                              str_or(p->reason, "not found")),
			         sizeof target);
		}
		buf_printf(&c->edges, "  %s -> %s [dir=back", target, rid);
		const char *label = p->role == TOPO_GATEWAY ? (p->attached ? NULL : p->reason)
		                    : p->attached           ? topo_role_name(p->role)
		                                            : p->reason;
		edge_attrs_end(&c->edges, p->attached, label);
	}
}

static void route_backends(struct dot_ctx *c, const struct topo_route *r, const char *rid)
{
	struct buf seen; /* "\n<target>\n" of edges drawn for this route, to draw each once */
	buf_init(&seen);
	buf_putc(&seen, '\n');
	for (size_t ri = 0; ri < r->n_rules; ri++)
		for (size_t bi = 0; bi < r->rules[ri].n_backends; bi++) {
			const struct topo_backend *b = &r->rules[ri].backends[bi];
			char target[32];
			size_t si = b->service ? index_of_service(c, b->service) : (size_t)-1;
			if (si != (size_t)-1)
				snprintf(target, sizeof target, "svc%zu", si);
			else
				str_copy(target, missing_node(c, b->ref->kind, b->ref->namespace_, b->ref->name,
				                              str_or(b->reason, "not found")),
				         sizeof target);
			char key[40];
			snprintf(key, sizeof key, "\n%s%c\n", target, b->resolved ? '+' : '-');
			if (strstr(buf_str(&seen), key))
				continue;
			buf_puts(&seen, key + 1);
			buf_printf(&c->edges, "  %s -> %s [", rid, target);
			struct buf label;
			buf_init(&label);
			if (b->ref->port)
				buf_printf(&label, ":%d", b->ref->port);
			if (!b->resolved)
				buf_printf(&label, "%s%s", label.len ? " " : "", str_or(b->reason, "unresolved"));
			buf_puts(&c->edges, "arrowhead=normal");
			edge_attrs_end(&c->edges, b->resolved, buf_str(&label));
			buf_done(&label);
		}
	buf_done(&seen);
}

static void routes(struct dot_ctx *c)
{
	for (size_t i = 0; i < c->t->n_routes; i++) {
		const struct topo_route *r = &c->t->routes[i];
		const struct gt_route *rt = &r->obj->u.route;
		char id[24];
		snprintf(id, sizeof id, "r%zu", i);
		struct buf b;
		buf_init(&b);
		node_begin(&b, id, kind_name(r->obj->kind), r->obj->meta.name);
		for (size_t h = 0; h < rt->n_hostnames && h < 4; h++) {
			buf_puts(&b, h ? ", " : "\\n");
			dot_escape(&b, rt->hostnames[h]);
		}
		if (rt->n_hostnames > 4)
			buf_printf(&b, ", +%zu", rt->n_hostnames - 4);
		if (c->note) {
			struct buf note;
			buf_init(&note);
			if (c->note(r, &note, c->note_ud) && note.len) {
				buf_puts(&b, "\\n");
				dot_escape(&b, buf_str(&note));
			}
			buf_done(&note);
		}
		buf_printf(&b, "\", shape=note%s];\n", r->attached_any ? "" : ", style=dashed, color=red");
		add_node(c, object_ns(r->obj), &b);
		route_parents(c, r, id);
		route_backends(c, r, id);
	}
}

static void write_nodes(struct dot_ctx *c, struct buf *out)
{
	if (c->n_nodes)
		qsort(c->nodes, c->n_nodes, sizeof *c->nodes, node_cmp);
	size_t cluster = 0;
	for (size_t i = 0; i < c->n_nodes;) {
		const char *ns = c->nodes[i].ns;
		bool inside = *ns != '\0';
		if (inside) {
			buf_printf(out, "  subgraph cluster_%zu {\n    label=\"namespace ", cluster++);
			dot_escape(out, ns);
			buf_puts(out, "\";\n    style=rounded;\n    color=gray50;\n");
		}
		for (; i < c->n_nodes && !strcmp(c->nodes[i].ns, ns); i++)
			buf_puts(out, inside ? c->nodes[i].text : c->nodes[i].text + 2);
		if (inside)
			buf_puts(out, "  }\n");
	}
}

void dot_render(struct gt_store *s, const struct gt_topology *t, struct buf *out)
{
	dot_render_notes(s, t, NULL, NULL, out);
}

void dot_render_notes(struct gt_store *s, const struct gt_topology *t, dot_note_fn note,
                      void *ud, struct buf *out)
{
	struct dot_ctx c = {.store = s, .t = t, .note = note, .note_ud = ud};
	buf_init(&c.edges);
	c.gw_ix = ix_build(t->n_gateways, gateway_at, t);
	c.svc_ix = ix_build(t->n_services, service_at, t);
	classes(&c);
	gateways(&c);
	listenersets(&c);
	services(&c);
	routes(&c);
	buf_puts(out, "digraph gammatop {\n"
	              "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10];\n"
	              "  node [fontname=\"Helvetica\", fontsize=10];\n"
	              "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	write_nodes(&c, out);
	buf_puts(out, buf_str(&c.edges));
	buf_puts(out, "}\n");
	for (size_t i = 0; i < c.n_nodes; i++) {
		free(c.nodes[i].ns);
		free(c.nodes[i].text);
	}
	free(c.nodes);
	for (size_t i = 0; i < c.n_missing; i++)
		free(c.missing[i].key);
	free(c.missing);
	free(c.gw_ix);
	free(c.svc_ix);
	buf_done(&c.edges);
}
