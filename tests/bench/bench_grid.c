/* bench_grid.c: how long the console's tree widget takes to collapse and expand everything
 * (`*`) on trees shaped like the topology view (GatewayClass > Gateway > listener > route >
 * rules > backends), at 6,000, 30,000 and 100,000 rows by default: the first finish, collapse
 * all, a rebuild with everything collapsed (the console rebuilds on every store change),
 * expand all. Prints figures (wall and CPU ms, best of RUNS); asserts nothing.
 * Usage: bench_grid [ROWS... ] (RUNS from $BENCH_RUNS, default 3). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/grid.h"
#include "gammatop/keys.h"

static const struct grid_col cols[] = {{.title = "TOPOLOGY", .min = 30}};

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* About rows rows: per route 1 row, 2 rules, 1 backend per rule (5 rows); 50 routes per
 * listener, 2 listeners per Gateway, 10 Gateways per class. Returns the rows added. */
static size_t build(struct grid *g, size_t rows)
{
	grid_clear(g);
	char key[256];
	size_t route = 0;
	for (int c = 0; g->n < rows; c++) {
		snprintf(key, sizeof key, "gc/c%d", c);
		grid_add(g, 0, key);
		for (int gw = 0; gw < 10 && g->n < rows; gw++) {
			char gk[128];
			snprintf(gk, sizeof gk, "gc/c%d/gateway/infra/gw%d", c, gw);
			grid_add(g, 1, gk);
			for (int l = 0; l < 2 && g->n < rows; l++) {
				char lk[160];
				snprintf(lk, sizeof lk, "%s/l%d", gk, l);
				grid_add(g, 2, lk);
				for (int r = 0; r < 50 && g->n < rows; r++, route++) {
					char rk[224];
					snprintf(rk, sizeof rk, "%s/httproute/ns%zu/route%zu", lk, route % 100, route);
					grid_add_pooled(g, 3, rk);
					for (int u = 0; u < 2; u++) {
						snprintf(key, sizeof key, "%s/r%d", rk, u);
						grid_add_pooled(g, 4, key);
						snprintf(key, sizeof key, "%s/r%d/b0", rk, u);
						grid_add_pooled(g, 5, key);
					}
				}
			}
		}
	}
	grid_finish(g);
	return g->n;
}

struct timing {
	double wall, cpu;
};

static void best(struct timing *t, double w0, double c0)
{
	double w = clock_ms(CLOCK_MONOTONIC) - w0, c = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (t->wall < 0 || w < t->wall)
		t->wall = w, t->cpu = c;
}

int main(int argc, char **argv)
{
	size_t def[] = {6000, 30000, 100000};
	size_t sizes[16], n_sizes = 0;
	for (int i = 1; i < argc && n_sizes < 16; i++)
		if (atol(argv[i]) > 0)
			sizes[n_sizes++] = (size_t)atol(argv[i]);
	if (!n_sizes)
		memcpy(sizes, def, sizeof def), n_sizes = 3;
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 3;
	if (runs < 1)
		runs = 1;
	printf("%8s %8s %10s %14s %16s %14s   (ms wall / cpu, best of %d)\n", "rows", "visible",
	       "build", "collapse-all", "rebuild-folded", "expand-all", runs);
	for (size_t s = 0; s < n_sizes; s++) {
		struct timing fin = {-1, 0}, col = {-1, 0}, reb = {-1, 0}, exp = {-1, 0};
		size_t rows = 0, folded = 0;
		for (int r = 0; r < runs; r++) {
			struct grid g;
			grid_init(&g, cols, 1, true);
			double w = clock_ms(CLOCK_MONOTONIC), c = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			rows = build(&g, sizes[s]);
			best(&fin, w, c);
			w = clock_ms(CLOCK_MONOTONIC), c = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			grid_action(&g, ACT_TOGGLE_ALL);
			best(&col, w, c);
			folded = g.n_vis;
			w = clock_ms(CLOCK_MONOTONIC), c = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			build(&g, sizes[s]);
			best(&reb, w, c);
			w = clock_ms(CLOCK_MONOTONIC), c = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			grid_action(&g, ACT_TOGGLE_ALL);
			best(&exp, w, c);
			if (g.n_vis != rows)
				fprintf(stderr, "bench_grid: expand-all shows %zu of %zu rows\n", g.n_vis, rows);
			grid_done(&g);
		}
		printf("%8zu %8zu %5.1f/%-4.1f %7.1f/%-6.1f %8.1f/%-7.1f %7.1f/%-6.1f\n", rows, folded,
		       fin.wall, fin.cpu, col.wall, col.cpu, reb.wall, reb.cpu, exp.wall, exp.cpu);
	}
	return 0;
}
