/*
 * The unit tests of check_webmail_send's lib/ modules (HTML forms, the
 * Roundcube flow's parsing, the IMAP answers), on pages saved from a
 * running Roundcube under tests/fixtures/webmail.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"
#include "webmail_suites.h"

char *fixture(const char *name, size_t *len)
{
	struct ms_buf path = MS_BUF_INIT, data = MS_BUF_INIT;
	char chunk[8192];
	size_t n;

	ms_buf_printf(&path, "%s/%s", FIXTURES, name);
	FILE *f = fopen(ms_buf_str(&path), "rb");
	ck_assert_msg(f != NULL, "cannot open fixture %s", ms_buf_str(&path));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ms_buf_add(&data, chunk, n);
	fclose(f);
	ms_buf_free(&path);
	*len = data.len;
	return ms_buf_steal(&data);
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		htmlform_suite, roundcube_suite, imapprobe_suite, httpclient_suite, redact_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
