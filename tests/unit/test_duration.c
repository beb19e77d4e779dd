/* Unit tests: durations (lib/common/duration.c). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "numfmt.h"
#include "suites.h"

static double parse_ok(const char *s)
{
	double v = -1;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(ms_duration_parse(s, &v, &err), "'%s': %s", s, ms_buf_str(&err));
	return v;
}

static void parse_fails(const char *s, const char *expect)
{
	double v;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(!ms_duration_parse(s, &v, &err), "'%s' should fail", s);
	ck_assert_msg(strstr(ms_buf_str(&err), expect), "error for '%s' was '%s'", s,
		      ms_buf_str(&err));
	ms_buf_free(&err);
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
	ck_assert_double_eq(parse_ok("250ms"), 0.25);
	ck_assert_double_eq(parse_ok("0"), 0);
}
END_TEST

/*
 * A duration is the double nearest the seconds it means: 9ms is 0.009,
 * not 9 * 0.001 = 0.009000000000000001 (which perfdata would print).
 * Each case is checked against the decimal written out by hand.
 */
START_TEST(exact_decimal_seconds)
{
	static const struct { const char *unit; long long factor; } per_unit[] = {
		{ "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
	};
	char text[64], want[64];

	ck_assert_double_eq(parse_ok("9ms"), 0.009);
	ck_assert_double_eq(parse_ok("0.037m"), 2.22);
	ck_assert_double_eq(parse_ok("1m0.1s"), 60.1);
	ck_assert_double_eq(parse_ok("1s100ms"), 1.1);
	ck_assert_double_eq(parse_ok("1h1m1s1ms"), 3661.001);
	for (long long k = 0; k < 300000; k += 37) {
		/* k milliseconds */
		snprintf(text, sizeof(text), "%lldms", k);
		snprintf(want, sizeof(want), "%lld.%03lld", k / 1000, k % 1000);
		ck_assert_msg(parse_ok(text) == ms_strtod_c(want, NULL), "%s is not %s", text, want);
		/* k thousandths of each unit */
		for (size_t u = 0; u < sizeof(per_unit) / sizeof(per_unit[0]); u++) {
			long long n = k * per_unit[u].factor;
			snprintf(text, sizeof(text), "%lld.%03lld%s", k / 1000, k % 1000, per_unit[u].unit);
			snprintf(want, sizeof(want), "%lld.%03lld", n / 1000, n % 1000);
			ck_assert_msg(parse_ok(text) == ms_strtod_c(want, NULL), "%s is not %s",
				      text, want);
		}
	}
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
	char b[MS_NUMBER_MAX + 16];
	struct ms_buf err = MS_BUF_INIT;	/* stays empty: it parses */
	double again;

	ck_assert_str_eq(ms_duration_format(b, sizeof(b), 1e30), "11574074074074075000000000d21h");
	ck_assert(ms_duration_parse(b, &again, &err));
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

	tcase_set_timeout(tc, 30);	/* many values; valgrind multiplies it */
	tcase_add_test(tc, units);
	tcase_add_test(tc, exact_decimal_seconds);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, human_form);
	tcase_add_test(tc, human_form_of_huge_durations);
	suite_add_tcase(s, tc);
	return s;
}
