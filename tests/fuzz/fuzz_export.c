/* fuzz_export.c: a JSON array of Kubernetes objects (hostile: anything decode accepts) goes
 * through the store, topology and lint into every export format. Must never crash or leak,
 * and: the snapshot serialises and parses back to itself, streamed or whole; its YAML reads
 * back to the same JSON; the DOT output has no control byte and balanced quotes on every
 * line; every line of the routes tables (table and wide) is safe to print. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/decode.h"
#include "gammatop/dot.h"
#include "gammatop/lint.h"
#include "gammatop/manifest.h"
#include "gammatop/routes.h"
#include "gammatop/snapshot.h"
#include "gammatop/str.h"
#include "gammatop/topology.h"
#include "gammatop/yamlout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_lines_safe(char *text)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!str_is_safe(line))
			abort();
}

static void check_dot(const char *s)
{
	int quotes = 0;
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 && *p != '\n')
			abort();
		if (*p == '\\' && p[1] && p[1] != '\n') {
			p++;
			continue;
		}
		if (*p == '"')
			quotes++;
		if (*p == '\n' && quotes % 2)
			abort();
	}
}

static void check_snapshot(struct gt_store *s, const struct gt_topology *t,
                           const struct findings *f)
{
	struct snapshot_input in = {.store = s, .topo = t, .findings = f, .generated_at = 1};
	json_t *doc = snapshot_build(&in);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		abort();
	json_t *back = json_loads(text, 0, NULL);
	if (!back || !json_equal(back, doc))
		abort();
	json_decref(back);
	char *streamed = NULL;
	size_t len = 0;
	char err[256];
	FILE *m = open_memstream(&streamed, &len);
	if (!m || snapshot_write_input(m, &in, SNAPSHOT_JSON, err, sizeof err) < 0)
		abort();
	fclose(m);
	if (len != strlen(text) + 1 || memcmp(streamed, text, strlen(text)))
		abort();
	free(streamed);
	free(text);
	char *yaml = yamlout_json(doc);
	if (!yaml || strchr(yaml, '\x1b'))
		abort();
	json_t *y = manifest_yaml_to_json(yaml, strlen(yaml), err, sizeof err);
	if (!y || !json_equal(y, doc))
		abort();
	json_decref(y);
	free(yaml);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *arr = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (!arr)
		return 0;
	struct gt_store *s = store_new();
	for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr) && i < 64; i++) {
		struct gt_object *o = NULL;
		if (decode_object(json_array_get(arr, i), &o, NULL, 0) == DECODE_OK)
			store_put(s, o);
	}
	json_decref(arr);
	struct gt_topology *t = topology_build(s);
	struct findings f;
	findings_init(&f);
	lint_run(s, t, &f);
	check_snapshot(s, t, &f);
	struct buf b;
	buf_init(&b);
	dot_render(s, t, &b);
	check_dot(buf_str(&b));
	for (int wide = 0; wide < 2; wide++) {
		buf_reset(&b);
		struct routes_opts o = {.wide = wide, .ascii = wide};
		routes_table(t, &o, &b);
		check_lines_safe(b.data ? b.data : (char *)"");
		json_decref(routes_json(t, &o));
	}
	buf_done(&b);
	findings_done(&f);
	topology_free(t);
	store_free(s);
	return 0;
}
