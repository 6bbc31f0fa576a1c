/* yamlout.h: the YAML form of an export document (snapshot -o yaml): block style, keys in
 * the document's order, and every string value double-quoted, so that no YAML reader —
 * YAML 1.1 (PyYAML, Ruby) or 1.2 — can turn a string such as "2026-11-26T15:04:05Z", "on",
 * "0755" or "1e3" into a timestamp, boolean or number; control characters are escaped
 * ("\e"; C1 and bidirectional controls as "\u009b", "\u202e", as in the JSON outputs),
 * never written raw. It reads back to the same JSON (manifest_yaml_to_json).
 * Either a whole json_t at once (yamlout_json) or streamed piece by piece to a FILE. */
#ifndef GAMMATOP_YAMLOUT_H
#define GAMMATOP_YAMLOUT_H
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* The YAML text of j (one document, ending in a newline), or NULL when libyaml refused it
 * (e.g. nesting deeper than 512). The caller frees it. */
char *yamlout_json(const json_t *j);

/* A streaming writer of one document to f. The calls must nest as YAML does (a key, then
 * its value, inside a mapping); the first failure sticks and yamlout_finish reports it. */
struct yamlout;
struct yamlout *yamlout_new(FILE *f);
void yamlout_map_begin(struct yamlout *y);
void yamlout_map_end(struct yamlout *y);
void yamlout_seq_begin(struct yamlout *y);
void yamlout_seq_end(struct yamlout *y);
void yamlout_key(struct yamlout *y, const char *key);
void yamlout_value(struct yamlout *y, const json_t *v);
/* End the document, flush, free y. Returns 0, or -1 with a message in err. */
int yamlout_finish(struct yamlout *y, char *err, size_t errlen);

#endif
