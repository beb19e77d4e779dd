/*
 * timeline: a key's uptime record as a run reads it (board_uptime.c):
 * the figures the store kept of closed days where it has them
 * (history_figures.c), the intervals as spans in the gaps between them,
 * so that a window or a day is counted by the rules of uptime.h without
 * reading every interval again.
 *
 * Pure: no I/O. A counted day is whole; the loader leaves as a gap any
 * day that a window starts in, and the counts here never split one.
 */
#ifndef PUB_TIMELINE_H
#define PUB_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "uptime.h"

/* A counted day, or a gap. */
struct pub_segment {
	time_t start, end;
	bool counted;		/* u holds the day's figures */
	struct pub_uptime u;
	size_t first, n;	/* a gap's spans: spans[first .. first + n) */
};

/* [from, to) in time order: its segments, and the spans of its gaps. */
struct pub_timeline {
	time_t from, to;
	struct pub_segment *segs;
	size_t n_segs, cap_segs;
	struct pub_span *spans;
	size_t n_spans, cap_spans;
};

void pub_timeline_add_day(struct pub_timeline *t, time_t start, time_t end,
			  const struct pub_uptime *u);
/* Opens a gap [start, end); its spans follow with pub_timeline_add_span. */
void pub_timeline_add_gap(struct pub_timeline *t, time_t start, time_t end);
/* A span of the last gap, cut to it; nothing when none of it is in the gap. */
void pub_timeline_add_span(struct pub_timeline *t, enum pub_time_kind kind, time_t start,
			   time_t end);
/* The figures of [from, to): the time outside the timeline is unknown. */
void pub_timeline_count(const struct pub_timeline *t, time_t from, time_t to,
			struct pub_uptime *u);
/* The figures of each of the days (pub_uptime_day_bounds), in one pass. */
void pub_timeline_count_days(const struct pub_timeline *t, struct pub_day *days, size_t n);
/* The time of its first segment with anything recorded; 0: none. */
time_t pub_timeline_recorded_from(const struct pub_timeline *t);
void pub_timeline_free(struct pub_timeline *t);

#endif
