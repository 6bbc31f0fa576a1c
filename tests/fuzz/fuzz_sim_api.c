/* fuzz_sim_api.c: gammatop-sim's API handlers on hostile requests. The input is
 * "METHOD\nPATH[?QUERY]\nCONTENT-TYPE\nACCEPT\nBODY": discovery, LIST/GET with any query,
 * watches (started, not streamed), merge/JSON/apply patches, creates, deletes and the pod
 * proxy run against the demo world, which is rebuilt every 64 inputs. The admin API is left
 * out (it writes files). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sim/sim.h"
#include "../../src/sim/traffic_glue.h"

static struct sim sim;
static unsigned runs;

static void world(void)
{
	if (runs++ % 64 != 0)
		return;
	if (sim.objs.ring)
		sim_done(&sim);
	sim_init(&sim, 500);
	traffic_glue_init(&sim, "linkerd");
	objects_begin_bulk(&sim.objs);
	demo_load(&sim);
	objects_end_bulk(&sim.objs);
	sim.reconcile_needed = true;
	controller_reconcile(&sim);
}

/* Next line of [*p, end) as a fresh string; advances *p. */
static char *line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *e = nl ? nl : end;
	size_t n = (size_t)(e - *p);
	char *s = malloc(n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	world();
	char *method = line(&p, end), *path = line(&p, end), *ctype = line(&p, end), *accept = line(&p, end);
	char *q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	struct request rq = {
		.method = method, .path = path, .query = q,
		.content_type = ctype[0] ? ctype : NULL, .accept = accept[0] ? accept : NULL,
		.body = p, .body_len = (size_t)(end - p),
	};
	struct reply rp = {0};
	if (strncmp(path, "/sim/", 5) != 0 && strlen(path) > 0 && !discovery_handle(&sim, &rq, &rp))
		api_handle(&sim, &rq, &rp);
	reply_finish(&rp);
	if (rp.watch)
		watch_free(rp.watch);
	free(rp.body);
	free(rp.content_type);
	free(rp.retry_after);
	free(rp.warning);
	free(method);
	free(path);
	free(ctype);
	free(accept);
	return 0;
}
