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
 * whose mesh does not report retries has unknown tries. A call still unknown whose callee
 * Service has no other inbound call takes the Service's own figures ("service/NS/NAME", rule
 * -1: Istio measures per destination service, every try counted) as its tries, retries
 * unknown. Gateway nodes get the client requests of their calls as their rate. Linear in the
 * graph (hash maps). */
#ifndef GAMMATOP_CALLOBS_H
#define GAMMATOP_CALLOBS_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/callgraph.h"
#include "gammatop/figures.h"

/* What a source says of rule (-1: the whole route) of route "httproute/NS/NAME": client
 * requests per second, retry rate and timeout rate into f (NAN where not said); false when
 * it knows nothing of that key. */
typedef bool (*callobs_lookup)(const char *route, int rule, double f[3], void *ud);
#define CALLOBS_RPS 0
#define CALLOBS_RETRY 1
#define CALLOBS_TIMEOUT 2

/* Set the observed rates of g's calls from set (NULL: nothing). Returns how many calls got
 * a rate. */
size_t callobs_apply(struct callgraph *g, const struct figures_set *set);
/* The same from any source. */
size_t callobs_apply_fn(struct callgraph *g, callobs_lookup lookup, void *ud);

#endif
