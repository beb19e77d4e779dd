/*
 * board_uptime: the uptime figures of the board, from the store's
 * history by the rules of uptime.h. See board.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "xalloc.h"

/* The oldest time a figure looks at: the longest window, or the strip's first day. */
static time_t history_from(time_t now)
{
	time_t longest = pub_uptime_windows[PUB_UPTIME_WINDOWS - 1].seconds;

	if (longest < PUB_STRIP_DAYS * 86400L)
		longest = PUB_STRIP_DAYS * 86400L;
	return now - longest - 2 * 86400L;	/* a day in any zone starts within two */
}

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

bool pub_history_spans(struct pub_store *st, const struct pub_history_key *k, time_t from,
		       time_t now, struct pub_span **spans, size_t *n, struct ms_buf *err)
{
	struct span_list l = { NULL, 0, 0, now };

	if (!pub_store_history_each(st, k, from, add_span, &l, err)) {
		free(l.spans);
		return false;
	}
	*spans = l.spans != NULL ? l.spans : ms_xcalloc(1, sizeof(**spans));
	*n = l.n;
	return true;
}

/*
 * The figures of k from its spans since `from` (0: all, which the cluster's
 * month-by-month table needs), its days from a copy of bounds when it has
 * a strip (bounds not NULL); the spans are kept in *keep when asked.
 */
static bool load_figures(struct pub_store *st, const struct pub_history_key *k, time_t from,
			 time_t now, const struct pub_day *bounds, struct pub_figures *f,
			 struct pub_span **keep, size_t *n_keep, struct ms_buf *err)
{
	struct pub_span *spans;
	size_t n;

	if (!pub_history_spans(st, k, from, now, &spans, &n, err))
		return false;
	for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++)
		pub_uptime_count(spans, n, now - pub_uptime_windows[w].seconds, now,
				 &f->windows[w]);
	if (bounds != NULL) {
		f->days = ms_xmalloc(PUB_STRIP_DAYS * sizeof(*f->days));
		memcpy(f->days, bounds, PUB_STRIP_DAYS * sizeof(*f->days));
		pub_uptime_count_days(spans, n, f->days, PUB_STRIP_DAYS);
	}
	if (keep != NULL) {
		*keep = spans;
		*n_keep = n;
	} else {
		free(spans);
	}
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
	bool ok = load_figures(st, &k, from, now, bounds, &bc->fig, NULL, NULL, err);

	for (size_t m = 0; ok && m < co->n_members; m++) {
		pub_member_object(&co->members[m], &obj);
		k.object = obj.data;
		ok = load_figures(st, &k, from, now, NULL, &bc->members[m].fig, NULL, NULL, err);
	}
	ms_buf_free(&obj);
	return ok;
}

bool pub_board_load_uptime(struct pub_board *b, struct pub_store *st, time_t now,
			   bool clusters_only, struct ms_buf *err)
{
	struct pub_day bounds[PUB_STRIP_DAYS];
	bool ok = true;

	/* the days are the same for every strip: cut once */
	pub_uptime_day_bounds(now, bounds, PUB_STRIP_DAYS);
	for (size_t i = 0; ok && i < b->n_clusters; i++) {
		struct pub_board_cluster *bcl = &b->clusters[i];
		struct pub_history_key k = { bcl->conf->slug, NULL, NULL };

		ok = load_figures(st, &k, 0, now, bounds, &bcl->fig, &bcl->spans, &bcl->n_spans,
				  err);
		for (size_t j = 0; ok && !clusters_only && j < bcl->conf->n_components; j++)
			ok = load_component(st, bcl->conf->slug, &bcl->components[j], now, bounds,
					    err);
	}
	return ok;
}
