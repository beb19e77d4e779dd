/* Unit tests: perfdata formatting (lib/plugin/perfdata.c). */
#include "config.h"

#include <check.h>
#include <math.h>

#include "perfdata.h"
#include "suites.h"

static void expect(const struct ms_perf *p, const char *text)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_perf_format(&b, p);
	ck_assert_str_eq(ms_buf_str(&b), text);
	ms_buf_free(&b);
}

static struct ms_range range(const char *s)
{
	struct ms_range r;
	struct ms_buf err = MS_BUF_INIT;	/* stays empty: every range here parses */

	ck_assert(ms_range_parse(s, MS_RANGE_PLAIN, &r, &err));
	return r;
}

START_TEST(full_value)
{
	struct ms_range w = range("1"), c = range("3");

	expect(&(struct ms_perf){ .label = "time", .value = 0.0021, .uom = "s", .warn = &w,
				  .crit = &c, .has_min = true, .min = 0 },
	       "time=0.0021s;1;3;0");
}
END_TEST

START_TEST(empty_fields)
{
	struct ms_range c = range("500");

	expect(&(struct ms_perf){ .label = "total", .value = 1234 }, "total=1234");
	expect(&(struct ms_perf){ .label = "total", .value = 1234, .has_min = true },
	       "total=1234;;;0");
	expect(&(struct ms_perf){ .label = "total", .value = 1, .crit = &c },
	       "total=1;;500");
	expect(&(struct ms_perf){ .label = "x", .value = 5, .has_max = true, .max = 10 },
	       "x=5;;;;10");
}
END_TEST

START_TEST(label_quoting)
{
	expect(&(struct ms_perf){ .label = "/srv/mail_latency", .value = 1 }, "/srv/mail_latency=1");
	expect(&(struct ms_perf){ .label = "free space", .value = 1 }, "'free space'=1");
	expect(&(struct ms_perf){ .label = "a=b", .value = 1 }, "'a=b'=1");
	expect(&(struct ms_perf){ .label = "it's", .value = 1 }, "'it''s'=1");
	expect(&(struct ms_perf){ .label = "a|b", .value = 1 }, "a/b=1");
	expect(&(struct ms_perf){ .label = "", .value = 1 }, "''=1");
}
END_TEST

START_TEST(units_and_ranges)
{
	struct ms_range w = range("@10:20"), c = range("~:5");

	ck_assert(ms_perf_uom_valid("KB"));
	ck_assert(ms_perf_uom_valid("c"));
	ck_assert(!ms_perf_uom_valid("kb"));
	ck_assert(!ms_perf_uom_valid("sec"));
	expect(&(struct ms_perf){ .label = "size", .value = 5242880, .uom = "B", .warn = &w,
				  .crit = &c },
	       "size=5242880B;@10:20;~:5");
	expect(&(struct ms_perf){ .label = "bad", .value = NAN, .uom = "%" }, "bad=U%");
	/* an invalid unit is dropped rather than printed */
	expect(&(struct ms_perf){ .label = "n", .value = 2, .uom = "sec" }, "n=2");
}
END_TEST

Suite *perfdata_suite(void)
{
	Suite *s = suite_create("perfdata");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, full_value);
	tcase_add_test(tc, empty_fields);
	tcase_add_test(tc, label_quoting);
	tcase_add_test(tc, units_and_ranges);
	suite_add_tcase(s, tc);
	return s;
}
