/*
 * Unit tests: a pushed state change (publisher/source/notify.c), from options
 * and from the macros Nagios and Icinga 2 put in the environment, and how
 * it is laid over what the source said. check runs each test in a child
 * of its own, so the environment a test sets does not leak.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "engines_suites.h"
#include "helpers.h"
#include "notify.h"
#include "source.h"
#include "text.h"

static void clear_macros(void)
{
	static const char *const names[] = {
		"HOSTNAME", "SERVICEDESC", "HOSTSTATEID", "SERVICESTATEID", "HOSTSTATETYPE",
		"SERVICESTATETYPE", "HOSTOUTPUT", "SERVICEOUTPUT", "HOSTDOWNTIME",
		"SERVICEDOWNTIME", "LASTHOSTSTATECHANGE", "LASTSERVICESTATECHANGE",
		"NOTIFICATIONTYPE",
	};
	char key[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(key, sizeof(key), "NAGIOS_%s", names[i]);
		unsetenv(key);
		snprintf(key, sizeof(key), "ICINGA_%s", names[i]);
		unsetenv(key);
	}
}

START_TEST(from_options)
{
	struct pub_notice_args a = { .host = "gw1", .service = "greylist", .state = "CRITICAL",
				     .state_type = "HARD", .output = "GREYLIST CRITICAL - x | t=1",
				     .downtime = "0", .changed = "1795612335" };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;

	clear_macros();
	ck_assert_msg(pub_notice_parse(&n, &a, &err), "%s", ms_buf_str(&err));
	ck_assert_str_eq(n.host, "gw1");
	ck_assert_str_eq(n.service, "greylist");
	ck_assert_int_eq(n.state, 2);
	ck_assert(n.hard);
	/* one line of text, like every output the model keeps */
	ck_assert_str_eq(n.output, "GREYLIST CRITICAL - x / t=1");
	ck_assert_int_eq(n.downtime_depth, 0);
	ck_assert_int_eq(n.changed, 1795612335);
	pub_notice_free(&n);
	ms_buf_free(&err);
}
END_TEST

/* What Nagios exports with enable_environment_macros=1 for a service. */
START_TEST(from_nagios_service_macros)
{
	struct pub_notice_args a = { 0 };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;

	clear_macros();
	setenv("NAGIOS_HOSTNAME", "store1.example.net", 1);
	setenv("NAGIOS_SERVICEDESC", "mail storage", 1);
	setenv("NAGIOS_SERVICESTATEID", "2", 1);
	setenv("NAGIOS_SERVICESTATETYPE", "HARD", 1);
	setenv("NAGIOS_SERVICEOUTPUT", "STORAGE CRITICAL - /srv/mail does not answer", 1);
	setenv("NAGIOS_SERVICEDOWNTIME", "0", 1);
	setenv("NAGIOS_LASTSERVICESTATECHANGE", "1795612400", 1);
	/* the host's macros are there too, and must not be taken */
	setenv("NAGIOS_HOSTSTATEID", "0", 1);
	setenv("NAGIOS_HOSTOUTPUT", "PING OK", 1);
	ck_assert_msg(pub_notice_parse(&n, &a, &err), "%s", ms_buf_str(&err));
	ck_assert_str_eq(n.service, "mail storage");
	ck_assert_int_eq(n.state, 2);
	ck_assert_str_eq(n.output, "STORAGE CRITICAL - /srv/mail does not answer");
	ck_assert_int_eq(n.changed, 1795612400);
	pub_notice_free(&n);
	ms_buf_free(&err);
}
END_TEST

/* A host notification: Nagios sets SERVICEDESC empty, or not at all. */
START_TEST(from_host_macros)
{
	struct pub_notice_args a = { 0 };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;

	clear_macros();
	setenv("ICINGA_HOSTNAME", "bmx1.example.net", 1);
	setenv("ICINGA_SERVICEDESC", "", 1);
	setenv("ICINGA_HOSTSTATEID", "1", 1);
	setenv("ICINGA_HOSTSTATETYPE", "SOFT", 1);
	setenv("ICINGA_HOSTOUTPUT", "PING CRITICAL - Packet loss = 100%", 1);
	setenv("ICINGA_LASTHOSTSTATECHANGE", "1795612334.597783", 1);
	ck_assert_msg(pub_notice_parse(&n, &a, &err), "%s", ms_buf_str(&err));
	ck_assert_str_eq(n.host, "bmx1.example.net");
	ck_assert_ptr_null(n.service);
	ck_assert_int_eq(n.state, 1);
	ck_assert(!n.hard);
	ck_assert_int_eq(n.downtime_depth, -1);
	/* Icinga 2 gives the time with a fraction */
	ck_assert_int_eq(n.changed, 1795612334);
	pub_notice_free(&n);
	ms_buf_free(&err);
}
END_TEST

START_TEST(options_win_over_macros)
{
	struct pub_notice_args a = { .state = "OK" };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;

	clear_macros();
	setenv("NAGIOS_HOSTNAME", "gw1", 1);
	setenv("NAGIOS_SERVICEDESC", "greylist", 1);
	setenv("NAGIOS_SERVICESTATEID", "2", 1);
	ck_assert(pub_notice_parse(&n, &a, &err));
	ck_assert_int_eq(n.state, 0);
	ck_assert(n.hard);	/* no type given: a notification is about a HARD state */
	pub_notice_free(&n);
	ms_buf_free(&err);
}
END_TEST

START_TEST(refusals)
{
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;
	struct pub_notice_args no_host = { .state = "0" };
	struct pub_notice_args no_state = { .host = "gw1", .service = "greylist" };
	struct pub_notice_args bad_state = { .host = "gw1", .state = "3" };
	struct pub_notice_args bad_type = { .host = "gw1", .state = "0", .state_type = "hard-ish" };
	struct pub_notice_args bad_name = { .host = "gw1\nx", .state = "0" };
	struct pub_notice_args bad_time = { .host = "gw1", .state = "0", .changed = "12abc" };

	clear_macros();
	ck_assert(!pub_notice_parse(&n, &no_host, &err));
	ck_assert_str_eq(ms_buf_str(&err), "no host: give --host, or run from Nagios/Icinga "
			 "with NAGIOS_HOSTNAME or ICINGA_HOSTNAME set");
	ms_buf_reset(&err);
	ck_assert(!pub_notice_parse(&n, &no_state, &err));
	ck_assert_str_eq(ms_buf_str(&err), "no state for gw1!greylist: give --state, or set "
			 "NAGIOS_SERVICESTATEID");
	ms_buf_reset(&err);
	/* a host has no state 3 */
	ck_assert(!pub_notice_parse(&n, &bad_state, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the state must be a number from 0 to 2, not '3'");
	ms_buf_reset(&err);
	ck_assert(!pub_notice_parse(&n, &bad_type, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the state type must be HARD or SOFT, not 'hard-ish'");
	ms_buf_reset(&err);
	ck_assert(!pub_notice_parse(&n, &bad_name, &err));
	ck_assert_str_eq(ms_buf_str(&err), "the host name contains a control character");
	ms_buf_reset(&err);
	ck_assert(!pub_notice_parse(&n, &bad_time, &err));
	ck_assert(strstr(ms_buf_str(&err), "the time of the state change must be a number") != NULL);
	ms_buf_free(&err);
}
END_TEST

/* Nagios sends DOWNTIMESTART before it counts the downtime. */
START_TEST(downtime_notifications)
{
	struct pub_notice_args start = { .host = "store1", .state = "UP", .downtime = "0",
					 .type = "DOWNTIMESTART" };
	struct pub_notice_args end = { .host = "store1", .state = "UP", .downtime = "0",
				       .type = "DOWNTIMEEND" };
	struct pub_notice_args problem = { .host = "store1", .state = "DOWN", .downtime = "0",
					   .type = "PROBLEM" };
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;

	clear_macros();
	ck_assert(pub_notice_parse(&n, &start, &err));
	ck_assert_int_eq(n.downtime_depth, 1);
	pub_notice_free(&n);
	ck_assert(pub_notice_parse(&n, &end, &err));
	ck_assert_int_eq(n.downtime_depth, 0);
	pub_notice_free(&n);
	ck_assert(pub_notice_parse(&n, &problem, &err));
	ck_assert_int_eq(n.downtime_depth, 0);
	ck_assert_int_eq(n.state, 1);
	pub_notice_free(&n);
	/* from Icinga 2's environment, where the start is already counted */
	setenv("ICINGA_HOSTNAME", "store1", 1);
	setenv("ICINGA_HOSTSTATEID", "0", 1);
	setenv("ICINGA_HOSTDOWNTIME", "1", 1);
	setenv("ICINGA_NOTIFICATIONTYPE", "DOWNTIMESTART", 1);
	struct pub_notice_args none = { 0 };
	ck_assert(pub_notice_parse(&n, &none, &err));
	ck_assert_int_eq(n.downtime_depth, 1);
	pub_notice_free(&n);
	unsetenv("ICINGA_NOTIFICATIONTYPE");
	ms_buf_free(&err);
}
END_TEST

static void notice(struct pub_notice *n, const char *host, const char *service, int state,
		   bool hard, time_t changed)
{
	memset(n, 0, sizeof(*n));
	n->host = strdup(host);
	n->service = service ? strdup(service) : NULL;
	n->state = state;
	n->hard = hard;
	n->downtime_depth = -1;
	n->changed = changed;
	n->output = strdup("pushed");
}

/* A snapshot as a source filled it: gw1!greylist OK since 1000. */
static void source_said(struct pub_snapshot *s)
{
	pub_snapshot_init(s);
	size_t i = pub_snapshot_want(s, "gw1", "greylist");
	pub_snapshot_want(s, "gw1", NULL);
	s->objects[i].seen = true;
	s->objects[i].hard_state = 0;
	s->objects[i].last_hard_change = 1000;
	s->objects[i].output = strdup("from the source");
	s->objects[1].seen = true;
}

START_TEST(apply_a_newer_change)
{
	struct pub_snapshot s;
	struct pub_notice n;

	source_said(&s);
	notice(&n, "gw1", "greylist", 2, true, 2000);
	ck_assert(pub_notice_apply(&n, &s));
	ck_assert_int_eq(s.objects[0].hard_state, 2);
	ck_assert_int_eq(s.objects[0].last_hard_change, 2000);
	ck_assert_str_eq(s.objects[0].output, "pushed");
	/* the host is untouched */
	ck_assert_int_eq(s.objects[1].hard_state, 0);
	pub_notice_free(&n);
	pub_snapshot_free(&s);
}
END_TEST

START_TEST(an_older_change_does_not_undo_the_source)
{
	struct pub_snapshot s;
	struct pub_notice n;

	source_said(&s);
	notice(&n, "gw1", "greylist", 2, true, 999);
	ck_assert(!pub_notice_apply(&n, &s));
	ck_assert_int_eq(s.objects[0].hard_state, 0);
	ck_assert_str_eq(s.objects[0].output, "from the source");
	pub_notice_free(&n);
	pub_snapshot_free(&s);
}
END_TEST

START_TEST(soft_and_unwanted_change_nothing)
{
	struct pub_snapshot s;
	struct pub_notice n;

	source_said(&s);
	notice(&n, "gw1", "greylist", 2, false, 2000);
	ck_assert(!pub_notice_apply(&n, &s));
	ck_assert_int_eq(s.objects[0].hard_state, 0);
	pub_notice_free(&n);
	notice(&n, "gw2", "greylist", 2, true, 2000);
	ck_assert(!pub_notice_apply(&n, &s));
	pub_notice_free(&n);
	/* a host notice is about the host, not its services */
	notice(&n, "gw1", NULL, 1, true, 2000);
	ck_assert(pub_notice_apply(&n, &s));
	ck_assert_int_eq(s.objects[1].hard_state, 1);
	ck_assert_int_eq(s.objects[0].hard_state, 0);
	pub_notice_free(&n);
	pub_snapshot_free(&s);
}
END_TEST

START_TEST(a_downtime_start)
{
	struct pub_snapshot s;
	struct pub_notice n;

	source_said(&s);
	notice(&n, "gw1", "greylist", 0, true, 0);
	n.downtime_depth = 1;
	ck_assert(pub_notice_apply(&n, &s));
	ck_assert_int_eq(s.objects[0].downtime_depth, 1);
	/* no time told: the source's time of the last change stays */
	ck_assert_int_eq(s.objects[0].last_hard_change, 1000);
	pub_notice_free(&n);
	pub_snapshot_free(&s);
}
END_TEST

/* Kept beside the store until the source catches up. */
START_TEST(pending_round_trip)
{
	char *dir = temp_dir();
	char *path = pub_pending_path("x");
	struct pub_pending p = { 0 }, q;
	struct pub_notice n;
	struct ms_buf err = MS_BUF_INIT;
	struct pub_snapshot s;

	ck_assert_str_eq(path, "x-notices");
	free(path);
	path = malloc(strlen(dir) + 32);
	sprintf(path, "%s/publish.db-notices", dir);
	/* no file: no notices */
	ck_assert(pub_pending_load(path, &q, &err));
	ck_assert_uint_eq(q.n, 0);

	notice(&n, "gw1", "greylist", 2, true, 1500);
	n.received = 1500;
	pub_pending_add(&p, &n);
	notice(&n, "store1", NULL, 0, true, 0);
	n.downtime_depth = 1;
	n.received = 1600;
	pub_pending_add(&p, &n);
	/* a newer notice about gw1!greylist replaces the first */
	notice(&n, "gw1", "greylist", 1, true, 1700);
	n.received = 1700;
	pub_pending_add(&p, &n);
	ck_assert_uint_eq(p.n, 2);
	ck_assert(pub_pending_save(path, &p, &err));
	ck_assert(pub_pending_load(path, &q, &err));
	ck_assert_uint_eq(q.n, 2);
	ck_assert_str_eq(q.list[0].host, "store1");
	ck_assert_ptr_null(q.list[0].service);
	ck_assert_int_eq(q.list[0].downtime_depth, 1);
	ck_assert_str_eq(q.list[1].service, "greylist");
	ck_assert_int_eq(q.list[1].state, 1);
	ck_assert_str_eq(q.list[1].output, "pushed");

	/* the source was written at 1650: it knows store1's, not gw1's */
	source_said(&s);
	pub_snapshot_want(&s, "store1", NULL);
	s.created = 1650;
	ck_assert_uint_eq(pub_pending_apply(&q, &s), 1);
	ck_assert_uint_eq(q.n, 1);
	ck_assert_int_eq(s.objects[0].hard_state, 1);
	ck_assert_int_eq(s.objects[2].downtime_depth, 0);
	/* all caught up: the file goes */
	s.created = 1800;
	pub_pending_apply(&q, &s);
	ck_assert_uint_eq(q.n, 0);
	ck_assert(pub_pending_save(path, &q, &err));
	ck_assert_int_eq(access(path, F_OK), -1);

	pub_snapshot_free(&s);
	pub_pending_free(&p);
	pub_pending_free(&q);
	remove_tree(dir);
	free(dir);
	free(path);
	ms_buf_free(&err);
}
END_TEST

/*
 * An output of any length (Icinga 2 has no limit, Nagios 8 KiB) is kept
 * short enough that its notice reads back from the notices file, whose
 * lines are bounded; cut whole characters only (found by fuzz_notify: a
 * 9 KB output made a file every later run refused).
 */
START_TEST(long_output_reads_back)
{
	char *dir = temp_dir();
	char *path = malloc(strlen(dir) + 32);
	struct ms_buf out = MS_BUF_INIT, err = MS_BUF_INIT;
	struct pub_notice_args a = { .host = "gw1", .service = "greylist", .state = "2" };
	struct pub_notice n;
	struct pub_pending p = { 0 }, q;

	clear_macros();
	sprintf(path, "%s/publish.db-notices", dir);
	ms_buf_puts(&out, "GREYLIST CRITICAL -");
	for (int i = 0; i < 3000; i++)
		ms_buf_puts(&out, " \xc3\xa9t\xc3\xa9");	/* 7 bytes, 3 characters */
	a.output = out.data;
	ck_assert_msg(pub_notice_parse(&n, &a, &err), "%s", ms_buf_str(&err));
	ck_assert_uint_le(strlen(n.output), 4096);
	ck_assert_uint_ge(strlen(n.output), 4090);
	ck_assert(ms_utf8_valid(n.output, strlen(n.output)));
	ck_assert(strncmp(n.output, out.data, strlen(n.output)) == 0);
	n.received = 1500;
	pub_pending_add(&p, &n);
	ck_assert(pub_pending_save(path, &p, &err));
	ck_assert_msg(pub_pending_load(path, &q, &err), "%s", ms_buf_str(&err));
	ck_assert_uint_eq(q.n, 1);
	ck_assert_str_eq(q.list[0].output, p.list[0].output);

	pub_pending_free(&p);
	pub_pending_free(&q);
	remove_tree(dir);
	free(dir);
	free(path);
	ms_buf_free(&out);
	ms_buf_free(&err);
}
END_TEST

START_TEST(pending_file_damaged)
{
	struct pub_pending p;
	struct ms_buf err = MS_BUF_INIT;
	char *cut = temp_file("1500\t1500\t2\t-1\tgw1\tgreylist\tout");	/* no newline */
	char *bad = temp_file("1500\t1500\t7\t-1\tgw1\tgreylist\tout\n");

	ck_assert(!pub_pending_load(cut, &p, &err));
	ck_assert(strstr(ms_buf_str(&err), ":1: cut short or too long; remove the file") != NULL);
	ms_buf_reset(&err);
	ck_assert(!pub_pending_load(bad, &p, &err));
	ck_assert(strstr(ms_buf_str(&err), ":1: not a notice") != NULL);
	/* a depth beyond an int, or a state of -1, is not one the writer wrote (fuzz_pending) */
	for (size_t i = 0; i < 2; i++) {
		char *odd = temp_file(i == 0 ? "1500\t1500\t2\t4294967297\tgw1\tgreylist\tout\n"
					     : "1500\t1500\t-1\t0\tgw1\tgreylist\tout\n");
		ms_buf_reset(&err);
		ck_assert(!pub_pending_load(odd, &p, &err));
		ck_assert(strstr(ms_buf_str(&err), ":1: not a notice") != NULL);
		unlink(odd);
		free(odd);
	}
	unlink(cut);
	unlink(bad);
	free(cut);
	free(bad);
	ms_buf_free(&err);
}
END_TEST

Suite *publish_notify_suite(void)
{
	Suite *s = suite_create("publish_notify");
	TCase *tc = tcase_create("notice");

	tcase_add_test(tc, from_options);
	tcase_add_test(tc, from_nagios_service_macros);
	tcase_add_test(tc, from_host_macros);
	tcase_add_test(tc, options_win_over_macros);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, downtime_notifications);
	tcase_add_test(tc, apply_a_newer_change);
	tcase_add_test(tc, an_older_change_does_not_undo_the_source);
	tcase_add_test(tc, soft_and_unwanted_change_nothing);
	tcase_add_test(tc, a_downtime_start);
	tcase_add_test(tc, pending_round_trip);
	tcase_add_test(tc, long_output_reads_back);
	tcase_add_test(tc, pending_file_damaged);
	suite_add_tcase(s, tc);
	return s;
}
