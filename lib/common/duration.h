/*
 * duration: "90", "30s", "5m", "4h", "2d", "1h30m", "1.5h".
 *
 * A bare number is seconds. Units: s, m, h, d (and ms for sub-second
 * values). Parts may be combined from the largest unit down.
 */
#ifndef MS_DURATION_H
#define MS_DURATION_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Parses s into seconds. On error returns false and adds a sentence that
 * says what is wrong to err (e.g. "unknown unit 'x' (use s, m, h or
 * d)"); the caller adds which option it was.
 */
bool ms_duration_parse(const char *s, double *seconds, struct ms_buf *err);

/*
 * A short human form: "0.002s", "45s", "4m05s", "4h12m", "3d04h". For the
 * text of a status line, never for perfdata (which uses plain seconds).
 */
char *ms_duration_format(char *buf, size_t size, double seconds);

#endif
