/* callobs.h: the call graph's observed rates (callgraph.h) from the figures a mesh reports
 * (figures.h). Each rule's figures are its client requests (rps), the share of its tries
 * that were retries (retryRate = retries / (requests + retries)) and the share of requests
 * that timed out; an edge the rule governs gets, split over the rule's parents and by its
 * backend weight:
 *   tries/s    = requests / (1 - retryRate)     (every try reaches the callee)
 *   retries/s  = tries x retryRate
 *   timeouts/s = requests x timeoutRate
 * A rule without its own figures takes its route's when the route has that one rule (Linkerd
 * reports per route); anything else stays unknown (NAN), never 0. A rule that retries but
 * whose mesh does not report retries has unknown tries. Gateway nodes get the client
 * requests of their calls as their rate. */
#ifndef GAMMATOP_CALLOBS_H
#define GAMMATOP_CALLOBS_H
#include <stddef.h>

#include "gammatop/callgraph.h"
#include "gammatop/figures.h"

/* Set the observed rates of g's calls from set (NULL: nothing). Returns how many calls got
 * a rate. */
size_t callobs_apply(struct callgraph *g, const struct figures_set *set);

#endif
