/*
 * Unit tests: the postqueue -j parser and line splitter (plugins/mail_queue/postqueue.c)
 * and the tally that counts deferral reasons (plugins/mail_queue/tally.c).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_queue_suites.h"
#include "lines.h"
#include "postqueue.h"
#include "tally.h"

/* The real output of postqueue -j that make-fixtures.sh saved. */
static char *real_output(size_t *len)
{
	FILE *f = fopen(MAIL_QUEUE_FIXTURES "/postqueue-j.txt", "rb");
	ck_assert(f != NULL);
	char *buf = calloc(1, 65536);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

struct parsed {
	int messages, recipients, errors;
	int64_t arrival_sum;
	char reasons[1024];
};

static void parse_line(void *arg, const char *line, size_t len, bool too_long)
{
	struct parsed *p = arg;
	struct pq_message m;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!too_long);
	if (!pq_message_parse(line, len, &m, &err)) {
		p->errors++;
		ms_buf_free(&err);
		return;
	}
	p->messages++;
	p->arrival_sum += m.arrival_time;
	for (size_t i = 0; i < m.nrecipients; i++) {
		const char *addr, *reason;
		pq_message_recipient(&m, i, &addr, &reason);
		ck_assert(addr != NULL);
		p->recipients++;
		if (reason != NULL && strstr(p->reasons, reason) == NULL)
			strncat(p->reasons, reason, sizeof(p->reasons) - strlen(p->reasons) - 1);
	}
	pq_message_free(&m);
}

START_TEST(real_postqueue_output)
{
	size_t len;
	char *out = real_output(&len);
	struct ms_lines lines;

	/* fed in chunks of every size, the answer is the same */
	for (size_t chunk = 1; chunk <= len; chunk += (chunk < 10 ? 1 : 97)) {
		struct parsed p = { 0 };
		ms_lines_init(&lines, 1 << 20, parse_line, &p);
		for (size_t off = 0; off < len; off += chunk)
			ms_lines_feed(&lines, out + off, off + chunk <= len ? chunk : len - off);
		ms_lines_finish(&lines);
		ck_assert_int_eq(p.errors, 0);
		ck_assert_int_eq(p.messages, 3);
		ck_assert_int_eq(p.recipients, 4);
		ck_assert_int_eq(p.arrival_sum, 3LL * 1795609920 + 3);	/* maildrop: +3 s */
		ck_assert_str_eq(p.reasons, "connect to 127.0.0.1[127.0.0.1]:1: Connection refused");
	}
	free(out);
}
END_TEST

START_TEST(message_fields)
{
	struct pq_message m;
	struct ms_buf err = MS_BUF_INIT;
	const char *line = "{\"queue_name\": \"hold\", \"queue_id\": \"4jZJw06cBkz1bYNM\", "
			   "\"arrival_time\": 1795609920, \"message_size\": 266, "
			   "\"recipients\": [{\"address\": \"a@b.example\"}]}";

	ck_assert(pq_message_parse(line, strlen(line), &m, &err));
	ck_assert_str_eq(m.queue_name, "hold");
	ck_assert_str_eq(m.queue_id, "4jZJw06cBkz1bYNM");
	ck_assert_int_eq(m.arrival_time, 1795609920);
	ck_assert_int_eq(m.message_size, 266);
	ck_assert_int_eq(m.nrecipients, 1);
	const char *addr, *reason;
	pq_message_recipient(&m, 0, &addr, &reason);
	ck_assert_str_eq(addr, "a@b.example");
	ck_assert(reason == NULL);
	pq_message_free(&m);
}
END_TEST

static void parse_fails(const char *line, const char *expect)
{
	struct pq_message m;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(!pq_message_parse(line, strlen(line), &m, &err),
		      "'%s' was accepted", line);
	ck_assert_msg(strstr(ms_buf_str(&err), expect) != NULL, "'%s': error '%s'", line,
		      ms_buf_str(&err));
	ck_assert(m.json == NULL);
	ms_buf_free(&err);
}

START_TEST(bad_lines)
{
	parse_fails("", "not JSON");
	parse_fails("postqueue: fatal: Queue report unavailable - mail system is down", "not JSON");
	parse_fails("{\"queue_name\": \"deferred\"", "not JSON");
	parse_fails("[1, 2]", "not a JSON object");
	parse_fails("{}", "no queue_name");
	parse_fails("{\"queue_name\": 5}", "no queue_name");
	parse_fails("{\"queue_name\": \"deferred\", \"queue_id\": \"A\"}", "no arrival_time");
	parse_fails("{\"queue_name\": \"deferred\", \"queue_id\": \"A\", \"arrival_time\": -5, "
		    "\"message_size\": 1}", "no arrival_time");
	parse_fails("{\"queue_name\": \"deferred\", \"queue_id\": \"A\", \"arrival_time\": \"5\", "
		    "\"message_size\": 1}", "no arrival_time");
	parse_fails("{\"queue_name\": \"deferred\", \"queue_id\": \"A\", \"arrival_time\": 5}",
		    "no message_size");
	parse_fails("{\"queue_name\": \"deferred\", \"queue_id\": \"A\", \"arrival_time\": 5, "
		    "\"message_size\": 1, \"recipients\": 7}", "recipients is not a list");
	parse_fails("{\"queue_name\": \"deferredxxxxxxxxxxxxxxxxxxxxx\", \"queue_id\": \"A\"}",
		    "queue_name of");
	parse_fails("{\"queue_name\": \"a\", \"queue_name\": \"b\"}", "not JSON");
	/* a NUL byte inside the line is not silently the end of it */
	const char nul[] = "{\"queue_name\": \"a\"}\0garbage";
	struct pq_message m;
	struct ms_buf err = MS_BUF_INIT;
	ck_assert(!pq_message_parse(nul, sizeof(nul) - 1, &m, &err));
	ms_buf_free(&err);
}
END_TEST

START_TEST(tally_top)
{
	struct ms_tally t;
	struct ms_tally_entry top[3];

	ms_tally_init(&t, 3);
	const char *keys[] = { "b", "a", "c", "a", "d", "a", "c", "e", "b", "c" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ms_tally_add(&t, keys[i], strlen(keys[i]));
	/* a, b, c were kept; d and e arrived once the table was full */
	ck_assert_int_eq(t.total, 10);
	ck_assert_int_eq(t.other, 2);
	ck_assert_int_eq(ms_tally_top(&t, top, 3), 3);
	ck_assert_str_eq(top[0].key, "a");	/* 3, ties broken by key */
	ck_assert_int_eq(top[0].count, 3);
	ck_assert_str_eq(top[1].key, "c");
	ck_assert_str_eq(top[2].key, "b");
	ck_assert_int_eq(ms_tally_top(&t, top, 1), 1);
	ck_assert_str_eq(top[0].key, "a");
	ms_tally_free(&t);

	/* long keys are cut, so two that differ only late count as one */
	char long1[400], long2[400];
	memset(long1, 'x', sizeof(long1));
	memcpy(long2, long1, sizeof(long2));
	long2[399] = 'y';
	ms_tally_init(&t, 10);
	ms_tally_add(&t, long1, sizeof(long1));
	ms_tally_add(&t, long2, sizeof(long2));
	ck_assert_int_eq(ms_tally_top(&t, top, 3), 1);
	ck_assert_int_eq(top[0].count, 2);
	ck_assert_int_eq(strlen(top[0].key), MS_TALLY_KEY_MAX);
	ms_tally_free(&t);
}
END_TEST

Suite *postqueue_suite(void)
{
	Suite *s = suite_create("postqueue");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, real_postqueue_output);
	tcase_add_test(tc, message_fields);
	tcase_add_test(tc, bad_lines);
	suite_add_tcase(s, tc);
	return s;
}

Suite *tally_suite(void)
{
	Suite *s = suite_create("tally");
	TCase *tc = tcase_create("tally");
	tcase_add_test(tc, tally_top);
	suite_add_tcase(s, tc);
	return s;
}
