/* figlookup.h: the one rule for which figures belong to a route or one of its rules, used by
 * every output (routes, snapshot, the console's views). Meshes measure at different scopes:
 * Envoy Gateway per rule, Linkerd per route, Istio and Cilium per destination Service. The
 * lookup tries, in order: the rule's own key (scope "rule"); the route's key (scope "route":
 * for the whole route, or for the rule of a one-rule route — a rule of a longer route gets
 * nothing rather than the whole route's figures); for the whole of a one-rule route, its
 * rule's key; the Services of the rule's backends (scope
 * "service": for the whole route, every rule's backends). The scope is shown beside the
 * figures, so that a service's figures are never read as the route's own. */
#ifndef GAMMATOP_FIGLOOKUP_H
#define GAMMATOP_FIGLOOKUP_H
#include <stdbool.h>

#include "gammatop/figures.h"
#include "gammatop/topology.h"

enum figscope { FIGSCOPE_NONE, FIGSCOPE_RULE, FIGSCOPE_ROUTE, FIGSCOPE_SERVICE };

/* Does the source have figures for key ("httproute/NS/NAME", "service/NS/NAME") and rule
 * (-1: the whole route or service)? A source fills its own result as it answers yes. */
typedef bool (*figlookup_fn)(void *ud, const char *key, int rule);

/* The scope of the first key get() accepts for rule (-1: the whole route) of tr, or
 * FIGSCOPE_NONE. */
enum figscope figlookup(const struct topo_route *tr, int rule, figlookup_fn get, void *ud);

/* "rule", "route", "service" ("" for none). */
const char *figscope_name(enum figscope s);

/* figlookup over a figures_set: the figure, or NULL. */
const struct figure *figlookup_set(const struct figures_set *set, const struct topo_route *tr,
                                   int rule);

#endif
