/*
 * board_metric: the components' response-time strips, from the store's
 * samples by the rules of metric.h. See board.h.
 */
#include "config.h"

#include <stdlib.h>

#include "board.h"
#include "xalloc.h"

#define DAY_MINUTES (24 * 60L)

static bool load_metric(struct pub_store *st, const char *cluster,
			struct pub_board_component *bc, time_t now, struct ms_buf *obj,
			struct ms_buf *err)
{
	const struct pub_component *co = bc->conf;
	struct pub_board_metric *m = ms_xcalloc(1, sizeof(*m));
	struct pub_metric_key k;

	bc->metric = m;
	m->member = &co->members[co->metric_member];
	m->label = co->metric_label;
	pub_member_object(m->member, obj);
	k = (struct pub_metric_key){ cluster, co->slug, obj->data, co->metric_label };
	/*
	 * The windows are whole minutes, as the samples are: 7 days are the
	 * 10,080 minutes that end with the run's (the week the store keeps),
	 * 24 hours the last 1,440 of them.
	 */
	time_t minute = now / 60;
	if (!pub_store_metric_samples(st, &k, (minute - PUB_METRIC_MINUTES + 1) * 60, &m->samples,
				      &m->n, &m->unit, err))
		return false;
	while (m->n > 0 && m->samples[m->n - 1].at > now)
		m->n--;		/* a check after the run's time: not in its windows */
	while (m->day_first < m->n && m->samples[m->day_first].at / 60 <= minute - DAY_MINUTES)
		m->day_first++;
	pub_metric_figures_of(m->samples, m->n, &m->week);
	pub_metric_figures_of(m->samples + m->day_first, m->n - m->day_first, &m->day);
	return true;
}

bool pub_board_load_metrics(struct pub_board *b, struct pub_store *st, time_t now,
			    struct ms_buf *err)
{
	struct ms_buf obj = MS_BUF_INIT;
	bool ok = true;

	for (size_t i = 0; ok && i < b->n_clusters; i++) {
		struct pub_board_cluster *bcl = &b->clusters[i];
		for (size_t j = 0; ok && j < bcl->conf->n_components; j++)
			if (bcl->conf->components[j].metric_label != NULL)
				ok = load_metric(st, bcl->conf->slug, &bcl->components[j], now,
						 &obj, err);
	}
	ms_buf_free(&obj);
	return ok;
}

void pub_board_metric_free(struct pub_board_metric *m)
{
	if (m == NULL)
		return;
	free(m->samples);
	free(m->unit);
	free(m);
}
