/* Unit tests: --extra-opts (lib/plugin/extraopts.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extraopts.h"
#include "helpers.h"
#include "suites.h"

static const char ini[] =
	"# operators' defaults\n"
	"[check_greylist]\n"
	"warning = 1\n"
	"critical=3\n"
	"verbose=\n"
	"H = gw1.example.net\n"
	"\n"
	"[other]\n"
	"mode = smtp ; inline comment\n";

/* Expands args; returns the joined result or NULL with err filled. */
static char *expand(int argc, const char **args, char *err, size_t errlen)
{
	char **argv = (char **)args;
	struct ms_extraopts owned;
	struct ms_buf why = MS_BUF_INIT;

	if (!ms_extraopts_expand("check_greylist", &argc, &argv, &owned, &why)) {
		ck_assert_msg(why.len > 0, "a failure says why");
		snprintf(err, errlen, "%s", ms_buf_str(&why));
		ms_buf_free(&why);
		return NULL;
	}
	size_t size = 1;
	for (int i = 0; i < argc; i++)
		size += strlen(argv[i]) + 1;
	char *joined = calloc(1, size);
	for (int i = 0; i < argc; i++) {
		strcat(joined, argv[i]);
		if (i + 1 < argc)
			strcat(joined, " ");
	}
	ck_assert_ptr_null(argv[argc]);
	ms_extraopts_release(&owned);
	return joined;
}

START_TEST(section_before_command_line)
{
	char *file = temp_file(ini);
	char opt[256], err[512];
	snprintf(opt, sizeof(opt), "--extra-opts=@%s", file);
	const char *args[] = { "check_greylist", "-w", "2", opt, "--sender=x@y", NULL };

	char *got = expand(5, args, err, sizeof(err));
	ck_assert_msg(got, "%s", err);
	ck_assert_str_eq(got, "check_greylist --warning=1 --critical=3 --verbose -H "
			      "gw1.example.net -w 2 --sender=x@y");
	free(got);
	unlink(file);
	free(file);
}
END_TEST

START_TEST(named_section_and_inline_comment)
{
	char *file = temp_file(ini);
	char opt[256], err[512];
	snprintf(opt, sizeof(opt), "--extra-opts=other@%s", file);
	const char *args[] = { "check_greylist", opt, NULL };

	char *got = expand(2, args, err, sizeof(err));
	ck_assert_msg(got, "%s", err);
	ck_assert_str_eq(got, "check_greylist --mode=smtp");
	free(got);
	unlink(file);
	free(file);
}
END_TEST

START_TEST(default_file_from_environment)
{
	char *file = temp_file(ini);
	char err[512];
	const char *args[] = { "check_greylist", "--extra-opts", NULL };

	setenv("MP_CONFIG_FILE", file, 1);
	char *got = expand(2, args, err, sizeof(err));
	unsetenv("MP_CONFIG_FILE");
	ck_assert_msg(got, "%s", err);
	ck_assert_ptr_nonnull(strstr(got, "--warning=1"));
	free(got);
	unlink(file);
	free(file);
}
END_TEST

START_TEST(missing_section_is_an_error)
{
	char *file = temp_file(ini);
	char opt[256], err[512];
	snprintf(opt, sizeof(opt), "--extra-opts=nosuch@%s", file);
	const char *args[] = { "check_greylist", opt, NULL };

	ck_assert_ptr_null(expand(2, args, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no section [nosuch] in"));
	unlink(file);
	free(file);
}
END_TEST

START_TEST(syntax_error_names_file_and_line)
{
	char *file = temp_file("[check_greylist]\nwarning = 1\nthis line is wrong\n");
	char opt[256], err[512];
	snprintf(opt, sizeof(opt), "--extra-opts=@%s", file);
	const char *args[] = { "check_greylist", opt, NULL };

	ck_assert_ptr_null(expand(2, args, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, file));
	ck_assert_ptr_nonnull(strstr(err, "line 3"));
	unlink(file);
	free(file);
}
END_TEST

/*
 * A key "-" made "--", which ended the options: the command line's own
 * became operands (found by fuzz_extraopts). Empty keys and keys that
 * start with '-' are refused, naming the key.
 */
START_TEST(keys_that_are_no_option_names)
{
	static const char *const bad[] = {
		"[check_greylist]\nwarning = 1\n- = x\n",
		"[check_greylist]\n-w = 1\n",
		"[check_greylist]\n = 1\n",
	};
	static const char *const named[] = { "'-'", "'-w'", "''" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *file = temp_file(bad[i]);
		char opt[256], err[512] = "";
		snprintf(opt, sizeof(opt), "--extra-opts=@%s", file);
		const char *args[] = { "check_greylist", opt, "-v", NULL };

		char *got = expand(3, args, err, sizeof(err));
		ck_assert_msg(got == NULL, "'%s' expanded to '%s'", bad[i], got ? got : "");
		ck_assert_msg(strstr(err, "is not an option name") && strstr(err, named[i]),
			      "error: %s", err);
		unlink(file);
		free(file);
	}
	/* in another section they do not matter */
	char *file = temp_file("[other]\n- = x\n[check_greylist]\nwarning = 1\n");
	char opt[256], err[512] = "";
	snprintf(opt, sizeof(opt), "--extra-opts=@%s", file);
	const char *args[] = { "check_greylist", opt, NULL };
	char *got = expand(2, args, err, sizeof(err));
	ck_assert_msg(got, "%s", err);
	ck_assert_str_eq(got, "check_greylist --warning=1");
	free(got);
	unlink(file);
	free(file);
}
END_TEST

START_TEST(unreadable_file)
{
	char err[512];
	const char *args[] = { "check_greylist", "--extra-opts=@/nonexistent/x.ini", NULL };

	ck_assert_ptr_null(expand(2, args, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot read extra-opts file /nonexistent/x.ini"));
}
END_TEST

START_TEST(untouched_without_the_option)
{
	char err[512];
	const char *args[] = { "check_greylist", "-w", "1", "--", "--extra-opts", NULL };

	char *got = expand(5, args, err, sizeof(err));
	ck_assert_str_eq(got, "check_greylist -w 1 -- --extra-opts");
	free(got);
}
END_TEST

Suite *extraopts_suite(void)
{
	Suite *s = suite_create("extraopts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, section_before_command_line);
	tcase_add_test(tc, named_section_and_inline_comment);
	tcase_add_test(tc, default_file_from_environment);
	tcase_add_test(tc, missing_section_is_an_error);
	tcase_add_test(tc, syntax_error_names_file_and_line);
	tcase_add_test(tc, keys_that_are_no_option_names);
	tcase_add_test(tc, unreadable_file);
	tcase_add_test(tc, untouched_without_the_option);
	suite_add_tcase(s, tc);
	return s;
}
