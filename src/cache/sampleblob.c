/* sampleblob.c: packing a sample row's amounts and histogram into one blob and back.
 * Layout: 'S', varint have, kinds byte (bit i: value i is a double, values 0..7 = seconds and
 * the amounts below SC_LATENCY), a second kinds byte only when have has a bit above
 * SC_LATENCY (values 8.. = the amounts after it), the present values, then the histogram.
 * Blobs written before those amounts existed have no such bit and read the same. */
#include "config.h"

#include "gammatop/sampleblob.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MAGIC 'S'
#define N_VALUES SC_N /* seconds, the amounts below SC_LATENCY, then those after it */
#define HIGH_BITS (~0u << (SC_LATENCY + 1)) /* have bits of amounts after SC_LATENCY */

/* The component stored as value i (i >= 1). */
static int comp_of(int i) { return i <= SC_LATENCY ? i - 1 : i; }

static size_t put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;
	do {
		p[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		unsigned char b = *(*p)++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

static bool whole(double v)
{
	return v == floor(v) && fabs(v) < 4e18;
}

size_t sampleblob_encode(const struct sample_counts *s, unsigned char *out)
{
	size_t len = 0;
	out[len++] = MAGIC;
	len += put_varint(out + len, s->have);
	double vals[N_VALUES];
	bool present[N_VALUES];
	vals[0] = s->seconds;
	present[0] = true;
	for (int i = 1; i < N_VALUES; i++) {
		vals[i] = s->v[comp_of(i)];
		present[i] = (s->have & SC_BIT(comp_of(i))) != 0;
	}
	unsigned kinds = 0; /* bit i: value i is a double */
	for (int i = 0; i < N_VALUES; i++)
		if (present[i] && !whole(vals[i]))
			kinds |= 1u << i;
	out[len++] = (unsigned char)(kinds & 0xff);
	if (s->have & HIGH_BITS)
		out[len++] = (unsigned char)(kinds >> 8);
	for (int i = 0; i < N_VALUES; i++) {
		if (!present[i])
			continue;
		if (kinds & (1u << i)) {
			memcpy(out + len, &vals[i], sizeof(double));
			len += sizeof(double);
		} else {
			int64_t w = (int64_t)vals[i];
			len += put_varint(out + len, ((uint64_t)w << 1) ^ (uint64_t)(w >> 63));
		}
	}
	unsigned n = s->n_buckets;
	out[len++] = (unsigned char)n;
	if (!n)
		return len;
	bool compact = true;
	for (unsigned i = 0; i < n && compact; i++)
		compact = (double)(float)s->le[i] == s->le[i] && whole(s->bucket[i]) &&
		          s->bucket[i] >= (i ? s->bucket[i - 1] : 0);
	out[len++] = compact ? 'V' : 'D';
	for (unsigned i = 0; i < n; i++) {
		if (compact) {
			float le = (float)s->le[i];
			memcpy(out + len, &le, sizeof le);
			len += sizeof le;
		} else {
			memcpy(out + len, &s->le[i], sizeof(double));
			memcpy(out + len + sizeof(double), &s->bucket[i], sizeof(double));
			len += 2 * sizeof(double);
		}
	}
	if (compact) {
		uint64_t last = 0;
		for (unsigned i = 0; i < n; i++) {
			len += put_varint(out + len, (uint64_t)s->bucket[i] - last);
			last = (uint64_t)s->bucket[i];
		}
	}
	return len;
}

/* A decoded row, before it is stored anywhere. */
struct parsed {
	uint64_t have;
	double vals[N_VALUES];
	unsigned nb;
	double le[SAMPLES_MAX_BUCKETS], cnt[SAMPLES_MAX_BUCKETS];
};

static int parse(const void *blob, size_t n, struct parsed *r)
{
	const unsigned char *p = blob, *end = p + n;
	if (!blob || n < 3 || *p++ != MAGIC || get_varint(&p, end, &r->have) < 0 || p >= end)
		return -1;
	unsigned kinds = *p++;
	if (r->have & HIGH_BITS) {
		if (p >= end)
			return -1;
		kinds |= (unsigned)*p++ << 8;
	}
	for (int i = 0; i < N_VALUES; i++) {
		r->vals[i] = 0;
		if (i > 0 && !(r->have & SC_BIT(comp_of(i))))
			continue;
		if (kinds & (1u << i)) {
			if (end - p < (long)sizeof(double))
				return -1;
			memcpy(&r->vals[i], p, sizeof(double));
			p += sizeof(double);
		} else {
			uint64_t z;
			if (get_varint(&p, end, &z) < 0)
				return -1;
			r->vals[i] = (double)(int64_t)((z >> 1) ^ (~(z & 1) + 1));
		}
	}
	if (p >= end)
		return -1;
	unsigned nb = *p++;
	if (nb > SAMPLES_MAX_BUCKETS)
		return -1;
	r->nb = 0;
	if (!nb)
		return 0;
	if (p >= end)
		return -1;
	unsigned char fmt = *p++;
	if (fmt == 'D') {
		if ((size_t)(end - p) < nb * 2 * sizeof(double))
			return -1;
		for (unsigned i = 0; i < nb; i++, p += 2 * sizeof(double)) {
			memcpy(&r->le[i], p, sizeof(double));
			memcpy(&r->cnt[i], p + sizeof(double), sizeof(double));
		}
	} else if (fmt == 'V') {
		if ((size_t)(end - p) < nb * sizeof(float))
			return -1;
		const unsigned char *q = p + nb * sizeof(float);
		uint64_t cum = 0;
		for (unsigned i = 0; i < nb; i++) {
			float le;
			uint64_t d;
			memcpy(&le, p + i * sizeof le, sizeof le);
			if (get_varint(&q, end, &d) < 0)
				return -1;
			cum += d;
			r->le[i] = le;
			r->cnt[i] = (double)cum;
		}
	} else {
		return -1;
	}
	for (unsigned i = 1; i < nb; i++) /* bounds must ascend: merging relies on it */
		if (!(r->le[i] > r->le[i - 1]))
			return -1;
	r->nb = nb;
	return 0;
}

int sampleblob_decode(const void *blob, size_t n, double sign, struct sample_counts *s)
{
	struct parsed r;
	s->n_buckets = 0;
	if (parse(blob, n, &r) < 0) {
		s->seconds = 0;
		memset(s->v, 0, sizeof s->v);
		s->have = 0;
		return -1;
	}
	s->have = (unsigned)r.have;
	s->seconds = sign * r.vals[0];
	memset(s->v, 0, sizeof s->v);
	for (int i = 1; i < N_VALUES; i++)
		s->v[comp_of(i)] = sign * r.vals[i];
	for (unsigned i = 0; i < r.nb; i++) {
		s->le[i] = r.le[i];
		s->bucket[i] = sign * r.cnt[i];
	}
	s->n_buckets = r.nb;
	return 0;
}

int sampleblob_add(const void *blob, size_t n, double sign, struct sample_counts *acc)
{
	struct parsed r;
	if (parse(blob, n, &r) < 0)
		return -1;
	acc->have |= (unsigned)r.have;
	acc->seconds += sign * r.vals[0];
	for (int i = 1; i < N_VALUES; i++)
		acc->v[comp_of(i)] += sign * r.vals[i];
	if (acc->n_buckets == r.nb && !memcmp(acc->le, r.le, r.nb * sizeof r.le[0])) {
		for (unsigned i = 0; i < r.nb; i++)
			acc->bucket[i] += sign * r.cnt[i];
	} else {
		for (unsigned i = 0; i < r.nb; i++)
			samples_counts_bucket(acc, r.le[i], sign * r.cnt[i]);
	}
	return 0;
}

void sampleblob_legacy_buckets(const void *blob, size_t n, struct sample_counts *s)
{
	const unsigned char *p = blob;
	if (!blob || n < 2)
		return;
	if ((p[0] == 'V' || p[0] == 'D') && p[1] <= SAMPLES_MAX_BUCKETS) {
		unsigned nb = p[1];
		unsigned char tmp[SAMPLEBLOB_MAX];
		/* the same bucket section as a packed blob's: rebuild one around it */
		size_t len = 0;
		tmp[len++] = MAGIC;
		tmp[len++] = 0; /* have */
		tmp[len++] = 0; /* kinds */
		tmp[len++] = 0; /* seconds: varint 0 */
		tmp[len++] = (unsigned char)nb;
		if (nb && n - 2 <= sizeof tmp - len - 1) {
			tmp[len++] = p[0];
			memcpy(tmp + len, p + 2, n - 2);
			len += n - 2;
		}
		struct sample_counts one;
		if (sampleblob_decode(tmp, len, 1, &one) == 0)
			for (unsigned i = 0; i < one.n_buckets; i++)
				samples_counts_bucket(s, one.le[i], one.bucket[i]);
		return;
	}
	for (size_t i = 0; i + 16 <= n; i += 16) { /* bare (le, count) double pairs */
		double le, v;
		memcpy(&le, p + i, sizeof le);
		memcpy(&v, p + i + 8, sizeof v);
		samples_counts_bucket(s, le, v);
	}
}
