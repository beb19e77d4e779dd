/*
 * site_view: a config narrowed to a view. See site_view.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "site_view.h"
#include "xalloc.h"

void pub_view_narrow(const struct pub_config *cfg, const struct pub_view *v,
		     struct pub_config *out)
{
	*out = *cfg;
	out->title = v->title;
	out->description = v->description;	/* the main site's may name any cluster */
	out->base_url = v->base_url;
	out->output_dir = v->output_dir;
	out->stylesheet = v->css;
	out->views = NULL;
	out->n_views = 0;
	out->view = v;
	out->n_clusters = 0;
	out->clusters = ms_xcalloc(v->n_clusters + 1, sizeof(*out->clusters));
	for (size_t i = 0; i < v->n_clusters; i++) {
		const struct pub_cluster *cl = pub_config_cluster(cfg, v->clusters[i]);

		if (cl != NULL)	/* conf_view.c made sure */
			out->clusters[out->n_clusters++] = *cl;
	}
}

void pub_view_release(struct pub_config *narrowed)
{
	free(narrowed->clusters);
	narrowed->clusters = NULL;
	narrowed->n_clusters = 0;
}
