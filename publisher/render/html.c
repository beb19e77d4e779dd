/*
 * html: post bodies built as libxml2 trees. See html.h.
 */
#include "config.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "strbuf.h"
#include "text.h"
#include "xalloc.h"

struct pub_html {
	xmlDocPtr doc;
	xmlNodePtr root;	/* a <div> whose children are the fragment */
	struct ms_buf text;
};

struct pub_html *pub_html_new(void)
{
	struct pub_html *h = ms_xcalloc(1, sizeof(*h));

	h->doc = xmlNewDoc(BAD_CAST "1.0");
	h->root = xmlNewDocNode(h->doc, NULL, BAD_CAST "div", NULL);
	if (h->doc == NULL || h->root == NULL)
		ms_oom();
	xmlDocSetRootElement(h->doc, h->root);
	return h;
}

/* Cleans outside bytes into a C string for libxml2 (which escapes it). */
static char *safe(const char *s, size_t n)
{
	struct ms_buf b = MS_BUF_INIT;

	ms_text_add_xml_safe(&b, s, n);
	return ms_buf_steal(&b);
}

static void add_text(xmlNodePtr parent, const char *s, size_t n)
{
	char *clean = safe(s, n);

	xmlAddChild(parent, xmlNewText(BAD_CAST clean));
	free(clean);
}

static void text_para_break(struct pub_html *h)
{
	if (h->text.len > 0)
		ms_buf_putc(&h->text, '\n');
}

void pub_html_para(struct pub_html *h, const char *text)
{
	xmlNodePtr p = xmlNewChild(h->root, NULL, BAD_CAST "p", NULL);

	add_text(p, text, strlen(text));
	text_para_break(h);
	ms_text_add_xml_safe(&h->text, text, strlen(text));
}

void pub_html_para_lead(struct pub_html *h, const char *lead, const char *text)
{
	xmlNodePtr p = xmlNewChild(h->root, NULL, BAD_CAST "p", NULL);
	xmlNodePtr strong = xmlNewChild(p, NULL, BAD_CAST "strong", NULL);

	add_text(strong, lead, strlen(lead));
	xmlAddChild(p, xmlNewText(BAD_CAST " "));
	add_text(p, text, strlen(text));
	text_para_break(h);
	ms_text_add_xml_safe(&h->text, lead, strlen(lead));
	ms_buf_putc(&h->text, ' ');
	ms_text_add_xml_safe(&h->text, text, strlen(text));
}

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

void pub_html_message(struct pub_html *h, const char *text, size_t len)
{
	xmlNodePtr para = NULL;
	const char *end = text + len;

	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);

		if (n > 0 && text[n - 1] == '\r')
			n--;
		if (blank_line(text, n)) {
			para = NULL;
		} else {
			if (para == NULL) {
				para = xmlNewChild(h->root, NULL, BAD_CAST "p", NULL);
				text_para_break(h);
			} else {
				xmlNewChild(para, NULL, BAD_CAST "br", NULL);
				xmlAddChild(para, xmlNewText(BAD_CAST "\n"));
				ms_buf_putc(&h->text, ' ');
			}
			add_text(para, text, n);
			ms_text_add_xml_safe(&h->text, text, n);
		}
		text = nl ? nl + 1 : end;
	}
}

void pub_html_finish(struct pub_html *h, char **html, char **text)
{
	xmlBufferPtr buf = xmlBufferCreate();
	struct ms_buf out = MS_BUF_INIT;

	if (buf == NULL)
		ms_oom();
	for (xmlNodePtr n = h->root->children; n; n = n->next) {
		xmlBufferEmpty(buf);
		if (xmlNodeDump(buf, h->doc, n, 0, 0) < 0)
			ms_oom();
		ms_buf_add(&out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
		ms_buf_putc(&out, '\n');
	}
	xmlBufferFree(buf);
	*html = ms_buf_steal(&out);
	*text = ms_buf_steal(&h->text);
	xmlFreeDoc(h->doc);
	free(h);
}

char *pub_summary(const char *text, size_t max_words)
{
	struct ms_buf b = MS_BUF_INIT;
	size_t words = 0;
	const char *s = text;

	while (*s) {
		const char *start = s;
		while (*s && *s != ' ' && *s != '\n')
			s++;
		if (s > start && ++words > max_words) {
			/* cut before this word; drop trailing spaces */
			size_t keep = b.len;
			while (keep > 0 && (b.data[keep - 1] == ' ' || b.data[keep - 1] == '\n'))
				keep--;
			ms_buf_truncate(&b, keep);
			ms_buf_puts(&b, " [...]");
			return ms_buf_steal(&b);
		}
		ms_buf_add(&b, start, (size_t)(s - start));
		if (*s)
			ms_buf_putc(&b, *s++);
	}
	return ms_buf_steal(&b);
}
