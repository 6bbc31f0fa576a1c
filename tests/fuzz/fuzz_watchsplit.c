/* fuzz_watchsplit.c: the watch stream splitter on hostile bytes, fed whole and in pieces
 * whose sizes come from the input; both ways must deliver the same events. */
#include <stdint.h>
#include <stdlib.h>

#include "gammatop/watchsplit.h"

static int count(enum watch_type t, json_t *obj, void *ud)
{
	(*(size_t *)ud)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct watchsplit a, b;
	size_t na = 0, nb = 0;
	watchsplit_init(&a);
	watchsplit_init(&b);
	a.max_line = b.max_line = 4096;
	watchsplit_feed(&a, (const char *)data, size, count, &na);
	watchsplit_end(&a);
	size_t off = 0, step = size ? (size_t)data[0] % 7 + 1 : 1;
	while (off < size) {
		size_t k = size - off < step ? size - off : step;
		watchsplit_feed(&b, (const char *)data + off, k, count, &nb);
		off += k;
		step = (step * 5 + 3) % 13 + 1;
	}
	watchsplit_end(&b);
	if (na != nb)
		abort();
	watchsplit_done(&a);
	watchsplit_done(&b);
	return 0;
}
