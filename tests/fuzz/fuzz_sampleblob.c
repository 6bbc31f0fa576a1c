/* fuzz_sampleblob.c: fuzz target for the cache's packed sample rows (a cache file may be
 * damaged or tampered with): decoding never crashes, and whatever decodes re-encodes to a
 * blob that decodes to the same amounts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/sampleblob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sample_counts a, b, legacy = {0};
	sampleblob_legacy_buckets(data, size, &legacy);
	sampleblob_add(data, size, -1, &legacy);
	if (sampleblob_decode(data, size, 1, &a) < 0)
		return 0;
	unsigned char out[SAMPLEBLOB_MAX];
	size_t n = sampleblob_encode(&a, out);
	if (n > SAMPLEBLOB_MAX || sampleblob_decode(out, n, 1, &b) < 0)
		abort();
	if (a.have != b.have || a.n_buckets != b.n_buckets)
		abort();
	for (unsigned i = 0; i < a.n_buckets; i++)
		if (memcmp(&a.le[i], &b.le[i], sizeof a.le[i]))
			abort();
	return 0;
}
