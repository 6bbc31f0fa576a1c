/* secret.c: URL userinfo redaction, core dump suppression and wiping (see secret.h). */
#include "gammatop/secret.h"
#include "gammatop/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* Length of a "scheme://" prefix of s (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
 * then "://"), or 0 when s does not start with one. */
static size_t scheme_len(const char *s)
{
	size_t i = 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	       (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return strncmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

bool secret_url_userinfo(const char *url, size_t *begin, size_t *end)
{
	if (!url)
		return false;
	const char *at = strrchr(url, '@');
	if (!at)
		return false;
	size_t b = scheme_len(url);
	if (url + b > at) /* cannot happen: "://" holds no '@'; kept for the contract */
		b = 0;
	*begin = b;
	*end = (size_t)(at - url);
	return true;
}

char *secret_url_redact(const char *url)
{
	size_t b, e;
	if (!url)
		return NULL;
	if (!secret_url_userinfo(url, &b, &e))
		return xstrdup(url);
	return xasprintf("%.*s***%s", (int)b, url, url + e);
}

char *secret_url_strip(const char *url)
{
	size_t b, e;
	if (!url)
		return NULL;
	if (!secret_url_userinfo(url, &b, &e))
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)b, url, url + e + 1);
}

bool secret_nodump(void)
{
	const char *allow = getenv("GAMMATOP_ALLOW_CORE");
	if (allow && *allow && strcmp(allow, "0") != 0)
		return false;
	struct rlimit rl;
	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0; /* the hard limit stays: children may raise theirs (exec resets
		                    dumpability, see below) */
		setrlimit(RLIMIT_CORE, &rl);
	}
	/* Also covers a core_pattern that pipes to a handler (systemd-coredump, apport), which
	 * the kernel runs whatever RLIMIT_CORE says; execve() makes a child dumpable again. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return true;
}

void secret_free(char *p, size_t n)
{
	if (!p)
		return;
	volatile char *v = p;
	size_t len = n ? n : strlen(p);
	for (size_t i = 0; i < len; i++)
		v[i] = 0;
	free(p);
}
