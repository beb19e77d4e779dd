/*
 * page: status pages as libxml2 HTML trees. See page.h.
 */
#include "config.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "text.h"
#include "xalloc.h"

/* Outside bytes made fit for a libxml2 text node (which escapes them). */
static char *clean(const char *s)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_xml_safe(&b, s ? s : "", s ? strlen(s) : 0);
	return ms_buf_steal(&b);
}

/* Printable ASCII, which clean() would copy unchanged: most of what a page says. */
static bool plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
			return false;
	return true;
}

void pub_text(xmlNodePtr parent, const char *text)
{
	char *c = text != NULL && plain_ascii(text) ? NULL : clean(text);
	xmlNodePtr t = xmlNewDocText(parent->doc, BAD_CAST(c != NULL ? c : text));

	free(c);
	if (t == NULL || xmlAddChild(parent, t) == NULL)
		ms_oom();
}

void pub_attr(xmlNodePtr node, const char *name, const char *value)
{
	char *c = value != NULL && plain_ascii(value) ? NULL : clean(value);

	if (xmlSetProp(node, BAD_CAST name, BAD_CAST(c != NULL ? c : value)) == NULL)
		ms_oom();
	free(c);
}

void pub_markup(xmlNodePtr parent, const char *markup, size_t len)
{
	xmlNodePtr t = xmlNewDocTextLen(parent->doc, BAD_CAST markup, (int)len);

	if (t == NULL)
		ms_oom();
	/* the HTML serializer writes such a text node's content unescaped */
	t->name = xmlStringTextNoenc;
	if (xmlAddChild(parent, t) == NULL)
		ms_oom();
}

xmlNodePtr pub_el(xmlNodePtr parent, const char *name, const char *cls, const char *text)
{
	xmlNodePtr n = xmlNewDocNode(parent->doc, NULL, BAD_CAST name, NULL);

	if (n == NULL || xmlAddChild(parent, n) == NULL)
		ms_oom();
	if (cls)
		pub_attr(n, "class", cls);
	if (text)
		pub_text(n, text);
	return n;
}

xmlNodePtr pub_link(const struct pub_page *pg, xmlNodePtr parent, const char *path,
		    const char *text)
{
	struct ms_buf href = MS_BUF_INIT;
	xmlNodePtr a = pub_el(parent, "a", NULL, text);

	ms_buf_printf(&href, "%s%s", pg->root, path);
	pub_attr(a, "href", href.data);
	ms_buf_free(&href);
	return a;
}

/* <meta name= content=> or <link rel= ...> in head */
static void head_meta(xmlNodePtr head, const char *name, const char *content)
{
	xmlNodePtr m = pub_el(head, "meta", NULL, NULL);

	pub_attr(m, "name", name);
	pub_attr(m, "content", content);
}

static void head_link(const struct pub_page *pg, xmlNodePtr head, const char *rel,
		      const char *type, const char *title, const char *path)
{
	struct ms_buf href = MS_BUF_INIT;
	xmlNodePtr l = pub_el(head, "link", NULL, NULL);

	ms_buf_printf(&href, "%s%s", pg->root, path);
	pub_attr(l, "rel", rel);
	if (type)
		pub_attr(l, "type", type);
	if (title)
		pub_attr(l, "title", title);
	pub_attr(l, "href", href.data);
	ms_buf_free(&href);
}

/* The stylesheet and every feed's and calendar's <link rel="alternate">. */
static void head_links(const struct pub_page *pg, xmlNodePtr head, const struct pub_page_info *in)
{
	head_link(pg, head, "stylesheet", "text/css", NULL, "status.css");
	for (size_t i = 0; i < in->n_feeds; i++)
		head_link(pg, head, "alternate",
			  in->feeds[i].atom ? "application/atom+xml" : "application/rss+xml",
			  in->feeds[i].title, in->feeds[i].href);
	for (size_t i = 0; i < in->n_calendars; i++) {
		struct ms_buf t = MS_BUF_INIT;

		ms_buf_printf(&t, "Maintenance: %s (iCalendar)", in->calendars[i].title);
		head_link(pg, head, "alternate", "text/calendar", t.data, in->calendars[i].href);
		ms_buf_free(&t);
	}
}

/* The footer's "Follow:" and "Maintenance calendars:" paragraphs. */
static void footer_lists(const struct pub_page *pg, xmlNodePtr foot,
			 const struct pub_page_info *in)
{
	xmlNodePtr p;

	if (in->n_feeds > 0) {
		p = pub_el(foot, "p", "feeds", "Follow: ");
		for (size_t i = 0; i < in->n_feeds; i++) {
			if (i > 0)
				pub_text(p, " \xC2\xB7 ");
			pub_link(pg, p, in->feeds[i].href, in->feeds[i].title);
		}
	}
	if (in->n_calendars > 0) {
		p = pub_el(foot, "p", "calendars", "Maintenance calendars: ");
		for (size_t i = 0; i < in->n_calendars; i++) {
			if (i > 0)
				pub_text(p, " \xC2\xB7 ");
			pub_link(pg, p, in->calendars[i].href, in->calendars[i].title);
		}
	}
}

/* --- the chrome: those links serialized once per root ----------------- */

struct chrome_entry {
	char *root;
	char *head;		/* head_links' markup */
	char *footer;		/* footer_lists' markup ("" when there are none) */
};

struct pub_page_chrome {
	struct chrome_entry *entries;
	size_t n, cap;
};

struct pub_page_chrome *pub_page_chrome_new(void)
{
	return ms_xcalloc(1, sizeof(struct pub_page_chrome));
}

void pub_page_chrome_free(struct pub_page_chrome *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->entries[i].root);
		free(c->entries[i].head);
		free(c->entries[i].footer);
	}
	free(c->entries);
	free(c);
}

/*
 * The children of parent as the page's serializer writes them in
 * place of a markup node: the serializer's line break after each
 * element (a text node gets none, so the markup brings it), one before
 * them for the element before the markup, none inside a paragraph.
 */
static char *serialize_children(htmlDocPtr doc, xmlNodePtr parent)
{
	/* no encoder: the bytes stay in out's buffer (UTF-8 in, UTF-8 out) */
	xmlOutputBufferPtr out = xmlAllocOutputBuffer(NULL);
	struct ms_buf b = MS_BUF_INIT;

	if (out == NULL)
		ms_oom();
	for (xmlNodePtr n = parent->children; n != NULL; n = n->next) {
		xmlOutputBufferWriteString(out, "\n");
		htmlNodeDumpFormatOutput(out, doc, n, "UTF-8", 0);
	}
	if (parent->children != NULL)
		xmlOutputBufferWriteString(out, "\n");
	ms_buf_add(&b, xmlOutputBufferGetContent(out), xmlOutputBufferGetSize(out));
	xmlOutputBufferClose(out);
	return ms_buf_steal(&b);
}

/* The chrome of pg's root: made the first time, from elements in a scratch tree. */
static const struct chrome_entry *chrome_of(const struct pub_page *pg,
					    const struct pub_page_info *in)
{
	struct pub_page_chrome *c = in->chrome;
	struct chrome_entry *e;
	struct pub_page scratch = { NULL, NULL, NULL, pg->root };
	xmlNodePtr head, foot;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->entries[i].root, pg->root) == 0)
			return &c->entries[i];
	scratch.doc = htmlNewDocNoDtD(NULL, NULL);
	if (scratch.doc == NULL)
		ms_oom();
	head = xmlNewDocNode(scratch.doc, NULL, BAD_CAST "head", NULL);
	foot = xmlNewDocNode(scratch.doc, NULL, BAD_CAST "div", NULL);
	if (head == NULL || foot == NULL)
		ms_oom();
	xmlDocSetRootElement(scratch.doc, head);
	xmlAddNextSibling(head, foot);
	head_links(&scratch, head, in);
	footer_lists(&scratch, foot, in);
	ms_xgrow(&c->entries, &c->cap, c->n + 1, sizeof(*c->entries));
	e = &c->entries[c->n++];
	e->root = ms_xstrdup(pg->root);
	e->head = serialize_children(scratch.doc, head);
	e->footer = serialize_children(scratch.doc, foot);
	xmlFreeDoc(scratch.doc);
	return e;
}

static void build_head(struct pub_page *pg, xmlNodePtr html, const struct pub_page_info *in)
{
	xmlNodePtr head = pub_el(html, "head", NULL, NULL);
	xmlNodePtr meta = pub_el(head, "meta", NULL, NULL);
	struct ms_buf title = MS_BUF_INIT;

	/* the serializer writes the charset meta itself; this one keeps it first */
	pub_attr(meta, "http-equiv", "Content-Type");
	pub_attr(meta, "content", "text/html; charset=UTF-8");
	head_meta(head, "viewport", "width=device-width, initial-scale=1");
	if (in->page_title)
		ms_buf_printf(&title, "%s - %s", in->page_title, in->site_title);
	else
		ms_buf_puts(&title, in->site_title);
	pub_el(head, "title", NULL, title.data);
	ms_buf_free(&title);
	if (in->chrome != NULL) {
		const char *m = chrome_of(pg, in)->head;
		pub_markup(head, m, strlen(m));
	} else {
		head_links(pg, head, in);
	}
}

static void build_banner(struct pub_page *pg, const struct pub_page_info *in)
{
	xmlNodePtr banner = pub_el(pg->body, "div", "banner", NULL);
	xmlNodePtr nav, h;

	pub_attr(banner, "role", "banner");
	h = pub_el(banner, "p", "site-title", NULL);
	if (in->logo) {
		/* the title beside it says what it is: the image is decoration (alt="") */
		xmlNodePtr a = pub_link(pg, h, "index.html", NULL), img;
		struct ms_buf src = MS_BUF_INIT;

		img = pub_el(a, "img", "logo", NULL);
		ms_buf_printf(&src, "%s%s", pg->root, in->logo);
		pub_attr(img, "src", src.data);
		pub_attr(img, "alt", "");
		ms_buf_free(&src);
		pub_text(a, " ");
		pub_text(a, in->site_title);
	} else {
		pub_link(pg, h, "index.html", in->site_title);
	}
	nav = pub_el(banner, "ul", "nav", NULL);
	pub_attr(nav, "role", "navigation");
	pub_attr(nav, "aria-label", "Site");
	pub_link(pg, pub_el(nav, "li", NULL, NULL), "index.html", "Current status");
	pub_link(pg, pub_el(nav, "li", NULL, NULL), "history.html", "Incident history");
	pub_link(pg, pub_el(nav, "li", NULL, NULL), "status.json", "JSON");
}

static void build_footer(struct pub_page *pg, const struct pub_page_info *in)
{
	xmlNodePtr foot = pub_el(pg->body, "div", "footer", NULL);
	const char *m;

	pub_attr(foot, "role", "contentinfo");
	if (in->zone_note)
		pub_el(foot, "p", NULL, in->zone_note);
	if (in->chrome == NULL)
		footer_lists(pg, foot, in);
	else if (*(m = chrome_of(pg, in)->footer) != '\0')
		pub_markup(foot, m, strlen(m));
	pub_el(foot, "p", NULL, "Generated by " PACKAGE_NAME "-publish " PACKAGE_VERSION
	       "; this page needs no JavaScript.");
}

void pub_page_begin(struct pub_page *pg, const struct pub_page_info *in)
{
	xmlNodePtr html;

	memset(pg, 0, sizeof(*pg));
	pg->root = ms_xstrdup(in->root ? in->root : "");
	pg->doc = htmlNewDocNoDtD(NULL, NULL);
	if (pg->doc == NULL ||
	    xmlCreateIntSubset(pg->doc, BAD_CAST "html", NULL, NULL) == NULL)
		ms_oom();
	/* element and attribute names once per page, not once per node (xmlFreeDoc frees it) */
	if ((pg->doc->dict = xmlDictCreate()) == NULL)
		ms_oom();
	html = xmlNewDocNode(pg->doc, NULL, BAD_CAST "html", NULL);
	if (html == NULL)
		ms_oom();
	xmlDocSetRootElement(pg->doc, html);
	pub_attr(html, "lang", in->language ? in->language : "en");
	build_head(pg, html, in);
	pg->body = pub_el(html, "body", NULL, NULL);
	build_banner(pg, in);
	pg->main = pub_el(pg->body, "div", "main", NULL);
	pub_attr(pg->main, "role", "main");
	/* the footer is built now; what callers add to main stays above it */
	build_footer(pg, in);
}

bool pub_page_end(struct pub_page *pg, struct ms_buf *out, struct ms_buf *err)
{
	xmlChar *mem = NULL;
	int len = 0;

	htmlDocDumpMemoryFormat(pg->doc, &mem, &len, 1);
	xmlFreeDoc(pg->doc);
	free(pg->root);
	pg->doc = NULL;
	pg->root = NULL;
	if (mem == NULL || len <= 0) {
		xmlFree(mem);
		ms_buf_puts(err, "cannot serialize a page (out of memory)");
		return false;
	}
	ms_buf_add(out, mem, (size_t)len);
	xmlFree(mem);
	return true;
}

void pub_state_mark(xmlNodePtr parent, const char *kind, const char *label)
{
	/* shapes differ as colours do: circle, triangle, square, diamond */
	static const struct { const char *kind, *glyph; } shapes[] = {
		{ "up", "\xE2\x97\x8F" },		/* U+25CF black circle */
		{ "impaired", "\xE2\x96\xB2" },		/* U+25B2 black up-pointing triangle */
		{ "down", "\xE2\x96\xA0" },		/* U+25A0 black square */
		{ "maintenance", "\xE2\x97\x86" },	/* U+25C6 black diamond */
		{ "unknown", "\xE2\x97\x8B" },		/* U+25CB white circle */
	};
	const char *glyph = shapes[4].glyph;
	struct ms_buf cls = MS_BUF_INIT;
	xmlNodePtr mark;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (strcmp(shapes[i].kind, kind) == 0)
			glyph = shapes[i].glyph;
	ms_buf_printf(&cls, "mark mark-%s", kind);
	mark = pub_el(parent, "span", cls.data, NULL);
	pub_attr(pub_el(mark, "span", "shape", glyph), "aria-hidden", "true");
	if (label)
		pub_el(mark, "span", "label", label);
	ms_buf_free(&cls);
}

static const char *const kept_elements[] = {
	"p", "br", "strong", "em", "ul", "ol", "li", "code", NULL
};

static bool kept(const char *name)
{
	for (size_t i = 0; kept_elements[i]; i++)
		if (strcmp(kept_elements[i], name) == 0)
			return true;
	return false;
}

static void copy_kept(xmlNodePtr to, xmlNodePtr from)
{
	for (xmlNodePtr n = from->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			pub_text(to, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
				continue;	/* their text is not for readers */
			copy_kept(kept(name) ? pub_el(to, name, NULL, NULL) : to, n);
		}
	}
}

void pub_fragment(xmlNodePtr parent, const char *html)
{
	size_t len = html ? strlen(html) : 0;
	htmlDocPtr doc;
	xmlNodePtr root, body = NULL;

	if (len == 0 || len > 1 << 24)
		return;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
			     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (doc == NULL)
		return;
	/* the parser puts the fragment into an implied html/body */
	root = xmlDocGetRootElement(doc);
	for (xmlNodePtr c = root ? root->children : NULL; c && body == NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "body") == 0)
			body = c;
	if (body)
		copy_kept(parent, body);
	xmlFreeDoc(doc);
}
