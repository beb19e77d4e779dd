/*
 * Unit tests: the overall deadline (lib/plugin/deadline.c). The timeout path runs
 * in a child that sleeps; what it prints and how it exits is asserted.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "helpers.h"
#include "suites.h"

static void sleep_past_deadline(void *arg)
{
	(void)arg;
	ms_deadline_configure("DEMO", MS_FORMAT_CLASSIC);
	ms_step("doing the first thing");
	ms_deadline_arm(0.2, MS_UNKNOWN);
	ms_step("waiting for %s", "the peer");
	sleep(5);
	printf("not reached\n");
}

START_TEST(expiry_names_the_step)
{
	struct captured c;

	capture_run(sleep_past_deadline, NULL, &c, 10);
	ck_assert_int_eq(c.exit_code, 3);
	ck_assert_str_eq(c.out, "DEMO UNKNOWN - timed out after 0.2s while waiting for the peer\n");
	captured_free(&c);
}
END_TEST

static void expire_critical_json(void *arg)
{
	(void)arg;
	ms_deadline_configure("DEMO", MS_FORMAT_JSON);
	ms_deadline_arm(0.1, MS_CRITICAL);
	ms_step("reading \"quoted\" | text");
	pause();
}

START_TEST(expiry_state_and_json)
{
	struct captured c;

	capture_run(expire_critical_json, NULL, &c, 10);
	ck_assert_int_eq(c.exit_code, 2);
	ck_assert_str_eq(c.out, "{\"name\":\"DEMO\",\"state\":\"CRITICAL\",\"exit_code\":2,"
				"\"summary\":\"timed out after 0.1s while reading \\\"quoted\\\" / text\","
				"\"checks\":[],\"long_output\":[],\"perfdata\":[]}\n");
	captured_free(&c);
}
END_TEST

static pid_t watched_pid_file_pid;

static void watched_child_is_killed(void *arg)
{
	int *fds = arg;

	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	ssize_t rc = write(fds[1], &pid, sizeof(pid));
	(void)rc;
	ms_deadline_configure("DEMO", MS_FORMAT_CLASSIC);
	ms_deadline_watch_child(pid);
	ms_deadline_arm(0.1, MS_UNKNOWN);
	pause();
}

START_TEST(expiry_kills_watched_children)
{
	int fds[2];
	struct captured c;

	ck_assert_int_eq(pipe(fds), 0);
	capture_run(watched_child_is_killed, fds, &c, 10);
	ck_assert_int_eq(read(fds[0], &watched_pid_file_pid, sizeof(pid_t)), sizeof(pid_t));
	ck_assert_int_eq(c.exit_code, 3);
	/* the grandchild was killed: it no longer exists (or is a zombie of init) */
	ck_assert_msg(wait_process_gone(watched_pid_file_pid, 2000),
		      "the watched child %d survived the deadline", (int)watched_pid_file_pid);
	captured_free(&c);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(within_never_exceeds_the_deadline)
{
	ms_deadline_arm(100, MS_UNKNOWN);
	int64_t at = ms_deadline_at();
	ck_assert_int_le(ms_deadline_within(1000 * 1000), at);
	ck_assert_int_lt(ms_deadline_within(10), at);
	ck_assert_int_eq(ms_deadline_within(-1), at);
	ms_deadline_disarm();
	ck_assert_int_eq(ms_deadline_at(), INT64_MAX);
}
END_TEST

Suite *deadline_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, expiry_names_the_step);
	tcase_add_test(tc, expiry_state_and_json);
	tcase_add_test(tc, expiry_kills_watched_children);
	tcase_add_test(tc, within_never_exceeds_the_deadline);
	suite_add_tcase(s, tc);
	return s;
}
