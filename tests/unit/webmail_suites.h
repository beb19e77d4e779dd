/* The suites of check_webmail_send's lib/ modules; webmail_main.c runs them. */
#ifndef MS_WEBMAIL_SUITES_H
#define MS_WEBMAIL_SUITES_H

#include <check.h>

Suite *htmlform_suite(void);
Suite *roundcube_suite(void);
Suite *imapprobe_suite(void);
Suite *httpclient_suite(void);
Suite *redact_suite(void);

/* A fixture from tests/fixtures/webmail, read whole (free it); *len its size. */
char *fixture(const char *name, size_t *len);

#endif
