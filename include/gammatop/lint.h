/* lint.h: every problem gammatop knows how to find, as one X-macro list (code, default
 * severity, one-line documentation) from which the docs and `gammatop lint --codes` are
 * generated, and lint_run() that gathers the topology's findings and the policy rules of
 * every route rule. */
#ifndef GAMMATOP_LINT_H
#define GAMMATOP_LINT_H
#include <stddef.h>

#include "gammatop/findings.h"
#include "gammatop/store.h"
#include "gammatop/topology.h"

/* X(IDENT, "Code", severity, "what it means and what to do") */
#define LINT_CODES(X)                                                                         \
	X(PARENT_NOT_FOUND, "ParentNotFound", SEV_ERROR,                                       \
	  "A parentRef names a Gateway or Service that does not exist.")                      \
	X(NOT_ALLOWED_BY_LISTENERS, "NotAllowedByListeners", SEV_ERROR,                        \
	  "No listener of the Gateway admits the route (namespace or kind not allowed).")     \
	X(NO_MATCHING_LISTENER_HOSTNAME, "NoMatchingListenerHostname", SEV_ERROR,              \
	  "The route's hostnames do not intersect any selected listener's hostname.")         \
	X(NO_MATCHING_PARENT, "NoMatchingParent", SEV_ERROR,                                   \
	  "sectionName or port selects no listener (Gateway) or no port (Service).")          \
	X(INVALID_SERVICE_PARENT, "InvalidServiceParent", SEV_ERROR,                           \
	  "A mesh route's Service parent is headless or ExternalName, or the parentRef names " \
	  "kind Service without group \"\" (core).")                                           \
	X(BACKEND_NOT_FOUND, "BackendNotFound", SEV_ERROR,                                     \
	  "A backendRef names a Service that does not exist.")                                \
	X(REF_NOT_PERMITTED, "RefNotPermitted", SEV_ERROR,                                     \
	  "A cross-namespace backendRef has no ReferenceGrant in the backend's namespace.")   \
	X(INVALID_KIND, "InvalidKind", SEV_ERROR, "A backendRef names a kind that is not a Service.") \
	X(MISSING_PORT, "MissingPort", SEV_ERROR, "A Service backendRef has no port.")       \
	X(STATUS_DISAGREES, "StatusDisagrees", SEV_WARNING,                                    \
	  "The controller's reported Accepted condition differs from what the spec implies.") \
	X(NO_STATUS, "NoStatus", SEV_INFO, "No controller has reported status for this parent yet.") \
	X(INVALID_DURATION, "InvalidDuration", SEV_ERROR,                                      \
	  "A timeout or backoff is not a GEP-2257 duration (e.g. 500ms, 10s, 1m30s).")        \
	X(BACKEND_TIMEOUT_EXCEEDS_REQUEST, "BackendTimeoutExceedsRequest", SEV_ERROR,          \
	  "timeouts.backendRequest is longer than timeouts.request (and request is not 0s).") \
	X(TIMEOUT_TOO_SMALL, "TimeoutTooSmall", SEV_ERROR,                                     \
	  "A non-zero timeout is below 1ms (the CRD's rule; a GEP-2257 duration cannot be, so " \
	  "gammatop reports such text as InvalidDuration).")                                 \
	X(RETRY_ATTEMPTS_INVALID, "RetryAttemptsInvalid", SEV_ERROR, "retry.attempts must be at least 1.") \
	X(RETRY_CODE_OUT_OF_RANGE, "RetryCodeOutOfRange", SEV_ERROR,                           \
	  "A retry code is outside 400-599.")                                                 \
	X(RETRY_CODE_DUPLICATE, "RetryCodeDuplicate", SEV_ERROR, "A retry code is listed twice.") \
	X(RETRIES_EXCEED_REQUEST_TIMEOUT, "RetriesExceedRequestTimeout", SEV_WARNING,          \
	  "backendRequest x (attempts+1) + backoff x attempts exceeds timeouts.request: the " \
	  "last retries can never run.")                                                      \
	X(RETRY_WITHOUT_TIMEOUTS, "RetryWithoutTimeouts", SEV_WARNING,                         \
	  "Retries with no backendRequest timeout and request 0s: a hung backend is never "  \
	  "retried and requests wait forever.")                                               \
	/* Linkerd's retry annotations are retry.linkerd.io/http, grpc, limit and timeout, no    \
	 * backoff (linkerd.io/2/reference/retries, Linkerd 2.16+).                             \
	 * Found by the edit engine (edit.c), not by lint_run. */                               \
	X(LINKERD_NO_BACKOFF, "LinkerdNoBackoff", SEV_ERROR,                                   \
	  "An edit in Linkerd annotation mode sets a retry backoff: Linkerd has no annotation " \
	  "for it (clear it, e.g. set --clear-backoff).")                                    \
	X(DUPLICATE_RULE_NAME, "DuplicateRuleName", SEV_ERROR, "Two rules of a route share a name.") \
	X(REDIRECT_WITH_BACKENDS, "RedirectWithBackends", SEV_ERROR,                           \
	  "A rule with a RequestRedirect filter also has backendRefs.")                       \
	X(GATEWAYCLASS_NOT_FOUND, "GatewayClassNotFound", SEV_ERROR,                           \
	  "A Gateway names a GatewayClass that does not exist.")                              \
	X(BACKEND_PORT_NOT_FOUND, "BackendPortNotFound", SEV_WARNING,                          \
	  "A backendRef's port is not a port of the Service: traffic to it fails.")           \
	X(UNSUPPORTED_PARENT, "UnsupportedParent", SEV_INFO,                                   \
	  "A parentRef names a kind gammatop does not evaluate (not Gateway, ListenerSet or "   \
	  "Service): its "                                                                    \
	  "attachment is not checked.")                                                       \
	X(NO_PARENTS, "NoParents", SEV_WARNING,                                                \
	  "The route has no parentRefs: it attaches to nothing and carries no traffic.")      \
	X(ALL_WEIGHTS_ZERO, "AllWeightsZero", SEV_WARNING,                                     \
	  "Every backendRef of the rule has weight 0: matching requests get HTTP 500.")       \
	X(ATTACHED_ROUTES_DIFFER, "AttachedRoutesDiffer", SEV_INFO,                            \
	  "A listener's reported attachedRoutes differs from the routes gammatop sees attached " \
	  "(routes in namespaces it cannot read, or stale status).")                           \
	X(RETRY_AMPLIFICATION, "RetryAmplification", SEV_WARNING,                              \
	  "Along a call path the retries multiply: when the last service fails, one request "  \
	  "becomes more than the threshold (default 10) requests to it; lower one hop's "      \
	  "attempts or add a retry budget.")                                                  \
	X(TIMEOUT_BUDGET_EXCEEDED, "TimeoutBudgetExceeded", SEV_WARNING,                       \
	  "A service can wait on its callee (request timeout, or tries x backendRequest + "    \
	  "backoffs) longer than its own caller waits for one try: it works on for a caller "  \
	  "that has given up.")                                                               \
	X(NON_IDEMPOTENT_RETRY, "NonIdempotentRetry", SEV_WARNING,                             \
	  "A rule that admits POST or PATCH (or any method) retries without retry codes: a "   \
	  "request that failed after the backend processed it may be sent again.")             \
	X(LISTENER_NOT_ACCEPTED, "ListenerNotAccepted", SEV_ERROR,                             \
	  "A Gateway listener is not accepted: an unsupported protocol, or a port and hostname " \
	  "it shares with another listener (HostnameConflict, ProtocolConflict).")             \
	X(LISTENER_REFS_UNRESOLVED, "ListenerRefsUnresolved", SEV_ERROR,                       \
	  "A Gateway listener's references do not resolve: allowedRoutes.kinds its protocol "  \
	  "cannot carry (InvalidRouteKinds), a certificateRef that is not a Secret "           \
	  "(InvalidCertificateRef), or one in another namespace without a ReferenceGrant "    \
	  "(RefNotPermitted).")                                                               \
	X(LISTENERSET_NOT_ACCEPTED, "ListenerSetNotAccepted", SEV_ERROR,                       \
	  "A ListenerSet is not accepted: its Gateway does not allow it (allowedListeners, "   \
	  "default None), is missing or not accepted, or none of its listeners is valid.")     \
	X(LISTENER_STATUS_DISAGREES, "ListenerStatusDisagrees", SEV_WARNING,                   \
	  "A listener's or ListenerSet's reported condition (Accepted, ResolvedRefs, "         \
	  "Conflicted) differs from what the spec implies.")                                   \
	X(POLICY_NOT_ACCEPTED, "PolicyNotAccepted", SEV_ERROR,                                 \
	  "A BackendTLSPolicy or XBackendTrafficPolicy is not accepted: its target is missing " \
	  "or not a Service (TargetNotFound, Invalid), or an older policy targets the same "   \
	  "Service (Conflicted).")                                                            \
	X(POLICY_STATUS_DISAGREES, "PolicyStatusDisagrees", SEV_WARNING,                       \
	  "A policy's reported ancestor status differs from what GEP-713 implies (Accepted, "  \
	  "or an ancestor listed or missing).")                                               \
	X(RETRY_BUDGET_TOO_SMALL, "RetryBudgetTooSmall", SEV_WARNING,                          \
	  "The backend's XBackendTrafficPolicy retry budget is 0%: only its minRetryRate "      \
	  "floor of the rule's retries can take effect (none when that is 0).")               \
	X(RETRY_NOT_SUPPORTED, "RetryNotSupported", SEV_WARNING,                               \
	  "A mesh route's rule retries, but the cluster's XMesh supportedFeatures lack "        \
	  "HTTPRouteRetry: the mesh may ignore it.")

enum lint_code_id {
#define X(id, code, sev, doc) LINT_##id,
	LINT_CODES(X)
#undef X
	LINT_CODE_COUNT
};

struct lint_code {
	const char *code;
	enum severity severity;
	const char *doc;
};

extern const struct lint_code lint_codes[LINT_CODE_COUNT];
#define LINT_CODE(id) (lint_codes[LINT_##id].code)
/* The entry of a code by its name ("StatusDisagrees"), or NULL. */
const struct lint_code *lint_code_find(const char *code);

/* Append a finding of code id (LINT_PARENT_NOT_FOUND, ...) with the code's name and severity
 * from the table; object and field are copied (field NULL gives ""), the message is
 * formatted and sanitised (it may quote cluster text). Implemented in findings.c. */
void findings_add(struct findings *f, enum lint_code_id id, const char *object, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Gather every finding: the topology's (attachment, references, status) and the policy
 * rules of every rule of every route. out is appended to and sorted. t may be NULL: one is
 * then built from s for the call. */
void lint_run(struct gt_store *s, const struct gt_topology *t, struct findings *out);

#endif
