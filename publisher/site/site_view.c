/*
 * site_view: a config narrowed to a view. See site_view.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site_view.h"
#include "store.h"
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

/* --- what a view no longer shows ------------------------------------- */

/* Is name "N.html" with N one of ids[] (n of them)? Names of another form are kept. */
static bool id_page_kept(const char *name, const long *ids, size_t n)
{
	char *end;
	long id = strtol(name, &end, 10);

	if (end == name || strcmp(end, ".html") != 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Is name "STEM.EXT", with EXT one of exts (NULL-ended), and STEM not a wanted one? */
static bool stem_page_kept(const char *name, const char *const *stems, size_t n,
			   const char *const *exts)
{
	const char *dot = strrchr(name, '.');
	bool ours = false;

	for (size_t i = 0; dot && exts[i]; i++)
		ours = ours || strcmp(dot, exts[i]) == 0;
	if (!ours)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strlen(stems[i]) == (size_t)(dot - name) &&
		    strncmp(name, stems[i], (size_t)(dot - name)) == 0)
			return true;
	return false;
}

struct sweep {
	const char *root;
	const long *posts, *incidents;
	size_t n_posts, n_incidents;
	const char **slugs, **services;
	size_t n_slugs, n_services;
	size_t removed;
};

/* Removes the files of dir (under root) that the view does not show. */
static bool sweep_dir(struct sweep *w, const char *dir, struct ms_buf *err)
{
	static const char *const feed_exts[] = { ".rss", ".atom", ".ics", NULL };
	static const char *const page_exts[] = { ".html", NULL };
	struct ms_buf path = MS_BUF_INIT;
	DIR *d;
	struct dirent *e;
	bool ok = true;

	ms_buf_printf(&path, "%s/%s", w->root, dir);
	if ((d = opendir(path.data)) == NULL) {
		ms_buf_free(&path);
		return true;	/* not written yet */
	}
	while (ok && (e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		bool kept = n[0] == '.' ||	/* a run's temporary files are not ours to judge */
			    (strcmp(dir, "posts") == 0 ? id_page_kept(n, w->posts, w->n_posts)
			     : strcmp(dir, "incidents") == 0
			     ? id_page_kept(n, w->incidents, w->n_incidents)
			     : strcmp(dir, "history") == 0
			     ? stem_page_kept(n, w->slugs, w->n_slugs, page_exts)
			     : strcmp(dir, "feeds") == 0
			     ? stem_page_kept(n, w->slugs, w->n_slugs, feed_exts)
			     : stem_page_kept(n, w->services, w->n_services, feed_exts));

		if (kept)
			continue;
		ms_buf_reset(&path);
		ms_buf_printf(&path, "%s/%s/%s", w->root, dir, n);
		if (unlink(path.data) == 0)
			w->removed++;
		else if (errno != ENOENT) {
			ms_buf_printf(err, "cannot remove %s, of a cluster the view no longer shows: %s",
				      path.data, strerror(errno));
			ok = false;
		}
	}
	closedir(d);
	ms_buf_free(&path);
	return ok;
}

/* The ids of the view's posts and incidents (withdrawn ones are not). */
static bool shown_ids(const struct pub_config *cfg, struct pub_store *st, struct sweep *w,
		      long **posts, long **incidents, struct ms_buf *err)
{
	struct pub_post *p = NULL;
	struct pub_incident *inc = NULL;
	size_t np = 0, ni = 0;
	bool ok = pub_store_posts(st, w->slugs, w->n_slugs, 0, &p, &np, err) &&
		  pub_store_incidents(st, &inc, &ni, err);

	*posts = ms_xcalloc(np + 1, sizeof(**posts));
	*incidents = ms_xcalloc(ni + 1, sizeof(**incidents));
	for (size_t i = 0; i < np; i++)
		(*posts)[w->n_posts++] = p[i].id;
	for (size_t i = 0; i < ni; i++) {
		if (pub_config_cluster(cfg, inc[i].cluster) != NULL)
			(*incidents)[w->n_incidents++] = inc[i].number;
		pub_incident_free(&inc[i]);
	}
	pub_posts_free(p, np);
	free(inc);
	w->posts = *posts;
	w->incidents = *incidents;
	return ok;
}

bool pub_view_sweep(const struct pub_config *cfg, struct pub_store *st, size_t *changed,
		    struct ms_buf *err)
{
	static const char *const dirs[] = { "posts", "incidents", "history", "feeds",
					    "feeds/service" };
	struct sweep w = { .root = cfg->output_dir };
	long *posts = NULL, *incidents = NULL;
	bool ok;

	w.slugs = ms_xcalloc(cfg->n_clusters + 1, sizeof(*w.slugs));
	w.services = ms_xcalloc(cfg->n_clusters + 1, sizeof(*w.services));
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		w.slugs[w.n_slugs++] = cfg->clusters[i].slug;
		w.services[w.n_services++] = cfg->clusters[i].service_slug;
	}
	ok = shown_ids(cfg, st, &w, &posts, &incidents, err);
	for (size_t i = 0; ok && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		ok = sweep_dir(&w, dirs[i], err);
	*changed += w.removed;
	free(posts);
	free(incidents);
	free(w.slugs);
	free(w.services);
	return ok;
}
