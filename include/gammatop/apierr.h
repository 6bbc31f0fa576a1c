/* apierr.h: turn an API server answer (HTTP status + Status object body) or a transport
 * failure into a structured error with a message an operator can act on: conflict vs
 * invalid (with field causes) vs forbidden vs unauthorized vs not found, and so on. All text
 * from the server is sanitised for the terminal. Embedded: apierr_done frees. */
#ifndef GAMMATOP_APIERR_H
#define GAMMATOP_APIERR_H
#include <stdbool.h>
#include <stddef.h>

enum apierr_kind {
	APIERR_NONE,         /* 2xx */
	APIERR_TRANSPORT,    /* no HTTP answer: refused, DNS, TLS, time-out */
	APIERR_CREDENTIALS,  /* no credential to send (exec plugin failed, token file...) */
	APIERR_BAD_REQUEST,  /* 400 */
	APIERR_UNAUTHORIZED, /* 401: credentials missing, wrong or expired */
	APIERR_FORBIDDEN,    /* 403: RBAC */
	APIERR_NOT_FOUND,    /* 404 */
	APIERR_CONFLICT,     /* 409: stale resourceVersion or apply field conflict */
	APIERR_GONE,         /* 410: resourceVersion too old / continue token expired */
	APIERR_UNSUPPORTED,  /* 415 */
	APIERR_INVALID,      /* 422: validation failed, see causes */
	APIERR_TOO_MANY,     /* 429 */
	APIERR_SERVER,       /* 5xx */
	APIERR_OTHER
};

struct apierr_cause {
	char *field, *reason, *message; /* sanitised; any may be NULL */
};

struct apierr {
	enum apierr_kind kind;
	long code;         /* HTTP status (0 for transport errors) */
	char *reason;      /* Status.reason (sanitised) or NULL */
	char *message;     /* full human message (sanitised), NULL for APIERR_NONE */
	struct apierr_cause *causes;
	size_t n_causes;
};

/* Fill e from a response. what names the operation ("patch httproute default/web"); server
 * is named in transport errors. transport_error is the HTTP layer's text when no answer came.
 * Returns e->kind. */
enum apierr_kind apierr_from_response(struct apierr *e, long status, const char *body,
                                      size_t body_len, const char *transport_error,
                                      const char *what, const char *server);
void apierr_done(struct apierr *e);
/* True for errors worth retrying with backoff (transport, 429, 5xx). */
bool apierr_retryable(const struct apierr *e);

#endif
