/*
 * lines: cutting streamed output into lines.
 */
#include "config.h"

#include <string.h>

#include "lines.h"

void ms_lines_init(struct ms_lines *l, size_t max_line,
		   void (*on_line)(void *, const char *, size_t, bool), void *arg)
{
	ms_buf_init(&l->partial);
	l->max_line = max_line;
	l->skipping = false;
	l->on_line = on_line;
	l->arg = arg;
}

/* Adds bytes of the current line, passing it on cut once it is too long. */
static void add_to_line(struct ms_lines *l, const char *data, size_t n)
{
	if (l->skipping)
		return;
	size_t room = l->max_line - l->partial.len;
	if (n <= room) {
		ms_buf_add(&l->partial, data, n);
		return;
	}
	ms_buf_add(&l->partial, data, room);
	l->on_line(l->arg, l->partial.data, l->partial.len, true);
	ms_buf_reset(&l->partial);
	l->skipping = true;
}

void ms_lines_feed(struct ms_lines *l, const char *data, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - data) : len;

		add_to_line(l, data, n);
		if (nl == NULL)
			return;
		if (!l->skipping)
			l->on_line(l->arg, ms_buf_str(&l->partial), l->partial.len, false);
		ms_buf_reset(&l->partial);
		l->skipping = false;
		data += n + 1;
		len -= n + 1;
	}
}

void ms_lines_finish(struct ms_lines *l)
{
	if (l->partial.len > 0 && !l->skipping)
		l->on_line(l->arg, l->partial.data, l->partial.len, false);
	ms_buf_free(&l->partial);
	l->skipping = false;
}

static void feed_stdout(void *lines, const char *data, size_t len)
{
	ms_lines_feed(lines, data, len);
}

bool ms_lines_run(char *const argv[], size_t max_line,
		  void (*on_line)(void *, const char *, size_t, bool), void *arg,
		  struct ms_cmd_result *res, struct ms_buf *err)
{
	struct ms_lines lines;

	ms_lines_init(&lines, max_line, on_line, arg);
	struct ms_cmd_opts opts = { .timeout_ms = -1, .on_stdout = feed_stdout,
				    .on_stdout_arg = &lines };
	bool started = ms_cmd_run(argv, &opts, res, err);
	ms_lines_finish(&lines);
	return started;
}
