/* fuzz_decode.c: decode_text on arbitrary bytes: must never crash, leak or misreport (an OK
 * result has a named object; an error has a message). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gt_object *o = NULL;
	char err[256];
	err[0] = '\0';
	enum decode_result r = decode_text((const char *)data, size, &o, err, sizeof err);
	if (r == DECODE_OK) {
		if (!o || !o->meta.name || !o->meta.name[0])
			abort();
		char id[256];
		object_id(o, id, sizeof id);
		struct gt_object *c = object_clone(o);
		object_free(o);
		object_free(c);
	} else if (o || !err[0]) {
		abort();
	}
	return 0;
}
