/*
 * Unit tests: SMTP replies (plugins/greylist/smtp.c): the multi-line parser with
 * enhanced status codes, the RCPT classification, and reading and
 * sending on a loopback connection to a scripted peer.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "greylist_suites.h"
#include "helpers.h"
#include "smtp.h"

/* ms_smtp_reply_feed, its error (if any) in err. */
static enum ms_smtp_feed feed(struct ms_smtp_reply *r, const char *line, size_t len,
			      char *err, size_t errlen)
{
	struct ms_buf why = MS_BUF_INIT;
	enum ms_smtp_feed f = ms_smtp_reply_feed(r, line, len, &why);

	ck_assert_msg((f == MS_SMTP_BAD) == (why.len > 0), "a failure says why, only a failure");
	snprintf(err, errlen, "%s", ms_buf_str(&why));
	ms_buf_free(&why);
	return f;
}

/* Feeds lines until the parser stops asking for more. */
static enum ms_smtp_feed feed_all(struct ms_smtp_reply *r, const char *const *lines,
				  char *err, size_t errlen)
{
	enum ms_smtp_feed f = MS_SMTP_MORE;

	ms_smtp_reply_init(r);
	for (size_t i = 0; lines[i] && f == MS_SMTP_MORE; i++)
		f = feed(r, lines[i], strlen(lines[i]), err, errlen);
	return f;
}

/* The reply described on one line, for comparing. */
static char *describe(const struct ms_smtp_reply *r, size_t max)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_smtp_reply_describe(r, &b, max);
	return ms_buf_steal(&b);
}

START_TEST(single_line)
{
	struct ms_smtp_reply r;
	char err[256];
	const char *lines[] = { "220 mx.example.net ESMTP", NULL };

	ck_assert_int_eq(feed_all(&r, lines, err, sizeof(err)), MS_SMTP_DONE);
	ck_assert_int_eq(r.code, 220);
	ck_assert_str_eq(r.enhanced, "");
	ck_assert_str_eq(ms_buf_str(&r.text), "mx.example.net ESMTP");
	ms_smtp_reply_free(&r);

	const char *bare[] = { "250", NULL };
	ck_assert_int_eq(feed_all(&r, bare, err, sizeof(err)), MS_SMTP_DONE);
	ck_assert_int_eq(r.code, 250);
	ck_assert_uint_eq(r.text.len, 0);
	char *d = describe(&r, 100);
	ck_assert_str_eq(d, "250");
	free(d);
	ms_smtp_reply_free(&r);
}
END_TEST

START_TEST(multi_line_ehlo)
{
	struct ms_smtp_reply r;
	char err[256];
	const char *lines[] = { "250-mx.example.net", "250-PIPELINING", "250-starttls",
				"250-SIZE 10240000", "250 8BITMIME", "250 never read", NULL };

	ck_assert_int_eq(feed_all(&r, lines, err, sizeof(err)), MS_SMTP_DONE);
	ck_assert_uint_eq(r.lines, 5);
	ck_assert(ms_smtp_has_extension(&r, "STARTTLS"));
	ck_assert(ms_smtp_has_extension(&r, "SIZE"));
	ck_assert(ms_smtp_has_extension(&r, "8BITMIME"));
	ck_assert(!ms_smtp_has_extension(&r, "STARTTL"));
	ck_assert(!ms_smtp_has_extension(&r, "mx.example.net"));	/* the greeting line */
	ck_assert(!ms_smtp_has_extension(&r, "AUTH"));
	ms_smtp_reply_free(&r);
}
END_TEST

START_TEST(enhanced_codes)
{
	struct ms_smtp_reply r;
	char err[256];
	const char *grey[] = {
		"450-4.2.0 <b@example.net>: Recipient address rejected:",
		"450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/example.net.html",
		NULL };

	ck_assert_int_eq(feed_all(&r, grey, err, sizeof(err)), MS_SMTP_DONE);
	ck_assert_str_eq(r.enhanced, "4.2.0");
	char *d = describe(&r, 300);
	ck_assert_str_eq(d, "450 4.2.0 <b@example.net>: Recipient address rejected: Greylisted, "
			 "see http://postgrey.schweikert.ch/help/example.net.html");
	free(d);
	d = describe(&r, 10);
	ck_assert_str_eq(d, "450 4.2.0 <b@example...");
	free(d);
	ms_smtp_reply_free(&r);

	/* the class must match the reply code; three digits at most per part */
	static const struct { const char *line, *enhanced, *text; } cases[] = {
		{ "250 2.1.0", "2.1.0", "" },
		{ "250 2.1.0 Ok", "2.1.0", "Ok" },
		{ "550 5.7.1 Relay denied", "5.7.1", "Relay denied" },
		{ "250 4.2.0 odd", "", "4.2.0 odd" },
		{ "250 2.1000.0 x", "", "2.1000.0 x" },
		{ "250 2.1.0x", "", "2.1.0x" },
		{ "250 2..0 x", "", "2..0 x" },
		{ "451 4.3.5 Server configuration problem", "4.3.5", "Server configuration problem" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *one[] = { cases[i].line, NULL };
		ck_assert_int_eq(feed_all(&r, one, err, sizeof(err)), MS_SMTP_DONE);
		ck_assert_msg(strcmp(r.enhanced, cases[i].enhanced) == 0, "%s: enhanced '%s'",
			      cases[i].line, r.enhanced);
		ck_assert_str_eq(ms_buf_str(&r.text), cases[i].text);
		ms_smtp_reply_free(&r);
	}
}
END_TEST

START_TEST(malformed_replies)
{
	static const struct { const char *lines[4]; const char *err; } cases[] = {
		{ { "hello", NULL }, "not an SMTP reply: 'hello'" },
		{ { "25", NULL }, "not an SMTP reply: '25'" },
		{ { "250_ok", NULL }, "not an SMTP reply: '250_ok'" },
		{ { "2500 x", NULL }, "not an SMTP reply: '2500 x'" },
		{ { "150 x", NULL }, "not an SMTP reply code: '150 x'" },
		{ { "600 x", NULL }, "not an SMTP reply code: '600 x'" },
		{ { "290 x", NULL }, "not an SMTP reply code: '290 x'" },
		{ { "250-a", "251 b", NULL },
		  "a reply whose lines have different codes: '251 b'" },
		{ { "250-a", "\x1b[2J", NULL }, "not an SMTP reply: ' [2J'" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ms_smtp_reply r;
		ck_assert_int_eq(feed_all(&r, cases[i].lines, err, sizeof(err)), MS_SMTP_BAD);
		ck_assert_str_eq(err, cases[i].err);
		ms_smtp_reply_free(&r);
	}
}
END_TEST

START_TEST(limits)
{
	struct ms_smtp_reply r;
	char err[256];

	ms_smtp_reply_init(&r);
	ck_assert_int_eq(feed(&r, "250 a\0b", 7, err, sizeof(err)), MS_SMTP_BAD);
	ck_assert(starts_with(err, "a NUL byte in the reply"));
	ms_smtp_reply_free(&r);

	for (int i = 0; i < MS_SMTP_REPLY_LINES_MAX; i++)
		ck_assert_int_eq(feed(&r, "250-x", 5, err, sizeof(err)),
				 MS_SMTP_MORE);
	ck_assert_int_eq(feed(&r, "250 x", 5, err, sizeof(err)), MS_SMTP_BAD);
	ck_assert_str_eq(err, "a reply of more than 128 lines");
	ms_smtp_reply_free(&r);

	/* a finished reply takes no more lines */
	ck_assert_int_eq(feed(&r, "250 x", 5, err, sizeof(err)), MS_SMTP_DONE);
	ck_assert_int_eq(feed(&r, "250 x", 5, err, sizeof(err)), MS_SMTP_BAD);
	ms_smtp_reply_free(&r);
}
END_TEST

START_TEST(classify_rcpt_replies)
{
	static const struct { const char *line; enum ms_smtp_rcpt want; } cases[] = {
		{ "250 2.1.5 Ok", MS_RCPT_ACCEPTED },
		{ "450 4.2.0 <b@x>: Recipient address rejected: Greylisted, see y", MS_RCPT_GREYLISTED },
		{ "450 4.7.1 <b@x>: Recipient address rejected: Greylisted for 5 minutes",
		  MS_RCPT_GREYLISTED },
		{ "451 Greylisting in action, please come back later", MS_RCPT_GREYLISTED },
		{ "451 4.3.5 Server configuration problem", MS_RCPT_POLICY_DOWN },
		{ "451 Server configuration problem", MS_RCPT_POLICY_DOWN },
		{ "450 4.1.8 <a@x>: Sender address rejected: Domain not found", MS_RCPT_DEFERRED },
		{ "452 4.5.3 Too many recipients", MS_RCPT_DEFERRED },
		{ "454 4.7.1 <b@x>: Relay access denied", MS_RCPT_DEFERRED },
		{ "450 4.7.1 Client host rejected: cannot find your hostname", MS_RCPT_DEFERRED },
		{ "550 5.1.1 <b@x>: Recipient address rejected: User unknown", MS_RCPT_REJECTED },
		{ "554 5.7.1 Relay access denied", MS_RCPT_REJECTED },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ms_smtp_reply r;
		const char *one[] = { cases[i].line, NULL };
		ck_assert_int_eq(feed_all(&r, one, err, sizeof(err)), MS_SMTP_DONE);
		ck_assert_msg(ms_smtp_classify_rcpt(&r) == cases[i].want, "%s", cases[i].line);
		ms_smtp_reply_free(&r);
	}
}
END_TEST

/* A peer that greets in pieces, then echoes what it was sent as a reply. */
static void split_peer(int fd)
{
	char buf[512];
	static const char *const parts[] = { "220-mx", ".example.net hi\r", "\n220-sec",
					     "ond\r\n220 third\r\n" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (write(fd, parts[i], strlen(parts[i])) < 0)
			_exit(3);
		usleep(30000);
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		_exit(1);
	buf[n] = '\0';
	char reply[600];
	snprintf(reply, sizeof(reply), "250 got %s", buf);	/* buf ends in CRLF */
	if (write(fd, reply, strlen(reply)) < 0)
		_exit(3);
	usleep(200000);
	_exit(0);
}

START_TEST(read_split_reply_and_send)
{
	int port;
	int lfd = listen_loopback(&port);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			split_peer(fd);
		_exit(4);
	}
	close(lfd);

	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_smtp_reply r;
	char p[16];
	snprintf(p, sizeof(p), "%d", port);
	ms_smtp_reply_init(&r);
	ck_assert_int_eq(ms_tcp_connect(&c, "127.0.0.1", p, ms_now_ms() + 5000, &err), MS_NET_OK);
	ck_assert_msg(ms_smtp_read_reply(&c, &r, ms_now_ms() + 5000, &err) == MS_NET_OK, "%s",
		      ms_buf_str(&err));
	ck_assert_int_eq(r.code, 220);
	ck_assert_str_eq(ms_buf_str(&r.text), "mx.example.net hi\nsecond\nthird");

	/* a line break in a command is refused before anything is sent */
	ck_assert_int_ne(ms_smtp_command(&c, "RSET\r\nDATA", &r, ms_now_ms() + 5000, &err),
			 MS_NET_OK);
	ck_assert_int_ne(ms_smtp_rcpt_to(&c, "a>\r\nDATA", &r, ms_now_ms() + 5000, &err),
			 MS_NET_OK);

	ck_assert_msg(ms_smtp_rcpt_to(&c, "b@example.net", &r, ms_now_ms() + 5000,
				      emptied(&err)) == MS_NET_OK, "%s", ms_buf_str(&err));
	ck_assert_str_eq(ms_buf_str(&r.text), "got RCPT TO:<b@example.net>");
	ms_smtp_reply_free(&r);
	ms_buf_free(&err);
	ms_conn_close(&c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

/*
 * Random lines (a fixed seed, so a failure repeats): the parser never
 * reads past a line, and whatever it accepts is a valid reply.
 */
START_TEST(random_lines_never_break_the_parser)
{
	static const char alphabet[] = "0123456789 -.245\r\n\t\0abcXYZ<>\xC3\xFF";
	char line[64], err[256];

	srand(4);
	for (int round = 0; round < 20000; round++) {
		struct ms_smtp_reply r;
		enum ms_smtp_feed f = MS_SMTP_MORE;
		ms_smtp_reply_init(&r);
		for (int n = 0; n < 5 && f == MS_SMTP_MORE; n++) {
			size_t len = (size_t)(rand() % (int)sizeof(line));
			for (size_t i = 0; i < len; i++)
				line[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
			/* often a plausible start, so the later checks are reached too */
			if (len >= 4 && rand() % 2)
				memcpy(line, rand() % 2 ? "450-" : "250 ", 4);
			f = feed(&r, line, len, err, sizeof(err));
		}
		if (f == MS_SMTP_DONE) {
			ck_assert_int_ge(r.code, 200);
			ck_assert_int_le(r.code, 559);
			ck_assert_uint_lt(strlen(r.enhanced), sizeof(r.enhanced));
			ck_assert(r.enhanced[0] == '\0' || r.enhanced[0] == (char)('0' + r.code / 100));
			struct ms_buf d = MS_BUF_INIT;
			ms_smtp_reply_describe(&r, &d, 40);
			ck_assert_uint_le(d.len, 4 + 12 + 40 + 3);
			ms_buf_free(&d);
		} else if (f == MS_SMTP_BAD) {
			ck_assert_uint_gt(strlen(err), 0);
		}
		ms_smtp_reply_free(&r);
	}
}
END_TEST

Suite *smtp_suite(void)
{
	Suite *s = suite_create("smtp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, single_line);
	tcase_add_test(tc, multi_line_ehlo);
	tcase_add_test(tc, enhanced_codes);
	tcase_add_test(tc, malformed_replies);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, classify_rcpt_replies);
	tcase_add_test(tc, read_split_reply_and_send);
	tcase_add_test(tc, random_lines_never_break_the_parser);
	suite_add_tcase(s, tc);
	return s;
}
