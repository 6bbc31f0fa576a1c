/* server.h: the simulator's HTTP servers (API on libmicrohttpd, optional TLS and client
 * certificates; a plain HTTP /metrics server for Prometheus). */
#ifndef GAMMATOP_SIM_SERVER_H
#define GAMMATOP_SIM_SERVER_H
#include "sim.h"

struct server_opts {
	const char *listen; /* address to bind, e.g. "127.0.0.1" */
	int port;           /* 0: ephemeral */
	int metrics_port;   /* -1: no metrics server; 0: ephemeral */
	const char *tls_cert, *tls_key; /* PEM text; NULL: plain HTTP */
	const char *client_ca;          /* PEM text: request and verify client certificates */
};

struct server;

/* Start listening and serving (threads of libmicrohttpd). NULL with err on failure. */
struct server *server_start(struct sim *s, const struct server_opts *o, char *err, size_t errlen);
int server_port(const struct server *srv);
/* The metrics port, or -1 when there is no metrics server. */
int server_metrics_port(const struct server *srv);
/* Wake and end every watch, stop the daemons, free. NULL is ignored. */
void server_stop(struct server *srv);

#endif
