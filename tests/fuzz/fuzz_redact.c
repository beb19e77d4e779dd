/*
 * fuzz_redact: the redaction of check_webmail_send's trace and messages
 * (plugins/webmail_send/redact.c) on what servers and libcurl write.
 *
 * The input is one byte choosing a place, then "NAME\nSECRET\nNOISE":
 * SECRET (mapped onto the characters of tokens and base64) is put where
 * a secret goes (a cookie's value, a secret query parameter, a URL's
 * password, an Authorization or X-Roundcube-Request header, the argument
 * of AUTHENTICATE or LOGIN, a SASL response line, libcurl's "Added
 * cookie" note and its notes of HTTP/2 headers), NAME becomes the cookie's or parameter's name and NOISE
 * (any bytes) the rest of the line. Checked: the secret is not in the
 * output, unless it could come from the rest of the line; the output is
 * at most the input plus "[redacted]" per field. Beyond that the whole
 * input goes through every function as one line and as an IMAP exchange
 * (no crash, no read past it, nothing left allocated).
 */
#include "config.h"

#include <stdio.h>

#include "fuzz.h"
#include "redact.h"

#define SECRET_MIN 6

enum place {
	COOKIE, SET_COOKIE, QUERY, URL_PASSWORD, AUTHORIZATION, CSRF_HEADER,
	IMAP_AUTHENTICATE, IMAP_LOGIN, IMAP_SASL, CURL_COOKIE, TEXT_URL, H2_COOKIE, H2_CSRF,
	NPLACES
};

/* A [start, end) piece of the input. */
struct piece {
	const char *s;
	size_t n;
};

static struct piece next_piece(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	struct piece pc = { *p, (size_t)((nl ? nl : end) - *p) };

	*p = nl ? nl + 1 : end;
	return pc;
}

/* The secret's bytes as token and base64 characters. */
static void map_secret(struct ms_buf *b, struct piece pc)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

	for (size_t i = 0; i < pc.n; i++)
		ms_buf_putc(b, alphabet[(unsigned char)pc.s[i] % (sizeof(alphabet) - 1)]);
}

/* A secret-named parameter or cookie name: NAME's letters, then "_token". */
static void map_name(struct ms_buf *b, struct piece pc)
{
	for (size_t i = 0; i < pc.n && i < 16; i++)
		ms_buf_putc(b, (char)('a' + (unsigned char)pc.s[i] % 26));
	ms_buf_puts(b, "_token");
}

/* The line with secret at its place, then a space and the noise. */
static void build(enum place place, const char *name, const char *secret, struct piece noise,
		  struct ms_buf *line)
{
	switch (place) {
	case COOKIE:
		ms_buf_printf(line, "Cookie: lang=en; %s=%s", name, secret);
		break;
	case SET_COOKIE:
		ms_buf_printf(line, "Set-Cookie: %s=%s; path=/", name, secret);
		break;
	case QUERY:
		ms_buf_printf(line, "GET /?_task=mail&%s=%s&_mbox=INBOX HTTP/1.1", name, secret);
		break;
	case URL_PASSWORD:
		/* a URL's userinfo has its '/' percent-encoded */
		ms_buf_printf(line, "Location: https://%s:", name);
		for (const char *c = secret; *c; c++)
			ms_buf_puts(line, *c == '/' ? "%2F" : (char[]){ *c, '\0' });
		ms_buf_puts(line, "@mail.example/");
		break;
	case AUTHORIZATION:
		ms_buf_printf(line, "Authorization: Basic %s", secret);
		break;
	case CSRF_HEADER:
		ms_buf_printf(line, "X-Roundcube-Request: %s", secret);
		break;
	case IMAP_AUTHENTICATE:
		ms_buf_printf(line, "A002 AUTHENTICATE PLAIN %s", secret);
		break;
	case IMAP_LOGIN:
		ms_buf_printf(line, "A002 LOGIN %s %s", name, secret);
		break;
	case IMAP_SASL:
		ms_buf_puts(line, secret);
		break;
	case CURL_COOKIE:
		ms_buf_printf(line, "Added cookie %s=\"%s\" for domain", name, secret);
		break;
	case H2_COOKIE:
		ms_buf_printf(line, "h2h3 [cookie: lang=en; %s=%s]", name, secret);
		break;
	case H2_CSRF:
		ms_buf_printf(line, "[HTTP/2] [1] [x-roundcube-request: %s]", secret);
		break;
	case TEXT_URL:
	case NPLACES:
		ms_buf_printf(line, "cannot load https://h/?%s=%s", name, secret);
		break;
	}
	/* the noise after a space, where it cannot be part of the secret's field */
	ms_buf_putc(line, ' ');
	ms_buf_add(line, noise.s, noise.n);
}

static void redact_at(enum place place, const char *line, size_t n, struct ms_buf *out)
{
	struct ms_redact_imap st = { false };

	switch (place) {
	case IMAP_SASL:
		ms_redact_imap_line(out, &st, "A003 AUTHENTICATE LOGIN", 23, true);
		ms_redact_imap_line(out, &st, "+ UGFzc3dvcmQ6", 14, false);
		/* the line is the answer to that challenge */
		__attribute__((fallthrough));
	case IMAP_AUTHENTICATE:
	case IMAP_LOGIN:
		ms_redact_imap_line(out, &st, line, n, true);
		break;
	case CURL_COOKIE:
	case TEXT_URL:
	case H2_COOKIE:
	case H2_CSRF:
		ms_redact_curl_text(out, line, n);
		break;
	default:
		ms_redact_http_line(out, line, n);
		break;
	}
}

static void check_place(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	enum place place = (enum place)(data[0] % NPLACES);
	struct ms_buf name = MS_BUF_INIT, secret = MS_BUF_INIT, line = MS_BUF_INIT;
	struct ms_buf out = MS_BUF_INIT, skeleton = MS_BUF_INIT;

	map_name(&name, next_piece(&p, end));
	map_secret(&secret, next_piece(&p, end));
	struct piece noise = { p, (size_t)(end - p) };
	if (secret.len >= SECRET_MIN) {
		build(place, ms_buf_str(&name), ms_buf_str(&secret), noise, &line);
		redact_at(place, line.data, line.len, &out);
		/* where else the secret's text could come from: the line without it */
		build(place, ms_buf_str(&name), "", noise, &skeleton);
		ms_buf_puts(&skeleton, " " MS_REDACTED " A003 AUTHENTICATE LOGIN + UGFzc3dvcmQ6");
		bool elsewhere = memmem(skeleton.data, skeleton.len, secret.data, secret.len) != NULL;
		if (!elsewhere && memmem(out.data, out.len, secret.data, secret.len) != NULL)
			abort();
	}
	ms_buf_free(&name);
	ms_buf_free(&secret);
	ms_buf_free(&line);
	ms_buf_free(&out);
	ms_buf_free(&skeleton);
}

/* The output grows by at most one "[redacted]" per field of the input. */
static void check_bound(size_t n, const struct ms_buf *out)
{
	if (out->len > n + (n + 1) * (sizeof(MS_REDACTED) - 1))
		abort();
}

/* The raw bytes through every function, and as an IMAP exchange line by line. */
static void check_any(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ms_redact_imap st = { false };
	void (*const plain[])(struct ms_buf *, const char *, size_t) = {
		ms_redact_text, ms_redact_http_line, ms_redact_curl_text,
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		struct ms_buf out = MS_BUF_INIT;
		plain[i](&out, s, size);
		check_bound(size, &out);
		ms_buf_free(&out);
	}
	const char *p = s, *end = s + size;
	for (bool client = true; p < end; client = !client) {
		struct piece pc = next_piece(&p, end);
		struct ms_buf out = MS_BUF_INIT;
		ms_redact_imap_line(&out, &st, pc.s, pc.n, client);
		check_bound(pc.n, &out);
		ms_buf_free(&out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	check_place(data, size);
	check_any(data, size);
	return 0;
}
