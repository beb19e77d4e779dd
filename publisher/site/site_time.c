/*
 * site_time: times and durations for the pages. See site_time.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "site_time.h"
#include "xalloc.h"

void pub_timezone_use(const char *tz, char **saved)
{
	const char *old = getenv("TZ");

	*saved = old ? ms_xstrdup(old) : NULL;
	setenv("TZ", tz ? tz : PUB_DEFAULT_TIMEZONE, 1);
	tzset();
}

void pub_timezone_restore(char *saved)
{
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

bool pub_timezone_known(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	int n;

	if (strcmp(tz, "UTC") == 0)
		return true;
	/* a zone name, not a path: glibc would read any file it is given */
	if (tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL ||
	    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789/_+-") != strlen(tz))
		return false;
	n = snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/* The operator's date_format: a format from the config is the point here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t format_tm(char buf[static PUB_WHEN_MAX], const char *format,
			const struct tm *tm)
{
	return strftime(buf, PUB_WHEN_MAX, format, tm);
}
#pragma GCC diagnostic pop

char *pub_when(char buf[static PUB_WHEN_MAX], const char *format, time_t t)
{
	struct tm tm;

	/* strftime returns 0 both for "too long" and for an empty result */
	if (localtime_r(&t, &tm) == NULL || format_tm(buf, format, &tm) == 0) {
		char iso[PUB_DATE_MAX];
		snprintf(buf, PUB_WHEN_MAX, "%s", pub_rfc3339(iso, t));
	}
	return buf;
}

char *pub_when_in(char buf[static PUB_WHEN_MAX], const char *tz, const char *format,
		  time_t t)
{
	char *saved;

	pub_timezone_use(tz, &saved);
	pub_when(buf, format ? format : PUB_DEFAULT_DATE_FORMAT, t);
	pub_timezone_restore(saved);
	return buf;
}

bool pub_same_day(time_t a, time_t b)
{
	struct tm ta, tb;

	if (localtime_r(&a, &ta) == NULL || localtime_r(&b, &tb) == NULL)
		return false;
	return ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday;
}

char *pub_month(char buf[static PUB_WHEN_MAX], time_t t)
{
	static const char *const months[] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11)
		snprintf(buf, PUB_WHEN_MAX, "(unknown month)");
	else
		snprintf(buf, PUB_WHEN_MAX, "%s %d", months[tm.tm_mon], tm.tm_year + 1900);
	return buf;
}

static void count(struct ms_buf *b, long long n, const char *unit)
{
	ms_buf_printf(b, "%lld %s%s", n, unit, n == 1 ? "" : "s");
}

void pub_duration_coarse(struct ms_buf *b, time_t seconds)
{
	long long s = seconds < 0 ? 0 : (long long)seconds;

	if (s < 60)
		ms_buf_puts(b, "less than a minute");
	else if (s < 3600)
		count(b, s / 60, "minute");
	else if (s < 2 * 86400)
		count(b, s / 3600, "hour");
	else
		count(b, s / 86400, "day");
}

void pub_duration_exact(struct ms_buf *b, time_t seconds)
{
	long long s = seconds < 0 ? 0 : (long long)seconds;
	long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d > 0) {
		count(b, d, "day");
		if (h > 0) {
			ms_buf_putc(b, ' ');
			count(b, h, "hour");
		}
	} else if (h > 0) {
		count(b, h, "hour");
		if (m > 0) {
			ms_buf_putc(b, ' ');
			count(b, m, "minute");
		}
	} else if (m > 0) {
		count(b, m, "minute");
	} else {
		ms_buf_puts(b, "less than a minute");
	}
}

void pub_duration_short(struct ms_buf *b, time_t seconds)
{
	long long s = seconds < 0 ? 0 : (long long)seconds;
	long long h = s / 3600, m = s % 3600 / 60;

	if (s < 60)
		ms_buf_printf(b, "%lld s", s);
	else if (h == 0)
		ms_buf_printf(b, "%lld min", m);
	else if (m == 0)
		ms_buf_printf(b, "%lld h", h);
	else
		ms_buf_printf(b, "%lld h %lld min", h, m);
}
