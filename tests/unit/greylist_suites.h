/* The unit-test suites of check_greylist's lib/ modules; greylist_main.c runs them. */
#ifndef MS_TEST_GREYLIST_SUITES_H
#define MS_TEST_GREYLIST_SUITES_H

#include <check.h>

Suite *policy_suite(void);
Suite *smtp_suite(void);

#endif
