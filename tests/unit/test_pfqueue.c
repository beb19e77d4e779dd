/*
 * Unit tests: the Postfix queue-file reader and spool scan (plugins/mail_queue/pfqueue.c,
 * plugins/mail_queue/pfqscan.c and its two readers in plugins/mail_queue/pfqread.c),
 * on queue files a real Postfix wrote (tests/fixtures/mail_queue, made by
 * make-fixtures.sh there) and on damaged copies of them.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "mail_queue_suites.h"
#include "pfqscan.h"
#include "pfqueue.h"

static const char *const fixtures[] = { "deferred-long", "deferred-multi",
					"deferred-short", "maildrop" };

/* Reads a fixture file; *len gets its size. */
static unsigned char *fixture(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", MAIL_QUEUE_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	unsigned char *buf = malloc(65536);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

/* The first line of a fixture's .arrival / .name companion. */
static char *companion(const char *name, const char *ext)
{
	char file[128];
	size_t len;
	snprintf(file, sizeof(file), "%s.%s", name, ext);
	char *s = (char *)fixture(file, &len);
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static int64_t fixture_arrival(const char *name)
{
	char *s = companion(name, "arrival");
	int64_t v = strtoll(s, NULL, 10);
	free(s);
	return v;
}

START_TEST(arrival_of_real_files)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		size_t len;
		unsigned char *buf = fixture(fixtures[i], &len);
		int64_t sec = 0;
		int32_t usec = -1;
		ck_assert_int_eq(pfq_parse_arrival(buf, len, true, &sec, &usec), PFQ_ARRIVAL_FOUND);
		ck_assert_int_eq(sec, fixture_arrival(fixtures[i]));
		ck_assert(usec >= 0 && usec <= 999999);
		free(buf);
	}
}
END_TEST

/*
 * Cut at every length, a file either still yields its arrival (the cut
 * is past the record) or says why not: NEED_MORE while more may come,
 * MALFORMED/MISSING once the cut file is all there is.
 */
START_TEST(every_truncation)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		size_t len;
		unsigned char *buf = fixture(fixtures[i], &len);
		int64_t want = fixture_arrival(fixtures[i]);
		size_t first_found = 0;

		for (size_t cut = 0; cut <= len; cut++) {
			int64_t sec = 0;
			int32_t usec;
			unsigned char *copy = malloc(cut + 1);	/* exact size: ASan sees overreads */
			memcpy(copy, buf, cut);
			enum pfq_arrival part = pfq_parse_arrival(copy, cut, false, &sec, &usec);
			enum pfq_arrival whole = pfq_parse_arrival(copy, cut, true, &sec, &usec);
			free(copy);
			if (part == PFQ_ARRIVAL_FOUND) {
				if (first_found == 0)
					first_found = cut;
				ck_assert_int_eq(whole, PFQ_ARRIVAL_FOUND);
				ck_assert_int_eq(sec, want);
			} else {
				ck_assert_msg(first_found == 0, "%s: found at %zu, lost at %zu",
					      fixtures[i], first_found, cut);
				ck_assert_int_eq(part, PFQ_ARRIVAL_NEED_MORE);
				ck_assert(whole == PFQ_ARRIVAL_MALFORMED || whole == PFQ_ARRIVAL_MISSING);
			}
		}
		ck_assert_msg(first_found > 0 && first_found < 140, "%s: arrival at %zu",
			      fixtures[i], first_found);
		free(buf);
	}
}
END_TEST

static enum pfq_arrival parse_str(const char *s, size_t n, int64_t *sec)
{
	int32_t usec;
	return pfq_parse_arrival((const unsigned char *)s, n, true, sec, &usec);
}

#define PARSE(lit, sec) parse_str(lit, sizeof(lit) - 1, sec)

START_TEST(damaged_records)
{
	int64_t sec;

	ck_assert_int_eq(PARSE("T\x0a" "1795609517", &sec), PFQ_ARRIVAL_FOUND);
	ck_assert_int_eq(sec, 1795609517);
	ck_assert_int_eq(PARSE("T\x0c" "1795609517 5", &sec), PFQ_ARRIVAL_FOUND);
	/* a record before it, length in two 7-bit groups (130 bytes) */
	char big[2 + 1 + 130 + 12];
	memcpy(big, "C\x82\x01", 3);
	memset(big + 3, ' ', 130);
	memcpy(big + 133, "T\x0a" "1795609517", 12);
	ck_assert_int_eq(parse_str(big, sizeof(big), &sec), PFQ_ARRIVAL_FOUND);

	ck_assert_int_eq(PARSE("", &sec), PFQ_ARRIVAL_MISSING);
	ck_assert_int_eq(PARSE("M\x00N\x05hello", &sec), PFQ_ARRIVAL_MISSING);
	ck_assert_int_eq(PARSE("S\x03" "a@b" "E\x00", &sec), PFQ_ARRIVAL_MISSING);
	ck_assert_int_eq(PARSE("\x00\x00", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("From alice@example.com Mon Jan 1", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("C\xff\xff\xff\xff\xff\x01", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("C\xff\xff\xff\x7f", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x05" "abcde", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x00", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x0b" "1795609517 ", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x0b" "-1795609517", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x14" "99999999999999999999", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x0d" "9999999999999", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x0c" "999999999999", &sec), PFQ_ARRIVAL_FOUND);
	ck_assert_int_eq(PARSE("T\x12" "1795609517 1234567", &sec), PFQ_ARRIVAL_MALFORMED);
	ck_assert_int_eq(PARSE("T\x0c" "1795609517", &sec), PFQ_ARRIVAL_MALFORMED);	/* cut */
}
END_TEST

/* Random bytes never crash the reader, and what it finds is digits. */
START_TEST(random_garbage)
{
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand_r(&seed) % 64);
		unsigned char *buf = malloc(n + 1);
		static const char likely[] = "CTSAM\x05\x0a 0123456789";
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)(round % 3 == 0
						 ? likely[rand_r(&seed) % (sizeof(likely) - 1)]
						 : rand_r(&seed));
		int64_t sec = -1;
		int32_t usec = -1;
		enum pfq_arrival r = pfq_parse_arrival(buf, n, round % 2, &sec, &usec);
		ck_assert(r >= PFQ_ARRIVAL_FOUND && r <= PFQ_ARRIVAL_MALFORMED);
		if (r == PFQ_ARRIVAL_FOUND)
			ck_assert(sec >= 0 && usec >= 0 && usec <= 999999);
		free(buf);
	}
}
END_TEST

/* ---- spools built from the fixtures ---- */

static const char base52[] = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

/* A long queue ID for the given time, as Postfix builds it. */
static void long_id(char *out, int64_t sec, int32_t usec, unsigned inode)
{
	char *p = out;
	for (int i = 5; i >= 0; i--, sec /= 52)
		p[i] = base52[sec % 52];
	for (int i = 9; i >= 6; i--, usec /= 52)
		p[i] = base52[usec % 52];
	p[10] = 'z';
	snprintf(p + 11, 12, "%u", inode % 10000 + 1);
}

/*
 * The deferred-long fixture with its arrival record changed to sec (the
 * record text keeps its length, so the file stays well-formed).
 */
static void write_queue_file(const char *path, int64_t sec, mode_t mode)
{
	size_t len;
	unsigned char *buf = fixture("deferred-long", &len);
	char old[16], new[16];
	snprintf(old, sizeof(old), "%lld", (long long)fixture_arrival("deferred-long"));
	snprintf(new, sizeof(new), "%lld", (long long)sec);
	ck_assert_int_eq(strlen(old), strlen(new));
	unsigned char *at = memmem(buf, len, old, strlen(old));
	ck_assert(at != NULL);
	memcpy(at, new, strlen(new));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	fchmod(fd, mode);
	close(fd);
	free(buf);
}

static void write_raw(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	fchmod(fd, mode);
	close(fd);
}

static void write_bytes(const char *path, const char *data, mode_t mode)
{
	write_raw(path, data, strlen(data), mode);
}

static char *make_spool(void)
{
	char *dir = temp_dir();
	char path[600];
	static const char *const dirs[] = { "maildrop", "incoming", "active", "deferred",
					    "deferred/A", "deferred/B", "hold", "corrupt" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		ck_assert_int_eq(mkdir(path, 0700), 0);
	}
	return dir;
}

static void scan_opts_ok(const char *dir, const struct pfq_scan_opts *opts, struct pfq_scan *s)
{
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(pfq_scan(dir, opts, s, &err) == 0, "scan failed: %s", ms_buf_str(&err));
	/* io_uring where it can be used (30-check-mail-queue.sh sees it is) */
	if (!opts->no_uring)
		ck_assert(s->reader == PFQR_URING || s->uring_errno != 0);
	else
		ck_assert_int_eq(s->reader, PFQR_THREADS);
}

/* Reader 0: io_uring; 1: the threads. */
static void scan_ok(const char *dir, int reader, struct pfq_scan *s)
{
	struct pfq_scan_opts opts = { .queues = PFQ_ALL_QUEUES, .no_uring = reader == 1 };
	scan_opts_ok(dir, &opts, s);
}

#define BASE_TIME 1795609920LL

/* Every kind of file in each queue, counted as showq(8) would. */
START_TEST(scan_counts_and_ages)
{
	char *dir = make_spool();
	char path[700], id[32];
	struct pfq_scan s;

	/* deferred: 3 complete files, the oldest 2 hours before the others */
	int64_t times[] = { BASE_TIME, BASE_TIME - 7200, BASE_TIME - 60 };
	for (int i = 0; i < 3; i++) {
		long_id(id, times[i], 1000 * i, (unsigned)i);
		snprintf(path, sizeof(path), "%s/deferred/%c/%s", dir, "ABA"[i], id);
		write_queue_file(path, times[i], 0700);
	}
	/* a complete file that is not a queue file: damaged, not counted */
	snprintf(path, sizeof(path), "%s/deferred/B/4jZJw06cBkz99", dir);
	write_bytes(path, "From nobody\nhello\n", 0700);
	/* incoming: one being written (no x bit), one complete */
	snprintf(path, sizeof(path), "%s/incoming/4jZJw06cBkz77", dir);
	write_queue_file(path, BASE_TIME, 0600);
	snprintf(path, sizeof(path), "%s/incoming/4jZJw06cBkz78", dir);
	write_queue_file(path, BASE_TIME - 5, 0700);
	/* maildrop: the real postdrop file */
	size_t len;
	unsigned char *md = fixture("maildrop", &len);
	snprintf(path, sizeof(path), "%s/maildrop/%s", dir, "4jZJw355H2z1bYK7");
	FILE *f = fopen(path, "wb");
	fwrite(md, 1, len, f);
	fclose(f);
	chmod(path, 0744);
	free(md);
	/* maildrop: a file of an old postdrop without arrival record: its mtime */
	snprintf(path, sizeof(path), "%s/maildrop/%s", dir, "4jZJw355H2z1bYK8");
	static const char no_time[] = "S\x03" "a@b" "R\x03" "c@d" "M\x00" "N\x02" "hi" "X\x00" "E\x00";
	write_raw(path, no_time, sizeof(no_time) - 1, 0744);
	struct timespec old_mtime[2] = { { .tv_sec = BASE_TIME - 600 }, { .tv_sec = BASE_TIME - 600 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old_mtime, 0), 0);
	/* hold: one; corrupt: one file of garbage, counted there */
	snprintf(path, sizeof(path), "%s/hold/4jZJw06cBkz79", dir);
	write_queue_file(path, BASE_TIME - 100000, 0700);
	snprintf(path, sizeof(path), "%s/corrupt/ABCDEF", dir);
	write_bytes(path, "garbage", 0600);
	/* things that are not queue files at all */
	snprintf(path, sizeof(path), "%s/deferred/A/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/active/link", dir);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);

	time_t before = time(NULL);	/* the maildrop files got there after this */
	for (int reader = 0; reader <= 1; reader++) {
		scan_ok(dir, reader, &s);
		/* every file is read: the damaged one is found, not counted */
		ck_assert_int_eq(s.q[PFQ_DEFERRED].count, 3);
		ck_assert_int_eq(s.q[PFQ_DEFERRED].damaged, 1);
		ck_assert_int_eq(s.q[PFQ_DEFERRED].records_read, 4);
		ck_assert(s.q[PFQ_DEFERRED].has_oldest);
		ck_assert_int_eq(s.q[PFQ_DEFERRED].oldest, BASE_TIME - 7200);
		ck_assert_int_eq(s.q[PFQ_DEFERRED].bytes, 3 * 537);
		ck_assert_int_eq(s.q[PFQ_INCOMING].count, 1);
		ck_assert_int_eq(s.q[PFQ_INCOMING].in_progress, 1);
		ck_assert_int_eq(s.q[PFQ_INCOMING].oldest, BASE_TIME - 5);
		ck_assert_int_eq(s.q[PFQ_MAILDROP].count, 2);
		ck_assert_int_eq(s.q[PFQ_MAILDROP].damaged, 0);
		ck_assert_int_eq(s.q[PFQ_MAILDROP].oldest, BASE_TIME - 600);
		/* arrived 10 minutes ago (or more); in maildrop since just now */
		ck_assert(s.q[PFQ_MAILDROP].has_oldest_ctime);
		ck_assert_int_ge(s.q[PFQ_MAILDROP].oldest_ctime, before - 60);
		ck_assert_int_le(s.q[PFQ_MAILDROP].oldest_ctime, time(NULL));
		ck_assert_int_eq(s.q[PFQ_HOLD].count, 1);
		ck_assert_int_eq(s.q[PFQ_HOLD].oldest, BASE_TIME - 100000);
		ck_assert_int_eq(s.q[PFQ_CORRUPT].count, 1);
		ck_assert_int_eq(s.q[PFQ_ACTIVE].count, 0);
		ck_assert(!s.q[PFQ_ACTIVE].has_oldest);
		ck_assert_int_eq(s.vanished, 0);
	}
	remove_tree(dir);
	free(dir);
}
END_TEST

/*
 * The case that made the oldest age wrong: a large queue whose files'
 * names and birth times are new, with one message requeued (postsuper
 * -r: a new name, its old arrival record) among them. Every record is
 * read, at every size and over many batches, by both readers.
 */
START_TEST(scan_finds_requeued_in_any_batch)
{
	char *dir = make_spool();
	char path[700], id[32];
	struct pfq_scan s;
	const int n = 2051;

	for (int i = 0; i < n; i++) {
		long_id(id, BASE_TIME + i / 100, 1000 * i, (unsigned)i);
		snprintf(path, sizeof(path), "%s/deferred/%c/%s", dir, "AB"[i % 2], id);
		write_queue_file(path, BASE_TIME + i / 100, 0700);
	}
	long_id(id, BASE_TIME + 3, 0, 9999);
	snprintf(path, sizeof(path), "%s/deferred/B/%s", dir, id);
	write_queue_file(path, BASE_TIME - 14400, 0700);

	static const size_t batches[] = { 0, 1, 7, 1000 };
	for (int reader = 0; reader <= 1; reader++)
		for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
			struct pfq_scan_opts opts = { .queues = PFQ_ALL_QUEUES,
						      .no_uring = reader == 1, .batch = batches[b] };
			scan_opts_ok(dir, &opts, &s);
			ck_assert_int_eq(s.q[PFQ_DEFERRED].count, n + 1);
			ck_assert_int_eq(s.q[PFQ_DEFERRED].oldest, BASE_TIME - 14400);
			ck_assert_int_eq(s.q[PFQ_DEFERRED].records_read, n + 1);
			ck_assert_int_eq(s.q[PFQ_DEFERRED].bytes, (uint64_t)(n + 1) * 537);
		}
	remove_tree(dir);
	free(dir);
}
END_TEST

/*
 * Short (hex) queue IDs, hashed two levels deep: more directories than
 * the scan keeps open at once, so batches are read early and their
 * directories closed while the walk goes on.
 */
START_TEST(scan_deep_hashing)
{
	char *dir = make_spool();
	char path[700];
	struct pfq_scan s;
	int files = 0;

	for (int a = 0; a < 17; a++) {
		snprintf(path, sizeof(path), "%s/deferred/%X", dir, a);
		if (a != 0xA && a != 0xB)	/* those exist */
			ck_assert_int_eq(mkdir(path, 0700), 0);
		for (int b = 0; b < 16; b++) {
			snprintf(path, sizeof(path), "%s/deferred/%X/%X", dir, a, b);
			ck_assert_int_eq(mkdir(path, 0700), 0);
			for (int i = 0; i < 2; i++, files++) {
				snprintf(path, sizeof(path), "%s/deferred/%X/%X/%X%X%07X", dir, a, b,
					 a, b, files);
				write_queue_file(path, files == 333 ? BASE_TIME - 99 : BASE_TIME, 0700);
			}
		}
	}
	for (int reader = 0; reader <= 1; reader++) {
		scan_ok(dir, reader, &s);
		ck_assert_int_eq(s.q[PFQ_DEFERRED].count, files);
		ck_assert_int_eq(s.q[PFQ_DEFERRED].oldest, BASE_TIME - 99);
	}
	remove_tree(dir);
	free(dir);
}
END_TEST

/*
 * An arrival record beyond the first 256 bytes (a long record before it):
 * io_uring reads 256 bytes, and reads on the plain way.
 */
START_TEST(scan_arrival_beyond_first_read)
{
	char *dir = make_spool();
	char path[700], data[600];
	struct pfq_scan s;
	size_t n = 0;

	data[n++] = 'C';
	data[n++] = (char)(0x80 | (400 & 0x7f));	/* 400 in two 7-bit groups */
	data[n++] = (char)(400 >> 7);
	memset(data + n, '7', 400);
	n += 400;
	n += (size_t)sprintf(data + n, "T%c%lld 0", 12, (long long)(BASE_TIME - 42));
	snprintf(path, sizeof(path), "%s/active/LONGENVELOPE", dir);
	write_raw(path, data, n, 0700);
	for (int reader = 0; reader <= 1; reader++) {
		scan_ok(dir, reader, &s);
		ck_assert_int_eq(s.q[PFQ_ACTIVE].count, 1);
		ck_assert_int_eq(s.q[PFQ_ACTIVE].damaged, 0);
		ck_assert_int_eq(s.q[PFQ_ACTIVE].oldest, BASE_TIME - 42);
	}
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(scan_errors)
{
	char *dir = make_spool();
	char path[700];
	struct pfq_scan s;
	struct pfq_scan_opts opts = { .queues = PFQ_ALL_QUEUES };
	struct ms_buf err = MS_BUF_INIT;
	int64_t sec;
	int32_t usec;

	/* a queue directory missing: an error naming it */
	snprintf(path, sizeof(path), "%s/hold", dir);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(pfq_scan(dir, &opts, &s, &err), ENOENT);
	ck_assert_msg(strstr(ms_buf_str(&err), "/hold: No such file or directory") != NULL &&
		      strncmp(ms_buf_str(&err), "cannot read ", 12) == 0, "%s", ms_buf_str(&err));
	ms_buf_free(&err);
	/* ... unless that queue is not asked for */
	opts.queues = PFQ_ALL_QUEUES & ~(1u << PFQ_HOLD);
	ck_assert_int_eq(pfq_scan(dir, &opts, &s, &err), 0);
	ck_assert(!s.q[PFQ_HOLD].scanned);
	/* a file that is gone: ENOENT, which the walk counts as delivered */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(pfq_read_arrival(dfd, "deferred/A/nothing", &sec, &usec), -1);
	ck_assert_int_eq(errno, ENOENT);
	close(dfd);
	remove_tree(dir);
	free(dir);
}
END_TEST

/*
 * Mail delivered while the queue is walked: a child removes every file
 * while scans run one after another. No scan may fail, count more files
 * than there were, or lose track of the ones that are left.
 */
START_TEST(scan_while_files_vanish)
{
	char *dir = make_spool();
	char path[700], id[32];
	struct pfq_scan s;
	const int n = 3000;

	for (int i = 0; i < n; i++) {
		long_id(id, BASE_TIME - i, 0, (unsigned)i);
		snprintf(path, sizeof(path), "%s/deferred/%c/%s", dir, "AB"[i % 2], id);
		write_queue_file(path, BASE_TIME - i, 0700);
	}
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (int i = n - 1; i >= 0; i--) {
			long_id(id, BASE_TIME - i, 0, (unsigned)i);
			snprintf(path, sizeof(path), "%s/deferred/%c/%s", dir, "AB"[i % 2], id);
			unlink(path);
			if (i % 10 == 0)
				usleep(100);	/* spread over many scans */
		}
		free(dir);	/* the child's copy: valgrind checks it for leaks too */
		_exit(0);
	}
	uint64_t last = n;
	int rounds = 0;
	do {
		scan_ok(dir, rounds % 2, &s);
		ck_assert_int_le(s.q[PFQ_DEFERRED].count, last);	/* files only go */
		ck_assert_int_eq(s.q[PFQ_DEFERRED].damaged, 0);
		last = s.q[PFQ_DEFERRED].count;
		rounds++;
	} while (last > 0 && rounds < 10000);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	scan_ok(dir, 0, &s);
	ck_assert_int_eq(s.q[PFQ_DEFERRED].count, 0);
	ck_assert(!s.q[PFQ_DEFERRED].has_oldest);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(queue_names)
{
	ck_assert_str_eq(pfq_queue_name(PFQ_DEFERRED), "deferred");
	ck_assert_int_eq(pfq_queue_parse("hold", 4), PFQ_HOLD);
	ck_assert_int_eq(pfq_queue_parse("holdx", 4), PFQ_HOLD);
	ck_assert_int_eq(pfq_queue_parse("holdx", 5), -1);
	ck_assert_int_eq(pfq_queue_parse("", 0), -1);
}
END_TEST

Suite *pfqueue_suite(void)
{
	Suite *s = suite_create("pfqueue");
	TCase *tc = tcase_create("records");
	tcase_add_test(tc, arrival_of_real_files);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, damaged_records);
	tcase_add_test(tc, random_garbage);
	tcase_add_test(tc, queue_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("spool");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, scan_counts_and_ages);
	tcase_add_test(tc, scan_finds_requeued_in_any_batch);
	tcase_add_test(tc, scan_deep_hashing);
	tcase_add_test(tc, scan_arrival_beyond_first_read);
	tcase_add_test(tc, scan_errors);
	tcase_add_test(tc, scan_while_files_vanish);
	suite_add_tcase(s, tc);
	return s;
}
