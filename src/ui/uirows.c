/* uirows.c: one-line descriptions of topology items for the console views (see uirows.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gammatop/policy.h"
#include "gammatop/str.h"
#include "gammatop/uirows.h"

static const char *kind_short(const struct gt_object *o) { return kind_name(o->kind); }

/* The console builds a row for every item of a large topology: the texts are put together
 * piece by piece, without printf. */
static void put_long(struct buf *out, long long v)
{
	char d[24];
	size_t i = sizeof d;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		d[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[--i] = '-';
	buf_append(out, d + i, sizeof d - i);
}

static void put3(struct buf *out, const char *a, const char *b, const char *c)
{
	buf_puts(out, a);
	buf_puts(out, b);
	buf_puts(out, c);
}

const char *uirows_route_glyph(enum gt_kind k, bool ascii)
{
	switch (k) {
	case GT_TLSROUTE: return ascii ? "[tls] " : "\xe2\x97\x86 "; /* ◆ */
	case GT_TCPROUTE: return ascii ? "[tcp] " : "\xe2\x87\x84 "; /* ⇄ */
	case GT_UDPROUTE: return ascii ? "[udp] " : "\xe2\x87\xa2 "; /* ⇢ */
	default: return "";
	}
}

void uirows_route_text(const struct topo_route *tr, struct buf *out)
{
	const struct gt_object *o = tr->obj;
	put3(out, kind_short(o), " ", object_ns(o));
	put3(out, "/", str_or(o->meta.name, "?"), "");
	const struct gt_route *r = &o->u.route;
	if (r->n_hostnames)
		put3(out, "  ", str_or(r->hostnames[0], "(null)"), "");
	if (r->n_hostnames > 1) {
		buf_puts(out, " +");
		put_long(out, (long long)(r->n_hostnames - 1));
	}
}

char *uirows_route_policy(const struct topo_route *tr, bool ascii, char *buf, size_t n)
{
	if (!tr->n_rules) {
		snprintf(buf, n, "-");
		return buf;
	}
	char first[96], other[96];
	struct policy p;
	policy_from_rule(tr->rules[0].rule, &p);
	policy_summary(&p, ascii, first, sizeof first);
	size_t differ = 0;
	for (size_t i = 1; i < tr->n_rules; i++) {
		policy_from_rule(tr->rules[i].rule, &p);
		policy_summary(&p, ascii, other, sizeof other);
		differ += strcmp(first, other) != 0;
	}
	if (differ)
		snprintf(buf, n, "%s (+%zu differ)", first, differ);
	else
		snprintf(buf, n, "%s", first);
	return buf;
}

void uirows_match_text(const struct gt_object *route, const struct gt_match *m, struct buf *out)
{
	size_t start = out->len;
	if (route->kind == GT_GRPCROUTE) {
		if (m->grpc_service || m->grpc_method) {
			put3(out, "grpc ", str_or(m->grpc_service, "*"), "/");
			buf_puts(out, str_or(m->grpc_method, "*"));
		}
	} else {
		if (m->path_value)
			put3(out, str_or(m->path_type, "PathPrefix"), " ", m->path_value);
		if (m->method)
			put3(out, out->len > start ? "  " : "", m->method, "");
	}
	for (size_t h = 0; h < m->n_headers; h++)
		buf_printf(out, "%sheader %s%s%s", out->len > start ? "  " : "", str_or(m->headers[h].name, "?"),
		           str_eq(m->headers[h].type, "RegularExpression") ? "~" : "=",
		           str_or(m->headers[h].value, ""));
	for (size_t q = 0; q < m->n_query_params; q++)
		buf_printf(out, "%squery %s=%s", out->len > start ? "  " : "",
		           str_or(m->query_params[q].name, "?"), str_or(m->query_params[q].value, ""));
	if (out->len == start)
		buf_puts(out, "any request");
}

void uirows_rule_text(const struct gt_object *route, const struct topo_rule *ru, struct buf *out)
{
	const struct gt_rule *rule = ru->rule;
	buf_puts(out, "rule ");
	put_long(out, (long long)ru->index);
	if (rule->name)
		put3(out, " \"", rule->name, "\"");
	buf_puts(out, "  ");
	if (rule->n_matches)
		uirows_match_text(route, &rule->matches[0], out);
	else if (route->kind == GT_TLSROUTE)
		buf_puts(out, "any connection with a route hostname as SNI");
	else if (kind_is_l4_route(route->kind))
		buf_puts(out, "any connection");
	else
		buf_puts(out, "any request");
	if (rule->n_matches > 1) {
		buf_puts(out, "  +");
		put_long(out, (long long)(rule->n_matches - 1));
		buf_puts(out, rule->n_matches > 2 ? " matches" : " match");
	}
	if (rule->n_filters)
		put3(out, "  [", str_or(rule->filters[0].type, "filter"),
		     rule->n_filters > 1 ? ",...]" : "]");
}

void uirows_backend_text(const struct topo_backend *tb, bool ascii, struct buf *out)
{
	const struct gt_backend_ref *b = tb->ref;
	put3(out, ascii ? "->" : "\xe2\x86\x92", " ", str_or(b->kind, "Service"));
	put3(out, " ", str_or(b->namespace_, "?"), "/");
	buf_puts(out, str_or(b->name, "?"));
	if (b->port) {
		buf_putc(out, ':');
		put_long(out, b->port);
	}
	buf_puts(out, "  weight ");
	put_long(out, b->weight);
	if (!tb->resolved) {
		put3(out, "  ", ascii ? "x" : "\xe2\x9c\x97", " ");
		put3(out, str_or(tb->reason, "Unresolved"), tb->message ? ": " : "",
		     tb->message ? tb->message : "");
	}
}

bool uirows_gateway_text(const struct topo_gateway *g, struct buf *out)
{
	const struct gt_object *o = g->obj;
	buf_printf(out, "Gateway %s/%s", object_ns(o), str_or(o->meta.name, "?"));
	const struct gt_gateway *gw = &o->u.gw;
	if (gw->n_addresses)
		buf_printf(out, "  %s%s", gw->addresses[0], gw->n_addresses > 1 ? " +" : "");
	const struct gt_condition *prog = conditions_find(&gw->conditions, "Programmed");
	const struct gt_condition *acc = conditions_find(&gw->conditions, "Accepted");
	const struct gt_condition *c = prog ? prog : acc;
	if (!c) {
		buf_puts(out, "  (no status)");
		return true;
	}
	bool ok = str_eq(c->status, "True");
	if (ok)
		buf_printf(out, "  %s", c->type);
	else
		buf_printf(out, "  not %s: %s", str_or(c->type, "?"), str_or(c->reason, "?"));
	return ok;
}

void uirows_listener_text(const struct topo_listener *tl, struct buf *out)
{
	const struct gt_listener *l = tl->listener;
	buf_printf(out, "listener %s %s :%d", str_or(l->name, "?"), str_or(l->protocol, "?"), l->port);
	if (l->hostname)
		buf_printf(out, " %s", l->hostname);
	if (tl->passthrough)
		buf_puts(out, " passthrough");
	buf_printf(out, "  routes %d", tl->attached_routes);
	if (tl->reported_attached_routes >= 0 && tl->reported_attached_routes != tl->attached_routes)
		buf_printf(out, " (reported %d)", tl->reported_attached_routes);
	const struct topo_condition *c = NULL;
	if (!tl->accepted)
		c = topo_conditions_find(&tl->conditions, "Accepted");
	else if (!tl->resolved_refs)
		c = topo_conditions_find(&tl->conditions, "ResolvedRefs");
	if (c)
		buf_printf(out, "  not %s: %s", c->type, c->reason);
	else if (tl->overlapping_tls)
		buf_puts(out, "  OverlappingTLSConfig");
}

bool uirows_listenerset_text(const struct topo_listenerset *s, struct buf *out)
{
	buf_printf(out, "ListenerSet %s/%s", object_ns(s->obj), str_or(s->obj->meta.name, "?"));
	const struct topo_condition *c = topo_conditions_find(&s->conditions, "Accepted");
	if (!c)
		return true;
	if (s->accepted && str_eq(c->reason, "Accepted"))
		buf_puts(out, "  Accepted");
	else
		buf_printf(out, "  %s: %s", s->accepted ? "Accepted" : "not Accepted", c->reason);
	return s->accepted;
}

void uirows_service_text(const struct gt_object *svc, struct buf *out)
{
	buf_printf(out, "Service %s/%s", object_ns(svc), str_or(svc->meta.name, "?"));
	const struct gt_service *s = &svc->u.svc;
	for (size_t i = 0; i < s->n_ports && i < 3; i++)
		buf_printf(out, "%s:%d%s%s", i ? " " : "  ", s->ports[i].port, s->ports[i].name ? "/" : "",
		           s->ports[i].name ? s->ports[i].name : "");
	if (s->n_ports > 3)
		buf_printf(out, " +%zu", s->n_ports - 3);
}

void uirows_parent_text(const struct topo_parent *p, bool ascii, struct buf *out)
{
	const struct gt_parent_ref *r = p->ref;
	buf_printf(out, "%s %s %s/%s", p->attached ? (ascii ? "+" : "\xe2\x9c\x93") : p->unknown ? "?" : (ascii ? "x" : "\xe2\x9c\x97"),
	           str_or(r->kind, "Gateway"), str_or(r->namespace_, "?"), str_or(r->name, "?"));
	if (r->section_name)
		buf_printf(out, " section %s", r->section_name);
	if (r->port)
		buf_printf(out, " port %d", r->port);
	if (!p->attached)
		buf_printf(out, ": %s%s%s", str_or(p->reason, "?"), p->message ? ": " : "",
		           p->message ? p->message : "");
}

void uirows_reported_text(const struct topo_parent *p, struct buf *out)
{
	if (!p->reported) {
		buf_puts(out, "not reported");
		return;
	}
	if (p->reported_accepted == 1)
		buf_puts(out, "Accepted");
	else if (p->reported_accepted == 0)
		buf_printf(out, "Rejected: %s", str_or(p->reported_reason, "?"));
	else
		buf_puts(out, "Accepted unknown");
	if (p->reported->controller_name)
		buf_printf(out, " (%s)", p->reported->controller_name);
}
