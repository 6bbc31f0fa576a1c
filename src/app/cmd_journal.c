/* cmd_journal.c: what the change-journal commands share: time, duration and size arguments,
 * the recording commands' journal options, the cluster key of the kubeconfig context (see
 * cmd_journal.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_journal.h"
#include "cmd_source.h"
#include "gammatop/cache.h"
#include "gammatop/figures.h"
#include "gammatop/journal.h"
#include "gammatop/samples.h"
#include "gammatop/duration.h"
#include "gammatop/kubeconfig.h"
#include "gammatop/str.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

void cmd_journal_opts_init(struct recorder_opts *ro)
{
	*ro = (struct recorder_opts){.off = false, .retention = JOURNAL_RETENTION_DEFAULT};
}

int cmd_journal_option(int val, const char *arg, struct recorder_opts *ro)
{
	char err[256];
	int64_t v;
	switch (val) {
	case OPT_NO_JOURNAL: ro->off = cmd_flag_on(arg); return 1;
	case OPT_JOURNAL_AGE:
		if (cmd_duration_parse(arg, &v, err, sizeof err) < 0) {
			cmd_error("--journal-max-age %s: %s", arg, err);
			return -1;
		}
		if (v <= 0) {
			cmd_error("--journal-max-age %s: must be more than 0", arg);
			return -1;
		}
		ro->retention.max_age_ms = v;
		return 1;
	case OPT_JOURNAL_SIZE:
		if (cmd_size_parse(arg, &v, err, sizeof err) < 0) {
			cmd_error("--journal-max-size %s: %s", arg, err);
			return -1;
		}
		if (v < 4096) {
			cmd_error("--journal-max-size %s: at least 4KiB", arg);
			return -1;
		}
		ro->retention.max_bytes = v;
		return 1;
	}
	return 0;
}

int cmd_duration_parse(const char *s, int64_t *ms, char *err, size_t errlen)
{
	*ms = 0;
	if (!s || !*s) {
		str_errf(err, errlen, "empty duration");
		return -1;
	}
	/* leading days and weeks ("7d", "2w3d12h"), then a GEP-2257 duration for the rest */
	const char *p = s;
	int64_t total = 0;
	for (;;) {
		const char *q = p;
		int64_t n = 0;
		while (isdigit((unsigned char)*q) && n < 100000)
			n = n * 10 + (*q++ - '0');
		if (q == p || (*q != 'd' && *q != 'w'))
			break;
		total += n * (*q == 'w' ? 7 : 1) * 86400000LL;
		p = q + 1;
	}
	if (*p) {
		uint64_t rest;
		if (duration_parse(p, &rest, err, errlen) < 0)
			return -1;
		total += (int64_t)rest;
	}
	*ms = total;
	return 0;
}

int cmd_time_parse(const char *s, int64_t now_ms, int64_t *out_ms, char *err, size_t errlen)
{
	if (!s || !*s) {
		str_errf(err, errlen, "empty time");
		return -1;
	}
	if (!strcmp(s, "now")) {
		*out_ms = now_ms;
		return 0;
	}
	time_t t;
	if (strchr(s, 'T') && time_parse_rfc3339(s, &t) == 0) {
		/* keep the fraction: a snapshot taken at 12:00:00.750 is after a change at .500 */
		const char *dot = strchr(s, '.');
		int64_t frac = 0;
		if (dot) {
			int digits = 0;
			for (const char *p = dot + 1; isdigit((unsigned char)*p) && digits < 3; p++, digits++)
				frac = frac * 10 + (*p - '0');
			for (; digits < 3; digits++)
				frac *= 10;
		}
		*out_ms = (int64_t)t * 1000 + frac;
		return 0;
	}
	int64_t d;
	char derr[200];
	if (cmd_duration_parse(s[0] == '-' ? s + 1 : s, &d, derr, sizeof derr) == 0) {
		*out_ms = now_ms - d;
		return 0;
	}
	str_errf(err, errlen, "'%s' is not a time: use RFC 3339 (2026-03-01T12:00:00Z), a "
	                      "duration ago (30m, -2h, 7d) or now", s);
	return -1;
}

int cmd_size_parse(const char *s, int64_t *bytes, char *err, size_t errlen)
{
	char *end;
	*bytes = 0;
	double v = s ? strtod(s, &end) : 0;
	if (!s || end == s || v < 0) {
		str_errf(err, errlen, "'%s' is not a size (e.g. 512MiB, 2G)", s ? s : "");
		return -1;
	}
	static const struct {
		const char *suffix;
		double mul;
	} units[] = {{"", 1},
	             {"k", 1024.0}, {"kb", 1024.0}, {"kib", 1024.0},
	             {"m", 1048576.0}, {"mb", 1048576.0}, {"mib", 1048576.0},
	             {"g", 1073741824.0}, {"gb", 1073741824.0}, {"gib", 1073741824.0}};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (!strcasecmp(end, units[i].suffix) && v * units[i].mul < 9e18) {
			*bytes = (int64_t)(v * units[i].mul);
			return 0;
		}
	str_errf(err, errlen, "'%s' is not a size (e.g. 512MiB, 2G)", s);
	return -1;
}

char *cmd_time_text(int64_t ms, char *buf, size_t n)
{
	return time_rfc3339((time_t)(ms / 1000), buf, n);
}

char *cmd_journal_cluster(const struct cmd_opts *o, char **context, char **server)
{
	if (o->n_manifests) {
		cmd_error("the change journal is kept per cluster: --manifests has none");
		return NULL;
	}
	struct kubeconfig_opts ko = cmd_kubeconfig_opts(o);
	struct kubeconfig *kc;
	char err[2048];
	if (kubeconfig_load(&ko, &kc, err, sizeof err) < 0) {
		cmd_error("%s", err);
		return NULL;
	}
	char *key = cache_cluster_key(kc->server, kc->ca_pem, kc->ca_len);
	if (context)
		*context = xstrdup(kc->context);
	if (server)
		*server = xstrdup(kc->server);
	kubeconfig_free(kc);
	return key;
}

int cmd_journal_source_at(const struct cmd_opts *o, int64_t at_ms, struct cmd_source *src)
{
	memset(src, 0, sizeof *src);
	src->store = store_new();
	src->loop = evloop_new();
	char *key = cmd_journal_cluster(o, &src->context, &src->server);
	if (!key)
		return EXIT_USAGE;
	src->description = xasprintf("context %s (%s)", src->context, src->server);
	char err[1024], *notice = NULL;
	struct cache *c = cache_open_ex(o->cache_path, CACHE_READ, &notice, err, sizeof err);
	if (notice)
		cmd_error("%s", notice);
	free(notice);
	int rc = 0;
	if (!c) {
		cmd_error("%s", err);
		rc = EXIT_USAGE;
	} else if (journal_store_at(c, key, at_ms, o->all_namespaces ? NULL : o->namespace_,
	                            src->store, err, sizeof err) < 0) {
		char when[32];
		cmd_error("context %s at %s: %s", src->context, cmd_time_text(at_ms, when, sizeof when),
		          err);
		rc = EXIT_USAGE;
	}
	cache_close(c);
	free(key);
	return rc;
}

static void fig_cb(const char *route, int rule, const char *scope, const struct sample_counts *sum,
                   void *ud)
{
	figures_set_add(ud, route, rule, scope, sum);
}

struct figures_set *cmd_journal_figures_at(const struct cmd_opts *o, const char *cluster,
                                           int64_t at_ms)
{
	if (o->no_telemetry || !(o->offline || o->prometheus))
		return NULL;
	int64_t window;
	char err[1024];
	if (cmd_duration_parse(o->window, &window, err, sizeof err) < 0 || window < 1000) {
		cmd_error("--window %s: %s", o->window, window < 1000 ? "at least 1s" : err);
		return NULL;
	}
	struct cache *c = cache_open_ex(o->cache_path, CACHE_READ, NULL, err, sizeof err);
	if (!c) {
		cmd_error("telemetry: %s", err);
		return NULL;
	}
	/* the cluster's own scrape, else the newest source (e.g. a Prometheus) */
	char *source = xasprintf("scrape %s", cluster);
	int64_t t;
	if (samples_source_latest(c, source, &t, NULL, 0) <= 0) {
		free(source);
		source = NULL;
		if (samples_latest(c, &source, &t, NULL, 0) <= 0)
			source = NULL;
	}
	struct figures_set *set = NULL;
	if (!source) {
		cmd_error("telemetry: the cache holds no telemetry: the figures are left out");
	} else {
		set = figures_set_new(o->window, source);
		if (samples_window(c, source, at_ms - window, at_ms + 1, fig_cb, set, err, sizeof err) < 0) {
			cmd_error("telemetry: %s", err);
			figures_set_free(set);
			set = NULL;
		} else {
			set->at_ms = at_ms;
			figures_set_finish(set);
		}
	}
	free(source);
	cache_close(c);
	return set;
}
