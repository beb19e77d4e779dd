/*
 * The unit tests of lib/: every suite in one runner, so `make check`
 * prints one summary line from check.
 */
#include "config.h"

#include <stdlib.h>

#include "suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		deadline_suite, duration_suite, extraopts_suite, numfmt_suite,
		perfdata_suite, plugin_suite, probe_suite, range_suite,
		result_suite, runcmd_suite, text_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
