/* fuzz_podtargets.c: fuzz target for the discovery of what to scrape from a pod list's JSON
 * (scrape_targets_from_pods: cluster text, untrusted). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gammatop/scrape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct scrape_target *t;
	size_t n;
	if (scrape_targets_from_pods((const char *)data, size, &t, &n, err, sizeof err) == 0) {
		for (size_t i = 0; i < n; i++)
			scrape_target_done(&t[i]);
		free(t);
	}
	return 0;
}
