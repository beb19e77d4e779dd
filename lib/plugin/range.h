/*
 * range: Nagios threshold ranges.
 *
 * As the plugin development guidelines define them:
 *
 *   10      alert if value < 0 or > 10       (start 0, end 10)
 *   10:     alert if value < 10              (end is infinity)
 *   ~:10    alert if value > 10              (start is -infinity)
 *   10:20   alert if value < 10 or > 20
 *   @10:20  alert if 10 <= value <= 20       (inside, ends included)
 *
 * Ends may be decimal ("0.5:1.25") and negative. With MS_RANGE_DURATION
 * an end may carry a duration unit ("30m", "1h:4h").
 */
#ifndef MS_RANGE_H
#define MS_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "strbuf.h"

#define MS_RANGE_TEXT_MAX 64

struct ms_range {
	double start;		/* -INFINITY when open below */
	double end;		/* INFINITY when open above */
	bool inside;		/* '@': alert inside instead of outside */
	char text[MS_RANGE_TEXT_MAX]; /* normalized, as perfdata prints it */
};

enum ms_range_flags {
	MS_RANGE_PLAIN = 0,
	MS_RANGE_DURATION = 1,	/* ends may use s, m, h, d suffixes */
};

/*
 * Parses s. On error returns false and adds to err why, e.g. "start 20
 * is greater than end 10". The caller says which option.
 */
bool ms_range_parse(const char *s, int flags, struct ms_range *r, struct ms_buf *err);

/* true when value should raise an alert under r. NaN always alerts. */
bool ms_range_alerts(const struct ms_range *r, double value);

/* A warning and a critical range, either of which may be unset. */
struct ms_thresholds {
	bool has_warning, has_critical;
	struct ms_range warning, critical;
};

/* CRITICAL if the critical range alerts, else WARNING if the warning one does. */
enum ms_state ms_thresholds_state(const struct ms_thresholds *t, double value);

#endif
