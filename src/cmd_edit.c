/* cmd_edit.c: the plumbing 'set' and 'undo' share around the edit layer (see cmd_edit.h). */
#include "config.h"

#include <stdlib.h>
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
	uint64_t window_ms = 0;
	if (o->no_telemetry || duration_parse(o->window, &window_ms, NULL, 0) < 0)
		window_ms = 0;
	struct edit_batch_opts bo = {
		.client = k,
		.cache = cache,
		.context = cfg->context,
		.user = cfg->user_name,
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
	return edit_batch_run(e, &bo);
}
