/*
 * The unit tests of plugins/greylist/policy.c and plugins/greylist/smtp.c (check_greylist's
 * protocol modules), in a runner of their own.
 */
#include "config.h"

#include <stdlib.h>

#include "greylist_suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		netconn_suite, policy_suite, smtp_suite, tls_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
