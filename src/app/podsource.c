/* podsource.c: pod list and pod-proxy fetches for the telemetry layer (podsource.h). */
#include "config.h"

#include "podsource.h"

#include <stdio.h>
#include <stdlib.h>

#include "gammatop/http.h"
#include "gammatop/kclient.h"
#include "gammatop/log.h"
#include "gammatop/xalloc.h"

struct job {
	struct podsource *ps;
	struct kreq *req;
	scrape_done_fn done;
	void *done_ud;
	struct job *next, *prev;
};

struct podsource {
	struct kclient *k; /* borrowed */
	struct job *jobs;
	struct kreq *list_req;
	podsource_targets_fn list_done;
	void *list_ud;
	char *fallback_ns; /* owned */
	bool in_ns;        /* the list under way is fallback_ns's */
	char *note;        /* owned: the fallback's warning, or NULL */
};

struct podsource *podsource_new(struct kclient *k, const char *fallback_ns)
{
	struct podsource *ps = xcalloc(1, sizeof *ps);
	ps->k = k;
	ps->fallback_ns = fallback_ns && *fallback_ns ? xstrdup(fallback_ns) : NULL;
	return ps;
}

static void list_in(struct podsource *ps, const char *ns);

void podsource_free(struct podsource *ps)
{
	if (!ps)
		return;
	if (ps->list_req)
		kreq_cancel(ps->list_req);
	while (ps->jobs) { /* cancelled requests call nothing back */
		struct job *j = ps->jobs;
		ps->jobs = j->next;
		if (j->req)
			kreq_cancel(j->req);
		free(j);
	}
	free(ps->fallback_ns);
	free(ps->note);
	free(ps);
}

const char *podsource_note(const struct podsource *ps) { return ps->note; }

static void on_proxy(const struct kresponse *r, void *ud)
{
	struct job *j = ud;
	struct podsource *ps = j->ps;
	if (j->prev)
		j->prev->next = j->next;
	else
		ps->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	const char *err = NULL;
	if (r->status == 0)
		err = r->err && r->err->message ? r->err->message : "no answer";
	else if (r->status < 200 || r->status > 299)
		err = r->err && r->err->message ? r->err->message : "unexpected status";
	j->done(j->done_ud, r->status, r->body ? r->body : "", r->body_len, NULL, err);
	free(j);
}

void podsource_fetch(void *ud, const struct scrape_target *t, scrape_done_fn done, void *dud)
{
	struct podsource *ps = ud;
	struct job *j = xcalloc(1, sizeof *j);
	*j = (struct job){.ps = ps, .done = done, .done_ud = dud, .next = ps->jobs};
	if (ps->jobs)
		ps->jobs->prev = j;
	ps->jobs = j;
	j->req = kclient_pod_proxy_get(ps->k, t->ns, t->scheme, t->pod, t->port, t->path, 10000,
	                               on_proxy, j);
}

static void on_pods(const struct kresponse *r, void *ud)
{
	struct podsource *ps = ud;
	ps->list_req = NULL;
	if (r->status == 403 && !ps->in_ns && ps->fallback_ns) {
		free(ps->note);
		ps->note = xasprintf("listing pods in every namespace is forbidden; namespace %s only, "
		                     "so callers elsewhere and Envoy Gateway's proxies are missed",
		                     ps->fallback_ns);
		log_warn("telemetry: %s", ps->note);
		list_in(ps, ps->fallback_ns);
		return;
	}
	if (r->status < 200 || r->status > 299) {
		ps->list_done(ps->list_ud, NULL, 0,
		              r->err && r->err->message ? r->err->message : "no answer");
		return;
	}
	struct scrape_target *t;
	size_t n;
	char err[256];
	if (scrape_targets_from_pods(r->body, r->body_len, &t, &n, err, sizeof err) < 0) {
		ps->list_done(ps->list_ud, NULL, 0, err);
		return;
	}
	ps->list_done(ps->list_ud, t, n, NULL);
	for (size_t k = 0; k < n; k++)
		scrape_target_done(&t[k]);
	free(t);
}

static void list_in(struct podsource *ps, const char *ns)
{
	char *ens = ns ? http_escape(ns) : NULL;
	char *path = ens ? xasprintf("/api/v1/namespaces/%s/pods", ens) : xstrdup("/api/v1/pods");
	free(ens);
	ps->in_ns = ns != NULL;
	struct kreq_opts o = {.path = path, .what = "list pods", .timeout_ms = 30000,
	                      .on_done = on_pods, .ud = ps};
	ps->list_req = kclient_request(ps->k, &o);
	free(path);
}

void podsource_list(void *ud, podsource_targets_fn done, void *dud)
{
	struct podsource *ps = ud;
	if (ps->list_req)
		kreq_cancel(ps->list_req);
	ps->list_done = done;
	ps->list_ud = dud;
	list_in(ps, NULL);
}
