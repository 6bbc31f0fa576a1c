/* cmd_set.c: the 'set' subcommand: change one HTTPRoute rule's timeouts and retry from a
 * script or a shell, conflict-safe: read the route, validate, show the diff, server dry-run,
 * confirm, apply with the resourceVersion that was read, record in the audit log (the flow
 * is the edit layer's edit_batch_run, shared with 'undo'). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_edit.h"
#include "gammatop/cache.h"
#include "gammatop/edit.h"
#include "gammatop/kclient.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/xalloc.h"

enum {
	OPT_RULE = 300, OPT_REQ, OPT_BACKEND, OPT_ATTEMPTS, OPT_BACKOFF, OPT_CODES, OPT_CLEAR_TO,
	OPT_CLEAR_RETRY, OPT_CLEAR_BACKOFF, OPT_DRY_RUN, OPT_LINKERD, OPT_EXPECT_RV,
	OPT_CLEAR_REQ, OPT_CLEAR_BACKEND, OPT_CLEAR_ATTEMPTS
};

/* The rule's timeouts are --timeouts-request and --timeouts-backend-request (the field
 * names, spec.rules[].timeouts.{request,backendRequest}): --request-timeout is kubectl's
 * global flag, the API request's time-out, here as in every command. */
static const struct cmd_option set_options[] = {
	{"rule", 1, OPT_RULE, "INDEX|NAME", "the rule to change (default 0)"},
	{"timeouts-request", 1, OPT_REQ, "DURATION", "set timeouts.request"},
	{"timeouts-backend-request", 1, OPT_BACKEND, "DURATION", "set timeouts.backendRequest"},
	{"retry-attempts", 1, OPT_ATTEMPTS, "N", "set retry.attempts"},
	{"retry-backoff", 1, OPT_BACKOFF, "DURATION", "set retry.backoff"},
	{"retry-codes", 1, OPT_CODES, "LIST", "set retry.codes, e.g. 502,503 ('' removes them)"},
	{"clear-timeouts", 0, OPT_CLEAR_TO, NULL, "remove the rule's timeouts"},
	{"clear-retry", 0, OPT_CLEAR_RETRY, NULL, "remove the rule's retry"},
	{"clear-timeouts-request", 0, OPT_CLEAR_REQ, NULL, "remove timeouts.request"},
	{"clear-timeouts-backend-request", 0, OPT_CLEAR_BACKEND, NULL,
	 "remove timeouts.backendRequest"},
	{"clear-retry-attempts", 0, OPT_CLEAR_ATTEMPTS, NULL, "remove retry.attempts"},
	{"clear-backoff", 0, OPT_CLEAR_BACKOFF, NULL, "remove retry.backoff"},
	{"linkerd-annotations", 0, OPT_LINKERD, NULL,
	 "write the policy as Linkerd reads it: retry.linkerd.io/{http,limit,timeout} and "
	 "timeout.linkerd.io/request annotations on the route"},
	{"expect-resource-version", 1, OPT_EXPECT_RV, "RV",
	 "refuse unless the route is still at this resourceVersion"},
	{"dry-run", 0, OPT_DRY_RUN, NULL, "validate and run the server's dry-run; change nothing"},
	{"yes", 0, 'y', NULL, "apply without asking"},
	{NULL, 0, 0, NULL, NULL},
};

struct set_args {
	struct edit_change change;
	const char *rule, *expect_rv;
	bool dry_run, yes, linkerd;
};

static int on_option(int val, const char *arg, void *ud)
{
	struct set_args *a = ud;
	struct edit_change *c = &a->change;
	switch (val) {
	case OPT_RULE: a->rule = arg; break;
	case OPT_REQ: c->request_timeout = arg; break;
	case OPT_BACKEND: c->backend_timeout = arg; break;
	case OPT_ATTEMPTS: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (!*arg || *end || v < -1000000 || v > 1000000 || v == -1) {
			cmd_error("--retry-attempts: '%s' is not a whole number", arg);
			return -1;
		}
		c->retry_attempts = (int)v;
		break;
	}
	case OPT_BACKOFF: c->retry_backoff = arg; break;
	case OPT_CODES: c->retry_codes = arg; break;
	case OPT_CLEAR_TO: c->clear_timeouts = cmd_flag_on(arg); break;
	case OPT_CLEAR_RETRY: c->clear_retry = cmd_flag_on(arg); break;
	case OPT_CLEAR_BACKOFF: c->clear_backoff = cmd_flag_on(arg); break;
	case OPT_CLEAR_REQ: c->clear_request = cmd_flag_on(arg); break;
	case OPT_CLEAR_BACKEND: c->clear_backend = cmd_flag_on(arg); break;
	case OPT_CLEAR_ATTEMPTS: c->clear_attempts = cmd_flag_on(arg); break;
	case OPT_LINKERD: a->linkerd = cmd_flag_on(arg); break;
	case OPT_EXPECT_RV: a->expect_rv = arg; break;
	case OPT_DRY_RUN: a->dry_run = cmd_flag_on(arg); break;
	case 'y': a->yes = cmd_flag_on(arg); break;
	default: return -1;
	}
	return 0;
}

/* Open the cache for the audit log; a cache that cannot be had is a warning, not a stop. */
static struct cache *open_cache(const struct cmd_opts *o)
{
	char err[512];
	struct cache *c = cmd_open_cache(o, err, sizeof err);
	if (!c)
		cmd_error("warning: %s: changes will not be recorded", err);
	return c;
}

static int run(const struct cmd_opts *o, struct set_args *a, const char *route)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kubeconfig *kc;
	char err[2048];
	if (kubeconfig_load(&ko, &kc, err, sizeof err) < 0) {
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	char *ns, *name;
	if (edit_batch_parse_route(route, o->namespace_ ? o->namespace_ : kc->namespace_, &ns,
	                           &name, err, sizeof err) < 0) {
		kubeconfig_free(kc);
		cmd_error("%s", err);
		return EXIT_USAGE;
	}
	struct evloop *loop = evloop_new();
	struct kclient *k = kclient_new(loop, kc);
	struct edit *e = edit_new(GT_HTTPROUTE, ns, name);
	struct cache *cache = NULL;
	int rc = EXIT_USAGE;
	edit_set_mesh(e, o->mesh);
	edit_set_linkerd_annotations(e, a->linkerd);
	cache = open_cache(o);
	if (!a->dry_run)
		cmd_edit_settle(o, k, cache); /* what an interrupted earlier apply left pending */
	if ((rc = cmd_edit_fetch(k, e, cmd_timeout_ms(o))) != 0)
		goto out;
	if (a->expect_rv && strcmp(a->expect_rv, edit_resource_version(e) ?
	                                              edit_resource_version(e) : "")) {
		cmd_error("conflict: %s is at resourceVersion %s, not %s: it changed since; nothing "
		          "was sent",
		          edit_route_id(e), edit_resource_version(e), a->expect_rv);
		rc = EXIT_FINDINGS;
		goto out;
	}
	if (edit_select_rule(e, a->rule) < 0) {
		cmd_error("%s", edit_message(e));
		rc = EXIT_USAGE;
		goto out;
	}
	edit_set_change(e, &a->change);
	rc = cmd_edit_apply(o, k, e, cache, a->dry_run, a->yes, 0);
out:
	cache_close(cache);
	edit_free(e);
	kclient_free(k);
	evloop_free(loop);
	free(ns);
	free(name);
	return rc;
}

int cmd_set(int argc, char **argv)
{
	struct cmd_opts o;
	struct set_args a = {0};
	edit_change_init(&a.change);
	char **args = argv;
	int first = cmd_parse(argc, args, "gammatop set [httproute/]NAMESPACE/NAME [OPTIONS]",
	                      "Change one HTTPRoute rule's timeouts and retry, conflict-safe: the "
	                      "route is read, the change validated (GEP-2257 durations, the CRD's "
	                      "rules, sanity rules) before anything is sent, the diff shown, the "
	                      "server's dry-run run, and the patch applied only if nobody changed "
	                      "the route since it was read. Asks for confirmation on a terminal; "
	                      "elsewhere needs --yes. Every apply is recorded in the audit log "
	                      "('gammatop history', 'gammatop undo'). Exit 0 applied (or dry-run "
	                      "passed), 1 rejected (validation, conflict, server refusal), 2 usage "
	                      "or connection error.",
	                      set_options, on_option, &a, &o);
	int rc = EXIT_USAGE;
	if (first < 0) {
		rc = first == -2 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (o.readonly) {
		cmd_error("refused: --readonly disables every change to the cluster ('set' changes a "
		          "route)");
		goto out;
	}
	if (o.n_manifests) {
		cmd_error("'set' changes a route in a cluster; it cannot work on --manifests files");
		goto out;
	}
	if (first != argc - 1) {
		cmd_error(first == argc ? "which route? usage: gammatop set [httproute/]NAMESPACE/NAME "
		                          "[OPTIONS] (see 'gammatop set --help')"
		                        : "one route at a time (see 'gammatop set --help')");
		goto out;
	}
	if (edit_change_empty(&a.change)) {
		cmd_error("nothing to change: give --timeouts-request, --timeouts-backend-request, "
		          "--retry-attempts, --retry-backoff, --retry-codes or a --clear-... option "
		          "(see 'gammatop set --help')%s",
		          o.request_timeout_ms >= 0 ? "; --request-timeout is the time-out of the "
		                                      "requests to the API server, as in kubectl" : "");
		goto out;
	}
	rc = run(&o, &a, args[first]);
out:
	cmd_opts_done(&o);
	return rc;
}
