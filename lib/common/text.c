/*
 * text: making outside bytes safe to print. See text.h.
 */
#include "config.h"

#include <string.h>

#include "text.h"

size_t ms_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned int cp;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0; /* continuation byte, 0xC0/0xC1 (overlong) or > 0xF4 */
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, UTF-16 surrogates and code points past Unicode */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

size_t ms_utf8_prefix(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n <= max)
		return n;
	/* step back over continuation bytes to the start of the cut sequence */
	size_t len = max;
	while (len > 0 && (p[len] & 0xC0) == 0x80)
		len--;
	return len;
}

bool ms_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t len = ms_utf8_seq_len(p + i, n - i);
		if (len == 0 || p[i] == 0)
			return false;
		i += len;
	}
	return true;
}

/*
 * Unicode noncharacters (U+FDD0..U+FDEF and the last two code points of
 * every plane): valid UTF-8, but U+FFFE and U+FFFF are forbidden in XML
 * 1.0 and none of them is text, so they are replaced like invalid bytes.
 */
static bool is_noncharacter(const unsigned char *p, size_t len)
{
	unsigned int cp;

	if (len == 3)
		cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
	else if (len == 4)
		cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
		     ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
	else
		return false;
	return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

/*
 * Walks s, copying valid UTF-8 (noncharacters replaced) and handing every
 * ASCII control character to the caller's policy: the replacement to
 * append, or NULL to drop it.
 */
typedef const char *(*control_policy)(unsigned char c);

static void add_filtered(struct ms_buf *b, const char *s, size_t n,
			 control_policy policy)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	ms_buf_reserve(b, n);
	while (i < n) {
		size_t len = ms_utf8_seq_len(p + i, n - i);
		if (len == 0) {
			ms_buf_puts(b, MS_REPLACEMENT_CHAR);
			i++;
			continue;
		}
		if (is_noncharacter(p + i, len)) {
			ms_buf_puts(b, MS_REPLACEMENT_CHAR);
			i += len;
			continue;
		}
		if (len == 1 && (p[i] < 0x20 || p[i] == 0x7F || p[i] == '|')) {
			const char *rep = policy(p[i]);
			if (rep)
				ms_buf_puts(b, rep);
		} else {
			ms_buf_add(b, p + i, len);
		}
		i += len;
	}
}

static const char *line_policy(unsigned char c)
{
	return c == '|' ? "/" : " ";
}

static const char *xml_policy(unsigned char c)
{
	switch (c) {
	case '\t':
		return "\t";
	case '\n':
		return "\n";
	case '\r':
		return "\r";
	case '|':
		return "|";
	default:
		return NULL;
	}
}

void ms_text_add_line(struct ms_buf *b, const char *s, size_t n)
{
	add_filtered(b, s, n, line_policy);
}

char *ms_text_clean(const char *s, size_t n)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_line(&b, s, n);
	return ms_buf_steal(&b);
}

void ms_text_add_xml_safe(struct ms_buf *b, const char *s, size_t n)
{
	add_filtered(b, s, n, xml_policy);
}

char *ms_text_clean_xml(const char *s, size_t n)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_xml_safe(&b, s, n);
	return ms_buf_steal(&b);
}
