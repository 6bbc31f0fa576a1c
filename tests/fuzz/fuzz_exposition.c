/* fuzz_exposition.c: fuzz target for the Prometheus text / OpenMetrics parser (proxy
 * /metrics pages are untrusted input). Both timestamp conventions are exercised. */
#include <stddef.h>
#include <stdint.h>

#include "gammatop/exposition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct expo_doc d;
	expo_doc_init(&d);
	expo_parse(&d, (const char *)data, size, size & 1, err, sizeof err);
	for (size_t i = 0; i < d.n_samples; i++)
		(void)expo_type_of(&d, d.samples[i].name);
	expo_doc_done(&d);
	return 0;
}
