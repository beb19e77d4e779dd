#include "config.h"
#include "test_publish_suites.h"
Suite *publish_output_suite(void)
{
	Suite *s = suite_create("publish_output");
	return s;
}
