/*
 * site_time: times and durations as the status pages print them.
 *
 * Pages speak the operator's time zone (`timezone =`, default UTC) in the
 * operator's format (`date_format =`, strftime, the zone shown by default).
 * The program runs in the C locale, so month names stay English whatever
 * LC_TIME says. Feeds and status.json do not use this: they keep UTC.
 */
#ifndef PUB_SITETIME_H
#define PUB_SITETIME_H

#include <stdbool.h>
#include <time.h>

#include "strbuf.h"

#define PUB_WHEN_MAX 128
#define PUB_DEFAULT_TIMEZONE "UTC"
#define PUB_DEFAULT_DATE_FORMAT "%d %b %Y %H:%M %Z"
#define PUB_TIME_FORMAT "%H:%M %Z"

/*
 * Makes tz the zone of localtime() until pub_timezone_restore(); the zone
 * the process had before is kept in *saved (free with the restore).
 */
void pub_timezone_use(const char *tz, char **saved);
void pub_timezone_restore(char *saved);

/* true for a zone name this machine knows ("UTC", "Europe/Berlin"). */
bool pub_timezone_known(const char *tz);

/* t in the current zone with a strftime format; never empty. */
char *pub_when(char buf[static PUB_WHEN_MAX], const char *format, time_t t);

/*
 * t in zone tz (NULL: UTC) with a strftime format (NULL: the default date
 * format), whatever the current zone: for texts written once, such as a
 * post's body, that must speak the site's zone.
 */
char *pub_when_in(char buf[static PUB_WHEN_MAX], const char *tz, const char *format,
		  time_t t);

/* true when a and b fall on the same calendar day in the current zone. */
bool pub_same_day(time_t a, time_t b);

/* "November 2026" for t in the current zone. */
char *pub_month(char buf[static PUB_WHEN_MAX], time_t t);

/*
 * How long, as the status board says it: "less than a minute",
 * "5 minutes", "3 hours", "12 days" (minutes under an hour, hours under
 * two days). Coarse on purpose: the page changes only when these words do.
 */
void pub_duration_coarse(struct ms_buf *b, time_t seconds);

/* Time within a day, short and exact to the minute: "45 s", "5 min", "1 h 5 min", "25 h". */
void pub_duration_short(struct ms_buf *b, time_t seconds);

/* An incident's duration: "13 minutes", "2 hours 13 minutes", "1 day 3 hours". */
void pub_duration_exact(struct ms_buf *b, time_t seconds);

#endif
