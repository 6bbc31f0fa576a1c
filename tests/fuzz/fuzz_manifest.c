/* fuzz_manifest.c: manifest_read_text on arbitrary bytes (must never crash, hang or leak);
 * every document it yields is decoded and must survive JSON -> YAML -> JSON unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/decode.h"
#include "gammatop/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_doc(const json_t *doc, const char *file, int line, void *ud)
{
	(void)file, (void)ud;
	if (line < 1)
		abort();
	struct gt_object *o = NULL;
	char err[256];
	if (decode_object(doc, &o, err, sizeof err) == DECODE_OK && !o)
		abort();
	object_free(o);
	char *y = manifest_json_to_yaml(doc);
	json_t *back = manifest_yaml_to_json(y, strlen(y), err, sizeof err);
	if (!back || !json_equal(back, doc))
		abort();
	json_decref(back);
	free(y);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	diag_init(&d);
	manifest_read_text((const char *)data, size, "fuzz.yaml", on_doc, NULL, &d);
	diag_done(&d);
	return 0;
}
