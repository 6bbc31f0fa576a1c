/* figfmt.c: figure formatting and health thresholds for the console (see figfmt.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gammatop/figfmt.h"
#include "gammatop/figures.h"

/* The console's texts are telemetry's one format (figures_format). */
char *figfmt_percent(double r, char *buf, size_t n)
{
	return figures_format(FIG_SUCCESS, r, buf, n);
}

char *figfmt_rate(double v, char *buf, size_t n)
{
	return figures_format(FIG_RPS, v, buf, n);
}

char *figfmt_ms(double ms, char *buf, size_t n)
{
	return figures_format(FIG_P95, ms, buf, n);
}

enum theme_elem figfmt_timeout_elem(double r)
{
	if (isnan(r))
		return THEME_DIM;
	return r >= 0.05 ? THEME_ERROR : r >= 0.01 ? THEME_WARN : THEME_OK;
}

enum theme_elem figfmt_retry_elem(double r)
{
	if (isnan(r))
		return THEME_DIM;
	return r >= 0.20 ? THEME_ERROR : r >= 0.05 ? THEME_WARN : THEME_OK;
}

enum theme_elem figfmt_success_elem(double r)
{
	if (isnan(r))
		return THEME_DIM;
	return r < 0.95 ? THEME_ERROR : r < 0.99 ? THEME_WARN : THEME_OK;
}

char *figfmt_spark(const double *v, size_t n, bool ascii, char *buf, size_t size)
{
	static const char *const bars[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
	};
	static const char ascii_bars[] = ".:-=+*#@";
	if (!size)
		return buf;
	buf[0] = '\0';
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]) && v[i] > max)
			max = v[i];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = " ";
		char one[2] = {0, 0};
		if (!isnan(v[i])) {
			int k = max > 0 ? (int)lround(v[i] / max * 7) : 0;
			k = k < 0 ? 0 : k > 7 ? 7 : k;
			if (ascii)
				one[0] = ascii_bars[k], s = one;
			else
				s = bars[k];
		}
		size_t sl = strlen(s);
		if (len + sl + 1 > size)
			break;
		memcpy(buf + len, s, sl);
		len += sl;
	}
	buf[len] = '\0';
	return buf;
}
