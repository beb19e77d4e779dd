/*
 * The unit tests of check_storage_mount's lib/ modules (mountinfo and
 * fstab parsing, the probe of one mount, df arithmetic and limits, the state of stuck probes,
 * /proc and sysfs readers, the write test), in a runner of their own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "storage_mount_suites.h"
#include "strbuf.h"
#include "xalloc.h"

char *fixture_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	struct ms_buf b = MS_BUF_INIT;

	ms_buf_printf(&b, "%s/tests/fixtures/storage_mount/%s", top ? top : ".", name);
	return ms_buf_steal(&b);
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		mountinfo_suite, mountprobe_suite, fsspace_suite, statefile_suite,
		writetest_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
