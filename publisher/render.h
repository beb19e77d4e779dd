/*
 * render: the output tree, from the store alone.
 *
 *   feeds/<cluster-slug>.rss           one per cluster
 *   feeds/service/<service-slug>.rss   one per service (all its clusters)
 *
 * Rendering reads only the store and the config, so it can be redone at
 * any time (an operator's post, a run whose render failed) and gives the
 * same bytes for the same store: unchanged files are not rewritten.
 * Later renderers (Atom, JSON, HTML pages) take the same pub_feed.
 */
#ifndef PUB_RENDER_H
#define PUB_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "store.h"

/* The store's meta key telling since when the monitoring data is stale. */
#define PUB_META_STALE_SINCE "stale_since"

/* Renders every feed; *changed counts the files replaced. */
bool pub_render_all(const struct pub_config *cfg, struct pub_store *st,
		    size_t *changed, struct ms_buf *err);

#endif
