/* cmd_lint.c: `gammatop lint`: every configuration problem gammatop knows how to find, as a
 * table or JSON; exit 0 with no error-level finding, 1 with any, 2 when it could not run.
 * `--codes` lists every finding code with its documentation (from LINT_CODES). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_source.h"
#include "gammatop/jsonout.h"
#include "gammatop/lint.h"
#include "gammatop/snapshot.h"
#include "gammatop/table.h"
#include "gammatop/topology.h"

static const char usage[] = "gammatop lint [-o table|json] [--codes] [--output-file FILE] [OPTIONS]";
static const char summary[] =
	"Report configuration problems: attachment (listeners, hostnames, allowedRoutes, GAMMA\n"
	"Service parents), backend references and ReferenceGrants, status that disagrees with the\n"
	"spec, and timeout/retry policy (GEP-1742, GEP-1731) including retries that cannot fit in\n"
	"the request timeout. Exit status: 0 no error-level finding, 1 at least one, 2 could not\n"
	"run (bad arguments, unreadable input). --codes lists every code and what it means.";

enum { OPT_CODES = 300 };

static const struct cmd_option lint_options[] = {
	{"codes", 0, OPT_CODES, NULL, "list every finding code with its severity and meaning"},
	{NULL, 0, 0, NULL, NULL},
};

struct lint_args {
	bool codes;
};

static int on_option(int val, const char *arg, void *ud)
{
	struct lint_args *a = ud;
	if (val == OPT_CODES) {
		a->codes = cmd_flag_on(arg);
		return 0;
	}
	return -1;
}

static int parse_format(const char *s, bool *json)
{
	if (!s || !strcmp(s, "table"))
		*json = false;
	else if (!strcmp(s, "json"))
		*json = true;
	else {
		cmd_error("lint: unknown output format '%s' (expected table or json)", s);
		return -1;
	}
	return 0;
}

static int print_json(FILE *f, json_t *doc)
{
	char *text = jsonout_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text) {
		cmd_error("lint: cannot serialise the JSON document");
		return -1;
	}
	fprintf(f, "%s\n", text);
	free(text);
	return 0;
}

static int list_codes(FILE *f, bool json)
{
	if (json) {
		json_t *doc = json_object(), *items = json_array();
		json_object_set_new(doc, "apiVersion", json_string(SNAPSHOT_API_VERSION));
		json_object_set_new(doc, "kind", json_string("LintCodeList"));
		for (size_t i = 0; i < LINT_CODE_COUNT; i++) {
			json_t *c = json_object();
			json_object_set_new(c, "code", json_string(lint_codes[i].code));
			json_object_set_new(c, "severity", json_string(severity_name(lint_codes[i].severity)));
			json_object_set_new(c, "description", json_string(lint_codes[i].doc));
			json_array_append_new(items, c);
		}
		json_object_set_new(doc, "items", items);
		return print_json(f, doc);
	}
	static const char *const headers[] = {"CODE", "SEVERITY", "DESCRIPTION"};
	struct table *t = table_new(headers, 3);
	for (size_t i = 0; i < LINT_CODE_COUNT; i++) {
		table_add_row(t);
		table_add_cell(t, lint_codes[i].code);
		table_add_cell(t, severity_name(lint_codes[i].severity));
		table_add_cell(t, lint_codes[i].doc);
	}
	table_print(t, f);
	table_free(t);
	return 0;
}

/* Does the finding's object ("kind/NS/NAME") live in namespace ns? */
static bool in_namespace(const struct finding *f, const char *ns)
{
	const char *p = f->object ? strchr(f->object, '/') : NULL;
	const char *q = p ? strchr(p + 1, '/') : NULL;
	return q && (size_t)(q - p - 1) == strlen(ns) && !strncmp(p + 1, ns, strlen(ns));
}

static int report(FILE *f, const struct findings *fs, const struct cmd_source *src, bool json)
{
	if (json) {
		json_t *doc = json_object(), *sum = json_object(), *items = json_array();
		json_object_set_new(doc, "apiVersion", json_string(SNAPSHOT_API_VERSION));
		json_object_set_new(doc, "kind", json_string("LintReport"));
		json_object_set_new(doc, "source", snapshot_string(src->description));
		json_object_set_new(sum, "errors", json_integer((json_int_t)findings_count(fs, SEV_ERROR)));
		json_object_set_new(sum, "warnings",
		                    json_integer((json_int_t)findings_count(fs, SEV_WARNING)));
		json_object_set_new(sum, "info", json_integer((json_int_t)findings_count(fs, SEV_INFO)));
		json_object_set_new(sum, "inputErrors", json_integer((json_int_t)src->input_errors));
		json_object_set_new(doc, "summary", sum);
		for (size_t i = 0; i < fs->n; i++)
			json_array_append_new(items, snapshot_finding(&fs->items[i]));
		json_object_set_new(doc, "findings", items);
		return print_json(f, doc);
	}
	if (!fs->n) {
		fprintf(stderr, "No findings.\n");
		return 0;
	}
	static const char *const headers[] = {"SEVERITY", "CODE", "OBJECT", "FIELD", "MESSAGE"};
	struct table *t = table_new(headers, 5);
	for (size_t i = 0; i < fs->n; i++) {
		table_add_row(t);
		table_add_cell(t, severity_name(fs->items[i].severity));
		table_add_cell(t, fs->items[i].code);
		table_add_cell(t, fs->items[i].object);
		table_add_cell(t, fs->items[i].field);
		table_add_cell(t, fs->items[i].message);
	}
	table_print(t, f);
	table_free(t);
	fprintf(stderr, "%zu error(s), %zu warning(s), %zu info\n", findings_count(fs, SEV_ERROR),
	        findings_count(fs, SEV_WARNING), findings_count(fs, SEV_INFO));
	return 0;
}

static int run(const struct cmd_opts *o, bool json)
{
	struct cmd_source src;
	int rc = cmd_source_open(o, &src);
	if (rc) {
		cmd_source_close(&src);
		return EXIT_USAGE;
	}
	struct gt_topology *t = topology_build(src.store);
	struct findings all, shown;
	findings_init(&all);
	findings_init(&shown);
	lint_run(src.store, t, &all);
	for (size_t i = 0; i < all.n; i++) {
		const struct finding *x = &all.items[i];
		if (!o->namespace_ || in_namespace(x, o->namespace_))
			findings_push(&shown, x);
	}
	FILE *f = cmd_open_output(o);
	if (!f)
		rc = EXIT_USAGE;
	else if (report(f, &shown, &src, json) < 0) {
		rc = EXIT_USAGE;
		cmd_abort_output(o, f);
	} else {
		if (cmd_close_output(o, f) < 0)
			rc = EXIT_USAGE;
		else if (!rc && src.input_errors) {
			cmd_error("lint: %zu input problem(s) reported above: the input could not be "
			          "read completely, so the result is incomplete", src.input_errors);
			rc = EXIT_USAGE;
		} else if (!rc && findings_count(&shown, SEV_ERROR))
			rc = EXIT_FINDINGS;
	}
	findings_done(&shown);
	findings_done(&all);
	topology_free(t);
	cmd_source_close(&src);
	return rc;
}

int cmd_lint(int argc, char **argv)
{
	struct cmd_opts o;
	struct lint_args a = {0};
	int idx = cmd_parse(argc, argv, usage, summary, lint_options, on_option, &a, &o);
	int rc = EXIT_USAGE;
	bool json;
	if (idx == -2)
		rc = 0;
	else if (idx < 0)
		rc = EXIT_USAGE;
	else if (cmd_no_operands(argc, argv, idx))
		rc = EXIT_USAGE;
	else if (parse_format(o.format, &json) == 0) {
		if (a.codes) {
			FILE *f = cmd_open_output(&o);
			rc = !f ? EXIT_USAGE : list_codes(f, json) < 0 ? EXIT_USAGE : 0;
			if (f && rc)
				cmd_abort_output(&o, f);
			else if (f && cmd_close_output(&o, f) < 0)
				rc = EXIT_USAGE;
		} else {
			rc = run(&o, json);
		}
	}
	cmd_opts_done(&o);
	return rc;
}
