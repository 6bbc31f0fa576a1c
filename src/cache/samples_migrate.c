/* samples_migrate.c: gt_pack, the SQL function the cache's schema 2 -> 3 migration packs the
 * amounts of sample rows written before they were packed with (samples.h: samples_register;
 * the blob's format is sampleblob.h's). */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "gammatop/sampleblob.h"
#include "gammatop/samples.h"

/* gt_pack(seconds, requests, successes, failures, timeouts, retries, retry_successes,
 * exhausted, have, buckets): the packed blob of an old row (schema 2 -> 3). */
static void pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sample_counts s;
	memset(&s, 0, sizeof s);
	s.seconds = sqlite3_value_double(argv[0]);
	for (int j = 0; j < SC_LATENCY && 1 + j < argc; j++)
		s.v[j] = sqlite3_value_double(argv[1 + j]);
	s.have = argc > 8 ? (unsigned)sqlite3_value_int(argv[8]) : 0;
	if (argc > 9 && sqlite3_value_type(argv[9]) == SQLITE_BLOB)
		sampleblob_legacy_buckets(sqlite3_value_blob(argv[9]),
		                          (size_t)sqlite3_value_bytes(argv[9]), &s);
	unsigned char out[SAMPLEBLOB_MAX];
	size_t n = sampleblob_encode(&s, out);
	sqlite3_result_blob(ctx, out, (int)n, SQLITE_TRANSIENT);
}

int samples_register(struct sqlite3 *db)
{
	return sqlite3_create_function(db, "gt_pack", 10, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                               pack_fn, NULL, NULL) == SQLITE_OK ? 0 : -1;
}
