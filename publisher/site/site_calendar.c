/*
 * site_calendar: the maintenance calendars of a site (ical.h):
 *
 *   maintenance.ics        every scheduled window of the site's clusters
 *   feeds/<SLUG>.ics       those of one cluster, beside its feeds
 *
 * An operator's windows (maintenance schedule), the past ones kept for
 * history_days, the cancelled ones (their announcement retracted) as
 * STATUS:CANCELLED. The engine's own downtimes are not in them: they have
 * no announcement and no identity that lasts past the run that reads them.
 * A window's UID is made of its id and the store's tag (host and day), so
 * it stays the same on every site and in every run; its SEQUENCE and
 * DTSTAMP are the store's count and time of its revisions.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ical.h"
#include "site.h"
#include "xalloc.h"

/* "maintenance-7.2026-11-25@status.example.com", of the store's "tag:HOST,DAY:" */
static char *window_uid(const struct pub_site *s, long id)
{
	const char *tag = pub_store_guid_prefix(s->st), *host = tag, *comma;
	struct ms_buf b = MS_BUF_INIT;

	if (strncmp(host, "tag:", 4) == 0)
		host += 4;
	comma = strchr(host, ',');
	if (comma == NULL)
		ms_buf_printf(&b, "maintenance-%ld@%s", id, host);
	else
		ms_buf_printf(&b, "maintenance-%ld.%.*s@%.*s", id,
			      (int)strcspn(comma + 1, ":"), comma + 1, (int)(comma - host), host);
	return ms_buf_steal(&b);
}

/* The strings an event points to, freed with it. */
struct owned {
	char *uid, *url, *summary, *description;
};

/*
 * A cancelled window keeps its UID, times and a SEQUENCE one higher, so
 * calendar programs drop it; its words went with its announcement
 * (retract withdraws them for good), so it is said in the program's own.
 */
static void make_event(const struct pub_site *s, const struct pub_maintenance *m,
		       struct pub_ical_event *e, struct owned *o)
{
	struct ms_buf b = MS_BUF_INIT;
	const char *name = pub_site_cluster_name(s, m->cluster);
	bool cancelled = m->cancelled_at != 0;

	o->uid = window_uid(s, m->id);
	if (m->post > 0 && !cancelled) {
		ms_buf_printf(&b, "%sposts/%ld.html", s->cfg->base_url, m->post);
		o->url = ms_buf_steal(&b);
	}
	if (m->message != NULL && !cancelled) {
		/* the operator's words, whole, without the file's last line break */
		size_t n = strlen(m->message);
		while (n > 0 && strchr(" \t\r\n", m->message[n - 1]))
			n--;
		o->description = ms_xstrndup(m->message, n);
	}
	if (m->title == NULL || cancelled) {
		ms_buf_printf(&b, "%s maintenance of %s", cancelled ? "Cancelled:" : "Scheduled",
			      name);
		o->summary = ms_buf_steal(&b);
	}
	*e = (struct pub_ical_event){
		.uid = o->uid,
		.sequence = m->sequence,
		.stamp = m->revised_at,
		.start = m->starts_at,
		.end = m->ends_at,
		.summary = o->summary ? o->summary : m->title,
		.description = o->description,
		.category = name,
		.url = o->url,
		.cancelled = cancelled,
	};
}

/* The windows of cluster (NULL: of every cluster the site shows) into relpath. */
static bool write_calendar(struct pub_site *s, const struct pub_maintenance *m, size_t n,
			   const char *cluster, const char *name, const char *relpath,
			   struct ms_buf *err)
{
	struct pub_ical_event *events = ms_xcalloc(n + 1, sizeof(*events));
	struct owned *owned = ms_xcalloc(n + 1, sizeof(*owned));
	struct pub_ical cal = { .name = name, .events = events };
	struct ms_buf out = MS_BUF_INIT;
	bool ok;

	for (size_t i = 0; i < n; i++) {
		if (cluster ? strcmp(m[i].cluster, cluster) != 0 : !pub_site_shows(s, m[i].cluster))
			continue;
		make_event(s, &m[i], &events[cal.n_events], &owned[cal.n_events]);
		cal.n_events++;
	}
	pub_ical_write(&cal, &out);
	ok = pub_site_write(s, relpath, out.data, out.len, err);
	for (size_t i = 0; i < cal.n_events; i++) {
		free(owned[i].uid);
		free(owned[i].url);
		free(owned[i].summary);
		free(owned[i].description);
	}
	free(owned);
	free(events);
	ms_buf_free(&out);
	return ok;
}

bool pub_site_calendars(struct pub_site *s, struct ms_buf *err)
{
	const struct pub_config *cfg = s->cfg;
	struct pub_maintenance *m = NULL;
	size_t n = 0;
	struct ms_buf name = MS_BUF_INIT, path = MS_BUF_INIT;
	bool ok = pub_store_maintenance_windows(s->st, s->now - cfg->history_days * 86400L, &m,
						&n, err);

	ms_buf_printf(&name, "%s: maintenance", cfg->title);
	ok = ok && write_calendar(s, m, n, NULL, name.data, PUB_SITE_CALENDAR, err);
	for (size_t i = 0; ok && i < cfg->n_clusters; i++) {
		ms_buf_reset(&name);
		ms_buf_printf(&name, "%s \xC2\xBB %s: maintenance", cfg->title, cfg->clusters[i].name);
		pub_site_cluster_calendar(&path, cfg->clusters[i].slug);
		ok = write_calendar(s, m, n, cfg->clusters[i].slug, name.data, path.data, err);
	}
	for (size_t i = 0; i < n; i++)
		pub_maintenance_free(&m[i]);
	free(m);
	ms_buf_free(&name);
	ms_buf_free(&path);
	return ok;
}
