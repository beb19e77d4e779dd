/*
 * history_figures: the figures of closed days and months, counted once
 * from the intervals and kept in the store (store.h, History figures),
 * so that a run reads one row a day of each key instead of every
 * interval again (board_uptime.c).
 *
 * At the end of a run's record, and of an import: for every cluster,
 * component and member, each day since its last counted one that has
 * ended, counted from the intervals by the rules of uptime.h; for a
 * cluster, each month that has ended, summed from its days and kept for
 * good (history/CLUSTER.html's month-by-month table does not change when
 * the intervals under a month are pruned); then retention. Days are cut
 * in the site's time zone: when that changes, what was cut in another is
 * forgotten and counted again, but for months older than the retention,
 * which cannot be.
 */
#ifndef PUB_HISTORY_FIGURES_H
#define PUB_HISTORY_FIGURES_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"
#include "store.h"
#include "uptime.h"

/* What closed by now is counted (a run's end): intervals and days older than history_days go. */
bool pub_history_keep(const struct pub_config *cfg, struct pub_store *st, time_t now,
		      struct ms_buf *err);
/* The counting alone (an import's end: retention is the runs'). */
bool pub_history_count(const struct pub_config *cfg, struct pub_store *st, time_t now,
		       struct ms_buf *err);

/*
 * The imported intervals were made again: the days and months within the
 * retention are to be counted again (older ones may have lost their
 * intervals; as counted, they stay). now: the command's time.
 */
bool pub_history_recount(const struct pub_config *cfg, struct pub_store *st, time_t now,
			 struct ms_buf *err);

/*
 * What of the kept figures a reader may take as they are, as of now:
 * none when they were cut in another zone than the site's (until the
 * next record counts them again); of the days, those within the
 * retention (an older day may outlive its intervals, kept for its
 * month: read as the intervals are, it is unknown).
 */
struct pub_history_kept {
	bool use;
	time_t horizon;		/* a day that starts before it is read from the intervals */
};
bool pub_history_kept_usable(const struct pub_config *cfg, struct pub_store *st, time_t now,
			     struct pub_history_kept *kept, struct ms_buf *err);

/*
 * A day's intervals kept with its figures, for a window that starts in
 * it: each span cut to the day as 9 bytes, its kind (uptime.h) and its
 * start and end as seconds from the day's start (32 bits, big-endian).
 */
void pub_history_spans_encode(const struct pub_span *spans, size_t n, time_t day,
			      time_t day_end, struct ms_buf *out);
/* Each span of an encoded day to fn; false (and none) when the bytes are not such a day's. */
bool pub_history_spans_decode(const unsigned char *bytes, size_t len, time_t day,
			      time_t day_end, void (*fn)(const struct pub_span *, void *),
			      void *arg);

#endif
