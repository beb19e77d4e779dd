/* The unit-test suites of check_greylist's lib/ modules; greylist_main.c runs them. */
#ifndef MS_TEST_GREYLIST_SUITES_H
#define MS_TEST_GREYLIST_SUITES_H

#include <check.h>

Suite *netconn_suite(void);
Suite *policy_suite(void);
Suite *smtp_suite(void);
Suite *tls_suite(void);

#endif
