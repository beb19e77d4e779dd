/* Unit tests: probes in child processes (lib/plugin/probe.c). */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "probe.h"
#include "suites.h"

/* Starts a probe; it must start. */
static void start(struct ms_probe *p, ms_probe_fn fn, void *arg)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(ms_probe_start(p, fn, arg, &err), "%s", ms_buf_str(&err));
}

static int answer(void *arg, int fd)
{
	const char *text = arg;
	ssize_t rc = write(fd, text, strlen(text));

	(void)rc;
	return 7;
}

static _Noreturn int hang(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	for (;;)
		pause();
}

START_TEST(answer_and_status)
{
	struct ms_probe p;

	start(&p, answer, "statfs ok");
	ck_assert_int_eq(p.state, MS_PROBE_RUNNING);
	ms_probe_wait(&p, 1, ms_now_ms() + 5000);
	ck_assert_int_eq(p.state, MS_PROBE_DONE);
	ck_assert_int_eq(p.exit_status, 7);
	ck_assert_str_eq(ms_buf_str(&p.answer), "statfs ok");
	ck_assert_int_ge(p.ended_ms, p.started_ms);
	ms_probe_free(&p);
}
END_TEST

START_TEST(hung_probe_is_left_behind_in_time)
{
	struct ms_probe p[3];

	start(&p[0], answer, "first");
	start(&p[1], hang, NULL);
	start(&p[2], answer, "third");
	int64_t start = ms_now_ms();
	ms_probe_wait(p, 3, start + 300);
	int64_t took = ms_now_ms() - start;
	/* the hung one does not delay the answers of the others */
	ck_assert_int_eq(p[0].state, MS_PROBE_DONE);
	ck_assert_int_eq(p[2].state, MS_PROBE_DONE);
	ck_assert_str_eq(ms_buf_str(&p[2].answer), "third");
	ck_assert_int_eq(p[1].state, MS_PROBE_TIMED_OUT);
	ck_assert_int_gt(p[1].pid, 0);
	ck_assert_int_lt(took, 3000);
	for (int i = 0; i < 3; i++)
		ms_probe_free(&p[i]);
}
END_TEST

static int crash(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	signal(SIGABRT, SIG_DFL);
	abort();
}

START_TEST(crash_is_a_failure)
{
	struct ms_probe p;

	start(&p, crash, NULL);
	ms_probe_wait(&p, 1, ms_now_ms() + 5000);
	ck_assert_int_eq(p.state, MS_PROBE_FAILED);
	ck_assert_int_eq(p.term_signal, SIGABRT);
	ms_probe_free(&p);
}
END_TEST

/* Answers whether its stdout is still the parent's (it must not be). */
static int report_stdout(void *arg, int fd)
{
	struct stat *parent = arg, mine;
	const char *answer = "detached";

	if (fstat(STDOUT_FILENO, &mine) == 0 && mine.st_dev == parent->st_dev &&
	    mine.st_ino == parent->st_ino)
		answer = "still attached";
	ssize_t rc = write(fd, answer, strlen(answer));
	(void)rc;
	return 0;
}

START_TEST(child_lets_go_of_stdio)
{
	struct stat out;
	struct ms_probe p;

	ck_assert_int_eq(fstat(STDOUT_FILENO, &out), 0);
	start(&p, report_stdout, &out);
	ms_probe_wait(&p, 1, ms_now_ms() + 5000);
	ck_assert_int_eq(p.state, MS_PROBE_DONE);
	ck_assert_str_eq(ms_buf_str(&p.answer), "detached");
	ms_probe_free(&p);
}
END_TEST

Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, answer_and_status);
	tcase_add_test(tc, crash_is_a_failure);
	tcase_add_test(tc, child_lets_go_of_stdio);
	suite_add_tcase(s, tc);

	/*
	 * Its probes must answer within 300 ms, which under valgrind on a
	 * loaded machine they may not: tagged so that make check-valgrind
	 * (CK_EXCLUDE_TAGS=timing) leaves it out.
	 */
	TCase *timing = tcase_create("timing");
	tcase_set_tags(timing, "timing");
	tcase_set_timeout(timing, 30);
	tcase_add_test(timing, hung_probe_is_left_behind_in_time);
	suite_add_tcase(s, timing);
	return s;
}
