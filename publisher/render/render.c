/*
 * render: the output from the store: the feeds of its posts, the site
 * (site.h), and the temporary files and withdrawn pages swept away.
 * See render.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atom.h"
#include "atomicfile.h"
#include "commands.h"
#include "dates.h"
#include "render.h"
#include "rss.h"
#include "site.h"
#include "site_time.h"
#include "site_view.h"
#include "xalloc.h"

static time_t render_clock;	/* 0: the real clock */

void pub_render_set_clock(time_t now)
{
	render_clock = now;
}

time_t pub_render_clock(void)
{
	return render_clock != 0 ? render_clock : time(NULL);
}

/* Strings that live as long as one feed's items. */
struct arena {
	char **s;
	size_t n, cap;
};

static const char *keep(struct arena *a, char *s)
{
	ms_xgrow(&a->s, &a->cap, a->n + 1, sizeof(*a->s));
	a->s[a->n++] = s;
	return s;
}

static void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->s[i]);
	free(a->s);
}

static const char *cluster_name(const struct pub_config *cfg, const char *slug)
{
	const struct pub_cluster *cl = pub_config_cluster(cfg, slug);

	/* a cluster removed from the config keeps its posts, under its slug */
	return cl ? cl->name : slug;
}

struct feed_spec {
	const char *path;		/* under output_dir */
	const char *name;		/* cluster or service name */
	const char *const *slugs;	/* the clusters it shows */
	size_t n_slugs;
};

/* The notice that replaces "the last state" while monitoring is stale. */
static void stale_item(const struct pub_config *cfg, struct pub_store *st,
		       const struct feed_spec *fs, time_t since,
		       struct pub_feed_item *it, struct arena *a)
{
	struct ms_buf b = MS_BUF_INIT;
	char date[PUB_WHEN_MAX];

	ms_buf_printf(&b, "Status of %s unknown: monitoring data is stale", fs->name);
	it->title = keep(a, ms_buf_steal(&b));
	it->link = cfg->base_url;
	ms_buf_printf(&b, "%sstale-%lld", pub_store_guid_prefix(st), (long long)since);
	it->guid = keep(a, ms_buf_steal(&b));
	it->published = since + cfg->stale_after;
	it->updated = it->published;
	it->author = cfg->author;
	it->categories[0] = fs->name;
	ms_buf_printf(&b, "The monitoring data behind this feed was last updated on %s. "
		      "Until it is updated again the current status of %s is unknown; "
		      "the posts below may not reflect it.",
		      pub_when_in(date, cfg->timezone, cfg->date_format, since), fs->name);
	it->summary = keep(a, ms_buf_steal(&b));
}

/*
 * Atom requires <updated> even for a feed without entries: the day the
 * store was made (its guid prefix "tag:HOST,YYYY-MM-DD:"), which never moves.
 */
static time_t empty_feed_updated(struct pub_store *st)
{
	const char *prefix = pub_store_guid_prefix(st), *comma = strrchr(prefix, ',');
	char day[32];
	time_t t = 0;

	if (comma && strlen(comma + 1) > 10) {
		snprintf(day, sizeof(day), "%.10s 00:00", comma + 1);
		if (!pub_parse_time(day, &t))
			t = 0;
	}
	return t;
}

/* feeds/x.atom beside feeds/x.rss, the same items. */
static bool write_atom(const struct pub_config *cfg, struct pub_store *st,
		       const struct feed_spec *fs, struct pub_feed *feed,
		       size_t *changed, struct ms_buf *err)
{
	struct ms_buf path = MS_BUF_INIT, self = MS_BUF_INIT, out = MS_BUF_INIT;
	size_t stem = strlen(fs->path) - strlen(".rss");
	bool ok, replaced = false;

	ms_buf_printf(&path, "%.*s.atom", (int)stem, fs->path);
	ms_buf_printf(&self, "%s%s", cfg->base_url, path.data);
	if (feed->updated == 0)
		feed->updated = empty_feed_updated(st);
	ok = pub_atom_write(feed, self.data, &out, err) &&
	     pub_write_atomic(cfg->output_dir, path.data, out.data, out.len, &replaced, err);
	if (replaced)
		(*changed)++;
	ms_buf_free(&path);
	ms_buf_free(&self);
	ms_buf_free(&out);
	return ok;
}

static bool render_feed(const struct pub_config *cfg, struct pub_store *st,
			const struct feed_spec *fs, time_t stale_since,
			size_t *changed, struct ms_buf *err)
{
	struct pub_post *posts = NULL;
	size_t n = 0, k = 0;
	struct arena a = { 0 };
	struct ms_buf b = MS_BUF_INIT, out = MS_BUF_INIT;
	bool ok, replaced = false;

	/* the stale notice takes one of the feed's places */
	long want = stale_since > 0 && cfg->items > 1 ? cfg->items - 1 : cfg->items;
	if (!pub_store_posts(st, fs->slugs, fs->n_slugs, want, &posts, &n, err))
		return false;
	struct pub_feed_item *items = ms_xcalloc(n + 1, sizeof(*items));
	struct pub_feed feed = {
		.link = cfg->base_url,
		.language = cfg->language,
		.items = items,
	};

	ms_buf_printf(&b, "%s \xC2\xBB %s", cfg->title, fs->name);
	feed.title = keep(&a, ms_buf_steal(&b));
	ms_buf_printf(&b, "%s%s", cfg->base_url, fs->path);
	feed.self_url = keep(&a, ms_buf_steal(&b));
	if (cfg->description)
		feed.description = cfg->description;
	else {
		ms_buf_printf(&b, "Status posts and incidents of %s", fs->name);
		feed.description = keep(&a, ms_buf_steal(&b));
	}
	if (stale_since > 0) {
		stale_item(cfg, st, fs, stale_since, &items[k], &a);
		feed.updated = items[k].published;
		k++;
	}
	for (size_t i = 0; i < n; i++, k++) {
		const struct pub_post *p = &posts[i];
		struct pub_feed_item *it = &items[k];

		it->title = p->title;
		ms_buf_printf(&b, "%sposts/%ld.html", cfg->base_url, p->id);
		it->link = keep(&a, ms_buf_steal(&b));
		it->guid = p->guid;
		it->published = p->published_at;
		it->updated = p->updated_at;
		it->author = p->author;
		it->categories[0] = cluster_name(cfg, p->cluster);
		if (p->incident > 0) {
			ms_buf_printf(&b, "Incident %ld", p->incident);
			it->categories[1] = keep(&a, ms_buf_steal(&b));
		}
		it->summary = p->summary;
		it->html = p->body_html;
		if (p->updated_at > feed.updated)
			feed.updated = p->updated_at;
	}
	feed.n_items = k;
	ok = pub_rss_write(&feed, &out, err) &&
	     pub_write_atomic(cfg->output_dir, fs->path, out.data, out.len, &replaced, err);
	if (replaced)
		(*changed)++;
	if (ok)
		ok = write_atom(cfg, st, fs, &feed, changed, err);
	ms_buf_free(&out);
	free(items);
	arena_free(&a);
	pub_posts_free(posts, n);
	return ok;
}

/*
 * A run killed between creating a temporary file and renaming it leaves
 * the file behind; the directories this module and site.c write are
 * swept of them before anything is written (the caller holds the lock).
 */
static void remove_stale_temps(const struct pub_config *cfg)
{
	static const char *const dirs[] = { "", "/feeds", "/feeds/service", "/posts", "/history",
					    "/incidents" };
	struct ms_buf dir = MS_BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		ms_buf_reset(&dir);
		ms_buf_printf(&dir, "%s%s", cfg->output_dir, dirs[i]);
		n += pub_remove_stale_temps(dir.data, NULL);
	}
	if (n > 0 && pub_verbose)
		printf("%zu temporary file(s) of an interrupted run removed\n", n);
	ms_buf_free(&dir);
}

/*
 * The pages of withdrawn posts (retract), and of incidents left with no
 * post to show, are removed last: once nothing written before links to
 * them. A run killed before this leaves them for the next one.
 */
static bool remove_withdrawn(const struct pub_config *cfg, struct pub_store *st,
			     size_t *changed, struct ms_buf *err)
{
	long *posts = NULL, *incidents = NULL;
	size_t n_posts = 0, n_incidents = 0;
	struct ms_buf path = MS_BUF_INIT;
	bool ok = pub_store_withdrawn(st, &posts, &n_posts, &incidents, &n_incidents, err);

	for (size_t i = 0; ok && i < n_posts + n_incidents; i++) {
		ms_buf_reset(&path);
		if (i < n_posts)
			ms_buf_printf(&path, "%s/posts/%ld.html", cfg->output_dir, posts[i]);
		else
			ms_buf_printf(&path, "%s/incidents/%ld.html", cfg->output_dir,
				      incidents[i - n_posts]);
		if (unlink(path.data) == 0)
			(*changed)++;
		else if (errno != ENOENT) {
			ms_buf_printf(err, "cannot remove the withdrawn page %s: %s", path.data,
				      strerror(errno));
			ok = false;
		}
	}
	free(posts);
	free(incidents);
	ms_buf_free(&path);
	return ok;
}

/* One site: the main one, or a view's (cfg narrowed to it, site_view.h). */
static bool render_site(const struct pub_config *cfg, struct pub_store *st, time_t now,
			size_t *changed, struct ms_buf *err)
{
	struct ms_buf path = MS_BUF_INIT;
	char *stale = NULL;
	time_t stale_since = 0;
	const char **slugs = ms_xcalloc(cfg->n_clusters + 1, sizeof(*slugs));
	bool ok;

	remove_stale_temps(cfg);
	/*
	 * the pages the feeds link to first, then the feeds, then the pages
	 * that link to both (see site.h): a batch of writes each
	 */
	pub_write_batch_begin();
	ok = pub_site_render_part(cfg, st, now, PUB_SITE_LINKED, changed, err) &&
	     pub_write_batch_commit(err) &&
	     pub_store_meta_get(st, PUB_META_STALE_SINCE, &stale, err);
	pub_write_batch_begin();
	if (stale)
		stale_since = (time_t)strtoll(stale, NULL, 10);
	for (size_t i = 0; ok && i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		const char *slug = cl->slug;
		struct feed_spec fs = { .name = cl->name, .slugs = &slug, .n_slugs = 1 };

		ms_buf_reset(&path);
		ms_buf_printf(&path, "feeds/%s.rss", cl->slug);
		fs.path = path.data;
		ok = render_feed(cfg, st, &fs, stale_since, changed, err);
	}
	/* one feed per service, the first cluster naming it renders it */
	for (size_t i = 0; ok && i < cfg->n_clusters; i++) {
		const struct pub_cluster *cl = &cfg->clusters[i];
		struct feed_spec fs = { .name = cl->service, .slugs = slugs };
		bool first = true;

		for (size_t j = 0; j < cfg->n_clusters; j++) {
			if (strcmp(cfg->clusters[j].service_slug, cl->service_slug) != 0)
				continue;
			if (j < i)
				first = false;
			slugs[fs.n_slugs++] = cfg->clusters[j].slug;
		}
		if (!first)
			continue;
		ms_buf_reset(&path);
		ms_buf_printf(&path, "feeds/service/%s.rss", cl->service_slug);
		fs.path = path.data;
		ok = render_feed(cfg, st, &fs, stale_since, changed, err);
	}
	free(slugs);
	free(stale);
	ms_buf_free(&path);
	ok = ok && pub_write_batch_commit(err);
	pub_write_batch_begin();
	ok = ok && pub_site_render_part(cfg, st, now, PUB_SITE_ENTRY, changed, err) &&
	     pub_write_batch_commit(err);
	if (!ok)
		pub_write_batch_abort();
	return ok && remove_withdrawn(cfg, st, changed, err);
}

/* The main site, then each view's, alike. */
bool pub_render_all(const struct pub_config *cfg, struct pub_store *st,
		    size_t *changed, struct ms_buf *err)
{
	time_t now = render_clock ? render_clock : time(NULL);
	bool ok;

	*changed = 0;
	ok = render_site(cfg, st, now, changed, err);
	for (size_t i = 0; ok && i < cfg->n_views; i++) {
		struct pub_config view;

		pub_view_narrow(cfg, &cfg->views[i], &view);
		ok = render_site(&view, st, now, changed, err) &&
		     pub_view_sweep(&view, st, changed, err);
		pub_view_release(&view);
		if (!ok) {
			/* which site: the error names a path, not always the view's */
			struct ms_buf why = MS_BUF_INIT;
			ms_buf_printf(&why, "view %s: %s", cfg->views[i].name, ms_buf_str(err));
			ms_buf_reset(err);
			ms_buf_puts(err, why.data);
			ms_buf_free(&why);
		}
	}
	return ok;
}
