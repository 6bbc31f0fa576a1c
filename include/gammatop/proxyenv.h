/* proxyenv.h: which proxy a request goes through, by the environment, exactly as kubectl
 * decides it: Go's net/http ProxyFromEnvironment, i.e. golang.org/x/net/http/httpproxy
 * (proxy.go): HTTPS_PROXY (else https_proxy) for https URLs, HTTP_PROXY (else http_proxy) for
 * http URLs, never for localhost or a loopback address, NO_PROXY (else no_proxy) entries as
 * Go reads them (a domain and its subdomains, ".domain" subdomains only, "*.domain", IPs and
 * CIDRs, optional ports, "*" for none); HTTP_PROXY is refused under CGI (REQUEST_METHOD set).
 * ALL_PROXY is not read (Go does not). curl's own environment rules differ, so the kube
 * client passes the answer to curl explicitly. */
#ifndef GAMMATOP_PROXYENV_H
#define GAMMATOP_PROXYENV_H
#include <stdbool.h>
#include <stddef.h>

/* The variables, as read once (Go reads them once per process too). Strings are owned. */
struct proxy_env {
	char *http_proxy, *https_proxy, *no_proxy;
	bool cgi;
};

/* Read HTTP_PROXY/http_proxy, HTTPS_PROXY/https_proxy, NO_PROXY/no_proxy (the upper-case
 * name first; an empty value counts as unset) and REQUEST_METHOD. */
void proxy_env_read(struct proxy_env *pe);
void proxy_env_done(struct proxy_env *pe);

/* The proxy URL for url (a new string: "http://host:port" when the variable held only
 * host:port), or NULL to connect directly. Returns -1 with err set only when Go would fail
 * the request (HTTP_PROXY in a CGI environment). */
int proxy_env_for_url(const struct proxy_env *pe, const char *url, char **proxy, char *err,
                      size_t errlen);

#endif
