/* Unit tests: running programs with a deadline (lib/plugin/runcmd.c). */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "helpers.h"
#include "runcmd.h"
#include "suites.h"

START_TEST(captures_both_streams_and_status)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct ms_cmd_opts opts = { .timeout_ms = 5000 };
	struct ms_cmd_result res;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(ms_cmd_run(argv, &opts, &res, &err), "%s", ms_buf_str(&err));
	ck_assert(res.exited);
	ck_assert_int_eq(res.exit_status, 3);
	ck_assert_str_eq(ms_buf_str(&res.out), "out\n");
	ck_assert_str_eq(ms_buf_str(&res.err), "err\n");
	ck_assert(!res.timed_out);
	ms_cmd_result_free(&res);
}
END_TEST

START_TEST(missing_program_says_so)
{
	char *argv[] = { "/nonexistent/postqueue", "-j", NULL };
	struct ms_cmd_opts opts = { .timeout_ms = 5000 };
	struct ms_cmd_result res;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!ms_cmd_run(argv, &opts, &res, &err));
	ck_assert_str_eq(ms_buf_str(&err),
			 "cannot run /nonexistent/postqueue: No such file or directory");
	ms_buf_free(&err);
}
END_TEST

START_TEST(killed_at_its_deadline_with_its_children)
{
	/* the shell's own child must die too: the whole group is killed */
	char *argv[] = { "sh", "-c", "sleep 30 & echo $!; wait", NULL };
	struct ms_cmd_opts opts = { .timeout_ms = 300 };
	struct ms_cmd_result res;
	struct ms_buf err = MS_BUF_INIT;

	int64_t start = ms_now_ms();
	ck_assert(ms_cmd_run(argv, &opts, &res, &err));
	ck_assert(res.timed_out);
	ck_assert_int_lt(ms_now_ms() - start, 5000);
	int grandchild = atoi(ms_buf_str(&res.out));
	ck_assert_int_gt(grandchild, 0);
	ck_assert_msg(wait_process_gone(grandchild, 3000), "sleep %d outlived the deadline",
		      grandchild);
	ms_cmd_result_free(&res);
}
END_TEST

START_TEST(input_environment_and_truncation)
{
	char *argv[] = { "sh", "-c", "cat; printf %s \"$MS_TEST_VAR\"", NULL };
	char *env[] = { "MS_TEST_VAR=from-env", NULL };
	struct ms_cmd_opts opts = { .timeout_ms = 5000, .env_add = env,
				    .input = "abcdefgh", .input_len = 8, .max_output = 10 };
	struct ms_cmd_result res;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(ms_cmd_run(argv, &opts, &res, &err));
	ck_assert_str_eq(ms_buf_str(&res.out), "abcdefghfr");
	ck_assert(res.out_truncated);
	ms_cmd_result_free(&res);
}
END_TEST

START_TEST(signal_is_reported)
{
	char *argv[] = { "sh", "-c", "kill -TERM $$", NULL };
	struct ms_cmd_opts opts = { .timeout_ms = 5000 };
	struct ms_cmd_result res;
	struct ms_buf err = MS_BUF_INIT;
	char how[64];

	ck_assert(ms_cmd_run(argv, &opts, &res, &err));
	ck_assert(res.signaled);
	ck_assert_int_eq(res.term_signal, SIGTERM);
	ck_assert_ptr_nonnull(strstr(ms_cmd_describe(&res, how, sizeof(how)), "signal 15"));
	ms_cmd_result_free(&res);
}
END_TEST

struct counter {
	size_t bytes, calls;
};

static void count_chunk(void *arg, const char *data, size_t len)
{
	struct counter *c = arg;

	(void)data;
	c->bytes += len;
	c->calls++;
}

START_TEST(streams_large_output_to_a_callback)
{
	char *argv[] = { "sh", "-c", "head -c 3000000 /dev/zero", NULL };
	struct counter count = { 0, 0 };
	struct ms_cmd_opts opts = { .timeout_ms = 10000, .on_stdout = count_chunk,
				    .on_stdout_arg = &count, .max_output = 1 };
	struct ms_cmd_result res;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(ms_cmd_run(argv, &opts, &res, &err));
	ck_assert_uint_eq(count.bytes, 3000000);
	ck_assert_uint_eq(res.out.len, 0);
	ms_cmd_result_free(&res);
}
END_TEST

Suite *runcmd_suite(void)
{
	Suite *s = suite_create("runcmd");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, captures_both_streams_and_status);
	tcase_add_test(tc, missing_program_says_so);
	tcase_add_test(tc, killed_at_its_deadline_with_its_children);
	tcase_add_test(tc, input_environment_and_truncation);
	tcase_add_test(tc, signal_is_reported);
	tcase_add_test(tc, streams_large_output_to_a_callback);
	suite_add_tcase(s, tc);
	return s;
}
