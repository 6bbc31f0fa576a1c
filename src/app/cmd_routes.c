/* cmd_routes.c: `gammatop routes`: one line per route rule with its parents, backends,
 * timeouts and retry, in the look of `kubectl get` (-o table, -o wide) or as JSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_export.h"
#include "cmd_source.h"
#include "gammatop/buf.h"
#include "gammatop/figlookup.h"
#include "gammatop/figures.h"
#include "gammatop/jsonout.h"
#include "gammatop/routes.h"
#include "gammatop/table.h"
#include "gammatop/topology.h"

static const char usage[] = "gammatop routes [-o table|wide|json] [--output-file FILE] [OPTIONS]";
static const char summary[] =
	"List every route rule: NAMESPACE ROUTE RULE PARENTS BACKENDS TIMEOUTS RETRY; -o wide adds\n"
	"MATCHES, HOSTNAMES and STATUS. A trailing '!' marks a parent the route is not attached to\n"
	"or a backend that does not resolve (STATUS says why). TIMEOUTS is REQUEST/BACKENDREQUEST,\n"
	"RETRY is ATTEMPTSx BACKOFF CODES. Long cells are cut with an ellipsis in the table (never\n"
	"in -o wide or -o json). -n NS shows one namespace (without the NAMESPACE column).\n"
	"With --prometheus URL (or --offline, from the cache) the telemetry figures over\n"
	"--window are added: SCOPE RPS SUCCESS TIMEOUT% TRY-TMO% RETRY% (-o wide: every figure).";

enum routes_fmt { FMT_TABLE, FMT_WIDE, FMT_JSON };

static int parse_format(const char *s, int *out)
{
	if (!s || !strcmp(s, "table"))
		*out = FMT_TABLE;
	else if (!strcmp(s, "wide"))
		*out = FMT_WIDE;
	else if (!strcmp(s, "json"))
		*out = FMT_JSON;
	else {
		cmd_error("routes: unknown output format '%s' (expected table, wide or json)", s);
		return -1;
	}
	return 0;
}

/* The telemetry figures as columns: the telemetry layer's list and headers. */
#define FIG_DEF(id, name, header, kind) {name, header, kind, false},
static struct routes_figure_def fig_defs[FIG_N] = {FIGURES_LIST(FIG_DEF)};
#undef FIG_DEF
_Static_assert(FIG_N <= ROUTES_MAX_FIGURES, "routes.h holds too few figures");

static void fig_defs_init(void)
{
	fig_defs[FIG_RPS].narrow = fig_defs[FIG_SUCCESS].narrow = true;
	fig_defs[FIG_TIMEOUT].narrow = fig_defs[FIG_TRY_TIMEOUT].narrow = true;
	fig_defs[FIG_RETRY].narrow = true;
}

/* A figure's cell: fig_defs are FIGURES_LIST in order, so the index is the figure id. */
static char *format_figure(size_t i, double v, char *buf, size_t n)
{
	return figures_format((enum figure_id)i, v, buf, n);
}

/* The figures of a rule (or of the route for rule -1), by the one lookup (figlookup.h). */
static bool figures_of(const struct topo_route *r, size_t rule, struct routes_figures *f,
                       void *ud)
{
	const struct figure *x = figlookup_set(ud, r, (int)rule);
	if (!x)
		return false;
	f->scope = x->scope;
	for (size_t i = 0; i < FIG_N; i++)
		f->value[i] = x->f[i];
	return true;
}

static int write_routes(const struct cmd_opts *o, struct cmd_source *src, struct gt_topology *t,
                        const struct figures_set *set, int fmt, FILE *f)
{
	(void)src;
	struct routes_opts ro = {.wide = fmt == FMT_WIDE, .ascii = !table_locale_utf8(),
	                         .namespace_ = o->namespace_};
	if (set) {
		fig_defs_init();
		ro.fig_defs = fig_defs;
		ro.n_figs = FIG_N;
		ro.figures = figures_of;
		ro.format = format_figure;
		ro.figures_ud = (void *)set;
	}
	if (fmt == FMT_JSON) {
		json_t *doc = routes_json(t, &ro);
		char *text = jsonout_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(doc);
		if (!text) {
			cmd_error("routes: cannot serialise the JSON document");
			return -1;
		}
		fprintf(f, "%s\n", text);
		free(text);
		return 0;
	}
	struct buf b;
	buf_init(&b);
	size_t rows = routes_table(t, &ro, &b);
	if (rows)
		fputs(buf_str(&b), f);
	else
		fprintf(stderr, "No routes found.\n");
	buf_done(&b);
	return 0;
}

int cmd_routes(int argc, char **argv)
{
	static const struct cmd_export x = {"routes", usage, summary, parse_format, write_routes};
	return cmd_export_run(&x, argc, argv);
}
