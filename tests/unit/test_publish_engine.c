#include "config.h"
#include "test_publish_suites.h"
Suite *publish_engine_suite(void)
{
	Suite *s = suite_create("publish_engine");
	return s;
}
