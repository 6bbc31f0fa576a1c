/* manifest_yaml.c: YAML scalar typing shared by the manifest reader and the emitter, and the
 * JSON -> YAML emitter used by `snapshot -o yaml` and the editor (see manifest.h).
 *
 * Typing follows the YAML 1.2 core schema, which is what the API server ends up with for typed
 * fields: plain true/false, null/~/empty, decimal/0x/0o integers and floats are typed;
 * everything quoted (or tagged !!str) stays a string. YAML 1.1 words (yes/no/on/off/y/n) and
 * leading-zero, underscored or sexagesimal numbers stay strings, since every field where an
 * operator writes them (label values, header values) is a string in the schema. The emitter
 * quotes any string that YAML 1.1 or 1.2 would read as something else, so its output reads
 * back the same here and in kubectl. */
#include "manifest_yaml.h"
#include "gammatop/buf.h"
#include "gammatop/manifest.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* ---- scalar typing ---- */

static bool all_digits(const char *s, const char *set)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

/* See manifest_yaml.h. */
json_t *manifest_yaml_plain(const char *s, size_t len)
{
	if (len == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if (strlen(s) != len || len > 64)
		return NULL;
	const char *p = s + (*s == '-' || *s == '+');
	errno = 0;
	char *end;
	if ((p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) && p == s &&
	    all_digits(p + 2, p[1] == 'x' ? "0123456789abcdefABCDEF" : "01234567")) {
		unsigned long long v = strtoull(p + 2, &end, p[1] == 'x' ? 16 : 8);
		return errno || v > INT64_MAX ? NULL : json_integer((json_int_t)v);
	}
	if (all_digits(p, "0123456789")) {
		if (p[0] == '0' && p[1])
			return NULL; /* leading zero: octal in YAML 1.1, decimal in 1.2: keep the text */
		long long v = strtoll(s, &end, 10);
		if (!errno)
			return json_integer(v);
		return json_real(strtod(s, NULL)); /* beyond 64 bits: a float, as Go would */
	}
	/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
	const char *q = p;
	size_t ip = strspn(q, "0123456789");
	q += ip;
	size_t fp = 0;
	if (*q == '.') {
		fp = strspn(q + 1, "0123456789");
		q += 1 + fp;
	}
	if (!ip && !fp)
		return NULL;
	if (*q == 'e' || *q == 'E') {
		q++;
		q += (*q == '-' || *q == '+');
		size_t ep = strspn(q, "0123456789");
		if (!ep)
			return NULL;
		q += ep;
	}
	if (*q || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	double d = strtod(s, &end);
	return isfinite(d) ? json_real(d) : NULL; /* .inf/.nan have no JSON form: strings */
}

/* See manifest_yaml.h. */
bool manifest_yaml_needs_quotes(const char *s)
{
	static const char *words[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null",
	                              "~", ".inf", "-.inf", "+.inf", ".nan", "<<", "="};
	if (!*s)
		return true;
	json_t *v = manifest_yaml_plain(s, strlen(s));
	if (v) {
		json_decref(v);
		return true;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	/* numbers in other notations: 0755, 1_000, 1:20 (sexagesimal), 0b101, 1e5 ... */
	if (strchr("0123456789+-.", s[0]) && all_digits(s, "0123456789_:.+-eExXoObBaAcCdDfF"))
		return true;
	return false;
}

/* ---- JSON -> YAML ---- */

static int emit_write(void *data, unsigned char *buffer, size_t size)
{
	buf_append(data, buffer, size);
	return 1;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t len, bool quote,
                       yaml_scalar_style_t style)
{
	yaml_event_t e;
	if (len > INT32_MAX)
		return 0;
	if (!yaml_scalar_event_initialize(&e, NULL, NULL, (const yaml_char_t *)s, (int)len, !quote,
	                                  1, style))
		return 0;
	return yaml_emitter_emit(em, &e);
}

static int emit_value(yaml_emitter_t *em, const json_t *j, int depth)
{
	yaml_event_t e;
	char num[64];
	if (depth > 1000)
		return 0;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &e))
			return 0;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			if (!emit_scalar(em, k, strlen(k), manifest_yaml_needs_quotes(k), YAML_ANY_SCALAR_STYLE) ||
			    !emit_value(em, v, depth + 1))
				return 0;
		}
		yaml_mapping_end_event_initialize(&e);
		return yaml_emitter_emit(em, &e);
	}
	case JSON_ARRAY: {
		yaml_sequence_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &e))
			return 0;
		for (size_t i = 0; i < json_array_size(j); i++)
			if (!emit_value(em, json_array_get(j, i), depth + 1))
				return 0;
		yaml_sequence_end_event_initialize(&e);
		return yaml_emitter_emit(em, &e);
	}
	case JSON_STRING: {
		const char *s = json_string_value(j);
		size_t len = json_string_length(j);
		bool multi = memchr(s, '\n', len) != NULL;
		return emit_scalar(em, s, len, strlen(s) != len || manifest_yaml_needs_quotes(s),
		                   multi ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
	}
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return emit_scalar(em, num, strlen(num), false, YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		snprintf(num, sizeof num, "%.17g", json_real_value(j));
		if (!strpbrk(num, ".e"))
			strcat(num, ".0");
		return emit_scalar(em, num, strlen(num), false, YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE: return emit_scalar(em, "true", 4, false, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE: return emit_scalar(em, "false", 5, false, YAML_PLAIN_SCALAR_STYLE);
	default: return emit_scalar(em, "null", 4, false, YAML_PLAIN_SCALAR_STYLE);
	}
}

/* See manifest.h. Strings that would read back as another type are single-quoted;
 * multi-line strings use literal block style when YAML allows it. NULL j gives "null\n". */
char *manifest_json_to_yaml(const json_t *j)
{
	struct buf out;
	buf_init(&out);
	yaml_emitter_t em;
	yaml_event_t e;
	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, emit_write, &out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	int ok = 1;
	yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
	ok = ok && yaml_emitter_emit(&em, &e);
	yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&em, &e);
	if (ok) {
		json_t *null = json_null();
		ok = emit_value(&em, j ? j : null, 0);
	}
	yaml_document_end_event_initialize(&e, 1);
	ok = ok && yaml_emitter_emit(&em, &e);
	yaml_stream_end_event_initialize(&e);
	ok = ok && yaml_emitter_emit(&em, &e);
	ok = ok && yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	if (!ok) {
		/* Only reachable with input no YAML can carry; say so rather than lose data. */
		buf_reset(&out);
		buf_puts(&out, "# gammatop: this document cannot be written as YAML\n");
	}
	return buf_steal(&out);
}
