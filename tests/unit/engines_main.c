/*
 * The unit tests of the engine integration (issue 9): the Icinga 2 API
 * source and the notify command, in a runner of their own.
 */
#include "config.h"

#include <stdlib.h>

#include "engines_suites.h"
#include "strbuf.h"

char *engines_fixture(const char *name)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_printf(&b, "%s/%s", FIXTURES, name);
	return ms_buf_steal(&b);
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		publish_icinga2_suite, publish_notify_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
