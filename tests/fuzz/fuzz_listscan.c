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

static void on_item(json_t *it, void *ud)
{
	struct seen *s = ud;
	json_array_append(s->items, it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {json_array(), json_object()};
	int rc = listscan((const char *)data, size, on_member, on_item, &s);
	if (rc == 0) {
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
