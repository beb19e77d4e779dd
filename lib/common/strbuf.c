/*
 * strbuf: a growable, always NUL-terminated byte buffer. See strbuf.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

void ms_buf_init(struct ms_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void ms_buf_free(struct ms_buf *b)
{
	free(b->data);
	ms_buf_init(b);
}

void ms_buf_reset(struct ms_buf *b)
{
	ms_buf_truncate(b, 0);
}

void ms_buf_reserve(struct ms_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		need = SIZE_MAX; /* ms_xrealloc reports the failure */
	else
		need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = ms_xrealloc(b->data, cap);
	b->cap = cap;
	b->data[b->len] = '\0'; /* a fresh allocation is a valid empty string */
}

void ms_buf_add(struct ms_buf *b, const void *data, size_t n)
{
	ms_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ms_buf_puts(struct ms_buf *b, const char *s)
{
	ms_buf_add(b, s, strlen(s));
}

void ms_buf_putc(struct ms_buf *b, char c)
{
	ms_buf_add(b, &c, 1);
}

void ms_buf_put_num(struct ms_buf *b, long long v, int width)
{
	char digits[24];
	size_t n = 0;
	/* as unsigned: the most negative number has no positive twin */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		ms_buf_putc(b, '-');
	/* the width counts the sign, as printf's does */
	for (int pad = width - (int)n - (v < 0); pad > 0; pad--)
		ms_buf_putc(b, '0');
	while (n > 0)
		ms_buf_putc(b, digits[--n]);
}

void ms_buf_vprintf(struct ms_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	char small[256];

	va_copy(copy, ap);
	int n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return; /* an encoding error in fmt: add nothing */
	if ((size_t)n < sizeof(small)) {
		ms_buf_add(b, small, (size_t)n);
		return;
	}
	ms_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ms_buf_printf(struct ms_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ms_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ms_buf_truncate(struct ms_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

const char *ms_buf_str(const struct ms_buf *b)
{
	return b->data ? b->data : "";
}

char *ms_buf_steal(struct ms_buf *b)
{
	char *s = b->data ? b->data : ms_xstrdup("");

	ms_buf_init(b);
	return s;
}
