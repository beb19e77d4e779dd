/* Unit tests: durations (lib/duration.c). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <string.h>

#include "duration.h"
#include "numfmt.h"
#include "suites.h"

static double parse_ok(const char *s)
{
	double v = -1;
	char err[256] = "";

	ck_assert_msg(ms_duration_parse(s, &v, err, sizeof(err)), "'%s': %s", s, err);
	return v;
}

static void parse_fails(const char *s, const char *expect)
{
	double v;
	char err[256] = "";

	ck_assert_msg(!ms_duration_parse(s, &v, err, sizeof(err)), "'%s' should fail", s);
	ck_assert_msg(strstr(err, expect), "error for '%s' was '%s'", s, err);
}

START_TEST(units)
{
	ck_assert_double_eq(parse_ok("90"), 90);
	ck_assert_double_eq(parse_ok("30s"), 30);
	ck_assert_double_eq(parse_ok("5m"), 300);
	ck_assert_double_eq(parse_ok("4h"), 14400);
	ck_assert_double_eq(parse_ok("2d"), 172800);
	ck_assert_double_eq(parse_ok("1.5h"), 5400);
	ck_assert_double_eq(parse_ok("1h30m"), 5400);
	ck_assert_double_eq(parse_ok("1d2h3m4s"), 93784);
	ck_assert_double_eq_tol(parse_ok("250ms"), 0.25, 1e-12);
	ck_assert_double_eq(parse_ok("0"), 0);
}
END_TEST

START_TEST(errors)
{
	parse_fails("", "empty");
	parse_fails("5x", "unknown unit 'x'");
	parse_fails("m", "expected a number");
	parse_fails("-5s", "expected a number");
	parse_fails("30m1h", "largest down");
	parse_fails("1h30", "missing unit");
	parse_fails("5 m", "unknown unit ' '");
}
END_TEST

START_TEST(human_form)
{
	char b[64];

	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 0.0021), "0.002s");
	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 3), "3s");
	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 45), "45s");
	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 245), "4m05s");
	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 15120), "4h12m");
	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 273600), "3d04h");
}
END_TEST

/*
 * Past what llround() can return the days were garbage ("1e30" printed
 * as 106751991167300d15h); found by fuzz_duration.
 */
START_TEST(human_form_of_huge_durations)
{
	char b[MS_NUMBER_MAX + 16], err[128];
	double again;

	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 1e30), "11574074074074074864156672d21h");
	ck_assert(ms_duration_parse(b, &again, err, sizeof(err)));
	ck_assert(fabs(again - 1e30) < 1e15);
	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 0x1p53), "104249991374d07h");
	/* the largest double: cut to fit, and terminated */
	char small[16];
	ms_duration_format(small, sizeof(small), 1.7976931348623157e308);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

Suite *duration_suite(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, units);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, human_form);
	tcase_add_test(tc, human_form_of_huge_durations);
	suite_add_tcase(s, tc);
	return s;
}
