/* cmd_routes.c: `gammatop routes`: one line per route rule with its parents, backends,
 * timeouts and retry, in the look of `kubectl get` (-o table, -o wide) or as JSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_source.h"
#include "gammatop/buf.h"
#include "gammatop/routes.h"
#include "gammatop/table.h"
#include "gammatop/topology.h"

static const char usage[] = "gammatop routes [-o table|wide|json] [--output FILE] [OPTIONS]";
static const char summary[] =
	"List every route rule: NAMESPACE ROUTE RULE PARENTS BACKENDS TIMEOUTS RETRY; -o wide adds\n"
	"MATCHES, HOSTNAMES and STATUS. A trailing '!' marks a parent the route is not attached to\n"
	"or a backend that does not resolve (STATUS says why). TIMEOUTS is REQUEST/BACKENDREQUEST,\n"
	"RETRY is ATTEMPTSx BACKOFF CODES. Long cells are cut with an ellipsis in the table (never\n"
	"in -o wide or -o json). -n NS shows one namespace.";

enum routes_fmt { FMT_TABLE, FMT_WIDE, FMT_JSON };

static int parse_format(const char *s, enum routes_fmt *out)
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

static int write_routes(struct gt_topology *t, const char *ns, enum routes_fmt fmt, FILE *f)
{
	struct routes_opts ro = {.wide = fmt == FMT_WIDE, .ascii = !table_locale_utf8(),
	                         .namespace_ = ns};
	if (fmt == FMT_JSON) {
		json_t *doc = routes_json(t, &ro);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
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
	struct cmd_opts o;
	int idx = cmd_parse(argc, argv, usage, summary, NULL, NULL, NULL, &o);
	if (idx < 0) {
		cmd_opts_done(&o);
		return idx == -2 ? 0 : EXIT_USAGE;
	}
	enum routes_fmt fmt;
	if (idx < argc) {
		cmd_error("routes: unexpected argument '%s' (see 'routes --help')", argv[idx]);
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	if (parse_format(o.format, &fmt) < 0) {
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	struct cmd_source src;
	int rc = cmd_source_open(&o, &src);
	if (rc == 0) {
		struct gt_topology *t = topology_build(src.store);
		FILE *f = cmd_open_output(&o);
		if (!f)
			rc = EXIT_USAGE;
		else {
			if (write_routes(t, o.namespace_, fmt, f) < 0)
				rc = EXIT_USAGE;
			if (cmd_close_output(&o, f) < 0)
				rc = EXIT_USAGE;
		}
		topology_free(t);
	}
	cmd_source_close(&src);
	cmd_opts_done(&o);
	return rc;
}
