/* fuzz_listscan.c: listscan against jansson on the whole text: whatever listscan accepts must
 * parse whole as an object whose items (array, null or absent) are the items listscan handed
 * over, one for one and equal, and whose other members are those it reported. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/listscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	json_t *items, *members;
};

static void on_member(const char *key, json_t *v, void *ud)
{
	struct seen *s = ud;
	json_object_set(s->members, key, v);
}

/* Items live in listscan's arena: copy them out as text (json_dumpb allocates nothing that
 * lasts) and parse them back after the scan. */
static char dumps[1 << 16];
static size_t dumps_len;

static void on_item(json_t *it, void *ud)
{
	(void)ud;
	size_t room = sizeof dumps - dumps_len - 1;
	size_t n = json_dumpb(it, dumps + dumps_len, room, JSON_COMPACT | JSON_ENCODE_ANY);
	if (n >= room) { /* too big to keep: mark the run as not comparable */
		dumps_len = sizeof dumps;
		return;
	}
	dumps_len += n;
	dumps[dumps_len++] = '\n';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {json_array(), json_object()};
	dumps_len = 0;
	int rc = listscan((const char *)data, size, on_member, on_item, &s);
	if (rc == 0 && dumps_len < sizeof dumps) {
		for (size_t i = 0; i < dumps_len;) {
			char *nl = memchr(dumps + i, '\n', dumps_len - i);
			json_error_t e;
			json_t *v = json_loadb(dumps + i, (size_t)(nl - (dumps + i)), JSON_DECODE_ANY, &e);
			if (!v)
				abort();
			json_array_append_new(s.items, v);
			i = (size_t)(nl - dumps) + 1;
		}
		json_error_t je;
		json_t *j = json_loadb((const char *)data, size, 0, &je);
		if (!j && strstr(je.text, "depth")) { /* items are parsed alone: two levels less deep */
			json_decref(s.items);
			json_decref(s.members);
			return 0;
		}
		if (!json_is_object(j))
			abort();
		json_t *items = json_object_get(j, "items");
		if (items && !json_is_null(items) && !json_equal(items, s.items))
			abort();
		if ((!items || json_is_null(items)) && json_array_size(s.items))
			abort();
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			if (strcmp(k, "items") && strlen(k) < 64 && !json_equal(v, json_object_get(s.members, k)))
				abort();
		}
		json_decref(j);
	}
	json_decref(s.items);
	json_decref(s.members);
	return 0;
}
