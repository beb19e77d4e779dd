/* The unit-test suites of check_storage_mount's lib/ modules. */
#ifndef MS_TEST_STORAGE_MOUNT_SUITES_H
#define MS_TEST_STORAGE_MOUNT_SUITES_H

#include <check.h>

Suite *mountinfo_suite(void);
Suite *mountprobe_suite(void);
Suite *fsspace_suite(void);
Suite *statefile_suite(void);
Suite *writetest_suite(void);

/* A file under tests/fixtures/storage_mount/ (free the result). */
char *fixture_path(const char *name);

#endif
