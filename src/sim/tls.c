/* tls.c: the simulator's certificates (OpenSSL): an EC P-256 CA, a server certificate with
 * SANs 127.0.0.1, ::1, localhost and the listen address, and a client certificate (CN
 * gammatop-admin, O system:masters), written to a directory with private keys at mode 0600;
 * and the kubeconfig that points kubectl or gammatop at the sim. */
#include "config.h"
#include "tls.h"

#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

static int write_file(const char *path, const char *data, mode_t mode, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	fchmod(fd, mode);
	size_t len = strlen(data), off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

static char *pem_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *out = xstrndup(data, (size_t)n);
	BIO_free(b);
	return out;
}

static char *pem_cert(X509 *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, c);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *out = xstrndup(data, (size_t)n);
	BIO_free(b);
	return out;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ex) {
		X509_add_ext(cert, ex, -1);
		X509_EXTENSION_free(ex);
	}
}

/* A certificate for key signed by (issuer, issuer_key); self-signed when issuer is NULL. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *org, X509 *issuer,
                       EVP_PKEY *issuer_key, int kind, const char *san)
{
	X509 *c = X509_new();
	X509_set_version(c, 2);
	unsigned char serial[16];
	RAND_bytes(serial, sizeof serial);
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), (long)365 * 24 * 3600);
	X509_set_pubkey(c, key);
	X509_NAME *name = X509_get_subject_name(c);
	if (org)
		X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)org, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
	X509 *iss = issuer ? issuer : c;
	if (kind == 0) {
		add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
		add_ext(c, iss, NID_subject_key_identifier, "hash");
	} else {
		add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(c, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
		add_ext(c, iss, NID_ext_key_usage, kind == 1 ? "serverAuth" : "clientAuth");
		add_ext(c, iss, NID_authority_key_identifier, "keyid");
		if (san)
			add_ext(c, iss, NID_subject_alt_name, san);
	}
	X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256());
	return c;
}

static int generate(const char *dir, const char *listen_addr, char *err, size_t errlen)
{
	char path[4096];
	EVP_PKEY *ca_key = new_key(), *srv_key = new_key(), *cli_key = new_key();
	if (!ca_key || !srv_key || !cli_key) {
		snprintf(err, errlen, "cannot generate keys (OpenSSL)");
		EVP_PKEY_free(ca_key);
		EVP_PKEY_free(srv_key);
		EVP_PKEY_free(cli_key);
		return -1;
	}
	X509 *ca = make_cert(ca_key, "gammatop-sim-ca", "gammatop", NULL, NULL, 0, NULL);
	char san[512];
	bool extra = listen_addr && strcmp(listen_addr, "127.0.0.1") != 0 && strcmp(listen_addr, "::1") != 0 &&
	             strcmp(listen_addr, "localhost") != 0 && strcmp(listen_addr, "0.0.0.0") != 0 &&
	             strcmp(listen_addr, "::") != 0;
	bool ip = extra && strspn(listen_addr, "0123456789.:abcdefABCDEF") == strlen(listen_addr);
	snprintf(san, sizeof san, "IP:127.0.0.1,IP:::1,DNS:localhost%s%s%s", extra ? (ip ? ",IP:" : ",DNS:") : "",
	         extra ? listen_addr : "", "");
	X509 *srv = make_cert(srv_key, "gammatop-sim", "gammatop", ca, ca_key, 1, san);
	X509 *cli = make_cert(cli_key, "gammatop-admin", "system:masters", ca, ca_key, 2, NULL);
	struct { const char *file; char *data; mode_t mode; } out[] = {
		{"ca.crt", pem_cert(ca), 0644}, {"ca.key", pem_key(ca_key), 0600},
		{"server.crt", pem_cert(srv), 0644}, {"server.key", pem_key(srv_key), 0600},
		{"client.crt", pem_cert(cli), 0644}, {"client.key", pem_key(cli_key), 0600},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof out / sizeof *out; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, out[i].file);
		if (rc == 0 && write_file(path, out[i].data, out[i].mode, err, errlen) != 0)
			rc = -1;
		explicit_bzero(out[i].data, strlen(out[i].data));
		free(out[i].data);
	}
	X509_free(ca);
	X509_free(srv);
	X509_free(cli);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(srv_key);
	EVP_PKEY_free(cli_key);
	return rc;
}

int tls_prepare(const char *dir, const char *listen_addr, const char *client_ca_file,
                struct tls_material *m, char *err, size_t errlen)
{
	char path[4096];
	memset(m, 0, sizeof *m);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/server.crt", dir);
	if (access(path, R_OK) != 0 && generate(dir, listen_addr, err, errlen) != 0)
		return -1;
	static const char *const files[] = {"ca.crt", "server.crt", "server.key", "client.crt", "client.key"};
	char **dst[] = {&m->ca_cert, &m->server_cert, &m->server_key, &m->client_cert, &m->client_key};
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		*dst[i] = read_file(path);
		if (!*dst[i]) {
			snprintf(err, errlen, "cannot read %s: %s (remove %s to regenerate)", path, strerror(errno), dir);
			tls_material_done(m);
			return -1;
		}
	}
	if (client_ca_file) {
		m->client_ca = read_file(client_ca_file);
		if (!m->client_ca) {
			snprintf(err, errlen, "cannot read the client CA %s: %s", client_ca_file, strerror(errno));
			tls_material_done(m);
			return -1;
		}
	} else {
		m->client_ca = xstrdup(m->ca_cert);
	}
	return 0;
}

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void tls_material_done(struct tls_material *m)
{
	free(m->ca_cert);
	free(m->server_cert);
	free_secret(m->server_key);
	free(m->client_cert);
	free_secret(m->client_key);
	free(m->client_ca);
	memset(m, 0, sizeof *m);
}

static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

int tls_write_kubeconfig(const char *path, const char *url, const struct tls_material *m,
                         const char *token, bool client_cert, char *err, size_t errlen)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "apiVersion: v1\nkind: Config\nclusters:\n- name: gammatop-sim\n  cluster:\n"
	               "    server: %s\n", url);
	if (m) {
		char *ca = b64(m->ca_cert);
		buf_printf(&b, "    certificate-authority-data: %s\n", ca);
		free(ca);
	}
	/* no namespace, as kind and minikube write theirs: gammatop then reads every namespace */
	buf_puts(&b, "contexts:\n- name: gammatop-sim\n  context:\n    cluster: gammatop-sim\n"
	             "    user: gammatop-sim\ncurrent-context: gammatop-sim\n"
	             "users:\n- name: gammatop-sim\n  user:");
	if (token) {
		buf_puts(&b, "\n    token: \"");
		for (const char *p = token; *p; p++) { /* a YAML double-quoted scalar */
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			if ((unsigned char)*p < 0x20)
				buf_printf(&b, "\\x%02x", (unsigned char)*p);
			else
				buf_putc(&b, *p);
		}
		buf_puts(&b, "\"\n");
	} else if (m && client_cert) {
		char *crt = b64(m->client_cert), *key = b64(m->client_key);
		buf_printf(&b, "\n    client-certificate-data: %s\n    client-key-data: %s\n", crt, key);
		free(crt);
		free_secret(key);
	} else {
		buf_puts(&b, " {}\n");
	}
	int rc = write_file(path, buf_str(&b), 0600, err, errlen);
	explicit_bzero(b.data, b.len);
	buf_done(&b);
	return rc;
}
