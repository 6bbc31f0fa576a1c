/* edit_io.c: the edit session's requests on a kclient: GET the route, PATCH it with
 * dryRun=All, PATCH it for real (a JSON merge patch carrying the base resourceVersion), each
 * answer fed to the matching edit_take_* (see edit.h). Asynchronous on the client's loop for
 * the console; the _sync versions run the loop until the answer for batch commands. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "edit_int.h"
#include "gammatop/defaults.h"
#include "gammatop/edit.h"
#include "gammatop/kclient.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

enum op { OP_FETCH, OP_DRY_RUN, OP_APPLY };

struct io_call {
	struct edit *e;
	enum op op;
	edit_done_cb cb;
	void *ud;
	bool done;
};

static void take(struct edit *e, enum op op, long status, const char *body, size_t len,
                 const struct apierr *err)
{
	switch (op) {
	case OP_FETCH: edit_take_fetch(e, status, body, len, err); break;
	case OP_DRY_RUN: edit_take_dry_run(e, status, body, len, err); break;
	case OP_APPLY: edit_take_apply(e, status, body, len, err); break;
	}
}

static void on_done(const struct kresponse *r, void *ud)
{
	struct io_call *c = ud;
	take(c->e, c->op, r->status, r->body, r->body_len, r->err);
	c->done = true;
	if (c->cb)
		c->cb(c->e, c->ud);
}

static struct io_call *call_for(struct edit *e, enum op op, edit_done_cb cb, void *ud)
{
	void **slot = edit_io_slot(e);
	if (!*slot)
		*slot = xcalloc(1, sizeof(struct io_call));
	struct io_call *c = *slot;
	*c = (struct io_call){.e = e, .op = op, .cb = cb, .ud = ud};
	return c;
}

/* The route's namespace and name, from its id "httproute/NS/NAME". */
static void split_id(const struct edit *e, char **ns, char **name)
{
	const char *id = edit_route_id(e);
	const char *a = strchr(id, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	*ns = a && b ? xstrndup(a + 1, (size_t)(b - a - 1)) : xstrdup("");
	*name = xstrdup(b ? b + 1 : "");
}

struct kreq *edit_io_fetch(struct kclient *k, struct edit *e, edit_done_cb cb, void *ud)
{
	char *ns, *name;
	split_id(e, &ns, &name);
	struct kreq *r = kclient_get_object(k, GT_HTTPROUTE, ns, name, on_done,
	                                    call_for(e, OP_FETCH, cb, ud));
	free(ns);
	free(name);
	return r;
}

static struct kreq *patch(struct kclient *k, struct edit *e, bool dry_run, edit_done_cb cb,
                          void *ud)
{
	enum edit_state s = edit_state(e);
	if (s != EDIT_READY && s != EDIT_DRY_RUN_OK && !(dry_run && s == EDIT_DRY_RUN_FAILED))
		return NULL;
	char *ns, *name;
	split_id(e, &ns, &name);
	const char *body = edit_patch(e);
	struct kreq *r = kclient_patch(k, GT_HTTPROUTE, ns, name, body, strlen(body), KPATCH_MERGE,
	                               dry_run, on_done,
	                               call_for(e, dry_run ? OP_DRY_RUN : OP_APPLY, cb, ud));
	free(ns);
	free(name);
	return r;
}

struct kreq *edit_io_dry_run(struct kclient *k, struct edit *e, edit_done_cb cb, void *ud)
{
	return patch(k, e, true, cb, ud);
}

struct kreq *edit_io_apply(struct kclient *k, struct edit *e, edit_done_cb cb, void *ud)
{
	return patch(k, e, false, cb, ud);
}

/* Run the loop until the call is done or max_ms passed (then a transport error). */
static enum edit_state wait_for(struct kclient *k, struct edit *e, enum op op, struct kreq *r,
                                long max_ms)
{
	if (!r)
		return edit_state(e);
	struct io_call *c = *edit_io_slot(e);
	int64_t deadline = time_mono_ms() + (max_ms > 0 ? max_ms : GT_DEFAULT_REQUEST_TIMEOUT_MS);
	while (!c->done) {
		int64_t left = deadline - time_mono_ms();
		if (left <= 0) {
			kreq_cancel(r);
			char *server = str_sanitize(kclient_config(k)->server);
			struct apierr err = {.kind = APIERR_TRANSPORT};
			err.message = xasprintf("%s: no answer from %s within %ld ms", edit_route_id(e),
			                        server, max_ms);
			take(e, op, 0, NULL, 0, &err);
			free(err.message);
			free(server);
			break;
		}
		evloop_run_once(kclient_loop(k), left < 1000 ? (int)left : 1000);
	}
	return edit_state(e);
}

enum edit_state edit_io_fetch_sync(struct kclient *k, struct edit *e, long max_ms)
{
	return wait_for(k, e, OP_FETCH, edit_io_fetch(k, e, NULL, NULL), max_ms);
}

enum edit_state edit_io_dry_run_sync(struct kclient *k, struct edit *e, long max_ms)
{
	return wait_for(k, e, OP_DRY_RUN, edit_io_dry_run(k, e, NULL, NULL), max_ms);
}

enum edit_state edit_io_apply_sync(struct kclient *k, struct edit *e, long max_ms)
{
	return wait_for(k, e, OP_APPLY, edit_io_apply(k, e, NULL, NULL), max_ms);
}
