/* cmd_changes.c: `gammatop changes`: the change journal's timeline (newest first, one line
 * per change: time, who, object, what changed), an object's own Kubernetes Events beside it,
 * --follow to stream changes as they come (it records them too), and --suspects ROUTE: the
 * changes to a route and what it depends on before a time, ranked and explained, with the
 * figures around each (suspects.h). */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "commands.h"
#include "cmd_journal.h"
#include "gammatop/cache.h"
#include "gammatop/figures.h"
#include "gammatop/jdoc.h"
#include "gammatop/jsonout.h"
#include "gammatop/kcluster.h"
#include "gammatop/kevents.h"
#include "gammatop/journal.h"
#include "gammatop/log.h"
#include "gammatop/str.h"
#include "gammatop/suspects.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

static const char usage[] =
	"gammatop changes [ROUTE|KIND/NS/NAME] [--since TIME] [--until TIME] [-o table|json] "
	"[--follow] [OPTIONS]\n"
	"       gammatop changes --suspects ROUTE [--at TIME] [--window DURATION] [-o table|json]";
static const char summary[] =
	"The change journal of the kubeconfig context's cluster, newest first: one line per\n"
	"change to a watched object (added, modified in spec, labels or annotations, deleted)\n"
	"with when, who (the managedFields writer, and the audit id when gammatop made it), the\n"
	"object and what changed. The console and 'gammatop watch' record the journal; a change\n"
	"made while none ran is found when one starts (its time then comes from managedFields,\n"
	"marked ~). With an object (NS/NAME for a route, or KIND/NS/NAME), only its changes, and\n"
	"its Kubernetes Events from the cluster. --follow keeps watching and prints changes as\n"
	"they come. --suspects ROUTE ranks the changes to the route, its parents and backends in\n"
	"--window (default 30m) before --at (default now) and says why; with telemetry in the\n"
	"cache, the route's figures before and after each change (did it help?). TIME is RFC 3339,\n"
	"a duration ago (30m, -2h, 7d) or now.";

enum { OPT_SINCE = 300, OPT_UNTIL, OPT_FOLLOW, OPT_SUSPECTS, OPT_AT, OPT_STATUS, OPT_NO_EVENTS,
       OPT_LIMIT };

static const struct cmd_option options[] = {
	{"since", 1, OPT_SINCE, "TIME", "changes at or after TIME (default 24h ago)"},
	{"until", 1, OPT_UNTIL, "TIME", "changes at or before TIME (default now)"},
	{"follow", 0, OPT_FOLLOW, NULL, "keep watching the cluster and print changes as they come"},
	{"status", 0, OPT_STATUS, NULL, "also list status-only changes"},
	{"limit", 1, OPT_LIMIT, "N", "at most N changes"},
	{"no-events", 0, OPT_NO_EVENTS, NULL, "do not ask the cluster for the object's Events"},
	{"suspects", 1, OPT_SUSPECTS, "ROUTE", "rank what changed before ROUTE's figures moved"},
	{"at", 1, OPT_AT, "TIME", "--suspects: when it broke (default now)"},
	RECORDER_OPTIONS,
	{NULL, 0, 0, NULL, NULL},
};

struct args {
	const char *since, *until, *suspects, *at;
	bool follow, status, no_events;
	size_t limit;
	struct recorder_opts journal;
};

static int on_option(int val, const char *arg, void *ud)
{
	struct args *a = ud;
	int j = cmd_journal_option(val, arg, &a->journal);
	if (j)
		return j < 0 ? -1 : 0;
	switch (val) {
	case OPT_SINCE: a->since = arg; return 0;
	case OPT_UNTIL: a->until = arg; return 0;
	case OPT_FOLLOW: a->follow = cmd_flag_on(arg); return 0;
	case OPT_STATUS: a->status = cmd_flag_on(arg); return 0;
	case OPT_NO_EVENTS: a->no_events = cmd_flag_on(arg); return 0;
	case OPT_SUSPECTS: a->suspects = arg; return 0;
	case OPT_AT: a->at = arg; return 0;
	case OPT_LIMIT: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (*end || v <= 0) {
			cmd_error("changes: --limit %s: expected a number above 0", arg);
			return -1;
		}
		a->limit = (size_t)v;
		return 0;
	}
	}
	return -1;
}

/* ---- the object argument ---- */

struct target {
	int kind; /* -1: every object */
	char *ns, *name;
};

static void target_done(struct target *t)
{
	free(t->ns);
	free(t->name);
}

/* "NS/NAME" (a route; NAME alone with -n), "KIND/NS/NAME", or "KIND/NAME" for a
 * cluster-scoped kind. A route given as NS/NAME is an HTTPRoute unless the journal knows only
 * a GRPCRoute of that name. */
static int parse_target(const char *arg, const struct cmd_opts *o, struct cache *c,
                        const char *cluster, struct target *t)
{
	memset(t, 0, sizeof *t);
	size_t n;
	char **parts = str_split(arg, '/', &n);
	int k = n >= 2 ? kind_from_name(parts[0]) : -1;
	int rc = 0;
	if (n == 3 && k >= 0 && kind_namespaced((enum gt_kind)k)) {
		*t = (struct target){k, xstrdup(parts[1]), xstrdup(parts[2])};
	} else if (n == 2 && k >= 0 && !kind_namespaced((enum gt_kind)k)) {
		*t = (struct target){k, xstrdup(""), xstrdup(parts[1])};
	} else if ((n == 2 || (n == 1 && o->namespace_)) && **parts) {
		*t = (struct target){GT_HTTPROUTE, xstrdup(n == 2 ? parts[0] : o->namespace_),
		                     xstrdup(parts[n - 1])};
		json_t *doc = NULL;
		int64_t now = time_wall_ms();
		if (c && journal_doc_at(c, cluster, GT_HTTPROUTE, t->ns, t->name, now, &doc, NULL, 0) == 0 &&
		    journal_doc_at(c, cluster, GT_GRPCROUTE, t->ns, t->name, now, &doc, NULL, 0) == 1)
			t->kind = GT_GRPCROUTE;
		json_decref(doc);
	} else {
		cmd_error("changes: '%s' is not an object: use NS/NAME for a route, KIND/NS/NAME "
		          "(httproute/shop/api, service/shop/api) or KIND/NAME for a cluster-scoped "
		          "kind (gatewayclass/NAME)", arg);
		rc = -1;
	}
	if (rc == 0 && (str_empty(t->name) || (kind_namespaced((enum gt_kind)t->kind) && str_empty(t->ns)))) {
		cmd_error("changes: '%s': an empty namespace or name", arg);
		target_done(t);
		rc = -1;
	}
	str_list_free(parts);
	return rc;
}

/* ---- printing ---- */

static char *object_text(enum gt_kind kind, const char *ns, const char *name)
{
	return xasprintf("%s/%s%s%s", kind_id(kind), ns, *ns ? "/" : "", name);
}

static char *who_text(const struct journal_change *ch)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, ch->manager ? ch->manager : "-");
	if (ch->operation && !strcmp(ch->operation, "Apply"))
		buf_puts(&b, " (apply)");
	if (ch->who_how == JDOC_WHO_GUESS)
		buf_putc(&b, '?');
	if (ch->audit_id)
		buf_printf(&b, " #%lld", (long long)ch->audit_id);
	return buf_steal(&b);
}

static const char *how_name(int how)
{
	switch (how) {
	case JDOC_WHO_WRITER: return "writer";
	case JDOC_WHO_OWNER: return "owner";
	case JDOC_WHO_GUESS: return "guess";
	default: return "unknown";
	}
}

static void print_row(FILE *f, const struct journal_change *ch)
{
	char when[40], ts[32];
	snprintf(when, sizeof when, "%s%s", ch->approx ? "~" : "", cmd_time_text(ch->at_ms, ts, sizeof ts));
	char *who = who_text(ch), *obj = object_text(ch->kind, ch->ns, ch->name);
	char *s_who = str_sanitize(who), *s_obj = str_sanitize(obj), *s_sum = str_sanitize(ch->summary);
	fprintf(f, "%-21s  %-24s  %-36s  %s\n", when, s_who, s_obj, s_sum);
	free(who);
	free(obj);
	free(s_who);
	free(s_obj);
	free(s_sum);
}

static json_t *row_json(const char *cluster, const struct journal_change *ch)
{
	char ts[32], seen[32];
	json_t *diff = ch->diff ? json_loads(ch->diff, 0, NULL) : NULL;
	json_t *o = json_pack("{s:s, s:b, s:s, s:s, s:{s:s, s:s, s:s}, s:s?, s:s?, s:I}",
	                      "time", cmd_time_text(ch->at_ms, ts, sizeof ts), "approximate", ch->approx,
	                      "seen", cmd_time_text(ch->seen_ms, seen, sizeof seen), "type", ch->type,
	                      "object", "kind", kind_name(ch->kind), "namespace", ch->ns, "name",
	                      ch->name, "resourceVersion", ch->rv, "via", ch->via, "id",
	                      (json_int_t)ch->id);
	(void)cluster;
	if (ch->generation > 0)
		json_object_set_new(o, "generation", json_integer(ch->generation));
	json_object_set_new(o, "who", json_pack("{s:s?, s:s?, s:s}", "manager", ch->manager,
	                                         "operation", ch->operation, "how", how_name(ch->who_how)));
	json_object_set_new(o, "auditId", ch->audit_id ? json_integer(ch->audit_id) : json_null());
	json_object_set_new(o, "summary", json_string(ch->summary ? ch->summary : ""));
	json_object_set_new(o, "changes", diff ? diff : json_array());
	return o;
}

static json_t *events_json(const struct kevents *ev)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ev->n; i++) {
		const struct kevent *e = &ev->items[i];
		char ts[32];
		json_array_append_new(a, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:i}",
		                                   "time", e->time_ms ? cmd_time_text(e->time_ms, ts, sizeof ts) : NULL,
		                                   "type", e->type, "reason", e->reason, "from",
		                                   e->controller, "action", e->action, "note", e->note,
		                                   "count", e->count));
	}
	return a;
}

static void print_events(FILE *f, const struct kevents *ev)
{
	fprintf(f, "\nEvents of the object (from the cluster, newest first):\n");
	if (!ev->n)
		fprintf(f, "  (none)\n");
	for (size_t i = 0; i < ev->n; i++) {
		const struct kevent *e = &ev->items[i];
		char ts[32];
		char *type = str_sanitize(e->type), *reason = str_sanitize(e->reason);
		char *from = str_sanitize(e->controller), *note = str_sanitize(e->note);
		fprintf(f, "  %-20s  %-7s  %-24s  %-16s  %s", e->time_ms ? cmd_time_text(e->time_ms, ts, sizeof ts) : "-",
		        type, reason, from, note);
		if (e->count > 1)
			fprintf(f, " (x%d)", e->count);
		fputc('\n', f);
		free(type);
		free(reason);
		free(from);
		free(note);
	}
}

/* The object's Events, asked of the cluster (said on stderr when it cannot answer). */
static bool fetch_events(const struct cmd_opts *o, const struct target *t, struct kevents *ev)
{
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kubeconfig *kc;
	char err[2048];
	memset(ev, 0, sizeof *ev);
	if (kubeconfig_load(&ko, &kc, err, sizeof err) < 0) {
		cmd_error("events: %s", err);
		return false;
	}
	struct evloop *loop = evloop_new();
	struct kclient *k = kclient_new(loop, kc);
	bool ok = kevents_fetch_sync(k, (enum gt_kind)t->kind, t->ns, t->name, cmd_timeout_ms(o), ev,
	                             err, sizeof err) == 0;
	if (!ok)
		cmd_error("events: %s (the journal is shown without them)", err);
	kclient_free(k);
	evloop_free(loop);
	return ok;
}

/* ---- the timeline ---- */

/* Does the cache file exist (a first run has none: nothing is recorded yet)? */
static bool cache_exists(const struct cmd_opts *o)
{
	char def[4096], err[256];
	const char *p = o->cache_path ? o->cache_path : cache_default_path(def, sizeof def, err, sizeof err);
	return !p || access(p, F_OK) == 0;
}

static struct cache *open_for_reading(const struct cmd_opts *o)
{
	char err[1024], *notice = NULL;
	struct cache *c = cache_open_ex(o->cache_path, CACHE_READ, &notice, err, sizeof err);
	if (notice)
		cmd_error("%s", notice);
	free(notice);
	if (!c)
		cmd_error("changes: %s", err);
	return c;
}

static void say_coverage(struct cache *c, const char *cluster)
{
	int64_t since = 0, last = 0;
	char err[512];
	int r = journal_coverage(c, cluster, &since, &last, NULL, err, sizeof err);
	if (r == 0)
		cmd_error("changes: the cache %s holds no change journal of this cluster yet (the "
		          "console and 'gammatop watch' record it)", cache_path(c));
}

static int list_changes(const struct cmd_opts *o, const struct args *a, struct cache *c,
                        const char *cluster, const struct target *t, int64_t since, int64_t until,
                        bool json)
{
	struct journal_query q = {.cluster = cluster, .kind = t->kind, .ns = t->kind >= 0 ? t->ns : NULL,
	                          .name = t->kind >= 0 ? t->name : NULL, .since_ms = since,
	                          .until_ms = until, .with_status = a->status, .limit = a->limit};
	struct journal_change *list = NULL;
	size_t n = 0;
	char err[1024];
	if (!c)
		cmd_error("changes: there is no cache yet: nothing was recorded (the console and "
		          "'gammatop watch' record the change journal)");
	else if (journal_list(c, &q, &list, &n, err, sizeof err) < 0) {
		cmd_error("changes: %s", err);
		return EXIT_USAGE;
	} else {
		say_coverage(c, cluster);
	}
	struct kevents ev = {0};
	bool have_events = t->kind >= 0 && !a->no_events && fetch_events(o, t, &ev);
	FILE *f = cmd_open_output(o);
	if (!f) {
		journal_changes_free(list, n);
		kevents_done(&ev);
		return EXIT_USAGE;
	}
	if (json) {
		json_t *items = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, row_json(cluster, &list[i]));
		char ts[32], us[32];
		json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "apiVersion", "gammatop.dev/v1",
		                        "kind", "ChangeList", "cluster", cluster,
		                        "since", cmd_time_text(since, ts, sizeof ts),
		                        "until", cmd_time_text(until, us, sizeof us), "items", items);
		if (have_events)
			json_object_set_new(doc, "events", events_json(&ev));
		jsonout_write(f, doc, JSON_INDENT(2));
		json_decref(doc);
	} else {
		fprintf(f, "%-21s  %-24s  %-36s  %s\n", "TIME", "WHO", "OBJECT", "CHANGE");
		for (size_t i = 0; i < n; i++)
			print_row(f, &list[i]);
		if (have_events)
			print_events(f, &ev);
	}
	journal_changes_free(list, n);
	kevents_done(&ev);
	return cmd_close_output(o, f) < 0 ? EXIT_USAGE : 0;
}

/* ---- --follow ---- */

struct follow {
	struct cache *c;
	const char *cluster;
	const struct target *t;
	const struct args *a;
	bool json;
	int64_t last_id;
	struct evloop *loop;
	bool failed;
};

static void follow_print(struct follow *fw)
{
	struct journal_query q = {.cluster = fw->cluster, .kind = fw->t->kind,
	                          .ns = fw->t->kind >= 0 ? fw->t->ns : NULL,
	                          .name = fw->t->kind >= 0 ? fw->t->name : NULL,
	                          .after_id = fw->last_id, .with_status = fw->a->status,
	                          .oldest_first = true};
	struct journal_change *list;
	size_t n;
	char err[1024];
	if (journal_list(fw->c, &q, &list, &n, err, sizeof err) < 0) {
		cmd_error("changes: %s", err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (fw->json) {
			json_t *j = row_json(fw->cluster, &list[i]);
			jsonout_write(stdout, j, JSON_COMPACT);
			json_decref(j);
		} else {
			print_row(stdout, &list[i]);
		}
		if (list[i].id > fw->last_id)
			fw->last_id = list[i].id;
	}
	journal_changes_free(list, n);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fw->failed = !cmd_output_gone(stdout);
		evloop_stop(fw->loop);
	}
}

static void on_flushed(long n, void *ud)
{
	(void)n;
	follow_print(ud);
}

static void on_poll(struct evloop *loop, void *ud)
{
	follow_print(ud); /* rows another process recorded */
	evloop_timer_add(loop, 1000, on_poll, ud);
}

static void on_stop(struct evloop *loop, int signo, void *ud)
{
	(void)signo;
	(void)ud;
	evloop_stop(loop);
}

static void on_note(const char *msg, void *ud)
{
	(void)ud;
	cmd_error("journal: %s", msg);
}

static int follow(const struct cmd_opts *o, const struct args *a, const char *cluster,
                  const struct target *t, int64_t since, bool json)
{
	char err[2048];
	struct cache *c = cmd_open_cache(o, err, sizeof err);
	if (!c) {
		cmd_error("changes: %s", err);
		return EXIT_USAGE;
	}
	struct evloop *loop = evloop_new();
	struct gt_store *store = store_new();
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kcluster *k = kcluster_new(loop, store, &ko, err, sizeof err);
	if (!k) {
		cmd_error("%s", err);
		store_free(store);
		evloop_free(loop);
		cache_close(c);
		return EXIT_USAGE;
	}
	struct follow fw = {.c = c, .cluster = cluster, .t = t, .a = a, .json = json, .loop = loop};
	/* what is recorded already, oldest first, then what comes */
	struct journal_query q = {.cluster = cluster, .kind = t->kind,
	                          .ns = t->kind >= 0 ? t->ns : NULL, .name = t->kind >= 0 ? t->name : NULL,
	                          .since_ms = since, .with_status = a->status, .oldest_first = true};
	struct journal_change *list;
	size_t n;
	if (journal_list(c, &q, &list, &n, err, sizeof err) == 0) {
		if (!json)
			printf("%-21s  %-24s  %-36s  %s\n", "TIME", "WHO", "OBJECT", "CHANGE");
		fw.last_id = n ? list[n - 1].id : 0;
		for (size_t i = 0; i < n; i++) {
			if (json) {
				json_t *j = row_json(cluster, &list[i]);
				jsonout_write(stdout, j, JSON_COMPACT);
				json_decref(j);
			} else {
				print_row(stdout, &list[i]);
			}
		}
		journal_changes_free(list, n);
		fflush(stdout);
	}
	/* later rows only: the newest id now */
	struct journal_query all = {.cluster = cluster, .kind = -1, .with_status = true, .limit = 1};
	if (journal_list(c, &all, &list, &n, err, sizeof err) == 0) {
		if (n && list[0].id > fw.last_id)
			fw.last_id = list[0].id;
		journal_changes_free(list, n);
	}
	struct recorder *rec = recorder_new(c, k, loop, cluster,
	                                    o->all_namespaces ? NULL : o->namespace_, &a->journal,
	                                    on_note, NULL);
	recorder_on_flush(rec, on_flushed, &fw);
	evloop_signal(loop, SIGINT, on_stop, NULL);
	evloop_signal(loop, SIGTERM, on_stop, NULL);
	evloop_timer_add(loop, 1000, on_poll, &fw);
	kcluster_start(k);
	evloop_run(loop);
	recorder_free(rec);
	kcluster_free(k);
	store_free(store);
	evloop_free(loop);
	cache_close(c);
	if (fw.failed)
		cmd_error("changes: cannot write to standard output");
	return fw.failed ? EXIT_USAGE : 0;
}

/* ---- --suspects ---- */

static void print_figs(FILE *f, const char *label, const double a[FIG_N], const double b[FIG_N])
{
	static const enum figure_id show[] = {FIG_TIMEOUT, FIG_RETRY, FIG_SUCCESS, FIG_RPS};
	fprintf(f, "%s", label);
	for (size_t i = 0; i < sizeof show / sizeof *show; i++) {
		char x[32], y[32];
		fprintf(f, "%s%s %s → %s", i ? ", " : "", figures_name(show[i]),
		        figures_format(show[i], a[show[i]], x, sizeof x),
		        figures_format(show[i], b[show[i]], y, sizeof y));
	}
	fputc('\n', f);
}

static json_t *figs_json(const double v[FIG_N])
{
	json_t *o = json_object();
	for (int i = 0; i < FIG_N; i++)
		json_object_set_new(o, figures_name((enum figure_id)i), isnan(v[i]) ? json_null() : json_real(v[i]));
	return o;
}

static int suspects(const struct cmd_opts *o, const struct args *a, const char *cluster,
                    int64_t at, int64_t window, bool json)
{
	struct cache *c = open_for_reading(o);
	if (!c)
		return EXIT_USAGE;
	struct target t;
	if (parse_target(a->suspects, o, c, cluster, &t) < 0 || !kind_is_route((enum gt_kind)t.kind)) {
		if (t.name)
			cmd_error("changes: --suspects takes a route (NS/NAME or httproute/NS/NAME)");
		target_done(&t);
		cache_close(c);
		return EXIT_USAGE;
	}
	struct suspects_query q = {.cluster = cluster, .kind = (enum gt_kind)t.kind, .ns = t.ns,
	                           .name = t.name, .at_ms = at, .window_ms = window};
	struct suspects s;
	char err[1024];
	int rc = 0;
	if (suspects_find(c, &q, &s, err, sizeof err) < 0) {
		cmd_error("changes: --suspects: %s", err);
		target_done(&t);
		cache_close(c);
		return EXIT_USAGE;
	}
	char *route = object_text((enum gt_kind)t.kind, t.ns, t.name);
	FILE *f = cmd_open_output(o);
	if (!f) {
		rc = EXIT_USAGE;
	} else if (json) {
		json_t *items = json_array();
		for (size_t i = 0; i < s.n; i++) {
			const struct suspect *x = &s.items[i];
			json_t *it = json_pack("{s:i, s:f, s:s, s:s, s:o}", "rank", (int)i + 1, "score",
			                       round(x->score * 1000) / 1000, "relation", x->relation,
			                       "why", x->why, "change", row_json(cluster, &x->change));
			if (x->have_figures)
				json_object_set_new(it, "figures", json_pack("{s:o, s:o}", "before",
				                                            figs_json(x->before), "after",
				                                            figs_json(x->after)));
			json_array_append_new(items, it);
		}
		char ts[32];
		json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "apiVersion", "gammatop.dev/v1",
		                        "kind", "Suspects", "route", route, "at",
		                        cmd_time_text(at, ts, sizeof ts), "windowSeconds",
		                        (json_int_t)(window / 1000), "suspects", items);
		if (s.have_shift)
			json_object_set_new(doc, "shift", json_pack("{s:o, s:o}", "before",
			                                           figs_json(s.then_fig), "at",
			                                           figs_json(s.now_fig)));
		json_object_set_new(doc, "telemetrySource", s.source ? json_string(s.source) : json_null());
		jsonout_write(f, doc, JSON_INDENT(2));
		json_decref(doc);
	} else {
		char ts[32], win[32];
		char *sroute = str_sanitize(route);
		fprintf(f, "Suspects for %s: changes in the %s before %s, most likely first\n", sroute,
		        time_age(window / 1000, win, sizeof win), cmd_time_text(at, ts, sizeof ts));
		free(sroute);
		if (s.have_shift)
			print_figs(f, "route figures before the first change → now: ", s.then_fig, s.now_fig);
		if (!s.n)
			fprintf(f, "  no change to the route, its parents or its backends in the window\n");
		for (size_t i = 0; i < s.n; i++) {
			const struct suspect *x = &s.items[i];
			fprintf(f, "%2zu. score %.2f  ", i + 1, x->score);
			print_row(f, &x->change);
			char *why = str_sanitize(x->why);
			fprintf(f, "    why: %s\n", why);
			free(why);
			if (x->have_figures) {
				char label[96];
				snprintf(label, sizeof label, "    %s (5m before → 5m after): ",
				         x->change.audit_id ? "did it help?" : "effect");
				print_figs(f, label, x->before, x->after);
			}
		}
		if (!s.source)
			fprintf(f, "(no telemetry in the cache: figures around the changes are not known)\n");
	}
	if (f && cmd_close_output(o, f) < 0)
		rc = EXIT_USAGE;
	free(route);
	suspects_done(&s);
	target_done(&t);
	cache_close(c);
	return rc;
}

/* Was --window given (the common option defaults to the telemetry window, 5m)? */
static bool window_given(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--window") || !strncmp(argv[i], "--window=", 9))
			return true;
	return false;
}

int cmd_changes(int argc, char **argv)
{
	struct cmd_opts o;
	struct args a = {0};
	cmd_journal_opts_init(&a.journal);
	int first = cmd_parse(argc, argv, usage, summary, options, on_option, &a, &o);
	if (first == -2)
		return 0;
	if (first < 0)
		return EXIT_USAGE;
	int rc = EXIT_USAGE;
	bool json = false;
	int64_t now = time_wall_ms(), since = now - 86400000LL, until = now, at = now, window = 1800000;
	char err[512];
	char *cluster = NULL;
	if (o.format && strcmp(o.format, "table") && strcmp(o.format, "json")) {
		cmd_error("changes: unknown output format '%s' (expected table or json)", o.format);
		goto out;
	}
	json = o.format && !strcmp(o.format, "json");
	if ((a.since && cmd_time_parse(a.since, now, &since, err, sizeof err) < 0) ||
	    (a.until && cmd_time_parse(a.until, now, &until, err, sizeof err) < 0) ||
	    (a.at && cmd_time_parse(a.at, now, &at, err, sizeof err) < 0) ||
	    (window_given(argc, argv) && cmd_duration_parse(o.window, &window, err, sizeof err) < 0)) {
		cmd_error("changes: %s", err);
		goto out;
	}
	if (argc - first > 1 || (a.suspects && argc > first)) {
		cmd_error("changes: unexpected argument '%s' (see 'changes --help')", argv[argc - 1]);
		goto out;
	}
	if (a.suspects && a.follow) {
		cmd_error("changes: --suspects and --follow do not go together");
		goto out;
	}
	if (!(cluster = cmd_journal_cluster(&o, NULL, NULL)))
		goto out;
	if (a.suspects) {
		rc = suspects(&o, &a, cluster, at, window, json);
		goto out;
	}
	struct target t = {.kind = -1};
	struct cache *c = NULL;
	if (!a.follow && cache_exists(&o) && !(c = open_for_reading(&o)))
		goto out;
	if (first < argc && parse_target(argv[first], &o, c, cluster, &t) < 0) {
		cache_close(c);
		goto out;
	}
	rc = a.follow ? follow(&o, &a, cluster, &t, since, json)
	              : list_changes(&o, &a, c, cluster, &t, since, until, json);
	target_done(&t);
	cache_close(c);
out:
	free(cluster);
	cmd_opts_done(&o);
	log_close();
	return rc;
}
