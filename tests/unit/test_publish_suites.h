/* The publisher's unit-test suites; publisher_main.c runs them all. */
#ifndef MS_TEST_PUBLISH_SUITES_H
#define MS_TEST_PUBLISH_SUITES_H

#include <check.h>

Suite *publish_conf_suite(void);
Suite *publish_statusdat_suite(void);
Suite *publish_model_suite(void);
Suite *publish_engine_suite(void);
Suite *publish_output_suite(void);
Suite *publish_site_suite(void);
Suite *publish_words_suite(void);
Suite *publish_truth_suite(void);
Suite *publish_history_suite(void);
Suite *publish_metric_suite(void);
Suite *publish_views_suite(void);
Suite *publish_ical_suite(void);
Suite *publish_deliver_suite(void);
Suite *publish_mail_suite(void);

/* FIXTURES "/" name, for the files under tests/fixtures/publisher */
char *publish_fixture(const char *name);

#endif
