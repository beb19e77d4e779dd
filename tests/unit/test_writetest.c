/* Unit tests: the write test (plugins/storage_mount/writetest.c) in a temporary directory. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "storage_mount_suites.h"
#include "writetest.h"

static dev_t device_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_dev;
}

/* Entries in dir besides . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

struct steps {
	enum ms_write_step seen[16];
	int n;
};

static void record(void *arg, enum ms_write_step step)
{
	struct steps *s = arg;

	if (s->n < 16)
		s->seen[s->n++] = step;
}

START_TEST(passes_and_leaves_nothing)
{
	char *dir = temp_dir();
	struct ms_write_result res;
	struct steps steps = { .n = 0 };

	ck_assert(ms_write_test(dir, NULL, device_of(dir), record, &steps, &res));
	ck_assert_int_eq(res.failed, MS_WRITE_DONE);
	ck_assert_int_eq(entries(dir), 0);
	const enum ms_write_step want[] = { MS_WRITE_OPEN_DIR, MS_WRITE_CREATE, MS_WRITE_WRITE,
					    MS_WRITE_FSYNC, MS_WRITE_READ, MS_WRITE_COMPARE,
					    MS_WRITE_REMOVE };
	ck_assert_int_eq(steps.n, 7);
	for (int i = 0; i < 7; i++)
		ck_assert_int_eq(steps.seen[i], want[i]);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(in_a_subdirectory)
{
	char *dir = temp_dir(), sub[600];
	struct ms_write_result res;

	snprintf(sub, sizeof(sub), "%s/a", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert(ms_write_test(dir, "a/./b/", device_of(dir), NULL, NULL, &res));
	ck_assert_int_eq(entries(sub), 0);
	ck_assert(!ms_write_test(dir, "a/missing", device_of(dir), NULL, NULL, &res));
	ck_assert_int_eq(res.failed, MS_WRITE_OPEN_DIR);
	ck_assert_int_eq(res.err, ENOENT);
	ck_assert(!ms_write_test(dir, "a/../a", device_of(dir), NULL, NULL, &res));
	ck_assert_int_eq(res.err, EINVAL);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(symlinked_directory_refused)
{
	char *dir = temp_dir(), *elsewhere = temp_dir(), link[600];
	struct ms_write_result res;

	snprintf(link, sizeof(link), "%s/spool", dir);
	ck_assert_int_eq(symlink(elsewhere, link), 0);
	ck_assert(!ms_write_test(dir, "spool", device_of(dir), NULL, NULL, &res));
	ck_assert_int_eq(res.failed, MS_WRITE_OPEN_DIR);
	ck_assert_int_eq(res.err, ELOOP);
	ck_assert_int_eq(entries(elsewhere), 0);
	remove_tree(dir);
	remove_tree(elsewhere);
	free(dir);
	free(elsewhere);
}
END_TEST

START_TEST(other_filesystem_refused)
{
	char *dir = temp_dir();
	struct ms_write_result res;

	ck_assert(!ms_write_test(dir, NULL, device_of(dir) + 1, NULL, NULL, &res));
	ck_assert_int_eq(res.failed, MS_WRITE_OPEN_DIR);
	ck_assert_int_eq(res.err, EXDEV);
	ck_assert_int_eq(entries(dir), 0);
	ck_assert_str_eq(ms_write_step_name(MS_WRITE_FSYNC), "fsync");
	remove_tree(dir);
	free(dir);
}
END_TEST

Suite *writetest_suite(void)
{
	Suite *s = suite_create("writetest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, passes_and_leaves_nothing);
	tcase_add_test(tc, in_a_subdirectory);
	tcase_add_test(tc, symlinked_directory_refused);
	tcase_add_test(tc, other_filesystem_refused);
	suite_add_tcase(s, tc);
	return s;
}
