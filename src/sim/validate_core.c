/* validate_core.c: what the API server does to the core kinds the sim serves: Namespace and
 * Service defaults (finalizers, ClusterIP, port protocol/targetPort), Service port ranges, and
 * Secrets and ConfigMaps as k8s.io/kubernetes pkg/apis/core/validation (v1.32) treats them:
 * stringData folded into data (base64) and dropped, type Opaque by default, keys of the
 * form [-._a-zA-Z0-9]+, base64 data, kubernetes.io/tls needing tls.crt and tls.key, a
 * 1 MiB size limit, an immutable type and the `immutable` flag. Secret values never appear in
 * a message. */
#include "config.h"
#include "validate_int.h"

#include "gammatop/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const char *s, size_t n)
{
	char *out = xmalloc(n / 3 * 4 + 5);
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* Go's base64.StdEncoding (padding required, \r and \n skipped): the decoded length, or -1
 * with *bad the offset of the first illegal byte. */
static long b64_check(const char *s, size_t *bad)
{
	size_t n = 0, pad = 0, i;
	for (i = 0; s[i]; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (s[i] == '=') {
			pad++;
			if (pad > 2) {
				*bad = i;
				return -1;
			}
			n++;
			continue;
		}
		if (pad || !strchr(b64, s[i])) {
			*bad = i;
			return -1;
		}
		n++;
	}
	if (n % 4) {
		*bad = i; /* truncated: Go reports the end of the input */
		return -1;
	}
	return (long)(n / 4 * 3 - pad);
}

char *validate_core_b64_decode(const char *s, size_t *len)
{
	size_t bad;
	long n = b64_check(s, &bad);
	if (n < 0)
		return NULL;
	char *out = xmalloc((size_t)n + 1);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (const char *p = s; *p && *p != '='; p++) {
		const char *q = strchr(b64, *p);
		if (!q || !*p)
			continue; /* \r, \n */
		acc = acc << 6 | (uint32_t)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
}

static void set_default(json_t *o, const char *key, json_t *v)
{
	if (!json_object_get(o, key))
		json_object_set_new(o, key, v);
	else
		json_decref(v);
}

static void service_defaults(json_t *obj, json_t *spec)
{
	set_default(spec, "type", json_string("ClusterIP"));
	if (!json_object_get(spec, "clusterIP")) {
		unsigned h = 2166136261u;
		for (const char *p = meta_str(obj, "namespace"); p && *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		for (const char *p = meta_str(obj, "name"); p && *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		char ip[32];
		snprintf(ip, sizeof ip, "10.96.%u.%u", (h >> 8) % 256, h % 254 + 1);
		json_object_set_new(spec, "clusterIP", json_string(ip));
		json_object_set_new(spec, "clusterIPs", json_pack("[s]", ip));
	}
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		if (!json_is_object(p))
			continue;
		set_default(p, "protocol", json_string("TCP"));
		if (json_is_integer(json_object_get(p, "port")))
			set_default(p, "targetPort", json_integer(json_integer_value(json_object_get(p, "port"))));
	}
}

/* Secret: stringData wins over data for the same key and is never stored. */
static void secret_defaults(json_t *obj)
{
	json_t *sd = json_object_get(obj, "stringData");
	if (json_is_object(sd)) {
		json_t *data = json_object_get(obj, "data");
		if (!json_is_object(data)) {
			data = json_object();
			json_object_set_new(obj, "data", data);
		}
		const char *k;
		json_t *v;
		json_object_foreach(sd, k, v) {
			if (!json_is_string(v))
				continue;
			char *enc = b64_encode(json_string_value(v), json_string_length(v));
			json_object_set_new(data, k, json_string(enc));
			free(enc);
		}
	}
	if (sd && json_is_object(sd))
		json_object_del(obj, "stringData");
	set_default(obj, "type", json_string("Opaque"));
}

void validate_core_defaults(enum sim_res r, json_t *obj)
{
	if (r == RES_SECRET) {
		secret_defaults(obj);
		return;
	}
	if (r != RES_SERVICE && r != RES_NAMESPACE)
		return;
	json_t *spec = json_object_get(obj, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	if (r == RES_SERVICE)
		service_defaults(obj, spec);
	else
		set_default(spec, "finalizers", json_pack("[s]", "kubernetes"));
}

/* IsConfigMapKey: [-._a-zA-Z0-9]+, at most 253 characters, not "." or "..". */
static bool config_key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 253 || strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '-' && k[i] != '.' && k[i] != '_')
			return false;
	return true;
}

static void bad_key(struct sch_ctx *c, const char *map, const char *k)
{
	char f[400];
	snprintf(f, sizeof f, "%s[%s]", map, k);
	json_t *v = json_string(k);
	if (!config_key_ok(k) && strlen(k) > 253)
		schema_invalid(c, f, v, "must be no more than 253 characters");
	else
		schema_invalid(c, f, v, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
	json_decref(v);
}

/* data (base64) or binaryData: keys, encoding, size; the decoded bytes are added to *total. */
static void check_map(struct sch_ctx *c, const json_t *m, const char *name, bool base64, size_t *total)
{
	const char *k;
	json_t *v;
	if (!m)
		return;
	if (!json_is_object(m)) {
		schema_add(c, "FieldValueTypeInvalid", name, "Invalid value: \"%s\": %s must be an object", schema_type_name(m), name);
		return;
	}
	json_object_foreach((json_t *)m, k, v) {
		char f[400];
		snprintf(f, sizeof f, "%s[%s]", name, k);
		if (!config_key_ok(k))
			bad_key(c, name, k);
		if (!json_is_string(v)) {
			schema_add(c, "FieldValueTypeInvalid", f, "Invalid value: \"%s\": must be a string", schema_type_name(v));
			continue;
		}
		if (!base64) {
			*total += json_string_length(v);
			continue;
		}
		size_t bad = 0;
		long len = b64_check(json_string_value(v), &bad);
		if (len < 0)
			schema_add(c, "FieldValueInvalid", f, "Invalid value: \"<value omitted>\": illegal base64 data at input byte %zu", bad);
		else
			*total += (size_t)len;
	}
}

static void immutability(struct sch_ctx *c, const json_t *obj, const json_t *old, bool secret)
{
	if (!old)
		return;
	if (secret && !json_same(json_object_get(obj, "type"), json_object_get(old, "type"))) {
		json_t *t = json_object_get(obj, "type");
		schema_invalid(c, "type", t, "field is immutable");
	}
	if (json_is_true(json_object_get(old, "immutable"))) {
		if (!json_same(json_object_get(obj, "data"), json_object_get(old, "data")))
			schema_add(c, "FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set");
		if (!secret && !json_same(json_object_get(obj, "binaryData"), json_object_get(old, "binaryData")))
			schema_add(c, "FieldValueForbidden", "binaryData", "Forbidden: field is immutable when `immutable` is set");
		if (!json_is_true(json_object_get(obj, "immutable")))
			schema_add(c, "FieldValueForbidden", "immutable", "Forbidden: field is immutable when `immutable` is set");
	}
}

void validate_core_check(struct sch_ctx *c, enum sim_res r, const json_t *obj, const json_t *old)
{
	size_t total = 0;
	if (r == RES_SERVICE) {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(json_object_get(obj, "spec"), "ports"), i, p) {
			const json_t *port = json_object_get(p, "port");
			char f[64];
			snprintf(f, sizeof f, "spec.ports[%zu].port", i);
			if (port && !json_is_integer(port))
				schema_add(c, "FieldValueTypeInvalid", f, "Invalid value: \"%s\": must be an integer", schema_type_name(port));
			else if (port && (json_integer_value(port) < 1 || json_integer_value(port) > 65535))
				schema_add(c, "FieldValueInvalid", f, "Invalid value: %lld: must be between 1 and 65535, inclusive",
				        (long long)json_integer_value(port));
		}
	} else if (r == RES_SECRET) {
		const json_t *data = json_object_get(obj, "data");
		check_map(c, data, "data", true, &total);
		const char *type = json_str(obj, "type");
		if (type && strcmp(type, "kubernetes.io/tls") == 0) {
			if (!json_object_get(data, "tls.crt"))
				schema_required(c, "data[tls.crt]");
			if (!json_object_get(data, "tls.key"))
				schema_required(c, "data[tls.key]");
		}
		if (total > 1048576)
			schema_add(c, "FieldValueTooLong", "data", "Too long: may not be more than 1048576 bytes");
		immutability(c, obj, old, true);
	} else if (r == RES_CONFIGMAP) {
		const json_t *data = json_object_get(obj, "data"), *bin = json_object_get(obj, "binaryData");
		check_map(c, data, "data", false, &total);
		check_map(c, bin, "binaryData", true, &total);
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)(json_is_object(data) ? data : NULL), k, v) {
			if (json_object_get(bin, k)) {
				char f[400];
				snprintf(f, sizeof f, "data[%s]", k);
				json_t *kv = json_string(k);
				schema_invalid(c, f, kv, "duplicate of key present in binaryData");
				json_decref(kv);
			}
		}
		if (total > 1048576)
			schema_add(c, "FieldValueTooLong", "", "Too long: may not be more than 1048576 bytes");
		immutability(c, obj, old, false);
	}
}
