/* Unit tests: one parameter of a Postfix main.cf (plugins/mail_queue/pfconf.c). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "mail_queue_suites.h"
#include "pfconf.h"

static const char main_cf[] =
	"# See /usr/share/postfix/main.cf.dist\n"
	"queue_directory = /var/spool/old\n"
	"myhostname = mx.example.com\n"
	"\n"
	"  # an indented comment\n"
	"queue_directory_extra = /nowhere\n"
	"queue_directory=/srv/postfix/spool   \n"
	"smtpd_recipient_restrictions =\n"
	"    permit_mynetworks,\n"
	"\treject_unauth_destination\n"
	"data_directory = $queue_directory/data\n";

static const char *find(const char *text, const char *name)
{
	static char value[256];
	return pfconf_find(text, strlen(text), name, value, sizeof(value)) ? value : NULL;
}

START_TEST(parameters)
{
	ck_assert_str_eq(find(main_cf, "queue_directory"), "/srv/postfix/spool");	/* the last */
	ck_assert_str_eq(find(main_cf, "myhostname"), "mx.example.com");
	ck_assert_str_eq(find(main_cf, "queue_directory_extra"), "/nowhere");
	ck_assert_str_eq(find(main_cf, "smtpd_recipient_restrictions"),
			 "permit_mynetworks, reject_unauth_destination");
	ck_assert_str_eq(find(main_cf, "data_directory"), "$queue_directory/data");
	ck_assert(find(main_cf, "queue") == NULL);
	ck_assert(find(main_cf, "mydomain") == NULL);
	ck_assert(find("", "queue_directory") == NULL);
	ck_assert(find("queue_directory", "queue_directory") == NULL);
	ck_assert_str_eq(find("queue_directory =", "queue_directory"), "");
	ck_assert(find("# queue_directory = /x\n", "queue_directory") == NULL);
	ck_assert(find(" queue_directory = /x\n", "queue_directory") == NULL);	/* a continuation */
	ck_assert_str_eq(find("queue_directory = /x\r\n", "queue_directory"), "/x");

	/* a value that does not fit is not found, and does not let an older one win */
	char small[4];
	const char two[] = "queue_directory = /a\nqueue_directory = /longer\n";
	ck_assert(!pfconf_find(two, strlen(two), "queue_directory", small, sizeof(small)));

	/* a NUL byte in the value: not found (postconf is asked), never cut (fuzz_pfconf) */
	char value[64];
	const char nul[] = "queue_directory = /var/spool/\n \0postfix\n";
	ck_assert(!pfconf_find(nul, sizeof(nul) - 1, "queue_directory", value, sizeof(value)));
	const char nul_after[] = "queue_directory = /srv/spool\n# \0 comment\n";
	ck_assert(pfconf_find(nul_after, sizeof(nul_after) - 1, "queue_directory", value,
			      sizeof(value)));
	ck_assert_str_eq(value, "/srv/spool");
}
END_TEST

START_TEST(files)
{
	char value[256];
	char *path = temp_file(main_cf);

	ck_assert_int_eq(pfconf_lookup(path, "queue_directory", value, sizeof(value)), 1);
	ck_assert_str_eq(value, "/srv/postfix/spool");
	ck_assert_int_eq(pfconf_lookup(path, "mydomain", value, sizeof(value)), 0);
	unlink(path);
	ck_assert_int_eq(pfconf_lookup(path, "queue_directory", value, sizeof(value)), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(path);
}
END_TEST

Suite *pfconf_suite(void)
{
	Suite *s = suite_create("pfconf");
	TCase *tc = tcase_create("main.cf");
	tcase_add_test(tc, parameters);
	tcase_add_test(tc, files);
	suite_add_tcase(s, tc);
	return s;
}
