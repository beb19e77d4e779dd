/*
 * fuzz_smtp_reply: what an SMTP or LMTP server sends back (greetings,
 * EHLO, answers to MAIL and RCPT), through the reply parser the way
 * ms_smtp_read_reply() feeds it: lines cut at '\n' with one '\r' before
 * it taken off, a line longer than MS_SMTP_LINE_MAX ending the session,
 * and each reply read until its last line; then the next reply.
 *
 * Checked: a complete reply has a code of 200-559, an enhanced code of
 * its class or none, and a one-line description of at most the length
 * asked for (plus the code and "..."), without a line break.
 */
#include "config.h"

#include "fuzz.h"
#include "smtp.h"

#define DESCRIBE_MAX 160

static void check_reply(const struct ms_smtp_reply *r)
{
	struct ms_buf out = MS_BUF_INIT;

	if (!r->complete || r->code < 200 || r->code > 559 || r->lines == 0 ||
	    r->lines > MS_SMTP_REPLY_LINES_MAX)
		abort();
	if (r->enhanced[0] != '\0' && r->enhanced[0] != '0' + r->code / 100)
		abort();
	ms_smtp_reply_describe(r, &out, DESCRIBE_MAX);
	/* "NNN" [" X.YYY.ZZZ"] [" " text ["..."]] */
	if (out.len > 3 + 1 + strlen(r->enhanced) + 1 + DESCRIBE_MAX + 3)
		abort();
	if (memchr(out.data, '\n', out.len) || strlen(ms_buf_str(&out)) != out.len)
		abort();
	ms_buf_free(&out);
	(void)ms_smtp_has_extension(r, "STARTTLS");
	(void)ms_smtp_has_extension(r, "PIPELINING");
	(void)ms_smtp_has_extension(r, "");
	enum ms_smtp_rcpt c = ms_smtp_classify_rcpt(r);
	if ((c == MS_RCPT_ACCEPTED) != (r->code / 100 == 2))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct ms_smtp_reply r;
	struct ms_buf err = MS_BUF_INIT;
	char *line;
	size_t len;

	ms_smtp_reply_init(&r);
	while ((line = fuzz_next_line(&p, end, MS_SMTP_LINE_MAX, &len)) != NULL) {
		enum ms_smtp_feed f = ms_smtp_reply_feed(&r, line, len, &err);
		free(line);
		if ((f == MS_SMTP_BAD) != (err.len > 0))
			abort();	/* a failure says why, and only a failure */
		if (f == MS_SMTP_BAD)
			break;	/* the session ends on a malformed reply */
		if (f == MS_SMTP_DONE) {
			check_reply(&r);
			/* the next command's reply, in a fresh structure */
			ms_smtp_reply_free(&r);
			ms_smtp_reply_init(&r);
		}
	}
	ms_smtp_reply_free(&r);
	ms_buf_free(&err);
	return 0;
}
