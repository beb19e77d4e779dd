#include "config.h"
#include "test_publish_suites.h"
Suite *publish_statusdat_suite(void)
{
	Suite *s = suite_create("publish_statusdat");
	return s;
}
