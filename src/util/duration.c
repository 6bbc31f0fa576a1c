/* duration.c: GEP-2257 duration parsing, validation and formatting (see duration.h). */
#include "gammatop/duration.h"

#include <stdio.h>
#include <string.h>

static void seterr(char *err, size_t n, const char *s, const char *why)
{
	if (err && n)
		snprintf(err, n, "\"%.40s\": %s", s ? s : "", why);
}

int duration_parse(const char *s, uint64_t *ms, char *err, size_t errlen)
{
	if (!s || !*s) {
		seterr(err, errlen, s, "empty duration; write e.g. 0s, 500ms, 10s or 1m30s");
		return -1;
	}
	uint64_t total = 0;
	int components = 0;
	const char *p = s;
	while (*p) {
		if (*p < '0' || *p > '9') {
			seterr(err, errlen, s, *p == '-' ? "negative durations are not allowed"
			                                 : "expected a number before each unit (h, m, s, ms)");
			return -1;
		}
		uint64_t v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p - '0');
			if (++digits > 5) {
				seterr(err, errlen, s, "at most 5 digits per component (use a larger unit)");
				return -1;
			}
			p++;
		}
		uint64_t mul;
		if (p[0] == 'm' && p[1] == 's')
			mul = 1, p += 2;
		else if (*p == 'h')
			mul = 3600000, p++;
		else if (*p == 'm')
			mul = 60000, p++;
		else if (*p == 's')
			mul = 1000, p++;
		else if (*p == '.') {
			seterr(err, errlen, s, "fractions are not allowed; write e.g. 1s500ms");
			return -1;
		} else if (*p == '\0') {
			seterr(err, errlen, s, "missing unit; every number needs h, m, s or ms (e.g. 0s)");
			return -1;
		} else {
			seterr(err, errlen, s, "unknown unit; use h, m, s or ms");
			return -1;
		}
		if (++components > 4) {
			seterr(err, errlen, s, "at most 4 components (e.g. 1h2m3s4ms)");
			return -1;
		}
		total += v * mul;
	}
	if (ms)
		*ms = total;
	return 0;
}

bool duration_valid(const char *s) { return duration_parse(s, NULL, NULL, 0) == 0; }

char *duration_format(uint64_t ms, char *buf, size_t n)
{
	if (ms > DURATION_MAX_MS)
		ms = DURATION_MAX_MS;
	if (ms == 0) {
		snprintf(buf, n, "0s");
		return buf;
	}
	uint64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, r = ms % 1000;
	size_t o = 0;
	buf[0] = '\0';
#define PART(v, u)                                                                   \
	if ((v) && o < n)                                                            \
		o += (size_t)snprintf(buf + o, n - o, "%llu%s", (unsigned long long)(v), u);
	PART(h, "h")
	PART(m, "m")
	PART(s, "s")
	PART(r, "ms")
#undef PART
	return buf;
}

char *duration_human(uint64_t ms, char *buf, size_t n)
{
	if (ms < 1000)
		snprintf(buf, n, "%llums", (unsigned long long)ms);
	else if (ms < 60000 && ms % 1000)
		snprintf(buf, n, "%.1fs", (double)ms / 1000.0);
	else
		duration_format(ms, buf, n);
	return buf;
}
