/*
 * strbuf: a growable, always NUL-terminated byte buffer.
 *
 * Every string the runtime builds from outside data goes through one of
 * these, so there is no fixed-size buffer to overflow and no silent
 * truncation. The contents may hold NUL bytes; len is authoritative.
 */
#ifndef MS_STRBUF_H
#define MS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct ms_buf {
	char *data;	/* NUL-terminated once anything was added, else NULL */
	size_t len;	/* bytes in data, not counting the terminator */
	size_t cap;	/* bytes allocated */
};

#define MS_BUF_INIT { NULL, 0, 0 }

void ms_buf_init(struct ms_buf *b);
void ms_buf_free(struct ms_buf *b);
void ms_buf_reset(struct ms_buf *b);	/* empty, keeps the allocation */
void ms_buf_reserve(struct ms_buf *b, size_t extra);
void ms_buf_add(struct ms_buf *b, const void *data, size_t n);
void ms_buf_puts(struct ms_buf *b, const char *s);
void ms_buf_putc(struct ms_buf *b, char c);
/* v in decimal, zero-padded to width digits (0: none): printf's %0*lld, for loops that write many */
void ms_buf_put_num(struct ms_buf *b, long long v, int width);
void ms_buf_printf(struct ms_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ms_buf_vprintf(struct ms_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void ms_buf_truncate(struct ms_buf *b, size_t len);
/* The contents as a C string ("" when empty); valid until the next change. */
const char *ms_buf_str(const struct ms_buf *b);
/* Hands the allocation to the caller (never NULL); b is left empty. */
char *ms_buf_steal(struct ms_buf *b);

#endif
