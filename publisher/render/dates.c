/*
 * dates: C-locale date formatting. See dates.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"

static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

char *pub_rfc822(char buf[static PUB_DATE_MAX], time_t t, bool local)
{
	struct tm tm;
	long off = 0;

	if (local) {
		localtime_r(&t, &tm);
		off = tm.tm_gmtoff;
	} else {
		gmtime_r(&t, &tm);
	}
	/* real offsets are under 24 hours; the modulo only bounds the digits */
	long aoff = (off < 0 ? -off : off) % 86400;
	snprintf(buf, PUB_DATE_MAX, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
		 (int)(aoff / 3600), (int)(aoff % 3600 / 60));
	return buf;
}

char *pub_rfc3339(char buf[static PUB_DATE_MAX], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, PUB_DATE_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

bool pub_parse_time(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec = 0, used = 0;
	char sep;

	if (*s == '@')
		s++;
	if (all_digits(s) && strlen(s) <= 12) {
		*t = (time_t)strtoll(s, NULL, 10);
		return true;
	}
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used) != 6 ||
	    (sep != ' ' && sep != 'T'))
		return false;
	s += used;
	if (*s == ':') {
		if (sscanf(s, ":%2d%n", &sec, &used) != 1)
			return false;
		s += used;
	}
	if (*s == 'Z')
		s++;
	/* %d takes a sign: timegm would move "19:-1" to 18:59 without a word */
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 60 || y < 1970)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm);
	/* timegm normalises 31 Feb into March: such a date does not exist */
	struct tm back;
	gmtime_r(t, &back);
	return back.tm_mday == d && back.tm_mon == mo - 1;
}
