/* Unit tests: streamed output cut into lines (plugins/mail_queue/lines.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "lines.h"
#include "mail_queue_suites.h"

/* What the line splitter passed on, joined with '\n' ('!' marks a cut line). */
struct collected {
	char text[4096];
	int lines;
};

static void collect(void *arg, const char *line, size_t len, bool too_long)
{
	struct collected *c = arg;
	size_t used = strlen(c->text);
	snprintf(c->text + used, sizeof(c->text) - used, "%s%.*s\n", too_long ? "!" : "",
		 (int)len, line);
	c->lines++;
}

START_TEST(line_splitting)
{
	struct collected c = { "", 0 };
	struct ms_lines l;

	ms_lines_init(&l, 8, collect, &c);
	ms_lines_feed(&l, "ab\ncd", 5);
	ms_lines_feed(&l, "e\n\n0123456789ABC", 16);
	ms_lines_feed(&l, "DEF\nlast", 8);
	ms_lines_finish(&l);
	/* the 16-byte line is passed on cut at 8 and marked, its rest skipped */
	ck_assert_str_eq(c.text, "ab\ncde\n\n!01234567\nlast\n");
	ck_assert_int_eq(c.lines, 5);

	struct collected none = { "", 0 };
	ms_lines_init(&l, 8, collect, &none);
	ms_lines_finish(&l);
	ck_assert_int_eq(none.lines, 0);
}
END_TEST

Suite *lines_suite(void)
{
	Suite *s = suite_create("lines");
	TCase *tc = tcase_create("lines");
	tcase_add_test(tc, line_splitting);
	suite_add_tcase(s, tc);
	return s;
}
