/* secret.h: keeping credentials out of everything gammatop prints, logs, stores and dumps:
 * the user:password@ part of a URL (found however odd the password is), and core dumps of a
 * process that holds credentials. */
#ifndef GAMMATOP_SECRET_H
#define GAMMATOP_SECRET_H
#include <stdbool.h>
#include <stddef.h>

/* Where the userinfo of url lies: from just after "scheme://" (or from the start when url
 * has no scheme) up to the LAST '@' of url. The last one, not the first '@' before the
 * first '/', '?' or '#' as RFC 3986 reads it: a password with an unencoded '/', '?', '#' or
 * '@' (base64 passwords have '/') is then still taken whole. An '@' in a path or query has
 * to be written %40. On true, url[*begin, *end) is the userinfo (possibly empty) and
 * url[*end] is that '@'; false when url has no '@' (or is NULL). */
bool secret_url_userinfo(const char *url, size_t *begin, size_t *end);

/* A copy of url that is safe to print, log or store: its userinfo (see above) becomes three
 * '*' ("http://u:p/a?b#c@host:9090/x" gives "http://" "***@host:9090/x"); a URL without one
 * is copied as it is. NULL gives NULL. The caller frees the result. */
char *secret_url_redact(const char *url);

/* A copy of url without its userinfo and the '@' ("https://u:p@h:6443" -> "https://h:6443"),
 * for a URL that is both used and shown once its credentials are taken out. NULL gives
 * NULL. The caller frees the result. */
char *secret_url_strip(const char *url);

/* Keep credentials out of core files: RLIMIT_CORE's soft limit becomes 0 and the process is
 * made non-dumpable (prctl PR_SET_DUMPABLE 0: no core, no ptrace attach by the same user).
 * Skipped when the environment variable GAMMATOP_ALLOW_CORE is set to anything but "" or
 * "0" (for debugging a crash). Returns true when dumps were disabled. */
bool secret_nodump(void);

/* Overwrite n bytes of p (or strlen(p) when n is 0) with zeros in a way the compiler keeps,
 * then free p. NULL is ignored. */
void secret_free(char *p, size_t n);

#endif
