/* linediff.h: a line diff of two texts (longest common subsequence, after trimming the common
 * head and tail) printed as a unified diff, as `diff -u` and `kubectl diff` show it. Used by
 * the editor for "route before/after" and "what changed meanwhile". Pure code. */
#ifndef GAMMATOP_LINEDIFF_H
#define GAMMATOP_LINEDIFF_H
#include <stddef.h>

/* Lines in the middle part (after the common head and tail are trimmed) above which the
 * quadratic LCS is not run: the whole middle is then shown as removed + added (still a
 * correct diff, only not minimal). */
#define LINEDIFF_MAX_CELLS ((size_t)4 * 1024 * 1024)

enum linediff_op { LD_SAME, LD_DEL, LD_ADD };

struct linediff_line {
	enum linediff_op op;
	const char *text; /* points into a or b (not NUL-terminated at the line end) */
	size_t len;       /* without the newline */
};

struct linediff {
	struct linediff_line *lines; /* owned: the edit script, in order */
	size_t n;
	size_t added, removed;
};

/* Diff text a against text b (either may be NULL = empty). The result points into a and b,
 * which must outlive it. Free with linediff_done. */
void linediff_run(struct linediff *d, const char *a, const char *b);
void linediff_done(struct linediff *d);

/* A unified diff of a -> b with `context` lines of context (3 as diff -u), headed by
 * "--- name_a" / "+++ name_b" lines; "" when the texts are equal. The caller frees it. */
char *linediff_unified(const char *a, const char *b, const char *name_a, const char *name_b,
                       int context);

#endif
