/* rbac.c: namespace-scoped tokens and their 403s (see rbac.h). */
#include "config.h"
#include "rbac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "sim.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

static char **split_list(const char *s)
{
	size_t n;
	char **parts = str_split(s, ',', &n);
	char **out = xcalloc(n + 1, sizeof *out);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!str_empty(parts[i]))
			out[k++] = xstrdup(parts[i]);
	str_list_free(parts);
	return out;
}

int rbac_add(struct sim *s, const char *spec, char *err, size_t errlen)
{
	size_t n;
	char **f = str_split(spec, ':', &n);
	if (n < 3 || n > 4 || str_empty(f[0]) || str_empty(f[1]) || str_empty(f[2])) {
		str_list_free(f);
		snprintf(err, errlen,
		         "--rbac-token: expected TOKEN:USER:NAMESPACE[,NAMESPACE...]"
		         "[:RESOURCE[,RESOURCE...]]");
		return -1;
	}
	s->rbac = xreallocarray(s->rbac, s->n_rbac + 1, sizeof *s->rbac);
	struct sim_rbac *r = &s->rbac[s->n_rbac++];
	r->token = xstrdup(f[0]);
	r->user = xstrdup(f[1]);
	r->namespaces = split_list(f[2]);
	r->cluster_read = split_list(n == 4 ? f[3] : "");
	explicit_bzero(f[0], strlen(f[0]));
	str_list_free(f);
	return 0;
}

static void free_list(char **l)
{
	for (char **p = l; p && *p; p++)
		free(*p);
	free(l);
}

void rbac_free_all(struct sim *s)
{
	for (size_t i = 0; i < s->n_rbac; i++) {
		explicit_bzero(s->rbac[i].token, strlen(s->rbac[i].token));
		free(s->rbac[i].token);
		free(s->rbac[i].user);
		free_list(s->rbac[i].namespaces);
		free_list(s->rbac[i].cluster_read);
	}
	free(s->rbac);
	s->rbac = NULL;
	s->n_rbac = 0;
}

const struct sim_rbac *rbac_by_token(const struct sim *s, const char *tok)
{
	for (size_t i = 0; i < s->n_rbac; i++)
		if (strcmp(s->rbac[i].token, tok) == 0)
			return &s->rbac[i];
	return NULL;
}

const struct sim_rbac *rbac_by_user(const struct sim *s, const char *user)
{
	for (size_t i = 0; i < s->n_rbac; i++)
		if (strcmp(s->rbac[i].user, user) == 0)
			return &s->rbac[i];
	return NULL;
}

static bool in_list(char *const *l, const char *v)
{
	for (; l && *l; l++)
		if (strcmp(*l, v) == 0 || strcmp(*l, "*") == 0)
			return true;
	return false;
}

/* The verb the API server's request-info resolver gives (apiserver pkg/endpoints/request
 * requestinfo.go): a GET of a collection is list (watch with watch=true), of an object get;
 * a DELETE of a collection deletecollection. */
static const char *verb_of(const char *method, const struct api_target *t, bool watching)
{
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return watching ? "watch" : t->has_name ? "get" : "list";
	if (strcmp(method, "POST") == 0)
		return "create";
	if (strcmp(method, "PUT") == 0)
		return "update";
	if (strcmp(method, "PATCH") == 0)
		return "patch";
	if (strcmp(method, "DELETE") == 0)
		return t->has_name ? "delete" : "deletecollection";
	return "unknown";
}

bool rbac_allows(const struct request *rq, const struct api_target *t, bool watching,
                 struct reply *rp)
{
	const struct sim_rbac *r = rq->rbac;
	if (!r)
		return true;
	const struct sim_resource *res = resource_get(t->res);
	const char *verb = verb_of(rq->method, t, watching);
	bool read = strcmp(verb, "get") == 0 || strcmp(verb, "list") == 0 ||
	            strcmp(verb, "watch") == 0;
	if (res->namespaced && t->has_ns && in_list(r->namespaces, t->ns))
		return true;
	if (read && in_list(r->cluster_read, res->resource))
		return true;
	char q[128], resource[160];
	snprintf(resource, sizeof resource, "%s%s%s", res->resource, t->sub[0] ? "/" : "", t->sub);
	json_t *details = json_pack("{s:s, s:s}", "group", res->group, "kind", res->resource);
	if (t->has_name)
		json_object_set_new(details, "name", json_string(t->name));
	char name[300] = "";
	if (t->has_name)
		snprintf(name, sizeof name, " \"%s\"", t->name);
	if (res->namespaced && t->has_ns)
		reply_status(rp, 403, "Forbidden", details,
		             "%s%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" "
		             "in the namespace \"%s\"",
		             api_qualified_kind(t->res, q, sizeof q), name, rq->user, verb, resource,
		             res->group, t->ns);
	else
		reply_status(rp, 403, "Forbidden", details,
		             "%s%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" "
		             "at the cluster scope",
		             api_qualified_kind(t->res, q, sizeof q), name, rq->user, verb, resource,
		             res->group);
	return false;
}
