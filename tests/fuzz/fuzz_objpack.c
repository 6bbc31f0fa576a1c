/* fuzz_objpack.c: objpack_read on arbitrary bytes (the cached topology is read back with it):
 * never a crash or a leak; whatever reads back packs to text that reads back to the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/objpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	for (int i = 0; i < 64 && p < end; i++) {
		struct gt_object *o = NULL;
		char err[256];
		if (objpack_read(&p, end, (const char *)data, &o, err, sizeof err) < 0) {
			if (o || !err[0])
				abort();
			break;
		}
		struct buf a, b;
		buf_init(&a);
		buf_init(&b);
		objpack_write(&a, o);
		const char *q = a.data;
		struct gt_object *back = NULL;
		if (objpack_read(&q, q + a.len, a.data, &back, err, sizeof err) < 0)
			abort();
		objpack_write(&b, back);
		if (a.len != b.len || memcmp(a.data, b.data, a.len))
			abort();
		object_free(back);
		object_free(o);
		buf_done(&a);
		buf_done(&b);
	}
	return 0;
}
