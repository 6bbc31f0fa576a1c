/* cmd_diff.c: `gammatop diff A B`, the postmortem diff: each side is a snapshot file (JSON or
 * YAML, as `snapshot` writes it) or a time (rebuilt from the change journal, as `snapshot
 * --at`); what changed in topology, attachment, policy, findings and figures, object by
 * object. -o table (one line per change), json, or yaml-diff (a unified diff of each changed
 * object's YAML). Exit 0: no difference, 1: differences, 2: could not compare. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_journal.h"
#include "cmd_source.h"
#include "gammatop/figures.h"
#include "gammatop/jsonout.h"
#include "gammatop/lint.h"
#include "gammatop/linediff.h"
#include "gammatop/log.h"
#include "gammatop/manifest.h"
#include "gammatop/objdiff.h"
#include "gammatop/snapshot.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

static const char usage[] = "gammatop diff A B [-o table|json|yaml-diff] [OPTIONS]";
static const char summary[] =
	"Compare two states of a cluster: each of A and B is a snapshot file ('gammatop snapshot'\n"
	"-o json or -o yaml) or a time (RFC 3339, or a duration ago: -30m, 2h), rebuilt from the\n"
	"change journal in the cache as 'snapshot --at' does (with --offline, with the figures of\n"
	"the --window ending then). Prints what changed in topology (objects, parents, backends,\n"
	"listeners), attachment (computed and reported), policy (timeouts, retry), findings and\n"
	"figures. -o table (default): one line per change; -o json; -o yaml-diff: a unified diff\n"
	"of each changed object's YAML. Exit 0: no difference, 1: differences, 2: error.";

enum diff_fmt { FMT_TABLE, FMT_JSON, FMT_YAML_DIFF };

/* ---- the two sides ---- */

/* A snapshot document read from path (JSON or YAML). NULL after printing why. */
static json_t *load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cmd_error("diff: cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	struct buf b;
	buf_init(&b);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	json_t *doc = NULL;
	if (bad) {
		cmd_error("diff: cannot read %s: %s", path, strerror(errno));
	} else {
		json_error_t je;
		doc = json_loadb(buf_str(&b), b.len, 0, &je);
		if (!doc) {
			char err[256] = "";
			doc = manifest_yaml_to_json(buf_str(&b), b.len, err, sizeof err);
			if (!doc)
				cmd_error("diff: %s is neither JSON (line %d: %s) nor YAML (%s)", path, je.line,
				          je.text, err);
		}
	}
	buf_done(&b);
	if (doc && (!json_is_object(doc) || !str_eq(json_string_value(json_object_get(doc, "kind")),
	                                            "Snapshot"))) {
		cmd_error("diff: %s is not a gammatop snapshot (kind: Snapshot)", path);
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

/* The snapshot document of the cluster at a time (as `snapshot --at`). */
static json_t *at_time(const struct cmd_opts *o, int64_t at)
{
	struct cmd_source src;
	json_t *doc = NULL;
	if (cmd_journal_source_at(o, at, &src) == 0) {
		struct gt_topology *t = topology_build(src.store);
		struct findings fs;
		findings_init(&fs);
		lint_run(src.store, t, &fs);
		char *key = cmd_journal_cluster(o, NULL, NULL);
		struct figures_set *set = key ? cmd_journal_figures_at(o, key, at) : NULL;
		json_t *tel = set ? figures_set_json(set) : NULL;
		struct snapshot_input in = {
			.store = src.store, .topo = t, .findings = &fs,
			.source = {src.description, src.context, src.server, 0},
			.generated_at = (time_t)(at / 1000), .telemetry = tel,
		};
		doc = snapshot_build(&in);
		json_decref(tel);
		figures_set_free(set);
		free(key);
		findings_done(&fs);
		topology_free(t);
	}
	cmd_source_close(&src);
	return doc;
}

static json_t *side(const struct cmd_opts *o, const char *arg)
{
	struct stat st;
	if (stat(arg, &st) == 0 || strchr(arg, '/') || str_ends(arg, ".json") ||
	    str_ends(arg, ".yaml") || str_ends(arg, ".yml"))
		return load_file(arg);
	int64_t at;
	char err[512];
	if (cmd_time_parse(arg, time_wall_ms(), &at, err, sizeof err) < 0) {
		cmd_error("diff: '%s' is neither a snapshot file nor a time: %s", arg, err);
		return NULL;
	}
	return at_time(o, at);
}

/* ---- comparing ---- */

/* One object of a section, by its key. */
static char *key_of(const char *section, const json_t *o)
{
	const char *ns = json_string_value(json_object_get(o, "namespace"));
	const char *name = json_string_value(json_object_get(o, "name"));
	if (!strcmp(section, "routes")) {
		const char *k = json_string_value(json_object_get(o, "kind"));
		int kind = k ? kind_from_name(k) : -1;
		return xasprintf("%s/%s/%s", kind >= 0 ? kind_id((enum gt_kind)kind) : "route",
		                 ns ? ns : "", name ? name : "");
	}
	if (!strcmp(section, "gatewayClasses"))
		return xasprintf("gatewayclass/%s", name ? name : "");
	if (!strcmp(section, "gateways"))
		return xasprintf("gateway/%s/%s", ns ? ns : "", name ? name : "");
	if (!strcmp(section, "services"))
		return xasprintf("service/%s/%s", ns ? ns : "", name ? name : "");
	if (!strcmp(section, "telemetry")) {
		json_t *rule = json_object_get(o, "rule");
		const char *route = json_string_value(json_object_get(o, "route"));
		return json_is_integer(rule) && json_integer_value(rule) >= 0
		               ? xasprintf("%s rule %lld", route ? route : "?",
		                           (long long)json_integer_value(rule))
		               : xstrdup(route ? route : "?");
	}
	/* findings: the finding itself is its key */
	return xasprintf("%s %s %s %s", str_or(json_string_value(json_object_get(o, "code")), "?"),
	                 str_or(json_string_value(json_object_get(o, "object")), "?"),
	                 str_or(json_string_value(json_object_get(o, "field")), "-"),
	                 str_or(json_string_value(json_object_get(o, "message")), ""));
}

/* What a changed path means: topology, attachment, policy (or the section's own). */
static const char *category(const char *section, const char *path)
{
	if (!strcmp(section, "findings"))
		return "findings";
	if (!strcmp(section, "telemetry"))
		return "figures";
	if (strstr(path, ".timeouts") || strstr(path, ".retry"))
		return "policy";
	if (objdiff_path_under(path, "attached") || objdiff_path_under(path, "status") ||
	    strstr(path, "].attached") || strstr(path, "].reason") || strstr(path, "].message") ||
	    strstr(path, "].reported") || strstr(path, "].disagrees") ||
	    strstr(path, "].attachedRoutes") || strstr(path, "].listeners"))
		return "attachment";
	return "topology";
}

struct change {
	const char *section, *category;
	char *object, *path; /* owned */
	const char *op;      /* "added", "removed", "changed" */
	json_t *old_v, *new_v;
};

struct result {
	struct change *items;
	size_t n;
	/* for yaml-diff: the objects that differ, both sides (references; NULL when absent) */
	json_t *objects; /* [{"object", "a", "b"}] */
};

static void add_change(struct result *r, const char *section, const char *cat, const char *object,
                       const char *path, const char *op, const json_t *a, const json_t *b)
{
	r->items = xreallocarray(r->items, r->n + 1, sizeof *r->items);
	r->items[r->n++] = (struct change){section, cat, xstrdup(object), xstrdup(path), op,
	                                   json_incref((json_t *)a), json_incref((json_t *)b)};
}

static void index_section(const char *section, const json_t *arr, json_t *into)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		char *k = key_of(section, o);
		json_object_set(into, k, o);
		free(k);
	}
}

static void compare_section(struct result *r, const char *section, const json_t *a, const json_t *b)
{
	json_t *ia = json_object(), *ib = json_object();
	index_section(section, a, ia);
	index_section(section, b, ib);
	const char *k;
	json_t *va;
	json_object_foreach(ia, k, va) {
		json_t *vb = json_object_get(ib, k);
		if (!vb) {
			add_change(r, section, !strcmp(section, "findings") ? "findings"
			                       : !strcmp(section, "telemetry") ? "figures" : "topology",
			           k, "", "removed", va, NULL);
			json_array_append_new(r->objects, json_pack("{s:s, s:O, s:n}", "object", k, "a", va, "b"));
			continue;
		}
		struct objdiff d;
		objdiff_init(&d);
		objdiff_compute(&d, "", va, vb);
		for (size_t i = 0; i < d.n; i++)
			if (!str_ends(d.items[i].path, ".observedGeneration")) /* bookkeeping */
				add_change(r, section, category(section, d.items[i].path), k, d.items[i].path,
			           d.items[i].op == OBJDIFF_ADD ? "added"
			           : d.items[i].op == OBJDIFF_REMOVE ? "removed" : "changed",
			           d.items[i].old_v, d.items[i].new_v);
		if (d.n)
			json_array_append_new(r->objects, json_pack("{s:s, s:O, s:O}", "object", k, "a", va,
			                                            "b", vb));
		objdiff_done(&d);
	}
	json_t *vb;
	json_object_foreach(ib, k, vb) {
		if (json_object_get(ia, k))
			continue;
		add_change(r, section, !strcmp(section, "findings") ? "findings"
		                       : !strcmp(section, "telemetry") ? "figures" : "topology",
		           k, "", "added", NULL, vb);
		json_array_append_new(r->objects, json_pack("{s:s, s:n, s:O}", "object", k, "a", "b", vb));
	}
	json_decref(ia);
	json_decref(ib);
}

static void compare(struct result *r, const json_t *a, const json_t *b)
{
	static const char *const sections[] = {"gatewayClasses", "gateways", "services", "routes",
	                                       "findings"};
	r->objects = json_array();
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
		compare_section(r, sections[i], json_object_get(a, sections[i]),
		                json_object_get(b, sections[i]));
	const json_t *ta = json_object_get(a, "telemetry"), *tb = json_object_get(b, "telemetry");
	if (ta && tb) /* figures only when both sides have them */
		compare_section(r, "telemetry", json_object_get(ta, "routes"),
		                json_object_get(tb, "routes"));
}

static void result_done(struct result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].object);
		free(r->items[i].path);
		json_decref(r->items[i].old_v);
		json_decref(r->items[i].new_v);
	}
	free(r->items);
	json_decref(r->objects);
}

/* ---- output ---- */

static const char *when_of(const json_t *doc)
{
	return str_or(json_string_value(json_object_get(doc, "generatedAt")), "?");
}

static void write_table(FILE *f, const struct result *r, const json_t *a, const json_t *b)
{
	fprintf(f, "A: %s  B: %s\n", when_of(a), when_of(b));
	if (!r->n) {
		fprintf(f, "no difference\n");
		return;
	}
	fprintf(f, "%-10s  %-40s  %s\n", "CATEGORY", "OBJECT", "CHANGE");
	for (size_t i = 0; i < r->n; i++) {
		const struct change *c = &r->items[i];
		char *obj = str_sanitize(c->object), *what;
		if (!*c->path) {
			what = xstrdup(c->op);
		} else {
			struct objdiff_change oc = {(char *)c->path, OBJDIFF_SET, c->old_v, c->new_v};
			what = objdiff_change_text(&oc);
		}
		char *s = str_sanitize(what);
		fprintf(f, "%-10s  %-40s  %s\n", c->category, obj, s);
		free(obj);
		free(what);
		free(s);
	}
}

static int write_json(FILE *f, const struct result *r, const json_t *a, const json_t *b)
{
	json_t *items = json_array(), *counts = json_object();
	for (size_t i = 0; i < r->n; i++) {
		const struct change *c = &r->items[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "category", c->category, "section",
		                      c->section, "object", c->object, "path", c->path, "op", c->op);
		if (c->old_v)
			json_object_set(o, "old", c->old_v);
		if (c->new_v)
			json_object_set(o, "new", c->new_v);
		json_array_append_new(items, o);
		json_int_t n = json_integer_value(json_object_get(counts, c->category));
		json_object_set_new(counts, c->category, json_integer(n + 1));
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "apiVersion", "gammatop.dev/v1",
	                        "kind", "SnapshotDiff", "a", when_of(a), "b", when_of(b), "counts",
	                        counts, "differences", items);
	int rc = jsonout_write(f, doc, JSON_INDENT(2));
	json_decref(doc);
	return rc;
}

static void write_yaml_diff(FILE *f, const struct result *r)
{
	size_t i;
	json_t *o;
	json_array_foreach(r->objects, i, o) {
		const json_t *a = json_object_get(o, "a"), *b = json_object_get(o, "b");
		char *ya = json_is_null(a) ? xstrdup("") : manifest_json_to_yaml(a);
		char *yb = json_is_null(b) ? xstrdup("") : manifest_json_to_yaml(b);
		const char *name = json_string_value(json_object_get(o, "object"));
		char *na = xasprintf("a/%s", name), *nb = xasprintf("b/%s", name);
		char *u = linediff_unified(ya ? ya : "", yb ? yb : "", na, nb, 3);
		for (char *line = u, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n'); /* line by line: cluster text is sanitised, not the '\n' */
			if (nl)
				*nl = '\0';
			char *s = str_sanitize(line);
			fprintf(f, "%s\n", s);
			free(s);
			if (!nl)
				break;
		}
		free(u);
		free(na);
		free(nb);
		free(ya);
		free(yb);
	}
}

int cmd_diff(int argc, char **argv)
{
	struct cmd_opts o;
	int first = cmd_parse(argc, argv, usage, summary, NULL, NULL, NULL, &o);
	if (first == -2)
		return 0;
	if (first < 0)
		return EXIT_USAGE;
	int rc = EXIT_USAGE;
	enum diff_fmt fmt = FMT_TABLE;
	json_t *a = NULL, *b = NULL;
	if (o.format && !strcmp(o.format, "json"))
		fmt = FMT_JSON;
	else if (o.format && !strcmp(o.format, "yaml-diff"))
		fmt = FMT_YAML_DIFF;
	else if (o.format && strcmp(o.format, "table")) {
		cmd_error("diff: unknown output format '%s' (expected table, json or yaml-diff)", o.format);
		goto out;
	}
	if (argc - first != 2) {
		cmd_error("diff: needs two sides, A and B (see 'diff --help')");
		goto out;
	}
	if (!(a = side(&o, argv[first])) || !(b = side(&o, argv[first + 1])))
		goto out;
	struct result r = {0};
	compare(&r, a, b);
	FILE *f = cmd_open_output(&o);
	if (f) {
		if (fmt == FMT_JSON)
			write_json(f, &r, a, b);
		else if (fmt == FMT_YAML_DIFF)
			write_yaml_diff(f, &r);
		else
			write_table(f, &r, a, b);
		rc = cmd_close_output(&o, f) < 0 ? EXIT_USAGE : r.n ? EXIT_FINDINGS : 0;
	}
	result_done(&r);
out:
	json_decref(a);
	json_decref(b);
	cmd_opts_done(&o);
	log_close();
	return rc;
}
