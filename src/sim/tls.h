/* tls.h: certificates and kubeconfig for the simulator: a CA, a server certificate for the
 * listen address and a client certificate, generated with OpenSSL into a directory (reused
 * when already there), and a ready kubeconfig. */
#ifndef GAMMATOP_SIM_TLS_H
#define GAMMATOP_SIM_TLS_H
#include <stdbool.h>
#include <stddef.h>

struct tls_material {
	char *ca_cert;     /* PEM, owned */
	char *server_cert, *server_key; /* PEM, owned; the key is a secret */
	char *client_cert, *client_key; /* PEM, owned; the key is a secret */
	char *client_ca;   /* PEM of the CA that signs accepted client certificates */
};

/* Create dir (0700) and the files in it unless they exist; load them into m. client_ca_file
 * (may be NULL) replaces the generated CA for client certificates. 0 or -1 with err. */
int tls_prepare(const char *dir, const char *listen_addr, const char *client_ca_file,
                struct tls_material *m, char *err, size_t errlen);
void tls_material_done(struct tls_material *m);
/* Write a kubeconfig (mode 0600) for server url: CA data when m is given, the token, or
 * else (client_cert) the client certificate and key. 0 or -1 with err. */
int tls_write_kubeconfig(const char *path, const char *url, const struct tls_material *m,
                         const char *token, bool client_cert, char *err, size_t errlen);

#endif
