/*
 * site_index: index.html, what customers open first when something
 * seems wrong. Top to bottom: what is going on now (stale monitoring,
 * open incidents, maintenance), the summary (one line per cluster), the
 * board (per cluster: service areas -> failover groups -> servers), the
 * legend, and the latest posts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "site_time.h"
#include "xalloc.h"

#define LATEST_POSTS 10
#define AREA_COLOURS 6	/* area-1 ... area-6 in status.css */

/* The area a component belongs to: its `area`, else its own name. */
static const char *area_of(const struct pub_component *co)
{
	return co->area ? co->area : co->name;
}

/* 1-based colour of an area: the order areas first appear in the config. */
static unsigned area_colour(const struct pub_config *cfg, const char *area)
{
	unsigned n = 0;
	struct ms_buf seen = MS_BUF_INIT;	/* areas already numbered, NUL-separated */

	for (size_t i = 0; i < cfg->n_clusters; i++)
		for (size_t j = 0; j < cfg->clusters[i].n_components; j++) {
			const char *a = area_of(&cfg->clusters[i].components[j]);
			bool known = false;
			for (size_t off = 0; off < seen.len; off += strlen(seen.data + off) + 1)
				if (strcmp(seen.data + off, a) == 0)
					known = true;
			if (known)
				continue;
			n++;
			if (strcmp(a, area) == 0) {
				ms_buf_free(&seen);
				return (n - 1) % AREA_COLOURS + 1;
			}
			ms_buf_add(&seen, a, strlen(a) + 1);
		}
	ms_buf_free(&seen);
	return 1;
}

/* "online for 12 days", "offline since 16:10 UTC", "unknown" */
static void member_detail(const struct pub_site *s, const struct pub_board_member *bm,
			  struct ms_buf *b)
{
	static const struct { const char *state, *words; } since_words[] = {
		{ "down", "offline since " },
		{ "impaired", "impaired since " },
		{ "maintenance", "in planned maintenance since " },
	};
	char when[PUB_WHEN_MAX];

	ms_buf_reset(b);
	if (strcmp(bm->state, PUB_STATE_UNKNOWN) == 0 && bm->since > 0) {
		/* recorded as unknown: pending, or its checks stopped */
		if (bm->checked_at > 0)
			ms_buf_printf(b, "not checked since %s",
				      pub_site_when(s, when, bm->checked_at, true));
		else
			ms_buf_puts(b, "not checked yet");
		return;
	}
	if (bm->since <= 0 || strcmp(bm->state, PUB_STATE_UNKNOWN) == 0) {
		ms_buf_puts(b, "state not known yet");
		return;
	}
	if (strcmp(bm->state, "up") == 0) {
		ms_buf_puts(b, "online for ");
		pub_duration_coarse(b, s->now - bm->since);
		return;
	}
	for (size_t i = 0; i < sizeof(since_words) / sizeof(since_words[0]); i++)
		if (strcmp(since_words[i].state, bm->state) == 0) {
			ms_buf_printf(b, "%s%s", since_words[i].words,
				      pub_site_when(s, when, bm->since, true));
			return;
		}
	ms_buf_printf(b, "%s since %s", bm->state, pub_site_when(s, when, bm->since, true));
}

static const char *component_words(const char *state)
{
	static const struct { const char *state, *words; } w[] = {
		{ "operational", "Operational" },
		{ "degraded", "Degraded: redundancy lost, service available" },
		{ "outage", "Outage" },
		{ "maintenance", "Planned maintenance" },
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(w[i].state, state) == 0)
			return w[i].words;
	return "Unknown";
}

static void render_component(const struct pub_site *s, xmlNodePtr parent,
			     const struct pub_board_component *bc)
{
	const struct pub_component *co = bc->conf;
	bool stale = s->board.stale_since > 0;
	struct ms_buf cls = MS_BUF_INIT, detail = MS_BUF_INIT;
	xmlNodePtr box, head, list;

	ms_buf_printf(&cls, "box box-%s", stale ? "unknown" : pub_mark_kind(bc->state));
	box = pub_el(parent, "div", cls.data, NULL);
	head = pub_el(box, "h4", NULL, NULL);
	pub_text(head, co->name);
	pub_text(head, " ");
	pub_state_mark(head, stale ? "unknown" : pub_mark_kind(bc->state),
		       stale ? "Unknown" : component_words(bc->state));
	if (!stale && co->impact && strcmp(bc->state, "operational") != 0)
		pub_el(box, "p", "impact", co->impact);
	pub_site_strip(box, co->name, &bc->fig);
	pub_site_metric(s, box, bc);
	list = pub_el(box, "ul", "members", NULL);
	for (size_t k = 0; k < co->n_members; k++) {
		const struct pub_board_member *bm = &bc->members[k];
		const char *kind = stale ? "unknown" : pub_mark_kind(bm->state);
		xmlNodePtr li;

		ms_buf_reset(&cls);
		ms_buf_printf(&cls, "member member-%s", kind);
		li = pub_el(list, "li", cls.data, NULL);
		pub_state_mark(li, kind, NULL);
		pub_el(li, "span", "name", bm->conf->public_name);
		pub_text(li, " ");
		member_detail(s, bm, &detail);
		if (stale)
			ms_buf_printf(&detail, " (last known; monitoring is stale)");
		pub_el(li, "span", "detail", detail.data);
		ms_buf_reset(&detail);
		pub_site_uptime_words(&detail, &bm->fig, 2);
		pub_el(li, "span", "uptime", detail.data);
	}
	ms_buf_free(&cls);
	ms_buf_free(&detail);
}

/* One cluster's board: its areas in config order, each with its boxes. */
static void render_cluster_board(const struct pub_site *s, xmlNodePtr parent,
				 const struct pub_board_cluster *bcl)
{
	const struct pub_cluster *cl = bcl->conf;
	struct ms_buf cls = MS_BUF_INIT, id = MS_BUF_INIT;
	xmlNodePtr sec = pub_el(parent, "div", "cluster-board", NULL);

	ms_buf_printf(&id, "board-%s", cl->slug);
	pub_attr(sec, "id", id.data);
	pub_el(sec, "h3", NULL, cl->name);
	pub_site_strip(sec, cl->name, &bcl->fig);
	sec = pub_el(sec, "div", "areas", NULL);
	for (size_t j = 0; j < cl->n_components; j++) {
		const char *area = area_of(&cl->components[j]);
		bool first = true;
		xmlNodePtr group, boxes;

		for (size_t k = 0; k < j; k++)
			if (strcmp(area_of(&cl->components[k]), area) == 0)
				first = false;
		if (!first)
			continue;
		ms_buf_reset(&cls);
		ms_buf_printf(&cls, "area area-%u", area_colour(s->cfg, area));
		group = pub_el(sec, "div", cls.data, NULL);
		pub_el(group, "p", "area-name", area);
		boxes = pub_el(group, "div", "boxes", NULL);
		for (size_t k = j; k < cl->n_components; k++)
			if (strcmp(area_of(&cl->components[k]), area) == 0)
				render_component(s, boxes, &bcl->components[k]);
	}
	ms_buf_free(&cls);
	ms_buf_free(&id);
}

static void render_stale(const struct pub_site *s, xmlNodePtr main)
{
	char when[PUB_WHEN_MAX];
	struct ms_buf b = MS_BUF_INIT;
	xmlNodePtr box = pub_el(main, "div", "notice notice-stale", NULL);

	pub_attr(box, "role", "alert");
	pub_state_mark(pub_el(box, "h2", NULL, NULL), "unknown", "Status unknown");
	ms_buf_printf(&b, "The monitoring data behind this page was last updated %s. Until it "
		      "is updated again the current status is unknown; what is shown below "
		      "is the last known state.", pub_site_when(s, when, s->board.stale_since,
								false));
	pub_el(box, "p", NULL, b.data);
	ms_buf_free(&b);
}

static void render_open_incidents(const struct pub_site *s, struct pub_page *pg)
{
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];

	for (size_t i = 0; i < s->n_incidents; i++) {
		const struct pub_incident *inc = &s->incidents[i];
		xmlNodePtr box, h, p;

		if (inc->resolved_at != 0)
			continue;
		box = pub_el(pg->main, "div", "notice notice-incident", NULL);
		h = pub_el(box, "h2", NULL, NULL);
		pub_state_mark(h, "impaired", "Open incident");
		pub_text(h, " ");
		pub_site_incident_path(&path, inc->number);
		pub_link(pg, h, path.data, inc->title);
		ms_buf_reset(&b);
		ms_buf_printf(&b, "%s, incident %ld, since %s.", pub_site_cluster_name(s, inc->cluster),
			      inc->number, pub_site_when(s, when, inc->opened_at, true));
		pub_el(box, "p", NULL, b.data);
		if (inc->identified_text) {
			p = pub_el(box, "p", NULL, NULL);
			pub_el(p, "strong", NULL, "Identified:");
			pub_text(p, " ");
			pub_text(p, inc->identified_text);
		}
	}
	ms_buf_free(&b);
	ms_buf_free(&path);
}

static bool render_maintenance(const struct pub_site *s, struct pub_page *pg,
			       struct ms_buf *err)
{
	struct pub_maintenance *m = NULL;
	size_t n = 0;
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;
	char from[PUB_WHEN_MAX], to[PUB_WHEN_MAX];

	if (!pub_store_maintenances_after(s->st, s->now, &m, &n, err))
		return false;
	for (size_t i = 0; i < n; i++) {
		bool now = m[i].starts_at <= s->now;

		if (!pub_site_shows(s, m[i].cluster)) {
			pub_maintenance_free(&m[i]);
			continue;
		}
		xmlNodePtr box = pub_el(pg->main, "div", "notice notice-maintenance", NULL);
		xmlNodePtr h = pub_el(box, "h2", NULL, NULL);

		pub_state_mark(h, "maintenance", now ? "Maintenance in progress"
			       : "Planned maintenance");
		pub_text(h, " ");
		pub_text(h, pub_site_cluster_name(s, m[i].cluster));
		ms_buf_reset(&b);
		ms_buf_printf(&b, "From %s to %s.", pub_site_when(s, from, m[i].starts_at, false),
			      pub_site_when(s, to, m[i].ends_at, false));
		pub_el(box, "p", NULL, b.data);
		pub_el(box, "p", NULL, m[i].message);
		if (m[i].post > 0) {
			pub_site_post_path(&path, m[i].post);
			pub_link(pg, pub_el(box, "p", NULL, NULL), path.data, "The announcement");
		}
		pub_maintenance_free(&m[i]);
	}
	free(m);
	ms_buf_free(&b);
	ms_buf_free(&path);
	return true;
}

/* The worst state among the components of area in one cluster. */
static const char *area_state(const struct pub_board_cluster *bcl, const char *area)
{
	static const char *const order[] = {
		"operational", "maintenance", "degraded", "outage", PUB_STATE_UNKNOWN
	};
	size_t worst = 0;

	for (size_t j = 0; j < bcl->conf->n_components; j++) {
		const char *state = bcl->components[j].state;
		size_t rank = 4;

		if (strcmp(area_of(bcl->components[j].conf), area) != 0)
			continue;
		for (size_t r = 0; r < 4; r++)
			if (strcmp(order[r], state) == 0)
				rank = r;
		if (rank > worst)
			worst = rank;
	}
	return order[worst];
}

/* "Incoming mail: Degraded  Core mail service: Operational" under a cluster */
static void render_area_summary(const struct pub_site *s, xmlNodePtr li,
				const struct pub_board_cluster *bcl)
{
	static const struct { const char *state, *words; } words[] = {
		{ "operational", "Operational" }, { "maintenance", "Maintenance" },
		{ "degraded", "Degraded" }, { "outage", "Outage" },
	};
	const struct pub_cluster *cl = bcl->conf;
	xmlNodePtr list = pub_el(li, "ul", "area-states", NULL);

	for (size_t j = 0; j < cl->n_components; j++) {
		const char *area = area_of(&cl->components[j]);
		const char *state = area_state(bcl, area), *label = "Unknown";
		bool first = true;
		xmlNodePtr item;

		for (size_t k = 0; k < j; k++)
			if (strcmp(area_of(&cl->components[k]), area) == 0)
				first = false;
		if (!first)
			continue;
		if (s->board.stale_since > 0)
			state = PUB_STATE_UNKNOWN;
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (strcmp(words[w].state, state) == 0)
				label = words[w].words;
		item = pub_el(list, "li", NULL, NULL);
		pub_el(item, "span", "area-label", area);
		pub_text(item, " ");
		pub_state_mark(item, pub_mark_kind(state), label);
	}
}

static void render_summary(const struct pub_site *s, struct pub_page *pg)
{
	xmlNodePtr list = pub_el(pg->main, "ul", "summary", NULL);
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];

	pub_attr(list, "aria-label", "Summary");
	for (size_t i = 0; i < s->board.n_clusters; i++) {
		const struct pub_board_cluster *bcl = &s->board.clusters[i];
		bool known = bcl->since > 0 && s->board.stale_since == 0 &&
			     bcl->unknown_since == 0;
		xmlNodePtr li = pub_el(list, "li", NULL, NULL);

		pub_el(li, "span", "name", bcl->conf->name);
		pub_text(li, " ");
		pub_state_mark(li, known ? pub_cluster_mark_kind(bcl->state) : "unknown",
			       known ? pub_cluster_state_name(bcl->state) : "Unknown");
		if (known) {
			ms_buf_reset(&b);
			ms_buf_printf(&b, " since %s", pub_site_when(s, when, bcl->since, true));
			pub_el(li, "span", "since", b.data);
		}
		if (bcl->open_incident > 0) {
			ms_buf_reset(&b);
			ms_buf_printf(&b, "Incident %ld", bcl->open_incident);
			pub_text(li, " \xE2\x80\x94 ");
			pub_site_incident_path(&path, bcl->open_incident);
			pub_link(pg, li, path.data, b.data);
		}
		render_area_summary(s, li, bcl);
	}
	ms_buf_free(&b);
	ms_buf_free(&path);
}

static void render_legend(const struct pub_site *s, xmlNodePtr parent)
{
	xmlNodePtr legend = pub_el(parent, "div", "legend", NULL), list;
	struct ms_buf cls = MS_BUF_INIT;
	const struct pub_config *cfg = s->cfg;

	pub_el(legend, "h3", NULL, "How to read the board");
	pub_el(legend, "p", NULL, "Each box is a group of servers that fail over to each "
	       "other: as long as one server in a box is online, the service as a whole "
	       "is available. Next to each server is how long it has been online, or "
	       "since when it is not.");
	list = pub_el(legend, "ul", "marks", NULL);
	pub_state_mark(pub_el(list, "li", NULL, NULL), "up", "Online");
	pub_state_mark(pub_el(list, "li", NULL, NULL), "impaired", "Impaired or degraded");
	pub_state_mark(pub_el(list, "li", NULL, NULL), "down", "Offline");
	pub_state_mark(pub_el(list, "li", NULL, NULL), "maintenance",
		       "Planned maintenance (intended)");
	pub_state_mark(pub_el(list, "li", NULL, NULL), "unknown", "Unknown");
	list = pub_el(legend, "ul", "areas", NULL);
	for (size_t i = 0; i < cfg->n_clusters; i++)
		for (size_t j = 0; j < cfg->clusters[i].n_components; j++) {
			const char *area = area_of(&cfg->clusters[i].components[j]);
			unsigned colour = area_colour(cfg, area);
			bool first = true;
			for (size_t k = 0; k < j; k++)
				if (strcmp(area_of(&cfg->clusters[i].components[k]), area) == 0)
					first = false;
			for (size_t ci = 0; ci < i && first; ci++)
				for (size_t k = 0; k < cfg->clusters[ci].n_components; k++)
					if (strcmp(area_of(&cfg->clusters[ci].components[k]), area) == 0)
						first = false;
			if (!first)
				continue;
			ms_buf_reset(&cls);
			ms_buf_printf(&cls, "area-key area-%u", colour);
			pub_el(list, "li", cls.data, area);
		}
	ms_buf_free(&cls);
}

static bool render_latest(const struct pub_site *s, struct pub_page *pg, struct ms_buf *err)
{
	struct pub_post *posts = NULL;
	size_t n = 0;
	struct ms_buf path = MS_BUF_INIT;
	char when[PUB_WHEN_MAX];
	xmlNodePtr list;

	if (!pub_store_posts(s->st, s->slugs, s->n_slugs, LATEST_POSTS, &posts, &n, err))
		return false;
	pub_el(pg->main, "h2", NULL, "Latest posts");
	if (n == 0)
		pub_el(pg->main, "p", NULL, "Nothing has been posted yet.");
	list = pub_el(pg->main, "ul", "posts", NULL);
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr li = pub_el(list, "li", NULL, NULL), meta;

		pub_site_post_path(&path, posts[i].id);
		pub_link(pg, pub_el(li, "h3", NULL, NULL), path.data, posts[i].title);
		meta = pub_el(li, "p", "meta", pub_site_when(s, when, posts[i].published_at, false));
		pub_text(meta, " \xC2\xB7 ");
		pub_text(meta, pub_site_cluster_name(s, posts[i].cluster));
		pub_el(li, "p", "excerpt", posts[i].summary);
	}
	pub_posts_free(posts, n);
	ms_buf_free(&path);
	return true;
}

bool pub_site_index(struct pub_site *s, struct ms_buf *err)
{
	struct pub_page pg;
	xmlNodePtr board;
	bool ok;

	pub_site_page(s, &pg, NULL, "");
	pub_el(pg.main, "h1", NULL, "System Status");
	pub_site_as_of(s, pg.main);
	if (s->board.stale_since > 0)
		render_stale(s, pg.main);
	render_open_incidents(s, &pg);
	ok = render_maintenance(s, &pg, err);
	render_summary(s, &pg);
	board = pub_el(pg.main, "div", "board", NULL);
	pub_attr(board, "id", "board");
	pub_el(board, "h2", NULL, "Servers");
	for (size_t i = 0; i < s->board.n_clusters; i++)
		render_cluster_board(s, board, &s->board.clusters[i]);
	render_legend(s, board);
	ok = ok && render_latest(s, &pg, err);
	if (!ok) {
		struct ms_buf discard = MS_BUF_INIT;
		pub_page_end(&pg, &discard, &discard);
		ms_buf_free(&discard);
		return false;
	}
	return pub_site_finish(s, &pg, "index.html", err);
}
