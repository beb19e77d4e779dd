/*
 * smtp: an SMTP client for probes. See smtp.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp.h"
#include "text.h"

/* How much of a bad line an error message quotes. */
#define QUOTE_MAX 120

void ms_smtp_reply_init(struct ms_smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void ms_smtp_reply_free(struct ms_smtp_reply *r)
{
	ms_buf_free(&r->text);
	ms_smtp_reply_init(r);
}

static void reply_reset(struct ms_smtp_reply *r)
{
	ms_buf_reset(&r->text);
	r->code = 0;
	r->enhanced[0] = '\0';
	r->lines = 0;
	r->complete = false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 to 3 digits at s (n bytes); returns how many, 0 when none. */
static size_t digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 4 && is_digit(s[i]))
		i++;
	return i <= 3 ? i : 0;
}

/*
 * Length of the RFC 3463 status code "class.subject.detail" at the start
 * of s when its class is cls and a space or the end follows; else 0.
 */
static size_t enhanced_len(const char *s, size_t n, char cls)
{
	if (n < 5 || s[0] != cls || s[1] != '.')
		return 0;
	size_t i = 2, d = digits(s + i, n - i);
	if (d == 0)
		return 0;
	i += d;
	if (i >= n || s[i] != '.')
		return 0;
	i++;
	d = digits(s + i, n - i);
	if (d == 0)
		return 0;
	i += d;
	return i == n || s[i] == ' ' ? i : 0;
}

static enum ms_smtp_feed bad(struct ms_buf *err, const char *what,
			     const char *line, size_t len)
{
	char *clean = ms_text_clean(line, ms_utf8_prefix(line, len, QUOTE_MAX));

	ms_buf_printf(err, "%s: '%s%s'", what, clean, len > QUOTE_MAX ? "..." : "");
	free(clean);
	return MS_SMTP_BAD;
}

/* The text of one line after "NNN-", with its enhanced code taken off. */
static void add_text(struct ms_smtp_reply *r, const char *text, size_t n)
{
	size_t enh = enhanced_len(text, n, (char)('0' + r->code / 100));

	if (enh) {
		if (r->lines == 1 && enh < sizeof(r->enhanced)) {
			memcpy(r->enhanced, text, enh);
			r->enhanced[enh] = '\0';
		}
		text += enh;
		n -= enh;
		while (n > 0 && *text == ' ') {
			text++;
			n--;
		}
	}
	if (r->lines > 1)
		ms_buf_putc(&r->text, '\n');
	ms_buf_add(&r->text, text, n);
}

enum ms_smtp_feed ms_smtp_reply_feed(struct ms_smtp_reply *r, const char *line, size_t len,
				     struct ms_buf *err)
{
	if (r->complete) {
		ms_buf_puts(err, "more lines after the end of the reply");
		return MS_SMTP_BAD;
	}
	if (++r->lines > MS_SMTP_REPLY_LINES_MAX) {
		ms_buf_printf(err, "a reply of more than %d lines", MS_SMTP_REPLY_LINES_MAX);
		return MS_SMTP_BAD;
	}
	if (len > MS_SMTP_LINE_MAX)
		return bad(err, "a reply line too long", line, len);
	if (memchr(line, '\0', len))
		return bad(err, "a NUL byte in the reply", line, len);
	if (len < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
		return bad(err, "not an SMTP reply", line, len);

	int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	char sep = len > 3 ? line[3] : ' ';
	/* RFC 5321 4.2: first digit 2-5, second 0-5 */
	if (code < 200 || code > 559 || line[1] > '5')
		return bad(err, "not an SMTP reply code", line, len);
	if (sep != ' ' && sep != '-')
		return bad(err, "not an SMTP reply", line, len);
	if (r->code && code != r->code)
		return bad(err, "a reply whose lines have different codes", line, len);
	r->code = code;
	add_text(r, line + (len > 4 ? 4 : len), len > 4 ? len - 4 : 0);
	if (sep == '-')
		return MS_SMTP_MORE;
	r->complete = true;
	return MS_SMTP_DONE;
}

void ms_smtp_reply_describe(const struct ms_smtp_reply *r, struct ms_buf *out, size_t max)
{
	const char *text = ms_buf_str(&r->text);
	size_t n = r->text.len, keep = ms_utf8_prefix(text, n, max);

	ms_buf_printf(out, "%d", r->code);
	if (r->enhanced[0])
		ms_buf_printf(out, " %s", r->enhanced);
	if (n == 0)
		return;
	ms_buf_putc(out, ' ');
	for (size_t i = 0; i < keep; i++)
		ms_buf_putc(out, text[i] == '\n' ? ' ' : text[i]);
	if (keep < n)
		ms_buf_puts(out, "...");
}

bool ms_smtp_has_extension(const struct ms_smtp_reply *ehlo, const char *keyword)
{
	const char *p = ms_buf_str(&ehlo->text);
	size_t klen = strlen(keyword);

	/* the first line is the server's name and greeting, not an extension */
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, keyword, klen) == 0 &&
		    (p[klen] == '\0' || p[klen] == '\n' || p[klen] == ' '))
			return true;
	}
	return false;
}

enum ms_smtp_rcpt ms_smtp_classify_rcpt(const struct ms_smtp_reply *r)
{
	const char *text = ms_buf_str(&r->text);

	switch (r->code / 100) {
	case 2:
		return MS_RCPT_ACCEPTED;
	case 4:
		/* Postfix's words when check_policy_service gets no answer */
		if (r->code == 451 && (strcmp(r->enhanced, "4.3.5") == 0 ||
				       strcasestr(text, "Server configuration problem")))
			return MS_RCPT_POLICY_DOWN;
		/*
		 * postgrey's 4.2.0 (so Exchange retries sooner), or the words
		 * of a greylister. Not 4.7.1 alone: Postfix also defers relay
		 * attempts with "454 4.7.1 Relay access denied".
		 */
		if (strcmp(r->enhanced, "4.2.0") == 0 || strcasestr(text, "greylist") ||
		    strcasestr(text, "graylist"))
			return MS_RCPT_GREYLISTED;
		return MS_RCPT_DEFERRED;
	default:
		return MS_RCPT_REJECTED;
	}
}

enum ms_net_error ms_smtp_read_reply(struct ms_conn *c, struct ms_smtp_reply *r,
				     int64_t deadline, struct ms_buf *err)
{
	struct ms_buf line = MS_BUF_INIT, why = MS_BUF_INIT;
	enum ms_smtp_feed f = MS_SMTP_MORE;
	enum ms_net_error rc;

	reply_reset(r);
	do {
		rc = ms_conn_read_line(c, &line, MS_SMTP_LINE_MAX, deadline, err);
		if (rc != MS_NET_OK)
			break;
		f = ms_smtp_reply_feed(r, ms_buf_str(&line), line.len, &why);
	} while (f == MS_SMTP_MORE);
	if (rc == MS_NET_OK && f == MS_SMTP_BAD)
		rc = ms_net_fail(err, MS_NET_SYSTEM, "malformed reply from %s: %s", c->peer,
				 ms_buf_str(&why));
	ms_buf_free(&line);
	ms_buf_free(&why);
	return rc;
}

enum ms_net_error ms_smtp_command(struct ms_conn *c, const char *command,
				  struct ms_smtp_reply *r, int64_t deadline, struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT;

	if (strpbrk(command, "\r\n"))
		return ms_net_fail(err, MS_NET_SYSTEM, "refusing to send an SMTP command with a "
				   "line break inside");
	ms_buf_printf(&b, "%s\r\n", command);
	enum ms_net_error rc = ms_conn_write(c, b.data, b.len, deadline, err);
	ms_buf_free(&b);
	return rc != MS_NET_OK ? rc : ms_smtp_read_reply(c, r, deadline, err);
}

/* VERB:<address>: the address goes in angle brackets, nothing else may. */
static enum ms_net_error path_command(struct ms_conn *c, const char *verb, const char *address,
				      struct ms_smtp_reply *r, int64_t deadline,
				      struct ms_buf *err)
{
	struct ms_buf b = MS_BUF_INIT;

	if (strpbrk(address, "<>"))
		return ms_net_fail(err, MS_NET_SYSTEM, "refusing to send %s with '<' or '>' in "
				   "the address", verb);
	ms_buf_printf(&b, "%s:<%s>", verb, address);
	enum ms_net_error rc = ms_smtp_command(c, ms_buf_str(&b), r, deadline, err);
	ms_buf_free(&b);
	return rc;
}

enum ms_net_error ms_smtp_mail_from(struct ms_conn *c, const char *sender,
				    struct ms_smtp_reply *r, int64_t deadline,
				    struct ms_buf *err)
{
	return path_command(c, "MAIL FROM", sender, r, deadline, err);
}

enum ms_net_error ms_smtp_rcpt_to(struct ms_conn *c, const char *recipient,
				  struct ms_smtp_reply *r, int64_t deadline, struct ms_buf *err)
{
	return path_command(c, "RCPT TO", recipient, r, deadline, err);
}

enum ms_net_error ms_smtp_starttls(struct ms_conn *c, const struct ms_tls_opts *opts,
				   struct ms_smtp_reply *r, int64_t deadline,
				   struct ms_buf *err)
{
	enum ms_net_error rc = ms_smtp_command(c, "STARTTLS", r, deadline, err);

	if (rc != MS_NET_OK)
		return rc;
	if (r->code != 220) {
		struct ms_buf words = MS_BUF_INIT;
		ms_smtp_reply_describe(r, &words, 200);
		rc = ms_net_fail(err, MS_NET_TLS, "%s refused STARTTLS: %s", c->peer,
				 ms_buf_str(&words));
		ms_buf_free(&words);
		return rc;
	}
	return ms_conn_starttls(c, opts, deadline, err);
}

void ms_smtp_goodbye(struct ms_conn *c, int64_t deadline)
{
	struct ms_smtp_reply r;
	struct ms_buf err = MS_BUF_INIT;	/* best effort: what fails is not said */

	ms_smtp_reply_init(&r);
	if (ms_smtp_command(c, "RSET", &r, deadline, &err) == MS_NET_OK)
		ms_smtp_command(c, "QUIT", &r, deadline, &err);
	ms_smtp_reply_free(&r);
	ms_buf_free(&err);
	ms_conn_close(c);
}
