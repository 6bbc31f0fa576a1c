/* fuzz_apierr.c: Status error bodies from a hostile server: the first byte picks the HTTP
 * status, the rest is the body; the message must always be built and be terminal-safe. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/apierr.h"
#include "gammatop/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long codes[] = {400, 401, 403, 404, 409, 410, 415, 422, 429, 500, 503, 302};
	long status = size ? codes[data[0] % (sizeof codes / sizeof codes[0])] : 500;
	struct apierr e;
	apierr_from_response(&e, status, size ? (const char *)data + 1 : NULL, size ? size - 1 : 0,
	                     NULL, "patch httproute d/web", "https://k");
	if (!e.message)
		abort();
	char *m = strdup(e.message);
	for (char *p = m; p && *p; p++)
		if (*p == '\n')
			*p = ' '; /* causes are listed one per line */
	if (m && !str_is_safe(m))
		abort();
	free(m);
	for (size_t i = 0; i < e.n_causes; i++)
		if (e.causes[i].field && !str_is_safe(e.causes[i].field))
			abort();
	apierr_done(&e);
	return 0;
}
