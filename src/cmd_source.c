/* cmd_source.c: fill a store for a batch command from manifests or from the cluster
 * (see cmd_source.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd_source.h"
#include "gammatop/buf.h"
#include "gammatop/diag.h"
#include "gammatop/manifest.h"
#include "gammatop/xalloc.h"

static int open_manifests(const struct cmd_opts *o, struct cmd_source *src)
{
	struct diag d;
	diag_init(&d);
	int n = manifest_load_store(src->store, o->manifests, o->n_manifests, &d);
	diag_print(&d, stderr);
	src->input_errors = d.errors;
	diag_done(&d);
	if (n < 0)
		return EXIT_USAGE;
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "manifests:");
	for (size_t i = 0; i < o->n_manifests; i++)
		buf_printf(&b, " %s", o->manifests[i]);
	src->description = buf_steal(&b);
	return 0;
}

int cmd_source_open(const struct cmd_opts *o, struct cmd_source *src)
{
	memset(src, 0, sizeof *src);
	src->store = store_new();
	src->loop = evloop_new();
	if (o->n_manifests)
		return open_manifests(o, src);
	cmd_error("no cluster connection yet: give --manifests PATH");
	return EXIT_USAGE;
}

void cmd_source_close(struct cmd_source *src)
{
	store_free(src->store);
	evloop_free(src->loop);
	free(src->description);
	free(src->context);
	free(src->server);
	free(src->user);
	memset(src, 0, sizeof *src);
}
