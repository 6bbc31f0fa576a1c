/* str.c: string helpers and the terminal sanitiser for untrusted text (see str.h). */
#include "gammatop/str.h"
#include "gammatop/buf.h"
#include "gammatop/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

size_t str_copy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);
	if (n) {
		size_t c = len < n - 1 ? len : n - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_empty(const char *s) { return !s || !*s; }

bool str_starts(const char *s, const char *p) { return s && strncmp(s, p, strlen(p)) == 0; }

bool str_ends(const char *s, const char *suffix)
{
	if (!s)
		return false;
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

const char *str_or(const char *s, const char *fallback) { return str_empty(s) ? fallback : s; }

/* Decode one UTF-8 sequence at s (len bytes left). Returns its length, or 0 when invalid;
 * *cp receives the code point. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n;
	uint32_t c, min;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, c = s[0] & 0x1F, min = 0x80;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, c = s[0] & 0x0F, min = 0x800;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x61C ||
	       cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

char *str_sanitize_into(char *dst, size_t n, const char *s)
{
	if (!n)
		return dst;
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p);
	while (*p) {
		if (*p >= 0x20 && *p < 0x7F) { /* printable ASCII (most text): as it is */
			if (o + 1 >= n)
				break;
			dst[o++] = (char)*p++;
			len--;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p, len, &cp);
		if (k == 0 || is_control(cp)) {
			if (o + 1 >= n)
				break;
			dst[o++] = (k && cp == '\t') ? ' ' : '?';
			k = k ? k : 1;
		} else {
			if (o + k >= n)
				break;
			memcpy(dst + o, p, k);
			o += k;
		}
		p += k;
		len -= k;
	}
	dst[o] = '\0';
	return dst;
}

char *str_sanitize(const char *s)
{
	size_t n = (s ? strlen(s) : 0) + 1;
	return str_sanitize_into(xmalloc(n), n, s);
}

bool str_is_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	while (*p) {
		uint32_t cp;
		size_t k = utf8_decode(p, len, &cp);
		if (!k || is_control(cp))
			return false;
		p += k;
		len -= k;
	}
	return true;
}

/* Hidden from a terminal but left raw by a JSON serialiser: DEL, C1, bidi controls. */
static bool json_hidden(uint32_t cp) { return cp >= 0x7F && is_control(cp); }

char *str_json_escape(const char *json)
{
	const unsigned char *p = (const unsigned char *)(json ? json : "");
	size_t len = strlen((const char *)p);
	struct buf b;
	buf_init(&b);
	const unsigned char *run = p; /* start of bytes not yet copied */
	while (*p) {
		if (*p < 0x7F) {
			p++, len--;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p, len, &cp);
		if (k && json_hidden(cp)) {
			buf_append(&b, run, (size_t)(p - run));
			buf_printf(&b, "\\u%04x", (unsigned)cp);
			run = p + k;
		}
		k = k ? k : 1;
		p += k, len -= k;
	}
	buf_append(&b, run, (size_t)(p - run));
	return buf_steal(&b);
}

char *str_escape_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p);
	struct buf b;
	buf_init(&b);
	while (*p) {
		uint32_t cp;
		size_t k = utf8_decode(p, len, &cp);
		if (!k)
			buf_putc(&b, '?'), k = 1;
		else if (is_control(cp))
			buf_printf(&b, "\\u%04x", (unsigned)cp);
		else
			buf_append(&b, p, k);
		p += k, len -= k;
	}
	return buf_steal(&b);
}

static int cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int str_width(const char *s)
{
	int w = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p);
	while (*p) {
		uint32_t cp;
		size_t k = utf8_decode(p, len, &cp);
		if (!k || is_control(cp))
			w += 1, k = k ? k : 1;
		else
			w += cp_width(cp);
		p += k;
		len -= k;
	}
	return w;
}

int str_fit(char *dst, size_t n, const char *s, int cols, bool ascii)
{
	if (!n)
		return 0;
	dst[0] = '\0';
	if (cols <= 0)
		return 0;
	char *clean = str_sanitize(s);
	int total = str_width(clean);
	const char *ell = ascii ? "~" : "\xe2\x80\xa6";
	size_t ell_len = strlen(ell);
	int budget = total <= cols ? cols : cols - 1;
	size_t o = 0;
	int w = 0;
	const unsigned char *p = (const unsigned char *)clean;
	size_t len = strlen(clean);
	while (*p) {
		uint32_t cp;
		size_t k = utf8_decode(p, len, &cp);
		int cw = cp_width(cp);
		if (w + cw > budget || o + k + ell_len + 1 > n)
			break;
		memcpy(dst + o, p, k);
		o += k, w += cw, p += k, len -= k;
	}
	if (*p && o + ell_len < n) {
		memcpy(dst + o, ell, ell_len);
		o += ell_len;
		w += 1;
	}
	dst[o] = '\0';
	free(clean);
	return w;
}

char **str_split(const char *s, char sep, size_t *count)
{
	size_t n = 0, cap = 4;
	char **out = xcalloc(cap, sizeof *out);
	const char *p = s ? s : "";
	while (*p) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (n + 2 > cap) {
			cap *= 2;
			out = xreallocarray(out, cap, sizeof *out);
		}
		out[n++] = xstrndup(p, len);
		if (!e)
			break;
		p = e + 1;
	}
	out[n] = NULL;
	if (count)
		*count = n;
	return out;
}

void str_list_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

void str_errf(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
