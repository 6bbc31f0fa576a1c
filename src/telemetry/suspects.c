/* suspects.c: the changes to a route and what it depends on before its figures moved,
 * ranked and explained, with the figures around each change; and the markers of a route's
 * sparklines (see suspects.h). */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/objdiff.h"
#include "gammatop/samples.h"
#include "gammatop/str.h"
#include "gammatop/strmap.h"
#include "gammatop/suspects.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#define DEFAULT_EFFECT_MS (5 * 60 * 1000)

/* ---- what a route depends on ---- */

static void rel_add(struct suspects_rels *rels, enum gt_kind kind, const char *ns,
                    const char *name, const char *relation, double weight)
{
	if (!name || !*name)
		return;
	const char *n = kind_namespaced(kind) ? (ns ? ns : "") : "";
	for (size_t i = 0; i < rels->n; i++) {
		struct suspects_rel *r = &rels->items[i];
		if (r->kind == kind && !strcmp(r->ns, n) && !strcmp(r->name, name)) {
			if (weight > r->weight) {
				r->weight = weight;
				r->relation = relation;
			}
			return;
		}
	}
	rels->items = xreallocarray(rels->items, rels->n + 1, sizeof *rels->items);
	rels->items[rels->n++] = (struct suspects_rel){kind, xstrdup(n), xstrdup(name), relation,
	                                               weight};
}

void suspects_rels_done(struct suspects_rels *rels)
{
	for (size_t i = 0; i < rels->n; i++) {
		free(rels->items[i].ns);
		free(rels->items[i].name);
	}
	free(rels->items);
	memset(rels, 0, sizeof *rels);
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void suspects_rels_from_route(struct suspects_rels *rels, enum gt_kind kind, const char *ns,
                              const char *name, const json_t *route_doc,
                              const char *(*gateway_class)(const char *ns, const char *name,
                                                           void *ud),
                              void *ud)
{
	rel_add(rels, kind, ns, name, "the route itself", 1.0);
	const json_t *spec = json_object_get(route_doc, "spec");
	size_t i, j;
	json_t *p, *rule, *b;
	json_array_foreach(json_object_get(spec, "parentRefs"), i, p) {
		const char *pk = str_or(jstr(p, "kind"), "Gateway"), *pg = jstr(p, "group");
		const char *pns = str_or(jstr(p, "namespace"), ns);
		if (!strcmp(pk, "Gateway") && (!pg || !strcmp(pg, GW_GROUP))) {
			rel_add(rels, GT_GATEWAY, pns, jstr(p, "name"), "its parent Gateway", 0.8);
			const char *cls = gateway_class ? gateway_class(pns, jstr(p, "name"), ud) : NULL;
			if (cls)
				rel_add(rels, GT_GATEWAYCLASS, "", cls, "the GatewayClass of its Gateway", 0.5);
		} else if (!strcmp(pk, "Service") && (!pg || !*pg || !strcmp(pg, "core"))) {
			rel_add(rels, GT_SERVICE, pns, jstr(p, "name"), "its parent Service", 0.8);
		}
	}
	json_array_foreach(json_object_get(spec, "rules"), i, rule) {
		json_array_foreach(json_object_get(rule, "backendRefs"), j, b) {
			const char *bk = str_or(jstr(b, "kind"), "Service"), *bg = jstr(b, "group");
			if (strcmp(bk, "Service") != 0 || (bg && *bg && strcmp(bg, "core") != 0))
				continue;
			const char *bns = str_or(jstr(b, "namespace"), ns);
			rel_add(rels, GT_SERVICE, bns, jstr(b, "name"), "its backend Service", 0.75);
			if (strcmp(bns, ns) != 0) /* allowed by a ReferenceGrant there */
				rel_add(rels, GT_REFERENCEGRANT, bns, "*",
				        "a ReferenceGrant its cross-namespace backend needs", 0.6);
		}
	}
}

/* ---- scoring ---- */

struct field_kind {
	double weight;
	char *what; /* owned: "changes timeouts (spec.rules[0].timeouts.request)" */
};

static void field_of_path(const char *path, struct field_kind *best)
{
	static const struct {
		const char *needle, *what;
		double weight;
	} kinds[] = {
		{".timeouts", "changes timeouts", 1.0},
		{".retry", "changes retries", 1.0},
		{".backendRefs", "changes backends", 0.8},
		{"spec.parentRefs", "changes parents", 0.8},
		{"spec.ports", "changes ports", 0.8},
		{"spec.listeners", "changes listeners", 0.8},
		{"spec.gatewayClassName", "changes the GatewayClass", 0.8},
		{"spec.from", "changes which references it allows", 0.8},
		{"spec.to", "changes which references it allows", 0.8},
	};
	double w = 0.15;
	const char *what = "changes only labels or annotations";
	if (objdiff_path_under(path, "status") || objdiff_path_under(path, "metadata.generation"))
		return;
	if (objdiff_path_under(path, "spec")) {
		w = 0.5;
		what = "changes the spec";
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
			if (strstr(path, kinds[i].needle)) {
				w = kinds[i].weight;
				what = kinds[i].what;
				break;
			}
	}
	if (w > best->weight) {
		best->weight = w;
		free(best->what);
		best->what = xasprintf("%s (%s)", what, path);
	}
}

static void field_of(const struct journal_change *ch, struct field_kind *f)
{
	f->weight = 0;
	f->what = NULL;
	if (str_eq(ch->type, JOURNAL_DELETED)) {
		f->weight = 0.9;
		f->what = xstrdup("was deleted");
		return;
	}
	if (str_eq(ch->type, JOURNAL_ADDED)) {
		f->weight = 0.7;
		f->what = xstrdup("was created");
		return;
	}
	json_t *d = ch->diff ? json_loads(ch->diff, 0, NULL) : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(d, i, e) {
		const char *path = jstr(e, "path");
		if (path)
			field_of_path(path, f);
	}
	json_decref(d);
	if (!f->what) {
		f->weight = 0.15;
		f->what = xstrdup("changes only labels or annotations");
	}
}

double suspects_score(const struct journal_change *ch, const char *relation, double weight,
                      int64_t at_ms, int64_t window_ms, struct buf *why)
{
	struct field_kind f;
	field_of(ch, &f);
	int64_t before = at_ms - ch->at_ms;
	if (before < 0)
		before = 0;
	double recency = window_ms > 0 ? 1.0 - (double)before / (double)window_ms : 1.0;
	if (recency < 0)
		recency = 0;
	double score = 0.45 * weight + 0.35 * f.weight + 0.20 * recency;
	if (why) {
		char age[32];
		time_age(before / 1000, age, sizeof age);
		buf_printf(why, "%s; %s%s before; %s", relation, ch->approx ? "about " : "", age, f.what);
	}
	free(f.what);
	return score;
}

/* ---- figures ---- */

struct fig_acc {
	const char *route_id;
	const struct suspects_rels *rels;
	struct sample_counts route_row, rules, svcs;
	bool have_route, have_rules, have_svcs;
};

static void acc_cb(const char *route, int rule, const char *scope, const struct sample_counts *sum,
                   void *ud)
{
	(void)scope;
	struct fig_acc *a = ud;
	if (!strcmp(route, a->route_id)) {
		if (rule < 0) {
			samples_counts_add(&a->route_row, sum);
			a->have_route = true;
		} else {
			samples_counts_add(&a->rules, sum);
			a->have_rules = true;
		}
		return;
	}
	for (size_t i = 0; a->rels && i < a->rels->n; i++) {
		const struct suspects_rel *r = &a->rels->items[i];
		if (r->kind != GT_SERVICE || strcmp(r->relation, "its backend Service") != 0)
			continue;
		char id[600];
		snprintf(id, sizeof id, "service/%s/%s", r->ns, r->name);
		if (!strcmp(route, id) && rule < 0) {
			samples_counts_add(&a->svcs, sum);
			a->have_svcs = true;
		}
	}
}

int suspects_figures(struct cache *c, const char *source, const char *route_id,
                     const struct suspects_rels *rels, int64_t from_ms, int64_t to_ms,
                     double out[FIG_N], char *err, size_t errlen)
{
	for (int i = 0; i < FIG_N; i++)
		out[i] = NAN;
	if (!source || to_ms <= from_ms)
		return 0;
	struct fig_acc a = {.route_id = route_id, .rels = rels};
	if (samples_window(c, source, from_ms, to_ms, acc_cb, &a, err, errlen) < 0)
		return -1;
	const struct sample_counts *s = a.have_route ? &a.route_row : a.have_rules ? &a.rules
	                                : a.have_svcs ? &a.svcs : NULL;
	if (!s)
		return 0;
	figures_compute(s, out);
	return 1;
}

/* The telemetry source to read: asked, else the cluster's scrape, else the newest. */
static char *pick_source(struct cache *c, const struct suspects_query *q)
{
	if (q->source)
		return xstrdup(q->source);
	char *mine = xasprintf("scrape %s", q->cluster), *newest = NULL;
	int64_t t;
	if (samples_source_latest(c, mine, &t, NULL, 0) > 0)
		return mine;
	free(mine);
	return samples_latest(c, &newest, &t, NULL, 0) > 0 ? newest : NULL;
}

/* ---- finding them ---- */

struct class_lookup {
	struct cache *c;
	const char *cluster;
	int64_t at_ms;
	char buf[256];
};

static const char *gateway_class(const char *ns, const char *name, void *ud)
{
	struct class_lookup *l = ud;
	json_t *doc = NULL;
	if (journal_doc_at(l->c, l->cluster, GT_GATEWAY, ns, name, l->at_ms, &doc, NULL, 0) <= 0)
		return NULL;
	const char *cls = jstr(json_object_get(doc, "spec"), "gatewayClassName");
	snprintf(l->buf, sizeof l->buf, "%s", cls ? cls : "");
	json_decref(doc);
	return l->buf[0] ? l->buf : NULL;
}

/* What the route depends on at the window's end and at its start. */
static int related(struct cache *c, const char *cluster, enum gt_kind kind, const char *ns,
                   const char *name, int64_t from_ms, int64_t to_ms, struct suspects_rels *rels,
                   char *err, size_t errlen)
{
	memset(rels, 0, sizeof *rels);
	int64_t when[2] = {to_ms, from_ms};
	bool found = false;
	for (int i = 0; i < 2; i++) {
		json_t *doc = NULL;
		int r = journal_doc_at(c, cluster, kind, ns, name, when[i], &doc, err, errlen);
		if (r < 0 && i == 0)
			return -1;
		if (r <= 0)
			continue;
		struct class_lookup l = {.c = c, .cluster = cluster, .at_ms = when[i]};
		suspects_rels_from_route(rels, kind, ns, name, doc, gateway_class, &l);
		json_decref(doc);
		found = true;
	}
	if (!found) {
		/* deleted before the window's end and made after its start: the route alone */
		rel_add(rels, kind, ns, name, "the route itself", 1.0);
	}
	return 0;
}

static void change_move(struct journal_change *dst, struct journal_change *src)
{
	*dst = *src;
	memset(src, 0, sizeof *src);
}

static int cmp_score(const void *a, const void *b)
{
	const struct suspect *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->change.at_ms < y->change.at_ms ? 1 : x->change.at_ms > y->change.at_ms ? -1 : 0;
}

/* The changes to rels between from and to into list (deduplicated by id). */
static int changes_of(struct cache *c, const char *cluster, const struct suspects_rels *rels,
                      int64_t from_ms, int64_t to_ms,
                      void (*take)(struct journal_change *ch, const struct suspects_rel *r, void *ud),
                      void *ud, char *err, size_t errlen)
{
	for (size_t i = 0; i < rels->n; i++) {
		const struct suspects_rel *r = &rels->items[i];
		struct journal_query q = {.cluster = cluster, .kind = (int)r->kind, .ns = r->ns,
		                          .name = strcmp(r->name, "*") ? r->name : NULL,
		                          .since_ms = from_ms, .until_ms = to_ms};
		struct journal_change *list;
		size_t n;
		if (journal_list(c, &q, &list, &n, err, errlen) < 0)
			return -1;
		for (size_t k = 0; k < n; k++)
			take(&list[k], r, ud);
		journal_changes_free(list, n);
	}
	return 0;
}

struct collect {
	struct suspects *out;
	const struct suspects_query *q;
	struct strmap seen; /* change id -> index + 1 */
};

static void take_suspect(struct journal_change *ch, const struct suspects_rel *r, void *ud)
{
	struct collect *col = ud;
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)ch->id);
	struct buf why;
	buf_init(&why);
	double score = suspects_score(ch, r->relation, r->weight, col->q->at_ms, col->q->window_ms,
	                              &why);
	bool created;
	void **slot = strmap_slot(&col->seen, id, &created);
	if (!created) { /* the same change through another relation: keep the better */
		struct suspect *s = &col->out->items[(size_t)(uintptr_t)*slot - 1];
		if (score > s->score) {
			s->score = score;
			s->relation = r->relation;
			free(s->why);
			s->why = buf_steal(&why);
		}
		buf_done(&why);
		return;
	}
	struct suspects *out = col->out;
	out->items = xreallocarray(out->items, out->n + 1, sizeof *out->items);
	struct suspect *s = &out->items[out->n++];
	memset(s, 0, sizeof *s);
	change_move(&s->change, ch);
	s->relation = r->relation;
	s->score = score;
	s->why = buf_steal(&why);
	*slot = (void *)(uintptr_t)out->n;
}

int suspects_find(struct cache *c, const struct suspects_query *q, struct suspects *out,
                  char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int64_t from = q->at_ms - q->window_ms;
	struct suspects_rels rels;
	if (related(c, q->cluster, q->kind, q->ns, q->name, from, q->at_ms, &rels, err, errlen) < 0)
		return -1;
	struct collect col = {.out = out, .q = q};
	strmap_init(&col.seen, NULL);
	int rc = changes_of(c, q->cluster, &rels, from, q->at_ms, take_suspect, &col, err, errlen);
	strmap_done(&col.seen);
	if (rc < 0) {
		suspects_rels_done(&rels);
		suspects_done(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->items, out->n, sizeof *out->items, cmp_score);
	out->source = pick_source(c, q);
	char route_id[600];
	snprintf(route_id, sizeof route_id, "%s/%s/%s", kind_id(q->kind), q->ns, q->name);
	int64_t eff = q->effect_ms > 0 ? q->effect_ms : DEFAULT_EFFECT_MS;
	char ferr[256];
	int64_t first = q->at_ms; /* before anything in the window changed */
	for (size_t i = 0; i < out->n; i++)
		if (out->items[i].change.at_ms < first)
			first = out->items[i].change.at_ms;
	out->have_shift =
		suspects_figures(c, out->source, route_id, &rels, first - eff, first, out->then_fig,
		                 ferr, sizeof ferr) > 0 &&
		suspects_figures(c, out->source, route_id, &rels, q->at_ms - eff, q->at_ms + 1,
		                 out->now_fig, ferr, sizeof ferr) > 0;
	for (size_t i = 0; i < out->n; i++) {
		struct suspect *s = &out->items[i];
		int64_t t = s->change.at_ms;
		s->have_figures =
			suspects_figures(c, out->source, route_id, &rels, t - eff, t, s->before, ferr,
			                 sizeof ferr) > 0 &&
			suspects_figures(c, out->source, route_id, &rels, t, t + eff, s->after, ferr,
			                 sizeof ferr) > 0;
	}
	suspects_rels_done(&rels);
	return 0;
}

void suspects_done(struct suspects *s)
{
	for (size_t i = 0; i < s->n; i++) {
		journal_change_done(&s->items[i].change);
		free(s->items[i].why);
	}
	free(s->items);
	free(s->source);
	memset(s, 0, sizeof *s);
}

/* ---- markers ---- */

struct mcollect {
	struct suspects_marker *items;
	size_t n;
	struct strmap seen;
};

static void take_marker(struct journal_change *ch, const struct suspects_rel *r, void *ud)
{
	struct mcollect *m = ud;
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)ch->id);
	bool created;
	strmap_slot(&m->seen, id, &created);
	if (!created)
		return;
	m->items = xreallocarray(m->items, m->n + 1, sizeof *m->items);
	m->items[m->n++] = (struct suspects_marker){
		.at_ms = ch->at_ms, .approx = ch->approx, .relation = r->relation,
		.object = xasprintf("%s/%s%s%s", kind_id(ch->kind), ch->ns, *ch->ns ? "/" : "", ch->name),
		.who = xstrdup_null(ch->manager), .summary = xstrdup(ch->summary ? ch->summary : ""),
		.audit_id = ch->audit_id};
}

static int cmp_marker(const void *a, const void *b)
{
	const struct suspects_marker *x = a, *y = b;
	return x->at_ms < y->at_ms ? -1 : x->at_ms > y->at_ms ? 1 : 0;
}

int suspects_markers(struct cache *c, const char *cluster, enum gt_kind kind, const char *ns,
                     const char *name, int64_t from_ms, int64_t to_ms,
                     struct suspects_marker **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	struct suspects_rels rels;
	if (related(c, cluster, kind, ns, name, from_ms, to_ms, &rels, err, errlen) < 0)
		return -1;
	struct mcollect m = {0};
	strmap_init(&m.seen, NULL);
	int rc = changes_of(c, cluster, &rels, from_ms, to_ms, take_marker, &m, err, errlen);
	strmap_done(&m.seen);
	suspects_rels_done(&rels);
	if (rc < 0) {
		suspects_markers_free(m.items, m.n);
		return -1;
	}
	if (m.n > 1)
		qsort(m.items, m.n, sizeof *m.items, cmp_marker);
	*out = m.items;
	*n = m.n;
	return 0;
}

void suspects_markers_free(struct suspects_marker *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].object);
		free(m[i].who);
		free(m[i].summary);
	}
	free(m);
}
