/* imapprobe: the IMAP answers and commands, without a server. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "imapprobe.h"
#include "webmail_suites.h"

START_TEST(search_answers)
{
	struct ms_uids u = { 0 };
	static const char two[] = "* SEARCH 3 17\r\n";
	static const char none[] = "* SEARCH\r\n";
	static const char modseq[] = "* OK still here\r\n* search 5 (MODSEQ 917162500)\r\n";

	ck_assert(ms_imap_parse_search(two, strlen(two), &u));
	ck_assert_uint_eq(u.n, 2);
	ck_assert_uint_eq(u.uid[0], 3);
	ck_assert_uint_eq(u.uid[1], 17);
	ck_assert(ms_imap_parse_search(none, strlen(none), &u));
	ck_assert_uint_eq(u.n, 0);
	ck_assert(ms_imap_parse_search(modseq, strlen(modseq), &u));
	ck_assert_uint_eq(u.n, 1);
	ck_assert_uint_eq(u.uid[0], 5);
	/* no SEARCH line at all is no answer, not an empty one */
	ck_assert(!ms_imap_parse_search("* OK\r\n", 6, &u));
	ck_assert(!ms_imap_parse_search(NULL, 0, &u));
	/* numbers too long for a UID end the list instead of overflowing */
	static const char huge[] = "* SEARCH 1 99999999999999999999 2\r\n";
	ck_assert(ms_imap_parse_search(huge, strlen(huge), &u));
	ck_assert_uint_eq(u.n, 1);
	ms_uids_free(&u);
}
END_TEST

START_TEST(quoting)
{
	struct ms_buf b = MS_BUF_INIT;

	ck_assert(ms_imap_quote(&b, "a \"b\" \\c"));
	ck_assert_str_eq(ms_buf_str(&b), "\"a \\\"b\\\" \\\\c\"");
	ms_buf_reset(&b);
	ck_assert(!ms_imap_quote(&b, "Junk\r\nA1 DELETE INBOX"));
	ck_assert_uint_eq(b.len, 0);
	ms_buf_free(&b);
}
END_TEST

static const char *mailbox_of(const char *url)
{
	static char name[256];
	struct ms_buf err = MS_BUF_INIT;
	struct ms_imap_opts opts = { .url = url, .user = "u", .password = "p" };
	struct ms_imap *imap = ms_imap_new(&opts, &err);

	ck_assert_msg((imap == NULL) == (err.len > 0), "a failure says why, only a failure");
	ms_buf_free(&err);
	if (!imap)
		return NULL;
	snprintf(name, sizeof(name), "%s %s", ms_imap_server(imap), ms_imap_mailbox(imap));
	ms_imap_free(imap);
	return name;
}

START_TEST(urls)
{
	ck_assert_str_eq(mailbox_of("imaps://imap.example.com/"), "imaps://imap.example.com INBOX");
	ck_assert_str_eq(mailbox_of("imap://127.0.0.1:12143"), "imap://127.0.0.1:12143 INBOX");
	ck_assert_str_eq(mailbox_of("imaps://h:993/Other%20Box;UIDVALIDITY=7"),
			 "imaps://h:993 Other Box");
	ck_assert_ptr_null(mailbox_of("https://imap.example.com/INBOX"));
	ck_assert_ptr_null(mailbox_of("not a url"));
}
END_TEST

Suite *imapprobe_suite(void)
{
	Suite *s = suite_create("imapprobe");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, search_answers);
	tcase_add_test(tc, quoting);
	tcase_add_test(tc, urls);
	suite_add_tcase(s, tc);
	return s;
}
