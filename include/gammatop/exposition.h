/* exposition.h: parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0,
 * as served by mesh proxies' metrics endpoints (including Linkerd's trailing OpenMetrics-style
 * section with `# TYPE x counter` naming the family without `_total`, `# UNIT` and `# EOF`).
 * The input is untrusted: line length, label count, sample count and name lengths are
 * bounded, and every failure is reported as "line N: what is wrong". Exemplars are ignored.
 * Embedded document: expo_doc_init/expo_doc_done. */
#ifndef GAMMATOP_EXPOSITION_H
#define GAMMATOP_EXPOSITION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPO_MAX_LINE 65536      /* bytes per line */
#define EXPO_MAX_LABELS 64       /* labels per sample */
#define EXPO_MAX_NAME 512        /* bytes of a metric or label name */
#define EXPO_MAX_SAMPLES 2000000 /* samples per document */

enum expo_type {
	EXPO_UNTYPED,
	EXPO_COUNTER,
	EXPO_GAUGE,
	EXPO_HISTOGRAM,
	EXPO_SUMMARY,
	EXPO_GAUGE_HISTOGRAM,
	EXPO_STATESET,
	EXPO_INFO,
};

/* Sample names, labels and label arrays live in the document's arena (freed with it). */
struct expo_label {
	char *name, *value; /* value unescaped */
};

struct expo_sample {
	char *name;                /* the series name as written ("x_bucket", "x_total") */
	struct expo_label *labels;
	size_t n_labels;
	double value;  /* may be NaN or +-Inf */
	bool has_ts;
	int64_t ts_ms; /* timestamp in milliseconds when has_ts */
};

struct expo_family {
	char *name; /* owned: as given by # TYPE (may lack the _total suffix) */
	enum expo_type type;
	char *help, *unit; /* owned; NULL when absent */
};

struct expo_doc {
	struct expo_sample *samples; /* owned */
	size_t n_samples, cap_samples;
	struct expo_family *families; /* owned */
	size_t n_families, cap_families;
	bool saw_eof; /* a `# EOF` line ended the document */
	void *arena;  /* owned: where the samples' strings live */
};

void expo_doc_init(struct expo_doc *d);
void expo_doc_done(struct expo_doc *d);

/* Parse len bytes of text into d (which must be initialised; samples are appended).
 * openmetrics: true when the server said application/openmetrics-text (timestamps are then
 * float seconds, otherwise integer milliseconds; both formats are accepted either way).
 * Returns 0, or -1 with "line N: message" in err (err may be NULL); on error d keeps what was
 * parsed before the bad line. */
int expo_parse(struct expo_doc *d, const char *text, size_t len, bool openmetrics, char *err,
               size_t errlen);

/* A sample value as Prometheus writes it: decimal or exponent floats, "NaN", "+Inf", "-Inf",
 * "Inf" (any case), independent of the process locale. n bytes of s are read (no NUL
 * needed). Returns 0, or -1 when s is not a number. */
int expo_parse_value(const char *s, size_t n, double *out);

/* The value of label name on sample s, or NULL. */
const char *expo_label(const struct expo_sample *s, const char *name);

/* The type of the family sample name belongs to: its own # TYPE, or the family it is a
 * suffix of (_bucket, _sum, _count, _total, _created, _gsum, _gcount), or EXPO_UNTYPED. */
enum expo_type expo_type_of(const struct expo_doc *d, const char *sample_name);


#endif
