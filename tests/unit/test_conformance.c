/* test_conformance.c: the status assertions of the Gateway API v1.6.1 conformance suite that
 * need no live traffic and no address assignment, run against gammatop's computed status.
 * Each world is tests/fixtures/conformance/NAME.yaml (our own manifests, shaped after the
 * upstream test it names) with NAME.expect, the assertions derived from that test's .go file
 * (see tests/fixtures/conformance/README.md for the format). The world is loaded as
 * `snapshot --manifests` loads files (manifest_load_store), the topology built, and every
 * assertion checked. "expect" lines must hold; "gap" lines are derived assertions gammatop
 * cannot meet yet, each with its reason: they are listed and counted, and one that starts to
 * hold fails the test so that it is turned into an "expect". Worlds that name upstream
 * manifests from ../shared ("shared" lines) are skipped when ../shared is absent. Prints
 * "N derived, M hold". */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gammatop/diag.h"
#include "gammatop/manifest.h"
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"

static int n_derived, n_hold, n_gaps, n_bad;

struct world {
	const char *name;
	struct gt_topology *t;
};

/* "ns/name[/section]" split into parts (in place). */
static void split_nn(char *s, char **ns, char **name, char **section)
{
	*ns = s;
	*name = strchr(s, '/');
	*section = NULL;
	if (!*name) {
		*name = s;
		*ns = (char *)"";
		return;
	}
	*(*name)++ = '\0';
	char *sl = strchr(*name, '/');
	if (sl) {
		*sl = '\0';
		*section = sl + 1;
	}
}

static bool cond_holds(const char *status, const char *reason, const char *want_status,
                       const char *want_reason, char *why, size_t n)
{
	if (!status) {
		snprintf(why, n, "no such condition computed");
		return false;
	}
	if (!str_eq(status, want_status) ||
	    (want_reason && !str_eq(want_reason, "*") && !str_eq(reason, want_reason))) {
		snprintf(why, n, "computed %s %s", status, str_or(reason, "(no reason)"));
		return false;
	}
	return true;
}

static bool check_conditions(const struct topo_conditions *c, const char *type,
                             const char *want_status, const char *want_reason, char *why, size_t n)
{
	const struct topo_condition *k = topo_conditions_find(c, type);
	return cond_holds(k ? k->status : NULL, k ? k->reason : NULL, want_status, want_reason, why,
	                  n);
}

static const struct topo_listener *find_listener(const struct topo_listener *ls, size_t n,
                                                 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(ls[i].listener->name, name))
			return &ls[i];
	return NULL;
}

static bool check_listener(const struct world *w, char **tok, int nt, char *why, size_t n)
{
	/* listener gateway|listenerset NS/NAME LISTENER WHAT ... */
	if (nt < 5)
		return snprintf(why, n, "malformed"), false;
	char *ns, *name, *section;
	split_nn(tok[2], &ns, &name, &section);
	const struct topo_listener *ls = NULL;
	size_t nl = 0;
	if (str_eq(tok[1], "gateway")) {
		const struct topo_gateway *g = topology_find_gateway(w->t, ns, name);
		if (g)
			ls = g->listeners, nl = g->n_listeners;
		else
			return snprintf(why, n, "no such gateway"), false;
	} else {
		const struct topo_listenerset *s = topology_find_listenerset(w->t, ns, name);
		if (s)
			ls = s->listeners, nl = s->n_listeners;
		else
			return snprintf(why, n, "no such listenerset"), false;
	}
	const struct topo_listener *l = find_listener(ls, nl, tok[3]);
	if (!l)
		return snprintf(why, n, "no such listener (or its owner was not taken)"), false;
	if (str_eq(tok[4], "attachedRoutes")) {
		int want = nt > 5 ? atoi(tok[5]) : -1;
		if (l->attached_routes != want)
			return snprintf(why, n, "computed %d", l->attached_routes), false;
		return true;
	}
	if (str_eq(tok[4], "supportedKinds")) {
		/* as the suite's listener matcher: "-" wants none, else every listed kind present */
		char got[128] = "";
		for (size_t i = 0; i < l->n_supported_kinds; i++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "," : "",
			         l->supported_kinds[i]);
		const char *want = nt > 5 ? tok[5] : "-";
		if (str_eq(want, "-")) {
			if (l->n_supported_kinds)
				return snprintf(why, n, "computed '%s'", got), false;
			return true;
		}
		char wk[128];
		snprintf(wk, sizeof wk, "%s", want);
		for (char *save = NULL, *k = strtok_r(wk, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
			bool found = false;
			for (size_t i = 0; i < l->n_supported_kinds; i++)
				found |= str_eq(l->supported_kinds[i], k);
			if (!found)
				return snprintf(why, n, "computed '%s'", got), false;
		}
		return true;
	}
	return check_conditions(&l->conditions, tok[4], nt > 5 ? tok[5] : "", nt > 6 ? tok[6] : NULL,
	                        why, n);
}

static bool check_route(const struct world *w, char **tok, int nt, char *why, size_t n)
{
	/* route KIND NS/NAME PARENTKIND PNS/PNAME[/SECTION] COND STATUS [REASON] */
	if (nt < 7)
		return snprintf(why, n, "malformed"), false;
	int k = kind_from_name(tok[1]);
	char *ns, *name, *section, *pns, *pname, *psection;
	split_nn(tok[2], &ns, &name, &section);
	const struct topo_route *r = k < 0 ? NULL : topology_find_route(w->t, (enum gt_kind)k, ns, name);
	if (!r)
		return snprintf(why, n, "no such route"), false;
	split_nn(tok[4], &pns, &pname, &psection);
	const struct topo_parent *p = NULL;
	for (size_t i = 0; i < r->n_parents && !p; i++) {
		const struct gt_parent_ref *ref = r->parents[i].ref;
		if (str_eq(ref->kind, tok[3]) && str_eq(ref->namespace_, pns) && str_eq(ref->name, pname) &&
		    str_eq(ref->section_name, psection))
			p = &r->parents[i];
	}
	if (!p)
		return snprintf(why, n, "no such parentRef"), false;
	const char *want_reason = nt > 7 ? tok[7] : NULL;
	if (str_eq(tok[5], "Accepted"))
		return cond_holds(p->attached ? "True" : "False", p->reason, tok[6], want_reason, why, n);
	if (str_eq(tok[5], "ResolvedRefs")) {
		const char *reason = "ResolvedRefs";
		for (size_t i = 0; i < r->n_rules && !r->refs_resolved && str_eq(reason, "ResolvedRefs"); i++)
			for (size_t b = 0; b < r->rules[i].n_backends; b++)
				if (!r->rules[i].backends[b].resolved) {
					reason = r->rules[i].backends[b].reason;
					break;
				}
		return cond_holds(r->refs_resolved ? "True" : "False", reason, tok[6], want_reason, why, n);
	}
	return snprintf(why, n, "unknown route condition %s", tok[5]), false;
}

static bool check_policy(const struct world *w, char **tok, int nt, char *why, size_t n)
{
	/* policy KIND NS/NAME ancestors N | policy KIND NS/NAME ancestor KIND NS/NAME COND STATUS [REASON] */
	if (nt < 5)
		return snprintf(why, n, "malformed"), false;
	int k = kind_from_name(tok[1]);
	char *ns, *name, *section;
	split_nn(tok[2], &ns, &name, &section);
	const struct topo_policy *p = NULL;
	for (size_t i = 0; i < w->t->n_policies && !p; i++) {
		const struct gt_object *o = w->t->policies[i].obj;
		if ((int)o->kind == k && str_eq(object_ns(o), ns) && str_eq(o->meta.name, name))
			p = &w->t->policies[i];
	}
	if (!p)
		return snprintf(why, n, "no such policy"), false;
	if (str_eq(tok[3], "ancestors")) {
		if ((int)p->n_ancestors != atoi(tok[4]))
			return snprintf(why, n, "computed %zu ancestors", p->n_ancestors), false;
		return true;
	}
	if (nt < 8)
		return snprintf(why, n, "malformed"), false;
	char *ans, *aname, *asec;
	split_nn(tok[5], &ans, &aname, &asec);
	bool found = false;
	for (size_t i = 0; i < p->n_ancestors; i++)
		found |= str_eq(p->ancestors[i].kind, tok[4]) && str_eq(p->ancestors[i].name, aname) &&
		         (!p->ancestors[i].ns || str_eq(p->ancestors[i].ns, ans));
	if (!found)
		return snprintf(why, n, "not an ancestor"), false;
	return check_conditions(&p->conditions, tok[6], tok[7], nt > 8 ? tok[8] : NULL, why, n);
}

static bool check(const struct world *w, char **tok, int nt, char *why, size_t n)
{
	why[0] = '\0';
	if (str_eq(tok[0], "gateway")) {
		char *ns, *name, *section;
		if (nt < 3)
			return snprintf(why, n, "malformed"), false;
		split_nn(tok[1], &ns, &name, &section);
		const struct topo_gateway *g = topology_find_gateway(w->t, ns, name);
		if (!g)
			return snprintf(why, n, "no such gateway"), false;
		if (str_eq(tok[2], "attachedListenerSets")) {
			if (nt < 4 || g->attached_listener_sets != atoi(tok[3]))
				return snprintf(why, n, "computed %d", g->attached_listener_sets), false;
			return true;
		}
		return check_conditions(&g->conditions, tok[2], nt > 3 ? tok[3] : "", nt > 4 ? tok[4] : NULL,
		                        why, n);
	}
	if (str_eq(tok[0], "listenerset")) {
		char *ns, *name, *section;
		if (nt < 4)
			return snprintf(why, n, "malformed"), false;
		split_nn(tok[1], &ns, &name, &section);
		const struct topo_listenerset *s = topology_find_listenerset(w->t, ns, name);
		if (!s)
			return snprintf(why, n, "no such listenerset"), false;
		return check_conditions(&s->conditions, tok[2], tok[3], nt > 4 ? tok[4] : NULL, why, n);
	}
	if (str_eq(tok[0], "listener"))
		return check_listener(w, tok, nt, why, n);
	if (str_eq(tok[0], "route"))
		return check_route(w, tok, nt, why, n);
	if (str_eq(tok[0], "policy"))
		return check_policy(w, tok, nt, why, n);
	return snprintf(why, n, "unknown subject %s", tok[0]), false;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)len + 1);
	size_t got = fread(s, 1, (size_t)len, f);
	s[got] = '\0';
	fclose(f);
	return s;
}

/* Run one world; returns false when it was skipped. */
static bool run_world(const char *dir, const char *shared, const char *base)
{
	char path[2048];
	snprintf(path, sizeof path, "%.1000s/%.200s.expect", dir, base);
	char *text = read_all(path);
	assert_non_null(text);
	/* the files to load: our world, then any shared upstream manifests */
	const char *files[8];
	char bufs[8][2048];
	size_t nf = 0;
	snprintf(bufs[nf], sizeof bufs[nf], "%.1000s/%.200s.yaml", dir, base);
	if (access(bufs[nf], R_OK) == 0) {
		files[nf] = bufs[nf];
		nf++;
	}
	bool follows = false;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (str_starts(line, "follows "))
			follows = true;
		if (!str_starts(line, "shared "))
			continue;
		if (!shared) {
			printf("# %s: skipped (../shared is absent)\n", base);
			free(text);
			return false;
		}
		if (nf < 8) {
			snprintf(bufs[nf], sizeof bufs[nf], "%.1000s/%.900s", shared, line + 7);
			if (access(bufs[nf], R_OK) != 0) {
				printf("# %s: skipped (%s is absent)\n", base, bufs[nf]);
				free(text);
				return false;
			}
			files[nf] = bufs[nf];
			nf++;
		}
	}
	free(text);
	if (!follows)
		fail_msg("%s.expect: no 'follows' line naming the upstream test", base);
	struct gt_store *s = store_new();
	struct diag d;
	diag_init(&d);
	manifest_load_store(s, files, nf, &d);
	diag_done(&d);
	struct world w = {base, topology_build(s)};
	text = read_all(path);
	int lineno = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		bool gap = str_starts(line, "gap ");
		if (!gap && !str_starts(line, "expect "))
			continue;
		char *body = line + (gap ? 4 : 7);
		char reason[256] = "";
		if (gap) { /* gap "why" assertion */
			char *q1 = strchr(body, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
			if (!q1 || !q2)
				fail_msg("%s.expect:%d: gap without a quoted reason", base, lineno);
			snprintf(reason, sizeof reason, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
			body = q2 + 1;
		}
		char copy[512];
		snprintf(copy, sizeof copy, "%s", body);
		char *tok[12];
		int nt = 0;
		for (char *t = strtok(copy, " \t"); t && nt < 12; t = strtok(NULL, " \t"))
			tok[nt++] = t;
		if (nt == 0)
			continue;
		char why[256];
		bool ok = check(&w, tok, nt, why, sizeof why);
		n_derived++;
		if (ok)
			n_hold++;
		if (gap && ok) {
			printf("%s:%d: a gap now holds, make it an expect:%s\n", base, lineno, body);
			n_bad++;
		} else if (gap) {
			printf("# unmet %s:%d:%s (%s; gap: %s)\n", base, lineno, body, why, reason);
			n_gaps++;
		} else if (!ok) {
			printf("FAIL %s:%d:%s (%s)\n", base, lineno, body, why);
			n_bad++;
		}
	}
	free(text);
	topology_free(w.t);
	store_free(s);
	return true;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void test_conformance_worlds(void **state)
{
	(void)state;
	const char *src = getenv("GT_SRCDIR");
	char dir[1024], shared[1024];
	snprintf(dir, sizeof dir, "%.900s/tests/fixtures/conformance", src ? src : ".");
	const char *sh = getenv("GT_SHARED");
	snprintf(shared, sizeof shared, "%.900s/data/gateway-api-v1.6.1", sh ? sh : "../shared");
	bool have_shared = access(shared, R_OK) == 0;
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, by_name);
	assert_true(n > 0);
	int worlds = 0, skipped = 0;
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		if (l > 7 && !strcmp(nm + l - 7, ".expect")) {
			char base[256];
			snprintf(base, sizeof base, "%.*s", (int)(l - 7), nm);
			if (run_world(dir, have_shared ? shared : NULL, base))
				worlds++;
			else
				skipped++;
		}
		free(ents[i]);
	}
	free(ents);
	printf("# conformance: %d worlds (%d skipped), %d derived, %d hold, %d known gaps\n", worlds,
	       skipped, n_derived, n_hold, n_gaps);
	assert_true(worlds > 0);
	assert_int_equal(n_bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance_worlds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
