/*
 * fuzz_mail_message: a post as an e-mail (publisher/deliver/mail_message.c)
 * from hostile titles, bodies, a site's name and URL, and delivery IDs.
 *
 * The input is the post's title, the site's title, the site's URL, the
 * post's text, its HTML and the delivery's ID, separated by NUL bytes
 * (a missing piece is empty; the ID "x"). Beyond "no crash":
 *   - the message is composed (the envelope's addresses are valid);
 *   - every byte is 7-bit and not NUL, CR and LF come only as CRLF, no
 *     line is longer than 998 bytes, and every line of the parts at most
 *     76 (quoted-printable);
 *   - the headers are exactly the composer's own, in its order: nothing in
 *     a title, name or URL became a header of its own;
 *   - in the body, the boundary is where the composer put it and nowhere
 *     else (a title may hold its words: a header is not searched for it).
 */
#include "config.h"

#include <strings.h>

#include "fuzz.h"
#include "mail_message.h"

#define BOUNDARY "=_mailstatus_alternative"

static const char *const headers[] = {
	"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
	"List-Id", "List-Unsubscribe", "Auto-Submitted", "X-Mailstatus-Delivery",
};

static void check_lines(const char *m, size_t len, size_t body)
{
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)m[i];

		if (c == 0 || c >= 0x80)
			abort();
		if (c == '\r' && (i + 1 == len || m[i + 1] != '\n'))
			abort();
		if (c == '\n' && (i == 0 || m[i - 1] != '\r'))
			abort();
		if (c == '\n')
			col = 0;
		else if (c != '\r' && ++col > (i > body ? 76u : 998u))
			abort();
	}
}

/* The header block's names, in order; continuation lines start with a blank. */
static void check_headers(const char *m, size_t end)
{
	size_t next = 0;

	for (size_t i = 0; i < end; i = (size_t)(strstr(m + i, "\r\n") - m) + 2) {
		if (m[i] == ' ')
			continue;
		while (next < sizeof(headers) / sizeof(headers[0]) &&
		       !(strncmp(m + i, headers[next], strlen(headers[next])) == 0 &&
			 m[i + strlen(headers[next])] == ':'))
			next++;
		if (next == sizeof(headers) / sizeof(headers[0]))
			abort();	/* a header the composer does not write, or out of order */
		next++;
	}
}

static size_t count(const char *m, const char *what)
{
	size_t n = 0;

	for (const char *s = m; (s = strstr(s, what)) != NULL; s++)
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size), *piece[6];
	const char *end = in + size, *at = in;
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;

	for (size_t i = 0; i < 6; i++) {
		piece[i] = (char *)(at < end ? at : "");
		at += at < end ? strlen(at) + 1 : 0;
	}
	struct pub_mail_envelope env = {
		.site_title = piece[1], .site_url = piece[2], .from = "status@example.net",
		.to = "alice@customer.example",
		.list_unsubscribe = "mailto:unsubscribe@example.net?subject=unsubscribe",
	};
	struct pub_delivery_item item = {
		.delivery_id = piece[5][0] ? piece[5] : "x", .title = piece[0],
		.url = "https://status.example.net/posts/1.html", .published_at = 1795017420,
		.text = piece[3], .html = piece[4],
	};
	if (!pub_mail_compose(&env, &item, &out, &err))
		abort();
	const char *blank = strstr(out.data, "\r\n\r\n");
	if (blank == NULL)
		abort();
	check_lines(out.data, out.len, (size_t)(blank - out.data));
	check_headers(out.data, (size_t)(blank - out.data) + 2);
	/* in the body, the boundary is the three delimiters and nothing else */
	if (count(blank, BOUNDARY) != 3 || count(blank, "\r\n--" BOUNDARY "\r\n") != 2 ||
	    count(blank, "\r\n--" BOUNDARY "--\r\n") != 1)
		abort();
	ms_buf_free(&out);
	ms_buf_free(&err);
	free(in);
	return 0;
}
