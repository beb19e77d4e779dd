/*
 * atom: the Atom 1.0 renderer. See atom.h.
 */
#include "config.h"

#include <libxml/xmlwriter.h>
#include <string.h>

#include "atom.h"
#include "dates.h"
#include "text.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"

static int text_el(xmlTextWriterPtr w, const char *name, const char *type, const char *text)
{
	struct ms_buf clean = MS_BUF_INIT;
	int rc = 0;

	ms_text_add_xml_safe(&clean, text ? text : "", text ? strlen(text) : 0);
	rc |= xmlTextWriterStartElement(w, BAD_CAST name) < 0;
	if (type)
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type) < 0;
	rc |= xmlTextWriterWriteString(w, BAD_CAST ms_buf_str(&clean)) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	ms_buf_free(&clean);
	return rc ? -1 : 0;
}

static int date_el(xmlTextWriterPtr w, const char *name, time_t t)
{
	char date[PUB_DATE_MAX];

	return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST pub_rfc3339(date, t));
}

static int link_el(xmlTextWriterPtr w, const char *rel, const char *type, const char *href)
{
	struct ms_buf clean = MS_BUF_INIT;
	int rc = 0;

	ms_text_add_xml_safe(&clean, href ? href : "", href ? strlen(href) : 0);
	rc |= xmlTextWriterStartElement(w, BAD_CAST "link") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel) < 0;
	if (type)
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST ms_buf_str(&clean)) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	ms_buf_free(&clean);
	return rc ? -1 : 0;
}

static int author_el(xmlTextWriterPtr w, const char *name)
{
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, BAD_CAST "author") < 0;
	/* Atom requires a name; an empty one would not validate */
	rc |= text_el(w, "name", NULL, name && *name ? name : "Operations") < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

static int write_entry(xmlTextWriterPtr w, const struct pub_feed_item *it)
{
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, BAD_CAST "entry") < 0;
	rc |= text_el(w, "id", NULL, it->guid) < 0;
	rc |= text_el(w, "title", "text", it->title) < 0;
	rc |= date_el(w, "published", it->published) < 0;
	rc |= date_el(w, "updated", it->updated > it->published ? it->updated
		      : it->published) < 0;
	rc |= author_el(w, it->author) < 0;
	rc |= link_el(w, "alternate", "text/html", it->link) < 0;
	for (size_t i = 0; i < 2 && it->categories[i]; i++) {
		struct ms_buf clean = MS_BUF_INIT;
		const char *c = it->categories[i];
		ms_text_add_xml_safe(&clean, c, strlen(c));
		rc |= xmlTextWriterStartElement(w, BAD_CAST "category") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "term",
						  BAD_CAST ms_buf_str(&clean)) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
		ms_buf_free(&clean);
	}
	rc |= text_el(w, "summary", "text", it->summary) < 0;
	if (it->html)
		rc |= text_el(w, "content", "html", it->html) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

/* What an Atom document is written from: the feed, and its own URL. */
struct atom {
	const struct pub_feed *feed;
	const char *self_url;
};

static int write_feed(xmlTextWriterPtr w, const void *arg)
{
	const struct atom *a = arg;
	const struct pub_feed *f = a->feed;
	const char *self_url = a->self_url;
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, BAD_CAST "feed") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST NS_ATOM) < 0;
	if (f->language)
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang",
						  BAD_CAST f->language) < 0;
	rc |= text_el(w, "id", NULL, self_url) < 0;
	rc |= text_el(w, "title", "text", f->title) < 0;
	if (f->description)
		rc |= text_el(w, "subtitle", "text", f->description) < 0;
	rc |= date_el(w, "updated", f->updated) < 0;
	rc |= link_el(w, "self", "application/atom+xml", self_url) < 0;
	rc |= link_el(w, "alternate", "text/html", f->link) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "generator") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST PACKAGE_VERSION) < 0;
	rc |= xmlTextWriterWriteString(w, BAD_CAST PACKAGE_NAME "-publish") < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	for (size_t i = 0; i < f->n_items; i++)
		rc |= write_entry(w, &f->items[i]) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

bool pub_atom_write(const struct pub_feed *feed, const char *self_url,
		    struct ms_buf *out, struct ms_buf *err)
{
	const struct atom a = { feed, self_url };

	return pub_feed_document(write_feed, &a, "the Atom feed", feed->title, out, err);
}
