/* traffic_glue.c: connects the store to the traffic model (see traffic_glue.h). */
#include "config.h"
#include "traffic_glue.h"

#include "gammatop/timeutil.h"

#include <string.h>

#include "traffic.h"

int traffic_glue_init(struct sim *s, const char *mesh)
{
	int m;
	if (!mesh || strcmp(mesh, "linkerd") == 0)
		m = 0;
	else if (strcmp(mesh, "istio") == 0)
		m = 1;
	else if (strcmp(mesh, "envoy-gateway") == 0)
		m = 2;
	else
		return -1;
	s->mesh = m;
	s->traffic = traffic_new(s->seed);
	s->traffic->linkerd_policy = m == 0;
	return 0;
}

void traffic_glue_free(struct sim *s)
{
	if (s->traffic)
		traffic_free(s->traffic);
	s->traffic = NULL;
}

void traffic_glue_route(struct sim *s, enum sim_res r, const json_t *obj, bool deleted)
{
	if (r != RES_HTTPROUTE && r != RES_GRPCROUTE)
		return;
	if (!s->traffic)
		return;
	if (deleted)
		traffic_route_delete(s->traffic, resource_get(r)->kind, meta_str(obj, "namespace"),
		                     meta_str(obj, "name"), time_wall_ms());
	else
		traffic_route_upsert(s->traffic, obj, time_wall_ms());
}

char *traffic_glue_render(struct sim *s, const char *ns)
{
	if (!s->traffic)
		return NULL;
	pthread_mutex_lock(&s->lock);
	char *text = traffic_render(s->traffic, (enum sim_mesh)s->mesh, ns, time_wall_ms());
	pthread_mutex_unlock(&s->lock);
	return text;
}

const char *traffic_glue_content_type(const struct sim *s)
{
	(void)s;
	return "text/plain; version=0.0.4; charset=utf-8";
}

int traffic_glue_proxy_port(const struct sim *s)
{
	return s->mesh == 0 ? 4191 : s->mesh == 1 ? 15020 : 19001;
}

const char *traffic_glue_proxy_path(const struct sim *s)
{
	return s->mesh == 0 ? "/metrics" : "/stats/prometheus";
}

void traffic_glue_tick(struct sim *s)
{
	if (s->traffic)
		traffic_advance(s->traffic, time_wall_ms());
}
