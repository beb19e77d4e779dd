/*
 * uptime: the rules that turn state intervals into uptime figures, as
 * the status site and mailstatus-publish(1) state them.
 *
 *   A window (24 h, 7 d, 30 d, 90 d, ending at the run) is split into time
 *   in scheduled maintenance, time unknown (stale, unchecked, not
 *   recorded: before monitoring began, or a cluster added later) and the
 *   observed rest.
 *   Cluster: outage is time Offline; degraded is time Degraded (available
 *   but impaired). Component: outage is time with no member up; degraded,
 *   time with some but not all up. Member: outage is time down (CRITICAL,
 *   DOWN, UNREACHABLE, and UNKNOWN with unknown_state = down); degraded,
 *   time impaired (WARNING).
 *   Uptime % = (observed - outage) / observed, truncated to two decimals:
 *   99.999 is 99.99, and 100.00 means no outage at all. Maintenance and
 *   unknown time are left out of it and shown beside it, never counted up.
 *
 * Pure functions: no I/O, no clock; days are cut in the current time zone
 * (localtime), so the caller chooses the site's.
 */
#ifndef PUB_UPTIME_H
#define PUB_UPTIME_H

#include <stddef.h>
#include <time.h>

enum pub_time_kind {
	PUB_TIME_UP,
	PUB_TIME_DEGRADED,
	PUB_TIME_OUTAGE,
	PUB_TIME_MAINTENANCE,
	PUB_TIME_UNKNOWN
};

/* The kind of time a recorded state is (store.h's words of any level). */
enum pub_time_kind pub_time_kind_of(const char *state);

/* A span of one kind of time, [start, end). */
struct pub_span {
	enum pub_time_kind kind;
	time_t start, end;
};

struct pub_uptime {
	long long outage_s, degraded_s, maintenance_s, unknown_s;
	long long observed_s;	/* the window less maintenance and unknown time */
	int percent;		/* hundredths of a percent, truncated; -1: nothing observed */
};

/*
 * The figures of [from, to) from spans sorted by start (where they
 * overlap, the earlier one counts); time no span covers is unknown.
 */
void pub_uptime_count(const struct pub_span *spans, size_t n, time_t from, time_t to,
		      struct pub_uptime *u);

/* Hundredths of a percent, truncated; -1 when observed is 0. */
int pub_uptime_percent(long long observed, long long outage);

#define PUB_PERCENT_MAX 16
/* "99.93" for 9993; "" for -1 (nothing observed). */
char *pub_percent_text(char buf[static PUB_PERCENT_MAX], int percent);

/* The windows, longest last: "24h", "7d", "30d", "90d". */
#define PUB_UPTIME_WINDOWS 4
extern const struct pub_uptime_window {
	const char *key;	/* status.json's */
	const char *label;	/* the page's: "24 hours" */
	time_t seconds;
} pub_uptime_windows[PUB_UPTIME_WINDOWS];

#define PUB_STRIP_DAYS 90

/* One calendar day of a strip: [start, end) in the current zone. */
struct pub_day {
	int year, month, mday;	/* month 1-12 */
	time_t start, end;	/* the last day of a strip ends at its now */
	struct pub_uptime u;
};

/*
 * The n calendar days ending with the one now falls in, oldest first, in
 * the current zone (23 or 25 hours long across a change of summer time),
 * each with its figures; the last ends at now.
 */
void pub_uptime_days(const struct pub_span *spans, size_t n_spans, time_t now,
		     struct pub_day *days, size_t n);
/*
 * The same in two steps, for many strips of one run: the days' dates and
 * bounds (figures zero), cut once; then the figures of one strip's spans
 * (sorted by start) in each day, in one pass over them.
 */
void pub_uptime_day_bounds(time_t now, struct pub_day *days, size_t n);
void pub_uptime_count_days(const struct pub_span *spans, size_t n_spans, struct pub_day *days,
			   size_t n);

/* Local midnight of the day t falls in (01:00 where midnight does not exist). */
time_t pub_day_start(time_t t);
/* The start of the day after the one start (a pub_day_start) begins. */
time_t pub_day_after(time_t start);
/* Local midnight of the first of the month t falls in, moved by `months`. */
time_t pub_month_start(time_t t, int months);

/* Adds part's kinds of time to u's (observed and percent: pub_uptime_finish). */
void pub_uptime_add(struct pub_uptime *u, const struct pub_uptime *part);
/* u's observed time and percent, of a window len seconds long. */
void pub_uptime_finish(struct pub_uptime *u, long long len);

#endif
