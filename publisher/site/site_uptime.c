/*
 * site_uptime: the uptime figures on the pages: a cluster's or
 * component's 90-day strip with its 30 and 90-day percentages
 * (index.html), a server's 30-day uptime (the board), and
 * history/<CLUSTER>.html (the windows, month by month, the incidents).
 *
 * A day of a strip is a list item with a class for its kind, which the
 * stylesheet draws with a shape and a pattern as well as a colour, and a
 * text label ("6 Dec: degraded 1 h 5 min, no outage") that screen
 * readers read and that shows when the day is tapped or focused: no
 * JavaScript.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "site_time.h"

static const char *const month_abbr[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* The mark kind (page.h) of a day or window: its worst time. */
static const char *figure_kind(const struct pub_uptime *u)
{
	if (u->outage_s > 0)
		return "down";
	if (u->degraded_s > 0)
		return "impaired";
	if (u->maintenance_s > 0)
		return "maintenance";
	return u->observed_s > 0 ? "up" : "unknown";
}

/* How a duration is said: pub_duration_short within a day, pub_duration_exact beyond. */
typedef void duration_fn(struct ms_buf *b, time_t seconds);

/*
 * "outage 5 min, degraded 1 h 5 min" of the kinds of time from `from` on
 * (0: all) that u has; false when it has none.
 */
static bool time_parts(struct ms_buf *b, const struct pub_uptime *u, size_t from,
		       duration_fn *say)
{
	const struct { const char *name; long long s; } parts[] = {
		{ "outage", u->outage_s }, { "degraded", u->degraded_s },
		{ "maintenance", u->maintenance_s }, { "unknown", u->unknown_s },
	};
	bool any = false;

	for (size_t i = from; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i].s <= 0)
			continue;
		ms_buf_printf(b, "%s%s ", any ? ", " : "", parts[i].name);
		say(b, (time_t)parts[i].s);
		any = true;
	}
	return any;
}

/* "outage 5 min, degraded 1 h 5 min, unknown 3 h" or "degraded 1 h, no outage" */
static void figure_words(struct ms_buf *b, const struct pub_uptime *u)
{
	bool any;

	if (u->observed_s <= 0 && u->maintenance_s <= 0) {
		ms_buf_puts(b, "no data");
		return;
	}
	any = time_parts(b, u, 0, pub_duration_short);
	if (u->outage_s == 0 && u->observed_s > 0)
		ms_buf_printf(b, "%sno outage", any ? ", " : "");
}

/* "99.93 %", or "no data" when nothing of the window was observed */
static void percent_words(struct ms_buf *b, int percent)
{
	char text[PUB_PERCENT_MAX];

	if (percent < 0)
		ms_buf_puts(b, "no data");
	else
		ms_buf_printf(b, "%s %%", pub_percent_text(text, percent));
}

void pub_site_uptime_words(struct ms_buf *b, const struct pub_figures *f, size_t window)
{
	const struct pub_uptime *u = &f->windows[window];

	ms_buf_printf(b, "%s: ", pub_uptime_windows[window].label);
	percent_words(b, u->percent);
}

/*
 * A day's mark, appended to html: a list item with the day's kind as a
 * class and its label, which shows on focus and hover (a title would be
 * read twice). Only the program's words and numbers: written as markup.
 */
static void render_day(struct ms_buf *html, const struct pub_day *day)
{
	/* without printf: 9,000 of them on a site of 100 strips */
	ms_buf_puts(html, "<li class=\"day day-");
	ms_buf_puts(html, figure_kind(&day->u));
	ms_buf_puts(html, "\" tabindex=\"0\"><span class=\"day-label\">");
	ms_buf_put_num(html, day->mday, 0);
	ms_buf_putc(html, ' ');
	ms_buf_puts(html, month_abbr[(day->month + 11) % 12]);
	ms_buf_puts(html, ": ");
	figure_words(html, &day->u);
	ms_buf_puts(html, "</span></li>\n");
}

void pub_site_strip(xmlNodePtr parent, const char *name, const struct pub_figures *f)
{
	struct ms_buf b = MS_BUF_INIT;
	xmlNodePtr box = pub_el(parent, "div", "uptime", NULL), strip;

	if (f->days == NULL)
		return;
	ms_buf_puts(&b, "Uptime ");
	pub_site_uptime_words(&b, f, 2);
	ms_buf_puts(&b, " \xC2\xB7 ");
	pub_site_uptime_words(&b, f, 3);
	if (f->windows[3].maintenance_s > 0 || f->windows[3].unknown_s > 0) {
		ms_buf_puts(&b, " (not counted over 90 days: ");
		time_parts(&b, &f->windows[3], 2, pub_duration_exact);
		ms_buf_putc(&b, ')');
	}
	pub_el(box, "p", "uptime-figures", b.data);
	ms_buf_reset(&b);
	ms_buf_printf(&b, "%s, the last 90 days, one mark per day", name);
	strip = pub_el(box, "ol", "strip", NULL);
	pub_attr(strip, "aria-label", b.data);
	ms_buf_reset(&b);
	ms_buf_putc(&b, '\n');
	for (size_t d = 0; d < PUB_STRIP_DAYS; d++)
		render_day(&b, &f->days[d]);
	pub_markup(strip, b.data, b.len);
	ms_buf_free(&b);
}

/* --- history/<CLUSTER>.html ----------------------------------------- */

/* The rules, as mailstatus-publish(1) states them. */
static const char *const rules[] = {
	"A window (24 hours, 7, 30 or 90 days, ending now) is split into time in "
	"scheduled maintenance, unknown time (monitoring stale or unchecked, before "
	"monitoring began) and the observed rest.",
	"A cluster's outage is time Offline; degraded is time Degraded (available but "
	"impaired). A component's outage is time with no server up; degraded is time with "
	"some but not all servers up. A server's outage is time down.",
	"Uptime is (observed \xE2\x88\x92 outage) / observed, truncated to two decimals: "
	"100.00 % only when there was no outage at all. Maintenance and unknown time are "
	"not counted and shown beside the figure.",
};

static void figures_row(xmlNodePtr table, const char *label, const struct pub_uptime *u)
{
	const long long cells[] = { u->outage_s, u->degraded_s, u->maintenance_s, u->unknown_s };
	struct ms_buf b = MS_BUF_INIT;
	xmlNodePtr tr = pub_el(table, "tr", NULL, NULL);

	pub_el(tr, "th", NULL, label);
	percent_words(&b, u->percent);
	pub_el(tr, "td", "percent", b.data);
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		ms_buf_reset(&b);
		pub_duration_exact(&b, (time_t)cells[i]);
		pub_el(tr, "td", NULL, cells[i] > 0 ? b.data : "\xE2\x80\x94");
	}
	ms_buf_free(&b);
}

static xmlNodePtr figures_table(xmlNodePtr parent, const char *first)
{
	const char *const heads[] = { "Uptime", "Outage", "Degraded", "Maintenance", "Unknown" };
	xmlNodePtr table = pub_el(parent, "table", "figures", NULL);
	xmlNodePtr tr = pub_el(table, "tr", NULL, NULL);

	pub_el(tr, "th", NULL, first);
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		pub_el(tr, "th", NULL, heads[i]);
	return table;
}

/* The figures of the month [start, end): as kept once it ended, else from the record. */
static void month_figures(const struct pub_board_cluster *bcl, time_t start, time_t end,
			  struct pub_uptime *u)
{
	for (size_t i = 0; i < bcl->n_months; i++) {
		const struct pub_history_figures *m = &bcl->months[i];
		if (m->start != start)
			continue;
		*u = (struct pub_uptime){ m->outage_s, m->degraded_s, m->maintenance_s,
					  m->unknown_s, 0, 0 };
		pub_uptime_finish(u, (long long)(m->end - m->start));
		return;
	}
	pub_timeline_count(&bcl->timeline, start, end, u);
}

/* Month by month, newest first, back to the first month recorded. */
static void render_months(xmlNodePtr main, const struct pub_board_cluster *bcl, time_t now)
{
	time_t first = pub_timeline_recorded_from(&bcl->timeline);
	xmlNodePtr table;
	char month[PUB_WHEN_MAX];

	if (bcl->n_months > 0 && (first == 0 || bcl->months[0].start < first))
		first = bcl->months[0].start;
	pub_el(main, "h2", NULL, "Month by month");
	if (first == 0) {
		pub_el(main, "p", NULL, "Nothing recorded yet.");
		return;
	}
	table = figures_table(main, "Month");
	for (time_t start = pub_month_start(now, 0), end = now; end > first;
	     end = start, start = pub_month_start(start, -1)) {
		struct pub_uptime u;
		month_figures(bcl, start, end, &u);
		figures_row(table, pub_month(month, start), &u);
	}
}

static void render_cluster_incidents(struct pub_site *s, struct pub_page *pg, const char *slug)
{
	struct ms_buf b = MS_BUF_INIT, path = MS_BUF_INIT;
	xmlNodePtr list = NULL;

	pub_el(pg->main, "h2", NULL, "Incidents");
	for (size_t i = 0; i < s->n_incidents; i++) {
		const struct pub_incident *inc = &s->incidents[i];
		xmlNodePtr li;

		if (strcmp(inc->cluster, slug) != 0)
			continue;
		if (list == NULL)
			list = pub_el(pg->main, "ul", "history", NULL);
		li = pub_el(list, "li", NULL, NULL);
		pub_site_incident_path(&path, inc->number);
		pub_link(pg, pub_el(li, "h3", NULL, NULL), path.data, inc->title);
		pub_site_incident_status(s, inc, &b);
		pub_el(li, "p", "meta", b.data);
	}
	if (list == NULL)
		pub_el(pg->main, "p", NULL, "No incidents so far.");
	ms_buf_free(&b);
	ms_buf_free(&path);
}

static bool render_cluster_history(struct pub_site *s, const struct pub_board_cluster *bcl,
				   struct ms_buf *err)
{
	const struct pub_cluster *cl = bcl->conf;
	struct ms_buf title = MS_BUF_INIT, path = MS_BUF_INIT;
	struct pub_page pg;
	xmlNodePtr table;
	bool ok;

	ms_buf_printf(&title, "%s: uptime history", cl->name);
	pub_site_page(s, &pg, title.data, "../");
	pub_el(pg.main, "h1", NULL, title.data);
	pub_site_strip(pg.main, cl->name, &bcl->fig);
	table = figures_table(pg.main, "Last");
	for (size_t w = 0; w < PUB_UPTIME_WINDOWS; w++)
		figures_row(table, pub_uptime_windows[w].label, &bcl->fig.windows[w]);
	render_months(pg.main, bcl, s->now);
	render_cluster_incidents(s, &pg, cl->slug);
	pub_el(pg.main, "h2", NULL, "How uptime is counted");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		pub_el(pg.main, "p", "rules", rules[i]);
	ms_buf_printf(&path, "history/%s.html", cl->slug);
	ok = pub_site_finish(s, &pg, path.data, err);
	ms_buf_free(&title);
	ms_buf_free(&path);
	return ok;
}

bool pub_site_cluster_histories(struct pub_site *s, struct ms_buf *err)
{
	for (size_t i = 0; i < s->board.n_clusters; i++)
		if (!render_cluster_history(s, &s->board.clusters[i], err))
			return false;
	return true;
}
