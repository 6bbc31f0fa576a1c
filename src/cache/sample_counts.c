/* sample_counts.c: the arithmetic of struct sample_counts (samples.h): adding two intervals'
 * amounts and histograms, and putting observations into a bucket by upper bound. */
#include "config.h"

#include <string.h>

#include "gammatop/samples.h"

void samples_counts_bucket(struct sample_counts *a, double le, double count)
{
	unsigned i = 0;
	while (i < a->n_buckets && a->le[i] < le)
		i++;
	if (i < a->n_buckets && a->le[i] == le) {
		a->bucket[i] += count;
		return;
	}
	if (a->n_buckets == SAMPLES_MAX_BUCKETS) {
		a->bucket[i < a->n_buckets ? i : a->n_buckets - 1] += count;
		return;
	}
	memmove(&a->le[i + 1], &a->le[i], (a->n_buckets - i) * sizeof a->le[0]);
	memmove(&a->bucket[i + 1], &a->bucket[i], (a->n_buckets - i) * sizeof a->bucket[0]);
	a->le[i] = le;
	a->bucket[i] = count;
	a->n_buckets++;
}

void samples_counts_add(struct sample_counts *a, const struct sample_counts *b)
{
	a->seconds += b->seconds;
	for (int i = 0; i < SC_N; i++)
		a->v[i] += b->v[i];
	a->have |= b->have;
	if (a->n_buckets == b->n_buckets &&
	    !memcmp(a->le, b->le, a->n_buckets * sizeof a->le[0])) {
		for (unsigned i = 0; i < b->n_buckets; i++)
			a->bucket[i] += b->bucket[i];
		return;
	}
	for (unsigned i = 0; i < b->n_buckets; i++)
		samples_counts_bucket(a, b->le[i], b->bucket[i]);
}
