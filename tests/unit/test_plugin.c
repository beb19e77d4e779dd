/*
 * Unit tests: the plugin runtime (lib/plugin/plugin.c) as a plugin uses it, each
 * run in a child with its output captured, as Nagios would see it.
 */
#include "config.h"

#include <check.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "plugin.h"
#include "suites.h"

static const struct option longopts[] = {
	{ "warning", required_argument, NULL, 'w' },
	{ "age", required_argument, NULL, 'a' },
	{ "hang", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct ms_plugin demo = {
	.name = "check_demo",
	.label = "DEMO",
	.purpose = "A plugin for the tests.",
	.synopsis = "[-w RANGE] [--age=DURATION]",
	.options_help = " -w, --warning=RANGE  warn outside RANGE\n",
	.shortopts = "w:",
	.longopts = longopts,
};

/* argv for the run, NULL-terminated */
static const char **run_args;

static void run_demo(void *unused)
{
	int argc = 0;
	char **argv;
	struct ms_range w;
	const char *name;
	double age = 0;
	bool hang = false;
	int c;

	(void)unused;
	while (run_args[argc])
		argc++;
	argv = (char **)run_args;
	optind = 0;
	ms_plugin_init(&demo, &argc, &argv);
	while ((c = ms_plugin_getopt(argc, argv, &name)) != -1) {
		if (c == 'w')
			ms_opt_range(name, optarg, MS_RANGE_PLAIN, &w);
		else if (c == 'a')
			age = ms_opt_duration(name, optarg);
		else if (c == 'H')
			hang = true;
	}
	if (hang) {
		/* a peer that never answers: the deadline ends the run */
		ms_step("waiting for the peer");
		for (;;)
			pause();
	}
	ms_die(MS_OK, "done, age %g, timeout %g, verbosity %d", age, ms_timeout(),
	       ms_verbosity());
}

static struct captured run(const char **args)
{
	struct captured c;

	run_args = args;
	capture_run(run_demo, NULL, &c, 10);
	return c;
}

START_TEST(bad_range_names_the_option)
{
	const char *args[] = { "check_demo", "--warning=abc", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(starts_with(c.out, "DEMO UNKNOWN - invalid range 'abc' for --warning: "
				  "'abc' is not a number\n"), "got: %s", c.out);
	ck_assert_ptr_nonnull(strstr(c.out, "\nUsage: check_demo [-w RANGE]"));
	captured_free(&c);

	const char *args2[] = { "check_demo", "-w", "5:1", NULL };
	c = run(args2);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "invalid range '5:1' for -w: start 5 is greater"));
	captured_free(&c);
}
END_TEST

START_TEST(common_options)
{
	const char *args[] = { "check_demo", "-v", "-vv", "--timeout=2.5", "--age=1h", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 0);
	ck_assert_str_eq(c.out, "DEMO OK - done, age 3600, timeout 2.5, verbosity 3\n");
	captured_free(&c);
}
END_TEST

START_TEST(help_and_version_exit_unknown)
{
	const char *help[] = { "check_demo", "--help", NULL };
	struct captured c = run(help);

	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "A plugin for the tests."));
	ck_assert_ptr_nonnull(strstr(c.out, "-w, --warning=RANGE"));
	ck_assert_ptr_nonnull(strstr(c.out, "-t, --timeout=SECONDS[:STATE]"));
	ck_assert_ptr_nonnull(strstr(c.out, "--extra-opts=[SECTION][@FILE]"));
	ck_assert_ptr_nonnull(strstr(c.out, "--output-format=classic|json"));
	captured_free(&c);

	const char *version[] = { "check_demo", "-V", NULL };
	c = run(version);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_str_eq(c.out, "check_demo (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
	captured_free(&c);
}
END_TEST

START_TEST(usage_errors)
{
	const char *unknown[] = { "check_demo", "--frobnicate", NULL };
	struct captured c = run(unknown);

	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(starts_with(c.out, "DEMO UNKNOWN - unknown option --frobnicate\n"),
		      "got: %s", c.out);
	captured_free(&c);

	const char *missing[] = { "check_demo", "-w", NULL };
	c = run(missing);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "DEMO UNKNOWN - option -w needs a value"));
	captured_free(&c);

	const char *stray[] = { "check_demo", "stray", NULL };
	c = run(stray);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "unexpected argument 'stray'"));
	captured_free(&c);

	const char *timeout[] = { "check_demo", "-t", "5:sometimes", NULL };
	c = run(timeout);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "invalid state 'sometimes' for --timeout"));
	captured_free(&c);

	const char *zero[] = { "check_demo", "-t", "0", NULL };
	c = run(zero);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "invalid value '0' for --timeout"));
	captured_free(&c);
}
END_TEST

START_TEST(json_output_format)
{
	const char *args[] = { "check_demo", "--output-format=json", "--warning=x", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(starts_with(c.out, "{\"name\":\"DEMO\",\"state\":\"UNKNOWN\",\"exit_code\":3,"),
		      "got: %s", c.out);
	captured_free(&c);

	const char *bad[] = { "check_demo", "--output-format=xml", NULL };
	c = run(bad);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_ptr_nonnull(strstr(c.out, "use classic or json"));
	captured_free(&c);
}
END_TEST

/* The order of the options does not matter: a bad -w before it is JSON too. */
START_TEST(json_whatever_the_order)
{
	const char *args[] = { "check_demo", "--warning=x", "--output-format=json", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(starts_with(c.out, "{\"name\":\"DEMO\",\"state\":\"UNKNOWN\",\"exit_code\":3,"
				  "\"summary\":\"invalid range 'x' for --warning: "),
		      "got: %s", c.out);
	captured_free(&c);

	const char *last[] = { "check_demo", "-w", "y", "--output-format", "classic", NULL };
	c = run(last);
	ck_assert_msg(starts_with(c.out, "DEMO UNKNOWN - invalid range 'y' for -w"), "got: %s", c.out);
	captured_free(&c);
}
END_TEST

/* A timeout means the watched thing did not answer: CRITICAL unless -t says otherwise. */
START_TEST(timeout_is_critical_by_default)
{
	const char *args[] = { "check_demo", "-t", "0.1", "--hang", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 2);
	ck_assert_str_eq(c.out, "DEMO CRITICAL - timed out after 0.1s while waiting for the peer\n");
	captured_free(&c);

	const char *unknown[] = { "check_demo", "--hang", "--timeout=0.1:UNKNOWN", NULL };
	c = run(unknown);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_str_eq(c.out, "DEMO UNKNOWN - timed out after 0.1s while waiting for the peer\n");
	captured_free(&c);
}
END_TEST

Suite *plugin_suite(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, bad_range_names_the_option);
	tcase_add_test(tc, common_options);
	tcase_add_test(tc, help_and_version_exit_unknown);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, json_output_format);
	tcase_add_test(tc, json_whatever_the_order);
	tcase_add_test(tc, timeout_is_critical_by_default);
	suite_add_tcase(s, tc);
	return s;
}
