/*
 * fuzz_dates: a time an operator types (--now, --start, --end) and the
 * dates printed from it (publisher/render/dates.c, pub_parse_when in cmdutil.c).
 *
 * Beyond "no crash": a time that parses prints as RFC 822 and RFC 3339
 * within PUB_DATE_MAX; its RFC 3339 form parses back to the same time;
 * and a date typed as "YYYY-MM-DD HH:MM" that is taken is the one that
 * prints (no field that is out of range or signed is quietly moved to
 * another day or minute).
 */
#include "config.h"

#include <stdio.h>

#include "cmdutil.h"
#include "dates.h"
#include "fuzz.h"

static void check_prints(time_t t)
{
	char a[PUB_DATE_MAX], b[PUB_DATE_MAX];
	time_t again;

	if (strlen(pub_rfc822(a, t, false)) >= PUB_DATE_MAX - 1 ||
	    strlen(pub_rfc822(a, t, true)) >= PUB_DATE_MAX - 1 ||
	    strlen(pub_rfc3339(b, t)) >= PUB_DATE_MAX - 1)
		abort();
	/* years past 9999 print with five digits, which is not an input form */
	if (strlen(b) == 20 && (!pub_parse_time(b, &again) || again != t))
		abort();
}

/*
 * A time typed as a date: the fields typed are the ones taken, never
 * moved to another minute or day by timegm (a second of 60, a leap
 * second, may roll over into the next minute).
 */
static void check_fields(const char *s, time_t t)
{
	int y, mo, d, h, mi, sec = 0;
	char sep;
	struct tm tm;

	if (*s == '@')
		s++;
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &sec) < 6)
		return;	/* epoch seconds */
	if (sec == 60)
		return;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 != y || tm.tm_mon + 1 != mo || tm.tm_mday != d ||
	    tm.tm_hour != h || tm.tm_min != mi || tm.tm_sec != sec)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	time_t t, w;
	bool ok = pub_parse_time(s, &t);

	if (ok) {
		check_prints(t);
		check_fields(s, t);
	}
	/* the commands' wrapper agrees with the parser (and says why not) */
	struct ms_buf why = MS_BUF_INIT;
	if (pub_parse_when("--start", s, &w, &why) != ok || (ok && w != t) ||
	    (!ok && strncmp(ms_buf_str(&why), "--start '", 9) != 0))
		abort();
	ms_buf_free(&why);
	free(s);
	return 0;
}
