/*
 * The unit tests of mailstatus-publish: one runner for every suite, apart
 * from lib/'s runner so each program's tests can be run on their own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "test_publish_suites.h"

char *publish_fixture(const char *name)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_printf(&b, "%s/%s", FIXTURES, name);
	return ms_buf_steal(&b);
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		publish_conf_suite, publish_statusdat_suite, publish_model_suite,
		publish_engine_suite, publish_output_suite, publish_site_suite,
		publish_words_suite,
		publish_truth_suite, publish_history_suite, publish_metric_suite,
		publish_views_suite, publish_ical_suite,
		publish_deliver_suite, publish_mail_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
