/* selector.c: label selectors (equality and set based: a=b, a==b, a!=b, a, !a, a in (x,y),
 * a notin (x,y)) and field selectors (metadata.name, metadata.namespace) as LIST and WATCH
 * take them. A NULL object only checks the syntax. */
#include "config.h"
#include "sim.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool key_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' || c == '/';
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Read a key or value token into buf; returns the position after it. */
static const char *token(const char *p, char *buf, size_t cap)
{
	size_t n = 0;
	p = skip_ws(p);
	while (*p && key_char(*p)) {
		if (n + 1 < cap)
			buf[n++] = *p;
		p++;
	}
	buf[n] = '\0';
	return skip_ws(p);
}

static const char *label(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(obj, "metadata"),
	                                                         "labels"), key));
}

int selector_match(const char *sel, const json_t *obj, char *err, size_t errlen)
{
	const char *p = sel;
	bool all = true;
	char key[256], val[256];
	for (;;) {
		p = skip_ws(p);
		if (!*p)
			break;
		bool neg = false;
		if (*p == '!') {
			neg = true;
			p++;
		}
		p = token(p, key, sizeof key);
		if (!key[0]) {
			snprintf(err, errlen, "found '%c', expected: identifier", *p ? *p : ' ');
			return -1;
		}
		const char *have = obj ? label(obj, key) : NULL;
		bool ok;
		if (neg) {
			ok = have == NULL;
		} else if (*p == ',' || *p == '\0') {
			ok = have != NULL;
		} else if (p[0] == '=' || (p[0] == '!' && p[1] == '=')) {
			bool ne = p[0] == '!';
			p += (p[0] == '=' && p[1] == '=') || ne ? 2 : 1;
			p = token(p, val, sizeof val);
			ok = ne ? !(have && strcmp(have, val) == 0) : (have && strcmp(have, val) == 0);
		} else if (strncmp(p, "in", 2) == 0 || strncmp(p, "notin", 5) == 0) {
			bool notin = p[0] == 'n';
			p = skip_ws(p + (notin ? 5 : 2));
			if (*p != '(') {
				snprintf(err, errlen, "found '%c', expected: '('", *p ? *p : ' ');
				return -1;
			}
			p++;
			bool found = false;
			for (;;) {
				p = token(p, val, sizeof val);
				if (have && strcmp(have, val) == 0)
					found = true;
				if (*p == ',') {
					p++;
					continue;
				}
				if (*p == ')') {
					p++;
					break;
				}
				snprintf(err, errlen, "found '%c', expected: ',' or ')'", *p ? *p : ' ');
				return -1;
			}
			ok = notin ? !found : found;
		} else {
			snprintf(err, errlen, "found '%c', expected: '=', '!=', '==', 'in', notin'", *p);
			return -1;
		}
		if (!ok)
			all = false;
		p = skip_ws(p);
		if (*p == ',')
			p++;
		else if (*p) {
			snprintf(err, errlen, "found '%c', expected: ','", *p);
			return -1;
		}
	}
	return all ? 1 : 0;
}

int field_selector_match(const char *sel, const json_t *obj, char *err, size_t errlen)
{
	char copy[1024];
	bool all = true;
	if (strlen(sel) >= sizeof copy) {
		snprintf(err, errlen, "field selector is too long");
		return -1;
	}
	snprintf(copy, sizeof copy, "%s", sel);
	char *save = NULL;
	for (char *req = strtok_r(copy, ",", &save); req; req = strtok_r(NULL, ",", &save)) {
		char *op = strstr(req, "!=");
		bool ne = op != NULL;
		size_t oplen = 2;
		if (!op) {
			op = strstr(req, "==");
			if (!op) {
				op = strchr(req, '=');
				oplen = 1;
			}
		}
		if (!op) {
			snprintf(err, errlen, "invalid field selector: '%s'", req);
			return -1;
		}
		*op = '\0';
		const char *field = req, *want = op + oplen;
		const char *have;
		if (strcmp(field, "metadata.name") == 0)
			have = obj ? meta_str(obj, "name") : NULL;
		else if (strcmp(field, "metadata.namespace") == 0)
			have = obj ? meta_str(obj, "namespace") : NULL;
		else if (events_field(obj, field, &have))
			; /* an Event's own field labels */
		else {
			snprintf(err, errlen, "field label not supported: %s", field);
			return -1;
		}
		bool eq = have ? strcmp(have, want) == 0 : want[0] == '\0';
		if (eq == ne)
			all = false;
	}
	return all ? 1 : 0;
}
