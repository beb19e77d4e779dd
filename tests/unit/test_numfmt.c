/* Unit tests: number formatting (lib/common/numfmt.c). */
#include "config.h"

#include <check.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

/* [-]digits[.digits]: no exponent, no "-0", no trailing zero after a point. */
static bool plain_decimal(const char *s)
{
	const char *p = s + (*s == '-');
	size_t n = strspn(p, "0123456789");

	if (n == 0 || (n > 1 && p[0] == '0'))
		return false;
	p += n;
	if (*p == '.') {
		size_t f = strspn(p + 1, "0123456789");
		if (f == 0 || p[f] == '0')
			return false;
		p += 1 + f;
	}
	return *p == '\0' && strcmp(s, "-0") != 0;
}

/* Significant digits of a plain decimal: no sign, point, leading or trailing zeros. */
static int significant_digits(const char *s)
{
	char d[MS_NUMBER_MAX];
	size_t n = 0;

	for (const char *p = s; *p; p++)
		if (*p >= '0' && *p <= '9' && (n > 0 || *p != '0'))
			d[n++] = *p;
	while (n > 1 && d[n - 1] == '0')
		n--;
	return n ? (int)n : 1;
}

/* The text of v: plain, reads back as v, in the fewest digits that do. */
static void check_shortest(double v)
{
	char buf[MS_NUMBER_MAX];

	ms_format_number(buf, v);
	ck_assert_msg(plain_decimal(buf), "%a printed as '%s'", v, buf);
	ck_assert_msg(ms_strtod_c(buf, NULL) == v, "'%s' does not read back as %a", buf, v);
	ck_assert_msg(significant_digits(buf) == ms_number_digits(v),
		      "'%s' has %d significant digits, %a needs %d", buf, significant_digits(buf),
		      v, ms_number_digits(v));
}

START_TEST(shortest_over_many_values)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;

	/* JSON showed 6.2e-5, perfdata digits beyond the shortest for large values */
	expect(6.2e-5, "0.000062");
	expect(1.2345678901234567e25, "12345678901234566000000000");
	expect(2.4, "2.4");
	expect(0.4 * 6, "2.4000000000000004");	/* a different double from 2.4 */
	/* the smallest denormal: "0.", 323 zeros, "5" */
	char tiny[MS_NUMBER_MAX];
	ck_assert_uint_eq(strlen(ms_format_number(tiny, 5e-324)), 2 + 323 + 1);
	check_shortest(5e-324);
	for (int i = 0; i < 10000; i++) {
		/* any finite bit pattern (xorshift64) */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof(v));
		if (isfinite(v))
			check_shortest(v);
		/* decimals as measured and typed: k/10^j, k*0.1, timings */
		check_shortest((double)(i % 100000) / 1000.0);
		check_shortest((double)i * 0.1);
		check_shortest((double)i / 7.0);
		check_shortest(ldexp((double)(x >> 11), (int)(i % 200) - 100));
	}
	check_shortest(DBL_MAX);
	check_shortest(-DBL_MIN);
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

	tcase_set_timeout(tc, 30);	/* many values; valgrind multiplies it */
	tcase_add_test(tc, shortest_without_exponent);
	tcase_add_test(tc, shortest_over_many_values);
	tcase_add_test(tc, c_locale_whatever_the_environment);
	tcase_add_test(tc, strict_decimals);
	tcase_add_test(tc, digits_for_json);
	tcase_add_test(tc, strict_unsigned);
	suite_add_tcase(s, tc);
	return s;
}
