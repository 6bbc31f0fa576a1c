/* decode.h: turn one Kubernetes API object (JSON, as the API server or a manifest gives it)
 * into a typed gt_object, applying the API server's defaults (parentRef group/kind/namespace,
 * backend kind and weight, the default rule, "core" group -> ""). Accepts
 * gateway.networking.k8s.io v1 and v1beta1. Hostile input (wrong types, missing fields,
 * huge numbers, deep nesting, invalid UTF-8) gives an error naming the object and field.
 * A namespaced object without metadata.namespace gets "default" (as `kubectl apply` without
 * -n would); kubectl's last-applied-configuration annotation is not kept. Lists are capped at
 * 1024 items, maps at 10000 entries. Kinds with the right name in another API group (an Istio
 * Gateway, a Knative Service) and unsupported versions are DECODE_SKIPPED. */
#ifndef GAMMATOP_DECODE_H
#define GAMMATOP_DECODE_H
#include <jansson.h>
#include <stddef.h>

#include "gammatop/object.h"

enum decode_result {
	DECODE_OK,      /* *out set */
	DECODE_SKIPPED, /* a kind gammatop does not model (ConfigMap, TCPRoute...): err says which */
	DECODE_ERROR    /* invalid: err says which object and field */
};

/* Decode j. On DECODE_OK *out is a new object the caller owns. err (may be NULL) receives
 * e.g. "httproute/default/web: spec.rules[0].backendRefs[1].port: expected an integer". */
enum decode_result decode_object(const json_t *j, struct gt_object **out, char *err, size_t errlen);

/* Decode a JSON text (one object). Same contract. */
enum decode_result decode_text(const char *text, size_t len, struct gt_object **out, char *err,
                               size_t errlen);

#endif
