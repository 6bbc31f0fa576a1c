/* scrape.h: direct scrape of mesh proxies' metrics pages, for operators with no Prometheus:
 * every collection round fetches each target (a pod with prometheus.io/scrape annotations)
 * through a fetch function the app provides (the kube layer's pod proxy GET: telemetry does
 * not depend on the kube layer), parses the page (exposition.h), detects the mesh when asked
 * to (`auto`), and turns counters into increases since the previous round (rate.h; resets
 * handled, series of pods that went away forgotten), summed per route key (mesh.h).
 * Heap object: scraper_new/scraper_free. */
#ifndef GAMMATOP_SCRAPE_H
#define GAMMATOP_SCRAPE_H
#include <stddef.h>
#include <stdint.h>

#include "gammatop/evloop.h"
#include "gammatop/mesh.h"
#include "gammatop/rate.h"
#include "gammatop/strmap.h"

/* A pod to scrape, from its prometheus.io/{scrape,port,path,scheme} annotations. */
struct scrape_target {
	char *ns, *pod; /* owned */
	int port;
	char *path;   /* owned; "/metrics" when the annotation is absent */
	char *scheme; /* owned; "http" or "https" */
};

/* Fill t from a pod's name, namespace and annotations (get(ud, key) returns an annotation or
 * NULL). Returns 0, or -1 when the pod does not ask to be scraped (prometheus.io/scrape not
 * "true") or has no usable port (then err says why, when err is given). */
int scrape_target_from(struct scrape_target *t, const char *ns, const char *pod,
                       const char *(*get)(void *ud, const char *key), void *ud, char *err,
                       size_t errlen);
void scrape_target_done(struct scrape_target *t);

/* The one discovery of what to scrape, for `top` and the console alike (podtargets.c): from
 * a pod list's JSON (GET /api/v1/pods: every namespace — Linkerd's route metrics live in the
 * calling pods wherever they run, Envoy Gateway's proxies in envoy-gateway-system; a
 * namespace filter applies to routes, never to pods), every Running pod that asks to be
 * scraped (prometheus.io annotations: Envoy Gateway's proxies, Istio's sidecars and
 * waypoints) or whose Linkerd proxy has its admin port (container port "linkerd-admin").
 * *out (free each with scrape_target_done, then the array) and *n. Returns 0, or -1 with err
 * when the JSON is no pod list. */
int scrape_targets_from_pods(const char *json, size_t len, struct scrape_target **out,
                             size_t *n, char *err, size_t errlen);

/* The fetch result handed back to the scraper: status 0 and error set on transport failure. */
typedef void (*scrape_done_fn)(void *done_ud, long status, const char *body, size_t len,
                               const char *content_type, const char *error);
/* Start fetching t's metrics page; call done exactly once, later, from the loop. */
typedef void (*scrape_fetch_fn)(void *fetch_ud, const struct scrape_target *t,
                                scrape_done_fn done, void *done_ud);

struct scraper;
/* profile NULL: detect from the first pages (mesh_profiles() order). */
struct scraper *scraper_new(const struct mesh_profile *profile, scrape_fetch_fn fetch,
                            void *fetch_ud);
/* Cancellation is the fetcher's business: free only when no round is running. */
void scraper_free(struct scraper *s);
/* Replace the targets (copied). */
void scraper_set_targets(struct scraper *s, const struct scrape_target *t, size_t n);

typedef void (*scraper_round_cb)(struct scraper *s, void *ud);
/* Fetch every target (at most 16 at a time), fold each page into increases since the
 * previous round as it arrives (then drop it), and when all answered or failed call cb. The first round has no previous one:
 * scraper_seconds() is then 0 and the accumulator holds no amounts. Returns -1 when a round
 * is already running. */
int scraper_round(struct scraper *s, int64_t now_ms, scraper_round_cb cb, void *ud);

/* After a round: increases per key (struct mesh_acc_item values), the seconds they cover
 * (0 after the first round), the profile in use (NULL while undetected), and a summary of
 * failures ("2 of 5 targets failed: shop/proxy-1: HTTP 403: ...") or NULL. */
const struct strmap *scraper_acc(const struct scraper *s);
double scraper_seconds(const struct scraper *s);
const struct mesh_profile *scraper_profile(const struct scraper *s);
const char *scraper_error(const struct scraper *s);
/* Pages that parsed in the last round. */
size_t scraper_ok_count(const struct scraper *s);

/* Fold one parsed page of target id into acc (increases through rt); used by the scraper and
 * by tests. Returns the number of samples that fed a component. */
struct expo_doc;
size_t scrape_fold(const struct mesh_profile *p, const struct expo_doc *doc, const char *id,
                   struct rate_table *rt, struct strmap *acc);
/* The first profile whose detect series appears in doc, or NULL. */
const struct mesh_profile *scrape_detect(const struct expo_doc *doc);

#endif
