/*
 * Unit tests: secrets out of what check_webmail_send shows (plugins/webmail_send/redact.c):
 * the trace's HTTP headers and IMAP commands, libcurl's notes, URLs in
 * messages. Each case is a line as libcurl or a server writes it.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "redact.h"
#include "webmail_suites.h"

static void expect_http(const char *line, const char *want)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_redact_http_line(&b, line, strlen(line));
	ck_assert_str_eq(ms_buf_str(&b), want);
	ms_buf_free(&b);
}

static void expect_text(const char *line, const char *want)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_redact_curl_text(&b, line, strlen(line));
	ck_assert_str_eq(ms_buf_str(&b), want);
	ms_buf_free(&b);
}

START_TEST(http_headers)
{
	expect_http("GET /?_task=mail&_token=abc123 HTTP/1.1",
		    "GET /?_task=mail&_token=[redacted] HTTP/1.1");
	expect_http("Cookie: roundcube_sessid=s1; roundcube_sessauth=s2",
		    "Cookie: roundcube_sessid=[redacted]; roundcube_sessauth=[redacted]");
	expect_http("Set-Cookie: roundcube_sessid=abc; path=/; HttpOnly",
		    "Set-Cookie: roundcube_sessid=[redacted]; path=/; HttpOnly");
	expect_http("Location: ./?_task=mail&_mbox=INBOX&_token=T2",
		    "Location: ./?_task=mail&_mbox=INBOX&_token=[redacted]");
	expect_http("X-Roundcube-Request: TOK", "X-Roundcube-Request: [redacted]");
	expect_http("authorization: Basic dXNlcjpwYXNz", "authorization: [redacted]");
	expect_http("Proxy-Authorization: Bearer x", "Proxy-Authorization: [redacted]");
	expect_http("X-Auth-Token: abc", "X-Auth-Token: [redacted]");
	expect_http("Referer: https://u:pw@host/x?session=1&a=b",
		    "Referer: https://u:[redacted]@host/x?session=[redacted]&a=b");
	/* nothing secret: unchanged */
	expect_http("Host: 127.0.0.1:8080", "Host: 127.0.0.1:8080");
	expect_http("HTTP/1.1 302 Found", "HTTP/1.1 302 Found");
	expect_http("Content-Type: text/html; charset=UTF-8", "Content-Type: text/html; charset=UTF-8");
}
END_TEST

START_TEST(imap_exchange)
{
	static const struct { bool client; const char *line, *want; } steps[] = {
		{ true, "A001 CAPABILITY", "A001 CAPABILITY" },
		{ false, "* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN", NULL },
		{ true, "A002 AUTHENTICATE PLAIN AHByb2JlAHB3", "A002 AUTHENTICATE PLAIN [redacted]" },
		{ false, "A002 NO [AUTHENTICATIONFAILED] failed", NULL },
		{ true, "A003 AUTHENTICATE LOGIN", "A003 AUTHENTICATE LOGIN" },
		{ false, "+ VXNlcm5hbWU6", NULL },
		{ true, "cHJvYmU=", "[redacted]" },
		{ false, "+ UGFzc3dvcmQ6", NULL },
		{ true, "a password with spaces", "[redacted]" },
		{ false, "A003 OK Logged in", NULL },
		{ true, "A004 LOGIN probe \"pass word\"", "A004 LOGIN [redacted]" },
		{ true, "A005 LOGIN probe {9}", "A005 LOGIN [redacted]" },
		{ false, "+ OK", NULL },
		{ true, "pass word", "[redacted]" },
		{ false, "A005 OK", NULL },
		{ true, "A006 SELECT \"INBOX\"", "A006 SELECT \"INBOX\"" },
		{ true, "A007 UID SEARCH HEADER Subject \"mailstatus probe 7f\"",
		  "A007 UID SEARCH HEADER Subject \"mailstatus probe 7f\"" },
	};
	struct ms_redact_imap st = { false };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct ms_buf b = MS_BUF_INIT;
		ms_redact_imap_line(&b, &st, steps[i].line, strlen(steps[i].line), steps[i].client);
		ck_assert_str_eq(ms_buf_str(&b), steps[i].want ? steps[i].want : steps[i].line);
		ms_buf_free(&b);
	}
}
END_TEST

START_TEST(curl_notes_and_urls)
{
	expect_text("Added cookie roundcube_sessid=\"c0ffee\" for domain 127.0.0.1, path /, expire 0",
		    "Added cookie roundcube_sessid=\"[redacted]\" for domain 127.0.0.1, path /, expire 0");
	expect_text("Replaced cookie roundcube_sessauth=\"x\" for domain 127.0.0.1",
		    "Replaced cookie roundcube_sessauth=\"[redacted]\" for domain 127.0.0.1");
	expect_text("Connected to 127.0.0.1 (127.0.0.1) port 12080 (#0)",
		    "Connected to 127.0.0.1 (127.0.0.1) port 12080 (#0)");
	/* libcurl's notes of HTTP/2 request headers (7.88, and 8.x) */
	expect_text("h2h3 [cookie: roundcube_sessid=abc; roundcube_sessauth=def]",
		    "h2h3 [cookie: roundcube_sessid=[redacted]; roundcube_sessauth=[redacted]]");
	expect_text("h2h3 [:path: /?_task=mail&_token=T2]", "h2h3 [:path: /?_task=mail&_token=[redacted]]");
	expect_text("[HTTP/2] [1] [x-roundcube-request: tok]",
		    "[HTTP/2] [1] [x-roundcube-request: [redacted]]");
	expect_text("[HTTP/2] [1] [authorization: Basic dXNlcjpwYXNz]",
		    "[HTTP/2] [1] [authorization: [redacted]]");
	expect_text("h2h3 [user-agent: check_webmail_send (mailstatus 0.1.0)]",
		    "h2h3 [user-agent: check_webmail_send (mailstatus 0.1.0)]");

	struct ms_buf b = MS_BUF_INIT;
	const char *msg = "HTTP 500 from http://probe:hunter2@web.example/?_task=mail&_token=T";
	ms_redact_text(&b, msg, strlen(msg));
	ck_assert_str_eq(ms_buf_str(&b),
			 "HTTP 500 from http://probe:[redacted]@web.example/?_task=mail&_token=[redacted]");
	ms_buf_reset(&b);
	ms_redact_text(&b, "_pass=secret&_user=probe", 24);
	ck_assert_str_eq(ms_buf_str(&b), "_pass=[redacted]&_user=probe");
	/* a URL at the start is not a parameter named "https://user:pw" (found by fuzz_redact) */
	ms_buf_reset(&b);
	ms_redact_text(&b, "https://n_token:Ag6=@mail.example/", 34);
	ck_assert_str_eq(ms_buf_str(&b), "https://n_token:[redacted]@mail.example/");
	ms_buf_free(&b);
}
END_TEST

START_TEST(secret_names)
{
	static const char *const secret[] = {
		"_token", "roundcube_sessid", "roundcube_sessauth", "_pass", "password",
		"X-Roundcube-Request", "x-csrf-token", "api_key", "Authorization",
	};
	static const char *const plain[] = { "_task", "_mbox", "_user", "_action", "lang", "Host" };

	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		ck_assert_msg(ms_redact_secret_name(secret[i], strlen(secret[i])), "%s", secret[i]);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		ck_assert_msg(!ms_redact_secret_name(plain[i], strlen(plain[i])), "%s", plain[i]);
}
END_TEST

Suite *redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, http_headers);
	tcase_add_test(tc, imap_exchange);
	tcase_add_test(tc, curl_notes_and_urls);
	tcase_add_test(tc, secret_names);
	suite_add_tcase(s, tc);
	return s;
}
