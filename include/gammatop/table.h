/* table.h: plain-text tables in the look of `kubectl get`: upper-case headers, left-aligned
 * columns padded to the widest cell and separated by three spaces, "<none>" for empty cells.
 * Every cell is sanitised (str_sanitize) when added, so text from the cluster can never reach
 * a terminal raw; a column may have a maximum width, and longer cells end in an ellipsis.
 * Used by `routes`, `lint` and `top`; knows nothing of the model. Heap object:
 * table_new/table_free. */
#ifndef GAMMATOP_TABLE_H
#define GAMMATOP_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gammatop/buf.h"

/* What an empty or unset cell shows (as kubectl does). */
#define TABLE_NONE "<none>"

struct table;

/* A table with these column headers (copied, sanitised, upper-cased). */
struct table *table_new(const char *const *headers, size_t n_cols);
void table_free(struct table *t);
size_t table_cols(const struct table *t);
size_t table_rows(const struct table *t);

/* Limit column col to max_cols terminal columns (0: no limit, the default). Longer cells are
 * cut and end in "…" (or "~" when the table is rendered ascii). */
void table_set_max_width(struct table *t, size_t col, int max_cols);
/* Right-align column col (numbers). */
void table_set_right(struct table *t, size_t col, bool right);

/* Start a new row; the cells that follow fill it from the left. */
void table_add_row(struct table *t);
/* Append one cell to the current row: a sanitised copy of text; NULL or "" gives "<none>".
 * Cells beyond the column count are ignored; missing cells render as "<none>". */
void table_add_cell(struct table *t, const char *text);
void table_add_cellf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The cell at row, col as stored (sanitised, not truncated); NULL when out of range. */
const char *table_cell(const struct table *t, size_t row, size_t col);

/* Render the header line and every row into out, each line ending in "\n", trailing blanks
 * trimmed. ascii: use "~" instead of "…" when cutting. With no rows, only the header. */
void table_render(const struct table *t, bool ascii, struct buf *out);

/* Whether the current locale's codeset is UTF-8 (decides "…" versus "~"). */
bool table_locale_utf8(void);

/* Render t for the current locale (ascii unless it is UTF-8) and write it to f. */
void table_print(const struct table *t, FILE *f);

#endif
