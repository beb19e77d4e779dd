/*
 * Unit tests: e-mail to subscribers: [smtp] in publish.conf
 * (publisher/cli/conf.c), the message (publisher/deliver/mail_message.c)
 * and the channel's handle and verdicts (publisher/deliver/email.c).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "delivery.h"
#include "email.h"
#include "helpers.h"
#include "mail_message.h"
#include "test_publish_suites.h"
#include "xalloc.h"

/* --- decoding what the composer wrote ------------------------------------ */

/* The header name: its value, unfolded (CRLF before a blank removed), or NULL. */
static char *header(const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");

	for (const char *l = msg; l && l < end; l = strstr(l, "\r\n"), l = l ? l + 2 : NULL) {
		struct ms_buf v = MS_BUF_INIT;

		if (strncasecmp(l, name, n) != 0 || l[n] != ':')
			continue;
		for (l += n + 1; *l == ' '; l++)
			;
		while (*l) {
			if (l[0] == '\r' && l[1] == '\n') {
				if (l[2] != ' ' && l[2] != '\t')
					break;
				l += 2;
				continue;
			}
			ms_buf_putc(&v, *l++);
		}
		return ms_buf_steal(&v);
	}
	return NULL;
}

static int b64_digit(char c)
{
	const char *d = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *at = c ? strchr(d, c) : NULL;

	return at ? (int)(at - d) : -1;
}

/* RFC 2047 B encoded-words decoded, the blanks between two of them dropped. */
static char *decode_words(const char *v)
{
	struct ms_buf out = MS_BUF_INIT;
	bool after_word = false;

	while (*v) {
		if (strncmp(v, "=?utf-8?B?", 10) == 0) {
			const char *end = strstr(v + 10, "?=");
			unsigned long acc = 0;
			int bits = 0;

			ck_assert_ptr_nonnull(end);
			ck_assert_msg(end + 2 - v <= 75, "an encoded-word of %d characters",
				      (int)(end + 2 - v));
			for (const char *s = v + 10; s < end && *s != '='; s++) {
				acc = acc << 6 | (unsigned long)b64_digit(*s);
				if ((bits += 6) >= 8) {
					bits -= 8;
					ms_buf_putc(&out, (char)((acc >> bits) & 0xff));
				}
			}
			v = end + 2;
			after_word = true;
			continue;
		}
		if (after_word && *v == ' ' && strncmp(v + strspn(v, " "), "=?", 2) == 0) {
			v += strspn(v, " ");
			continue;
		}
		after_word = false;
		ms_buf_putc(&out, *v++);
	}
	return ms_buf_steal(&out);
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The body of the part whose Content-Type begins with type, QP-decoded (CRLF kept). */
static char *part(const char *msg, const char *type)
{
	struct ms_buf want = MS_BUF_INIT, out = MS_BUF_INIT;
	const char *s, *end;

	ms_buf_printf(&want, "Content-Type: %s", type);
	s = strstr(msg, want.data);
	ck_assert_msg(s != NULL, "no %s part", type);
	ck_assert_ptr_nonnull(strstr(s, "Content-Transfer-Encoding: quoted-printable\r\n"));
	s = strstr(s, "\r\n\r\n") + 4;
	end = strstr(s, "\r\n--=_mailstatus_alternative");
	ck_assert_ptr_nonnull(end);
	while (s < end) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			ck_assert_msg(hex(s[1]) >= 0 && hex(s[2]) >= 0, "bad QP escape '%.3s'", s);
			ms_buf_putc(&out, (char)(hex(s[1]) * 16 + hex(s[2])));
			s += 3;
		} else {
			ms_buf_putc(&out, *s++);
		}
	}
	ms_buf_free(&want);
	return ms_buf_steal(&out);
}

/* Every line ends in CRLF, is at most max bytes, and every byte is 7-bit and not NUL. */
static void assert_wire_safe(const char *msg, size_t len, size_t max)
{
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];

		ck_assert_msg(c != 0 && c < 0x80, "byte %zu is 0x%02x", i, c);
		if (c == '\n') {
			ck_assert_msg(i > 0 && msg[i - 1] == '\r', "a bare LF at %zu", i);
			col = 0;
			continue;
		}
		if (c == '\r')
			ck_assert_msg(i + 1 < len && msg[i + 1] == '\n', "a bare CR at %zu", i);
		else
			ck_assert_msg(++col <= max, "a line longer than %zu at %zu: %.60s", max, i,
				      msg + i - col + 1);
	}
	ck_assert_msg(len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n',
		      "the message does not end in CRLF");
}

/* --- a post ---------------------------------------------------------------- */

static const struct pub_mail_envelope ENV = {
	.site_title = "Example Mail Status",
	.site_url = "https://Status.Example.NET:8443/mail/",
	.from = "status@example.net",
	.to = "alice@customer.example",
	.list_unsubscribe = "mailto:unsubscribe@example.net?subject=unsubscribe",
};

static struct pub_delivery_item item(void)
{
	return (struct pub_delivery_item){
		.delivery_id = "d41f0c5e9a",
		.post = 7,
		.guid = "post-7",
		.cluster = "email-cluster-b",
		.cluster_name = "Email Cluster B",
		.title = "Email Cluster B is Degraded",
		.state = "Degraded",
		.url = "https://status.example.net:8443/mail/posts/7.html",
		.published_at = 1795017420,	/* Wed, 18 Nov 2026 15:57:00 UTC */
		.text = "Mail Storage 2 is offline.\nWe are on it.",
		.html = "<p>Mail Storage 2 is <strong>offline</strong>.</p><p>We are on it.</p>",
		.attempts = 0,
	};
}

static char *compose(const struct pub_mail_envelope *env, const struct pub_delivery_item *it,
		     size_t *len)
{
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;

	ck_assert_msg(pub_mail_compose(env, it, &out, &err), "%s", ms_buf_str(&err));
	ck_assert_uint_eq(err.len, 0);
	if (len)
		*len = out.len;
	ms_buf_free(&err);
	return ms_buf_steal(&out);
}

static void assert_header(const char *msg, const char *name, const char *want)
{
	char *v = header(msg, name);

	ck_assert_msg(v != NULL, "no %s header in:\n%s", name, msg);
	ck_assert_msg(strcmp(v, want) == 0, "%s: '%s', want '%s'", name, v, want);
	free(v);
}

START_TEST(headers_of_a_post)
{
	struct pub_delivery_item it = item();
	size_t len;
	char *msg = compose(&ENV, &it, &len);

	assert_wire_safe(msg, len, 78);
	assert_header(msg, "From", "\"Example Mail Status\" <status@example.net>");
	assert_header(msg, "To", "alice@customer.example");
	assert_header(msg, "Subject", "Email Cluster B is Degraded");
	assert_header(msg, "Date", "Wed, 18 Nov 2026 15:57:00 +0000");
	assert_header(msg, "Message-ID", "<d41f0c5e9a@status.example.net>");
	assert_header(msg, "MIME-Version", "1.0");
	assert_header(msg, "Content-Type",
		      "multipart/alternative; boundary=\"=_mailstatus_alternative\"");
	assert_header(msg, "List-Id",
		      "\"Example Mail Status\" <example-mail-status.status.example.net>");
	assert_header(msg, "List-Unsubscribe",
		      "<mailto:unsubscribe@example.net?subject=unsubscribe>");
	assert_header(msg, "Auto-Submitted", "auto-generated");
	assert_header(msg, "X-Mailstatus-Delivery", "d41f0c5e9a");
	free(msg);

	/* no List-Unsubscribe unless the operator sets one */
	struct pub_mail_envelope env = ENV;
	env.list_unsubscribe = NULL;
	msg = compose(&env, &it, NULL);
	ck_assert_ptr_null(header(msg, "List-Unsubscribe"));
	ck_assert_ptr_null(strstr(msg, "unsubscribe@"));
	free(msg);
}
END_TEST

START_TEST(both_parts_carry_the_post)
{
	struct pub_delivery_item it = item();
	char *msg = compose(&ENV, &it, NULL);
	char *text = part(msg, "text/plain; charset=utf-8");
	char *html = part(msg, "text/html; charset=utf-8");

	ck_assert_msg(starts_with(text, "Email Cluster B is Degraded\r\n\r\n"
				  "Mail Storage 2 is offline.\r\nWe are on it.\r\n\r\n"
				  "On the status page: https://status.example.net:8443/mail/posts/7.html"),
		      "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "To unsubscribe, write to unsubscribe@example.net\r\n"));
	ck_assert_ptr_nonnull(strstr(html, "<title>Email Cluster B is Degraded</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<h1>Email Cluster B is Degraded</h1>"));
	ck_assert_msg(strstr(html, "<p>Mail Storage 2 is <strong>offline</strong>.</p>") != NULL,
		      "%s", html);
	ck_assert_ptr_nonnull(strstr(html,
		"<a href=\"https://status.example.net:8443/mail/posts/7.html\">On the status page</a>"));
	ck_assert_ptr_nonnull(strstr(html,
		"<a href=\"mailto:unsubscribe@example.net?subject=unsubscribe\">Unsubscribe</a>"));
	ck_assert_ptr_nonnull(strstr(html, "charset=UTF-8"));
	/* the boundary opens each part and closes the message, nothing else */
	size_t n = 0;
	for (const char *s = msg; (s = strstr(s, "=_mailstatus_alternative")) != NULL; s++)
		n++;
	ck_assert_uint_eq(n, 4);	/* the header's and three delimiters */
	ck_assert_ptr_nonnull(strstr(msg, "\r\n--=_mailstatus_alternative--\r\n"));
	free(text);
	free(html);
	free(msg);
}
END_TEST

/* A title that is not ASCII, a long one, and a body that tests QP. */
START_TEST(encoding_keeps_text_and_lines)
{
	struct pub_delivery_item it = item();
	struct ms_buf longtitle = MS_BUF_INIT, body = MS_BUF_INIT;
	char *msg, *v, *text;
	size_t len;

	it.title = "St\xC3\xB6rung: E-Mail-Cluster B \xE2\x80\x94 Zustellung verz\xC3\xB6gert";
	it.html = "<p>\xC3\xBC</p>";
	msg = compose(&ENV, &it, &len);
	assert_wire_safe(msg, len, 78);
	v = header(msg, "Subject");
	ck_assert_msg(starts_with(v, "=?utf-8?B?"), "%s", v);
	free(v);
	v = header(msg, "Subject");
	char *d = decode_words(v);
	ck_assert_str_eq(d, it.title);
	free(d);
	free(v);
	text = part(msg, "text/html");
	ck_assert_ptr_nonnull(strstr(text, "<p>\xC3\xBC</p>"));
	free(text);
	free(msg);

	/* 40 words: folded at blanks, every line at most 78, unfolded the same */
	for (int i = 0; i < 40; i++)
		ms_buf_printf(&longtitle, "%sword%d", i ? " " : "", i);
	it.title = longtitle.data;
	/* the body: a 3000-byte line, '=' and the boundary, dots and From at line starts,
	 * trailing blanks, a lone CR, and text that is not ASCII */
	for (int i = 0; i < 3000; i++)
		ms_buf_putc(&body, (char)('a' + i % 26));
	ms_buf_puts(&body, "\n=_mailstatus_alternative\n--=_mailstatus_alternative--\n"
		    ".\nFrom here on \nx\ty\t\nlone\rCR \xE2\x82\xAC 1=2\n");
	it.text = body.data;
	msg = compose(&ENV, &it, &len);
	assert_wire_safe(msg, len, 78);
	v = header(msg, "Subject");
	ck_assert_str_eq(v, longtitle.data);
	free(v);
	ck_assert_ptr_nonnull(strstr(msg, "\r\nSubject: word0 "));
	text = part(msg, "text/plain");
	ck_assert_msg(strstr(text, "\r\n=_mailstatus_alternative\r\n--=_mailstatus_alternative--\r\n"
			     ".\r\nFrom here on \r\nx\ty\t\r\nlone\rCR \xE2\x82\xAC 1=2") != NULL,
		      "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "xyzabc"));
	ck_assert_uint_eq(strlen(text) > 3000, 1);
	/* encoded, the dangerous starts of lines are escaped */
	ck_assert_ptr_nonnull(strstr(msg, "\r\n=2E\r\n=46rom here on=20\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\n=3D_mailstatus_alternative\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "lone=0DCR =E2=82=AC 1=3D2"));
	free(text);
	free(msg);

	/* one word too long to fold: encoded-words, still within 78, the same text decoded */
	ms_buf_reset(&longtitle);
	ms_buf_puts(&longtitle, "Outage: ");
	for (int i = 0; i < 100; i++)
		ms_buf_putc(&longtitle, (char)('a' + i % 26));
	it.title = longtitle.data;
	it.text = "x";
	msg = compose(&ENV, &it, &len);
	assert_wire_safe(msg, len, 78);
	v = header(msg, "Subject");
	ck_assert_msg(starts_with(v, "=?utf-8?B?"), "%s", v);
	d = decode_words(v);
	ck_assert_str_eq(d, longtitle.data);
	free(d);
	free(v);
	free(msg);
	ms_buf_free(&longtitle);
	ms_buf_free(&body);
}
END_TEST

/* A CR or LF in a title or the site's name never starts a header of its own. */
START_TEST(header_injection_is_folded_away)
{
	struct pub_delivery_item it = item();
	struct pub_mail_envelope env = ENV;
	char *msg, *v;
	size_t len;

	it.title = "Down\r\nBcc: victim@example.org\r\n\r\nforged body";
	env.site_title = "Status\nX-Evil: 1\r\nReply-To: <x@evil.example>";
	msg = compose(&env, &it, &len);
	assert_wire_safe(msg, len, 78);
	ck_assert_ptr_null(header(msg, "Bcc"));
	ck_assert_ptr_null(header(msg, "X-Evil"));
	ck_assert_ptr_null(header(msg, "Reply-To"));
	ck_assert_ptr_null(strstr(msg, "\r\nBcc:"));
	ck_assert_ptr_null(strstr(msg, "\r\nX-Evil:"));
	v = header(msg, "Subject");
	ck_assert_str_eq(v, "Down Bcc: victim@example.org forged body");
	free(v);
	v = header(msg, "From");
	ck_assert_str_eq(v, "\"Status X-Evil: 1 Reply-To: <x@evil.example>\" <status@example.net>");
	free(v);
	free(msg);

	/* a quote or backslash in the name stays inside its quoted-string */
	env.site_title = "Say \"hi\" \\ bye";
	msg = compose(&env, &it, NULL);
	v = header(msg, "From");
	ck_assert_str_eq(v, "\"Say \\\"hi\\\" \\\\ bye\" <status@example.net>");
	free(v);
	free(msg);

	/* "=?" in a plain title is encoded, so no reader decodes what is not a word */
	it.title = "=?utf-8?B?QmNjOg==?=";
	msg = compose(&env, &it, NULL);
	v = header(msg, "Subject");
	char *d = decode_words(v);
	ck_assert_str_eq(d, "=?utf-8?B?QmNjOg==?=");
	free(d);
	free(v);
	free(msg);
}
END_TEST

/* A retry is the same message, byte for byte; another delivery another Message-ID. */
START_TEST(message_id_is_the_delivery)
{
	struct pub_delivery_item it = item();
	char *first = compose(&ENV, &it, NULL), *again, *other, *v;

	it.attempts = 3;
	again = compose(&ENV, &it, NULL);
	ck_assert_str_eq(first, again);
	it.delivery_id = "d41f0c5e9b";
	other = compose(&ENV, &it, NULL);
	v = header(other, "Message-ID");
	ck_assert_str_eq(v, "<d41f0c5e9b@status.example.net>");
	free(v);
	/* an ID with bytes a Message-ID may not hold: escaped, the same every time */
	it.delivery_id = "a b@c<d>";
	free(other);
	other = compose(&ENV, &it, NULL);
	v = header(other, "Message-ID");
	ck_assert_str_eq(v, "<a=20b=40c=3Cd=3E@status.example.net>");
	free(v);
	free(first);
	free(again);
	free(other);
}
END_TEST

START_TEST(addresses)
{
	struct pub_delivery_item it = item();
	struct pub_mail_envelope env = ENV;
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;

	ck_assert(pub_mail_address_valid("alice@customer.example"));
	ck_assert(pub_mail_address_valid("a.b+tag@x-y.example"));
	ck_assert(pub_mail_address_valid("root@localhost"));
	ck_assert(!pub_mail_address_valid("alice"));
	ck_assert(!pub_mail_address_valid("@example.net"));
	ck_assert(!pub_mail_address_valid("alice@"));
	ck_assert(!pub_mail_address_valid("a..b@example.net"));
	ck_assert(!pub_mail_address_valid(".a@example.net"));
	ck_assert(!pub_mail_address_valid("a@-example.net"));
	ck_assert(!pub_mail_address_valid("a@example..net"));
	ck_assert(!pub_mail_address_valid("a b@example.net"));
	ck_assert(!pub_mail_address_valid("a@example.net\r\nBcc: b@example.net"));
	ck_assert(!pub_mail_address_valid("\"Name\" <a@example.net>"));
	ck_assert(!pub_mail_address_valid("a@b@example.net"));
	ck_assert(pub_mail_mailto_valid("mailto:u@example.net"));
	ck_assert(pub_mail_mailto_valid("mailto:u@example.net?subject=unsubscribe%20me"));
	ck_assert(!pub_mail_mailto_valid("https://example.net/unsubscribe"));
	ck_assert(!pub_mail_mailto_valid("mailto:u@example.net?subject=a b"));
	ck_assert(!pub_mail_mailto_valid("mailto:u@example.net>"));

	env.to = "bob@example.net>\r\nBcc: x@y";
	ck_assert(!pub_mail_compose(&env, &it, &out, &err));
	ck_assert_uint_eq(out.len, 0);
	ck_assert_ptr_nonnull(strstr(err.data, "is not an e-mail address"));
	ms_buf_free(&out);
	ms_buf_free(&err);
}
END_TEST

/* --- the channel's verdict ------------------------------------------------- */

static const struct {
	CURLcode rc;
	long code;
	const char *reply;
	enum pub_delivery_outcome want;
	const char *reason;	/* in err, or NULL when delivered */
} verdicts[] = {
	{ CURLE_OK, 250, "250 2.0.0 Ok: queued as 4F1X", PUB_DELIVERED, NULL },
	{ CURLE_SEND_ERROR, 550,
	  "550 5.1.1 <nobody@mailstatus.test>: Recipient address rejected: User unknown",
	  PUB_DELIVERY_FAILED, "refused the message for good: '550 5.1.1 <nobody@mailstatus.test>: "
	  "Recipient address rejected: User unknown'" },
	{ CURLE_WEIRD_SERVER_REPLY, 552, "552 5.3.4 Message size exceeds fixed limit",
	  PUB_DELIVERY_FAILED, "'552 5.3.4 Message size exceeds fixed limit'" },
	{ CURLE_SEND_ERROR, 450, "450 4.2.0 <a@b.test>: Recipient address rejected: Greylisted",
	  PUB_DELIVERY_RETRY, "deferred the message: '450 4.2.0 <a@b.test>: Recipient address "
	  "rejected: Greylisted'" },
	{ CURLE_SEND_ERROR, 421, NULL, PUB_DELIVERY_RETRY, "deferred the message: 421 (" },
	{ CURLE_COULDNT_CONNECT, 0, NULL, PUB_DELIVERY_RETRY, "cannot send through the relay: " },
	{ CURLE_OPERATION_TIMEDOUT, 250, NULL, PUB_DELIVERY_RETRY, "cannot send through" },
	{ CURLE_GOT_NOTHING, 0, NULL, PUB_DELIVERY_RETRY, "cannot send through" },
	{ CURLE_USE_SSL_FAILED, 250, NULL, PUB_DELIVERY_RETRY,
	  "the relay offers no STARTTLS, and [smtp] requires it" },
	{ CURLE_PEER_FAILED_VERIFICATION, 220, NULL, PUB_DELIVERY_RETRY, "TLS with the relay failed: " },
	{ CURLE_LOGIN_DENIED, 535, "535 5.7.8 Error: authentication failed", PUB_DELIVERY_RETRY,
	  "refused the login of [smtp] user: '535 5.7.8 Error: authentication failed'; check" },
};

START_TEST(outcome_of_a_transfer)
{
	struct ms_buf err = MS_BUF_INIT;
	enum pub_delivery_outcome got = pub_email_classify(verdicts[_i].rc, verdicts[_i].code,
							   verdicts[_i].reply, "", &err);

	ck_assert_int_eq(got, verdicts[_i].want);
	if (verdicts[_i].reason == NULL)
		ck_assert_uint_eq(err.len, 0);
	else
		ck_assert_msg(strstr(ms_buf_str(&err), verdicts[_i].reason) != NULL,
			      "reason '%s', want '%s'", ms_buf_str(&err), verdicts[_i].reason);
	ms_buf_free(&err);
}
END_TEST

/* --- [smtp] in publish.conf ------------------------------------------------ */

#define HEAD "[publisher]\ntitle = Example Status\nbase_url = https://status.example.net/\n" \
	     "output_dir = /tmp/o\nstore = /tmp/s.db\nsource = statusdat:/tmp/st.dat\n" \
	     "[cluster a]\nname = A\nservice = S\n[component a c]\nname = C\nmember = h\n"

static struct pub_config *load_text(const char *text, struct ms_buf *err)
{
	char *path = temp_file(text);
	struct pub_config *c = pub_config_load(path, emptied(err));

	unlink(path);
	free(path);
	return c;
}

START_TEST(smtp_section_is_read)
{
	struct ms_buf err = MS_BUF_INIT, text = MS_BUF_INIT;
	char *dir = temp_dir(), *pw;
	struct pub_config *c;

	/* without [smtp]: no e-mail */
	c = load_text(HEAD, &err);
	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_ptr_null(c->smtp);
	pub_config_free(c);

	pw = ms_xasprintf("%s/smtp.pw", dir);
	FILE *fp = fopen(pw, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("s3cret-pw\n", fp);
	fclose(fp);
	chmod(pw, 0600);
	ms_buf_printf(&text, HEAD "[smtp]\nurl = smtp://relay.example.net:587\n"
		      "from = status@example.net\nuser = status\npassword_file = %s\n"
		      "ca_file = relay-ca.pem\nlist_unsubscribe = mailto:u@example.net\n", pw);
	c = load_text(text.data, &err);
	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert_ptr_nonnull(c->smtp);
	ck_assert_str_eq(c->smtp->url, "smtp://relay.example.net:587");
	ck_assert_str_eq(c->smtp->from, "status@example.net");
	ck_assert_str_eq(c->smtp->user, "status");
	ck_assert_str_eq(c->smtp->password_file, pw);
	ck_assert_msg(c->smtp->ca_file[0] == '/' && strstr(c->smtp->ca_file, "/relay-ca.pem"),
		      "%s", c->smtp->ca_file);
	ck_assert(!c->smtp->insecure);
	ck_assert_str_eq(c->smtp->list_unsubscribe, "mailto:u@example.net");
	ck_assert_str_eq(c->smtp->site_title, "Example Status");
	ck_assert_str_eq(c->smtp->site_url, "https://status.example.net/");
	ck_assert_uint_eq(c->smtp->line, 13);
	pub_config_free(c);

	/* a password file others may read is refused, on its line, without its contents */
	chmod(pw, 0644);
	c = load_text(text.data, &err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err.data, ":17: password_file ") != NULL &&
		      strstr(err.data, "chmod 600") != NULL, "%s", err.data);
	ck_assert_ptr_null(strstr(err.data, "s3cret"));

	c = load_text(HEAD "[smtp]\nurl = smtps://relay.example.net\nfrom = s@example.net\n"
		      "insecure = yes\n", &err);
	ck_assert_msg(c != NULL, "%s", ms_buf_str(&err));
	ck_assert(c->smtp->insecure);
	ck_assert_ptr_null(c->smtp->user);
	ck_assert_ptr_null(c->smtp->list_unsubscribe);
	pub_config_free(c);

	unlink(pw);
	free(pw);
	remove_tree(dir);
	free(dir);
	ms_buf_free(&err);
	ms_buf_free(&text);
}
END_TEST

static const struct {
	const char *text;	/* after HEAD (12 lines) */
	const char *error;	/* after "PATH:" */
} bad_smtp[] = {
	{ "[smtp]\nurl = http://relay.example.net/\nfrom = s@example.net\n",
	  "14: url must start with smtp:// (STARTTLS) or smtps://, not 'http://relay.example.net/'" },
	{ "[smtp]\nurl = relay.example.net:25\n", "14: url must start with smtp://" },
	{ "[smtp]\nurl = smtp://\n", "14: url has no host name: 'smtp://'" },
	{ "[smtp]\nurl = smtp://user:pw@relay.example.net\n",
	  "14: url holds a login; write it as user and password_file" },
	{ "[smtp]\nurl = smtp://relay.example.net\n", "13: [smtp] has no from (the sender's" },
	{ "[smtp]\nfrom = s@example.net\n", "13: [smtp] has no url (the relay" },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = Status <s@example.net>\n",
	  "15: from must be an e-mail address such as status@example.net, not 'Status " },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = s@example.net\nuser = u\n",
	  "13: [smtp] has user but no password_file" },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = s@example.net\npassword_file = /x\n",
	  "13: [smtp] has password_file but no user" },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = s@example.net\ninsecure = perhaps\n",
	  "16: insecure must be yes or no, not 'perhaps'" },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = s@example.net\n"
	  "list_unsubscribe = https://example.net/u\n",
	  "16: list_unsubscribe must be a mailto: URL such as mailto:" },
	{ "[smtp]\nurl = smtp://r.example.net\nurl = smtp://s.example.net\n",
	  "15: url is already set in [smtp] on line 14" },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = s@example.net\n[smtp]\n",
	  "16: a second [smtp] section" },
	{ "[smtp]\nurl = smtp://r.example.net\nfrom = s@example.net\nport = 25\n",
	  "16: unknown key 'port' in [smtp] (url, from, user, password_file, ca_file, "
	  "insecure, list_unsubscribe)" },
};

START_TEST(smtp_section_is_refused_with_line)
{
	struct ms_buf err = MS_BUF_INIT, text = MS_BUF_INIT;
	struct pub_config *c;

	ms_buf_printf(&text, HEAD "%s", bad_smtp[_i].text);
	c = load_text(text.data, &err);
	ck_assert_msg(c == NULL, "accepted:\n%s", bad_smtp[_i].text);
	ck_assert_msg(strstr(err.data, bad_smtp[_i].error) != NULL && strstr(err.data, ":") != NULL,
		      "got '%s', want '%s'", err.data, bad_smtp[_i].error);
	ms_buf_free(&err);
	ms_buf_free(&text);
}
END_TEST

/* --- the channel's handle -------------------------------------------------- */

START_TEST(channel_needs_smtp_and_a_private_password)
{
	struct pub_subscriber sub = { .name = "alice", .kind = PUB_SUBSCRIBER_EMAIL,
				      .target = "alice@customer.example" };
	struct pub_smtp smtp = { .url = "smtp://127.0.0.1:1", .from = "status@example.net",
				 .site_title = "Example Status",
				 .site_url = "https://status.example.net/" };
	struct pub_delivery_item it = item();
	struct ms_buf err = MS_BUF_INIT;
	struct pub_channel_transfer *t;
	char *dir = temp_dir(), *pw = ms_xasprintf("%s/pw", dir);
	CURL *h = NULL;
	FILE *fp;

	t = pub_email_channel.start(&sub, NULL, &it, 0, &h, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err.data, "no [smtp] section"));

	fp = fopen(pw, "w");
	fputs("the-relay-password\n", fp);
	fclose(fp);
	chmod(pw, 0640);
	smtp.user = "status";
	smtp.password_file = pw;
	t = pub_email_channel.start(&sub, &smtp, &it, 0, &h, emptied(&err));
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err.data, "is open to its group") != NULL, "%s", err.data);
	ck_assert_ptr_null(strstr(err.data, "the-relay-password"));

	chmod(pw, 0600);
	t = pub_email_channel.start(&sub, &smtp, &it, 0, &h, emptied(&err));
	ck_assert_msg(t != NULL, "%s", ms_buf_str(&err));
	ck_assert_ptr_nonnull(h);
	pub_email_channel.done(t);

	/* a subscriber whose address is no address: nothing is sent */
	sub.target = "alice@customer.example\r\nRCPT TO:<x@y>";
	h = NULL;
	t = pub_email_channel.start(&sub, &smtp, &it, 0, &h, emptied(&err));
	ck_assert_ptr_null(t);
	ck_assert_ptr_null(h);
	ck_assert_ptr_nonnull(strstr(err.data, "is not an e-mail address"));

	unlink(pw);
	free(pw);
	remove_tree(dir);
	free(dir);
	ms_buf_free(&err);
}
END_TEST

Suite *publish_mail_suite(void)
{
	Suite *s = suite_create("publish_mail");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, headers_of_a_post);
	tcase_add_test(tc, both_parts_carry_the_post);
	tcase_add_test(tc, encoding_keeps_text_and_lines);
	tcase_add_test(tc, header_injection_is_folded_away);
	tcase_add_test(tc, message_id_is_the_delivery);
	tcase_add_test(tc, addresses);
	tcase_add_loop_test(tc, outcome_of_a_transfer, 0,
			    (int)(sizeof(verdicts) / sizeof(verdicts[0])));
	tcase_add_test(tc, smtp_section_is_read);
	tcase_add_loop_test(tc, smtp_section_is_refused_with_line, 0,
			    (int)(sizeof(bad_smtp) / sizeof(bad_smtp[0])));
	tcase_add_test(tc, channel_needs_smtp_and_a_private_password);
	suite_add_tcase(s, tc);
	return s;
}
