/* podtargets.c: which pods to scrape, from a Kubernetes pod list — the one discovery that
 * `top` and the console share (scrape.h, scrape_targets_from_pods). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/scrape.h"
#include "gammatop/xalloc.h"

static const char *json_ann(void *ud, const char *key)
{
	return json_string_value(json_object_get(ud, key));
}

/* A meshed pod without prometheus.io annotations whose Linkerd proxy has its admin port
 * (named "linkerd-admin", as linkerd-viz's Prometheus scrape config finds it). */
static bool linkerd_admin(json_t *pod, const char *ns, const char *name, struct scrape_target *t)
{
	size_t i, j;
	json_t *c, *port;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, port) {
			json_int_t p = json_integer_value(json_object_get(port, "containerPort"));
			const char *pn = json_string_value(json_object_get(port, "name"));
			if (pn && !strcmp(pn, "linkerd-admin") && p > 0 && p < 65536) {
				memset(t, 0, sizeof *t);
				t->ns = xstrdup(ns);
				t->pod = xstrdup(name);
				t->port = (int)p;
				t->path = xstrdup("/metrics");
				t->scheme = xstrdup("http");
				return true;
			}
		}
	}
	return false;
}

int scrape_targets_from_pods(const char *json, size_t len, struct scrape_target **out,
                             size_t *n_out, char *err, size_t errlen)
{
	*out = NULL;
	*n_out = 0;
	json_error_t je;
	json_t *doc = json_loadb(json ? json : "", len, 0, &je);
	json_t *items = json_object_get(doc, "items");
	if (!json_is_array(items)) {
		snprintf(err, errlen, "the pod list is not a list (%s)",
		         doc ? "no items array" : je.text);
		json_decref(doc);
		return -1;
	}
	struct scrape_target *t = xcalloc(json_array_size(items) + 1, sizeof *t);
	size_t n = 0, i;
	json_t *pod;
	json_array_foreach(items, i, pod) {
		json_t *md = json_object_get(pod, "metadata");
		const char *ns = json_string_value(json_object_get(md, "namespace")),
		           *name = json_string_value(json_object_get(md, "name"));
		const char *phase =
			json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
		if (!ns || !name || !*ns || !*name || (phase && strcmp(phase, "Running")))
			continue;
		if (scrape_target_from(&t[n], ns, name, json_ann, json_object_get(md, "annotations"),
		                       NULL, 0) == 0 ||
		    linkerd_admin(pod, ns, name, &t[n]))
			n++;
	}
	json_decref(doc);
	*out = t;
	*n_out = n;
	return 0;
}
