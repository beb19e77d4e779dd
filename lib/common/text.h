/*
 * text: making outside bytes safe to print.
 *
 * Whatever a peer, a spool file or the kernel gives us may contain control
 * characters, invalid UTF-8 or the '|' that separates Nagios performance
 * data. These helpers append such text to a buffer in a form that cannot
 * break the plugin output, JSON or XML that it ends up in.
 */
#ifndef MS_TEXT_H
#define MS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* U+FFFD, what invalid UTF-8 sequences are replaced with. */
#define MS_REPLACEMENT_CHAR "\xEF\xBF\xBD"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes there are not valid UTF-8 (overlong, surrogate, > U+10FFFF, cut).
 */
size_t ms_utf8_seq_len(const unsigned char *s, size_t n);

/*
 * The longest prefix of s (n bytes) of at most max bytes that does not end
 * inside a UTF-8 sequence: for cutting text to fit a fixed buffer.
 */
size_t ms_utf8_prefix(const char *s, size_t n, size_t max);

/* true when all n bytes are valid UTF-8 (NUL bytes count as invalid). */
bool ms_utf8_valid(const char *s, size_t n);

/*
 * Appends s to b as a single line of status text: invalid UTF-8 and
 * Unicode noncharacters (U+FFFE, U+FFFF, ...) become U+FFFD, every
 * control character (newlines and tabs included) a space,
 * and '|' (the perfdata separator) a '/'.
 */
void ms_text_add_line(struct ms_buf *b, const char *s, size_t n);

/* ms_text_clean: the same, into a new string the caller frees. */
char *ms_text_clean(const char *s, size_t n);

/*
 * Appends s to b with invalid UTF-8 and noncharacters replaced by U+FFFD
 * and the control characters that XML 1.0 forbids removed; tab, newline and carriage
 * return stay. For texts that go into XML, HTML or JSON documents.
 */
void ms_text_add_xml_safe(struct ms_buf *b, const char *s, size_t n);

/* ms_text_clean_xml: the same, into a new string the caller frees. */
char *ms_text_clean_xml(const char *s, size_t n);

#endif
