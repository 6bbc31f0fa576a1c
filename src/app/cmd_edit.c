/* cmd_edit.c: the plumbing 'set' and 'undo' share around the edit layer (see cmd_edit.h):
 * fetching the route, settling audit rows an interrupted apply left pending, and the
 * confirm / dry-run / apply / record flow. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_edit.h"
#include "gammatop/cache.h"
#include "gammatop/duration.h"
#include "gammatop/edit.h"
#include "gammatop/kclient.h"
#include "gammatop/kubeconfig.h"

int cmd_edit_fetch(struct kclient *k, struct edit *e, long timeout_ms)
{
	if (edit_io_fetch_sync(k, e, timeout_ms) != EDIT_FAILED)
		return 0;
	cmd_error("%s", edit_message(e));
	return edit_error_kind(e) == APIERR_NONE || edit_error_kind(e) == APIERR_FORBIDDEN
	               ? EXIT_FINDINGS
	               : EXIT_USAGE;
}

int cmd_edit_apply(const struct cmd_opts *o, struct kclient *k, struct edit *e,
                   struct cache *cache, bool dry_run, bool yes, int64_t undo_of)
{
	const struct kubeconfig *cfg = kclient_config(k);
	char *cluster = cache_cluster_key(cfg->server, cfg->ca_pem, cfg->ca_len);
	uint64_t window_ms = 0;
	if (o->no_telemetry || duration_parse(o->window, &window_ms, NULL, 0) < 0)
		window_ms = 0;
	struct edit_batch_opts bo = {
		.client = k,
		.cache = cache,
		.context = cfg->context,
		.user = cfg->identity, /* the impersonated user, when there is one */
		.cluster = cluster,
		.dry_run = dry_run,
		.yes = yes,
		.interactive = isatty(0) && isatty(1),
		.timeout_ms = cmd_timeout_ms(o),
		.pause_file = getenv("GAMMATOP_TEST_PAUSE_BEFORE_APPLY"),
		.undo_of = undo_of,
		.preview_window_ms = (int64_t)window_ms,
		.out = stdout,
		.err = stderr,
	};
	int rc = edit_batch_run(e, &bo);
	free(cluster);
	return rc;
}

void cmd_edit_settle(const struct cmd_opts *o, struct kclient *k, struct cache *cache)
{
	if (!cache || cache_readonly(cache))
		return;
	const struct kubeconfig *cfg = kclient_config(k);
	char *cluster = cache_cluster_key(cfg->server, cfg->ca_pem, cfg->ca_len), err[512];
	struct edit_settle *s = edit_settle_new(cache, cluster, err, sizeof err);
	if (!s)
		cmd_error("warning: %s", err);
	if (edit_settle_count(s)) {
		edit_settle_run_sync(s, k, cmd_timeout_ms(o));
		const char *r = edit_settle_report(s);
		while (*r) {
			size_t n = strcspn(r, "\n");
			fprintf(stderr, "gammatop: audit: %.*s\n", (int)n, r);
			r += n + (r[n] == '\n');
		}
	}
	edit_settle_free(s);
	free(cluster);
}
