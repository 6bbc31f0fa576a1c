/* promresult.h: the decoded reply of the Prometheus HTTP API (/api/v1/query and
 * /api/v1/query_range), as served by Prometheus, Thanos, Mimir, Cortex and VictoriaMetrics.
 * The decoder is separate from the transport (promapi.h) so that it can be tested and fuzzed
 * on its own. Values are doubles and may be NaN or +-Inf. Embedded: promresult_init/_done. */
#ifndef GAMMATOP_PROMRESULT_H
#define GAMMATOP_PROMRESULT_H
#include <stddef.h>
#include <stdint.h>

enum promresult_type { PROM_VECTOR, PROM_MATRIX, PROM_SCALAR, PROM_STRING };

struct prom_label {
	char *name, *value; /* owned */
};

struct prom_point {
	int64_t ts_ms;
	double v;
};

/* One series: a vector item has one point, a matrix item many, a scalar one point and no
 * labels. String results keep their text in text. */
struct prom_series {
	struct prom_label *labels; /* owned */
	size_t n_labels;
	struct prom_point *points; /* owned */
	size_t n_points;
	char *text; /* owned; string results only */
};

struct promresult {
	enum promresult_type type;
	struct prom_series *series; /* owned */
	size_t n_series;
	char **warnings; /* owned */
	size_t n_warnings;
	char *error_type, *error; /* owned; set when the server answered status "error" */
};

void promresult_init(struct promresult *r);
void promresult_done(struct promresult *r);

/* Decode len bytes of body (http_status is the HTTP status, 0 if unknown) into r (initialised
 * by the caller, or reused: previous contents are freed). Returns 0 on status "success".
 * Returns -1 with a message in err when the server answered status "error" (r->error_type and
 * r->error keep its words: "bad_data: 1:5: parse error..."), or when the body is not an API
 * reply ("HTTP 502: reply is not JSON: ..."). err may be NULL. */
int promresult_decode(struct promresult *r, const char *body, size_t len, long http_status,
                      char *err, size_t errlen);

/* The value of label name on series s, or NULL. */
const char *promresult_label(const struct prom_series *s, const char *name);

#endif
