/* cmd_top.c: `gammatop top`: routes ranked by their hit rates (timeouts, retries, success,
 * latency) over a window, from Prometheus (--prometheus URL), from the proxies scraped
 * directly through the API server's pod proxy, or from the cache alone (--offline).
 * The collection itself is cmd_figures.c, shared with `snapshot` and `routes`. */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_figures.h"
#include "cmd_source.h"
#include "gammatop/figures.h"
#include "gammatop/jsonout.h"
#include "gammatop/str.h"
#include "gammatop/table.h"
#include "gammatop/xalloc.h"

static const char usage[] =
	"gammatop top [--window 5m] [--sort timeoutRate] [-o table|json|csv] [OPTIONS]";
static const char summary[] =
	"Rank routes by their hit rates over a window: RPS, SUCCESS, TIMEOUT% (share of requests\n"
	"that ended in a timeout), TRY-TMO% (share of tries that hit a per-try timeout, a retry\n"
	"may have recovered them; Envoy only), RETRY% (retries / (requests + retries)), RETRY-OK,\n"
	"EXHAUST (retryable failures with no retry left: attempt limit or retry budget) and latency\n"
	"P50/P95/P99; '-' is unknown (e.g. Linkerd retries of a route without a retry policy).\n"
	"Figures come from --prometheus URL, or else from the mesh proxies of every namespace\n"
	"scraped twice (--sample SECONDS apart) through the API server's pod proxy, or with\n"
	"--offline from the cache alone (saying how old the data is). SCOPE says whether a figure\n"
	"is per route (Linkerd), per rule (Envoy Gateway) or per destination service (Istio: all\n"
	"routes to that Service together). doc/telemetry.md defines each figure per mesh.\n"
	"Prometheus credentials: GAMMATOP_PROMETHEUS_TOKEN (bearer) or GAMMATOP_PROMETHEUS_USER and\n"
	"GAMMATOP_PROMETHEUS_PASSWORD, --prometheus-org-id for X-Scope-OrgID.";

enum { OPT_SORT = 300, OPT_SAMPLE, OPT_ORG };
static const struct cmd_option options[] = {
	{"sort", 1, OPT_SORT, "FIGURE", "sort by rps, successRate, timeoutRate (default), "
	                                "tryTimeoutRate, retryRate, retrySuccessRate, retriesExhaustedRate, "
	                                "latencyP50Ms, latencyP95Ms, latencyP99Ms"},
	{"sample", 1, OPT_SAMPLE, "SECONDS", "direct scrape: seconds between the two scrapes "
	                                     "(default 10)"},
	{"prometheus-org-id", 1, OPT_ORG, "ID", "send X-Scope-OrgID: ID (Mimir, Cortex)"},
	{NULL, 0, 0, NULL, NULL},
};

struct top_args {
	int sort;
	int sample_s;
	const char *org_id;
};

static int on_option(int val, const char *arg, void *ud)
{
	struct top_args *a = ud;
	switch (val) {
	case OPT_SORT:
		if ((a->sort = figures_by_name(arg)) < 0) {
			cmd_error("top: --sort %s: unknown figure", arg);
			return -1;
		}
		return 0;
	case OPT_SAMPLE: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (*end || v < 1 || v > 600) {
			cmd_error("top: --sample %s: expected seconds 1..600", arg);
			return -1;
		}
		a->sample_s = (int)v;
		return 0;
	}
	case OPT_ORG: a->org_id = arg; return 0;
	}
	return -1;
}


/* ---- output ---- */

/* "httproute/NS/NAME" -> namespace and name. */
static void split_key(const char *route, char *ns, size_t nn, char *name, size_t n)
{
	const char *a = strchr(route, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	snprintf(ns, nn, "%.*s", b ? (int)(b - a - 1) : 0, b ? a + 1 : "");
	snprintf(name, n, "%s", b ? b + 1 : route);
}

static const char *kind_of(const char *route)
{
	return str_starts(route, "service/") ? "Service"
	       : str_starts(route, "grpcroute/") ? "GRPCRoute" : "HTTPRoute";
}

static void write_table(const struct figures_set *set, FILE *f)
{
	const char *headers[4 + FIG_N] = {"NAMESPACE", "NAME", "RULE", "SCOPE"};
	for (int i = 0; i < FIG_N; i++)
		headers[4 + i] = figures_header(i);
	struct table *t = table_new(headers, 4 + FIG_N);
	for (int i = 0; i < FIG_N; i++)
		table_set_right(t, 4 + i, true);
	table_set_max_width(t, 1, 48);
	for (size_t r = 0; r < set->n; r++) {
		const struct figure *fg = &set->items[r];
		char ns[256], name[256], buf[32];
		split_key(fg->route, ns, sizeof ns, name, sizeof name);
		table_add_row(t);
		table_add_cell(t, ns);
		table_add_cellf(t, "%s%s", str_starts(fg->route, "service/") ? "service/" : "", name);
		if (fg->rule >= 0)
			table_add_cellf(t, "%d", fg->rule);
		else
			table_add_cell(t, "*");
		table_add_cell(t, fg->scope);
		for (int i = 0; i < FIG_N; i++)
			table_add_cell(t, figures_format(i, fg->f[i], buf, sizeof buf));
	}
	table_print(t, f);
	table_free(t);
}

/* A CSV field: quoted when it has to be; controls (a name comes from the cluster or the
 * telemetry) as \uXXXX, never raw (str_escape_controls). */
static void csv_field(FILE *f, const char *raw)
{
	char *s = str_escape_controls(raw);
	if (!strpbrk(s, ",\"")) {
		fputs(s, f);
		free(s);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
	free(s);
}

static void write_csv(const struct figures_set *set, FILE *f)
{
	fputs("kind,namespace,name,rule,scope", f);
	for (int i = 0; i < FIG_N; i++)
		fprintf(f, ",%s", figures_name(i));
	fputs("\n", f);
	for (size_t r = 0; r < set->n; r++) {
		const struct figure *fg = &set->items[r];
		char ns[256], name[256];
		split_key(fg->route, ns, sizeof ns, name, sizeof name);
		fprintf(f, "%s,", kind_of(fg->route));
		csv_field(f, ns);
		fputc(',', f);
		csv_field(f, name);
		if (fg->rule >= 0)
			fprintf(f, ",%d,%s", fg->rule, fg->scope);
		else
			fprintf(f, ",,%s", fg->scope);
		for (int i = 0; i < FIG_N; i++)
			isfinite(fg->f[i]) ? fprintf(f, ",%.6g", fg->f[i]) : fputs(",", f);
		fputs("\n", f);
	}
}

static int write_json(const struct figures_set *set, FILE *f)
{
	json_t *doc = figures_set_json(set);
	char *text =
		jsonout_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (!text)
		return -1;
	fprintf(f, "%s\n", text);
	free(text);
	return 0;
}

/* Keep only keys of routes in the store (and services), and the namespace asked for. */
static void filter(struct figures_set *set, const struct cmd_opts *o, struct gt_store *store)
{
	struct figures_set *keep = figures_set_new(set->window, set->source);
	keep->at_ms = set->at_ms;
	for (size_t i = 0; i < set->n; i++) {
		const struct figure *fg = &set->items[i];
		char ns[256], name[256];
		split_key(fg->route, ns, sizeof ns, name, sizeof name);
		if (o->namespace_ && !o->all_namespaces && strcmp(ns, o->namespace_))
			continue;
		if (store && !str_starts(fg->route, "service/") &&
		    !store_get(store, str_starts(fg->route, "grpcroute/") ? GT_GRPCROUTE : GT_HTTPROUTE,
		               ns, name))
			continue;
		figures_set_add(keep, fg->route, fg->rule, fg->scope, &fg->sum);
	}
	/* swap contents */
	struct figures_set tmp = *set;
	*set = *keep;
	*keep = tmp;
	figures_set_free(keep);
}

int cmd_top(int argc, char **argv)
{
	struct cmd_opts o;
	struct top_args a = {.sort = FIG_TIMEOUT, .sample_s = 10};
	int idx = cmd_parse(argc, argv, usage, summary, options, on_option, &a, &o);
	if (idx < 0) {
		cmd_opts_done(&o);
		return idx == -2 ? 0 : EXIT_USAGE;
	}
	if (idx < argc) {
		cmd_error("top: unexpected argument '%s' (see 'top --help')", argv[idx]);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	const char *fmt = o.format ? o.format : "table";
	if (strcmp(fmt, "table") && strcmp(fmt, "json") && strcmp(fmt, "csv")) {
		cmd_error("top: unknown output format '%s' (expected table, json or csv)", fmt);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	struct cmd_source src;
	memset(&src, 0, sizeof src);
	int rc = 0;
	bool opened = false;
	if (!o.offline) {
		if ((rc = cmd_source_open(&o, &src)) != 0) {
			cmd_opts_done(&o);
			return rc;
		}
		opened = true;
	}
	struct figures_set *set = NULL;
	rc = cmd_top_figures(&o, &src, a.sample_s, a.org_id, &set);
	if (rc == 0) {
		filter(set, &o, opened ? src.store : NULL);
		figures_set_finish(set);
		figures_set_sort(set, (enum figure_id)a.sort);
		FILE *f = cmd_open_output(&o);
		if (!f)
			rc = EXIT_USAGE;
		else {
			if (!strcmp(fmt, "json"))
				rc = write_json(set, f) < 0 ? EXIT_USAGE : 0;
			else if (!strcmp(fmt, "csv"))
				write_csv(set, f);
			else if (set->n)
				write_table(set, f);
			else
				fprintf(stderr, "No telemetry for any route (source %s).\n", set->source);
			if (rc)
				cmd_abort_output(&o, f);
			else if (cmd_close_output(&o, f) < 0)
				rc = EXIT_USAGE;
		}
	}
	figures_set_free(set);
	if (opened)
		cmd_source_close(&src);
	cmd_opts_done(&o);
	return rc;
}
