/* cmd_snapshot.c: `gammatop snapshot`: export topology, status and findings of the store
 * (from --manifests or the cluster) as JSON, YAML or Graphviz DOT. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_source.h"
#include "gammatop/buf.h"
#include "gammatop/figures.h"
#include "gammatop/dot.h"
#include "gammatop/lint.h"
#include "gammatop/snapshot.h"
#include "gammatop/topology.h"

static const char usage[] = "gammatop snapshot [-o json|yaml|dot] [--output FILE] [OPTIONS]";
static const char summary[] =
	"Export the topology (GatewayClasses, Gateways and listeners, Services, routes with their\n"
	"computed and reported attachment, rules, backends, timeouts and retry) and every lint\n"
	"finding as one document. -o json (the default) and -o yaml give the same document\n"
	"(apiVersion gammatop.dev/v1, kind Snapshot); -o dot gives a Graphviz graph\n"
	"(render with: dot -Tsvg). Annotations and labels are never exported. With --prometheus\n"
	"URL (or --offline, from the cache) a 'telemetry' section holds the figures of every\n"
	"route over --window (in the graph: rps, timeout and retry rates under each route).";

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

/* The DOT note of a route: its figures per route (Linkerd), else those of its first rule
 * (Envoy Gateway), else those of the first backend Service (Istio), with the scope. */
static bool route_note(const struct topo_route *r, struct buf *out, void *ud)
{
	const struct figures_set *set = ud;
	char id[1024];
	object_id(r->obj, id, sizeof id);
	const struct figure *x = figures_set_find(set, id, -1);
	if (!x)
		x = figures_set_find(set, id, 0);
	for (size_t b = 0; !x && r->n_rules && b < r->rules[0].n_backends; b++)
		if (r->rules[0].backends[b].service)
			x = figures_set_find(set, object_id(r->rules[0].backends[b].service, id, sizeof id), -1);
	if (!x)
		return false;
	char rps[32], tmo[32], retry[32];
	buf_printf(out, "%s rps | timeouts %s | retries %s (%s%s)",
	           figures_format(FIG_RPS, x->f[FIG_RPS], rps, sizeof rps),
	           figures_format(FIG_TIMEOUT, x->f[FIG_TIMEOUT], tmo, sizeof tmo),
	           figures_format(FIG_RETRY, x->f[FIG_RETRY], retry, sizeof retry), x->scope,
	           x->rule >= 0 ? " 0" : "");
	return true;
}

static int write_doc(const struct cmd_opts *o, struct cmd_source *src, struct gt_topology *t,
                     const struct figures_set *set, int fmt, FILE *f)
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

int cmd_snapshot(int argc, char **argv)
{
	static const struct cmd_export x = {"snapshot", usage, summary, parse_format, write_doc};
	return cmd_export_run(&x, argc, argv);
}
