/* apierr.c: Status objects and HTTP codes to operator-facing errors (see apierr.h). */
#include "gammatop/apierr.h"
#include "gammatop/buf.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAUSES 50

static enum apierr_kind kind_of(long status)
{
	if (status >= 200 && status < 300)
		return APIERR_NONE;
	switch (status) {
	case 0: return APIERR_TRANSPORT;
	case 400: return APIERR_BAD_REQUEST;
	case 401: return APIERR_UNAUTHORIZED;
	case 403: return APIERR_FORBIDDEN;
	case 404: return APIERR_NOT_FOUND;
	case 409: return APIERR_CONFLICT;
	case 410: return APIERR_GONE;
	case 415: return APIERR_UNSUPPORTED;
	case 422: return APIERR_INVALID;
	case 429: return APIERR_TOO_MANY;
	default: return status >= 500 ? APIERR_SERVER : APIERR_OTHER;
	}
}

static char *san(const char *s) { return s ? str_sanitize(s) : NULL; }

static const char *hint(enum apierr_kind k, const char *reason)
{
	switch (k) {
	case APIERR_UNAUTHORIZED:
		return "the server did not accept the credentials (expired token? log in again, "
		       "or check the kubeconfig user)";
	case APIERR_FORBIDDEN:
		return "your user lacks the RBAC permission for this (ask a cluster admin, or "
		       "check with 'kubectl auth can-i')";
	case APIERR_CONFLICT:
		if (reason && strcmp(reason, "Conflict") == 0)
			return "the object changed since it was read: reload it and apply your change "
			       "again";
		return "the object changed since it was read: reload it and try again";
	case APIERR_GONE:
		return "the requested version is too old; starting over from a fresh list";
	case APIERR_TOO_MANY:
		return "the API server is throttling requests; retrying with backoff";
	case APIERR_SERVER:
		return "the API server failed; retrying with backoff";
	case APIERR_UNSUPPORTED:
		return "the server does not support this patch type for this resource";
	default:
		return NULL;
	}
}

enum apierr_kind apierr_from_response(struct apierr *e, long status, const char *body,
                                      size_t body_len, const char *transport_error,
                                      const char *what, const char *server)
{
	memset(e, 0, sizeof *e);
	e->code = transport_error ? 0 : status;
	e->kind = transport_error ? APIERR_TRANSPORT : kind_of(status);
	if (e->kind == APIERR_NONE)
		return e->kind;
	struct buf b;
	buf_init(&b);
	if (what)
		buf_printf(&b, "%s: ", what);
	if (e->kind == APIERR_TRANSPORT) {
		char *t = san(transport_error), *s = san(server);
		/* a server that took the connection and said nothing is not unreachable */
		bool silent = transport_error && strstr(transport_error, "timed out") &&
		              strstr(transport_error, " 0 bytes received");
		buf_printf(&b, "%s%s%s: %s",
		           silent ? "no answer in time from the API server" : "cannot reach the API server",
		           s ? " at " : "", s ? s : "", t);
		free(t);
		free(s);
		e->message = buf_steal(&b);
		return e->kind;
	}
	json_t *j = body && body_len ? json_loadb(body, body_len, 0, NULL) : NULL;
	const char *msg = NULL;
	if (json_is_object(j) && str_eq(json_string_value(json_object_get(j, "kind")), "Status")) {
		msg = json_string_value(json_object_get(j, "message"));
		e->reason = san(json_string_value(json_object_get(j, "reason")));
		const json_t *causes = json_object_get(json_object_get(j, "details"), "causes");
		size_t n = json_is_array(causes) ? json_array_size(causes) : 0;
		if (n > MAX_CAUSES)
			n = MAX_CAUSES;
		if (n)
			e->causes = xcalloc(n, sizeof *e->causes);
		for (size_t i = 0; i < n; i++) {
			const json_t *c = json_array_get(causes, i);
			if (!json_is_object(c))
				continue;
			struct apierr_cause *ca = &e->causes[e->n_causes++];
			ca->field = san(json_string_value(json_object_get(c, "field")));
			ca->reason = san(json_string_value(json_object_get(c, "reason")));
			ca->message = san(json_string_value(json_object_get(c, "message")));
		}
	}
	if (msg) {
		char *m = str_sanitize(msg);
		buf_puts(&b, m);
		free(m);
	} else if (body && body_len && !json_is_object(j)) {
		/* A proxy or a load balancer answered: show the start of its text. */
		char snippet[161];
		size_t k = body_len < 160 ? body_len : 160;
		memcpy(snippet, body, k);
		snippet[k] = 0;
		char *m = str_sanitize(snippet);
		buf_printf(&b, "HTTP %ld: %s", status, m);
		free(m);
	} else {
		buf_printf(&b, "HTTP %ld", status);
	}
	const char *h = hint(e->kind, e->reason);
	if (h)
		buf_printf(&b, " (%s)", h);
	for (size_t i = 0; i < e->n_causes; i++) {
		const struct apierr_cause *c = &e->causes[i];
		/* The message usually repeats each cause already; list them only when it does not. */
		if (c->message && msg && strstr(msg, c->message))
			continue;
		buf_printf(&b, "\n  %s: %s", c->field ? c->field : "(object)",
		           c->message ? c->message : (c->reason ? c->reason : "invalid"));
	}
	json_decref(j);
	e->message = buf_steal(&b);
	return e->kind;
}

void apierr_done(struct apierr *e)
{
	free(e->reason);
	free(e->message);
	for (size_t i = 0; i < e->n_causes; i++) {
		free(e->causes[i].field);
		free(e->causes[i].reason);
		free(e->causes[i].message);
	}
	free(e->causes);
	memset(e, 0, sizeof *e);
}

bool apierr_retryable(const struct apierr *e)
{
	return e->kind == APIERR_TRANSPORT || e->kind == APIERR_TOO_MANY ||
	       e->kind == APIERR_SERVER;
}
