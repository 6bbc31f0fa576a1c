/* cmd_snapshot.c: `gammatop snapshot`: export topology, status and findings of the store
 * (from --manifests or the cluster) as JSON, YAML or Graphviz DOT. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_export.h"
#include "cmd_journal.h"
#include "cmd_source.h"
#include "gammatop/buf.h"
#include "gammatop/figlookup.h"
#include "gammatop/figures.h"
#include "gammatop/dot.h"
#include "gammatop/lint.h"
#include "gammatop/snapshot.h"
#include "gammatop/timeutil.h"
#include "gammatop/topology.h"

static const char usage[] = "gammatop snapshot [-o json|yaml|dot] [--at TIME] [--output-file FILE] "
                            "[OPTIONS]";
static const char summary[] =
	"Export the topology (GatewayClasses, Gateways and listeners, Services, routes with their\n"
	"computed and reported attachment, rules, backends, timeouts and retry) and every lint\n"
	"finding as one document. -o json (the default) and -o yaml give the same document\n"
	"(apiVersion gammatop.dev/v1, kind Snapshot); -o dot gives a Graphviz graph\n"
	"(render with: dot -Tsvg). Annotations and labels are never exported. With --prometheus\n"
	"URL (or --offline, from the cache) a 'telemetry' section holds the figures of every\n"
	"route over --window (in the graph: rps, timeout and retry rates under each route).\n"
	"--at TIME (RFC 3339, or a duration ago: -30m, 2h) rebuilds everything as it was then from\n"
	"the change journal in the cache, without asking the cluster (the console and 'gammatop\n"
	"watch' record it); with --offline the figures are those of the --window ending at TIME.";

enum { OPT_AT = 300 };
static const struct cmd_option at_options[] = {
	{"at", 1, OPT_AT, "TIME", "the topology as it was at TIME, from the change journal"},
	{NULL, 0, 0, NULL, NULL},
};

enum snap_fmt { FMT_JSON, FMT_YAML, FMT_DOT };

static int parse_format(const char *s, int *out)
{
	if (!s || !strcmp(s, "json"))
		*out = FMT_JSON;
	else if (!strcmp(s, "yaml") || !strcmp(s, "yml"))
		*out = FMT_YAML;
	else if (!strcmp(s, "dot"))
		*out = FMT_DOT;
	else {
		cmd_error("snapshot: unknown output format '%s' (expected json, yaml or dot)", s);
		return -1;
	}
	return 0;
}

/* The DOT note of a route: its figures by the one lookup (figlookup.h), with the scope. */
static bool route_note(const struct topo_route *r, struct buf *out, void *ud)
{
	const struct figure *x = figlookup_set(ud, r, -1);
	if (!x)
		return false;
	char rps[32], tmo[32], retry[32];
	buf_printf(out, "%s rps | timeout%% %s | retry%% %s (%s%s)",
	           figures_format(FIG_RPS, x->f[FIG_RPS], rps, sizeof rps),
	           figures_format(FIG_TIMEOUT, x->f[FIG_TIMEOUT], tmo, sizeof tmo),
	           figures_format(FIG_RETRY, x->f[FIG_RETRY], retry, sizeof retry), x->scope,
	           x->rule >= 0 ? " 0" : "");
	return true;
}

static int write_doc_at(const struct cmd_opts *o, struct cmd_source *src, struct gt_topology *t,
                        const struct figures_set *set, int fmt, FILE *f, int64_t at_ms)
{
	(void)o;
	if (fmt == FMT_DOT) {
		struct buf b;
		buf_init(&b);
		dot_render_notes(src->store, t, set ? route_note : NULL, (void *)set, &b);
		fputs(buf_str(&b), f);
		buf_done(&b);
		return 0;
	}
	struct findings fs;
	findings_init(&fs);
	lint_run(src->store, t, &fs);
	struct snapshot_input in = {
		.store = src->store,
		.topo = t,
		.findings = &fs,
		.source = {src->description, src->context, src->server, src->input_errors},
		.generated_at = (time_t)(at_ms / 1000),
	};
	json_t *tel = set ? figures_set_json(set) : NULL;
	in.telemetry = tel;
	char err[256];
	int r = snapshot_write_input(f, &in, fmt == FMT_YAML ? SNAPSHOT_YAML : SNAPSHOT_JSON, err,
	                             sizeof err);
	if (r < 0 && !ferror(f)) /* a write error is reported with the file's name */
		cmd_error("snapshot: %s", err);
	json_decref(tel);
	findings_done(&fs);
	return r;
}

static int on_at(int val, const char *arg, void *ud)
{
	if (val != OPT_AT)
		return -1;
	*(const char **)ud = arg;
	return 0;
}

/* `snapshot --at TIME`: the same document, from the journal instead of the cluster. */
static int snapshot_at(int argc, char **argv)
{
	struct cmd_opts o;
	const char *at_arg = NULL;
	int idx = cmd_parse(argc, argv, usage, summary, at_options, on_at, &at_arg, &o);
	if (idx < 0) {
		cmd_opts_done(&o);
		return idx == -2 ? 0 : EXIT_USAGE;
	}
	int fmt;
	int64_t at = 0;
	char err[256];
	if (cmd_no_operands(argc, argv, idx) || parse_format(o.format, &fmt) < 0) {
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	if (!at_arg || cmd_time_parse(at_arg, time_wall_ms(), &at, err, sizeof err) < 0) {
		cmd_error("snapshot: --at: %s", at_arg ? err : "needs a time");
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	struct cmd_source src;
	int rc = cmd_journal_source_at(&o, at, &src);
	if (rc == 0) {
		struct gt_topology *t = topology_build(src.store);
		char *key = cmd_journal_cluster(&o, NULL, NULL);
		struct figures_set *set = key ? cmd_journal_figures_at(&o, key, at) : NULL;
		free(key);
		FILE *f = cmd_open_output(&o);
		if (!f) {
			rc = EXIT_USAGE;
		} else if (write_doc_at(&o, &src, t, set, fmt, f, at) < 0) {
			rc = f == stdout && cmd_output_gone(f) ? 0 : EXIT_USAGE;
			cmd_abort_output(&o, f);
		} else if (cmd_close_output(&o, f) < 0) {
			rc = EXIT_USAGE;
		}
		figures_set_free(set);
		topology_free(t);
	}
	cmd_source_close(&src);
	cmd_opts_done(&o);
	return rc;
}

static int write_doc(const struct cmd_opts *o, struct cmd_source *src, struct gt_topology *t,
                     const struct figures_set *set, int fmt, FILE *f)
{
	return write_doc_at(o, src, t, set, fmt, f, 0);
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct cmd_export x = {"snapshot", usage, summary, parse_format, write_doc};
	/* --at reads the journal, not the cluster; --help shows --at too */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--at") || !strncmp(argv[i], "--at=", 5) ||
		    !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return snapshot_at(argc, argv);
	return cmd_export_run(&x, argc, argv);
}
