/*
 * Unit tests: df's arithmetic and space limits (plugins/storage_mount/fsspace.c), and
 * ext4's error counters in sysfs (plugins/storage_mount/fserrors.c) on a sysfs-like tree.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fserrors.h"
#include "fsspace.h"
#include "helpers.h"
#include "storage_mount_suites.h"

START_TEST(df_counts_reserved_blocks_out)
{
	/* 1000 blocks of 4 KiB, 100 free of which 50 are reserved for root */
	struct ms_statfs_counts c = { .blocks = 1000, .bfree = 100, .bavail = 50,
				      .files = 200, .ffree = 50, .frsize = 4096 };
	struct ms_space s;

	ck_assert(ms_space_compute(&c, &s));
	ck_assert_double_eq(s.size, 1000.0 * 4096);
	ck_assert_double_eq(s.used, 900.0 * 4096);
	ck_assert_double_eq(s.avail, 50.0 * 4096);
	ck_assert_double_eq(s.capacity, 950.0 * 4096);
	/* 900 / 950 = 94.7%: df rounds up to 95 */
	ck_assert_double_eq(s.used_pct, 95);
	ck_assert_double_eq(s.free_pct, 5);
	ck_assert_double_eq(s.files_free, 50);
	ck_assert_double_eq(s.files_free_pct, 25);
}
END_TEST

START_TEST(df_edge_cases)
{
	struct ms_space s;
	struct ms_statfs_counts full = { .blocks = 10, .bfree = 2, .bavail = 0, .frsize = 512 };
	struct ms_statfs_counts exact = { .blocks = 100, .bfree = 50, .bavail = 50, .frsize = 1 };
	struct ms_statfs_counts bogus = { .blocks = 10, .bfree = 20, .bavail = 30, .frsize = 1 };
	struct ms_statfs_counts none = { .blocks = 0, .frsize = 4096 };

	ck_assert(ms_space_compute(&full, &s));
	ck_assert_double_eq(s.used_pct, 100); /* full for users, though root has 2 blocks */
	ck_assert_double_eq(s.avail, 0);
	ck_assert(ms_space_compute(&exact, &s));
	ck_assert_double_eq(s.used_pct, 50);
	ck_assert(ms_space_compute(&bogus, &s)); /* clamped, not negative */
	ck_assert_double_eq(s.used, 0);
	ck_assert_double_eq(s.avail, 10);
	ck_assert(!ms_space_compute(&none, &s)); /* proc, sysfs: nothing to check */
}
END_TEST

static struct ms_space_limit limit_ok(const char *s, bool bytes)
{
	struct ms_space_limit l;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert_msg(ms_space_limit_parse(s, bytes, &l, &err), "%s: %s", s, ms_buf_str(&err));
	ck_assert(l.set);
	return l;
}

static void limit_bad(const char *s, bool bytes, const char *why)
{
	struct ms_space_limit l;
	struct ms_buf err = MS_BUF_INIT;

	ck_assert(!ms_space_limit_parse(s, bytes, &l, &err));
	ck_assert_msg(strstr(ms_buf_str(&err), why) != NULL, "%s: '%s' lacks '%s'", s,
		      ms_buf_str(&err), why);
	ck_assert(!l.set);
	ms_buf_free(&err);
}

START_TEST(limits)
{
	struct ms_space_limit l = limit_ok("10%", true);

	ck_assert(l.percent);
	ck_assert_double_eq(l.value, 10);
	ck_assert_double_eq(limit_ok("50G", true).value, 50.0 * 1024 * 1024 * 1024);
	ck_assert_double_eq(limit_ok("512MiB", true).value, 512.0 * 1024 * 1024);
	ck_assert_double_eq(limit_ok("2kB", true).value, 2048);
	ck_assert_double_eq(limit_ok("1.5T", true).value, 1.5 * 1024.0 * 1024 * 1024 * 1024);
	ck_assert_double_eq(limit_ok("4096", true).value, 4096);
	ck_assert_double_eq(limit_ok("100000", false).value, 100000);
	ck_assert(limit_ok("2.5%", false).percent);
	limit_bad("abc", true, "does not start with a number");
	limit_bad("", true, "does not start with a number");
	limit_bad("-5%", true, "does not start with a number");
	limit_bad("10x", true, "unknown unit 'x'");
	limit_bad("10GX", true, "unknown unit 'GX'");
	limit_bad("101%", true, "more than 100%");
	limit_bad("1.2.3", true, "does not start with a number");
	limit_bad("10k", false, "unknown unit 'k'");
}
END_TEST

START_TEST(limit_crossing)
{
	struct ms_space_limit pct = limit_ok("10%", true), size = limit_ok("1K", true);
	struct ms_space_limit unset = { 0 };

	ck_assert(ms_space_limit_crossed(&pct, 9, 100));
	ck_assert(!ms_space_limit_crossed(&pct, 10, 100));
	ck_assert_double_eq(ms_space_limit_amount(&pct, 2000), 200);
	ck_assert(ms_space_limit_crossed(&size, 1023, 1e9));
	ck_assert(!ms_space_limit_crossed(&size, 1024, 1e9));
	ck_assert(!ms_space_limit_crossed(&unset, 0, 100));
}
END_TEST

/* A sysfs-like tree: dev/block/7:3 -> ../../devices/virtual/block/loop3. */
static char *fake_sysfs(const char *count, const char *last)
{
	char *root = temp_dir();
	char path[512];

	snprintf(path, sizeof(path), "%s/dev", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dev/block", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dev/block/7:3", root);
	ck_assert_int_eq(symlink("../../devices/virtual/block/loop3", path), 0);
	snprintf(path, sizeof(path), "%s/fs", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/fs/ext4", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/fs/ext4/loop3", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	const char *names[] = { "errors_count", "last_error_time" };
	const char *values[] = { count, last };
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/fs/ext4/loop3/%s", root, names[i]);
		FILE *fp = fopen(path, "w");
		ck_assert_ptr_nonnull(fp);
		fputs(values[i], fp);
		fclose(fp);
	}
	return root;
}

START_TEST(ext4_error_counters)
{
	char *sys = fake_sysfs("3\n", "1764072000\n");
	struct ms_fs_errors e;

	ck_assert(ms_fs_errors_read(sys, "ext4", 7, 3, &e));
	ck_assert_uint_eq(e.count, 3);
	ck_assert_int_eq(e.last_time, 1764072000);
	/* ext3 mounted by the ext4 driver counts there too */
	ck_assert(ms_fs_errors_read(sys, "ext3", 7, 3, &e));
	/* other types, other devices: nothing kept */
	ck_assert(!ms_fs_errors_read(sys, "xfs", 7, 3, &e));
	ck_assert(!ms_fs_errors_read(sys, "ext4", 7, 4, &e));
	remove_tree(sys);
	free(sys);
	sys = fake_sysfs("garbage\n", "0\n");
	ck_assert(!ms_fs_errors_read(sys, "ext4", 7, 3, &e));
	remove_tree(sys);
	free(sys);
}
END_TEST

Suite *fsspace_suite(void)
{
	Suite *s = suite_create("fsspace");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, df_counts_reserved_blocks_out);
	tcase_add_test(tc, df_edge_cases);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, limit_crossing);
	tcase_add_test(tc, ext4_error_counters);
	suite_add_tcase(s, tc);
	return s;
}
