/* cmd_history.c: the 'history' subcommand (the audit log of policy changes, as a table or
 * JSON; first it settles the rows of the current cluster that an interrupted apply left
 * pending; a cache it may not write, or one from a newer gammatop, is read as it is) and the
 * 'undo' subcommand (restore the policy a recorded change replaced, on the rule it changed,
 * found by its identity: refused when that rule is gone, ambiguous or changed since, or when
 * the change was made on another cluster; conflict-safe, itself recorded). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_edit.h"
#include "gammatop/audit.h"
#include "gammatop/cache.h"
#include "gammatop/edit.h"
#include "gammatop/jsonout.h"
#include "gammatop/kclient.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

enum { OPT_LIMIT = 300, OPT_DRY_RUN };

static struct cache *open_cache(const struct cmd_opts *o)
{
	char err[512];
	struct cache *c = cmd_open_cache(o, err, sizeof err);
	if (!c)
		cmd_error("%s", err);
	return c;
}

/* history reads what it can: a cache it may not write, or one a newer gammatop wrote (not
 * set aside: `history --cache FILE` is also how a set-aside file is read), opens read-only. */
static struct cache *open_cache_reading(const struct cmd_opts *o)
{
	char err[512], *notice = NULL;
	struct cache *c = cache_open_ex(o->cache_path, CACHE_READ_MOSTLY, &notice, err,
	                                sizeof err);
	if (notice)
		cmd_error("%s", notice);
	free(notice);
	if (!c)
		cmd_error("%s", err);
	return c;
}

/* The cluster key of the kubeconfig's context; NULL (with *kc NULL) when there is none. */
static char *current_cluster(const struct cmd_opts *o, struct kubeconfig **kc)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	char err[2048];
	if (kubeconfig_load(&ko, kc, err, sizeof err) < 0) {
		*kc = NULL;
		return NULL;
	}
	return cache_cluster_key((*kc)->server, (*kc)->ca_pem, (*kc)->ca_len);
}

/* Before listing: settle the pending rows of the current context's cluster (at most 10 s),
 * and say which pending rows belong to other clusters. */
static void settle_pending(const struct cmd_opts *o, struct cache *c)
{
	struct audit_entry *list;
	size_t n;
	char err[512];
	if (cache_readonly(c) || audit_pending(c, NULL, &list, &n, err, sizeof err) < 0)
		return;
	if (!n) {
		audit_list_free(list, n);
		return;
	}
	struct kubeconfig *kc;
	char *key = current_cluster(o, &kc);
	size_t others = 0;
	const char *other_ctx = NULL;
	for (size_t i = 0; i < n; i++)
		if (!key || !list[i].cluster || strcmp(list[i].cluster, key)) {
			others++;
			other_ctx = other_ctx ? other_ctx : list[i].context;
		}
	if (key && others < n) {
		struct evloop *loop = evloop_new();
		struct kclient *k = kclient_new(loop, kc);
		kc = NULL; /* the client owns it */
		struct cmd_opts short_o = *o;
		if (cmd_timeout_ms(&short_o) > 10000)
			short_o.request_timeout_ms = 10000; /* history is a reading command: do not hang on it */
		cmd_edit_settle(&short_o, k, c);
		kclient_free(k);
		evloop_free(loop);
	}
	if (others)
		cmd_error("note: %zu change%s made on %s %s still pending (interrupted before the "
		          "answer was recorded): 'gammatop history --context %s' checks them against "
		          "%s", others, others == 1 ? "" : "s",
		          key ? "another cluster" : "a cluster", others == 1 ? "is" : "are",
		          str_or(other_ctx, "CONTEXT"), key ? "that cluster" : "the cluster");
	kubeconfig_free(kc);
	free(key);
	audit_list_free(list, n);
}

static char *when(int64_t at_ms, char *buf, size_t n)
{
	return time_rfc3339((time_t)(at_ms / 1000), buf, n);
}

static void print_table(FILE *f, struct cache *c, struct audit_entry *list, size_t n)
{
	fprintf(f, "%-5s %-20s %-14s %-14s %-34s %-4s %-22s %-22s %s\n", "ID", "TIME", "CONTEXT",
	        "USER", "ROUTE", "RULE", "BEFORE", "AFTER", "RESULT");
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *a = &list[i];
		char t[32], before[96], after[96], res[64];
		edit_audit_summary(a->before_json, before, sizeof before);
		edit_audit_summary(a->after_json, after, sizeof after);
		int64_t by = str_eq(a->result, AUDIT_APPLIED) ? audit_undone_by(c, a->id) : 0;
		int w = snprintf(res, sizeof res, "%s", str_or(a->result, "?"));
		if (a->undo_of && w > 0 && (size_t)w < sizeof res)
			w += snprintf(res + w, sizeof res - (size_t)w, " (undo of #%" PRId64 ")",
			              a->undo_of);
		if (by && w > 0 && (size_t)w < sizeof res)
			snprintf(res + w, sizeof res - (size_t)w, " (undone by #%" PRId64 ")", by);
		char *ctx = str_sanitize(a->context), *user = str_sanitize(a->user),
		     *route = str_sanitize(a->route);
		char rule[16] = "*"; /* a whole-route edit */
		if (a->rule >= 0)
			snprintf(rule, sizeof rule, "%d", a->rule);
		fprintf(f, "%-5" PRId64 " %-20s %-14s %-14s %-34s %-4s %-22s %-22s %s\n", a->id,
		        when(a->at_ms, t, sizeof t), ctx, user, route, rule, before, after, res);
		free(ctx);
		free(user);
		free(route);
	}
}

static json_t *json_or_string(const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	return j ? j : s ? json_string(s) : json_null();
}

static int print_json(FILE *f, struct cache *c, struct audit_entry *list, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *a = &list[i];
		char t[32];
		json_t *o = json_pack("{s:I,s:s,s:I,s:s?,s:s?,s:s?,s:i,s:o,s:o,s:s?,s:s?}", "id",
		                      (json_int_t)a->id, "time", when(a->at_ms, t, sizeof t), "atMs",
		                      (json_int_t)a->at_ms, "context", a->context, "user", a->user,
		                      "route", a->route, "rule", a->rule, "before",
		                      json_or_string(a->before_json), "after",
		                      json_or_string(a->after_json), "result", a->result, "message",
		                      a->message);
		if (!o)
			continue; /* a string that is not UTF-8: jansson refuses it */
		if (a->undo_of)
			json_object_set_new(o, "undoOf", json_integer(a->undo_of));
		if (a->cluster)
			json_object_set_new(o, "cluster", json_string(a->cluster));
		if (a->rule_key)
			json_object_set_new(o, "ruleKey", json_or_string(a->rule_key));
		if (a->base_rv)
			json_object_set_new(o, "baseResourceVersion", json_string(a->base_rv));
		if (a->new_rv)
			json_object_set_new(o, "newResourceVersion", json_string(a->new_rv));
		int64_t by = str_eq(a->result, AUDIT_APPLIED) ? audit_undone_by(c, a->id) : 0;
		if (by)
			json_object_set_new(o, "undoneBy", json_integer(by));
		json_array_append_new(arr, o);
	}
	int rc = jsonout_write(f, arr, JSON_INDENT(2)); /* C1 and bidi controls escaped */
	json_decref(arr);
	return rc;
}

struct hist_args {
	size_t limit;
	bool yes, dry_run;
};

static int on_option(int val, const char *arg, void *ud)
{
	struct hist_args *a = ud;
	switch (val) {
	case OPT_LIMIT: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 0) {
			cmd_error("--limit: '%s' is not a number", arg);
			return -1;
		}
		a->limit = (size_t)v;
		return 0;
	}
	case 'y': a->yes = cmd_flag_on(arg); return 0;
	case OPT_DRY_RUN: a->dry_run = cmd_flag_on(arg); return 0;
	default: return -1;
	}
}

static const struct cmd_option history_options[] = {
	{"limit", 1, OPT_LIMIT, "N", "only the newest N changes (default: all)"},
	{NULL, 0, 0, NULL, NULL},
};

int cmd_history(int argc, char **argv)
{
	struct cmd_opts o;
	struct hist_args a = {0};
	int first = cmd_parse(argc, argv, "gammatop history [ROUTE] [-o table|json]",
	                      "Show the audit log of policy changes made with 'set', 'undo' and the "
	                      "console, newest first: when, kubeconfig context and user, route and "
	                      "rule, the policy before and after, and the result. A change whose "
	                      "answer was never recorded (the command was interrupted) is "
	                      "'pending' until it is checked against the cluster: history does "
	                      "that first for the current context's cluster. A cache that may not "
	                      "be written, or one a newer gammatop wrote, is read as it is. ROUTE "
	                      "is [httproute/]NAMESPACE/NAME.",
	                      history_options, on_option, &a, &o);
	int rc = EXIT_USAGE;
	struct cache *c = NULL;
	char *route = NULL;
	if (first < 0) {
		rc = first == -2 ? 0 : EXIT_USAGE;
		goto out;
	}
	const char *fmt = o.format ? o.format : "table";
	if (strcmp(fmt, "table") && strcmp(fmt, "json")) {
		cmd_error("-o %s: history prints table or json", fmt);
		goto out;
	}
	if (argc - first > 1) {
		cmd_error("at most one route (see 'gammatop history --help')");
		goto out;
	}
	if (argc - first == 1) {
		char err[256], *ns, *name;
		if (edit_batch_parse_route(argv[first], o.namespace_, &ns, &name, err, sizeof err) < 0) {
			cmd_error("%s", err);
			goto out;
		}
		route = xasprintf("httproute/%s/%s", ns, name);
		free(ns);
		free(name);
	}
	if (!(c = open_cache_reading(&o)))
		goto out;
	settle_pending(&o, c);
	struct audit_entry *list;
	size_t n;
	char err[512];
	if (audit_list(c, route, a.limit, &list, &n, err, sizeof err) < 0) {
		cmd_error("%s", err);
		goto out;
	}
	FILE *f = cmd_open_output(&o);
	if (f) {
		if (!strcmp(fmt, "json"))
			print_json(f, c, list, n);
		else
			print_table(f, c, list, n);
		rc = cmd_close_output(&o, f) < 0 ? EXIT_USAGE : 0;
	}
	audit_list_free(list, n);
out:
	cache_close(c);
	free(route);
	cmd_opts_done(&o);
	return rc;
}

/* ---- undo ---- */

static int undo_run(const struct cmd_opts *o, const struct hist_args *a, struct cache *c,
                    const struct audit_entry *ent)
{
	char err[2048], *ns = NULL, *name = NULL;
	if (!ent->route || strncmp(ent->route, "httproute/", 10) ||
	    edit_batch_parse_route(ent->route, NULL, &ns, &name, err, sizeof err) < 0) {
		cmd_error("change #%" PRId64 ": not a route this gammatop can change", ent->id);
		return EXIT_FINDINGS;
	}
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kubeconfig *kc;
	if (kubeconfig_load(&ko, &kc, err, sizeof err) < 0) {
		cmd_error("%s", err);
		free(ns);
		free(name);
		return EXIT_USAGE;
	}
	/* The change must be undone on the cluster it was made on: by cluster where the row
	 * knows it (context names are not unique across kubeconfigs), else by context name. */
	char *key = cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
	bool other = ent->cluster ? strcmp(ent->cluster, key) != 0
	                          : ent->context && strcmp(ent->context, kc->context) != 0;
	if (other) {
		if (ent->cluster)
			cmd_error("change #%" PRId64 " was made on cluster %s (context %s), but context "
			          "%s is cluster %s: use the kubeconfig and context of that cluster",
			          ent->id, ent->cluster, str_or(ent->context, "?"), kc->context, key);
		else
			cmd_error("change #%" PRId64 " was made in context %s, not %s: use --context %s",
			          ent->id, ent->context, kc->context, ent->context);
		free(key);
		kubeconfig_free(kc);
		free(ns);
		free(name);
		return EXIT_USAGE;
	}
	free(key);
	struct evloop *loop = evloop_new();
	struct kclient *k = kclient_new(loop, kc);
	struct edit *e = edit_new(GT_HTTPROUTE, ns, name);
	int rc = EXIT_FINDINGS;
	edit_set_mesh(e, o->mesh);
	if (!a->dry_run)
		cmd_edit_settle(o, k, c);
	if ((rc = cmd_edit_fetch(k, e, cmd_timeout_ms(o))) != 0)
		goto out;
	if (edit_audit_undo(e, ent, err, sizeof err) < 0) {
		cmd_error("refused: %s%s; nothing was changed", err,
		          audit_undone_by(c, ent->id) ? " (it was already undone)" : "");
		rc = EXIT_FINDINGS;
		goto out;
	}
	rc = cmd_edit_apply(o, k, e, c, a->dry_run, a->yes, ent->id);
out:
	edit_free(e);
	kclient_free(k);
	evloop_free(loop);
	free(ns);
	free(name);
	return rc;
}

static const struct cmd_option undo_options[] = {
	{"yes", 0, 'y', NULL, "apply without asking"},
	{"dry-run", 0, OPT_DRY_RUN, NULL, "validate and run the server's dry-run; change nothing"},
	{NULL, 0, 0, NULL, NULL},
};

int cmd_undo(int argc, char **argv)
{
	struct cmd_opts o;
	struct hist_args a = {0};
	int first = cmd_parse(argc, argv, "gammatop undo ID [--yes] [--dry-run]",
	                      "Revert one change of the audit log ('gammatop history' shows the "
	                      "IDs): the rule gets back the policy the change replaced. The rule is "
	                      "found by its name, else by its matches and backends (not by its "
	                      "index: rules move). Refused (exit 1) when that rule is gone, "
	                      "ambiguous or changed since that change; conflict-safe like 'set'; "
	                      "the undo is itself recorded. Exit codes as 'set'.",
	                      undo_options, on_option, &a, &o);
	int rc = EXIT_USAGE;
	struct cache *c = NULL;
	struct audit_entry ent = {0};
	if (first < 0) {
		rc = first == -2 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (o.readonly) {
		cmd_error("refused: --readonly disables every change to the cluster ('undo' changes a "
		          "route)");
		goto out;
	}
	char *end = NULL;
	long long id = first == argc - 1 ? strtoll(argv[first], &end, 10) : 0;
	if (first != argc - 1 || !end || *end || id <= 0) {
		cmd_error("usage: gammatop undo ID (an id from 'gammatop history')");
		goto out;
	}
	if (!(c = open_cache(&o)))
		goto out;
	char err[512];
	int found = audit_get(c, id, &ent, err, sizeof err);
	if (found <= 0) {
		cmd_error(found < 0 ? "%s" : "no change #%s in the audit log (see 'gammatop history')",
		          found < 0 ? err : argv[first]);
		goto out;
	}
	if (str_eq(ent.result, AUDIT_PENDING)) {
		cmd_error("change #%lld is still pending (it was interrupted before its answer was "
		          "recorded): 'gammatop history' checks it against the cluster first", id);
		rc = EXIT_FINDINGS;
		goto out;
	}
	if (!str_eq(ent.result, AUDIT_APPLIED)) {
		cmd_error("change #%lld was not applied (%s): there is nothing to undo", id,
		          str_or(ent.result, "?"));
		rc = EXIT_FINDINGS;
		goto out;
	}
	rc = undo_run(&o, &a, c, &ent);
out:
	audit_entry_done(&ent);
	cache_close(c);
	cmd_opts_done(&o);
	return rc;
}
