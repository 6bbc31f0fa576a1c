/* fuzz_promresult.c: fuzz target for the Prometheus HTTP API reply decoder. */
#include <stddef.h>
#include <stdint.h>

#include "gammatop/promresult.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct promresult r;
	promresult_init(&r);
	promresult_decode(&r, (const char *)data, size, 200, err, sizeof err);
	for (size_t i = 0; i < r.n_series; i++)
		(void)promresult_label(&r.series[i], "le");
	promresult_done(&r);
	return 0;
}
