/* cmd_paths.c: `gammatop paths [ROUTE|SERVICE]`: the call chains below a route or a Service
 * (or all of them) as a tree, worst path first, per hop the rule, its timeouts and attempts
 * and the call's observed rate, timeout and retry shares (telemetry when asked: --sample for
 * a direct scrape, --prometheus, --offline; "unknown" otherwise, never 0); -o json, -o dot
 * (the graph with the amplification on its edges). Exit 0, or 2 when it could not run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_source.h"
#include "cmd_figures.h"
#include "gammatop/callobs.h"
#include "gammatop/jsonout.h"
#include "gammatop/pathsout.h"
#include "gammatop/snapshot.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"

static const char usage[] =
	"gammatop paths [ROUTE|SERVICE] [-o table|json|dot] [--sample SECONDS] [OPTIONS]";
static const char summary[] =
	"Show the call chains below a route (KIND/NS/NAME or NS/NAME: every path through its\n"
	"rules) or a Service (service/NS/NAME: the chains it starts), or all of them, as a tree,\n"
	"worst path first: per hop the rule that governs the call, its request and per-try\n"
	"timeouts, its retry attempts, the observed requests per second, timeout and retry\n"
	"shares, the worst-case amplification (requests at the callee per request entering the\n"
	"path when every try fails; '!timeout' when the callee can outlive its caller's try) and\n"
	"the observed one. Telemetry: --sample SECONDS (scrape the proxies twice), --prometheus\n"
	"or --offline; without it the observed columns say unknown. -o dot renders the graph.";

enum { OPT_SAMPLE = 300 };

static const struct cmd_option paths_options[] = {
	{"sample", 1, OPT_SAMPLE, "SECONDS", "telemetry by direct scrape: seconds between two "
	 "scrapes (1..600)"},
	{NULL, 0, 0, NULL, NULL},
};

struct paths_args {
	int sample_s;
};

static int on_option(int val, const char *arg, void *ud)
{
	struct paths_args *a = ud;
	if (val != OPT_SAMPLE)
		return -1;
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v < 1 || v > 600) {
		cmd_error("paths: --sample %s: expected seconds 1..600", arg);
		return -1;
	}
	a->sample_s = (int)v;
	return 0;
}

enum fmt { FMT_TABLE, FMT_JSON, FMT_DOT };

static int parse_format(const char *s, enum fmt *f)
{
	if (!s || !strcmp(s, "table"))
		*f = FMT_TABLE;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else if (!strcmp(s, "dot"))
		*f = FMT_DOT;
	else {
		cmd_error("paths: unknown output format '%s' (expected table, json or dot)", s);
		return -1;
	}
	return 0;
}

/* Telemetry as asked; NULL without (or when it failed: said on stderr). */
static struct figures_set *telemetry(const struct cmd_opts *o, const struct paths_args *a,
                                     struct cmd_source *src)
{
	if (o->no_telemetry)
		return NULL;
	if (!a->sample_s || o->prometheus || o->offline)
		return cmd_source_figures(o, src, "paths");
	if (!src->cluster)
		return NULL;
	struct figures_set *set = NULL;
	if (cmd_top_figures(o, src, a->sample_s, NULL, &set) == 0) {
		figures_set_finish(set);
		return set;
	}
	figures_set_free(set);
	cmd_error("paths: continuing without telemetry");
	return NULL;
}

static int write_doc(FILE *f, enum fmt fmt, const struct callgraph *g,
                     const struct paths_result *r, const char *target,
                     const struct figures_set *set, const struct cmd_source *src)
{
	struct buf b;
	buf_init(&b);
	if (fmt == FMT_JSON) {
		json_t *doc = pathsout_json(g, r);
		json_object_set_new(doc, "apiVersion", json_string(SNAPSHOT_API_VERSION));
		json_object_set_new(doc, "kind", json_string("Paths"));
		json_object_set_new(doc, "source", snapshot_string(src->description));
		json_object_set_new(doc, "target", target ? json_string(target) : json_null());
		json_object_set_new(doc, "telemetry", set ? json_string(set->source) : json_null());
		char *text = jsonout_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(doc);
		if (!text) {
			cmd_error("paths: cannot serialise the JSON document");
			return -1;
		}
		fprintf(f, "%s\n", text);
		free(text);
	} else if (fmt == FMT_DOT) {
		pathsout_dot(g, r, &b);
		fputs(buf_str(&b), f);
	} else {
		if (!r->n) {
			fprintf(stderr, "No call paths%s%s.\n", target ? " through " : "", target ? target : "");
		} else {
			pathsout_table(g, r, false, &b);
			fputs(buf_str(&b), f);
			fprintf(stderr, "%zu path(s)%s%s, worst first%s%s\n", r->n,
			        r->truncated ? " (truncated: more exist)" : "",
			        r->n_cycles ? ", some ending in a cycle" : "",
			        set ? "; telemetry: " : "; no telemetry (observed figures unknown)",
			        set ? set->source : "");
		}
	}
	buf_done(&b);
	return 0;
}

static int run(const struct cmd_opts *o, const struct paths_args *a, const char *target,
               enum fmt fmt)
{
	struct cmd_source src;
	int rc = cmd_source_open(o, &src);
	if (rc) {
		cmd_source_close(&src);
		return EXIT_USAGE;
	}
	struct gt_topology *t = topology_build(src.store);
	struct callgraph *g = callgraph_from_topology(t);
	struct figures_set *set = telemetry(o, a, &src);
	callobs_apply(g, set);
	struct paths_opts po;
	char *keep = NULL, err[512];
	size_t entries[1], n_entries = 0;
	struct paths_result r = {0};
	if (pathsout_select(g, target, &po, &keep, entries, &n_entries, err, sizeof err) < 0) {
		cmd_error("paths: %s", err);
		rc = EXIT_USAGE;
		goto out;
	}
	paths_analyse(g, n_entries ? entries : NULL, n_entries, &po, &r);
	FILE *f = cmd_open_output(o);
	if (!f)
		rc = EXIT_USAGE;
	else if (write_doc(f, fmt, g, &r, target, set, &src) < 0) {
		cmd_abort_output(o, f);
		rc = EXIT_USAGE;
	} else if (cmd_close_output(o, f) < 0)
		rc = EXIT_USAGE;
	paths_result_done(&r);
out:
	free(keep);
	figures_set_free(set);
	callgraph_free(g);
	topology_free(t);
	cmd_source_close(&src);
	return rc;
}

int cmd_paths(int argc, char **argv)
{
	struct cmd_opts o;
	struct paths_args a = {0};
	int idx = cmd_parse(argc, argv, usage, summary, paths_options, on_option, &a, &o);
	int rc = EXIT_USAGE;
	enum fmt fmt;
	if (idx == -2)
		rc = 0;
	else if (idx >= 0 && argc - idx > 1)
		cmd_error("paths: one route or Service at most (see 'paths --help')");
	else if (idx >= 0 && parse_format(o.format, &fmt) == 0)
		rc = run(&o, &a, idx < argc ? argv[idx] : NULL, fmt);
	cmd_opts_done(&o);
	return rc;
}
