/*
 * Unit tests: the probe of one mount point (plugins/storage_mount/mountprobe.c), run in
 * this process on a temporary directory, its reports read from a pipe.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "mountprobe.h"
#include "storage_mount_suites.h"
#include "strbuf.h"

struct probed {
	struct ms_mount_report last;	/* what the probe left in *report */
	struct ms_buf stream;		/* every report it wrote */
};

static void run_probe(const struct ms_mount_job *job, struct probed *p)
{
	int fds[2];
	char chunk[4096];
	ssize_t n;

	ck_assert_int_eq(pipe(fds), 0);
	ms_mount_probe_run(job, fds[1], &p->last);
	close(fds[1]);
	ms_buf_init(&p->stream);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		ms_buf_add(&p->stream, chunk, (size_t)n);
	close(fds[0]);
}

/* The "doing" of the i-th report in the stream. */
static const char *step_at(const struct probed *p, size_t i)
{
	return ((const struct ms_mount_report *)(const void *)p->stream.data)[i].doing;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

START_TEST(everything_passes)
{
	char *dir = temp_dir();
	struct ms_mount_job job = { .path = dir, .sentinel = ".mailstore",
				    .sentinel_content = "array-a", .write_test = true };
	struct probed p;
	struct ms_mount_report last;

	write_file(dir, ".mailstore", "array-a\n");
	run_probe(&job, &p);
	ck_assert_str_eq(p.last.problem, "");
	ck_assert_str_eq(p.last.doing, "");
	ck_assert(p.last.has_counts);
	ck_assert_uint_gt(p.last.counts.blocks, 0);
	ck_assert(p.last.latency >= 0);
	ck_assert(p.last.wrote);
	ck_assert(p.last.write_seconds > 0);
	/* a report before each step, in order, and the final one */
	ck_assert_uint_eq(p.stream.len % sizeof(last), 0);
	size_t n = p.stream.len / sizeof(last);
	const char *want[] = { "statfs", "stat of the root", "opening the sentinel",
			       "reading the sentinel", "write test: opening the directory",
			       "write test: create" };
	ck_assert_uint_ge(n, 7);
	for (size_t i = 0; i < 6; i++)
		ck_assert_str_eq(step_at(&p, i), want[i]);
	ck_assert(ms_mount_report_last(p.stream.data, p.stream.len, &last));
	ck_assert_str_eq(last.doing, "");
	ck_assert(last.wrote);
	ms_buf_free(&p.stream);
	remove_tree(dir);
	free(dir);
}
END_TEST

static void expect_problem(const struct ms_mount_job *job, const char *text)
{
	struct probed p;

	run_probe(job, &p);
	ck_assert_msg(strstr(p.last.problem, text) != NULL, "'%s' lacks '%s'", p.last.problem, text);
	ck_assert_str_eq(p.last.doing, "");
	ms_buf_free(&p.stream);
}

START_TEST(sentinel_problems)
{
	char *dir = temp_dir(), fifo[600], link[600];
	struct ms_mount_job job = { .path = dir, .sentinel = ".mailstore" };

	expect_problem(&job, "sentinel .mailstore is missing (No such file or directory)");
	write_file(dir, ".mailstore", "array-a\n");
	job.sentinel_content = "array-b";
	expect_problem(&job, "sentinel .mailstore says 'array-a', expected 'array-b'");
	/* quoted up to its NUL this one would seem to say what is expected */
	char nul[600];
	snprintf(nul, sizeof(nul), "%s/nul", dir);
	FILE *fp = fopen(nul, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite("array-b\0\033[2J", 1, 12, fp), 12);
	fclose(fp);
	job.sentinel = "nul";
	expect_problem(&job, "sentinel nul holds NUL bytes, expected 'array-b'");
	/* a FIFO would block a plain open: it is refused at once */
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	job.sentinel = "fifo";
	expect_problem(&job, "sentinel fifo is not a regular file");
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(".mailstore", link), 0);
	job.sentinel = "link";
	expect_problem(&job, "sentinel link is missing (Too many levels of symbolic links)");
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(unreachable_mount_point)
{
	struct ms_mount_job job = { .path = "/nonexistent/mailstatus", .write_test = true };
	struct probed p;

	run_probe(&job, &p);
	ck_assert_str_eq(p.last.problem, "statfs failed: No such file or directory");
	ck_assert(!p.last.has_counts);
	ck_assert(!p.last.wrote);
	ms_buf_free(&p.stream);
}
END_TEST

START_TEST(last_whole_report)
{
	struct ms_mount_report r[2], back;
	char bytes[sizeof(r) + 10];

	memset(r, 0, sizeof(r));
	snprintf(r[0].doing, sizeof(r[0].doing), "statfs");
	snprintf(r[1].doing, sizeof(r[1].doing), "stat of the root");
	memcpy(bytes, r, sizeof(r));
	memset(bytes + sizeof(r), 'x', 10); /* the start of a third, cut short */
	ck_assert(ms_mount_report_last(bytes, sizeof(bytes), &back));
	ck_assert_str_eq(back.doing, "stat of the root");
	ck_assert(!ms_mount_report_last(bytes, sizeof(r[0]) - 1, &back));
	/* strings end inside their arrays, whatever the bytes */
	memset(bytes, 'x', sizeof(bytes));
	ck_assert(ms_mount_report_last(bytes, sizeof(r[0]), &back));
	ck_assert_uint_eq(strlen(back.doing), sizeof(back.doing) - 1);
	ck_assert_uint_eq(strlen(back.problem), sizeof(back.problem) - 1);
}
END_TEST

Suite *mountprobe_suite(void)
{
	Suite *s = suite_create("mountprobe");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, everything_passes);
	tcase_add_test(tc, sentinel_problems);
	tcase_add_test(tc, unreachable_mount_point);
	tcase_add_test(tc, last_whole_report);
	suite_add_tcase(s, tc);
	return s;
}
