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

/* What every read of one board's figures shares. */
struct reader {
	struct pub_store *st;
	time_t now;
	struct pub_history_kept kept;	/* what of the kept figures may be taken */
	time_t at[PUB_HISTORY_SPANS_AT];	/* where the windows start */
	struct ms_buf *err;
};

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

/* Is a window's start inside the day, which is then not whole? */
static bool starts_inside(const struct reader *r, const struct pub_history_figures *d)
{
	for (size_t w = 0; w < PUB_HISTORY_SPANS_AT; w++)
		if (r->at[w] > d->start && r->at[w] < d->end)
			return true;
	return false;
}

/* The store's intervals of k in [start, end) into t's last gap. */
static bool read_intervals(const struct reader *r, const struct pub_history_key *k,
			   struct pub_timeline *t, time_t start, time_t end)
{
	struct gap_reader g = { t, r->now };

	return pub_store_history_each(r->st, k, start, end, add_gap_span, &g, r->err);
}

/* A gap [start, end) of t, and the store's intervals in it. */
static bool read_gap(const struct reader *r, const struct pub_history_key *k,
		     struct pub_timeline *t, time_t start, time_t end)
{
	pub_timeline_add_gap(t, start, end);
	return read_intervals(r, k, t, start, end);
}

static void add_kept_span(const struct pub_span *sp, void *arg)
{
	pub_timeline_add_span(arg, sp->kind, sp->start, sp->end);
}

/*
 * A counted day a window starts in, as a gap: its intervals as the
 * store kept them with it, else (an older row, a damaged one) read.
 */
static bool split_day(const struct reader *r, const struct pub_history_key *k,
		      struct pub_timeline *t, const struct pub_history_figures *d)
{
	pub_timeline_add_gap(t, d->start, d->end);
	if (d->spans != NULL &&
	    pub_history_spans_decode(d->spans, d->spans_len, d->start, d->end, add_kept_span, t))
		return true;
	return read_intervals(r, k, t, d->start, d->end);
}

/* A kept day as the timeline takes it: whole, split, or (older than the retention) read. */
static bool add_kept_day(const struct reader *r, const struct pub_history_key *k,
			 struct pub_timeline *t, const struct pub_history_figures *d)
{
	struct pub_uptime u = { d->outage_s, d->degraded_s, d->maintenance_s, d->unknown_s, 0, 0 };

	if (d->start < r->kept.horizon)
		return read_gap(r, k, t, d->start, d->end);
	if (starts_inside(r, d))
		return split_day(r, k, t, d);
	pub_timeline_add_day(t, d->start, d->end, &u);
	return true;
}

static void timeline_begin(const struct reader *r, struct pub_timeline *t, time_t from)
{
	memset(t, 0, sizeof(*t));
	t->from = from;
	t->to = r->now;
}

/*
 * k's record from `from` to now: the days the store counted (those a
 * window starts in as their intervals), and the intervals of the time
 * between them (none before the day the record begins in).
 */
static bool load_timeline(const struct reader *r, const struct pub_history_key *k, time_t from,
			  struct pub_timeline *t)
{
	struct pub_history_figures *days = NULL;
	time_t cursor = from;
	size_t n = 0;
	bool ok = true;

	timeline_begin(r, t, from);
	if (r->kept.use && !pub_store_history_figures(r->st, k, PUB_HISTORY_DAY, from, r->now,
						      r->at, &days, &n, r->err))
		return false;
	for (size_t i = 0; ok && i < n; i++) {
		const struct pub_history_figures *d = &days[i];
		if (d->start < cursor)
			continue;
		if (cursor < d->start && !d->first)
			ok = read_gap(r, k, t, cursor, d->start);
		ok = ok && add_kept_day(r, k, t, d);
		cursor = d->end;
	}
	if (ok && cursor < r->now)
		ok = read_gap(r, k, t, cursor, r->now);
	pub_history_figures_free(days, n);
	return ok;
}

/*
 * The figures of k from its record since `from` (0: all, which the
 * cluster's month-by-month table needs), its days from a copy of bounds
 * when it has a strip (bounds not NULL); the timeline is kept in *keep
 * when asked.
 */
static bool load_figures(const struct reader *r, const struct pub_history_key *k, time_t from,
			 const struct pub_day *bounds, struct pub_figures *f,
			 struct pub_timeline *keep)
{
	struct pub_timeline t;

	if (!load_timeline(r, k, from, &t)) {
		pub_timeline_free(&t);
		return false;
	}
	for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++)
		pub_timeline_count(&t, r->now - pub_uptime_windows[w].seconds, r->now,
				   &f->windows[w]);
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

static bool load_component(const struct reader *r, const char *cluster,
			   struct pub_board_component *bc, const struct pub_day *bounds)
{
	const struct pub_component *co = bc->conf;
	struct pub_history_key k = { cluster, co->slug, NULL };
	struct ms_buf obj = MS_BUF_INIT;
	time_t from = history_from(r->now);
	bool ok = load_figures(r, &k, from, bounds, &bc->fig, NULL);

	for (size_t m = 0; ok && m < co->n_members; m++) {
		pub_member_object(&co->members[m], &obj);
		k.object = obj.data;
		ok = load_figures(r, &k, from, NULL, &bc->members[m].fig, NULL);
	}
	ms_buf_free(&obj);
	return ok;
}

/* A cluster's months as kept (none when they may not be taken). */
static bool load_months(const struct reader *r, const struct pub_history_key *k,
			struct pub_board_cluster *bcl)
{
	static const time_t no_spans[PUB_HISTORY_SPANS_AT];

	return !r->kept.use ||
	       pub_store_history_figures(r->st, k, PUB_HISTORY_MONTH, 0, r->now, no_spans,
					 &bcl->months, &bcl->n_months, r->err);
}

bool pub_board_load_uptime(struct pub_board *b, struct pub_store *st,
			   const struct pub_config *cfg, time_t now, bool clusters_only,
			   struct ms_buf *err)
{
	struct reader r = { st, now, { false, 0 }, { 0 }, err };
	struct pub_day bounds[PUB_STRIP_DAYS];
	bool ok = pub_history_kept_usable(cfg, st, now, &r.kept, err);

	for (size_t w = 0; w < PUB_HISTORY_SPANS_AT; w++)
		r.at[w] = w < PUB_UPTIME_WINDOWS ? now - pub_uptime_windows[w].seconds : 0;
	/* the days are the same for every strip: cut once */
	pub_uptime_day_bounds(now, bounds, PUB_STRIP_DAYS);
	for (size_t i = 0; ok && i < b->n_clusters; i++) {
		struct pub_board_cluster *bcl = &b->clusters[i];
		struct pub_history_key k = { bcl->conf->slug, NULL, NULL };

		ok = load_figures(&r, &k, 0, bounds, &bcl->fig, &bcl->timeline) &&
		     load_months(&r, &k, bcl);
		for (size_t j = 0; ok && !clusters_only && j < bcl->conf->n_components; j++)
			ok = load_component(&r, bcl->conf->slug, &bcl->components[j], bounds);
	}
	return ok;
}
