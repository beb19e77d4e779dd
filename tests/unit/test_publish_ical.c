/*
 * Unit tests: the iCalendar writer (publisher/render/ical.c): content
 * lines folded at 75 octets, never inside a UTF-8 character; TEXT escaped;
 * times in UTC; CRLF everywhere.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ical.h"
#include "test_publish_suites.h"
#include "text.h"

/* Every physical line of out: ends in CRLF, at most 75 octets, valid UTF-8. */
static void check_lines(const struct ms_buf *out)
{
	const char *s = out->data, *end = out->data + out->len;

	ck_assert_uint_gt(out->len, 0);
	ck_assert(out->len >= 2 && memcmp(end - 2, "\r\n", 2) == 0);
	while (s < end) {
		const char *crlf = strstr(s, "\r\n");

		ck_assert_ptr_nonnull(crlf);
		ck_assert_msg(crlf - s <= PUB_ICAL_LINE_MAX, "a line of %td octets: %.*s",
			      crlf - s, (int)(crlf - s), s);
		ck_assert_msg(ms_utf8_valid(s, (size_t)(crlf - s)), "a line cut inside a "
			      "character: %.*s", (int)(crlf - s), s);
		ck_assert_msg(memchr(s, '\n', (size_t)(crlf - s)) == NULL, "a bare LF");
		s = crlf + 2;
	}
}

/* out unfolded (each CRLF + space removed), as a reader reads it */
static char *unfold(const struct ms_buf *out)
{
	char *u = malloc(out->len + 1), *d = u;

	for (size_t i = 0; i < out->len; i++) {
		if (i + 2 < out->len && memcmp(out->data + i, "\r\n ", 3) == 0) {
			i += 2;
			continue;
		}
		*d++ = out->data[i];
	}
	*d = '\0';
	return u;
}

START_TEST(text_is_escaped)
{
	struct ms_buf out = MS_BUF_INIT;

	pub_ical_line(&out, "DESCRIPTION", "a\\b;c,d\ne\r\nf\rg\th\x01i", true);
	ck_assert_str_eq(out.data, "DESCRIPTION:a\\\\b\\;c\\,d\\ne\\nf\\ng hi\r\n");
	ms_buf_reset(&out);
	/* a value that is not TEXT (a URI) goes as it is */
	pub_ical_line(&out, "URL", "https://s.example/posts/1.html", false);
	ck_assert_str_eq(out.data, "URL:https://s.example/posts/1.html\r\n");
	ms_buf_reset(&out);
	/* invalid UTF-8 becomes U+FFFD: a calendar program never sees it */
	pub_ical_line(&out, "SUMMARY", "bad \xff byte", true);
	ck_assert_str_eq(out.data, "SUMMARY:bad \xEF\xBF\xBD byte\r\n");
	ms_buf_free(&out);
}
END_TEST

/* 75 octets exactly stay on one line; 76 are folded after 75. */
START_TEST(folding_at_75_octets)
{
	struct ms_buf out = MS_BUF_INIT;
	char value[200];
	char *u;

	memset(value, 'x', sizeof(value));
	value[75 - 8] = '\0';	/* "SUMMARY:" is 8 */
	pub_ical_line(&out, "SUMMARY", value, true);
	ck_assert_uint_eq(out.len, 75 + 2);
	ms_buf_reset(&out);
	value[75 - 8] = 'x';
	value[76 - 8] = '\0';
	pub_ical_line(&out, "SUMMARY", value, true);
	ck_assert_uint_eq(out.len, 75 + 2 + 1 + 1 + 2);
	ck_assert(memcmp(out.data + 75, "\r\n x\r\n", 6) == 0);
	ms_buf_reset(&out);
	value[76 - 8] = 'x';
	value[199 - 8] = '\0';
	pub_ical_line(&out, "SUMMARY", value, true);
	check_lines(&out);
	u = unfold(&out);
	ck_assert_uint_eq(strlen(u), 199 + 2);
	free(u);
	ms_buf_free(&out);
}
END_TEST

/*
 * Two-, three- and four-octet characters at every offset: no line is cut
 * inside one, and unfolding gives the text back.
 */
START_TEST(folding_keeps_utf8_characters_whole)
{
	static const char *const chars[] = { "\xC3\xBC", "\xE2\x82\xAC", "\xF0\x9F\x93\xA7" };

	for (size_t c = 0; c < 3; c++)
		for (size_t pad = 0; pad < 4; pad++) {
			struct ms_buf value = MS_BUF_INIT, out = MS_BUF_INIT, want = MS_BUF_INIT;
			char *u;

			for (size_t i = 0; i < pad; i++)
				ms_buf_putc(&value, 'a');
			for (size_t i = 0; i < 60; i++)
				ms_buf_puts(&value, chars[c]);
			pub_ical_line(&out, "SUMMARY", value.data, true);
			check_lines(&out);
			u = unfold(&out);
			ms_buf_printf(&want, "SUMMARY:%s\r\n", value.data);
			ck_assert_str_eq(u, want.data);
			free(u);
			ms_buf_free(&value);
			ms_buf_free(&out);
			ms_buf_free(&want);
		}
}
END_TEST

START_TEST(calendar_of_two_windows)
{
	const struct pub_ical_event ev[] = {
		{ .uid = "maintenance-1.2026-11-25@s.example", .sequence = 0,
		  .stamp = 1795000000, .start = 1795100000, .end = 1795110800,
		  .summary = "Email Cluster B: storage firmware", .description = "One, then; the other",
		  .category = "Email Cluster B", .url = "https://s.example/posts/5.html" },
		{ .uid = "maintenance-2.2026-11-25@s.example", .sequence = 3,
		  .stamp = 1795000000, .start = 1795200000, .end = 1795203600,
		  .summary = "Gone", .cancelled = true },
	};
	struct pub_ical cal = { .name = "Status: maintenance", .events = ev, .n_events = 2 };
	struct ms_buf out = MS_BUF_INIT;
	char *u;

	pub_ical_write(&cal, &out);
	check_lines(&out);
	u = unfold(&out);
	ck_assert_ptr_nonnull(strstr(u, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
	ck_assert_ptr_nonnull(strstr(u, "X-WR-CALNAME:Status: maintenance\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "UID:maintenance-1.2026-11-25@s.example\r\nSEQUENCE:0\r\n"
				      "DTSTAMP:20261118T110640Z\r\nDTSTART:20261119T145320Z\r\n"
				      "DTEND:20261119T175320Z\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "DESCRIPTION:One\\, then\\; the other\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "URL:https://s.example/posts/5.html\r\nSTATUS:CONFIRMED"));
	ck_assert_ptr_nonnull(strstr(u, "SEQUENCE:3\r\n"));
	ck_assert_ptr_nonnull(strstr(u, "SUMMARY:Gone\r\nSTATUS:CANCELLED\r\n"));
	/* that a cancelled window loses its link is make_event's (site_calendar.c): 69-publisher-views checks it after a retract */
	ck_assert_ptr_nonnull(strstr(u, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
	free(u);
	ms_buf_free(&out);
}
END_TEST

Suite *publish_ical_suite(void)
{
	Suite *s = suite_create("publish_ical");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, text_is_escaped);
	tcase_add_test(tc, folding_at_75_octets);
	tcase_add_test(tc, folding_keeps_utf8_characters_whole);
	tcase_add_test(tc, calendar_of_two_windows);
	suite_add_tcase(s, tc);
	return s;
}
