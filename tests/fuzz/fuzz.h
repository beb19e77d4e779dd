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

#endif
