/*
 * uptime: figures from state intervals. See uptime.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "uptime.h"

const struct pub_uptime_window pub_uptime_windows[PUB_UPTIME_WINDOWS] = {
	{ "24h", "24 hours", 86400 },
	{ "7d", "7 days", 7 * 86400 },
	{ "30d", "30 days", 30 * 86400 },
	{ "90d", "90 days", 90 * 86400 },
};

enum pub_time_kind pub_time_kind_of(const char *state)
{
	static const struct { const char *state; enum pub_time_kind kind; } kinds[] = {
		{ "up", PUB_TIME_UP }, { "operational", PUB_TIME_UP },
		{ "online", PUB_TIME_UP },
		{ "impaired", PUB_TIME_DEGRADED }, { "degraded", PUB_TIME_DEGRADED },
		{ "down", PUB_TIME_OUTAGE }, { "outage", PUB_TIME_OUTAGE },
		{ "offline", PUB_TIME_OUTAGE },
		{ "maintenance", PUB_TIME_MAINTENANCE },
	};

	for (size_t i = 0; state != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].state, state) == 0)
			return kinds[i].kind;
	return PUB_TIME_UNKNOWN;	/* "unknown", and any word this program does not know */
}

int pub_uptime_percent(long long observed, long long outage)
{
	if (observed <= 0)
		return -1;
	if (outage < 0)
		outage = 0;
	if (outage > observed)
		outage = observed;
	/* truncated: 100.00 only without any outage */
	return (int)((observed - outage) * 10000 / observed);
}

char *pub_percent_text(char buf[static PUB_PERCENT_MAX], int percent)
{
	if (percent < 0)
		buf[0] = '\0';
	else
		snprintf(buf, PUB_PERCENT_MAX, "%d.%02d", percent / 100, percent % 100);
	return buf;
}

void pub_uptime_count(const struct pub_span *spans, size_t n, time_t from, time_t to,
		      struct pub_uptime *u)
{
	long long covered = 0;
	time_t cursor = from;

	memset(u, 0, sizeof(*u));
	/* sorted by start: once one starts at `to`, the rest do too */
	for (size_t i = 0; i < n && cursor < to && spans[i].start < to; i++) {
		time_t s = spans[i].start > cursor ? spans[i].start : cursor;
		time_t e = spans[i].end < to ? spans[i].end : to;
		if (e <= s)
			continue;
		long long len = (long long)(e - s);
		cursor = e;
		covered += len;
		if (spans[i].kind == PUB_TIME_OUTAGE)
			u->outage_s += len;
		else if (spans[i].kind == PUB_TIME_DEGRADED)
			u->degraded_s += len;
		else if (spans[i].kind == PUB_TIME_MAINTENANCE)
			u->maintenance_s += len;
		else if (spans[i].kind == PUB_TIME_UNKNOWN)
			u->unknown_s += len;
	}
	if (to > from)
		u->unknown_s += (long long)(to - from) - covered;
	pub_uptime_finish(u, to > from ? (long long)(to - from) : 0);
}

void pub_uptime_add(struct pub_uptime *u, const struct pub_uptime *part)
{
	u->outage_s += part->outage_s;
	u->degraded_s += part->degraded_s;
	u->maintenance_s += part->maintenance_s;
	u->unknown_s += part->unknown_s;
}

void pub_uptime_finish(struct pub_uptime *u, long long len)
{
	u->observed_s = len - u->maintenance_s - u->unknown_s;
	u->percent = pub_uptime_percent(u->observed_s, u->outage_s);
}

/* Local midnight of the day t falls in (01:00 where midnight does not exist). */
static time_t day_start(time_t t, struct tm *tm)
{
	localtime_r(&t, tm);
	tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	tm->tm_isdst = -1;
	return mktime(tm);
}

time_t pub_day_start(time_t t)
{
	struct tm tm;

	return day_start(t, &tm);
}

time_t pub_day_after(time_t start)
{
	struct tm tm;

	/* noon of the day after is in it however long this day is (23 to 25 hours) */
	return day_start(start + 36 * 3600, &tm);
}

time_t pub_month_start(time_t t, int months)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_mon += months;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void pub_uptime_day_bounds(time_t now, struct pub_day *days, size_t n)
{
	time_t end = now;

	for (size_t i = n; i-- > 0;) {
		struct tm tm;
		time_t start = day_start(end - 1, &tm);

		memset(&days[i], 0, sizeof(days[i]));
		days[i].year = tm.tm_year + 1900;
		days[i].month = tm.tm_mon + 1;
		days[i].mday = tm.tm_mday;
		days[i].start = start;
		days[i].end = end;
		end = start;
	}
}

void pub_uptime_count_days(const struct pub_span *spans, size_t n_spans, struct pub_day *days,
			   size_t n)
{
	size_t first = 0;

	for (size_t i = 0; i < n; i++) {
		/*
		 * The spans before `first` all end by this day's start: they
		 * count nothing in it, nor in any later day.
		 */
		while (first < n_spans && spans[first].end <= days[i].start)
			first++;
		pub_uptime_count(spans + first, n_spans - first, days[i].start, days[i].end,
				 &days[i].u);
	}
}

void pub_uptime_days(const struct pub_span *spans, size_t n_spans, time_t now,
		     struct pub_day *days, size_t n)
{
	pub_uptime_day_bounds(now, days, n);
	pub_uptime_count_days(spans, n_spans, days, n);
}
