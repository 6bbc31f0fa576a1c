/* sampleblob.h: the compact binary form of one sample row in the cache (samples.h): the
 * component bits, the seconds and every reported amount (whole numbers as zigzag varints,
 * others as doubles) and the latency histogram (float bounds with varint count increments
 * when the counts are whole and cumulative, double pairs otherwise). One blob column instead
 * of a dozen keeps rows small and reads cheap. Decoding is bounds-checked: a damaged blob
 * gives an error, never a crash. */
#ifndef GAMMATOP_SAMPLEBLOB_H
#define GAMMATOP_SAMPLEBLOB_H
#include <stddef.h>

#include "gammatop/samples.h"

/* Enough for any sample_counts. */
#define SAMPLEBLOB_MAX (16 + 9 * 10 + 4 + SAMPLES_MAX_BUCKETS * 2 * 8)

/* Encode s into out (SAMPLEBLOB_MAX bytes); returns the length. */
size_t sampleblob_encode(const struct sample_counts *s, unsigned char *out);
/* Decode n bytes into s (overwritten), every amount multiplied by sign (+1 or -1).
 * Returns 0, or -1 when the blob is damaged (s then holds no amounts). */
int sampleblob_decode(const void *blob, size_t n, double sign, struct sample_counts *s);
/* Decode and add into acc (amounts times sign, buckets merged by bound): what window sums
 * and rollups do per row, without an intermediate struct. Returns 0, or -1 (nothing added)
 * when the blob is damaged. */
int sampleblob_add(const void *blob, size_t n, double sign, struct sample_counts *acc);
/* Buckets in the older stand-alone forms ('V'/'D' headed, or bare double pairs), added into
 * s; for migrating caches written before rows were packed. */
void sampleblob_legacy_buckets(const void *blob, size_t n, struct sample_counts *s);

#endif
