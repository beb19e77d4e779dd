/* httpclient's URL helpers and the generated attachment, without a server. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "httpclient.h"
#include "webmail.h"
#include "webmail_suites.h"

static void resolves(const char *base, const char *ref, const char *want)
{
	char *got = ms_http_resolve(base, ref);

	ck_assert_msg(got != NULL, "%s + %s did not resolve", base, ref);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(resolve)
{
	resolves("https://webmail.example.com/", "/?_task=login",
		 "https://webmail.example.com/?_task=login");
	resolves("https://webmail.example.com/roundcube/", "?_task=mail&_action=compose",
		 "https://webmail.example.com/roundcube/?_task=mail&_action=compose");
	resolves("http://127.0.0.1:12080/", "http://127.0.0.1:12080/?_task=mail&_id=1",
		 "http://127.0.0.1:12080/?_task=mail&_id=1");
	resolves("https://webmail.example.com", "", "https://webmail.example.com/");
	ck_assert_ptr_null(ms_http_resolve("not a url", "/x"));
}
END_TEST

START_TEST(url_encoding)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_url_encode(&b, "probe+Junk@example.com a/b?c=d&e~f");
	ck_assert_str_eq(ms_buf_str(&b), "probe%2BJunk%40example.com%20a%2Fb%3Fc%3Dd%26e~f");
	ms_buf_free(&b);
}
END_TEST

START_TEST(attachment_is_exactly_the_size_asked)
{
	const size_t sizes[] = { 1, 75, 76, 77, 100000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct ms_buf b = MS_BUF_INIT;
		ms_wm_attachment(&b, sizes[i]);
		ck_assert_uint_eq(b.len, sizes[i]);
		/* printable text in short lines: nothing a filter would choke on */
		size_t line = 0;
		for (size_t k = 0; k < b.len; k++) {
			char c = b.data[k];
			ck_assert(c == '\r' || c == '\n' || (c >= ' ' && c <= '~'));
			line = c == '\n' ? 0 : line + 1;
			ck_assert_uint_le(line, 78);
		}
		ms_buf_free(&b);
	}
}
END_TEST

Suite *httpclient_suite(void)
{
	Suite *s = suite_create("httpclient");
	TCase *tc = tcase_create("core");

	/* 100,000 checked bytes take seconds under ASan on a loaded machine */
	tcase_set_timeout(tc, 30);

	tcase_add_test(tc, resolve);
	tcase_add_test(tc, url_encoding);
	tcase_add_test(tc, attachment_is_exactly_the_size_asked);
	suite_add_tcase(s, tc);
	return s;
}
