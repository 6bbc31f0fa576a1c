/* sim.c: the simulator's shared state (struct sim): setting it up, tearing it down, and
 * waking the watches after a change. */
#include "config.h"
#include "sim.h"
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "gammatop/timeutil.h"
#include "rbac.h"
#include "traffic_glue.h"

void sim_init(struct sim *s, size_t history)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	objects_init(&s->objs, history);
	s->start_wall_ms = time_wall_ms();
	s->seed = 1;
	s->bookmark_ms = 5000;
}

void sim_done(struct sim *s)
{
	traffic_glue_free(s);
	free(s->fixtures_dir);
	api_fixture_hits_free(s);
	for (size_t i = 0; i < s->n_dirty; i++) {
		free(s->dirty[i].ns);
		free(s->dirty[i].name);
	}
	free(s->dirty);
	objects_done(&s->objs);
	for (size_t i = 0; i < s->n_wrong_status; i++)
		free(s->wrong_status[i]);
	free(s->wrong_status);
	if (s->token)
		explicit_bzero(s->token, strlen(s->token));
	if (s->readonly_token)
		explicit_bzero(s->readonly_token, strlen(s->readonly_token));
	free(s->token);
	free(s->readonly_token);
	rbac_free_all(s);
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof *s);
}

void sim_notify(struct sim *s)
{
	pthread_cond_broadcast(&s->changed);
}
