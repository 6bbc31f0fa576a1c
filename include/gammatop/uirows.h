/* uirows.h: the one-line descriptions of topology items that the console's views share
 * (route, rule, match, backend, Gateway, listener, Service, parent with its reason). The text
 * is built from cluster strings as they are; screen_put sanitises it when drawn. */
#ifndef GAMMATOP_UIROWS_H
#define GAMMATOP_UIROWS_H
#include <stdbool.h>
#include <stddef.h>

#include "gammatop/buf.h"
#include "gammatop/topology.h"

/* "HTTPRoute ns/name  a.example.com +1" */
void uirows_route_text(const struct topo_route *tr, struct buf *out);
/* The route's policy: the rules' common summary, or "<first> (+N differ)". */
char *uirows_route_policy(const struct topo_route *tr, bool ascii, char *buf, size_t n);
/* "rule 0 \"name\"  PathPrefix /api GET  +1 match" */
void uirows_rule_text(const struct gt_object *route, const struct topo_rule *ru, struct buf *out);
/* One match: "PathPrefix /api  GET  header x-env=prod" */
void uirows_match_text(const struct gt_object *route, const struct gt_match *m, struct buf *out);
/* "→ Service ns/name:8080  weight 1" (+ "  ✗ BackendNotFound: ..." when unresolved) */
void uirows_backend_text(const struct topo_backend *tb, bool ascii, struct buf *out);
/* "Gateway ns/name  10.0.0.1  Programmed"; returns false when it is not Programmed/Accepted. */
bool uirows_gateway_text(const struct topo_gateway *g, struct buf *out);
/* "listener https HTTPS :443 *.example.com  routes 3 (reported 3)" */
void uirows_listener_text(const struct topo_listener *tl, struct buf *out);
/* "ListenerSet ns/name  Accepted" or "... not Accepted: NotAllowed"; false when not accepted. */
bool uirows_listenerset_text(const struct topo_listenerset *s, struct buf *out);
/* The glyph that marks a TLSRoute, TCPRoute or UDPRoute row (with a trailing space; "" for
 * other kinds), ASCII "[tls] " etc. outside UTF-8. */
const char *uirows_route_glyph(enum gt_kind k, bool ascii);
/* "Service ns/name  :8080/http" */
void uirows_service_text(const struct gt_object *svc, struct buf *out);
/* "✓ Gateway ns/gw (listener https)" or "✗ Gateway ns/gw: NotAllowedByListeners: why" */
void uirows_parent_text(const struct topo_parent *p, bool ascii, struct buf *out);
/* Reported status of a parent: "Accepted", "Rejected: Reason", "not reported". */
void uirows_reported_text(const struct topo_parent *p, struct buf *out);

#endif
