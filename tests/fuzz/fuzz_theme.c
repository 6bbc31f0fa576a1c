/* fuzz_theme.c: the theme file parser (and the key-script reader) on arbitrary bytes: never
 * a crash, every error a "name:line: message", every parsed colour within its range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/diag.h"
#include "gammatop/keys.h"
#include "gammatop/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	struct diag d;
	theme_init(&t);
	diag_init(&d);
	size_t errors = theme_parse(&t, (const char *)data, size, "fuzz.theme", &d);
	if (errors != d.errors)
		abort();
	for (size_t i = 0; i < d.n; i++)
		if (strncmp(d.items[i].msg, "fuzz.theme:", 11) != 0)
			abort();
	for (int e = 0; e < THEME_COUNT; e++) {
		const struct theme_color *c[2] = {&t.styles[e].fg, &t.styles[e].bg};
		for (int k = 0; k < 2; k++) {
			if (c[k]->type == TC_INDEX && (c[k]->index < 0 || c[k]->index > 255))
				abort();
			if (c[k]->type == TC_RGB && c[k]->rgb > 0xffffff)
				abort();
			for (int depth = DEPTH_NONE; depth <= DEPTH_TRUE; depth++)
				(void)theme_color_for_depth(c[k], (enum color_depth)depth);
		}
	}
	diag_done(&d);
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct keys_event *ev = NULL;
	char err[128];
	int n = keys_parse_script(text, &ev, err, sizeof err);
	if (n >= 0)
		free(ev);
	free(text);
	return 0;
}
