/* snapshot.h: the `gammatop snapshot` document: topology, status, findings (and, when a
 * telemetry source gave them, figures) as one JSON value with a stable schema
 * (apiVersion gammatop.dev/v1, kind Snapshot; see doc/gammatop.1), and its YAML form, which
 * is the same document. Also the per-route and per-rule JSON pieces that `routes -o json`
 * shares with it, so both always agree. Reads the store and topology only: no I/O here but
 * writing to a FILE the caller opened.
 *
 * What is never exported: metadata.annotations and labels (an annotation such as
 * kubectl.kubernetes.io/last-applied-configuration carries whole objects, and controllers
 * put arbitrary data there), managedFields, uids, and anything from a kubeconfig. */
#ifndef GAMMATOP_SNAPSHOT_H
#define GAMMATOP_SNAPSHOT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "gammatop/findings.h"
#include "gammatop/store.h"
#include "gammatop/topology.h"

#define SNAPSHOT_API_VERSION "gammatop.dev/v1"

/* Where the objects came from: manifests (context and server NULL) or a cluster. */
struct snapshot_source {
	const char *description; /* "manifests: a.yaml" or "context prod (https://...)" */
	const char *context, *server; /* NULL for manifests */
	size_t input_errors; /* documents or files that could not be read (the export is partial) */
};

struct snapshot_input {
	struct gt_store *store;           /* required */
	const struct gt_topology *topo;   /* required, built from store */
	const struct findings *findings;  /* sorted; NULL: none */
	struct snapshot_source source;
	time_t generated_at;              /* 0: now */
	/* The telemetry section (window, source, routes[] with figures) as the telemetry layer
	 * built it; borrowed, added under "telemetry". NULL: the key is omitted. */
	const json_t *telemetry;
};

/* The whole document, keys in a fixed order, arrays sorted (kind, namespace, name; findings
 * as findings_sort leaves them). Returns a new reference. */
json_t *snapshot_build(const struct snapshot_input *in);

/* One route of the topology: kind, namespace, name, hostnames, attached, mesh, parents[],
 * rules[], status. New reference. */
json_t *snapshot_route(const struct topo_route *r);
/* A route's resolved parents (the snapshot's parents[] array). New reference. */
json_t *snapshot_parents(const struct topo_route *r);
/* One rule: index, name, matches, filters, backends[], timeouts, retry. New reference. */
json_t *snapshot_rule(const struct topo_rule *rule);
/* One finding: severity, code, object, field, message. New reference. */
json_t *snapshot_finding(const struct finding *f);
/* A JSON string from cluster text: NULL gives JSON null; invalid UTF-8 is replaced by
 * sanitised text so the document always serialises. New reference. */
json_t *snapshot_string(const char *s);

enum snapshot_format { SNAPSHOT_JSON, SNAPSHOT_YAML };

/* Write doc to f as indented JSON or as YAML, ending in a newline. Returns 0, or -1 when
 * the document could not be serialised (a message in err). */
int snapshot_write(FILE *f, const json_t *doc, enum snapshot_format fmt, char *err,
                   size_t errlen);
/* Write the document of in straight to f, one gateway, service, route or finding at a time,
 * never holding the whole tree: the same bytes as snapshot_write(f, snapshot_build(in)), in
 * a fraction of the memory for a large cluster. Returns 0 or -1 with a message in err. */
int snapshot_write_input(FILE *f, const struct snapshot_input *in, enum snapshot_format fmt,
                         char *err, size_t errlen);

#endif
