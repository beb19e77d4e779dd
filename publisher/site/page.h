/*
 * page: the skeleton and the building blocks of every status page.
 *
 * A page is a libxml2 HTML tree, serialized once at the end: text from
 * monitoring, the config or the store only ever becomes a text node or an
 * attribute value, cleaned of invalid UTF-8 and control characters first,
 * so it can never become markup. Pages use HTML 4 elements with ARIA roles
 * (no HTML5-only elements), so `xmllint --html` checks them as they are,
 * load nothing from elsewhere and need no JavaScript.
 */
#ifndef PUB_PAGE_H
#define PUB_PAGE_H

#include <libxml/HTMLtree.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* A feed the page announces with <link rel="alternate">. */
struct pub_page_feed {
	const char *title;
	const char *href;	/* relative to the site root */
	bool atom;		/* else RSS */
};

/*
 * What every page of a site has the same but for its root: the head's
 * links and the footer's lists of feeds and calendars (two hundred links
 * on a site of 50 clusters), serialized once per root and put into each
 * page as markup. Made by pub_page_chrome_new for one site's pages (the
 * feeds and calendars must stay the same); NULL in pub_page_info builds
 * them as elements every time.
 */
struct pub_page_chrome;
struct pub_page_chrome *pub_page_chrome_new(void);
void pub_page_chrome_free(struct pub_page_chrome *c);

struct pub_page_info {
	const char *site_title;
	const char *page_title;	/* NULL for the front page */
	const char *root;	/* the site root relative to the page: "" or "../" */
	const char *language;
	const char *zone_note;	/* "Times are UTC." */
	const struct pub_page_feed *feeds;
	size_t n_feeds;
	const struct pub_page_feed *calendars;	/* text/calendar alternates (atom unused) */
	size_t n_calendars;
	const char *logo;	/* an image beside the site title, relative to the root, or NULL */
	struct pub_page_chrome *chrome;	/* serialized links, kept; NULL: none */
};

struct pub_page {
	htmlDocPtr doc;
	xmlNodePtr body;
	xmlNodePtr main;	/* where the page's content goes */
	char *root;
};

/* The document with head, banner, navigation and an empty main part. */
void pub_page_begin(struct pub_page *pg, const struct pub_page_info *info);

/* Serializes (appending to out) and frees the tree. */
bool pub_page_end(struct pub_page *pg, struct ms_buf *out, struct ms_buf *err);

/* <name class="cls">text</name> appended to parent; cls and text may be NULL. */
xmlNodePtr pub_el(xmlNodePtr parent, const char *name, const char *cls, const char *text);
/* Appends cleaned text. */
void pub_text(xmlNodePtr parent, const char *text);
/* Sets an attribute to a cleaned value. */
void pub_attr(xmlNodePtr node, const char *name, const char *value);
/*
 * Appends markup the caller wrote itself, serialized as it is (a libxml2
 * text node marked "no escaping"): for a long run of uniform elements,
 * such as the 90 days of an uptime strip, that would otherwise cost a
 * node per element and attribute. Only for markup made of the program's
 * own words and numbers: anything from outside goes through pub_el,
 * pub_text and pub_attr. parent must have no text child last (libxml2
 * would merge the two and escape both).
 */
void pub_markup(xmlNodePtr parent, const char *markup, size_t len);
/* <a href="root+path">text</a>; path is relative to the site root. */
xmlNodePtr pub_link(const struct pub_page *pg, xmlNodePtr parent, const char *path,
		    const char *text);

/*
 * The state mark: a shape and a word, so colour is never the only sign.
 * kind is one of up, impaired, down, maintenance, unknown; label is the
 * word shown ("Online", "Degraded"), or NULL where the text next to the
 * mark says it ("online for 12 days").
 */
void pub_state_mark(xmlNodePtr parent, const char *kind, const char *label);

/*
 * A post body (an HTML fragment from the store) copied into parent,
 * keeping only p, br, strong, em, ul, ol, li and code without attributes:
 * the store is ours, but a page must not trust a file it did not build.
 */
void pub_fragment(xmlNodePtr parent, const char *html);

#endif
