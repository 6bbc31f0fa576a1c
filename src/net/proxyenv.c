/* proxyenv.c: Go's environment proxy rules (see proxyenv.h), following
 * golang.org/x/net/http/httpproxy/proxy.go: proxyForURL, parseProxy, useProxy, config.init
 * and the matchers. */
#include "gammatop/proxyenv.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Go's strings.TrimSpace on s, in place. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

static char *env_any(const char *upper, const char *lower)
{
	const char *v = getenv(upper);
	if (str_empty(v))
		v = getenv(lower);
	return str_empty(v) ? NULL : xstrdup(v);
}

void proxy_env_read(struct proxy_env *pe)
{
	pe->http_proxy = env_any("HTTP_PROXY", "http_proxy");
	pe->https_proxy = env_any("HTTPS_PROXY", "https_proxy");
	pe->no_proxy = env_any("NO_PROXY", "no_proxy");
	pe->cgi = !str_empty(getenv("REQUEST_METHOD"));
}

void proxy_env_done(struct proxy_env *pe)
{
	free(pe->http_proxy);
	free(pe->https_proxy);
	free(pe->no_proxy);
	memset(pe, 0, sizeof *pe);
}

/* An IP as 16 bytes (IPv4 as ::ffff:a.b.c.d, so that Go's IP.Equal holds across forms). */
static bool parse_ip(const char *s, unsigned char ip[16])
{
	struct in_addr v4;
	if (inet_pton(AF_INET, s, &v4) == 1) {
		memset(ip, 0, 10);
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, s, ip) == 1;
}

static bool is_v4(const unsigned char ip[16])
{
	static const unsigned char pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(ip, pre, 12) == 0;
}

static bool is_loopback(const unsigned char ip[16])
{
	static const unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	return (is_v4(ip) && ip[12] == 127) || memcmp(ip, one, 16) == 0;
}

/* "a.b.c.d/n" or "v6/n" containing ip (Go's net.ParseCIDR + Contains). -1: not a CIDR. */
static int cidr_contains(const char *p, const unsigned char ip[16])
{
	const char *slash = strchr(p, '/');
	if (!slash || !slash[1])
		return -1;
	char addr[64];
	size_t n = (size_t)(slash - p);
	if (n >= sizeof addr)
		return -1;
	memcpy(addr, p, n);
	addr[n] = 0;
	char *end;
	long bits = strtol(slash + 1, &end, 10);
	unsigned char net[16];
	if (*end || !parse_ip(addr, net))
		return -1;
	bool v4 = strchr(addr, ':') == NULL;
	if (bits < 0 || bits > (v4 ? 32 : 128))
		return -1;
	if (!ip)
		return 0;
	if (v4 != is_v4(ip)) /* Go: a v4 net holds no (non-mapped) v6 address, and vice versa */
		return 0;
	long total = v4 ? bits + 96 : bits;
	for (long i = 0; i < total; i++) {
		int byte = (int)(i / 8), bit = 7 - (int)(i % 8);
		if (((net[byte] >> bit) & 1) != ((ip[byte] >> bit) & 1))
			return 0;
	}
	return 1;
}

/* Go's net.SplitHostPort for a NO_PROXY entry: "host:port", "[v6]:port". false: no port. */
static bool split_host_port(const char *p, char *host, size_t hn, char *port, size_t pn)
{
	const char *colon = strrchr(p, ':');
	if (!colon)
		return false;
	if (p[0] == '[') {
		const char *close = strchr(p, ']');
		if (!close || close + 1 != colon)
			return false;
		snprintf(host, hn, "%.*s", (int)(close - p - 1), p + 1);
	} else {
		if (memchr(p, ':', (size_t)(colon - p))) /* a bare IPv6 address: no port */
			return false;
		snprintf(host, hn, "%.*s", (int)(colon - p), p);
	}
	snprintf(port, pn, "%s", colon + 1);
	return true;
}

/* Should host:port (host lower-cased, brackets removed) go through the proxy? */
static bool use_proxy(const char *no_proxy, const char *host_in, const char *port)
{
	if (strcmp(host_in, "localhost") == 0)
		return false;
	unsigned char ip[16];
	bool is_ip = parse_ip(host_in, ip);
	if (is_ip && is_loopback(ip))
		return false;
	char host[256];
	snprintf(host, sizeof host, "%s", host_in);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!no_proxy)
		return true;
	size_t n;
	char **parts = str_split(no_proxy, ',', &n);
	bool use = true;
	for (size_t i = 0; i < n && use; i++) {
		char *p = trim(parts[i]);
		for (char *c = p; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!*p)
			continue;
		if (strcmp(p, "*") == 0) {
			use = false;
			break;
		}
		int in = cidr_contains(p, is_ip ? ip : NULL);
		if (in >= 0) {
			if (in == 1)
				use = false;
			continue;
		}
		char phost[256], pport[32] = "";
		if (split_host_port(p, phost, sizeof phost, pport, sizeof pport)) {
			if (!*phost)
				continue;
		} else {
			snprintf(phost, sizeof phost, "%s", p);
		}
		unsigned char pip[16];
		if (parse_ip(phost, pip)) {
			if (is_ip && memcmp(pip, ip, 16) == 0 && (!*pport || strcmp(pport, port) == 0))
				use = false;
			continue;
		}
		if (!*phost)
			continue;
		const char *d = phost;
		if (d[0] == '*' && d[1] == '.')
			d++;
		bool match_host = d[0] != '.';
		char dom[260];
		snprintf(dom, sizeof dom, "%s%s", match_host ? "." : "", d);
		if ((str_ends(host, dom) || (match_host && strcmp(host, dom + 1) == 0)) &&
		    (!*pport || strcmp(pport, port) == 0))
			use = false;
	}
	str_list_free(parts);
	return use;
}

/* Go's parseProxy: a URL of scheme http, https or socks5 as it is; anything else is taken as
 * host[:port] of an http proxy. */
static char *parse_proxy(const char *v)
{
	if (str_starts(v, "http://") || str_starts(v, "https://") || str_starts(v, "socks5://"))
		return xstrdup(v);
	return xasprintf("http://%s", v);
}

int proxy_env_for_url(const struct proxy_env *pe, const char *url, char **proxy, char *err,
                      size_t errlen)
{
	*proxy = NULL;
	const char *value, *def_port;
	if (str_starts(url, "https://")) {
		value = pe->https_proxy;
		def_port = "443";
	} else if (str_starts(url, "http://")) {
		value = pe->http_proxy;
		def_port = "80";
		if (value && pe->cgi) {
			snprintf(err, errlen, "refusing to use HTTP_PROXY value in CGI environment; see "
			                      "golang.org/s/cgihttpproxy");
			return -1;
		}
	} else {
		return 0;
	}
	if (!value)
		return 0;
	/* host and port of the URL (userinfo skipped; [v6] unbracketed) */
	const char *a = strstr(url, "://") + 3, *end = a + strcspn(a, "/?#");
	const char *at = NULL;
	for (const char *c = a; c < end; c++)
		if (*c == '@')
			at = c;
	if (at)
		a = at + 1;
	char host[256] = "", port[32] = "";
	if (*a == '[') {
		const char *close = memchr(a, ']', (size_t)(end - a));
		if (!close)
			return 0;
		snprintf(host, sizeof host, "%.*s", (int)(close - a - 1), a + 1);
		if (close + 1 < end && close[1] == ':')
			snprintf(port, sizeof port, "%.*s", (int)(end - close - 2), close + 2);
	} else {
		const char *colon = memchr(a, ':', (size_t)(end - a));
		snprintf(host, sizeof host, "%.*s", (int)((colon ? colon : end) - a), a);
		if (colon)
			snprintf(port, sizeof port, "%.*s", (int)(end - colon - 1), colon + 1);
	}
	if (!*port)
		snprintf(port, sizeof port, "%s", def_port);
	if (!use_proxy(pe->no_proxy, host, port))
		return 0;
	*proxy = parse_proxy(value);
	return 0;
}
