/*
 * render: the output tree, from the store alone.
 *
 *   feeds/<cluster-slug>.rss           one per cluster
 *   feeds/service/<service-slug>.rss   one per service (all its clusters)
 *   feeds/... .atom                    the same feeds as Atom 1.0
 *   the status site                    pages, status.json, CSS (site.h)
 *
 * Rendering reads only the store and the config, so it can be redone at
 * any time (an operator's post, a run whose render failed) and gives the
 * same bytes for the same store: unchanged files are not rewritten.
 * The Atom renderer takes the same pub_feed as RSS.
 */
#ifndef PUB_RENDER_H
#define PUB_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "store.h"

/* The store's meta key telling since when the monitoring data is stale. */
#define PUB_META_STALE_SINCE "stale_since"
/* When the data of the last run that could read its source was written. */
#define PUB_META_LAST_GOOD "last_good_data"

/*
 * The time the pages measure "online for 12 days" against: `run --now`
 * sets it; by default it is the clock when rendering starts.
 */
void pub_render_set_clock(time_t now);
/* That time, or the real clock's when none was set. */
time_t pub_render_clock(void);

/* Renders every feed and the site; *changed counts the files replaced. */
bool pub_render_all(const struct pub_config *cfg, struct pub_store *st,
		    size_t *changed, struct ms_buf *err);

#endif
