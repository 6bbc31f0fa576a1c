/* jsonout.c: serialise with jansson, then escape the C1 and bidirectional controls jansson
 * leaves raw (see jsonout.h). */
#include "config.h"

#include <stdlib.h>

#include "gammatop/jsonout.h"
#include "gammatop/str.h"

char *jsonout_dumps(const json_t *j, size_t flags)
{
	char *raw = j ? json_dumps(j, flags) : NULL;
	if (!raw)
		return NULL;
	char *text = str_json_escape(raw);
	free(raw);
	return text;
}

int jsonout_write(FILE *f, const json_t *j, size_t flags)
{
	char *text = jsonout_dumps(j, flags);
	if (!text)
		return -1;
	fputs(text, f);
	fputc('\n', f);
	free(text);
	return 0;
}
