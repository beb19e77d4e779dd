/*
 * htmlform: what a browser would submit from a web page's form.
 *
 * Pages are parsed with libxml2's HTML parser (which repairs broken
 * markup as browsers do), never searched as strings. A form is found by
 * one of its controls; its fields are what a browser sends when the user
 * changes nothing: inputs (checkboxes and radio buttons only when
 * checked), each select's selected option (or its first) and textareas.
 * The caller then fills in its own values (user, password, recipient) and
 * encodes the whole form as a request body.
 *
 * The texts of the page's <script> elements are available too, for the
 * webmails that put their tokens and state into JavaScript.
 */
#ifndef MS_HTMLFORM_H
#define MS_HTMLFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

struct ms_html;

/* Parses a page of len bytes; NULL when nothing can be made of it. */
struct ms_html *ms_html_parse(const char *data, size_t len);
void ms_html_free(struct ms_html *doc);

struct ms_form_field {
	char *name;
	char *value;
};

struct ms_form {
	char *action;		/* as written in the page ("" when none) */
	char *method;		/* lower case; "get" when none */
	struct ms_form_field *fields;
	size_t n, cap;
};

/*
 * Finds the first form that has a control named control and fills form
 * (free it with ms_form_free). False when the page has no such form.
 */
bool ms_html_find_form(const struct ms_html *doc, const char *control, struct ms_form *form);

/*
 * Adds the controls inside the element with id to form, for pages whose
 * scripts copy controls from outside the form into it before submitting
 * (Roundcube's compose options). False when there is no such element.
 */
bool ms_html_add_controls(const struct ms_html *doc, const char *id, struct ms_form *form);

/* The value of the first field named name, or NULL. */
const char *ms_form_get(const struct ms_form *form, const char *name);

/* Sets the first field named name to value, adding it when missing. */
void ms_form_set(struct ms_form *form, const char *name, const char *value);

/* Appends the fields as application/x-www-form-urlencoded. */
void ms_form_encode(const struct ms_form *form, struct ms_buf *out);

void ms_form_free(struct ms_form *form);

/* Appends the text of every <script> element, each followed by '\n'. */
void ms_html_scripts(const struct ms_html *doc, struct ms_buf *out);

#endif
