/* cmd_export.c: cmd_export_run, the driver of one-shot export commands (cmd_export.h). */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "cmd_export.h"
#include "cmd_figures.h"
#include "cmd_source.h"
#include "gammatop/figures.h"
#include "gammatop/topology.h"

int cmd_export_run(const struct cmd_export *x, int argc, char **argv)
{
	struct cmd_opts o;
	int idx = cmd_parse(argc, argv, x->usage, x->summary, NULL, NULL, NULL, &o);
	if (idx < 0) {
		cmd_opts_done(&o);
		return idx == -2 ? 0 : EXIT_USAGE;
	}
	int fmt;
	if (cmd_no_operands(argc, argv, idx) || x->parse_format(o.format, &fmt) < 0) {
		cmd_opts_done(&o);
		return EXIT_USAGE;
	}
	struct cmd_source src;
	int rc = cmd_source_open(&o, &src);
	if (rc == 0) {
		struct gt_topology *t = topology_build(src.store);
		struct figures_set *set = cmd_source_figures(&o, &src, x->name);
		FILE *f = cmd_open_output(&o);
		if (!f)
			rc = EXIT_USAGE;
		else if (x->write(&o, &src, t, set, fmt, f) < 0) {
			if (f == stdout && cmd_output_gone(f))
				rc = 0; /* the reader has gone (| head): the end, not an error */
			else
				rc = EXIT_USAGE;
			cmd_abort_output(&o, f); /* an old --output-file file stays as it was */
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
