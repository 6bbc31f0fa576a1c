/* server.c: the HTTP side of the simulator on libmicrohttpd (one thread per connection, so a
 * watch can block while it waits for events): listening sockets, TLS with optional client
 * certificates (GnuTLS, which libmicrohttpd uses), bearer tokens, fault injection (latency,
 * 500 and 429 answers), and turning `struct reply` into responses. A second daemon serves the
 * traffic model's /metrics. */
#include "config.h"
#include "server.h"

#include "gammatop/xalloc.h"
#include "rbac.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "traffic_glue.h"

struct server {
	struct sim *sim;
	struct MHD_Daemon *api, *metrics;
	int api_port, metrics_port;
};

/* Per-connection request state: the upload collected across calls. */
struct conn_state {
	struct buf body;
	bool too_large;
};

#define MAX_BODY (8u << 20)

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Look name up in a raw query string; the value is decoded into buf. */
static const char *raw_query(const char *q, const char *name, char *buf, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = q; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t o = 0;
			for (size_t i = nl + 1; i < len && o + 1 < n; i++) {
				if (p[i] == '%' && i + 2 < len && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
					buf[o++] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
					i += 2;
				} else {
					buf[o++] = p[i] == '+' ? ' ' : p[i];
				}
			}
			buf[o] = '\0';
			return buf;
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

const char *request_query(const struct request *rq, const char *name)
{
	static __thread char bufs[16][1024];
	static __thread unsigned next;
	if (!rq->conn)
		return rq->query ? raw_query(rq->query, name, bufs[next++ % 16], sizeof bufs[0]) : NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

void reply_json(struct reply *rp, int code, json_t *j)
{
	rp->code = code;
	free(rp->body);
	rp->body = NULL;
	rp->body_len = 0;
	json_decref(rp->json);
	rp->json = j;
	free(rp->content_type);
	rp->content_type = NULL;
}

void reply_finish(struct reply *rp)
{
	if (!rp->json)
		return;
	free(rp->body);
	rp->body = json_dumps(rp->json, JSON_COMPACT);
	if (!rp->body)
		rp->body = xstrdup("{}");
	rp->body_len = strlen(rp->body);
	json_decref(rp->json);
	rp->json = NULL;
}

void reply_text(struct reply *rp, int code, const char *ctype, const char *text)
{
	rp->code = code;
	json_decref(rp->json);
	rp->json = NULL;
	free(rp->body);
	rp->body = xstrdup(text);
	rp->body_len = strlen(text);
	free(rp->content_type);
	rp->content_type = xstrdup(ctype);
}

json_t *status_object(int code, const char *reason, json_t *details, const char *message)
{
	json_t *st = json_pack("{s:s, s:s, s:{}, s:s, s:s, s:i}", "kind", "Status", "apiVersion",
	                       "v1", "metadata", "status", "Failure", "message", message, "code",
	                       code);
	if (reason && reason[0])
		json_object_set_new(st, "reason", json_string(reason));
	if (details)
		json_object_set_new(st, "details", details);
	return st;
}

void reply_status(struct reply *rp, int code, const char *reason, json_t *details,
                  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	reply_json(rp, code, status_object(code, reason, details, msg));
}

static void reply_done(struct reply *rp)
{
	free(rp->content_type);
	free(rp->body);
	free(rp->retry_after);
	free(rp->warning);
	json_decref(rp->json);
	if (rp->watch)
		watch_free(rp->watch);
	memset(rp, 0, sizeof *rp);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *rp)
{
	struct MHD_Response *resp;
	if (rp->watch) {
		watch_set_conn(rp->watch, c);
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
		                                         (MHD_ContentReaderCallback)watch_read,
		                                         rp->watch, watch_free);
		rp->watch = NULL;
		MHD_add_response_header(resp, "Content-Type", "application/json");
		MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
	} else {
		reply_finish(rp);
		if (!rp->body)
			rp->body = xstrdup("");
		resp = MHD_create_response_from_buffer(rp->body_len, rp->body, MHD_RESPMEM_MUST_FREE);
		rp->body = NULL;
		MHD_add_response_header(resp, "Content-Type",
		                        rp->content_type ? rp->content_type : "application/json");
		MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
		if (rp->retry_after)
			MHD_add_response_header(resp, "Retry-After", rp->retry_after);
		if (rp->warning)
			MHD_add_response_header(resp, "Warning", rp->warning);
	}
	enum MHD_Result ret = MHD_queue_response(c, rp->code ? (unsigned)rp->code : 500, resp);
	MHD_destroy_response(resp);
	reply_done(rp);
	return ret;
}

/* The user name from a verified client certificate (its CN), or NULL. */
static char *client_cert_user(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return NULL;
	gnutls_session_t tls = (gnutls_session_t)ci->tls_session;
	unsigned status = 0;
	if (gnutls_certificate_verify_peers2(tls, &status) != 0 || status != 0)
		return NULL;
	unsigned n = 0;
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(tls, &n);
	if (!certs || n == 0)
		return NULL;
	gnutls_x509_crt_t crt;
	if (gnutls_x509_crt_init(&crt) != 0)
		return NULL;
	char cn[256];
	size_t cnlen = sizeof cn;
	char *user = NULL;
	if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cnlen) == 0)
		user = xstrdup(cn);
	gnutls_x509_crt_deinit(crt);
	return user;
}

/* Authenticate: 0 ok (rq->user/readonly set), or fills rp with 401. Tokens are compared,
 * never logged. */
static int authenticate(struct sim *s, struct MHD_Connection *c, struct request *rq,
                        struct reply *rp, char **user_out)
{
	if (!s->token && !s->readonly_token && !s->client_cert_auth && !s->n_rbac)
		return 0;
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		const char *tok = auth + 7;
		if (s->token && strcmp(tok, s->token) == 0) {
			rq->user = "token-admin";
			return 0;
		}
		if (s->readonly_token && strcmp(tok, s->readonly_token) == 0) {
			rq->user = "token-viewer";
			rq->readonly = true;
			return 0;
		}
		const struct sim_rbac *rb = rbac_by_token(s, tok);
		if (rb) {
			rq->user = rb->user;
			rq->rbac = rb;
			return 0;
		}
	}
	if (s->client_cert_auth) {
		char *u = client_cert_user(c);
		if (u) {
			*user_out = u;
			rq->user = u;
			return 0;
		}
	}
	reply_status(rp, 401, "Unauthorized", NULL, "Unauthorized");
	return -1;
}

struct imp_scan {
	bool other;     /* Impersonate-Group/-Uid/-Extra-* seen */
	char first[64]; /* its name, for the message */
};

static enum MHD_Result scan_impersonate(void *cls, enum MHD_ValueKind kind, const char *key,
                                        const char *value)
{
	struct imp_scan *sc = cls;
	(void)kind;
	(void)value;
	if (strncasecmp(key, "Impersonate-", 12) == 0 && strcasecmp(key, "Impersonate-User") != 0 &&
	    !sc->other) {
		sc->other = true;
		snprintf(sc->first, sizeof sc->first, "%s", key);
	}
	return MHD_YES;
}

/* Impersonate-* headers (kube-apiserver filters/impersonation.go, 1.32): only a user allowed
 * to impersonate (here the --token user and client certificates) may; groups, uid or extra
 * without a user is an error; the request then runs as the impersonated user. 0, or -1 with
 * rp filled. */
static int impersonate(struct sim *s, struct MHD_Connection *c, struct request *rq,
                       struct reply *rp)
{
	const char *as = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Impersonate-User");
	struct imp_scan sc = {0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, scan_impersonate, &sc);
	if (!as && !sc.other)
		return 0;
	if (!as || !*as) {
		reply_text(rp, 500, "text/plain",
		           "Internal Server Error: requested impersonation without impersonating a "
		           "user");
		(void)sc.first;
		return -1;
	}
	if (rq->user && (rq->readonly || rq->rbac)) {
		reply_status(rp, 403, "Forbidden",
		             json_pack("{s:s, s:s, s:s}", "name", as, "group", "", "kind", "users"),
		             "users \"%s\" is forbidden: User \"%s\" cannot impersonate resource "
		             "\"users\" in API group \"\" at the cluster scope",
		             as, rq->user);
		return -1;
	}
	rq->impersonator = rq->user ? rq->user : "system:anonymous";
	rq->user = as;
	rq->rbac = rbac_by_user(s, as);
	rq->readonly = false;
	return 0;
}

/* Deterministic fault choice: the n-th API request fails when the running share crosses. */
static bool fault_hit(uint64_t seq, double share, uint64_t salt)
{
	if (share <= 0)
		return false;
	uint64_t x = (seq + 1) * 0x9E3779B97F4A7C15ull ^ salt;
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	return (double)(x % 1000000) / 1e6 < share;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_len, void **con_cls)
{
	struct server *srv = cls;
	struct sim *s = srv->sim;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		cs = xcalloc(1, sizeof *cs);
		buf_init(&cs->body);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_len) {
		if (cs->body.len + *upload_len > MAX_BODY)
			cs->too_large = true;
		else
			buf_append(&cs->body, upload, *upload_len);
		*upload_len = 0;
		return MHD_YES;
	}
	struct request rq = {
		.method = method,
		.path = url,
		.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
		.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
		.user_agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent"),
		.body = buf_str(&cs->body),
		.body_len = cs->body.len,
		.conn = c,
	};
	struct reply rp = {0};
	char *cert_user = NULL;
	if (cs->too_large) {
		reply_status(&rp, 413, "RequestEntityTooLarge", NULL, "request body is too large");
		return send_reply(c, &rp);
	}
	bool is_admin = strncmp(url, "/sim/", 5) == 0;
	bool is_health = strcmp(url, "/healthz") == 0 || strcmp(url, "/readyz") == 0 ||
	                 strcmp(url, "/livez") == 0;
	if (!is_health && authenticate(s, c, &rq, &rp, &cert_user) != 0)
		goto out;
	if (!is_health && impersonate(s, c, &rq, &rp) != 0)
		goto out;
	if (!is_admin && !is_health) {
		struct sim_faults f;
		uint64_t seq;
		pthread_mutex_lock(&s->lock);
		f = s->faults;
		seq = s->fault_seq++;
		pthread_mutex_unlock(&s->lock);
		if (f.latency_ms > 0)
			usleep((useconds_t)f.latency_ms * 1000);
		const char *dry = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dryRun");
		if (f.patch_delay_ms > 0 && !strcmp(method, "PATCH") && !dry) {
			fprintf(stderr, "gammatop-sim: patch-delay: holding PATCH %s for %d ms\n", url,
			        f.patch_delay_ms);
			usleep((useconds_t)f.patch_delay_ms * 1000);
			fprintf(stderr, "gammatop-sim: patch-delay: applying PATCH %s\n", url);
		}
		if (fault_hit(seq, f.error_share, 0x5151)) {
			reply_status(&rp, 500, "InternalError", NULL,
			             "Internal error occurred: injected by gammatop-sim");
			goto out;
		}
		if (fault_hit(seq, f.throttle_share, 0x4242)) {
			rp.retry_after = xstrdup("1");
			reply_status(&rp, 429, "TooManyRequests", json_pack("{s:i}", "retryAfterSeconds", 1),
			             "Too many requests, please try again later.");
			goto out;
		}
	}
	if (is_health) {
		reply_text(&rp, 200, "text/plain", "ok");
	} else if (is_admin) {
		if (rq.readonly || rq.rbac)
			reply_status(&rp, 403, "Forbidden", NULL,
			             "forbidden: User \"%s\" cannot use the simulator admin API", rq.user);
		else if (!admin_handle(s, &rq, &rp))
			reply_status(&rp, 404, "NotFound", NULL, "the server could not find the requested resource");
	} else if (!discovery_handle(s, &rq, &rp)) {
		api_handle(s, &rq, &rp);
	}
	if (s->verbose && !rp.watch)
		fprintf(stderr, "gammatop-sim: %s %s -> %d%s%s%s%s%s\n", method, url, rp.code,
		        rq.impersonator ? " (user " : "", rq.impersonator ? rq.user : "",
		        rq.impersonator ? " impersonated by " : "",
		        rq.impersonator ? rq.impersonator : "", rq.impersonator ? ")" : "");
out:
	free(cert_user);
	(void)version;
	return send_reply(c, &rp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;
	if (cs) {
		buf_done(&cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_len, void **con_cls)
{
	struct server *srv = cls;
	struct reply rp = {0};
	if (!*con_cls) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	*con_cls = NULL;
	if (strcmp(url, "/metrics") != 0) {
		reply_text(&rp, 404, "text/plain", "not found\n");
	} else {
		char *text = traffic_glue_render(srv->sim, NULL);
		if (text) {
			reply_text(&rp, 200, traffic_glue_content_type(srv->sim), text);
			free(text);
		} else {
			reply_text(&rp, 503, "text/plain", "traffic model not built into this gammatop-sim\n");
		}
	}
	return send_reply(c, &rp);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *srv = cls;
	if (srv->sim->verbose) {
		fputs("gammatop-sim: http: ", stderr);
		vfprintf(stderr, fmt, ap);
	}
}

/* Bind a listening socket on addr:port; returns the fd or -1 with err set. */
static int listen_on(const char *addr, int port, int *bound_port, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char service[16];
	snprintf(service, sizeof service, "%d", port);
	int rc = getaddrinfo(addr, service, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve listen address %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *p = ai; p; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 && listen(fd, 128) == 0)
			break;
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*bound_port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

struct server *server_start(struct sim *s, const struct server_opts *o, char *err, size_t errlen)
{
	struct server *srv = xcalloc(1, sizeof *srv);
	srv->sim = s;
	int fd = listen_on(o->listen, o->port, &srv->api_port, err, errlen);
	if (fd < 0) {
		free(srv);
		return NULL;
	}
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                 MHD_USE_POLL | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls_opts[4];
	size_t nt = 0;
	if (o->tls_cert) {
		flags |= MHD_USE_TLS;
		tls_opts[nt++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key};
		tls_opts[nt++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert};
		if (o->client_ca)
			tls_opts[nt++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0,
			                                         (void *)o->client_ca};
	}
	tls_opts[nt] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	srv->api = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	                            MHD_OPTION_LISTEN_SOCKET, fd,
	                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
	                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)3600,
	                            MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
	if (!srv->api) {
		snprintf(err, errlen, "cannot start the API server on %s:%d%s", o->listen,
		         srv->api_port, o->tls_cert ? " (TLS)" : "");
		close(fd);
		free(srv);
		return NULL;
	}
	if (o->metrics_port >= 0) {
		int mfd = listen_on(o->listen, o->metrics_port, &srv->metrics_port, err, errlen);
		if (mfd < 0) {
			server_stop(srv);
			return NULL;
		}
		srv->metrics = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
		                                MHD_USE_ERROR_LOG, 0, NULL, NULL, on_metrics, srv,
		                                MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
		                                MHD_OPTION_LISTEN_SOCKET, mfd,
		                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		                                MHD_OPTION_END);
		if (!srv->metrics) {
			snprintf(err, errlen, "cannot start the metrics server on port %d",
			         srv->metrics_port);
			close(mfd);
			server_stop(srv);
			return NULL;
		}
	}
	return srv;
}

int server_port(const struct server *srv)
{
	return srv->api_port;
}

int server_metrics_port(const struct server *srv)
{
	return srv->metrics ? srv->metrics_port : -1;
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	pthread_mutex_lock(&srv->sim->lock);
	srv->sim->shutting_down = true;
	pthread_cond_broadcast(&srv->sim->changed);
	pthread_mutex_unlock(&srv->sim->lock);
	if (srv->metrics)
		MHD_stop_daemon(srv->metrics);
	if (srv->api)
		MHD_stop_daemon(srv->api);
	free(srv);
}
