/*
 * Unit tests: the Postfix policy protocol (plugins/greylist/policy.c): the request
 * writer, the reply parser and classifier, and one exchange with a
 * scripted peer on loopback.
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
#include "policy.h"

static const struct ms_policy_request sample = {
	.client_address = "192.0.2.7", .helo_name = "probe.example.com",
	.sender = "a@example.com", .recipient = "b@example.net", .instance = "1a.2b.0",
};

/* ms_policy_reply_feed, its error (if any) in err. */
static enum ms_policy_feed feed(struct ms_policy_reply *r, const char *line, size_t len,
				char *err, size_t errlen)
{
	struct ms_buf why = MS_BUF_INIT;
	enum ms_policy_feed f = ms_policy_reply_feed(r, line, len, &why);

	ck_assert_msg((f == MS_POLICY_BAD) == (why.len > 0), "a failure says why, only a failure");
	snprintf(err, errlen, "%s", ms_buf_str(&why));
	ms_buf_free(&why);
	return f;
}

/* ms_policy_format_request, its error (if any) in err. */
static bool format_request(struct ms_buf *b, const struct ms_policy_request *rq, char *err,
			   size_t errlen)
{
	struct ms_buf why = MS_BUF_INIT;
	bool ok = ms_policy_format_request(b, rq, &why);

	snprintf(err, errlen, "%s", ms_buf_str(&why));
	ms_buf_free(&why);
	return ok;
}

/* Feeds the lines of a reply; returns what the last line gave. */
static enum ms_policy_feed feed_all(struct ms_policy_reply *r, const char *const *lines,
				    char *err, size_t errlen)
{
	enum ms_policy_feed f = MS_POLICY_MORE;

	ms_policy_reply_init(r);
	for (size_t i = 0; lines[i] && f == MS_POLICY_MORE; i++)
		f = feed(r, lines[i], strlen(lines[i]), err, errlen);
	return f;
}

START_TEST(request_has_every_attribute)
{
	struct ms_buf b = MS_BUF_INIT;
	char err[256];
	static const char *const attrs[] = {
		"request=smtpd_access_policy\n", "protocol_state=RCPT\n",
		"protocol_name=ESMTP\n", "helo_name=probe.example.com\n", "queue_id=\n",
		"sender=a@example.com\n", "recipient=b@example.net\n", "recipient_count=0\n",
		"client_address=192.0.2.7\n", "client_name=unknown\n",
		"reverse_client_name=unknown\n", "instance=1a.2b.0\n", "sasl_method=\n",
		"sasl_username=\n", "sasl_sender=\n", "size=0\n", "ccert_subject=\n",
		"ccert_issuer=\n", "ccert_fingerprint=\n", "ccert_pubkey_fingerprint=\n",
		"encryption_protocol=\n", "encryption_cipher=\n", "encryption_keysize=0\n",
		"etrn_domain=\n", "stress=\n", "client_port=0\n", "policy_context=\n",
		"server_address=\n", "server_port=25\n",
	};

	ck_assert(format_request(&b, &sample, err, sizeof(err)));
	const char *s = ms_buf_str(&b);
	ck_assert(starts_with(s, "request=smtpd_access_policy\n"));
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		ck_assert_msg(strstr(s, attrs[i]), "missing %s", attrs[i]);
	/* one empty line ends it, and only at the end */
	ck_assert(strstr(s, "\n\n") == s + b.len - 2);
	ck_assert_ptr_null(strstr(s, "policy_test_time"));
	ms_buf_free(&b);
}
END_TEST

START_TEST(request_test_time_and_client_name)
{
	struct ms_buf b = MS_BUF_INIT;
	struct ms_policy_request rq = sample;
	char err[256];

	rq.test_time = 1764000000;
	rq.client_name = "partner.example.org";
	ck_assert(format_request(&b, &rq, err, sizeof(err)));
	ck_assert(strstr(ms_buf_str(&b), "\npolicy_test_time=1764000000\n\n"));
	ck_assert(strstr(ms_buf_str(&b), "\nclient_name=partner.example.org\n"));
	ms_buf_free(&b);
}
END_TEST

START_TEST(request_refuses_line_breaks)
{
	struct ms_buf b = MS_BUF_INIT;
	struct ms_policy_request rq = sample;
	char err[256];

	rq.sender = "a@example.com\nrecipient=other@example.net";
	ck_assert(!format_request(&b, &rq, err, sizeof(err)));
	ck_assert_str_eq(err, "the sender for the policy request holds a line break");
	ck_assert_uint_eq(b.len, 0);

	rq = sample;
	rq.helo_name = "x\r";
	ck_assert(!format_request(&b, &rq, err, sizeof(err)));
	rq = sample;
	rq.client_address = NULL;
	ck_assert(!format_request(&b, &rq, err, sizeof(err)));
	ck_assert_str_eq(err, "the policy request needs a client_address");
	ck_assert_uint_eq(b.len, 0);
	ms_buf_free(&b);
}
END_TEST

START_TEST(classify_actions)
{
	static const struct { const char *action; enum ms_policy_verdict v; } cases[] = {
		{ "DEFER_IF_PERMIT Greylisted, see http://postgrey.schweikert.ch/help/x.html",
		  MS_POLICY_DEFER },
		{ "defer_if_permit Greylisted for 5 minutes", MS_POLICY_DEFER },	/* sqlgrey */
		{ "DEFER", MS_POLICY_DEFER },
		{ "450 4.2.0 Greylisted", MS_POLICY_DEFER },
		{ "451 try later", MS_POLICY_DEFER },
		{ "DUNNO", MS_POLICY_PASS },
		{ "dunno", MS_POLICY_PASS },
		{ "PREPEND X-Greylist: delayed 61 seconds by postgrey-1.37", MS_POLICY_PASS },
		{ "OK", MS_POLICY_PASS },
		{ "REJECT go away", MS_POLICY_REJECT },
		{ "554 5.7.1 no", MS_POLICY_REJECT },
		{ "DEFER_IF_REJECT x", MS_POLICY_OTHER },
		{ "HOLD", MS_POLICY_OTHER },
		{ "DUNNOX", MS_POLICY_OTHER },
		{ "OKAY", MS_POLICY_OTHER },
		{ "4500 x", MS_POLICY_OTHER },
		{ "45x", MS_POLICY_OTHER },
		{ "", MS_POLICY_OTHER },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(ms_policy_classify(cases[i].action) == cases[i].v,
			      "'%s' is classified %d", cases[i].action,
			      (int)ms_policy_classify(cases[i].action));
}
END_TEST

START_TEST(reply_postgrey)
{
	struct ms_policy_reply r;
	char err[256];
	const char *lines[] = { "action=DEFER_IF_PERMIT Greylisted, see x", "", NULL };

	ck_assert_int_eq(feed_all(&r, lines, err, sizeof(err)), MS_POLICY_DONE);
	ck_assert_str_eq(r.action, "DEFER_IF_PERMIT Greylisted, see x");
	ck_assert(r.complete);
	/* nothing may follow the end */
	ck_assert_int_eq(feed(&r, "action=OK", 9, err, sizeof(err)),
			 MS_POLICY_BAD);
	ms_policy_reply_free(&r);
}
END_TEST

START_TEST(reply_other_attributes_ignored)
{
	struct ms_policy_reply r;
	char err[256];
	const char *lines[] = { "future=1", "ACTION=  dunno", "", NULL };

	ck_assert_int_eq(feed_all(&r, lines, err, sizeof(err)), MS_POLICY_DONE);
	ck_assert_str_eq(r.action, "dunno");
	ms_policy_reply_free(&r);
}
END_TEST

START_TEST(reply_malformed)
{
	static const struct { const char *lines[4]; const char *err; } cases[] = {
		{ { "", NULL }, "the policy reply is empty (no action= line)" },
		{ { "hello there", NULL }, "the policy reply is not name=value: 'hello there'" },
		{ { "=DUNNO", NULL }, "the policy reply is not name=value: '=DUNNO'" },
		{ { "x=1", "", NULL }, "the policy reply has no action= line" },
		{ { "action=", NULL }, "the policy reply has an empty action: 'action='" },
		{ { "action=OK", "action=DUNNO", NULL },
		  "the policy reply has a second action: 'action=DUNNO'" },
		{ { "HTTP/1.1 400 Bad\r\x1b[31m", NULL },
		  "the policy reply is not name=value: 'HTTP/1.1 400 Bad  [31m'" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ms_policy_reply r;
		ck_assert_int_eq(feed_all(&r, cases[i].lines, err, sizeof(err)), MS_POLICY_BAD);
		ck_assert_str_eq(err, cases[i].err);
		ms_policy_reply_free(&r);
	}
}
END_TEST

START_TEST(reply_nul_and_length_limits)
{
	struct ms_policy_reply r;
	char err[256];

	ms_policy_reply_init(&r);
	ck_assert_int_eq(feed(&r, "action=OK\0x", 11, err, sizeof(err)),
			 MS_POLICY_BAD);
	ck_assert(starts_with(err, "the policy reply holds a NUL byte"));
	ms_policy_reply_free(&r);

	for (int i = 0; i < MS_POLICY_REPLY_LINES_MAX; i++)
		ck_assert_int_eq(feed(&r, "x=1", 3, err, sizeof(err)),
				 MS_POLICY_MORE);
	ck_assert_int_eq(feed(&r, "x=1", 3, err, sizeof(err)), MS_POLICY_BAD);
	ms_policy_reply_free(&r);

	char *longline = malloc(MS_POLICY_LINE_MAX + 2);
	memset(longline, 'a', MS_POLICY_LINE_MAX + 1);
	longline[MS_POLICY_LINE_MAX + 1] = '\0';
	ck_assert_int_eq(feed(&r, longline, strlen(longline), err, sizeof(err)),
			 MS_POLICY_BAD);
	ck_assert(starts_with(err, "a policy reply line is too long: 'aaa"));
	ck_assert(strlen(err) < 200);	/* the quote is cut */
	free(longline);
	ms_policy_reply_free(&r);
}
END_TEST

/* The peer of query_exchange: reads one request, answers in two packets. */
static void policy_peer(int fd)
{
	char req[8192];
	size_t got = 0;

	while (got < sizeof(req) - 1) {
		ssize_t n = read(fd, req + got, sizeof(req) - 1 - got);
		if (n <= 0)
			_exit(1);
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\n\n"))
			break;
	}
	/* the peer checks what it got: all 29 attributes and the sender */
	int lines = 0;
	for (char *p = req; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	if (lines != 30 || !strstr(req, "\nsender=a@example.com\n"))
		_exit(2);
	const char part1[] = "action=DEFER_IF_PERMIT Greylisted", part2[] = ", see x\n\n";
	if (write(fd, part1, sizeof(part1) - 1) < 0)
		_exit(3);
	usleep(50000);
	if (write(fd, part2, sizeof(part2) - 1) < 0)
		_exit(3);
	usleep(200000);
	_exit(0);
}

START_TEST(query_exchange)
{
	int port, status;
	int lfd = listen_loopback(&port);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			policy_peer(fd);
		_exit(4);
	}
	close(lfd);

	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_policy_reply reply;
	char p[16];
	snprintf(p, sizeof(p), "%d", port);
	ck_assert_int_eq(ms_tcp_connect(&c, "127.0.0.1", p, ms_now_ms() + 5000, &err), MS_NET_OK);
	ck_assert_msg(ms_policy_query(&c, &sample, &reply, ms_now_ms() + 5000, &err) == MS_NET_OK,
		      "%s", ms_buf_str(&err));
	ck_assert_str_eq(reply.action, "DEFER_IF_PERMIT Greylisted, see x");
	ms_policy_reply_free(&reply);
	ms_conn_close(&c);
	waitpid(pid, &status, 0);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static void garbage_peer(int fd)
{
	char req[8192];
	ssize_t n = read(fd, req, sizeof(req));
	(void)n;
	if (write(fd, "220 mx ESMTP\r\n", 14) < 0)
		_exit(3);
	usleep(200000);
	_exit(0);
}

START_TEST(query_garbage_names_the_peer)
{
	int port;
	int lfd = listen_loopback(&port);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			garbage_peer(fd);
		_exit(4);
	}
	close(lfd);

	struct ms_conn c;
	struct ms_buf err = MS_BUF_INIT;
	struct ms_policy_reply reply;
	char p[16], want[128];
	snprintf(p, sizeof(p), "%d", port);
	ck_assert_int_eq(ms_tcp_connect(&c, "127.0.0.1", p, ms_now_ms() + 5000, &err), MS_NET_OK);
	ck_assert_int_ne(ms_policy_query(&c, &sample, &reply, ms_now_ms() + 5000, &err), MS_NET_OK);
	snprintf(want, sizeof(want), "malformed reply from 127.0.0.1:%d: the policy reply is "
		 "not name=value: '220 mx ESMTP'", port);
	ck_assert_str_eq(ms_buf_str(&err), want);
	ms_buf_free(&err);
	ms_policy_reply_free(&reply);
	ms_conn_close(&c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

/* Random lines (a fixed seed): whatever the parser accepts has an action. */
START_TEST(random_lines_never_break_the_parser)
{
	static const char alphabet[] = "action=DUNNO \r\t\0=aX\xC3\xFF";
	char line[48], err[256];

	srand(7);
	for (int round = 0; round < 20000; round++) {
		struct ms_policy_reply r;
		enum ms_policy_feed f = MS_POLICY_MORE;
		ms_policy_reply_init(&r);
		for (int n = 0; n < 4 && f == MS_POLICY_MORE; n++) {
			size_t len = (size_t)(rand() % (int)sizeof(line));
			for (size_t i = 0; i < len; i++)
				line[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
			if (len >= 7 && rand() % 2)
				memcpy(line, "action=", 7);
			f = feed(&r, line, rand() % 3 ? len : 0, err, sizeof(err));
		}
		if (f == MS_POLICY_DONE) {
			ck_assert_ptr_nonnull(r.action);
			ck_assert(r.action[0] != '\0' && r.action[0] != ' ');
			(void)ms_policy_classify(r.action);
		} else if (f == MS_POLICY_BAD) {
			ck_assert_uint_gt(strlen(err), 0);
		}
		ms_policy_reply_free(&r);
	}
}
END_TEST

Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, request_has_every_attribute);
	tcase_add_test(tc, request_test_time_and_client_name);
	tcase_add_test(tc, request_refuses_line_breaks);
	tcase_add_test(tc, classify_actions);
	tcase_add_test(tc, reply_postgrey);
	tcase_add_test(tc, reply_other_attributes_ignored);
	tcase_add_test(tc, reply_malformed);
	tcase_add_test(tc, reply_nul_and_length_limits);
	tcase_add_test(tc, query_exchange);
	tcase_add_test(tc, query_garbage_names_the_peer);
	tcase_add_test(tc, random_lines_never_break_the_parser);
	suite_add_tcase(s, tc);
	return s;
}
