/* yamlout.c: write a JSON document as YAML with libyaml, every string value double-quoted
 * (see yamlout.h for why), through a filter that escapes C1 and bidirectional controls. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "gammatop/buf.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"
#include "gammatop/yamlout.h"

#define YAMLOUT_MAX_DEPTH 512

/* The output filter. libyaml writes a C1 control in a double-quoted scalar as \xXX (NEL as
 * \N) and leaves the bidirectional controls raw (to YAML they are printable). This makes
 * every \xXX and \N a \u00xx and every raw bidi control a \uXXXX (str_json_escape), so
 * that the YAML and JSON outputs escape alike and none reaches a terminal raw. Every string
 * is double-quoted (value() below; keys are plain only when ASCII letters and digits), so
 * these only ever stand inside a double-quoted scalar, where \u means the same character. */
enum { F_TEXT, F_ESC, F_HEX };

struct yfilter {
	FILE *f;        /* the destination, or */
	struct buf *b;  /* this buffer */
	int state;
	char hex[2];
	int nhex;
	char seq[5];    /* a UTF-8 sequence (it may be split across two writes) */
	size_t nseq, need;
	bool failed;
};

static void put(struct yfilter *y, const char *s, size_t n)
{
	if (y->b)
		buf_append(y->b, s, n);
	else if (n && fwrite(s, 1, n, y->f) != n)
		y->failed = true;
}

static void filter_byte(struct yfilter *y, unsigned char c)
{
	if (y->nseq) { /* inside a multi-byte character */
		y->seq[y->nseq++] = (char)c;
		if (y->nseq < y->need)
			return;
		y->seq[y->nseq] = '\0';
		unsigned char lead = (unsigned char)y->seq[0];
		if (lead == 0xC2 || lead == 0xD8 || lead == 0xE2) { /* C1, U+061C, U+20xx */
			char *e = str_json_escape(y->seq);
			put(y, e, strlen(e));
			free(e);
		} else {
			put(y, y->seq, y->nseq);
		}
		y->nseq = 0;
		return;
	}
	if (y->state == F_ESC) {
		y->state = F_TEXT;
		if (c == 'x') {
			y->state = F_HEX, y->nhex = 0;
		} else if (c == 'N') {
			put(y, "u0085", 5);
		} else {
			put(y, (const char *)&c, 1);
		}
		return;
	}
	if (y->state == F_HEX) {
		y->hex[y->nhex++] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
		if (y->nhex == 2) {
			put(y, "u00", 3);
			put(y, y->hex, 2);
			y->state = F_TEXT;
		}
		return;
	}
	if (c == '\\')
		y->state = F_ESC;
	if (c >= 0xC0 && c < 0xF8) {
		y->need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		y->seq[0] = (char)c;
		y->nseq = 1;
		return;
	}
	put(y, (const char *)&c, 1);
}

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
	struct yfilter *y = data;
	size_t i = 0;
	while (i < size) {
		if (y->state == F_TEXT && !y->nseq) { /* a run of plain ASCII: as it is */
			size_t j = i;
			while (j < size && buffer[j] != '\\' && buffer[j] < 0x80)
				j++;
			put(y, (const char *)buffer + i, j - i);
			if ((i = j) == size)
				break;
		}
		filter_byte(y, buffer[i++]);
	}
	return !y->failed;
}

static int scalar(yaml_emitter_t *em, const char *s, size_t len, yaml_scalar_style_t style)
{
	yaml_event_t e;
	bool plain = style == YAML_PLAIN_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&e, NULL, NULL, (yaml_char_t *)s, (int)len, plain,
	                                  !plain, style))
		return 0;
	return yaml_emitter_emit(em, &e);
}

/* Keys of the schema (camelCase words) stay plain; anything else is quoted. */
static bool plain_key(const char *k)
{
	if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')))
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	static const char *const words[] = {"y", "n", "yes", "no", "on", "off", "true", "false",
	                                    "null"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcasecmp(k, words[i]))
			return false;
	return true;
}

static int value(yaml_emitter_t *em, const json_t *j, int depth)
{
	yaml_event_t e;
	char num[64];
	if (depth > YAMLOUT_MAX_DEPTH)
		return 0;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		if (!yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &e))
			return 0;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			if (!scalar(em, k, strlen(k),
			            plain_key(k) ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE) ||
			    !value(em, v, depth + 1))
				return 0;
		}
		yaml_mapping_end_event_initialize(&e);
		return yaml_emitter_emit(em, &e);
	}
	case JSON_ARRAY: {
		if (!yaml_sequence_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &e))
			return 0;
		for (size_t i = 0; i < json_array_size(j); i++)
			if (!value(em, json_array_get(j, i), depth + 1))
				return 0;
		yaml_sequence_end_event_initialize(&e);
		return yaml_emitter_emit(em, &e);
	}
	case JSON_STRING:
		return scalar(em, json_string_value(j), json_string_length(j),
		              YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		snprintf(num, sizeof num, "%.17g", json_real_value(j));
		if (!strpbrk(num, ".eEn")) /* keep it a float: 2 -> 2.0 ("nan"/"inf" never occur) */
			strcat(num, ".0");
		return scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE: return scalar(em, "true", 4, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE: return scalar(em, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	default: return scalar(em, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	}
}

struct yamlout {
	yaml_emitter_t em;
	struct yfilter out;
	int ok;              /* 0 after the first failure */
	const char *problem; /* libyaml's static message, kept past yaml_emitter_delete */
};

static void start(struct yamlout *y)
{
	yaml_event_t e;
	yaml_emitter_set_unicode(&y->em, 1);
	yaml_emitter_set_width(&y->em, -1);
	yaml_emitter_set_indent(&y->em, 2);
	y->ok = yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING) &&
	        yaml_emitter_emit(&y->em, &e) &&
	        yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1) &&
	        yaml_emitter_emit(&y->em, &e);
}

static int finish(struct yamlout *y)
{
	yaml_event_t e;
	if (y->ok)
		y->ok = yaml_document_end_event_initialize(&e, 1) && yaml_emitter_emit(&y->em, &e) &&
		        yaml_stream_end_event_initialize(&e) && yaml_emitter_emit(&y->em, &e) &&
		        yaml_emitter_flush(&y->em);
	int ok = y->ok;
	y->problem = y->em.problem;
	yaml_emitter_delete(&y->em);
	return ok;
}

struct yamlout *yamlout_new(FILE *f)
{
	struct yamlout *y = xcalloc(1, sizeof *y);
	yaml_emitter_initialize(&y->em);
	y->out.f = f;
	yaml_emitter_set_output(&y->em, write_cb, &y->out);
	start(y);
	return y;
}

void yamlout_map_begin(struct yamlout *y)
{
	yaml_event_t e;
	y->ok = y->ok &&
	        yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) &&
	        yaml_emitter_emit(&y->em, &e);
}

void yamlout_map_end(struct yamlout *y)
{
	yaml_event_t e;
	y->ok = y->ok && yaml_mapping_end_event_initialize(&e) && yaml_emitter_emit(&y->em, &e);
}

void yamlout_seq_begin(struct yamlout *y)
{
	yaml_event_t e;
	y->ok = y->ok &&
	        yaml_sequence_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) &&
	        yaml_emitter_emit(&y->em, &e);
}

void yamlout_seq_end(struct yamlout *y)
{
	yaml_event_t e;
	y->ok = y->ok && yaml_sequence_end_event_initialize(&e) && yaml_emitter_emit(&y->em, &e);
}

void yamlout_key(struct yamlout *y, const char *key)
{
	y->ok = y->ok && scalar(&y->em, key, strlen(key),
	                        plain_key(key) ? YAML_PLAIN_SCALAR_STYLE
	                                       : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

void yamlout_value(struct yamlout *y, const json_t *v)
{
	y->ok = y->ok && value(&y->em, v ? v : json_null(), 1);
}

int yamlout_finish(struct yamlout *y, char *err, size_t errlen)
{
	int ok = finish(y);
	if (!ok)
		snprintf(err, errlen, "cannot write the YAML document%s%s", y->problem ? ": " : "",
		         y->problem ? y->problem : "");
	free(y);
	return ok ? 0 : -1;
}

char *yamlout_json(const json_t *j)
{
	struct buf out;
	buf_init(&out);
	struct yamlout y;
	memset(&y, 0, sizeof y);
	yaml_emitter_initialize(&y.em);
	y.out.b = &out;
	yaml_emitter_set_output(&y.em, write_cb, &y.out);
	start(&y);
	yamlout_value(&y, j);
	if (!finish(&y)) {
		buf_done(&out);
		return NULL;
	}
	return buf_steal(&out);
}
