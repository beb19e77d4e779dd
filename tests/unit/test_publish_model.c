#include "config.h"
#include "test_publish_suites.h"
Suite *publish_model_suite(void)
{
	Suite *s = suite_create("publish_model");
	return s;
}
