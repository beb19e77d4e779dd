/*
 * body_text: a post's body as plain text, for the deliveries' "text".
 *
 * The store keeps a post's body as the HTML fragment render/html.c made
 * (paragraphs, <strong>, <br/>); a receiver or a mail reader without HTML
 * gets its words: paragraphs apart by a blank line, a <br/> a line break.
 */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "deliver.h"
#include "strbuf.h"

static void add_node_text(struct ms_buf *b, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			ms_buf_puts(b, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			bool block = xmlStrcmp(n->name, BAD_CAST "p") == 0 ||
				     xmlStrcmp(n->name, BAD_CAST "div") == 0 ||
				     xmlStrcmp(n->name, BAD_CAST "ul") == 0 ||
				     xmlStrcmp(n->name, BAD_CAST "li") == 0;

			if (xmlStrcmp(n->name, BAD_CAST "br") == 0) {
				ms_buf_putc(b, '\n');
				continue;
			}
			if (block && b->len > 0 && b->data[b->len - 1] != '\n')
				ms_buf_puts(b, "\n\n");
			else if (block && b->len > 1 && b->data[b->len - 2] != '\n')
				ms_buf_putc(b, '\n');
			add_node_text(b, n->children);
		}
	}
}

char *pub_body_text(const char *html)
{
	struct ms_buf doc = MS_BUF_INIT, text = MS_BUF_INIT;
	xmlDocPtr d;

	ms_buf_printf(&doc, "<div>%s</div>", html);
	d = xmlReadMemory(doc.data, (int)doc.len, NULL, "UTF-8",
			  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ms_buf_free(&doc);
	if (d == NULL)
		return NULL;
	add_node_text(&text, xmlDocGetRootElement(d)->children);
	xmlFreeDoc(d);
	while (text.len > 0 && text.data[text.len - 1] == '\n')
		ms_buf_truncate(&text, text.len - 1);
	ms_buf_puts(&text, "");	/* a string even when empty */
	return ms_buf_steal(&text);
}
