/* cmd_export.h: the shared driver of one-shot export commands (snapshot, routes): parse,
 * read the objects, build the topology, collect telemetry when asked, write the document. */
#ifndef GAMMATOP_CMD_EXPORT_H
#define GAMMATOP_CMD_EXPORT_H
#include <stdio.h>

#include "cmd.h"

struct cmd_source;
struct gt_topology;
struct figures_set;
/* What a one-shot export command (snapshot, routes) gives cmd_export_run. */
struct cmd_export {
	const char *name;            /* the command, for messages: "routes" */
	const char *usage, *summary; /* as for cmd_parse */
	/* -o FORMAT (NULL when not given: the command's default) into *fmt; returns 0, or -1
	 * after printing an error that lists the formats. */
	int (*parse_format)(const char *s, int *fmt);
	/* Write the document in format fmt to f; set is NULL without telemetry. Returns 0, or -1
	 * after printing an error. */
	int (*write)(const struct cmd_opts *o, struct cmd_source *src, struct gt_topology *t,
	             const struct figures_set *set, int fmt, FILE *f);
};

/* Run an export command that takes only the common options and no operands: parse argv,
 * read the objects (cmd_source_open), build the topology, collect the telemetry when asked
 * (cmd_source_figures), and write x->write's document to --output FILE or stdout. Returns
 * 0 (also after --help), or EXIT_USAGE after a usage, source or write error (printed). */
int cmd_export_run(const struct cmd_export *x, int argc, char **argv);

#endif
