/* Unit tests: building and writing a verdict (lib/plugin/result.c). */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "suites.h"

/* noinline: GCC 12 mistakes the memstream buffer for a local (-Wdangling-pointer) */
__attribute__((noinline)) static char *render(const struct ms_result *r, enum ms_format f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ms_result_write(r, f, out);
	fclose(out);
	return text;
}

START_TEST(worst_state_wins)
{
	struct ms_result *r = ms_result_new("TEST");

	ck_assert_int_eq(ms_result_state(r), MS_OK);
	ms_result_add(r, MS_OK, "one");
	ms_result_add(r, MS_UNKNOWN, "two");
	ck_assert_int_eq(ms_result_state(r), MS_UNKNOWN);
	ms_result_add(r, MS_WARNING, "three");
	ck_assert_int_eq(ms_result_state(r), MS_WARNING);
	ms_result_add(r, MS_CRITICAL, "four");
	ms_result_add(r, MS_OK, "five");
	ck_assert_int_eq(ms_result_state(r), MS_CRITICAL);
	ms_result_free(r);
}
END_TEST

START_TEST(classic_layout)
{
	struct ms_result *r = ms_result_new("MAIL_QUEUE");
	struct ms_range w, c;
	struct ms_buf err = MS_BUF_INIT;	/* stays empty: the ranges parse */

	ck_assert(ms_range_parse("100", 0, &w, &err));
	ck_assert(ms_range_parse("500", 0, &c, &err));
	ms_result_add(r, MS_CRITICAL, "1234 messages queued");
	ms_result_add(r, MS_OK, "oldest 4h12m");
	ms_result_line(r, "top deferral: connection refused");
	ms_result_perf(r, &(struct ms_perf){ .label = "total", .value = 1234, .warn = &w,
					     .crit = &c, .has_min = true });
	ms_result_perf(r, &(struct ms_perf){ .label = "oldest_age", .value = 15120, .uom = "s" });
	char *text = render(r, MS_FORMAT_CLASSIC);
	ck_assert_str_eq(text,
		"MAIL_QUEUE CRITICAL - 1234 messages queued | total=1234;100;500;0 oldest_age=15120s\n"
		"[CRITICAL] 1234 messages queued\n"
		"[OK] oldest 4h12m\n"
		"top deferral: connection refused\n");
	free(text);
	ms_result_free(r);
}
END_TEST

START_TEST(single_check_is_the_summary)
{
	struct ms_result *r = ms_result_new("GREYLIST");

	ms_result_add(r, MS_OK, "new triplet deferred (450 4.2.0 Greylisted)");
	char *text = render(r, MS_FORMAT_CLASSIC);
	ck_assert_str_eq(text, "GREYLIST OK - new triplet deferred (450 4.2.0 Greylisted)\n");
	free(text);
	ms_result_free(r);
}
END_TEST

START_TEST(no_pipe_or_newline_in_text)
{
	struct ms_result *r = ms_result_new("T");

	ms_result_add(r, MS_WARNING, "peer said: a|b\nINJECTED 0");
	ms_result_line(r, "x|y");
	ms_result_summary(r, "s|t\r\n");
	char *text = render(r, MS_FORMAT_CLASSIC);
	ck_assert_str_eq(text, "T WARNING - s/t  \n[WARNING] peer said: a/b INJECTED 0\nx/y\n");
	free(text);
	ms_result_free(r);
}
END_TEST

START_TEST(long_perfdata_moves_after_long_output)
{
	struct ms_result *r = ms_result_new("STORAGE_MOUNT");
	char label[64];

	ms_result_add(r, MS_OK, "200 mounts OK");
	ms_result_line(r, "detail");
	for (int i = 0; i < 200; i++) {
		snprintf(label, sizeof(label), "/srv/mail%03d_used", i);
		ms_result_perf(r, &(struct ms_perf){ .label = label, .value = i, .uom = "B" });
	}
	char *text = render(r, MS_FORMAT_CLASSIC);
	char *nl = strchr(text, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_int_le(nl - text, MS_FIRST_LINE_MAX);
	ck_assert_ptr_nonnull(strstr(text, " | /srv/mail000_used=0B"));
	/* the rest follows the long output, on a line starting with '|' */
	const char *rest = strstr(text, "\ndetail\n| ");
	const char *last = strstr(text, "/srv/mail199_used=199B\n");
	ck_assert(rest != NULL && last != NULL && last > rest);
	/* every value is printed exactly once */
	int count = 0;
	for (char *p = text; (p = strstr(p, "_used=")); p++)
		count++;
	ck_assert_int_eq(count, 200);
	free(text);
	ms_result_free(r);
}
END_TEST

START_TEST(json_carries_the_same_verdict)
{
	struct ms_result *r = ms_result_new("GREYLIST");
	struct ms_range w, c;
	struct ms_buf err = MS_BUF_INIT;	/* stays empty: the ranges parse */

	ck_assert(ms_range_parse("1", 0, &w, &err));
	ck_assert(ms_range_parse("~:3", 0, &c, &err));
	ms_result_add(r, MS_WARNING, "slow: \xFF invalid utf-8");
	ms_result_line(r, "more");
	ms_result_perf(r, &(struct ms_perf){ .label = "time", .value = 0.0021, .uom = "s",
					     .warn = &w, .crit = &c, .has_min = true });
	char *text = render(r, MS_FORMAT_JSON);
	ck_assert_ptr_nonnull(strstr(text, "\"value\":0.0021,"));
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);
	ck_assert_msg(o != NULL, "invalid JSON: %s in %s", jerr.text, text);
	ck_assert_str_eq(json_string_value(json_object_get(o, "state")), "WARNING");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "exit_code")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(o, "summary")),
			 "slow: \xEF\xBF\xBD invalid utf-8");
	json_t *p = json_array_get(json_object_get(o, "perfdata"), 0);
	ck_assert_double_eq(json_real_value(json_object_get(p, "value")), 0.0021);
	ck_assert_str_eq(json_string_value(json_object_get(p, "uom")), "s");
	json_t *crit = json_object_get(p, "crit");
	ck_assert(json_is_null(json_object_get(crit, "start")));
	ck_assert(json_is_integer(json_object_get(crit, "end")));
	ck_assert_int_eq(json_integer_value(json_object_get(crit, "end")), 3);
	ck_assert(json_is_null(json_object_get(p, "max")));
	ck_assert_int_eq(json_array_size(json_object_get(o, "checks")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "long_output"), 0)),
			 "more");
	json_decref(o);
	free(text);
	ms_result_free(r);
}
END_TEST

/*
 * JSON numbers are those of the classic perfdata: no exponent (6.2e-5),
 * and no noise from one precision for the whole document (2.4 printed
 * as 2.3999999999999999 beside a value that needs 17 digits).
 */
START_TEST(json_numbers_are_plain_and_shortest)
{
	struct ms_result *r = ms_result_new("DEMO");
	struct ms_range w;
	struct ms_buf err = MS_BUF_INIT;	/* stays empty: the ranges parse */

	ck_assert(ms_range_parse("2.4s", MS_RANGE_DURATION, &w, &err));
	ms_result_add(r, MS_OK, "fine");
	ms_result_perf(r, &(struct ms_perf){ .label = "tiny", .value = 6.2e-5, .uom = "s" });
	ms_result_perf(r, &(struct ms_perf){ .label = "time", .value = 2.4, .uom = "s",
					     .warn = &w, .has_max = true, .max = 0.1 + 0.2 });
	ms_result_perf(r, &(struct ms_perf){ .label = "huge", .value = 1e21, .has_min = true,
					     .min = -0.0 });
	char *text = render(r, MS_FORMAT_JSON);
	ck_assert_msg(strstr(text, "\"value\":0.000062,") != NULL, "got: %s", text);
	ck_assert_msg(strstr(text, "\"value\":2.4,") != NULL, "got: %s", text);
	ck_assert_msg(strstr(text, "{\"range\":\"2.4\",\"start\":0,\"end\":2.4,") != NULL,
		      "got: %s", text);
	ck_assert_msg(strstr(text, "\"max\":0.30000000000000004}") != NULL, "got: %s", text);
	ck_assert_msg(strstr(text, "\"value\":1000000000000000000000.0,") != NULL, "got: %s", text);
	ck_assert_msg(strstr(text, "\"min\":0,") != NULL, "got: %s", text);
	ck_assert_msg(strstr(text, "e-") == NULL && strstr(text, "e+") == NULL, "got: %s", text);
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);
	ck_assert_msg(o != NULL, "invalid JSON: %s in %s", jerr.text, text);
	json_t *perf = json_object_get(o, "perfdata");
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(perf, 0), "value")), 6.2e-5);
	ck_assert_double_eq(json_real_value(json_object_get(json_array_get(perf, 2), "value")), 1e21);
	json_decref(o);
	free(text);
	ms_result_free(r);
}
END_TEST

Suite *result_suite(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, worst_state_wins);
	tcase_add_test(tc, classic_layout);
	tcase_add_test(tc, single_check_is_the_summary);
	tcase_add_test(tc, no_pipe_or_newline_in_text);
	tcase_add_test(tc, long_perfdata_moves_after_long_output);
	tcase_add_test(tc, json_carries_the_same_verdict);
	tcase_add_test(tc, json_numbers_are_plain_and_shortest);
	suite_add_tcase(s, tc);
	return s;
}
