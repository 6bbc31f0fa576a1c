/* cmd_source.c: fill a store for a batch command from manifests or from the cluster
 * (see cmd_source.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd_source.h"
#include "gammatop/buf.h"
#include "gammatop/diag.h"
#include "gammatop/kcluster.h"
#include "gammatop/manifest.h"
#include "gammatop/reflector.h"
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

/* Print once what the cluster does not serve, which kinds could not be read, and which
 * objects the model could not decode (those count as input errors, as bad manifests do). */
static void print_notes(struct cmd_source *src, struct kcluster *c)
{
	for (int k = 0; k < GT_KIND_COUNT; k++) {
		struct store_kind_state *st = store_kind_state(src->store, k);
		if (!st->installed)
			cmd_error("note: %s", st->error ? st->error : kind_name(k));
		else if (!st->synced && st->error)
			cmd_error("warning: %s: not read: %s", kind_name(k), st->error);
		else if (st->scope_forbidden)
			cmd_error("warning: %s: reading every namespace is forbidden; namespace %s only",
			          kind_name(k), st->scope_ns);
		const struct reflector *r = kcluster_reflector(c, k);
		const char *first = NULL;
		unsigned n = r ? reflector_skipped(r, &first) : 0;
		if (n) {
			cmd_error("error: %s: %u object(s) could not be read and are left out; the "
			          "first: %s", kind_name(k), n, first);
			src->input_errors += n;
		}
	}
}

static int open_cluster(const struct cmd_opts *o, struct cmd_source *src)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	char err[2048];
	struct kcluster *c = kcluster_new(src->loop, src->store, &ko, err, sizeof err);
	if (!c) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	src->cluster = c;
	const struct kubeconfig *kc = kcluster_config(c);
	src->context = xstrdup(kc->context);
	src->server = xstrdup(kc->server);
	src->user = xstrdup(kc->identity); /* the impersonated user, when there is one */
	src->description = xasprintf("context %s (%s)", kc->context, kc->server);
	kcluster_allow_terminal(c, true); /* a batch command: a plugin may prompt, as in kubectl */
	long max_ms = cmd_timeout_ms(o);
	if (kcluster_wait_synced(c, max_ms, err, sizeof err) < 0) {
		cmd_error("context %s: %s", kc->context, err);
		return EXIT_USAGE;
	}
	print_notes(src, c);
	return 0;
}

int cmd_source_open(const struct cmd_opts *o, struct cmd_source *src)
{
	memset(src, 0, sizeof *src);
	src->store = store_new();
	src->loop = evloop_new();
	if (o->n_manifests)
		return open_manifests(o, src);
	return open_cluster(o, src);
}

void cmd_source_close(struct cmd_source *src)
{
	kcluster_free(src->cluster);
	store_free(src->store);
	evloop_free(src->loop);
	free(src->description);
	free(src->context);
	free(src->server);
	free(src->user);
	memset(src, 0, sizeof *src);
}
