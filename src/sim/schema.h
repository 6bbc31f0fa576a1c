/* schema.h: a small structural-schema engine, standing in for what the API server does with a
 * CRD's openAPIV3Schema: prune unknown fields (and fields of the other channel), apply
 * defaults, check types, required fields, lengths, patterns, enums, ranges, item counts and
 * list-map keys, then run the CEL rules (written in C, one function per rule, beside the
 * schema tables in validate_*.c). Errors are Status causes worded as k8s 1.32 words them
 * (k8s.io/apimachinery pkg/util/validation/field, kube-openapi pkg/validation/errors,
 * apiextensions-apiserver: a blocking error skips the CEL rules and adds a "<nil>" cause). */
#ifndef GAMMATOP_SIM_SCHEMA_H
#define GAMMATOP_SIM_SCHEMA_H
#include "sim.h"

enum sch_type { SCH_NONE, SCH_OBJECT, SCH_ARRAY, SCH_STRING, SCH_INT, SCH_BOOL, SCH_MAP, SCH_ANY };

#define SCH_REQ 0x1u /* required in its parent object */
#define SCH_EXP 0x2u /* only in the experimental channel's CRD (pruned on the standard one) */

/* A pattern as the CRD spells it (shown in messages) and as POSIX ERE (regcomp) reads it. */
struct sch_pattern {
	const char *shown;
	const char *posix;
};

struct sch_ctx {
	enum sim_channel channel;
	const char *version; /* the request's version */
	json_t *causes;      /* Status causes (array) */
	json_t *pruned;      /* paths of pruned fields, or NULL */
	bool blocking;       /* an error that keeps the CEL rules from running was found */
};

/* A CEL rule: v is the value at path (of the node's type), old the stored value there on an
 * update (NULL on create or when it cannot be correlated). */
typedef void (*sch_rule)(struct sch_ctx *c, const char *path, const json_t *v, const json_t *old);

struct sch_node {
	const char *name;   /* property name; NULL for array items, map values and the root */
	enum sch_type type;
	unsigned flags;     /* SCH_REQ, SCH_EXP */
	const struct sch_node *sub; /* object: properties, ended by an entry with name NULL;
	                             * array: the item; map: the value */
	long long min, max; /* string length, array items, map properties (0: none);
	                     * integer range (both 0: none) */
	const struct sch_pattern *pattern;
	const char *const *enums;  /* NULL-terminated */
	const char *dflt;          /* JSON text of the default */
	const char *const *keys;   /* x-kubernetes-list-map-keys, NULL-terminated */
	sch_rule rules[3];
};

/* Prune (recording paths in c->pruned) and default v, the value at path, against node n. */
void schema_prune_default(struct sch_ctx *c, const struct sch_node *n, json_t *v, const char *path);
/* Validate v (and run the rules unless a blocking error was found) against n; old is the
 * stored object (NULL on create). Causes go to c->causes. */
void schema_validate(struct sch_ctx *c, const struct sch_node *n, const json_t *v, const json_t *old,
                     const char *path);

/* ---- causes (shared by every validator) ---- */
void schema_add(struct sch_ctx *c, const char *reason, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "Required value" at field. */
void schema_required(struct sch_ctx *c, const char *field);
/* A CEL rule's failure: Invalid value: "<type>": msg. */
void schema_cel(struct sch_ctx *c, const char *field, const json_t *v, const char *msg);
/* Invalid value: <v as Go prints it>: detail. */
void schema_invalid(struct sch_ctx *c, const char *field, const json_t *v, const char *detail);
/* The OpenAPI type name of v ("object", "array", "string", "integer", "number", "boolean"). */
const char *schema_type_name(const json_t *v);
/* Does s match the pattern (POSIX ERE, compiled once)? */
bool schema_match(const struct sch_pattern *p, const char *s);

/* Patterns the Gateway API CRDs share (shown as the v1.6.1 CRDs spell them). */
extern const struct sch_pattern SCH_P_GROUP, SCH_P_KIND, SCH_P_NAMESPACE, SCH_P_SECTION,
	SCH_P_HOSTNAME, SCH_P_PRECISE_HOSTNAME, SCH_P_DURATION, SCH_P_CONTROLLER, SCH_P_PROTOCOL;

/* Gateway API durations (GEP-2257) as CEL's duration() reads them; false when s is not one. */
bool schema_duration_ms(const char *s, uint64_t *ms);

#endif
