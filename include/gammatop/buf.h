/* buf.h: a growable byte buffer, always NUL-terminated, for building text and collecting
 * network bodies. Embedded: buf_init/buf_done; the caller owns the struct. */
#ifndef GAMMATOP_BUF_H
#define GAMMATOP_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* owned; NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_done(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Drop the first n bytes (used by stream splitters). */
void buf_consume(struct buf *b, size_t n);
/* Hand the data to the caller (who frees it) and reset the buffer. Never NULL. */
char *buf_steal(struct buf *b);
/* Current contents as a C string ("" when empty). */
const char *buf_str(const struct buf *b);

#endif
