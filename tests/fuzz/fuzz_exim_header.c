/*
 * fuzz_exim_header: an Exim spool -H file, read the way the spool walk
 * reads it (the first 1 KiB, then up to 64 KiB when the option lines go
 * on), and the lines of `exim -bp`, cut by ms_lines as check_mail_queue
 * does (lines of 1 MiB at most).
 *
 * The message ID the walk would take from the file name is the first
 * line of the file without its "-H" when that is a valid ID, else a
 * fixed one (the header then does not name it: MALFORMED).
 *
 * Checked: a whole file never asks for more bytes; what a prefix decides
 * the whole file confirms; exim_id_time() takes only 16- and 23-byte IDs;
 * a message line of exim -bp has a valid ID whose time is its arrival.
 */
#include "config.h"

#include "eximspool.h"
#include "fuzz.h"
#include "lines.h"

#define HEADER_FIRST_READ 1024		/* as eximspool.c */
#define HEADER_MAX_READ 65536
#define BP_MAX_LINE (1u << 20)		/* as check_mail_queue */

static enum exim_header parse_prefix(const uint8_t *data, size_t n, bool whole,
				     const char *id)
{
	char *buf = malloc(n ? n : 1);	/* exact size: a read past it is seen */

	if (buf == NULL)
		abort();
	memcpy(buf, data, n);
	enum exim_header h = exim_parse_header(buf, n, whole, id);
	free(buf);
	if (whole && h == EXIM_HEADER_NEED_MORE)
		abort();
	return h;
}

/* The ID the spool walk would have from the file name "ID-H". */
static void message_id(const uint8_t *data, size_t size, char id[EXIM_ID_MAX + 1])
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : 0;
	int64_t sec;

	strcpy(id, "1hDxyz-0001ab-Cd");
	if (n < 2 || n - 2 > EXIM_ID_MAX || memcmp(data + n - 2, "-H", 2) != 0 ||
	    !exim_id_time((const char *)data, n - 2, &sec))
		return;
	memcpy(id, data, n - 2);
	id[n - 2] = '\0';
}

static void fuzz_header(const uint8_t *data, size_t size)
{
	char id[EXIM_ID_MAX + 1];
	size_t first = size < HEADER_FIRST_READ ? size : HEADER_FIRST_READ;
	size_t all = size < HEADER_MAX_READ ? size : HEADER_MAX_READ;

	message_id(data, size, id);
	enum exim_header h = parse_prefix(data, first, size < HEADER_FIRST_READ, id);
	if (h == EXIM_HEADER_NEED_MORE)
		(void)parse_prefix(data, all, size < HEADER_MAX_READ, id);
	if (h != EXIM_HEADER_NEED_MORE && size >= HEADER_FIRST_READ &&
	    parse_prefix(data, size, true, id) != h)
		abort();
}

static void bp_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct exim_bp_message m;
	int64_t sec;

	(void)arg;
	if (too_long || !exim_parse_bp_line(line, len, &m))
		return;
	size_t n = strlen(m.id);
	if ((n != 16 && n != 23) || !exim_id_time(m.id, n, &sec) || sec != m.arrival ||
	    memmem(line, len, m.id, n) == NULL)
		abort();
}

static void fuzz_bp(const uint8_t *data, size_t size)
{
	struct ms_lines l;

	ms_lines_init(&l, BP_MAX_LINE, bp_line, NULL);
	ms_lines_feed(&l, (const char *)data, size);
	ms_lines_finish(&l);
}

/* Any bytes as an ID: only the two lengths may pass. */
static void fuzz_id(const uint8_t *data, size_t size)
{
	int64_t sec;

	if (exim_id_time((const char *)data, size, &sec) &&
	    ((size != 16 && size != 23) || sec < 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_header(data, size);
	fuzz_bp(data, size);
	fuzz_id(data, size);
	return 0;
}
