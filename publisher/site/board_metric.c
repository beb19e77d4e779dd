/*
 * board_metric: the components' response-time strips, from the store's
 * samples by the rules of metric.h. See board.h.
 *
 * The samples of one metric at a time are read into one array (a week
 * at most, 10,080) and made into the figures and the chart's buckets of
 * each window; only those are kept, so a board of many strips holds a
 * few kilobytes of each.
 */
#include "config.h"

#include <stdlib.h>

#include "board.h"
#include "xalloc.h"

/* The windows in minutes: 24 hours and the 7 days the store keeps. */
static const long window_minutes[2] = { 24 * 60L, PUB_METRIC_MINUTES };

static void make_window(struct pub_board_metric_window *w, const struct pub_metric_samples *kept,
			size_t n, time_t now, long minutes, double *scratch)
{
	size_t first = 0;

	/*
	 * Whole minutes, as the samples are: the window is the `minutes`
	 * that end with the run's.
	 */
	w->to = (now / 60 + 1) * 60;
	w->from = w->to - minutes * 60;
	while (first < n && kept->samples[first].at < w->from)
		first++;
	pub_metric_figures_of(kept->samples + first, n - first, scratch, &w->fig);
	w->buckets = ms_xmalloc(PUB_METRIC_POINTS * sizeof(*w->buckets));
	w->n_buckets = pub_metric_buckets(kept->samples + first, n - first, w->from, w->to,
					  PUB_METRIC_POINTS, scratch, w->buckets);
}

/* Reused from metric to metric: the samples read, room for a week of values. */
struct metric_scratch {
	struct pub_metric_samples kept;
	double *values;
	size_t cap;
	struct ms_buf obj;
};

static bool load_metric(struct pub_store *st, const char *cluster,
			struct pub_board_component *bc, time_t now, struct metric_scratch *x,
			struct ms_buf *err)
{
	const struct pub_component *co = bc->conf;
	struct pub_board_metric *m = ms_xcalloc(1, sizeof(*m));
	struct pub_metric_key k;
	size_t n;

	bc->metric = m;
	m->member = &co->members[co->metric_member];
	m->label = co->metric_label;
	pub_member_object(m->member, &x->obj);
	k = (struct pub_metric_key){ cluster, co->slug, x->obj.data, co->metric_label };
	if (!pub_store_metric_samples(st, &k, (now / 60 - PUB_METRIC_MINUTES + 1) * 60, &x->kept,
				      err))
		return false;
	m->unit = x->kept.unit ? ms_xstrdup(x->kept.unit) : NULL;
	m->newest = x->kept.newest;
	for (n = x->kept.n; n > 0 && x->kept.samples[n - 1].at / 60 > now / 60; n--)
		;	/* a check after the run's minute: not in its windows */
	if (n > x->cap)
		ms_xgrow(&x->values, &x->cap, n, sizeof(*x->values));
	for (size_t w = 0; w < 2; w++)
		make_window(&m->windows[w], &x->kept, n, now, window_minutes[w], x->values);
	return true;
}

bool pub_board_load_metrics(struct pub_board *b, struct pub_store *st, time_t now,
			    struct ms_buf *err)
{
	struct metric_scratch x = { .obj = MS_BUF_INIT };
	bool ok = true;

	for (size_t i = 0; ok && i < b->n_clusters; i++) {
		struct pub_board_cluster *bcl = &b->clusters[i];
		for (size_t j = 0; ok && j < bcl->conf->n_components; j++)
			if (bcl->conf->components[j].metric_label != NULL)
				ok = load_metric(st, bcl->conf->slug, &bcl->components[j], now,
						 &x, err);
	}
	pub_metric_samples_free(&x.kept);
	free(x.values);
	ms_buf_free(&x.obj);
	return ok;
}

void pub_board_metric_free(struct pub_board_metric *m)
{
	if (m == NULL)
		return;
	for (size_t w = 0; w < 2; w++)
		free(m->windows[w].buckets);
	free(m->unit);
	free(m);
}
