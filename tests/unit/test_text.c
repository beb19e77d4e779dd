/* Unit tests: text hygiene (lib/common/text.c), numbers into a buffer (strbuf.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>
#include <stdio.h>

#include "strbuf.h"
#include "suites.h"
#include "text.h"

START_TEST(utf8_validation)
{
	ck_assert(ms_utf8_valid("plain", 5));
	ck_assert(ms_utf8_valid("gr\xC3\xBC\xC3\x9F", 6));
	ck_assert(ms_utf8_valid("\xF0\x9F\x93\xAC", 4));
	ck_assert(!ms_utf8_valid("\xC0\xAF", 2));	  /* overlong '/' */
	ck_assert(!ms_utf8_valid("\xED\xA0\x80", 3));	  /* surrogate */
	ck_assert(!ms_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	ck_assert(!ms_utf8_valid("\xE2\x82", 2));	  /* cut short */
	ck_assert(!ms_utf8_valid("a\0b", 3));
}
END_TEST

START_TEST(one_clean_line)
{
	char *s = ms_text_clean("a|b\nc\td\r\x01\xFF" "e", 11);

	ck_assert_str_eq(s, "a/b c d  " MS_REPLACEMENT_CHAR "e");
	free(s);
}
END_TEST

START_TEST(xml_safe_keeps_whitespace)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_xml_safe(&b, "a\tb\nc\x01\x1b[0m|\xC3", 12);
	ck_assert_str_eq(ms_buf_str(&b), "a\tb\nc[0m|" MS_REPLACEMENT_CHAR);
	ms_buf_free(&b);
}
END_TEST

START_TEST(prefix_never_cuts_a_character)
{
	const char *s = "ab\xC3\xBC\xF0\x9F\x93\xAC";	/* a b u-umlaut, an emoji */

	ck_assert_uint_eq(ms_utf8_prefix(s, 8, 10), 8);
	ck_assert_uint_eq(ms_utf8_prefix(s, 8, 8), 8);
	ck_assert_uint_eq(ms_utf8_prefix(s, 8, 7), 4);
	ck_assert_uint_eq(ms_utf8_prefix(s, 8, 5), 4);
	ck_assert_uint_eq(ms_utf8_prefix(s, 8, 3), 2);
	ck_assert_uint_eq(ms_utf8_prefix(s, 8, 2), 2);
}
END_TEST

START_TEST(noncharacters_are_replaced)
{
	struct ms_buf b = MS_BUF_INIT;
	/* U+FFFE, U+FFFF, U+FDD0, U+1FFFF, and U+FFFD and U+FDCF which stay */
	const char *s = "a\xEF\xBF\xBE" "b\xEF\xBF\xBF" "c\xEF\xB7\x90" "d\xF0\x9F\xBF\xBF"
			"e\xEF\xBF\xBD" "f\xEF\xB7\x8F";

	ms_text_add_xml_safe(&b, s, strlen(s));
	ck_assert_str_eq(ms_buf_str(&b), "a" MS_REPLACEMENT_CHAR "b" MS_REPLACEMENT_CHAR
			 "c" MS_REPLACEMENT_CHAR "d" MS_REPLACEMENT_CHAR
			 "e\xEF\xBF\xBD" "f\xEF\xB7\x8F");
	ms_buf_reset(&b);
	ms_text_add_line(&b, "x\xEF\xBF\xBF", 4);
	ck_assert_str_eq(ms_buf_str(&b), "x" MS_REPLACEMENT_CHAR);
	ms_buf_free(&b);
}
END_TEST

/* ms_buf_put_num writes what printf's %0*lld does, to the most negative number. */
START_TEST(put_num_is_printf)
{
	const long long values[] = { 0, 7, -7, 42, 2026, -100000, LLONG_MAX, LLONG_MIN };
	struct ms_buf b = MS_BUF_INIT;
	char want[64];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		for (int width = 0; width <= 4; width += 2) {
			ms_buf_reset(&b);
			ms_buf_put_num(&b, values[i], width);
			snprintf(want, sizeof(want), "%0*lld", width, values[i]);
			ck_assert_str_eq(ms_buf_str(&b), want);
		}
	}
	ms_buf_free(&b);
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, utf8_validation);
	tcase_add_test(tc, one_clean_line);
	tcase_add_test(tc, xml_safe_keeps_whitespace);
	tcase_add_test(tc, prefix_never_cuts_a_character);
	tcase_add_test(tc, noncharacters_are_replaced);
	tcase_add_test(tc, put_num_is_printf);
	suite_add_tcase(s, tc);
	return s;
}
