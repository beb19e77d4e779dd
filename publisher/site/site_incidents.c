/*
 * site_incidents: incidents/<N>.html (an incident with every update in
 * time order, "[16:57] ...", as the seed's posts read) and history.html
 * (resolved incidents by month, with how long each lasted).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "site_time.h"

/* "Resolved after 2 hours 13 minutes (opened 31 Aug 2010 16:57 UTC)." */
void pub_site_incident_status(const struct pub_site *s, const struct pub_incident *inc,
			      struct ms_buf *b)
{
	char opened[PUB_WHEN_MAX], resolved[PUB_WHEN_MAX];

	ms_buf_reset(b);
	pub_site_when(s, opened, inc->opened_at, false);
	if (inc->resolved_at == 0) {
		ms_buf_printf(b, "Open since %s.", opened);
		return;
	}
	ms_buf_puts(b, "Resolved after ");
	pub_duration_exact(b, inc->resolved_at - inc->opened_at);
	ms_buf_printf(b, ": opened %s, resolved %s.", opened,
		      pub_site_when(s, resolved, inc->resolved_at, false));
}

static void render_update(struct pub_site *s, struct pub_page *pg, xmlNodePtr list,
			  const struct pub_post *p)
{
	struct ms_buf id = MS_BUF_INIT, path = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];
	xmlNodePtr li = pub_el(list, "li", "update", NULL), h;

	ms_buf_printf(&id, "post-%ld", p->id);
	pub_attr(li, "id", id.data);
	h = pub_el(li, "h2", NULL, NULL);
	pub_el(h, "span", "time", pub_site_when(s, when, p->published_at, false));
	pub_text(h, " ");
	pub_site_post_path(&path, p->id);
	pub_link(pg, h, path.data, p->title);
	pub_fragment(pub_el(li, "div", "post-body", NULL), p->body_html);
	ms_buf_free(&id);
	ms_buf_free(&path);
}

static bool render_incident(struct pub_site *s, const struct pub_incident *inc,
			    struct ms_buf *err)
{
	struct pub_post *posts = NULL;
	size_t n = 0;
	struct pub_page pg;
	struct ms_buf b = MS_BUF_INIT;
	xmlNodePtr h, list, nav;
	bool ok;

	if (!pub_store_incident_posts(s->st, inc->number, &posts, &n, err))
		return false;
	pub_site_page(s, &pg, inc->title, "../");
	h = pub_el(pg.main, "h1", NULL, NULL);
	pub_state_mark(h, inc->resolved_at ? "up" : "impaired",
		       inc->resolved_at ? "Resolved" : "Open");
	pub_text(h, " ");
	pub_text(h, inc->title);
	ms_buf_printf(&b, "Incident %ld \xC2\xB7 %s", inc->number,
		      pub_site_cluster_name(s, inc->cluster));
	pub_el(pg.main, "p", "meta", b.data);
	pub_site_incident_status(s, inc, &b);
	pub_el(pg.main, "p", "incident-status", b.data);
	if (inc->began_at > 0) {
		/* the engine's word for when it began, which precedes our first post */
		char began[PUB_WHEN_MAX];
		ms_buf_reset(&b);
		ms_buf_printf(&b, "The problem began on %s.",
			      pub_site_when(s, began, inc->began_at, false));
		pub_el(pg.main, "p", "incident-began", b.data);
	}
	if (inc->resolved_at == 0)	/* "open" is as of the monitoring data */
		pub_site_as_of(s, pg.main);
	if (inc->identified_text) {
		xmlNodePtr p = pub_el(pg.main, "p", NULL, NULL);
		pub_el(p, "strong", NULL, "Identified:");
		pub_text(p, " ");
		pub_text(p, inc->identified_text);
	}
	list = pub_el(pg.main, "ol", "updates", NULL);
	pub_attr(list, "aria-label", "Updates, oldest first");
	for (size_t i = 0; i < n; i++)
		render_update(s, &pg, list, &posts[i]);
	nav = pub_el(pg.main, "ul", "back", NULL);
	pub_link(&pg, pub_el(nav, "li", NULL, NULL), "index.html", "Current status");
	pub_link(&pg, pub_el(nav, "li", NULL, NULL), "history.html", "Incident history");
	pub_site_incident_path(&b, inc->number);
	ok = pub_site_finish(s, &pg, b.data, err);
	pub_posts_free(posts, n);
	ms_buf_free(&b);
	return ok;
}

bool pub_site_incidents(struct pub_site *s, struct ms_buf *err)
{
	for (size_t i = 0; i < s->n_incidents; i++)
		if (!render_incident(s, &s->incidents[i], err))
			return false;
	return true;
}

/* Each cluster's uptime history page, with its 90-day figure. */
static void render_uptime_links(struct pub_site *s, struct pub_page *pg)
{
	struct ms_buf path = MS_BUF_INIT, words = MS_BUF_INIT;
	xmlNodePtr list;

	pub_el(pg->main, "h2", NULL, "Uptime by cluster");
	list = pub_el(pg->main, "ul", "uptime-links", NULL);
	for (size_t i = 0; i < s->board.n_clusters; i++) {
		const struct pub_board_cluster *bcl = &s->board.clusters[i];
		xmlNodePtr li = pub_el(list, "li", NULL, NULL);

		ms_buf_reset(&path);
		ms_buf_printf(&path, "history/%s.html", bcl->conf->slug);
		pub_link(pg, li, path.data, bcl->conf->name);
		ms_buf_reset(&words);
		ms_buf_puts(&words, " \xC2\xB7 ");
		pub_site_uptime_words(&words, &bcl->fig, 3);
		pub_text(li, words.data);
	}
	ms_buf_free(&path);
	ms_buf_free(&words);
}

bool pub_site_history(struct pub_site *s, struct ms_buf *err)
{
	struct pub_page pg;
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;
	char month[PUB_WHEN_MAX], shown[PUB_WHEN_MAX] = "";
	xmlNodePtr list = NULL;
	size_t resolved = 0;
	bool ok;

	pub_site_page(s, &pg, "Incident history", "");
	pub_el(pg.main, "h1", NULL, "Incident history");
	/* s->incidents is newest first: months come out newest first */
	for (size_t i = 0; i < s->n_incidents; i++) {
		const struct pub_incident *inc = &s->incidents[i];
		xmlNodePtr li;

		if (inc->resolved_at == 0)
			continue;
		resolved++;
		pub_month(month, inc->opened_at);
		if (strcmp(month, shown) != 0) {
			pub_el(pg.main, "h2", NULL, month);
			list = pub_el(pg.main, "ul", "history", NULL);
			memcpy(shown, month, sizeof(shown));
		}
		li = pub_el(list, "li", NULL, NULL);
		pub_site_incident_path(&path, inc->number);
		pub_link(&pg, pub_el(li, "h3", NULL, NULL), path.data, inc->title);
		ms_buf_reset(&b);
		ms_buf_printf(&b, "Incident %ld \xC2\xB7 %s \xC2\xB7 ", inc->number,
			      pub_site_cluster_name(s, inc->cluster));
		pub_el(li, "p", "meta", b.data);
		pub_site_incident_status(s, inc, &b);
		pub_text(li->last, b.data);
	}
	if (resolved == 0)
		pub_el(pg.main, "p", NULL, "No incidents so far.");
	render_uptime_links(s, &pg);
	ok = pub_site_finish(s, &pg, "history.html", err);
	ms_buf_free(&b);
	ms_buf_free(&path);
	return ok;
}
