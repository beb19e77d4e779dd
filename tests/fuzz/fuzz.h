/*
 * fuzz.h: what every fuzz target shares.
 *
 * A target is one file, tests/fuzz/fuzz_NAME.c, that defines
 * LLVMFuzzerTestOneInput() and feeds the bytes to one parser the way the
 * program does (same length limits, same NUL handling). It must free all
 * it allocates: libFuzzer reports leaks as failures, and the same target
 * replays its corpus under valgrind.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input, for parsers that take C strings
 * (they see only the bytes before the first NUL, as the programs do). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * The next line of the peer's bytes [*p, end), as ms_conn_read_line gives
 * it to a reply parser: up to '\n' with a '\r' before it dropped, copied
 * to a buffer of exactly its size (so a read past it is seen). NULL at the
 * end, at a last line without '\n' (the peer closed in the middle of it)
 * or at a line longer than max (the reader gives up). Free the line.
 */
static inline char *fuzz_next_line(const char **p, const char *end, size_t max, size_t *len)
{
	const char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;
	char *line;

	if (nl == NULL)
		return NULL;
	*len = (size_t)(nl - *p);
	if (*len > 0 && (*p)[*len - 1] == '\r')
		(*len)--;
	if (*len > max)
		return NULL;
	line = fuzz_cstr((const uint8_t *)*p, *len);
	*p = nl + 1;
	return line;
}

#endif
