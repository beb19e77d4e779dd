/*
 * ical: maintenance windows as an iCalendar file (RFC 5545), for the
 * calendars readers subscribe to (maintenance.ics, feeds/SLUG.ics).
 *
 * Content lines end in CRLF and are folded at 75 octets, never inside a
 * UTF-8 character; TEXT values are escaped (\\ \; \, \n) and cleaned of
 * invalid UTF-8 and control characters; times are UTC (...Z). The file has
 * no METHOD, so an event's DTSTAMP is when the window was last revised in
 * the store (RFC 5545, 3.8.7.2), not when the file was written: the same
 * store gives the same bytes, and unchanged calendars are not rewritten.
 */
#ifndef PUB_ICAL_H
#define PUB_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "strbuf.h"

/* The longest content line, in octets, without its CRLF. */
#define PUB_ICAL_LINE_MAX 75

struct pub_ical_event {
	const char *uid;	/* stable for the window: "maintenance-7.2026-11-25@host" */
	long sequence;		/* grows with each revision */
	time_t stamp;		/* the last revision */
	time_t start, end;
	const char *summary;
	const char *description;	/* or NULL */
	const char *category;	/* the cluster's name, or NULL */
	const char *url;	/* the announcement, or NULL */
	bool cancelled;		/* STATUS:CANCELLED, else CONFIRMED */
};

struct pub_ical {
	const char *name;	/* X-WR-CALNAME: what a calendar program shows */
	const struct pub_ical_event *events;
	size_t n_events;
};

/* The whole calendar into out (appended). */
void pub_ical_write(const struct pub_ical *cal, struct ms_buf *out);

/*
 * One content line "NAME:VALUE" folded, with CRLF; value as given (a URI,
 * a number, a time), or escaped as TEXT when text is true.
 */
void pub_ical_line(struct ms_buf *out, const char *name, const char *value, bool text);

#endif
