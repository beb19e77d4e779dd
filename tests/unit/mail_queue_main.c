/*
 * The unit tests of check_mail_queue's lib/ modules: the Postfix queue
 * reader, the postqueue -j parser, the Exim spool reader and the tally.
 */
#include "config.h"

#include <stdlib.h>

#include "mail_queue_suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		pfqueue_suite, pfconf_suite, postqueue_suite, lines_suite, eximspool_suite,
		tally_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
