/* Unit tests: threshold ranges (lib/plugin/range.c). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <string.h>

#include "range.h"
#include "suites.h"

static struct ms_range parse_ok(const char *s, int flags)
{
	struct ms_range r;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(ms_range_parse(s, flags, &r, &err),
		      "'%s' should parse, got: %s", s, ms_buf_str(&err));
	return r;
}

static void parse_fails(const char *s, const char *expect_in_error)
{
	struct ms_range r;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(!ms_range_parse(s, MS_RANGE_PLAIN, &r, &err),
		      "'%s' should not parse", s);
	ck_assert_msg(strstr(ms_buf_str(&err), expect_in_error) != NULL,
		      "error for '%s' was '%s', expected it to mention '%s'", s, ms_buf_str(&err),
		      expect_in_error);
	ms_buf_free(&err);
}

START_TEST(plain_number_means_zero_to_n)
{
	struct ms_range r = parse_ok("10", 0);

	ck_assert(ms_range_alerts(&r, -0.001));
	ck_assert(!ms_range_alerts(&r, 0));
	ck_assert(!ms_range_alerts(&r, 10));
	ck_assert(ms_range_alerts(&r, 10.0001));
	ck_assert_str_eq(r.text, "10");
}
END_TEST

START_TEST(open_end_alerts_below_start)
{
	struct ms_range r = parse_ok("10:", 0);

	ck_assert(ms_range_alerts(&r, 9.999));
	ck_assert(!ms_range_alerts(&r, 10));
	ck_assert(!ms_range_alerts(&r, 1e300));
	ck_assert_str_eq(r.text, "10:");
}
END_TEST

START_TEST(tilde_means_no_lower_bound)
{
	struct ms_range r = parse_ok("~:10", 0);

	ck_assert(!ms_range_alerts(&r, -1e300));
	ck_assert(!ms_range_alerts(&r, 10));
	ck_assert(ms_range_alerts(&r, 10.5));
	ck_assert_str_eq(r.text, "~:10");

	r = parse_ok("~:", 0);
	ck_assert(!ms_range_alerts(&r, -1e300));
	ck_assert(!ms_range_alerts(&r, 1e300));
}
END_TEST

START_TEST(between_alerts_outside)
{
	struct ms_range r = parse_ok("10:20", 0);

	ck_assert(ms_range_alerts(&r, 9.99));
	ck_assert(!ms_range_alerts(&r, 10));
	ck_assert(!ms_range_alerts(&r, 20));
	ck_assert(ms_range_alerts(&r, 20.01));
}
END_TEST

START_TEST(at_sign_alerts_inside_inclusive)
{
	struct ms_range r = parse_ok("@10:20", 0);

	ck_assert(!ms_range_alerts(&r, 9.999));
	ck_assert(ms_range_alerts(&r, 10));
	ck_assert(ms_range_alerts(&r, 15));
	ck_assert(ms_range_alerts(&r, 20));
	ck_assert(!ms_range_alerts(&r, 20.001));
	ck_assert_str_eq(r.text, "@10:20");
}
END_TEST

START_TEST(decimals_and_negatives)
{
	struct ms_range r = parse_ok("-0.5:1.25", 0);

	ck_assert(ms_range_alerts(&r, -0.51));
	ck_assert(!ms_range_alerts(&r, -0.5));
	ck_assert(!ms_range_alerts(&r, 1.25));
	ck_assert(ms_range_alerts(&r, 1.2501));
	ck_assert_str_eq(r.text, "-0.5:1.25");
}
END_TEST

START_TEST(nan_always_alerts)
{
	struct ms_range r = parse_ok("~:", 0);

	ck_assert(ms_range_alerts(&r, NAN));
}
END_TEST

START_TEST(durations_when_allowed)
{
	struct ms_range r = parse_ok("30m", MS_RANGE_DURATION);

	ck_assert(!ms_range_alerts(&r, 1800));
	ck_assert(ms_range_alerts(&r, 1801));
	ck_assert_str_eq(r.text, "1800");
	r = parse_ok("1h:4h", MS_RANGE_DURATION);
	ck_assert(ms_range_alerts(&r, 3599));
	ck_assert(!ms_range_alerts(&r, 14400));
	ck_assert_str_eq(r.text, "3600:14400");
}
END_TEST

START_TEST(malformed_ranges_say_why)
{
	parse_fails("abc", "'abc' is not a number");
	parse_fails("", "empty");
	parse_fails("20:10", "start 20 is greater than end 10");
	parse_fails("1:2:3", "more than one ':'");
	parse_fails(":10", "nothing before ':'");
	parse_fails("1e3", "is not a number");
	parse_fails("10:abc", "'abc' is not a number");
	parse_fails("@", "missing");
	parse_fails("30m", "not a number"); /* no units without the flag */
	parse_fails("nan", "not a number");
	parse_fails("inf", "not a number");
}
END_TEST

/*
 * The normalized text is what perfdata shows, so it must be the range
 * applied: when writing the ends out in full makes it too long, the
 * range is refused rather than shown cut (found by fuzz_range).
 */
START_TEST(text_too_long_written_out_is_refused)
{
	struct ms_range r;
	struct ms_buf err = MS_BUF_INIT;

	/* 63 characters of durations, 65 once in seconds (863999.999136:111...) */
	ck_assert(!ms_range_parse("9.99999999d:"
				  "111111111111111111111111111111111111111111111111111",
				  MS_RANGE_DURATION, &r, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), "longer than 63 characters") != NULL, "error: %s",
		      ms_buf_str(&err));
	ck_assert_msg(strstr(ms_buf_str(&err), "seconds") != NULL, "error: %s", ms_buf_str(&err));
	ms_buf_free(&err);
	/* 62 characters, 64 with the leading zeros */
	parse_fails("@.00000000000000000000000000001:.00000000000000000000000000002",
		    "longer than 63 characters written out in plain numbers");
	/* one zero less each: 62 written out, fits and reads back the same */
	r = parse_ok("@.0000000000000000000000000001:.0000000000000000000000000002", 0);
	ck_assert_str_eq(r.text, "@0.0000000000000000000000000001:0.0000000000000000000000000002");
	struct ms_range again = parse_ok(r.text, 0);
	ck_assert(again.start == r.start && again.end == r.end && again.inside);
}
END_TEST

/* A duration range shows the seconds meant, not the product's rounding. */
START_TEST(duration_ends_are_exact)
{
	struct ms_range r = parse_ok("9ms:0.037m", MS_RANGE_DURATION);

	/* not 0.009000000000000001:2.2199999999999998 */
	ck_assert_str_eq(r.text, "0.009:2.22");
	r = parse_ok("1h0.1s", MS_RANGE_DURATION);
	ck_assert_str_eq(r.text, "3600.1");
}
END_TEST

START_TEST(thresholds_critical_wins)
{
	struct ms_thresholds t = { .has_warning = true, .has_critical = true };

	t.warning = parse_ok("10", 0);
	t.critical = parse_ok("20", 0);
	ck_assert_int_eq(ms_thresholds_state(&t, 5), MS_OK);
	ck_assert_int_eq(ms_thresholds_state(&t, 15), MS_WARNING);
	ck_assert_int_eq(ms_thresholds_state(&t, 25), MS_CRITICAL);
	t.has_warning = false;
	ck_assert_int_eq(ms_thresholds_state(&t, 15), MS_OK);
}
END_TEST

Suite *range_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, plain_number_means_zero_to_n);
	tcase_add_test(tc, open_end_alerts_below_start);
	tcase_add_test(tc, tilde_means_no_lower_bound);
	tcase_add_test(tc, between_alerts_outside);
	tcase_add_test(tc, at_sign_alerts_inside_inclusive);
	tcase_add_test(tc, decimals_and_negatives);
	tcase_add_test(tc, nan_always_alerts);
	tcase_add_test(tc, durations_when_allowed);
	tcase_add_test(tc, malformed_ranges_say_why);
	tcase_add_test(tc, text_too_long_written_out_is_refused);
	tcase_add_test(tc, duration_ends_are_exact);
	tcase_add_test(tc, thresholds_critical_wins);
	suite_add_tcase(s, tc);
	return s;
}
