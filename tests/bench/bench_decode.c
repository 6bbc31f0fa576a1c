/* bench_decode.c: how fast and lean decoding is: N HTTPRoutes + N Services (default 10,000
 * each) as JSON texts through decode_text, then the same objects as one multi-document YAML
 * text through manifest_read_text + decode_object into a store, and the store's memory; then
 * the store packed (objpack, the cached topology's form) and read back into a new store.
 * Prints figures; asserts nothing. Usage: bench_decode [N [RUNS]]. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/manifest.h"
#include "gammatop/objpack.h"
#include "gammatop/store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

static void route_json(struct buf *b, int i)
{
	buf_printf(b,
	           "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	           "\"metadata\":{\"name\":\"route-%d\",\"namespace\":\"ns-%d\",\"uid\":\"u-%d\","
	           "\"resourceVersion\":\"%d\",\"generation\":2,\"labels\":{\"app\":\"app-%d\"}},"
	           "\"spec\":{\"parentRefs\":[{\"name\":\"gw-%d\",\"namespace\":\"infra\",\"sectionName\":\"https\"}],"
	           "\"hostnames\":[\"app-%d.example.com\"],\"rules\":[{\"matches\":[{\"path\":{\"type\":\"PathPrefix\","
	           "\"value\":\"/api\"}}],\"backendRefs\":[{\"name\":\"svc-%d\",\"port\":8080,\"weight\":90},"
	           "{\"name\":\"svc-%d\",\"port\":8080,\"weight\":10}],\"timeouts\":{\"request\":\"10s\"}},"
	           "{\"backendRefs\":[{\"name\":\"svc-%d\",\"port\":8080}]}]},"
	           "\"status\":{\"parents\":[{\"parentRef\":{\"name\":\"gw-%d\",\"namespace\":\"infra\"},"
	           "\"controllerName\":\"example.com/gateway\",\"conditions\":[{\"type\":\"Accepted\","
	           "\"status\":\"True\",\"reason\":\"Accepted\",\"observedGeneration\":2}]}]}}",
	           i, i % 100, i, i, i, i % 20, i, i, (i + 1), i, i % 20);
}

static void service_json(struct buf *b, int i)
{
	buf_printf(b,
	           "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc-%d\","
	           "\"namespace\":\"ns-%d\",\"uid\":\"s-%d\",\"resourceVersion\":\"%d\","
	           "\"labels\":{\"app\":\"app-%d\"}},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":"
	           "\"10.96.%d.%d\",\"ports\":[{\"name\":\"http\",\"port\":8080,\"targetPort\":8080,"
	           "\"protocol\":\"TCP\"}]}}",
	           i, i % 100, i, i, i, (i / 256) % 256, i % 256);
}

static int into_store(const json_t *doc, const char *file, int line, void *ud)
{
	(void)file, (void)line;
	struct gt_object *o;
	if (decode_object(doc, &o, NULL, 0) == DECODE_OK)
		store_put(ud, o);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000, runs = argc > 2 ? atoi(argv[2]) : 3;
	if (n < 1 || runs < 1) {
		fprintf(stderr, "usage: bench_decode [N [RUNS]]\n");
		return 2;
	}
	char **texts = calloc((size_t)n * 2, sizeof *texts);
	size_t *lens = calloc((size_t)n * 2, sizeof *lens);
	struct buf yaml;
	buf_init(&yaml);
	size_t json_bytes = 0;
	for (int i = 0; i < n * 2; i++) {
		struct buf b;
		buf_init(&b);
		if (i < n)
			route_json(&b, i);
		else
			service_json(&b, i - n);
		lens[i] = b.len;
		json_bytes += b.len;
		texts[i] = buf_steal(&b);
		json_t *j = json_loads(texts[i], 0, NULL);
		char *y = manifest_json_to_yaml(j);
		buf_printf(&yaml, "---\n%s", y);
		free(y);
		json_decref(j);
	}
	printf("bench_decode: %d HTTPRoutes + %d Services (%.1f MB JSON, %.1f MB YAML), %d runs\n", n,
	       n, json_bytes / 1e6, yaml.len / 1e6, runs);
	for (int r = 0; r < runs; r++) {
		struct gt_store *s = store_new();
		size_t before = heap_bytes();
		double t0 = now_ms(), c0 = cpu_ms();
		for (int i = 0; i < n * 2; i++) {
			struct gt_object *o;
			if (decode_text(texts[i], lens[i], &o, NULL, 0) != DECODE_OK) {
				fprintf(stderr, "bench_decode: object %d did not decode\n", i);
				return 1;
			}
			store_put(s, o);
		}
		double t1 = now_ms(), c1 = cpu_ms();
		size_t after = heap_bytes();
		store_free(s);
		s = store_new();
		double t2 = now_ms(), c2 = cpu_ms();
		struct diag d;
		diag_init(&d);
		manifest_read_text(yaml.data, yaml.len, "bench.yaml", into_store, s, &d);
		double t3 = now_ms(), c3 = cpu_ms();
		printf("run %d: decode_text+store_put %.0f ms wall, %.0f ms CPU (%.1f us/object); "
		       "YAML read+decode+put %.0f ms wall, %.0f ms CPU; store holds %zu objects in "
		       "%.1f MB (%.0f bytes/object)%s\n",
		       r + 1, t1 - t0, c1 - c0, (c1 - c0) * 1000 / (n * 2), t3 - t2, c3 - c2,
		       store_count(s, GT_HTTPROUTE) + store_count(s, GT_SERVICE),
		       (after - before) / 1e6, (double)(after - before) / (n * 2),
		       d.errors ? " (YAML ERRORS)" : "");
		diag_done(&d);
		/* the cached topology's form: pack every object, read them all back */
		struct buf pk;
		buf_init(&pk);
		double t4 = now_ms(), c4 = cpu_ms();
		for (int k = 0; k < GT_KIND_COUNT; k++) {
			size_t cnt;
			const struct gt_object *const *list = store_list(s, (enum gt_kind)k, &cnt);
			for (size_t i = 0; i < cnt; i++)
				objpack_write(&pk, list[i]);
		}
		double t5 = now_ms(), c5 = cpu_ms();
		struct gt_store *back = store_new();
		const char *p = pk.data, *end = pk.data + pk.len;
		while (p < end) {
			struct gt_object *o;
			char err[256];
			if (objpack_read(&p, end, pk.data, &o, err, sizeof err) < 0) {
				fprintf(stderr, "bench_decode: %s\n", err);
				return 1;
			}
			store_put(back, o);
		}
		double t6 = now_ms(), c6 = cpu_ms();
		printf("  packed (cached topology): %.1f MB, pack %.0f ms wall, %.0f ms CPU; "
		       "read back+store_put %.0f ms wall, %.0f ms CPU (%.1f us/object)\n",
		       pk.len / 1e6, t5 - t4, c5 - c4, t6 - t5, c6 - c5, (c6 - c5) * 1000 / (n * 2));
		buf_done(&pk);
		store_free(back);
		store_free(s);
	}
	for (int i = 0; i < n * 2; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	buf_done(&yaml);
	return 0;
}
