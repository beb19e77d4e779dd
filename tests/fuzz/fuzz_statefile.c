/*
 * fuzz_statefile: a record of check_storage_mount's state directory,
 * read as ms_linger_load() reads it (at most 8 KiB), through
 * ms_linger_parse().
 *
 * Checked: a record that parses has every field (a PID above 0, a path),
 * and writing it out again with ms_linger_format() gives a record that
 * parses to the same values and is written out the same (a fixed point).
 * A record that does not parse leaves nothing to free.
 */
#include "config.h"

#include "fuzz.h"
#include "statefile.h"

#define RECORD_MAX 8192		/* as statefile.c */

static bool same(const struct ms_linger *a, const struct ms_linger *b)
{
	return a->pid == b->pid && a->start_ticks == b->start_ticks && a->since == b->since &&
	       strcmp(a->step, b->step) == 0 && a->path && b->path &&
	       strcmp(a->path, b->path) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_linger l, again;

	if (size > RECORD_MAX)
		size = RECORD_MAX;
	/* the reader's buffer: exactly the bytes read, no terminator */
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	if (!ms_linger_parse(buf, size, &l)) {
		if (l.path != NULL || l.pid != 0)
			abort();	/* cleared */
		free(buf);
		return 0;
	}
	free(buf);
	if (l.pid <= 0 || l.path == NULL || memchr(l.step, '\0', sizeof(l.step)) == NULL)
		abort();

	struct ms_buf out = MS_BUF_INIT, out2 = MS_BUF_INIT;
	ms_linger_format(&out, &l);
	if (!ms_linger_parse(out.data, out.len, &again) || !same(&l, &again))
		abort();
	ms_linger_format(&out2, &again);
	if (out.len != out2.len || memcmp(out.data, out2.data, out.len) != 0)
		abort();
	ms_buf_free(&out);
	ms_buf_free(&out2);
	ms_linger_free(&again);
	ms_linger_free(&l);
	return 0;
}
