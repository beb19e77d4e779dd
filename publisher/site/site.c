/*
 * site: renders the status site. See site.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "site.h"
#include "site_time.h"
#include "statusjson.h"
#include "xalloc.h"

/* contrib/status.css, built in by make (publisher/site/status_css.c) */
extern const char pub_status_css[];

bool pub_site_shows(const struct pub_site *s, const char *slug)
{
	return s->cfg->view == NULL || pub_config_cluster(s->cfg, slug) != NULL;
}

const char *pub_site_cluster_name(const struct pub_site *s, const char *slug)
{
	const struct pub_cluster *cl = pub_config_cluster(s->cfg, slug);

	return cl ? cl->name : slug;
}

void pub_site_incident_path(struct ms_buf *b, long number)
{
	ms_buf_reset(b);
	ms_buf_printf(b, "incidents/%ld.html", number);
}

void pub_site_cluster_calendar(struct ms_buf *b, const char *slug)
{
	ms_buf_reset(b);
	ms_buf_printf(b, "feeds/%s.ics", slug);
}

void pub_site_post_path(struct ms_buf *b, long id)
{
	ms_buf_reset(b);
	ms_buf_printf(b, "posts/%ld.html", id);
}

char *pub_site_when(const struct pub_site *s, char buf[static 128], time_t t, bool short_today)
{
	if (short_today && pub_same_day(t, s->now))
		return pub_when(buf, PUB_TIME_FORMAT, t);
	return pub_when(buf, s->date_format, t);
}

void pub_site_as_of(const struct pub_site *s, xmlNodePtr parent)
{
	char when[PUB_WHEN_MAX];
	struct ms_buf b = MS_BUF_INIT;

	if (s->board.data_as_of > 0)
		ms_buf_printf(&b, "Monitoring data as of %s.",
			      pub_site_when(s, when, s->board.data_as_of, true));
	else
		ms_buf_puts(&b, "No monitoring data has been read yet.");
	pub_el(parent, "p", "as-of", b.data);
	ms_buf_free(&b);
}

bool pub_site_write(struct pub_site *s, const char *relpath, const char *data,
		    size_t len, struct ms_buf *err)
{
	bool replaced = false;

	if (!pub_write_atomic(s->cfg->output_dir, relpath, data, len, &replaced, err))
		return false;
	if (replaced)
		s->changed++;
	return true;
}

void pub_site_page(struct pub_site *s, struct pub_page *pg, const char *title,
		   const char *root)
{
	struct pub_page_info info = {
		.site_title = s->cfg->title,
		.page_title = title,
		.root = root,
		.language = s->cfg->language,
		.zone_note = s->zone_note,
		.feeds = s->feeds,
		.n_feeds = s->n_feeds,
		.logo = pub_site_logo_name(s),
		.calendars = s->calendars,
		.n_calendars = s->n_calendars,
		.chrome = s->chrome,
	};

	pub_page_begin(pg, &info);
}

bool pub_site_finish(struct pub_site *s, struct pub_page *pg, const char *relpath,
		     struct ms_buf *err)
{
	struct ms_buf out = MS_BUF_INIT;
	bool ok = pub_page_end(pg, &out, err) &&
		  pub_site_write(s, relpath, out.data, out.len, err);

	ms_buf_free(&out);
	return ok;
}

static const char *keep_string(struct pub_site *s, char *str)
{
	s->feed_strings = ms_xrealloc(s->feed_strings,
				      (s->n_feed_strings + 1) * sizeof(*s->feed_strings));
	s->feed_strings[s->n_feed_strings++] = str;
	return str;
}

/* RSS and Atom of one feed, as render.c writes them. */
static void add_feed_pair(struct pub_site *s, const char *name, const char *stem)
{
	struct ms_buf b = MS_BUF_INIT;

	s->feeds = ms_xrealloc(s->feeds, (s->n_feeds + 2) * sizeof(*s->feeds));
	for (int atom = 0; atom <= 1; atom++) {
		struct pub_page_feed *f = &s->feeds[s->n_feeds++];

		ms_buf_printf(&b, "%s (%s)", name, atom ? "Atom" : "RSS");
		f->title = keep_string(s, ms_buf_steal(&b));
		ms_buf_printf(&b, "%s.%s", stem, atom ? "atom" : "rss");
		f->href = keep_string(s, ms_buf_steal(&b));
		f->atom = atom;
	}
}

/* The site's maintenance calendar, then each cluster's (site_calendar.c). */
static void collect_calendars(struct pub_site *s)
{
	const struct pub_config *cfg = s->cfg;
	struct ms_buf b = MS_BUF_INIT;

	s->calendars = ms_xcalloc(cfg->n_clusters + 1, sizeof(*s->calendars));
	s->calendars[0].title = "All clusters";
	s->calendars[0].href = PUB_SITE_CALENDAR;
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		struct pub_page_feed *c = &s->calendars[i + 1];

		c->title = cfg->clusters[i].name;
		pub_site_cluster_calendar(&b, cfg->clusters[i].slug);
		c->href = keep_string(s, ms_buf_steal(&b));
	}
	s->n_calendars = cfg->n_clusters + 1;
}

/* Every service feed, then every cluster feed. */
static void collect_feeds(struct pub_site *s)
{
	const struct pub_config *cfg = s->cfg;
	struct ms_buf stem = MS_BUF_INIT;

	for (size_t i = 0; i < cfg->n_clusters; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (strcmp(cfg->clusters[j].service_slug, cfg->clusters[i].service_slug) == 0)
				first = false;
		if (!first)
			continue;
		ms_buf_reset(&stem);
		ms_buf_printf(&stem, "feeds/service/%s", cfg->clusters[i].service_slug);
		add_feed_pair(s, cfg->clusters[i].service, stem.data);
	}
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		ms_buf_reset(&stem);
		ms_buf_printf(&stem, "feeds/%s", cfg->clusters[i].slug);
		add_feed_pair(s, cfg->clusters[i].name, stem.data);
	}
	ms_buf_free(&stem);
}

static void zone_note(struct pub_site *s)
{
	char zone[PUB_WHEN_MAX];

	const char *tz = s->cfg->timezone ? s->cfg->timezone : PUB_DEFAULT_TIMEZONE;

	pub_when(zone, "%Z", s->now);
	if (strcmp(zone, tz) == 0)
		snprintf(s->zone_note, sizeof(s->zone_note), "Times are in %s.", tz);
	else
		snprintf(s->zone_note, sizeof(s->zone_note), "Times are in %s (%s).", tz, zone);
}

static bool read_file(const char *what, const char *path, struct ms_buf *out,
		      struct ms_buf *err)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		ms_buf_printf(err, "cannot read the %s %s: %s", what, path, strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ms_buf_add(out, chunk, n);
	if (ferror(fp)) {
		ms_buf_printf(err, "cannot read the %s %s", what, path);
		fclose(fp);
		return false;
	}
	fclose(fp);
	return true;
}

static bool write_css(struct pub_site *s, struct ms_buf *err)
{
	struct ms_buf css = MS_BUF_INIT;
	bool ok = true;

	if (s->cfg->stylesheet)
		ok = read_file("stylesheet", s->cfg->stylesheet, &css, err);
	else
		ms_buf_puts(&css, pub_status_css);
	ok = ok && pub_site_write(s, "status.css", css.data, css.len, err);
	ms_buf_free(&css);
	return ok;
}

const char *pub_site_logo_name(const struct pub_site *s)
{
	const char *logo = s->cfg->view ? s->cfg->view->logo : NULL, *slash;

	if (logo == NULL)
		return NULL;
	slash = strrchr(logo, '/');
	return slash ? slash + 1 : logo;
}

/* A view's logo, copied in under its file name (conf_view.c checked it). */
static bool write_logo(struct pub_site *s, struct ms_buf *err)
{
	struct ms_buf logo = MS_BUF_INIT;
	bool ok;

	if (pub_site_logo_name(s) == NULL)
		return true;
	ok = read_file("logo", s->cfg->view->logo, &logo, err) &&
	     pub_site_write(s, pub_site_logo_name(s), logo.data, logo.len, err);
	ms_buf_free(&logo);
	return ok;
}

/*
 * The operators' maintenance windows and the engine's downtimes in one
 * list, soonest first (each list already is): readers see both alike.
 */
static bool all_maintenance(struct pub_site *s, struct pub_maintenance **m, size_t *n,
			    struct ms_buf *err)
{
	struct pub_maintenance *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;

	*m = NULL;
	*n = 0;
	if (!pub_store_maintenances_after(s->st, s->now, &a, &na, err))
		return false;
	if (!pub_store_engine_downtimes_after(s->st, s->now, &b, &nb, err)) {
		for (size_t k = 0; k < na; k++)
			pub_maintenance_free(&a[k]);
		free(a);
		return false;
	}
	*m = ms_xcalloc(na + nb + 1, sizeof(**m));
	while (i < na || j < nb) {
		struct pub_maintenance next = j >= nb || (i < na && a[i].starts_at <= b[j].starts_at)
					      ? a[i++] : b[j++];
		if (pub_site_shows(s, next.cluster))
			(*m)[(*n)++] = next;
		else
			pub_maintenance_free(&next);
	}
	free(a);
	free(b);
	return true;
}

static bool write_json(struct pub_site *s, struct ms_buf *err)
{
	struct ms_buf json = MS_BUF_INIT;
	struct pub_maintenance *m = NULL;
	size_t n_m = 0;
	bool ok = all_maintenance(s, &m, &n_m, err);

	if (ok)
		ok = pub_status_json(s->cfg, &s->board, s->incidents, s->n_incidents, m, n_m,
				     &json, err) &&
		     pub_site_write(s, "status.json", json.data, json.len, err);
	for (size_t i = 0; i < n_m; i++)
		pub_maintenance_free(&m[i]);
	free(m);
	ms_buf_free(&json);
	return ok;
}

/* A view's incidents: those of its clusters (the others' are freed). */
static void keep_shown_incidents(struct pub_site *s)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n_incidents; i++) {
		if (pub_site_shows(s, s->incidents[i].cluster))
			s->incidents[kept++] = s->incidents[i];
		else
			pub_incident_free(&s->incidents[i]);
	}
	s->n_incidents = kept;
}

static void site_free(struct pub_site *s)
{
	pub_board_free(&s->board);
	for (size_t i = 0; i < s->n_incidents; i++)
		pub_incident_free(&s->incidents[i]);
	free(s->incidents);
	for (size_t i = 0; i < s->n_feed_strings; i++)
		free(s->feed_strings[i]);
	free(s->feed_strings);
	free(s->feeds);
	free(s->calendars);
	free(s->slugs);
	pub_page_chrome_free(s->chrome);
}

bool pub_site_render_part(const struct pub_config *cfg, struct pub_store *st, time_t now,
			  enum pub_site_part part, size_t *changed, struct ms_buf *err)
{
	bool linked = (part & PUB_SITE_LINKED) != 0, entry = (part & PUB_SITE_ENTRY) != 0;
	struct pub_site s = { .cfg = cfg, .st = st, .now = now };
	char *saved_tz;
	bool ok;

	s.date_format = cfg->date_format ? cfg->date_format : PUB_DEFAULT_DATE_FORMAT;
	pub_timezone_use(cfg->timezone, &saved_tz);
	zone_note(&s);
	collect_feeds(&s);
	collect_calendars(&s);
	s.chrome = pub_page_chrome_new();	/* the feeds and calendars are set now */
	if (cfg->view != NULL) {
		s.slugs = ms_xcalloc(cfg->n_clusters + 1, sizeof(*s.slugs));
		for (size_t i = 0; i < cfg->n_clusters; i++)
			s.slugs[s.n_slugs++] = cfg->clusters[i].slug;
	}
	/* one read transaction: one snapshot, and no lock taken per statement */
	ok = pub_store_read_begin(st, err) &&
	     pub_board_load(cfg, st, &s.board, err) &&
	     /* the linked pages show only the clusters' figures (history/CLUSTER.html) */
	     pub_board_load_uptime(&s.board, st, cfg, now, !entry, err) &&
	     (!entry || pub_board_load_metrics(&s.board, st, now, err)) &&
	     pub_store_incidents(st, &s.incidents, &s.n_incidents, err);
	pub_store_read_end(st);
	keep_shown_incidents(&s);
	ok = ok &&
	     (!linked || (write_css(&s, err) && write_logo(&s, err) &&
			  pub_site_posts(&s, err) &&
			  pub_site_calendars(&s, err) &&
			  pub_site_incidents(&s, err) &&
			  pub_site_cluster_histories(&s, err))) &&
	     (!entry || (write_json(&s, err) &&
			 pub_site_history(&s, err) &&
			 pub_site_index(&s, err)));
	pub_timezone_restore(saved_tz);
	*changed += s.changed;
	site_free(&s);
	return ok;
}

bool pub_site_render(const struct pub_config *cfg, struct pub_store *st, time_t now,
		     size_t *changed, struct ms_buf *err)
{
	return pub_site_render_part(cfg, st, now, PUB_SITE_ALL, changed, err);
}
