/*
 * metric: a component's response-time strip (metric = HOST!SERVICE:LABEL):
 * a perfdata label of one member, sampled at its checks.
 *
 *   Record: every run takes the member's last check's value of the label
 *   (perfparse.h) at the check's time, in the run's transaction; s, ms
 *   and us are kept in seconds, other units as the plugin gives them. The
 *   store keeps one sample per check, at most one per minute (the later
 *   check of a minute replaces the earlier: the downsampling), a week of
 *   them (store.h, Metrics). A check seen again by the next run, a check
 *   older than the stored ones, a member that is unknown (pending,
 *   stale), a check more than an hour in the future, or perfdata without
 *   the label record nothing.
 *
 *   Figures: min, median (exact, over the samples of the window) and max
 *   of the last 24 hours and 7 days, and the points of the chart: the
 *   window cut into at most PUB_METRIC_POINTS buckets of equal time, each
 *   with the min, max and mean of its samples.
 *
 * The figures and buckets are pure functions: no I/O, no clock.
 */
#ifndef PUB_METRIC_H
#define PUB_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "evaluate.h"
#include "source.h"
#include "store.h"

/* The samples of every component's metric in snap (evaluated as ev). */
bool pub_metric_record(const struct pub_config *cfg, struct pub_store *st,
		       const struct pub_snapshot *snap, const struct pub_eval *ev,
		       time_t now, struct ms_buf *err);

/* How far in the future an engine's check time may lie (clock skew). */
#define PUB_METRIC_FUTURE 3600

struct pub_metric_figures {
	size_t samples;		/* 0: none, the rest meaningless */
	double min, median, max;
};

/*
 * The figures of the n samples (any order); the median of an even count
 * is the mean of the middle two. scratch: room for n values, or NULL (a
 * caller of many keeps one, for a week's PUB_METRIC_MINUTES).
 */
void pub_metric_figures_of(const struct pub_metric_sample *s, size_t n, double *scratch,
			   struct pub_metric_figures *f);

#define PUB_METRIC_POINTS 300

/* A bucket of the chart: the samples in [start, end) of its slice of the window. */
struct pub_metric_bucket {
	size_t x;		/* 0 .. width - 1, left to right */
	size_t samples;
	double min, max, mean;
	bool gap_before;	/* too long without a sample since the previous bucket: no line */
};

/*
 * The samples (sorted by time) in [from, to) cut into width (at most
 * PUB_METRIC_POINTS) buckets of equal time; the buckets that hold
 * samples are written to out (room for width), left to right. A bucket
 * starts a new line (gap_before) when the time since the previous
 * bucket's last sample is over three times the typical time between
 * samples (their median) and over one bucket. scratch as for
 * pub_metric_figures_of. Returns how many.
 */
size_t pub_metric_buckets(const struct pub_metric_sample *s, size_t n, time_t from, time_t to,
			  size_t width, double *scratch, struct pub_metric_bucket *out);

#endif
