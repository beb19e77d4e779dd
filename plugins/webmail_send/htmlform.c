/*
 * htmlform: forms and scripts of a page, through libxml2. See htmlform.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "htmlform.h"
#include "httpclient.h"
#include "xalloc.h"

struct ms_html {
	htmlDocPtr doc;
};

struct ms_html *ms_html_parse(const char *data, size_t len)
{
	htmlDocPtr doc;

	if (!data || len == 0 || len > (size_t)INT32_MAX)
		return NULL;
	/*
	 * No network, no error output, repair what is broken; the encoding
	 * comes from the page's meta tag, UTF-8 when it has none.
	 */
	doc = htmlReadMemory(data, (int)len, NULL, NULL,
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			     HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc)
		return NULL;
	struct ms_html *h = ms_xcalloc(1, sizeof(*h));
	h->doc = doc;
	return h;
}

void ms_html_free(struct ms_html *doc)
{
	if (!doc)
		return;
	xmlFreeDoc(doc->doc);
	free(doc);
}

static bool is_element(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* An attribute's value as a new string ("" when absent). */
static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = ms_xstrdup(v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static bool has_attr(xmlNodePtr n, const char *name)
{
	return xmlHasProp(n, (const xmlChar *)name) != NULL;
}

/* Depth-first: the first element below (and including) n for which match() holds. */
static xmlNodePtr find_element(xmlNodePtr n, bool (*match)(xmlNodePtr, const void *),
			       const void *arg)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			if (match(n, arg))
				return n;
			xmlNodePtr found = find_element(n->children, match, arg);
			if (found)
				return found;
		}
	}
	return NULL;
}

static bool is_control(xmlNodePtr n)
{
	return is_element(n, "input") || is_element(n, "select") || is_element(n, "textarea") ||
	       is_element(n, "button");
}

static bool control_named(xmlNodePtr n, const void *arg)
{
	if (!is_control(n))
		return false;
	xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
	bool same = name && strcmp((const char *)name, arg) == 0;
	xmlFree(name);
	return same;
}

static bool form_with_control(xmlNodePtr n, const void *arg)
{
	return is_element(n, "form") && find_element(n->children, control_named, arg);
}

static void add_field(struct ms_form *form, const char *name, char *value)
{
	ms_xgrow(&form->fields, &form->cap, form->n + 1, sizeof(*form->fields));
	form->fields[form->n].name = ms_xstrdup(name);
	form->fields[form->n].value = value;
	form->n++;
}

static char *text_content(xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = ms_xstrdup(t ? (const char *)t : "");

	xmlFree(t);
	return s;
}

static bool option_match(xmlNodePtr n, const void *arg)
{
	(void)arg;
	return is_element(n, "option") && has_attr(n, "selected");
}

static bool any_option(xmlNodePtr n, const void *arg)
{
	(void)arg;
	return is_element(n, "option");
}

/* An option's value: its value attribute, else its text. */
static char *option_value(xmlNodePtr opt)
{
	return has_attr(opt, "value") ? attr(opt, "value") : text_content(opt);
}

/* What a browser submits for one control, or NULL when it submits nothing. */
static char *control_value(xmlNodePtr n)
{
	if (has_attr(n, "disabled"))
		return NULL;
	if (is_element(n, "textarea"))
		return text_content(n);
	if (is_element(n, "select")) {
		xmlNodePtr opt = find_element(n->children, option_match, NULL);
		if (!opt)
			opt = find_element(n->children, any_option, NULL);
		return opt ? option_value(opt) : NULL;
	}
	if (is_element(n, "button"))
		return NULL;	/* sent only when it is the one clicked */
	char *type = attr(n, "type");
	bool skip = strcasecmp(type, "submit") == 0 || strcasecmp(type, "button") == 0 ||
		    strcasecmp(type, "image") == 0 || strcasecmp(type, "reset") == 0 ||
		    strcasecmp(type, "file") == 0;
	bool checkable = strcasecmp(type, "checkbox") == 0 || strcasecmp(type, "radio") == 0;
	free(type);
	if (skip || (checkable && !has_attr(n, "checked")))
		return NULL;
	if (checkable && !has_attr(n, "value"))
		return ms_xstrdup("on");
	return attr(n, "value");
}

static void collect_controls(xmlNodePtr n, struct ms_form *form)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_control(n)) {
			char *name = attr(n, "name");
			char *value = name[0] ? control_value(n) : NULL;
			if (value)
				add_field(form, name, value);
			free(name);
			if (!is_element(n, "select") && !is_element(n, "textarea"))
				collect_controls(n->children, form);
		} else {
			collect_controls(n->children, form);
		}
	}
}

bool ms_html_find_form(const struct ms_html *doc, const char *control, struct ms_form *form)
{
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc->doc) : NULL;
	xmlNodePtr f = root ? find_element(root, form_with_control, control) : NULL;

	memset(form, 0, sizeof(*form));
	if (!f)
		return false;
	form->action = attr(f, "action");
	form->method = attr(f, "method");
	for (char *p = form->method; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	if (!form->method[0]) {
		free(form->method);
		form->method = ms_xstrdup("get");
	}
	collect_controls(f->children, form);
	return true;
}

static bool id_is(xmlNodePtr n, const void *arg)
{
	xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
	bool same = id && strcmp((const char *)id, arg) == 0;

	xmlFree(id);
	return same;
}

bool ms_html_add_controls(const struct ms_html *doc, const char *id, struct ms_form *form)
{
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc->doc) : NULL;
	xmlNodePtr e = root ? find_element(root, id_is, id) : NULL;

	if (!e)
		return false;
	collect_controls(e->children, form);
	return true;
}

const char *ms_form_get(const struct ms_form *form, const char *name)
{
	for (size_t i = 0; i < form->n; i++)
		if (strcmp(form->fields[i].name, name) == 0)
			return form->fields[i].value;
	return NULL;
}

void ms_form_set(struct ms_form *form, const char *name, const char *value)
{
	for (size_t i = 0; i < form->n; i++) {
		if (strcmp(form->fields[i].name, name) == 0) {
			free(form->fields[i].value);
			form->fields[i].value = ms_xstrdup(value);
			return;
		}
	}
	add_field(form, name, ms_xstrdup(value));
}

void ms_form_encode(const struct ms_form *form, struct ms_buf *out)
{
	for (size_t i = 0; i < form->n; i++) {
		if (i)
			ms_buf_putc(out, '&');
		ms_url_encode(out, form->fields[i].name);
		ms_buf_putc(out, '=');
		ms_url_encode(out, form->fields[i].value);
	}
}

void ms_form_free(struct ms_form *form)
{
	for (size_t i = 0; i < form->n; i++) {
		free(form->fields[i].name);
		free(form->fields[i].value);
	}
	free(form->fields);
	free(form->action);
	free(form->method);
	memset(form, 0, sizeof(*form));
}

static void scripts_below(xmlNodePtr n, struct ms_buf *out)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_element(n, "script")) {
			xmlChar *t = xmlNodeGetContent(n);
			if (t)
				ms_buf_puts(out, (const char *)t);
			ms_buf_putc(out, '\n');
			xmlFree(t);
		} else {
			scripts_below(n->children, out);
		}
	}
}

void ms_html_scripts(const struct ms_html *doc, struct ms_buf *out)
{
	if (doc)
		scripts_below(xmlDocGetRootElement(doc->doc), out);
}
