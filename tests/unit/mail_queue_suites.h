/* The unit-test suites of check_mail_queue; mail_queue_main.c runs them. */
#ifndef MS_MAIL_QUEUE_SUITES_H
#define MS_MAIL_QUEUE_SUITES_H

#include <check.h>

Suite *pfqueue_suite(void);
Suite *postqueue_suite(void);
Suite *eximspool_suite(void);
Suite *tally_suite(void);
Suite *pfconf_suite(void);
Suite *lines_suite(void);

#endif
