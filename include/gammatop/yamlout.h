/* yamlout.h: the YAML form of an export document (snapshot -o yaml): block style, keys in
 * the document's order, and every string value double-quoted, so that no YAML reader —
 * YAML 1.1 (PyYAML, Ruby) or 1.2 — can turn a string such as "2026-11-26T15:04:05Z", "on",
 * "0755" or "1e3" into a timestamp, boolean or number; control characters are escaped
 * ("\e"), never written raw. It reads back to the same JSON (manifest_yaml_to_json). */
#ifndef GAMMATOP_YAMLOUT_H
#define GAMMATOP_YAMLOUT_H
#include <jansson.h>

/* The YAML text of j (one document, ending in a newline), or NULL when libyaml refused it
 * (e.g. nesting deeper than 512). The caller frees it. */
char *yamlout_json(const json_t *j);

#endif
