/* topology_rules.c: the small judgements of the Gateway API spec that the topology's files
 * share (topology.c, topology_listeners.c, topology_policy.c): hostname intersection,
 * namespace selectors, ReferenceGrants, precedence between objects of one kind, and the
 * computed conditions. Calls nothing of the other topology files. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/xalloc.h"
#include "topology_int.h"

/* Hostname intersection as the spec defines it: an absent hostname on either side matches
 * everything; "*.example.com" covers any name with at least one more label; two wildcards
 * intersect when one's suffix contains the other's. Case-insensitive (DNS). */
bool topology_hostnames_intersect(const char *l, const char *r)
{
	if (str_empty(l) || str_empty(r))
		return true;
	bool lw = l[0] == '*' && l[1] == '.', rw = r[0] == '*' && r[1] == '.';
	if (!lw && !rw)
		return strcasecmp(l, r) == 0;
	if (lw && rw) {
		const char *ls = l + 1, *rs = r + 1; /* ".example.com" */
		size_t ll = strlen(ls), rl = strlen(rs);
		if (ll <= rl)
			return strcasecmp(rs + (rl - ll), ls) == 0;
		return strcasecmp(ls + (ll - rl), rs) == 0;
	}
	const char *wild = lw ? l + 1 : r + 1; /* ".example.com" */
	const char *exact = lw ? r : l;
	size_t wl = strlen(wild), el = strlen(exact);
	return el > wl && strcasecmp(exact + (el - wl), wild) == 0;
}

const struct gt_kvlist *topology_ns_labels(struct build *b, const char *ns)
{
	size_t i;
	if (topology_index_get(&b->namespaces, "", ns, &i))
		return &b->ns_labels[i].labels;
	return NULL;
}

bool topology_ns_selected(struct build *b, const struct gt_selector *sel, const char *ns)
{
	const struct gt_kvlist *labels = topology_ns_labels(b, ns);
	if (labels)
		return selector_matches(sel, labels);
	/* No Namespace object: of its labels only the one the API server always sets is known. */
	struct gt_kv kv = {(char *)"kubernetes.io/metadata.name", (char *)ns};
	struct gt_kvlist only = {&kv, 1};
	return selector_matches(sel, &only);
}

bool topology_grant_permits(struct build *b, const char *from_kind, const char *from_ns,
                            const char *to_kind, const char *to_ns, const char *to_name)
{
	size_t start;
	if (!topology_index_get(&b->grants, to_ns, "", &start))
		return false;
	for (size_t gi = start; gi < b->n_grants && str_eq(object_ns(b->grant_objs[gi]), to_ns);
	     gi++) {
		const struct gt_refgrant *g = &b->grant_objs[gi]->u.grant;
		bool from = false, to = false;
		for (size_t i = 0; i < g->n_from && !from; i++)
			from = str_eq(g->from[i].group, GW_GROUP) && str_eq(g->from[i].kind, from_kind) &&
			       str_eq(g->from[i].namespace_, from_ns);
		for (size_t i = 0; i < g->n_to && from && !to; i++)
			to = topology_is_core_group(g->to[i].group) && str_eq(g->to[i].kind, to_kind) &&
			     (str_empty(g->to[i].name) || str_eq(g->to[i].name, to_name));
		if (from && to)
			return true;
	}
	return false;
}

/* creationTimestamp (RFC 3339 in UTC sorts as text), then namespace/name; an absent time
 * sorts last. */
int topology_older(const struct gt_object *a, const struct gt_object *b)
{
	const char *ta = a->meta.creation_timestamp, *tb = b->meta.creation_timestamp;
	if (!str_eq(ta, tb)) {
		if (!ta)
			return 1;
		if (!tb)
			return -1;
		int c = strcmp(ta, tb);
		if (c)
			return c;
	}
	int c = strcmp(object_ns(a), object_ns(b));
	return c ? c : strcmp(str_or(a->meta.name, ""), str_or(b->meta.name, ""));
}

void topology_cond(struct topo_conditions *c, const char *type, bool status, const char *reason,
                   const char *fmt, ...)
{
	struct topo_condition *k = NULL;
	for (size_t i = 0; i < c->n; i++)
		if (str_eq(c->items[i].type, type))
			k = &c->items[i];
	if (!k) {
		if (c->n >= TOPO_MAX_CONDITIONS)
			return;
		k = &c->items[c->n++];
	}
	free(k->message);
	k->type = type;
	k->status = status ? "True" : "False";
	k->reason = reason;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	k->message = xstrdup(msg);
}

