/*
 * history_figures: closed days and months counted once. See
 * history_figures.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_figures.h"
#include "site_time.h"
#include "xalloc.h"

/* The meta key of the zone the kept days were cut in. */
#define META_HISTORY_ZONE "history_zone"

/* Spans as they are read, in a growing array. */
struct span_list {
	struct pub_span *spans;
	size_t n, cap;
	time_t now;
};

static void add_span(const char *state, time_t start, time_t end, void *arg)
{
	struct span_list *l = arg;

	ms_xgrow(&l->spans, &l->cap, l->n + 1, sizeof(*l->spans));
	l->spans[l->n].kind = pub_time_kind_of(state);
	l->spans[l->n].start = start;
	/* the open interval lasts until now */
	l->spans[l->n++].end = end > 0 ? end : l->now;
}

/*
 * The store's intervals of k that end after from and start before to as
 * spans (uptime.h), the open one until now; *spans is never NULL.
 */
static bool read_spans(struct pub_store *st, const struct pub_history_key *k, time_t from,
		       time_t to, time_t now, struct pub_span **spans, size_t *n,
		       struct ms_buf *err)
{
	struct span_list l = { NULL, 0, 0, now };

	if (!pub_store_history_each(st, k, from, to, add_span, &l, err)) {
		free(l.spans);
		return false;
	}
	*spans = l.spans != NULL ? l.spans : ms_xcalloc(1, sizeof(**spans));
	*n = l.n;
	return true;
}

#define SPAN_BYTES 9

static void put_u32(struct ms_buf *out, unsigned long v)
{
	for (int shift = 24; shift >= 0; shift -= 8)
		ms_buf_putc(out, (char)((v >> shift) & 0xff));
}

static unsigned long get_u32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | (unsigned long)p[3];
}

void pub_history_spans_encode(const struct pub_span *spans, size_t n, time_t day,
			      time_t day_end, struct ms_buf *out)
{
	for (size_t i = 0; i < n && spans[i].start < day_end; i++) {
		time_t s = spans[i].start > day ? spans[i].start : day;
		time_t e = spans[i].end < day_end ? spans[i].end : day_end;
		if (e <= s)
			continue;
		ms_buf_putc(out, (char)spans[i].kind);
		put_u32(out, (unsigned long)(s - day));
		put_u32(out, (unsigned long)(e - day));
	}
}

bool pub_history_spans_decode(const unsigned char *bytes, size_t len, time_t day,
			      time_t day_end, void (*fn)(const struct pub_span *, void *),
			      void *arg)
{
	unsigned long length = (unsigned long)(day_end - day);

	if (len % SPAN_BYTES != 0 || day_end <= day)
		return false;
	/* all checked first: a damaged row gives nothing, not half of it */
	for (size_t at = 0; at < len; at += SPAN_BYTES) {
		unsigned long s = get_u32(bytes + at + 1), e = get_u32(bytes + at + 5);
		if (bytes[at] > PUB_TIME_UNKNOWN || s >= e || e > length)
			return false;
	}
	for (size_t at = 0; at < len; at += SPAN_BYTES) {
		struct pub_span sp = { (enum pub_time_kind)bytes[at],
				       day + (time_t)get_u32(bytes + at + 1),
				       day + (time_t)get_u32(bytes + at + 5) };
		fn(&sp, arg);
	}
	return true;
}

static void figures_of(struct pub_history_figures *f, time_t start, time_t end,
		       const struct pub_uptime *u)
{
	f->start = start;
	f->end = end;
	f->outage_s = u->outage_s;
	f->degraded_s = u->degraded_s;
	f->maintenance_s = u->maintenance_s;
	f->unknown_s = u->unknown_s;
	f->first = false;
	f->spans = NULL;
	f->spans_len = 0;
}

/*
 * The days of k from the end of its last counted one (or the day its
 * record begins) to today, each counted and kept.
 */
static bool close_days(struct pub_store *st, const struct pub_history_key *k, time_t today,
		       time_t now, struct ms_buf *err)
{
	struct pub_span *spans;
	struct ms_buf bytes = MS_BUF_INIT;
	size_t n, first = 0;
	time_t from, begins, begins_day = 0;
	bool ok = true;

	if (!pub_store_history_figures_end(st, k, PUB_HISTORY_DAY, &from, err))
		return false;
	if (from == 0) {
		if (!pub_store_history_first(st, k, &begins, err))
			return false;
		if (begins == 0)
			return true;	/* nothing recorded */
		from = begins_day = pub_day_start(begins);
	}
	/* a day kept from another zone ends off this one's midnights: begin at the next */
	if (pub_day_start(from) != from)
		from = pub_day_after(pub_day_start(from));
	if (from >= today)
		return true;
	if (!read_spans(st, k, from, today, now, &spans, &n, err))
		return false;
	for (time_t day = from, next; ok && day < today; day = next) {
		struct pub_history_figures f;
		struct pub_uptime u;

		next = pub_day_after(day);
		/* the spans before `first` end by this day: they count in no later one */
		while (first < n && spans[first].end <= day)
			first++;
		pub_uptime_count(spans + first, n - first, day, next, &u);
		figures_of(&f, day, next, &u);
		f.first = day == begins_day;
		ms_buf_reset(&bytes);
		pub_history_spans_encode(spans + first, n - first, day, next, &bytes);
		f.spans = (unsigned char *)bytes.data;
		f.spans_len = bytes.len;
		ok = pub_store_history_figures_add(st, k, PUB_HISTORY_DAY, &f, err);
	}
	ms_buf_free(&bytes);
	free(spans);
	return ok;
}

/* A month, [start, end), summed from the days kept of it; days not kept are unknown. */
static void sum_month(const struct pub_history_figures *days, size_t n, time_t start,
		      time_t end, struct pub_history_figures *f)
{
	long long kept = 0;

	memset(f, 0, sizeof(*f));
	f->start = start;
	f->end = end;
	for (size_t i = 0; i < n; i++) {
		if (days[i].start < start || days[i].end > end)
			continue;
		kept += (long long)(days[i].end - days[i].start);
		f->outage_s += days[i].outage_s;
		f->degraded_s += days[i].degraded_s;
		f->maintenance_s += days[i].maintenance_s;
		f->unknown_s += days[i].unknown_s;
	}
	f->unknown_s += (long long)(end - start) - kept;
}

/* A cluster's months that ended since its last kept one, summed from its days. */
static bool close_months(struct pub_store *st, const struct pub_history_key *k, time_t today,
			 struct ms_buf *err)
{
	struct pub_history_figures *days;
	size_t n;
	time_t from;
	bool ok = true;

	static const time_t no_spans[PUB_HISTORY_SPANS_AT];

	if (!pub_store_history_figures_end(st, k, PUB_HISTORY_MONTH, &from, err) ||
	    !pub_store_history_figures(st, k, PUB_HISTORY_DAY, from, today, no_spans, &days, &n,
				       err))
		return false;
	if (n > 0 && from == 0)
		from = pub_month_start(days[0].start, 0);
	/* a month kept from another zone ends off this one's: begin at the next */
	if (from != 0 && pub_month_start(from, 0) != from)
		from = pub_month_start(from, 1);
	for (time_t month = from, next; ok && n > 0 &&
	     (next = pub_month_start(month, 1)) <= today; month = next) {
		struct pub_history_figures f;
		sum_month(days, n, month, next, &f);
		ok = pub_store_history_figures_add(st, k, PUB_HISTORY_MONTH, &f, err);
	}
	pub_history_figures_free(days, n);
	return ok;
}

/*
 * Days cut in another zone than the site's are forgotten, and months,
 * but those older than the retention (their intervals may be gone).
 */
static bool check_zone(const struct pub_config *cfg, struct pub_store *st, time_t now,
		       struct ms_buf *err)
{
	const char *zone = cfg->timezone != NULL ? cfg->timezone : PUB_DEFAULT_TIMEZONE;
	char *kept = NULL;
	bool ok;

	if (!pub_store_meta_get(st, META_HISTORY_ZONE, &kept, err))
		return false;
	ok = kept != NULL && strcmp(kept, zone) == 0;
	/* what is older than the retention cannot be cut again: it stays (the reader leaves it out) */
	if (!ok)
		ok = (kept == NULL || pub_history_recount(cfg, st, now, err)) &&
		     pub_store_meta_set(st, META_HISTORY_ZONE, zone, err);
	free(kept);
	return ok;
}

bool pub_history_kept_usable(const struct pub_config *cfg, struct pub_store *st, time_t now,
			     struct pub_history_kept *kept, struct ms_buf *err)
{
	const char *zone = cfg->timezone != NULL ? cfg->timezone : PUB_DEFAULT_TIMEZONE;
	char *cut_in = NULL;

	if (!pub_store_meta_get(st, META_HISTORY_ZONE, &cut_in, err))
		return false;
	/* none kept yet when no zone is recorded */
	kept->use = cut_in != NULL && strcmp(cut_in, zone) == 0;
	kept->horizon = now - cfg->history_days * 86400L;
	free(cut_in);
	return true;
}

static bool close_component(const struct pub_cluster *cl, const struct pub_component *co,
			    struct pub_store *st, time_t today, time_t now, struct ms_buf *err)
{
	struct pub_history_key k = { cl->slug, co->slug, NULL };
	struct ms_buf obj = MS_BUF_INIT;
	bool ok = close_days(st, &k, today, now, err);

	for (size_t m = 0; ok && m < co->n_members; m++) {
		pub_member_object(&co->members[m], &obj);
		k.object = obj.data;
		ok = close_days(st, &k, today, now, err);
	}
	ms_buf_free(&obj);
	return ok;
}

/* Until when every key's days were counted (0: not known). */
static bool counted_until(struct pub_store *st, time_t *until, struct ms_buf *err)
{
	char *v = NULL;

	if (!pub_store_meta_get(st, PUB_META_HISTORY_COUNTED, &v, err))
		return false;
	*until = v != NULL ? (time_t)strtoll(v, NULL, 10) : 0;
	free(v);
	return true;
}

/* The time before which the days' figures go: the retention's, but not this month or the last. */
static time_t days_horizon(time_t horizon, time_t now)
{
	time_t last_month = pub_month_start(now, -1);

	return horizon < last_month ? horizon : last_month;
}

static bool count(const struct pub_config *cfg, struct pub_store *st, time_t now,
		  bool *counted_today, struct ms_buf *err);

bool pub_history_keep(const struct pub_config *cfg, struct pub_store *st, time_t now,
		      struct ms_buf *err)
{
	time_t horizon = now - cfg->history_days * 86400L;
	char *saved;
	bool ok, counted_today = false;

	/*
	 * After the counting: what is pruned now was counted first. A day
	 * stays while the month it is in may still be summed (the month
	 * before this one), however short the retention.
	 */
	ok = count(cfg, st, now, &counted_today, err);
	pub_timezone_use(cfg->timezone, &saved);
	/* the days' figures once a day, when a day was counted: they have no index by end */
	ok = ok && pub_store_history_prune(st, horizon, err) &&
	     (!counted_today || pub_store_history_figures_prune(st, days_horizon(horizon, now),
								 err));
	pub_timezone_restore(saved);
	return ok;
}

bool pub_history_count(const struct pub_config *cfg, struct pub_store *st, time_t now,
		       struct ms_buf *err)
{
	bool counted_today;

	return count(cfg, st, now, &counted_today, err);
}

/* pub_history_count; *counted_today: whether this call counted (the first of a day). */
static bool count(const struct pub_config *cfg, struct pub_store *st, time_t now,
		  bool *counted_today, struct ms_buf *err)
{
	time_t today, counted;
	char *saved, day[32];
	bool ok;

	pub_timezone_use(cfg->timezone, &saved);
	today = pub_day_start(now);
	ok = check_zone(cfg, st, now, err) && counted_until(st, &counted, err);
	/* each minute's run but the first of a day has nothing to count */
	for (size_t i = 0; ok && counted != today && i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		struct pub_history_key k = { cl->slug, NULL, NULL };

		ok = close_days(st, &k, today, now, err) && close_months(st, &k, today, err);
		for (size_t j = 0; ok && j < cl->n_components; j++)
			ok = close_component(cl, &cl->components[j], st, today, now, err);
	}
	*counted_today = ok && counted != today;
	if (*counted_today) {
		snprintf(day, sizeof(day), "%lld", (long long)today);
		ok = pub_store_meta_set(st, PUB_META_HISTORY_COUNTED, day, err);
	}
	pub_timezone_restore(saved);
	return ok;
}

bool pub_history_recount(const struct pub_config *cfg, struct pub_store *st, time_t now,
			 struct ms_buf *err)
{
	time_t horizon = now - cfg->history_days * 86400L;

	/* days older than the retention may have lost their intervals: kept as counted */
	return pub_store_history_figures_forget(st, horizon, horizon, err);
}
