/* The engine integration's unit-test suites; engines_main.c runs them. */
#ifndef MS_TEST_ENGINES_SUITES_H
#define MS_TEST_ENGINES_SUITES_H

#include <check.h>

Suite *publish_icinga2_suite(void);
Suite *publish_notify_suite(void);

/* FIXTURES "/" name, for the files under tests/fixtures/publisher */
char *engines_fixture(const char *name);

#endif
