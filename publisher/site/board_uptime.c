/*
 * board_uptime: the uptime figures of the board, from the store's
 * history by the rules of uptime.h. See board.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "history_figures.h"
#include "timeline.h"
#include "xalloc.h"

/* The oldest time a figure looks at: the longest window, or the strip's first day. */
static time_t history_from(time_t now)
{
	time_t longest = pub_uptime_windows[PUB_UPTIME_WINDOWS - 1].seconds;

	if (longest < PUB_STRIP_DAYS * 86400L)
		longest = PUB_STRIP_DAYS * 86400L;
	return now - longest - 2 * 86400L;	/* a day in any zone starts within two */
}

/* A gap's spans as they are read: into the timeline's last gap, cut to it. */
struct gap_reader {
	struct pub_timeline *t;
	time_t now;
};

static void add_gap_span(const char *state, time_t start, time_t end, void *arg)
{
	struct gap_reader *r = arg;

	/* the open interval lasts until now */
	pub_timeline_add_span(r->t, pub_time_kind_of(state), start, end > 0 ? end : r->now);
}

/* The times the windows ending at now start: a day one falls inside is not whole. */
static void window_starts(time_t now, time_t at[static PUB_HISTORY_SPANS_AT])
{
	for (size_t w = 0; w < PUB_HISTORY_SPANS_AT; w++)
		at[w] = w < PUB_UPTIME_WINDOWS ? now - pub_uptime_windows[w].seconds : 0;
}

static bool starts_inside(const struct pub_history_figures *d,
			  const time_t at[static PUB_HISTORY_SPANS_AT])
{
	for (size_t w = 0; w < PUB_HISTORY_SPANS_AT; w++)
		if (at[w] > d->start && at[w] < d->end)
			return true;
	return false;
}

/* A gap [start, end) of t, and the store's intervals in it. */
static bool read_gap(struct pub_store *st, const struct pub_history_key *k,
		     struct pub_timeline *t, time_t start, time_t end, time_t now,
		     struct ms_buf *err)
{
	struct gap_reader r = { t, now };

	pub_timeline_add_gap(t, start, end);
	return pub_store_history_each(st, k, start, end, add_gap_span, &r, err);
}

static void add_kept_span(const struct pub_span *sp, void *arg)
{
	pub_timeline_add_span(arg, sp->kind, sp->start, sp->end);
}

/*
 * A counted day a window starts in, as a gap: its intervals as the
 * store kept them with it, else (an older row, a damaged one) read.
 */
static bool split_day(struct pub_store *st, const struct pub_history_key *k,
		      struct pub_timeline *t, const struct pub_history_figures *d, time_t now,
		      struct ms_buf *err)
{
	struct gap_reader r = { t, now };

	pub_timeline_add_gap(t, d->start, d->end);
	if (d->spans != NULL &&
	    pub_history_spans_decode(d->spans, d->spans_len, d->start, d->end, add_kept_span, t))
		return true;
	return pub_store_history_each(st, k, d->start, d->end, add_gap_span, &r, err);
}

/*
 * k's record from `from` to now: the days the store counted, those a
 * window starts in as their intervals, and the intervals of the time
 * between them (none before the day the record begins in).
 */
static bool load_timeline(struct pub_store *st, const struct pub_history_key *k, time_t from,
			  time_t now, struct pub_timeline *t, struct ms_buf *err)
{
	struct pub_history_figures *days;
	time_t at[PUB_HISTORY_SPANS_AT], cursor = from;
	size_t n;
	bool ok = true;

	memset(t, 0, sizeof(*t));
	t->from = from;
	t->to = now;
	window_starts(now, at);
	if (!pub_store_history_figures(st, k, PUB_HISTORY_DAY, from, now, at, &days, &n, err))
		return false;
	for (size_t i = 0; ok && i < n; i++) {
		const struct pub_history_figures *d = &days[i];
		struct pub_uptime u = { d->outage_s, d->degraded_s, d->maintenance_s,
					d->unknown_s, 0, 0 };
		if (d->start < cursor)
			continue;
		if (cursor < d->start && !d->first)
			ok = read_gap(st, k, t, cursor, d->start, now, err);
		if (!ok)
			break;
		if (starts_inside(d, at))
			ok = split_day(st, k, t, d, now, err);
		else
			pub_timeline_add_day(t, d->start, d->end, &u);
		cursor = d->end;
	}
	if (ok && cursor < now)
		ok = read_gap(st, k, t, cursor, now, now, err);
	pub_history_figures_free(days, n);
	return ok;
}

/*
 * A member's record, whose windows alone are wanted: the days a window
 * starts in, and the days between them summed in blocks, not a row a
 * day. Where a block misses a day (not counted yet), false with
 * nothing done: load_timeline reads it day by day.
 */
static bool load_blocks(struct pub_store *st, const struct pub_history_key *k, time_t from,
			time_t now, struct pub_timeline *t, bool *done, struct ms_buf *err)
{
	struct pub_history_figures *split, *blocks;
	time_t at[PUB_HISTORY_SPANS_AT], cursor = from;
	size_t n_split, n_blocks, i = 0, j = 0;
	bool ok = true;

	*done = false;
	memset(t, 0, sizeof(*t));
	t->from = from;
	t->to = now;
	window_starts(now, at);
	if (!pub_store_history_blocks(st, k, from, now, at, &split, &n_split, &blocks, &n_blocks,
				      err))
		return false;
	for (size_t b = 0; b < n_blocks; b++)
		if (blocks[b].covered_s != (long long)(blocks[b].end - blocks[b].start))
			goto out;
	*done = true;
	/* the two lists, merged by start (they do not overlap) */
	while (ok && (i < n_split || j < n_blocks)) {
		bool is_block = i == n_split || (j < n_blocks && blocks[j].start < split[i].start);
		const struct pub_history_figures *d = is_block ? &blocks[j++] : &split[i++];
		struct pub_uptime u = { d->outage_s, d->degraded_s, d->maintenance_s,
					d->unknown_s, 0, 0 };
		if (cursor < d->start && !d->first)
			ok = read_gap(st, k, t, cursor, d->start, now, err);
		if (ok && is_block)
			pub_timeline_add_day(t, d->start, d->end, &u);
		else if (ok)
			ok = split_day(st, k, t, d, now, err);
		cursor = d->end;
	}
	if (ok && cursor < now)
		ok = read_gap(st, k, t, cursor, now, now, err);
out:
	pub_history_figures_free(split, n_split);
	pub_history_figures_free(blocks, n_blocks);
	return ok;
}

/*
 * The figures of k from its record since `from` (0: all, which the
 * cluster's month-by-month table needs), its days from a copy of bounds
 * when it has a strip (bounds not NULL); the timeline is kept in *keep
 * when asked.
 */
static bool load_figures(struct pub_store *st, const struct pub_history_key *k, time_t from,
			 time_t now, const struct pub_day *bounds, struct pub_figures *f,
			 struct pub_timeline *keep, struct ms_buf *err)
{
	struct pub_timeline t;
	bool done = false;

	/* a member has no strip: its windows from blocks of days */
	if (bounds == NULL && keep == NULL && !load_blocks(st, k, from, now, &t, &done, err)) {
		pub_timeline_free(&t);
		return false;
	}
	if (!done && !load_timeline(st, k, from, now, &t, err)) {
		pub_timeline_free(&t);
		return false;
	}
	for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++)
		pub_timeline_count(&t, now - pub_uptime_windows[w].seconds, now, &f->windows[w]);
	if (bounds != NULL) {
		f->days = ms_xmalloc(PUB_STRIP_DAYS * sizeof(*f->days));
		memcpy(f->days, bounds, PUB_STRIP_DAYS * sizeof(*f->days));
		pub_timeline_count_days(&t, f->days, PUB_STRIP_DAYS);
	}
	if (keep != NULL)
		*keep = t;
	else
		pub_timeline_free(&t);
	return true;
}

static bool load_component(struct pub_store *st, const char *cluster,
			   struct pub_board_component *bc, time_t now, const struct pub_day *bounds,
			   struct ms_buf *err)
{
	const struct pub_component *co = bc->conf;
	struct pub_history_key k = { cluster, co->slug, NULL };
	struct ms_buf obj = MS_BUF_INIT;
	time_t from = history_from(now);
	bool ok = load_figures(st, &k, from, now, bounds, &bc->fig, NULL, err);

	for (size_t m = 0; ok && m < co->n_members; m++) {
		pub_member_object(&co->members[m], &obj);
		k.object = obj.data;
		ok = load_figures(st, &k, from, now, NULL, &bc->members[m].fig, NULL, err);
	}
	ms_buf_free(&obj);
	return ok;
}

bool pub_board_load_uptime(struct pub_board *b, struct pub_store *st, time_t now,
			   bool clusters_only, struct ms_buf *err)
{
	static const time_t no_spans[PUB_HISTORY_SPANS_AT];
	struct pub_day bounds[PUB_STRIP_DAYS];
	bool ok = true;

	/* the days are the same for every strip: cut once */
	pub_uptime_day_bounds(now, bounds, PUB_STRIP_DAYS);
	for (size_t i = 0; ok && i < b->n_clusters; i++) {
		struct pub_board_cluster *bcl = &b->clusters[i];
		struct pub_history_key k = { bcl->conf->slug, NULL, NULL };

		ok = load_figures(st, &k, 0, now, bounds, &bcl->fig, &bcl->timeline, err) &&
		     pub_store_history_figures(st, &k, PUB_HISTORY_MONTH, 0, now, no_spans,
					       &bcl->months, &bcl->n_months, err);
		for (size_t j = 0; ok && !clusters_only && j < bcl->conf->n_components; j++)
			ok = load_component(st, bcl->conf->slug, &bcl->components[j], now, bounds,
					    err);
	}
	return ok;
}
