/*
 * site_view: a reseller's view ([view NAME] in publish.conf), a whole
 * site rendered from the same store by the same code as the main site.
 *
 * A view is the site of a config narrowed to it: the main config with
 * the view's title, description, base URL, output directory and
 * stylesheet, and only the view's clusters (in the view's order). Every
 * page, feed, calendar, status.json and count is made from cfg->clusters,
 * so what is not in the view is not there; what the store holds of other
 * clusters (posts, incidents, maintenance) is left out where it is read
 * (pub_site_shows). The main site is the first "view": the config itself.
 */
#ifndef PUB_SITE_VIEW_H
#define PUB_SITE_VIEW_H

#include <stdbool.h>

#include "conf.h"
#include "strbuf.h"

/*
 * out becomes cfg narrowed to v: a shallow copy sharing cfg's strings,
 * but for its own array of clusters; release it with pub_view_release.
 */
void pub_view_narrow(const struct pub_config *cfg, const struct pub_view *v,
		     struct pub_config *out);
void pub_view_release(struct pub_config *narrowed);

/*
 * After a view's render (narrowed: the view's config): the files of its
 * directory that belong to a cluster it no longer shows (its list was
 * changed) are removed, so no file of it names one: post and incident
 * pages not of its clusters, and history pages, feeds and calendars of
 * other clusters and services. Only names of those forms in those
 * folders are touched; *changed counts the files removed.
 */
struct pub_store;
bool pub_view_sweep(const struct pub_config *narrowed, struct pub_store *st, size_t *changed,
		    struct ms_buf *err);

#endif
