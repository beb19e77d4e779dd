/*
 * site_posts: posts/<ID>.html, one page per post: the page a feed item
 * links to. It names its cluster and incident and links back.
 */
#include "config.h"

#include <stdlib.h>

#include "site.h"
#include "site_time.h"

static void render_post(struct pub_site *s, struct pub_page *pg, const struct pub_post *p)
{
	struct ms_buf b = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];
	xmlNodePtr meta, body, nav;

	pub_el(pg->main, "h1", NULL, p->title);
	meta = pub_el(pg->main, "p", "meta", pub_site_when(s, when, p->published_at, false));
	pub_text(meta, " \xC2\xB7 ");
	pub_text(meta, pub_site_cluster_name(s, p->cluster));
	pub_text(meta, " \xC2\xB7 by ");
	pub_text(meta, p->author);
	if (p->updated_at > p->published_at) {
		pub_text(meta, " \xC2\xB7 edited ");
		pub_text(meta, pub_site_when(s, when, p->updated_at, false));
	}
	body = pub_el(pg->main, "div", "post-body", NULL);
	pub_fragment(body, p->body_html);
	nav = pub_el(pg->main, "ul", "back", NULL);
	if (p->incident > 0) {
		pub_site_incident_path(&b, p->incident);
		ms_buf_printf(&b, "#post-%ld", p->id);
		pub_link(pg, pub_el(nav, "li", NULL, NULL), b.data,
			 "Every update of this incident");
	}
	pub_link(pg, pub_el(nav, "li", NULL, NULL), "index.html", "Current status");
	pub_link(pg, pub_el(nav, "li", NULL, NULL), "history.html", "Incident history");
	ms_buf_free(&b);
}

bool pub_site_posts(struct pub_site *s, struct ms_buf *err)
{
	struct pub_post *posts = NULL;
	size_t n = 0;
	struct ms_buf path = MS_BUF_INIT;
	bool ok = pub_store_posts(s->st, s->slugs, s->n_slugs, 0, &posts, &n, err);

	for (size_t i = 0; ok && i < n; i++) {
		struct pub_page pg;

		pub_site_page(s, &pg, posts[i].title, "../");
		render_post(s, &pg, &posts[i]);
		pub_site_post_path(&path, posts[i].id);
		ok = pub_site_finish(s, &pg, path.data, err);
	}
	pub_posts_free(posts, n);
	ms_buf_free(&path);
	return ok;
}
