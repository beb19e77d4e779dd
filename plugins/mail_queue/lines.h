/*
 * lines: a stream of output cut into lines as it arrives.
 *
 * For programs whose output is too large to hold (postqueue -j and
 * exim -bp on a queue of a million messages): each chunk is fed in, each
 * complete line is handed on, and only the line in progress is kept.
 * ms_lines_run() runs such a program (runcmd.h) with its output cut so.
 */
#ifndef MS_LINES_H
#define MS_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "runcmd.h"
#include "strbuf.h"

/*
 * on_line gets each line without its newline. A line longer than
 * max_line bytes is passed on cut at max_line with too_long set, and the
 * rest of it is skipped.
 */
struct ms_lines {
	struct ms_buf partial;
	size_t max_line;
	bool skipping;
	void (*on_line)(void *arg, const char *line, size_t len, bool too_long);
	void *arg;
};

void ms_lines_init(struct ms_lines *l, size_t max_line,
		   void (*on_line)(void *, const char *, size_t, bool), void *arg);
void ms_lines_feed(struct ms_lines *l, const char *data, size_t len);
/* Passes on a last line that had no newline, and frees the buffer. */
void ms_lines_finish(struct ms_lines *l);

/*
 * Runs argv (ms_cmd_run) with each line of its stdout handed to on_line
 * as it arrives, the last one too. res and err: as ms_cmd_run's.
 */
bool ms_lines_run(char *const argv[], size_t max_line,
		  void (*on_line)(void *, const char *, size_t, bool), void *arg,
		  struct ms_cmd_result *res, struct ms_buf *err);

#endif
