/*
 * Unit tests: the status.dat source (publisher/source/statusdat.c), on files a
 * real Nagios 4 wrote, cut short, or that are not status.dat at all.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "source.h"
#include "statusdat.h"
#include "test_publish_suites.h"
#include "text.h"

/* The objects the fixture config names, plus one Nagios does not have. */
static void want(struct pub_snapshot *s)
{
	pub_snapshot_init(s);
	pub_snapshot_want(s, "gw1.example.net", "greylist");	/* 0 */
	pub_snapshot_want(s, "gw1.example.net", "imap");	/* 1 */
	pub_snapshot_want(s, "gw1.example.net", NULL);		/* 2 */
	pub_snapshot_want(s, "bmx1.example.net", NULL);		/* 3 */
	pub_snapshot_want(s, "nosuch.example.net", NULL);	/* 4 */
}

static bool read_fixture(const char *name, struct pub_snapshot *s, struct ms_buf *err)
{
	char *path = publish_fixture(name);
	bool ok = pub_statusdat_source.read(NULL, path, s, err);

	free(path);
	return ok;
}

START_TEST(real_nagios4_file)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(read_fixture("nagios4-status.dat", &s, &err), "%s", ms_buf_str(&err));
	ck_assert_int_eq(s.created, 1795610145);

	const struct pub_object *grey = &s.objects[0], *imap = &s.objects[1];
	const struct pub_object *gw1 = &s.objects[2], *bmx1 = &s.objects[3];
	ck_assert(grey->seen && imap->seen && gw1->seen && bmx1->seen);
	ck_assert(!s.objects[4].seen);
	ck_assert_int_eq(grey->hard_state, 2);
	ck_assert(grey->acknowledged);
	ck_assert_str_eq(grey->output,
			 "GREYLIST CRITICAL - postgrey <b>not</b> answering & \"quoted\"");
	ck_assert_int_eq(imap->hard_state, 1);
	ck_assert(!imap->acknowledged);
	ck_assert_int_eq(gw1->hard_state, 0);
	ck_assert_int_eq(bmx1->downtime_depth, 1);
	ck_assert_int_eq(gw1->downtime_depth, 0);

	/* the user comment, the acknowledgement; the downtime's own comment too */
	ck_assert_uint_eq(s.n_comments, 3);
	ck_assert_uint_eq(s.comments[0].object, 0);
	ck_assert_int_eq(s.comments[0].kind, PUB_COMMENT_USER);
	ck_assert_uint_eq(s.comments[0].id, 1);
	ck_assert_int_eq(s.comments[0].entry_time, 1795610144);
	ck_assert_str_eq(s.comments[0].author, "ops");
	ck_assert_str_eq(s.comments[0].text, "The faulty server was removed from the cluster");
	ck_assert_int_eq(s.comments[1].kind, PUB_COMMENT_ACK);
	ck_assert_str_eq(s.comments[1].text, "Postgrey database locked, restarting");
	ck_assert_int_eq(s.comments[2].kind, PUB_COMMENT_DOWNTIME);
	ck_assert_uint_eq(s.comments[2].object, 3);

	ck_assert_uint_eq(s.n_downtimes, 1);
	ck_assert_uint_eq(s.downtimes[0].object, 3);
	ck_assert_int_eq(s.downtimes[0].end - s.downtimes[0].start, 3600);
	ck_assert_str_eq(s.downtimes[0].text, "Firmware update");
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* A broken file fails with a reason and leaves nothing in the snapshot. */
static void expect_broken(const char *fixture, const char *want_msg)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(!read_fixture(fixture, &s, &err), "%s was accepted", fixture);
	ck_assert_msg(strstr(ms_buf_str(&err), want_msg) != NULL, "%s: got '%s', want '%s'",
		      fixture, ms_buf_str(&err), want_msg);
	ck_assert_msg(strstr(ms_buf_str(&err), fixture) != NULL, "the file is named: %s",
		      ms_buf_str(&err));
	for (size_t i = 0; i < s.n_objects; i++)
		ck_assert(!s.objects[i].seen && s.objects[i].output == NULL);
	ck_assert_uint_eq(s.n_comments, 0);
	ck_assert_int_eq(s.created, 0);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}

START_TEST(truncated_mid_line)
{
	expect_broken("truncated-status.dat", "the last line has no newline: the file is truncated");
}
END_TEST

START_TEST(truncated_inside_a_block)
{
	expect_broken("cut-in-block-status.dat",
		      "the block that starts on line 166 is not closed");
}
END_TEST

START_TEST(garbage_is_not_status_dat)
{
	expect_broken("garbage-status.dat", "line 1: expected the start of a block");
}
END_TEST

START_TEST(missing_file)
{
	expect_broken("no-such-status.dat", "cannot open: No such file or directory");
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "", "no info block with 'created'" },
	{ "# only a comment\n", "no info block" },
	{ "info {\n\tversion=4\n\t}\n", "the info block that starts on line 1 has no" },
	{ "info {\n\tcreated=12x\n\t}\n", "line 2: created is not a number" },
	{ "info {\n\tcreated=12.5.1\n\t}\n", "line 2: created is not a number" },
	{ "info {\n\tcreated=.5\n\t}\n", "line 2: created is not a number" },
	{ "info {\n\tcreated=1\n\t}\nhoststatus {\n\thost_name=gw1.example.net\n\tcurrent_state=two\n\t}\n",
	  "line 6: current_state is not a number" },
	{ "info {\n\tcreated=1\n\t}\nhoststatus {\n\thost_name=gw1.example.net\n\t}\n",
	  "the hoststatus block that starts on line 4 has no state fields" },
	{ "info {\n\tcreated=1\n\t}\nservicestatus {\n\tcurrent_state=0\n\t}\n",
	  "the servicestatus block that starts on line 4 names no host_name" },
	{ "info {\n\tcreated=1\n\t}\nhoststatus {\n\thost_name=h\n\tno equals here\n\t}\n",
	  "line 6: expected 'key=value' or '}'" },
	{ "info {\n\tcreated=1\n\t}\n\x00\x01\x02\n", "line 4: a NUL byte" },
	{ "info {\n\tcreated=1\n\t}\n<html>\n", "line 4: expected the start of a block" },
	{ "info {\n\tcreated=1\n", "the block that starts on line 1 is not closed" },
};

START_TEST(bad_contents)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	size_t len = strlen(bad[_i].text);

	if (strstr(bad[_i].error, "NUL"))
		len = 25;	/* the fixture holds a NUL: strlen stops at it */
	want(&s);
	ck_assert_msg(!pub_statusdat_parse_mem(bad[_i].text, len, &s, &err), "accepted");
	ck_assert_msg(strstr(ms_buf_str(&err), bad[_i].error) != NULL, "got '%s', want '%s'",
		      ms_buf_str(&err), bad[_i].error);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/*
 * A line that is not a block's start is quoted alone, at most 40 bytes
 * and never past it: the bytes are not NUL-terminated (found by
 * fuzz_statusdat: the quote read past the end of the buffer).
 */
START_TEST(bad_line_quoted_alone)
{
	static const char *const text[] = {
		"info {\n\tcreated=1\n\t}\n<html>\n",
		/* 39 bytes, then an e-acute across the 40th: it is not cut in two */
		"info {\n\tcreated=1\n\t}\n012345678901234567890123456789012345678\xc3\xa9" "xyz\n",
	};
	static const char *const message[] = {
		"line 4: expected the start of a block ('name {'), found '<html>'",
		"line 4: expected the start of a block ('name {'), found "
		"'012345678901234567890123456789012345678'",
	};

	for (size_t i = 0; i < 2; i++) {
		struct pub_snapshot s;
		struct ms_buf err = MS_BUF_INIT;
		size_t len = strlen(text[i]);
		char *exact = malloc(len);	/* no NUL after the bytes, as read */

		ck_assert_ptr_nonnull(exact);
		memcpy(exact, text[i], len);
		want(&s);
		ck_assert(!pub_statusdat_parse_mem(exact, len, &s, &err));
		ck_assert_str_eq(ms_buf_str(&err), message[i]);
		pub_snapshot_free(&s);
		ms_buf_free(&err);
		free(exact);
	}
}
END_TEST

/* SOFT states are not news: the last HARD state stands while one lasts. */
START_TEST(soft_state_keeps_last_hard)
{
	static const char text[] =
		"info {\n\tcreated=100\n\t}\n"
		"servicestatus {\n\thost_name=gw1.example.net\n\tservice_description=imap\n"
		"\tcurrent_state=2\n\tlast_hard_state=0\n\tstate_type=0\n"
		"\tplugin_output=IMAP CRITICAL\n\t}\n"
		"servicestatus {\n\thost_name=gw1.example.net\n\tservice_description=greylist\n"
		"\tcurrent_state=2\n\tlast_hard_state=0\n\tstate_type=1\n\t}\n";
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), &s, &err), "%s",
		      ms_buf_str(&err));
	ck_assert_int_eq(s.objects[1].hard_state, 0);	/* imap: SOFT CRITICAL */
	ck_assert_int_eq(s.objects[0].hard_state, 2);	/* greylist: HARD CRITICAL */
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* Control characters and invalid UTF-8 in plugin output are made safe. */
START_TEST(output_is_cleaned)
{
	static const char text[] =
		"info {\n\tcreated=100\n\t}\n"
		"hoststatus {\n\thost_name=bmx1.example.net\n\tcurrent_state=0\n"
		"\tlast_hard_state=0\n\tstate_type=1\n\tplugin_output=OK a|b \x1b[1m\xff\x01 up\n\t}\n";
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert(pub_statusdat_parse_mem(text, strlen(text), &s, &err));
	/* text for feeds and pages: control characters go, '|' is just text */
	ck_assert_str_eq(s.objects[3].output, "OK a|b [1m" MS_REPLACEMENT_CHAR " up");
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* performance_data, for a response-time strip, at its check's time; none when empty. */
START_TEST(performance_data_is_read)
{
	static const char text[] =
		"info {\n\tcreated=100\n\t}\n"
		"servicestatus {\n\thost_name=gw1.example.net\n\tservice_description=greylist\n"
		"\tcurrent_state=0\n\tlast_hard_state=0\n\tstate_type=1\n\tlast_check=90\n"
		"\tplugin_output=OK\n\tperformance_data='send total'=0.52s;1;2 it's=3\x01\n\t}\n"
		"hoststatus {\n\thost_name=bmx1.example.net\n\tcurrent_state=0\n"
		"\tlast_hard_state=0\n\tstate_type=1\n\tperformance_data=\n\t}\n";
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert(pub_statusdat_parse_mem(text, strlen(text), &s, &err));
	ck_assert_str_eq(s.objects[0].perfdata, "'send total'=0.52s;1;2 it's=3");
	ck_assert_int_eq(s.objects[0].perfdata_at, 90);
	ck_assert(s.objects[3].seen);
	ck_assert_ptr_null(s.objects[3].perfdata);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* Unwanted objects are skipped, whatever order blocks and keys come in. */
START_TEST(lookup_and_order)
{
	static const char text[] =
		"servicestatus {\n\tcurrent_state=1\n\tlast_hard_state=1\n\tstate_type=1\n"
		"\tservice_description=imap\n\thost_name=gw1.example.net\n\t}\n"
		"servicestatus {\n\thost_name=gw1.example.net\n\tservice_description=pop3\n"
		"\tcurrent_state=2\n\t}\n"
		"info {\n\tcreated=5\n\t}\n";
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), &s, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(s.objects[1].seen);
	ck_assert_int_eq(s.objects[1].hard_state, 1);
	ck_assert_uint_eq(pub_snapshot_find(&s, "gw1.example.net", 15, "imap", 4), 1);
	ck_assert_uint_eq(pub_snapshot_find(&s, "gw1.example.net", 15, "pop3", 4),
			  (size_t)-1);
	ck_assert_uint_eq(pub_snapshot_find(&s, "gw1.example.net", 15, NULL, 0), 2);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* Many wanted objects: the index keeps finding every one after growing. */
START_TEST(index_grows)
{
	struct pub_snapshot s;
	char host[32];

	pub_snapshot_init(&s);
	for (int i = 0; i < 1000; i++) {
		snprintf(host, sizeof(host), "h%d", i);
		ck_assert_uint_eq(pub_snapshot_want(&s, host, i % 2 ? "svc" : NULL), (size_t)i);
	}
	ck_assert_uint_eq(pub_snapshot_want(&s, "h10", NULL), 10);
	for (int i = 0; i < 1000; i++) {
		snprintf(host, sizeof(host), "h%d", i);
		ck_assert_uint_eq(pub_snapshot_find(&s, host, strlen(host), i % 2 ? "svc" : NULL,
						    i % 2 ? 3 : 0), (size_t)i);
	}
	pub_snapshot_free(&s);
}
END_TEST

/*
 * The fixture as text, with each FROM replaced by TO (pairs, NULL-ended),
 * each one found after the one before.
 */
static char *fixture_changed(const char *name, ...)
{
	char *path = publish_fixture(name);
	FILE *fp = fopen(path, "rb");
	struct ms_buf b = MS_BUF_INIT;
	char chunk[4096];
	size_t n;
	va_list ap;
	const char *from;
	size_t off = 0;

	ck_assert(fp != NULL);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ms_buf_add(&b, chunk, n);
	fclose(fp);
	free(path);
	va_start(ap, name);
	while ((from = va_arg(ap, const char *)) != NULL) {
		const char *to = va_arg(ap, const char *);
		char *at = strstr(b.data + off, from), *rest;

		ck_assert_msg(at != NULL, "%s not in %s", from, name);
		rest = strdup(at + strlen(from));
		b.len = (size_t)(at - b.data);
		ms_buf_puts(&b, to);
		off = b.len;
		ms_buf_puts(&b, rest);
		free(rest);
	}
	va_end(ap);
	return ms_buf_steal(&b);
}

/*
 * When each object was last checked and how often (next_check -
 * last_check: check_interval counts in an interval_length status.dat does
 * not give); whether it was ever checked; whether checks run at all.
 */
START_TEST(check_times_and_pending)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;
	char *text;

	want(&s);
	ck_assert_msg(read_fixture("nagios4-status.dat", &s, &err), "%s", ms_buf_str(&err));
	ck_assert(!s.objects[0].pending && !s.objects[3].pending);
	ck_assert_int_eq(s.objects[0].last_check, 1795610145);
	ck_assert_int_eq(s.objects[0].check_interval, 1);
	ck_assert_int_eq(s.objects[3].last_check, 1795610143);	/* bmx1 */
	ck_assert_int_eq(s.objects[3].check_interval, 3);
	ck_assert(!s.service_checks_disabled && !s.host_checks_disabled);

	/* gw1!greylist never checked (a restart without retention); checks stopped */
	text = fixture_changed("nagios4-status.dat",
			       "active_service_checks_enabled=1", "active_service_checks_enabled=0",
			       "service_description=greylist\n", "service_description=greylist\n",
			       "has_been_checked=1", "has_been_checked=0",
			       "last_check=1795610145", "last_check=0",
			       (const char *)NULL);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), &s, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(s.objects[0].seen && s.objects[0].pending);
	ck_assert_int_eq(s.objects[0].last_check, 0);
	ck_assert_int_eq(s.objects[0].check_interval, 0);
	ck_assert(!s.objects[1].pending);
	ck_assert(s.service_checks_disabled);
	ck_assert(!s.host_checks_disabled);
	free(text);

	/* the nagios.cfg name of the switch; hosts */
	text = fixture_changed("nagios4-status.dat", "active_host_checks_enabled=1",
			       "execute_host_checks=0", (const char *)NULL);
	ck_assert(pub_statusdat_parse_mem(text, strlen(text), &s, &err));
	ck_assert(s.host_checks_disabled && !s.service_checks_disabled);
	free(text);
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* A file that does not say when or whether objects were checked claims nothing. */
START_TEST(no_check_times_claims_nothing)
{
	static const char bad_switch[] = "info {\n\tcreated=1\n\t}\nprogramstatus {\n"
					 "\tactive_service_checks_enabled=yes\n\t}\n";
	static const char text[] =
		"info {\n\tcreated=100\n\t}\n"
		"programstatus {\n\tnagios_pid=1\n\t}\n"
		"hoststatus {\n\thost_name=bmx1.example.net\n\tcurrent_state=0\n"
		"\tlast_hard_state=0\n\tstate_type=1\n\tnext_check=200\n\t}\n";
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	want(&s);
	ck_assert_msg(pub_statusdat_parse_mem(text, strlen(text), &s, &err), "%s",
		      ms_buf_str(&err));
	ck_assert(s.objects[3].seen && !s.objects[3].pending);
	ck_assert_int_eq(s.objects[3].last_check, 0);
	ck_assert_int_eq(s.objects[3].check_interval, 0);
	ck_assert(!s.service_checks_disabled && !s.host_checks_disabled);
	/* and a switch that is not a number is an error like any other */
	ck_assert(!pub_statusdat_parse_mem(bad_switch, strlen(bad_switch), &s, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), "active_service_checks_enabled is not a number"),
		      "%s", ms_buf_str(&err));
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/* Icinga 2's compat StatusDataWriter: other key order, times with fractions. */
START_TEST(real_icinga2_file)
{
	struct pub_snapshot s;
	struct ms_buf err = MS_BUF_INIT;

	pub_snapshot_init(&s);
	pub_snapshot_want(&s, "gw1.example.net", "greylist");
	pub_snapshot_want(&s, "gw1.example.net", NULL);
	ck_assert_msg(read_fixture("icinga2-status.dat", &s, &err), "%s", ms_buf_str(&err));
	ck_assert(s.objects[0].seen && s.objects[1].seen);
	ck_assert_int_eq(s.objects[0].hard_state, 2);
	ck_assert_int_eq(s.objects[1].hard_state, 0);
	ck_assert_str_eq(s.objects[0].output, "GREYLIST CRITICAL - no answer");
	ck_assert_uint_eq(s.n_comments, 1);
	ck_assert_uint_eq(s.comments[0].object, 0);
	ck_assert_int_eq(s.comments[0].entry_time, 1795611484);
	ck_assert_str_eq(s.comments[0].text, "Looking into it");
	pub_snapshot_free(&s);
	ms_buf_free(&err);
}
END_TEST

/*
 * Mutations of the real file (flipped bytes, cuts, inserted newlines and
 * braces; a fixed seed, so every run tries the same ones): the parser
 * never reads out of bounds (the sanitizer build watches), and a file it
 * refuses leaves nothing behind in the snapshot.
 */
START_TEST(mutated_files)
{
	char *path = publish_fixture("nagios4-status.dat");
	FILE *fp = fopen(path, "rb");
	char orig[16384], buf[16384];
	size_t len;
	unsigned long long seed = 0x9E3779B97F4A7C15ULL;
	size_t refused = 0;

	ck_assert_ptr_nonnull(fp);
	len = fread(orig, 1, sizeof(orig), fp);
	fclose(fp);
	free(path);
	ck_assert_uint_gt(len, 1000);
	for (int round = 0; round < 3000; round++) {
		struct pub_snapshot s;
		struct ms_buf err = MS_BUF_INIT;
		size_t n = len;

		memcpy(buf, orig, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t at = (size_t)(seed >> 33) % n;
			switch ((seed >> 20) % 4) {
			case 0: buf[at] = (char)(seed >> 8); break;
			case 1: n = at + 1; break;
			case 2: buf[at] = '\n'; break;
			default: buf[at] = "{}=\t"[(seed >> 12) % 4]; break;
			}
		}
		want(&s);
		if (!pub_statusdat_parse_mem(buf, n, &s, &err)) {
			refused++;
			ck_assert_uint_gt(err.len, 0);
			for (size_t i = 0; i < s.n_objects; i++)
				ck_assert(!s.objects[i].seen);
			ck_assert_uint_eq(s.n_comments + s.n_downtimes, 0);
		}
		pub_snapshot_free(&s);
		ms_buf_free(&err);
	}
	/* most damage is noticed; a changed letter in a value need not be */
	ck_assert_uint_gt(refused, 1500);
}
END_TEST

START_TEST(source_registry)
{
	const struct pub_source_ops *ops;
	const char *loc;
	struct ms_buf why = MS_BUF_INIT;

	ck_assert(pub_source_find("statusdat:/var/lib/nagios4/status.dat", &ops, &loc, &why));
	ck_assert_str_eq(ops->scheme, "statusdat");
	ck_assert_str_eq(loc, "/var/lib/nagios4/status.dat");
	ck_assert(!pub_source_find("status.dat", &ops, &loc, &why));
	ck_assert(strstr(ms_buf_str(&why), "not a known source") != NULL);
	ms_buf_free(&why);
}
END_TEST

Suite *publish_statusdat_suite(void)
{
	Suite *s = suite_create("publish_statusdat");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_nagios4_file);
	tcase_add_test(tc, truncated_mid_line);
	tcase_add_test(tc, truncated_inside_a_block);
	tcase_add_test(tc, garbage_is_not_status_dat);
	tcase_add_test(tc, missing_file);
	tcase_add_loop_test(tc, bad_contents, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, bad_line_quoted_alone);
	tcase_add_test(tc, soft_state_keeps_last_hard);
	tcase_add_test(tc, output_is_cleaned);
	tcase_add_test(tc, performance_data_is_read);
	tcase_add_test(tc, lookup_and_order);
	tcase_add_test(tc, index_grows);
	tcase_add_test(tc, real_icinga2_file);
	tcase_add_test(tc, check_times_and_pending);
	tcase_add_test(tc, no_check_times_claims_nothing);
	tcase_add_test(tc, mutated_files);
	tcase_add_test(tc, source_registry);
	suite_add_tcase(s, tc);
	return s;
}
