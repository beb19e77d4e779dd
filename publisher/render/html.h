/*
 * html: the body of a post, as an HTML fragment and as plain text.
 *
 * A post is built paragraph by paragraph; libxml2 builds the markup, so
 * text from monitoring or from an operator's message file can never
 * become markup. The same calls build the plain-text summary that feeds
 * use as <description>.
 */
#ifndef PUB_HTML_H
#define PUB_HTML_H

#include <stddef.h>

struct pub_html;

struct pub_html *pub_html_new(void);
/* <p>text</p>; text is cleaned (invalid UTF-8, control characters). */
void pub_html_para(struct pub_html *h, const char *text);
/* <p><strong>lead</strong> text</p>: "[16:57] The faulty server ..." */
void pub_html_para_lead(struct pub_html *h, const char *lead, const char *text);
/*
 * An operator's plain-text message: paragraphs separated by blank lines,
 * lines within a paragraph joined by <br/>.
 */
void pub_html_message(struct pub_html *h, const char *text, size_t len);
/* The serialized fragment and the plain text; both to be freed. */
void pub_html_finish(struct pub_html *h, char **html, char **text);

/*
 * The plain text shortened to about max_words words, with " [...]" as the
 * seed's feed does when something was cut.
 */
char *pub_summary(const char *text, size_t max_words);

#endif
