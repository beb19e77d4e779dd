/*
 * fuzz_postqueue_json: the output of `postqueue -j`, cut into lines by
 * ms_lines as check_mail_queue does (64 MiB lines at most, empty lines
 * skipped), each line through pq_message_parse() and its recipients
 * through pq_message_recipient().
 *
 * Checked: a parsed message has a queue name and ID that fit their
 * fields, no negative time or size, and every recipient it counts can be
 * asked for. The line cutter is checked as well: the lines it hands on
 * do not depend on how the output arrives (all at once, or in chunks of
 * 1 to 7 bytes), and neither do the cut ones when lines are too long.
 */
#include "config.h"

#include "fuzz.h"
#include "lines.h"
#include "pfqueue.h"
#include "postqueue.h"

#define PQ_MAX_LINE (64u << 20)		/* as check_mail_queue */
#define SHORT_LINE 16			/* to see lines cut */

/* Every line handed on, as "<too_long><len>:<bytes>", to compare. */
struct seen {
	struct ms_buf log;
};

static void record_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct seen *s = arg;

	ms_buf_printf(&s->log, "%d%zu:", too_long, len);
	ms_buf_add(&s->log, line, len);
}

static void parse_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct pq_message m;
	struct ms_buf err = MS_BUF_INIT;

	record_line(arg, line, len, too_long);
	if (len == 0 || too_long)
		return;
	if (!pq_message_parse(line, len, &m, &err)) {
		if (err.len == 0 || m.json != NULL)
			abort();	/* a failure says why and keeps nothing */
		ms_buf_free(&err);
		return;
	}
	if (err.len != 0)
		abort();
	if (m.queue_name[0] == '\0' || strlen(m.queue_name) >= sizeof(m.queue_name) ||
	    m.queue_id[0] == '\0' || strlen(m.queue_id) >= sizeof(m.queue_id) ||
	    m.arrival_time < 0 || m.message_size < 0 || m.json == NULL)
		abort();
	(void)pfq_queue_parse(m.queue_name, strlen(m.queue_name));
	for (size_t i = 0; i < m.nrecipients; i++) {
		const char *address = NULL, *reason = NULL;
		pq_message_recipient(&m, i, &address, &reason);
		if (address)
			(void)strlen(address);
		if (reason)
			(void)strlen(reason);
	}
	pq_message_free(&m);
}

/* Feeds data in chunks of 1, 2, ... 7 bytes (0: all at once). */
static void cut(const uint8_t *data, size_t size, size_t max_line,
		void (*on_line)(void *, const char *, size_t, bool), struct seen *s)
{
	struct ms_lines l;
	size_t chunk = 1;

	ms_lines_init(&l, max_line, on_line, s);
	for (size_t pos = 0; pos < size; ) {
		size_t n = on_line == parse_line ? size : chunk;
		if (n > size - pos)
			n = size - pos;
		ms_lines_feed(&l, (const char *)data + pos, n);
		pos += n;
		chunk = chunk % 7 + 1;
	}
	ms_lines_finish(&l);
}

static void same_lines(const uint8_t *data, size_t size, size_t max_line,
		       const struct seen *whole)
{
	struct seen chunked = { MS_BUF_INIT };

	cut(data, size, max_line, record_line, &chunked);
	if (chunked.log.len != whole->log.len ||
	    memcmp(ms_buf_str(&chunked.log), ms_buf_str(&whole->log), whole->log.len) != 0)
		abort();
	ms_buf_free(&chunked.log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole = { MS_BUF_INIT }, whole_short = { MS_BUF_INIT };

	cut(data, size, PQ_MAX_LINE, parse_line, &whole);
	same_lines(data, size, PQ_MAX_LINE, &whole);

	/* lines too long: the cut part and the flag, however the bytes come */
	struct ms_lines l;
	ms_lines_init(&l, SHORT_LINE, record_line, &whole_short);
	ms_lines_feed(&l, (const char *)data, size);
	ms_lines_finish(&l);
	same_lines(data, size, SHORT_LINE, &whole_short);

	ms_buf_free(&whole.log);
	ms_buf_free(&whole_short.log);
	return 0;
}
