/*
 * rss: RSS 2.0 in the profile of contrib/rss-profile.rng.
 *
 * The channel and items carry what the seed feed carries (content, dc,
 * atom and sy namespaces; category per cluster and per incident; a
 * shortened plain-text description and the HTML as content:encoded).
 * The document is built with xmlTextWriter, so every text is escaped by
 * libxml2; texts are also cleaned of what XML 1.0 cannot hold.
 */
#ifndef PUB_RSS_H
#define PUB_RSS_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/xmlwriter.h>
#include <time.h>

#include "store.h"
#include "strbuf.h"

struct pub_feed_item {
	const char *title;
	const char *link;
	const char *guid;	/* a tag: URI (store.h), never a link */
	time_t published;
	time_t updated;			/* last edit (Atom); RSS has no such field */
	const char *author;
	const char *categories[2];	/* cluster name, "Incident N"; NULL-padded */
	const char *summary;
	const char *html;		/* or NULL */
};

struct pub_feed {
	const char *title;
	const char *link;		/* the site */
	const char *description;
	const char *self_url;		/* this feed's own URL */
	const char *language;
	time_t updated;			/* 0: omit lastBuildDate */
	const struct pub_feed_item *items;
	size_t n_items;
};

/* Serializes feed as an RSS 2.0 document into out. */
bool pub_rss_write(const struct pub_feed *feed, struct ms_buf *out, struct ms_buf *err);

/*
 * A feed's XML document (RSS, Atom), indented, in UTF-8: body adds its
 * elements through w and returns -1 when a call failed. Appended to out;
 * on failure "cannot build WHAT 'TITLE'" in err.
 */
typedef int pub_feed_body(xmlTextWriterPtr w, const void *arg);
bool pub_feed_document(pub_feed_body *body, const void *arg, const char *what,
		       const char *title, struct ms_buf *out, struct ms_buf *err);

#endif
