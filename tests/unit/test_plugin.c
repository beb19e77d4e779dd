/*
 * Unit tests: the plugin runtime (lib/plugin/plugin.c) as a plugin uses it, each
 * run in a child with its output captured, as Nagios would see it.
 */
#include "config.h"

#include <check.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "optdoc.h"
#include "plugin.h"
#include "suites.h"

enum { OPT_AGE = MS_OPT_LONG, OPT_HANG, OPT_PROBE, OPT_LOW };

static const struct ms_option demo_options[] = {
	{ .key = 'w', .name = "warning", .arg = "RANGE",
	  .help = "Warn when the value is outside _RANGE_, a *range* of the guidelines; "
		  "this sentence is long enough to be wrapped by the help at seventy-nine "
		  "columns.\n\n"
		  "Only the man page shows this second paragraph." },
	{ .key = OPT_AGE, .name = "age", .arg = "DURATION",
	  .help = "How old, in seconds or with a unit; the default -t is {timeout}." },
	{ .key = OPT_HANG, .name = "hang", .help = "Wait for a peer that never answers." },
	{ .key = OPT_PROBE, .name = "probe", .arg = "DIR", .flags = MS_OPT_ARG_OPTIONAL,
	  .value_var = "probe_dir", .help = "Probe, in _DIR_ if given." },
	{ .key = OPT_LOW, .name = "low", .arg = "N", .flags = MS_OPT_WITH_NEXT },
	{ .key = 'c', .name = "critical", .arg = "N",
	  .help = "The low and the critical mark, described together." },
	{ 0 },
};

static const struct ms_optset demo_optset = {
	.options = demo_options,
	.default_timeout = 7,
	.synopsis = "[-w RANGE] [--age=DURATION]",
};

static const struct ms_plugin demo = {
	.name = "check_demo",
	.label = "DEMO",
	.purpose = "A plugin for the tests.",
	.options = &demo_optset,
};

/* argv for the run, NULL-terminated */
static const char **run_args;

static void run_demo(void *unused)
{
	int argc = 0;
	char **argv;
	struct ms_range w;
	const char *name, *probe = "-", *critical = "-";
	char low[32] = "-";
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
		else if (c == OPT_AGE)
			age = ms_opt_duration(name, optarg);
		else if (c == OPT_HANG)
			hang = true;
		else if (c == OPT_PROBE)
			probe = optarg ? optarg : "(here)";
		else if (c == 'c')
			critical = optarg;
		else if (c == OPT_LOW)
			snprintf(low, sizeof(low), "%s", name);
	}
	if (hang) {
		/* a peer that never answers: the deadline ends the run */
		ms_step("waiting for the peer");
		for (;;)
			pause();
	}
	ms_die(MS_OK, "done, age %g, timeout %g, verbosity %d, probe %s, critical %s, low %s",
	       age, ms_timeout(), ms_verbosity(), probe, critical, low);
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
	ck_assert_str_eq(c.out, "DEMO OK - done, age 3600, timeout 2.5, verbosity 3, probe -, "
			 "critical -, low -\n");
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
	ck_assert_ptr_nonnull(strstr(c.out, "--extra-opts[=[SECTION][@FILE]]"));
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

/* getopt's tables come from the option table: short, long, optional values, flags. */
START_TEST(getopt_from_the_table)
{
	const char *args[] = { "check_demo", "--probe", "-c", "5", "--low=1", "--age", "2m", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 0);
	ck_assert_str_eq(c.out, "DEMO OK - done, age 120, timeout 7, verbosity 0, probe (here), "
			 "critical 5, low --low\n");
	captured_free(&c);

	/* an optional value only joined with '='; abbreviations as getopt_long has them */
	const char *joined[] = { "check_demo", "--probe=/srv", "--crit=9", NULL };
	c = run(joined);
	ck_assert_str_eq(c.out, "DEMO OK - done, age 0, timeout 7, verbosity 0, probe /srv, "
			 "critical 9, low -\n");
	captured_free(&c);

	/* a long-only option has no short form, and a flag takes no value */
	const char *no_short[] = { "check_demo", "-H", NULL };
	c = run(no_short);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(starts_with(c.out, "DEMO UNKNOWN - unknown option -H\n"), "got: %s", c.out);
	captured_free(&c);

	const char *flag_value[] = { "check_demo", "--hang=yes", NULL };
	c = run(flag_value);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(starts_with(c.out, "DEMO UNKNOWN - unknown option --hang=yes\n"),
		      "got: %s", c.out);
	captured_free(&c);
}
END_TEST

/* Every line of s is at most width characters long. */
static bool lines_within(const char *s, size_t width)
{
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\n");
		if (n > width)
			return false;
		p += n + (p[n] == '\n');
	}
	return true;
}

/* --help: every entry's tag on its own line, its group's summary wrapped, no markup. */
START_TEST(help_from_the_table)
{
	const char *args[] = { "check_demo", "--help", NULL };
	struct captured c = run(args);

	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_msg(strstr(c.out, "\nOptions:\n"
				    " -w, --warning=RANGE\n"
				    "    Warn when the value is outside RANGE, a range of the guidelines; this\n"
				    "    sentence is long enough to be wrapped by the help at seventy-nine columns.\n"
				    " --age=DURATION\n"
				    "    How old, in seconds or with a unit; the default -t is 7.\n"
				    " --hang\n"
				    "    Wait for a peer that never answers.\n"
				    " --probe[=DIR]\n"
				    "    Probe, in DIR if given.\n"
				    " --low=N\n"
				    " -c, --critical=N\n"
				    "    The low and the critical mark, described together.\n"
				    "\nCommon options:\n"), "got: %s", c.out);
	ck_assert_ptr_null(strstr(c.out, "second paragraph"));
	/* the common options from their table, with this plugin's default timeout */
	ck_assert_ptr_nonnull(strstr(c.out, "\n -t, --timeout=SECONDS[:STATE]\n"
				    "    Give up after SECONDS (default 7; decimals allowed) with STATE"));
	ck_assert_ptr_nonnull(strstr(c.out, "\n --extra-opts[=[SECTION][@FILE]]\n"));
	ck_assert_ptr_null(strstr(c.out, "*"));
	ck_assert_msg(lines_within(c.out, MS_OPTDOC_WIDTH), "a line over %d columns: %s",
		      MS_OPTDOC_WIDTH, c.out);
	captured_free(&c);
}
END_TEST

static void collect_spans(void *ctx, enum ms_doc_style style, const char *s, size_t n)
{
	static const char mark[] = { '.', 'B', 'I' };

	ms_buf_printf(ctx, "%c[%.*s]", mark[style], (int)n, s);
}

/* The markup: markers open after a non-word character, snake_case and "5 * 3" stay. */
START_TEST(markup_spans)
{
	static const char text[] = "*bold* and _it_, snake_case, 5 * 3, \\*lit\\* *open";
	struct ms_buf b = MS_BUF_INIT;

	ms_doc_spans(text, strlen(text), collect_spans, &b);
	ck_assert_str_eq(ms_buf_str(&b), "B[bold].[ and ]I[it].[, snake_case, 5 * 3, ].[*lit].[* *open]");
	ms_buf_reset(&b);
	ms_doc_summary(&b, "A *first*\nparagraph of {timeout}s.\n\nThe second.", 180);
	ck_assert_str_eq(ms_buf_str(&b), "A first paragraph of 180s.");
	ms_buf_free(&b);
}
END_TEST

/* The man page's entries: .TP/.TQ, escapes, paragraphs, examples as written. */
START_TEST(troff_from_the_table)
{
	static const struct ms_option options[] = {
		{ .key = 'w', .name = "warn-at", .arg = "W[,C]", .flags = MS_OPT_WITH_NEXT },
		{ .key = MS_OPT_LONG, .name = "mode", .arg = "policy|smtp",
		  .help = "Use *--mode=smtp* for the MTA, e.g. Postfix. A back\\\\slash "
			  "and a-b.\n\n.dot leads: see _mount_(8).\n\n  {\"x\": 1}" },
		{ 0 },
	};
	static const struct ms_optset set = { .options = options };
	struct ms_buf b = MS_BUF_INIT;

	ms_doc_troff(&b, &set, 10);
	ck_assert_str_eq(ms_buf_str(&b),
			 ".TP\n"
			 "\\fB\\-w\\fR, \\fB\\-\\-warn\\-at\\fR=\\fIW\\fR[,\\fIC\\fR]\n"
			 ".TQ\n"
			 "\\fB\\-\\-mode\\fR=\\fBpolicy\\fR|\\fBsmtp\\fR\n"
			 "Use \\fB\\%\\-\\-mode=smtp\\fR for the MTA, e.g. Postfix.\n"
			 "A back\\eslash and a-b.\n"
			 ".IP\n"
			 "\\&.dot leads: see \\fI\\%mount\\fR(8).\n"
			 ".RS\n.RS 4\n.sp\n.nf\n{\"x\": 1}\n.fi\n.RE\n.RE\n");
	ms_buf_free(&b);
}
END_TEST

/* A broken table is refused, by the build's generator and at run time. */
START_TEST(broken_tables_are_refused)
{
	static const struct ms_option twice[] = {
		{ .key = 'a', .name = "alpha", .help = "A." },
		{ .key = 'b', .name = "alpha", .help = "B." },
		{ 0 },
	};
	static const struct ms_option common_clash[] = {
		{ .key = 'v', .name = "vivid", .help = "V." },
		{ 0 },
	};
	static const struct ms_option no_text[] = {
		{ .key = 'a', .name = "alpha" },
		{ 0 },
	};
	static const struct ms_option group_at_end[] = {
		{ .key = 'a', .name = "alpha", .flags = MS_OPT_WITH_NEXT },
		{ 0 },
	};
	static const struct ms_option bad_key[] = {
		{ .key = 3, .name = "alpha", .help = "A." },
		{ 0 },
	};
	const struct { const struct ms_option *options; const char *error; } cases[] = {
		{ twice, "--alpha and --alpha share a name or a key" },
		{ common_clash, "--verbose and --vivid share a name or a key" },
		{ no_text, "--alpha has no text" },
		{ group_at_end, "--alpha is described with the next option, and none follows" },
		{ bad_key, "--alpha: its key is neither a letter nor from MS_OPT_LONG up" },
	};
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(ms_optset_check(&demo_optset, &ms_common_options, &err));
	ck_assert(ms_optset_check(&ms_common_options, NULL, &err));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ms_optset set = { .options = cases[i].options };
		ms_buf_reset(&err);
		ck_assert(!ms_optset_check(&set, &ms_common_options, &err));
		ck_assert_str_eq(ms_buf_str(&err), cases[i].error);
	}
	ms_buf_free(&err);
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
	tcase_add_test(tc, getopt_from_the_table);
	tcase_add_test(tc, help_from_the_table);
	tcase_add_test(tc, markup_spans);
	tcase_add_test(tc, troff_from_the_table);
	tcase_add_test(tc, broken_tables_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
