/* The unit-test suites; main.c runs them all. */
#ifndef MS_TEST_SUITES_H
#define MS_TEST_SUITES_H

#include <check.h>

Suite *deadline_suite(void);
Suite *duration_suite(void);
Suite *extraopts_suite(void);
Suite *numfmt_suite(void);
Suite *perfdata_suite(void);
Suite *plugin_suite(void);
Suite *probe_suite(void);
Suite *range_suite(void);
Suite *result_suite(void);
Suite *runcmd_suite(void);
Suite *text_suite(void);

#endif
