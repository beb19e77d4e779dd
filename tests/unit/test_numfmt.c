/* Unit tests: number formatting (lib/numfmt.c). */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>

#include "numfmt.h"
#include "suites.h"

static void expect(double v, const char *text)
{
	char buf[MS_NUMBER_MAX];

	ck_assert_str_eq(ms_format_number(buf, v), text);
}

START_TEST(shortest_without_exponent)
{
	expect(0.0021, "0.0021");
	expect(243497856614.4, "243497856614.4");
	expect(5242880, "5242880");
	expect(0, "0");
	expect(-0.0, "0");
	expect(-12.5, "-12.5");
	expect(1e-7, "0.0000001");
	expect(1e21, "1000000000000000000000");
	expect(0.1 + 0.2, "0.30000000000000004");
	expect(NAN, "U");
	expect(INFINITY, "inf");
}
END_TEST

START_TEST(c_locale_whatever_the_environment)
{
	char buf[MS_NUMBER_MAX];

	/* de_DE may not be installed; the point is that nothing changes if it is */
	if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
		setlocale(LC_ALL, "C.UTF-8");
	ck_assert_str_eq(ms_format_number(buf, 1.5), "1.5");
	double v;
	ck_assert(ms_parse_decimal("2.25", 4, &v));
	ck_assert_double_eq(v, 2.25);
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(strict_decimals)
{
	double v;

	ck_assert(ms_parse_decimal("10", 2, &v) && v == 10);
	ck_assert(ms_parse_decimal(".5", 2, &v) && v == 0.5);
	ck_assert(ms_parse_decimal("5.", 2, &v) && v == 5);
	ck_assert(ms_parse_decimal("-3.25", 5, &v) && v == -3.25);
	ck_assert(!ms_parse_decimal("", 0, &v));
	ck_assert(!ms_parse_decimal("-", 1, &v));
	ck_assert(!ms_parse_decimal("1e3", 3, &v));
	ck_assert(!ms_parse_decimal("0x10", 4, &v));
	ck_assert(!ms_parse_decimal(" 1", 2, &v));
	ck_assert(!ms_parse_decimal("inf", 3, &v));
	ck_assert(!ms_parse_decimal("1.2.3", 5, &v));
}
END_TEST

START_TEST(digits_for_json)
{
	ck_assert_int_eq(ms_number_digits(0.0021), 2);
	ck_assert_int_eq(ms_number_digits(243497856614.4), 13);
	ck_assert_int_eq(ms_number_digits(0.1 + 0.2), 17);
}
END_TEST

START_TEST(strict_unsigned)
{
	unsigned long long v = 0;

	ck_assert(ms_parse_uint("4294967295", 10, 4294967295ULL, &v) && v == 4294967295ULL);
	ck_assert(!ms_parse_uint("4294967296", 10, 4294967295ULL, &v));
	ck_assert(ms_parse_uint("18446744073709551615", 20, UINT64_MAX, &v) && v == UINT64_MAX);
	ck_assert(!ms_parse_uint("18446744073709551616", 20, UINT64_MAX, &v));
	ck_assert(ms_parse_uint("0", 1, 0, &v) && v == 0);
	ck_assert(!ms_parse_uint("", 0, 10, &v));
	ck_assert(!ms_parse_uint("-1", 2, 10, &v));
	ck_assert(!ms_parse_uint("+1", 2, 10, &v));
	ck_assert(!ms_parse_uint("1 ", 2, 10, &v));
	ck_assert(ms_parse_uint("12x", 2, 99, &v) && v == 12);	/* exactly n bytes */
}
END_TEST

Suite *numfmt_suite(void)
{
	Suite *s = suite_create("numfmt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, shortest_without_exponent);
	tcase_add_test(tc, c_locale_whatever_the_environment);
	tcase_add_test(tc, strict_decimals);
	tcase_add_test(tc, digits_for_json);
	tcase_add_test(tc, strict_unsigned);
	suite_add_tcase(s, tc);
	return s;
}
