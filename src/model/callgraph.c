/* callgraph.c: the call graph the path analysis walks: nodes, governing rules, calls with
 * observed rates (NAN = unknown) and the edges that tie a rule to a call, with hash lookups
 * so that the telemetry layer can add thousands of calls cheaply; callgraph_finish, which
 * builds the adjacency (CSR), the display labels, the static calls telemetry replaced, and
 * the derived request rates; reading a rule's policy; and the static graph of a topology
 * (callgraph_from_topology). Pure code. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/callgraph.h"
#include "gammatop/duration.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

const char *cg_kind_name(enum cg_kind k)
{
	switch (k) {
	case CG_GATEWAY:
		return "gateway";
	case CG_SERVICE:
		return "service";
	case CG_WORKLOAD:
		return "workload";
	case CG_NAMESPACE:
		return "namespace";
	case CG_ANY:
		return "any";
	}
	return "any";
}

/* ---- policies ---- */

static int64_t duration_ms(const char *s)
{
	uint64_t ms;
	if (!s || duration_parse(s, &ms, NULL, 0) != 0)
		return -1;
	return (int64_t)ms;
}

/* RFC 9110 section 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent. A method
 * gammatop does not know counts as not idempotent. */
static bool method_idempotent(const char *m)
{
	static const char *const ok[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (str_eq(m, ok[i]))
			return true;
	return false;
}

/* See callgraph.h. */
void cg_policy_from_rule(enum gt_kind kind, const struct gt_rule *rule, struct cg_policy *p)
{
	memset(p, 0, sizeof *p);
	p->request_ms = p->backend_ms = p->backoff_ms = -1;
	p->any_method = true;
	p->non_idempotent = true;
	if (!rule || kind != GT_HTTPROUTE)
		return;
	if (rule->has_timeouts) {
		p->request_ms = duration_ms(rule->timeouts.request);
		p->backend_ms = duration_ms(rule->timeouts.backend_request);
	}
	if (rule->has_retry) {
		p->has_retry = true;
		p->attempts = rule->retry.attempts < 0 ? -1 : rule->retry.attempts;
		p->backoff_ms = duration_ms(rule->retry.backoff);
		p->n_codes = rule->retry.n_codes;
	}
	/* A rule matches when any of its matches does; no matches at all matches everything. */
	if (rule->n_matches == 0)
		return;
	p->any_method = false;
	p->non_idempotent = false;
	for (size_t i = 0; i < rule->n_matches; i++) {
		const char *m = rule->matches[i].method;
		if (!m)
			p->any_method = true;
		if (!m || !method_idempotent(m))
			p->non_idempotent = true;
	}
}

/* See callgraph.h. */
int cg_policy_tries(const struct cg_policy *p, bool *exact)
{
	if (exact)
		*exact = true;
	if (!p->has_retry)
		return 1;
	if (p->attempts < 0) {
		if (exact)
			*exact = false;
		return 1;
	}
	return p->attempts >= INT32_MAX ? INT32_MAX : p->attempts + 1;
}

void cg_budget_defaults(struct cg_budget *b)
{
	b->set = true;
	b->percent = 20;
	b->interval_ms = 10000;
	b->min_count = 10;
	b->min_interval_ms = 1000;
}

/* ---- hashing: open addressing, slots hold index + 1 ---- */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Grow a table of cap slots to hold n + 1 entries at most half full; rehash with keyfn. */
static void table_grow(size_t **slots, size_t *cap, size_t n, const struct callgraph *g,
                       uint64_t (*keyfn)(const struct callgraph *, size_t))
{
	if ((n + 1) * 2 <= *cap)
		return;
	size_t ncap = *cap ? *cap * 2 : 64;
	while ((n + 1) * 2 > ncap)
		ncap *= 2;
	size_t *ns = xcalloc(ncap, sizeof *ns);
	for (size_t i = 0; i < *cap; i++) {
		size_t v = (*slots)[i];
		if (!v)
			continue;
		size_t at = keyfn(g, v - 1) & (ncap - 1);
		while (ns[at])
			at = (at + 1) & (ncap - 1);
		ns[at] = v;
	}
	free(*slots);
	*slots = ns;
	*cap = ncap;
}

static uint64_t node_key(const struct callgraph *g, size_t i)
{
	return fnv(14695981039346656037ULL, g->nodes[i].id);
}

static uint64_t rule_key_of(const char *route, size_t index)
{
	return mix(fnv(14695981039346656037ULL, route) + index);
}

static uint64_t rule_key(const struct callgraph *g, size_t i)
{
	return rule_key_of(g->rules[i].route, g->rules[i].index);
}

static uint64_t call_key_of(size_t from, size_t to)
{
	return mix(((uint64_t)from << 32) ^ (uint64_t)to ^ ((uint64_t)to >> 32));
}

static uint64_t call_key(const struct callgraph *g, size_t i)
{
	return call_key_of(g->calls[i].from, g->calls[i].to);
}

static uint64_t parent_key(const struct callgraph *g, size_t i)
{
	return mix(g->rules[i].parent + 1);
}

static void unfinish(struct callgraph *g)
{
	g->finished = false;
}

/* ---- building ---- */

struct callgraph *callgraph_new(void)
{
	return xcalloc(1, sizeof(struct callgraph));
}

static void free_adjacency(struct callgraph *g)
{
	free(g->out_start);
	free(g->out_calls);
	free(g->in_start);
	free(g->in_calls);
	free(g->srv_start);
	free(g->srv_list);
	free(g->ns_node);
	free(g->has_in);
	free(g->in_rps);
	g->out_start = g->out_calls = g->in_start = g->in_calls = NULL;
	g->srv_start = g->srv_list = g->ns_node = NULL;
	g->has_in = NULL;
	g->in_rps = NULL;
}

void callgraph_free(struct callgraph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_nodes; i++) {
		free(g->nodes[i].ns);
		free(g->nodes[i].name);
		free(g->nodes[i].id);
		free(g->nodes[i].label);
	}
	for (size_t i = 0; i < g->n_rules; i++) {
		free(g->rules[i].route);
		free(g->rules[i].name);
	}
	free(g->nodes);
	free(g->rules);
	free(g->calls);
	free(g->edges);
	free(g->node_slots);
	free(g->rule_slots);
	free(g->call_slots);
	free(g->parent_slots);
	free(g->rule_next);
	free(g->serves);
	free_adjacency(g);
	free(g);
}

/* The node's id into buf (truncated as snprintf; ids of real objects fit in 512 bytes). */
static const char *node_id(enum cg_kind kind, const char *ns, const char *name, char *buf,
                           size_t n)
{
	switch (kind) {
	case CG_ANY:
		str_copy(buf, "any", n);
		break;
	case CG_NAMESPACE:
		snprintf(buf, n, "namespace/%s", str_or(ns, ""));
		break;
	default:
		snprintf(buf, n, "%s/%s/%s", cg_kind_name(kind), str_or(ns, ""), str_or(name, ""));
		break;
	}
	return buf;
}

static size_t find_node_id(const struct callgraph *g, const char *id)
{
	if (!g->node_cap)
		return CG_NONE;
	size_t at = fnv(14695981039346656037ULL, id) & (g->node_cap - 1);
	for (size_t v; (v = g->node_slots[at]); at = (at + 1) & (g->node_cap - 1))
		if (str_eq(g->nodes[v - 1].id, id))
			return v - 1;
	return CG_NONE;
}

size_t callgraph_find_node(const struct callgraph *g, enum cg_kind kind, const char *ns,
                           const char *name)
{
	char id[640];
	return find_node_id(g, node_id(kind, ns, name, id, sizeof id));
}

static void slot_insert(size_t *slots, size_t cap, uint64_t key, size_t index)
{
	size_t at = key & (cap - 1);
	while (slots[at])
		at = (at + 1) & (cap - 1);
	slots[at] = index + 1;
}

size_t callgraph_node(struct callgraph *g, enum cg_kind kind, const char *ns, const char *name)
{
	char id[640];
	size_t i = find_node_id(g, node_id(kind, ns, name, id, sizeof id));
	if (i != CG_NONE)
		return i;
	unfinish(g);
	if (g->n_nodes == g->cap_nodes) {
		g->cap_nodes = g->cap_nodes ? g->cap_nodes * 2 : 64;
		g->nodes = xreallocarray(g->nodes, g->cap_nodes, sizeof *g->nodes);
	}
	i = g->n_nodes++;
	struct cg_node *n = &g->nodes[i];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->ns = kind == CG_ANY ? NULL : xstrdup(str_or(ns, ""));
	n->name = xstrdup(kind == CG_ANY ? "*" : kind == CG_NAMESPACE ? str_or(ns, "") : str_or(name, ""));
	n->id = xstrdup(id);
	n->in_rps = NAN;
	table_grow(&g->node_slots, &g->node_cap, g->n_nodes - 1, g, node_key);
	slot_insert(g->node_slots, g->node_cap, node_key(g, i), i);
	return i;
}

/* The rule (route, index) with this parent; any parent when parent is CG_NONE. */
static size_t find_rule(const struct callgraph *g, const char *route, size_t index, size_t parent)
{
	if (!g->rule_cap || !route)
		return CG_NONE;
	size_t at = rule_key_of(route, index) & (g->rule_cap - 1);
	for (size_t v; (v = g->rule_slots[at]); at = (at + 1) & (g->rule_cap - 1)) {
		const struct cg_rule *r = &g->rules[v - 1];
		if (r->index == index && (parent == CG_NONE || r->parent == parent) &&
		    str_eq(r->route, route))
			return v - 1;
	}
	return CG_NONE;
}

size_t callgraph_find_rule(const struct callgraph *g, const char *route, size_t index)
{
	if (!g->rule_cap || !route)
		return CG_NONE;
	/* the entry added first (lowest index) among those under several parents */
	size_t best = CG_NONE, at = rule_key_of(route, index) & (g->rule_cap - 1);
	for (size_t v; (v = g->rule_slots[at]); at = (at + 1) & (g->rule_cap - 1))
		if (g->rules[v - 1].index == index && str_eq(g->rules[v - 1].route, route) &&
		    (best == CG_NONE || v - 1 < best))
			best = v - 1;
	return best;
}

static size_t parent_head(const struct callgraph *g, size_t parent, size_t **slot)
{
	if (slot)
		*slot = NULL;
	if (!g->parent_cap)
		return CG_NONE;
	size_t at = mix(parent + 1) & (g->parent_cap - 1);
	for (size_t v; (v = g->parent_slots[at]); at = (at + 1) & (g->parent_cap - 1))
		if (g->rules[v - 1].parent == parent) {
			if (slot)
				*slot = &g->parent_slots[at];
			return v - 1;
		}
	return CG_NONE;
}

size_t callgraph_rule(struct callgraph *g, const char *route, size_t index, const char *name,
                      enum topo_role role, size_t parent, const struct cg_policy *p)
{
	size_t i = find_rule(g, route, index, parent);
	if (i != CG_NONE)
		return i;
	unfinish(g);
	if (g->n_rules == g->cap_rules) {
		g->cap_rules = g->cap_rules ? g->cap_rules * 2 : 64;
		g->rules = xreallocarray(g->rules, g->cap_rules, sizeof *g->rules);
		g->rule_next = xreallocarray(g->rule_next, g->cap_rules, sizeof *g->rule_next);
	}
	i = g->n_rules++;
	struct cg_rule *r = &g->rules[i];
	r->route = xstrdup(str_or(route, "?"));
	r->index = index;
	r->name = xstrdup_null(name);
	r->role = role;
	r->parent = parent;
	r->policy = *p;
	table_grow(&g->rule_slots, &g->rule_cap, g->n_rules - 1, g, rule_key);
	slot_insert(g->rule_slots, g->rule_cap, rule_key(g, i), i);
	/* chain it in front of the other rules with this parent */
	size_t *slot;
	size_t head = parent_head(g, parent, &slot);
	g->rule_next[i] = head;
	if (head != CG_NONE) {
		*slot = i + 1;
	} else {
		/* count distinct parents by the slots in use: grow with n_rules as an upper bound */
		table_grow(&g->parent_slots, &g->parent_cap, g->n_rules - 1, g, parent_key);
		slot_insert(g->parent_slots, g->parent_cap, parent_key(g, i), i);
	}
	return i;
}

void callgraph_set_policy(struct callgraph *g, const char *route, size_t index,
                          const struct cg_policy *p)
{
	for (size_t i = 0; i < g->n_rules; i++)
		if (g->rules[i].index == index && str_eq(g->rules[i].route, route))
			g->rules[i].policy = *p;
}

static size_t find_call(const struct callgraph *g, size_t from, size_t to)
{
	if (!g->call_cap)
		return CG_NONE;
	size_t at = call_key_of(from, to) & (g->call_cap - 1);
	for (size_t v; (v = g->call_slots[at]); at = (at + 1) & (g->call_cap - 1))
		if (g->calls[v - 1].from == from && g->calls[v - 1].to == to)
			return v - 1;
	return CG_NONE;
}

size_t callgraph_add_call(struct callgraph *g, size_t from, size_t to, enum cg_origin origin)
{
	size_t i = find_call(g, from, to);
	if (i != CG_NONE) {
		g->calls[i].origin |= origin;
		return i;
	}
	unfinish(g);
	if (g->n_calls == g->cap_calls) {
		g->cap_calls = g->cap_calls ? g->cap_calls * 2 : 64;
		g->calls = xreallocarray(g->calls, g->cap_calls, sizeof *g->calls);
	}
	i = g->n_calls++;
	g->calls[i] = (struct cg_call){.from = from, .to = to, .rps = NAN, .retry_rps = NAN,
	                               .timeout_rps = NAN, .origin = origin, .first_edge = CG_NONE};
	table_grow(&g->call_slots, &g->call_cap, g->n_calls - 1, g, call_key);
	slot_insert(g->call_slots, g->call_cap, call_key(g, i), i);
	return i;
}

void callgraph_add_edge(struct callgraph *g, size_t call, size_t rule, double weight)
{
	if (call >= g->n_calls)
		return;
	if (!(weight > 0) || weight > 1)
		weight = 1;
	for (size_t e = g->calls[call].first_edge; e != CG_NONE; e = g->edges[e].next)
		if (g->edges[e].rule == rule) {
			if (weight > g->edges[e].weight)
				g->edges[e].weight = weight;
			return;
		}
	unfinish(g);
	if (g->n_edges == g->cap_edges) {
		g->cap_edges = g->cap_edges ? g->cap_edges * 2 : 64;
		g->edges = xreallocarray(g->edges, g->cap_edges, sizeof *g->edges);
	}
	/* appended at the end of the call's list, so that edges keep the order they came in */
	size_t i = g->n_edges++;
	g->edges[i] = (struct cg_edge){.call = call, .rule = rule, .weight = weight, .next = CG_NONE};
	size_t *link = &g->calls[call].first_edge;
	while (*link != CG_NONE)
		link = &g->edges[*link].next;
	*link = i;
}

void callgraph_observe(struct callgraph *g, size_t call, double rps, double retry_rps,
                       double timeout_rps)
{
	if (call >= g->n_calls)
		return;
	unfinish(g);
	struct cg_call *c = &g->calls[call];
	c->rps = rps >= 0 ? rps : NAN;
	c->retry_rps = retry_rps >= 0 ? retry_rps : NAN;
	c->timeout_rps = timeout_rps >= 0 ? timeout_rps : NAN;
	c->origin |= CG_OBSERVED;
}

void callgraph_set_node_rate(struct callgraph *g, size_t node, double rps)
{
	if (node >= g->n_nodes)
		return;
	unfinish(g);
	g->nodes[node].in_rps = rps >= 0 ? rps : NAN;
}

void callgraph_set_budget(struct callgraph *g, size_t service, const struct cg_budget *b)
{
	if (service >= g->n_nodes)
		return;
	g->nodes[service].budget = *b;
	if (b->percent < 0)
		g->nodes[service].budget.percent = 0;
	if (b->percent > 100)
		g->nodes[service].budget.percent = 100;
}

void callgraph_add_serves(struct callgraph *g, size_t service, size_t workload)
{
	if (service >= g->n_nodes || workload >= g->n_nodes || service == workload)
		return;
	for (size_t i = 0; i < g->n_serves; i++)
		if (g->serves[2 * i] == service && g->serves[2 * i + 1] == workload)
			return;
	unfinish(g);
	if (g->n_serves == g->cap_serves) {
		g->cap_serves = g->cap_serves ? g->cap_serves * 2 : 16;
		g->serves = xreallocarray(g->serves, g->cap_serves * 2, sizeof *g->serves);
	}
	g->serves[2 * g->n_serves] = service;
	g->serves[2 * g->n_serves + 1] = workload;
	g->n_serves++;
}

/* See callgraph.h. */
size_t callgraph_rules_for(const struct callgraph *g, size_t caller, size_t addressed,
                           size_t *out, size_t max)
{
	if (caller >= g->n_nodes)
		return 0;
	const struct cg_node *c = &g->nodes[caller];
	size_t n = 0;
	if (c->kind == CG_GATEWAY) {
		for (size_t r = parent_head(g, caller, NULL); r != CG_NONE; r = g->rule_next[r])
			if (g->rules[r].role == TOPO_GATEWAY && n++ < max)
				out[n - 1] = r;
		return n;
	}
	if (addressed >= g->n_nodes)
		return 0;
	/* consumer routes of the caller's namespace first: they replace the producer routes */
	for (size_t r = parent_head(g, addressed, NULL); r != CG_NONE; r = g->rule_next[r]) {
		const struct cg_rule *rule = &g->rules[r];
		const char *route_ns = strchr(rule->route, '/');
		if (rule->role != TOPO_CONSUMER || c->kind == CG_ANY || !route_ns)
			continue;
		route_ns++;
		size_t len = strcspn(route_ns, "/");
		if (strlen(c->ns) == len && strncmp(route_ns, c->ns, len) == 0 && n++ < max)
			out[n - 1] = r;
	}
	if (n)
		return n;
	for (size_t r = parent_head(g, addressed, NULL); r != CG_NONE; r = g->rule_next[r])
		if (g->rules[r].role == TOPO_PRODUCER && n++ < max)
			out[n - 1] = r;
	return n;
}

/* ---- finishing: adjacency, labels, covered calls, rates ---- */

static int cmp_node_name(const struct callgraph *g, size_t a, size_t b)
{
	int c = strcmp(g->nodes[a].name, g->nodes[b].name);
	return c ? c : (a > b) - (a < b);
}

/* qsort_r is not portable; a small merge sort of indices by node name. */
static void sort_by_name(const struct callgraph *g, size_t *v, size_t *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_by_name(g, v, tmp, h);
	sort_by_name(g, v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp_node_name(g, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

static void make_labels(struct callgraph *g)
{
	size_t *v = xmalloc((g->n_nodes + 1) * sizeof *v), *tmp = xmalloc((g->n_nodes + 1) * sizeof *tmp);
	size_t n = 0;
	for (size_t i = 0; i < g->n_nodes; i++) {
		struct cg_node *nd = &g->nodes[i];
		free(nd->label);
		nd->label = NULL;
		if (nd->kind == CG_ANY)
			nd->label = xstrdup("*");
		else if (nd->kind == CG_NAMESPACE)
			nd->label = xasprintf("%s/*", nd->ns);
		else
			v[n++] = i;
	}
	sort_by_name(g, v, tmp, n);
	for (size_t i = 0; i < n; i++) {
		struct cg_node *nd = &g->nodes[v[i]];
		bool dup = (i > 0 && str_eq(g->nodes[v[i - 1]].name, nd->name)) ||
		           (i + 1 < n && str_eq(g->nodes[v[i + 1]].name, nd->name));
		nd->label = dup ? xasprintf("%s/%s", nd->ns, nd->name) : xstrdup(nd->name);
	}
	free(v);
	free(tmp);
}

/* Counting sort of calls by a node field into CSR arrays start[n_nodes + 1], list[n]. */
static void csr(const struct callgraph *g, bool by_from, size_t **start, size_t **list)
{
	size_t *s = xcalloc(g->n_nodes + 1, sizeof *s), *l = xmalloc((g->n_calls + 1) * sizeof *l);
	for (size_t c = 0; c < g->n_calls; c++)
		s[(by_from ? g->calls[c].from : g->calls[c].to) + 1]++;
	for (size_t i = 0; i < g->n_nodes; i++)
		s[i + 1] += s[i];
	size_t *fill = xmalloc((g->n_nodes + 1) * sizeof *fill);
	memcpy(fill, s, (g->n_nodes + 1) * sizeof *fill);
	for (size_t c = 0; c < g->n_calls; c++)
		l[fill[by_from ? g->calls[c].from : g->calls[c].to]++] = c;
	free(fill);
	*start = s;
	*list = l;
}

/* See callgraph.h. */
void callgraph_finish(struct callgraph *g)
{
	if (g->finished)
		return;
	free_adjacency(g);
	/* a call no rule governs still carries traffic: one ungoverned edge */
	for (size_t c = 0; c < g->n_calls; c++)
		if (g->calls[c].first_edge == CG_NONE)
			callgraph_add_edge(g, c, CG_NONE, 1);
	make_labels(g);
	g->ns_node = xmalloc((g->n_nodes + 1) * sizeof *g->ns_node);
	for (size_t i = 0; i < g->n_nodes; i++) {
		enum cg_kind k = g->nodes[i].kind;
		g->ns_node[i] = k == CG_SERVICE || k == CG_WORKLOAD
		                    ? callgraph_find_node(g, CG_NAMESPACE, g->nodes[i].ns, NULL)
		                    : CG_NONE;
	}
	/* a static call from namespace N to C is covered when telemetry observed calls from a
	 * Service or workload of N to C: the observed calls say who in N really calls C */
	for (size_t c = 0; c < g->n_calls; c++)
		g->calls[c].covered = false;
	for (size_t c = 0; c < g->n_calls; c++) {
		const struct cg_call *k = &g->calls[c];
		if (!(k->origin & CG_OBSERVED) || g->ns_node[k->from] == CG_NONE)
			continue;
		size_t s = find_call(g, g->ns_node[k->from], k->to);
		if (s != CG_NONE && !(g->calls[s].origin & CG_OBSERVED))
			g->calls[s].covered = true;
	}
	csr(g, true, &g->out_start, &g->out_calls);
	csr(g, false, &g->in_start, &g->in_calls);
	/* workloads serving each Service */
	g->srv_start = xcalloc(g->n_nodes + 1, sizeof *g->srv_start);
	g->srv_list = xmalloc((g->n_serves + 1) * sizeof *g->srv_list);
	for (size_t i = 0; i < g->n_serves; i++)
		g->srv_start[g->serves[2 * i] + 1]++;
	for (size_t i = 0; i < g->n_nodes; i++)
		g->srv_start[i + 1] += g->srv_start[i];
	size_t *fill = xmalloc((g->n_nodes + 1) * sizeof *fill);
	memcpy(fill, g->srv_start, (g->n_nodes + 1) * sizeof *fill);
	for (size_t i = 0; i < g->n_serves; i++)
		g->srv_list[fill[g->serves[2 * i]]++] = g->serves[2 * i + 1];
	free(fill);
	/* reached nodes and the rates they receive */
	g->has_in = xcalloc(g->n_nodes + 1, sizeof *g->has_in);
	g->in_rps = xmalloc((g->n_nodes + 1) * sizeof *g->in_rps);
	for (size_t i = 0; i < g->n_nodes; i++) {
		double sum = 0;
		bool known = true, any = false;
		for (size_t k = g->in_start[i]; k < g->in_start[i + 1]; k++) {
			const struct cg_call *c = &g->calls[g->in_calls[k]];
			if (c->covered)
				continue;
			any = true;
			if (isnan(c->rps))
				known = false;
			else
				sum += c->rps;
		}
		g->has_in[i] = any;
		g->in_rps[i] = !isnan(g->nodes[i].in_rps) ? g->nodes[i].in_rps
		               : any && known            ? sum
		                                         : NAN;
	}
	g->finished = true;
}

double callgraph_in_rps(const struct callgraph *g, size_t node)
{
	if (!g->finished || node >= g->n_nodes)
		return NAN;
	return g->in_rps[node];
}

/* ---- the static part, from the topology ----
 * Gateway routes: calls from the Gateway. Consumer routes (GEP-1294: a route in namespace N
 * whose Service parent lives elsewhere applies only to requests from N): calls from "any
 * workload of N" — the route says that N calls the Service, which is what lets lint follow a
 * chain without telemetry. Producer routes: calls from "any client" (who calls is unknown
 * until telemetry says). */

static size_t service_node(struct callgraph *g, const struct gt_object *svc)
{
	return callgraph_node(g, CG_SERVICE, svc->meta.namespace_, svc->meta.name);
}

static void add_route(struct callgraph *g, const struct topo_route *tr)
{
	const struct gt_object *o = tr->obj;
	char id[512];
	object_id(o, id, sizeof id);
	for (size_t pi = 0; pi < tr->n_parents; pi++) {
		const struct topo_parent *tp = &tr->parents[pi];
		if (!tp->attached || !tp->target)
			continue;
		size_t parent, caller;
		switch (tp->role) {
		case TOPO_GATEWAY:
			if (tp->target->kind == GT_LISTENERSET) {
				/* a ListenerSet's listeners are its Gateway's (GEP-1713) */
				const struct gt_parent_ref *gp = tp->target->u.gw.ls_parent;
				if (!gp)
					continue;
				parent = caller = callgraph_node(g, CG_GATEWAY, gp->namespace_, gp->name);
				break;
			}
			parent = caller = callgraph_node(g, CG_GATEWAY, tp->target->meta.namespace_,
			                                 tp->target->meta.name);
			break;
		case TOPO_PRODUCER:
			parent = service_node(g, tp->target);
			caller = callgraph_node(g, CG_ANY, NULL, NULL);
			break;
		case TOPO_CONSUMER:
			parent = service_node(g, tp->target);
			caller = callgraph_node(g, CG_NAMESPACE, o->meta.namespace_, NULL);
			break;
		default:
			continue;
		}
		for (size_t ri = 0; ri < tr->n_rules; ri++) {
			const struct topo_rule *rule = &tr->rules[ri];
			double total = 0;
			for (size_t b = 0; b < rule->n_backends; b++)
				if (rule->backends[b].resolved && rule->backends[b].service &&
				    rule->backends[b].ref->weight > 0)
					total += rule->backends[b].ref->weight;
			if (!(total > 0))
				continue; /* nothing reaches a backend (AllWeightsZero, unresolved) */
			struct cg_policy p;
			cg_policy_from_rule(o->kind, rule->rule, &p);
			size_t r = callgraph_rule(g, id, rule->index, rule->rule->name, tp->role, parent,
			                          &p);
			for (size_t b = 0; b < rule->n_backends; b++) {
				const struct topo_backend *tb = &rule->backends[b];
				if (!tb->resolved || !tb->service || tb->ref->weight <= 0)
					continue;
				size_t call = callgraph_add_call(g, caller, service_node(g, tb->service),
				                                 CG_STATIC);
				callgraph_add_edge(g, call, r, tb->ref->weight / total);
			}
		}
	}
}

/* See callgraph.h. */
struct callgraph *callgraph_from_topology(const struct gt_topology *t)
{
	struct callgraph *g = callgraph_new();
	if (!t)
		return g;
	for (size_t i = 0; i < t->n_routes; i++)
		add_route(g, &t->routes[i]);
	/* Retry budgets (GEP-3388): each accepted XBackendTrafficPolicy with a retryConstraint on
	 * the Services it targets, the CRD defaults where a field is unset. */
	for (size_t i = 0; i < t->n_policies; i++) {
		const struct topo_policy *tp = &t->policies[i];
		const struct gt_policy *p = &tp->obj->u.pol;
		if (tp->obj->kind != GT_XBACKENDTRAFFICPOLICY || !tp->accepted || !p->has_retry_constraint)
			continue;
		struct cg_budget b;
		cg_budget_defaults(&b);
		if (p->budget_percent >= 0)
			b.percent = p->budget_percent;
		if (duration_ms(p->budget_interval) > 0)
			b.interval_ms = duration_ms(p->budget_interval);
		if (p->min_retry_count >= 0)
			b.min_count = p->min_retry_count;
		if (duration_ms(p->min_retry_interval) > 0)
			b.min_interval_ms = duration_ms(p->min_retry_interval);
		for (size_t k = 0; k < p->n_targets; k++) {
			size_t n = callgraph_find_node(g, CG_SERVICE, tp->obj->meta.namespace_,
			                               p->targets[k].name);
			if (n != CG_NONE && str_eq(p->targets[k].kind, "Service"))
				callgraph_set_budget(g, n, &b);
		}
	}
	return g;
}
