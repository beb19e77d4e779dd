/*
 * Unit tests: Exim message IDs, -H files, the spool walk and exim -bp
 * lines (plugins/mail_queue/eximspool.c). The -H files follow the layout of Exim's
 * specification, chapter "Format of spool files".
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eximspool.h"
#include "helpers.h"
#include "mail_queue_suites.h"

/* 1795609920 is "1xWCAK" and 1700000000 "1r31eq" in base 62 */
START_TEST(message_ids)
{
	int64_t sec = 0;

	ck_assert(exim_id_time("1xWCAK-0001ab-Cd", 16, &sec));		/* before 4.97 */
	ck_assert_int_eq(sec, 1795609920);
	ck_assert(exim_id_time("1r31eq-000000005vi-0004", 23, &sec));	/* 4.97 and later */
	ck_assert_int_eq(sec, 1700000000);
	ck_assert(exim_id_time("000000-000000-00", 16, &sec));
	ck_assert_int_eq(sec, 0);
	ck_assert(exim_id_time("zzzzzz-000000-00", 16, &sec));
	ck_assert_int_eq(sec, 56800235583LL);

	ck_assert(!exim_id_time("1xWCAK-0001ab-Cd", 15, &sec));
	ck_assert(!exim_id_time("1xWCAK-0001ab-C", 15, &sec));
	ck_assert(!exim_id_time("1xWCAK_0001ab-Cd", 16, &sec));
	ck_assert(!exim_id_time("1xWCAK-0001ab_Cd", 16, &sec));
	ck_assert(!exim_id_time("1xW.AK-0001ab-Cd", 16, &sec));
	ck_assert(!exim_id_time("1r31eq-00000000-5vi-004", 23, &sec));
	ck_assert(!exim_id_time("1r31eq-000000005vi-0004-H", 25, &sec));
	ck_assert(!exim_id_time("", 0, &sec));
}
END_TEST

static const char header_queued[] =
	"1xWCAK-0001ab-Cd-H\n"
	"Debian-exim 101 103\n"
	"<alice@sender.example>\n"
	"1795609920 0\n"
	"-received_protocol local\n"
	"-body_linecount 1\n"
	"-aclm 0 5\nhello\n"
	"XX\n"
	"1\n"
	"bob@remote.example\n"
	"\n"
	"049P Received: from alice by mx.example with local (Exim 4.96)\n";

static const char header_frozen[] =
	"1xWCAK-0001ab-Cd-H\n"
	"Debian-exim 101 103\n"
	"<>\n"
	"1795609920 0\n"
	"-received_protocol local\n"
	"-frozen 1795610000\n"
	"XX\n"
	"1\n"
	"bob@remote.example\n"
	"\n";

START_TEST(header_files)
{
	const char *id = "1xWCAK-0001ab-Cd";

	ck_assert_int_eq(exim_parse_header(header_queued, strlen(header_queued), true, id),
			 EXIM_HEADER_QUEUED);
	ck_assert_int_eq(exim_parse_header(header_frozen, strlen(header_frozen), true, id),
			 EXIM_HEADER_FROZEN);
	/* the file of another message, a foreign file, an empty one */
	ck_assert_int_eq(exim_parse_header(header_queued, strlen(header_queued), true,
					   "1xWCAK-0001ab-Ce"), EXIM_HEADER_MALFORMED);
	ck_assert_int_eq(exim_parse_header("hello\n", 6, true, id), EXIM_HEADER_MALFORMED);
	ck_assert_int_eq(exim_parse_header("", 0, true, id), EXIM_HEADER_MALFORMED);
	/* "-frozenx" is no frozen flag */
	const char odd[] = "1xWCAK-0001ab-Cd-H\nu 1 1\n<>\n1 0\n-frozenx 5\nXX\n";
	ck_assert_int_eq(exim_parse_header(odd, strlen(odd), true, id), EXIM_HEADER_QUEUED);

	/* cut anywhere: more is needed, or the file is damaged, never a crash */
	for (size_t cut = 0; cut < strlen(header_frozen); cut++) {
		char *copy = malloc(cut + 1);
		memcpy(copy, header_frozen, cut);
		enum exim_header part = exim_parse_header(copy, cut, false, id);
		enum exim_header whole = exim_parse_header(copy, cut, true, id);
		free(copy);
		if (part == EXIM_HEADER_FROZEN)
			continue;
		ck_assert_int_eq(part, EXIM_HEADER_NEED_MORE);
		ck_assert_int_eq(whole, EXIM_HEADER_MALFORMED);
	}
}
END_TEST

static void write_file(const char *dir, const char *name, const char *content)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert(f != NULL);
	fputs(content, f);
	fclose(f);
}

/* A -H file for id, frozen or not. */
static void write_message(const char *dir, const char *id, bool frozen)
{
	char name[64], content[512];
	snprintf(content, sizeof(content),
		 "%s-H\nDebian-exim 101 103\n<a@b.example>\n1795609920 0\n"
		 "-received_protocol local\n%sXX\n1\nc@d.example\n\n", id,
		 frozen ? "-frozen 1795610000\n" : "");
	snprintf(name, sizeof(name), "%s-H", id);
	write_file(dir, name, content);
	snprintf(name, sizeof(name), "%s-D", id);
	write_file(dir, name, "1xWCAK-0001ab-Cd-D\nbody\n");
}

START_TEST(spool_walk)
{
	char *spool = temp_dir();
	char input[600], split[700];
	struct exim_scan s;

	snprintf(input, sizeof(input), "%s/input", spool);
	ck_assert_int_eq(mkdir(input, 0750), 0);
	write_message(input, "1xWCAK-0001ab-Cd", false);		/* 1795609920 */
	write_message(input, "1xWCAJ-0001ab-Cd", true);			/* 1795609919 */
	write_message(input, "1r31eq-000000005vi-0004", false);		/* 1700000000, 4.97 */
	/* split_spool_directory: the sixth character names the subdirectory */
	snprintf(split, sizeof(split), "%s/A", input);
	ck_assert_int_eq(mkdir(split, 0750), 0);
	write_message(split, "1xWC0A-0001ab-Cd", false);
	/* a message being received, a damaged -H file, a stray file */
	write_file(input, "hdr.12345", "partial");
	write_file(input, "1xWCAL-0001ab-Cd-H", "not an Exim header\n");
	write_file(input, "README-H", "x");
	/* a FIFO where a -H file should be: read without hanging, damaged */
	char fifo[700];
	snprintf(fifo, sizeof(fifo), "%s/1xWCAM-0001ab-Cd-H", input);
	ck_assert_int_eq(mkfifo(fifo, 0640), 0);

	struct ms_buf err = MS_BUF_INIT;
	ck_assert_msg(exim_scan_spool(spool, &s, &err) == 0, "%s", ms_buf_str(&err));
	ck_assert_int_eq(s.queued, 3);
	ck_assert_int_eq(s.frozen, 1);
	ck_assert_int_eq(s.damaged, 2);
	ck_assert(s.has_oldest_queued);
	ck_assert_int_eq(s.oldest_queued, 1700000000);
	ck_assert_int_eq(s.oldest_frozen, 1795609919);
	ck_assert_int_gt(s.queued_bytes, 0);
	ck_assert_int_gt(s.frozen_bytes, 0);

	char path[700];
	snprintf(path, sizeof(path), "%s/nowhere", spool);
	ck_assert_int_eq(exim_scan_spool(path, &s, &err), ENOENT);
	ck_assert_msg(strstr(ms_buf_str(&err), "nowhere/input: No such file or directory") != NULL,
		      "%s", ms_buf_str(&err));
	ms_buf_free(&err);
	remove_tree(spool);
	free(spool);
}
END_TEST

/* Random bytes after a valid start never crash the -H reader. */
START_TEST(header_garbage)
{
	unsigned seed = 777;
	const char *id = "1xWCAK-0001ab-Cd";

	for (int round = 0; round < 20000; round++) {
		size_t keep = (size_t)(rand_r(&seed) % sizeof(header_frozen));
		size_t n = keep + (size_t)(rand_r(&seed) % 64);
		char *buf = malloc(n + 1);
		memcpy(buf, header_frozen, keep);
		for (size_t i = keep; i < n; i++)
			buf[i] = (char)(round % 2 ? "-\nfrozen <>X"[rand_r(&seed) % 12] : rand_r(&seed));
		enum exim_header h = exim_parse_header(buf, n, round % 3 == 0, id);
		ck_assert(h >= EXIM_HEADER_QUEUED && h <= EXIM_HEADER_MALFORMED);
		free(buf);
	}
}
END_TEST

static bool bp(const char *line, struct exim_bp_message *m)
{
	return exim_parse_bp_line(line, strlen(line), m);
}

START_TEST(bp_lines)
{
	struct exim_bp_message m;

	ck_assert(bp("25m  2.9K 1xWCAK-0001ab-Cd <alice@sender.example>", &m));
	ck_assert_str_eq(m.id, "1xWCAK-0001ab-Cd");
	ck_assert_int_eq(m.arrival, 1795609920);
	ck_assert_int_eq(m.size, 2970);		/* 2.9 * 1024, rounded */
	ck_assert(!m.frozen);
	/* what exim 4.96 printed in the integration test */
	ck_assert(bp(" 0m   281 1xWCLc-0001vh-2A <a@x.test> *** frozen ***", &m));
	ck_assert_int_eq(m.size, 281);
	ck_assert(m.frozen);
	ck_assert(bp(" 4d   12M 1r31eq-000000005vi-0004 <>", &m));
	ck_assert_str_eq(m.id, "1r31eq-000000005vi-0004");
	ck_assert_int_eq(m.size, 12582912);
	ck_assert(!bp("          bob@remote.example", &m));
	ck_assert(!bp("        D bob@remote.example", &m));
	ck_assert(!bp("", &m));
	ck_assert(!bp("25m 2.9K not-an-id <x>", &m));
	ck_assert(!bp("25m 2.9X 1xWCAK-0001ab-Cd <x>", &m));
	ck_assert(!bp("25m .K 1xWCAK-0001ab-Cd <x>", &m));
	ck_assert(!bp("exim: permission denied", &m));
}
END_TEST

Suite *eximspool_suite(void)
{
	Suite *s = suite_create("eximspool");
	TCase *tc = tcase_create("exim");
	tcase_add_test(tc, message_ids);
	tcase_add_test(tc, header_files);
	tcase_add_test(tc, header_garbage);
	tcase_add_test(tc, spool_walk);
	tcase_add_test(tc, bp_lines);
	suite_add_tcase(s, tc);
	return s;
}
