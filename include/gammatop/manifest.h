/* manifest.h: read Kubernetes YAML (or JSON) manifests: files with several documents,
 * `kind: List` / `*List` items, directories walked recursively (*.yaml, *.yml, *.json, sorted),
 * each document turned into JSON (jansson) with YAML scalars typed as the API server would
 * (ints, bools, null; quoted stays string). Parse errors are reported as file:line and the
 * reader goes on with the next file. */
#ifndef GAMMATOP_MANIFEST_H
#define GAMMATOP_MANIFEST_H
#include <jansson.h>
#include <stdbool.h>

#include "gammatop/diag.h"

struct gt_store;

/* Called once per object document (List items expanded); doc is borrowed. file and line say
 * where the document starts. Return non-zero to stop reading. */
typedef int (*manifest_cb)(const json_t *doc, const char *file, int line, void *ud);

/* Read path (file or directory). Returns 0, or -1 when path cannot be read at all (diag says
 * why); documents that fail to parse are reported in diag and skipped. Items of `*List`
 * documents without kind/apiVersion (typed lists from the API) get the list's. Limits: 64 MiB
 * per file, 100 nesting levels, aliases expanding to at most 1,000,000 nodes per document. */
int manifest_read(const char *path, manifest_cb cb, void *ud, struct diag *diag);
/* Parse YAML (or JSON) text from memory (name is used in messages). Returns 0, 1 when the
 * callback stopped the reading, -1 when text is NULL. */
int manifest_read_text(const char *text, size_t len, const char *name, manifest_cb cb, void *ud,
                       struct diag *diag);

/* Read every path into store (decode each document; unknown kinds give a note, invalid
 * objects an error naming file:line and field). Returns the number of objects added, or -1
 * when any path could not be read at all. */
int manifest_load_store(struct gt_store *store, const char *const *paths, size_t n_paths,
                        struct diag *diag);

/* Convert one YAML document (libyaml) to JSON; used by the kube layer for kubeconfig files
 * and by the editor. Returns NULL with err set on failure. */
json_t *manifest_yaml_to_json(const char *text, size_t len, char *err, size_t errlen);
/* Emit JSON as YAML (block style, keys in the JSON's order). Caller frees. */
char *manifest_json_to_yaml(const json_t *j);

#endif
