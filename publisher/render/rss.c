/*
 * rss: the RSS 2.0 renderer. See rss.h.
 */
#include "config.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "rss.h"
#include "text.h"

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_SY "http://purl.org/rss/1.0/modules/syndication/"

/* Writes <name>text</name> with text cleaned; every call's result is checked. */
static int element(xmlTextWriterPtr w, const char *name, const char *text)
{
	struct ms_buf clean = MS_BUF_INIT;
	int rc;

	ms_text_add_xml_safe(&clean, text ? text : "", text ? strlen(text) : 0);
	rc = xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST ms_buf_str(&clean));
	ms_buf_free(&clean);
	return rc;
}

static int write_item(xmlTextWriterPtr w, const struct pub_feed_item *it)
{
	char date[PUB_DATE_MAX];
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, BAD_CAST "item") < 0;
	rc |= element(w, "title", it->title) < 0;
	rc |= element(w, "link", it->link) < 0;
	rc |= element(w, "pubDate", pub_rfc822(date, it->published, false)) < 0;
	rc |= element(w, "dc:creator", it->author) < 0;
	for (size_t i = 0; i < 2 && it->categories[i]; i++)
		rc |= element(w, "category", it->categories[i]) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "guid") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "isPermaLink", BAD_CAST "false") < 0;
	rc |= xmlTextWriterWriteString(w, BAD_CAST it->guid) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= element(w, "description", it->summary) < 0;
	if (it->html)
		rc |= element(w, "content:encoded", it->html) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

static int write_channel(xmlTextWriterPtr w, const struct pub_feed *f)
{
	char date[PUB_DATE_MAX];
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, BAD_CAST "channel") < 0;
	rc |= element(w, "title", f->title) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "atom:link") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST f->self_url) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "self") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type",
					  BAD_CAST "application/rss+xml") < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= element(w, "link", f->link) < 0;
	rc |= element(w, "description", f->description) < 0;
	if (f->updated > 0)
		rc |= element(w, "lastBuildDate", pub_rfc822(date, f->updated, false)) < 0;
	rc |= element(w, "generator", PACKAGE_NAME "-publish " PACKAGE_VERSION) < 0;
	rc |= element(w, "language", f->language) < 0;
	rc |= element(w, "sy:updatePeriod", "hourly") < 0;
	rc |= element(w, "sy:updateFrequency", "1") < 0;
	for (size_t i = 0; i < f->n_items; i++)
		rc |= write_item(w, &f->items[i]) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

/* The <rss> element with its namespaces, and the channel. */
static int write_rss(xmlTextWriterPtr w, const void *feed)
{
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, BAD_CAST "rss") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "2.0") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:content", BAD_CAST NS_CONTENT) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:dc", BAD_CAST NS_DC) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:atom", BAD_CAST NS_ATOM) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:sy", BAD_CAST NS_SY) < 0;
	rc |= write_channel(w, feed) < 0;
	return rc ? -1 : 0;
}

bool pub_rss_write(const struct pub_feed *feed, struct ms_buf *out, struct ms_buf *err)
{
	return pub_feed_document(write_rss, feed, "the feed", feed->title, out, err);
}

bool pub_feed_document(pub_feed_body *body, const void *arg, const char *what,
		       const char *title, struct ms_buf *out, struct ms_buf *err)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	int rc = 0;

	if (w == NULL) {
		if (buf)
			xmlBufferFree(buf);
		ms_buf_puts(err, "cannot create an XML writer (out of memory)");
		return false;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= body(w, arg) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);	/* flushes into buf */
	if (rc) {
		ms_buf_printf(err, "cannot build %s '%s'", what, title);
		xmlBufferFree(buf);
		return false;
	}
	ms_buf_add(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	xmlBufferFree(buf);
	return true;
}
