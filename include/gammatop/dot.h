/* dot.h: the topology as a Graphviz graph (`gammatop snapshot -o dot`):
 * GatewayClass -> Gateway -> listener <- route -> Service, mesh routes attached to their
 * parent Service, one cluster per namespace (cluster-scoped GatewayClasses outside), edges
 * that do not attach or do not resolve dashed and labelled with the reason, missing parents
 * and backends drawn as dashed placeholder nodes. Node ids are generated ("gw1", "r3"), so
 * text from the cluster only ever appears in escaped, sanitised labels. */
#ifndef GAMMATOP_DOT_H
#define GAMMATOP_DOT_H
#include <stdbool.h>

#include "gammatop/buf.h"
#include "gammatop/store.h"
#include "gammatop/topology.h"

/* Append the whole `digraph gammatop { ... }` to out. Deterministic for a given topology. */
void dot_render(struct gt_store *s, const struct gt_topology *t, struct buf *out);

/* A line to show under a route's name (telemetry figures, say): write it to out and return
 * true, or return false for none. It is sanitised and escaped like every label. */
typedef bool (*dot_note_fn)(const struct topo_route *r, struct buf *out, void *ud);
/* dot_render with a note per route. */
void dot_render_notes(struct gt_store *s, const struct gt_topology *t, dot_note_fn note,
                      void *ud, struct buf *out);

/* Append s to out as the inside of a DOT double-quoted string: sanitised (control bytes and
 * invalid UTF-8 become '?'), '"' and '\' escaped, so that it is shown literally. */
void dot_escape(struct buf *out, const char *s);

#endif
