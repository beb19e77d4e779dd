/*
 * site: the status site, rendered from the store and the config.
 *
 *   index.html            summary, open incidents and maintenance, the
 *                         board of areas -> components -> members, latest posts
 *   incidents/<N>.html    an incident with every update in time order
 *   posts/<ID>.html       one post (the feeds' item links)
 *   history.html          resolved incidents by month, with durations, and
 *                         links to each cluster's uptime history
 *   history/<SLUG>.html   a cluster's 90-day strip, uptime windows, month
 *                         by month, and its incidents with their durations
 *   status.json           the board and the open incidents for machines
 *   maintenance.ics       the maintenance windows as a calendar, and
 *   feeds/<SLUG>.ics      a cluster's (site_calendar.c)
 *   status.css            the stylesheet (built in, or `stylesheet =`)
 *
 * Like the feeds, every file is written atomically and only when its bytes
 * change. The only input besides the store and the config is `now`, and
 * only the board's coarse "online for 12 days" words and the uptime
 * figures (the windows end at now) depend on it, so a run in which
 * nothing happened rewrites no page but status.json, whose figures count
 * in seconds, and that only while they change (time not yet recorded
 * drops out of the windows, an outage goes on).
 */
#ifndef PUB_SITE_H
#define PUB_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "board.h"
#include "conf.h"
#include "page.h"
#include "store.h"

/*
 * The site in two parts, so that a run killed (or failing) half-way never
 * leaves a feed, index.html or history.html linking to a post or incident
 * page that is not there yet: first the pages the others link to
 * (status.css, posts/, incidents/), then, once the feeds are written too
 * (render.c), the pages a reader starts from (status.json, history,
 * index). Every page's navigation links to the feeds, index and history:
 * on the very first run, a kill before those are written leaves such
 * links dangling until the next run.
 */
enum pub_site_part {
	PUB_SITE_LINKED = 1,	/* status.css, posts/<ID>.html, incidents/<N>.html,
				 * history/<SLUG>.html */
	PUB_SITE_ENTRY = 2,	/* status.json, history.html, index.html */
	PUB_SITE_ALL = PUB_SITE_LINKED | PUB_SITE_ENTRY,
};

/* Renders those parts of the site; *changed counts the files replaced. */
bool pub_site_render_part(const struct pub_config *cfg, struct pub_store *st, time_t now,
			  enum pub_site_part part, size_t *changed, struct ms_buf *err);

/* The whole site (both parts). */
bool pub_site_render(const struct pub_config *cfg, struct pub_store *st, time_t now,
		     size_t *changed, struct ms_buf *err);

/* --- for the page renderers (site_*.c) ------------------------------ */

struct pub_site {
	const struct pub_config *cfg;
	struct pub_store *st;
	time_t now;
	const char *date_format;
	struct pub_board board;
	struct pub_incident *incidents;	/* all, newest first */
	size_t n_incidents;
	struct pub_page_feed *feeds;	/* every feed, for <link rel="alternate"> */
	size_t n_feeds;
	struct pub_page_feed *calendars;	/* the maintenance calendars, likewise */
	size_t n_calendars;
	char **feed_strings;		/* what feeds[] points into */
	struct pub_page_chrome *chrome;	/* their links, serialized once per root (page.h) */
	size_t n_feed_strings;
	char zone_note[160];
	size_t changed;
	/* a view's clusters (cfg->clusters' slugs), for the store's lists; NULL: all */
	const char **slugs;
	size_t n_slugs;
};

/*
 * Whether the site shows what the store holds of cluster slug: the main
 * site everything (a cluster removed from the file keeps its posts), a
 * view only its own clusters (site_view.h).
 */
bool pub_site_shows(const struct pub_site *s, const char *slug);
/* The file name of a view's logo in its output directory, or NULL. */
const char *pub_site_logo_name(const struct pub_site *s);

/* Starts a page of the site; root is "" for top-level pages, "../" below. */
void pub_site_page(struct pub_site *s, struct pub_page *pg, const char *title,
		   const char *root);
/* Writes data to relpath (atomically, only when changed), counting it. */
bool pub_site_write(struct pub_site *s, const char *relpath, const char *data,
		    size_t len, struct ms_buf *err);
/* Serializes pg and writes it to relpath. */
bool pub_site_finish(struct pub_site *s, struct pub_page *pg, const char *relpath,
		     struct ms_buf *err);

/* The cluster's public name (its slug when it left the config). */
const char *pub_site_cluster_name(const struct pub_site *s, const char *slug);
/* "incidents/N.html", "posts/ID.html" */
void pub_site_incident_path(struct ms_buf *b, long number);
void pub_site_post_path(struct ms_buf *b, long id);
/* The site's maintenance calendar, and "feeds/SLUG.ics": a cluster's. */
#define PUB_SITE_CALENDAR "maintenance.ics"
void pub_site_cluster_calendar(struct ms_buf *b, const char *slug);

/*
 * "Monitoring data as of 14:05 CET.": when the monitoring data behind the
 * states a page shows was written (the pages that show current states).
 */
void pub_site_as_of(const struct pub_site *s, xmlNodePtr parent);

/* A time in the page's zone and format; "16:10 UTC" when t is today. */
char *pub_site_when(const struct pub_site *s, char buf[static 128], time_t t, bool short_today);

/* "Resolved after 2 hours 13 minutes: opened ..., resolved ...." or "Open since ...". */
void pub_site_incident_status(const struct pub_site *s, const struct pub_incident *inc,
			      struct ms_buf *b);

/* "30 days: 99.93 %" of window w (pub_uptime_windows) into b (site_uptime.c). */
void pub_site_uptime_words(struct ms_buf *b, const struct pub_figures *f, size_t w);
/* The 90-day strip of name (a cluster or component) with its 30 and 90-day figures. */
void pub_site_strip(xmlNodePtr parent, const char *name, const struct pub_figures *f);

/*
 * A component's response-time strip (site_metric.c): the figures of the
 * last 24 hours and 7 days in words, each with its inline SVG chart;
 * nothing without metric =.
 */
void pub_site_metric(const struct pub_site *s, xmlNodePtr parent,
		     const struct pub_board_component *bc);
/* A metric's value as the pages say it: "0.52 s", "0.012 s", "97.50 %". */
void pub_site_metric_value(struct ms_buf *b, double v, const char *unit);

bool pub_site_index(struct pub_site *s, struct ms_buf *err);
/* history/<CLUSTER>.html: the windows, month by month, the incidents. */
bool pub_site_cluster_histories(struct pub_site *s, struct ms_buf *err);
bool pub_site_posts(struct pub_site *s, struct ms_buf *err);
bool pub_site_incidents(struct pub_site *s, struct ms_buf *err);
bool pub_site_history(struct pub_site *s, struct ms_buf *err);
/* maintenance.ics and feeds/<SLUG>.ics (site_calendar.c). */
bool pub_site_calendars(struct pub_site *s, struct ms_buf *err);

#endif
