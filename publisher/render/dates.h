/*
 * dates: timestamps as feeds and pages print them.
 *
 * Day and month names are spelled out here, never taken from strftime's
 * %a/%b, so LC_TIME cannot turn "Wed" into "Mi" in a feed.
 */
#ifndef PUB_DATES_H
#define PUB_DATES_H

#include <stdbool.h>
#include <time.h>

#define PUB_DATE_MAX 40

/*
 * RFC 822 (as RFC 2822 and RSS 2.0 use it): "Wed, 13 Jan 2010 19:07:34 +0000".
 * In UTC, or in the local time zone (TZ) with its offset at that instant
 * ("-0500" in winter, "-0400" in summer for America/New_York).
 */
char *pub_rfc822(char buf[static PUB_DATE_MAX], time_t t, bool local);

/* RFC 3339 in UTC: "2010-01-13T19:07:34Z" (Atom, JSON). */
char *pub_rfc3339(char buf[static PUB_DATE_MAX], time_t t);


/*
 * Reads a time given on the command line: epoch seconds ("@1700000000" or
 * "1700000000"), or "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DDTHH:MM[:SS]Z" in
 * UTC. Returns false for anything else (or a date that does not exist).
 */
bool pub_parse_time(const char *s, time_t *t);

#endif
